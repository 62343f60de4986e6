"""Ordering, matching and case-study items on the exam screen: shown, autosaved, scored all or nothing, and
reviewed after the end, with nothing of the key on any page before it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.bootstrap import load_shipped_bank
from app.config import Settings
from app.db import migrate
from app.db.tables import AttemptItem, QuestionVersion
from app.main import create_app
from tests.conftest import T0, TESTS, adopt_csrf_token, create_pg_database, drop_pg_database
from tests.web.helpers import start

ITEM_TYPES_BANK = TESTS / "data" / "bank-item-types"
HX = {"HX-Request": "true"}


@pytest.fixture(params=["sqlite", "postgresql"])
def items_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'items.db'}"
    else:
        name, url = create_pg_database(request.getfixturevalue("pg_server"))
        request.addfinalizer(lambda: drop_pg_database(request.getfixturevalue("pg_server"), name))
    migrate.upgrade(url)
    load_shipped_bank(url, ITEM_TYPES_BANK, now=T0)
    return url


@pytest.fixture
def items_app(items_url, tmp_path, clock):
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=items_url,
        secret_key="test-secret",
        bank_dir=ITEM_TYPES_BANK,
        load_bank=False,
        allowed_hosts="testserver",
    )
    application = create_app(settings)
    application.state.clock = clock
    yield application
    application.state.engine.dispose()


@pytest.fixture
def items_client(items_app):
    with TestClient(items_app, follow_redirects=False) as client:
        adopt_csrf_token(client)
        yield client


@pytest.fixture
def items_admin(items_client, items_app):
    """The browser of `items_client`, signed in as an administrator."""
    from app.db import users
    from app.services.credentials import hash_password

    with Session(items_app.state.engine) as session:
        users.register(
            session=session, guest=None, email="r@example.com", now=T0, role="admin", password_hash=hash_password("x")
        )
    items_client.post("/signin", data={"email": "r@example.com", "password": "x"})
    return items_client


def positions(app, attempt_id: str) -> dict[str, dict]:
    """Per question id: its position, its type and, in display letters, its key as a page would send it."""
    with Session(app.state.engine) as session:
        rows = session.exec(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id)).all()
        found = {}
        for row in rows:
            content = session.get(QuestionVersion, row.version_id).content
            order = row.option_order.split(",")
            letter = {stored: chr(ord("A") + i) for i, stored in enumerate(order)}
            key = content["key"]
            if content["type"] == "matching":
                sent = [f"{prompt}={letter[option]}" for prompt, option in key.items()]
            elif content["type"] == "ordering":
                sent = [f"{n}={letter[option]}" for n, option in enumerate(key, start=1)]
            else:
                sent = [letter[option] for option in key]
            found[row.question_slug] = {"position": row.position, "key": sent, "row": row}
        return found


def save(client, attempt, position, choice, before=None):
    data = {"choice": choice} if before is None else {"choice": choice, "before": before}
    return client.post(f"/attempts/{attempt}/questions/{position}/answer", data=data, headers=HX)


def stored(app, attempt, slug) -> str:
    return positions(app, attempt)[slug]["row"].selection


def test_a_case_studys_questions_sit_together_and_each_shows_the_scenario(items_client, items_app):
    attempt = start(items_client, exam="TST-02")
    paper = positions(items_app, attempt)
    first, second = sorted(paper[slug]["position"] for slug in ("order-steps", "match-inference"))
    assert second == first + 1
    for slug in ("order-steps", "match-inference"):
        page = items_client.get(f"/attempts/{attempt}/questions/{paper[slug]['position']}").text
        assert "Case study: A shop that forecasts demand" in page
        assert "A shop sells 400 products" in page
    single = items_client.get(f"/attempts/{attempt}/questions/{paper['single-d1']['position']}").text
    assert "Case study" not in single


def test_an_ordering_question_offers_a_step_list_for_each_position_without_revealing_the_order(items_client, items_app):
    attempt = start(items_client, exam="TST-02")
    item = positions(items_app, attempt)["order-steps"]
    page = items_client.get(f"/attempts/{attempt}/questions/{item['position']}").text
    for n in (1, 2, 3):
        assert f'<label for="pair-{n}">Step {n}</label>' in page
        assert f'<select name="choice" id="pair-{n}"' in page
    assert "0</span> of 3 steps placed" in page
    assert "First: nothing exists before it" not in page, "no explanation before the end"
    assert not re.search(r'value="\d=[A-C]" selected', page)


def test_a_partly_ordered_answer_is_saved_and_shown_as_it_was_left(items_client, items_app):
    attempt = start(items_client, exam="TST-02")
    item = positions(items_app, attempt)["order-steps"]
    first_step = item["key"][0]
    saved = save(items_client, attempt, item["position"], [first_step, "2=", "3="])
    assert saved.status_code == 200, saved.text
    assert f'name="before" value="{first_step}"' in saved.text
    assert stored(items_app, attempt, "order-steps") != ""
    page = items_client.get(f"/attempts/{attempt}/questions/{item['position']}").text
    assert f'value="{first_step}" selected' in page
    assert "1</span> of 3 steps placed" in page


def test_a_matching_answer_is_autosaved_over_the_one_the_page_shows(items_client, items_app):
    attempt = start(items_client, exam="TST-02")
    item = positions(items_app, attempt)["match-inference"]
    position = item["position"]
    items_client.get(f"/attempts/{attempt}/questions/{position}")
    assert save(items_client, attempt, position, item["key"][:2], before="").status_code == 200
    answer = save(items_client, attempt, position, item["key"], before=",".join(sorted(item["key"][:2])))
    assert answer.status_code == 200, answer.text
    assert len(stored(items_app, attempt, "match-inference").split(",")) == 3


@pytest.mark.parametrize(
    ("sent", "message"),
    [(["1=A", "1=B"], "The prompt 1 has two answers"), (["9=A"], "There is no prompt 9"), (["A"], "Give each prompt")],
)
def test_a_matching_answer_that_cannot_be_one_is_refused_and_changes_nothing(items_client, items_app, sent, message):
    attempt = start(items_client, exam="TST-02")
    position = positions(items_app, attempt)["match-inference"]["position"]
    refused = save(items_client, attempt, position, sent)
    assert refused.status_code == 422 and message in refused.text
    assert stored(items_app, attempt, "match-inference") == ""


def test_paired_items_are_scored_all_or_nothing_and_reviewed_beside_the_key(items_client, items_app):
    attempt = start(items_client, exam="TST-02")
    paper = positions(items_app, attempt)
    order, match = paper["order-steps"], paper["match-inference"]
    save(items_client, attempt, order["position"], order["key"])  # the exact sequence
    swapped = [match["key"][0]] + [f"{t.split('=')[0]}={match['key'][2].split('=')[1]}" for t in match["key"][1:2]]
    swapped += [f"3={match['key'][1].split('=')[1]}"]
    save(items_client, attempt, match["position"], swapped)  # one pair right, two swapped
    ended = items_client.post(f"/attempts/{attempt}/end")
    assert ended.status_code == 303
    after = positions(items_app, attempt)
    assert after["order-steps"]["row"].correct is True
    assert after["match-inference"]["row"].correct is False
    review = items_client.get(f"/attempts/{attempt}/domains/D2").text
    assert "Case study: A shop that forecasts demand" in review
    assert '<th scope="col">Your answer</th><th scope="col">Correct answer</th>' in review.replace("\n    ", "")
    assert "Asynchronous inference queues large payloads." in review, "each pair's explanation"
    assert review.count('<tr class="incorrect">') == 2 and review.count('<tr class="correct">') == 1
    ordering_review = items_client.get(f"/attempts/{attempt}/domains/D1").text
    assert "First: nothing exists before it." in ordering_review and ordering_review.count('<tr class="correct">') == 3


def test_checking_a_paired_answer_in_practice_shows_each_pair_with_the_key_and_why(items_client, items_app):
    drill = items_client.post("/practice/drills", data={"exam": "TST-02", "question": ["order-steps"]})
    assert drill.status_code == 303, drill.text
    attempt = re.search(r"/attempts/(\w+)/", drill.headers["location"]).group(1)
    item = positions(items_app, attempt)["order-steps"]
    page = items_client.get(f"/attempts/{attempt}/questions/1").text
    assert "Case study: A shop that forecasts demand" in page and "nothing exists before it" not in page
    reversed_order = [f"{n}={t.split('=')[1]}" for n, t in zip((3, 2, 1), item["key"], strict=True)]
    checked = items_client.post(
        f"/attempts/{attempt}/questions/1",
        data={"choice": reversed_order, "action": "check", "carries_selection": "true"},
        headers=HX,
    )
    assert "Not correct." in checked.text
    assert checked.text.count('<tr class="incorrect">') == 2 and checked.text.count('<tr class="correct">') == 1
    assert "First: nothing exists before it." in checked.text
    assert 'id="pair-1" disabled' in checked.text, "a checked answer is locked"


def _explanations() -> set[str]:
    import yaml

    document = yaml.safe_load((ITEM_TYPES_BANK / "tst-02" / "questions" / "items.yaml").read_text())
    found = set()
    for question in document["questions"]:
        found.add(question["explanation"])
        for part in question["options"] + question.get("prompts", []):
            if part.get("explanation"):
                found.add(part["explanation"])
    return found


def test_no_response_before_the_end_carries_an_order_a_pair_or_an_explanation(items_client, items_app):
    attempt = start(items_client, exam="TST-02")
    client, secrets = items_client, _explanations() | {"Correct answer", "Your answer"}
    responses = [client.get("/")]
    for position in range(1, 5):
        url = f"/attempts/{attempt}/questions/{position}"
        responses += [client.get(url), client.get(url, headers=HX)]
        responses.append(save(client, attempt, position, ["1=A", "2=B"]))
        responses.append(save(client, attempt, position, ["A"]))
        responses.append(client.post(url, data={"action": "flag"}, headers=HX))
        responses.append(client.post(url, data={"action": "next", "choice": ["1=C"], "carries_selection": "true"}))
    for path in ("review", "end", "clock", "report", "domains/D1", "incorrect"):
        responses.append(client.get(f"/attempts/{attempt}/{path}"))
    responses.append(client.get("/account/history.json"))
    for response in responses:
        body = response.text + " ".join(f"{k}: {v}" for k, v in response.headers.items())
        for secret in secrets:
            assert secret not in body, (response.request.url, secret)
    assert all(item["row"].correct is None for item in positions(items_app, attempt).values())


def test_the_admin_page_of_a_matching_question_shows_each_pair_of_its_key(items_admin):
    items_client = items_admin
    page = items_client.get("/admin/questions/TST-02/match-inference").text
    assert "Case study: A shop that forecasts demand" in page
    assert page.count('<tr class="keyed">') == 3 and "Your answer" not in page
    assert "Asynchronous inference queues large payloads." in page


def test_a_partial_answer_is_incomplete_on_the_review_screen_and_in_the_end_dialog(items_client, items_app):
    attempt = start(items_client, exam="TST-02")
    paper = positions(items_app, attempt)
    save(items_client, attempt, paper["match-inference"]["position"], paper["match-inference"]["key"][:1])
    save(items_client, attempt, paper["multiple-d1"]["position"], paper["multiple-d1"]["key"][:1])
    save(items_client, attempt, paper["single-d1"]["position"], paper["single-d1"]["key"])
    review = items_client.get(f"/attempts/{attempt}/review").text
    assert "3 of 5 answered, 2 of them incomplete\n  · 2 unanswered" in review, "as the progress line counts"
    assert "Incomplete (2)</a>" in review and "Unanswered (2)</a>" in review and "All (5)</a>" in review
    only = items_client.get(f"/attempts/{attempt}/review?filter=incomplete").text
    shown = sorted(int(n) for n in re.findall(r"Question (\d+)</span>", only))
    assert shown == sorted([paper["match-inference"]["position"], paper["multiple-d1"]["position"]])
    end = items_client.get(f"/attempts/{attempt}/end").text
    assert "<strong>2</strong> incomplete" in end and "is scored as wrong" in end


def _incomplete_after(response) -> str:
    return re.search(r'<span id="incomplete-count" hx-swap-oob="true">([^<]*)</span>', response.text).group(1)


def test_the_progress_line_counts_a_partial_answer_as_incomplete_after_each_save(items_client, items_app):
    attempt = start(items_client, exam="TST-02")
    paper = positions(items_app, attempt)
    multiple, matching = paper["multiple-d1"], paper["match-inference"]
    saved = save(items_client, attempt, multiple["position"], multiple["key"][:1])
    assert _incomplete_after(saved) == ", 1 of them incomplete"
    shown = re.search(r'id="answer-before" name="before" value="([^"]*)"', saved.text).group(1)
    saved = save(items_client, attempt, multiple["position"], multiple["key"], before=shown)  # the one-statement save
    assert _incomplete_after(saved) == ""
    saved = save(items_client, attempt, matching["position"], matching["key"][:1], before="")
    assert _incomplete_after(saved) == ", 1 of them incomplete"
    page = items_client.get(f"/attempts/{attempt}/questions/{multiple['position']}").text
    progress = re.sub(r"<[^>]+>", "", re.search(r'<p id="progress".*?</p>', page, re.S).group(0))
    assert progress == "2 of 5 answered, 1 of them incomplete · 0 flagged"


def test_lists_of_questions_show_their_markdown_rendered(items_admin):
    items_client = items_admin
    listing = items_client.get("/admin/questions?exam=TST-02").text
    assert "Which <code>option</code> is right?" in listing and "`option`" not in listing

"""Study aids: drilling flashcards on FSRS, the due count they share with the review queue, cheat sheets, and the
links from a question's review to the cards and sheet sections on its concept. The test bank has four cards
(D1 1.1, D1 1.2, and two in D2 2.1) and a D1 sheet, all tagged like its questions."""

import re

from sqlmodel import Session, select

from app.db.tables import FlashcardState
from tests.web.helpers import answer, paper, start

HX = {"HX-Request": "true"}


def front_shown(page: str) -> str:
    return re.search(r'<div class="front" id="card-front"><p>(.*?)</p>', page).group(1)


def grade(client, card: str, value: int, **filters):
    response = client.post("/study/cards/grade", data={"exam": "TST-01", "card": card, "grade": str(value), **filters})
    assert response.status_code == 303, response.text
    return response.headers["location"]


def test_the_study_page_counts_cards_per_domain_and_lists_the_sheets(client):
    page = client.get("/study?exam=TST-01").text
    rows = re.findall(r"<tr><th scope=\"row\">(D\d) [^<]*</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>", page)
    assert rows == [("D1", "2", "0", "2"), ("D2", "2", "0", "2")]
    assert "/study/sheets/TST-01/D1" in page and "First domain" in page
    assert "<strong>0</strong> due today" in page


def test_a_drill_shows_new_cards_in_deck_order_and_grading_moves_on(client):
    page = client.get("/study/cards?exam=TST-01").text
    assert front_shown(page) == "What is the <strong>first</strong> concept?"
    assert "4 to go: 0 due, 4 new" in page and "Show answer" in page and "Good <kbd>3</kbd>" in page
    following = client.get(grade(client, "tst-card-first", 3)).text
    assert front_shown(following) == "What is the second concept?" and "3 to go" in following
    assert "1 graded in this drill" in following


def test_a_card_graded_easy_waits_days_and_a_card_graded_again_returns_within_minutes(client, clock):
    for card in ("tst-card-first", "tst-card-second", "tst-card-third"):
        grade(client, card, 4)
    grade(client, "tst-card-fourth", 1)
    done = client.get("/study/cards?exam=TST-01").text
    assert 'id="drill-done"' in done and "Nothing due" in done
    clock.advance(minutes=2)
    again = client.get("/study/cards?exam=TST-01").text
    assert front_shown(again) == "What is the fourth concept?" and "1 to go: 1 due, 0 new" in again
    assert "What is the fourth concept?" in again
    clock.advance(days=30)
    assert "<strong>4</strong> due today" in client.get("/study?exam=TST-01").text


def test_a_domain_drill_shows_only_that_domain_and_ends_with_its_questions(client):
    page = client.get("/study/cards?exam=TST-01&domain=D2").text
    assert front_shown(page) == "What is the fourth concept?" and "2 to go" in page
    grade(client, "tst-card-third", 4, domain="D2")
    grade(client, "tst-card-fourth", 4, domain="D2")
    done = client.get("/study/cards?exam=TST-01&domain=D2&graded=2").text
    assert "You graded 2 cards in this drill" in done and "Now practise questions of D2" in done


def test_retention_counts_only_cards_seen_before(client, clock):
    grade(client, "tst-card-first", 3)
    assert "Card retention" not in client.get("/study?exam=TST-01").text
    clock.advance(days=30)
    grade(client, "tst-card-first", 1)
    page = client.get("/study?exam=TST-01").text
    assert '<strong id="card-retention">0%</strong>' in page and "of 1 recalls" in page


def test_bad_grades_are_refused_by_name_and_change_nothing(client, app):
    unknown = client.post("/study/cards/grade", data={"exam": "TST-01", "card": "no-such-card", "grade": "3"})
    assert unknown.status_code == 422 and "TST-01 has no flashcard named no-such-card." in unknown.text
    out_of_range = client.post("/study/cards/grade", data={"exam": "TST-01", "card": "tst-card-first", "grade": "5"})
    assert out_of_range.status_code == 422
    wrong_domain = client.post(
        "/study/cards/grade", data={"exam": "TST-01", "card": "tst-card-first", "grade": "3", "domain": "D9"}
    )
    assert wrong_domain.status_code == 422 and "TST-01 has no domain or task D9." in wrong_domain.text
    assert client.get("/study/cards?exam=TST-01&task=9.9").status_code == 422
    assert client.get("/study/cards?exam=NOPE").status_code == 404
    with Session(app.state.engine) as session:
        assert session.exec(select(FlashcardState)).all() == []


def test_a_cheat_sheet_is_a_printable_page_of_tables(client):
    page = client.get("/study/sheets/TST-01/D1").text
    assert "TST-01 cheat sheet: First domain" in page and "<table>" in page and 'id="first-comparison"' in page
    assert "https://example.com/first" in page and "printed 20" in page
    assert client.get("/study/sheets/TST-01/D2").status_code == 404
    assert client.get("/study/sheets/NOPE/D1").status_code == 404


def test_a_wrong_exam_answer_brings_the_cards_on_its_concept_forward(client, app):
    attempt = start(client)
    first = paper(app, attempt)[0]
    answer(client, attempt, 1, first["wrong"][:1] if first["type"] == "single" else first["wrong"][:2])
    client.post(f"/attempts/{attempt}/end")
    # Only the answered-wrong question counts: the seven left blank bring nothing forward.
    with Session(app.state.engine) as session:
        states = session.exec(select(FlashcardState)).all()
    assert len(states) == 2 and all(s.card is None for s in states)
    assert re.search(r"<strong>2</strong> due today:\s+2 flashcards", client.get("/study?exam=TST-01").text)
    dashboard = client.get("/dashboard?exam=TST-01").text
    assert re.search(r'<strong id="due-today">2</strong> due today: 0 questions\s+and 2 flashcards', dashboard)
    drill = client.get("/study/cards?exam=TST-01").text
    assert "4 to go: 2 due, 2 new" in drill


def test_the_review_of_a_question_links_its_cards_and_sheet_section(client, app):
    attempt = start(client)
    client.post(f"/attempts/{attempt}/end")
    page = client.get(f"/attempts/{attempt}/answers?filter=incorrect").text
    assert page.count("Study this concept") == 8
    assert '/study/sheets/TST-01/D1#first-comparison">First choice vs second choice</a>' in page
    assert "What is the <strong>first</strong> concept?" in page


def test_practice_feedback_links_to_the_cards_on_the_concept(client, app):
    response = client.post("/practice/drills", data={"exam": "TST-01", "count": "1", "domain": "D2"})
    attempt = re.match(r"/attempts/(\w+)/questions/1", response.headers["location"]).group(1)
    item = paper(app, attempt)[0]
    checked = client.post(
        f"/attempts/{attempt}/questions/1",
        data={"choice": item["key"], "action": "check", "carries_selection": "true"},
        headers=HX,
    ).text
    link = re.search(r'href="(/study/related\?exam=TST-01&amp;question=[\w-]+)"', checked).group(1)
    related = client.get(link.replace("&amp;", "&")).text
    assert "Study this concept" in related and "What is the third concept?" in related
    assert client.get("/study/related?exam=TST-01&question=no-such-question").status_code == 404


def test_a_guest_can_drill_and_keeps_the_schedule_in_this_browser(app, other_client):
    grade(other_client, "tst-card-first", 3)
    grade(other_client, "tst-card-second", 3)
    page = other_client.get("/study/cards?exam=TST-01").text
    assert front_shown(page) == "What is the fourth concept?"
    with Session(app.state.engine) as session:
        assert len({s.user_id for s in session.exec(select(FlashcardState))}) == 1


def test_a_domain_drill_can_start_with_its_flashcards(client):
    practice = client.get("/practice?exam=TST-01").text
    assert 'href="/study/cards?exam=TST-01&amp;domain=D2">its flashcards first</a>' in practice

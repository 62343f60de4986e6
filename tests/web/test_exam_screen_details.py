"""Details of the exam screen a candidate relies on: crossing out, the flag, and a practice check's marks."""

import re

from tests.web.helpers import answer, paper, start

HX = {"HX-Request": "true"}


def test_crossing_out_the_chosen_option_takes_it_out_of_the_answer(client, app):
    attempt = start(client)
    item = paper(app, attempt)[0]
    letter = item["key"][0]
    answer(client, attempt, 1, [letter])
    page = client.post(f"/attempts/{attempt}/questions/1", data={"action": f"strike-{letter}"}, headers=HX).text
    after = paper(app, attempt)[0]
    assert after["selection"] == "" and after["struck"] != ""
    assert re.search(rf'id="choice-{letter}" value="{letter}"\s+disabled', page)  # not selectable until restored
    restored = client.post(f"/attempts/{attempt}/questions/1", data={"action": f"strike-{letter}"}, headers=HX).text
    assert not re.search(rf'id="choice-{letter}" value="{letter}"\s+disabled', restored)


def test_crossing_out_another_option_keeps_the_answer(client, app):
    attempt = start(client)
    item = paper(app, attempt)[0]
    chosen = item["key"] if item["type"] == "multiple" else item["key"][:1]
    answer(client, attempt, 1, chosen)
    client.post(f"/attempts/{attempt}/questions/1", data={"action": f"strike-{item['wrong'][0]}"}, headers=HX)
    assert paper(app, attempt)[0]["letters"] == sorted(chosen)


def test_a_flagged_question_says_flagged_by_its_number(client, app):
    attempt = start(client)
    page = client.post(f"/attempts/{attempt}/questions/1", data={"action": "flag"}, headers=HX).text
    assert '<span class="flag-mark" id="flagged-mark">Flagged</span>' in page
    assert 'aria-pressed="true"' in page and ">Flag for review</button>" in page


def test_a_practice_check_marks_the_key_and_the_answer_in_place(client, app):
    response = client.post("/practice/drills", data={"exam": "TST-01", "count": "1", "domain": "D1"})
    attempt = re.match(r"/attempts/(\w+)/questions/1", response.headers["location"]).group(1)
    item = paper(app, attempt)[0]
    wrong = item["wrong"][:1] if item["type"] == "single" else item["wrong"][:2]
    checked = client.post(
        f"/attempts/{attempt}/questions/1",
        data={"choice": wrong, "action": "check", "carries_selection": "true"},
        headers=HX,
    ).text
    for letter in item["key"]:
        assert re.search(rf'<li class="option keyed" id="option-{letter}">', checked)
    for letter in wrong:
        assert re.search(rf'<li class="option chosen" id="option-{letter}">', checked)
    assert checked.count("Correct answer</strong>") == len(item["key"])
    assert checked.count("Your answer</strong>") == len(wrong)
    assert 'class="options reviewed"' not in checked  # one list of options, marked, not a second copy
    assert "strike-" not in checked


def test_review_flagged_walks_only_the_flagged_questions_and_ends_on_the_review_screen(client, app):
    attempt = start(client)
    for position in (2, 5):
        client.post(f"/attempts/{attempt}/questions/{position}", data={"action": "flag"})
    review = client.get(f"/attempts/{attempt}/review?filter=flagged").text
    assert (
        f'id="walk-start" href="/attempts/{attempt}/questions/2?walk=flagged">Review the 2 flagged questions' in review
    )
    page = client.get(f"/attempts/{attempt}/questions/2?walk=flagged").text
    assert 'name="walk" value="flagged"' in page and "Reviewing flagged questions" in page
    step = client.post(f"/attempts/{attempt}/questions/2", data={"action": "next", "walk": "flagged"})
    assert step.status_code == 303 and step.headers["location"] == f"/attempts/{attempt}/questions/5?walk=flagged"
    back = client.post(f"/attempts/{attempt}/questions/5", data={"action": "previous", "walk": "flagged"})
    assert back.headers["location"] == f"/attempts/{attempt}/questions/2?walk=flagged"
    end = client.post(f"/attempts/{attempt}/questions/5", data={"action": "next", "walk": "flagged"}, headers=HX)
    assert end.status_code == 204 and end.headers["HX-Redirect"] == f"/attempts/{attempt}/review?filter=flagged"


def test_review_unanswered_skips_a_question_answered_on_the_way(client, app):
    attempt = start(client)
    items = paper(app, attempt)
    answer(client, attempt, 2, items[1]["key"])
    first = items[0]
    step = client.post(
        f"/attempts/{attempt}/questions/1",
        data={"action": "next", "walk": "unanswered", "choice": first["key"], "carries_selection": "true"},
        headers=HX,
    )
    # Question 1 was answered by this very click and question 2 before it, so the walk goes on to 3.
    assert step.headers["HX-Push-Url"] == f"/attempts/{attempt}/questions/3?walk=unanswered"
    assert "Question 3 of 8" in step.text and 'name="walk" value="unanswered"' in step.text
    assert paper(app, attempt)[0]["letters"] == sorted(first["key"])
    refused = client.post(f"/attempts/{attempt}/questions/1", data={"action": "next", "walk": "everything"})
    assert refused.status_code == 422


def test_the_report_leads_to_every_answer_in_order_and_a_report_comes_back_to_its_page(client, app):
    attempt = start(client)
    client.post(f"/attempts/{attempt}/end")
    report = client.get(f"/attempts/{attempt}/report").text
    assert f'href="/attempts/{attempt}/answers">All answers, in order</a>' in report and 'id="report-date"' in report
    everything = client.get(f"/attempts/{attempt}/answers").text
    assert re.findall(r'<article class="panel answer [a-z]+" id="q(\d+)"', everything) == [str(n) for n in range(1, 9)]
    sent = client.post(
        f"/attempts/{attempt}/questions/3/report", data={"kind": "unclear", "comment": "Hm.", "shown_in": "all"}
    )
    assert sent.headers["location"] == f"/attempts/{attempt}/answers?filter=all&reported=3#q3"
    back = client.get(f"/attempts/{attempt}/answers?filter=all&reported=3").text
    assert back.index('id="q3"') < back.index("Thank you: the report was sent") < back.index('id="q4"')

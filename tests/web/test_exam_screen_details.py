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

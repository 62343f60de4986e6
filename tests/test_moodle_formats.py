"""GIFT, Aiken and Moodle XML read as Moodle reads them (question/format/gift/format.php, aiken, xml): which
questions are single or multiple response, what the key is, which questions are skipped and why, and what is
reported about weights, grades and embedded files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.bank.imports import read_upload
from app.bank.upload_check import check_upload
from tests.conftest import TEST_BANK

FILES = Path(__file__).parent / "data" / "imports"


@pytest.fixture(scope="module")
def blueprint():
    from app.bank.format import ExamIn

    return ExamIn.model_validate(yaml.safe_load((TEST_BANK / "tst-01" / "exam.yaml").read_text())).blueprint()


def read(text: str, name: str):
    return read_upload(text.encode(), name)


def checked(text: str, name: str, blueprint):
    return check_upload(read(text, name), blueprint, filename=name, current={}, default_domain="D1", default_task="1.1")


def only(upload) -> dict:
    assert len(upload.questions) == 1, (upload.questions, upload.skipped)
    return upload.questions[0].content


def reasons(upload) -> list[str]:
    return [s.reason for s in upload.skipped]


# ---- GIFT --------------------------------------------------------------------------------------------


def test_gift_a_question_with_an_equals_answer_is_single_whatever_the_weights_of_the_others():
    question = only(read("::W:: Which one? {=right ~%50%half right ~%-50%wrong ~other}", "q.gift"))
    assert question["type"] == "single" and question["key"] == ["A"]
    assert [o["text"] for o in question["options"]] == ["right", "half right", "wrong", "other"]


def test_gift_only_weighted_tildes_is_multiple_response_keyed_by_the_positive_weights():
    upload = read("::M:: Pick two. {~%50%one ~%50%two ~%-100%three ~four ~%-100%five}", "q.gift")
    question = only(upload)
    assert question["type"] == "multiple" and question["key"] == ["A", "B"]
    assert upload.questions[0].warnings == []


@pytest.mark.parametrize(
    "answers, words",
    [
        ("~%50%one ~%30%two ~three ~four ~five", "positive weights add up to 80%"),
        ("~%40%one ~%40%two ~%40%three ~four ~five", "positive weights add up to 120%"),
    ],
)
def test_gift_weights_that_make_no_all_or_nothing_key_are_a_warning_naming_the_question(answers, words, blueprint):
    upload = read(f"::Odd weights:: Pick some. {{{answers}}}", "q.gift")
    [warning] = upload.questions[0].warnings
    assert "Odd weights" in warning and words in warning and "all or nothing" in warning
    report = checked(f"::Odd weights:: Pick some. {{{answers}}}", "q.gift", blueprint)
    assert any(words in w.message and w.question == "odd-weights" for w in report.warnings)


def test_gift_right_answers_only_is_a_short_answer_and_skipped_with_that_reason():
    upload = read("::SA:: Name two colours. {=red =blue}", "q.gift")
    assert upload.questions == []
    [reason] = reasons(upload)
    assert "short answer" in reason and "multiple response" not in reason and "multiple-response" not in reason


def test_gift_a_missing_word_question_keeps_its_blank():
    question = only(read("Amazon {=S3 ~EBS ~EFS} stores objects.", "q.gift"))
    assert question["stem"] == "Amazon _____ stores objects."
    assert question["key"] == ["A"]


def test_gift_answers_closing_the_question_leave_no_blank():
    assert only(read("Which stores objects? {=S3 ~EBS ~EFS}", "q.gift"))["stem"] == "Which stores objects?"


@pytest.mark.parametrize(
    "answer, key, explanations",
    [
        ("T", ["A"], ["", ""]),
        ("TRUE", ["A"], ["", ""]),
        ("F", ["B"], ["", ""]),
        ("FALSE", ["B"], ["", ""]),
        # As Moodle reads it: the feedback for a wrong answer, then for the right one.
        ("T#It is not.#It is.", ["A"], ["It is.", "It is not."]),
        ("FALSE#It does, always.", ["B"], ["It does, always.", ""]),
    ],
)
def test_gift_true_false_is_read_as_a_two_option_question_for_the_exams_rules(answer, key, explanations):
    question = only(read(f"::TF:: Data cleaning never changes results. {{{answer}}}", "q.gift"))
    assert (question["type"], question["key"]) == ("single", key)
    assert [(o["text"], o["explanation"]) for o in question["options"]] == list(
        zip(["True", "False"], explanations, strict=True)
    )


MATCHING = """::Match services:: Match each workload with the service. {
  =Streams of clicks -> Amazon Kinesis
  =Objects -> Amazon S3
  =Block storage -> Amazon EBS
  = -> Amazon EFS
}"""


def test_gift_matching_is_a_matching_item(blueprint):
    question = only(read(MATCHING, "q.gift"))
    assert question["type"] == "matching"
    assert [p["text"] for p in question["prompts"]] == ["Streams of clicks", "Objects", "Block storage"]
    assert [o["text"] for o in question["options"]] == ["Amazon Kinesis", "Amazon S3", "Amazon EBS", "Amazon EFS"]
    assert question["key"] == {"1": "A", "2": "B", "3": "C"}
    report = checked(MATCHING, "q.gift", blueprint)
    assert report.errors == [] and report.valid[0].type == "matching"


def test_gift_matching_the_exam_cannot_take_is_refused_with_the_reason(blueprint):
    report = checked("::Two pairs:: Match. {=a -> 1 =b -> 2}", "q.gift", blueprint)
    assert report.valid == []
    assert any(e.field == "prompts" and "3–7 prompts, not 2" in e.message for e in report.errors)


def test_gift_a_matching_answer_without_an_arrow_is_skipped_naming_it():
    upload = read("::Bad match:: Match. {=a -> 1 =b -> 2 =c}", "q.gift")
    assert upload.questions == [] and "'c'" in reasons(upload)[0] and "->" in reasons(upload)[0]


def test_gift_html_markdown_and_escapes_are_honoured_in_answers_and_feedback():
    question = only(
        read(
            "[html]<p>Which <b>one</b>?</p> {=<b>a \\= b</b>#<i>Right</i>\\: a \\{c\\} \\~ \\#1 ~c#No. ~d}",
            "q.gift",
        )
    )
    assert question["stem"] == "Which one?"
    assert question["options"][0]["text"] == "a = b"
    assert question["options"][0]["explanation"] == "Right: a {c} ~ #1"
    answer = only(read("[markdown]Which **one**? {=[markdown]**a**#[markdown]_yes_ ~b ~c}", "q.gift"))
    assert answer["stem"] == "Which **one**?"
    assert answer["options"][0] == {"id": "A", "text": "**a**", "explanation": "_yes_"}


@pytest.mark.parametrize(
    "block, words",
    [
        ("::W:: Pick. {~%45%a ~%55%b ~c ~d ~e}", "weight 45% is not one of Moodle's grade values"),
        ("::Two right:: Pick. {=a =b ~c ~d}", "2 answers at 100%"),
        ("::Nine:: Pick. {=a ~b ~c ~d ~e ~f ~g ~h ~i}", "9 options; a question takes at most 8"),
        ("::Empty:: Pick. {=a ~#feedback only ~c}", "an answer has no text"),
        ("::N:: How many? {#42}", "a numerical question"),
        ("::E:: Discuss. {}", "an essay question"),
        ("Just some text.", "a description"),
        ("::B:: Which } is it? {=a ~b ~c}", "unmatched { or }"),
        ("::B:: Which { is it? {=a ~b ~c}", "a { inside the {answers}"),
        ("Q1? {=a ~b ~c}\nQ2? {=d ~e ~f}", "more than one {answers}"),
    ],
)
def test_gift_bad_or_foreign_questions_are_skipped_with_a_reason_naming_what_is_wrong(block, words):
    upload = read(block, "q.gift")
    assert upload.questions == []
    [reason] = reasons(upload)
    assert words in reason


# ---- Aiken -------------------------------------------------------------------------------------------


def test_aiken_a_record_without_answer_ends_at_a_blank_line_and_never_swallows_the_next():
    upload = read(
        "Broken record?\nA. One\nB. Two\nC. Three\n\nGood record?\nA. Yes\nB. No\nC. Maybe\nANSWER: A\n", "q.aiken.txt"
    )
    question = only(upload)
    assert question["stem"] == "Good record?" and question["key"] == ["A"]
    [skipped] = upload.skipped
    assert skipped.where == "line 1" and "no ANSWER: line" in skipped.reason


def test_aiken_option_letters_with_or_without_a_space():
    question = only(read("Which?\nA)one\nB.two\nC) three\nD. four\nANSWER: B\n", "q.aiken.txt"))
    assert [o["text"] for o in question["options"]] == ["one", "two", "three", "four"] and question["key"] == ["B"]


def test_aiken_a_two_option_question_is_read_and_left_to_the_exams_rules():
    question = only(read("Is it true?\nA. True\nB. False\nANSWER: A\n", "q.aiken.txt"))
    assert [o["text"] for o in question["options"]] == ["True", "False"] and question["key"] == ["A"]


def test_aiken_an_answer_line_alone_is_named():
    upload = read("Q?\nA. a\nB. b\nC. c\n\nANSWER: A\n", "q.aiken.txt")
    assert upload.questions == []
    assert [s.where for s in upload.skipped] == ["line 1", "line 6"]
    assert "no question before it" in upload.skipped[1].reason


# ---- Moodle XML --------------------------------------------------------------------------------------


def quiz(*questions: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n"


def multichoice(single: str | None, *fractions: str, name: str = "Q", extra: str = "") -> str:
    answers = "".join(
        f'<answer fraction="{f}" format="html"><text>option {i}</text></answer>' for i, f in enumerate(fractions)
    )
    single_element = f"<single>{single}</single>" if single is not None else ""
    return (
        f'<question type="multichoice"><name><text>{name}</text></name>'
        f'<questiontext format="html"><text>Which? (Choose two.)</text>{extra}</questiontext>'
        f"{single_element}{answers}</question>"
    )


def test_xml_single_decides_single_and_the_key_is_the_answer_at_100():
    question = only(read(quiz(multichoice("true", "100", "50", "0", "-50")), "q.xml"))
    assert question["type"] == "single" and question["key"] == ["A"]


def test_xml_without_single_is_single_as_in_moodle():
    question = only(read(quiz(multichoice(None, "0", "100", "0")), "q.xml"))
    assert question["type"] == "single" and question["key"] == ["B"]


def test_xml_multiple_is_keyed_by_positive_fractions_even_one():
    question = only(read(quiz(multichoice("false", "100", "0", "-100", "0", "0")), "q.xml"))
    assert question["type"] == "multiple" and question["key"] == ["A"]


def test_xml_a_single_answer_question_with_no_answer_at_100_is_skipped():
    upload = read(quiz(multichoice("true", "50", "50", "0", name="Half")), "q.xml")
    assert upload.questions == [] and "Half" in reasons(upload)[0] and "100%" in reasons(upload)[0]


def test_xml_a_fraction_that_is_no_moodle_grade_is_reported_as_such():
    upload = read(quiz(multichoice("false", "45", "55", "0", "0", "0", name="Odd")), "q.xml")
    assert upload.questions == []
    [reason] = reasons(upload)
    assert "Odd" in reason and "fraction 45" in reason and "not one of Moodle's grade values" in reason


def test_xml_moodle_grade_values_with_their_rounding_are_accepted():
    question = only(read(quiz(multichoice("false", "33.33333", "33.3333", "33.33333", "-100", "0")), "q.xml"))
    assert question["key"] == ["A", "B", "C"]


def test_xml_multiple_positive_fractions_not_summing_to_100_are_a_warning():
    upload = read(quiz(multichoice("false", "50", "25", "0", "0", "0", name="Short")), "q.xml")
    [warning] = upload.questions[0].warnings
    assert "Short" in warning and "add up to 75%" in warning


XML_MATCHING = """<question type="matching">
  <name><text>Match stores</text></name>
  <questiontext format="html"><text><![CDATA[<p>Match each workload with a store.</p>]]></text></questiontext>
  <generalfeedback format="html"><text>Each fits its data.</text></generalfeedback>
  <subquestion format="html"><text><![CDATA[<p>Objects</p>]]></text>
    <answer><text>Amazon S3</text></answer></subquestion>
  <subquestion format="html"><text>Blocks</text><answer><text>Amazon EBS</text></answer></subquestion>
  <subquestion format="html"><text>Files</text><answer><text>Amazon EFS</text></answer></subquestion>
  <subquestion format="html"><text>Archives</text><answer><text>Amazon S3</text></answer></subquestion>
  <subquestion format="html"><text></text><answer><text>Amazon RDS</text></answer></subquestion>
</question>"""

XML_ORDERING = """<question type="ordering">
  <name><text>Pipeline order</text></name>
  <questiontext format="html"><text>Put the steps in order.</text></questiontext>
  <answer fraction="1.0000000" format="html"><text>Train the model</text></answer>
  <answer fraction="2.0000000" format="html"><text>Evaluate the model</text></answer>
  <answer fraction="3.0000000" format="html"><text>Register the model</text></answer>
</question>"""


def test_xml_matching_is_a_matching_item(blueprint):
    question = only(read(quiz(XML_MATCHING), "q.xml"))
    assert question["type"] == "matching" and question["stem"] == "Match each workload with a store."
    assert [p["text"] for p in question["prompts"]] == ["Objects", "Blocks", "Files", "Archives"]
    assert [o["text"] for o in question["options"]] == ["Amazon S3", "Amazon EBS", "Amazon EFS", "Amazon RDS"]
    assert question["key"] == {"1": "A", "2": "B", "3": "C", "4": "A"}
    report = checked(quiz(XML_MATCHING), "q.xml", blueprint)
    assert report.errors == [] and report.valid[0].id == "match-stores"


def test_xml_ordering_is_an_ordering_item_in_the_order_of_its_answers(blueprint):
    question = only(read(quiz(XML_ORDERING), "q.xml"))
    assert question["type"] == "ordering"
    assert [o["text"] for o in question["options"]] == ["Train the model", "Evaluate the model", "Register the model"]
    assert question["key"] == ["A", "B", "C"]
    report = checked(quiz(XML_ORDERING), "q.xml", blueprint)
    assert report.errors == [] and report.valid[0].type == "ordering"


def test_xml_embedded_files_are_reported_as_dropped_naming_the_question(blueprint):
    picture = '<file name="chart.png" path="/" encoding="base64">iVBORw0KGgo=</file>'
    text = quiz(multichoice("true", "100", "0", "0", name="With chart", extra=picture))
    upload = read(text, "q.xml")
    [warning] = upload.questions[0].warnings
    assert "With chart" in warning and "chart.png" in warning and "dropped" in warning
    report = checked(text, "q.xml", blueprint)
    assert any("chart.png" in w.message and w.question == "with-chart" for w in report.warnings)


def test_xml_other_types_name_their_type():
    upload = read(quiz('<question type="shortanswer"><name><text>SA</text></name></question>'), "q.xml")
    assert "shortanswer" in reasons(upload)[0]


def test_xml_true_false_is_read_as_a_two_option_question_keyed_at_fraction_100():
    question = only(
        read(
            quiz(
                '<question type="truefalse"><name><text>TF</text></name>'
                "<questiontext><text>Data cleaning never changes results.</text></questiontext>"
                '<answer fraction="0"><text>true</text><feedback><text>It does.</text></feedback></answer>'
                '<answer fraction="100"><text>false</text><feedback><text>Right.</text></feedback></answer>'
                "</question>"
            ),
            "q.xml",
        )
    )
    assert (question["id"], question["type"], question["key"]) == ("tf", "single", ["B"])
    assert [(o["text"], o["explanation"]) for o in question["options"]] == [("True", "It does."), ("False", "Right.")]


def test_xml_true_false_without_a_true_and_a_false_answer_is_skipped_with_the_reason():
    upload = read(quiz('<question type="truefalse"><name><text>TF</text></name></question>'), "q.xml")
    assert reasons(upload) == ["question 'TF': a true/false question needs an answer 'true' and an answer 'false'"]


@pytest.mark.parametrize(
    "question, words",
    [
        (multichoice("true", "abc", "100", "0", name="NaN"), "answer 1 has fraction 'abc', which is not a number"),
        (multichoice("true", "100", name="Lonely"), "needs at least two answers, has 1"),
        (
            '<question type="matching"><name><text>Empty</text></name></question>',
            "'Empty': a matching question with no <subquestion>",
        ),
    ],
)
def test_xml_bad_questions_are_skipped_with_a_reason_naming_what_is_wrong(question, words):
    upload = read(quiz(question), "q.xml")
    assert upload.questions == []
    [reason] = reasons(upload)
    assert words in reason


def test_aiken_reads_moodles_error_fixture_record_by_record():
    """Moodle's own fixture (tests/data/imports/moodle/README.md): the records Moodle refuses are skipped for the
    same reasons, on the same lines, and the two-option questions Moodle accepts are read, for the exam's rules
    to take or refuse."""
    upload = read_upload((FILES / "moodle" / "aiken_errors.txt").read_bytes(), "aiken_errors.txt", "aiken")
    assert [(q.where, q.content["stem"], q.content["key"]) for q in upload.questions] == [
        ("line 9", "A good question", ["A"]),
        ("line 18", "A second good question", ["B"]),
    ]
    assert [(s.where, s.reason.split(";")[0].split(":")[0]) for s in upload.skipped] == [
        ("line 1", "only one option, so nothing to choose from"),
        ("line 5", "an option ('A) Question not started') with no question before it"),
        ("line 7", "an ANSWER"),
        ("line 14", "no ANSWER"),
    ]
    assert upload.skipped[2].reason == "an ANSWER: line with no question before it"


def test_aiken_an_answer_line_naming_no_letter_is_named():
    upload = read("Q?\nA. a\nB. b\nC. c\nANSWER: the first one\n", "q.aiken.txt")
    assert upload.questions == []
    assert reasons(upload) == ["'ANSWER: the first one' names no option letter: write it as 'ANSWER: B'"]


@pytest.mark.parametrize(
    "text, name",
    [
        ("::Part marks:: Which one? {=right ~%50%half right ~%-50%wrong ~other}", "q.gift"),
        (quiz(multichoice("true", "100", "50", "0", "-50", name="Part marks")), "q.xml"),
    ],
)
def test_a_single_answer_question_giving_part_marks_is_imported_with_a_warning(text, name):
    upload = read(text, name)
    assert only(upload)["key"] == ["A"]
    [warning] = upload.questions[0].warnings
    assert "Part marks" in warning and "B (50%)" in warning and "all or nothing" in warning


def test_gift_reads_moodles_own_fixture_as_moodle_does():
    """Moodle's question/format/gift/tests/fixtures/questions.gift.txt (tests/data/imports/moodle/README.md):
    each question gets the type Moodle gives it, and the ones that are not ours are skipped naming that type."""
    upload = read_upload((FILES / "moodle" / "questions.gift.txt").read_bytes(), "questions.gift.txt", "gift")
    matching, single, multiple, *true_false = (q.content for q in upload.questions)
    assert matching["type"] == "matching" and matching["stem"] == "Match the activity to the description."
    assert [p["text"] for p in matching["prompts"]][3] == "A collection of web pages that anyone can add to or edit."
    assert [o["text"] for o in matching["options"]] == ["Forum", "Choice", "Database", "Wiki", "Chat"]
    assert matching["key"] == {"1": "A", "2": "B", "3": "C", "4": "D"}
    assert (single["type"], single["key"]) == ("single", ["A"])
    assert [(o["text"], o["explanation"]) for o in single["options"]] == [
        ("yellow", "right; good!"),
        ("red", "wrong, it's yellow"),
        ("blue", "wrong, it's yellow"),
    ]
    assert (multiple["type"], multiple["key"]) == ("multiple", ["A", "C"])
    assert [(s.where, s.reason.split(" ")[1]) for s in upload.skipped] == [
        ("line 2", "essay"),
        ("line 31", "numerical"),
        ("line 34", "short"),
    ]
    # Its true/false questions are read, for the exam's rules to take or refuse.
    assert [(q["stem"][:20], q["key"]) for q in true_false] == [
        ("42 is the Absolute A", ["B"]),
        ("TSL is blablabla.", ["A"]),
        ("TSL is blablabla.", ["A"]),
    ]
    assert [o["explanation"] for o in true_false[0]["options"]] == [
        "42 is the Ultimate Answer.",
        "You gave the right answer.",
    ]


def test_xml_reads_moodles_invalid_grades_fixture_as_moodle_does():
    """Moodle refuses this question of its own fixtures for its fraction of 33 (tests/data/imports/moodle)."""
    data = (FILES / "moodle" / "error_invalid_grades.xml").read_bytes()
    upload = read_upload(data, "error_invalid_grades.xml")
    assert upload.questions == []
    [reason] = reasons(upload)
    assert reason.startswith("question 'Question with invalid grades : x > 1 & x < 2': answer 2 has fraction 33,")
    assert "not one of Moodle's grade values (100, 90, 83.33333, 80," in reason

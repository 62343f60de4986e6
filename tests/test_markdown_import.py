"""Markdown banks as public repositories publish them: a heading per question, `- [ ]` / `- [x]` options, and
text, code or images between, read as a format of their own, with every question left out named by its line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.bank.imports import UnreadableUpload, read_upload
from app.bank.upload_check import check_upload
from app.cli import cli
from app.db.tables import ImportBatch, Question
from tests.conftest import TEST_BANK

FILES = Path(__file__).parent / "data" / "imports" / "markdown"


@pytest.fixture(scope="module")
def blueprint():
    from app.bank.format import ExamIn

    return ExamIn.model_validate(yaml.safe_load((TEST_BANK / "tst-01" / "exam.yaml").read_text())).blueprint()


def read(name: str, chosen: str = "auto"):
    return read_upload((FILES / name).read_bytes(), name, chosen)


def checked(name: str, blueprint):
    return check_upload(read(name), blueprint, filename=name, current={}, default_domain="D1", default_task="1.1")


def by_stem(upload, words: str) -> dict:
    [question] = [q.content for q in upload.questions if words in q.content["stem"]]
    return question


def skipped(upload) -> list[tuple[str, str]]:
    return [(s.where, s.reason) for s in upload.skipped]


# ---- the layouts public banks use --------------------------------------------------------------------------


def test_a_bank_in_the_back_to_top_layout_reads_its_questions_and_names_those_it_leaves_out():
    upload = read("saa-style.md")
    assert upload.format == "markdown"
    assert len(upload.questions) == 4
    assert [(where, reason.split("': ", 1)[1]) for where, reason in skipped(upload)] == [
        ("line 54", "no option is marked [x], so there is no key"),
    ]
    # A true/false is read; the exam's rules take it or refuse it.
    true_false = next(q for q in upload.questions if q.where == "line 47")
    assert true_false.content["stem"].startswith("True or False: An Amazon VPC spans")
    assert len(true_false.content["options"]) == 2


def test_the_title_support_list_and_table_of_contents_before_the_first_question_are_not_read():
    upload = read("saa-style.md")
    assert [q.where for q in upload.questions] == ["line 17", "line 26", "line 36", "line 47"]
    assert not any("Star the repository" in o["text"] for q in upload.questions for o in q.content["options"])


def test_one_marked_option_is_a_single_answer_question_keyed_by_it():
    question = by_stem(read("saa-style.md"), "clickstream")
    assert question["stem"] == (
        "A retailer streams clickstream events from its website and must analyse them within seconds. Which "
        "service should ingest the events?"
    )
    assert [o["text"] for o in question["options"]] == [
        "Amazon S3 with daily batch uploads.",
        "Amazon Kinesis Data Streams.",
        "Amazon Simple Email Service.",
        "AWS Snowball Edge.",
    ]
    assert (question["type"], question["key"], question["explanation"]) == ("single", ["B"], "")


def test_several_marked_options_are_a_multiple_response_question():
    question = by_stem(read("saa-style.md"), "mount at once")
    assert (question["type"], question["key"]) == ("multiple", ["A", "C"])
    assert question["stem"].endswith("(Choose two.)")


def test_navigation_links_are_never_part_of_a_question():
    upload = read("saa-style.md")
    texts = [q.content["stem"] for q in upload.questions] + [
        o["text"] for q in upload.questions for o in q.content["options"]
    ]
    assert not any("Back to Top" in text or "table-of-contents" in text for text in texts)


def test_an_image_stays_in_the_stem_and_is_a_warning_naming_the_question_and_its_file():
    upload = read("saa-style.md")
    [parsed] = [q for q in upload.questions if "diagram" in q.content["stem"]]
    assert parsed.content["stem"] == (
        "Look at the architecture in the diagram. Which component removes the single point of failure?\n\n"
        "![Diagram of a web tier](images/web-tier.png)"
    )
    [warning] = parsed.warnings
    assert warning.startswith("question 'Look at the architecture in the diagram.")
    assert "images/web-tier.png not imported" in warning
    assert all(q.warnings == [] for q in upload.questions if q is not parsed)


def test_numbered_headings_lose_their_number_and_a_bare_number_takes_the_stem_from_the_text_under_it():
    upload = read("numbered.md")
    assert len(upload.questions) == 3
    first, second, third = (q.content for q in upload.questions)
    assert first["stem"].startswith("A Lambda function reads one object from an S3 bucket.")
    assert second["stem"].startswith("Which command lists the running tasks of an ECS cluster?")
    assert third["stem"] == (
        "10 GB of logs arrive each day. Which store keeps them cheapest for a year of rare reads?"
    )  # "Question 3:" goes, the "10 GB" of the stem stays
    assert skipped(upload) == [("line 57", "a heading with no question text under it or in it")]


def test_code_blocks_stay_in_the_stem_and_what_looks_like_options_or_headings_in_them_is_code():
    upload = read("numbered.md")
    first, second, _ = (q.content for q in upload.questions)
    assert first["stem"].endswith('```json\n{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}\n```')
    assert "\n\nWhich policy statement should the function's role have?\n\n" in first["stem"]
    assert second["stem"].endswith("- [x] aws ecs describe-clusters\n### not a heading\n```")
    assert second["key"] == ["B"] and len(second["options"]) == 4


def test_star_bullets_an_uppercase_x_and_an_option_going_on_over_an_indented_line():
    first, second, _ = (q.content for q in read("numbered.md").questions)
    assert (
        first["key"] == ["B"]
        and first["options"][1]["text"] == "Allow `s3:GetObject` on the one bucket's objects only."
    )
    assert second["options"][1]["text"] == "aws ecs list-tasks --cluster prod --desired-status RUNNING"


def test_an_explanation_line_after_the_options_is_the_explanation_and_other_text_there_is_not_imported():
    first, second, third = (q.content for q in read("numbered.md").questions)
    assert first["explanation"] == (
        "The function only reads objects, so `s3:GetObject` on\n`arn:aws:s3:::bucket/*` is all it needs."
    )
    assert third["explanation"].startswith("Rarely read data that must still come back in milliseconds")
    assert second["explanation"] == ""  # "Points: 1" and "type: multiple_choice" explain nothing
    assert "Points" not in str(second)


def test_a_details_block_after_the_options_is_the_explanation_without_its_summary_or_answer_line():
    upload = read("details.md")
    assert len(upload.questions) == 2
    block, kms = (q.content for q in upload.questions)
    assert block["key"] == ["B"]
    assert block["explanation"] == (
        "Block Public Access set on the account overrides any bucket policy or ACL that would make\nobjects "
        "public. See <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>."
    )
    assert (kms["type"], kms["key"]) == ("multiple", ["A", "C", "D"])  # `+ [x]` bullets
    assert kms["explanation"] == "EBS, RDS and S3 all take a KMS key for encryption at rest."


def test_section_headings_above_the_questions_are_not_questions_and_broken_questions_name_their_line():
    upload = read("details.md")
    assert [q.where for q in upload.questions] == ["line 5", "line 19"]
    assert skipped(upload) == [
        (
            "line 37",
            "question 'Which one option is offered here?': only one option, so nothing to choose from",
        ),
        (
            "line 41",
            "question 'Which service fails over DNS between two Regions?': the option on line 48 comes after text "
            "that follows the options; keep them together",
        ),
        (
            "line 51",
            "question 'Which database keeps a standby in a second Availability Zone': the option on line 55 has "
            "no text",  # names are cut at 60 characters, as in the other formats
        ),
    ]


def test_questions_under_level_two_headings_are_read_and_deeper_headings_belong_to_the_question():
    text = """# Cloud quiz

## 1. Which service runs containers without managing servers?

#### Context

The team has no operations staff.

- [ ] Amazon EC2.
- [x] AWS Fargate.
- [ ] AWS Outposts.

### Explanation

Fargate runs the tasks; there are no instances to manage.

## 2. Which service sends a text message to a phone?

- [ ] Amazon SQS.
- [x] Amazon SNS.
- [ ] Amazon Kinesis.
"""
    upload = read_upload(text.encode(), "quiz.md")
    first, second = (q.content for q in upload.questions)
    assert first["stem"] == (
        "Which service runs containers without managing servers?\n\n#### Context\n\nThe team has no operations staff."
    )
    assert first["explanation"] == "Fargate runs the tasks; there are no instances to manage."
    assert second["key"] == ["B"] and upload.skipped == []


def test_a_heading_at_the_question_level_without_options_is_skipped_naming_its_line():
    text = "### Storage\n\n### Which one is object storage?\n\n- [ ] EBS\n- [x] S3\n- [ ] EFS\n"
    upload = read_upload(text.encode(), "quiz.md")
    assert len(upload.questions) == 1
    assert skipped(upload) == [
        ("line 1", "question 'Storage': no options under the heading (lines such as `- [ ] wrong` and `- [x] right`)")
    ]


def test_more_options_than_a_question_takes_is_skipped_with_the_reason():
    options = "\n".join(f"- [{'x' if i == 0 else ' '}] Option {i}" for i in range(9))
    upload = read_upload(f"### Which one?\n\n{options}\n".encode(), "quiz.md")
    assert skipped(upload) == [("line 1", "question 'Which one?': 9 options; a question takes at most 8")]


def test_the_same_stem_always_gets_the_same_id():
    first = [q.content["id"] for q in read("saa-style.md").questions]
    again = [q.content["id"] for q in read("saa-style.md").questions]
    assert first == again and all(i.startswith("imp-") for i in first) and len(set(first)) == 4


# ---- choosing the format and refusing what it cannot read ------------------------------------------------


@pytest.mark.parametrize("name", ["bank.md", "bank.MARKDOWN"])
def test_md_and_markdown_files_are_read_as_markdown(name):
    upload = read_upload((FILES / "saa-style.md").read_bytes(), name)
    assert upload.format == "markdown" and len(upload.questions) == 4


def test_a_file_with_another_name_is_read_as_markdown_when_it_has_headings_and_task_list_options():
    upload = read_upload((FILES / "details.md").read_bytes(), "questions.txt")
    assert upload.format == "markdown" and len(upload.questions) == 2


def test_markdown_can_be_chosen_by_name():
    assert read("numbered.md", "markdown").format == "markdown"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# Notes\n\nNothing to ask here.\n",
        # kananinirav's layout: a numbered list with A./B. options and the answer in a <details> block.
        "1. Which service stores objects?\n    - A. Amazon EBS\n    - B. Amazon S3\n",
        "```\n### Which one?\n- [x] a\n- [ ] b\n- [ ] c\n```\n",
    ],
)
def test_a_markdown_file_without_questions_in_this_layout_is_refused_saying_what_the_layout_is(text):
    with pytest.raises(UnreadableUpload, match=r"notes\.md has no questions in the Markdown layout we read: a heading"):
        read_upload(text.encode(), "notes.md")


def test_a_code_block_never_closed_is_refused_naming_its_line_rather_than_losing_the_questions_after_it():
    text = (
        "### Which one?\n\n```bash\naws s3 ls\n\n- [x] a\n- [ ] b\n- [ ] c\n\n### Next?\n\n- [x] a\n- [ ] b\n- [ ] c\n"
    )
    with pytest.raises(UnreadableUpload, match="bank.md: the code block opened with ``` on line 3 is never closed"):
        read_upload(text.encode(), "bank.md")


def test_the_questions_read_pass_the_exams_checks_but_the_true_false_its_rule_refuses_and_warnings_name_them(
    blueprint,
):
    report = checked("saa-style.md", blueprint)
    [refused] = report.errors
    assert refused.where.endswith("line 47") and refused.field == "options"
    assert "needs at least 3 options, has 2 (rule min_options_single of exam TST-01" in refused.message
    assert len(report.valid) == 3 and len(report.skipped) == 1
    [image] = [w for w in report.warnings if "web-tier.png" in w.message]
    assert image.where.endswith("line 36") and image.question == report.valid[2].id


# ---- end to end ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_command_imports_a_markdown_bank_into_an_exam_and_again_changes_nothing(database_url, monkeypatch, app):
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    command = ["bank", "import", str(FILES / "saa-style.md"), "--exam", "TST-01", "--domain", "D1", "--task", "1.1"]
    stored = runner.invoke(cli, [*command, "--commit", "--partial"])
    assert stored.exit_code == 1, stored.output  # the true/false, which TST-01's rules refuse, is left out
    assert "saa-style.md (markdown): 3 new, 0 changed, 0 unchanged, 1 errors" in stored.output
    assert "line 47" in stored.output and "rule min_options_single of exam TST-01" in stored.output
    assert "line 54" in stored.output and "no option is marked [x]" in stored.output
    assert "stored: 3 new" in stored.output
    with Session(app.state.engine) as session:
        questions = {q.slug: q for q in session.exec(select(Question))}
    ids = [q.content["id"] for q in read("saa-style.md").questions if q.where != "line 47"]
    assert all(i in questions for i in ids)
    again = runner.invoke(cli, [*command, "--commit", "--partial"])
    assert "0 new, 0 changed, 3 unchanged" in again.output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_markdown_file_without_questions_stores_nothing_and_says_why(database_url, monkeypatch, app, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\n- a list\n- with no options\n")
    runner = CliRunner()
    files = [str(FILES / "saa-style.md"), str(notes)]
    refused = runner.invoke(
        cli, ["bank", "import", *files, "--exam", "TST-01", "--domain", "D1", "--task", "1.1", "--commit"]
    )
    assert refused.exit_code == 1 and "nothing was stored" in refused.output
    assert "notes.md has no questions in the Markdown layout we read" in refused.output
    ids = [q.content["id"] for q in read("saa-style.md").questions]
    with Session(app.state.engine) as session:
        assert not {q.slug for q in session.exec(select(Question))} & set(ids)
        assert [b.status for b in session.exec(select(ImportBatch))] == ["refused", "refused"]


def test_the_upload_page_offers_markdown_and_checks_a_markdown_bank(admin_client):
    page = admin_client.get("/admin/import").text
    assert '<option value="markdown">markdown</option>' in page and "Moodle XML or Markdown" in page
    assert 'id="markdown-layout"' in page
    check = admin_client.post(
        "/admin/import",
        data={"exam": "TST-01", "format": "markdown", "domain": "D1", "task": "1.1"},
        files=[("files", ("bank.txt", (FILES / "saa-style.md").read_bytes()))],
    )
    assert check.status_code == 422 and "3 new, 0 changed, 0 unchanged" in check.text
    assert "rule min_options_single of exam TST-01" in check.text  # the true/false, which TST-01 refuses
    assert "images/web-tier.png not imported" in check.text and "no option is marked [x]" in check.text


def test_the_command_help_names_the_markdown_format():
    result = CliRunner().invoke(cli, ["bank", "import", "--help"], env={"COLUMNS": "200"})
    assert "moodle-xml or markdown" in result.output and "Moodle XML, Markdown" in result.output

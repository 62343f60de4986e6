"""Importing from every format authors use, with every kind of bad file refused before anything is stored."""

import json
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.bank.imports import MAX_QUESTIONS, UnreadableUpload, read_upload
from app.bank.upload_check import check_upload
from app.cli import cli
from app.db.engine import make_engine
from app.db.tables import ImportBatch, Question, QuestionVersion
from tests.conftest import TEST_BANK

FILES = Path(__file__).parent / "data" / "imports"


@pytest.fixture(scope="module")
def blueprint():
    import yaml

    from app.bank.format import ExamIn

    return ExamIn.model_validate(yaml.safe_load((TEST_BANK / "tst-01" / "exam.yaml").read_text())).blueprint()


def check(name, blueprint, current=None, **defaults):
    data = (FILES / name).read_bytes()
    return check_upload(read_upload(data, name), blueprint, filename=name, current=current or {}, **defaults)


def test_gift_questions_with_categories_escapes_feedback_and_weights(blueprint):
    report = check("moodle.gift", blueprint)
    # The true/false is read, and TST-01 (AWS's rules) refuses it, naming the rule.
    [refused] = report.errors
    assert (refused.where, refused.question, refused.field) == ("moodle.gift line 22", "truth", "options")
    assert "needs at least 3 options, has 2 (rule min_options_single of exam TST-01" in refused.message
    by_id = {q.id: q for q in report.valid}
    shard = by_id["shard-limits"]
    assert shard.stem == "Which limit applies to writes into one shard {per second}?"
    assert [o.text for o in shard.options][0] == "1 MB or 1,000 records" and shard.key == ["A"]
    assert shard.options[1].explanation == "That is the read limit."
    assert shard.explanation == "Each shard takes up to 1 MB or 1,000 records per second."
    assert (shard.domain, shard.task) == ("D1", "1.1")
    two = by_id["pick-two"]
    assert two.type == "multiple" and two.key == ["A", "B"] and "<b>" not in two.stem and "two" in two.stem
    assert by_id["no-title-here"].stem == "Which value is a colon: ?" and by_id["no-title-here"].domain == "D2"
    matching = by_id["matching"]
    assert matching.type == "matching" and [p.text for p in matching.prompts] == ["Kinesis", "S3", "EBS"]
    assert [o.text for o in matching.options] == ["streams", "objects", "blocks"]
    assert matching.key == {"1": "A", "2": "B", "3": "C"}
    assert report.skipped == []


def test_aiken_questions_need_an_answer_line(blueprint):
    report = check("questions.aiken.txt", blueprint, default_domain="D2", default_task="2.1")
    assert [q.key for q in report.valid] == [["A"], ["A"]]
    assert report.valid[1].options[0].text == "Amazon SageMaker Ground Truth"
    [skipped] = report.skipped
    assert "line 14" in skipped.where and "no ANSWER: line" in skipped.message
    assert any("every option needs its explanation" in w.message for w in report.warnings)


def test_moodle_xml_keeps_text_not_markup_and_maps_positive_fractions_to_the_key(blueprint):
    report = check("quiz.xml", blueprint)
    assert report.errors == [], [str(e) for e in report.errors]
    first, second = report.valid
    assert "<" not in first.stem and "alert" not in first.stem and "3 % missing" in first.stem.replace("\xa0", " ")
    assert first.key == ["A"] and first.options[0].explanation == "Robust and simple."
    assert first.explanation == "Median imputation is robust to outliers."
    assert (first.domain, first.task) == ("D2", "2.1")
    assert second.type == "multiple" and second.key == ["A", "B"]
    assert "essay questions are not multiple choice" in report.skipped[0].message


def test_csv_rows_with_quotes_multiple_keys_and_references(blueprint):
    report = check("sheet.csv", blueprint)
    assert report.errors == []
    scaling, unnamed = report.valid
    assert scaling.id == "csv-scaling" and scaling.tags == ["scaling", "knn"] and scaling.references[0].title == "k-NN"
    assert unnamed.id.startswith("imp-") and unnamed.key == ["B", "D"] and '"quoted"' in unnamed.stem


def test_reimporting_the_same_file_reports_everything_unchanged(blueprint):
    from app.domain.content import content_hash

    first = check("sheet.csv", blueprint)
    current = {q.id: content_hash(q.content()) for q in first.valid}
    again = check("sheet.csv", blueprint, current=current)
    assert set(again.statuses.values()) == {"unchanged"}


@pytest.mark.parametrize(
    "name, words",
    [
        ("broken.yaml", "is not valid YAML/JSON"),
        ("latin1.yaml", "is not UTF-8 text"),
        ("image.png", "is a binary file"),
    ],
)
def test_unreadable_files_are_refused_by_name(name, words):
    with pytest.raises(UnreadableUpload, match=words):
        read_upload((FILES / name).read_bytes(), name, "native" if name.endswith(".png") else "auto")


@pytest.mark.parametrize(
    "question, field, words",
    [
        ({"colour": "blue"}, "colour", "Extra inputs are not permitted"),
        ({"key": []}, "key", "the key is empty"),
        ({"key": ["Z"]}, "key", "key names no option: Z"),
        ({"domain": "D7"}, "domain", "unknown domain"),
        ({"type": "multiple", "stem": "Pick (Choose three.)", "key": ["A", "B"]}, "stem", "says choose 3"),
        (
            {"options": [{"id": "A", "text": "All of the above"}, {"id": "B", "text": "b"}, {"id": "C", "text": "c"}]},
            "options.A.text",
            "refers to other options",
        ),
    ],
)
def test_each_defect_is_an_error_naming_the_question_and_field(blueprint, question, field, words):
    base = {
        "id": "q1",
        "domain": "D1",
        "task": "1.1",
        "type": "single",
        "stem": "Which one is right?",
        "options": [{"id": x, "text": f"option {x}"} for x in "ABCDE"],
        "key": ["A"],
    }
    report = check_upload(
        read_upload(json.dumps({"questions": [{**base, **question}]}).encode(), "q.json"),
        blueprint,
        filename="q.json",
        current={},
    )
    assert any(e.field == field and words in e.message and e.question == "q1" for e in report.errors), [
        str(e) for e in report.errors
    ]
    assert report.valid == [] and not report.ok


def test_duplicate_ids_in_one_upload_are_errors(blueprint):
    one = {
        "id": "same",
        "domain": "D1",
        "task": "1.1",
        "type": "single",
        "stem": "A question?",
        "options": [{"id": x, "text": x} for x in "ABC"],
        "key": ["A"],
    }
    report = check_upload(
        read_upload(json.dumps([one, {**one, "stem": "Another?"}]).encode(), "q.json"),
        blueprint,
        filename="q.json",
        current={},
    )
    assert any("duplicate id" in e.message for e in report.errors)


def test_an_upload_over_the_question_limit_is_refused():
    many = [{"stem": f"Q{i}?", "options": [], "key": []} for i in range(MAX_QUESTIONS + 1)]
    with pytest.raises(UnreadableUpload, match=f"at most {MAX_QUESTIONS}"):
        read_upload(json.dumps(many).encode(), "many.json")


def test_xml_with_entities_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaa">]><quiz>&a;</quiz>'
    with pytest.raises(UnreadableUpload, match="not allowed"):
        read_upload(bomb, "bomb.xml")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_command_dry_runs_then_commits_everything_in_one_transaction(database_url, monkeypatch, app):
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    dry = runner.invoke(cli, ["bank", "import", str(FILES / "sheet.csv"), str(FILES / "quiz.xml"), "--exam", "TST-01"])
    assert dry.exit_code == 0 and "dry run: nothing stored" in dry.output
    assert "sheet.csv (csv): 2 new, 0 changed, 0 unchanged, 0 errors" in dry.output
    refused = runner.invoke(
        cli,
        [
            "bank",
            "import",
            str(FILES / "sheet.csv"),
            str(FILES / "questions.aiken.txt"),
            "--exam",
            "TST-01",
            "--commit",
        ],
    )
    assert refused.exit_code == 1 and "nothing was stored" in refused.output  # Aiken has no domain
    with Session(app.state.engine) as session:
        assert session.exec(select(Question).where(Question.slug == "csv-scaling")).first() is None
    stored = runner.invoke(
        cli, ["bank", "import", str(FILES / "sheet.csv"), str(FILES / "quiz.xml"), "--exam", "TST-01", "--commit"]
    )
    assert (
        stored.exit_code == 0
        and "stored: 4 new (3 as drafts, for want of explanations or a reference), 0 changed" in stored.output
    )
    again = runner.invoke(cli, ["bank", "import", str(FILES / "sheet.csv"), "--exam", "TST-01", "--commit"])
    assert "0 new, 0 changed, 2 unchanged" in again.output
    with Session(app.state.engine) as session:
        assert len(session.exec(select(QuestionVersion)).all()) == 14
        # The dry run kept no copy of its files; the refused and committed runs are on record.
        assert [b.status for b in session.exec(select(ImportBatch).order_by(ImportBatch.id))] == [
            "refused",
            "refused",
            "committed",
            "committed",
            "committed",
        ]


def test_script_in_question_text_is_stored_as_text_and_never_rendered_as_markup(blueprint):
    from app.web.markdown import render

    hostile = {
        "id": "xss",
        "domain": "D1",
        "task": "1.1",
        "type": "single",
        "stem": 'Which? <script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3))',
        "options": [{"id": x, "text": f"<b onmouseover=alert(4)>{x}</b>"} for x in "ABC"],
        "key": ["A"],
    }
    report = check_upload(read_upload(json.dumps(hostile).encode(), "q.json"), blueprint, filename="q.json", current={})
    [question] = report.valid
    html = render(question.stem) + render(question.options[0].text)
    # The words survive as visible text; no element, attribute or link is made of them.
    assert "<script" not in html and "<img" not in html and "<b " not in html and "<a " not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "difficulty, words",
    [
        ("²", "valid integer"),
        ("9" * 5000, "exceeded maximum size"),
        ("999999", "less than or equal to 3"),
    ],
)
def test_a_csv_difficulty_that_is_no_small_number_is_an_error_naming_the_row_and_field(blueprint, difficulty, words):
    sheet = (FILES / "sheet.csv").read_text().splitlines()
    header, row = sheet[0], sheet[1].split(",")
    row[4] = difficulty
    report = check_upload(
        read_upload(f"{header}\n{','.join(row)}\n".encode(), "bad.csv"), blueprint, filename="bad.csv", current={}
    )
    [error] = report.errors
    assert error.field == "difficulty" and words in error.message and error.question == "csv-scaling"
    assert str(error).startswith("bad.csv row 2") and report.valid == []


@pytest.mark.parametrize(
    "name, text",
    [
        ("deep.yaml", "questions: " + "[" * 50_000 + "]" * 50_000),
        ("deep.json", '{"questions": ' + "[" * 50_000 + "]" * 50_000 + "}"),
    ],
)
def test_a_file_nested_too_deeply_is_refused_by_name(name, text):
    with pytest.raises(UnreadableUpload, match=f"{name} nests lists or mappings too deeply"):
        read_upload(text.encode(), name)


def test_the_loader_reports_a_bank_file_nested_too_deeply(tmp_path):
    import shutil

    from app.bank.loader import load_exam

    shutil.copytree(TEST_BANK / "tst-01", tmp_path / "tst-01")
    (tmp_path / "tst-01" / "questions" / "deep.yaml").write_text("questions: " + "[" * 50_000 + "]" * 50_000)
    [problem] = load_exam(tmp_path / "tst-01").problems
    assert problem.path.endswith("deep.yaml") and "nested too deeply" in problem.message


def test_two_files_of_one_import_defining_one_id_is_an_error_naming_both(database_url, monkeypatch, app, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    copy = tmp_path / "copy-of-sheet.csv"
    copy.write_bytes((FILES / "sheet.csv").read_bytes())
    runner = CliRunner()
    command = ["bank", "import", str(FILES / "sheet.csv"), str(copy), "--exam", "TST-01", "--commit"]
    refused = runner.invoke(cli, command)
    assert refused.exit_code == 1 and "nothing was stored" in refused.output
    assert "sheet.csv of this import defines question csv-scaling too" in refused.output
    with Session(app.state.engine) as session:
        assert session.exec(select(Question).where(Question.slug == "csv-scaling")).first() is None


def test_bank_load_on_a_fresh_data_directory_migrates_first(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MOCKEXAM_DATA_DIR", str(tmp_path / "fresh"))
    monkeypatch.setenv("MOCKEXAM_BANK_DIR", str(TEST_BANK))
    loaded = CliRunner().invoke(cli, ["bank", "load"])
    assert loaded.exit_code == 0, loaded.output
    assert "bank TST-01: 10 new, 0 changed, 0 unchanged" in loaded.stdout


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_import_with_nothing_in_it_exits_0_and_says_so(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    empty = tmp_path / "empty.yaml"
    empty.write_text("questions: []\n")
    result = CliRunner().invoke(cli, ["bank", "import", str(empty), "--exam", "TST-01", "--commit"])
    assert result.exit_code == 0, result.output
    assert "nothing to import: the files hold no questions" in result.stdout


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_json_output_is_only_json_and_a_dry_run_keeps_no_copy_of_the_file(database_url, monkeypatch, app):
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["bank", "import", str(FILES / "sheet.csv"), "--exam", "TST-01", "--json"])
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert report["counts"]["new"] == 2
    with Session(app.state.engine) as session:
        assert session.exec(select(ImportBatch)).all() == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_partial_import_stores_the_valid_questions_and_names_every_one_left_out(
    database_url, monkeypatch, app, tmp_path
):
    monkeypatch.setenv("DATABASE_URL", database_url)
    rows = (FILES / "sheet.csv").read_text().splitlines()
    mixed = tmp_path / "mixed.csv"
    bad = "csv-broken,D1,1.1,single,1,,A stem with a key that is no option?,One,x,Two,y,Three,z,Four,w,,,G,Why.,,"
    mixed.write_text("\n".join([rows[0], rows[1], bad]) + "\n")
    runner = CliRunner()
    whole = runner.invoke(cli, ["bank", "import", str(mixed), "--exam", "TST-01", "--commit"])
    assert whole.exit_code == 1 and "nothing was stored" in whole.output
    part = runner.invoke(cli, ["bank", "import", str(mixed), "--exam", "TST-01", "--commit", "--partial"])
    assert part.exit_code == 1 and "stored: 1 new" in part.output
    assert "mixed.csv row 3: question csv-broken: key: key names no option: G" in part.output
    assert "the questions with errors were not stored" in part.output
    with Session(app.state.engine) as session:
        slugs = {q.slug for q in session.exec(select(Question))}
    assert "csv-scaling" in slugs and "csv-broken" not in slugs


def test_an_upload_with_an_unreadable_case_study_is_refused_naming_the_field():
    text = "cases:\n  - id: shop\n    scenario: A shop.\nquestions: []\n"
    with pytest.raises(UnreadableUpload, match=r"case studies that cannot be read \(cases\.0\.title: Field required\)"):
        read_upload(text.encode(), "cases.yaml")


NO_CHOOSE_ROW = (
    "id,domain,task,type,stem,option_a,explanation_a,option_b,explanation_b,option_c,explanation_c,"
    "option_d,explanation_d,option_e,explanation_e,key,explanation,reference_title,reference_url\n"
    'csv-two-keys,D1,1.2,multiple,"Which two are columnar formats?",Parquet,Columnar.,CSV,Row text.,ORC,Columnar.,'
    "JSON Lines,Row text.,Avro,Row binary.,A;C,Parquet and ORC store columns.,Formats,https://docs.aws.amazon.com/\n"
)


def test_a_multiple_response_stem_without_choose_n_is_refused_with_the_way_to_fix_it(
    fresh_database_url, monkeypatch, tmp_path
):
    monkeypatch.setenv("DATABASE_URL", fresh_database_url)
    sheet = tmp_path / "no-choose.csv"
    sheet.write_text(NO_CHOOSE_ROW)
    refused = CliRunner().invoke(cli, ["bank", "import", str(sheet), "--exam", "TST-01", "--commit"])
    assert refused.exit_code == 1 and "must say how many to choose" in refused.output
    assert "--add-choose" in refused.output


def test_the_importer_adds_a_missing_choose_n_when_asked_and_says_so(fresh_database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", fresh_database_url)
    sheet = tmp_path / "no-choose.csv"
    sheet.write_text(NO_CHOOSE_ROW)
    command = ["bank", "import", str(sheet), "--exam", "TST-01", "--commit", "--add-choose"]
    stored = CliRunner().invoke(cli, command)
    assert stored.exit_code == 0, stored.output
    assert "(Choose two.) added to the stem" in stored.output
    engine = make_engine(fresh_database_url)
    with Session(engine) as session:
        question = session.exec(select(Question).where(Question.slug == "csv-two-keys")).one()
        version = session.get(QuestionVersion, question.current_version_id)
        assert version.content["stem"] == "Which two are columnar formats? (Choose two.)"
    engine.dispose()

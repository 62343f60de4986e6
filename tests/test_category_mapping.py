"""A category mapping file places a teacher's GIFT and Moodle XML categories in an exam's domains and tasks."""

import pytest
import yaml
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.bank.categories import mapping_option, read_category_map
from app.bank.format import ExamIn
from app.bank.imports import read_upload
from app.bank.upload_check import check_upload
from app.cli import cli
from app.db.tables import ImportBatch, Question
from tests.conftest import TEST_BANK

# TST-01: D1 has tasks 1.1 and 1.2, D2 has 2.1.
GIFT = """$CATEGORY: $course$/Networking/Addressing

::dns-port:: Which port does a DNS server listen on? {=53 ~8080 ~443}

$CATEGORY: $course$ / Networking / Protocols

::no-handshake:: Which transport sends datagrams without a handshake? {=UDP ~TCP ~QUIC over TLS}

$CATEGORY: $course$/TST-01/D2/2.1

::own-place:: Which record maps a name to an IPv6 address? {=AAAA ~MX ~CNAME}

$CATEGORY: $course$/Unsorted

::no-place:: Which status code says Not Found? {=404 ~200 ~500}
"""
MAPPING = """# where each unit of the course goes
"$course$/Networking/Addressing": D1/1.2
"$course$/Networking/Protocols": D2/2.1
"""


@pytest.fixture(scope="module")
def blueprint():
    return ExamIn.model_validate(yaml.safe_load((TEST_BANK / "tst-01" / "exam.yaml").read_text())).blueprint()


def places(mapping_text: str, blueprint, name="categories.yaml", **defaults) -> dict[str, tuple[str, str]]:
    mapping = read_category_map(mapping_option(name, mapping_text.encode()), blueprint)
    assert mapping.problems == []
    report = check_upload(
        read_upload(GIFT.encode(), "unit.gift"),
        blueprint,
        filename="unit.gift",
        current={},
        categories=mapping.places,
        **defaults,
    )
    assert report.errors == [], [str(e) for e in report.errors]
    return {q.id: (q.domain, q.task) for q in report.valid}


def test_the_mapping_places_its_categories_and_the_rest_fall_back_to_their_path_then_the_files_place(blueprint):
    assert places(MAPPING, blueprint, default_domain="D1", default_task="1.1") == {
        "dns-port": ("D1", "1.2"),  # mapped
        "no-handshake": ("D2", "2.1"),  # mapped, though the file spaces its path differently
        "own-place": ("D2", "2.1"),  # not mapped: its path names D2/2.1
        "no-place": ("D1", "1.1"),  # not mapped, no place in its path: the one given for the file
    }


def test_a_csv_mapping_with_or_without_its_header_places_the_same(blueprint):
    rows = '"$course$/Networking/Addressing",D1/1.2\n"$course$/Networking/Protocols",D2/2.1\n'
    expected = places(MAPPING, blueprint, default_domain="D1", default_task="1.1")
    for text in (rows, "category,placement\n" + rows):
        assert places(text, blueprint, "map.csv", default_domain="D1", default_task="1.1") == expected


@pytest.mark.parametrize(
    "text, name, problem",
    [
        ('"a": D1/1.1\n"b": D9/9.1\n', "m.yaml", ("m.yaml line 2", "'b': unknown domain 'D9'; TST-01 has D1, D2")),
        ('"a": D1/2.1\n', "m.yaml", ("m.yaml line 1", "'a': task '2.1' is not in domain D1 (1.1, 1.2)")),
        ('"a": D1\n', "m.yaml", ("m.yaml line 1", "'a': 'D1' is not a place: write the domain and task as D2/2.1")),
        ('"a": D1/1.1\n"a": D2/2.1\n', "m.yaml", ("m.yaml line 2", "category 'a' is mapped on line 1 already")),
        (
            "category,placement\na,D1/1.1\nb,D2/2.2\n",
            "m.csv",
            ("m.csv line 3", "'b': task '2.2' is not in domain D2 (2.1)"),
        ),
        (
            "- a\n- b\n",
            "m.yaml",
            ("m.yaml", 'not a mapping of categories to places, such as `"$course$/Unit 1": D1/1.1`'),
        ),
        ('"a": [D1, "1.1"]\n', "m.yaml", ("m.yaml line 1", "map a category to a place such as D1/1.1")),
    ],
)
def test_a_mapping_line_that_names_no_place_of_the_exam_is_a_problem_naming_the_line(text, name, problem, blueprint):
    assert read_category_map(mapping_option(name, text.encode()), blueprint).problems == [problem]


def test_a_mapping_that_is_not_text_is_a_problem(blueprint):
    mapping = read_category_map(mapping_option("m.yaml", b"\xff\xfe bad"), blueprint)
    assert mapping.problems == [("m.yaml", "m.yaml is not UTF-8 text (byte 0); save it as UTF-8")]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_command_stores_the_questions_where_the_mapping_puts_them(database_url, monkeypatch, app, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    (tmp_path / "unit.gift").write_text(GIFT)
    (tmp_path / "units.yaml").write_text(MAPPING)
    command = ["bank", "import", str(tmp_path / "unit.gift"), "--exam", "TST-01", "--domain", "D1", "--task", "1.1"]
    result = CliRunner().invoke(cli, [*command, "--categories", str(tmp_path / "units.yaml"), "--commit"])
    assert result.exit_code == 0, result.output
    assert "unit.gift (gift): 4 new" in result.output
    with Session(app.state.engine) as session:
        placed = {q.slug: (q.domain, q.task) for q in session.exec(select(Question).where(Question.slug != ""))}
        [batch] = session.exec(select(ImportBatch)).all()
    assert placed["dns-port"] == ("D1", "1.2") and placed["no-handshake"] == ("D2", "2.1")
    assert batch.options["categories"] == {"filename": "units.yaml", "text": MAPPING}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_command_refuses_a_mapping_that_names_an_unknown_domain_naming_its_line_and_stores_nothing(
    database_url, monkeypatch, app, tmp_path
):
    """Even with --partial: the questions of the category the broken line names would land in the wrong place."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    (tmp_path / "unit.gift").write_text(GIFT)
    (tmp_path / "units.yaml").write_text(MAPPING.replace("D2/2.1", "D7/7.1"))
    command = ["bank", "import", str(tmp_path / "unit.gift"), "--exam", "TST-01", "--domain", "D1", "--task", "1.1"]
    mapping = ["--categories", str(tmp_path / "units.yaml")]
    result = CliRunner().invoke(cli, [*command, *mapping, "--commit", "--partial"])
    assert result.exit_code == 1 and "nothing was stored" in result.output
    assert (
        "error: units.yaml line 3: (categories): '$course$/Networking/Protocols': unknown domain 'D7'; "
        "TST-01 has D1, D2" in result.output
    )
    with Session(app.state.engine) as session:
        assert session.exec(select(Question).where(Question.slug == "dns-port")).first() is None

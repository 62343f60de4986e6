"""The catalogue: each exam's data says whether it is live, beta or retired, since and until when, what
replaced it and where those facts come from; the bank checks it and the home page tells it plainly."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from app.bank.lint import lint_bank
from app.bank.loader import load_bank
from app.bootstrap import load_shipped_bank
from app.config import Settings
from app.db import migrate
from app.main import create_app
from tests.conftest import T0, TEST_BANK

ROOT = Path(__file__).resolve().parents[1]
SOURCE = [{"title": "Vendor page", "url": "https://example.com/exam"}]


def two_exams(tmp_path: Path, old: dict | None, new: dict | None = None) -> Path:
    """A bank of TST-00 (a copy of the test exam, with catalogue `old`) and TST-01 (catalogue `new`)."""
    bank = tmp_path / "bank"
    for code, catalogue in (("TST-00", old), ("TST-01", new)):
        folder = bank / code.lower()
        shutil.copytree(TEST_BANK / "tst-01", folder)
        exam = yaml.safe_load((folder / "exam.yaml").read_text())
        exam["code"], exam["title"] = code, f"Exam {code}"
        if catalogue is not None:
            exam["catalogue"] = catalogue
        (folder / "exam.yaml").write_text(yaml.safe_dump(exam, sort_keys=False))
        for path in (folder / "questions").iterdir():
            data = yaml.safe_load(path.read_text())
            for question in data["questions"]:
                question["id"] = f"{code.lower()}-{question['id']}"
            path.write_text(yaml.safe_dump(data, sort_keys=False))
    return bank


RETIRED = {"status": "retired", "last_day": "2026-03-31", "successor": "TST-01", "sources": SOURCE}
LIVE = {"status": "live", "first_day": "2026-04-01", "sources": SOURCE}


def test_an_exam_without_a_catalogue_is_live():
    [exam] = load_bank(TEST_BANK)
    assert exam.blueprint.catalogue.status == "live"


def test_the_catalogue_is_read_with_its_dates_successor_and_sources(tmp_path):
    exams = {e.blueprint.code: e.blueprint.catalogue for e in load_bank(two_exams(tmp_path, RETIRED, LIVE))}
    assert exams["TST-00"].status == "retired" and exams["TST-00"].last_day == dt.date(2026, 3, 31)
    assert exams["TST-00"].successor == "TST-01" and exams["TST-00"].sources[0].url == "https://example.com/exam"
    assert exams["TST-01"].first_day == dt.date(2026, 4, 1)


@pytest.mark.parametrize(
    ("catalogue", "message"),
    [
        ({"status": "retired", "sources": SOURCE}, "a retired exam needs last_day"),
        ({"status": "live", "first_day": "2026-05-01", "last_day": "2026-04-01", "sources": SOURCE}, "before"),
        ({"status": "sunset", "sources": SOURCE}, "catalogue.status"),
        ({"status": "live", "sources": []}, "catalogue.sources"),
        ({"status": "live"}, "catalogue.sources"),
    ],
)
def test_a_wrong_catalogue_is_refused_naming_the_field(tmp_path, catalogue, message):
    with pytest.raises(ValueError) as refused:
        load_bank(two_exams(tmp_path, catalogue))
    assert message in str(refused.value)
    assert "tst-00/exam.yaml" in str(refused.value)


def test_lint_refuses_a_successor_the_bank_does_not_hold(tmp_path):
    bank = two_exams(tmp_path, {**RETIRED, "successor": "TST-99"}, LIVE)
    [finding] = [f for f in lint_bank(load_bank(bank), today=dt.date(2026, 12, 5)) if f.rule == "catalogue"]
    assert finding.severity == "error" and "successor TST-99 is not an exam of this bank" in finding.message


def test_lint_warns_when_an_exam_is_still_called_live_after_its_last_day(tmp_path):
    bank = two_exams(tmp_path, {"status": "live", "last_day": "2026-09-28", "sources": SOURCE}, LIVE)
    exams = load_bank(bank)
    assert not [f for f in lint_bank(exams, today=dt.date(2026, 9, 28)) if f.rule == "catalogue"]
    [finding] = [f for f in lint_bank(exams, today=dt.date(2026, 9, 29)) if f.rule == "catalogue"]
    assert finding.severity == "warning" and "mark it retired" in finding.message


def test_the_shipped_catalogue_says_what_candidates_sit_today():
    exams = {e.blueprint.code: e.blueprint.catalogue for e in load_bank(ROOT / "question_bank")}
    assert exams["MLS-C01"].status == "retired" and exams["MLS-C01"].last_day == dt.date(2026, 3, 31)
    assert exams["MLA-C01"].status == "retired" and exams["MLA-C01"].last_day == dt.date(2026, 9, 28)
    assert exams["MLA-C01"].successor == exams["MLS-C01"].successor == "MLA-C02"
    assert exams["MLA-C02"].status == "live" and exams["MLA-C02"].first_day == dt.date(2026, 9, 29)
    assert all(catalogue.sources for catalogue in exams.values())


def test_home_lists_live_exams_first_and_says_what_replaced_a_retired_one(tmp_path):
    url, bank = f"sqlite:///{tmp_path / 'catalogue.db'}", two_exams(tmp_path, RETIRED, LIVE)
    migrate.upgrade(url)
    load_shipped_bank(url, bank, now=T0)
    settings = Settings(
        data_dir=tmp_path / "data", database_url=url, secret_key="test", bank_dir=bank, allowed_hosts="testserver"
    )
    with TestClient(create_app(settings)) as client:
        page = client.get("/").text
    assert page.index("Exam TST-01 (TST-01)") < page.index("Exam TST-00 (TST-00)")
    retired = page[page.index("Exam TST-00 (TST-00)") :]
    assert "Retired." in retired and "AWS delivered this exam until 2026-03-31" in retired
    assert 'its successor is\n      <a href="#exam-TST-01">TST-01</a>' in retired
    assert "Start TST-00 exam" in retired, "a retired exam can still be sat"
    assert "Live.</strong>" in page and "Delivered since 2026-04-01." in page

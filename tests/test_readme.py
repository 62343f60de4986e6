"""Every sentence of the README that a test can check stays true: its settings table names every setting,
and its bank table says how many questions, flashcards and cheat sheets each exam has."""

import re

from app.bank.loader import load_bank
from app.config import ROOT, Settings

README = (ROOT / "README.md").read_text()


def _table_after(heading: str) -> list[list[str]]:
    section = README[README.index(heading) :]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def test_the_settings_table_names_every_setting_and_nothing_else():
    named = {name for row in _table_after("## Configuration") for name in re.findall(r"`([A-Z_]+)`", row[0])}
    expected = {"DATABASE_URL", "PORT"} | {
        f"MOCKEXAM_{field.upper()}" for field in Settings.model_fields if field != "database_url"
    }
    assert named == expected


def test_the_bank_table_gives_each_exams_questions_flashcards_and_cheat_sheets():
    counts = {
        exam.code: (len(exam.questions), len(exam.cards), len(exam.sheets))
        for exam in load_bank(ROOT / "question_bank")
    }
    stated = {row[0]: (int(row[2]), int(row[3]), int(row[4])) for row in _table_after("## The question bank")}
    assert stated == counts

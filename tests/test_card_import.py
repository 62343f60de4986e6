"""Flashcards in and out: a candidate takes the deck to Anki or a spreadsheet, an author brings cards in from the
bank's YAML, CSV or Anki notes. Every card is checked against the exam; one problem stores nothing."""

import csv
import io

import pytest
import yaml
from sqlmodel import Session

from app.db import study
from app.services.study import import_cards

ANKI = (
    "#separator:tab\n#html:true\n#tags column:3\n"
    'What does <b>shuffling</b> do?\t"Mixes the records<br>so batches differ."\ttest\n'
    "Which task comes first?\tThe first one.\taws::test\n"
)


@pytest.fixture
def database_url(fresh_database_url):
    """Imports change the bank, so each test gets a database of its own."""
    return fresh_database_url


DEFAULTS = {"domain": "D1", "task": "1.2", "reference": {"title": "Notes", "url": "https://example.com/notes"}}


def run(app, data: bytes, filename: str, defaults=None, commit=True):
    with Session(app.state.engine) as session:
        return import_cards(
            session=session,
            exam_code="TST-01",
            data=data,
            filename=filename,
            defaults=DEFAULTS if defaults is None else defaults,
            commit=commit,
        )


def deck(app):
    with Session(app.state.engine) as session:
        return {c.slug: c for c in study.cards(session=session, exam_code="TST-01")}


def test_the_deck_exports_as_anki_notes_csv_and_yaml(client):
    anki = client.get("/study/cards/export?exam=TST-01&format=anki")
    assert anki.headers["content-disposition"] == 'attachment; filename="tst-01-flashcards.txt"'
    lines = anki.text.splitlines()
    assert lines[:2] == ["#separator:tab", "#html:true"] and "#tags column:3" in lines
    assert "<p>What is the <strong>first</strong> concept?</p>" in anki.text
    assert "https://example.com/first" in anki.text
    rows = list(csv.DictReader(io.StringIO(client.get("/study/cards/export?exam=TST-01&format=csv").text)))
    assert [r["id"] for r in rows] == ["tst-card-first", "tst-card-second", "tst-card-fourth", "tst-card-third"]
    assert rows[0]["reference_url"] == "https://example.com/first" and rows[0]["tags"] == "test"
    native = yaml.safe_load(client.get("/study/cards/export?exam=TST-01&format=yaml").text)
    assert len(native["cards"]) == 4 and native["cards"][0]["why"] == "Questions of task 1.1 test it."
    assert client.get("/study/cards/export?exam=TST-01&format=pdf").status_code == 422


def test_an_exported_deck_imports_back_unchanged(client, app):
    for fmt, name in (("yaml", "deck.yaml"), ("csv", "deck.csv")):
        exported = client.get(f"/study/cards/export?exam=TST-01&format={fmt}").content
        outcome = run(app, exported, name, defaults={})
        assert outcome.problems == [] and (outcome.checked, outcome.stored) == (4, 0), fmt
    assert len(deck(app)) == 4


def test_anki_notes_come_in_as_text_with_the_defaults_given(app):
    outcome = run(app, ANKI.encode(), "notes.txt")
    assert outcome.problems == [] and outcome.stored == 2
    imported = [c for c in deck(app).values() if c.slug.startswith("card-")]
    assert sorted(c.front for c in imported) == ["What does shuffling do?", "Which task comes first?"]
    shuffling = next(c for c in imported if "shuffling" in c.front)
    assert shuffling.back == "Mixes the records\n\nso batches differ."
    assert (shuffling.domain, shuffling.task, shuffling.tags) == ("D1", "1.2", ("test",))
    assert run(app, ANKI.encode(), "notes.txt").stored == 0  # the same file again changes nothing


def test_bad_cards_are_named_and_nothing_is_stored(app):
    before = deck(app)
    outcome = run(app, ANKI.encode(), "notes.txt", defaults={"domain": "D1", "task": "1.2"})
    assert any("line 5: reference: Field required" in p for p in outcome.problems)
    clashing = "front,back,tags,reference_url\nWhat is the second concept?,Again,test,https://example.com/x\n"
    outcome = run(app, clashing.encode(), "clash.csv")
    assert any("front: the same front as card tst-card-second" in p for p in outcome.problems)
    unknown = "front,back,tags,domain,task\nA new front?,An answer,no-such-tag,D2,1.1\n"
    outcome = run(app, unknown.encode(), "bad.csv")
    assert any("tags: no question of TST-01 is tagged no-such-tag" in p for p in outcome.problems)
    assert any("task: task '1.1' is not in domain D2 (2.1)" in p for p in outcome.problems)
    assert run(app, b"\xff\xfe\x00", "broken.yaml").problems
    assert run(app, b"cards: 3", "wrong.yaml").problems == ["the file needs a top-level `cards` list"]
    assert "cannot tell the format" in run(app, b"x", "deck.pdf").problems[0]
    assert run(app, ANKI.encode(), "notes.txt", commit=False).stored == 0
    assert deck(app).keys() == before.keys()

"""Flashcards and cheat sheets are bank data: the loader refuses what would mislead or link to nothing, naming
file, line, card and field, and shares them with the exams they name."""

import shutil
from datetime import UTC, datetime, timedelta

import yaml

from app.bank.loader import load_bank
from app.domain.study import (
    CheatSheet,
    Flashcard,
    Schedule,
    SheetSection,
    cards_for_misses,
    drill_queue,
    linked_cards,
    linked_sections,
)
from tests.conftest import TEST_BANK


def card(slug, **fields):
    return {
        "id": slug,
        "domain": "D1",
        "task": "1.1",
        "tags": ["test"],
        "front": f"What does {slug} mean?",
        "back": "An answer.",
        "reference": {"title": "A page", "url": "https://example.com/page"},
        **fields,
    }


def bank_with(tmp_path, cards=None, sheet=None, exam_copy=None):
    root = tmp_path / "bank"
    shutil.copytree(TEST_BANK / "tst-01", root / "tst-01")
    if cards is not None:
        (root / "tst-01" / "cards" / "cards.yaml").write_text(yaml.safe_dump({"cards": cards}, sort_keys=False))
    if sheet is not None:
        (root / "tst-01" / "sheets" / "d1.yaml").write_text(yaml.safe_dump(sheet, sort_keys=False))
    if exam_copy:
        successor = yaml.safe_load((root / "tst-01" / "exam.yaml").read_text())
        successor["code"] = exam_copy
        (root / exam_copy.lower() / "questions").mkdir(parents=True)
        (root / exam_copy.lower() / "exam.yaml").write_text(yaml.safe_dump(successor))
        shutil.copy(root / "tst-01" / "questions" / "questions.yaml", root / exam_copy.lower() / "questions")
    return {exam.code: exam for exam in load_bank(root)}


def messages(exams):
    return [str(p) for exam in exams.values() for p in exam.problems]


def test_the_test_bank_loads_its_cards_and_sheet():
    [exam] = load_bank(TEST_BANK)
    assert exam.problems == [] and len(exam.cards) == 4 and [s.domain for s in exam.sheets] == ["D1"]


def test_a_card_that_would_link_to_nothing_or_repeat_another_is_refused_by_name(tmp_path):
    exams = bank_with(
        tmp_path,
        [
            card("good"),
            card("untagged", tags=["no-such-tag"]),
            card("again", front="What does GOOD mean"),
            card("wrong-task", task="2.1"),
            card("long", front="x" * 201),
            card("good", front="Another front?"),
        ],
    )
    found = messages(exams)
    assert "bank/tst-01/cards/cards.yaml:12: card untagged: tags: no question of TST-01 is tagged no-such-tag" in found
    assert any("card again: front: the same front as card good" in m for m in found)
    assert any("wrong-task: task: task '2.1' is not in domain D1 (1.1, 1.2)" in m for m in found)
    assert any("long: front: 201 characters; a card's front holds at most 200" in m for m in found)
    assert any("good: id: duplicate id; first used in bank/tst-01/cards/cards.yaml" in m for m in found)
    assert [c.id for c in exams["TST-01"].cards] == ["good", "untagged", "again"]


def test_a_card_without_back_or_reference_is_refused(tmp_path):
    incomplete = card("bare")
    del incomplete["back"], incomplete["reference"]
    found = messages(bank_with(tmp_path, [incomplete]))
    assert any("bare: back: Field required" in m for m in found)
    assert any("bare: reference: Field required" in m for m in found)


def test_a_sheet_needs_a_known_domain_unique_sections_and_tags_of_the_exam(tmp_path):
    section = {
        "id": "one",
        "title": "One",
        "tags": ["test"],
        "body": "text",
        "references": [{"title": "t", "url": "https://e.com"}],
    }
    found = messages(bank_with(tmp_path, sheet={"domain": "D1", "title": "T", "sections": [section, section]}))
    assert any("section ids must be unique within a sheet: one repeated" in m for m in found)
    found = messages(bank_with(tmp_path / "2", sheet={"domain": "D7", "title": "T", "sections": [section]}))
    assert any("domain: unknown domain 'D7'; TST-01 has D1, D2" in m for m in found)
    untagged = {**section, "tags": ["nothing-like-it"]}
    found = messages(bank_with(tmp_path / "3", sheet={"domain": "D1", "title": "T", "sections": [untagged]}))
    assert any("sections.0.tags: no question of TST-01 is tagged nothing-like-it" in m for m in found)


def test_cards_and_sheets_serve_the_exams_they_name(tmp_path):
    section = {
        "id": "one",
        "title": "One",
        "tags": ["test"],
        "body": "text",
        "references": [{"title": "t", "url": "https://e.com"}],
    }
    exams = bank_with(
        tmp_path,
        [card("shared", also={"TST-09": "1.2"}), card("own")],
        sheet={"domain": "D1", "title": "T", "also": ["TST-09"], "sections": [section]},
        exam_copy="TST-09",
    )
    assert messages(exams) == []
    [shared] = exams["TST-09"].cards
    assert (shared.id, shared.task) == ("shared", "1.2")
    assert [s.domain for s in exams["TST-09"].sheets] == ["D1"]
    exams = bank_with(tmp_path / "2", [card("lost", also={"TST-09": "8.8"})], exam_copy="TST-09")
    assert any("lost: also.TST-09: TST-09 has no task '8.8'" in m for m in messages(exams))


T = datetime(2026, 12, 5, tzinfo=UTC)


def flashcard(slug, domain="D1", task="1.1", tags=("a",)):
    return Flashcard(slug, domain, task, tuple(tags), f"front {slug}", "back")


def test_a_drill_puts_due_cards_first_earliest_first_then_unscheduled_in_deck_order():
    deck = [flashcard("a"), flashcard("b"), flashcard("c"), flashcard("d", domain="D2", task="2.1"), flashcard("e")]
    schedules = {
        "b": Schedule(T - timedelta(hours=1)),
        "c": Schedule(T - timedelta(days=2)),
        "e": Schedule(T + timedelta(days=1)),
    }
    assert [c.slug for c in drill_queue(deck, schedules, T)] == ["c", "b", "a", "d"]
    assert [c.slug for c in drill_queue(deck, schedules, T, domains=frozenset({"D2"}))] == ["d"]
    assert [c.slug for c in drill_queue(deck, schedules, T, tasks=frozenset({"1.1"}))] == ["c", "b", "a"]


def test_the_cards_of_a_question_share_the_most_tags_then_its_task():
    deck = [
        flashcard("one-tag", tags=("kinesis",)),
        flashcard("two-tags", task="1.2", tags=("kinesis", "shards")),
        flashcard("same-task", task="1.3", tags=("shards",)),
        flashcard("unrelated", tags=("glue",)),
    ]
    assert [c.slug for c in linked_cards(("kinesis", "shards"), deck, task="1.3")] == [
        "two-tags",
        "same-task",
        "one-tag",
    ]
    assert linked_cards(("athena",), deck) == []
    brought = cards_for_misses([(("kinesis", "shards"), "1.3"), (("glue",), "1.1")], deck, per_question=1)
    assert [c.slug for c in brought] == ["two-tags", "unrelated"]


def test_the_sheet_sections_of_a_question_rank_by_shared_tags():
    sheet = CheatSheet(
        "D1",
        "Data",
        (
            SheetSection("streams", "Streams", ("kinesis",), "body"),
            SheetSection("shards", "Shards", ("kinesis", "shards"), "body"),
            SheetSection("etl", "ETL", ("glue",), "body"),
        ),
    )
    assert [s.section_id for s in linked_sections(("kinesis", "shards"), [sheet])] == ["shards", "streams"]


def test_lint_names_cards_and_sheets_without_an_independent_review(tmp_path):
    from app.bank.lint import lint_bank

    section = {
        "id": "one",
        "title": "One",
        "tags": ["test"],
        "body": "b",
        "references": [{"title": "t", "url": "https://e.com"}],
    }
    root = tmp_path / "bank"
    bank_with(
        tmp_path,
        [card("fresh"), card("checked", review={"status": "reviewed"})],
        sheet={"domain": "D1", "title": "T", "sections": [section]},
    )
    findings = [str(f) for f in lint_bank(load_bank(root), today=T.date()) if f.rule == "unreviewed"]
    assert findings == [
        "warning: bank/tst-01/cards/cards.yaml:2: card fresh: [unreviewed] no independent review of this card yet",
        "warning: bank/tst-01/sheets/d1.yaml: [unreviewed] no independent review of this cheat sheet yet",
    ]

"""Loading an exam folder (exam.yaml + questions/*.yaml|json) with every problem reported at once."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from app.bank.format import CardIn, CaseIn, ExamIn, QuestionIn, SheetIn, item_lines, read_cases, with_case
from app.domain.content import question_from_content
from app.domain.exam import Blueprint, explanation_gaps, question_problems
from app.domain.study import card_from_content, card_problems, front_key, unknown_tags

QUESTION_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class BankProblem:
    path: str
    line: int | None
    question: str | None
    field: str
    message: str
    kind: str = "question"  # or "card", or a sheet's "section"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        who = f" {self.kind} {self.question}:" if self.question else ""
        return f"{where}:{who} {self.field}: {self.message}"


@dataclass
class LoadedExam:
    blueprint: Blueprint
    blueprint_data: dict
    questions: list[QuestionIn] = field(default_factory=list)
    problems: list[BankProblem] = field(default_factory=list)
    locations: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    cards: list[CardIn] = field(default_factory=list)
    card_locations: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    sheets: list[SheetIn] = field(default_factory=list)
    sheet_locations: dict[str, str] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.blueprint.code


def _read_document(path: Path, items: str = "questions") -> tuple[object, list[int]]:
    """The parsed document and, for its top-level list `items`, the line where each item starts."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text (byte {error.start}); save the file as UTF-8") from error
    try:
        if path.suffix == ".json":
            return json.loads(text), []
        return yaml.safe_load(text), item_lines(text, items)
    except RecursionError:
        raise ValueError("lists or mappings are nested too deeply for a question file") from None


def _field_name(location: tuple) -> str:
    return ".".join(str(part) for part in location) or "(file)"


def load_exam(folder: Path, *, relative_to: Path | None = None) -> LoadedExam:
    """Read one exam folder. Raises ValueError when the blueprint itself is unusable; question problems
    are collected on the result so that an author sees all of them in one pass."""
    base = relative_to or folder.parent
    exam_path = folder / "exam.yaml"
    try:
        data, _ = _read_document(exam_path)
        exam = ExamIn.model_validate(data)
    except (OSError, ValueError, yaml.YAMLError) as error:
        raise ValueError(f"{exam_path.relative_to(base)}: {error}") from error
    loaded = LoadedExam(blueprint=exam.blueprint(), blueprint_data=exam.data())
    seen: dict[str, str] = {}
    question_dir = folder / "questions"
    files = sorted(p for p in question_dir.glob("*") if p.suffix in QUESTION_SUFFIXES) if question_dir.is_dir() else []
    for path in files:
        shown = str(path.relative_to(base))
        try:
            document, lines = _read_document(path)
        except (ValueError, yaml.YAMLError) as error:
            loaded.problems.append(
                BankProblem(
                    shown,
                    getattr(getattr(error, "problem_mark", None), "line", -1) + 1 or None,
                    None,
                    "(file)",
                    str(error).replace("\n", " "),
                )
            )
            continue
        if not isinstance(document, dict) or not isinstance(document.get("questions"), list):
            loaded.problems.append(
                BankProblem(shown, 1, None, "questions", "the file needs a top-level `questions` list")
            )
            continue
        cases = _read_cases(document.get("cases", []), shown, loaded)
        for index, raw in enumerate(document["questions"]):
            line = lines[index] if index < len(lines) else None
            slug = raw.get("id") if isinstance(raw, dict) else None
            try:
                question = QuestionIn.model_validate(with_case(raw, cases))
            except ValidationError as error:
                for detail in error.errors():
                    loaded.problems.append(
                        BankProblem(shown, line, slug or f"#{index + 1}", _field_name(detail["loc"]), detail["msg"])
                    )
                continue
            if question.id in seen:
                loaded.problems.append(
                    BankProblem(shown, line, question.id, "id", f"duplicate id; first used in {seen[question.id]}")
                )
                continue
            seen[question.id] = shown
            loaded.locations[question.id] = (shown, line)
            domain_question = question_from_content(question.content())
            problems = question_problems(domain_question, loaded.blueprint) + explanation_gaps(domain_question)
            for field_name, message in problems:
                loaded.problems.append(BankProblem(shown, line, question.id, field_name, message))
            if not problems:
                loaded.questions.append(question)
    _check_case_groups(loaded)
    _read_cards(folder / "cards", base, loaded)
    _read_sheets(folder / "sheets", base, loaded)
    return loaded


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*") if p.suffix in QUESTION_SUFFIXES) if folder.is_dir() else []


def _unreadable(shown: str, error: Exception) -> BankProblem:
    line = getattr(getattr(error, "problem_mark", None), "line", -1) + 1 or None
    return BankProblem(shown, line, None, "(file)", str(error).replace("\n", " "))


def _read_cards(folder: Path, base: Path, loaded: LoadedExam) -> None:
    """Flashcards: `cards/*.yaml`, each a top-level `cards` list. A card names its exam's domain and task."""
    for path in _files(folder):
        shown = str(path.relative_to(base))
        try:
            document, lines = _read_document(path, items="cards")
        except (ValueError, yaml.YAMLError) as error:
            loaded.problems.append(_unreadable(shown, error))
            continue
        if not isinstance(document, dict) or not isinstance(document.get("cards"), list):
            loaded.problems.append(
                BankProblem(shown, 1, None, "cards", "the file needs a top-level `cards` list", kind="card")
            )
            continue
        for index, raw in enumerate(document["cards"]):
            line = lines[index] if index < len(lines) else None
            slug = raw.get("id") if isinstance(raw, dict) else None
            try:
                card = CardIn.model_validate(raw)
            except ValidationError as error:
                for detail in error.errors():
                    loaded.problems.append(
                        BankProblem(
                            shown, line, slug or f"#{index + 1}", _field_name(detail["loc"]), detail["msg"], kind="card"
                        )
                    )
                continue
            if card.id in loaded.card_locations or card.id in loaded.locations:
                first = (loaded.card_locations.get(card.id) or loaded.locations[card.id])[0]
                loaded.problems.append(
                    BankProblem(shown, line, card.id, "id", f"duplicate id; first used in {first}", kind="card")
                )
                continue
            problems = card_problems(card_from_content(card.content()), loaded.blueprint)
            for field_name, message in problems:
                loaded.problems.append(BankProblem(shown, line, card.id, field_name, message, kind="card"))
            loaded.card_locations[card.id] = (shown, line)
            if not problems:
                loaded.cards.append(card)


def _read_sheets(folder: Path, base: Path, loaded: LoadedExam) -> None:
    """Cheat sheets: `sheets/*.yaml`, one sheet per file and at most one per domain."""
    domains = {d.code for d in loaded.blueprint.domains}
    for path in _files(folder):
        shown = str(path.relative_to(base))
        try:
            document, _ = _read_document(path, items="sections")
            sheet = SheetIn.model_validate(document)
        except (ValueError, yaml.YAMLError) as error:
            if isinstance(error, ValidationError):
                for detail in error.errors():
                    loaded.problems.append(BankProblem(shown, None, None, _field_name(detail["loc"]), detail["msg"]))
            else:
                loaded.problems.append(_unreadable(shown, error))
            continue
        if sheet.domain not in domains:
            loaded.problems.append(
                BankProblem(
                    shown,
                    None,
                    None,
                    "domain",
                    f"unknown domain {sheet.domain!r}; {loaded.code} has {', '.join(sorted(domains))}",
                )
            )
            continue
        if sheet.domain in loaded.sheet_locations:
            loaded.problems.append(
                BankProblem(
                    shown,
                    None,
                    None,
                    "domain",
                    f"{sheet.domain} already has a sheet, in {loaded.sheet_locations[sheet.domain]}",
                )
            )
            continue
        loaded.sheet_locations[sheet.domain] = shown
        loaded.sheets.append(sheet)


def _read_cases(raw: object, shown: str, loaded: LoadedExam) -> dict[str, dict]:
    """The case studies a file defines, by id; each problem is reported on the file."""
    cases, problems = read_cases(raw)
    loaded.problems.extend(BankProblem(shown, None, None, field_name, message) for field_name, message in problems)
    return cases


def _check_case_groups(loaded: LoadedExam) -> None:
    """A case study has two or more questions, and they serve the same exams (so no paper gets half a case)."""
    groups: dict[str, list[QuestionIn]] = {}
    for question in loaded.questions:
        if isinstance(question.case, CaseIn):
            groups.setdefault(question.case.id, []).append(question)
    for case_id, members in groups.items():
        path, line = loaded.locations[members[0].id]
        files = sorted({loaded.locations[m.id][0] for m in members})
        if len(files) > 1:
            loaded.problems.append(
                BankProblem(path, line, members[0].id, "case", f"case study {case_id} is defined in {', '.join(files)}")
            )
        if len(members) < 2:
            loaded.problems.append(
                BankProblem(
                    path, line, members[0].id, "case", f"case study {case_id} has one question; it needs two or more"
                )
            )
        if len({tuple(sorted(m.also)) for m in members}) > 1:
            loaded.problems.append(
                BankProblem(
                    path, line, members[0].id, "also", f"case study {case_id}'s questions must map to the same exams"
                )
            )


def load_bank(bank_dir: Path) -> list[LoadedExam]:
    """Every exam folder of the bank, each with the questions that other folders map to it (`also`)."""
    exams = [
        load_exam(folder, relative_to=bank_dir.parent)
        for folder in sorted(p for p in bank_dir.iterdir() if (p / "exam.yaml").is_file())
    ]
    _share_mapped_questions(exams)
    for exam in exams:
        _check_study_aids(exam)
    _share_study_aids(exams)
    return exams


def _check_study_aids(exam: LoadedExam) -> None:
    """A card or a sheet section links to questions by its tags, so each tag must be one that a question of
    the exam carries; no two cards of an exam ask the same thing."""
    known = {tag for question in exam.questions for tag in question.tags}
    fronts: dict[str, str] = {}
    for card in exam.cards:
        path, line = exam.card_locations[card.id]
        missing = unknown_tags(card.tags, known)
        if missing:
            exam.problems.append(
                BankProblem(
                    path, line, card.id, "tags", f"no question of {exam.code} is tagged {', '.join(missing)}", "card"
                )
            )
        key = front_key(card.front)
        if key in fronts:
            exam.problems.append(
                BankProblem(path, line, card.id, "front", f"the same front as card {fronts[key]}", "card")
            )
        fronts.setdefault(key, card.id)
    for sheet in exam.sheets:
        for index, section in enumerate(sheet.sections):
            missing = unknown_tags(section.tags, known)
            if missing:
                exam.problems.append(
                    BankProblem(
                        exam.sheet_locations[sheet.domain],
                        None,
                        section.id,
                        f"sections.{index}.tags",
                        f"no question of {exam.code} is tagged {', '.join(missing)}",
                        "section",
                    )
                )


def _share_study_aids(exams: list[LoadedExam]) -> None:
    """Cards and sheets serve the other exams they name, as mapped questions do (`also`)."""
    by_code = {exam.code: exam for exam in exams}
    for exam in exams:
        for card in list(exam.cards):
            path, line = exam.card_locations[card.id]
            for code, task in card.also.items():
                target = by_code.get(code)
                try:
                    domain = target.blueprint.domain_of_task(task) if target and target is not exam else None
                except KeyError:
                    domain = None
                if target is None or domain is None:
                    exam.problems.append(
                        BankProblem(path, line, card.id, f"also.{code}", f"{code} has no task {task!r}", "card")
                    )
                    continue
                if card.id in target.card_locations:
                    exam.problems.append(
                        BankProblem(
                            path, line, card.id, f"also.{code}", f"{code} has a card with this id already", "card"
                        )
                    )
                    continue
                target.cards.append(card.model_copy(update={"domain": domain.code, "task": task, "also": {}}))
                target.card_locations[card.id] = (path, line)
        for sheet in list(exam.sheets):
            for code in sheet.also:
                target = by_code.get(code)
                shown = exam.sheet_locations[sheet.domain]
                if target is None or target is exam or sheet.domain not in {d.code for d in target.blueprint.domains}:
                    exam.problems.append(BankProblem(shown, None, None, "also", f"{code} has no domain {sheet.domain}"))
                    continue
                if sheet.domain in target.sheet_locations:
                    exam.problems.append(
                        BankProblem(shown, None, None, "also", f"{code} has a {sheet.domain} sheet already")
                    )
                    continue
                target.sheets.append(sheet.model_copy(update={"also": []}))
                target.sheet_locations[sheet.domain] = shown


def _share_mapped_questions(exams: list[LoadedExam]) -> None:
    """A question whose task map names another exam joins that exam's questions at the mapped task, under
    the same id; a map that names an unknown exam or task is a problem of the question's own file."""
    by_code = {exam.blueprint.code: exam for exam in exams}
    for exam in exams:
        for question in list(exam.questions):
            path, line = exam.locations[question.id]
            for code, task in question.also.items():
                target = by_code.get(code)
                if target is None or target is exam:
                    known = ", ".join(c for c in sorted(by_code) if c != exam.blueprint.code)
                    exam.problems.append(
                        BankProblem(
                            path, line, question.id, f"also.{code}", f"no other exam {code!r} in the bank ({known})"
                        )
                    )
                    continue
                try:
                    domain = target.blueprint.domain_of_task(task)
                except KeyError:
                    tasks = ", ".join(t for d in target.blueprint.domains for t, _ in d.tasks)
                    exam.problems.append(
                        BankProblem(
                            path, line, question.id, f"also.{code}", f"task {task!r} is not in {code} ({tasks})"
                        )
                    )
                    continue
                if question.id in target.locations:
                    first = target.locations[question.id][0]
                    exam.problems.append(
                        BankProblem(
                            path,
                            line,
                            question.id,
                            f"also.{code}",
                            f"{code} has a question with this id already, in {first}",
                        )
                    )
                    continue
                target.questions.append(question.model_copy(update={"domain": domain.code, "task": task, "also": {}}))
                target.locations[question.id] = (path, line)

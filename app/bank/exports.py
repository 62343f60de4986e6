"""Writing a selection of the bank as GIFT or Moodle XML, for Moodle and for our own import to read back.

Each writer takes questions in the native content shape (as stored, or `QuestionIn.content()`) and writes them
so that `read_gift` / `read_moodle_xml` give back the same id, type, stem, options (text and explanation),
prompts, key and explanation; domain and task travel as a category (`$course$/EXAM/D2/2.1`), which an import
into the same exam takes back. Every question is read back as it is written: a question the format cannot
hold is left out with its reason, and whatever would not come back the same is reported as a loss. Tags,
references and difficulty have no place the readers take them from: GIFT carries them in a comment, Moodle XML
carries the tags as Moodle tags and the references in a comment, and an import gives the defaults (no tags, no
references, difficulty 2). Nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

from app.bank.imports import (
    _GIFT_FORMAT,
    _GIFT_WEIGHT,
    UnreadableUpload,
    Upload,
    _percent,
    read_gift,
    read_moodle_xml,
)

EXPORT_FORMATS = ("gift", "moodle-xml")
# What a question keeps through an export and an import; the rest is reported once per file (NOT_CARRIED).
CARRIED = ("id", "type", "stem", "options", "prompts", "key", "explanation")
NOT_CARRIED = (
    "tags, references and difficulty are not read back by an import (they come back empty, and difficulty 2); "
    "domain and task come back from the category when the file is imported into the same exam"
)


@dataclass(frozen=True)
class LeftOut:
    id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.id}: {self.reason}"


@dataclass
class Written:
    format: str
    text: str
    written: list[str] = field(default_factory=list)  # the ids, in the file's order
    left_out: list[LeftOut] = field(default_factory=list)
    losses: list[str] = field(default_factory=list)  # "<id>: what comes back different on import"


def _sorted(questions: Iterable[dict]) -> list[dict]:
    return sorted(questions, key=lambda q: (str(q.get("domain", "")), str(q.get("task", "")), str(q["id"])))


def _category(exam: str, question: dict) -> str | None:
    if not question.get("domain") or not question.get("task"):
        return None
    return "/".join(["$course$", *([exam] if exam else []), str(question["domain"]), str(question["task"])])


def _common_left_out(question: dict, format_name: str) -> str | None:
    if question.get("case"):
        return f"a case study question: {format_name} has no place for the case's scenario shared by its questions"
    return None


def _carried(content: dict) -> dict:
    options = [(o["id"], o["text"], o.get("explanation", "")) for o in content.get("options", [])]
    prompts = [(p["id"], p["text"], p.get("explanation", "")) for p in content.get("prompts", [])]
    key = content.get("key")
    return {
        "id": content.get("id"),
        "type": content.get("type"),
        "stem": content.get("stem", ""),
        "options": options,
        "prompts": prompts,
        "key": dict(key) if isinstance(key, dict) else list(key or []),
        "explanation": content.get("explanation", ""),
    }


def _differences(before: dict, after: dict) -> list[str]:
    """The carried fields that come back different, as field paths (options.B.explanation, key, ...)."""
    mine, theirs = _carried(before), _carried(after)
    changed: list[str] = []
    for name in CARRIED:
        if mine[name] == theirs[name]:
            continue
        if name in ("options", "prompts") and len(mine[name]) == len(theirs[name]):
            for (ident, text, why), (ident2, text2, why2) in zip(mine[name], theirs[name], strict=True):
                changed += [f"{name}.{ident}.id"] if ident != ident2 else []
                changed += [f"{name}.{ident}.text"] if text != text2 else []
                changed += [f"{name}.{ident}.explanation"] if why != why2 else []
        else:
            changed.append(name)
    return changed


def _steps(content: dict) -> list[tuple[str, str]]:
    """An ordering question's steps in their right order, each with its explanation."""
    by_id = {o["id"]: (o["text"], o.get("explanation", "")) for o in content.get("options", [])}
    return [by_id.get(step, ("", "")) for step in content.get("key", [])]


def _check(question: dict, upload: Upload, written: Written, format_name: str) -> bool:
    """Read back what was written for one question: True when it reads as a question (what changes is reported
    as a loss), False when it does not (it is left out, with the reader's reason)."""
    qid = str(question["id"])
    if not upload.questions:
        reason = upload.skipped[0].reason if upload.skipped else "it does not read back as a question"
        written.left_out.append(LeftOut(qid, f"{format_name} cannot hold it so that it reads back ({reason})"))
        return False
    after = upload.questions[0].content
    changed = _differences(question, after)
    if not changed:
        return True
    parts = []
    if question["type"] == "ordering" and _steps(question) == _steps(after):
        parts.append(
            f"its steps are relettered A, B, C… in their right order ({format_name} lists ordering steps in "
            "order, with no letters): the same steps and key, under other letters"
        )
        changed = [c for c in changed if c != "key" and not c.startswith("options.")]
    lost = [c for c in changed if c.endswith(".explanation") and c.startswith(("options.", "prompts."))]
    if lost and question["type"] == "matching":
        parts.append(f"{', '.join(lost)} left out: {format_name} matching has no feedback per prompt or response")
        changed = [c for c in changed if c not in lost]
    if changed:
        parts.append(
            f"{', '.join(changed)} will read back different (an id must be lower-case words joined by single "
            "hyphens; a text loses the spaces at its start and end)"
        )
    written.losses.append(f"{qid}: " + "; ".join(parts))
    return True


def _summary(written: Written) -> list[str]:
    """The file's opening comment: what it holds, what was left out and what changes on import."""
    count = len(written.written)
    lines = [f"Written by mockexam: {count} question{'' if count == 1 else 's'}. {NOT_CARRIED}."]
    lines += [f"Left out: {item}" for item in written.left_out]
    lines += [f"Changes on import: {loss}" for loss in written.losses]
    return lines


def _matching_pairs(question: dict) -> list[tuple[str, str]]:
    """(prompt, response) pairs as the readers take them back, a response that fits no prompt with an empty
    prompt. The readers letter the responses in the order they first appear, so when the prompts' order would
    letter them differently, every response is listed first on its own."""
    options = [o["text"] for o in question["options"]]
    by_id = {o["id"]: o["text"] for o in question["options"]}
    key = question["key"]
    pairs = [(p["text"], by_id[key[p["id"]]]) for p in question.get("prompts", []) if p["id"] in key]
    natural: list[str] = []
    for response in [r for _, r in pairs] + options:
        if response not in natural:
            natural.append(response)
    if natural != options:
        return [("", r) for r in options] + pairs
    used = {r for _, r in pairs}
    return pairs + [("", r) for r in options if r not in used]


def _notes(question: dict) -> str:
    """Tags, references and difficulty, for a comment beside the question."""
    parts = [f"id {question['id']}", f"difficulty {question.get('difficulty', 2)}"]
    if question.get("tags"):
        parts.append("tags " + ", ".join(question["tags"]))
    for reference in question.get("references", []):
        parts.append(f"reference {reference['title']} <{reference['url']}>")
    return " ".join("; ".join(parts).split())  # one line


# ---- GIFT --------------------------------------------------------------------------------------------


def gift_escape(text: str) -> str:
    """Text as GIFT reads it back: `\\ ~ = # { } :` escaped with a backslash, line breaks as `\\n` (a question
    is one block with no blank line in it)."""
    text = text.replace("\\", "\\\\")
    for special in "~=#{}:":
        text = text.replace(special, "\\" + special)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _gift_markup(text: str) -> str:
    """A text after the question's `[markdown]`: a text that itself starts like a format marker gets its own."""
    escaped = gift_escape(text)
    return "[markdown]" + escaped if _GIFT_FORMAT.match(escaped) else escaped


def _weight(percent: float) -> str:
    return f"%{_percent(percent)}%"


def _gift_question(question: dict) -> tuple[str, None] | str:
    """The question's GIFT, or why it cannot be written."""
    head = f"::{question['id']}::[markdown]{gift_escape(question['stem'])}" + "{"
    kind = question["type"]
    lines = []
    if kind == "ordering":
        return "an ordering question: GIFT has no ordering questions (export it as Moodle XML)"
    if kind == "matching":
        prompts = question.get("prompts", [])
        if arrows := [p["id"] for p in prompts if "->" in p["text"]]:
            return f"prompt {', '.join(arrows)} contains '->', which GIFT matching reads as the pairing arrow"
        for prompt, response in _matching_pairs(question):
            left = _gift_markup(prompt) + " " if prompt else " "
            lines.append(f"={left}-> {gift_escape(response)}")
    else:
        right = set(question["key"])
        share = 100 / len(right) if right else 0
        for option in question["options"]:
            text = _gift_markup(option["text"])
            if kind == "single":
                mark = "=" if option["id"] in right else "~" + ("%0%" if _GIFT_WEIGHT.match(text) else "")
            else:
                mark = "~" + _weight(share if option["id"] in right else -100)
            feedback = f"#{_gift_markup(option['explanation'])}" if option.get("explanation") else ""
            lines.append(f"{mark}{text}{feedback}")
    if question.get("explanation"):
        lines.append(f"####{_gift_markup(question['explanation'])}")
    return "\n".join([head, *lines, "}"]), None


def write_gift(questions: Iterable[dict], *, exam: str = "") -> Written:
    """The questions as GIFT, grouped under `$CATEGORY: $course$/EXAM/DOMAIN/TASK`, each named by its id."""
    written = Written("gift", "")
    blocks: list[str] = []
    category = None
    for question in _sorted(questions):
        qid = str(question["id"])
        reason = _common_left_out(question, "GIFT")
        block = _gift_question(question) if reason is None else reason
        if isinstance(block, str):
            written.left_out.append(LeftOut(qid, block))
            continue
        text = block[0]
        if not _check(question, read_gift(text, f"{qid}.gift"), written, "GIFT"):
            continue
        if (wanted := _category(exam, question)) != category and wanted is not None:
            category = wanted
            blocks.append(f"$CATEGORY: {gift_escape(wanted)}")
        blocks.append(f"// {_notes(question)}\n{text}")
        written.written.append(qid)
    header = "\n".join("// " + " ".join(line.split()) for line in _summary(written))
    written.text = "\n\n".join([header, *blocks]) + "\n"
    return written


# ---- Moodle XML --------------------------------------------------------------------------------------


def _text(parent: ET.Element, tag: str, value: str, *, markdown: bool = True) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": "markdown"} if markdown else {})
    ET.SubElement(element, "text").text = value
    return element


def _comment(text: str) -> str:
    return " " + re.sub(r"-{2,}", lambda m: "- " * len(m.group()), text).rstrip("-") + " "


def _xml_question(question: dict) -> ET.Element | str:
    kind = question["type"]
    element = ET.Element("question", {"type": {"single": "multichoice", "multiple": "multichoice"}.get(kind, kind)})
    ET.SubElement(ET.SubElement(element, "name"), "text").text = str(question["id"])
    _text(element, "questiontext", question["stem"])
    _text(element, "generalfeedback", question.get("explanation", ""))
    ET.SubElement(element, "defaultgrade").text = "1"
    ET.SubElement(element, "penalty").text = "0"
    ET.SubElement(element, "hidden").text = "0"
    options = {o["id"]: o for o in question["options"]}
    if kind in ("single", "multiple"):
        right = set(question["key"])
        share = 100 / len(right) if right else 0
        ET.SubElement(element, "single").text = "true" if kind == "single" else "false"
        ET.SubElement(element, "shuffleanswers").text = "true"
        ET.SubElement(element, "answernumbering").text = "ABCD"
        for option in question["options"]:
            fraction = 100 if kind == "single" else share
            weight = fraction if option["id"] in right else (0 if kind == "single" else -100)
            answer = ET.SubElement(element, "answer", {"fraction": _percent(weight), "format": "markdown"})
            ET.SubElement(answer, "text").text = option["text"]
            _text(answer, "feedback", option.get("explanation", ""))
    elif kind == "matching":
        ET.SubElement(element, "shuffleanswers").text = "true"
        for prompt, response in _matching_pairs(question):
            sub = ET.SubElement(element, "subquestion", {"format": "markdown"})
            ET.SubElement(sub, "text").text = prompt
            ET.SubElement(ET.SubElement(sub, "answer"), "text").text = response
    elif kind == "ordering":
        ET.SubElement(element, "layouttype").text = "VERTICAL"
        ET.SubElement(element, "selecttype").text = "ALL"
        ET.SubElement(element, "selectcount").text = "0"
        ET.SubElement(element, "gradingtype").text = "ABSOLUTE_POSITION"
        ET.SubElement(element, "showgrading").text = "SHOW"
        ET.SubElement(element, "numberingstyle").text = "none"
        for position, step in enumerate(question["key"], start=1):
            option = options[step]
            answer = ET.SubElement(element, "answer", {"fraction": str(position), "format": "markdown"})
            ET.SubElement(answer, "text").text = option["text"]
            _text(answer, "feedback", option.get("explanation", ""))
    else:
        return f"a {kind} question: Moodle XML export writes single, multiple, matching and ordering questions"
    if question.get("tags"):
        tags = ET.SubElement(element, "tags")
        for tag in question["tags"]:
            ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag
    return element


def _quiz(elements: list[ET.Element[Any]], comments: Iterable[str] = ()) -> str:
    root = ET.Element("quiz")
    for comment in comments:
        root.append(ET.Comment(_comment(comment)))
    root.extend(elements)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_moodle_xml(questions: Iterable[dict], *, exam: str = "") -> Written:
    """The questions as a Moodle XML quiz, each after the category of its domain and task, named by its id; texts
    are Markdown (`format="markdown"`), as in the bank."""
    written = Written("moodle-xml", "")
    elements: list[ET.Element[Any]] = []
    category = None
    for question in _sorted(questions):
        qid = str(question["id"])
        reason = _common_left_out(question, "Moodle XML")
        element = _xml_question(question) if reason is None else reason
        if isinstance(element, str):
            written.left_out.append(LeftOut(qid, element))
            continue
        try:
            readback = read_moodle_xml(_quiz([element]), f"{qid}.xml")
        except UnreadableUpload as error:  # a character XML 1.0 cannot hold, such as a control character
            written.left_out.append(LeftOut(qid, f"Moodle XML cannot hold it ({error})"))
            continue
        if not _check(question, readback, written, "Moodle XML"):
            continue
        if (wanted := _category(exam, question)) != category and wanted is not None:
            category = wanted
            holder = ET.Element("question", {"type": "category"})
            ET.SubElement(ET.SubElement(holder, "category"), "text").text = wanted
            elements.append(holder)
        elements.append(ET.Comment(_comment(_notes(question))))
        elements.append(element)
        written.written.append(qid)
    written.text = _quiz(elements, _summary(written))
    return written


WRITERS: dict[str, Callable[..., Written]] = {"gift": write_gift, "moodle-xml": write_moodle_xml}
MEDIA_TYPES = {"gift": ("text/plain", "gift"), "moodle-xml": ("application/xml", "xml")}


def write(format_name: str, questions: Iterable[dict], *, exam: str = "") -> Written:
    if format_name not in WRITERS:
        raise ValueError(f"unknown export format {format_name!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    return WRITERS[format_name](questions, exam=exam)

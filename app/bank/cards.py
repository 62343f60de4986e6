"""Flashcards in and out: the native YAML of the bank, CSV, and Anki's plain-text notes format (tab-separated,
with `#` header lines), so that a candidate can take the deck to Anki and an author can bring cards from it.
Every card read is validated by the bank's one card model (`CardIn`)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import yaml
from pydantic import ValidationError

from app.bank.format import CardIn
from app.bank.imports import UnreadableUpload, decode, html_to_text, stable_id

CSV_COLUMNS = ("id", "domain", "task", "tags", "front", "back", "why", "reference_title", "reference_url")
FORMATS = ("yaml", "csv", "anki")
_ANKI_SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " ", "colon": ":"}


@dataclass
class CardUpload:
    cards: list[CardIn] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def to_yaml(contents: list[dict]) -> str:
    """The bank's own card file: it loads as `question_bank/<exam>/cards/*.yaml` and imports back unchanged."""
    return yaml.safe_dump({"cards": contents}, sort_keys=False, allow_unicode=True, width=110)


def to_csv(contents: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for card in contents:
        reference = card.get("reference") or {}
        writer.writerow(
            [
                card["id"],
                card["domain"],
                card["task"],
                ";".join(card.get("tags", [])),
                card["front"],
                card["back"],
                card.get("why", ""),
                reference.get("title", ""),
                reference.get("url", ""),
            ]
        )
    return out.getvalue()


def to_anki(notes: list[tuple[str, str, str]], *, deck: str) -> str:
    """Anki's notes in plain text: (front HTML, back HTML, space-separated tags) per note, one per line, quoted
    where a field holds a tab, a quote or a line break."""
    out = io.StringIO()
    out.write("#separator:tab\n#html:true\n#notetype:Basic\n")
    out.write(f"#deck:{deck}\n#columns:Front\tBack\tTags\n#tags column:3\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    for front, back, tags in notes:
        writer.writerow([front, back, tags])
    return out.getvalue()


def read_cards(data: bytes, filename: str, defaults: dict) -> CardUpload:
    """Cards from a file, each completed with `defaults` (domain, task, tags, reference) where it has none.
    Problems name the record and field; the cards returned are the valid ones."""
    upload = CardUpload()
    try:
        text = decode(data, filename)
    except (UnreadableUpload, ValueError) as error:
        upload.problems.append(str(error))
        return upload
    name = filename.lower()
    if name.endswith((".yaml", ".yml", ".json")):
        records = _native(text, upload)
    elif name.endswith(".csv"):
        records = _csv(text)
    elif name.endswith((".txt", ".tsv")):
        records = _anki(text, upload)
    else:
        upload.problems.append(f"cannot tell the format of {filename}: name it .yaml, .csv or .txt (Anki notes)")
        return upload
    seen: set[str] = set()
    for where, record in records:
        completed = {**defaults, **{k: v for k, v in record.items() if v not in ("", None, [])}}
        completed.setdefault("id", stable_id(str(completed.get("front", ""))).replace("imp-", "card-"))
        try:
            card = CardIn.model_validate(completed)
        except ValidationError as error:
            for detail in error.errors():
                location = ".".join(str(part) for part in detail["loc"]) or "(record)"
                upload.problems.append(f"{filename} {where}: {location}: {detail['msg']}")
            continue
        if card.id in seen:
            upload.problems.append(f"{filename} {where}: id: {card.id} appears twice in the file")
            continue
        seen.add(card.id)
        upload.cards.append(card)
    return upload


def _native(text: str, upload: CardUpload) -> list[tuple[str, dict]]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        upload.problems.append(f"not valid YAML: {error}".replace("\n", " "))
        return []
    if not isinstance(document, dict) or not isinstance(document.get("cards"), list):
        upload.problems.append("the file needs a top-level `cards` list")
        return []
    return [(f"card {i + 1}", item if isinstance(item, dict) else {}) for i, item in enumerate(document["cards"])]


def _csv(text: str) -> list[tuple[str, dict]]:
    records = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        record: dict = {k: (v or "").strip() for k, v in row.items() if k in CSV_COLUMNS}
        if record.get("tags"):
            record["tags"] = [t.strip() for t in record["tags"].split(";") if t.strip()]
        title, url = record.pop("reference_title", ""), record.pop("reference_url", "")
        if url:
            record["reference"] = {"title": title or url, "url": url}
        records.append((f"line {line}", record))
    return records


def _anki(text: str, upload: CardUpload) -> list[tuple[str, dict]]:
    """Anki's exported notes: `#key:value` header lines, then Front, Back and optional tags per line."""
    headers: dict[str, str] = {}
    body_start = 0
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if not line.startswith("#"):
            break
        key, _, value = line[1:].partition(":")
        headers[key.strip().lower()] = value.strip()
        body_start = index + 1
    separator = headers.get("separator", "tab").lower()
    delimiter = _ANKI_SEPARATORS.get(separator, separator[:1] or "\t")
    html = headers.get("html", "false").lower() == "true"
    tags_column = int(headers["tags column"]) - 1 if headers.get("tags column", "").isdigit() else None
    records = []
    reader = csv.reader(io.StringIO("".join(lines[body_start:])), delimiter=delimiter)
    for number, row in enumerate(reader, start=body_start + 1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2:
            upload.problems.append(f"line {number}: a note needs a front and a back, separated by {separator}")
            continue
        front, back = (html_to_text(cell) if html else cell.strip() for cell in row[:2])
        record: dict = {"front": front, "back": back}
        if tags_column is not None and tags_column < len(row):
            tags = [_anki_tag(t) for t in row[tags_column].split()]
            record["tags"] = [t for t in tags if t]
        records.append((f"line {number}", record))
    return records


def _anki_tag(tag: str) -> str:
    """Anki tags may be hierarchical (`aws::kinesis`); a bank tag is the last part, as a slug."""
    return re.sub(r"[^a-z0-9-]+", "-", tag.split("::")[-1].lower()).strip("-")

"""The stored form of exams and questions: the plain data (JSON) kept in the database and the domain objects it
stands for. The bank's file formats validate into this form; the database keeps it; nothing here reads files."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from fractions import Fraction

from app.domain.exam import (
    Blueprint,
    Case,
    Catalogue,
    Domain,
    ExamRules,
    Option,
    Prompt,
    Question,
    Reference,
    Scale,
    pair,
)


def content_hash(data: dict) -> str:
    """The hash that tells one version of content from another: of its canonical JSON."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def blueprint_from_dict(data: dict) -> Blueprint:
    return Blueprint(
        code=data["code"],
        title=data["title"],
        minutes=data["minutes"],
        esl_extra_minutes=data["esl_extra_minutes"],
        scored=data["scored"],
        unscored=data["unscored"],
        scale=Scale(**data["scale"]),
        default_cut_fraction=Fraction(str(data["default_cut_fraction"])),
        domains=tuple(Domain(d["code"], d["name"], d["weight"], tuple(d["tasks"].items())) for d in data["domains"]),
        catalogue=_catalogue_from_dict(data.get("catalogue")),
        case_studies=data.get("case_studies", 0),
        rules=_rules_from_dict(data.get("rules")),
    )


def _rules_from_dict(data: dict | None) -> ExamRules:
    """An exam's rules: those its data states, AWS's for the rest (and for an exam stored before rules were)."""
    if not data:
        return ExamRules()
    stated = {name: value for name, value in data.items() if value is not None}
    if "types" in stated:
        stated["types"] = tuple(stated["types"])
    return ExamRules(**stated)


def _catalogue_from_dict(data: dict | None) -> Catalogue:
    if not data:
        return Catalogue()

    def day(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    return Catalogue(
        status=data["status"],
        first_day=day(data.get("first_day")),
        last_day=day(data.get("last_day")),
        successor=data.get("successor"),
        note=data.get("note", ""),
        sources=tuple(Reference(r["title"], r["url"]) for r in data.get("sources", [])),
    )


def _key_tokens(kind: str, key: list | dict) -> frozenset[str]:
    if kind == "matching":
        assert isinstance(key, dict)
        return frozenset(pair(str(prompt), str(option)) for prompt, option in key.items())
    if kind == "ordering":
        return frozenset(pair(str(position), option) for position, option in enumerate(key, start=1))
    return frozenset(key)


def question_from_content(content: dict) -> Question:
    case = content.get("case")
    return Question(
        id=content["id"],
        domain=content["domain"],
        task=content["task"],
        type=content["type"],
        stem=content["stem"],
        options=tuple(Option(o["id"], o["text"], o["explanation"]) for o in content["options"]),
        key=_key_tokens(content["type"], content["key"]),
        prompts=tuple(Prompt(p["id"], p["text"], p.get("explanation", "")) for p in content.get("prompts", [])),
        case=Case(case["id"], case["title"], case["scenario"]) if isinstance(case, dict) else None,
        explanation=content["explanation"],
        references=tuple(Reference(r["title"], r["url"]) for r in content.get("references", [])),
        difficulty=content.get("difficulty", 2),
        tags=tuple(content.get("tags", [])),
    )

"""The native bank format (YAML or JSON), described by pydantic models with unknown fields forbidden."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from app.domain.content import blueprint_from_dict
from app.domain.exam import QUESTION_TYPES, Blueprint, ExamRules

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,119}$")]
ExamCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9-]{2,32}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _quoted_task(value: object) -> object:
    if isinstance(value, (int, float)):
        raise ValueError(f'write the task as a quoted string, e.g. "{value}", so that 1.10 stays 1.10')
    return value


def _quoted_task_map(value: object) -> object:
    if isinstance(value, dict):
        for exam, task in value.items():
            if isinstance(task, (int, float)):
                raise ValueError(f'write the task of {exam} as a quoted string, e.g. "{task}"')
    return value


class OptionIn(_Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]
    text: Text
    explanation: Annotated[str, StringConstraints(strip_whitespace=True)] = ""


class PromptIn(_Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[1-9]$")]
    text: Text
    explanation: Annotated[str, StringConstraints(strip_whitespace=True)] = ""


class CaseIn(_Strict):
    id: Slug
    title: Text
    scenario: Text


class ReferenceIn(_Strict):
    title: Text
    url: Annotated[str, StringConstraints(pattern=r"^https://\S+$")]


class ReviewIn(_Strict):
    status: Literal["draft", "reviewed"]
    reviewer: str | None = None
    date: dt.date | None = None
    notes: str | None = None


class QuestionIn(_Strict):
    id: Slug
    domain: Text
    task: Text
    type: Literal["single", "multiple", "ordering", "matching"]
    difficulty: Annotated[int, Field(ge=1, le=3)] = 2
    tags: list[Slug] = []
    # A case study's questions name it; the loader puts the case (its scenario) into each of them, so that
    # every version a candidate sees carries the scenario it was shown with.
    case: Slug | CaseIn | None = None
    stem: Text
    options: Annotated[list[OptionIn], Field(min_length=2, max_length=8)]
    prompts: Annotated[list[PromptIn], Field(max_length=7)] = []
    # The chosen options (single, multiple), the steps in order (ordering), or prompt id -> option (matching).
    key: list[str] | dict[str, str]
    explanation: Annotated[str, StringConstraints(strip_whitespace=True)] = ""
    references: list[ReferenceIn] = []
    facts_checked: dt.date | None = None
    review: ReviewIn | None = None
    # The task map: other exams this question serves, each at one of its task statements (the domain follows
    # from that exam's blueprint), so one reviewed question is written once for several exams.
    also: dict[ExamCode, Text] = {}

    @field_validator("task", mode="before")
    @classmethod
    def _task_is_quoted(cls, value):
        return _quoted_task(value)

    @field_validator("key", mode="before")
    @classmethod
    def _key_is_a_list_or_mapping(cls, value):
        if not isinstance(value, (list, dict)):
            raise ValueError("the key is a list of option ids, or for matching a mapping of prompt ids to option ids")
        if isinstance(value, list) and not all(isinstance(item, str) for item in value):
            raise ValueError("the key lists option ids, such as [B] or [A, C]")
        return value

    @field_validator("also", mode="before")
    @classmethod
    def _mapped_tasks_are_quoted(cls, value):
        return _quoted_task_map(value)

    @model_validator(mode="after")
    def _key_fits_the_type(self) -> QuestionIn:
        if self.type == "matching" and not isinstance(self.key, dict):
            raise ValueError('a matching key pairs each prompt with a response: {"1": B, "2": A, ...}')
        if self.type != "matching" and isinstance(self.key, dict):
            raise ValueError(f"the key of this {self.type} question is a list of option ids, not a mapping")
        if isinstance(self.case, str):
            raise ValueError(f"case {self.case!r} is not one of the `cases` of this file")
        return self

    def content(self) -> dict:
        """What a candidate sees and is scored on: review metadata is left out so that a review alone
        never makes a new version. Fields of other item types are left out when empty, so that a question's
        hash does not change when the format grows."""
        content = self.model_dump(mode="json", exclude={"review", "facts_checked", "also"})
        for name in ("case", "prompts"):
            if not content[name]:
                del content[name]
        return content


class QuestionFile(_Strict):
    cases: list[CaseIn] = []
    questions: list[QuestionIn]


class CardIn(_Strict):
    """A flashcard: one concept, recalled from its front."""

    id: Slug
    domain: Text
    task: Text
    tags: Annotated[list[Slug], Field(min_length=1, max_length=6)]
    front: Text
    back: Text
    why: Annotated[str, StringConstraints(strip_whitespace=True)] = ""
    reference: ReferenceIn
    facts_checked: dt.date | None = None
    review: ReviewIn | None = None
    also: dict[ExamCode, Text] = {}

    @field_validator("task", mode="before")
    @classmethod
    def _task_is_quoted(cls, value):
        return _quoted_task(value)

    @field_validator("also", mode="before")
    @classmethod
    def _mapped_tasks_are_quoted(cls, value):
        return _quoted_task_map(value)

    def content(self) -> dict:
        content = self.model_dump(mode="json", exclude={"review", "facts_checked", "also"})
        if not content["why"]:
            del content["why"]
        return content


class CardFile(_Strict):
    cards: list[CardIn]


class SectionIn(_Strict):
    id: Slug
    title: Text
    tags: Annotated[list[Slug], Field(min_length=1)]
    body: Text
    references: Annotated[list[ReferenceIn], Field(min_length=1, max_length=3)]


class SheetIn(_Strict):
    """A cheat sheet: one page of an exam's domain, in sections a question's page can point to."""

    domain: Text
    title: Text
    sections: Annotated[list[SectionIn], Field(min_length=1)]
    facts_checked: dt.date | None = None
    review: ReviewIn | None = None
    # Other exams with the same domain codes that show this sheet too.
    also: list[ExamCode] = []

    @model_validator(mode="after")
    def _section_ids_are_unique(self) -> SheetIn:
        ids = [section.id for section in self.sections]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"section ids must be unique within a sheet: {', '.join(repeated)} repeated")
        return self

    def content(self) -> dict:
        return self.model_dump(mode="json", exclude={"review", "facts_checked", "also"})


def read_cases(raw: object) -> tuple[dict[str, dict], list[tuple[str, str]]]:
    """The case studies a file defines (its `cases` list), by id, validated; and each problem as (field,
    message). The loader and the upload reader both use it."""
    if not isinstance(raw, list):
        return {}, [("cases", "`cases` must be a list of case studies")]
    cases: dict[str, dict] = {}
    problems: list[tuple[str, str]] = []
    for index, item in enumerate(raw):
        try:
            case = CaseIn.model_validate(item)
        except ValidationError as error:
            for detail in error.errors():
                location = ".".join(str(part) for part in ("cases", index, *detail["loc"]))
                problems.append((location, detail["msg"]))
            continue
        if case.id in cases:
            problems.append((f"cases.{index}.id", f"duplicate case {case.id}"))
            continue
        cases[case.id] = case.model_dump(mode="json")
    return cases, problems


def with_case(raw: object, cases: dict[str, dict]) -> object:
    """A question as written, with the case study it names (by id, from its file's `cases`) put in its place;
    an unknown id is left for validation to name."""
    if isinstance(raw, dict) and isinstance(raw.get("case"), str) and raw["case"] in cases:
        return {**raw, "case": cases[raw["case"]]}
    return raw


class ScaleIn(_Strict):
    min: int
    cut: int
    max: int


class DomainIn(_Strict):
    code: Text
    name: Text
    weight: Annotated[int, Field(gt=0)]
    tasks: dict[str, Text]


class BankGoalsIn(_Strict):
    questions: Annotated[int, Field(gt=0)]
    per_task: Annotated[int, Field(ge=0)]


class CatalogueIn(_Strict):
    status: Literal["live", "beta", "retired"]
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    successor: ExamCode | None = None
    note: Annotated[str, StringConstraints(strip_whitespace=True)] = ""
    sources: Annotated[list[ReferenceIn], Field(min_length=1)]

    @model_validator(mode="after")
    def _dates_agree(self) -> CatalogueIn:
        if self.status == "retired" and self.last_day is None:
            raise ValueError("a retired exam needs last_day, the last day it was delivered")
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValueError(f"last_day {self.last_day} is before first_day {self.first_day}")
        return self


class RulesIn(_Strict):
    """An exam's own rules for the questions it takes; what is left out keeps AWS's (`ExamRules`)."""

    min_options_single: Annotated[int, Field(ge=2, le=8)] = ExamRules.min_options_single
    min_options_multiple: Annotated[int, Field(ge=3, le=8)] = ExamRules.min_options_multiple
    choose_n_in_stem: bool = ExamRules.choose_n_in_stem
    types: Annotated[list[Literal["single", "multiple", "ordering", "matching"]], Field(min_length=1)] = list(
        QUESTION_TYPES
    )

    @field_validator("types")
    @classmethod
    def _types_once_each(cls, value: list[str]) -> list[str]:
        repeated = sorted({t for t in value if value.count(t) > 1})
        if repeated:
            raise ValueError(f"types names {', '.join(repeated)} more than once")
        return value


class ExamIn(_Strict):
    code: ExamCode
    title: Text
    minutes: Annotated[int, Field(gt=0)]
    esl_extra_minutes: Annotated[int, Field(ge=0)] = 0
    scored: Annotated[int, Field(gt=0)]
    unscored: Annotated[int, Field(ge=0)] = 0
    scale: ScaleIn
    default_cut_fraction: Annotated[float, Field(gt=0, lt=1)]
    domains: Annotated[list[DomainIn], Field(min_length=1)]
    bank_goals: BankGoalsIn | None = None
    catalogue: CatalogueIn | None = None
    case_studies: Annotated[int, Field(ge=0)] = 0
    rules: RulesIn | None = None

    def data(self) -> dict:
        """The blueprint as stored. An exam without `rules:` is stored as it was before exams had rules, so that
        its content hash, and so the stored exam, stay the same."""
        data = self.model_dump(mode="json")
        if data["rules"] is None:
            del data["rules"]
        return data

    def blueprint(self) -> Blueprint:
        return blueprint_from_dict(self.data())


def item_lines(text: str, key: str = "questions") -> list[int]:
    """The line on which each item of a YAML file's list starts: the top-level list `key`, or the document itself
    when it is a list. The one reader of line numbers, so that every message about an item can name its line."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if isinstance(node, yaml.SequenceNode):
        return [item.start_mark.line + 1 for item in node.value]
    if isinstance(node, yaml.MappingNode):
        for name, value in node.value:
            if getattr(name, "value", None) == key and isinstance(value, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in value.value]
    return []


def json_schema() -> dict:
    """The JSON Schema of a question file, generated from the models the loader validates with."""
    schema = QuestionFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mockexam question file"
    return schema

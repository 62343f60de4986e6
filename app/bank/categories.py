"""A category mapping: which domain and task each GIFT or Moodle XML category of an upload goes into.

A teacher's bank is sorted into categories of their own (`$course$/Networking/Addressing`), which name no
domain or task of an exam. A mapping file says where each goes, one category a line, as YAML

    "$course$/Networking/Addressing": D1/1.1
    "$course$/Networking/Protocols": D2/2.1

or as CSV, `category,placement` (a first row `category,placement` is a header). The category is the path as
the file writes it (`$CATEGORY:` in GIFT, a `category` question in Moodle XML). Nothing here touches the
database.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import yaml

from app.domain.exam import Blueprint

MAX_MAPPING_CHARS = 200_000


@dataclass
class CategoryMap:
    """The placements a mapping file gives, by category path, and what is wrong with it: (where, message),
    where naming the file and, for a line, its number."""

    filename: str
    places: dict[str, tuple[str, str]] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)


def normalized(category: str) -> str:
    """A category path with the spaces around its parts dropped, so that `a / b` and `a/b` are one category."""
    return "/".join(part.strip() for part in category.split("/"))


def mapping_option(filename: str, data: bytes) -> dict:
    """A mapping file as an import keeps it with its options (and so with a checked upload, for Store to use
    the same): its name and its text, or why it cannot be read."""
    if b"\x00" in data[:4096]:
        return {"filename": filename, "error": f"{filename} is a binary file, not a category mapping"}
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return {"filename": filename, "error": f"{filename} is not UTF-8 text (byte {error.start}); save it as UTF-8"}
    if len(text) > MAX_MAPPING_CHARS:
        too_long = f"{filename} is longer than a mapping can be ({MAX_MAPPING_CHARS} characters)"
        return {"filename": filename, "error": too_long}
    return {"filename": filename, "text": text}


def read_category_map(option: dict, blueprint: Blueprint) -> CategoryMap:
    """The mapping an import's options hold (`mapping_option`), checked against the exam: every line names a
    domain of the exam and a task of that domain, written `D2/2.1`, or it is a problem naming its line."""
    filename = str(option.get("filename") or "categories")
    mapping = CategoryMap(filename)
    if "error" in option:
        mapping.problems.append((filename, str(option["error"])))
        return mapping
    text = str(option.get("text", ""))
    rows = _csv_rows(text) if filename.lower().endswith(".csv") else _yaml_rows(text, mapping)
    seen: dict[str, int] = {}
    for line, category, placement in rows:
        where = f"{filename} line {line}"
        if not category:
            mapping.problems.append((where, "no category before the placement"))
            continue
        key = normalized(category)
        if key in seen:
            mapping.problems.append((where, f"category {category!r} is mapped on line {seen[key]} already"))
            continue
        seen[key] = line
        place = _placement(placement, blueprint)
        if isinstance(place, str):
            mapping.problems.append((where, f"{category!r}: {place}"))
        else:
            mapping.places[key] = place
    return mapping


def _placement(value: str, blueprint: Blueprint) -> tuple[str, str] | str:
    """Domain and task from `D2/2.1`, or why the exam has no such place."""
    domain_code, slash, task = (part.strip() for part in value.partition("/"))
    if not slash or not domain_code or not task:
        return f"{value!r} is not a place: write the domain and task as D2/2.1"
    try:
        domain = blueprint.domain(domain_code)
    except KeyError:
        codes = ", ".join(d.code for d in blueprint.domains)
        return f"unknown domain {domain_code!r}; {blueprint.code} has {codes}"
    if not domain.has_task(task):
        tasks = ", ".join(code for code, _ in domain.tasks)
        return f"task {task!r} is not in domain {domain.code} ({tasks})"
    return domain.code, task


def _yaml_rows(text: str, mapping: CategoryMap) -> list[tuple[int, str, str]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mapping.problems.append((mapping.filename, f"not valid YAML: {str(error).splitlines()[0]}"))
        return []
    if node is None:
        mapping.problems.append((mapping.filename, "maps no category"))
        return []
    if not isinstance(node, yaml.MappingNode):
        mapping.problems.append(
            (mapping.filename, 'not a mapping of categories to places, such as `"$course$/Unit 1": D1/1.1`')
        )
        return []
    rows = []
    for name, value in node.value:
        line = name.start_mark.line + 1
        if not isinstance(name, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
            mapping.problems.append((f"{mapping.filename} line {line}", "map a category to a place such as D1/1.1"))
            continue
        rows.append((line, str(name.value).strip(), str(value.value).strip()))
    return rows


def _csv_rows(text: str) -> list[tuple[int, str, str]]:
    rows = []
    reader = csv.reader(io.StringIO(text))
    for row in reader:
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if reader.line_num == 1 and cells[0].lower() == "category":
            continue
        rows.append((reader.line_num, cells[0], cells[1] if len(cells) > 1 else ""))
    return rows

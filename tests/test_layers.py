"""The shape of the code (DESIGN): the domain is pure, the bank reads files, `db` holds the SQL, `services`
holds the use cases that span them, and `web` only loads, decides, persists and renders through them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
WEB_AND_DB = {"fastapi", "starlette", "sqlalchemy", "sqlmodel", "psycopg", "uvicorn", "jinja2"}
SQL_BUILDERS = {"select", "text", "update", "delete", "insert"}


def imports_of(path: Path) -> list[tuple[str, set[str]]]:
    """Each imported module of a file, with the names taken from it."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "app":  # from app import x
            found.extend((f"app.{alias.name}", set()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, {alias.name for alias in node.names}))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, set()) for alias in node.names)
    return found


def files(layer: str) -> list[Path]:
    return sorted((APP / layer).rglob("*.py"))


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "app" and len(parts) > 1 else None


@pytest.mark.parametrize(
    ("layer", "allowed"),
    [
        ("domain", {"domain"}),
        ("bank", {"bank", "domain"}),
        ("db", {"db", "domain", "config"}),
        ("services", {"services", "bank", "db", "domain"}),
    ],
)
def test_each_layer_imports_only_the_layers_below_it(layer, allowed):
    wrong = [
        f"{path.relative_to(APP.parent)} imports {module}"
        for path in files(layer)
        for module, _ in imports_of(path)
        if module.startswith("app.") and layer_of(module) not in allowed
    ]
    assert not wrong, wrong


@pytest.mark.parametrize("layer", ["domain", "bank"])
def test_the_domain_and_the_bank_know_no_web_framework_or_database(layer):
    wrong = [
        f"{path.relative_to(APP.parent)} imports {module}"
        for path in files(layer)
        for module, _ in imports_of(path)
        if module.split(".")[0] in WEB_AND_DB
    ]
    assert not wrong, wrong


def test_web_builds_no_sql_of_its_own():
    wrong = [
        f"{path.relative_to(APP.parent)} imports {sorted(names & SQL_BUILDERS)} from {module}"
        for path in files("web")
        for module, names in imports_of(path)
        if module.split(".")[0] in {"sqlalchemy", "sqlmodel"} and names & SQL_BUILDERS
    ]
    assert not wrong, wrong


def test_the_command_line_uses_no_part_of_the_web_app():
    wrong = [module for module, _ in imports_of(APP / "cli.py") if layer_of(module) == "web"]
    assert not wrong, wrong


def test_every_module_is_in_a_layer_or_is_the_edge_that_wires_them():
    """No helper floats outside the layers, where nothing says what it may import."""
    edge = {"__init__", "bootstrap", "cli", "config", "logs", "main"}
    loose = sorted(path.name for path in APP.glob("*.py") if path.stem not in edge)
    assert not loose, loose

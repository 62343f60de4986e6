"""Moving all application data between databases (SQLite ⇄ PostgreSQL) as one JSON document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Engine

from app.db.tables import UTCDateTime, metadata

FORMAT = "mockexam-export"
VERSION = 1


class TransferError(Exception):
    pass


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def export_data(engine: Engine) -> dict[str, Any]:
    tables = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns)
            rows = connection.execute(select(table).order_by(*order)).mappings()
            tables[table.name] = [
                {key: value.isoformat() if isinstance(value, datetime) else value for key, value in row.items()}
                for row in rows
            ]
    return {"format": FORMAT, "version": VERSION, "schema": _revision(engine), "tables": tables}


def import_data(engine: Engine, document: dict[str, Any]) -> dict[str, int]:
    """Load an export into an empty database migrated to the same schema, in one transaction."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TransferError('this is not a mockexam export (no "format": "mockexam-export")')
    if document.get("version") != VERSION:
        raise TransferError(f"export version {document.get('version')} is not supported (this is version {VERSION})")
    here = _revision(engine)
    if document.get("schema") != here:
        raise TransferError(
            f"the export is at schema {document.get('schema')} but this database is at {here}; "
            "run `mockexam migrate` on both so they match"
        )
    unknown = set(document["tables"]) - {t.name for t in metadata.sorted_tables}
    if unknown:
        raise TransferError(f"unknown tables in the export: {', '.join(sorted(unknown))}")
    counts = {}
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            if connection.execute(select(func.count()).select_from(table)).scalar():
                raise TransferError(
                    f"the target database is not empty (table {table.name} has rows); import only into a fresh database"
                )
        for table in metadata.sorted_tables:
            rows = document["tables"].get(table.name, [])
            timestamps = [c.name for c in table.columns if isinstance(c.type, UTCDateTime)]
            for row in rows:
                for name in timestamps:
                    if row.get(name) is not None:
                        row[name] = datetime.fromisoformat(row[name])
            if rows:
                connection.execute(insert(table), rows)
            counts[table.name] = len(rows)
        if engine.dialect.name == "postgresql":
            # Rows came with their ids; move each id sequence past them so new rows do not collide.
            for table in metadata.sorted_tables:
                [*key] = table.primary_key.columns
                if len(key) == 1 and key[0].type.python_type is int:
                    connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{key[0].name}'), "
                            f'COALESCE((SELECT MAX("{key[0].name}") FROM "{table.name}"), 0) + 1, false)'
                        )
                    )
    return counts

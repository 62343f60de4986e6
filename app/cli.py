"""The `mockexam` command: serve, migrate, and bank tools."""

from __future__ import annotations

import datetime as dt
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from app.config import Settings

cli = typer.Typer(help="mockexam: timed, realistic certification practice exams.", no_args_is_help=True)
bank_cli = typer.Typer(help="Check and load the question bank.", no_args_is_help=True)
cli.add_typer(bank_cli, name="bank")
admin_cli = typer.Typer(help="Administrators.", no_args_is_help=True)
cards_cli = typer.Typer(help="Flashcards beyond the shipped bank.", no_args_is_help=True)
cli.add_typer(admin_cli, name="admin")
cli.add_typer(cards_cli, name="cards")


def load_settings() -> Settings:
    """Settings, or a clear message and exit status 1 when the environment is refused."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as error:
        for detail in error.errors():
            typer.echo(str(detail["msg"]).removeprefix("Value error, "), err=True)
        raise typer.Exit(1) from None


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT", help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(envvar="WEB_CONCURRENCY", help="Worker processes.")] = 1,
    prepare_database: Annotated[
        bool, typer.Option("--prepare/--no-prepare", help="Migrate and load the shipped bank first.")
    ] = True,
) -> None:
    """Migrate, load the shipped bank, and serve the app."""
    import uvicorn

    from app.bootstrap import BankInvalid, prepare
    from app.logs import logging_config

    settings = load_settings()
    if prepare_database:
        try:
            for report in prepare(settings):
                typer.echo(
                    f"bank {report.exam}: {report.new} new, {report.changed} changed, {report.unchanged} unchanged"
                )
        except BankInvalid as error:
            typer.echo(str(error), err=True)
            raise typer.Exit(1) from None
    typer.echo(f"mockexam on http://{host}:{port}")
    # The app logs each request as JSON with its request id; uvicorn's own access log would repeat it.
    # No `Server: uvicorn` header: it tells a scanner what to try, and costs every response a header.
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        server_header=False,
        log_level=os.environ.get("LOG_LEVEL", "info").lower(),
        access_log=False,
        log_config=logging_config(os.environ.get("LOG_LEVEL", "info")),
    )


@cli.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from app.db import migrate as migrations

    migrations.upgrade(load_settings().resolved_database_url())
    typer.echo("database is at the latest migration")


@cli.command("export")
def export_command(path: Annotated[Path, typer.Argument(help="File to write, or - for standard output.")]) -> None:
    """Write all application data (exams, questions and versions, users, attempts) as JSON."""
    from app.db.engine import make_engine
    from app.db.transfer import export_data

    engine = make_engine(load_settings().resolved_database_url())
    text = json.dumps(export_data(engine), ensure_ascii=False)
    engine.dispose()
    if str(path) == "-":
        typer.echo(text)
    else:
        path.write_text(text, encoding="utf-8")
        typer.echo(f"exported to {path}", err=True)


@cli.command("import")
def import_command(path: Annotated[Path, typer.Argument(help="A file written by `mockexam export`.")]) -> None:
    """Load an export into this (empty, migrated) database, in one transaction."""
    from app.db import migrate as migrations
    from app.db.engine import make_engine
    from app.db.transfer import TransferError, import_data

    url = load_settings().resolved_database_url()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        typer.echo(f"cannot read {path}: {error}", err=True)
        raise typer.Exit(1) from None
    except RecursionError:
        typer.echo(f"cannot read {path}: it nests lists or objects too deeply to be an export", err=True)
        raise typer.Exit(1) from None
    migrations.upgrade(url)
    engine = make_engine(url)
    try:
        counts = import_data(engine, document)
    except TransferError as error:
        typer.echo(f"nothing imported: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    typer.echo("imported " + ", ".join(f"{n} {table}" for table, n in counts.items()))


@bank_cli.command("load")
def bank_load() -> None:
    """Load the shipped bank into the database (idempotent)."""
    from app.bootstrap import BankInvalid, load_shipped_bank
    from app.db import migrate as migrations

    settings = load_settings()
    try:
        migrations.upgrade(settings.resolved_database_url())  # a fresh data directory has no schema yet
        for report in load_shipped_bank(settings.resolved_database_url(), settings.bank_dir):
            typer.echo(f"bank {report.exam}: {report.new} new, {report.changed} changed, {report.unchanged} unchanged")
    except BankInvalid as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None


@bank_cli.command("check")
def bank_check(
    path: Annotated[Path | None, typer.Argument(help="Bank folder.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print counts as JSON.")] = False,
) -> None:
    """Validate the bank files and print counts per exam and domain; exit 1 on any problem."""
    from app.bank.loader import load_bank

    exams = load_bank(path or Settings().bank_dir)
    problems = [p for exam in exams for p in exam.problems]
    counts: dict[str, dict[str, Any]] = {
        exam.blueprint.code: {
            "questions": len(exam.questions),
            "domains": {d.code: sum(q.domain == d.code for q in exam.questions) for d in exam.blueprint.domains},
            "cards": len(exam.cards),
            "sheets": len(exam.sheets),
        }
        for exam in exams
    }
    if as_json:
        typer.echo(json.dumps({"exams": counts, "problems": [str(p) for p in problems]}, indent=2))
    else:
        for code, data in counts.items():
            typer.echo(
                f"{code}: {data['questions']} questions "
                + ", ".join(f"{d} {n}" for d, n in data["domains"].items())
                + f"; {data['cards']} flashcards, {data['sheets']} cheat sheets"
            )
        for problem in problems:
            typer.echo(str(problem), err=True)
    if problems:
        raise typer.Exit(1)


@bank_cli.command("import")
def bank_import(
    paths: Annotated[
        list[Path], typer.Argument(help="Question files: YAML, JSON, CSV, GIFT, Aiken, Moodle XML, Markdown.")
    ],
    exam: Annotated[str, typer.Option(help="The exam the questions belong to, e.g. MLS-C01.")],
    format: Annotated[str, typer.Option(help="auto, native, csv, gift, aiken, moodle-xml or markdown.")] = "auto",
    domain: Annotated[str, typer.Option(help="Domain for questions that name none.")] = "",
    task: Annotated[str, typer.Option(help="Task statement for questions that name none.")] = "",
    commit: Annotated[bool, typer.Option("--commit", help="Store the questions (default: a dry run).")] = False,
    add_choose: Annotated[
        bool,
        typer.Option("--add-choose", help='Add "(Choose N.)" to multiple-response stems that lack it, N from the key.'),
    ] = False,
    partial: Annotated[
        bool, typer.Option("--partial", help="With --commit, store the valid questions and report the rest.")
    ] = False,
    categories: Annotated[
        Path | None,
        typer.Option(
            "--categories",
            help="A YAML or CSV file mapping GIFT/Moodle XML categories to domain/task ('$course$/Unit 1: D1/1.1').",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Check question files and, with --commit, store them all in one transaction: nothing if any has an error,
    or with --partial the valid ones (the report lists every record left out, with its file and line)."""
    from datetime import UTC, datetime

    from sqlmodel import Session

    from app.bank.categories import mapping_option
    from app.db import bank as bank_store
    from app.db import migrate as migrations
    from app.db.engine import make_engine
    from app.services.imports import run_import

    options: dict[str, Any] = {"format": format, "domain": domain, "task": task, "add_choose": add_choose}
    if categories is not None:
        try:
            options["categories"] = mapping_option(categories.name, categories.read_bytes())
        except OSError as error:
            typer.echo(f"cannot read {categories}: {error.strerror}", err=True)
            raise typer.Exit(1) from None
    url = load_settings().resolved_database_url()
    migrations.upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            blueprint = bank_store.get_blueprint(session=session, code=exam)
            if blueprint is None:
                typer.echo(f"unknown exam {exam}; load the shipped bank first (mockexam bank load)", err=True)
                raise typer.Exit(1)
            files = []
            for path in paths:
                try:
                    files.append((path.name, path.read_bytes()))
                except OSError as error:
                    typer.echo(f"cannot read {path}: {error.strerror}", err=True)
                    raise typer.Exit(1) from None
            outcome = run_import(
                session=session,
                blueprint=blueprint,
                files=files,
                user_id=None,
                options=options,
                now=datetime.now(UTC),
                commit=commit,
                partial=partial,
            )
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in outcome.reports], indent=2))
    else:
        for report in outcome.reports:
            counts = report.counts()
            typer.echo(
                f"{report.filename} ({report.format}): {counts['new']} new, {counts['changed']} changed, "
                f"{counts['unchanged']} unchanged, {counts['errors']} errors, {counts['warnings']} warnings, "
                f"{counts['skipped']} skipped; per domain: "
                + (", ".join(f"{d} {n}" for d, n in sorted(report.domains.items())) or "none")
            )
            for note in report.errors:
                typer.echo(f"  error: {note}", err=True)
            for note in report.warnings + report.skipped:
                typer.echo(f"  note: {note}")
    # With --json, standard output holds the JSON alone; the closing line goes to standard error.
    if not any(r.errors or r.valid for r in outcome.reports):
        typer.echo("nothing to import: the files hold no questions", err=as_json)
        return
    if not outcome.ok and not outcome.stored:
        typer.echo("nothing was stored" if commit else "fix the errors before storing", err=True)
        raise typer.Exit(1)
    typer.echo(
        f"stored: {outcome.stored.new} new ({outcome.stored.drafts} as drafts, for want of explanations or a "
        f"reference), {outcome.stored.changed} changed"
        if outcome.stored
        else "dry run: nothing stored (add --commit to store)",
        err=as_json,
    )
    if not outcome.ok:  # a partial import stored the valid questions; the errors above were left out
        typer.echo("the questions with errors were not stored", err=True)
        raise typer.Exit(1)


@bank_cli.command("export")
def bank_export(
    format: Annotated[str, typer.Option("--format", help="gift or moodle-xml.")],
    exam: Annotated[str, typer.Option(help="The exam whose questions to write, e.g. MLS-C01.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write, or - for standard output.")],
    domain: Annotated[str, typer.Option(help="Only this domain, e.g. D2.")] = "",
    task: Annotated[str, typer.Option(help="Only this task statement, e.g. 2.1.")] = "",
    status: Annotated[str, typer.Option(help="Only questions with this status: active, draft or retired.")] = "",
    ids: Annotated[
        list[str] | None, typer.Option("--ids", help="Only these question ids (comma-separated, or repeat).")
    ] = None,
) -> None:
    """Write a selection of an exam's questions (their current versions) as GIFT or Moodle XML, for Moodle or for
    `mockexam bank import`. Questions the format cannot hold are left out and listed, with why, on standard
    error and in a comment at the top of the file."""
    from sqlmodel import Session

    from app.bank.exports import EXPORT_FORMATS, write
    from app.db import bank as bank_store
    from app.db.engine import make_engine

    if format not in EXPORT_FORMATS:
        typer.echo(f"unknown format {format!r}; choose one of {', '.join(EXPORT_FORMATS)}", err=True)
        raise typer.Exit(2)
    wanted = [i.strip() for value in ids or [] for i in value.split(",") if i.strip()]
    engine = make_engine(load_settings().resolved_database_url())
    try:
        with Session(engine) as session:
            if bank_store.get_blueprint(session=session, code=exam) is None:
                typer.echo(f"unknown exam {exam}; load the shipped bank first (mockexam bank load)", err=True)
                raise typer.Exit(1)
            rows = bank_store.list_questions(
                session=session, exam_code=exam, domain=domain, task=task, status=status, slugs=wanted
            )
    finally:
        engine.dispose()
    if unknown := sorted(set(wanted) - {question.slug for question, _ in rows}):
        typer.echo(f"no question {', '.join(unknown)} in {exam} (with these filters); nothing written", err=True)
        raise typer.Exit(1)
    written = write(format, [content for _, content in rows], exam=exam)
    if str(output) == "-":
        typer.echo(written.text, nl=False)
    else:
        output.write_text(written.text, encoding="utf-8")
    for item in written.left_out:
        typer.echo(f"  left out: {item}", err=True)
    for loss in written.losses:
        typer.echo(f"  changes on import: {loss}", err=True)
    typer.echo(
        f"wrote {len(written.written)} questions as {format}"
        + ("" if str(output) == "-" else f" to {output}")
        + f"; {len(written.left_out)} left out",
        err=True,
    )


@bank_cli.command("schema")
def bank_schema(
    write: Annotated[bool, typer.Option("--write", help="Write question_bank/schema.json.")] = False,
) -> None:
    """Print (or write) the JSON Schema of question files, generated from the validating models."""
    from app.bank.format import json_schema
    from app.config import ROOT

    text = json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
    if write:
        (ROOT / "question_bank" / "schema.json").write_text(text)
        typer.echo("wrote question_bank/schema.json")
    else:
        typer.echo(text, nl=False)


@bank_cli.command("lint")
def bank_lint(path: Annotated[Path | None, typer.Argument(help="Bank folder.")] = None) -> None:
    """Check the bank: schema, keys, choose-N, near-duplicate stems, item-writing flaws, coverage.
    Exits 1 when there is an error."""
    from app.bank.lint import lint_bank
    from app.bank.loader import load_bank

    findings = lint_bank(load_bank(path or Settings().bank_dir), today=dt.date.today())
    for finding in findings:
        typer.echo(str(finding), err=finding.severity == "error")
    errors = sum(f.severity == "error" for f in findings)
    typer.echo(f"{errors} error(s), {len(findings) - errors} warning(s)")
    if errors:
        raise typer.Exit(1)


@bank_cli.command("stats")
def bank_stats(
    path: Annotated[Path | None, typer.Argument(help="Bank folder.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Totals per exam, domain, task statement, type and difficulty."""
    from app.bank.lint import stats
    from app.bank.loader import load_bank

    data = {exam.blueprint.code: stats(exam) for exam in load_bank(path or Settings().bank_dir)}
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    for code, figures in data.items():
        typer.echo(
            f"{code}: {figures['questions']} questions, {figures['reviewed']} reviewed, "
            f"{figures['case_studies']} case studies, {figures['cards']} flashcards, {figures['sheets']} cheat sheets"
        )
        for key in ("domains", "tasks", "types", "difficulty"):
            typer.echo(f"  {key}: " + ", ".join(f"{k} {v}" for k, v in figures[key].items()))


@cards_cli.command("import")
def cards_import(
    path: Annotated[Path, typer.Argument(help="A card file: the bank's YAML, CSV, or Anki notes as plain text.")],
    exam: Annotated[str, typer.Option(help="The exam the cards belong to, e.g. MLA-C02.")],
    domain: Annotated[str, typer.Option(help="Domain for cards that name none.")] = "",
    task: Annotated[str, typer.Option(help="Task statement for cards that name none.")] = "",
    tag: Annotated[list[str] | None, typer.Option(help="Tags for cards that carry none (repeat the option).")] = None,
    reference_title: Annotated[str, typer.Option(help="Reference title for cards without one.")] = "",
    reference_url: Annotated[str, typer.Option(help="Reference URL (https) for cards without one.")] = "",
    commit: Annotated[bool, typer.Option("--commit", help="Store the cards (default: a dry run).")] = False,
) -> None:
    """Check a card file against an exam and, with --commit, store every card (nothing if any has a problem)."""
    from sqlmodel import Session

    from app.db import migrate as migrations
    from app.db.engine import make_engine
    from app.services.study import import_cards

    try:
        data = path.read_bytes()
    except OSError as error:
        typer.echo(f"cannot read {path}: {error.strerror}", err=True)
        raise typer.Exit(1) from None
    defaults: dict = {k: v for k, v in {"domain": domain, "task": task, "tags": tag}.items() if v}
    if reference_url:
        defaults["reference"] = {"title": reference_title or reference_url, "url": reference_url}
    url = load_settings().resolved_database_url()
    migrations.upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            outcome = import_cards(
                session=session, exam_code=exam, data=data, filename=path.name, defaults=defaults, commit=commit
            )
    finally:
        engine.dispose()
    for problem in outcome.problems:
        typer.echo(f"  error: {problem}", err=True)
    if outcome.problems:
        typer.echo(f"{path.name}: {len(outcome.problems)} problem(s); nothing was stored", err=True)
        raise typer.Exit(1)
    if commit:
        typer.echo(f"{path.name}: {outcome.checked} cards checked, {outcome.stored} new or changed, stored")
    else:
        typer.echo(f"{path.name}: {outcome.checked} cards checked, no problems; add --commit to store them")


@admin_cli.command("create")
def admin_create(email: Annotated[str, typer.Argument(help="The administrator's email address.")]) -> None:
    """Make an administrator, or promote an existing account. The password is read from
    MOCKEXAM_ADMIN_PASSWORD when set (unattended set-up), otherwise asked for twice."""
    from datetime import UTC, datetime

    from sqlmodel import Session

    from app.db import migrate as migrations
    from app.db import users
    from app.db.engine import make_engine
    from app.domain.accounts import AccountError
    from app.services.credentials import check_new_password, hash_password, normalize_email

    password = os.environ.get("MOCKEXAM_ADMIN_PASSWORD")
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        address = normalize_email(email)
        check_new_password(password, password, email=address)
    except AccountError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    url = load_settings().resolved_database_url()
    migrations.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        existing = users.find_by_email(session=session, email=address)
        if existing is None:
            users.register(
                session=session,
                guest=None,
                email=address,
                password_hash=hash_password(password),
                now=datetime.now(UTC),
                role="admin",
            )
            typer.echo(f"created administrator {address}")
        else:
            users.set_password(session=session, user=existing, password_hash=hash_password(password))
            users.set_role(session=session, user=existing, role="admin")
            typer.echo(f"{address} is now an administrator, with the new password")
    engine.dispose()


@admin_cli.command("reset-link")
def admin_reset_link(email: Annotated[str, typer.Argument(help="The email address of the account.")]) -> None:
    """Print a one-time link that lets the account's owner choose a new password (valid for a day)."""
    from datetime import UTC, datetime

    from app.db import migrate as migrations
    from app.db import users
    from app.domain.accounts import ADMIN_RESET_LASTS

    settings = load_settings()
    migrations.upgrade(settings.resolved_database_url())
    with database_session() as session:
        account = users.find_by_email(session=session, email=email.strip().lower())
        if account is None:
            typer.echo(f"no account uses {email.strip().lower()}; nothing was made", err=True)
            raise typer.Exit(1)
        token = users.issue_password_reset(
            session=session, user=account, now=datetime.now(UTC), lasts=ADMIN_RESET_LASTS
        )
        session.commit()
    path = f"/password/reset/{token}"
    if settings.public_url:
        typer.echo(settings.public_url.rstrip("/") + path)
    else:
        typer.echo(path)
        typer.echo(
            "(put the address users reach mockexam at in front; set MOCKEXAM_PUBLIC_URL to print it whole)", err=True
        )


@contextmanager
def database_session():
    """A session on the configured database, its engine disposed afterwards."""
    from sqlmodel import Session

    from app.db.engine import make_engine

    engine = make_engine(load_settings().resolved_database_url())
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


@admin_cli.command("token")
def admin_token(
    email: Annotated[str | None, typer.Argument(help="The administrator the new token is for.")] = None,
    name: Annotated[str, typer.Option(help="What the new token is for.")] = "script",
    days: Annotated[int, typer.Option(min=1, max=365, help="How many days the new token works.")] = 90,
    list_tokens: Annotated[bool, typer.Option("--list", help="List every token instead.")] = False,
    revoke: Annotated[str | None, typer.Option(help="Revoke the token with this id (from --list).")] = None,
) -> None:
    """Make an API token for an administrator's scripts (shown once; only its hash is kept), list the
    tokens, or revoke one."""
    from datetime import UTC, datetime, timedelta

    from app.db import tokens, users

    now = datetime.now(UTC)
    with database_session() as session:
        if list_tokens:
            for token in tokens.listed(session=session):
                state = "expired" if token.expired(now) else f"expires {token.expires_at:%Y-%m-%d}"
                used = f"last used {token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
                typer.echo(f"{token.id}  {token.email}  {token.name!r}  {state}, {used}")
            return
        if revoke is not None:
            if tokens.revoke(session=session, token_id=revoke.strip().lower()) != 1:
                typer.echo(f"no token has the id {revoke!r} (see mockexam admin token --list)", err=True)
                raise typer.Exit(1)
            typer.echo(f"revoked token {revoke}")
            return
        if email is None:
            typer.echo("name the administrator the token is for, or use --list or --revoke ID", err=True)
            raise typer.Exit(2)
        user = users.find_by_email(session=session, email=email.strip().lower())
        if user is None or user.role != "admin":
            typer.echo(f"{email} is not an administrator (mockexam admin create {email})", err=True)
            raise typer.Exit(1)
        typer.echo(tokens.create(session=session, user=user, name=name, lifetime=timedelta(days=days), now=now))


@admin_cli.command("purge-guests")
def admin_purge_guests(
    days: Annotated[int | None, typer.Option(help="Idle days (default: MOCKEXAM_GUEST_DAYS).")] = None,
) -> None:
    """Delete guests who started nothing for DAYS days, with everything they made (run it from cron; new
    guests also clear a few at a time)."""
    from datetime import UTC, datetime, timedelta

    from app.db import users

    idle = days if days is not None else load_settings().guest_days
    since = datetime.now(UTC) - timedelta(days=idle)
    total = 0
    with database_session() as session:
        while purged := users.purge_abandoned_guests(session=session, idle_since=since):
            total += purged
    typer.echo(f"deleted {total} guest{'s' if total != 1 else ''} idle for {idle} days or more")


@admin_cli.command("signout")
def admin_signout(email: Annotated[str, typer.Argument(help="The account to sign out everywhere.")]) -> None:
    """End every session of an account: every browser it is signed in on must sign in again."""
    from app.db import users

    with database_session() as session:
        user = users.find_by_email(session=session, email=email.strip().lower())
        if user is None:
            typer.echo(f"no account has the email {email}", err=True)
            raise typer.Exit(1)
        address = user.email
        ended = users.end_all_sessions(session=session, user_id=user.id)
    typer.echo(f"ended {ended} session{'s' if ended != 1 else ''} of {address}")


def main() -> None:
    from app.logs import configure

    configure(os.environ.get("LOG_LEVEL", "info"))
    cli()

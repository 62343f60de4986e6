"""Answer-save throughput and latency under 50 concurrent connections, against its floor, in one run.

    python -m bench.answer_save [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--repeat 3]

Starts, on loopback and each with the same number of uvicorn workers: mockexam on a fresh PostgreSQL
database, mockexam on a fresh SQLite file, and `bench/baselines.py` (a bare Starlette endpoint, and a
minimal async endpoint doing the same single-row upsert with raw psycopg). It makes 50 candidates with
an exam on each mockexam, each with its session cookie and CSRF token, then runs wrk (C, one thread,
one connection per candidate) against each target in turn: a discarded warm-up, then `--repeat` rounds
that visit every target once, each round starting one target later, so that all of them share the
machine's moods alike. Every mockexam request is a real htmx autosave that changes the answer and, as the
page does, names the answer it replaces (read from the database before each run, then the one the previous
save sent). The baselines receive the very same requests, cookie and CSRF header included, at their own
addresses; they read only the answer. Prints the machine, the method and a table of medians: requests/s,
p50, p99, the share of the upsert baseline's throughput (each round's rate against the baseline's in that
round), and the CPU time per request of the server's processes and of PostgreSQL's (read from /proc;
steadier than the rates, which move with the machine).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlmodel import col

from app.db.engine import make_engine
from app.db.tables import AttemptItem, answer_tokens
from app.domain.attempt import DisplayedOptions
from bench.load import ATTEMPT, TOKEN, found
from bench.proc import named, total_cpu_seconds, tree

ROOT = Path(__file__).resolve().parent.parent
# Each save names the answer its page shows (`before`), as the page's autosave does: at first the one the
# database holds, then the one the previous save of that question sent. A save never repeats it.
LUA = """
local requests = {}
local n = 0
%s
request = function()
  n = n + 1
  local r = requests[(n %% #requests) + 1]
  local letter = string.sub("ABCD", (n %% 4) + 1, (n %% 4) + 1)
  if letter == r.before then
    letter = string.sub("ABCD", ((n + 1) %% 4) + 1, ((n + 1) %% 4) + 1)
  end
  local body = "choice=" .. letter .. "&before=" .. r.before
  r.before = letter
  return wrk.format("POST", r.path, r.headers, body)
end
"""


@dataclass
class SaveScript:
    """The wrk script of one mockexam target: every candidate's every question, with its session."""

    path: Path
    database_url: str
    entries: list[tuple[str, int, str]]  # attempt, position, the request's headers as Lua
    prefix: str = ""  # before each path: the baselines serve the same requests under /noop and /upsert

    def write(self) -> None:
        """Write the script with the answers the database holds now, as the pages would show them."""
        shown = shown_answers(self.database_url, sorted({attempt for attempt, _, _ in self.entries}))
        self.path.write_text(
            LUA
            % "\n".join(
                f'requests[#requests + 1] = {{path = "{self.prefix}/attempts/{attempt}/questions/{position}/answer", '
                f'before = "{shown.get((attempt, position), "")}", headers = {headers}}}'
                for attempt, position, headers in self.entries
            )
        )


def shown_answers(database_url: str, attempt_ids: list[str]) -> dict[tuple[str, int], str]:
    """The stored answer of every item, in the display letters its page shows."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(
                    col(AttemptItem.attempt_id),
                    col(AttemptItem.position),
                    col(AttemptItem.option_order),
                    col(AttemptItem.selection),
                ).where(col(AttemptItem.attempt_id).in_(attempt_ids))
            ).all()
    finally:
        engine.dispose()
    return {
        (attempt, position): ",".join(DisplayedOptions(tuple(order.split(","))).to_display(answer_tokens(selection)))
        for attempt, position, order, selection in rows
    }


@dataclass
class Target:
    name: str
    url: str
    script: Path
    pid: int  # the server's first process: uvicorn's supervisor, whose workers are its children
    save_script: SaveScript | None = None
    rates: list[float] = field(default_factory=list)
    p50s: list[float] = field(default_factory=list)
    p99s: list[float] = field(default_factory=list)
    server_cpu: list[float] = field(default_factory=list)  # µs per request
    database_cpu: list[float] = field(default_factory=list)  # µs per request, every PostgreSQL process


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, {platform.system()}"


def serve(stack: ExitStack, args: list[str], env: dict[str, str], port: int, cwd: Path = ROOT) -> tuple[str, int]:
    log = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115  (the stack closes it)
    process = subprocess.Popen(args, env={**os.environ, **env}, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)

    def stop() -> None:
        process.terminate()
        process.wait(timeout=30)

    stack.callback(stop)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code < 500:
                return url, process.pid
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            log.seek(0)
            raise SystemExit(f"server on port {port} exited:\n{log.read().decode(errors='replace')[-3000:]}")
        time.sleep(0.5)
    raise SystemExit(f"server on port {port} did not answer /healthz")


def fresh_postgres(stack: ExitStack, admin_url: str, suffix: str = "") -> str:
    name = f"mockexam_bench_{os.getpid()}{suffix}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    stack.callback(drop)
    return make_url(admin_url).set(drivername="postgresql+psycopg", database=name).render_as_string(False)


def worktree(stack: ExitStack, ref: str, directory: Path) -> Path:
    """A checkout of `ref` beside this one, served by the same interpreter, for a before/after in one run."""
    path = directory / ("ref-" + re.sub(r"[^\w.-]", "_", ref))
    subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(path), ref], cwd=ROOT, check=True)
    stack.callback(lambda: subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT))
    return path


def save_script(
    url: str, database_url: str, exam: str, candidates: int, questions: int, directory: Path, name: str
) -> SaveScript:
    entries = []
    for _ in range(candidates):
        with httpx.Client(base_url=url, timeout=30) as client:
            token = found(TOKEN, client.get("/").text).group(1)
            client.headers["X-CSRF-Token"] = token
            attempt = found(ATTEMPT, client.post(f"/exams/{exam}/attempts").headers["location"]).group(1)
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        headers = (
            f'{{["Cookie"] = "{cookie}", ["X-CSRF-Token"] = "{token}", ["HX-Request"] = "true", '
            f'["Content-Type"] = "application/x-www-form-urlencoded"}}'
        )
        entries += [(attempt, position, headers) for position in range(1, questions + 1)]
    script = SaveScript(directory / f"{name}.lua", database_url, entries)
    script.write()
    return script


def wrk(target: Target, connections: int, seconds: int) -> tuple[float, float, float, float, float]:
    """Load the target: its rate, p50 and p99, and the CPU it and PostgreSQL spent per request (µs)."""
    if target.save_script is not None:
        target.save_script.write()
    server, database = tree(target.pid), named("postgres")
    server_before, database_before = total_cpu_seconds(server), total_cpu_seconds(database)
    result = subprocess.run(
        ["wrk", "-t1", "-c", str(connections), "-d", f"{seconds}s", "--latency", "-s", str(target.script), target.url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    server_spent = total_cpu_seconds(server) - server_before
    database_spent = total_cpu_seconds(database) - database_before
    if result.returncode != 0:
        raise SystemExit(f"{target.name}: wrk failed ({result.returncode})\n{result.stdout}{result.stderr}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if errors:
        raise SystemExit(f"{target.name}: {errors.group(1)} failed responses\n{result.stdout}")
    requests = max(int(found(r"(\d+) requests in", result.stdout).group(1)), 1)
    rate = float(found(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    p50 = _milliseconds(found(r"50%\s+([\d.]+\w+)", result.stdout).group(1))
    p99 = _milliseconds(found(r"99%\s+([\d.]+\w+)", result.stdout).group(1))
    return rate, p50, p99, 1e6 * server_spent / requests, 1e6 * database_spent / requests


def _range(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} µs ({min(values):,.0f}–{max(values):,.0f})"


def _milliseconds(text: str) -> float:
    value, unit = found(r"\A([\d.]+)(us|ms|s)\Z", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="an admin connection; a fresh database is made and dropped",
    )
    parser.add_argument("--exam", default="MLS-C01")
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--questions", type=int, default=65)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; each visits every target once")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-sqlite", action="store_true", help="leave out mockexam on SQLite")
    parser.add_argument(
        "--fixed-floor",
        action="store_true",
        help="also load the upsert baseline with one fixed request (bench/baselines.lua), as until "
        "session 6; the share is still of the baseline given mockexam's own requests",
    )
    parser.add_argument(
        "--compare",
        metavar="REF",
        action="append",
        default=[],
        help="also serve mockexam on PostgreSQL from this git ref (a before/after in one run)",
    )
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    print(f"machine: {machine()}")
    print(
        f"method: uvicorn with {args.workers} workers per server; wrk -t1 -c{args.candidates} "
        f"-d{args.seconds}s; a 10 s warm-up per target, then {args.repeat} interleaved rounds; medians"
    )
    bin_dir = Path(sys.executable).parent
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        database = fresh_postgres(stack, args.postgres)
        common = {
            "MOCKEXAM_SECRET_KEY": "bench-" + "x" * 40,
            "WEB_CONCURRENCY": str(args.workers),
            # Every candidate is a guest from one loopback address: more than the per-address hourly limit.
            "MOCKEXAM_GUEST_ATTEMPTS_PER_HOUR": "100000",
        }
        apps = {"mockexam on PostgreSQL": (database, ROOT)}
        if not args.no_sqlite:
            apps["mockexam on SQLite"] = (f"sqlite:///{scratch / 'bench.db'}", ROOT)
        for number, ref in enumerate(args.compare):
            apps[f"mockexam on PostgreSQL at {ref}"] = (
                fresh_postgres(stack, args.postgres, f"_ref{number}"),
                worktree(stack, ref, scratch),
            )
        targets = []
        for port, (name, (url, source)) in enumerate(apps.items(), start=8811):
            # Run from the checkout's directory, this interpreter imports that checkout's code.
            base, pid = serve(
                stack,
                [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(port)],
                {
                    **common,
                    "DATABASE_URL": url,
                    "MOCKEXAM_DATA_DIR": str(scratch / f"data{port}"),
                    "PYTHONPATH": str(source),
                },
                port,
                cwd=source,
            )
            script = save_script(base, url, args.exam, args.candidates, args.questions, scratch, f"app{port}")
            targets.append(Target(name, base, script.path, pid, script))
        baseline, pid = serve(
            stack,
            [
                str(bin_dir / "uvicorn"),
                "bench.baselines:app",
                "--workers",
                str(args.workers),
                "--port",
                "8810",
                "--log-level",
                "warning",
            ],
            {"DATABASE_URL": database},
            8810,
        )
        # The baselines get the very requests the first mockexam gets (the load generator shares the machine,
        # so a cheaper request to make would leave them more of it), at their own addresses.
        same = targets[0].save_script
        assert same is not None  # the first mockexam's script
        floors = [
            SaveScript(scratch / f"{name}.lua", same.database_url, same.entries, prefix=f"/{name}")
            for name in ("noop", "upsert")
        ]
        targets[:0] = [
            Target("bare Starlette endpoint (/noop)", baseline, floors[0].path, pid, floors[0]),
            Target("raw psycopg upsert (/upsert)", baseline, floors[1].path, pid, floors[1]),
        ]
        if args.fixed_floor:
            targets.append(
                Target(
                    "raw psycopg upsert, one fixed request (the floor until session 6)",
                    baseline + "/upsert",
                    ROOT / "bench" / "baselines.lua",
                    pid,
                )
            )
        for target in targets:
            wrk(target, args.candidates, 10)
        for round_number in range(1, args.repeat + 1):
            # Each round starts one target later: the database still digests the previous target's writes
            # (checkpoints, autovacuum), and no target should always come after the same one.
            shift = (round_number - 1) % len(targets)
            for target in targets[shift:] + targets[:shift]:
                rate, p50, p99, server_cpu, database_cpu = wrk(target, args.candidates, args.seconds)
                target.rates.append(rate)
                target.p50s.append(p50)
                target.p99s.append(p99)
                target.server_cpu.append(server_cpu)
                target.database_cpu.append(database_cpu)
            print(
                f"round {round_number}: " + ", ".join(f"{t.name.split(' (')[0]} {t.rates[-1]:.0f}/s" for t in targets)
            )
    print(
        "\n| endpoint | requests/s (median, range) | p50 | p99 | share of the upsert baseline (median, range) "
        "| server CPU per request | PostgreSQL CPU per request |"
    )
    print("|---|---|---|---|---|---|---|")
    for target in targets:
        rate = statistics.median(target.rates)
        shares = [100 * mine / upsert for mine, upsert in zip(target.rates, targets[1].rates, strict=True)]
        print(
            f"| {target.name} | {rate:,.0f} ({min(target.rates):,.0f}–{max(target.rates):,.0f}) | "
            f"{statistics.median(target.p50s):.0f} ms | {statistics.median(target.p99s):.0f} ms | "
            f"{statistics.median(shares):.0f}% ({min(shares):.0f}–{max(shares):.0f}) | "
            f"{_range(target.server_cpu)} | {_range(target.database_cpu)} |"
        )
    print(
        "\nShare: each round's rate over the upsert baseline's in the same round, so that the machine's moods "
        "between rounds cancel out; the median of the rounds."
    )
    print(
        "CPU per request: the server's processes (uvicorn and its workers) and every process named postgres, "
        "read from /proc before and after each measured run, divided by the requests wrk counted."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

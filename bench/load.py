"""N simulated candidates sit whole exams at once against a running mockexam (loopback only).

    python -m bench.load --url http://127.0.0.1:8000 --exam MLS-C01 --candidates 50 --database-url postgresql+psycopg://…

Each candidate opens the start page, starts an exam, views every question and saves an answer to it the
way the page's autosave does (every other question is changed once more), visits the review screen, and
ends the exam. With `--moves next` the candidate views only the first question and moves on with the exam
form's Next, which carries the answer the autosave stored, as the page's button does. Afterwards the
script counts the answers the server acknowledged and the answers the database holds for those attempts:
they must be equal, with no server error. Every request has a timeout and the run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import httpx

TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
ATTEMPT = re.compile(r"/attempts/(\w+)/questions/1")
# The answer a page shows as stored, in the form the autosave names it (`before`); the tests read it too.
SHOWN = re.compile(r'id="answer-before" name="before"\s+value="([A-H]*)"')
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def found(pattern: re.Pattern[str] | str, text: str) -> re.Match[str]:
    """The match of what the bench relies on finding in a page or a tool's output."""
    match = re.search(pattern, text)
    if match is None:
        raise ValueError(f"no {pattern if isinstance(pattern, str) else pattern.pattern!r} in {text[:200]!r}")
    return match


@dataclass
class Tally:
    acknowledged: dict[str, int] = field(default_factory=dict)
    server_errors: int = 0
    other_errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)


async def sit(client: httpx.AsyncClient, exam: str, questions: int, tally: Tally, moves: str = "views") -> None:
    async def call(method, path, **kwargs):
        started = time.perf_counter()
        response = await client.request(method, path, **kwargs)
        tally.latencies.append(time.perf_counter() - started)
        if response.status_code >= 500:
            tally.server_errors += 1
        return response

    page = await call("GET", "/")
    client.headers["X-CSRF-Token"] = found(TOKEN, page.text).group(1)
    started = await call("POST", f"/exams/{exam}/attempts")
    match = ATTEMPT.search(started.headers.get("location", ""))
    if not match:
        tally.other_errors.append(f"start: {started.status_code} {started.text[:200]}")
        return
    attempt = match.group(1)
    tally.acknowledged[attempt] = 0
    hx = {"HX-Request": "true"}
    shown = None
    for position in range(1, questions + 1):
        if moves == "views" or shown is None:
            shown = await call("GET", f"/attempts/{attempt}/questions/{position}", headers=hx)
        before = SHOWN.search(shown.text)
        if shown.status_code != 200 or before is None:
            tally.other_errors.append(f"view {position}: {shown.status_code}")
            shown = None
            continue
        # As the page's autosave: the answer, naming the one the page shows as stored; every other
        # question is changed once more, naming the answer the first save stored.
        acknowledged = False
        for letter in "AB" if position % 2 else "A":
            saved = await call(
                "POST",
                f"/attempts/{attempt}/questions/{position}/answer",
                data={"choice": [letter], "before": before.group(1)},
                headers=hx,
            )
            acknowledged = saved.status_code == 200 and "Saved at" in saved.text
            if not acknowledged:
                if saved.status_code < 500:
                    tally.other_errors.append(f"save {position}: {saved.status_code}")
                break
            before = found(SHOWN, saved.text)
        tally.acknowledged[attempt] += acknowledged
        if moves == "next" and position < questions and acknowledged:
            # The button carries the answer the autosave stored, and names it as the one the page shows.
            shown = await call(
                "POST",
                f"/attempts/{attempt}/questions/{position}",
                headers=hx,
                data={"choice": [letter], "before": before.group(1), "carries_selection": "true", "action": "next"},
            )
        else:
            shown = None
    await call("GET", f"/attempts/{attempt}/review")
    ended = await call("POST", f"/attempts/{attempt}/end")
    if ended.status_code != 303:
        tally.other_errors.append(f"end: {ended.status_code}")


def stored_answers(database_url: str, attempt_ids: list[str]) -> int:
    from sqlmodel import Session, col, func, select

    from app.db.engine import make_engine
    from app.db.tables import AttemptItem

    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return session.exec(
                select(func.count())
                .select_from(AttemptItem)
                .where(col(AttemptItem.attempt_id).in_(attempt_ids), AttemptItem.selection != "")
            ).one()
    finally:
        engine.dispose()


def require_loopback(url: str) -> None:
    if urlparse(url).hostname not in LOOPBACK:
        raise SystemExit(f"refusing to load {url}: this script only targets loopback addresses")


async def run(url: str, exam: str, candidates: int, questions: int, timeout: float, moves: str = "views") -> Tally:
    require_loopback(url)
    tally = Tally()
    limits = httpx.Limits(max_connections=candidates)
    clients = [httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) for _ in range(candidates)]
    try:
        await asyncio.wait_for(
            asyncio.gather(*(sit(c, exam, questions, tally, moves) for c in clients)), timeout=timeout * (questions + 5)
        )
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--exam", default="MLS-C01")
    parser.add_argument("--candidates", type=int, default=10)
    parser.add_argument("--questions", type=int, default=65)
    parser.add_argument("--database-url", required=True, help="the server's database, to count stored answers")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument(
        "--moves",
        choices=["views", "next"],
        default="views",
        help="move by viewing each question (the default) or by the exam form's Next",
    )
    args = parser.parse_args(argv)
    require_loopback(args.url)
    started = time.perf_counter()
    tally = asyncio.run(run(args.url, args.exam, args.candidates, args.questions, args.timeout, args.moves))
    elapsed = time.perf_counter() - started
    acknowledged = sum(tally.acknowledged.values())
    stored = stored_answers(args.database_url, list(tally.acknowledged))
    latencies = sorted(tally.latencies)
    p50 = statistics.median(latencies) * 1000 if latencies else 0
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0
    print(
        f"candidates {args.candidates}, questions {args.questions}, requests {len(latencies)} in {elapsed:.1f} s "
        f"({len(latencies) / elapsed:.0f}/s), p50 {p50:.1f} ms, p99 {p99:.1f} ms"
    )
    print(
        f"acknowledged answers {acknowledged}, stored answers {stored}, server errors {tally.server_errors}, "
        f"other refusals {len(tally.other_errors)}"
    )
    ok = (
        acknowledged == stored == args.candidates * args.questions
        and tally.server_errors == 0
        and not tally.other_errors
    )
    print("OK" if ok else "FAILED: " + "; ".join(tally.other_errors[:5]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

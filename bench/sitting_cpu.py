"""Server CPU time for one whole sitting, read from the server process itself (/proc: the scheduler's
nanosecond count of each thread's time on a CPU).

    python -m bench.sitting_cpu --url http://127.0.0.1:8000 --pid <server pid> [--sittings 5]

One sitting: start, 65 question views, 65 saves, 10 flags, the review screen, end, the report and the
four domain review pages, sent one after another as a browser would. The server should run one worker
(WEB_CONCURRENCY=1), so that its pid is the whole server. Prints the CPU seconds each sitting cost.

With `--moves next` the candidate moves as the page's buttons move them: one question view, then after
each autosave the exam form's Next, carrying the answer the autosave stored (64 Nexts instead of 64 views).
"""

from __future__ import annotations

import argparse
import statistics
import sys

import httpx

from bench.load import ATTEMPT, TOKEN, found, require_loopback
from bench.proc import cpu_seconds


class Meter:
    """Server CPU by kind of request, read before and after each one."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        self.by_kind: dict[str, list[float]] = {}

    def __call__(self, kind: str, send, *args, **kwargs):
        before = cpu_seconds(self.pid) if self.pid else 0.0
        response = send(*args, **kwargs)
        if self.pid:
            self.by_kind.setdefault(kind, []).append(cpu_seconds(self.pid) - before)
        if response.status_code >= 400:  # a refused request costs less: the figure would flatter the server
            raise SystemExit(
                f"{kind}: {response.request.method} {response.request.url.path} answered {response.status_code}"
            )
        return response


def sit(
    url: str,
    exam: str,
    meter: Meter | None = None,
    moves: str = "views",
    questions: int = 65,
    domains: tuple[str, ...] = ("D1", "D2", "D3", "D4"),
) -> None:
    meter = meter or Meter(None)
    with httpx.Client(base_url=url, timeout=30) as client:
        client.headers["X-CSRF-Token"] = found(TOKEN, client.get("/").text).group(1)
        started = meter("start", client.post, f"/exams/{exam}/attempts")
        attempt = found(ATTEMPT, started.headers["location"]).group(1)
        hx = {"HX-Request": "true"}
        for position in range(1, questions + 1):
            if moves == "views" or position == 1:
                meter("question view", client.get, f"/attempts/{attempt}/questions/{position}", headers=hx)
            else:
                meter(
                    "next",
                    client.post,
                    f"/attempts/{attempt}/questions/{position - 1}",
                    headers=hx,
                    data={"action": "next", "carries_selection": "true", "choice": ["A"], "before": "A"},
                )
            meter(
                "answer save",
                client.post,
                f"/attempts/{attempt}/questions/{position}/answer",
                data={"choice": ["A"], "before": ""},
                headers=hx,
            )
            if position % 6 == 0:  # ten flags in 65 questions
                meter(
                    "flag",
                    client.post,
                    f"/attempts/{attempt}/questions/{position}",
                    headers=hx,
                    data={"action": "flag", "carries_selection": "true", "choice": ["A"]},
                )
        meter("review screen", client.get, f"/attempts/{attempt}/review")
        meter("end", client.post, f"/attempts/{attempt}/end")
        meter("report", client.get, f"/attempts/{attempt}/report")
        for domain in domains:
            meter("domain review", client.get, f"/attempts/{attempt}/domains/{domain}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--exam", default="MLS-C01")
    parser.add_argument("--sittings", type=int, default=5)
    parser.add_argument("--breakdown", action="store_true", help="also print the CPU by kind of request")
    parser.add_argument(
        "--moves",
        choices=["views", "next"],
        default="views",
        help="move by viewing each question (the default) or by the exam form's Next",
    )
    args = parser.parse_args(argv)
    require_loopback(args.url)
    sit(args.url, args.exam, moves=args.moves)  # warm-up: imports, caches, connection pool
    costs = []
    meter = Meter(args.pid if args.breakdown else None)
    for _ in range(args.sittings):
        before = cpu_seconds(args.pid)
        sit(args.url, args.exam, meter, args.moves)
        costs.append(cpu_seconds(args.pid) - before)
    for kind, seconds in meter.by_kind.items():
        print(
            f"  {kind:<14} {len(seconds) // args.sittings:>3} per sitting, "
            f"{1000 * sum(seconds) / len(seconds):6.2f} ms each, {sum(seconds) / args.sittings:.3f} s per sitting"
        )
    print(
        f"server CPU per sitting over {args.sittings} sittings: median {statistics.median(costs):.2f} s, "
        f"min {min(costs):.2f} s, max {max(costs):.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

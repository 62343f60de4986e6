"""Answer-save throughput and latency under 50 concurrent connections, measured with wrk (C, loopback only).

    python -m bench.answer_save --url http://127.0.0.1:8000 --exam MLS-C01 --candidates 50 --seconds 20

Makes N candidates with an exam each (over HTTP, as a browser would), writes a wrk Lua script that cycles
through their answer-save requests (each with its own cookie and CSRF token, answers changing every time),
and runs wrk with one connection per candidate. Prints wrk's throughput and latency percentiles.
"""

from __future__ import annotations

import argparse
import re
import statistics
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from bench.load import ATTEMPT, TOKEN, require_loopback

LUA = """
local requests = {}
local n = 0
%s
request = function()
  n = n + 1
  local r = requests[(n %% #requests) + 1]
  local letter = string.sub("ABCD", (n %% 4) + 1, (n %% 4) + 1)
  return wrk.format("POST", r.path, r.headers, "choice=" .. letter)
end
"""


def prepare(url: str, exam: str, candidates: int, questions: int) -> str:
    entries = []
    for i in range(candidates):
        with httpx.Client(base_url=url, timeout=30) as client:
            token = TOKEN.search(client.get("/").text).group(1)
            client.headers["X-CSRF-Token"] = token
            attempt = ATTEMPT.search(client.post(f"/exams/{exam}/attempts").headers["location"]).group(1)
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        for position in range(1, questions + 1):
            entries.append(
                f'requests[#requests + 1] = {{path = "/attempts/{attempt}/questions/{position}/answer", headers = {{'
                f'["Cookie"] = "{cookie}", ["X-CSRF-Token"] = "{token}", ["HX-Request"] = "true", '
                f'["Content-Type"] = "application/x-www-form-urlencoded"}}}}')
    return LUA % "\n".join(entries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--exam", default="MLS-C01")
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--questions", type=int, default=65)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs to make; single runs on a shared machine vary by ±30%%, so compare medians")
    args = parser.parse_args(argv)
    require_loopback(args.url)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    script = Path(tempfile.mkdtemp()) / "save.lua"
    script.write_text(prepare(args.url, args.exam, args.candidates, args.questions))
    # A discarded warm-up: statement caches and prepared statements fill during the first seconds, and
    # measured runs before that read slower (145 -> 218 requests/s over three back-to-back runs).
    subprocess.run(["wrk", "-t", str(args.threads), "-c", str(args.candidates), "-d", "10s", "-s", str(script),
                    args.url], capture_output=True, timeout=70)
    rates, p99s = [], []
    for run in range(1, args.repeat + 1):
        result = subprocess.run(["wrk", "-t", str(args.threads), "-c", str(args.candidates), "-d",
                                 f"{args.seconds}s", "--latency", "-s", str(script), args.url],
                                capture_output=True, text=True, timeout=args.seconds + 60)
        if result.returncode:
            print(result.stdout, result.stderr)
            return result.returncode
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
        p99 = _milliseconds(re.search(r"99%\s+([\d.]+\w+)", result.stdout).group(1))
        rates.append(rate)
        p99s.append(p99)
        print(f"run {run}: {rate:.0f} requests/s, p99 {p99:.0f} ms")
    print(f"median of {args.repeat}: {statistics.median(rates):.0f} requests/s, p99 {statistics.median(p99s):.0f} ms "
          f"(range {min(rates):.0f}-{max(rates):.0f} requests/s)")
    return 0


def _milliseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


if __name__ == "__main__":
    sys.exit(main())

"""CPU time of processes, read from /proc: what a server and its database spent, whatever the clock says."""

from __future__ import annotations

import contextlib
import os


def _read(path: str) -> str:
    with open(path) as file:
        return file.read()


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far: the scheduler's nanosecond count summed over its threads where the
    kernel keeps one (/proc/PID/task/*/schedstat), else user + system time in clock ticks (10 ms)."""
    try:
        return (
            sum(int(_read(f"/proc/{pid}/task/{task}/schedstat").split()[0]) for task in os.listdir(f"/proc/{pid}/task"))
            / 1e9
        )
    except (FileNotFoundError, ProcessLookupError):  # no schedstat here, or a thread ended while read
        fields = _read(f"/proc/{pid}/stat").rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[str, int]]:
    """Every process now: its command name and its parent."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = _read(f"/proc/{entry}/stat")
            except OSError:  # it ended while listed
                continue
            name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
            found[int(entry)] = (name, int(rest.split()[1]))
    return found


def tree(pid: int) -> list[int]:
    """The process and every descendant: a uvicorn supervisor and its workers."""
    children: dict[int, list[int]] = {}
    for child, (_, parent) in _processes().items():
        children.setdefault(parent, []).append(child)
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        waiting.extend(children.get(current, []))
    return found


def named(name: str) -> list[int]:
    """The processes of this command name (`postgres`: the server, its backends and background workers)."""
    return [pid for pid, (command, _) in _processes().items() if command == name or command.startswith(name + ":")]


def total_cpu_seconds(pids: list[int]) -> float:
    """CPU time of these processes so far; one that has ended since the list was made counts nothing."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            total += cpu_seconds(pid)
    return total

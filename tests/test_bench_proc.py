"""The benchmarks' CPU readings from /proc: a server's whole process tree, processes by name."""

import subprocess
import sys
import time

import pytest

from bench.proc import named, total_cpu_seconds, tree

BUSY_CHILD = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'while True: pass'])"


@pytest.fixture
def supervisor():
    """A process whose child spins, as uvicorn's supervisor waits while its workers serve."""
    parent = subprocess.Popen([sys.executable, "-c", BUSY_CHILD])
    try:
        yield parent
    finally:
        for pid in tree(parent.pid)[1:]:
            subprocess.run(["kill", str(pid)], check=False)
        parent.kill()
        parent.wait()


def _workers(pid: int) -> list[int]:
    for _ in range(100):
        found = tree(pid)
        if len(found) > 1:
            return found
        time.sleep(0.05)
    raise AssertionError("the child never started")


def test_a_servers_tree_holds_its_workers_and_counts_their_cpu(supervisor):
    server = _workers(supervisor.pid)
    assert server[0] == supervisor.pid
    before = total_cpu_seconds(server)
    time.sleep(0.5)
    assert total_cpu_seconds(server) - before > 0.2  # the spinning child, not the waiting parent


def test_processes_are_found_by_their_command_name():
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        assert sleeper.pid in named("sleep")
        assert sleeper.pid not in named("sleepy")
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_process_that_ended_counts_nothing():
    ended = subprocess.Popen(["true"])
    ended.wait()
    assert total_cpu_seconds([ended.pid]) == 0.0

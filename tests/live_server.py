"""A live mockexam server in its own process, for browser and robustness tests."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    data_dir: Path
    env: dict = field(default_factory=dict)
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        env.update(
            {
                "MOCKEXAM_DATA_DIR": str(self.data_dir),
                "MOCKEXAM_SECRET_KEY": "browser-tests",
                "LOG_LEVEL": "info",
                **self.env,
            }
        )
        with open(self.data_dir / "server.log", "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(self.port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {(self.data_dir / 'server.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not become healthy within 60 s")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, as when a machine loses power."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def browser_like_client(server: LiveServer) -> httpx.Client:
    """An HTTP client that, like a browser, has loaded a page and sends its CSRF token."""
    client = httpx.Client(base_url=server.url, timeout=30)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)
    client.headers["X-CSRF-Token"] = token
    return client


@pytest.fixture(scope="module")
def shipped_server(tmp_path_factory):
    """The app on SQLite with the shipped question bank, in two worker processes: requests of one sitting
    land on either, which holds only if no process keeps state of its own (DESIGN rule 7)."""
    server = LiveServer(tmp_path_factory.mktemp("live"), env={"WEB_CONCURRENCY": "2"}).start()
    deadline = time.monotonic() + 120  # a loaded two-core machine can be slow to spawn the second worker
    while (server.data_dir / "server.log").read_text().count("Started server process") < 2:
        assert time.monotonic() < deadline, "the second worker did not start"
        time.sleep(0.2)
    yield server
    server.stop()


@pytest.fixture
def server_factory(tmp_path):
    started = []

    def make(**env) -> LiveServer:
        data_dir = tmp_path / f"server{len(started)}"
        data_dir.mkdir()
        server = LiveServer(data_dir, env={k.upper(): str(v) for k, v in env.items()})
        started.append(server)
        return server.start()

    yield make
    for server in started:
        server.stop()
    shutil.rmtree(tmp_path, ignore_errors=True)

"""What docker compose promises, checked without a Docker engine: the files are parsed, and the image's
start and health-check commands run here against the local PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from app.config import ROOT, Settings
from tests.conftest import TEST_BANK, create_pg_database, drop_pg_database
from tests.live_server import LiveServer, browser_like_client


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip())
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def runtime_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (op, _) in enumerate(instructions) if op == "FROM")
    return instructions[last_from:]


def runtime_env() -> dict[str, str]:
    env = {}
    for op, args in runtime_stage():
        if op == "ENV":
            env.update(dict(pair.split("=", 1) for pair in shlex.split(args)))
    return env


def test_dockerfile_is_multi_stage_on_a_slim_base_with_locked_dependencies():
    instructions = dockerfile_instructions()
    bases = [args for op, args in instructions if op == "FROM"]
    assert len(bases) >= 2 and all("slim" in base for base in bases)
    assert any(op == "RUN" and "-r /tmp/requirements.lock" in args for op, args in instructions)
    assert (ROOT / "requirements.lock").read_text().count("==") >= 10


def test_the_lock_pins_every_runtime_dependency():
    """The image installs only the lock, so a dependency missing from it breaks the image at start."""
    import tomllib

    from packaging.requirements import Requirement

    def name(text: str) -> str:
        return re.sub(r"[-_.]+", "-", text).lower()

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pinned = {
        name(line.split("==")[0])
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    wanted = {
        name(Requirement(d).name)
        for d in declared
        if Requirement(d).marker is None
        or Requirement(d).marker.evaluate({"sys_platform": "linux", "platform_python_implementation": "CPython"})
    }
    assert wanted - pinned == set()


def test_the_image_runs_as_an_unprivileged_user():
    users = [args for op, args in runtime_stage() if op == "USER"]
    assert users and users[-1] not in ("root", "0")


def test_the_image_checks_its_health_on_healthz():
    [check] = [args for op, args in runtime_stage() if op == "HEALTHCHECK"]
    assert "/healthz" in check


def test_the_image_starts_with_mockexam_serve_in_production_mode():
    [cmd] = [json.loads(args) for op, args in runtime_stage() if op == "CMD"]
    assert cmd[:2] == ["mockexam", "serve"]
    env = runtime_env()
    assert env["MOCKEXAM_ENVIRONMENT"] == "production" and int(env["WEB_CONCURRENCY"]) >= 2


def test_compose_runs_the_app_on_postgresql_that_is_healthy_first():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    db, app = compose["services"]["db"], compose["services"]["app"]
    assert re.fullmatch(r"postgres:1[5-9]", db["image"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert any(volume.startswith("db-data:") for volume in db["volumes"]) and "db-data" in compose["volumes"]


def test_compose_has_no_default_secrets():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "${POSTGRES_PASSWORD:?" in text
    assert not re.search(r"PASSWORD:\s*['\"]?\w+['\"]?\s*$", text, re.MULTILINE)
    example = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert example["POSTGRES_PASSWORD"] == "" and example["MOCKEXAM_SECRET_KEY"] == ""


def test_env_example_documents_every_setting():
    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    internal = {"data_dir", "bank_dir", "database_url"}  # set by the image and compose themselves
    for name in Settings.model_fields:
        if name not in internal:
            assert f"MOCKEXAM_{name.upper()}" in documented, name


def test_the_image_start_and_health_commands_work_against_postgresql(pg_server, tmp_path):
    name, url = create_pg_database(pg_server)
    env = {
        **runtime_env(),
        "MOCKEXAM_DATA_DIR": str(tmp_path),
        "MOCKEXAM_SECRET_KEY": "s" * 48,
        # Local PostgreSQL trusts loopback; production mode insists that the URL carries a password.
        "DATABASE_URL": url.replace("postgres@", "postgres:unused@"),
    }
    server = LiveServer(tmp_path, env=env)
    try:
        server.start()
        [check] = [args for op, args in runtime_stage() if op == "HEALTHCHECK"]
        command = json.loads(check[check.index("CMD") + 3 :].strip())
        assert command[0] == "python"
        result = subprocess.run(
            [sys.executable, *command[1:]], env={**os.environ, "PORT": str(server.port)}, timeout=30
        )
        assert result.returncode == 0
        client = browser_like_client(server)
        assert "MLS-C01" in client.get("/").text
        assert client.post("/exams/MLS-C01/attempts").status_code == 303
        client.close()
    finally:
        server.stop()
        drop_pg_database(pg_server, name)


def test_compose_publishes_only_the_buffering_proxy_in_front_of_the_app():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    app, proxy = compose["services"]["app"], compose["services"]["proxy"]
    assert "ports" not in app and "ports" not in compose["services"]["db"]
    assert proxy["ports"] == ["${MOCKEXAM_PORT:-8000}:8080"] and re.fullmatch(r"nginx:1\.2[4-9]-alpine", proxy["image"])
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
    assert app["environment"]["MOCKEXAM_FORWARDED_ALLOW_IPS"] == "*"
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_pass http://app:8000;" in config and "listen 8080;" in config


def test_the_proxy_config_buffers_slow_clients_in_front_of_a_live_app(server_factory, tmp_path):
    """deploy/nginx.conf, run by Debian's nginx outside a container in front of a live app whose worker
    admits two requests at once: five connections that send a body slowly leave the app free, and the app
    sees the client's address and a request id from the proxy."""
    import shutil
    import socket
    import time

    from tests.live_server import _free_port

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed; CI installs it (apt-get install nginx-light)")
        pytest.skip("nginx is not installed")
    app = server_factory(
        mockexam_bank_dir=TEST_BANK, database_url=f"sqlite:///{tmp_path / 'live.db'}", mockexam_database_pool_size=2
    )
    port = _free_port()
    site = (
        (ROOT / "deploy" / "nginx.conf")
        .read_text()
        .replace("http://app:8000", f"http://127.0.0.1:{app.port}")
        .replace("listen 8080;", f"listen 127.0.0.1:{port};")
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; worker_processes 1;\n"
        "events { worker_connections 64; }\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;\n"
        f"include {tmp_path}/site.conf; }}\n"
    )
    proxy = subprocess.Popen([nginx, "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")])
    slow = []
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        for _ in range(5):
            connection = socket.create_connection(("127.0.0.1", port), timeout=30)
            connection.sendall(
                b"POST /signin HTTP/1.1\r\nHost: mockexam\r\nContent-Length: 1000\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n\r\nemail="
            )
            slow.append(connection)
        through = f"http://127.0.0.1:{port}"
        assert httpx.get(through + "/healthz", timeout=5).status_code == 200
        page = httpx.get(through + "/", timeout=5)
        assert page.status_code == 200
        assert len(page.headers["x-request-id"]) == 32  # nginx's $request_id, passed to the app
    finally:
        for connection in slow:
            connection.close()
        proxy.terminate()
        proxy.wait(10)


def test_the_test_lock_pins_every_runtime_dependency_at_the_images_version():
    """`make test` tests the versions the Docker image runs: requirements-test.lock (hashed, for `make`)
    and requirements.lock (for the image) agree on every runtime pin."""
    import re

    def pins(name: str) -> dict[str, str]:
        text = (ROOT / name).read_text()
        return {
            m.group(1).lower().replace("_", "-"): m.group(2)
            for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", text, re.MULTILINE)
        }

    runtime, tested = pins("requirements.lock"), pins("requirements-test.lock")
    assert {name: (version, tested.get(name)) for name, version in runtime.items() if tested.get(name) != version} == {}
    assert "--hash=sha256:" in (ROOT / "requirements-test.lock").read_text()

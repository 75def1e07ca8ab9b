"""The production profile's ingress: `csagent up` with `ray.haproxy_ingress`, HAProxy in front of the ingress
replicas instead of Serve's Python proxy, and a REST chat turn through it.

Ray reads RAY_SERVE_ENABLE_HA_PROXY when it is imported, so the cluster runs in its own `csagent up` process (as
`make run` would), in a new process group with its own port and Ray temp dir; stopping it touches nothing else.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.factories import SOQL_QUESTION, free_port

pytestmark = [pytest.mark.serve, pytest.mark.slow]


@pytest.fixture
def haproxy_app(tmp_path: Path, prepared: None) -> Iterator[tuple[str, int]]:
    """`csagent up` with the HAProxy ingress; yields its base URL and the process id."""
    assert shutil.which("haproxy"), "the HAProxy ingress needs `haproxy` (make test installs Debian's)"
    port = free_port()
    files = tempfile.mkdtemp(prefix="csh-", dir="/tmp")
    env = {
        **os.environ,
        "RAY_AUTH_MODE": "disabled",
        "RAY_USAGE_STATS_ENABLED": "0",
        "CSAGENT_HTTP_PORT": str(port),
        "CSAGENT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'haproxy.db'}",
        "CSAGENT_RAY__HAPROXY_INGRESS": "true",
        "CSAGENT_RAY__INCLUDE_DASHBOARD": "false",
        "CSAGENT_RAY__NUM_CPUS": "2",
        # Ray's HAProxy keeps its files in /tmp/haproxy-serve and its stats and metrics on fixed ports: this
        # cluster gets its own, so it starts beside another HAProxy-ingress cluster (a benchmark, a second run).
        # A short folder: HAProxy refuses an admin socket path over 97 characters, and Ray adds 56 of its own.
        "RAY_SERVE_HAPROXY_CONFIG_FILE_LOC": f"{files}/haproxy.cfg",
        "RAY_SERVE_HAPROXY_SOCKET_PATH": f"{files}/admin.sock",
        "RAY_SERVE_HAPROXY_SERVER_STATE_BASE": files,
        "RAY_SERVE_HAPROXY_SERVER_STATE_FILE": f"{files}/server-state",
        "RAY_SERVE_HAPROXY_STATS_PORT": str(free_port()),
        "RAY_SERVE_HAPROXY_METRICS_PORT": str(free_port()),
    }
    with (tmp_path / "up.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "serve.cli", "up"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            assert process.poll() is None, (tmp_path / "up.log").read_text()[-4000:]
            assert time.monotonic() < deadline, (tmp_path / "up.log").read_text()[-4000:]
            try:
                if httpx.get(f"{base}/api/ready", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        yield base, process.pid
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
        shutil.rmtree(files, ignore_errors=True)


def _listener(port: int) -> psutil.Process:
    """The process listening on `port`."""
    for connection in psutil.net_connections(kind="tcp"):
        if connection.status == psutil.CONN_LISTEN and connection.laddr and connection.laddr.port == port:
            assert connection.pid is not None
            return psutil.Process(connection.pid)
    raise AssertionError(f"nothing listens on port {port}")


def test_a_rest_chat_turn_goes_through_haproxy_to_the_ingress(haproxy_app: tuple[str, int]) -> None:
    base, root = haproxy_app
    port = int(base.rsplit(":", 1)[1])
    listener = _listener(port)
    # HAProxy, started by the cluster csagent up runs, holds the public port (not Serve's Python proxy).
    assert listener.name() == "haproxy"
    assert root in {p.pid for p in listener.parents()}
    with httpx.Client(base_url=base, timeout=120) as http:
        session = http.post("/api/v1/auth/guest", json={}).json()
        headers = {"Authorization": f"Bearer {session['access_token']}"}
        chat = http.post("/api/v1/conversations", json={}, headers=headers).json()
        cid = str(uuid.uuid4())
        response = http.post(
            f"/api/v1/conversations/{chat['id']}/messages",
            json={"client_message_id": cid, "content": SOQL_QUESTION},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        assert response.headers["x-request-id"]  # our middleware answered, through HAProxy
        exchange = response.json()
        assert exchange["message"]["client_message_id"] == cid
        assert exchange["reply"]["status"] == "complete"
        assert exchange["reply"]["role"] == "assistant"
        assert exchange["reply"]["content"].strip()
        # The same turn resent is answered from storage, not run twice.
        again = http.post(
            f"/api/v1/conversations/{chat['id']}/messages",
            json={"client_message_id": cid, "content": SOQL_QUESTION},
            headers=headers,
        ).json()
        assert again["reply"]["id"] == exchange["reply"]["id"]

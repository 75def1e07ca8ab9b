"""A Ray head of our own for the `serve deploy` tests, and the HTTP wait they share.

The head runs with `--block` in its own temp dir and ports, so stopping it (SIGTERM to that process; Ray's reaper
takes its children down) never touches another Ray cluster on the machine (`ray stop` would).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest

from tests.factories import free_port

BIN = Path(sys.executable).parent


class Head(NamedTuple):
    """The environment to run Ray's CLIs with (token auth off) and the head's dashboard address."""

    env: dict[str, str]
    dashboard: str


def wait_http(url: str, timeout_s: float, ok: int = 200) -> httpx.Response:
    """Poll `url` until it answers `ok`; fail with the last answer after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    last: object = None
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url, timeout=5)
            if response.status_code == ok:
                return response
            last = response.text
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(1)
    raise AssertionError(f"{url} not {ok} after {timeout_s} s: {last}")


@pytest.fixture
def head(tmp_path: Path) -> Iterator[Head]:
    """A `ray start --head --block` of our own; shut down with every Serve app on it when the test ends."""
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}
    dashboard = f"http://127.0.0.1:{free_port()}"
    temp_dir = Path("/tmp") / f"csagent-deploy-{uuid.uuid4().hex[:6]}"
    command = [
        str(BIN / "ray"),
        "start",
        "--head",
        "--block",
        "--num-cpus=2",
        f"--port={free_port()}",
        f"--temp-dir={temp_dir}",
        "--include-dashboard=true",
        "--dashboard-host=127.0.0.1",
        f"--dashboard-port={dashboard.rsplit(':', 1)[1]}",
        f"--dashboard-agent-listen-port={free_port()}",
        f"--ray-client-server-port={free_port()}",
        "--disable-usage-stats",
    ]
    log = (tmp_path / "ray-start.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(f"{dashboard}/api/version", 90)
        yield Head(env, dashboard)
    finally:
        subprocess.run(
            [str(BIN / "serve"), "shutdown", "-y", "-a", dashboard], env=env, capture_output=True, timeout=60
        )
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()

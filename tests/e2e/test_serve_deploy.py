"""`serve deploy config/serve.yaml` against `ray start --head`: the README's cluster deployment, done once in CI.

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

import httpx
import pytest
import yaml

from models.config import PROJECT_ROOT
from tests.factories import free_port

pytestmark = [pytest.mark.serve, pytest.mark.slow]

BIN = Path(sys.executable).parent


def _wait(url: str, timeout_s: float, ok: int = 200) -> httpx.Response:
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
def head(tmp_path: Path) -> Iterator[tuple[dict[str, str], str]]:
    """A `ray start --head --block` of our own; yields the environment and the dashboard address."""
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
        _wait(f"{dashboard}/api/version", 90)
        yield env, dashboard
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


def test_serve_deploy_of_the_shipped_config(
    head: tuple[dict[str, str], str], tmp_path: Path, prepared: None
) -> None:
    env, dashboard = head
    config = yaml.safe_load((PROJECT_ROOT / "config" / "serve.yaml").read_text())
    port = free_port()
    config["http_options"]["port"] = port
    # Only the database moves to a throw-away file; everything else is the shipped config.
    config["applications"][0]["args"] = {
        "settings": {"database_url": f"sqlite+aiosqlite:///{tmp_path / 'deploy.db'}", "env": "test"}
    }
    deploy_file = tmp_path / "serve.yaml"
    deploy_file.write_text(yaml.safe_dump(config))

    deployed = subprocess.run(
        [str(BIN / "serve"), "deploy", str(deploy_file), "-a", dashboard],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT_ROOT,
    )
    assert deployed.returncode == 0, deployed.stderr

    checks = _wait(f"http://127.0.0.1:{port}/api/ready", 240).json()["checks"]
    names = [deployment["name"] for deployment in config["applications"][0]["deployments"]]
    assert {f"serve:{name}" for name in names} <= set(checks)
    assert set(checks.values()) == {"ok"}

    status = subprocess.run(
        [str(BIN / "serve"), "status", "-a", dashboard], env=env, capture_output=True, text=True, timeout=60
    )
    assert yaml.safe_load(status.stdout)["applications"]["csagent"]["status"] == "RUNNING"

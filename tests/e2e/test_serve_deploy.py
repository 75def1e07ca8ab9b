"""`serve deploy config/serve.yaml` against `ray start --head`: the README's cluster deployment, done once in CI.

The head is the `head` fixture of tests/e2e/conftest.py (its own temp dir and ports; stopping it touches no other
Ray cluster on the machine).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from models.config import PROJECT_ROOT
from tests.e2e.conftest import BIN, Head, wait_http
from tests.factories import free_port

pytestmark = [pytest.mark.serve, pytest.mark.slow]


def test_serve_deploy_of_the_shipped_config(head: Head, tmp_path: Path, prepared: None) -> None:
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

    checks = wait_http(f"http://127.0.0.1:{port}/api/ready", 240).json()["checks"]
    names = [deployment["name"] for deployment in config["applications"][0]["deployments"]]
    assert {f"serve:{name}" for name in names} <= set(checks)
    assert set(checks.values()) == {"ok"}

    status = subprocess.run(
        [str(BIN / "serve"), "status", "-a", dashboard], env=env, capture_output=True, text=True, timeout=60
    )
    assert yaml.safe_load(status.stdout)["applications"]["csagent"]["status"] == "RUNNING"

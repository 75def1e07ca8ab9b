"""`csagent up`: a local Ray cluster (or a join) and the Serve application, until Ctrl-C.

Reads the same config/serve.yaml as `serve deploy`, so both start the same deployments with the same options.
Ray's auth mode is settled before Ray is imported (serve/exposure.py decides): the cluster's processes read it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from models.config import PROJECT_ROOT, resolve_path
from serve.cli_output import say
from serve.exposure import AUTH_OFF, ray_auth_mode

if TYPE_CHECKING:
    from serve.settings import Settings

SERVE_CONFIG = PROJECT_ROOT / "config" / "serve.yaml"


def _serve_config(path: Path = SERVE_CONFIG) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(app args, per-deployment options) from config/serve.yaml, so `csagent up` matches `serve deploy`."""
    config = yaml.safe_load(path.read_text())
    app = config["applications"][0]
    deployments = {d["name"]: {k: v for k, v in d.items() if k != "name"} for d in app.get("deployments", [])}
    return dict(app.get("args") or {}), deployments


def _free_port(host: str, preferred: int) -> int:
    with socket.socket() as probe:
        if probe.connect_ex((host, preferred)) != 0:
            return preferred
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _enable_haproxy_ingress() -> None:
    """Ray reads these when it is imported, in this process and in every worker the local cluster starts."""
    if shutil.which("haproxy") is None:
        raise SystemExit(
            "ray.haproxy_ingress is on but no `haproxy` binary is on PATH (Debian: apt-get install haproxy)"
        )
    os.environ["RAY_SERVE_ENABLE_HA_PROXY"] = "1"
    os.environ["RAY_SERVE_THROUGHPUT_OPTIMIZED"] = "1"


def _ray_auth_mode(settings: Settings) -> str:
    """RAY_AUTH_MODE for this start (serve/exposure.py decides): token auth unless nothing is reachable."""
    listeners = {"http_host": settings.http_host}
    if settings.ray.include_dashboard:
        listeners["ray.dashboard_host"] = settings.ray.dashboard_host
    # Ray's own variable, read here because Ray reads it too: an operator's explicit choice is kept or refused.
    requested = os.environ.get("RAY_AUTH_MODE") or None
    return ray_auth_mode(listeners, requested=requested)


def cmd_up(args: argparse.Namespace, *, prepare: Callable[[argparse.Namespace], int]) -> int:
    """Start a local Ray cluster and the Serve application; block until Ctrl-C, then stop cleanly.

    `prepare` (index, classifier, schema) runs once the auth decision stands, before Ray starts.
    """
    from serve.settings import get_settings

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    started = time.monotonic()
    settings = get_settings()
    # Before Ray is imported or started: this process and every worker of a local cluster read it.
    os.environ["RAY_AUTH_MODE"] = auth_mode = _ray_auth_mode(settings)
    if auth_mode == AUTH_OFF:
        say(
            "warning: Ray token auth is off (RAY_AUTH_MODE=disabled): Ray's GCS and raylets listen on every "
            "interface, so use this only on a machine nobody else can reach"
        )
    prepare(args)
    if settings.ray.haproxy_ingress and not settings.ray.address:
        _enable_haproxy_ingress()
    import ray
    from ray import serve

    from serve.builder import build_app

    host, port = settings.http_host, settings.http_port
    dashboard_port = _free_port(settings.ray.dashboard_host, settings.ray.dashboard_port)
    temp_dir = Path("/tmp") / f"csagent-ray-{port}"
    ray.init(
        address=settings.ray.address or "local",
        num_cpus=settings.ray.num_cpus,
        include_dashboard=settings.ray.include_dashboard,
        dashboard_host=settings.ray.dashboard_host,
        dashboard_port=dashboard_port,
        _temp_dir=str(temp_dir) if not settings.ray.address else None,
        log_to_driver=args.verbose,
    )
    app_args, deployments = _serve_config(resolve_path(Path(args.serve_config)))
    app_args = {**app_args, "deployments": {**app_args.get("deployments", {}), **deployments}}
    serve.start(http_options={"host": host, "port": port})
    serve.run(build_app(app_args), name="csagent", route_prefix="/", blocking=False)
    cold = time.monotonic() - started
    base = f"http://{host}:{port}"
    say(f"csagent is up in {cold:.1f} s")
    say(f"  chat UI        {base}/")
    if settings.api_docs_enabled:
        say(f"  API docs       {base}/api/docs")
    say(f"  WebSocket      ws://{host}:{port}/api/v1/ws")
    say(f"  metrics        {base}/metrics" + (" (bearer token)" if settings.ops.metrics_token else ""))
    if settings.ray.include_dashboard:
        say(f"  Ray dashboard  http://{settings.ray.dashboard_host}:{dashboard_port}")
    note = "" if auth_mode == AUTH_OFF else " (the token: `ray get-auth-token`; README, Production exposure)"
    say(f"  Ray auth       {auth_mode}{note}")
    say("Press Ctrl-C to stop.")
    stop = False

    def _stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stop:
            time.sleep(0.5)
    finally:
        say("stopping csagent…")
        serve.shutdown()  # type: ignore[no-untyped-call]
        ray.shutdown()
        say("stopped")
    return 0


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    prepare: Callable[[argparse.Namespace], int],
) -> None:
    up = commands.add_parser("up", help="start Ray and the Serve application (make run)")
    up.add_argument("--verbose", action="store_true", help="show replica logs in this terminal")
    up.add_argument(
        "--serve-config",
        default=str(SERVE_CONFIG),
        help="Serve config whose args and deployment options to use",
    )
    up.set_defaults(func=lambda args: cmd_up(args, prepare=prepare))

"""The `csagent` command: up, prepare, ingest, train-intents, evaluate-intents, chat, contract, keys."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from models.config import PROJECT_ROOT, resolve_path
from serve import cli_keys
from serve.exposure import AUTH_OFF, ray_auth_mode

if TYPE_CHECKING:
    from serve.settings import Settings

SERVE_CONFIG = PROJECT_ROOT / "config" / "serve.yaml"


def _print(text: str) -> None:
    print(text, flush=True)


def cmd_ingest(args: argparse.Namespace) -> int:
    from pipelines.knowledge.ingest import ingest
    from serve.settings import get_settings

    settings = get_settings()
    manifest = ingest(
        index_root=resolve_path(settings.retrieval.index_dir), config=settings.retrieval, force=args.force
    )
    _print(
        f"knowledge index {manifest.version}: {manifest.articles} articles, {manifest.chunks} chunks, {manifest.units} units"
    )
    return 0


def cmd_train_intents(args: argparse.Namespace) -> int:
    from pipelines.intents.train import is_current, train
    from serve.settings import get_settings

    settings = get_settings()
    folder = resolve_path(settings.nlp.intent_model_dir)
    if is_current(folder, config=settings.nlp) and not args.force:
        _print(f"intent classifier in {folder} is current")
        return 0
    classifier = train(folder, config=settings.nlp, threshold=settings.nlp.intent_threshold)
    _print(f"intent classifier trained: {len(classifier.labels)} classes -> {folder}")
    return 0


def cmd_evaluate_intents(_args: argparse.Namespace) -> int:
    from models.nlp.intent import IntentClassifier
    from pipelines.intents.evaluate import evaluate
    from serve.settings import get_settings

    settings = get_settings()
    classifier = IntentClassifier.load(
        resolve_path(settings.nlp.intent_model_dir), settings.nlp.intent_threshold
    )
    result = evaluate(classifier, config=settings.nlp)
    _print(
        f"held-out examples {result.examples}: in-scope accuracy {result.in_scope_accuracy:.3f}, "
        f"overall accuracy {result.overall_accuracy:.3f}, out-of-scope recall {result.out_of_scope_recall:.3f}, "
        f"out-of-scope precision {result.out_of_scope_precision:.3f}"
    )
    return 0


def cmd_prepare(_args: argparse.Namespace) -> int:
    """Everything a start needs that is built from the project's own files: index, classifier, schema."""
    from serve.settings import get_settings
    from serve.storage.db import migrate

    cmd_ingest(argparse.Namespace(force=False))
    cmd_train_intents(argparse.Namespace(force=False))
    asyncio.run(migrate(get_settings().resolved_database_url))
    _print("database schema is current")
    return 0


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


def cmd_up(args: argparse.Namespace) -> int:
    """Start a local Ray cluster and the Serve application; block until Ctrl-C, then stop cleanly."""
    from serve.settings import get_settings

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    started = time.monotonic()
    settings = get_settings()
    # Before Ray is imported or started: this process and every worker of a local cluster read it.
    os.environ["RAY_AUTH_MODE"] = auth_mode = _ray_auth_mode(settings)
    if auth_mode == AUTH_OFF:
        _print(
            "warning: Ray token auth is off (RAY_AUTH_MODE=disabled): Ray's GCS and raylets listen on every "
            "interface, so use this only on a machine nobody else can reach"
        )
    cmd_prepare(args)
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
    _print(f"csagent is up in {cold:.1f} s")
    _print(f"  chat UI        {base}/")
    if settings.api_docs_enabled:
        _print(f"  API docs       {base}/api/docs")
    _print(f"  WebSocket      ws://{host}:{port}/api/v1/ws")
    _print(f"  metrics        {base}/metrics" + (" (bearer token)" if settings.ops.metrics_token else ""))
    if settings.ray.include_dashboard:
        _print(f"  Ray dashboard  http://{settings.ray.dashboard_host}:{dashboard_port}")
    note = "" if auth_mode == AUTH_OFF else " (the token: `ray get-auth-token`; README, Production exposure)"
    _print(f"  Ray auth       {auth_mode}{note}")
    _print("Press Ctrl-C to stop.")
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
        _print("stopping csagent…")
        serve.shutdown()  # type: ignore[no-untyped-call]
        ray.shutdown()
        _print("stopped")
    return 0


def _http_json(url: str, body: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        method="POST" if body is not None else "GET",
    )
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        data: dict[str, Any] = json.loads(response.read())
        return data


def cmd_chat(args: argparse.Namespace) -> int:
    """A terminal chat client over the WebSocket: type a message, watch the answer stream in."""
    from websockets.sync.client import connect

    base = args.url.rstrip("/")
    session = _http_json(f"{base}/api/v1/auth/guest", {"display_name": "Terminal"})
    token = session["access_token"]
    conversation = _http_json(f"{base}/api/v1/conversations", {"channel": "api"}, token)
    ws_url = base.replace("http", "ws", 1) + "/api/v1/ws?token=" + token
    with connect(ws_url, max_size=2**20) as ws:
        ws.send(json.dumps({"type": "subscribe", "conversation_id": conversation["id"], "after_seq": 0}))
        _print(f"conversation {conversation['id']} — type a question, empty line to quit")
        lines = [args.message] if args.message else None
        while True:
            text = lines.pop(0) if lines else (None if lines is not None else input("you> ").strip())
            if not text:
                return 0
            cid = str(uuid.uuid4())
            ws.send(
                json.dumps(
                    {
                        "type": "message.send",
                        "conversation_id": conversation["id"],
                        "client_message_id": cid,
                        "content": text,
                    }
                )
            )
            sys.stdout.write("agent> ")
            while True:
                event = json.loads(ws.recv(timeout=120))
                if event["type"] == "assistant.delta":
                    sys.stdout.write(event["delta"])
                    sys.stdout.flush()
                elif event["type"] == "message" and event["message"]["role"] == "assistant":
                    meta = event["message"]["meta"]
                    sources = ", ".join(c["title"] for c in meta.get("citations", []))
                    _print(
                        f"\n  [intent {meta['intent']['name']} {meta['intent']['confidence']:.2f}; sources: {sources or 'none'}; {meta['latency_ms']:.0f} ms]"
                    )
                    break
                elif event["type"] == "error":
                    _print(f"\n  error: {event['code']}: {event['message']}")
                    break
            if lines is not None and not lines:
                return 0


def cmd_contract(args: argparse.Namespace) -> int:
    from serve.contract import write_contract

    changed = write_contract(check=args.check)
    if args.check and changed:
        _print(
            "contract files are stale: run `make contract` and commit the result:\n  " + "\n  ".join(changed)
        )
        return 1
    _print("contract files are current" if args.check else "contract files written")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="csagent", description="csagent: AI customer service for Salesforce users"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start Ray and the Serve application (make run)")
    up.add_argument("--verbose", action="store_true", help="show replica logs in this terminal")
    up.add_argument(
        "--serve-config",
        default=str(SERVE_CONFIG),
        help="Serve config whose args and deployment options to use",
    )
    up.set_defaults(func=cmd_up)
    commands.add_parser("prepare", help="build the index and classifier, migrate the database").set_defaults(
        func=cmd_prepare
    )
    ingest = commands.add_parser("ingest", help="rebuild the knowledge index (versioned)")
    ingest.add_argument("--force", action="store_true")
    ingest.set_defaults(func=cmd_ingest)
    train = commands.add_parser("train-intents", help="train the intent classifier")
    train.add_argument("--force", action="store_true")
    train.set_defaults(func=cmd_train_intents)
    commands.add_parser("evaluate-intents", help="held-out accuracy and out-of-scope recall").set_defaults(
        func=cmd_evaluate_intents
    )
    chat = commands.add_parser("chat", help="terminal chat client over the WebSocket")
    chat.add_argument("--url", default="http://127.0.0.1:8000")
    chat.add_argument("--message", "-m", help="send one message and exit")
    chat.set_defaults(func=cmd_chat)
    contract = commands.add_parser("contract", help="write the OpenAPI and WebSocket-frame schemas")
    contract.add_argument("--check", action="store_true", help="fail if the committed files are stale")
    contract.set_defaults(func=cmd_contract)
    cli_keys.add_parser(commands)
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except (ValueError, FileNotFoundError) as exc:
        # Bad configuration or data: say what and where, without a traceback (pydantic errors are ValueErrors).
        print(f"csagent {args.command}: {exc}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())

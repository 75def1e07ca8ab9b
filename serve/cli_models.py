"""`csagent models list|status|eval|canary|promote|rollback`: the model lifecycle from a terminal or a script.

The commands call the admin API (serve/api/admin_models.py) at `--url` with `--token` or CSAGENT_ADMIN_TOKEN
(`csagent admin token`, serve/cli_admin.py, prints one) and print tables; `models eval` runs the evaluation set in
this process on one version (serve/cli_models_eval.py) and posts its scores, which the promote gate compares with
the live version's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from models.config import parse_model_ref
from serve.cli_chat import HTTP_TIMEOUT_S, server_url
from serve.cli_models_eval import evaluate_version, scores_from
from serve.cli_output import say, table

if TYPE_CHECKING:
    from serve.settings import Settings

TOKEN_VARIABLE = "CSAGENT_ADMIN_TOKEN"
Transport = Callable[[str, str, dict[str, Any] | None], tuple[int, dict[str, Any]]]


class AdminError(Exception):
    """The admin API refused a request (or could not be reached); `body` is its contract error body, if any."""

    def __init__(self, message: str, body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.body = body or {}


def http_transport(base: str, token: str) -> Transport:
    """Calls of the admin API at `base` with the bearer `token`: (status, JSON body)."""

    def call(method: str, path: str, body: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(
            base + path, data=json.dumps(body).encode() if body is not None else None, method=method
        )
        request.add_header("Content-Type", "application/json")
        request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:  # before URLError: it is one
            try:
                return error.code, json.loads(error.read())
            except ValueError:
                return error.code, {}
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise AdminError(
                f"cannot reach the server at {base} ({error}): is it running (make run)?"
            ) from error

    return call


def _call(transport: Transport, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    status, answer = transport(method, "/api/v1/admin" + path, body)
    if status < 400:
        return answer
    error = answer.get("error") or {}
    hint = " (make one with `csagent admin token`)" if status == 401 else ""
    fields = [
        f"{'.'.join(e.get('loc', [])[1:])}: {e.get('msg')}"
        for e in (error.get("details") or {}).get("errors", [])
    ]
    reasons = f" ({'; '.join(fields)})" if fields else ""
    raise AdminError(
        f"{status} {error.get('code', 'error')}: {error.get('message', '')}{reasons}{hint}", error
    )


def _what(item: dict[str, Any]) -> str:
    """One audit entry's effect in a few words."""
    details = item.get("details") or {}
    if item["action"] == "canary":
        return f"{details.get('percent')}% of new conversations"
    if item["action"] == "promote":
        forced = ", forced" if details.get("forced") else ""
        return f"from {details.get('live', '?').rpartition('@')[2]} (gate {details.get('gate')}{forced})"
    if item["action"] == "rollback":
        if "ended_canary" in details:
            return f"ended canary {details['ended_canary']} ({details.get('percent')}%)"
        return f"{details.get('from')} -> {details.get('to')}"
    if item["action"] == "evaluate":
        return f"key fact {_pct(details.get('key_fact_accuracy'))}, hand-off {_pct(details.get('handoff_recall'))}"
    return ""


def format_models(engines: list[dict[str, Any]]) -> str:
    rows = []
    for row in engines:
        scores = row.get("scores") or {}
        flags = [
            flag for flag, on in (("changed", row["changed"]), ("rollback-target", row["previous"])) if on
        ]
        rows.append(
            (
                row["name"],
                row["version"],
                row["kind"],
                row["stage"],
                f"{row['traffic_percent']}%" if row["in_chain"] else "not in chain",
                _pct(scores.get("key_fact_accuracy")),
                _pct(scores.get("handoff_recall")),
                (scores.get("evaluated_at") or "")[:16] or None,
                row["fingerprint"][:12],
                ", ".join(flags) or None,
            )
        )
    headers = (
        "engine",
        "version",
        "kind",
        "stage",
        "traffic",
        "key fact",
        "hand-off",
        "evaluated",
        "fingerprint",
        "",
    )
    return table(headers, rows)


def format_gate(details: dict[str, Any]) -> str:
    """The promote gate's comparison, as the 409's `details` carry it."""
    rows = [
        (
            m["metric"],
            _pct(m["live"]),
            _pct(m["candidate"]),
            _signed(m["delta"]),
            "ok" if m["passed"] else "FAIL",
        )
        for m in details.get("metrics", [])
    ]
    heading = f"{details.get('candidate')} vs live {details.get('live')} (tolerance {_pct(details.get('tolerance'))})"
    return heading + "\n" + table(("metric", "live", "candidate", "delta", ""), rows)


def _pct(value: float | None) -> str | None:
    return None if value is None else f"{value:.1%}"


def _signed(value: float | None) -> str | None:
    return None if value is None else f"{value * 100:+.1f} pts"


def _status(transport: Transport, audit: int) -> str:
    engines = _call(transport, "GET", "/models")["engines"]
    lines = []
    for name in dict.fromkeys(row["name"] for row in engines if row["in_chain"]):
        rows = [row for row in engines if row["name"] == name]
        live = next(row for row in rows if row["stage"] == "live")
        canary = next((row for row in rows if row["stage"] == "canary"), None)
        previous = next((row["version"] for row in rows if row["previous"]), None)
        text = f"{name}: live {live['version']} ({live['traffic_percent']}%)"
        text += f", canary {canary['version']} ({canary['traffic_percent']}%)" if canary else ", no canary"
        lines.append(text + (f", rollback returns to {previous}" if previous else ""))
    if audit:
        items = _call(transport, "GET", f"/audit?limit={audit}")["items"]
        rows = [
            (
                item["at"][:19],
                item["action"],
                f"{item['name']}@{item['version'] or '-'}",
                _what(item),
                item["actor_role"],
                item["reason"],
            )
            for item in items
        ]
        headers = ("at", "action", "version", "what", "by", "reason")
        lines += ["", "recent actions:", table(headers, rows)]
    return "\n".join(lines)


def _eval(args: argparse.Namespace, settings: Settings, transport: Transport | None) -> int:
    name, version = parse_model_ref(args.ref)
    fingerprint = settings.llm.spec(name, version).fingerprint()
    report = asyncio.run(evaluate_version(settings, name, version, limit=args.limit, sample=args.sample))
    scores = scores_from(report)
    rows = [
        ("key fact with citation", _pct(scores["key_fact_accuracy"])),
        ("hand-off recall", _pct(scores["handoff_recall"])),
    ]
    rows += [
        (key.replace("_", " "), value if "ms" in key else _pct(value))
        for key, value in scores["figures"].items()
    ]
    say(table(("figure", f"{name}@{version}"), rows))
    if transport is None:
        say("not posted (--no-post)")
        return 0
    body = {"name": name, "version": version, "fingerprint": fingerprint, **scores}
    _call(transport, "POST", "/models/scores", body)
    say(f"scores stored for {name}@{version} ({scores['items']} items)")
    return 0


def run_models(args: argparse.Namespace, settings: Settings, transport: Transport | None) -> int:
    """One `csagent models` command over `transport` (None only for `eval --no-post`)."""
    if args.models_command == "eval":
        return _eval(args, settings, transport)
    assert transport is not None
    if args.models_command == "list":
        say(format_models(_call(transport, "GET", "/models")["engines"]))
    elif args.models_command == "status":
        say(_status(transport, args.audit))
    elif args.models_command == "canary":
        name, version = parse_model_ref(args.ref)
        body = {"name": name, "version": version, "percent": args.percent, "reason": args.reason}
        say(format_models(_call(transport, "POST", "/models/canary", body)["engines"]))
    elif args.models_command == "promote":
        if args.force and not (args.reason or "").strip():
            raise AdminError("--force needs --reason (it is written to the audit log)")
        name, version = parse_model_ref(args.ref)
        body = {"name": name, "version": version, "force": args.force, "reason": args.reason}
        try:
            say(format_models(_call(transport, "POST", "/models/promote", body)["engines"]))
        except AdminError as refused:
            if refused.body.get("code") != "eval_gate_failed":
                raise
            say(
                f"promote refused: {refused.body.get('message')}\n{format_gate(refused.body.get('details') or {})}"
            )
            return 1
    else:
        body = {"name": args.name, "reason": args.reason}
        say(format_models(_call(transport, "POST", "/models/rollback", body)["engines"]))
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from serve.settings import get_settings

    settings = get_settings()
    token = args.token or os.environ.get(TOKEN_VARIABLE)  # a script's secret, never a setting in a file
    transport = None
    if not (args.models_command == "eval" and args.no_post):
        if not token:
            print(
                f"csagent models: no admin token: pass --token or set {TOKEN_VARIABLE} "
                "(`csagent admin token` prints one where the server's settings are)",
                file=sys.stderr,
            )
            return 2
        transport = http_transport((args.url or server_url(settings)).rstrip("/"), token)
    try:
        return run_models(args, settings, transport)
    except AdminError as error:
        print(f"csagent models {args.models_command}: {error}", file=sys.stderr)
        return 1


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    models = commands.add_parser(
        "models", help="model versions: list, eval, canary, promote, rollback, status"
    )
    models.add_argument("--url", default=None, help="server base URL (default: http_host and http_port)")
    models.add_argument("--token", default=None, help=f"admin access token (default: ${TOKEN_VARIABLE})")
    actions = models.add_subparsers(dest="models_command", required=True)
    actions.add_parser("list", help="every version: stage, traffic, scores, fingerprint")
    status = actions.add_parser("status", help="live and canary per engine, and the latest actions")
    status.add_argument("--audit", type=int, default=5, help="how many audit entries to show (0: none)")
    evaluate = actions.add_parser(
        "eval", help="run the evaluation set on NAME@VERSION here and store its scores"
    )
    evaluate.add_argument("ref", metavar="NAME@VERSION")
    evaluate.add_argument("--limit", type=int, help="only the first N items")
    evaluate.add_argument("--sample", type=int, help="N items spread over the set (compare like with like)")
    evaluate.add_argument("--no-post", action="store_true", help="print the figures without storing them")
    canary = actions.add_parser("canary", help="send PERCENT of new conversations to NAME@VERSION")
    canary.add_argument("ref", metavar="NAME@VERSION")
    canary.add_argument("percent", type=int, help="1-99")
    canary.add_argument("--reason", default=None)
    promote = actions.add_parser("promote", help="make NAME@VERSION live (behind the evaluation gate)")
    promote.add_argument("ref", metavar="NAME@VERSION")
    promote.add_argument("--force", action="store_true", help="override the gate (needs --reason)")
    promote.add_argument("--reason", default=None)
    rollback = actions.add_parser("rollback", help="end the canary, or return to the previous live version")
    rollback.add_argument("name", metavar="NAME")
    rollback.add_argument("--reason", default=None)
    models.set_defaults(func=cmd_models)

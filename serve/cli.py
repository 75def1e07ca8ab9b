"""The `csagent` command: up, prepare, ingest, train-intents, evaluate-intents, chat, contract, keys, admin, models.

This module only assembles the parser and runs the chosen command; each concern has its own module:
`cli_cluster` (up), `cli_data` (prepare, ingest, train-intents, evaluate-intents), `cli_chat` (the terminal
client), `cli_contract`, `cli_keys`, `cli_admin` (admin token) and `cli_models` (the model lifecycle). The names
below are re-exported for callers and tests that reach them through `serve.cli`.
"""

from __future__ import annotations

import argparse
import sys

from serve import cli_admin, cli_chat, cli_cluster, cli_contract, cli_data, cli_keys, cli_models
from serve.cli_chat import cmd_chat, server_url
from serve.cli_cluster import SERVE_CONFIG, _ray_auth_mode, _serve_config
from serve.cli_contract import cmd_contract
from serve.cli_data import cmd_evaluate_intents, cmd_ingest, cmd_prepare, cmd_train_intents

__all__ = [
    "SERVE_CONFIG",
    "_ray_auth_mode",
    "_serve_config",
    "cmd_chat",
    "cmd_contract",
    "cmd_evaluate_intents",
    "cmd_ingest",
    "cmd_prepare",
    "cmd_train_intents",
    "main",
    "server_url",
]


def _prepare(args: argparse.Namespace) -> int:
    # Looked up when `up` runs, so a test that replaces serve.cli.cmd_prepare sees its replacement used.
    return cmd_prepare(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="csagent", description="csagent: AI customer service for Salesforce users"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    cli_cluster.add_parser(commands, prepare=_prepare)
    cli_data.add_parsers(commands)
    cli_chat.add_parser(commands)
    cli_contract.add_parser(commands)
    cli_keys.add_parser(commands)
    cli_admin.add_parser(commands)
    cli_models.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except (ValueError, FileNotFoundError) as exc:
        # Bad configuration or data: say what and where, without a traceback (pydantic errors are ValueErrors).
        print(f"csagent {args.command}: {exc}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())

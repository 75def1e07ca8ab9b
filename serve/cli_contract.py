"""`csagent contract [--check]`: the OpenAPI document and the WebSocket frames' JSON Schema, written or checked."""

from __future__ import annotations

import argparse

from serve.cli_output import say


def cmd_contract(args: argparse.Namespace) -> int:
    from serve.contract import write_contract

    changed = write_contract(check=args.check)
    if args.check and changed:
        say("contract files are stale: run `make contract` and commit the result:\n  " + "\n  ".join(changed))
        return 1
    say("contract files are current" if args.check else "contract files written")
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    contract = commands.add_parser("contract", help="write the OpenAPI and WebSocket-frame schemas")
    contract.add_argument("--check", action="store_true", help="fail if the committed files are stale")
    contract.set_defaults(func=cmd_contract)

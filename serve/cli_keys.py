"""`csagent keys create|list|revoke`: API keys for the OpenAI-compatible API, in the database the settings name.

A key is printed once, when it is created; the database keeps only its SHA-256 and the prefix that names it.
"""

from __future__ import annotations

import argparse
import asyncio


async def _run(args: argparse.Namespace) -> int:
    from serve.settings import get_settings
    from serve.storage import api_keys
    from serve.storage.db import create_engine, migrate, session_factory

    url = get_settings().resolved_database_url
    await migrate(url)
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            if args.keys_command == "create":
                key, row = await api_keys.create_key(session=session, name=args.name)
                await session.commit()
                print(f"{key}\n(shown once; name {row.name!r}, prefix {row.prefix})")
            elif args.keys_command == "list":
                rows = await api_keys.list_keys(session=session)
                print(f"{'prefix':14} {'name':24} {'created':20} {'last used':20} revoked")
                for row in rows:
                    used = row.last_used_at.strftime("%Y-%m-%d %H:%M") if row.last_used_at else "-"
                    revoked = row.revoked_at.strftime("%Y-%m-%d %H:%M") if row.revoked_at else "-"
                    created = row.created_at.strftime("%Y-%m-%d %H:%M")
                    print(f"{row.prefix:14} {row.name[:24]:24} {created:20} {used:20} {revoked}")
            else:
                if not await api_keys.revoke_key(session=session, prefix=args.prefix):
                    print(f"no active key with prefix {args.prefix!r} (see `csagent keys list`)")
                    return 1
                await session.commit()
                print(f"revoked {args.prefix}")
    finally:
        await engine.dispose()
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    return asyncio.run(_run(args))


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser("keys", help="API keys for the OpenAI-compatible API (/v1)")
    actions = keys.add_subparsers(dest="keys_command", required=True)
    create = actions.add_parser("create", help="make a key and print it once")
    create.add_argument("--name", required=True, help="what the key is for, e.g. 'crm-sync'")
    actions.add_parser("list", help="every key: prefix, name, created, last used, revoked")
    revoke = actions.add_parser("revoke", help="revoke a key by the prefix `list` shows")
    revoke.add_argument("prefix")
    keys.set_defaults(func=cmd_keys)

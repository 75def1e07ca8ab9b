"""`csagent admin token`: an admin access token for scripts, run where the server's settings are.

It signs with the install's own JWT secret (or `auth.jwt_secret`) for the default organisation's admin, made when
there is none (no email or password: it exists only through these tokens).
"""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from serve.settings import Settings


async def mint_admin_token(settings: Settings, ttl_s: int | None = None) -> str:
    """An access token for the default organisation's admin (made when there is none), signed with the
    install's own secret; `ttl_s` overrides the access token lifetime (at most a day, as the settings allow)."""
    from serve.security import issue_access_token
    from serve.storage import users
    from serve.storage.db import create_engine, migrate, session_factory, transaction

    url = settings.resolved_database_url
    await migrate(url)
    engine = create_engine(url)
    try:
        async with transaction(session_factory(engine)) as session:
            org = await users.get_or_create_organization(
                session=session, name=settings.auth.default_organization
            )
            admin = await users.get_or_create_admin(session=session, organization_id=org.id)
            user_id, org_id = admin.id, org.id
    finally:
        await engine.dispose()
    auth = settings.auth if ttl_s is None else settings.auth.model_copy(update={"access_token_ttl_s": ttl_s})
    return issue_access_token(auth, user_id=user_id, organization_id=org_id, role="admin")


def cmd_admin(args: argparse.Namespace) -> int:
    from serve.settings import get_settings

    print(asyncio.run(mint_admin_token(get_settings(), args.ttl_s)), flush=True)
    return 0


def _day(value: str) -> int:
    seconds = int(value) if value.isdigit() else 0
    if not 60 <= seconds <= 86400:
        raise argparse.ArgumentTypeError(f"--ttl-s takes seconds between 60 and 86400 (got {value!r})")
    return seconds


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    admin = commands.add_parser("admin", help="administration: an admin access token for scripts")
    admin_actions = admin.add_subparsers(dest="admin_command", required=True)
    token = admin_actions.add_parser(
        "token", help="print an admin access token signed with the install's secret"
    )
    token.add_argument(
        "--ttl-s", type=_day, default=None, help="lifetime in seconds (default: auth settings)"
    )
    admin.set_defaults(func=cmd_admin)

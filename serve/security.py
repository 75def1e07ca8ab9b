"""Passwords (argon2), access tokens (JWT, HS256) and opaque refresh tokens (stored as SHA-256).

The functions here are synchronous: requests hash through `serve.passwords.PasswordHashing`, off the event loop.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel

from models.config import resolve_path
from serve.errors import InvalidToken
from serve.install_secret import load_or_create_secret
from serve.settings import AuthSettings

_hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps the response time the same (no account probing).
_DUMMY_HASH = _hasher.hash("not-a-real-password-0000")


class Claims(BaseModel):
    sub: uuid.UUID
    org: uuid.UUID
    role: str


def hash_password(password: str, hasher: PasswordHasher = _hasher) -> str:
    return hasher.hash(password)


def verify_password(password_hash: str | None, password: str, hasher: PasswordHasher = _hasher) -> bool:
    try:
        return hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def signing_key(settings: AuthSettings) -> str:
    """The configured `jwt_secret`, else the install's generated key (read once per process)."""
    if settings.jwt_secret is not None:
        return settings.jwt_secret
    return cached_install_key(resolve_path(Path(settings.jwt_secret_file)))


@lru_cache(maxsize=4)
def cached_install_key(path: Path) -> str:
    """The key file read once per process; `cache_clear()` makes the next call read it again (a restart)."""
    return load_or_create_secret(path)


def issue_access_token(
    settings: AuthSettings, *, user_id: uuid.UUID, organization_id: uuid.UUID, role: str
) -> str:
    now = datetime.now(UTC)
    payload: dict[str, Any] = {
        "sub": str(user_id),
        "org": str(organization_id),
        "role": role,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=settings.access_token_ttl_s)).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(payload, signing_key(settings), algorithm="HS256")


def decode_access_token(settings: AuthSettings, token: str) -> Claims:
    """Valid claims, or InvalidToken for anything forged, expired, malformed or for another audience."""
    try:
        payload = jwt.decode(
            token,
            signing_key(settings),
            algorithms=["HS256"],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["sub", "org", "exp", "iat", "iss", "aud"]},
        )
        return Claims(sub=payload["sub"], org=payload["org"], role=payload.get("role", "customer"))
    except (jwt.PyJWTError, ValueError, KeyError) as exc:
        raise InvalidToken() from exc


def new_refresh_token() -> tuple[str, str]:
    """(token for the client, hash to store)."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

"""Passwords (argon2), access tokens (JWT, HS256) and opaque refresh tokens (stored as SHA-256)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel

from serve.errors import InvalidToken
from serve.settings import AuthSettings

_hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps the response time the same (no account probing).
_DUMMY_HASH = _hasher.hash("not-a-real-password-0000")


class Claims(BaseModel):
    sub: uuid.UUID
    org: uuid.UUID
    role: str


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


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
    return jwt.encode(payload, settings.jwt_secret, algorithm="HS256")


def decode_access_token(settings: AuthSettings, token: str) -> Claims:
    """Valid claims, or InvalidToken for anything forged, expired, malformed or for another audience."""
    try:
        payload = jwt.decode(
            token,
            settings.jwt_secret,
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

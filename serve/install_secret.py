"""The install's own JWT key: generated once under var/ when no `auth.jwt_secret` is configured.

A restart reads the same file, so sessions survive it; nobody else knows the key, unlike the public development
placeholder it replaces. Replicas on one machine may start together: the key is written to a private temporary
file and hard-linked into place, so exactly one of them creates it and the others read a complete file.
Replicas on several machines cannot share this file: there `auth.jwt_secret` must be set (production requires it).
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

_MIN_CHARS = 32


class InstallSecretError(RuntimeError):
    """The key file cannot be used; the message names the file and the fix."""


def load_or_create_secret(path: Path) -> str:
    """The key stored at `path`, created first (64 random URL-safe characters, mode 0600) when missing."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails when another process created it first: theirs wins
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise InstallSecretError(
            f"{path} (the generated auth.jwt_secret) is readable by other users (mode {mode:o}); "
            f"run `chmod 600 {path}` or set CSAGENT_AUTH__JWT_SECRET"
        )
    key = path.read_text().strip()
    if len(key) < _MIN_CHARS:
        raise InstallSecretError(
            f"{path} holds {len(key)} characters, fewer than the {_MIN_CHARS} a JWT key needs; delete it to "
            "generate a new one (signs everyone out) or set CSAGENT_AUTH__JWT_SECRET"
        )
    return key

"""The install's generated JWT key: made once, private, kept across restarts, refused when others can read it."""

from __future__ import annotations

import stat
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from serve.install_secret import InstallSecretError, load_or_create_secret
from serve.security import cached_install_key, decode_access_token, issue_access_token, signing_key
from serve.settings import AuthSettings


def test_the_key_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "var" / "jwt_secret"
    first = load_or_create_secret(path)
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # A second process (a restart) reads the same key instead of making another.
    assert load_or_create_secret(path) == first
    assert [p.name for p in path.parent.iterdir()] == ["jwt_secret"], "no temporary file is left behind"


def test_replicas_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "jwt_secret"
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: load_or_create_secret(path), range(16)))
    assert keys == {path.read_text().strip()}


def test_two_installs_get_different_keys(tmp_path: Path) -> None:
    assert load_or_create_secret(tmp_path / "a") != load_or_create_secret(tmp_path / "b")


def test_a_key_file_others_can_read_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "jwt_secret"
    load_or_create_secret(path)
    path.chmod(0o644)
    with pytest.raises(InstallSecretError, match="chmod 600"):
        load_or_create_secret(path)


def test_a_truncated_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "jwt_secret"
    path.write_text("short\n")
    path.chmod(0o600)
    with pytest.raises(InstallSecretError, match="fewer than the 32"):
        load_or_create_secret(path)


def test_tokens_survive_a_restart_with_the_generated_key(tmp_path: Path) -> None:
    settings = AuthSettings(jwt_secret_file=str(tmp_path / "jwt_secret"))
    user, org = uuid.uuid4(), uuid.uuid4()
    token = issue_access_token(settings, user_id=user, organization_id=org, role="customer")
    cached_install_key.cache_clear()  # what a new process starts with
    assert decode_access_token(AuthSettings(jwt_secret_file=settings.jwt_secret_file), token).sub == user


def test_a_configured_secret_wins_over_the_file(tmp_path: Path) -> None:
    settings = AuthSettings(jwt_secret="k" * 40, jwt_secret_file=str(tmp_path / "jwt_secret"))
    assert signing_key(settings) == "k" * 40
    assert not (tmp_path / "jwt_secret").exists()

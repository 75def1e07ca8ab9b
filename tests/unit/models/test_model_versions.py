"""Registry versions: `versions:` under an entry, resolving `name@version`, and the fingerprint that makes a used
version immutable."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.config import EngineSpec, LLMConfig, UnknownModel, parse_model_ref
from models.engines.registry import create_engine, load_registry


def _registry(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "models.yaml"
    path.write_text(body)
    return path


def test_the_shipped_registry_has_two_grounded_versions() -> None:
    grounded = load_registry()["grounded"]
    assert grounded.version_names() == ["1.0", "1.1"]
    assert grounded.at("1.1").max_sentences != grounded.at("1.0").max_sentences
    assert grounded.at("1.1").kind == "grounded" and grounded.at("1.1").timeout_s == grounded.timeout_s
    assert grounded.at("1.1").versions == {} and grounded.at().versions == {}


def test_an_entry_without_versions_is_one_version() -> None:
    spec = load_registry()["qwen-0.5b"]
    assert spec.version_names() == [spec.version] and spec.at() is spec


def test_a_version_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = _registry(
        tmp_path,
        """
engines:
  g:
    kind: grounded
    version: "2"
    max_sentences: 4
    timeout_s: 7
    versions:
      "2.1": {max_sentences: 3}
      "3": {kind: grounded, timeout_s: 9, prompt_template: "p2"}
""",
    )
    entry = load_registry(path)["g"]
    assert (entry.at("2.1").max_sentences, entry.at("2.1").timeout_s) == (3, 7.0)
    assert (entry.at("3").max_sentences, entry.at("3").timeout_s, entry.at("3").prompt_template) == (
        4,
        9.0,
        "p2",
    )
    assert create_engine("g", entry.at("2.1")).version == "2.1"
    assert create_engine("g", entry).version == "2", "an entry runs its configured version"


@pytest.mark.parametrize(
    ("versions", "fragment"),
    [
        ("{1.1: {max_sentences: 3}}", "quote"),
        ('{"2": {max_sentences: 3}}', "entry's own version"),
        ('{"2.1": {version: "x"}}', "may not set"),
        ('{"2.1": {max_sentences: 99}}', "2.1"),
        ('{"2.1": {colour: red}}', "colour"),
    ],
)
def test_bad_versions_are_refused_naming_the_problem(tmp_path: Path, versions: str, fragment: str) -> None:
    path = _registry(
        tmp_path, f"engines:\n  g:\n    kind: grounded\n    version: '2'\n    versions: {versions}\n"
    )
    with pytest.raises(ValueError, match="engine 'g'") as raised:
        load_registry(path)
    assert fragment in str(raised.value)


def test_lookups_name_what_exists() -> None:
    config = LLMConfig(engines=load_registry(), chain=["grounded"])
    assert config.spec("grounded", "1.1").version == "1.1"
    assert config.spec("grounded").version == "1.0"
    with pytest.raises(UnknownModel, match=r"no version '9'.*'1.0', '1.1'"):
        config.spec("grounded", "9")
    with pytest.raises(UnknownModel, match="no engine named 'x'"):
        config.spec("x")
    assert parse_model_ref("grounded@1.1") == ("grounded", "1.1")
    for bad in ("grounded", "@1.1", "grounded@"):
        with pytest.raises(ValueError, match="NAME@VERSION"):
            parse_model_ref(bad)


def test_the_fingerprint_follows_the_spec_and_nothing_else() -> None:
    base = EngineSpec(kind="grounded", version="1.0", max_sentences=8)
    assert base.fingerprint() == EngineSpec.model_validate(base.model_dump()).fingerprint(), (
        "a round trip keeps it"
    )
    assert (
        base.fingerprint()
        == EngineSpec(kind="grounded", version="1.0", max_sentences=8, max_new_tokens=160).fingerprint()
    ), "a value equal to its default is the same spec"
    assert base.fingerprint() != EngineSpec(kind="grounded", version="1.0", max_sentences=7).fingerprint()
    assert base.fingerprint() != EngineSpec(kind="grounded", version="1.1", max_sentences=8).fingerprint()
    with_more = EngineSpec(
        kind="grounded", version="1.0", max_sentences=8, versions={"1.1": {"max_sentences": 6}}
    )
    assert with_more.fingerprint() == base.fingerprint(), "adding a version leaves the others as they were"
    assert len(base.fingerprint()) == 64

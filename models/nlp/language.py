"""Language identification with py3langid (model inside the package), restricted to the UI's languages.

Measured on 90 short labelled messages in 29 languages (tests/unit/models/test_language.py), 2-core machine:
py3langid restricted to the UI's languages 0.94 accuracy at 0.15 ms p50; lingua-language-detector 2.1.1
(high accuracy, same languages) 0.89 at 0.4 ms, but 80 s to load its models and 1.2 GB RSS; the previous rule
(anything under 12 letters is English) 0.47. Short Latin-script text is where detectors guess: below
`MIN_PROBABILITY` the message counts as English, the knowledge base's language ("hello", "ok").
"""

from __future__ import annotations

import re

import py3langid
from pydantic import BaseModel

# Stack traces, ids and error names are "English" to a detector even inside a French message; strip them first.
_TECHNICAL = re.compile(
    r"`[^`]*`|'[^']*'|\"[^\"]*\"|\b[A-Z][A-Z0-9_]{3,}\b|\b\w+\.\w+(?:\.\w+)*\b|\b[a-zA-Z0-9]{15,18}\b|\S+@\S+|\d+"
)
# A message needs this many letters left (after the technical parts) to be anything but English.
_MIN_LETTERS = 2
# Among ~50 languages a best guess under this probability is noise (it is what "ok" or "hello" get).
MIN_PROBABILITY = 0.15
# The UI's languages (ui/src/i18n/languages.ts) as ISO 639-1 codes: zh-CN/zh-TW -> zh, pt-BR/pt-PT -> pt,
# fil -> tl. A smaller set means fewer confusions on short text.
SUPPORTED = (
    "af ar bg bn ca cs da de el en es et eu fa fi fr gl gu he hi hr hu id is it ja kn ko lt lv ml mr ms nb nl "
    "pl pt ro ru sk sl sr sv sw ta te th tl tr uk ur vi zh"
).split()
# py3langid's names for codes that differ from the ones the rest of csagent uses.
_FROM_LANGID = {"no": "nb"}
_TO_LANGID = {value: key for key, value in _FROM_LANGID.items()}


class Language(BaseModel):
    code: str
    confidence: float


class LanguageDetector:
    """Returns an ISO 639-1 code of the UI's languages; text with no clear language counts as English."""

    def __init__(self) -> None:
        self._identifier = py3langid.langid.LanguageIdentifier.from_model_file(
            py3langid.langid.MODEL_FILE, norm_probs=True
        )
        known = [_TO_LANGID.get(code, code) for code in SUPPORTED]
        self._identifier.set_languages([code for code in known if code in self._identifier.nb_classes])

    def detect(self, text: str) -> Language:
        prose = _TECHNICAL.sub(" ", text)
        if sum(ch.isalpha() for ch in prose) < _MIN_LETTERS:
            return Language(code="en", confidence=0.5)
        code, probability = self._identifier.classify(prose)
        if probability < MIN_PROBABILITY:
            return Language(code="en", confidence=round(float(probability), 4))
        return Language(code=_FROM_LANGID.get(str(code), str(code)), confidence=round(float(probability), 4))

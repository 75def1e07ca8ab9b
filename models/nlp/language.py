"""Language identification with py3langid (model inside the package)."""

from __future__ import annotations

import re

import py3langid
from pydantic import BaseModel

# Stack traces, ids and error names are "English" to a detector even inside a French message; strip them first.
_TECHNICAL = re.compile(
    r"`[^`]*`|'[^']*'|\"[^\"]*\"|\b[A-Z][A-Z0-9_]{3,}\b|\b\w+\.\w+(?:\.\w+)*\b|\b[a-zA-Z0-9]{15,18}\b|\S+@\S+|\d+"
)
_MIN_LETTERS = 12
# The languages a customer of ours writes in (the UI's locales); a smaller set means fewer confusions on short text.
SUPPORTED = (
    "af am ar az be bg bn bs ca cs cy da de el en es et eu fa fi fr ga gl gu he hi hr hu hy id is it ja ka kk km "
    "kn ko lt lv mk ml mn mr ms mt nb ne nl pa pl pt ro ru si sk sl sq sr sv sw ta te th tl tr uk ur uz vi zh"
).split()


class Language(BaseModel):
    code: str
    confidence: float


class LanguageDetector:
    """Returns an ISO 639-1 code; short or purely technical messages count as English (the KB's language)."""

    def __init__(self) -> None:
        self._identifier = py3langid.langid.LanguageIdentifier.from_model_file(
            py3langid.langid.MODEL_FILE, norm_probs=True
        )
        self._identifier.set_languages([code for code in SUPPORTED if code in self._identifier.nb_classes])

    def detect(self, text: str) -> Language:
        prose = _TECHNICAL.sub(" ", text)
        letters = sum(ch.isalpha() for ch in prose)
        if letters < _MIN_LETTERS:
            return Language(code="en", confidence=0.5)
        code, probability = self._identifier.classify(prose)
        if probability < 0.5:
            return Language(code="en", confidence=round(float(probability), 4))
        return Language(code=str(code), confidence=round(float(probability), 4))

"""Lexical features for the intent classifier: TF-IDF over word 1-2-grams and character 3-5-grams.

MiniLM vectors carry meaning but blur exact tokens ("REQUEST_LIMIT_EXCEEDED", "101", typos). Word and character
n-grams catch those. Fitted and applied by this one class, saved as JSON, so training and serving cannot drift.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix

_WORD = re.compile(r"(?u)\b\w\w+\b")
CHAR_SIZES = (3, 4, 5)
MIN_DF = 2


def _grams(text: str) -> Counter[str]:
    lowered = " ".join(text.lower().split())
    words = _WORD.findall(lowered)
    grams: Counter[str] = Counter(f"w:{w}" for w in words)
    grams.update(f"w:{a} {b}" for a, b in zip(words, words[1:], strict=False))
    for word in lowered.split():
        padded = f" {word} "
        for size in CHAR_SIZES:
            grams.update(f"c:{padded[i : i + size]}" for i in range(max(1, len(padded) - size + 1)))
    return grams


class LexicalFeatures:
    def __init__(self, vocabulary: dict[str, int], idf: npt.NDArray[np.float32]) -> None:
        self.vocabulary = vocabulary
        self.idf = idf

    @classmethod
    def fit(cls, texts: list[str]) -> LexicalFeatures:
        document_frequency: Counter[str] = Counter()
        for text in texts:
            document_frequency.update(_grams(text).keys())
        kept = sorted(gram for gram, df in document_frequency.items() if df >= MIN_DF)
        vocabulary = {gram: i for i, gram in enumerate(kept)}
        total = len(texts)
        idf = np.array(
            [math.log((1 + total) / (1 + document_frequency[g])) + 1 for g in kept], dtype=np.float32
        )
        return cls(vocabulary, idf)

    def transform(self, texts: list[str]) -> csr_matrix:
        """Sublinear TF × IDF, each row L2-normalised."""
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        for row, text in enumerate(texts):
            entries = [
                (self.vocabulary[gram], (1 + math.log(count)) * float(self.idf[self.vocabulary[gram]]))
                for gram, count in _grams(text).items()
                if gram in self.vocabulary
            ]
            norm = math.sqrt(sum(v * v for _, v in entries)) or 1.0
            for column, value in entries:
                rows.append(row)
                cols.append(column)
                values.append(value / norm)
        return csr_matrix((values, (rows, cols)), shape=(len(texts), len(self.vocabulary)), dtype=np.float32)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"vocabulary": self.vocabulary, "idf": self.idf.tolist()}))

    @classmethod
    def load(cls, path: Path) -> LexicalFeatures:
        data = json.loads(path.read_text())
        return cls(
            {str(k): int(v) for k, v in data["vocabulary"].items()}, np.asarray(data["idf"], dtype=np.float32)
        )

"""What of a Chinese text is still English: the words left once the names quoted from the data
and the terms Chinese writing keeps in Latin letters (Gini, ROC-AUC, VaR...) are taken out."""

from __future__ import annotations

import re

LATIN_TERMS = {
    "Gini", "ROC", "AUC", "PD", "LR", "ES", "VaR", "Z2", "McNeil", "Frey", "Jeffreys", "PSI",
    "Hosmer", "Lemeshow", "Spiegelhalter",
    "nan", "reference", "csv", "segment", "segments", "column", "var", "var_comparator",
}  # fmt: skip


def english_left(text: str, names: tuple[str, ...] = ()) -> list[str]:
    """Latin words of three letters or more that are neither a quoted name nor a kept term."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    words = re.findall(r"[A-Za-z_]{3,}", text)
    return [w for w in words if w not in LATIN_TERMS and w.strip("_") not in LATIN_TERMS]


def has_cjk(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None

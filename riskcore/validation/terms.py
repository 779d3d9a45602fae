"""The master scale's terms in words, in English and Chinese.

validation.json stores them as policy values ("bounds", "jeffreys"); the Validate page and the
report say them the same way from this one table, which imports nothing heavy.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")
SCALE_TERMS: dict[tuple[str, str], tuple[str, str]] = {
    ("method", "bounds"): ("fixed PD bounds", "固定 PD 边界"),
    ("method", "equal_count"): ("equal-count grades", "等样本数分级"),
    ("source", "default"): ("the default scale", "默认主标尺"),
    ("source", "policy"): ("the policy", "验证政策"),
    ("source", "run"): ("the run's saved scale", "该运行保存的主标尺"),
    ("source", "equal_count"): ("the scores' quantiles", "评分分位数"),
    ("test", "jeffreys"): ("Jeffreys", "Jeffreys"),
    ("test", "binomial"): ("binomial", "二项"),  # one- or two-sided: the policy's `side` says
}


def scale_term(kind: str, value: object, language: str = "en") -> str:
    """A master-scale term ("method", "source" or "test") in words; an unknown one as stored."""
    words = SCALE_TERMS.get((kind, str(value)))
    return words[LANGUAGES.index(language)] if words else str(value)

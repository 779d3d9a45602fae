"""Text said in English or Chinese from a key and values: a check's detail, why a check or a
comparison cannot be made. The core keeps the phrase (and its English sentence, which the CLI
prints); a page or a report says it in its own language.

A value is a number (formatted by the template), a name quoted from the data (a column,
segment, entity, period or run id: never translated), a nested phrase, or a list of either
(joined as the language joins a list). Each domain registers its templates (`register`).
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from riskcore.chinese import cjk_spacing

LANGUAGES = ("en", "zh")
ModelName = Callable[[str], str | None]  # a model key -> its name in the caller's language
LIST_SEPARATOR = {"en": ", ", "zh": "、"}
PHRASES: dict[str, tuple[str, str]] = {}  # key -> (English, Chinese) template


def register(table: Mapping[str, tuple[str, str]]) -> None:
    """Add a domain's templates; a key registered twice must say the same."""
    for key, pair in table.items():
        if PHRASES.setdefault(key, pair) != pair:
            raise ValueError(f"phrase {key!r} is registered twice with different texts")


class _Formatter(string.Formatter):
    """str.format with one more conversion, `!c`: the first letter capitalised (a term that
    starts an English sentence)."""

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion == "c":
            text = str(value)
            return text[:1].upper() + text[1:]
        return super().convert_field(value, conversion)


_FORMAT = _Formatter()


@dataclass(frozen=True)
class Phrase:
    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def say(self, language: str = "en", model_name: ModelName | None = None) -> str:
        """The phrase in `language` ("en" or "zh"); `model_name` names models as the caller
        does (the page's translated labels), else the charts' English names."""
        if self.key == "model":
            key = self.values["name"]
            named = model_name(key) if model_name else None
            if named:
                return named
            # here, not at the top: riskcore.charts pulls in plotly and scikit-learn, which
            # the modules that only register phrases (compare, scenarios) do not need
            from riskcore.charts.base import DEFAULT_LABELS

            return DEFAULT_LABELS.get(key, key)
        pair = PHRASES.get(self.key)
        if pair is None:
            return self.key
        template = pair[LANGUAGES.index(language) if language in LANGUAGES else 0]
        said = {k: _said(v, language, model_name) for k, v in self.values.items()}
        text = _FORMAT.format(template, **said)
        return cjk_spacing(text) if language == "zh" else text

    def to_dict(self) -> dict:
        """JSON-ready: a non-finite number is stored as null (and said as nan again)."""
        return {"key": self.key, "values": {k: _encode(v) for k, v in self.values.items()}}

    @classmethod
    def from_dict(cls, data: Mapping | None) -> Phrase | None:
        if not isinstance(data, Mapping) or "key" not in data:
            return None
        return cls(str(data["key"]), {k: _decode(v) for k, v in (data.get("values") or {}).items()})


def word(key: str) -> Phrase:
    """A phrase of one word, no values ("light.red", "outcome.better")."""
    return Phrase(key)


def model(key: str) -> Phrase:
    """A model named as the caller names it."""
    return Phrase("model", {"name": key})


def _said(value: Any, language: str, model_name: ModelName | None) -> Any:
    if isinstance(value, Phrase):
        return value.say(language, model_name)
    if isinstance(value, list):
        return LIST_SEPARATOR.get(language, ", ").join(
            str(_said(v, language, model_name)) for v in value
        )
    return math.nan if value is None else value  # a null in the JSON was a non-finite number


def _encode(value: Any) -> Any:
    if isinstance(value, Phrase):
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):  # a numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, Mapping):
        return Phrase.from_dict(value)
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value

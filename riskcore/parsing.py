"""JSON -> pydantic model -> RiskcoreError: how every file the user writes is read.

A RunConfig, a scenario, a tuning search space and a validation policy are all pydantic models
on the `Strict` base (an unknown key is a mistake, never silently dropped) and are all read by
`parse_model`, so each mistake is named the same way in each: the file, the key as a JSON path
(`shocks[0].op`), what is wrong and the value given. Each caller keeps its own error class and
its own hints (what the file should look like, how to fix it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from riskcore.errors import RiskcoreError

MAX_LISTED = 5  # mistakes named in one message; the rest are counted

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """Base of every file model: unknown keys are errors, aliases or names both accepted, and an
    assignment is validated like the file was."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=True)


def json_path(loc: tuple) -> str:
    """pydantic's location as a JSON path: ("shocks", 0, "op") -> shocks[0].op."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


@dataclass(frozen=True)
class Hints:
    """What a caller's messages add: the expected shape, how to fix bad JSON, the known keys."""

    shape: str = "a JSON object"  # "<what> <label> must be <shape>"
    fix: str = "fix the file"  # "<what> <label> is not valid JSON ...: <reason>; <fix>"
    unknown_key: str = "check the spelling"  # "<key>: unknown key (<unknown_key>)"
    location: Callable[[tuple], str] = json_path
    # pydantic error type -> message, for what the caller words itself (e.g. a union's tag)
    messages: Mapping[str, Callable[[dict], str]] = field(default_factory=dict)


def _message(item: dict, hints: Hints) -> str:
    kind = item["type"]
    if kind in hints.messages:
        return hints.messages[kind](item)
    if kind == "extra_forbidden":
        return f"unknown key ({hints.unknown_key})"
    if kind == "missing":
        return "required but missing"
    msg = item["msg"].removeprefix("Value error, ")
    if "input" in item and not isinstance(item["input"], dict | list):
        msg = f"{msg} (got {item['input']!r})"
    return msg


def describe(err: ValidationError, what: str, label: str, hints: Hints = Hints()) -> str:
    """pydantic's error list as one line that names each key and what is wrong with it."""
    items = err.errors()
    parts = []
    for item in items[:MAX_LISTED]:
        where = hints.location(item["loc"])
        msg = _message(item, hints)
        parts.append(f"{where}: {msg}" if where else msg)
    more = f" (and {len(items) - MAX_LISTED} more)" if len(items) > MAX_LISTED else ""
    return f"invalid {what} {label}: " + "; ".join(parts) + more


def _loads(data: str | bytes, what: str, label: str, error: type[RiskcoreError], hints: Hints):
    try:
        return json.loads(data)
    except RecursionError:  # "[[[[..." 100,000 deep: json gives up, so do we, clearly
        raise error(f"{what} {label} is nested too deeply; {hints.fix}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if hasattr(exc, "lineno") else ""
        raise error(f"{what} {label} is not valid JSON{where}: {exc}; {hints.fix}") from None


def parse_model(
    model: type[M],
    data: dict | str | bytes | Any,
    what: str,
    error: type[RiskcoreError],
    source: str = "",
    hints: Hints = Hints(),
) -> M:
    """A validated `model` from a dict or JSON text, or `error` naming the file and each key.

    what: the file's name in messages ("config", "scenario"); source: where it came from (a
    path, a run), quoted in the message, or "(JSON)" when empty.
    """
    label = f"'{source}'" if source else "(JSON)"
    if isinstance(data, bytes | str):
        data = _loads(data, what, label, error, hints)
    if not isinstance(data, dict):
        raise error(f"{what} {label} must be {hints.shape}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(describe(exc, what, label, hints)) from None

"""Runs side by side: their test metrics with intervals, the config fields that differ, and
whether their metrics can be compared at all (same data files, test period and task).

It reads only the run store; the Scenarios page's Compare tab and the tuner use it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from riskcore.errors import ConfigError
from riskcore.metrics import CLASSIFICATION_METRICS, QUANTILE_METRICS, REGRESSION_METRICS
from riskcore.phrases import Phrase, register, word
from riskcore.store import Run


def _metric_rows(run: Run) -> list[dict]:
    rows = []
    for model, values in run.metrics.test.items():
        for metric in (*CLASSIFICATION_METRICS, *REGRESSION_METRICS, *QUANTILE_METRICS):
            if metric in values:
                lo, hi = values.ci(metric)
                rows.append(
                    {
                        "run": run.run_id,
                        "model": model,
                        "metric": metric,
                        "value": values[metric],
                        "lo": lo,
                        "hi": hi,
                    }
                )
    return rows


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: value}


def _cell(value: Any) -> str:
    """Config values as text, so one table column can show numbers, lists and names."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _config_diff(runs: list[Run]) -> pd.DataFrame:
    flat = [_flatten(r.config.model_dump(mode="json")) for r in runs]
    fields = list(dict.fromkeys(k for f in flat for k in f))
    rows = []
    for name in fields:
        values = [_cell(f.get(name)) for f in flat]
        if len(set(values)) > 1:
            rows.append({"field": name, **{r.run_id: v for r, v in zip(runs, values, strict=True)}})
    return pd.DataFrame(rows, columns=["field", *[r.run_id for r in runs]])


def _files(run: Run) -> dict[str, tuple[str, ...]]:
    """The sha256 of each role's files; a role may hold several (macro files of several
    frequencies), so they are collected, not overwritten."""
    shas: dict[str, list[str]] = {}
    for f in run.meta.files:
        shas.setdefault(f.role or f.name, []).append(f.sha256)
    return {role: tuple(sorted(v)) for role, v in shas.items()}


def data_differences(run: Run, sources: Iterable[Mapping[str, Any]]) -> list[str]:
    """The roles (primary, macro, sentiment) whose files differ between what `run` was
    trained on and `sources` (meta.json "files" records: role, sha256), e.g. the files loaded
    in a session now: Tune says so before its best config is trained on other data. A role
    the run used and `sources` lacks differs too."""
    loaded: dict[str, list[str]] = {}
    for f in sources:
        loaded.setdefault(str(f.get("role") or f.get("name")), []).append(str(f.get("sha256")))
    mine = _files(run)
    return sorted(role for role in mine if tuple(sorted(loaded.get(role, ()))) != mine[role])


COMPARE_PHRASES = {
    "compare.no_files": (
        "run {run} does not record the sha256 of its input files",
        "运行 {run} 未记录其输入文件的 sha256",
    ),
    "compare.data": (
        "runs {a} and {b} were trained on different data ({roles} file differs)",
        "运行 {a} 与 {b} 的训练数据不同（{roles}文件不同）",
    ),
    "compare.period": (
        "runs {a} and {b} test on different periods (test {period_a} vs {period_b})",
        "运行 {a} 与 {b} 的测试期不同（{period_a}，而另一个{period_b}）",
    ),
    "compare.task": ("runs {a} and {b} solve different tasks", "运行 {a} 与 {b} 的任务不同"),
    "compare.random": ("a random split (no time column)", "随机划分（无时间列）"),
    "compare.from": ("from {date}", "测试期自 {date} 起"),
    "role.primary": ("primary", "主数据"),
    "role.macro": ("macro", "宏观数据"),
    "role.sentiment": ("sentiment", "情绪数据"),
}
register(COMPARE_PHRASES)


def _comparability(runs: list[Run]) -> list[Phrase]:
    """Why the runs' test metrics cannot be compared side by side (none when they can)."""
    first, reasons = runs[0], []
    for run in runs:
        if not _files(run):
            reasons.append(Phrase("compare.no_files", {"run": run.run_id}))
    for run in runs[1:]:
        pair = {"a": first.run_id, "b": run.run_id}
        a, b = _files(first), _files(run)
        if a and b and a != b:
            roles = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            named = [word(f"role.{r}") if f"role.{r}" in COMPARE_PHRASES else r for r in roles]
            reasons.append(Phrase("compare.data", {**pair, "roles": named}))
        cut_a, cut_b = (r.state.get("cuts", {}).get("test") for r in (first, run))
        if cut_a != cut_b:
            periods = {"period_a": _period(cut_a), "period_b": _period(cut_b)}
            reasons.append(Phrase("compare.period", pair | periods))
        if first.metrics.task != run.metrics.task:
            reasons.append(Phrase("compare.task", pair))
    return reasons


def _period(cut: str | None) -> Phrase:
    """A run's test cut in words: its first date, or a random split without dates."""
    if not cut:
        return word("compare.random")
    return Phrase("compare.from", {"date": str(cut)[:10]})


def reason_text(reasons: list[Phrase], language: str = "en") -> str:
    """The reasons as one sentence ("; "-separated; "；" in Chinese)."""
    return ("；" if language == "zh" else "; ").join(r.say(language) for r in reasons)


def compare_runs(runs: list[Run]) -> dict:
    """Test metrics with intervals, differing config fields, and whether the runs compare."""
    if not 2 <= len(runs) <= 4:
        raise ConfigError(f"compare 2 to 4 runs, not {len(runs)}")
    ids = [r.run_id for r in runs]
    if len(set(ids)) < len(ids):
        raise ConfigError("a run is listed twice; pick different runs to compare")
    metrics = pd.DataFrame(
        [row for r in runs for row in _metric_rows(r)],
        columns=["run", "model", "metric", "value", "lo", "hi"],
    )
    reasons = _comparability(runs)
    return {
        "metrics": metrics,
        "config_diff": _config_diff(runs),
        "comparable": not reasons,
        "reason": reason_text(reasons),  # English, as the CLI prints it
        "reasons": reasons,  # riskcore.phrases: the page says them in its language
    }

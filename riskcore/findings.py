"""What a run's trust checks say, in words: the verdict, the benchmark's name, the warnings.

The decisions live in riskcore.verdict and riskcore.train (run_warnings); this module only turns
them into sentences, so the Results page, the report and the CLI say the same thing. Each layer
brings its own translation function `t(key, **values)` (ui.i18n for the app, riskcore.report's
TEXTS for the PDF and the CLI); both tables hold the keys used here.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from riskcore.verdict import Verdict

Translate = Callable[..., str]


def number(value: object) -> str:
    """Three decimals, "–" for a missing value."""
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "–"
    return f"{float(value):.3f}"


def benchmark_label(entry: dict | None, t: Translate) -> str:
    """ "trailing volatility of ret_1d": the one-number benchmark named as an analyst reads it."""
    if not entry or not entry.get("input"):
        return t("model.benchmark")
    stat = entry.get("stat") or "value"
    return t(f"benchmark.{stat}", input=entry["input"])


def model_label(name: str, test: dict, t: Translate) -> str:
    """A model's display name; the benchmark says which input it is."""
    if name == "benchmark":
        return f"{t('model.benchmark')}: {benchmark_label(test.get('benchmark'), t)}"
    return t(f"model.{name}")


def verdict_sentence(v: Verdict, test: dict, t: Translate) -> str:
    """The facts (both values and the paired interval of the difference), then the outcome."""
    if v.outcome == "undefined":
        return t("verdict.undefined")
    lo, hi = v.advantage_ci
    facts = t(
        "verdict.facts",
        metric=t(f"metric.{v.metric}"),
        model=number(v.model_value),
        base=model_label(v.comparator, test, t),
        base_value=number(v.comparator_value),
        diff=f"{v.advantage:+.3f}",
        lo=f"{lo:+.3f}" if math.isfinite(lo) else "–",
        hi=f"{hi:+.3f}" if math.isfinite(hi) else "–",
    )
    return f"{facts} {t(f'verdict.{v.outcome}')}".replace("。 ", "。")


def warning_sentences(warnings: list[dict], test: dict, t: Translate) -> list[str]:
    """One sentence per warning of metrics.json, naming the input or model and the numbers."""
    out = []
    for w in warnings or []:
        kind = w.get("kind")
        if kind == "leak_input":
            label = benchmark_label(w, t)
            out.append(t("warning.leak_input", input=label, auc=number(w.get("auc"))))
        elif kind == "too_good_model":
            name = model_label(w.get("model", "model"), test, t)
            out.append(t("warning.too_good_model", model=name, auc=number(w.get("roc_auc"))))
        elif kind == "event_rate_shift":
            out.append(
                t(
                    "warning.event_rate_shift",
                    train=f"{w.get('train', math.nan):.1%}",
                    test=f"{w.get('test', math.nan):.1%}",
                )
            )
    return out

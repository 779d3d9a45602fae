"""What a run's trust checks say, in words: the verdict, the benchmark's name, the warnings.

The decisions live in riskcore.verdict and riskcore.train (run_warnings); this module only turns
them into sentences, so the Results page, the report and the CLI say the same thing. Each layer
brings its own translation function `t(key, **values)` (ui.i18n for the app, riskcore.report's
TEXTS for the PDF and the CLI); both tables include FINDINGS_TEXT below.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from riskcore.verdict import Verdict

Translate = Callable[..., str]

# The sentences of this module, key: (English, 简体中文). Both the report's TEXTS and the app's
# TEXT include this table, so the verdict reads the same everywhere.
FINDINGS_TEXT: dict[str, tuple[str, str]] = {
    "metric.roc_auc": ("ROC-AUC", "ROC-AUC"),
    "metric.rmse": ("RMSE", "均方根误差 RMSE"),
    "metric.pinball": ("pinball loss (bp)", "分位数损失（pinball，基点）"),
    "model.historical": ("Historical simulation", "历史模拟法"),
    "model.garch": ("GARCH(1,1)-t", "GARCH(1,1)-t"),
    "model.fhs": ("Filtered historical simulation", "过滤历史模拟法"),
    "model.benchmark": ("Best single input", "最佳单一输入"),
    "model.benchmark_named": ("Best single input: {input}", "最佳单一输入：{input}"),
    "benchmark.std": ("trailing volatility of {input}", "{input} 的窗口波动率"),
    "benchmark.mean": ("window mean of {input}", "{input} 的窗口均值"),
    "benchmark.last": ("{input} (latest value)", "{input}（最新值）"),
    "benchmark.value": ("{input}", "{input}"),
    "verdict.facts": (
        "On the test period the deep model's {metric} is {model} against {base_value} for the "
        "best comparator, {base}: the deep model's advantage is {diff} (paired 95% interval {lo} "
        "to {hi}; above zero favours the deep model, whichever way the metric runs).",
        "测试期内深度模型的 {metric} 为 {model}，最佳对照模型（{base}）为 {base_value}："
        "深度模型的优势为 {diff}（配对 95% 区间 {lo} 至 {hi}；无论指标越大越好还是越小越好，"
        "大于零均表示深度模型更优）。",
    ),
    "verdict.better": (
        "The deep model beats the best comparator: the paired interval lies above zero.",
        "深度模型优于最佳对照模型：配对区间整体高于零。",
    ),
    "verdict.within": (
        "The deep model is ahead, but the paired interval includes zero: not a clear win.",
        "深度模型领先，但配对区间包含零：优势不显著。",
    ),
    "verdict.worse": (
        "The comparator does at least as well; prefer it or revisit the deep model.",
        "对照模型不逊于深度模型；应优先采用它或重新审视深度模型。",
    ),
    "verdict.undefined": (
        "The models cannot be compared on the test period (it holds one class only, or a "
        "comparator has no score on it).",
        "无法在测试期比较模型（测试期只有一个类别，或某个对照模型在其上没有得分）。",
    ),
    "recommend.simpler_within_noise": (
        "Recommended: {model}. On the validation split it scores {value} against {other_value} "
        "for {other}, the best model there; that difference of {diff} (paired 95% interval "
        "{lo} to {hi}) is within noise, and the simpler model is easier to validate, explain "
        "and run.",
        "推荐：{model}。在验证集上其得分为 {value}，验证集最佳模型{other}为 {other_value}；"
        "差异 {diff}（配对 95% 区间 {lo} 至 {hi}）在噪声范围内，而更简单的模型更易于验证、"
        "解释和运行。",
    ),
    "recommend.best_clearly": (
        "Recommended: {model}. On the validation split it scores {value}, ahead of the best "
        "simpler model, {other} ({other_value}), by {diff} (paired 95% interval {lo} to {hi}, "
        "above zero).",
        "推荐：{model}。在验证集上其得分为 {value}，领先最佳的更简单模型{other}（{other_value}）"
        "{diff}（配对 95% 区间 {lo} 至 {hi}，整体高于零）。",
    ),
    "recommend.simplest_is_best": (
        "Recommended: {model}, the simplest model, which also scores best on the validation "
        "split ({value}).",
        "推荐：{model}。它是最简单的模型，在验证集上得分也最好（{value}）。",
    ),
    "recommend.note": (
        "Chosen on the validation split by {metric}; the test split is not used to choose, so "
        "the test metrics stay an honest estimate of the chosen model.",
        "按 {metric} 在验证集上选出；测试集不参与选择，因此测试指标仍是所选模型的无偏估计。",
    ),
    "warning.leak_input": (
        "Too good to be true: {input} alone separates the training labels almost perfectly "
        "(ROC-AUC {auc}). Check that it is not the target or computed from rows after the "
        "prediction date.",
        "好得难以置信：仅凭 {input} 就几乎完美区分了训练标签（ROC-AUC {auc}）。"
        "请确认它不是目标本身，也不是由预测日期之后的数据计算得出。",
    ),
    "warning.too_good_model": (
        "Too good to be true: {model} scores ROC-AUC {auc} on validation. Real risk events are "
        "rarely this predictable; look for an input that leaks the answer.",
        "好得难以置信：{model} 在验证集上的 ROC-AUC 为 {auc}。真实风险事件很少如此可预测；"
        "请检查是否有输入泄露了答案。",
    ),
    "warning.event_rate_shift": (
        "The event rate moves from {train} in training to {test} in test: Brier score, PR-AUC, "
        "calibration and risk-band counts on test reflect that shift, not only the model.",
        "事件发生率从训练集的 {train} 变为测试集的 {test}：测试集上的 Brier 分数、PR-AUC、"
        "校准与风险档计数反映了这一变化，而不仅是模型本身。",
    ),
}


# Metrics shown in another unit than stored: a pinball loss of returns is a few 1e-4, so it is
# shown in basis points (its label says so) rather than as "0.000".
DISPLAY_SCALE = {"pinball": 1e4}


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
        return t("model.benchmark_named", input=benchmark_label(test.get("benchmark"), t))
    return t(f"model.{name}")


def verdict_sentence(v: Verdict, test: dict, t: Translate) -> str:
    """The facts (both values and the paired interval of the difference), then the outcome."""
    if v.outcome == "undefined":
        return t("verdict.undefined")
    scale = DISPLAY_SCALE.get(v.metric, 1.0)
    lo, hi = (x * scale for x in v.advantage_ci)
    facts = t(
        "verdict.facts",
        metric=t(f"metric.{v.metric}"),
        model=number(v.model_value * scale),
        base=model_label(v.comparator, test, t),
        base_value=number(v.comparator_value * scale),
        diff=f"{v.advantage * scale:+.3f}",
        lo=f"{lo:+.3f}" if math.isfinite(lo) else "–",
        hi=f"{hi:+.3f}" if math.isfinite(hi) else "–",
    )
    return f"{facts} {t(f'verdict.{v.outcome}')}".replace("。 ", "。")


def recommendation_sentence(rec: dict | None, test: dict, t: Translate) -> str:
    """ "Recommended: gradient boosting. ..." from metrics.json's `recommended`; "" without."""
    if not rec:
        return ""
    scale = DISPLAY_SCALE.get(rec["metric"], 1.0)
    lo, hi = (x * scale for x in rec.get("advantage_ci", [math.nan, math.nan]))
    sentence = t(
        f"recommend.{rec['reason']}",
        model=model_label(rec["model"], test, t),
        value=number(rec["value"] * scale),
        other=model_label(rec["other"], test, t),
        other_value=number(rec["other_value"] * scale),
        diff=f"{rec['advantage'] * scale:+.3f}",
        lo=f"{lo:+.3f}" if math.isfinite(lo) else "–",
        hi=f"{hi:+.3f}" if math.isfinite(hi) else "–",
    )
    note = t("recommend.note", metric=t(f"metric.{rec['metric']}"))
    return f"{sentence} {note}".replace("。 ", "。")


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

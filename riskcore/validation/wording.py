"""Check details and skip reasons as phrases (riskcore.phrases): validation.json keeps each
detail's English sentence (what the CLI prints, and what a reader of an older file falls back
to) and beside it the phrase, so the Validate page and the report say it in their own
language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from riskcore.phrases import Phrase, register
from riskcore.phrases import model as model
from riskcore.phrases import word as word
from riskcore.validation.terms import SCALE_TERMS

VALIDATION_PHRASES: dict[str, tuple[str, str]] = {
    # words
    "light.green": ("green", "绿灯"),
    "light.amber": ("amber", "黄灯"),
    "light.red": ("red", "红灯"),
    "outcome.better": ("better", "更优"),
    "outcome.within": ("within", "差异在区间内"),
    "outcome.worse": ("worse", "更差"),
    "reading.stable": ("stable", "稳定"),
    "reading.moderate_shift": ("moderate shift", "中度偏移"),
    "reading.major_shift": ("major shift", "显著偏移"),
    "reading.unknown": ("unknown", "未知"),
    "zone.green": ("green", "绿区"),
    "zone.yellow": ("yellow", "黄区"),
    "zone.red": ("red", "红区"),
    "window.last 250": ("last 250", "最近 250 行"),
    "window.all": ("all", "全部行"),
    "metric.pinball": ("pinball", "分位数损失"),
    "unit.bp": (" bp", " 基点"),
    "side.under": ("one-sided", "单侧"),
    "side.both": ("both tails", "双侧"),
    "undefined": ("undefined", "无定义"),
    "none": ("-", "–"),
    # pieces
    "ci": (" (95% CI {lo:.3f} to {hi:.3f})", "（95% 置信区间 {lo:.3f} 至 {hi:.3f}）"),
    "ci.percent": (" (95% CI {lo:.2%} to {hi:.2%})", "（95% 置信区间 {lo:.2%} 至 {hi:.2%}）"),
    "listed": (": {items}", "：{items}"),
    "where.test": ("test", "测试集"),
    "where.new_rows": ("{n} new rows", "{n} 行新数据"),
    "where.test_period": (
        "; on the run's test period (the comparators are not refit on new data)",
        "；基于该运行的测试期（对照模型不在新数据上重新拟合）",
    ),
    "psi.score": ("score", "评分"),
    "psi.whole": ("the whole split", "整个划分"),
    "psi.period": ("period {period}", "期间 {period}"),
    "psi.at": (
        "{feature} in {where}: {psi:.3f} ({reading})",
        "{feature}，{where}：{psi:.3f}（{reading}）",
    ),
    "grade": ("grade {grade} {light} (p {p:.3g})", "等级 {grade} {light}（p 值 {p:.3g}）"),
    "grades.green": ("all {n} non-empty grades green", "全部 {n} 个非空等级为绿灯"),
    "entities.below": (
        "; below {below:g} for {n} entities: {items}",
        "；{n} 个实体低于 {below:g}：{items}",
    ),
    "tl.worst": ("worst entity {entity}", "最差实体 {entity}"),
    "tl.pooled": ("pooled over {n} entities", "{n} 个实体合并"),
    "tl.plus": (", plus factor {plus:.2f}", "，附加因子 {plus:.2f}"),
    "tl.entities": (
        "; entities (last 250 rows) red {red}, yellow {yellow}, green {green}",
        "；各实体（最近 250 行）红区 {red} 个、黄区 {yellow} 个、绿区 {green} 个",
    ),
    "p": ("{p:.3g}", "{p:.3g}"),
    "four_fifths": ("; four-fifths rule failed by {items}", "；未通过五分之四规则：{items}"),
    "es.z2": ("Z2 {z2:+.2f} (zone {zone})", "Z2 {z2:+.2f}（{zone}）"),
    "es.z2_undefined": (
        "Z2 undefined (no row, or an ES on a breach day that is not a loss)",
        "Z2 无定义（没有行，或突破日的 ES 不是损失）",
    ),
    # check details
    "detail.gini": (
        "Gini {value:.3f}{interval} on {where}",
        "{where}上的 Gini {value:.3f}{interval}",
    ),
    "detail.comparator_undefined": (
        "no comparator metric to compare with (undefined verdict)",
        "没有可比较的对照模型指标（结论未定）",
    ),
    "detail.comparator": (
        "deep model {model:.3f}{unit} vs {comparator} {other:.3f}{unit} ({metric}); advantage "
        "{advantage:+.3f}{unit} (95% CI {lo:+.3f} to {hi:+.3f}); verdict {outcome}{where}",
        "深度模型 {model:.3f}{unit}，{comparator} {other:.3f}{unit}（{metric}）；优势 "
        "{advantage:+.3f}{unit}（95% 置信区间 {lo:+.3f} 至 {hi:+.3f}）；结论：{outcome}{where}",
    ),
    "detail.grades": ("{test!c} test, {side}; {listed}", "检验：{test}，{side}；{listed}"),
    "detail.hosmer_lemeshow": (
        "H {h:.2f} on {df} df ({groups} groups); mean PD {mean_pd:.4f} vs observed {observed:.4f}",
        "H 统计量 {h:.2f}，自由度 {df}（{groups} 组）；平均 PD {mean_pd:.4f}，实际事件率 "
        "{observed:.4f}",
    ),
    "detail.spiegelhalter": (
        "z {z:+.2f}; calibration slope {slope:.2f}, intercept {intercept:+.2f}",
        "z {z:+.2f}；校准斜率 {slope:.2f}，截距 {intercept:+.2f}",
    ),
    "detail.discrimination": (
        "{flagged} of {eligible} periods with enough rows have their ROC-AUC interval below the "
        "whole-test {overall:.3f}{names}",
        "在样本充足的 {eligible} 个期间中，有 {flagged} 个的 ROC-AUC 区间低于整个测试集的 "
        "{overall:.3f}{names}",
    ),
    "detail.psi": ("largest: {where}", "最大：{where}"),
    "detail.no_rows": ("no rows to compare", "没有可比较的行"),
    "detail.no_segment": (
        "no segment of '{column}' with enough rows",
        "“{column}”没有样本充足的分组",
    ),
    "detail.adverse_impact": (
        "{column}: '{low}' approved {low_rate:.1%} vs '{best}' {best_rate:.1%} (ratio "
        "{ratio:.2f}) at threshold {threshold:.3g}{failed}",
        "{column}：“{low}”批准率 {low_rate:.1%}，“{best}” {best_rate:.1%}（比值 {ratio:.2f}），"
        "阈值 {threshold:.3g}{failed}",
    ),
    "detail.no_backtest": (
        "no backtest of the {confidence} VaR stored or computed",
        "未保存也未计算 {confidence} VaR 的回测",
    ),
    "detail.traffic_light": (
        "{where}: {exceptions} exceptions in {n} rows ({window}), zone {zone}, P(X <= x) "
        "{p:.4f}{plus}{entities}",
        "{where}：{n} 行中例外 {exceptions} 次（{window}），{zone}，P(X ≤ x) {p:.4f}{plus}"
        "{entities}",
    ),
    "detail.p": ("{what}, p {p}{flagged}", "{what}，p 值 {p}{flagged}"),
    "detail.kupiec": (
        "{breaches} breaches in {n} rows, rate {rate:.2%}{interval} against {level:.2%}; LR "
        "{lr:.2f}",
        "{n} 行中突破 {breaches} 次，突破率 {rate:.2%}{interval}，目标 {level:.2%}；LR {lr:.2f}",
    ),
    "detail.independence": (
        "breaches one day after another, first-order Markov test, LR {lr:.2f} (1 df)",
        "连日突破，一阶马尔可夫检验，LR {lr:.2f}（自由度 1）",
    ),
    "detail.conditional_coverage": (
        "breach rate and independence together, LR {lr:.2f} (2 df)",
        "突破率与独立性联合检验，LR {lr:.2f}（自由度 2）",
    ),
    "detail.es": (
        "{z2}; McNeil-Frey p {p} over {exceedances} exceedances{flagged}",
        "{z2}；McNeil-Frey p 值 {p}，基于 {exceedances} 次超出{flagged}",
    ),
    # why a check, or the migration matrix, was not made
    "skip.no_segment_column": (
        "no segment column (--segment or segments.column)",
        "没有分组列（--segment 或 segments.column）",
    ),
    "skip.cross_sectional": ("no dates: cross-sectional data", "没有日期：横截面数据"),
    "skip.no_inputs": ("no inputs to compare", "没有可比较的输入"),
    "skip.no_reference": ("the run has no reference.csv", "该运行没有 reference.csv"),
    "skip.var_backtests": (
        "a VaR / ES run is validated on its backtests",
        "VaR / ES 运行以其回测来验证",
    ),
    "skip.no_panel_row": (
        "the run's predictions carry no panel row",
        "该运行的预测不含面板行号",
    ),
    "skip.no_preprocessing": ("the run has no saved preprocessing", "该运行没有保存预处理"),
    "skip.store": ("{text}", "无法读取该运行保存的输入：{text}"),
    "skip.not_pd": (
        "a VaR / ES run gives return quantiles, not default probabilities: the var_* checks "
        "gate it",
        "VaR / ES 运行给出的是收益分位数而非违约概率：由 VaR / ES 回测检查把关",
    ),
    "skip.var_comparator": (
        "a VaR / ES run is compared on the pinball loss instead (var_comparator)",
        "VaR / ES 运行改用分位数损失与对照模型比较",
    ),
    "skip.var_adverse_impact": (
        "no approval decision to compare across segments in a VaR / ES run",
        "VaR / ES 运行没有可跨分组比较的批准决策",
    ),
    "skip.segment_unused": (
        "{reason} (segment '{segment}' not used)",
        "{reason}（未使用分组“{segment}”）",
    ),
    "skip.var_migration": (
        "a VaR / ES run has no grades to migrate",
        "VaR / ES 运行没有可迁移的等级",
    ),
    "skip.no_panel": ("no panel of entities over time", "没有随时间观测的实体面板"),
}
register(VALIDATION_PHRASES)
register({f"term.{kind}.{value}": words for (kind, value), words in SCALE_TERMS.items()})


def reading(value: object) -> Phrase | str:
    """riskcore.drift's reading of a PSI ("moderate shift") as a phrase; an unknown one as
    stored. One table for the check details and the Validate page's PSI table."""
    key = f"reading.{str(value).replace(' ', '_')}"
    return word(key) if key in VALIDATION_PHRASES else str(value)


def reason(item: Mapping, language: str = "en") -> str:
    """A skipped check's (or the migration matrix's) reason in `language`: from its phrase
    when stored, else the English text an older validation.json holds."""
    phrase = Phrase.from_dict(item.get("phrase"))
    return phrase.say(language) if phrase else str(item.get("reason", ""))


def reasoned(phrase: Phrase, **entry: Any) -> dict:
    """A skipped check or a missing matrix as validation.json stores it: the English reason,
    for the CLI and old readers, and the phrase."""
    return {**entry, "reason": phrase.say(), "phrase": phrase.to_dict()}

"""Static matplotlib charts for the PDF report, returned as PNG bytes sized to the page.

The object-oriented API (Figure + FigureCanvasAgg) is used instead of pyplot, so building a
report never switches the process's backend or leaves figures alive in a server process. Every
text comes through a `t(key)` callable (the report's translation table). Chinese chart text
needs a CJK font: the file the PDF embeds (riskcore.report.fonts), else "Noto Sans CJK SC" or
another Noto / Source Han family when one is installed; it is also the fallback for Chinese
entity or feature names in English charts.
Colours are the dashboard's (riskcore.charts.base.COLOURS), so the PDF matches the screen.
"""

from __future__ import annotations

import io
import logging
import textwrap
import threading
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from functools import cache

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from riskcore import metrics as M
from riskcore.artefacts import DISPLAY_ORDER
from riskcore.charts.base import COLOURS
from riskcore.charts.var import VAR_COLOURS
from riskcore.quantiles import es_column, level_key, var_column

logger = logging.getLogger(__name__)
Translate = Callable[[str], str]
DPI = 170  # print quality; the PDF shows the images at 6.85 inches wide
WIDTH_IN = 6.85  # the PDF frame width (174 mm)
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei")
INK, MUTED, GRID = "#1f2933", "#6b7280", "#e5e7eb"
BAND_COLOURS = ("#2e8b57", "#e6a23c", "#e07b39", "#c0392b")
MODALITY_COLOURS = {
    "sequence": COLOURS["model"],
    "macro": COLOURS["gbm"],
    "sentiment": "#16a085",
    "static": COLOURS["logistic"],
}
_RC_LOCK = threading.Lock()  # rcParams are process-wide; Streamlit sessions are threads
LINE_COLOURS = (COLOURS["model"], "#c0392b", "#16a085", COLOURS["gbm"], "#8e44ad", "#2c3e50")
VAR_SHADES = (COLOURS["model"], COLOURS["model_raw"], "#b9cde3")  # VaR lines, lowest level first


@cache
def cjk_font() -> str | None:
    """The CJK font family of the charts: the PDF's embedded font file (riskcore.report.fonts)
    so charts and text share one typeface, else the first installed CJK family, or None (then
    Chinese reports chart in English)."""
    from matplotlib import font_manager

    from riskcore.report.fonts import cjk_font as report_font

    path = report_font().path
    if path:
        try:
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
        except (OSError, RuntimeError, ValueError) as exc:  # unreadable for FreeType
            logger.warning("matplotlib cannot read the CJK font %s: %s", path, exc)
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FAMILIES if name in installed), None)


@contextmanager
def _style(cjk_first: bool):
    """One look for every chart: small type, light grid, no top or right spines."""
    families = ["DejaVu Sans"]
    if cjk_font():
        families.insert(0 if cjk_first else 1, cjk_font())
    rc = {
        "font.family": families,  # a list, not "sans-serif": only then does a glyph fall back
        "font.size": 7.5,
        "axes.titlesize": 8.5,
        # the CJK font has no bold: Chinese titles are set regular (as the PDF's headings)
        "axes.titleweight": "normal" if cjk_first and cjk_font() else "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 7.5,
        "axes.labelcolor": INK,
        "axes.edgecolor": "#9ca3af",
        "axes.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.unicode_minus": False,
        "grid.color": GRID,
        "grid.linewidth": 0.5,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "xtick.labelsize": 7,
        "ytick.labelsize": 7,
        "legend.fontsize": 6.8,
        "legend.frameon": False,
        "lines.linewidth": 1.3,
    }
    with mpl.rc_context(rc):
        yield


class ChartMaker:
    """Builds the report's charts in one language; `t` maps a key to its text."""

    def __init__(self, t: Translate, cjk_first: bool = False) -> None:
        self.t = t
        self.cjk_first = cjk_first

    def _render(self, draw: Callable[[Figure], None], height: float) -> bytes:
        with _RC_LOCK, _style(self.cjk_first):
            fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
            draw(fig)
            buf = io.BytesIO()
            FigureCanvasAgg(fig).print_png(buf)
        return buf.getvalue()

    # ---- classification -------------------------------------------------------------------
    def roc_and_calibration(
        self,
        y: np.ndarray,
        scores: Mapping[str, np.ndarray],
        raw: Mapping[str, np.ndarray] | None = None,
    ) -> bytes:
        """ROC of every model (on the raw scores, as the ranking metrics are) beside the
        calibration curves of calibration_lines: the deep model's raw and calibrated scores
        when the run keeps raw ones, else every model's stored scores."""
        t, raw = self.t, raw or {}

        def draw(fig: Figure) -> None:
            roc, cal = fig.subplots(1, 2)
            roc.plot(
                [0, 1], [0, 1], ls="--", lw=0.8, color=COLOURS["reference"], label=t("chart.chance")
            )
            for name in (n for n in DISPLAY_ORDER if n in scores):
                colour, lw = COLOURS[name], 1.8 if name == "model" else 1.1
                ranked = raw.get(name, scores[name])
                curve = M.roc_curve_table(y, ranked)
                auc = M.classification_scores(y, ranked)["roc_auc"]
                label = f"{t(f'model.{name}')} ({auc:.3f})"
                roc.plot(curve["fpr"], curve["tpr"], color=colour, lw=lw, label=label)
            for line in calibration_lines(y, scores, raw, t):
                cal.plot(
                    line["mean_score"],
                    line["event_rate"],
                    marker=line["marker"],
                    ms=2.5,
                    color=line["colour"],
                    lw=line["lw"],
                    ls=line["ls"],
                    label=line["label"],
                )
            _finish(roc, t("chart.roc"), t("chart.fpr"), t("chart.tpr"), "lower right")
            _finish(
                cal,
                t("chart.calibration"),
                t("chart.mean_score"),
                t("chart.observed"),
                "upper left",
            )
            for ax in (roc, cal):
                ax.set(xlim=(0, 1), ylim=(0, 1))

        return self._render(draw, 2.9)

    def score_distribution(self, y: np.ndarray, score: np.ndarray, cuts: Sequence[float]) -> bytes:
        """Test scores of events against non-events, with the band cut points."""
        t = self.t

        def draw(fig: Figure) -> None:
            ax = fig.subplots()
            bins = np.linspace(0, 1, 41)
            for value, key, colour in (
                (0, "chart.non_events", COLOURS["non_event"]),
                (1, "chart.events", COLOURS["event"]),
            ):
                part = score[y == value]
                if part.size:
                    weights = np.full(part.size, 1.0 / part.size)
                    ax.hist(
                        part,
                        bins=bins,
                        weights=weights,
                        color=colour,
                        alpha=0.55,
                        label=f"{t(key)} (n={part.size:,})",
                    )
            _band_lines(ax, cuts, vertical=True)
            ax.set_xlim(0, 1)
            _finish(ax, t("chart.distribution"), t("chart.score"), t("chart.share"), "upper center")

        return self._render(draw, 2.2)

    # ---- regression -----------------------------------------------------------------------
    def predicted_vs_actual(self, y: np.ndarray, score: np.ndarray, cuts: Sequence[float]) -> bytes:
        """Predicted against actual on test, beside the distribution of the predictions."""
        t = self.t

        def draw(fig: Figure) -> None:
            scatter, hist = fig.subplots(1, 2)
            lo, hi = float(min(y.min(), score.min())), float(max(y.max(), score.max()))
            scatter.plot([lo, hi], [lo, hi], ls="--", lw=0.8, color=COLOURS["reference"])
            scatter.scatter(y, score, s=4, alpha=0.35, color=COLOURS["model"], linewidths=0)
            _finish(scatter, t("chart.pred_actual"), t("chart.actual"), t("chart.predicted"))
            weights = np.full(score.size, 1.0 / max(score.size, 1))
            hist.hist(score, bins=40, weights=weights, color=COLOURS["model"], alpha=0.7)
            _band_lines(hist, cuts, vertical=True)
            _finish(hist, t("chart.distribution"), t("chart.score"), t("chart.share"))

        return self._render(draw, 2.9)

    # ---- over time ------------------------------------------------------------------------
    def risk_timeline(
        self,
        frame: pd.DataFrame,
        entities: Sequence[str],
        periods: Mapping[str, tuple[pd.Timestamp, pd.Timestamp]],
        cuts: Sequence[float],
        ylabel: str | None = None,
        percent: bool = False,
    ) -> bytes:
        """Score over time of each entity in `entities`, validation and test periods shaded;
        `cuts` in the score's own units, `ylabel` the score's name (default "Score"), the axis
        in percent when `percent` (a VaR)."""
        t = self.t

        def draw(fig: Figure) -> None:
            ax = fig.subplots()
            for split, colour in (("validation", COLOURS["validation"]), ("test", COLOURS["test"])):
                if split in periods:
                    start, end = periods[split]
                    ax.axvspan(start, end, color=colour, alpha=0.25, lw=0)
                    ax.text(
                        start,
                        1.0,
                        " " + t(f"split.{split}"),
                        transform=ax.get_xaxis_transform(),
                        va="top",
                        ha="left",
                        fontsize=6.5,
                        color=MUTED,
                    )
            for i, entity in enumerate(entities):
                times, scores = _with_gaps(frame[frame["entity"] == entity])
                label = entity or t("summary.series")
                ax.plot(times, scores, lw=1.0, color=LINE_COLOURS[i % 6], label=label)
            _band_lines(ax, cuts, vertical=False)
            _finish(ax, t("chart.timeline"), "", ylabel or t("chart.score"), "upper left")
            if percent:
                ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), borderaxespad=0.2)
            locator = mdates.AutoDateLocator(minticks=4, maxticks=8)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))

        return self._render(draw, 2.8)

    # ---- quantile (VaR / ES) --------------------------------------------------------------
    def var_backtest(self, rows: pd.DataFrame, levels: Sequence[float], title: str) -> bytes:
        """One entity's test-period returns (y_true) with the deep model's VaR at each level
        (var_ columns, solid), its ES at the lowest level (dashed) and the breaches of that
        VaR (red crosses): where the tail was missed, and by how much."""
        t = self.t
        rows = rows.sort_values("time")
        times, y = rows["time"].to_numpy(), rows["y_true"].to_numpy(float)
        low = levels[0]

        def draw(fig: Figure) -> None:
            ax = fig.subplots()
            ax.plot(times, y, color="#9ca3af", lw=0.7, label=t("chart.realised"))
            for i, level in enumerate(levels):
                ax.plot(
                    times,
                    rows[var_column(level)].to_numpy(float),
                    color=VAR_SHADES[min(i, len(VAR_SHADES) - 1)],
                    lw=1.5 if i == 0 else 1.0,
                    label=t("chart.var_line").format(level=level_key(level)),
                )
            if es_column(low) in rows:
                ax.plot(
                    times,
                    rows[es_column(low)].to_numpy(float),
                    color=COLOURS["model"],
                    ls="--",
                    lw=0.9,
                    label=t("chart.es_line").format(level=level_key(low)),
                )
            hit = y < rows[var_column(low)].to_numpy(float)
            ax.scatter(
                times[hit],
                y[hit],
                marker="x",
                s=16,
                linewidths=1.1,
                color=COLOURS["event"],
                zorder=5,
                label=t("chart.breach").format(level=level_key(low), n=int(hit.sum())),
            )
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
            locator = mdates.AutoDateLocator(minticks=4, maxticks=8)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
            _finish(ax, title, "", t("chart.return"))
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), borderaxespad=0.2)

        return self._render(draw, 2.9)

    def breach_rates(
        self, test: Mapping[str, Mapping], levels: Sequence[float], labels: Mapping[str, str]
    ) -> bytes:
        """Per level, each model's test breach rate with its 95% interval as a horizontal bar
        (names stay whole in any language) and the level as a dashed line. `test`:
        metrics.json's test block; `labels`: model -> display name, in the order to draw."""
        t = self.t
        shown = [m for m in labels if isinstance((test.get(m) or {}).get("backtest"), dict)]

        def draw(fig: Figure) -> None:
            axes = fig.subplots(1, len(levels), sharey=True, squeeze=False)[0]
            pos = np.arange(len(shown))
            for ax, level in zip(axes, levels, strict=True):
                key = level_key(level)
                rates, errors = np.full(len(shown), np.nan), np.zeros((2, len(shown)))
                for i, m in enumerate(shown):
                    bt = test[m]["backtest"].get(key) or {}
                    rates[i] = float(bt.get("breach_rate", np.nan))
                    lo, hi = bt.get("breach_rate_ci") or (np.nan, np.nan)
                    errors[:, i] = [rates[i] - lo, hi - rates[i]]
                colours = [VAR_COLOURS.get(m, COLOURS["model"]) for m in shown]
                errors = np.nan_to_num(np.clip(errors, 0, None))
                ax.barh(pos, rates, color=colours, height=0.62, xerr=errors, ecolor=INK, capsize=2)
                ax.axvline(level, color=COLOURS["threshold"], ls="--", lw=0.9)
                ax.set_yticks(pos, [labels[m] for m in shown])
                ax.grid(axis="y", visible=False)
                ax.set_axisbelow(True)
                ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
                ax.set_xlim(left=0)
                _finish(ax, t("chart.breach_rates").format(level=key), t("chart.breach_rate"), "")
            axes[0].invert_yaxis()  # shared: the deep model on top in every panel

        return self._render(draw, min(3.2, 1.2 + 0.3 * len(shown)))

    # ---- explanations and scenarios -------------------------------------------------------
    def shap_importance(self, importance: pd.DataFrame, top: int = 12) -> bytes:
        """Mean |SHAP| of the `top` features, largest on top, coloured by modality."""
        t = self.t
        data = importance.sort_values("mean_abs_shap", ascending=False).head(top)[::-1]

        def draw(fig: Figure) -> None:
            ax = fig.subplots()
            modality = data.get("modality", pd.Series("", index=data.index)).fillna("")
            colours = [MODALITY_COLOURS.get(m, COLOURS["model"]) for m in modality]
            ax.barh(data["feature"].astype(str), data["mean_abs_shap"], color=colours, height=0.65)
            ax.grid(axis="y", visible=False)
            handles = [
                mpl.patches.Patch(color=MODALITY_COLOURS[m], label=t(f"modality.{m}"))
                for m in MODALITY_COLOURS
                if m in set(modality)
            ]
            _finish(ax, t("chart.importance"), t("chart.mean_abs_shap"), "")
            if handles:
                ax.legend(handles=handles, loc="lower right")

        return self._render(draw, min(3.6, 0.9 + 0.2 * len(data)))

    def scenario_comparison(
        self,
        names: Sequence[str],
        base: Sequence[float],
        stressed: Sequence[float],
        deltas: Sequence[np.ndarray],
    ) -> bytes:
        """Average score without and with each scenario, beside the spread of the changes."""
        t = self.t
        labels = [_wrap(n) for n in names]
        lines = sum(label.count("\n") + 1 for label in labels)

        def draw(fig: Figure) -> None:
            bars, spread = fig.subplots(1, 2, width_ratios=(1.1, 1))
            pos = np.arange(len(names))
            grey, red = COLOURS["reference"], COLOURS["event"]
            bars.barh(pos - 0.2, base, height=0.38, color=grey, label=t("chart.base"))
            bars.barh(pos + 0.2, stressed, height=0.38, color=red, label=t("chart.stressed"))
            bars.set_yticks(pos, labels)
            bars.invert_yaxis()
            bars.grid(axis="y", visible=False)
            _finish(bars, t("chart.scenarios"), t("chart.score"), "")
            fig.legend(loc="outside lower left", ncols=2)
            spread.boxplot(
                list(deltas),
                orientation="horizontal",
                widths=0.5,
                showfliers=False,
                medianprops={"color": COLOURS["event"]},
                patch_artist=True,
                boxprops={"facecolor": "#f3f4f6", "edgecolor": MUTED},
            )
            spread.set_yticks(pos + 1, [""] * len(names))
            spread.invert_yaxis()
            spread.axvline(0, color=MUTED, lw=0.7)
            _finish(spread, t("chart.deltas"), t("chart.delta"), "")

        return self._render(draw, min(4.8, 1.5 + 0.45 * len(names) + 0.12 * (lines - len(names))))


def calibration_lines(
    y: np.ndarray,
    scores: Mapping[str, np.ndarray],
    raw: Mapping[str, np.ndarray] | None,
    t: Translate,
    bins: int = 10,
) -> list[dict]:
    """The lines of the calibration panel, each {"key", "label", "mean_score", "event_rate",
    style}: the diagonal, then, when the deep model's raw scores exist, its raw scores (dashed)
    and calibrated probabilities (solid) against the observed event rate; without raw scores
    (a run before calibration) every model's stored scores."""
    ref = {"colour": COLOURS["reference"], "lw": 0.8, "ls": "--", "marker": None}
    lines = [
        {
            "key": "perfect",
            "label": t("chart.perfect"),
            "mean_score": np.array([0.0, 1.0]),
            "event_rate": np.array([0.0, 1.0]),
            **ref,
        }
    ]

    def line(key: str, label: str, score: np.ndarray, colour: str, lw: float, ls: str) -> dict:
        table = M.calibration_table(y, score, bins=bins)
        return {
            "key": key,
            "label": label,
            "mean_score": table["mean_score"].to_numpy(float),
            "event_rate": table["event_rate"].to_numpy(float),
            "colour": colour,
            "lw": lw,
            "ls": ls,
            "marker": "o",
        }

    raw = raw or {}
    if "model" in raw and "model" in scores:
        name = t("model.model")
        raw_label = t("chart.raw").format(model=name)
        calibrated_label = t("chart.calibrated").format(model=name)
        return [
            *lines,
            line("model_raw", raw_label, raw["model"], COLOURS["model_raw"], 1.2, "--"),
            line("model", calibrated_label, scores["model"], COLOURS["model"], 1.8, "-"),
        ]
    for name in (n for n in DISPLAY_ORDER if n in scores):
        lw = 1.8 if name == "model" else 1.1
        lines.append(line(name, t(f"model.{name}"), scores[name], COLOURS[name], lw, "-"))
    return lines


def _with_gaps(part: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Times and scores with NaN where the series jumps (the embargo before a split cut), so
    the line breaks there instead of bridging the gap."""
    part = part.sort_values("time")
    times = part["time"].to_numpy()
    scores = part["score"].to_numpy(dtype=float)
    if len(times) < 3:
        return times, scores
    step = np.diff(times)
    gaps = np.flatnonzero(step > 4 * np.median(step)) + 1
    return np.insert(times, gaps, times[gaps - 1] + step[gaps - 1] / 2), np.insert(
        scores, gaps, np.nan
    )


def _wrap(name: str, width: int = 26) -> str:
    """A label on lines of at most `width` columns (a hanzi counts as two), broken at spaces
    where there are some: a scenario's name is never cut short."""
    wide = any(unicodedata.east_asian_width(c) in "WF" for c in name)
    lines = textwrap.wrap(name, width // 2 if wide else width, break_on_hyphens=False)
    return "\n".join(lines) or name


def _band_lines(ax, cuts: Sequence[float], vertical: bool) -> None:
    for cut, colour in zip(cuts, BAND_COLOURS[1:], strict=True):
        line = ax.axvline if vertical else ax.axhline
        line(cut, color=colour, ls=":", lw=0.9)


def _finish(ax, title: str, xlabel: str, ylabel: str, legend: str | None = None) -> None:
    ax.set_title(title, color=INK)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(loc=legend)

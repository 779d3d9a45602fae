"""The VaR backtesting section of a quantile run's report, as a model validator reads it.

Per model the pinball loss (in basis points, riskcore.findings.DISPLAY_SCALE) with its interval
and the paired difference to the deep model, then the verdict; per VaR level every model's
breaches, breach rate against the level, Kupiec, Christoffersen and conditional-coverage p, the
Basel traffic light (pooled) and the ES backtest (Z2 and its zone, McNeil-Frey); the deep
model per entity over the Basel window of its last 250 test rows; and the figures. Everything
comes from metrics.json as riskcore.quantile_run writes it (test, paired, by_entity) and from
the var_ / es_ columns of the predictions.

The rows are plain Cells, so the PDF (section below) and the Word document
(riskcore.report.word) print the same numbers; the PDF's tables shade the zone cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from riskcore.findings import DISPLAY_SCALE
from riskcore.quantiles import level_key, var_column
from riskcore.report.layout import (
    FRAME_W,
    LIGHT_FILL,
    LIGHT_INK,
    ZONE_LIGHT,
    Styles,
    data_table,
    figure,
)

if TYPE_CHECKING:  # sections imports this module; the context is only a type here
    from riskcore.report.figures import ChartMaker
    from riskcore.report.sections import ReportContext

BP = DISPLAY_SCALE["pinball"]
ZONES = ("green", "yellow", "red")


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, a second line in small type (an interval), and the Basel or
    Z2 zone it is shaded by."""

    text: str
    sub: str = ""
    zone: str | None = None

    def flat(self) -> str:
        """One line, for the Word document: "2.22% [1.49% – 2.95%]", "-2.13 (red)"."""
        if not self.sub:
            return self.text
        if self.sub.startswith("["):  # a paired interval prints its own brackets
            return f"{self.text} {self.sub}"
        return f"{self.text} ({self.sub})" if self.zone else f"{self.text} [{self.sub}]"


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)


def p_value(value: object) -> str:
    """Three significant digits; "< 0.001" below that, as validation reports print it."""
    if not _finite(value):
        return "–"
    return "< 0.001" if float(value) < 0.001 else f"{float(value):.3g}"


def rate(value: object) -> str:
    return f"{float(value):.2%}" if _finite(value) else "–"


def bp(value: object, signed: bool = False) -> str:
    if not _finite(value):
        return "–"
    return f"{float(value) * BP:+.2f}" if signed else f"{float(value) * BP:.2f}"


def interval(ci: object, fmt=rate, signed: bool = False) -> str:
    """ "lo – hi" of a [lo, hi] pair, "[lo, hi]" for signed differences (as the other reports
    print a paired interval); "" when there is none."""
    if not isinstance(ci, list | tuple) or len(ci) != 2 or not all(map(_finite, ci)):
        return ""
    return f"[{fmt(ci[0])}, {fmt(ci[1])}]" if signed else f"{fmt(ci[0])} – {fmt(ci[1])}"


def zone_word(ctx: ReportContext, zone: object) -> str:
    return ctx.t(f"var.zone.{zone if zone in ZONES else 'none'}")


# ---- the numbers ------------------------------------------------------------------------------
def models(ctx: ReportContext) -> list[str]:
    """The models with backtests, deep model first."""
    return [n for n in ctx.model_names if isinstance(ctx.test[n].get("backtest"), dict)]


def backtest_of(ctx: ReportContext, name: str, level: float) -> dict:
    return (ctx.test.get(name) or {}).get("backtest", {}).get(level_key(level)) or {}


def by_entity(ctx: ReportContext, level: float, name: str = "model") -> dict[str, dict]:
    """metrics.json's by_entity.<name>.<level>: entity -> its backtest (Basel window: its last
    250 test rows), entities in name order."""
    found = ((ctx.run.metrics.get("by_entity") or {}).get(name) or {}).get(level_key(level)) or {}
    return {e: found[e] for e in sorted(found) if isinstance(found[e], dict)}


def zone_counts(ctx: ReportContext, level: float) -> dict[str, int]:
    """How many entities of the deep model are green, yellow and red at `level`."""
    zones = [(bt.get("traffic_light") or {}).get("zone") for bt in by_entity(ctx, level).values()]
    return {z: zones.count(z) for z in ZONES}


def pinball_header(ctx: ReportContext) -> list[str]:
    t = ctx.t
    return [
        t("col.model"),
        t("var.col.pinball"),
        *(t("var.col.pinball_level", level=level_key(a)) for a in ctx.levels),
        t("var.col.paired"),
    ]


def pinball_rows(ctx: ReportContext) -> tuple[list[list[Cell]], str | None]:
    """Per model: pinball (bp) with its interval, per level, and the comparator's paired
    difference to the deep model (positive: the deep model is better). Also the best model."""
    paired = ctx.run.metrics.paired or {}
    names = models(ctx)
    rows = []
    for name in names:
        scores = ctx.test[name]
        by_level = scores.get("pinball_by_level") or {}
        diff = paired.get(name) or {}
        rows.append(
            [
                Cell(ctx.label(name)),
                Cell(bp(scores.get("pinball")), interval(scores.get("pinball_ci"), bp)),
                *(Cell(bp(by_level.get(level_key(a)))) for a in ctx.levels),
                Cell(
                    bp(diff.get("pinball"), signed=True),
                    interval(diff.get("pinball_ci"), lambda v: bp(v, signed=True), signed=True),
                )
                if diff
                else Cell("–"),
            ]
        )
    values = {n: ctx.test[n].get("pinball") for n in names if _finite(ctx.test[n].get("pinball"))}
    return rows, min(values, key=values.get) if values else None


def backtest_header(ctx: ReportContext) -> list[str]:
    keys = ("breaches", "rate", "kupiec", "christoffersen", "cc", "zone", "z2", "mcneil_frey")
    return [ctx.t("col.model"), *(ctx.t(f"var.col.{k}") for k in keys)]


def _z2(ctx: ReportContext, bt: dict, inline: bool = False) -> Cell:
    """Z2 with its zone below it, or beside it (`inline`, for the long per-entity table)."""
    z2, zone = bt.get("es_z2"), bt.get("es_zone")
    if not _finite(z2):
        return Cell("–")
    if inline:
        return Cell(f"{float(z2):+.2f} ({zone_word(ctx, zone)})", zone=zone)
    return Cell(f"{float(z2):+.2f}", zone_word(ctx, zone), zone)


def _tests(ctx: ReportContext, bt: dict) -> list[Cell]:
    """Breaches / n, the rate with its interval and the three coverage p-values."""
    n = bt.get("n")
    return [
        Cell(f"{bt.get('breaches', 0):,} / {n:,}" if _finite(n) else "–"),
        Cell(rate(bt.get("breach_rate")), interval(bt.get("breach_rate_ci"))),
        Cell(p_value(bt.get("kupiec_p"))),
        Cell(p_value(bt.get("christoffersen_p"))),
        Cell(p_value(bt.get("conditional_coverage_p"))),
    ]


def backtest_rows(ctx: ReportContext, level: float) -> list[list[Cell]]:
    """Per model, pooled over entities on the test period."""
    rows = []
    for name in models(ctx):
        bt = backtest_of(ctx, name, level)
        if not bt:
            continue
        light = (bt.get("traffic_light") or {}).get("zone")
        rows.append(
            [
                Cell(ctx.label(name)),
                *_tests(ctx, bt),
                Cell(zone_word(ctx, light), zone=light),
                _z2(ctx, bt),
                Cell(p_value(bt.get("es_mcneil_frey_p"))),
            ]
        )
    return rows


def entity_header(ctx: ReportContext) -> list[str]:
    keys = ("breaches", "rate_only", "kupiec", "christoffersen", "cc", "exceptions", "zone", "plus")
    return [ctx.t("col.entity"), *(ctx.t(f"var.col.{k}") for k in keys), ctx.t("var.col.z2")]


def entity_rows(ctx: ReportContext, level: float) -> list[list[Cell]]:
    """The deep model per entity: tests over all its test rows, the traffic light (exceptions,
    zone, plus factor) over its last 250, and the ES test."""
    rows = []
    for entity, bt in by_entity(ctx, level).items():
        light = bt.get("traffic_light") or {}
        plus = light.get("plus_factor")
        rows.append(
            [
                Cell(ctx.entity(entity)),
                *_tests(ctx, bt),
                Cell(f"{light.get('exceptions', 0)} / {light.get('n', 0)}" if light else "–"),
                Cell(zone_word(ctx, light.get("zone")), zone=light.get("zone")),
                Cell(f"{float(plus):.2f}" if _finite(plus) else "–"),
                _z2(ctx, bt, inline=True),
            ]
        )
    return rows


def worst_entity(ctx: ReportContext) -> tuple[str, dict] | None:
    """The entity whose deep-model VaR at the lowest level fared worst in its Basel window
    (most exceptions, then most breaches): the one a validator looks at first."""
    found = by_entity(ctx, ctx.levels[0]) if ctx.levels else {}
    if not found:
        return None

    def badness(item: tuple[str, dict]) -> tuple[int, int]:
        light = item[1].get("traffic_light") or {}
        return int(light.get("exceptions") or 0), int(item[1].get("breaches") or 0)

    return max(found.items(), key=badness)


def backtest_sentence(ctx: ReportContext) -> str | None:
    """The deep model's backtest at the lowest level in one sentence (executive summary)."""
    level = ctx.levels[0] if ctx.levels else None
    bt = backtest_of(ctx, "model", level) if level is not None else {}
    if not bt:
        return None
    counts = zone_counts(ctx, level)
    return ctx.t(
        "summary.backtest",
        confidence=ctx.confidence(level),
        breaches=f"{bt.get('breaches', 0):,}",
        n=f"{bt.get('n', 0):,}",
        rate=rate(bt.get("breach_rate")),
        level=f"{100 * level:.4g}%",
        kupiec=p_value(bt.get("kupiec_p")),
        christoffersen=p_value(bt.get("christoffersen_p")),
        zone=zone_word(ctx, (bt.get("traffic_light") or {}).get("zone")),
        **counts,
    )


# ---- the figures -----------------------------------------------------------------------------
def var_figures(ctx: ReportContext, maker: ChartMaker) -> list[tuple[bytes, str]]:
    """(PNG, caption text): the worst entity's returns with the deep model's VaR and ES and its
    breaches, then every model's breach rate at each level."""
    out = []
    worst = worst_entity(ctx)
    p = ctx.run.predictions
    low = ctx.levels[0] if ctx.levels else None
    if worst is not None and low is not None and var_column(low) in p:
        entity, bt = worst
        rows = p[(p["split"] == "test") & (p["entity"] == entity)]
        if len(rows):
            title = ctx.t("chart.var_title", entity=ctx.entity(entity))
            png = maker.var_backtest(rows, ctx.levels, title)
            light = bt.get("traffic_light") or {}
            caption = ctx.t(
                "caption.var_backtest",
                entity=ctx.entity(entity),
                confidence=ctx.confidence(low),
                exceptions=light.get("exceptions", "–"),
                zone=zone_word(ctx, light.get("zone")),
            )
            out.append((png, caption))
    names = models(ctx)
    if names and ctx.levels:
        labels = {n: ctx.label(n) for n in names}
        out.append(
            (maker.breach_rates(ctx.test, ctx.levels, labels), ctx.t("caption.breach_rates"))
        )
    return out


# ---- the PDF section -------------------------------------------------------------------------
def _cells(st: Styles, rows: list[list[Cell]], bold_row: int | None = None) -> tuple[list, list]:
    """Paragraphs of the rows (zone words coloured, intervals in small grey type below) and
    the commands that shade the zone cells."""
    body, shading = [], []
    for i, row in enumerate(rows, start=1):
        cells = []
        for j, cell in enumerate(row):
            light = ZONE_LIGHT.get(cell.zone) if cell.zone else None
            text = st.esc(cell.text)
            if i - 1 == bold_row and j == 1:
                text = f'<font name="{st.bold}">{text}</font>'
            if light:
                text = f'<font color="{LIGHT_INK[light]}">{text}</font>'
                shading.append(("BACKGROUND", (j, i), (j, i), colors.HexColor(LIGHT_FILL[light])))
            if cell.sub:
                ink = LIGHT_INK[light] if light else "#6b7280"
                text += f'<br/><font size="6.5" color="{ink}">{st.esc(cell.sub)}</font>'
            cells.append(st.rich(text, "cell" if j == 0 else "cell_r"))
        body.append(cells)
    return body, shading


def _table(
    st: Styles, header: list[str], rows: list[list[Cell]], widths: list[float], best: int | None
) -> Flowable:
    """A backtest table with narrow cell padding: nine or ten columns share the page width."""
    body, shading = _cells(st, rows, best)
    head = [st.p(h, "head" if j == 0 else "head_r") for j, h in enumerate(header)]
    padding = [(side, (0, 0), (-1, -1), 3.5) for side in ("LEFTPADDING", "RIGHTPADDING")]
    return data_table(st, head, body, widths, extra=[*padding, *shading])


def _widths(first: float, count: int) -> list[float]:
    return [first, *([(FRAME_W - first) / count] * count)]


# Column widths (mm) of the pooled and the per-entity backtest tables; the first takes the rest.
POOLED_MM = (0, 18, 21, 13, 22, 15, 15, 15, 19)
ENTITY_MM = (0, 16, 15, 13, 22, 15, 18, 15, 13, 23)


def _fill(widths_mm: tuple[int, ...]) -> list[float]:
    widths = [w * mm for w in widths_mm]
    widths[0] = FRAME_W - sum(widths)
    return widths


def var_section(
    ctx: ReportContext, st: Styles, maker: ChartMaker, intervals: str, verdict: str
) -> list[Flowable]:
    """The section: pinball by model and the verdict, then per level the pooled backtests and
    the deep model per entity, then the figures. The caller (riskcore.report.sections) passes
    its chart maker, interval wording and verdict sentence, so this module never imports it."""

    t = ctx.t
    if not models(ctx):
        return [st.p(t("var.none"))]
    rows, best = pinball_rows(ctx)
    names = models(ctx)
    best_row = names.index(best) if best in names else None
    pinball = _table(st, pinball_header(ctx), rows, _widths(44 * mm, len(ctx.levels) + 2), best_row)
    note = t(
        "var.note",
        n=f"{ctx.run.metrics.rows.get('test', 0):,}",
        entities=f"{ctx.data_summary.get('entities', 0):,}",
        horizon=ctx.horizon,
        intervals=intervals,
    )
    story: list[Flowable] = [
        KeepTogether(
            [
                st.p(note, "small"),
                st.p(t("var.pinball"), "h2"),
                pinball,
                Spacer(1, 3 * mm),
                st.lead(verdict),
            ]
        )
    ]
    pooled_widths, entity_widths = _fill(POOLED_MM), _fill(ENTITY_MM)
    for level in ctx.levels:
        title = t("var.confidence", confidence=ctx.confidence(level), level=level_key(level))
        pooled = _table(st, backtest_header(ctx), backtest_rows(ctx, level), pooled_widths, None)
        story.append(
            KeepTogether(
                [
                    st.p(title, "h2"),
                    st.p(t("var.level_note", level=level_key(level)), "small"),
                    pooled,
                ]
            )
        )
        entities = entity_rows(ctx, level)
        if entities:
            counts = zone_counts(ctx, level)
            heading = t("var.entities", confidence=ctx.confidence(level))
            note = t("var.entities_note", window=250, **counts)
            table = _table(st, entity_header(ctx), entities, entity_widths, None)
            # a long table may split over pages (its header repeats); its title may not
            story += [CondPageBreak(45 * mm), st.p(heading, "h2"), st.p(note, "small"), table]
    story += _figure_flowables(ctx, st, var_figures(ctx, maker))
    return story


def _figure_flowables(
    ctx: ReportContext, st: Styles, figures: list[tuple[bytes, str]]
) -> list[Flowable]:
    out: list[Flowable] = []
    for png, caption in figures:
        out += [Spacer(1, 3 * mm), figure(png, ctx.figure_caption(caption), st)]
    return out


__all__ = [
    "Cell",
    "backtest_header",
    "backtest_rows",
    "backtest_sentence",
    "entity_header",
    "entity_rows",
    "pinball_header",
    "pinball_rows",
    "var_figures",
    "var_section",
    "worst_entity",
    "zone_counts",
    "zone_word",
]

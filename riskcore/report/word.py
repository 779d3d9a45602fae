"""Editable model documentation of a run: a Word document (python-docx) in the structure a
model validator expects, in English or Chinese.

    purpose and use · data and its lineage (file hashes) · methodology · the model and its
    settings · performance against the comparators (and the paired verdict) · validation
    results with the policy's lights · explanations · stress scenarios · limitations ·
    monitoring plan · approval

It reads only the run store, like the PDF: the numbers and sentences come from the same
ReportContext and riskcore.report.texts keys, the charts from riskcore.report.figures. Headings
are Word heading styles, so a validator can edit, renumber or add to them; what the tool cannot
know (owner, intended use, approval) is a marked placeholder "[to be completed: ...]".
"""

from __future__ import annotations

import io

import numpy as np
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from riskcore import metrics as M
from riskcore.quantiles import level_key
from riskcore.report import backtesting as B
from riskcore.report.bands import band_cuts
from riskcore.report.layout import LIGHT_FILL, LIGHT_INK, ZONE_LIGHT
from riskcore.report.options import check_options
from riskcore.report.sections import (
    MODELS,
    SPLITS,
    ReportContext,
    architecture,
    chart_maker,
    check_detail,
    check_name,
    check_thresholds,
    driver_sentence,
    interval_text,
    light_word,
    method_lines,
    metric_value,
    scenario_facts,
    scores_on_test,
    split_cell,
    split_columns,
    target_text,
    task_text,
    verdict,
)
from riskcore.report.table import load_explanations, load_scenarios, prediction_table
from riskcore.report.texts import TEXTS
from riskcore.store import Run

CJK_FONT = "SimSun"  # Word's East Asian font; LibreOffice substitutes an installed CJK font
IMAGE_WIDTH = Inches(6.3)


def placeholder(ctx: ReportContext, what: str) -> str:
    return ctx.t("doc.placeholder", what=ctx.t(f"doc.todo.{what}"))


def model_document(run: Run, language: str = "en") -> bytes:
    """The .docx of a run's model documentation, as bytes."""
    check_options(language, ())
    explanations = load_explanations(run)
    scenarios = load_scenarios(run)
    cuts = band_cuts(run)
    table = prediction_table(run, None, explanations, scenarios, cuts)
    title = f"{_text(language, 'doc.title')} · {run.run_id}"
    ctx = ReportContext(run, title, "", language, (), None, cuts, table, explanations, scenarios)
    return Writer(ctx).build()


def _text(language: str, key: str) -> str:
    from riskcore.report.texts import text

    return text(key, language)


class Writer:
    """One document, section by section."""

    def __init__(self, ctx: ReportContext) -> None:
        self.ctx, self.t = ctx, ctx.t
        self.doc = Document()
        self.figures = 0
        self._styles()

    # ---- building blocks -----------------------------------------------------------------
    def _styles(self) -> None:
        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption"):
            style = self.doc.styles[name]
            if name == "Normal":
                style.font.name = "Calibri"
                style.font.size = Pt(10.5)
            fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
            fonts.set(qn("w:eastAsia"), CJK_FONT)
        core = self.doc.core_properties
        core.title = self.ctx.title
        core.subject = self.t("doc.subject")
        core.language = "zh-CN" if self.ctx.language == "zh" else "en-GB"

    def heading(self, key: str, level: int = 1) -> None:
        self.doc.add_heading(self.t(key), level=level)

    def para(self, value: str, style: str | None = None) -> None:
        self.doc.add_paragraph(value, style=style)

    def todo(self, what: str) -> None:
        p = self.doc.add_paragraph()
        run = p.add_run(placeholder(self.ctx, what))
        run.italic = True
        run.font.color.rgb = RGBColor(0xA5, 0x2A, 0x1F)

    def bullets(self, items) -> None:
        for item in items:
            self.doc.add_paragraph(item, style="List Bullet")

    def table(self, header, rows, lights: dict[int, list[str]] | None = None):
        """A grid table with a bold header row; `lights` shades column -> each row's light."""
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, value in zip(table.rows[0].cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(str(value)).bold = True
            _shade(cell, "#dbe3ee")
        for i, row in enumerate(rows):
            cells = table.add_row().cells
            for j, value in enumerate(row):
                cells[j].text = str(value)
                light = (lights or {}).get(j, [None] * len(rows))[i]
                if light:
                    _shade(cells[j], LIGHT_FILL.get(light, LIGHT_FILL["none"]))
                    for r in cells[j].paragraphs[0].runs:
                        r.font.color.rgb = RGBColor.from_string(
                            LIGHT_INK.get(light, LIGHT_INK["none"]).lstrip("#")
                        )
        self.doc.add_paragraph()
        return table

    def kv(self, pairs) -> None:
        self.table([self.t("doc.col.item"), self.t("doc.col.value")], pairs)

    def picture(self, png: bytes, caption: str) -> None:
        """A chart at the text width with its numbered caption (`caption`: the text itself,
        or a TEXTS key)."""
        self.figures += 1
        self.doc.add_picture(io.BytesIO(png), width=IMAGE_WIDTH)
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        text = self.t(caption) if caption in TEXTS else caption
        self.doc.add_paragraph(self.t("caption.figure", n=self.figures, text=text), style="Caption")

    # ---- the document --------------------------------------------------------------------
    def build(self) -> bytes:
        self.doc.add_heading(self.ctx.title, level=0)
        self.para(task_text(self.ctx))
        self.control()
        for part in (
            self.purpose,
            self.data,
            self.methodology,
            self.model,
            self.performance,
            self.validation,
            self.explanations,
            self.scenarios,
            self.limitations,
            self.monitoring,
            self.approval,
        ):
            part()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()

    def control(self) -> None:
        meta, t = self.ctx.run.meta, self.t
        self.heading("doc.control")
        self.kv(
            [
                *([(t("doc.kv.run_name"), meta.get("name"))] if meta.get("name") else []),
                (t("doc.kv.run_id"), self.ctx.run.run_id),
                (t("doc.kv.created"), meta.get("created", "–")),
                (t("doc.kv.generated"), self.ctx.generated.strftime("%Y-%m-%d %H:%M UTC")),
                (t("doc.kv.owner"), placeholder(self.ctx, "owner")),
                (t("doc.kv.developer"), placeholder(self.ctx, "developer")),
                (t("doc.kv.validator"), placeholder(self.ctx, "validator")),
                (t("doc.kv.version"), placeholder(self.ctx, "version")),
                (t("doc.kv.status"), placeholder(self.ctx, "status")),
            ]
        )

    def purpose(self) -> None:
        self.heading("doc.purpose")
        self.para(self.t("doc.purpose_text", task=task_text(self.ctx)))
        self.heading("doc.intended_use", 2)
        self.todo("intended_use")
        self.heading("doc.users", 2)
        self.todo("users")
        self.heading("doc.out_of_scope", 2)
        self.todo("out_of_scope")

    def data(self) -> None:
        ctx, t = self.ctx, self.t
        info = ctx.data_summary
        self.heading("doc.data")
        self.para(
            t(
                "doc.data_text",
                rows=f"{info.get('rows', 0):,}",
                entities=f"{info.get('entities', 0):,}",
                target=target_text(ctx),
            )
        )
        self.heading("doc.lineage", 2)
        files = ctx.run.meta.get("files", [])
        if files:
            self.table(
                [t("col.role"), t("col.file"), t("col.rows"), t("col.sha256")],
                [
                    (
                        t(f"role.{f.get('role')}") if f.get("role") else "–",
                        f.get("name", ""),
                        f"{f['rows']:,}" if isinstance(f.get("rows"), int) else "–",
                        f.get("sha256", "–"),
                    )
                    for f in files
                ],
            )
        else:
            self.para(t("data.no_files"))
        self.para(t("doc.lineage_text"))
        self.todo("source_systems")
        self.heading("doc.splits", 2)
        columns = split_columns(ctx)
        rows = [
            (t(f"split.{s}"), *(split_cell(info.get(s, {}), c) for c in columns)) for s in SPLITS
        ]
        self.table([t("col.split"), *(t(f"col.{c}") for c in columns)], rows)
        warnings = ctx.run.meta.get("warnings", [])
        if warnings:
            self.heading("data.warnings", 2)
            self.bullets(warnings)

    def methodology(self) -> None:
        self.heading("doc.methodology")
        for line in method_lines(self.ctx, bands=False):
            self.para(line)
        self.heading("doc.rationale", 2)
        self.todo("rationale")

    def model(self) -> None:
        ctx, t = self.ctx, self.t
        cfg, meta = ctx.run.config, ctx.run.meta
        m, tr = cfg.model, cfg.training
        self.heading("doc.model")
        self.heading("model.architecture", 2)
        self.bullets(architecture(ctx))
        self.heading("doc.settings", 2)
        yes = {True: t("value.yes"), False: t("value.no")}
        self.kv(
            [
                (t("kv.epochs"), f"{meta.get('epochs_run', '–')} / {tr.epochs}"),
                (t("kv.patience"), tr.patience),
                (t("kv.batch_size"), tr.batch_size),
                (t("kv.learning_rate"), f"{tr.learning_rate:g}"),
                (t("kv.loss"), tr.loss),
                (t("kv.class_weight"), tr.class_weight),
                (t("kv.dropout"), f"{m.dropout:g}"),
                (t("kv.regularisation"), f"{m.l1:g} / {m.l2:g}"),
                (t("kv.batch_norm"), yes[bool(m.batch_norm)]),
                (t("kv.seed"), tr.seed),
                (t("kv.parameters"), meta.get("parameters", "–")),
                (t("kv.device"), meta.get("device", "–")),
            ]
        )
        versions = meta.get("versions") or {}
        if versions:
            self.heading("appendix.versions", 2)
            self.kv([(k, v or "–") for k, v in versions.items()])

    def performance(self) -> None:
        ctx, t = self.ctx, self.t
        test = ctx.test
        names = ctx.model_names
        self.heading("doc.performance")
        if ctx.quantile:
            self.var_backtesting()
            return
        task = "classification" if ctx.classification else "regression"
        rows = []
        for key in M.REPORTED_METRICS[task]:
            values = [test[n].get(key) for n in names]
            if not any(_finite(v) for v in values):
                continue
            cells = []
            for n in names:
                value = metric_value(test[n].get(key), key)
                ci = test[n].get(f"{key}_ci")
                if ci and len(ci) == 2:
                    value += f" [{metric_value(ci[0], key)}, {metric_value(ci[1], key)}]"
                cells.append(value)
            rows.append((t(f"metric.{key}"), *cells))
        self.para(
            t("doc.performance_text", n=f"{ctx.run.metrics.get('rows', {}).get('test', 0):,}")
        )
        self.table([t("col.metric"), *(ctx.label(n) for n in names)], rows)
        self.heading("doc.verdict", 2)
        self.para(verdict(ctx))
        y, scores, raw = scores_on_test(ctx)
        if ctx.classification and 0 < np.nansum(y) < y.size:
            png = chart_maker(ctx).roc_and_calibration(y, scores, raw)
            key = "caption.roc_calibrated" if "model" in raw else "caption.roc"
            self.picture(png, key)
        elif not ctx.classification and y.size:
            self.picture(
                chart_maker(ctx).predicted_vs_actual(y, scores["model"], ctx.cuts),
                "caption.pred_actual",
            )

    def cells(self, header: list[str], rows: list[list[B.Cell]]) -> None:
        """A backtest table: intervals in brackets, zone cells shaded as the PDF's."""
        lights = {
            j: [ZONE_LIGHT.get(row[j].zone) for row in rows]
            for j in range(len(header))
            if any(row[j].zone for row in rows)
        }
        self.table(header, [[c.flat() for c in row] for row in rows], lights=lights)

    def var_backtesting(self) -> None:
        """A quantile run's performance: pinball by model, the verdict, the backtests per
        level (pooled and per entity) and the figures, as the PDF's VaR section."""
        ctx, t = self.ctx, self.t
        if not B.models(ctx):
            self.para(t("var.none"))
            return
        self.para(
            t(
                "var.note",
                n=f"{ctx.run.metrics.rows.get('test', 0):,}",
                entities=f"{ctx.data_summary.get('entities', 0):,}",
                horizon=ctx.horizon,
                intervals=interval_text(ctx),
            )
        )
        self.heading("var.pinball", 2)
        self.cells(B.pinball_header(ctx), B.pinball_rows(ctx)[0])
        self.heading("doc.verdict", 2)
        self.para(verdict(ctx))
        for level in ctx.levels:
            confidence = ctx.confidence(level)
            self.doc.add_heading(
                t("var.confidence", confidence=confidence, level=level_key(level)), level=2
            )
            self.para(t("var.level_note", level=level_key(level)))
            self.cells(B.backtest_header(ctx), B.backtest_rows(ctx, level))
            entities = B.entity_rows(ctx, level)
            if entities:
                self.doc.add_heading(t("var.entities", confidence=confidence), level=3)
                self.para(t("var.entities_note", window=250, **B.zone_counts(ctx, level)))
                self.cells(B.entity_header(ctx), entities)
        for png, caption in B.var_figures(ctx, chart_maker(ctx)):
            self.picture(png, caption)

    def validation(self) -> None:
        ctx, t = self.ctx, self.t
        self.heading("doc.validation")
        result = ctx.validation
        if result is None:
            self.para(t("doc.no_validation"))
            self.todo("validation")
            return
        counts = result.counts()
        self.para(
            t(
                "doc.validation_text",
                light=light_word(ctx, result.light),
                red=counts["red"],
                amber=counts["amber"],
                green=counts["green"],
                policy=result.policy.name,
                created=result.created or "–",
            )
        )
        self.heading("validation.checks", 2)
        lights = [c.light for c in result.checks]
        self.table(
            [t(f"validation.col.{k}") for k in ("light", "check", "value", "threshold", "detail")],
            [
                (
                    light_word(ctx, c.light),
                    check_name(ctx, c.name, getattr(c, "level", None)),
                    f"{c.value:.4g}" if _finite(c.value) else "–",
                    check_thresholds(ctx, c),
                    check_detail(ctx, c),
                )
                for c in result.checks
            ],
            lights={0: lights},
        )
        g = result.grades
        if not g.empty:
            self.heading("validation.grades", 2)
            self.table(
                [
                    t(f"validation.col.{k}")
                    for k in (
                        "light",
                        "grade",
                        "n",
                        "defaults",
                        "mean_pd",
                        "observed",
                        "jeffreys_p",
                    )
                ],
                [
                    (
                        light_word(ctx, r.light),
                        r.grade,
                        f"{int(r.n):,}",
                        f"{int(r.defaults):,}",
                        _pct(r.mean_pd),
                        _pct(r.observed_rate),
                        f"{r.jeffreys_p:.3g}" if _finite(r.jeffreys_p) else "–",
                    )
                    for r in g.itertuples()
                ],
                lights={0: list(g["light"])},
            )
        self.heading("doc.findings", 2)
        self.todo("findings")

    def explanations(self) -> None:
        ctx = self.ctx
        self.heading("doc.explanations")
        if ctx.explanations is None or not ctx.explanations.features:
            self.para(self.t("doc.no_explanations"))
            return
        self.para(driver_sentence(ctx))
        self.picture(
            chart_maker(ctx).shap_importance(ctx.explanations.importance), "caption.importance"
        )

    def scenarios(self) -> None:
        ctx, t = self.ctx, self.t
        self.heading("doc.scenarios")
        facts = [f for f in map(scenario_facts, ctx.scenarios) if f]
        if not facts:
            self.para(t("doc.no_scenarios"))
            return
        self.table(
            [t("doc.col.scenario"), t("doc.col.base"), t("doc.col.stressed"), t("doc.col.delta")],
            [
                (f["name"], ctx.score(f["base"]), ctx.score(f["stressed"]), ctx.change(f["delta"]))
                for f in facts
            ],
        )
        png = chart_maker(ctx).scenario_comparison(
            [f["name"] for f in facts],
            [f["base"] for f in facts],
            [f["stressed"] for f in facts],
            [f["deltas"] for f in facts],
        )
        self.picture(png, "caption.scenarios")

    def limitations(self) -> None:
        t = self.t
        train = self.ctx.data_summary.get("train", {})
        self.heading("doc.limitations")
        self.bullets(
            [
                t("limit.novel", start=train.get("from", "–"), end=train.get("to", "–")),
                t("limit.regime"),
                t("limit.data"),
                t("limit.causal"),
            ]
        )
        self.todo("limitations")

    def monitoring(self) -> None:
        ctx, t = self.ctx, self.t
        self.heading("doc.monitoring")
        policy = ctx.validation.policy if ctx.validation is not None else None
        amber = policy.score_psi.amber_above if policy is not None else 0.1
        red = policy.score_psi.red_above if policy is not None else 0.25
        self.bullets(
            [
                t(
                    "doc.monitor.psi",
                    amber=f"{amber:g}" if amber is not None else "–",
                    red=f"{red:g}" if red is not None else "–",
                ),
                t("doc.monitor.gate", run=ctx.run.run_id),
                t("doc.monitor.watch", run=ctx.run.run_id),
            ]
        )
        self.heading("doc.monitor.frequency", 2)
        self.todo("frequency")

    def approval(self) -> None:
        t = self.t
        self.heading("doc.approval")
        self.kv(
            [
                (t("doc.kv.decision"), placeholder(self.ctx, "decision")),
                (t("doc.kv.approver"), placeholder(self.ctx, "approver")),
                (t("doc.kv.date"), placeholder(self.ctx, "date")),
                (t("doc.kv.conditions"), placeholder(self.ctx, "conditions")),
            ]
        )


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and bool(np.isfinite(value))


def _pct(value: object) -> str:
    return f"{float(value):.2%}" if _finite(value) else "–"


def _shade(cell, colour: str) -> None:
    """A cell's background colour (python-docx has no API for it: the w:shd element)."""
    props = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour.lstrip("#"))
    props.append(shd)


__all__ = ["MODELS", "model_document", "placeholder"]

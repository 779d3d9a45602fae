"""PDF building blocks of the risk report: fonts, paragraph styles, tables, pages.

Typography is one family per language: Helvetica for English, and for Chinese an installed
TrueType CJK font embedded as a subset (riskcore.report.fonts; STSong-Light, not embedded, only
when none is installed). Any text that Helvetica cannot encode (a Chinese entity or column name
in an English report) is set in that CJK font run by run, and all
user text is XML-escaped before it reaches a Paragraph, so "<b>" typed by an analyst is printed,
not obeyed. Page numbers ("Page 3 of 9") need the page count, so the canvas keeps every page
until the end and stamps them all on save. What goes on the pages is riskcore.report.sections'.
"""

from __future__ import annotations

import io
import itertools
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
    XPreformatted,
)
from reportlab.platypus.flowables import HRFlowable
from reportlab.platypus.tableofcontents import TableOfContents

from riskcore.report.bands import BANDS
from riskcore.report.fonts import cjk_font

PAGE_W, PAGE_H = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 18 * mm, 22 * mm, 18 * mm
FRAME_W = PAGE_W - 2 * MARGIN_X
COVER_BAND = 34 * mm
NAVY = colors.HexColor("#1f3b5b")
ACCENT = colors.HexColor("#1f4e79")
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#6b7280")
RULE = colors.HexColor("#d5dae1")
ZEBRA = colors.HexColor("#f5f7fa")
PANEL = colors.HexColor("#eef2f7")
BAND_INK = dict(zip(BANDS, ("#1e7145", "#a86a12", "#b4531f", "#a52a1f"), strict=True))
BAND_FILL = dict(zip(BANDS, ("#e3f1e8", "#fbf0dc", "#fbe6d8", "#f6dcd9"), strict=True))
ALERT_FILL, ALERT_INK = colors.HexColor("#fbeee6"), colors.HexColor("#a52a1f")
# Lights of validation checks, and the Basel / Z2 zones of VaR backtests (yellow is amber).
LIGHT_FILL = {"green": "#e3f1e8", "amber": "#fbf0dc", "red": "#f6dcd9", "none": "#eef2f7"}
LIGHT_INK = {"green": "#1e7145", "amber": "#a86a12", "red": "#a52a1f", "none": "#6b7280"}
ZONE_LIGHT = {"green": "green", "yellow": "amber", "red": "red"}
# Characters Helvetica can show (WinAnsi); anything else is set in the CJK font.
_LATIN = frozenset(bytes(range(32, 256)).decode("cp1252", errors="ignore")) | {"\n", "\t"}


def cjk() -> str:
    """reportlab's name of the CJK font (registered on first use)."""
    return cjk_font().name


# ---- typography -----------------------------------------------------------------------------
def _runs(value: str) -> list[tuple[bool, str]]:
    """The text cut into runs that Helvetica can show (True) and runs it cannot (False)."""
    return [(latin, "".join(c)) for latin, c in itertools.groupby(value, key=lambda c: c in _LATIN)]


def _markup(value: object, breaks: bool = True) -> str:
    """XML-escaped text for a Paragraph; runs Helvetica (or Courier) cannot show are set in the
    CJK font. Newlines become <br/> unless `breaks` is False (preformatted text keeps its own)."""
    parts = []
    for latin, chunk in _runs("" if value is None else str(value)):
        chunk = escape(chunk)
        chunk = chunk.replace("\n", "<br/>") if breaks else chunk
        parts.append(chunk if latin else f'<font name="{cjk()}">{chunk}</font>')
    return "".join(parts)


def _paragraph_styles(base: ParagraphStyle, strong: str, bold: str, italic: str) -> dict:
    """The named paragraph styles, each a variation of `base` (fonts chosen per language)."""

    def make(name: str, **kw) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "h1": make(
            "h1",
            fontName=strong,
            fontSize=14,
            leading=18,
            textColor=NAVY,
            spaceBefore=14,
            spaceAfter=2,
        ),
        "h2": make(
            "h2",
            fontName=strong,
            fontSize=10,
            leading=13,
            textColor=NAVY,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "small": make("small", fontSize=7.5, leading=10, textColor=MUTED, spaceBefore=3),
        "toc": make("toc", fontSize=9.5, leading=17, spaceAfter=0),
        "caption": make(
            "caption",
            fontName=italic,
            fontSize=7.5,
            leading=10,
            textColor=MUTED,
            spaceBefore=2,
            spaceAfter=10,
        ),
        "cell": make("cell", fontSize=8, leading=10, spaceAfter=0),
        "cell_r": make("cell_r", fontSize=8, leading=10, spaceAfter=0, alignment=TA_RIGHT),
        "head": make(
            "head",
            fontName=strong,
            fontSize=8,
            leading=10,
            spaceAfter=0,
            textColor=colors.white,
        ),
        "head_r": make(
            "head_r",
            fontName=strong,
            fontSize=8,
            leading=10,
            spaceAfter=0,
            textColor=colors.white,
            alignment=TA_RIGHT,
        ),
        "bullet": make("bullet", leftIndent=10, bulletIndent=0, spaceAfter=3),
        "kicker": make("kicker", fontName=strong, fontSize=9, textColor=ACCENT, spaceAfter=6),
        "title": make(
            "title", fontName=strong, fontSize=24, leading=30, textColor=NAVY, spaceAfter=6
        ),
        "subtitle": make("subtitle", fontSize=11, leading=15, textColor=MUTED, spaceAfter=14),
        "kpi": make("kpi", fontName=bold, fontSize=15, leading=19, textColor=NAVY, spaceAfter=1),
        "kpi_label": make("kpi_label", fontSize=7.5, leading=9.5, textColor=MUTED),
        "alert_title": make(
            "alert_title", fontName=strong, fontSize=9.5, textColor=ALERT_INK, spaceAfter=3
        ),
        "mono": make("mono", fontName="Courier", fontSize=7, leading=8.6, spaceAfter=0),
    }


class Styles:
    """The report's paragraph styles in one language, and helpers that apply them."""

    def __init__(self, language: str) -> None:
        cjk()  # registered before any paragraph names it
        zh = language == "zh"
        self.font, self.bold = "Helvetica", "Helvetica-Bold"
        # the CJK font has no bold or italic: Chinese headings, emphasis and captions stay
        # regular, and so does the Latin text inside them, so that no line mixes styles.
        self.strong = self.font if zh else self.bold
        self.italic = self.font if zh else "Helvetica-Oblique"
        wrap = {"wordWrap": "CJK"} if zh else {}  # lines may break between hanzi
        base = ParagraphStyle(
            "body", fontName=self.font, fontSize=9, leading=13, textColor=INK, spaceAfter=4, **wrap
        )

        self.s = _paragraph_styles(base, self.strong, self.bold, self.italic)

    def p(self, value: object, style: str = "body", raw: str = "") -> Paragraph:
        """A paragraph of plain text (escaped), optionally followed by trusted markup `raw`."""
        st = self.s[style]
        return Paragraph(_markup(value) + raw, st)

    def rich(self, markup: str, style: str = "body") -> Paragraph:
        """A paragraph of markup that the report built itself from escaped pieces."""
        return Paragraph(markup, self.s[style])

    @staticmethod
    def esc(value: object) -> str:
        return _markup(value)

    def lead(self, sentence: str) -> Paragraph:
        """Body text whose first sentence (up to ". " or "。") is set as an emphasised lead-in."""
        for stop in ("。", ". "):
            head, sep, rest = sentence.partition(stop)
            if sep:
                emphasis = (
                    f'<font name="{self.strong}" color="#1f3b5b">{self.esc(head + sep)}</font>'
                )
                return self.rich(emphasis + self.esc(rest))
        return self.p(sentence)

    def bullets(self, items: Sequence[str]) -> list[Paragraph]:
        return [Paragraph(self.esc(item), self.s["bullet"], bulletText="•") for item in items]


# ---- tables ---------------------------------------------------------------------------------
def data_table(
    st: Styles,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    right: Sequence[int] = (),
    extra: Sequence[tuple] = (),
) -> Table:
    """A shaded-header table with zebra rows; cells are text unless already a Flowable."""

    def cell(value: object, col: int, head: bool) -> Flowable:
        if isinstance(value, Flowable):
            return value
        style = ("head" if head else "cell") + ("_r" if col in right else "")
        return st.p(value, style)

    body = [[cell(v, i, True) for i, v in enumerate(header)]]
    body += [[cell(v, i, False) for i, v in enumerate(row)] for row in rows]
    table = Table(body, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        *[("BACKGROUND", (0, r), (-1, r), ZEBRA) for r in range(2, len(body), 2)],
        *extra,
    ]
    table.setStyle(TableStyle(commands))
    return table


def kv_table(
    st: Styles, pairs: Sequence[tuple[str, object]], width: float, label_share: float = 0.45
) -> Flowable:
    """Label / value pairs, labels on a light panel: for settings and facts ("–" if none)."""
    if not pairs:
        return st.p("–")
    rows = [[st.p(k, "cell"), st.p(v, "cell")] for k, v in pairs]
    widths = [width * label_share, width * (1 - label_share)]
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (0, -1), PANEL),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.white),
                ("LINEBELOW", (1, 0), (1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def alert_box(st: Styles, lines: Sequence[str], title: str = "") -> Table:
    """Sentences a reader must not miss (a leaking input, a shifted event rate): bold lines
    on a warm panel with a red rule, at the full frame width."""
    bold = ParagraphStyle("alert", parent=st.s["body"], fontName=st.strong, spaceAfter=2)
    content: list[Flowable] = [st.p(title, "alert_title")] if title else []
    content += [Paragraph(st.esc(line), bold, bulletText="!") for line in lines]
    box = Table([[content]], colWidths=[FRAME_W], hAlign="LEFT")
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), ALERT_FILL),
                ("LINEBEFORE", (0, 0), (0, -1), 3, ALERT_INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return box


def side_by_side(left: Flowable, right: Flowable, gap: float = 6 * mm) -> Table:
    half = (FRAME_W - gap) / 2
    table = Table([[left, "", right]], colWidths=[half, gap, half], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def figure(png: bytes, caption: str, st: Styles) -> Flowable:
    """A chart at the full frame width, kept on one page with its caption."""
    width, height = struct.unpack(">II", png[16:24])  # the PNG header's pixel size
    image = Image(io.BytesIO(png), width=FRAME_W, height=FRAME_W * height / width)
    return KeepTogether([image, st.p(caption, "caption")])


def heading(st: Styles, title: str) -> list[Flowable]:
    """A section title over a hairline; it also becomes a PDF bookmark."""
    rule = HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=2, spaceAfter=8)
    return [st.p(title, "h1"), rule]


def contents(st: Styles, title: str) -> list[Flowable]:
    """A table of contents with page numbers, filled in by a second layout pass."""
    toc = TableOfContents(dotsMinLevel=0, levelStyles=[st.s["toc"]])
    return [st.p(title, "h2"), toc]


def preformatted(st: Styles, value: str) -> XPreformatted:
    """Monospaced text kept as typed (the config JSON), CJK runs still in the CJK font."""
    return XPreformatted(_markup(value, breaks=False), st.s["mono"])


# ---- page furniture -------------------------------------------------------------------------
def _width(canvas: Canvas, value: str, font: str, size: float) -> float:
    return sum(canvas.stringWidth(t, font if latin else cjk(), size) for latin, t in _runs(value))


def draw_text(
    canvas: Canvas,
    x: float,
    y: float,
    value: str,
    size: float,
    *,
    font: str = "Helvetica",
    right: bool = False,
    width: float | None = None,
) -> None:
    """A line of mixed Latin / Chinese text on the canvas, cut with "…" to fit `width`."""
    while width and len(value) > 1 and _width(canvas, value, font, size) > width:
        value = value[:-2] + "…"
    if right:
        x -= _width(canvas, value, font, size)
    for latin, chunk in _runs(value):
        canvas.setFont(font if latin else cjk(), size)
        canvas.drawString(x, y, chunk)
        x += canvas.stringWidth(chunk, font if latin else cjk(), size)


@dataclass
class PageInfo:
    """The words on every page: header ("RiskLens · title · run id"), footer, page label."""

    title: str
    subject: str
    header: str
    footer: str
    page_label: str  # with {page} and {pages}


class ReportDoc(BaseDocTemplate):
    """A4 with a cover template and a body template; section headings become PDF bookmarks."""

    def __init__(self, buffer: io.BytesIO, page: PageInfo, st: Styles) -> None:
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=page.title,
            author="RiskLens",
            subject=page.subject,
            creator="RiskLens",
            invariant=False,
        )
        self.info, self.st = page, st
        body_h = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
        flush = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}
        cover_h = PAGE_H - COVER_BAND - 16 * mm - MARGIN_BOTTOM
        cover = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_W, cover_h, id="cover", **flush)
        body = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_W, body_h, id="body", **flush)
        self.addPageTemplates(
            [
                PageTemplate("cover", [cover], onPage=self._cover_page),
                PageTemplate("body", [body], onPage=self._body_page),
            ]
        )

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name == "h1":
            key = f"section-{id(flowable)}"
            title = flowable.getPlainText()
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=0)
            self.notify("TOCEntry", (0, _markup(title), self.page, key))

    def _footer(self, canvas: Canvas) -> None:
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, MARGIN_BOTTOM - 5 * mm, PAGE_W - MARGIN_X, MARGIN_BOTTOM - 5 * mm)
        canvas.setFillColor(MUTED)
        draw_text(canvas, MARGIN_X, MARGIN_BOTTOM - 9 * mm, self.info.footer, 7, width=FRAME_W / 2)

    def _body_page(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        y = PAGE_H - MARGIN_TOP + 9 * mm
        canvas.setFillColor(MUTED)
        draw_text(canvas, MARGIN_X, y, self.info.header, 7.5, width=FRAME_W)
        canvas.setStrokeColor(NAVY)
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN_X, y - 2.5 * mm, PAGE_W - MARGIN_X, y - 2.5 * mm)
        self._footer(canvas)
        canvas.restoreState()

    def _cover_page(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFillColor(NAVY)
        canvas.rect(0, PAGE_H - COVER_BAND, PAGE_W, COVER_BAND, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        draw_text(canvas, MARGIN_X, PAGE_H - 17 * mm, "RiskLens", 20, font="Helvetica-Bold")
        canvas.setFillColor(colors.HexColor("#c9d3df"))
        draw_text(canvas, MARGIN_X, PAGE_H - 25 * mm, self.info.header, 8, width=FRAME_W)
        self._footer(canvas)
        canvas.restoreState()


def numbered_canvas(label: str) -> type[Canvas]:
    """A canvas class that stamps "Page n of N" once N is known (label has {page}, {pages})."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for state in self._pages:
                self.__dict__.update(state)
                words = label.format(page=self._pageNumber, pages=len(self._pages))
                self.setFillColor(MUTED)
                draw_text(self, PAGE_W - MARGIN_X, MARGIN_BOTTOM - 9 * mm, words, 7, right=True)
                super().showPage()
            super().save()

    return NumberedCanvas


def render(story: list[Flowable], page: PageInfo, st: Styles) -> bytes:
    """The PDF of a story whose first page uses the "cover" template, the rest "body"; built
    twice so that the table of contents knows the page numbers."""
    buffer = io.BytesIO()
    doc = ReportDoc(buffer, page, st)
    doc.multiBuild(story, canvasmaker=numbered_canvas(page.page_label))
    return buffer.getvalue()

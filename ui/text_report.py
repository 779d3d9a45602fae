"""Translation table of the Report page: key -> (English, 简体中文); merged into ui.i18n.TEXT."""

from __future__ import annotations

REPORT_TEXT: dict[str, tuple[str, str]] = {
    "nav.report": ("Report", "报告"),
    "report.title": ("Risk report", "风险报告"),
    "report.caption": (
        "Export the active run as a CSV for spreadsheets or a PDF for the risk committee. "
        "Run {run_id}.",
        "将当前运行导出为供表格软件使用的 CSV，或供风险委员会阅读的 PDF。运行 {run_id}。",
    ),
    "report.no_run": (
        "No run selected: train one on the Train page, then come back for its report.",
        "未选择运行：请先在训练页训练模型，再回来生成报告。",
    ),
    "report.options": ("Report options", "报告选项"),
    "report.doc_title": ("Report title", "报告标题"),
    "report.doc_title_help": (
        "Printed on the cover and in the header of every page.",
        "显示在封面和每页页眉中。",
    ),
    "report.notes": ("Analyst notes", "分析师备注"),
    "report.notes_help": (
        "Shown on the cover as typed (no formatting is applied).",
        "按原样显示在封面上（不做任何格式处理）。",
    ),
    "report.language": ("Report language", "报告语言"),
    "report.language_help": (
        "The whole PDF is written in this language; entity and column names stay as in the data.",
        "整份 PDF 使用该语言；实体名与列名保持数据中的原样。",
    ),
    "report.sections": ("Sections", "章节"),
    "report.sections_help": (
        "The cover is always included; sections keep their reading order.",
        "封面始终包含；各章节保持固定顺序。",
    ),
    "report.threshold": ("Decision threshold", "决策阈值"),
    "report.threshold_help": (
        "Scores at or above it are flagged: the CSV gets a 0/1 `flagged` column and the PDF a "
        "precision / recall table at this threshold.",
        "评分不低于该值即预警：CSV 增加 0/1 的 flagged 列，PDF 给出该阈值下的精确率 / 召回率表。",
    ),
    "report.threshold_regression": (
        "Flag scores above (optional)",
        "预警阈值（可选）",
    ),
    "report.csv_header": ("Predictions as CSV", "预测结果 CSV"),
    "report.csv_caption": (
        "Every prediction with its risk band, top drivers and scenario scores when present. "
        "UTF-8 with BOM; formula-like text is escaped.",
        "每条预测及其风险档、主要驱动因素和情景评分（如有）。UTF-8 带 BOM；类似公式的文本已转义。",
    ),
    "report.download_csv": ("Download CSV", "下载 CSV"),
    "report.pdf_header": ("PDF report", "PDF 报告"),
    "report.build": ("Build PDF", "生成 PDF"),
    "report.building": ("Building the PDF report…", "正在生成 PDF 报告……"),
    "report.built": (
        "PDF ready ({size} KB).",
        "PDF 已生成（{size} KB）。",
    ),
    "report.stale": (
        "The options changed since the PDF was built: build it again to include them.",
        "生成 PDF 后选项已更改：请重新生成以应用新选项。",
    ),
    "report.download_pdf": ("Download PDF", "下载 PDF"),
    "report.preview": ("First page", "首页预览"),
    "report.no_preview": (
        "No preview: the first page could not be rendered (the server needs pdftoppm from "
        "poppler-utils). The PDF itself is complete.",
        "无法预览：首页未能渲染（服务器需要 poppler-utils 中的 pdftoppm）。PDF 本身是完整的。",
    ),
}

"""Translation table of the Report page: key -> (English, 简体中文); merged into ui.i18n.TEXT."""

from __future__ import annotations

REPORT_TEXT: dict[str, tuple[str, str]] = {
    "nav.report": ("Report", "报告"),
}

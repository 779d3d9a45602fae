"""Translation table of the Scenarios page: key -> (English, 简体中文); merged into ui.i18n.TEXT."""

from __future__ import annotations

SCENARIOS_TEXT: dict[str, tuple[str, str]] = {
    "nav.scenarios": ("Scenarios", "情景分析"),
}

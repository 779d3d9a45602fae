"""What a reader sees of Markdown that went through ui.text.md_escape: the escapes, entities
and invisible word joiners taken out again, so tests can compare messages as displayed."""

from __future__ import annotations

import html
import re

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    return html.unescape(_ESCAPE.sub(r"\1", markdown)).replace("\u2060", "")

"""How Chinese text is spaced: templates space a name off for a Latin one; a Chinese name
must not keep those spaces. Imports nothing, so the UI's translation table can use it."""

from __future__ import annotations

import re

_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"  # ideographs and CJK / fullwidth punctuation
_CJK_GAP = re.compile(f"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")


def cjk_spacing(text: str) -> str:
    """No space between two Chinese characters or marks: a template spaces a name off for a
    Latin one ("的 ROC-AUC 为"), and a Chinese name ("的 分位数损失 为") must not keep them."""
    return _CJK_GAP.sub("", text)

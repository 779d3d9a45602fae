"""User text is text: column, file, entity and scenario names, config values and error messages
that quote them, escaped so that st.markdown and every widget that renders Markdown (alerts,
captions, labels, metric, expander and tab labels) show them literally.

Without it a column named `![x](http://host/x.png)` makes every browser that opens the page fetch
an outside URL, and `:red[...]` restyles the page.
"""

from __future__ import annotations

import re

# CommonMark's backslash escapes: every ASCII punctuation character that means something to
# Markdown, GFM tables/strikethrough, Streamlit's directives (:red[..]) or its LaTeX ($..$).
# Quotes, `=` and `^` mean nothing on one line, so messages keep 'x' as typed.
# `_`, `-` and `.` between two letters or digits mean nothing (`ret_1d`, `2024-01-31`,
# `prices.csv`: no emphasis inside a word, no list or heading mid-line), so they stay as typed.
_SPECIAL = re.compile(r"[\\`*{}\[\]()#+!|~>$:]|(?<![^\W_])[_.\-]|[_.\-](?![^\W_])")
# HTML: Streamlit does not render raw HTML in Markdown unless asked to, but a caller might.
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# An escaped colon is still a colon in the text that Streamlit's emoji (`:smile:`) and icon
# (`:material/x:`) plugins and GFM's autolinks (`http://`, `www.`, `a@b.org`) match after
# parsing, so a backslash does not stop them (checked in chromium). A word joiner (invisible, zero
# width) after each colon and `@` that something follows, and inside `www.`, does; the text
# reads the same. ("a: b" needs none: no shortcode, directive or link starts with a space.)
_WORD_JOINER = "\u2060"
_JOINED = re.compile(r"(\\:|@)(?=\S)")
_WWW = re.compile(r"(www)(\\?\.)", re.IGNORECASE)
_NEWLINES = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")


def md_escape(s: object) -> str:
    """`s` as text that Streamlit's Markdown renders literally, on one line.

    None renders as an empty string; anything else through str(). Newlines become spaces, so a
    name cannot start a heading, a list or a table row.
    """
    if s is None:
        return ""
    text = _NEWLINES.sub(" ", str(s))
    text = "".join(_HTML.get(char, char) for char in text)
    text = _SPECIAL.sub(lambda m: "\\" + m.group(0), text)  # `&` is not in it: entities stay
    text = _JOINED.sub(r"\g<0>" + _WORD_JOINER, text)
    return _WWW.sub(r"\1" + _WORD_JOINER + r"\2", text)

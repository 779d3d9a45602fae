"""The CJK font of the reports: one installed TrueType file, embedded (subset) in every PDF.

A PDF that names reportlab's STSong-Light without embedding it renders only where the viewer
has an Adobe CJK pack, and with that viewer's glyphs. So the report embeds a real font file
found on this machine, never downloaded. reportlab embeds TrueType outlines only: the Noto /
Source Han CJK collections that Debian's fonts-noto-cjk installs are CFF (PostScript outlines)
and are refused, so TrueType-flavoured CJK fonts are tried first (fonts-wqy-microhei, listed in
.ci/system-packages), then anything fontconfig knows for Chinese. `RISKLENS_CJK_FONT` may name
a .ttf / .ttc file to use instead. With none installed the report falls back to STSong-Light,
once with a warning that says which package to install. The matplotlib charts of the PDF use
the same file, so the text on a chart and beside it is one typeface.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

logger = logging.getLogger(__name__)

EMBEDDED_NAME = "RiskLensCJK"  # the name reportlab knows the embedded font by
FALLBACK_NAME = "STSong-Light"  # reportlab's built-in CID font: not embedded
ENV_VAR = "RISKLENS_CJK_FONT"
PACKAGE = "fonts-wqy-microhei"  # Debian: a TrueType CJK font reportlab can embed
# TrueType CJK fonts of Debian packages, best first (fonts-wqy-microhei, -zenhei,
# fonts-droid-fallback, fonts-arphic-uming).
KNOWN_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
MISSING = (
    "no embeddable CJK font is installed, so Chinese text in PDF reports uses the viewer's "
    f"STSong-Light and may render differently or not at all; install one (Debian: "
    f"`apt-get install {PACKAGE}`) or set {ENV_VAR} to a TrueType .ttf/.ttc file"
)


@dataclass(frozen=True)
class CjkFont:
    """The font reportlab sets Chinese in; `path` is None for the non-embedded fallback."""

    name: str  # reportlab's font name
    path: str | None = None
    family: str | None = None  # the family name matplotlib knows the file by

    @property
    def embedded(self) -> bool:
        return self.path is not None


def _fontconfig_files() -> list[str]:
    """Font files fontconfig lists for Chinese (empty when fc-list is missing)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        done = subprocess.run(
            [exe, ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return []
    files = {line.strip().rstrip(":") for line in done.stdout.splitlines() if line.strip()}
    return sorted(f for f in files if f.lower().endswith((".ttf", ".ttc")))


def candidates() -> list[str]:
    """Font files to try, in order: $RISKLENS_CJK_FONT, the known TrueType ones, fontconfig's."""
    chosen = os.environ.get(ENV_VAR, "").strip()
    files = ([chosen] if chosen else []) + list(KNOWN_FILES) + _fontconfig_files()
    return [f for f in dict.fromkeys(files) if Path(f).is_file()]


def _load(path: str) -> TTFont | None:
    """The file as a reportlab TrueType font, or None when reportlab cannot embed it (CFF
    outlines, a damaged file)."""
    try:
        return TTFont(EMBEDDED_NAME, path, subfontIndex=0)
    except (TTFError, OSError, ValueError, KeyError, IndexError, AssertionError) as exc:
        logger.debug("CJK font %s not usable by reportlab: %s", path, exc)
        return None


@cache
def cjk_font() -> CjkFont:
    """The registered CJK font of the reports (found and registered once per process)."""
    for path in candidates():
        font = _load(path)
        if font is not None:
            pdfmetrics.registerFont(font)
            family = font.face.familyName
            family = family.decode("utf-8", "replace") if isinstance(family, bytes) else family
            return CjkFont(EMBEDDED_NAME, path, str(family))
    warnings.warn(MISSING, RuntimeWarning, stacklevel=2)
    logger.warning(MISSING)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_NAME))
    return CjkFont(FALLBACK_NAME)

"""Token normalization: a pure function, no Whoosh."""

from __future__ import annotations

import unicodedata

from arsearch.analysis.chars import ALEF, FOLD_TABLE

FATHATAN = "\u064b"
_TANWEEN_ALEF = (ALEF + FATHATAN, FATHATAN + ALEF)


def normalize(token: str) -> str:
    """Fold one token to its search form.

    NFKC (presentation forms and ligatures become plain letters), then delete tashkeel, Quranic marks, tatweel
    and invisible marks, fold alef/hamza/yeh/teh-marbuta/Persian variants and Arabic-Indic digits, and
    case-fold Latin letters.  The alef that only carries tanween fath (كبيراً) goes with the mark, so the word
    matches its other forms (كبير).  NFKC may turn one word ligature (ﷺ) into several words separated by spaces.
    """
    if token.endswith(_TANWEEN_ALEF):
        token = token[:-2]
    if not unicodedata.is_normalized("NFKC", token):
        token = unicodedata.normalize("NFKC", token)
    return token.translate(FOLD_TABLE).casefold()

"""Token normalization: a pure function, no Whoosh."""

from __future__ import annotations

import unicodedata

from arsearch.analysis.chars import FOLD_TABLE


def normalize(token: str) -> str:
    """Fold one token to its search form.

    NFKC (presentation forms and ligatures become plain letters), then delete tashkeel, Quranic marks, tatweel
    and invisible marks, fold alef/hamza/yeh/teh-marbuta/Persian variants and Arabic-Indic digits, and
    case-fold Latin letters.  NFKC may turn one word ligature (ﷺ) into several words separated by spaces.
    """
    if not unicodedata.is_normalized("NFKC", token):
        token = unicodedata.normalize("NFKC", token)
    return token.translate(FOLD_TABLE).casefold()

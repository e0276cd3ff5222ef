"""Splitting text into word tokens with their character offsets in the original text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from arsearch.analysis.chars import ARABIC_LETTER_RANGES, ARABIC_MARK_RANGES, DIGIT_RANGES

_ARABIC_BLOCKS = "\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC_WORD = f"[{ARABIC_LETTER_RANGES}][{ARABIC_LETTER_RANGES}{ARABIC_MARK_RANGES}]*"
_NUMBER = f"[{DIGIT_RANGES}]+(?:[.,\u066b\u066c][{DIGIT_RANGES}]+)*"
_OTHER_WORD = f"[^\\W\\d_{_ARABIC_BLOCKS}][^\\W_{_ARABIC_BLOCKS}]*"

#: Arabic words (harakat, tatweel and invisible marks stay inside the word), numbers, and Latin or other words.
#: Punctuation, symbols, emoji and ``????`` are never tokens.
TOKEN_RE = re.compile(f"{_ARABIC_WORD}|{_NUMBER}|{_OTHER_WORD}")


def tokenize(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(surface, start, end)`` for each word of ``text``; ``text[start:end] == surface``."""
    for match in TOKEN_RE.finditer(text):
        yield match.group(), match.start(), match.end()

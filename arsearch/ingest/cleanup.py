"""Removing the page furniture that scraped news text files carry, before indexing.

Two patterns, both common in Arabic news scrapes:
- a "read also" line (اقرأ أيضاً) followed by one short linked headline of another article;
- a trailer (كلمات دلالية, مقالات مشابهة, مقالات ذات صلة, المصدر:) in the second half of the text, after which
  scrapers append tag lists, related-article lists and sometimes a whole unrelated article: everything from
  the trailer on is dropped.
"""

from __future__ import annotations

import re

_READ_ALSO = re.compile(r"^\s*[اإ]قر[أا]\s+[أا]يض[اً]+\s*[:：]?\s*$")
_TRAILER = re.compile(r"^\s*(?:كلمات دلالية|مقالات مشابهة|مقالات ذات صلة|المصدر\s*[:|])")
#: A trailer only counts in the second half of the text: earlier it is more likely part of the article.
TRAILER_MIN_POSITION = 0.5
#: Longest line taken for the linked headline under "read also".
MAX_HEADLINE_CHARS = 150


def clean_article(text: str) -> str:
    """``text`` without "read also" links and without everything from a trailer on."""
    lines = text.splitlines(keepends=True)
    if not any(_READ_ALSO.match(line) or _TRAILER.match(line) for line in lines):
        return text
    kept: list[str] = []
    offset = 0
    skip_headline = False
    for line in lines:
        position = offset / max(1, len(text))
        offset += len(line)
        if _TRAILER.match(line) and position >= TRAILER_MIN_POSITION:
            break
        if _READ_ALSO.match(line):
            skip_headline = True
            continue
        if skip_headline and line.strip():
            skip_headline = False
            if len(line.strip()) <= MAX_HEADLINE_CHARS:
                continue
        kept.append(line)
    return "".join(kept).rstrip()

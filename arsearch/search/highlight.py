"""Snippets of the original text with the words that matched the query marked by character spans."""

from __future__ import annotations

import bisect
import html
from collections.abc import Collection
from dataclasses import dataclass

from arsearch.analysis import Analyzer

#: Characters that end a sentence; a snippet prefers to start right after one.
SENTENCE_ENDS = frozenset(".!?؟؛\n۔")
ELLIPSIS = "…"
#: Longest stretch of a document scanned for matches (keeps a 5 MB document from slowing every query).
MAX_SCAN_CHARS = 200_000
_FLATTEN = str.maketrans({"\n": " ", "\r": " ", "\t": " "})


@dataclass(frozen=True)
class Snippet:
    """A piece of the original text; ``spans`` are (start, end) offsets of highlighted words in ``text``."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()

    def segments(self) -> list[tuple[str, bool]]:
        """The text cut into (piece, highlighted) pairs, for renderers."""
        pieces: list[tuple[str, bool]] = []
        pos = 0
        for start, end in self.spans:
            if start > pos:
                pieces.append((self.text[pos:start], False))
            pieces.append((self.text[start:end], True))
            pos = end
        if pos < len(self.text):
            pieces.append((self.text[pos:], False))
        return pieces

    def to_html(self, tag: str = "mark") -> str:
        return "".join(f"<{tag}>{html.escape(p)}</{tag}>" if hit else html.escape(p) for p, hit in self.segments())


def match_spans(analyzer: Analyzer, text: str, terms: Collection[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of every token of ``text`` whose term is one of ``terms``."""
    if not terms:
        return []
    return analyzer.matches(text[:MAX_SCAN_CHARS], terms)


def _merge_adjacent(spans: list[tuple[int, int]], text: str) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and text[merged[-1][1]:start].strip() == "":
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def highlight_whole(analyzer: Analyzer, text: str, terms: Collection[str]) -> Snippet:
    """All of ``text`` (a title), with matches marked."""
    flat = text.translate(_FLATTEN)
    return Snippet(flat, _merge_adjacent([(s, e) for s, e, _ in match_spans(analyzer, text, terms)], flat))


def _best_window(text: str, matches: list[tuple[int, int, str]], width: int) -> int:
    """Index of the match whose snippet, laid out by :func:`_window_bounds` exactly as it will be shown, holds the
    most distinct terms, then the most matches, then comes first."""
    starts = [s for s, _, _ in matches]
    best, best_score = 0, (-1, -1)
    laid_out: set[tuple[int, int]] = set()
    for i, (anchor, _, _) in enumerate(matches):
        bounds = _window_bounds(text, anchor, width)
        if bounds in laid_out:  # the same snippet as an earlier anchor's
            continue
        laid_out.add(bounds)
        start, end = bounds
        inside = [term for _, e, term in matches[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]
                  if e <= end]
        score = (len(set(inside)), len(inside))
        if score > best_score:
            best, best_score = i, score
    return best


def _window_bounds(text: str, first_match: int, width: int) -> tuple[int, int]:
    lead = width // 4
    start = max(0, first_match - lead)
    sentence_start = max((i + 1 for i in range(start, first_match) if text[i] in SENTENCE_ENDS), default=None)
    if sentence_start is not None:
        start = sentence_start
    elif start > 0:
        while start < first_match and not text[start - 1].isspace():
            start += 1
    end = min(len(text), start + width)
    if end < len(text):
        cut = end
        while cut > first_match and not text[cut].isspace():
            cut -= 1
        end = cut if cut > first_match else end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def make_snippet(analyzer: Analyzer, text: str, terms: Collection[str], width: int = 220) -> Snippet:
    """The passage of ``text`` (about ``width`` characters) with the most distinct query terms, matches marked.

    Without any match, the beginning of the text.
    """
    matches = match_spans(analyzer, text, terms)
    first = matches[_best_window(text, matches, width)][0] if matches else 0
    start, end = _window_bounds(text, first, width)
    prefix = ELLIPSIS + " " if text[:start].strip() else ""
    suffix = " " + ELLIPSIS if text[end:].strip() else ""
    body = text[start:end].translate(_FLATTEN)
    shift = len(prefix) - start
    spans = [(s + shift, e + shift) for s, e, _ in matches if s >= start and e <= end]
    full = prefix + body + suffix
    return Snippet(full, _merge_adjacent(spans, full))

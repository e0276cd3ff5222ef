"""Snippets of the original text with the words that matched the query marked by character spans."""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Collection
from dataclasses import dataclass

from arsearch.analysis import Analyzer

#: Characters that end a sentence; a snippet prefers to start right after one.
SENTENCE_ENDS = frozenset(".!?؟؛\n۔")
ELLIPSIS = "…"
#: Longest stretch of a document scanned for matches (keeps a 5 MB document from slowing every query).
MAX_SCAN_CHARS = 200_000
_FLATTEN = str.maketrans({"\n": " ", "\r": " ", "\t": " "})
_SENTENCE_END = re.compile("[" + re.escape("".join(sorted(SENTENCE_ENDS))) + "]")


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


def _best_window(text: str, matches: list[tuple[int, int, str]], width: int, ends: list[int]) -> int:
    """Index of the match whose snippet, laid out by :func:`_window_bounds` exactly as it will be shown, holds the
    most distinct terms, then the most matches, then comes first."""
    starts = [s for s, _, _ in matches]
    best, best_score = 0, (-1, -1)
    laid_out: set[tuple[int, int]] = set()
    previous = -1
    for i, anchor in enumerate(starts):
        if anchor == previous:  # a token of several matching terms: the same snippet
            continue
        previous = anchor
        bounds = _window_bounds(text, anchor, width, ends)
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


def sentence_ends(text: str) -> list[int]:
    """Where the characters of :data:`SENTENCE_ENDS` stand in the part of ``text`` scanned for matches, in order
    (a snippet is laid out at a match, or at the start)."""
    return [match.start() for match in _SENTENCE_END.finditer(text, 0, MAX_SCAN_CHARS)]


def _window_bounds(text: str, first_match: int, width: int, ends: list[int] | None = None) -> tuple[int, int]:
    """The snippet laid out at a match: from its sentence's start when that is near (``ends``:
    :func:`sentence_ends` of ``text``), else from a word start ``width // 4`` before it, about ``width`` long."""
    lead = width // 4
    start = max(0, first_match - lead)
    if ends is None:
        ends = [match.start() for match in _SENTENCE_END.finditer(text, start, first_match)]
    last = bisect.bisect_left(ends, first_match) - 1  # the last sentence end before the match
    if last >= 0 and ends[last] >= start:
        start = ends[last] + 1
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
    ends = sentence_ends(text)
    first = matches[_best_window(text, matches, width, ends)][0] if matches else 0
    start, end = _window_bounds(text, first, width, ends)
    prefix = ELLIPSIS + " " if text[:start].strip() else ""
    suffix = " " + ELLIPSIS if text[end:].strip() else ""
    body = text[start:end].translate(_FLATTEN)
    shift = len(prefix) - start
    spans = [(s + shift, e + shift) for s, e, _ in matches if s >= start and e <= end]
    full = prefix + body + suffix
    return Snippet(full, _merge_adjacent(spans, full))

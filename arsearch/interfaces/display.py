"""Visual-order rendering of Arabic lines for terminals without bidi support.

Many terminals print text in logical order, left to right, with unjoined letters, which makes
Arabic unreadable. :func:`visual` turns one logical-order line into what such a terminal must be
given: letters replaced by their joined presentation forms (:func:`shape`) and characters put in
left-to-right display order by a simplified Unicode bidi algorithm. Styles travel with characters,
so a highlighted word stays highlighted wherever it lands.

Simplifications compared with UAX #9: no explicit embeddings, overrides or isolates (their control
characters are ordinary neutrals); no paired-bracket rule (N0); digits of all kinds are one class
(no EN/AN distinction, so W2 is skipped); combining marks always stay after their base character
(the optional rule L3). Shaping only uses the presentation forms of U+FE70–U+FEFC, so letters
without a form there (Persian, Urdu …) are left as they are and do not join.

Pure functions only: nothing here prints.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TypeAlias

__all__ = ["Segment", "shape", "visual", "visual_text"]

Segment: TypeAlias = tuple[str, str | None]
"""(text, style): the style is an opaque name (e.g. a Rich style) or None."""

_PRESENTATION_FORMS = range(0xFE70, 0xFEFD)
_LAM = "\u0644"
_JOIN_CAUSING = frozenset("\u0640\u200d")  # tatweel, zero width joiner
_MARK_CATEGORIES = frozenset({"Mn", "Me"})
_MIRRORED = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹"))

# Joining types (ArabicShaping.txt): Dual, Right, join-Causing, Transparent, non-joining (U).
# Bidi classes used here: L, R, D (digit), S (separator), T (terminator), N (neutral).


def _presentation_tables() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """Read the letter forms and the lam-alef ligatures off the decompositions of U+FE70–U+FEFC."""
    letters: dict[str, dict[str, str]] = {}
    lam_alef: dict[str, dict[str, str]] = {}
    for code_point in _PRESENTATION_FORMS:
        form = chr(code_point)
        tag, *hex_codes = unicodedata.decomposition(form).split() or [""]
        if not (tag.startswith("<") and hex_codes):
            continue
        base = "".join(chr(int(code, 16)) for code in hex_codes)
        if len(base) == 1:
            letters.setdefault(base, {})[tag.strip("<>")] = form
        elif len(base) == 2 and base[0] == _LAM:  # the others are isolated/medial harakat
            lam_alef.setdefault(base[1], {})[tag.strip("<>")] = form
    return letters, lam_alef


_LETTER_FORMS, _LAM_ALEF = _presentation_tables()


def _letter_joining_type(forms: dict[str, str]) -> str:
    if "initial" in forms or "medial" in forms:
        return "D"
    return "R" if "final" in forms else "U"


_LETTER_JOINING = {letter: _letter_joining_type(forms) for letter, forms in _LETTER_FORMS.items()}


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in _MARK_CATEGORIES


def _joining_type(char: str) -> str:
    if char in _JOIN_CAUSING:
        return "C"
    if char in _LETTER_JOINING:
        return _LETTER_JOINING[char]
    return "T" if _is_mark(char) else "U"


def _form_name(joins_before: bool, joins_after: bool) -> str:
    if joins_before:
        return "medial" if joins_after else "final"
    return "initial" if joins_after else "isolated"


def _shaped_pieces(text: str) -> list[str]:
    """What each character of ``text`` becomes: a presentation form, itself, or "" (an alef eaten
    by the lam-alef ligature, which takes the lam's place)."""
    types = [_joining_type(char) for char in text]
    solid = [i for i, kind in enumerate(types) if kind != "T"]  # marks are skipped when joining
    pieces = list(text)
    eaten: set[int] = set()
    for k, i in enumerate(solid):
        forms = _LETTER_FORMS.get(text[i])
        if forms is None or i in eaten:
            continue
        before = types[solid[k - 1]] if k > 0 else "U"
        after_index = solid[k + 1] if k + 1 < len(solid) else None
        after = types[after_index] if after_index is not None else "U"
        joins_before = before in "DC" and types[i] in "DR"
        joins_after = types[i] == "D" and after in "DRC"
        if text[i] == _LAM and after_index is not None and text[after_index] in _LAM_ALEF:
            ligatures = _LAM_ALEF[text[after_index]]
            pieces[i] = ligatures["final" if joins_before else "isolated"]
            pieces[after_index] = ""
            eaten.add(after_index)
            continue
        form = _form_name(joins_before, joins_after)
        pieces[i] = forms.get(form, forms.get("isolated", text[i]))
    return pieces


def shape(text: str) -> str:
    """Replace Arabic letters by their contextual presentation forms (U+FE70–U+FEFC), lam+alef by
    the lam-alef ligatures. Order is unchanged (still logical); non-Arabic text is untouched."""
    return "".join(_shaped_pieces(text))


def _clusters(text: str) -> list[tuple[int, int]]:
    """(start, end) of each base character with the combining marks that follow it."""
    clusters: list[tuple[int, int]] = []
    for i, char in enumerate(text):
        if clusters and _is_mark(char):
            clusters[-1] = (clusters[-1][0], i + 1)
        else:
            clusters.append((i, i + 1))
    return clusters


def _bidi_class(char: str) -> str:
    bidi = unicodedata.bidirectional(char)
    if bidi in ("L", "R"):
        return bidi
    if bidi == "AL":
        return "R"
    if bidi in ("EN", "AN"):
        return "D"
    if bidi in ("CS", "ES"):
        return "S"
    return "T" if bidi == "ET" else "N"


def _base_direction(text: str) -> str:
    for char in text:
        kind = _bidi_class(char)
        if kind in ("L", "R"):
            return kind
    return "L"


def _runs(classes: list[str], kind: str) -> list[tuple[int, int]]:
    """(start, end) of each maximal run of ``kind`` in ``classes``."""
    runs: list[tuple[int, int]] = []
    for i, value in enumerate(classes):
        if value != kind:
            continue
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def _join_numbers(classes: list[str]) -> list[str]:
    """W4–W6: one separator between digits and terminators touching digits join the number;
    every other separator or terminator is neutral."""
    out = list(classes)
    for i in range(1, len(out) - 1):
        if out[i] == "S" and out[i - 1] == "D" and out[i + 1] == "D":
            out[i] = "D"
    for start, end in _runs(out, "T"):
        if (start > 0 and out[start - 1] == "D") or (end < len(out) and out[end] == "D"):
            out[start:end] = ["D"] * (end - start)
    return ["N" if kind in ("S", "T") else kind for kind in out]


def _numbers_after_latin(classes: list[str], base: str) -> list[str]:
    """W7: a number whose previous strong character (or the line start) is L is L."""
    out = list(classes)
    last_strong = base
    for i, kind in enumerate(out):
        if kind in ("L", "R"):
            last_strong = kind
        elif kind == "D" and last_strong == "L":
            out[i] = "L"
    return out


def _resolve_neutrals(classes: list[str], base: str) -> list[str]:
    """N1/N2: neutrals between two same-direction sides take it (numbers count as R), else base."""
    def side(index: int) -> str:
        if 0 <= index < len(classes):
            return "L" if classes[index] == "L" else "R"
        return base

    out = list(classes)
    for start, end in _runs(classes, "N"):
        before, after = side(start - 1), side(end)
        out[start:end] = [before if before == after else base] * (end - start)
    return out


_LEVELS = {"L": {"L": 0, "R": 1, "D": 2}, "R": {"L": 2, "R": 1, "D": 2}}


def _levels(text: str, clusters: list[tuple[int, int]]) -> list[int]:
    """Embedding level of each cluster (a cluster takes its base character's class)."""
    base = _base_direction(text)
    classes = [_bidi_class(text[start]) for start, _ in clusters]
    resolved = _resolve_neutrals(_numbers_after_latin(_join_numbers(classes), base), base)
    return [_LEVELS[base][kind] for kind in resolved]


def _visual_order(levels: list[int]) -> list[int]:
    """L2: from the highest level down to the lowest odd one, reverse every run at that level or above."""
    if not levels:
        return []
    items = list(enumerate(levels))
    for level in range(max(levels), (min(levels) | 1) - 1, -1):
        i = 0
        while i < len(items):
            if items[i][1] < level:
                i += 1
                continue
            j = i
            while j < len(items) and items[j][1] >= level:
                j += 1
            items[i:j] = items[i:j][::-1]
            i = j
    return [index for index, _ in items]


def _append(out: list[Segment], text: str, style: str | None) -> None:
    if not text:
        return
    if out and out[-1][1] == style:
        out[-1] = (out[-1][0] + text, style)
    else:
        out.append((text, style))


def visual(segments: Sequence[Segment]) -> list[Segment]:
    """One logical-order line, as styled segments, in visual (left-to-right) order and shaped.

    Shaping is decided on the whole line, so letters join across segment boundaries; a lam-alef
    ligature takes the lam's style. Paired brackets in right-to-left context are mirrored.
    Adjacent pieces with the same style are merged and empty ones dropped. The line should not
    hold line breaks: they are treated as ordinary neutral characters.
    """
    text = "".join(part for part, _ in segments)
    styles = [style for part, style in segments for _ in part]
    pieces = _shaped_pieces(text)
    clusters = _clusters(text)
    levels = _levels(text, clusters)
    out: list[Segment] = []
    for index in _visual_order(levels):
        start, end = clusters[index]
        right_to_left = levels[index] % 2 == 1
        for i in range(start, end):
            piece = _MIRRORED.get(pieces[i], pieces[i]) if right_to_left and i == start else pieces[i]
            _append(out, piece, styles[i])
    return out


def visual_text(text: str) -> str:
    """:func:`visual` for a plain, unstyled line."""
    return "".join(part for part, _ in visual([(text, None)]))

"""Visual-order rendering of Arabic lines for terminals without bidi support.

Many terminals print text in logical order, left to right, with unjoined letters, which makes
Arabic unreadable. :func:`visual` turns one logical-order line into what such a terminal must be
given: letters replaced by their joined presentation forms (:func:`shape`) and characters put in
left-to-right display order by the Unicode Bidirectional Algorithm (UAX #9). Styles travel with
characters, so a highlighted word stays highlighted wherever it lands; :func:`visual_lines` wraps a
paragraph and reorders each line as UAX #9 says (levels resolved on the whole paragraph).

What UAX #9 asks and is done: the weak-type rules W1–W7 (numbers after Arabic letters are Arabic
numbers, so ``45%`` stays ``45%`` and ``2015-08-02`` keeps its order), paired brackets (N0),
neutrals (N1, N2), implicit levels, trailing whitespace (L1), reordering (L2) and mirroring (L4).
Not done: explicit embeddings, overrides and isolates (their control characters are removed or
neutral, as if unmatched), and one paragraph per call (a line break is an ordinary neutral). One
deliberate difference: combining marks stay after their base character (rule L3), so a haraka is
drawn on its letter by a terminal that combines characters as it receives them.

Shaping uses the presentation forms of U+FB50–U+FBFF and U+FE70–U+FEFC, so Persian and Urdu
letters (پ چ ژ گ ک ی …) join too.

Pure functions only: nothing here prints.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TypeAlias

__all__ = ["Segment", "bidi_levels", "shape", "visual", "visual_lines", "visual_text"]

Segment: TypeAlias = tuple[str, str | None]
"""(text, style): the style is an opaque name (e.g. a Rich style) or None."""

_PRESENTATION_FORMS = (range(0xFE70, 0xFEFD), range(0xFB50, 0xFC00))
_LAM = "\u0644"
_JOIN_CAUSING = frozenset("\u0640\u200d")  # tatweel, zero width joiner
_MARK_CATEGORIES = frozenset({"Mn", "Me"})

# Joining types (ArabicShaping.txt): Dual, Right, join-Causing, Transparent, non-joining (U).


def _presentation_tables() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """Read the letter forms and the lam-alef ligatures off the decompositions of the presentation forms."""
    letters: dict[str, dict[str, str]] = {}
    lam_alef: dict[str, dict[str, str]] = {}
    for block in _PRESENTATION_FORMS:
        for code_point in block:
            form = chr(code_point)
            tag, *hex_codes = unicodedata.decomposition(form).split() or [""]
            if not (tag.startswith("<") and hex_codes):
                continue
            base = "".join(chr(int(code, 16)) for code in hex_codes)
            if len(base) == 1:
                letters.setdefault(base, {}).setdefault(tag.strip("<>"), form)
            elif len(base) == 2 and base[0] == _LAM:  # the others are harakat and Uighur/Kurdish ligatures
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
    """Replace Arabic letters by their contextual presentation forms, lam+alef by the lam-alef
    ligatures. Order is unchanged (still logical); non-Arabic text is untouched."""
    return "".join(_shaped_pieces(text))


# The bidi algorithm ------------------------------------------------------------------------------

def _bracket_pairs() -> tuple[dict[str, str], dict[str, str]]:
    """Opening bracket → its closing one, and closing → opening (BidiBrackets.txt: Ps/Pe characters with
    Bidi_Mirrored whose partner is the next code point but one at most; U+298D and U+298F pair crosswise)."""
    opening: dict[str, str] = {}
    for code_point in range(0x20, 0x10000):
        char = chr(code_point)
        if unicodedata.category(char) != "Ps" or not unicodedata.mirrored(char):
            continue
        for step in (1, 2):
            partner = chr(code_point + step)
            if unicodedata.category(partner) == "Pe" and unicodedata.mirrored(partner):
                opening[char] = partner
                break
    opening.update({"\u298d": "\u2990", "\u298f": "\u298e"})
    return opening, {close: open_ for open_, close in opening.items()}


_OPENING, _CLOSING = _bracket_pairs()
#: Canonical equivalents that pair with each other's partners (BD16): U+2329/U+232A are U+3008/U+3009.
_BRACKET_ALIAS = {"\u2329": "\u3008", "\u232a": "\u3009"}
_MIRRORED = {**_OPENING, **_CLOSING, **dict(zip("<>«»‹›", "><»«›‹"))}
_REMOVED = frozenset({"RLE", "LRE", "RLO", "LRO", "PDF", "BN"})  # X9
_NEUTRAL = frozenset({"B", "S", "WS", "ON", "LRI", "RLI", "FSI", "PDI"})
_WHITESPACE = frozenset({"WS", "LRI", "RLI", "FSI", "PDI", "RLE", "LRE", "RLO", "LRO", "PDF", "BN"})
_MAX_BRACKET_DEPTH = 63


def _bidi_class(char: str) -> str:
    return unicodedata.bidirectional(char) or "L"


def _paragraph_level(classes: Sequence[str]) -> int:
    """P2, P3: 1 when the first strong character is right-to-left."""
    for kind in classes:
        if kind == "L":
            return 0
        if kind in ("R", "AL"):
            return 1
    return 0


def _strong(kind: str) -> str | None:
    """The direction a resolved type counts as for N0 and N1 (numbers count as R)."""
    if kind == "L":
        return "L"
    return "R" if kind in ("R", "AL", "EN", "AN") else None


def _resolve_weak(types: list[str], sos: str) -> None:
    """W1–W7, in place."""
    n = len(types)
    for i in range(n):  # W1
        if types[i] == "NSM":
            before = types[i - 1] if i else sos
            types[i] = "ON" if before in ("LRI", "RLI", "FSI", "PDI") else before
    last = sos
    for i in range(n):  # W2, W3
        if types[i] in ("L", "R", "AL"):
            last = types[i]
        if types[i] == "EN" and last == "AL":
            types[i] = "AN"
        if types[i] == "AL":
            types[i] = "R"
    for i in range(1, n - 1):  # W4
        before, after = types[i - 1], types[i + 1]
        if types[i] == "ES" and before == after == "EN":
            types[i] = "EN"
        elif types[i] == "CS" and before == after and before in ("EN", "AN"):
            types[i] = before
    i = 0
    while i < n:  # W5
        if types[i] != "ET":
            i += 1
            continue
        j = i
        while j < n and types[j] == "ET":
            j += 1
        if (i > 0 and types[i - 1] == "EN") or (j < n and types[j] == "EN"):
            types[i:j] = ["EN"] * (j - i)
        i = j
    for i in range(n):  # W6
        if types[i] in ("ES", "ET", "CS"):
            types[i] = "ON"
    last = sos
    for i in range(n):  # W7
        if types[i] in ("L", "R"):
            last = types[i]
        elif types[i] == "EN" and last == "L":
            types[i] = "L"


def _pairs(text: Sequence[str], types: Sequence[str]) -> list[tuple[int, int]]:
    """BD16: the bracket pairs among characters still of type ON, by opening position."""
    stack: list[tuple[str, int]] = []
    found: list[tuple[int, int]] = []
    for i, char in enumerate(text):
        if types[i] != "ON":
            continue
        char = _BRACKET_ALIAS.get(char, char)
        if char in _OPENING:
            if len(stack) == _MAX_BRACKET_DEPTH:
                break
            stack.append((_OPENING[char], i))
        elif char in _CLOSING:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == char:
                    found.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    return sorted(found)


def _resolve_brackets(text: Sequence[str], types: list[str], original: Sequence[str], sos: str,
                      embedding: str) -> None:
    """N0, in place: a bracket pair takes the embedding direction if it holds strong text of that direction,
    else the other direction if it holds that and the context before the pair has it too."""
    opposite = "L" if embedding == "R" else "R"
    for start, end in _pairs(text, types):
        inside = {_strong(kind) for kind in types[start + 1:end]}
        if embedding in inside:
            direction = embedding
        elif opposite in inside:
            before = next((s for s in map(_strong, reversed(types[:start])) if s is not None), sos)
            direction = opposite if before == opposite else embedding
        else:
            continue
        for bracket in (start, end):
            types[bracket] = direction
            k = bracket + 1
            while k < len(types) and original[k] == "NSM":
                types[k] = direction
                k += 1


def _resolve_neutrals(types: list[str], sos: str, embedding: str) -> None:
    """N1, N2, in place."""
    n = len(types)
    i = 0
    while i < n:
        if types[i] not in _NEUTRAL:
            i += 1
            continue
        j = i
        while j < n and types[j] in _NEUTRAL:
            j += 1
        before = (_strong(types[i - 1]) or embedding) if i else sos
        after = (_strong(types[j]) or embedding) if j < n else sos
        types[i:j] = [before if before == after else embedding] * (j - i)
        i = j


def bidi_levels(text: str) -> tuple[int, list[int]]:
    """The paragraph level of ``text`` (0 left to right, 1 right to left) and the resolved embedding level of
    each character (UAX #9 up to rule I2, before the line rules)."""
    classes = [_bidi_class(char) for char in text]
    paragraph = _paragraph_level(classes)
    kept = [i for i, kind in enumerate(classes) if kind not in _REMOVED]
    types = [classes[i] for i in kept]
    original = list(types)
    chars = [text[i] for i in kept]
    embedding = "R" if paragraph else "L"
    _resolve_weak(types, embedding)
    _resolve_brackets(chars, types, original, embedding, embedding)
    _resolve_neutrals(types, embedding, embedding)
    levels = [paragraph] * len(text)
    for i, kind in zip(kept, types):
        if paragraph == 0:
            levels[i] = 1 if kind == "R" else 2 if kind in ("AN", "EN") else 0
        else:
            levels[i] = 2 if kind in ("L", "EN", "AN") else 1
    for position, i in enumerate(kept):  # removed characters take the level of the character before them
        for removed in range(i + 1, kept[position + 1] if position + 1 < len(kept) else len(text)):
            levels[removed] = levels[i]
    return paragraph, levels


def _line_levels(text: str, levels: Sequence[int], paragraph: int) -> list[int]:
    """L1 for one line: separators, and whitespace before them or at the end, go to the paragraph level."""
    out = list(levels)
    trailing = True
    for i in range(len(text) - 1, -1, -1):
        kind = _bidi_class(text[i])
        if kind in ("S", "B"):
            out[i] = paragraph
            trailing = True
        elif trailing and kind in _WHITESPACE:
            out[i] = paragraph
        else:
            trailing = False
    return out


def _clusters(text: str) -> list[tuple[int, int]]:
    """(start, end) of each base character with the combining marks that follow it."""
    clusters: list[tuple[int, int]] = []
    for i, char in enumerate(text):
        if clusters and _is_mark(char):
            clusters[-1] = (clusters[-1][0], i + 1)
        else:
            clusters.append((i, i + 1))
    return clusters


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


def _reordered(text: str, pieces: Sequence[str], styles: Sequence[str | None], levels: Sequence[int],
               start: int, end: int, mirrored: bool = True) -> list[Segment]:
    """Characters ``start:end`` of a paragraph as one visual line (L2–L4, marks kept after their base)."""
    clusters = [(a + start, b + start) for a, b in _clusters(text[start:end])]
    cluster_levels = [levels[a] for a, _ in clusters]
    out: list[Segment] = []
    for index in _visual_order(cluster_levels):
        first, last = clusters[index]
        right_to_left = mirrored and cluster_levels[index] % 2 == 1
        for i in range(first, last):
            piece = _MIRRORED.get(pieces[i], pieces[i]) if right_to_left and i == first else pieces[i]
            _append(out, piece, styles[i])
    return out


def _prepared(segments: Sequence[Segment], shaped: bool) -> tuple[str, list[str | None], list[str]]:
    text = "".join(part for part, _ in segments)
    styles = [style for part, style in segments for _ in part]
    return text, styles, _shaped_pieces(text) if shaped else list(text)


def visual(segments: Sequence[Segment], *, shaped: bool = True, mirrored: bool = True) -> list[Segment]:
    """One logical-order line, as styled segments, in visual (left-to-right) order and shaped.

    Shaping is decided on the whole line, so letters join across segment boundaries; a lam-alef
    ligature takes the lam's style. Mirrored characters (brackets) in right-to-left runs are mirrored.
    Adjacent pieces with the same style are merged and empty ones dropped. The line should not
    hold line breaks: they are treated as ordinary neutral characters. ``shaped=False``: letters
    left as they are; ``mirrored=False``: brackets too (rule L4 left to the renderer, as python-bidi does).
    """
    text, styles, pieces = _prepared(segments, shaped)
    paragraph, levels = bidi_levels(text)
    return _reordered(text, pieces, styles, _line_levels(text, levels, paragraph), 0, len(text), mirrored)


def visual_text(text: str, *, shaped: bool = True, mirrored: bool = True) -> str:
    """:func:`visual` for a plain, unstyled line."""
    return "".join(part for part, _ in visual([(text, None)], shaped=shaped, mirrored=mirrored))


def _line_ranges(text: str, width: int) -> list[tuple[int, int]]:
    """(start, end) of each line when ``text`` is wrapped at spaces into lines of at most ``width`` characters
    (longer words get a line of their own); the spaces at a break belong to no line."""
    words: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        if text[i] == " ":
            i += 1
            continue
        j = text.find(" ", i)
        j = len(text) if j < 0 else j
        words.append((i, j))
        i = j
    lines: list[tuple[int, int]] = []
    for start, end in words:
        if lines and end - lines[-1][0] <= width:
            lines[-1] = (lines[-1][0], end)
        else:
            lines.append((start, end))
    return lines


def visual_lines(segments: Sequence[Segment], width: int, *, shaped: bool = True
                 ) -> tuple[bool, list[list[Segment]]]:
    """A logical-order paragraph wrapped at spaces into lines of at most ``width`` characters, each in visual
    order and shaped: levels are resolved on the whole paragraph, then each line is reordered (UAX #9, L1–L2).
    Also whether the paragraph reads right to left (a renderer aligns such lines to the right)."""
    text, styles, pieces = _prepared(segments, shaped)
    paragraph, levels = bidi_levels(text)
    lines = []
    for start, end in _line_ranges(text, width):
        line_levels = _line_levels(text[start:end], levels[start:end], paragraph)
        lines.append(_reordered(text, pieces, styles, [paragraph] * start + line_levels, start, end))
    return paragraph == 1, lines

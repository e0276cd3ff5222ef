"""Rendering results for a terminal with Rich (used only by the CLI).

Arabic in terminals without bidi support: in ``visual`` mode every line is wrapped in logical order first, then
shaped and reordered by :mod:`arsearch.display`, and printed right-aligned when it reads right to left.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Literal

from rich.console import Console
from rich.table import Table
from rich.text import Text

from arsearch.analysis import Token
from arsearch.interfaces.display import Segment, visual
from arsearch.search.highlight import Snippet

BidiMode = Literal["auto", "on", "off"]
HIGHLIGHT = "bold yellow"


def terminal_does_bidi() -> bool:
    """Terminals known to reorder right-to-left text themselves (VTE ≥ 0.58, Konsole, mlterm, macOS Terminal)."""
    vte = os.environ.get("VTE_VERSION", "")
    return (
        (vte.isdigit() and int(vte) >= 5800)
        or "KONSOLE_VERSION" in os.environ
        or os.environ.get("TERM", "").startswith("mlterm")
        or os.environ.get("TERM_PROGRAM") == "Apple_Terminal"
    )


def use_visual_order(mode: BidiMode, console: Console) -> bool:
    if mode == "on":
        return True
    if mode == "off":
        return False
    return console.is_terminal and sys.stdout.isatty() and not terminal_does_bidi()


def _wrap(segments: Sequence[Segment], width: int) -> list[list[Segment]]:
    """Wrap styled text at spaces into lines of at most ``width`` characters (logical order)."""
    lines: list[list[Segment]] = [[]]
    used = 0
    words: list[list[Segment]] = [[]]
    for text, style in segments:
        for i, part in enumerate(text.split(" ")):
            if i:
                words.append([])
            if part:
                words[-1].append((part, style))
    for word in words:
        size = sum(len(t) for t, _ in word)
        if not size:
            continue
        if used and used + 1 + size > width:
            lines.append([])
            used = 0
        if used:
            lines[-1].append((" ", None))
            used += 1
        lines[-1].extend(word)
        used += size
    return lines


def _is_rtl(segments: Sequence[Segment]) -> bool:
    for text, _ in segments:
        for ch in text:
            if ch.isalpha():
                return "\u0590" <= ch <= "\u08ff" or "\ufb1d" <= ch <= "\ufefc"
    return False


class Renderer:
    def __init__(self, console: Console, visual_order: bool) -> None:
        self.console = console
        self.visual_order = visual_order

    def block(self, segments: Sequence[Segment], indent: int = 0, style: str | None = None) -> None:
        """Print styled text; in visual order, wrapped and reordered line by line."""
        pad = " " * indent
        if not self.visual_order:
            text = Text(pad, style=style or "")
            for piece, piece_style in segments:
                text.append(piece, style=piece_style)
            self.console.print(text)
            return
        width = max(20, self.console.width - indent)
        for line in _wrap(segments, width):
            out = Text(style=style or "")
            for piece, piece_style in visual(line):
                out.append(piece, style=piece_style)
            if _is_rtl(line):
                out.pad_left(max(0, width - out.cell_len))
            self.console.print(Text(pad) + out)

    def snippet(self, snippet: Snippet, indent: int = 0, style: str | None = None) -> None:
        self.block([(p, HIGHLIGHT if hit else None) for p, hit in snippet.segments()], indent, style)

    def tokens_table(self, text: str, tokens: Sequence[Token]) -> None:
        table = Table(title=None, show_lines=False)
        for column in ("#", "term", "surface", "start", "end", "stopword"):
            table.add_column(column, justify="right" if column in ("#", "start", "end") else "left")
        for token in tokens:
            term, surface = token.term, token.surface
            if self.visual_order:
                term, surface = (''.join(p for p, _ in visual([(term, None)])),
                                 ''.join(p for p, _ in visual([(surface, None)])))
            table.add_row(str(token.position), term, surface, str(token.start), str(token.end),
                          "yes" if token.stopword else "")
        self.console.print(table)

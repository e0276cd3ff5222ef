"""Rendering results for a terminal with Rich (used only by the CLI).

Arabic in terminals without bidi support: in ``visual`` mode every paragraph is wrapped in logical order first,
then each line shaped and reordered by :mod:`arsearch.interfaces.display` (UAX #9, levels resolved on the whole
paragraph), and printed right-aligned when the paragraph reads right to left.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Literal

from rich.console import Console
from rich.text import Text

from arsearch.analysis import Token
from arsearch.interfaces.display import Segment, visual_lines, visual_text
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
        right_to_left, lines = visual_lines(segments, width)
        for line in lines:
            out = Text(style=style or "")
            for piece, piece_style in line:
                out.append(piece, style=piece_style)
            if right_to_left:
                out.pad_left(max(0, width - out.cell_len))
            self.console.print(Text(pad) + out)

    def fields(self, fields: Sequence[str], literal: str, indent: int = 0, style: str | None = None,
               joiner: str = " · ") -> None:
        """One line of short fields, then ``literal`` (an id, a URL, a list of them) exactly as it is: in visual
        order each field is reordered on its own, left to right, and ``literal`` never is, so that it can be copied
        and given back to arsearch (``similar DOC_ID``)."""
        shown = [visual_text(field) for field in fields] if self.visual_order else list(fields)
        line = joiner.join([*shown, literal] if literal else shown)
        self.console.print(Text(" " * indent) + Text(line, style=style or ""))

    def snippet(self, snippet: Snippet, indent: int = 0, style: str | None = None) -> None:
        self.block([(p, HIGHLIGHT if hit else None) for p, hit in snippet.segments()], indent, style)

    def tokens_table(self, text: str, tokens: Sequence[Token]) -> None:
        from rich.table import Table

        table = Table(title=None, show_lines=False)
        for column in ("#", "term", "surface", "start", "end", "stopword"):
            table.add_column(column, justify="right" if column in ("#", "start", "end") else "left")
        for token in tokens:
            term, surface = token.term, token.surface
            if self.visual_order:
                term, surface = visual_text(term), visual_text(surface)
            table.add_row(str(token.position), term, surface, str(token.start), str(token.end),
                          "yes" if token.stopword else "")
        self.console.print(table)

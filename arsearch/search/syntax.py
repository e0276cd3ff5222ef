"""Parsing the user's query string into a small syntax tree (no analysis, no Whoosh).

Grammar (lenient: unbalanced quotes and parentheses are closed at the end, stray ``)`` ignored, parentheses
nested deeper than :data:`MAX_NESTING` ignored)::

    query   := clause*
    clause  := ["-" | "+" | "NOT"] any ("AND" clause)?
    any     := atom ("OR" atom)*
    atom    := "(" query ")" | [field ":"] (phrase | word | "(" query ")")
    phrase  := '"' ... '"'   (also “ ” « » „)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Union

Occur = Literal["should", "must", "must_not"]

OPEN_QUOTES = "\"“«„”"
CLOSE_QUOTES = "\"”»“"
_FIELD_RE = re.compile(r"^([A-Za-z_]+):(.*)$", re.S)
#: Deepest nesting of parentheses kept; deeper pairs are ignored (the parser and compiler recurse per level).
MAX_NESTING = 32


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class AnyOf:
    options: tuple[Node, ...]


@dataclass(frozen=True)
class Group:
    clauses: tuple[Clause, ...]
    field: str | None = None


@dataclass(frozen=True)
class Clause:
    node: Node
    occur: Occur = "should"


Node = Union[Word, Phrase, AnyOf, Group]


@dataclass(frozen=True)
class _Tok:
    kind: Literal["word", "phrase", "(", ")", "OR", "AND", "NOT", "-", "+", "field"]
    text: str = ""


def _lex(query: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(query)
    depth = ignored = 0  # open parentheses kept, and open ones ignored for being too deep
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            if ch == "(" and depth >= MAX_NESTING:
                ignored += 1
            elif ch == ")" and ignored:
                ignored -= 1
            else:
                toks.append(_Tok(ch))  # type: ignore[arg-type]
                depth = depth + 1 if ch == "(" else max(depth - 1, 0)
            i += 1
        elif ch in OPEN_QUOTES:
            j = i + 1
            while j < n and query[j] not in CLOSE_QUOTES:
                j += 1
            toks.append(_Tok("phrase", query[i + 1:j]))
            i = j + 1
        elif ch in "-+" and i + 1 < n and not query[i + 1].isspace() and (i == 0 or query[i - 1].isspace()
                                                                        or query[i - 1] == "("):
            toks.append(_Tok(ch))  # type: ignore[arg-type]
            i += 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in "()" and query[j] not in OPEN_QUOTES:
                j += 1
            toks.extend(_word_tokens(query[i:j]))
            i = j
    return toks


def _word_tokens(run: str) -> list[_Tok]:
    if run in ("OR", "AND", "NOT"):
        return [_Tok(run)]  # type: ignore[arg-type]
    m = _FIELD_RE.match(run)
    if m and not m.group(2).startswith("//"):
        field, rest = m.group(1).lower(), m.group(2)
        return [_Tok("field", field)] + ([_Tok("word", rest)] if rest else [])
    return [_Tok("word", run)]


class _Parser:
    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def sequence(self, nested: bool) -> tuple[Clause, ...]:
        clauses: list[Clause] = []
        require_next = False
        while (tok := self.peek()) is not None:
            if tok.kind == ")":
                if nested:
                    break
                self.take()
                continue
            if tok.kind == "AND":
                self.take()
                if clauses and clauses[-1].occur == "should":
                    clauses[-1] = Clause(clauses[-1].node, "must")
                require_next = True
                continue
            occur: Occur = "must" if require_next else "should"
            require_next = False
            if tok.kind in ("-", "NOT"):
                self.take()
                occur = "must_not"
            elif tok.kind == "+":
                self.take()
                occur = "must"
            node = self.any_of()
            if node is not None:
                clauses.append(Clause(node, occur))
        return tuple(clauses)

    def any_of(self) -> Node | None:
        options = [self.atom()]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            following = self.peek()
            if following is None or following.kind in ("-", "NOT", "OR", "AND", ")"):
                break  # "a OR -b": the exclusion is a clause of its own, not an option
            options.append(self.atom())
        kept = tuple(o for o in options if o is not None)
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else AnyOf(kept)

    def atom(self, field: str | None = None) -> Node | None:
        tok = self.peek()
        while tok is not None and tok.kind == "field":  # "title: content: x" searches x in content
            field = self.take().text
            tok = self.peek()
        if tok is None:
            return None
        self.take()
        if tok.kind == "word":
            return Word(tok.text, field)
        if tok.kind == "phrase":
            return Phrase(tok.text, field)
        if tok.kind == "(":
            group = Group(self.sequence(nested=True), field)
            if (close := self.peek()) is not None and close.kind == ")":
                self.take()
            return group
        if tok.kind in ("OR", "AND", "NOT"):  # an operator with nothing before it: search the word itself
            return Word(tok.kind.lower(), field)
        return None  # a stray "-" or "+" at the end


def parse_query(query: str) -> tuple[Clause, ...]:
    """Parse ``query`` into clauses; never raises."""
    return _Parser(_lex(query)).sequence(nested=False)


def fields_named(clauses: tuple[Clause, ...]) -> set[str]:
    """Every field name that appears in the tree (to reject unknown ones with a clear message)."""
    found: set[str] = set()

    def visit(node: Node) -> None:
        if isinstance(node, (Word, Phrase)) and node.field:
            found.add(node.field)
        elif isinstance(node, AnyOf):
            for option in node.options:
                visit(option)
        elif isinstance(node, Group):
            if node.field:
                found.add(node.field)
            for clause in node.clauses:
                visit(clause.node)

    for clause in clauses:
        visit(clause.node)
    return found

"""From the user's query string to an engine query: parse (:mod:`arsearch.search.syntax`), analyze each word
with the index's analyzer, build the tree of :mod:`arsearch.engine.api`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from arsearch.analysis import Analyzer
from arsearch.engine.api import QUERY_FIELDS, TEXT_FIELDS, AllOf, AndMaybe, AndNot, AnyOf, Phrase, Query, Term, \
    leaves
from arsearch.errors import QueryError
from arsearch.search.proximity import adjacent_pairs
from arsearch.search.questions import without_answer_kind
from arsearch.search.ranking import DEFAULT_RANKING, Ranking
from arsearch.search.syntax import AnyOf as AnyOfNode
from arsearch.search.syntax import Clause, Group, Node, Word, fields_named, parse_query
from arsearch.search.syntax import Phrase as PhraseNode

#: Most term lookups one query may need (after repeated words are merged), like Lucene's max clause count: the
#: cost of a query grows with its lookups, and a pasted article can need thousands.
MAX_QUERY_TERMS = 1024
#: Longest query string, in characters: parsing and analysis cost grow with the length before the term limit
#: can be checked (docs/measurements.md).
MAX_QUERY_CHARS = 32_768
_WILDCARDS_ONLY = frozenset("*?؟ \t\n")
#: A ``*`` at the start, inside or at the end of a word (فلسط*), or a ``?`` inside one: wildcards, unsupported.
_WILDCARD_IN_WORD = re.compile(r"\w\*|\*\w|\w\?\w")
_WILDCARDS = ("wildcards (* and ?) are not supported: search for words; a word already matches its forms with and "
              "without ال and suffixes")


@dataclass
class _Compiled:
    query: Query | None
    terms: set[str]


def _too_many(count: int, more: bool = False) -> QueryError:
    return QueryError(f"query too long ({count}{' or more' if more else ''} terms to look up, the limit is "
                      f"{MAX_QUERY_TERMS}): shorten it")


class QueryCompiler:
    """Analyzes each word with the index's analyzer and builds the engine query; :attr:`pairs` are the sloppy
    phrases of the last compiled query's adjacent words (:mod:`arsearch.search.proximity`), for the search to add
    once the query fits its budget."""

    def __init__(self, analyzer: Analyzer, ranking: Ranking = DEFAULT_RANKING) -> None:
        self.analyzer = analyzer
        self.ranking = ranking
        self.pairs: tuple[Phrase, ...] = ()

    def compile(self, text: str) -> tuple[Query, frozenset[str]]:
        """The query and the analyzed terms that highlight its matches."""
        if len(text) > MAX_QUERY_CHARS:
            raise QueryError(f"query too long ({len(text)} characters, the limit is {MAX_QUERY_CHARS}): shorten it")
        if _WILDCARD_IN_WORD.search(text):
            raise QueryError(_WILDCARDS)
        clauses = parse_query(text)
        if self.ranking.questions:
            clauses = without_answer_kind(clauses, self.analyzer)
        unknown = fields_named(clauses) - set(QUERY_FIELDS)
        if unknown:
            raise QueryError(f"unknown field {sorted(unknown)[0]!r}: use one of {', '.join(QUERY_FIELDS)} "
                             f"(or put the text in quotes to search for it)")
        self._keep_stopwords = not self._has_content_word(clauses)
        self._distinct: set[Query] = set()
        compiled = self._sequence(clauses, None)
        if compiled.query is None:
            if text.strip() and set(text) <= _WILDCARDS_ONLY:
                raise QueryError(_WILDCARDS)
            raise QueryError("nothing to search for: the query has no words, or only excludes words")
        count = sum(1 for _ in leaves(compiled.query))  # a phrase is one look-up of its positions
        if count > MAX_QUERY_TERMS:
            raise _too_many(count)
        self.pairs = self._pairs(clauses) if self.ranking.proximity > 0 else ()
        return compiled.query, frozenset(compiled.terms)

    def _pairs(self, clauses: tuple[Clause, ...]) -> tuple[Phrase, ...]:
        """The proximity pairs of the query's words typed without a field, in their order."""
        words = [t.term for c in clauses if c.occur != "must_not" and isinstance(c.node, Word) and not c.node.field
                 for t in self.analyzer.tokens(c.node.text) if self._keep_stopwords or not t.stopword]
        weight = self.ranking.proximity
        fields = [(name, weight * (self.ranking.title_weight if name == "title" else 1.0)) for name in TEXT_FIELDS]
        return adjacent_pairs(words, fields, self.ranking.proximity_slop)

    def _has_content_word(self, clauses: tuple[Clause, ...]) -> bool:
        def words(node: Node) -> list[str]:
            if isinstance(node, Word):
                return [node.text]
            if isinstance(node, AnyOfNode):
                return [w for option in node.options for w in words(option)]
            if isinstance(node, Group):
                return [w for c in node.clauses if c.occur != "must_not" for w in words(c.node)]
            return []

        texts = [w for c in clauses if c.occur != "must_not" for w in words(c.node)]
        return any(not tok.stopword for text in texts for tok in self.analyzer.tokens(text))

    def _sequence(self, clauses: tuple[Clause, ...], fieldname: str | None) -> _Compiled:
        should: list[Query] = []
        must: list[Query] = []
        must_not: list[Query] = []
        terms: set[str] = set()
        seen: set[tuple[str, Query]] = set()
        for clause in clauses:
            part = self._node(clause.node, fieldname)
            if part.query is None or (clause.occur, part.query) in seen:  # a repeated word adds nothing
                continue
            seen.add((clause.occur, part.query))
            if clause.occur == "must_not":
                must_not.append(part.query)
                continue
            terms |= part.terms
            if clause.occur == "must" or self.ranking.operator == "and":
                must.append(part.query)
            else:
                should.append(part.query)
        positive = self._combine(must, should)
        if positive is None:
            return _Compiled(None, set())
        if must_not:
            positive = AndNot(positive, must_not[0] if len(must_not) == 1 else AnyOf(tuple(must_not)))
        return _Compiled(positive, terms)

    def _combine(self, must: list[Query], should: list[Query]) -> Query | None:
        optional: Query | None = None
        if len(should) == 1:
            optional = should[0]
        elif should:
            optional = AnyOf(tuple(should), scale=self.ranking.coordination)
        if not must:
            return optional
        required = must[0] if len(must) == 1 else AllOf(tuple(must))
        return AndMaybe(required, optional) if optional is not None else required

    def _node(self, node: Node, fieldname: str | None) -> _Compiled:
        if isinstance(node, Group):
            return self._sequence(node.clauses, node.field or fieldname)
        if isinstance(node, AnyOfNode):
            parts = [self._node(option, fieldname) for option in node.options]
            queries = [p.query for p in parts if p.query is not None]
            if not queries:
                return _Compiled(None, set())
            return _Compiled(queries[0] if len(queries) == 1 else AnyOf(tuple(queries)),
                             set().union(*(p.terms for p in parts)))
        fieldname = node.field or fieldname
        if fieldname in ("source", "id", "url"):
            value = node.text.lower() if fieldname == "source" else node.text
            return _Compiled(Term(fieldname, value) if value else None, set())
        is_phrase = isinstance(node, PhraseNode)
        tokens = self.analyzer.tokens(node.text)
        if not is_phrase and not self._keep_stopwords:
            tokens = [t for t in tokens if not t.stopword]
        words = [t.term for t in tokens]
        if not words:
            return _Compiled(None, set())
        fields = [fieldname] if fieldname else list(TEXT_FIELDS)
        query = self._text_query(fields, words)
        self._distinct.update(leaves(query))
        if len(self._distinct) > MAX_QUERY_TERMS:  # no need to analyze the rest: the query has more than that
            raise _too_many(len(self._distinct), more=True)
        return _Compiled(query, set(words))

    def _text_query(self, fields: list[str], words: list[str]) -> Query:
        per_field: list[Query] = []
        for name in fields:
            boost = self.ranking.title_weight if name == "title" else 1.0
            if len(words) == 1:
                per_field.append(Term(name, words[0], boost=boost))
            else:
                per_field.append(Phrase(name, tuple(words), boost=boost))
        return per_field[0] if len(per_field) == 1 else AnyOf(tuple(per_field))

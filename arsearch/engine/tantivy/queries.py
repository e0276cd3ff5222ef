"""arsearch's query tree (:data:`arsearch.engine.api.Query`) and filters as tantivy queries.

``AnyOf.scale`` (Whoosh's coordination bonus, off in the default ranking) has no tantivy counterpart: an
:class:`AnyOf` is the plain sum of its parts here, one boolean query of them with the parts of any
:class:`AnyOf` inside it (the same sum).  A term of an analyzed field can be weighted (its boost times
``weight(field, text)``): the snapshot uses it to give each term the idf the Whoosh engine gives it, and a
phrase the mean weight of its words.  A filter
is a clause that must match and scores nothing (a constant 0 added to the score).  A sloppy :class:`Phrase` is
tantivy's phrase query with that slop (a swap of two words costs two moves, as in Lucene); as tantivy leaves
one position between two values of a field, a sloppy phrase may also join the end of the text to the start of a
copy of its lead (words that are both in the document, one of them in its lead)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

import tantivy

from arsearch.documents import writable
from arsearch.engine.api import NO_DATE, AllOf, AndMaybe, AnyOf, Filters, Phrase, Query, Term
from arsearch.engine.tantivy.schema import ANALYZED, DAY, SOURCE_NAMES, indexed_term

_MUST, _SHOULD, _MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
#: The largest date value of a dated document.
LAST_DATE = NO_DATE - 1


class QueryBuilder:
    """Builds tantivy queries for an index whose schema has ``fields``; a term of a field it lacks matches
    nothing."""

    def __init__(self, schema: tantivy.Schema, fields: frozenset[str],
                 weight: Callable[[str, str], float] | None = None) -> None:
        self._schema = schema
        self._fields = fields
        self._weight = weight

    def query(self, query: Query) -> tantivy.Query:
        if isinstance(query, Term):
            return self.term(query.field, query.text, query.boost)
        if isinstance(query, Phrase):
            return self._phrase(query)
        if isinstance(query, AnyOf):
            return _boolean([(_SHOULD, self.query(part)) for part in _flat(query)])
        if isinstance(query, AllOf):
            return _boolean([(_MUST, self.query(part)) for part in query.parts])
        if isinstance(query, AndMaybe):
            return _boolean([(_MUST, self.query(query.required)), (_SHOULD, self.query(query.optional))])
        return _boolean([(_MUST, self.query(query.positive)), (_MUST_NOT, self.query(query.negative))])

    def term(self, field: str, text: str, boost: float = 1.0) -> tantivy.Query:
        name = SOURCE_NAMES if field == "source" else field
        if name not in self._fields:
            return tantivy.Query.empty_query()
        text = indexed_term(name, text)
        if self._weight is not None and field in ANALYZED:
            boost *= self._weight(field, text)
        return _boosted(tantivy.Query.term_query(self._schema, name, text), boost)

    def _phrase(self, phrase: Phrase) -> tantivy.Query:
        if len(phrase.words) == 1:
            return self.term(phrase.field, phrase.words[0], phrase.boost)
        if phrase.field not in ANALYZED or not phrase.words:
            return tantivy.Query.empty_query()
        words: list[str | tuple[int, str]] = [writable(word) for word in phrase.words]
        boost = phrase.boost
        if self._weight is not None:  # tantivy's phrase idf is the sum of its words': weighted as they are
            boost *= sum(self._weight(phrase.field, writable(word)) for word in phrase.words) / len(phrase.words)
        return _boosted(tantivy.Query.phrase_query(self._schema, phrase.field, words, phrase.slop), boost)

    # filters
    def filters(self, filters: Filters, *, sources: bool = True) -> list[tantivy.Query]:
        """The clauses of ``filters`` (without its sources when not ``sources``)."""
        found = []
        if filters.has_dates:
            found.append(self.dates(filters.first or 0, LAST_DATE if filters.last is None else filters.last))
        if sources and filters.sources is not None:
            found.append(self.any_of(SOURCE_NAMES, {writable(name) for name in filters.sources}))
        return found

    def dates(self, first: int, last: int) -> tantivy.Query:
        """Documents dated from ``first`` to ``last`` (inclusive), from the date column."""
        if first == last:
            return tantivy.Query.term_query(self._schema, "date", first)
        return tantivy.Query.range_query(self._schema, "date", tantivy.FieldType.Unsigned, first, last)

    def days(self, first: int, last: int) -> tantivy.Query:
        """Documents of the days ``first`` to ``last`` (day numbers, inclusive), from the day terms' postings."""
        return tantivy.Query.range_query(self._schema, DAY, tantivy.FieldType.Unsigned, first, last,
                                         use_inverted_index=True)

    def dated(self, values: Collection[int]) -> tantivy.Query:
        """Documents dated one of ``values``, from their date terms' postings."""
        return self.any_of("date", values)

    def any_of(self, name: str, values: Collection[str | int]) -> tantivy.Query:
        """Documents with any of the terms ``values`` of the schema's field ``name``: a boolean query of term
        queries, each term looked up in the term dictionary (tantivy's term set query reads the whole
        dictionary)."""
        if not values:
            return tantivy.Query.empty_query()
        return tantivy.Query.boolean_query(
            [(_SHOULD, tantivy.Query.term_query(self._schema, name, value)) for value in values])


def filtered(query: tantivy.Query, clauses: Sequence[tantivy.Query]) -> tantivy.Query:
    """``query``'s matches that match every clause, scored as ``query`` scores them."""
    if not clauses:
        return query
    return tantivy.Query.boolean_query(
        [(_MUST, query), *((_MUST, tantivy.Query.const_score_query(clause, 0.0)) for clause in clauses)])


def _flat(query: AnyOf) -> list[Query]:
    """The parts of ``query``, each part that is itself a plain :class:`AnyOf` replaced by its parts."""
    found: list[Query] = []
    for part in query.parts:
        if isinstance(part, AnyOf):
            found.extend(_flat(part))
        else:
            found.append(part)
    return found


def _boosted(query: tantivy.Query, boost: float) -> tantivy.Query:
    return query if boost == 1.0 else tantivy.Query.boost_query(query, boost)


def _boolean(parts: list[tuple[tantivy.Occur, tantivy.Query]]) -> tantivy.Query:
    if not parts:
        return tantivy.Query.empty_query()
    return tantivy.Query.boolean_query(parts)

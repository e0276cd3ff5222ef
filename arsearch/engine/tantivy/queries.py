"""arsearch's query tree (:data:`arsearch.engine.api.Query`) as tantivy queries.

``AnyOf.scale`` (Whoosh's coordination bonus, off in the default ranking) has no tantivy counterpart: an
:class:`AnyOf` is the plain sum of its parts here.  A term of an analyzed field can be weighted (its boost times
``weight(field, text)``): the snapshot uses it to give each term the idf the Whoosh engine gives it."""

from __future__ import annotations

from collections.abc import Callable

import tantivy

from arsearch.documents import writable
from arsearch.engine.api import AllOf, AndMaybe, AnyOf, BagOfTerms, Phrase, Query, Term
from arsearch.engine.tantivy.schema import ANALYZED, SOURCE_NAMES

_MUST, _SHOULD, _MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot


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
            return _boolean([(_SHOULD, self.query(part)) for part in query.parts])
        if isinstance(query, AllOf):
            return _boolean([(_MUST, self.query(part)) for part in query.parts])
        if isinstance(query, AndMaybe):
            return _boolean([(_MUST, self.query(query.required)), (_SHOULD, self.query(query.optional))])
        return _boolean([(_MUST, self.query(query.positive)), (_MUST_NOT, self.query(query.negative))])

    def bag(self, bag: BagOfTerms) -> tantivy.Query:
        """The documents with any term or phrase of ``bag``, scored by the sum of their BM25s times their
        boosts."""
        parts = [(_SHOULD, self.term(field, text, boost)) for field, text, boost in bag.leaves]
        parts += [(_SHOULD, self._phrase(phrase)) for phrase in bag.phrases]
        return _boolean(parts)

    def term(self, field: str, text: str, boost: float = 1.0) -> tantivy.Query:
        name = SOURCE_NAMES if field == "source" else field
        if name not in self._fields:
            return tantivy.Query.empty_query()
        text = writable(text)  # what a document's values were made into (tantivy takes no lone surrogate)
        if self._weight is not None and field in ANALYZED:
            boost *= self._weight(field, text)
        return _boosted(tantivy.Query.term_query(self._schema, name, text), boost)

    def _phrase(self, phrase: Phrase) -> tantivy.Query:
        if len(phrase.words) == 1:
            return self.term(phrase.field, phrase.words[0], phrase.boost)
        if phrase.field not in self._fields or not phrase.words:
            return tantivy.Query.empty_query()
        return _boosted(tantivy.Query.phrase_query(self._schema, phrase.field, list(phrase.words)), phrase.boost)


def _boosted(query: tantivy.Query, boost: float) -> tantivy.Query:
    return query if boost == 1.0 else tantivy.Query.boost_query(query, boost)


def _boolean(parts: list[tuple[tantivy.Occur, tantivy.Query]]) -> tantivy.Query:
    if not parts:
        return tantivy.Query.empty_query()
    return tantivy.Query.boolean_query(parts)

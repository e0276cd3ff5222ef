"""arsearch's query tree (:data:`arsearch.engine.api.Query`) as tantivy queries.

``AnyOf.scale`` (Whoosh's coordination bonus, off in the default ranking) has no tantivy counterpart: an
:class:`AnyOf` is the plain sum of its parts here."""

from __future__ import annotations

import tantivy

from arsearch.engine.api import AllOf, AndMaybe, AndNot, AnyOf, BagOfTerms, Phrase, Query, Term
from arsearch.engine.tantivy.schema import SOURCE_NAMES

_MUST, _SHOULD, _MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot


def to_tantivy(query: Query, schema: tantivy.Schema, fields: frozenset[str]) -> tantivy.Query:
    """``query`` for an index whose schema has ``fields``; a term of a field it lacks matches nothing."""
    if isinstance(query, Term):
        return _term(query.field, query.text, query.boost, schema, fields)
    if isinstance(query, Phrase):
        return _phrase(query, schema, fields)
    if isinstance(query, AnyOf):
        return _boolean([(_SHOULD, to_tantivy(part, schema, fields)) for part in query.parts])
    if isinstance(query, AllOf):
        return _boolean([(_MUST, to_tantivy(part, schema, fields)) for part in query.parts])
    if isinstance(query, AndMaybe):
        return _boolean([(_MUST, to_tantivy(query.required, schema, fields)),
                         (_SHOULD, to_tantivy(query.optional, schema, fields))])
    return _boolean([(_MUST, to_tantivy(query.positive, schema, fields)),
                     (_MUST_NOT, to_tantivy(query.negative, schema, fields))])


def bag_query(bag: BagOfTerms, schema: tantivy.Schema, fields: frozenset[str]) -> tantivy.Query:
    """The documents with any term or phrase of ``bag``, scored by the sum of their BM25s times their boosts."""
    parts = [(_SHOULD, _term(field, text, boost, schema, fields)) for field, text, boost in bag.leaves]
    parts += [(_SHOULD, _phrase(phrase, schema, fields)) for phrase in bag.phrases]
    return _boolean(parts)


def _term(field: str, text: str, boost: float, schema: tantivy.Schema, fields: frozenset[str]) -> tantivy.Query:
    name = SOURCE_NAMES if field == "source" else field
    if name not in fields:
        return tantivy.Query.empty_query()
    return _boosted(tantivy.Query.term_query(schema, name, text), boost)


def _phrase(phrase: Phrase, schema: tantivy.Schema, fields: frozenset[str]) -> tantivy.Query:
    if len(phrase.words) == 1:
        return _term(phrase.field, phrase.words[0], phrase.boost, schema, fields)
    if phrase.field not in fields or not phrase.words:
        return tantivy.Query.empty_query()
    return _boosted(tantivy.Query.phrase_query(schema, phrase.field, list(phrase.words)), phrase.boost)


def _boosted(query: tantivy.Query, boost: float) -> tantivy.Query:
    return query if boost == 1.0 else tantivy.Query.boost_query(query, boost)


def _boolean(parts: list[tuple[tantivy.Occur, tantivy.Query]]) -> tantivy.Query:
    if not parts:
        return tantivy.Query.empty_query()
    return tantivy.Query.boolean_query(parts)

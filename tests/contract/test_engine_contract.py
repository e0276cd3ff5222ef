"""What every engine must do (arsearch.engine.api), checked on each engine of arsearch.engine.ENGINES.

The index facade writes (so documents carry groups and sketches as in real use); everything is read back through
the engine's Snapshot.  The search-level tests in this folder run on the same engines through the shared index
fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from arsearch.documents import Document
from arsearch.engine.api import (NO_DATE, AllOf, AndMaybe, AndNot, AnyOf, BagOfTerms, Bm25, Phrase, Snapshot, Term,
                                 date_of, date_value)
from arsearch.index import Index

DOCUMENTS = [
    Document("a", "وزارة الصحة تعلن حملة تطعيم في الرياض", title="حملة تطعيم", source="spa",
             date=datetime(2015, 7, 1, 10)),
    Document("b", "أمطار غزيرة في جدة والرياض", title="أمطار جدة", source="okaz", date=datetime(2015, 7, 3)),
    Document("c", "وزارة الصحة تفتتح مستشفى في جدة", title="مستشفى جديد", source="spa", path="x/c.txt"),
    Document("d", "مباراة في الرياض", title="", source="", date=datetime(2016, 1, 2)),
]
BM25 = Bm25()


@pytest.fixture
def index(tmp_path: Path, engine_name: str) -> Iterator[Index]:
    with Index.create(tmp_path / "ix", engine=engine_name) as index:
        with index.writer() as w:
            for document in DOCUMENTS[:3]:
                w.add(document)
        with index.writer() as w:  # a second commit: engines with segments read across them
            w.add(DOCUMENTS[3])
        yield index


def ids(snapshot: Snapshot, docnums: object) -> set[str]:
    column = snapshot.column("id")
    return {str(column[n]) for n in docnums}  # type: ignore[attr-defined]


def test_counts_terms_and_statistics(index: Index) -> None:
    snapshot = index.snapshot()
    assert snapshot.doc_count() == snapshot.doc_count_all() == 4
    term = index.analyzer.query_terms("الرياض")[0]
    assert snapshot.has_term("content", term) and not snapshot.has_term("content", "غيرموجود")
    assert snapshot.doc_frequency("content", term) == 3
    assert ids(snapshot, snapshot.term_documents("content", term)) == {"a", "b", "d"}
    assert len(snapshot.term_documents("content", term, limit=2)) == 2
    assert snapshot.field_terms("source") == ["okaz", "spa"]
    stats = snapshot.stats()
    assert (stats.documents, stats.deleted) == (4, 0) and stats.terms > 10 and stats.segments >= 1


def test_matching_runs_every_query_shape(index: Index) -> None:
    snapshot = index.snapshot()
    health, jeddah, riyadh = (index.analyzer.query_terms(w)[0] for w in ("الصحة", "جدة", "الرياض"))
    def match(query: object) -> set[str]:
        return ids(snapshot, snapshot.matching(query))  # type: ignore[arg-type]

    assert match(Term("content", health)) == {"a", "c"}
    assert match(AnyOf((Term("content", health), Term("content", jeddah)))) == {"a", "b", "c"}
    assert match(AllOf((Term("content", health), Term("content", jeddah)))) == {"c"}
    assert match(AndNot(Term("content", riyadh), Term("content", health))) == {"b", "d"}
    assert match(AndMaybe(Term("content", jeddah), Term("content", health))) == {"b", "c"}
    assert match(Phrase("content", tuple(index.analyzer.query_terms("وزارة الصحة")))) == {"a", "c"}
    assert match(Phrase("content", tuple(index.analyzer.query_terms("الصحة وزارة")))) == set()
    assert match(Term("source", "spa")) == {"a", "c"}
    assert match(Term("id", "d")) == {"d"}


def test_the_bag_scorer_and_the_engines_own_evaluation_agree(index: Index) -> None:
    snapshot = index.snapshot()
    words = [index.analyzer.query_terms(w)[0] for w in ("الصحة", "جدة", "الرياض")]
    leaves = tuple(leaf for w in words for leaf in (("title", w, 2.0), ("content", w, 1.0)))
    query = AnyOf(tuple(AnyOf((Term("title", w, 2.0), Term("content", w))) for w in words))
    top, total = snapshot.top(BagOfTerms(leaves), 10, BM25)
    run, run_total = snapshot.run(query, 10, BM25)
    assert total == run_total == 4
    assert [d for d, _ in top] == [d for d, _ in run]
    assert [s for _, s in top] == pytest.approx([s for _, s in run], rel=1e-9)
    assert [s for _, s in top] == sorted((s for _, s in top), reverse=True)
    assert sorted(snapshot.all(BagOfTerms(leaves), BM25)) == sorted(top)
    allowed = {d for d, _ in top[1:3]}
    assert {d for d, _ in snapshot.top(BagOfTerms(leaves), 10, BM25, allowed)[0]} == allowed
    assert {d for d, _ in snapshot.run(query, None, BM25, allowed)[0]} == allowed


def test_columns_dates_sources_and_stored_fields(index: Index) -> None:
    snapshot = index.snapshot()
    number = {doc.id: snapshot.document_number(doc.id) for doc in DOCUMENTS}
    assert None not in number.values() and snapshot.document_number("nope") is None
    dates = snapshot.dates()
    sources = snapshot.sources()
    for doc in DOCUMENTS:
        n = number[doc.id]
        assert snapshot.column("id")[n] == doc.id
        assert (snapshot.column("path")[n] or "") == doc.path
        assert snapshot.column("fingerprint")[n] == doc.fingerprint()
        assert snapshot.column("group")[n]  # every document of a format-3 index has a group
        assert dates[n] == snapshot.column("date")[n] == (date_value(doc.date) if doc.date else NO_DATE)
        assert sources[n] == ((doc.source,) if doc.source else ())
        stored = snapshot.stored(n)
        assert (stored["id"], stored["content"], stored.get("date")) == (doc.id, doc.content, doc.date)
        without = snapshot.stored(n, content=False)
        assert "content" not in without and without == {k: v for k, v in stored.items() if k != "content"}
    assert snapshot.date_range() == (date_value(datetime(2015, 7, 1, 10)), date_value(datetime(2016, 1, 2)))
    assert date_of(date_value(datetime(2015, 7, 1, 10))) == datetime(2015, 7, 1, 10)
    assert set(snapshot.live_documents()) == set(number.values())


def test_deletes_replacements_and_snapshots(index: Index) -> None:
    before = index.snapshot()
    with index.writer() as w:
        w.delete("a")
        w.add(Document("b", "نص جديد عن الدمام", source="sabq"))
    assert not before.is_current() and before.doc_count() == 4  # an old snapshot keeps its commit
    after = index.snapshot()
    assert after.is_current() and after is not before
    assert after.doc_count() == 3 and after.doc_count_all() - after.doc_count() == after.stats().deleted
    assert ids(after, after.live_documents()) == {"b", "c", "d"}
    riyadh = index.analyzer.query_terms("الرياض")[0]
    assert ids(after, after.term_documents("content", riyadh)) == {"d"}
    assert ids(after, after.matching(Term("content", riyadh))) == {"d"}
    assert after.stored(after.document_number("b"))["source"] == "sabq"  # type: ignore[arg-type]
    assert {d for d, _ in after.run(Term("content", riyadh), None, BM25)[0]} <= set(after.live_documents())


def test_a_cancelled_writer_changes_nothing(index: Index) -> None:
    generation = index.engine.generation()
    with pytest.raises(RuntimeError):
        with index.writer() as w:
            w.add(Document("e", "خبر لن يكتب"))
            w.delete("a")
            raise RuntimeError
    assert index.engine.generation() == generation
    snapshot = index.snapshot()
    assert snapshot.doc_count() == 4 and snapshot.document_number("e") is None


def test_an_empty_index_answers_every_read(tmp_path: Path, engine_name: str) -> None:
    with Index.create(tmp_path / "ix", engine=engine_name) as index:
        snapshot = index.snapshot()
        assert (snapshot.doc_count(), snapshot.doc_count_all()) == (0, 0)
        assert list(snapshot.live_documents()) == [] and snapshot.field_terms("source") == []
        assert snapshot.top(BagOfTerms((("content", "x", 1.0),)), 10, BM25) == ([], 0)
        assert snapshot.matching(Term("content", "x")) == set()
        assert list(snapshot.dates()) == [] and snapshot.date_range() is None
        assert index.stored_states() == {} and index.get("x") is None

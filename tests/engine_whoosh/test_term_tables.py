"""Term statistics from a commit's tables (arsearch.engine.whoosh.term_tables) answer as Whoosh's look-ups do,
and a table is read from the segments a commit adds only."""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

import pytest

from arsearch.analysis import AnalyzerSettings
from arsearch.documents import Document
from arsearch.engine import engine_kind
from arsearch.engine.api import DEFAULT_LEAD_WEIGHT, KEYWORD_FIELDS, Engine, Layout, SearchRequest, StoredDocument, Term
from arsearch.engine.whoosh import term_tables
from arsearch.engine.whoosh.term_tables import SegmentTerms

WORDS = ["وزارة", "الصحة", "مجلس", "الشورى", "الرياض", "جدة", "أسعار", "النفط", "a, b", "a b", "ٱ", "x\ud800y"]
FIELDS = ("title", "content", "group", "id", "source", *KEYWORD_FIELDS)


def _documents(batch: int, count: int, rng: random.Random) -> list[StoredDocument]:
    found = []
    for n in range(count):
        words = rng.sample(WORDS[:8], 4)
        keywords = {"word_key": rng.sample(WORDS, 3), "spelling": [f"{w} {w}{n % 3}" for w in rng.sample(WORDS, 2)],
                    "dup_key": [str(rng.randrange(40)) for _ in range(5)]}
        document = Document(id=f"d{rng.randrange(3 * count)}", title=" ".join(words[:2]), content=" ".join(words),
                            source=rng.choice(["spa", "okaz", "Al Riyadh"]))
        found.append(StoredDocument(document, group=f"g{rng.randrange(count)}", keywords=keywords))
    return found


def _engine(path: Path, create: bool = False) -> Engine:
    kind = engine_kind("whoosh")
    layout = Layout(AnalyzerSettings(), lead_weight=DEFAULT_LEAD_WEIGHT)
    return kind.create(path, layout) if create else kind.open(path, layout)


def _write(engine: Engine, documents: list[StoredDocument], deleted: list[str] = ()) -> None:  # type: ignore[assignment]
    writer = engine.writer(durable=False)
    for document in documents:
        writer.add(document)
    for doc_id in deleted:
        writer.delete(doc_id)
    writer.commit()


def _answers(engine: Engine) -> list[Any]:
    snapshot = engine.snapshot()
    out: list[Any] = []
    for field in FIELDS:
        terms = snapshot.terms(field)
        probes = [t for t, _ in terms] + [t + "ز" for t, _ in terms[:5]] + [t[:-1] for t, _ in terms[:5]] + ["", "?", "x\ud800y"]
        out.append((field, terms, [(snapshot.has_term(field, t), snapshot.doc_frequency(field, t)) for t in probes]))
        for prefix in ["", "و", "ا", "a", "1", "a,", "x\ud800"]:
            out.append([snapshot.terms(field, prefix, limit) for limit in (None, 0, 1, 3)])
        texts = [t for t, _ in terms]
        out.append([snapshot.sharing(field, texts[start:start + 6], at_least=2, limit=limit)
                    for start in range(0, len(texts), 3) for limit in (1, 5)])
    out.append([snapshot.get(f"d{n}", content=False) for n in range(80)])  # some replaced, deleted or missing
    found = snapshot.search(SearchRequest(Term("content", "وزار"), limit=100, collapse=False))
    out.append([(hit.id, hit.group, [member.id for member in hit.members]) for hit in found.hits])
    out.append([snapshot.has_term("nofield", "x"), snapshot.doc_frequency("nofield", "x"),
                snapshot.terms("nofield"), snapshot.sharing("nofield", ["x"], at_least=1, limit=3)])
    return out


@pytest.fixture
def engines(tmp_path: Path) -> tuple[Engine, Engine]:
    """An engine written in four commits (so four segments, with deleted and replaced documents), and a second
    engine on the same folder."""
    rng = random.Random(5)
    engine = _engine(tmp_path, create=True)
    for batch in range(4):
        _write(engine, _documents(batch, 25, rng), deleted=[f"d{rng.randrange(75)}" for _ in range(5)])
    other = _engine(tmp_path)
    yield engine, other
    engine.close()
    other.close()


def test_tables_answer_as_whoosh_does(engines: tuple[Engine, Engine], monkeypatch: pytest.MonkeyPatch) -> None:
    through_whoosh, through_tables = engines
    assert through_whoosh.snapshot().stats().segments >= 3
    monkeypatch.setattr(term_tables, "TABLE_AFTER_SECONDS", float("inf"))
    expected = _answers(through_whoosh)
    monkeypatch.setattr(term_tables, "TABLE_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(term_tables, "READ_SECONDS_PER_BYTE", 0.0)
    assert _answers(through_tables) == expected
    assert through_tables.snapshot()._commit._tables.keys() >= set(FIELDS)  # type: ignore[attr-defined]


def test_a_field_gets_a_table_once_its_look_ups_have_cost_enough(engines: tuple[Engine, Engine],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    engine, _ = engines
    commit = engine.snapshot()._commit  # type: ignore[attr-defined]
    monkeypatch.setattr(term_tables, "TABLE_AFTER_SECONDS", 3600.0)
    assert engine.snapshot().has_term("word_key", "مجلس") and commit.table("word_key") is None
    monkeypatch.setattr(term_tables, "TABLE_AFTER_SECONDS", 1e-9)  # any look-up through Whoosh costs more
    monkeypatch.setattr(term_tables, "READ_SECONDS_PER_BYTE", 1e-15)  # ... and more than reading the table
    assert commit.table("word_key") is not None
    assert commit.table("spelling") is None  # no look-up of it yet


def test_no_table_while_look_ups_cost_less_than_reading_it(engines: tuple[Engine, Engine],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A burst of look-ups (a did-you-mean in a fresh process) costs less than reading a whole field's table."""
    engine, _ = engines
    monkeypatch.setattr(term_tables, "TABLE_AFTER_SECONDS", 1e-9)
    monkeypatch.setattr(term_tables, "READ_SECONDS_PER_BYTE", 3600.0)
    snapshot = engine.snapshot()
    assert snapshot.has_term("word_key", "مجلس") and not snapshot.has_term("word_key", "مجلسس")
    assert snapshot._commit.table("word_key") is None  # type: ignore[attr-defined]


def test_a_new_commit_reads_the_terms_of_its_new_segments_only(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(term_tables, "TABLE_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(term_tables, "READ_SECONDS_PER_BYTE", 0.0)
    reads: list[str] = []
    original = SegmentTerms.read.__func__  # type: ignore[attr-defined]

    def counted(cls: type[SegmentTerms], leaf: Any, field: str) -> SegmentTerms:
        reads.append(field)
        return original(cls, leaf, field)  # type: ignore[no-any-return]

    monkeypatch.setattr(SegmentTerms, "read", classmethod(counted))
    rng = random.Random(9)
    engine = _engine(tmp_path, create=True)
    try:
        _write(engine, _documents(0, 20, rng))
        _write(engine, _documents(1, 20, rng))
        assert engine.snapshot().doc_frequency("dup_key", "1") >= 0 and reads == ["dup_key", "dup_key"]
        _write(engine, [StoredDocument(Document(id="new", content="نص"), keywords={"dup_key": ["new-key"]})])
        snapshot = engine.snapshot()
        assert snapshot.stats().segments == 3
        assert snapshot.doc_frequency("dup_key", "new-key") == 1 and reads == ["dup_key"] * 3

        seen: list[int] = []  # another thread's snapshot of the same commit uses the table already read
        thread = threading.Thread(target=lambda: seen.append(engine.snapshot().doc_frequency("dup_key", "new-key")))
        thread.start()
        thread.join()
        assert seen == [1] and reads == ["dup_key"] * 3
    finally:
        engine.close()


def test_the_terms_of_merged_segments_are_let_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(term_tables, "TABLE_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(term_tables, "READ_SECONDS_PER_BYTE", 0.0)
    rng = random.Random(11)
    engine = _engine(tmp_path, create=True)
    try:
        for batch in range(10):  # small segments: the commits merge them (arsearch.engine.whoosh.merging)
            _write(engine, _documents(batch, 3, rng))
            assert engine.snapshot().has_term("dup_key", "1") in (True, False)
        commit = engine.snapshot()._commit  # type: ignore[attr-defined]
        tables = commit._term_tables
        assert {segment for segment, _ in tables._parts} == set(commit._segment_ids)
        assert len(commit._segment_ids) < 10
    finally:
        engine.close()

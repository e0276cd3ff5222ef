"""The speed-ups take other routes to the same result: same terms, same postings, same hits."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import whoosh.index
from whoosh.fields import TEXT

from arsearch import schema as schema_module
from arsearch.analysis import Analyzer, AnalyzerSettings
from tests.conftest import NEWS_RECORDS

TEXTS = [
    *(r["content"] for r in NEWS_RECORDS),
    *(r["title"] for r in NEWS_RECORDS),
    "ﷺ صلى الله عليه وسلم ﷺ",          # a word ligature: one surface, several terms
    "مَبْنًى، الـمـسـؤولون ١٢٣ و 4.5 abc",  # harakat, tatweel, digits, Latin
    "؟؟ ... !!",                          # no word at all
    "",
]


@pytest.mark.parametrize("stemmer", ["light", "none"])
@pytest.mark.parametrize("text", TEXTS)
def test_term_positions_match_iter_terms(text: str, stemmer: str) -> None:
    analyzer = Analyzer(AnalyzerSettings(stemmer=stemmer))  # type: ignore[arg-type]
    expected: dict[str, list[int]] = defaultdict(list)
    for term, _stop, _start, _end, position in analyzer.iter_terms(text):
        expected[term].append(position)
    assert analyzer.term_positions(text) == dict(expected)
    assert analyzer.term_positions(text) == dict(expected)  # again, from the cache


def _postings(path: Path, text_field: type) -> list[object]:
    original = schema_module.ArabicText
    schema_module.ArabicText = text_field  # type: ignore[misc]
    try:
        schema = schema_module.build_schema(AnalyzerSettings())
    finally:
        schema_module.ArabicText = original  # type: ignore[misc]
    path.mkdir()
    ix = whoosh.index.create_in(str(path), schema)
    with ix.writer() as w:
        for n, text in enumerate(TEXTS):
            w.add_document(id=str(n), title=text[:40], content=text, author=text[-20:])
    out: list[object] = []
    with ix.searcher() as s:
        reader = s.reader()
        for field in ("title", "content", "author"):
            for term in reader.lexicon(field):
                m = reader.postings(field, term)
                while m.is_active():
                    out.append((field, term, m.id(), m.weight(), m.value()))
                    m.next()
            out.append([reader.doc_field_length(d, field) for d in range(reader.doc_count_all())])
    return out


def test_arabic_text_field_writes_the_postings_of_a_plain_text_field(tmp_path: Path) -> None:
    assert _postings(tmp_path / "fast", schema_module.ArabicText) == _postings(tmp_path / "plain", TEXT)

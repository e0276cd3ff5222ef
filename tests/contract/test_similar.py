"""Related stories: ``similar(index, doc_id)`` and ``arsearch similar DOC_ID``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import assert_one_line_error
from test_duplicates import OTHER, STORY, copy_of, doc, words

from arsearch import Index, similar
from arsearch.errors import DocumentNotFoundError
from arsearch.search.similar import like_terms

RELATED = ("وزارة الصحة تبدأ حملة التطعيم ضد الإنفلونزا في المستشفيات والمراكز الصحية، والوزارة تدعو المواطنين "
           "إلى أخذ اللقاح قبل الشتاء. وأكد متحدث الوزارة أن حملة التطعيم مجانية.")


@pytest.fixture
def related_index(tmp_path: Path) -> Index:
    index = Index.create(tmp_path / "ix")
    index.add([doc("a", STORY, "spa"), doc("b", copy_of(STORY), "okaz"), doc("r", RELATED, "sabq"),
               doc("o", OTHER, "alriyadh"), *(doc(f"n{n}", words(n)) for n in range(5))])
    return index


def test_similar_finds_the_related_story_and_leaves_out_the_document_and_its_copies(related_index: Index) -> None:
    results = similar(related_index, "a")
    ids = [h.id for h in results.hits]
    assert ids[0] == "r"
    assert "a" not in ids and "b" not in ids
    assert results.query == "a" and results.total == len(ids)
    assert results.hits[0].snippet.spans  # the shared terms are highlighted
    assert results.terms == frozenset(like_terms(related_index.analyzer, related_index.snapshot(), STORY[:30], STORY, 2.0))


def test_like_terms_are_telling_words_found_in_other_documents(related_index: Index) -> None:
    terms = like_terms(related_index.analyzer, related_index.snapshot(), "", STORY + " 2015 كلمةفريدة", 2.0)
    analyzed = {t.term: t for t in related_index.analyze(STORY)}
    assert 0 < len(terms) <= 25
    assert not any(analyzed[t].stopword for t in terms if t in analyzed)
    assert "2015" not in terms and "كلمةفريد" not in terms and "كلمةفريدة" not in terms  # numbers; df < 2
    assert terms[:2] == ["صحه", "وزار"]  # the words the story repeats (الصحة، الصحية، وصحة; وزارة، الوزارة)


def test_include_duplicates_lists_the_copies(related_index: Index) -> None:
    every = [h.id for h in similar(related_index, "a", include_duplicates=True, collapse=False).hits]
    assert every[0] == "b" and "a" not in every and "r" in every
    collapsed = similar(related_index, "a", include_duplicates=True).hits
    assert collapsed[0].id == "b" and collapsed[0].duplicates == ()  # the source is not its own duplicate


def test_similar_pages(related_index: Index) -> None:
    whole = [h.id for h in similar(related_index, "a", limit=50).hits]
    pages = [h.id for offset in range(0, len(whole), 1) for h in similar(related_index, "a", limit=1,
                                                                          offset=offset).hits]
    assert pages == whole


def test_an_unknown_id_is_an_error(related_index: Index) -> None:
    with pytest.raises(DocumentNotFoundError, match="no document with id 'nope'"):
        similar(related_index, "nope")


def test_cli_similar(related_index: Index, arsearch: Any) -> None:
    path = related_index.path
    related_index.close()
    hits = json.loads(arsearch("similar", "a", "--index", path, "--json").stdout)
    assert hits[0]["id"] == "r" and {"a", "b"}.isdisjoint(h["id"] for h in hits)
    every = json.loads(arsearch("similar", "a", "--index", path, "--json", "--include-duplicates", "--all").stdout)
    assert every[0]["id"] == "b"
    envelope = json.loads(arsearch("similar", "a", "--index", path, "--json", "--envelope", "-n", "1").stdout)
    assert envelope["query"] == "a" and len(envelope["hits"]) == 1
    text = arsearch("similar", "a", "--index", path)
    assert text.returncode == 0 and "similar to a" in text.stdout
    missing = arsearch("similar", "nope", "--index", path)
    assert missing.returncode == 2
    assert_one_line_error(missing.stderr, "no document with id 'nope'")
    as_json = arsearch("similar", "nope", "--index", path, "--json")
    assert json.loads(as_json.stderr) == {"error": f"no document with id 'nope' in the index at {path}",
                                          "exit_code": 2}

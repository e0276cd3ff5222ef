"""A word both required and excluded matches nothing, and required and excluded words match exactly the documents
that have every required word and no excluded one, on every engine and with either scoring.  The index has
several segments: Whoosh's own AndNot matcher let the first document of each segment through."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies import SETTINGS

from arsearch import Index, search

WORDS = ["قلم", "باب", "شمس", "نهر", "جبل", "بحر", "ورد", "سيف", "نجم", "غيم"]
SEGMENTS, PER_SEGMENT = 6, 9


@pytest.fixture(scope="module")
def words_index(engine_name: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Index, dict[str, set[str]]]:
    """An index of documents of 2–5 words of :data:`WORDS`, committed in :data:`SEGMENTS` commits, and the words of
    each document by id."""
    rng = random.Random(26)
    path: Path = tmp_path_factory.mktemp(f"words-{engine_name}") / "ix"
    words: dict[str, set[str]] = {}
    ix = Index.create(path, engine=engine_name)
    for segment in range(SEGMENTS):
        batch = []
        for n in range(PER_SEGMENT):
            chosen = rng.sample(WORDS, rng.randint(2, 5))
            doc_id = f"s{segment}d{n}"
            words[doc_id] = set(chosen)
            batch.append({"id": doc_id, "content": " ".join(chosen) + f" رقم{segment}{n}"})
        ix.add(batch)
    return ix, words


QUERIES = st.tuples(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True),
                    st.lists(st.sampled_from(WORDS), max_size=3, unique=True))


def _matches(ix: Index, text: str, scoring: str) -> set[str]:
    results = search(ix, text, limit=10_000, collapse=False, suggest=False, scoring=scoring)  # type: ignore[arg-type]
    assert results.total == len(results.hits)
    return {hit.id for hit in results.hits}


@pytest.mark.parametrize("scoring", ["auto", "matchers"])
@SETTINGS
@given(query=QUERIES, both=st.sampled_from(WORDS))
def test_a_word_required_and_excluded_matches_nothing(words_index: tuple[Index, dict[str, set[str]]], scoring: str,
                                                      query: tuple[list[str], list[str]], both: str) -> None:
    ix, _ = words_index
    required, excluded = query
    text = " ".join([f"+{w}" for w in [*required, both]] + [f"-{w}" for w in [*excluded, both]])
    assert _matches(ix, text, scoring) == set()


@pytest.mark.parametrize("scoring", ["auto", "matchers"])
@SETTINGS
@given(query=QUERIES)
def test_required_and_excluded_words_match_exactly(words_index: tuple[Index, dict[str, set[str]]], scoring: str,
                                                   query: tuple[list[str], list[str]]) -> None:
    ix, words = words_index
    required, excluded = query
    text = " ".join([f"+{w}" for w in required] + [f"-{w}" for w in excluded])
    expected = {doc_id for doc_id, has in words.items() if set(required) <= has and not has & set(excluded)}
    assert _matches(ix, text, scoring) == expected


def test_the_corpus_example_on_the_words_index(words_index: tuple[Index, dict[str, set[str]]]) -> None:
    """The issue's query, on words of this index: two words each required and excluded."""
    ix, _ = words_index
    assert _matches(ix, "+قلم -قلم +باب -باب", "auto") == set()

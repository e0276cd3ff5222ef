"""A search's budget (:mod:`arsearch.search.budget`): a query that would cost more is cut down, answered in part
and said to be partial; never an error, never a document the query excludes or without a word it requires."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from arsearch.errors import QueryError
from arsearch.index import Index
from arsearch.search import search
from arsearch.search.budget import DEFAULT_BUDGET, REQUIRED_COST, UNLIMITED, Budget
from arsearch.search.compiler import MAX_QUERY_CHARS, MAX_QUERY_TERMS

#: شائعة is in every document, نادرة in two, فريدة in one, مستبعدة in every other; the phrase في من على in every
#: content and in three titles.
DOCUMENTS = [{"id": f"d{n}", "title": f"عنوان {n}" + (" في من على" if n < 3 else ""),
              "content": " ".join(["شائعة", "في", "من", "على"] + (["نادرة"] if n < 2 else [])
                                  + (["فريدة"] if n == 0 else []) + (["مستبعدة"] if n % 2 else []))}
             for n in range(40)]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    ix = Index.create(tmp_path_factory.mktemp("budget") / "ix")
    ix.add(DOCUMENTS)
    yield ix
    ix.close()


def found(index: Index, query: str, budget: Budget = DEFAULT_BUDGET) -> set[str]:
    return {h.id for h in search(index, query, limit=100, budget=budget, collapse=False).hits}


def test_a_query_within_its_budget_is_whole(index: Index) -> None:
    results = search(index, "شائعة نادرة", budget=Budget(postings=10_000))
    assert not results.partial and results.cuts == ()
    assert results.to_dict()["partial"] is False
    assert found(index, "شائعة نادرة") == found(index, "شائعة نادرة", UNLIMITED)


def test_over_budget_the_commonest_optional_words_are_dropped(index: Index) -> None:
    tight = Budget(postings=5)  # the rare words' postings fit, "شائعة" (40 documents) does not
    results = search(index, "شائعة نادرة فريدة", limit=100, budget=tight, collapse=False)
    assert results.partial and "optional terms" in results.cuts[0]
    assert {h.id for h in results.hits} == {"d0", "d1"}  # the documents of the rare words, best first
    assert results.hits[0].id == "d0"
    assert json.loads(json.dumps(results.to_dict()))["partial"] is True
    whole = search(index, "شائعة نادرة فريدة", limit=100, budget=UNLIMITED, collapse=False)
    assert not whole.partial and whole.total == 40
    assert [h.id for h in whole.hits[:2]] == [h.id for h in results.hits]  # the top is the same


def test_at_least_one_word_is_kept_however_small_the_budget(index: Index) -> None:
    results = search(index, "شائعة نادرة", limit=100, budget=Budget(postings=0), collapse=False)
    assert results.partial and {h.id for h in results.hits} == {"d0", "d1"}


def test_required_and_excluded_words_are_never_dropped(index: Index) -> None:
    tight = Budget(postings=0)
    # required: all 40 match, within a budget that pays for the required word's postings (three times each)
    assert found(index, "+شائعة نادرة", Budget(postings=REQUIRED_COST * 41)) == found(index, "شائعة", UNLIMITED)
    assert found(index, "شائعة -مستبعدة", tight) == {f"d{n}" for n in range(0, 40, 2)}
    assert found(index, "نادرة شائعة -مستبعدة", tight) == {"d0"}  # d1 is excluded whatever was dropped


def test_costly_required_words_are_matched_in_titles_only(index: Index) -> None:
    whole = search(index, "+في +من +على", limit=100, budget=UNLIMITED, collapse=False)
    assert whole.total == 40 and not whole.partial
    cut = search(index, "+في +من +على", limit=100, budget=Budget(postings=100), collapse=False)
    assert cut.partial and any("required words too common" in c and "titles only" in c for c in cut.cuts)
    assert {h.id for h in cut.hits} == {"d0", "d1", "d2"}  # the documents with the three words in their title
    # an exclusion is never narrowed: no document with the excluded word comes back
    excluded = search(index, "+في +من -مستبعدة", limit=100, budget=Budget(postings=100), collapse=False)
    assert excluded.partial and {h.id for h in excluded.hits} == {"d0", "d2"}
    assert found(index, "+في +من -مستبعدة", UNLIMITED) == {f"d{n}" for n in range(0, 40, 2)}


def test_a_costly_phrase_is_kept_in_titles_only(index: Index) -> None:
    whole = search(index, '"في من على"', limit=100, budget=UNLIMITED, collapse=False)
    assert whole.total == 40 and not whole.partial
    cut = search(index, '"في من على"', limit=100, budget=Budget(postings=50), collapse=False)
    assert cut.partial and "(1 of them a phrase)" in cut.cuts[0]
    assert {h.id for h in cut.hits} == {"d0", "d1", "d2"}  # the documents with the phrase in their title


def test_no_time_left_means_no_did_you_mean_and_a_partial_answer(index: Index) -> None:
    with_time = search(index, "نادرت", budget=UNLIMITED)
    assert with_time.suggestion is not None and with_time.suggestion.query == "نادرة"
    no_time = search(index, "نادرت", budget=Budget(spelling_seconds=0.0))
    # the hits are whole: the skipped suggestion is noted, the answer is not partial
    assert no_time.suggestion is None and not no_time.partial and "did-you-mean" in no_time.skipped[0]


def test_a_speller_out_of_time_stops(index: Index) -> None:
    typos = " ".join(f"كلمةغريبة{chr(0x0628 + n)}ظظ" for n in range(20))
    started = time.perf_counter()
    results = search(index, typos, budget=Budget(spelling_seconds=0.0))
    assert time.perf_counter() - started < 5  # unbounded, 20 unknown words took seconds
    assert results.suggestion is None and not results.partial
    assert any("did-you-mean" in skip for skip in results.skipped)


def test_a_speller_past_its_own_budget_says_so(index: Index) -> None:
    """More unknown words than the speller corrects (its own budget, 20 words): said so, the hits being whole."""
    typos = " ".join(f"كلمةغريبة{letter}ظظ" for letter in "بتثجحخدذرزسشصضطظعغفقكلمنهو")  # 26 words
    results = search(index, typos)
    assert not results.partial and any("did-you-mean stopped short" in skip for skip in results.skipped)


def test_a_very_long_query_is_refused_at_once(index: Index) -> None:
    with pytest.raises(QueryError, match=f"characters, the limit is {MAX_QUERY_CHARS}"):
        search(index, "شائعة " * (MAX_QUERY_CHARS // 6 + 1))
    many = " ".join(f"كلمة{n}" for n in range(MAX_QUERY_TERMS))  # two fields each: twice the limit
    with pytest.raises(QueryError, match="or more terms to look up"):
        search(index, many)


def test_a_query_of_repeated_words_up_to_the_length_limit_is_answered(index: Index) -> None:
    text = ("شائعة " * (MAX_QUERY_CHARS // 6))[:MAX_QUERY_CHARS]
    assert search(index, text).total == 40


def test_the_cli_says_when_an_answer_is_partial(index: Index, arsearch: Any) -> None:
    many = "شائعة " + " ".join(f"كلمة{n}" for n in range(40))  # 82 look-ups: past the budget's 64
    shown = arsearch("query", "--index", index.path, "--", many)
    assert shown.returncode == 0 and "Partial answer" in shown.stdout and "look-ups dropped" in shown.stdout
    envelope = json.loads(arsearch("query", "--index", index.path, "--json", "--envelope", "--", many).stdout)
    assert envelope["partial"] is True and envelope["total"] == 40
    whole = json.loads(arsearch("query", "--index", index.path, "--json", "--envelope", "--", "نادرة").stdout)
    assert whole["partial"] is False


def test_a_cut_querys_snippets_mark_only_the_words_it_kept(index: Index) -> None:
    # two look-ups: نادرة in the title and the content; شائعة is dropped unseen
    results = search(index, "نادرة شائعة", limit=100, budget=Budget(terms=2), collapse=False)
    assert results.partial and results.hits
    marked = {hit.snippet.text[start:end] for hit in results.hits for start, end in hit.snippet.spans}
    assert marked == {"نادرة"}  # the hits were not searched for شائعة
    whole = search(index, "شائعة نادرة", limit=100, budget=UNLIMITED, collapse=False)
    assert {whole.hits[0].snippet.text[s:e] for s, e in whole.hits[0].snippet.spans} == {"شائعة", "نادرة"}

"""Index-time analysis (:mod:`arsearch.analysis.indexing`) gives exactly the full analyzer's terms, in position
order: on generated texts and on every word type of the SaudiNewsNet corpus (skipped without it)."""

from __future__ import annotations

import json
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import CORPUS
from strategies import SETTINGS, TEXTS, with_examples

from arsearch.analysis import Analyzer, AnalyzerSettings
from arsearch.analysis.indexing import IndexTerms
from arsearch.analysis.tokenize import TOKEN_RE


def full_terms(analyzer: Analyzer, text: str) -> list[str]:
    return [term for term, *_ in analyzer.iter_terms(text)]


@pytest.mark.parametrize("stemmer", ["light", "none"])
@SETTINGS
@given(text=TEXTS)
@with_examples
def test_generated_texts_get_the_analyzers_terms(stemmer: str, text: str) -> None:
    settings = AnalyzerSettings(stemmer=stemmer)  # type: ignore[arg-type]
    assert IndexTerms(Analyzer(settings)).terms(text) == full_terms(Analyzer(settings), text)


@SETTINGS
@given(texts=st.lists(TEXTS, max_size=8))
def test_a_small_table_starting_again_changes_no_term(texts: list[str]) -> None:
    analyzer, terms = Analyzer(), IndexTerms(Analyzer(), limit=5)
    for text in texts:
        assert terms.terms(text) == full_terms(analyzer, text)


def test_joined_terms_are_separated_by_spaces_only() -> None:
    terms = IndexTerms(Analyzer())
    joined = terms.joined("قال الرئيس ﷺ إن ½ العـــراق")
    assert set(joined) - {" "} == set("".join(joined.split()))
    assert joined.split() == full_terms(Analyzer(), "قال الرئيس ﷺ إن ½ العـــراق")


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="SaudiNewsNet corpus not found in ../shared/corpus")
def test_every_word_type_of_the_corpus_gets_the_analyzers_terms() -> None:
    words: set[str] = set()
    for archive in sorted(CORPUS.glob("*.zip")):
        with zipfile.ZipFile(archive) as zf:
            for name in zf.namelist():
                if name.endswith(".json"):
                    for record in json.loads(zf.read(name)):
                        for field in ("title", "content", "author"):
                            words.update(TOKEN_RE.findall(record.get(field) or ""))
    assert len(words) > 100_000
    analyzer, terms = Analyzer(), IndexTerms(Analyzer())
    ordered = sorted(words)
    text = " ".join(ordered)
    assert terms.terms(text) == full_terms(analyzer, text)
    for word in ordered[::97]:  # each word alone too, through a fresh table
        assert IndexTerms(Analyzer()).terms(word) == full_terms(analyzer, word)

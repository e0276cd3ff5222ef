"""Did you mean (``arsearch.spelling``): corrections from the index vocabulary, in the API and the CLI."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from helpers import Run

from arsearch import Index, search
from arsearch.analysis import Analyzer, normalize
from arsearch.index.words import document_words
from arsearch.search.spelling import Costs, SpellingBudget, Policy, Speller, Suggestion, correct_query, correct_text

ANALYZER = Analyzer()


class ListVocabulary:
    """The vocabulary of a few documents, each a string; a word's frequency is the number of documents with it."""

    def __init__(self, documents: list[str]) -> None:
        self.frequencies: Counter[str] = Counter()
        counts: Counter[str] = Counter()
        keys: Counter[str] = Counter()
        for document in documents:
            self.frequencies.update({t.term for t in ANALYZER.tokens(document)})
            words = document_words([document])
            counts.update(words)
            keys.update({normalize(word) for word in words})
        spellings: dict[str, list[str]] = defaultdict(list)
        for word in counts:
            spellings[normalize(word)].append(word)
        #: key -> (the commonest word, the greatest on a tie; the documents with a word of the key)
        self.written = {key: (max(words, key=lambda word: (counts[word], word)), keys[key])
                        for key, words in spellings.items()}

    def spelling(self, key: str) -> tuple[str, int] | None:
        return self.written.get(key)

    def frequency(self, term: str) -> int:
        return self.frequencies[term]


def vocabulary(**counts: int) -> ListVocabulary:
    """Each keyword (a word, underscores for spaces) in as many documents as its count."""
    documents: list[str] = []
    for word, count in counts.items():
        documents.extend([word.replace("_", " ")] * count)
    return ListVocabulary(documents)


NEWS = vocabulary(وزارة=40, الصحة=30, الصفة=45, الرياض=25, المملكة=50, مسؤول=12, ظروف=6, ذهب=8, ثلاثة=9,
                  طريق=7, قطر=11, حملة=10, عبدالله=5, عبد_الله=4, مستشفى=6, الإسلامية=5, وزير=20)


def speller(words: ListVocabulary = NEWS, **options: object) -> Speller:
    return Speller(ANALYZER, words, **options)  # type: ignore[arg-type]


def fixed(text: str, words: ListVocabulary = NEWS, **options: object) -> str | None:
    found = correct_query(speller(words, **options), text)
    return None if found is None else found[0]


@pytest.mark.engine_independent
@pytest.mark.parametrize("typo, meant", [
    ("ضروف", "ظروف"),    # ض/ظ
    ("زهب", "ذهب"),      # ذ/ز
    ("سلاثة", "ثلاثة"),  # ث/س
    ("تريق", "طريق"),    # ط/ت
    ("كطر", "قطر"),      # ق/ك
    ("هملة", "حملة"),    # ح/ه
])
def test_sound_alike_letters(typo: str, meant: str) -> None:
    assert fixed(typo) == meant


@pytest.mark.engine_independent
@pytest.mark.parametrize("typo, meant, kind", [
    ("وزرة", "وزارة", "a long vowel left out"),
    ("وزاررة", "وزارة", "a letter typed twice"),
    ("الممكلة", "المملكة", "two letters swapped"),
    ("الريلض", "الرياض", "a neighbouring key"),
    ("مسوول", "مسؤول", "the hamza seat ؤ typed as و"),
])
def test_one_edit(typo: str, meant: str, kind: str) -> None:
    assert fixed(typo) == meant, kind


@pytest.mark.engine_independent
def test_a_confusable_letter_beats_a_more_frequent_word_one_ordinary_edit_away() -> None:
    # ح/خ look alike; ف is no neighbour of خ, and الصفة is in more documents than الصحة
    assert [c.text for c in speller().candidates("الصخة")][:2] == ["الصحة", "الصفة"]
    assert fixed("الصخة") == "الصحة"
    assert fixed("الصخة", costs=Costs(substitute_near=1.0)) == "الصفة"  # plain edit distance: frequency decides


@pytest.mark.engine_independent
def test_missing_and_extra_spaces() -> None:
    assert fixed("وزارةالصحة") == "وزارة الصحة"
    assert fixed("وزا رة الصحة") == "وزارة الصحة"
    assert fixed("مسؤول وزا رة") == "مسؤول وزارة"


@pytest.mark.engine_independent
@pytest.mark.parametrize("variant", ["الصحه", "صحة", "المملكه", "مستشفي", "الاسلامية", "الإسلاميه", "المسؤول",
                                     "عبدالله", "عبد الله", "وزارة الصحة", "في الرياض"])
def test_no_suggestion_for_words_the_index_has_or_the_analyzer_folds(variant: str) -> None:
    assert fixed(variant) is None


@pytest.mark.engine_independent
def test_suggestions_come_from_the_index_vocabulary_only() -> None:
    few = vocabulary(الصحة=3)
    assert fixed("الصخة", few) == "الصحة"
    assert fixed("الرياظ", few) is None  # الرياض is a word, but not in this index
    for candidate in speller(few).candidates("الصخه", limit=10):
        assert few.frequency(ANALYZER.query_terms(candidate.text)[0]) > 0


@pytest.mark.engine_independent
def test_stopwords_latin_excluded_words_and_fields_are_left_alone() -> None:
    assert fixed("في") is None
    assert fixed("Riyadh source:okaz") is None
    assert fixed("وزارة -الصخة") is None
    assert fixed("title:الصخة") == "title:الصحة"


@pytest.mark.engine_independent
def test_rare_words_are_corrected_only_when_asked() -> None:
    words = vocabulary(الصحة=500, الصخة=1)
    assert fixed("الصخة", words) is None
    assert fixed("الصخة", words, policy=Policy(rare_frequency=1)) == "الصحة"
    assert fixed("الصخة", vocabulary(الصحة=50, الصخة=1), policy=Policy(rare_frequency=1)) is None  # not 200×


@pytest.mark.engine_independent
def test_spans_mark_the_changed_words() -> None:
    found = correct_query(speller(), "حملة وزارةالصحة في الرياظ")
    assert found is not None
    text, spans = found
    assert text == "حملة وزارة الصحة في الرياض"
    assert [text[s:e] for s, e in spans] == ["وزارة الصحة", "الرياض"]


@pytest.mark.engine_independent
def test_a_suggestion_is_spelled_as_the_indexed_text_writes_it() -> None:
    words = vocabulary(المملكة=50)
    assert speller(words).spelled("المملكه") == "المملكة"
    assert fixed("المملكو", words) == "المملكة"
    assert speller(vocabulary(مسؤول=3, مسئول=1)).spelled("مسءول") == "مسؤول"  # the commonest indexed form
    assert speller(words).spelled("مملكتها") == "مملكتها"  # not a word of the text: left alone


@pytest.mark.engine_independent
def test_suggestions_are_words_of_the_text_not_strings_that_analyze_to_its_terms() -> None:
    # إصلهات analyzes to the term of الأصل (a common word) one cheap edit away (ح/ه), but no text writes it
    words = vocabulary(الأصل=300, أصل=200, إصلاحات=5)
    assert ANALYZER.query_terms("إصلهات") == ANALYZER.query_terms("الأصل")
    assert fixed("إصلحات", words) == "إصلاحات"
    written = {w for document in ("الأصل", "أصل", "إصلاحات") for w in document.split()}
    for typo in ("إصلحات", "اصلاحت", "الاصك", "أصلل", "إصلاحاتأصل"):
        for candidate in speller(words).candidates(typo, limit=20):
            assert set(candidate.text.split()) <= written, (typo, candidate)


@pytest.mark.engine_independent
def test_a_form_the_text_never_writes_is_corrected_to_a_commoner_written_word() -> None:
    # وزيرة analyzes to the term of وزير (20 documents) but no text writes it; وزارة is in twice as many
    assert fixed("وزيرة") == "وزارة"
    assert fixed("وزيرة", policy=Policy(unwritten_ratio=0)) is None
    assert fixed("وزيرة", vocabulary(وزارة=40, وزير=20, وزيرة=1)) is None  # written: left alone
    assert fixed("وزيرة", vocabulary(وزارة=30, وزير=20)) is None  # not twice as common


@pytest.mark.engine_independent
def test_two_written_words_are_joined_only_when_the_text_mostly_writes_them_as_one() -> None:
    words = vocabulary(يتقلد=10, يتق=1, لد=2)
    assert fixed("يتق لد", words) == "يتقلد"
    assert fixed("يتق لد", vocabulary(يتقلد=5, يتق=1, لد=2)) is None  # not 4 times as common as لد
    assert fixed("يتق لد", words, policy=Policy(join_ratio=0)) is None


@pytest.mark.engine_independent
def test_the_budget_bounds_the_work_and_says_when_it_cut_it_short() -> None:
    six = ["ضروف", "زهب", "سلاثة", "تريق", "كطر", "هملة"]
    meant = ["ظروف", "ذهب", "ثلاثة", "طريق", "قطر", "حملة"]
    whole = correct_text(speller(), " ".join(six * 2))
    assert not whole.partial and whole.query is not None and whole.query.split() == meant * 2
    many = correct_text(speller(), " ".join(six * 4))  # 24 misspelled words: more than SpellingBudget().words
    assert many.partial and many.query is not None
    assert many.query.split()[:SpellingBudget().words] == (meant * 4)[:SpellingBudget().words]
    few = correct_text(speller(), " ".join(six), SpellingBudget(words=3))
    assert few.partial and few.query is not None and few.query.split() == meant[:3] + six[3:]
    assert correct_text(speller(), " ".join(six), SpellingBudget(candidates=100)).partial
    assert correct_text(speller(), " ".join(six), SpellingBudget(seconds=0.0)).partial
    assert not correct_text(speller(), "وزارة الصحة", SpellingBudget(words=0)).partial  # known words cost nothing


# through the index, the API and the CLI -------------------------------------------------------------------


def test_search_suggests_a_corrected_query_with_its_total(news_index: Index) -> None:
    results = search(news_index, "حملة الصخة")
    assert results.suggestion is not None
    assert results.suggestion.query == "حملة الصحة"
    assert results.suggestion.total == search(news_index, "حملة الصحة").total > results.total
    assert results.to_dict()["suggestion"] == {"query": "حملة الصحة", "total": results.suggestion.total}
    assert results.suggestion.marked.segments() == [("حملة ", False), ("الصحة", True)]


def test_no_suggestion_for_a_correct_query_or_when_not_asked(news_index: Index) -> None:
    assert search(news_index, "وزارة الصحه").suggestion is None
    assert search(news_index, "الصخة", suggest=False).suggestion is None
    assert search(news_index, "الصخة").to_dict()["suggestion"] is not None
    assert search(news_index, "وزارة الصحة").to_dict()["suggestion"] is None


def test_a_suggestion_that_finds_nothing_is_not_made(news_index: Index) -> None:
    assert search(news_index, "الصخة", since=__import__("datetime").date(2030, 1, 1)).suggestion is None


@pytest.mark.engine_independent
def test_suggestion_dataclass() -> None:
    assert Suggestion("الصحة", 3).to_dict() == {"query": "الصحة", "total": 3}


def test_cli_did_you_mean(arsearch: Run, news_index_path: Path) -> None:
    text = arsearch("query", "الصخة", "--index", news_index_path)
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[-1] == f"Did you mean: الصحة? ({search_total(news_index_path, 'الصحة')} hits)"
    envelope = arsearch("query", "الصخة", "--index", news_index_path, "--json", "--envelope")
    assert json.loads(envelope.stdout)["suggestion"] == {"query": "الصحة",
                                                         "total": search_total(news_index_path, "الصحة")}
    plain = arsearch("query", "الصخة", "--index", news_index_path, "--json")
    assert json.loads(plain.stdout) == []
    correct = arsearch("query", "الصحة", "--index", news_index_path)
    assert "Did you mean" not in correct.stdout
    assert json.loads(arsearch("query", "الصحة", "--index", news_index_path, "--json", "--envelope").stdout)[
        "suggestion"] is None


def search_total(index_path: Path, text: str) -> int:
    with Index.open(index_path) as ix:
        return search(ix, text).total


def test_index_vocabulary_reads_terms_and_written_words(news_index: Index) -> None:
    from arsearch.search.spelling import IndexVocabulary

    vocabulary = IndexVocabulary(news_index.snapshot())
    term = news_index.analyzer.query_terms("الصحة")[0]
    assert vocabulary.frequency(term) == search(news_index, "الصحة").total
    found = vocabulary.spelling("الصحه")
    assert found is not None and found[0] in ("الصحة", "الصحه") and found[1] > 0
    assert vocabulary.frequency("غيرموجود") == 0 and vocabulary.spelling("غيرموجود") is None

"""Question phrasing (:mod:`arsearch.search.questions`): after an opening question word, the word that names the
kind of answer is not searched, unless nothing else would be."""

from __future__ import annotations

import pytest

from arsearch.analysis import Analyzer
from arsearch.search import Ranking
from arsearch.search.compiler import QueryCompiler

ANALYZER = Analyzer()


def searched(text: str, questions: bool = True) -> set[str]:
    return set(QueryCompiler(ANALYZER, Ranking(questions=questions)).compile(text)[1])


def terms(text: str) -> set[str]:
    return set(ANALYZER.query_terms(text))


@pytest.mark.parametrize(("question", "kind"), [
    ("كم عدد قتلى خروج القطارين", "عدد"),
    ("ماذا قال سلفاكير عن تهديد أوباما", "قال"),
    ("أين يقع شارع عبدالرحمن الداخل", "يقع"),
    ("ما هو سبب إغلاق الطريق", "سبب"),
])
def test_the_kind_of_answer_after_a_question_word_is_not_searched(question: str, kind: str) -> None:
    assert searched(question) == searched(question, questions=False) - terms(kind)
    assert terms(kind) <= searched(question, questions=False)


@pytest.mark.parametrize("query", ["عدد قتلى الحادث", "كم عدد", "قال سلفاكير", "كم +عدد القتلى", "title:قال كم"])
def test_it_stays_without_a_question_word_before_it_or_content_after_it(query: str) -> None:
    assert searched(query) == searched(query, questions=False)

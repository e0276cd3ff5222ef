"""The alef of tanween fath written without its mark (issue 14): data/alef_words.txt."""

import pytest

from arsearch.analysis import light_stem, normalize


def stem(word: str) -> str:
    return light_stem(normalize(word))


@pytest.mark.parametrize("unmarked,marked", [
    ("عاما", "عاماً"),
    ("كبيرا", "كبيراً"),
    ("وكثيرا", "كثيراً"),
    ("رسميا", "رسمياً"),
])
def test_unmarked_alef_meets_the_marked_word(unmarked: str, marked: str) -> None:
    assert stem(unmarked) == stem(marked)


@pytest.mark.parametrize("word,expected", [
    ("قالوا", "قالوا"),      # the alef after the plural waw of a verb
    ("فرنسا", "فرنسا"),      # a name in ا
    ("العليا", "عليا"),      # takes the article: no tanween
    ("أوروبا", "اوروبا"),
])
def test_alef_that_is_no_tanween_stays(word: str, expected: str) -> None:
    assert stem(word) == expected

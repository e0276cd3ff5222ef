"""light_stem's shortcuts give the terms of its rules applied one by one: the article and name lexicons looked up
only for words that end as one of their words does, the article prefixes found by length, the suffixes tried
only for words that end in one.  Checked on every lexicon word with every clitic and suffix, and on generated
words, against the rules written as plain loops."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from arsearch.analysis.stem import (DEFAULT_STEM_EXCLUSIONS, DEFINITE_PREFIXES, MIN_STEM_AFTER_ARTICLE,
                                    MIN_STEM_AFTER_COMPOUND_PREFIX, MIN_STEM_AFTER_SUFFIX, MIN_STEM_AFTER_WAW,
                                    NAME_PROCLITICS, SUFFIXES, WAW, article_term, article_terms, double_lam_words,
                                    light_stem, name_term, name_terms, proclitic_words, pronoun_bases, waw_words)


def prefix_stripped(word: str, waw_lexicon: Collection[str]) -> str:
    if word in double_lam_words():
        return prefix_stripped(word[1:], waw_lexicon)
    for prefix in DEFINITE_PREFIXES:
        if word.startswith(prefix):
            minimum = MIN_STEM_AFTER_ARTICLE if len(prefix) == 2 else MIN_STEM_AFTER_COMPOUND_PREFIX
            return word[len(prefix):] if len(word) - len(prefix) >= minimum else word
    if word in proclitic_words():
        return word[1:]
    if word.startswith(WAW) and len(word) - 1 >= MIN_STEM_AFTER_WAW and word not in waw_lexicon:
        return word[1:]
    return word


def suffixes_stripped(word: str, names: Mapping[str, str]) -> str:
    for suffix in SUFFIXES:
        if word in names:
            return names[word]
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM_AFTER_SUFFIX:
            word = word[: -len(suffix)]
    return names.get(word, word)


def stemmed_by_the_rules(word: str) -> str:
    """light_stem's rules, each lexicon looked up for every word and every affix tried in turn."""
    if word in DEFAULT_STEM_EXCLUSIONS or not ("\u0621" <= word[:1] <= "\u064a"):
        return word
    term = article_term(word, article_terms()) or name_term(word, name_terms())
    if term is not None:
        return term
    word = prefix_stripped(word, waw_words())
    return suffixes_stripped(pronoun_bases().get(word, word), name_terms())


def test_every_lexicon_word_with_clitics_and_suffixes() -> None:
    bases = {*article_terms(), *name_terms(), *double_lam_words(), *sorted(proclitic_words())[::40]}
    bases |= {word[2:] for word in bases if word.startswith("ال")}
    checked = 0
    for base in bases:
        for prefix in (*NAME_PROCLITICS, "ولل"):
            for suffix in ("", *SUFFIXES, "يين"):
                for word in (prefix + base + suffix, prefix + base[:-1] + suffix):
                    assert light_stem(word) == stemmed_by_the_rules(word), word
                    checked += 1
    assert checked > 50_000


def test_no_article_prefix_starts_another() -> None:
    """What finding a word's article prefix by its length assumes."""
    assert not [(a, b) for a in DEFINITE_PREFIXES for b in DEFINITE_PREFIXES if a != b and b.startswith(a)]


_LETTERS = st.sampled_from("ابتثجحخدذرزسشصضطظعغفقكلمنهويءئؤ")


@settings(max_examples=3000, deadline=None)
@given(st.lists(_LETTERS, min_size=1, max_size=9).map("".join), st.sampled_from(NAME_PROCLITICS),
       st.sampled_from(("", *SUFFIXES)))
def test_generated_words(word: str, prefix: str, suffix: str) -> None:
    assert light_stem(prefix + word + suffix) == stemmed_by_the_rules(prefix + word + suffix)

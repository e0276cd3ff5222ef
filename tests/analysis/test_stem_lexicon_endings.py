"""light_stem looks words up in the article and name lexicons only when they end as a word of them: the same
terms as looking every word up, on every lexicon word with every clitic and suffix, and on generated words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from arsearch.analysis.stem import (DEFAULT_STEM_EXCLUSIONS, NAME_PROCLITICS, SUFFIXES, article_term, article_terms,
                                    light_stem, name_term, name_terms, pronoun_bases, strip_prefix, strip_suffixes,
                                    waw_words)


def stemmed_looking_up_every_word(word: str) -> str:
    """light_stem's rules, with both lexicons looked up for every word."""
    if word in DEFAULT_STEM_EXCLUSIONS or not ("\u0621" <= word[:1] <= "\u064a"):
        return word
    term = article_term(word, article_terms()) or name_term(word, name_terms())
    if term is not None:
        return term
    word = strip_prefix(word, waw_words())
    return strip_suffixes(pronoun_bases().get(word, word), name_terms())


def test_every_lexicon_word_with_clitics_and_suffixes() -> None:
    bases = {*article_terms(), *name_terms()}
    bases |= {word[2:] for word in bases if word.startswith("ال")}
    checked = 0
    for base in bases:
        for prefix in NAME_PROCLITICS:
            for suffix in ("", *SUFFIXES):
                for word in (prefix + base + suffix, prefix + base[1:] + suffix, prefix + base[:-1] + suffix):
                    assert light_stem(word) == stemmed_looking_up_every_word(word), word
                    checked += 1
    assert checked > 10_000


_LETTERS = st.sampled_from("ابتثجحخدذرزسشصضطظعغفقكلمنهويءئؤ")


@settings(max_examples=3000, deadline=None)
@given(st.lists(_LETTERS, min_size=1, max_size=9).map("".join), st.sampled_from(NAME_PROCLITICS))
def test_generated_words(word: str, prefix: str) -> None:
    assert light_stem(prefix + word) == stemmed_looking_up_every_word(prefix + word)

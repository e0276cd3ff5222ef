"""Light stemming of normalized Arabic words: clitic prefixes and suffixes, with length guards.

Works on the output of :func:`arsearch.analysis.normalize.normalize` (teh marbuta already folded to heh, hamza
forms already folded), so the affix tables are written in normalized letters.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import lru_cache
from importlib import resources

#: Article-bearing prefixes, longest first; at most one is stripped.
DEFINITE_PREFIXES = ("وبال", "وكال", "فبال", "فكال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال")
#: The conjunction و, stripped only when no article prefix matched and the word is not in the و-lexicon.
WAW = "و"
#: ب ل ك ف written onto a word are stripped only for the words of the proclitic lexicon (بتركيا, لإيران).
#: Suffixes, tried in this order; each is stripped at most once (so عراقيون → عراقي → عراق).
SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
#: Clitics tried, shortest first, when a word is looked up in the name lexicon: a word is first taken as it is
#: (لبنان), then without one or two letters (للبنان, وبلبنان), then without an article-bearing prefix (البحرين).
NAME_PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك", *reversed(DEFINITE_PREFIXES))
#: Letters a name of the lexicon must keep after its clitics are stripped.
MIN_NAME = 3

#: Letters a stem must keep after ال or لل is stripped (الحج → حج, but الف stays).
MIN_STEM_AFTER_ARTICLE = 2
#: Letters a stem must keep after a longer prefix such as وال or بال is stripped (والده stays والده).
MIN_STEM_AFTER_COMPOUND_PREFIX = 3
#: Letters a stem must keep after و is stripped (وقال → قال, but ولد stays).
MIN_STEM_AFTER_WAW = 3
#: Letters a stem must keep after a suffix is stripped (بيان stays, قاعده → قاعد).
MIN_STEM_AFTER_SUFFIX = 3

#: Words never stemmed (normalized forms).
DEFAULT_STEM_EXCLUSIONS = frozenset({"الله", "والله", "بالله", "فالله", "تالله", "اللهم"})


def _word_list(name: str) -> frozenset[str]:
    text = resources.files("arsearch").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return frozenset(line.split("#", 1)[0].strip() for line in text.splitlines()) - {""}


@lru_cache(maxsize=1)
def waw_words() -> frozenset[str]:
    """Normalized words whose initial و belongs to the word (وزاره, واشنطن), from ``data/waw_words.txt``."""
    return _word_list("waw_words.txt")


@lru_cache(maxsize=1)
def proclitic_words() -> frozenset[str]:
    """Normalized words starting with a one-letter ب ل ك ف that is a separate preposition or particle
    (بتركيا, لايران), from ``data/proclitic_words.txt``; both lists come from ``scripts/build_lexicons.py``."""
    return _word_list("proclitic_words.txt")


@lru_cache(maxsize=1)
def double_lam_words() -> frozenset[str]:
    """Normalized words ل + a word that begins with ل (لليبيا, للاعبين), from ``data/double_lam_words.txt``."""
    return _word_list("double_lam_words.txt")


@lru_cache(maxsize=1)
def name_terms() -> dict[str, str]:
    """Normalized word → term for the words whose ending is not a suffix and the nisba adjectives and variants
    that share their term (البحرين, البحريني → بحرين; فرنسا, الفرنسية → فرنسا), from ``data/name_words.txt``:
    one line per term, the term first."""
    terms: dict[str, str] = {}
    for line in sorted(_word_list("name_words.txt")):
        words = line.split()
        terms.update(dict.fromkeys(words, words[0]))
    return terms


@lru_cache(maxsize=1)
def pronoun_bases() -> dict[str, str]:
    """Normalized word with a pronoun suffix → the word without it, teh marbuta restored where the corpus says so
    (كتابهم → كتاب, حكومتها → حكومه), and a dual written after teh marbuta → the singular (دولتين → دوله), from
    ``data/pronoun_words.txt``: lines ``word base``."""
    return dict(line.split() for line in _word_list("pronoun_words.txt"))


@lru_cache(maxsize=1)
def article_terms() -> dict[str, str]:
    """Normalized word with its article → term, for the words whose article belongs to them: a name whose article
    form is another name (الظهران, not ظهران الجنوب; الكاميرون, not كاميرون) and family names in ي (المالكي,
    not مالك), from ``data/article_words.txt``: one line per term, the term first."""
    terms: dict[str, str] = {}
    for line in sorted(_word_list("article_words.txt")):
        words = line.split()
        terms.update(dict.fromkeys(words, words[0]))
    return terms


_ARTICLE_PREFIXES = frozenset(DEFINITE_PREFIXES)


@lru_cache(maxsize=1)
def _lexicon_endings() -> frozenset[str]:
    """The last :data:`MIN_NAME` letters of every word of the article and name lexicons.  What
    :func:`article_term` and :func:`name_term` look up keeps the last ``MIN_NAME`` letters of the word at least,
    so a word that ends in none of these has neither term (most words: two loops over the clitics saved)."""
    return frozenset(word[-MIN_NAME:] for word in (*article_terms(), *name_terms()))


def article_term(word: str, terms: Mapping[str, str]) -> str | None:
    """The term of ``word`` if, without its clitics (and with its article, which لل writes as ل), it is a word of
    the article lexicon."""
    for prefix in NAME_PROCLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_NAME:
            rest = word[len(prefix):]
            term = terms.get("ال" + rest if prefix in _ARTICLE_PREFIXES else rest)
            if term is not None:
                return term
    return None


def name_term(word: str, names: Mapping[str, str]) -> str | None:
    """The term of ``word`` if, without its clitics, it is a word of the name lexicon."""
    for prefix in NAME_PROCLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_NAME:
            term = names.get(word[len(prefix):])
            if term is not None:
                return term
    return None


#: :data:`DEFINITE_PREFIXES` by length, longest first (none of them starts another, so a word starts with one of
#: them at most).
_DEFINITE_BY_LENGTH = tuple((length, frozenset(prefix for prefix in DEFINITE_PREFIXES if len(prefix) == length))
                            for length in sorted({len(prefix) for prefix in DEFINITE_PREFIXES}, reverse=True))


def strip_prefix(word: str, waw_lexicon: Collection[str]) -> str:
    if word in double_lam_words():  # لليبيا, للاعبين; للمده is ل + لمده, and لمده is ل + مده
        return strip_prefix(word[1:], waw_lexicon)
    if word.startswith(DEFINITE_PREFIXES):
        for length, prefixes in _DEFINITE_BY_LENGTH:
            if word[:length] in prefixes:
                minimum = MIN_STEM_AFTER_ARTICLE if length == 2 else MIN_STEM_AFTER_COMPOUND_PREFIX
                return word[length:] if len(word) - length >= minimum else word
    if word in proclitic_words():
        return word[1:]
    if word.startswith(WAW) and len(word) - 1 >= MIN_STEM_AFTER_WAW and word not in waw_lexicon:
        return word[1:]
    return word


def strip_suffixes(word: str, names: Mapping[str, str] | None = None) -> str:
    """Strip the suffixes in order; a word of the name lexicon (``names``) met on the way is its term."""
    names = names or {}
    if word in names:
        return names[word]
    if not word.endswith(SUFFIXES):  # most words: no suffix to try
        return word
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM_AFTER_SUFFIX:
            word = word[: -len(suffix)]
            if word in names:
                return names[word]
    return word


def light_stem(word: str, exclusions: Collection[str] = DEFAULT_STEM_EXCLUSIONS,
               waw_lexicon: Collection[str] | None = None) -> str:
    """Strip one clitic prefix and then suffixes from a normalized word; non-Arabic words pass through.  A word
    of the name lexicon, with or without clitics, is its lexicon term; a word of the pronoun list loses its
    pronoun suffix (and gets its teh marbuta back) before the suffixes are stripped.  A word of the article lexicon
    keeps its article in its term (الظهران, بالظهران → الظهران; ظهران stays ظهران)."""
    if word in exclusions or not ("\u0621" <= word[:1] <= "\u064a"):
        return word
    names = name_terms()
    if word[-MIN_NAME:] in _lexicon_endings():
        term = article_term(word, article_terms())
        if term is not None:
            return term
        term = name_term(word, names)
        if term is not None:
            return term
    word = strip_prefix(word, waw_words() if waw_lexicon is None else waw_lexicon)
    return strip_suffixes(pronoun_bases().get(word, word), names)

"""The words of the indexed text as it writes them, with how many documents have each: what did-you-mean suggests.

A term is a stem, and a one-letter edit of a typo that analyzes to an indexed term is often no word at all
(إصلحات → إصلهات); did-you-mean therefore suggests only words written in the indexed text.  Each document carries
its written words in two keyword fields of the engine (:data:`~arsearch.engine.api.KEYWORD_FIELDS`), committed
with it, so a snapshot's term statistics answer for the commit it reads:

- ``word_key``: the *key* of each of its words: :func:`~arsearch.analysis.normalize` of it (hamza on alef, ة/ه,
  ى/ي folded), the form a speller edits; the document frequency of a key is the documents with any word of it;
- ``spelling``: each distinct word with its key in front (``key`` + :data:`SEPARATOR` + ``word``), so the terms
  with the prefix ``key`` + :data:`SEPARATOR` are the ways the text writes the key, each with its documents.

Words are Arabic letters only, harakat, tatweel and invisible marks removed.  Document frequencies count a
deleted document until the engine merges it away, as every term statistic does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from arsearch.analysis import normalize
from arsearch.analysis.chars import DELETED
from arsearch.engine.api import BatchedStatistics, Snapshot

WORD_KEY_FIELD = "word_key"
SPELLING_FIELD = "spelling"
#: Between the key and the word of a ``spelling`` term (neither has a space).
SEPARATOR = " "
#: Fields whose words are the written words.
WORD_FIELDS = ("title", "content")
_LETTER_RUN = re.compile("[\u0621-\u064a]+")
_MARKS = re.compile(f"[{re.escape(DELETED)}]+")  # a regex scans a long text faster than str.translate
_LETTERS = re.compile("[\u0621-\u063a\u0641-\u064a]+")
#: The letters of _LETTER_RUN that _LETTERS leaves out: a text without them has only runs that are words.
_NOT_LETTERS = re.compile("[\u063b-\u0640]")


def document_words(texts: Iterable[str]) -> set[str]:
    """The distinct Arabic words of a document's texts, harakat and tatweel removed."""
    # Removing the marks from the whole text first gives the same words as from each run: a mark is part of the
    # run it stands in, never a separator between two.
    runs: set[str] = set()
    rare = False
    for text in texts:
        text = _MARKS.sub("", text)
        runs.update(_LETTER_RUN.findall(text))
        rare = rare or _NOT_LETTERS.search(text) is not None
    if not rare:  # every run is letters of _LETTERS only
        return runs
    return {word for word in runs if _LETTERS.fullmatch(word)}


def written(word: str) -> tuple[str, str]:
    """The key of a written word (its normal form) and its ``spelling`` term."""
    key = normalize(word)
    return key, f"{key}{SEPARATOR}{word}"


#: Written words a table holds before it starts again empty (an archive's vocabulary passes a least-recently-used
#: cache of 65,536 words, which then missed one look-up in seven on the corpus).
_TABLE_LIMIT = 400_000


class _WrittenTable(dict):  # type: ignore[type-arg]
    """word -> :func:`written` of it, filled on a miss; looked up by ``map`` (no Python code per known word)."""

    def __missing__(self, word: str) -> tuple[str, str]:
        if len(self) >= _TABLE_LIMIT:
            self.clear()
        found = self[word] = written(word)
        return found


_WRITTEN = _WrittenTable()


def written_terms(words: Iterable[str]) -> tuple[list[str], list[str]]:
    """The ``word_key`` and ``spelling`` terms of a document whose distinct written words are ``words``, each
    once, in no particular order (an engine indexes each as a set)."""
    found = list(map(_WRITTEN.__getitem__, words))
    if not found:
        return [], []
    keys, spellings = zip(*found)
    return list(set(keys)), list(spellings)


def word_keywords(words: Iterable[str]) -> dict[str, list[str]]:
    """The ``word_key`` and ``spelling`` terms of a document whose distinct written words are ``words``, sorted."""
    keys, spellings = written_terms(words)
    keys.sort()
    spellings.sort()
    return {WORD_KEY_FIELD: keys, SPELLING_FIELD: spellings}


def is_written(snapshot: Snapshot, key: str) -> bool:
    """Whether the text of ``snapshot`` writes a word whose key is ``key``."""
    return snapshot.has_term(WORD_KEY_FIELD, key)


def are_written(snapshot: Snapshot, keys: Iterable[str]) -> list[bool]:
    """:func:`is_written` of each of ``keys``, in one go where the snapshot can look terms up at once."""
    keys = list(keys)
    if isinstance(snapshot, BatchedStatistics):
        return [found > 0 for found in snapshot.doc_frequencies([(WORD_KEY_FIELD, key) for key in keys])]
    return [is_written(snapshot, key) for key in keys]


def spelling_of(snapshot: Snapshot, key: str) -> tuple[str, int] | None:
    """How the text of ``snapshot`` writes the words whose key is ``key``: the commonest word (the documents with
    it; ties go to the greatest word) and the documents with any word of that key; None when it writes none."""
    if not snapshot.has_term(WORD_KEY_FIELD, key):  # far cheaper than a document frequency, and most keys miss
        return None
    total = snapshot.doc_frequency(WORD_KEY_FIELD, key)
    prefix = key + SEPARATOR
    written = snapshot.terms(SPELLING_FIELD, prefix=prefix)
    if not total or not written:
        return None
    term, _ = max(written, key=lambda found: (found[1], found[0]))
    return term[len(prefix):], total

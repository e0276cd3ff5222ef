"""What the index computes of each document it adds, before grouping it: its near-duplicate sketch and its
written words with their keys (see :mod:`arsearch.index.words`).

Both are functions of the document alone, computed in the worker processes of the index's pipeline
(:mod:`arsearch.index.pipeline`).
"""

from __future__ import annotations

from arsearch.documents import Document
from arsearch.index.near_duplicates import sketch
from arsearch.index.words import SPELLING_FIELD, WORD_FIELDS, WORD_KEY_FIELD, document_words, word_keywords

#: A document's sketch (empty for a document of too few words) and its ``word_key`` and ``spelling`` terms
#: (:func:`~arsearch.index.words.word_keywords`), each list joined by newlines: one string crosses from a worker
#: process in a fraction of the time of a list of strings.
Prepared = tuple[tuple[int, ...], str, str]
#: Documents a worker process prepares per task (:mod:`arsearch.index.pipeline`).
BATCH = 128


def prepare(document: Document) -> Prepared:
    keywords = word_keywords(document_words(getattr(document, field) for field in WORD_FIELDS))
    return sketch(document.content), "\n".join(keywords[WORD_KEY_FIELD]), "\n".join(keywords[SPELLING_FIELD])


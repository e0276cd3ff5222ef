"""The words of an index as its text writes them, with how many documents have each: what did-you-mean suggests.

A term is a stem, and a one-letter edit of a typo that analyzes to an indexed term is often no word at all
(إصلحات → إصلهات); did-you-mean therefore suggests only words written in the indexed text.  The writer keeps
``words.tsv`` beside the engine's files, engine-neutral, updated at each commit from the documents it adds and
deletes, and replaced atomically.  Its first line names the engine generation it describes: a file of another
generation (a crash between the engine's commit and this file, an index of an older arsearch) is not used, and
the next commit rebuilds it from the stored text.

Words are Arabic letters only, harakat, tatweel and invisible marks removed; their *key* is
:func:`~arsearch.analysis.normalize` of them (hamza on alef, ة/ه, ى/ي folded), the form a speller edits.
"""

from __future__ import annotations

import gc
import os
import re
import threading
from collections import Counter
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import BinaryIO

from arsearch.analysis import normalize
from arsearch.analysis.chars import DELETED
from arsearch.engine.api import Snapshot

WORDS_FILE = "words.tsv"
_HEADER = "# arsearch words 1 generation"
_LETTER_RUN = re.compile("[\u0621-\u064a]+")
_MARKS = re.compile(f"[{re.escape(DELETED)}]+")  # a regex scans a long text faster than str.translate
_LETTERS = re.compile("[\u0621-\u063a\u0641-\u064a]+")
#: Fields whose words are counted.
WORD_FIELDS = ("title", "content")
#: An index without a current words file and at most this many documents gets one read from its stored text
#: when it is asked for (about 1 s); a bigger one waits for its next commit.
READ_LIMIT = 2_000


def document_words(texts: Iterable[str]) -> set[str]:
    """The distinct Arabic words of a document's texts, harakat and tatweel removed."""
    # Removing the marks from the whole text first gives the same words as from each run: a mark is part of the
    # run it stands in, never a separator between two.
    runs: set[str] = set()
    for text in texts:
        runs.update(_LETTER_RUN.findall(_MARKS.sub("", text)))
    return {word for word in runs if _LETTERS.fullmatch(word)}


def stored_words(snapshot: Snapshot, docnum: int) -> set[str]:
    stored = snapshot.stored(docnum)
    return document_words(str(stored.get(field) or "") for field in WORD_FIELDS)


class WrittenWords:
    """Key → the commonest word with that key and the documents with any word of that key (for the speller)."""

    def __init__(self, spellings: dict[str, tuple[str, int]], generation: int) -> None:
        self._spellings = spellings
        self.generation = generation

    def spelling(self, key: str) -> tuple[str, int] | None:
        """How the indexed text writes the words whose :func:`normalize` is ``key`` (its commonest way) and in how
        many documents; None when it never does."""
        return self._spellings.get(key)

    def __len__(self) -> int:
        return len(self._spellings)

    @classmethod
    def of_counts(cls, counts: WordCounts, generation: int) -> WrittenWords:
        return cls(counts.spellings(), generation)

    @classmethod
    def load(cls, folder: Path, generation: int) -> WrittenWords | None:
        """The words file of ``folder`` if it describes ``generation``, else None."""
        loaded = _read(folder, generation, with_counts=False)
        return None if loaded is None else cls(loaded[0], generation)


class WordCounts:
    """Word → documents with it, changed document by document (the writer's side of :class:`WrittenWords`).

    Change ``counts`` through :meth:`add` and :meth:`remove` only: the lines of the last file written are kept, in
    order, and the next file is written from them and the words changed since, so that a commit of a few thousand
    documents costs in proportion to them, not to the vocabulary of the whole index.
    """

    def __init__(self, counts: dict[str, int] | None = None) -> None:
        self.counts: Counter[str] = Counter(counts or {})
        self._keys: dict[str, str] = {}
        #: Words whose count changed since the lines below were brought up to date.
        self._changed: set[str] = set(self.counts)
        #: key -> the words with that key (one word as itself, more as a set), of the words counted.
        self._words_of: dict[str, str | set[str]] = {}
        self._spellings: dict[str, tuple[str, int]] = {}
        self._key_lines: dict[str, str] = {}
        self._word_lines: dict[str, str] = {}
        self._sorted_keys: list[str] = []
        self._sorted_words: list[str] = []

    @classmethod
    def of_snapshot(cls, snapshot: Snapshot) -> WordCounts:
        counts = cls()
        for docnum in snapshot.live_documents():
            counts.add_distinct(stored_words(snapshot, docnum))
        return counts

    def add(self, words: Iterable[str]) -> None:
        self.add_distinct(set(words))

    def add_distinct(self, words: Collection[str]) -> None:
        """:meth:`add` of words known to be distinct."""
        self.counts.update(words)
        self._changed.update(words)

    def remove(self, words: Iterable[str]) -> None:
        counts = self.counts
        for word in words:
            left = counts.get(word, 0) - 1
            if left > 0:
                counts[word] = left
            else:
                counts.pop(word, None)
            self._changed.add(word)

    def key(self, word: str) -> str:
        key = self._keys.get(word)
        if key is None:
            key = self._keys[word] = normalize(word)
        return key

    def spellings(self) -> dict[str, tuple[str, int]]:
        """Key → (the commonest word with that key, the ties going to the greatest word; the documents of all
        its words)."""
        self._bring_up_to_date()
        return dict(self._spellings)

    def save(self, folder: Path, generation: int) -> WrittenWords:
        """Write the words file for ``generation`` (a temporary file renamed over the old one)."""
        self._bring_up_to_date()
        keys = "".join(map(self._key_lines.__getitem__, self._sorted_keys)).encode()
        words = "".join(map(self._word_lines.__getitem__, self._sorted_words)).encode()
        path = folder / WORDS_FILE
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(f"{_HEADER} {generation} {len(self._spellings)} {len(keys)}\n".encode() + keys + words)
        os.replace(tmp, path)
        return WrittenWords(dict(self._spellings), generation)

    def _bring_up_to_date(self) -> None:
        changed, self._changed = self._changed, set()
        counts, words_of, word_lines = self.counts, self._words_of, self._word_lines
        new_words, gone_words, keys = [], set(), set()
        for word in changed:
            key = self.key(word)
            keys.add(key)
            count = counts.get(word, 0)
            if count:
                if word not in word_lines:
                    new_words.append(word)
                    _put(words_of, key, word)
                word_lines[word] = f"{word}\t{count}\n"
            elif word in word_lines:
                del word_lines[word]
                gone_words.add(word)
                _take(words_of, key, word)
        new_keys, gone_keys = [], set()
        for key in keys:
            holders = words_of.get(key)
            if holders is None:
                if self._spellings.pop(key, None) is not None:
                    del self._key_lines[key]
                    gone_keys.add(key)
                continue
            if isinstance(holders, str):
                top, total = holders, counts[holders]
            else:
                top = max(holders, key=lambda word: (counts[word], word))
                total = sum(map(counts.__getitem__, holders))
            if key not in self._spellings:
                new_keys.append(key)
            self._spellings[key] = (top, total)
            self._key_lines[key] = f"{key}\t{top}\t{total}\n"
        self._sorted_words = _changed_order(self._sorted_words, new_words, gone_words)
        self._sorted_keys = _changed_order(self._sorted_keys, new_keys, gone_keys)

    @classmethod
    def load(cls, folder: Path, generation: int) -> WordCounts | None:
        loaded = _read(folder, generation, with_counts=True)
        return None if loaded is None else cls(loaded[1])


def _put(words_of: dict[str, str | set[str]], key: str, word: str) -> None:
    holders = words_of.get(key)
    if holders is None:
        words_of[key] = word
    elif isinstance(holders, str):
        words_of[key] = {holders, word}
    else:
        holders.add(word)


def _take(words_of: dict[str, str | set[str]], key: str, word: str) -> None:
    holders = words_of.get(key)
    if isinstance(holders, str):
        del words_of[key]
    elif holders is not None:
        holders.discard(word)
        if len(holders) == 1:
            words_of[key] = next(iter(holders))


def _changed_order(ordered: list[str], new: list[str], gone: set[str]) -> list[str]:
    """``ordered`` (sorted) without ``gone`` and with ``new``, sorted (two sorted runs: a linear merge)."""
    kept = [item for item in ordered if item not in gone] if gone else ordered
    return sorted(kept + sorted(new)) if new else kept


def is_current(folder: Path, generation: int) -> bool:
    """Whether ``folder`` has a words file of ``generation`` (its first line only is read)."""
    try:
        with (folder / WORDS_FILE).open(encoding="utf-8") as file:
            fields = file.readline().removeprefix(_HEADER).split()
    except (OSError, UnicodeDecodeError):
        return False
    return len(fields) == 3 and fields[0] == str(generation)


def unwritten_on_disk(folder: Path, generation: int, keys: Iterable[str]) -> bool | None:
    """Whether one of ``keys`` is no key of the words file of ``generation``, by binary search in the file (its
    keys are sorted, and UTF-8 keeps their order), without reading it all; None when there is no such file."""
    try:
        with (folder / WORDS_FILE).open("rb") as file:
            fields = file.readline().decode("utf-8").removeprefix(_HEADER).split()
            if len(fields) != 3 or fields[0] != str(generation):
                return None
            start, end = file.tell(), file.tell() + int(fields[2])
            return any(not _on_disk(file, start, end, key.encode()) for key in keys)
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def _on_disk(file: BinaryIO, start: int, end: int, key: bytes) -> bool:
    low, high = start, end  # the key can only be on a line that starts in [low, high)
    while low < high:
        middle = (low + high) // 2
        if middle > start:
            file.seek(middle - 1)
            file.readline()  # to the first line that starts at or after ``middle``
        else:
            file.seek(middle)
        line_start = file.tell()
        if line_start >= high:
            high = middle
            continue
        found = file.readline().split(b"\t", 1)[0]
        if found == key:
            return True
        if found < key:
            low = file.tell()
        else:
            high = middle
    return False


def _read(folder: Path, generation: int, *, with_counts: bool
          ) -> tuple[dict[str, tuple[str, int]], dict[str, int]] | None:
    try:
        text = (folder / WORDS_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    header, _, body = text.partition("\n")
    fields = header.removeprefix(_HEADER).split()
    if not header.startswith(_HEADER) or len(fields) != 3 or fields[0] != str(generation):
        return None
    try:
        keys = int(fields[1])
        lines = body.split("\n")
        spelling_cells = "\t".join(lines[:keys]).split("\t")
        enabled = gc.isenabled()
        gc.disable()  # a quarter of a million small tuples: the collector would rescan them all several times
        try:
            spellings = dict(zip(spelling_cells[0::3], zip(spelling_cells[1::3], map(int, spelling_cells[2::3]))))
            counts: dict[str, int] = {}
            if with_counts:
                count_cells = "\t".join(line for line in lines[keys:] if line).split("\t")
                counts = dict(zip(count_cells[0::2], map(int, count_cells[1::2])))
        finally:
            if enabled:
                gc.enable()
    except ValueError:
        return None
    if len(spellings) != keys:
        return None
    return spellings, counts



class WordsChange:
    """The words of the documents one writer adds, replaces and deletes, for the counts of its commit."""

    def __init__(self) -> None:
        self.added: dict[str, str] = {}
        #: Ids whose committed document, if any, goes: deleted, or replaced by an add.
        self.gone: set[str] = set()
        #: Ids added more than once or added and then deleted by this writer: whether the engine keeps a document
        #: of theirs is read after the commit.
        self.uncertain: set[str] = set()

    def add(self, doc_id: str, words: str, *, replace: bool) -> None:
        """Document ``doc_id`` is added with ``words`` (its :func:`document_words`, joined by spaces)."""
        if doc_id in self.added or doc_id in self.uncertain:
            self.uncertain.add(doc_id)
            self.added.pop(doc_id, None)
            return
        if replace:
            self.gone.add(doc_id)
        self.added[doc_id] = words

    def delete(self, doc_id: str) -> None:
        if self.added.pop(doc_id, None) is not None:
            self.uncertain.add(doc_id)
        self.gone.add(doc_id)

    def removed(self, snapshot: Snapshot) -> list[set[str]]:
        """The words of the committed documents that go (read before the commit, while they are there)."""
        found = []
        for doc_id in self.gone:
            docnum = snapshot.document_number(doc_id)
            if docnum is not None:
                found.append(stored_words(snapshot, docnum))
        return found

    def apply(self, counts: WordCounts, removed: list[set[str]], after: Snapshot) -> None:
        """Change ``counts`` of the generation before the commit into those of ``after``, the commit's snapshot."""
        for words in removed:
            counts.remove(words)
        for joined in self.added.values():
            counts.add_distinct(joined.split())
        for doc_id in self.uncertain:
            docnum = after.document_number(doc_id)
            if docnum is not None:
                counts.add(stored_words(after, docnum))

"""Did you mean: corrections of misspelled query words, drawn from the words of the indexed text.

A word is checked by analyzing it: if its term is in the index, the analyzer already absorbed the usual
Arabic variations (ة/ه, ى/ي, hamza on alef, ال and clitics) and nothing needs correcting.  An unknown word
(and, if a Policy asks, a very rare one) gets candidate words one edit away — deletion,
insertion, substitution, transposition, a missing or an extra space — each with a cost that is lower for the
mistakes Arabic typists make (neighbouring keys, letters that sound or look alike, a dropped long vowel).
Edits are made on the normalized word and looked up among the normalized words the indexed text writes (the
``word_key`` and ``spelling`` terms of the snapshot searched, :mod:`arsearch.index.words`), so a suggestion is
always a word of the text, spelled as the text spells it;
candidates are ranked by ``cost * cost_weight - ln(documents with the word)``, a noisy-channel score.

The work is bounded (:class:`SpellingBudget`): so many words per query, so many look-ups, so many seconds; a correction
cut short by it is marked ``partial`` (:func:`did_you_mean`, :func:`correct_text`).
"""

from __future__ import annotations

import math
import re
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from arsearch.analysis import Analyzer, normalize
from arsearch.analysis.chars import DELETED
from arsearch.analysis.stem import DEFINITE_PREFIXES
from arsearch.analysis.tokenize import TOKEN_RE
from arsearch.engine.api import BatchedStatistics, Snapshot
from arsearch.errors import QueryError
from arsearch.index.words import are_written, spelling_of
from arsearch.search.highlight import Snippet

#: Letters inserted or substituted by candidate edits: the Arabic alphabet after normalization (the folded
#: variants ة ى أ إ آ ؤ ئ would only give the same terms again).
ALPHABET = "ءابتثجحخدذرزسشصضطظعغفقكلمنهوي"
#: The standard Arabic (101) keyboard, three letter rows, and how far each row is shifted to the right.
KEYBOARD_ROWS = (("ضصثقفغعهخحجد", 0.0), ("شسيبلاتنمكط", 0.25), ("ئءؤرلاىةوزظ", 0.75))
#: Letters confused by sound (ض/ظ, ذ/ز, ث/س …) or by their dots (ب/ت/ث/ن, ج/ح/خ, ر/ز, س/ش …).
CONFUSABLE_GROUPS = ("ضظدذز", "ذزد", "ثسصت", "طت", "قك", "حه", "ضص", "ظط", "عا", "غق",
                     "بتثني", "جحخ", "دذ", "رز", "سش", "صض", "طظ", "عغ", "فق")
#: Long vowels: the letters most often left out.
LONG_VOWELS = "اوي"
_ARABIC_WORD = re.compile(f"[{ALPHABET}ةىأإآؤئ]+")
_STRIP = str.maketrans({c: None for c in DELETED})


def keyboard_neighbours(fold: bool = True) -> dict[str, set[str]]:
    """Letter → the letters on the keys around its key; ``fold``: letters as the analyzer folds them (ة → ه …)."""
    keys = [(ch, row, col + shift) for row, (letters, shift) in enumerate(KEYBOARD_ROWS)
            for col, ch in enumerate(letters.replace("لا", "_"))]
    near: dict[str, set[str]] = {}
    for a, row_a, x_a in keys:
        for b, row_b, x_b in keys:
            if a != b and "_" not in (a, b) and abs(row_a - row_b) <= 1 and abs(x_a - x_b) <= 1.0:
                if fold:
                    a, b = normalize(a), normalize(b)
                near.setdefault(a, set()).add(b)
    return near


#: Normalized letter → normalized letters of the keys around it, and → letters confused with it.
KEY_NEIGHBOURS = keyboard_neighbours()
CONFUSABLE = {a: {b for g in CONFUSABLE_GROUPS if a in g for b in g if b != a} for a in ALPHABET}


@dataclass(frozen=True)
class Costs:
    """What each edit costs; a cost of 1.0 is one ordinary edit."""

    substitute: float = 1.0
    substitute_near: float = 0.5     # neighbouring key, or a letter that sounds or looks alike
    delete: float = 1.0              # the candidate drops a letter the user typed
    delete_near: float = 0.6         # ... a doubled letter, or one next to its neighbouring key
    insert: float = 1.0              # the candidate adds a letter the user left out
    insert_vowel: float = 0.6        # ... a long vowel ا و ي, or a letter doubled
    transpose: float = 0.6
    split: float = 0.8               # a missing space (وزارةالصحة)
    join: float = 0.5                # an extra space (وزا رة)
    #: How many nats of document frequency one unit of cost is worth (4.0: a cost of 1 is 55 times the df).
    cost_weight: float = 4.0


#: Every edit costs 1: plain edit distance, ranked by frequency (a peer in benchmarks/experiments/did_you_mean.py).
UNIFORM_COSTS = Costs(substitute_near=1.0, delete_near=1.0, insert_vowel=1.0, transpose=1.0, split=1.0, join=1.0)


@dataclass(frozen=True)
class Correction:
    """One candidate for a word: the ``text`` to type instead (one word, or two after a missing space)."""

    text: str
    cost: float
    frequency: int  # documents with the candidate's term (the rarer one for two words)
    score: float


@dataclass(frozen=True)
class Suggestion:
    """A corrected query: its ``query`` text, the ``total`` hits it gets, and the ``changed`` spans of it."""

    query: str
    total: int
    changed: tuple[tuple[int, int], ...] = field(default=(), compare=False)

    @property
    def marked(self) -> Snippet:
        """The query with the changed words as highlight spans, for renderers."""
        return Snippet(self.query, self.changed)

    def to_dict(self) -> dict[str, object]:
        return {"query": self.query, "total": self.total}


@dataclass(frozen=True)
class Policy:
    """When a word is worth correcting: unknown to the index; or known to at most ``rare_frequency`` documents
    while a correction is in ``rare_ratio`` times as many; or never written so by the indexed text (its term is
    known: another form of a word, or a typo that is a stem of the index) while a correction is in
    ``unwritten_ratio`` times as many documents as its term (0: such words are left alone).  Two words the text
    writes are joined when it writes them as one word in ``join_ratio`` times as many documents as either (0: only
    a half that needs correcting is joined)."""

    rare_frequency: int = 0
    rare_ratio: float = 200.0
    unwritten_ratio: float = 2.0
    join_ratio: float = 4.0


DEFAULT_POLICY = Policy()


class Vocabulary(Protocol):
    """What a speller needs to know of an index."""

    def frequency(self, term: str) -> int:
        """Documents with ``term``."""

    def spelling(self, key: str) -> tuple[str, int] | None:
        """How the indexed text writes the words whose :func:`normalize` is ``key`` (the commonest way) and how many
        documents have one of them; None when it never does."""


@dataclass(frozen=True)
class SpellingBudget:
    """How much one query's correction may cost; what is left undone when it runs out is reported as partial."""

    words: int = 20                 # query words corrected (a word the index has costs nothing)
    candidates: int = 20_000        # candidate spellings looked up, all words together (about 500 a word)
    seconds: float = 0.2


DEFAULT_BUDGET = SpellingBudget()


class _Allowance:
    """What is left of a :class:`SpellingBudget` while one query is corrected."""

    def __init__(self, budget: SpellingBudget) -> None:
        self.budget = budget
        self.words = 0
        self.candidates = 0
        self.deadline = time.perf_counter() + budget.seconds
        self.exhausted = False

    def word(self) -> bool:
        """Take one word; False (and exhausted) when no word is left."""
        self.words += 1
        if self.words > self.budget.words:
            self.exhausted = True
        return not self.exhausted

    def spend(self, candidates: int) -> bool:
        self.candidates += candidates
        if self.candidates > self.budget.candidates or time.perf_counter() > self.deadline:
            self.exhausted = True
        return not self.exhausted


#: Candidate look-ups between two checks of a speller's :class:`Budget`.
_CHECK_EVERY = 32
#: Most letters :meth:`Speller.spelled` changes to give a suggestion the spelling of the indexed text.
MAX_RESPELLING = 1


#: The fields whose terms are the vocabulary: a word is unknown when its term is in neither.
VOCABULARY_FIELDS = ("content", "title")


def has_unknown_term(snapshot: Snapshot, terms: Iterable[str]) -> bool:
    """Whether one of ``terms`` is unknown to the index, the only case :func:`suggest_query` corrects (a membership
    test stops at the first segment that has the term: far cheaper than a suggestion's frequencies)."""
    return any(not any(snapshot.has_term(fieldname, term) for fieldname in VOCABULARY_FIELDS) for term in terms)


def query_keys(text: str) -> list[str]:
    """The normalized Arabic words of a query, as :func:`writes_all` takes them."""
    return [normalize(m.group().translate(_STRIP)) for m in TOKEN_RE.finditer(text)
            if _ARABIC_WORD.fullmatch(m.group().translate(_STRIP))]


def writes_all(snapshot: Snapshot, keys: Iterable[str]) -> bool:
    """Whether the text of ``snapshot`` writes every one of ``keys`` (:func:`query_keys`): when it does not, a
    word of the query may be a typo that analyzes to an indexed term, and :func:`did_you_mean` has work to do."""
    return all(are_written(snapshot, keys))


class IndexVocabulary:
    """The terms of an index's ``title`` and ``content`` fields and the words of its text as written, read
    through one snapshot."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._spellings: dict[str, tuple[str, int] | None] = {}

    def look_up(self, keys: Iterable[str]) -> None:
        """Find out at once which of ``keys`` the text does not write, where the snapshot looks terms up in one
        go (a cluster, where each look-up is a round trip): :meth:`spelling` then answers None for them at once."""
        if not isinstance(self._snapshot, BatchedStatistics):
            return
        asked = [key for key in dict.fromkeys(keys) if key not in self._spellings]
        for key, written in zip(asked, are_written(self._snapshot, asked)):
            if not written:
                self._spellings[key] = None

    def spelling(self, key: str) -> tuple[str, int] | None:
        try:
            return self._spellings[key]
        except KeyError:
            found = self._spellings[key] = spelling_of(self._snapshot, key)
            return found

    def frequency(self, term: str) -> int:
        """Documents with ``term`` in their content (in their title, for a term of titles only)."""
        snapshot = self._snapshot
        for fieldname in VOCABULARY_FIELDS:
            if snapshot.has_term(fieldname, term):  # much faster than doc_frequency for the many unknown candidates
                return snapshot.doc_frequency(fieldname, term)
        return 0


class Speller:
    """Corrects words against the words of one index."""

    def __init__(self, analyzer: Analyzer, vocabulary: Vocabulary, *, costs: Costs = Costs(),
                 policy: Policy = DEFAULT_POLICY) -> None:
        self.analyzer = analyzer
        self.vocabulary = vocabulary
        self._frequencies: dict[str, int] = {}
        self.costs = costs
        self.policy = policy

    def term(self, word: str) -> str | None:
        """The one content term of ``word`` (None for a stopword, several words or none)."""
        terms = self.analyzer.terms_of(word)
        if len(terms) != 1 or terms[0][1]:
            return None
        return terms[0][0]

    def frequency(self, term: str) -> int:
        found = self._frequencies.get(term)
        if found is None:
            found = self._frequencies[term] = self.vocabulary.frequency(term)
        return found

    def word_frequency(self, word: str) -> int | None:
        """Documents with ``word``'s term; None when ``word`` is not a single content word."""
        term = self.term(word)
        return None if term is None else self.frequency(term)

    def correct(self, word: str, limit: int = 3, allowance: _Allowance | None = None) -> list[Correction]:
        """The best corrections of ``word``, best first; empty when it needs none (see :class:`Policy`); when
        ``allowance`` runs out, the best of the cheapest edits tried (:meth:`candidates`)."""
        known = self.word_frequency(word)
        if known is None or not self.needs_correcting(word):
            return []
        found = self.candidates(word, limit, allowance)
        if known:
            ratio = self.policy.rare_ratio if known <= self.policy.rare_frequency else self.policy.unwritten_ratio
            found = [c for c in found if c.frequency >= ratio * known]
        return found

    def is_written(self, word: str) -> bool:
        """Whether the indexed text writes ``word`` (after normalization)."""
        return self.vocabulary.spelling(normalize(word.translate(_STRIP))) is not None

    def needs_correcting(self, word: str) -> bool:
        """Whether ``word`` is a content word the :class:`Policy` asks to correct."""
        known = self.word_frequency(word)
        if known is None:
            return False
        if known <= self.policy.rare_frequency:
            return True
        return self.policy.unwritten_ratio > 0 and not self.is_written(word)

    def candidates(self, word: str, limit: int = 3, allowance: _Allowance | None = None) -> list[Correction]:
        """Words of the indexed text one edit from ``word`` (or two words, for a missing space) whose term is
        another one; ``frequency``: the documents with the word (the rarer one of two).  The cheapest edits are
        looked up first: when ``allowance`` runs out, the best of those found so far (it is then exhausted)."""
        letters = normalize(word.translate(_STRIP))
        own = self.term(letters)
        spelling = self.vocabulary.spelling
        look_up = getattr(self.vocabulary, "look_up", None)
        best: dict[str, Correction] = {}
        if look_up is not None:
            look_up(part for pair in self._splits(letters) for part in pair)
        for left, right in self._splits(letters):
            parts = [self._written_part(part) for part in (left, right)]
            if parts[0] is not None and parts[1] is not None:
                text = f"{parts[0][0]} {parts[1][0]}"
                self._keep(best, text, text, self.costs.split, min(parts[0][1], parts[1][1]))
        looked_up = len(letters)
        edits = sorted(self._edits(letters), key=lambda edit: edit[1])
        for n, (key, cost) in enumerate(edits):
            looked_up += 1
            if looked_up % _CHECK_EVERY == 0 and allowance is not None and not allowance.spend(_CHECK_EVERY):
                break
            if look_up is not None and n % _CHECK_EVERY == 0:
                look_up(edit for edit, _ in edits[n:n + _CHECK_EVERY])
            found = spelling(key)
            if found is None:
                continue
            text, frequency = found
            term = self.term(text)
            if term is not None and term != own:
                self._keep(best, term, text, cost, frequency)
        else:
            if allowance is not None:
                allowance.spend(looked_up % _CHECK_EVERY)
        return sorted(best.values(), key=lambda c: (c.score, c.cost, c.text))[:limit]

    def join(self, first: str, second: str) -> Correction | None:
        """``first`` and ``second`` written as one word, if the indexed text writes it (an extra space)."""
        found = self.vocabulary.spelling(normalize((first + second).translate(_STRIP)))
        if found is None or self.term(found[0]) is None:
            return None
        text, frequency = found
        return Correction(text, self.costs.join, frequency, self._score(self.costs.join, frequency))

    def join_written(self, first: str, second: str) -> Correction | None:
        """:meth:`join` of two words the text writes, when the joined word is in :attr:`Policy.join_ratio` times as
        many documents as either of them (يتق لد → يتقلد)."""
        if not self.policy.join_ratio:
            return None
        joined = self.join(first, second)
        if joined is None:
            return None
        halves = [self.vocabulary.spelling(normalize(w.translate(_STRIP))) for w in (first, second)]
        most = max(half[1] if half is not None else 0 for half in halves)
        return joined if joined.frequency >= self.policy.join_ratio * most else None

    def spelled(self, correction: str) -> str:
        """``correction`` as the indexed text writes it: each word replaced by the commonest word of the text with
        the same normalized letters (المملكه → المملكة, الاسلامية → الإسلامية), or kept when the text has none."""
        return " ".join(self._spelled_word(word) for word in correction.split(" "))

    def _spelled_word(self, word: str) -> str:
        found = self.vocabulary.spelling(normalize(word.translate(_STRIP)))
        return word if found is None else found[0]

    def _written_part(self, key: str) -> tuple[str, int] | None:
        """How the text writes one half of a split word, a stopword included (في، من …); None for words it does not
        write, single letters and a bare article (ال، لل، وال …)."""
        if len(key) < 2 or key in DEFINITE_PREFIXES:
            return None
        return self.vocabulary.spelling(key)

    def _score(self, cost: float, frequency: int) -> float:
        return cost * self.costs.cost_weight - math.log(frequency)

    def _keep(self, best: dict[str, Correction], key: str, text: str, cost: float, frequency: int) -> None:
        score = self._score(cost, frequency)
        if key not in best or score < best[key].score:
            best[key] = Correction(text, cost, frequency, score)

    def _edits(self, w: str) -> Iterator[tuple[str, float]]:
        """Every string one edit from ``w`` (normalized letters) with the edit's cost."""
        c = self.costs
        n = len(w)
        for i in range(n):
            here = w[i]
            near = (i > 0 and (w[i - 1] == here or here in KEY_NEIGHBOURS.get(w[i - 1], ()))) or (
                i + 1 < n and (w[i + 1] == here or here in KEY_NEIGHBOURS.get(w[i + 1], ())))
            yield w[:i] + w[i + 1:], c.delete_near if near else c.delete
            if i + 1 < n and here != w[i + 1]:
                yield w[:i] + w[i + 1] + w[i] + w[i + 2:], c.transpose
            neighbours, confusable = KEY_NEIGHBOURS.get(here, ()), CONFUSABLE.get(here, ())
            for letter in ALPHABET:
                if letter != here:
                    close = letter in neighbours or letter in confusable
                    yield w[:i] + letter + w[i + 1:], c.substitute_near if close else c.substitute
        for i in range(n + 1):
            for letter in ALPHABET:
                doubled = (i > 0 and w[i - 1] == letter) or (i < n and w[i] == letter)
                yield w[:i] + letter + w[i:], c.insert_vowel if doubled or letter in LONG_VOWELS else c.insert

    @staticmethod
    def _splits(w: str) -> Iterator[tuple[str, str]]:
        for i in range(2, len(w) - 1):
            yield w[:i], w[i:]


@dataclass(frozen=True)
class Corrected:
    """What :func:`correct_text` made of a query: the corrected ``query`` (None: nothing to correct, or nothing
    found), the ``changed`` spans in it, and whether the :class:`SpellingBudget` ran out before every word was tried."""

    query: str | None
    changed: tuple[tuple[int, int], ...] = ()
    partial: bool = False


def correct_text(speller: Speller, text: str, budget: SpellingBudget = DEFAULT_BUDGET) -> Corrected:
    """``text`` with its misspelled Arabic words replaced by their best corrections, within ``budget``: the words
    corrected before it ran out are kept (``partial``).  Excluded words (``-word``), field names and values in
    Latin letters are left alone."""
    allowance = _Allowance(budget)
    words = [m for m in TOKEN_RE.finditer(text) if _ARABIC_WORD.fullmatch(m.group().translate(_STRIP))
             and not text[:m.start()].endswith("-")]
    replacements: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        word, following = words[i], words[i + 1] if i + 1 < len(words) else None
        suspect = speller.needs_correcting(word.group())
        next_suspect = following is not None and speller.needs_correcting(following.group())
        if not suspect and not next_suspect:
            spaced = following is not None and text[word.end():following.start()] == " "
            joined = speller.join_written(word.group(), following.group()) if spaced and following else None
            if joined is not None and following is not None:
                replacements.append((word.start(), following.end(), joined.text))
                i += 2
                continue
            i += 1  # a known word, not the first half of a word split by an extra space: nothing to do
            continue
        if not allowance.word():
            break
        corrections = speller.correct(word.group(), limit=1, allowance=allowance)
        if allowance.exhausted:  # the best correction of the cheapest edits tried, if any, and no further word
            if corrections:
                replacements.append((word.start(), word.end(), corrections[0].text))
            break
        joined = None
        if following is not None and text[word.end():following.start()] == " " and (suspect or next_suspect):
            joined = speller.join(word.group(), following.group())
        if joined is not None and following is not None and (
                not corrections or joined.score <= corrections[0].score):
            replacements.append((word.start(), following.end(), joined.text))
            i += 2
            continue
        if corrections:
            replacements.append((word.start(), word.end(), corrections[0].text))
        i += 1
    if not replacements:
        return Corrected(None, (), allowance.exhausted)
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for start, end, replacement in replacements:
        pieces.append(text[pos:start])
        offset = sum(map(len, pieces))
        spans.append((offset, offset + len(replacement)))
        pieces.append(replacement)
        pos = end
    pieces.append(text[pos:])
    return Corrected("".join(pieces), tuple(spans), allowance.exhausted)


def correct_query(speller: Speller, text: str) -> tuple[str, tuple[tuple[int, int], ...]] | None:
    """:func:`correct_text` with the default budget: the corrected text and the spans of the replacements in it,
    or None when nothing needs correcting."""
    fixed = correct_text(speller, text)
    return None if fixed.query is None else (fixed.query, fixed.changed)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


@dataclass(frozen=True)
class DidYouMean:
    """A query's did-you-mean: the ``suggestion`` (None: none) and whether the work stopped short of trying every
    word (:class:`SpellingBudget`), so that a better one may exist."""

    suggestion: Suggestion | None
    partial: bool = False


def did_you_mean(snapshot: Snapshot, analyzer: Analyzer, text: str, count: Callable[[str], int], *,
                 budget: SpellingBudget = DEFAULT_BUDGET) -> DidYouMean:
    """The corrected query for ``text`` with its hit count (``count(query)``), made within ``budget`` from the
    terms and written words of ``snapshot``.  No suggestion when no word needs correcting or the correction
    finds nothing."""
    speller = Speller(analyzer, IndexVocabulary(snapshot))
    fixed = correct_text(speller, text, budget)
    if fixed.query is None:
        return DidYouMean(None, fixed.partial)
    try:
        total = count(fixed.query)
    except QueryError:
        return DidYouMean(None, fixed.partial)
    return DidYouMean(Suggestion(fixed.query, total, fixed.changed) if total else None, fixed.partial)


def suggest_query(snapshot: Snapshot, analyzer: Analyzer, text: str, count: Callable[[str], int], *,
                  budget: SpellingBudget = DEFAULT_BUDGET) -> Suggestion | None:
    """:func:`did_you_mean`'s suggestion alone."""
    return did_you_mean(snapshot, analyzer, text, count, budget=budget).suggestion


def __getattr__(name: str) -> object:
    """``Budget``, the old name of :class:`SpellingBudget` (the search's own is :class:`arsearch.Budget`)."""
    if name == "Budget":
        warnings.warn("arsearch.search.spelling.Budget is deprecated: use SpellingBudget (arsearch.Budget is the "
                      "budget of a whole search)", DeprecationWarning, stacklevel=2)
        return SpellingBudget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

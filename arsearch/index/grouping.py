"""Near-duplicate groups at index time: which group each new document joins.

A document joins the group of its most similar live document when that similarity reaches the threshold
(:mod:`arsearch.index.near_duplicates`), else it starts a group of its own.  The group's label is the id of the
document that started it (with ``#2``, ``#3``... when that label is still in use by other live documents),
stored in the ``group`` field; the sketch is stored beside it, and its first :data:`LSH_KEYS` values are the
document's ``dup_key`` keyword terms (:func:`dup_keys`).  Labels never change once written: a group keeps its
label when the document that started it is deleted or changed, and a changed document is grouped again as a new
one.

A new document's candidates are the documents that share at least :data:`MIN_SHARED_KEYS` of its look-up keys:
the committed ones from the writer's snapshot (:func:`~arsearch.engine.candidates.candidates_many`: the
:data:`CANDIDATES` sharing the most keys, then by :func:`~arsearch.engine.candidates.text_key` of their ids; a
key held by more than :data:`MAX_KEY_HOLDERS` documents is left out), and the ones this writer added before it,
from a table of this writer's changes alone.  Each committed candidate's sketch is read from the snapshot, and
the label of the one it joins, so a writer's memory grows with its own changes, never with the archive.  Of two
candidates equally similar, a committed one comes before one of this writer's, then the one ranked first, and of
this writer's the one added first.  The index writer hands the grouping a batch at a time, and
:meth:`GroupTracker.look_ahead` reads the batch's look-ups in one go (a few requests for a cluster).

:class:`GroupTracker` also knows, at the commit, how the changes moved the counts of groups with two or more
documents (:class:`~arsearch.index.meta.GroupCounts`) that the index keeps in its metadata.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from arsearch.engine.api import SearchRequest, Snapshot, Term, doc_frequencies
from arsearch.engine.candidates import Candidate, candidate_label, candidates_many, text_key
from arsearch.index.meta import GroupCounts
from arsearch.index.near_duplicates import DEFAULT_THRESHOLD, LSH_KEYS, MIN_SHARED_KEYS, similarity_to

GROUP_FIELD = "group"
DUP_KEY_FIELD = "dup_key"
#: A look-up key held by more documents than this is a boilerplate shingle (a paper's "share on Twitter" line
#: starts 2,800 of its articles): it finds no candidates.  Copies of one story share many other keys.
MAX_KEY_HOLDERS = 100
#: The committed documents sharing the most look-up keys with a new one whose sketches are compared with its.
CANDIDATES = 16


def dup_keys(sketch: Sequence[int]) -> list[str]:
    """The ``dup_key`` terms of a document with ``sketch``: its look-up keys."""
    return [str(value) for value in sketch[:LSH_KEYS]]


def frequency(snapshot: Snapshot, field: str, text: str) -> int:
    """The document frequency of a term, looked up only when the term is there (most look-ups here are of terms
    that are not, and a membership test costs engines less)."""
    return snapshot.doc_frequency(field, text) if snapshot.has_term(field, text) else 0


def live_count(snapshot: Snapshot, field: str, text: str) -> int:
    """The live documents of ``snapshot`` with the term (a document frequency counts deleted ones too)."""
    if not snapshot.has_term(field, text):
        return 0
    request = SearchRequest(Term(field, text), limit=1, members=False, content=False)
    return snapshot.search(request).total


def group_counts(snapshot: Snapshot) -> GroupCounts:
    """The counts of ``snapshot`` by a pass over its group labels (a live count for each label of two or more
    documents when the snapshot has deleted documents)."""
    exact = snapshot.stats().deleted == 0
    groups = documents = 0
    for label, held in snapshot.terms(GROUP_FIELD):
        if held < 2:
            continue
        size = held if exact else live_count(snapshot, GROUP_FIELD, label)
        if size >= 2:
            groups += 1
            documents += size
    return GroupCounts(groups, documents)


class GroupTracker:
    """The grouping of one writer's changes, over the snapshot of the commit the writer started from."""

    def __init__(self, snapshot: Snapshot, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._snapshot = snapshot
        #: Whether the snapshot's document frequencies are live counts (it has no deleted documents).
        self._exact = snapshot.stats().deleted == 0
        #: This writer's documents, latest version: id -> (label, sketch, the number of its add).
        self._added: dict[str, tuple[str, tuple[int, ...], int]] = {}
        self._adds = 0
        self._added_keys: defaultdict[int, list[str]] = defaultdict(list)
        self._added_sizes: Counter[str] = Counter()
        #: Committed documents this writer deletes or replaces: id -> their labels (none for an id the snapshot
        #: lacks; several documents of one id when an engine kept them).
        self._gone: dict[str, tuple[str, ...]] = {}
        #: :func:`text_key` of each of their ids that the snapshot has (how candidates are known).
        self._gone_keys: set[int] = set()
        self._gone_sizes: Counter[str] = Counter()
        #: How many of them the snapshot has (only those can be among the documents sharing keys).
        self._gone_committed = 0
        #: Live documents per label in the snapshot, as looked up.
        self._committed_sizes: dict[str, int] = {}
        #: Ids added more than once, or added and deleted, by this writer, and every label they were given: whether
        #: the engine keeps one of their versions is read after the commit.
        self._uncertain: set[str] = set()
        self._unsure_labels: set[str] = set()
        #: What :meth:`look_ahead` read for the changes of one batch: document frequencies, and the candidates (by
        #: the keys looked up: the limit asked and the answer).
        self._frequencies: dict[tuple[str, str], int] = {}
        self._candidates: dict[tuple[str, ...], tuple[int, list[Candidate]]] = {}

    def look_ahead(self, changes: Sequence[tuple[str, tuple[int, ...], bool] | str]) -> None:
        """Read from the snapshot at once what grouping ``changes`` will look up, in their order: documents to add
        (id, sketch, ``replace``) and ids to delete.  Each look-up of :meth:`assign` and :meth:`remove` is then
        answered from what was read (a cluster answers a batch's look-ups in a few requests, where each is a round
        trip); one that the changes before it made different is looked up when made.  Forgets the last batch's."""
        self._frequencies, self._candidates = {}, {}
        snapshot = self._snapshot
        if snapshot.doc_count() == 0:
            return
        adds = [change for change in changes if not isinstance(change, str)]
        leaving = [change if isinstance(change, str) else change[0] for change in changes
                   if isinstance(change, str) or change[2]]
        terms = [("id", doc_id) for doc_id in dict.fromkeys(leaving) if doc_id not in self._gone]
        terms += [(GROUP_FIELD, doc_id) for doc_id, _, _ in adds if doc_id not in self._committed_sizes]
        keys = [dup_keys(sketch[:LSH_KEYS]) for _, sketch, _ in adds]
        terms += [(DUP_KEY_FIELD, text) for texts in keys for text in texts]
        terms = list(dict.fromkeys(terms))  # copies in one batch share keys
        self._frequencies = dict(zip(terms, doc_frequencies(snapshot, terms)))
        committed_leaving = sum(1 for (field, _), held in self._frequencies.items() if field == "id" and held)
        limit = CANDIDATES + self._gone_committed + committed_leaving  # the most that assign() may ask for
        asked: list[tuple[str, ...]] = []
        for (_, sketch, _), texts in zip(adds, keys):
            looked_up = self._looked_up(sketch[:LSH_KEYS], texts)[0]
            if len(looked_up) >= MIN_SHARED_KEYS:
                asked.append(tuple(looked_up))
        asked = list(dict.fromkeys(asked))
        answers = candidates_many(snapshot, DUP_KEY_FIELD, asked, at_least=MIN_SHARED_KEYS, limit=limit)
        self._candidates = {texts: (limit, answer) for texts, answer in zip(asked, answers)}

    def _frequency(self, field: str, text: str) -> int:
        found = self._frequencies.get((field, text))
        return frequency(self._snapshot, field, text) if found is None else found

    def assign(self, doc_id: str, sketch: tuple[int, ...], *, replace: bool = True) -> str:
        """The label of ``doc_id``'s group, remembered; ``replace``: a committed document of that id goes."""
        self._leave(doc_id, committed=replace)
        best = self._best_match(sketch)
        label = best if best is not None else self._new_label(doc_id)
        self._adds += 1
        self._added[doc_id] = (label, sketch, self._adds)
        for key in sketch[:LSH_KEYS]:
            self._added_keys[key].append(doc_id)
        self._added_sizes[label] += 1
        if doc_id in self._uncertain:
            self._unsure_labels.add(label)
        return label

    def remove(self, doc_id: str) -> None:
        """``doc_id`` is deleted."""
        self._leave(doc_id, committed=True)

    def _leave(self, doc_id: str, *, committed: bool) -> None:
        added = self._added.pop(doc_id, None)
        if added is not None:
            label, sketch, _ = added
            self._uncertain.add(doc_id)
            self._unsure_labels.add(label)
            self._added_sizes[label] -= 1
            for key in sketch[:LSH_KEYS]:
                holders = self._added_keys[key]
                holders.remove(doc_id)
                if not holders:
                    del self._added_keys[key]
        if committed and doc_id not in self._gone:
            labels = self._gone[doc_id] = self._committed_labels(doc_id)
            self._gone_sizes.update(labels)
            self._gone_committed += bool(labels)
            if labels:
                self._gone_keys.add(text_key(doc_id))

    def _committed_labels(self, doc_id: str) -> tuple[str, ...]:
        """The labels of the live documents of ``doc_id`` in the snapshot."""
        snapshot = self._snapshot
        if not self._frequency("id", doc_id):
            return ()
        found = snapshot.search(SearchRequest(Term("id", doc_id), limit=1, members=False, content=False))
        if found.total > len(found.hits):
            found = snapshot.search(SearchRequest(Term("id", doc_id), limit=found.total, members=False, content=False))
        return tuple(hit.group for hit in found.hits)

    def _committed_size(self, label: str) -> int:
        size = self._committed_sizes.get(label)
        if size is None:
            held = self._frequency(GROUP_FIELD, label)
            size = held if self._exact or not held else live_count(self._snapshot, GROUP_FIELD, label)
            self._committed_sizes[label] = size
        return size

    def size(self, label: str) -> int:
        """The live documents of group ``label`` as this writer leaves it."""
        return self._committed_size(label) - self._gone_sizes[label] + self._added_sizes[label]

    def _best_match(self, sketch: tuple[int, ...]) -> str | None:
        """The label of the most similar document at or above the threshold (see the module for ties)."""
        if not sketch:
            return None
        keys = sketch[:LSH_KEYS]
        looked_up, shared = self._looked_up(keys, dup_keys(keys))
        best: Candidate | None = None
        best_score = self.threshold
        to = similarity_to(sketch, self.threshold)  # only a candidate at or above it counts
        if len(looked_up) >= MIN_SHARED_KEYS:
            for candidate in self._committed_candidates(looked_up):
                score = to(candidate.sketch)
                if score >= best_score and (best is None or score > best_score):
                    best, best_score = candidate, score
        best_label = None if best is None else candidate_label(self._snapshot, best)
        mine = sorted((self._added[doc_id] for doc_id, count in shared.items() if count >= MIN_SHARED_KEYS),
                      key=lambda added: added[2])
        for label, other, _ in mine:
            score = to(other)
            if score >= best_score and (best_label is None or score > best_score):
                best_label, best_score = label, score
        return best_label

    def _looked_up(self, keys: Sequence[int], texts: list[str]) -> tuple[list[str], Counter[str]]:
        """Of a new document's look-up ``keys`` (and their ``texts``), the ones committed documents hold that are
        looked up (boilerplate left out), and this writer's documents with how many of the keys they share."""
        added_keys = self._added_keys
        looked_up: list[str] = []
        shared: Counter[str] = Counter()
        known = self._frequencies
        missing = [(DUP_KEY_FIELD, text) for text in texts if (DUP_KEY_FIELD, text) not in known]
        if missing:
            known = {**known, **dict(zip(missing, doc_frequencies(self._snapshot, missing)))}
        for key, text in zip(keys, texts):
            committed = known[(DUP_KEY_FIELD, text)]  # 0: no committed holder
            held = added_keys.get(key, ())
            if len(held) + committed <= MAX_KEY_HOLDERS:
                if committed:
                    looked_up.append(text)
                if held:
                    shared.update(held)
        return looked_up, shared

    def _committed_candidates(self, looked_up: list[str]) -> list[Candidate]:
        """The :data:`CANDIDATES` committed documents that share the most of the keys ``looked_up`` (ties by
        :func:`text_key` of their ids), leaving out those this writer deletes or replaces."""
        limit = CANDIDATES + self._gone_committed
        read = self._candidates.get(tuple(looked_up))
        if read is not None and (read[0] >= limit or len(read[1]) < read[0]):
            found = read[1]
        else:
            found = candidates_many(self._snapshot, DUP_KEY_FIELD, [looked_up], at_least=MIN_SHARED_KEYS,
                                    limit=limit)[0]
        gone = self._gone_keys
        return [candidate for candidate in found if candidate.key not in gone][:CANDIDATES]

    def _new_label(self, doc_id: str) -> str:
        label, n = doc_id, 1
        while self.size(label) > 0:
            n += 1
            label = f"{doc_id}#{n}"
        return label

    # the counts of groups ------------------------------------------------------------------------------------

    def change(self) -> tuple[GroupCounts, set[str]]:
        """How this writer's changes move the counts of groups, for the labels whose size it knows, and the labels
        it does not (:meth:`unsure_change` tells after the commit).  Called before the commit."""
        before = after = GroupCounts(0, 0)
        labels = set(self._added_sizes) | set(self._gone_sizes)
        for label in labels - self._unsure_labels:
            before += _counted(self._committed_size(label))
            after += _counted(self.size(label))
        for label in self._unsure_labels:
            before += _counted(self._committed_size(label))
        return GroupCounts(after.groups - before.groups, after.documents - before.documents), self._unsure_labels

    @staticmethod
    def unsure_change(snapshot: Snapshot, labels: set[str]) -> GroupCounts:
        """What the groups ``labels`` count in ``snapshot``, the commit's."""
        counted = GroupCounts(0, 0)
        for label in labels:
            counted += _counted(live_count(snapshot, GROUP_FIELD, label))
        return counted


def _counted(size: int) -> GroupCounts:
    return GroupCounts(1, size) if size >= 2 else GroupCounts(0, 0)

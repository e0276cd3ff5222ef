"""Faster Whoosh segment writers: the same segment files as ``whoosh.writing.SegmentWriter``, written with less
Python work per posting.

Whoosh's writer puts every posting into a sorting pool as a ``(field, term, docnum, weight, value)`` tuple,
sorts them all when the segment is flushed, and hands them one at a time to the codec, looking up the document's
field length for each.  A profile of a build puts about half of the time there.  ``FastSegmentWriter`` keeps the
postings of a segment grouped by field and term as they arrive (documents arrive in docnum order, so each list is
already sorted), remembers the field lengths it computed, and at the flush builds each term's posting blocks and
term info itself and adds a field's terms to the terms table in one batch.  The blocks, term infos and
per-document data are the ones Whoosh's writers would write (a test compares them).

A field of exact values (Whoosh's ``Existence`` format: the id, url, path, group, source, date and keyword fields) has
no weights, values or lengths to keep: its postings are kept as a list of document numbers per term, and a term
held by at most :data:`INLINE_LIMIT` documents of the segment gets its postings inlined in its term info (Whoosh's
own inlining, which its default codec leaves off) instead of a posting block of its own.  The keyword fields hold
most of a segment's terms, and most of their terms are held by one or two documents.

Whoosh's own pool is still used when it must be: when the postings held in memory pass ``limitmb`` (they are
moved to the pool, which spills to disk), when segments are merged into this writer, for a document with a boost,
and for schemas with term vectors or spelling fields.
"""

from __future__ import annotations

import gc
import hashlib
import os
import queue
import secrets
import struct
import zlib
from array import array
from collections import defaultdict, deque
from dataclasses import dataclass
from itertools import repeat
from pickle import dumps
from typing import Any

from whoosh import multiproc
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3Segment, W3TermInfo
from whoosh.filedb.filetables import md5_hash
from whoosh.formats import Existence
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util import IDCHARS
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from arsearch.engine.whoosh.schema import ExactValues, term_bytes
from arsearch.processes import CONTEXT, ignore_interrupts, interrupts_held, prepare_workers

#: Smallest posting block (approximate bytes of its values and ids) worth a zlib call: below it, zlib's fixed
#: cost per call (about 20 µs) buys a few bytes at most.  Whoosh means to skip compression under 20 bytes of
#: pickle, but a bug in ``W3PostingsWriter._write_block`` compresses every block.
COMPRESS_MIN_BYTES = int(os.environ.get("ARSEARCH_COMPRESS_MIN", 64))

#: Rough bytes of memory per posting held by FastSegmentWriter (tuple, float, list slot) plus its value bytes.
_POSTING_OVERHEAD = 120
#: Rough bytes of memory per posting of an exact-value field (a list slot: the document number is shared).
_EXACT_POSTING_BYTES = 8
#: Rough bytes of memory per term of an exact-value field held by FastSegmentWriter (its text, list and dict slot).
_EXACT_TERM_OVERHEAD = 180
#: A term of an exact-value field held by at most this many documents of a segment has its postings in its term
#: info.
INLINE_LIMIT = 8


class FreshNamesCodec(W3Codec):
    """Whoosh's codec, naming new segments from the OS's randomness.

    Whoosh names a segment with the ``random`` module, whose state the program may have set: after
    ``random.seed(n)`` two writers (two runs of a script, or two requests of a server under Hypothesis, which
    seeds ``random`` for each example) picked the same name, and the second one truncated the files of the
    first one's committed segment (found by fuzzing the HTTP API: "Unknown file header" on every later search).
    The segment itself keeps a plain :class:`W3Codec`, which is what its TOC entry pickles."""

    def new_segment(self, storage: Any, indexname: str) -> W3Segment:
        segid = "".join(secrets.choice(IDCHARS) for _ in range(16))
        return W3Segment(W3Codec(self._blocklimit, self._compression, self._inlinelimit), indexname, segid=segid)


class FastSegmentWriter(SegmentWriter):
    def __init__(self, ix: Any, **kwargs: Any) -> None:
        kwargs.setdefault("codec", FreshNamesCodec())
        super().__init__(ix, **kwargs)
        schema = self.schema
        self._fast = type(self.codec) is FreshNamesCodec and self.codec._inlinelimit <= 1 and not any(
            schema[name].vector or schema[name].separate_spelling() for name in schema.names())
        #: field -> term (bytes, or str from ``index_text``) -> [(docnum, weight, value bytes), ...] in docnum order;
        #: for the fields of :attr:`_exact`, term (bytes, or str for an :class:`ExactValues` field) -> [docnum, ...]
        self._postings: dict[str, dict[Any, list[Any]]] = {}
        #: The fields of exact values: every posting has weight 1.0 and no value, and the field has no lengths.
        self._exact = frozenset(name for name in schema.names() if _is_exact(schema[name]))
        #: field -> field length of each document of this segment, as the codec will read it back
        self._lengths: dict[str, dict[int, int]] = {}
        self._size = 0
        self._limit = self.pool.limit
        self._gc_paused = False

    def add_document(self, **fields: Any) -> None:
        if self._fast and any(name.endswith("_boost") for name in fields):
            self._to_pool()  # exact-value postings are kept without their weight
        if not self._fast:
            super().add_document(**fields)
            return
        # SegmentWriter.add_document without the pool tuples (and without spelling and vectors, see __init__).
        self._check_state()
        if not self._gc_paused and gc.isenabled():
            # The postings lists held until the flush are long-lived containers: every full collection would walk
            # all of them again (a tenth of the time of adding documents).  Reference counting still frees
            # everything that is not in a cycle; collection resumes when the segment is flushed or cancelled.
            gc.disable()
            self._gc_paused = True
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        size = 0
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if fieldname in self._exact:
                    terms = self._postings.get(fieldname)
                    if terms is None:
                        terms = self._postings[fieldname] = defaultdict(list)
                        self.pool.fieldnames.add(fieldname)
                    texts = field.texts(value) if isinstance(field, ExactValues) \
                        else [tbytes for tbytes, _, _, _ in field.index(value)]
                    known = len(terms)
                    # terms[text].append(docnum) for each text, looped in C
                    deque(map(list.append, map(terms.__getitem__, texts), repeat(docnum)), maxlen=0)
                    size += (len(terms) - known) * _EXACT_TERM_OVERHEAD + len(texts) * _EXACT_POSTING_BYTES
                elif field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    scorable = field.scorable
                    terms = self._postings.get(fieldname)
                    if terms is None:
                        terms = self._postings[fieldname] = {}
                        self.pool.fieldnames.add(fieldname)
                    get = terms.get
                    # str terms hash once (their hash is cached); bytes made per posting would hash every time
                    items = field.index_text(value) if getattr(field, "can_index_text", _no)(value) \
                        else field.index(value)
                    for tbytes, freq, weight, vbytes in items:
                        if scorable:
                            length += freq
                        posting = (docnum, weight * fieldboost, vbytes)
                        found = get(tbytes)
                        if found is None:
                            terms[tbytes] = [posting]
                        else:
                            found.append(posting)
                        size += _POSTING_OVERHEAD + len(vbytes)
                    if length:
                        self._lengths.setdefault(fieldname, {})[docnum] = byte_to_length(length_to_byte(length))
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1
        self._size += size
        if self._size > self._limit:
            self._to_pool()

    def _to_pool(self) -> None:
        """Hand every posting held in memory to Whoosh's pool (which spills to disk) and use it from now on."""
        add = self.pool.add
        for fieldname, terms in self._postings.items():
            exact = fieldname in self._exact
            for term, postings in terms.items():
                tbytes = (term_bytes(term) if exact else term.encode("utf-8")) if isinstance(term, str) else term
                if exact:
                    for docnum in postings:
                        add((fieldname, tbytes, docnum, 1.0, b""))
                    continue
                for docnum, weight, vbytes in postings:
                    add((fieldname, tbytes, docnum, weight, vbytes))
        self._postings = {}
        self._fast = False
        self._resume_gc()

    def _resume_gc(self) -> None:
        if self._gc_paused:
            self._gc_paused = False
            gc.enable()

    def _finish(self) -> None:
        super()._finish()
        self._resume_gc()

    def _flush_segment(self) -> None:
        pool = self.pool
        if not self._fast or pool.current or pool.runs:  # merged segments went into the pool
            self._to_pool()
            super()._flush_segment()
            return
        self.perdocwriter.close()
        fieldwriter = self.fieldwriter
        schema = self.schema
        for fieldname in sorted(self._postings):
            terms = self._postings[fieldname]
            if fieldname in self._exact:
                _write_exact_field(fieldwriter, fieldname, schema[fieldname], terms, self.codec._compression)
                continue
            _write_field(fieldwriter, fieldname, schema[fieldname], terms, self._lengths.get(fieldname, {}),
                         self.codec._compression)
        fieldwriter.close()
        self._postings = {}
        self._resume_gc()


def _no(value: Any) -> bool:
    return False


def _is_exact(field: Any) -> bool:
    """Whether every posting of ``field`` has weight 1.0, no value and no field length."""
    return bool(field.indexed) and type(field.format) is Existence and field.format.field_boost == 1.0 \
        and not field.scorable


#: W3TermInfo of a posting list inlined in it: flags, total weight, documents, min and max length bytes, max
#: weight, first and last document.
_TERM_INFO = W3TermInfo._struct


def _write_exact_field(fieldwriter: Any, fieldname: str, field: Any, terms: dict[Any, list[int]],
                       compression: int) -> None:
    """The terms of an exact-value field and their postings, as Whoosh's W3 field and postings writers write them
    (a posting list of at most :data:`INLINE_LIMIT` documents inlined in its term info, as
    ``W3PostingsWriter.finish_postings`` inlines one), without their work per posting and per term."""
    fieldwriter.start_field(fieldname, field)
    postfile = fieldwriter._postfile
    blocklimit = fieldwriter._codec._blocklimit
    prefix = pack_ushort(fieldwriter._fieldid)
    pack = _TERM_INFO.pack
    entries: list[tuple[bytes, bytes]] = []
    for tbytes, term in sorted((term_bytes(t) if isinstance(t, str) else t, t) for t in terms):
        docnums = terms[term]
        count = len(docnums)
        if count <= INLINE_LIMIT:
            # values None, as a posting block of the field reads them: Whoosh's ListMatcher gives "" for none, which
            # its merging pool refuses
            where = dumps((tuple(docnums), (1.0,) * count, (None,) * count), 2)
        else:
            start = postfile.tell()
            postfile.write(_exact_blocks(docnums, blocklimit, compression))
            where = pack_long(start) + pack_int(postfile.tell() - start)
        entries.append((prefix + tbytes, pack(count <= INLINE_LIMIT, float(count), count, 0, 0, 1.0, docnums[0],
                                              docnums[-1]) + where))
    _add_terms(fieldwriter._tindex, entries)
    fieldwriter.finish_field()


def _exact_blocks(docnums: list[int], blocklimit: int, compression: int) -> bytes:
    """The posting blocks ``W3PostingsWriter`` writes for ``docnums`` of an exact-value field: ids delta-coded, no
    weights (all 1.0) and no values, compressed as :func:`_write_field` decides."""
    chunks = [WHOOSH3_HEADER_MAGIC]
    for start in range(0, len(docnums), blocklimit):
        ids = docnums[start:start + blocklimit]
        data = dumps((tuple(b - a for a, b in zip([0, *ids], ids)), None, None), 2)
        level = compression if 4 * len(ids) >= COMPRESS_MIN_BYTES else 0
        if level:
            data = zlib.compress(data, level)
        info = dumps((len(ids), ids[-1], 1.0, level, 0, 0), 2)
        last = start + blocklimit >= len(docnums)
        chunks += [pack_int(-(len(info) + len(data)) if last else len(info) + len(data)), info, data]
    return b"".join(chunks)


_ENTRY_LENGTHS = struct.Struct("!ii")


def _add_terms(table: Any, entries: list[tuple[bytes, bytes]]) -> None:
    """``OrderedHashWriter.add`` of each (key, value) of ``entries`` (in key order, after the table's last key),
    written at once."""
    if not entries:
        return
    if table.hashfn is not md5_hash or entries[0][0] <= table.lastkey:
        for key, value in entries:  # add raises on a key out of order
            table.add(key, value)
        return
    dbfile = table.dbfile
    position = dbfile.tell()
    index, buckets = table.index, table.buckets
    lengths, md5 = _ENTRY_LENGTHS.pack, hashlib.md5
    chunks = []
    for key, value in entries:
        index.append(position)
        digest = int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")  # md5_hash
        buckets[digest & 255].append((digest, position))
        chunk = lengths(len(key), len(value)) + key + value
        chunks.append(chunk)
        position += len(chunk)
    dbfile.write(b"".join(chunks))
    table.lastkey = entries[-1][0]


def _write_field(fieldwriter: Any, fieldname: str, field: Any, terms: dict[Any, list[tuple[int, float, bytes]]],
                 lengths: dict[int, int], compression: int) -> None:
    """The terms of a field and their posting blocks, as Whoosh's W3 field and postings writers write them
    (``W3PostingsWriter.add_posting`` and ``_write_block`` for each block, ``finish_postings`` and
    ``W3TermInfo.to_bytes`` for each term; the codec inlines no posting list), without their work per posting."""
    fieldwriter.start_field(fieldname, field)
    postfile = fieldwriter._postfile
    position = postfile.tell()
    blocklimit = fieldwriter._codec._blocklimit
    fixed_size = field.format.fixed_value_size()
    prefix = pack_ushort(fieldwriter._fieldid)
    entries: list[tuple[bytes, bytes]] = []
    for tbytes, term in sorted((t.encode("utf-8") if isinstance(t, str) else t, t) for t in terms):
        postings = terms[term]
        chunks = [WHOOSH3_HEADER_MAGIC]
        total_weight, min_length, max_length, max_weight = 0.0, None, 0, 0.0
        for start in range(0, len(postings), blocklimit):
            ids, weights, values = zip(*postings[start:start + blocklimit])
            stored = array("f", weights)
            total_weight += sum(stored)
            values = tuple(value for value in values if value)
            known = [n for n in map(lengths.get, ids) if n]
            if known:
                min_length = min(known) if min_length is None else min(min_length, *known)
                max_length = max(max_length, *known)
            block_max_weight = max(0, max(weights))
            max_weight = max(max_weight, block_max_weight)
            if all(weight == 1.0 for weight in stored):
                mini_weights: Any = None
            elif all(weight == stored[0] for weight in stored):
                mini_weights = stored[0]
            else:
                mini_weights = tuple(stored)
            if fixed_size is None or fixed_size < 0:
                mini_values: Any = values
            else:
                mini_values = None if fixed_size == 0 else b"".join(values)
            data = dumps((tuple(b - a for a, b in zip((0, *ids), ids)), mini_weights, mini_values), 2)
            # blocks whose values are shorter than COMPRESS_MIN_BYTES are stored uncompressed (each block records its
            # own compression level, so readers handle both)
            level = compression if sum(map(len, values)) + 4 * len(ids) >= COMPRESS_MIN_BYTES else 0
            if level:
                data = zlib.compress(data, level)
            info = dumps((len(ids), ids[-1], block_max_weight, level,
                          length_to_byte(min(known) if known else None), length_to_byte(max(known) if known else 0)),
                         2)
            size = len(info) + len(data)
            chunks += [pack_int(-size if start + blocklimit >= len(postings) else size), info, data]
        written = b"".join(chunks)
        postfile.write(written)
        count = len(postings)
        entries.append((prefix + tbytes, _TERM_INFO.pack(
            0, total_weight, count, 0 if min_length is None else length_to_byte(min_length),
            length_to_byte(max_length), max_weight, postings[0][0], postings[-1][0])
            + pack_long(position) + pack_int(len(written))))
        position += len(written)
    _add_terms(fieldwriter._tindex, entries)
    fieldwriter.finish_field()


#: Worker processes start from a fork server, a small process that has imported this module and nothing of the
#: parent's state: forked from the parent instead, each worker carried the parent's whole heap (the id of every
#: document, the near-duplicate sketches, ...), which grows with the index, counted in its RSS and copied page by
#: page as Python touched it (docs/measurements.md, benchmarks/SCALE.md).  :mod:`arsearch.engine.processes`.
_CONTEXT = CONTEXT
#: The name of every worker process: it starts without the parent's ``__main__``.
_WORKER_NAME = "arsearch-segment-writer"  # one of processes.WORKER_NAMES


def _use_fork_server() -> None:
    """Before the first worker starts: the fork server imports this module, and the workers skip ``__main__``."""
    prepare_workers(__name__)


@dataclass(frozen=True)
class _Failure:
    """What a worker process sends its parent instead of its segment when it fails."""

    kind: str
    message: str
    errno: int | None = None
    strerror: str | None = None
    filename: str | None = None

    def error(self) -> Exception:
        if self.errno is not None:
            return OSError(self.errno, self.strerror or self.message, self.filename)
        return RuntimeError(f"an index worker process failed ({self.kind}: {self.message})")


class _SubWriterTask(SubWriterTask):
    """Whoosh's multiprocessing sub-writer, writing its segment with FastSegmentWriter, started by the fork
    server; a failure (a full disk, say) goes to the parent as a :class:`_Failure`, not as a traceback on
    stderr."""

    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        return _CONTEXT.Process._Popen(process_obj)  # type: ignore[attr-defined]

    def run(self) -> None:
        ignore_interrupts()  # a Ctrl-C is the parent's to handle: it stops this process when it cancels
        multiproc.SegmentWriter = FastSegmentWriter  # a name looked up by SubWriterTask.run, in this child only
        try:
            super().run()
        except Exception as exc:
            self.resultqueue.put(_Failure(type(exc).__name__, str(exc), getattr(exc, "errno", None),
                                          getattr(exc, "strerror", None), getattr(exc, "filename", None)), timeout=5)


class FastMpWriter(MpWriter):
    """``MpWriter`` whose worker processes use :class:`FastSegmentWriter`, start from the fork server, and fail the
    writer when one of them does.

    Whoosh's ``MpWriter`` commits without the segment of a worker that died (it waits one second for each result
    and goes on without it: those documents were silently lost), blocks for ever on its job queue once the
    workers are gone, and its ``cancel`` cannot stop them (it sets a flag on its own copy of the process object),
    so the program then hung at exit waiting for them.
    """

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        kwargs.setdefault("codec", FreshNamesCodec())  # for this writer's own segment and its workers'
        super().__init__(ix, **kwargs)
        _use_fork_server()
        # what the workers are given: queues the fork server's children can use (not those of the fork context)
        with interrupts_held():  # may start the resource tracker
            self._jobs, self._results = _CONTEXT.Queue(self.procs * 4), _CONTEXT.Queue()
        self.jobqueue, self.resultqueue = _Jobs(self), _Results(self)  # what MpWriter's own code calls
        #: The segments of the commit once :meth:`prepare_commit` has written them.
        self._final: list[Any] | None = None

    def _new_task(self) -> SubWriterTask:
        task = _SubWriterTask(self.storage, self.indexname, self._jobs, self._results, self.subargs,
                              self.multisegment)
        task.name = _WORKER_NAME
        self.tasks.append(task)
        with interrupts_held():  # the worker (and the fork server, the first time) start with SIGINT blocked
            task.start()
        return task

    def prepare_commit(self, mergetype: Any = None) -> None:
        """Everything ``commit`` does before it publishes the new segments: the workers finish theirs and the
        merges are written.  Interruptible (a Ctrl-C here abandons the commit), unlike the publication."""
        if self._final is not None or not self._added_sub:
            return
        assert self.multisegment, "only the multi-segment commit is split"
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self.jobqueue.put(None)
        final = self._merge_segments(mergetype, None, None)
        for task in self.tasks:
            task.join()
        results = []
        for _ in self.tasks:
            try:
                results.append(self.resultqueue.get(timeout=1))
            except queue.Empty:
                pass
        final += [segment for _, _, segment in results]
        if self._added:
            final.append(self._finalize_segment())
        else:
            self._close_segment()
        self._final = final

    def commit(self, mergetype: Any = None, optimize: Any = None, merge: Any = None) -> None:
        if not self._added_sub or optimize or merge is not None:
            super().commit(mergetype=mergetype, optimize=optimize, merge=merge)
            return
        self.prepare_commit(mergetype)
        assert self._final is not None
        self._commit_toc(self._final)
        self._finish()

    def failure(self) -> Exception | None:
        """The error of a worker that has ended before it was told to finish (so it failed), if any."""
        if not any(task.exitcode is not None for task in self.tasks):
            return None
        try:
            reported = self._results.get(timeout=1)
        except queue.Empty:
            reported = None
        if isinstance(reported, _Failure):
            return reported.error()
        codes = [task.exitcode for task in self.tasks if task.exitcode is not None]
        return RuntimeError(f"an index worker process ended early (exit code {codes[0]})")

    def stop_workers(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
            task.join()

    def cancel(self) -> None:
        self.stop_workers()
        SegmentWriter.cancel(self)


class _Jobs:
    """The job queue as the parent writer sees it: a put that fails when a worker has failed, instead of
    waiting for ever for room."""

    def __init__(self, writer: FastMpWriter) -> None:
        self._writer = writer

    def put(self, job: Any) -> None:
        while True:
            try:
                self._writer._jobs.put(job, timeout=0.5)
                return
            except queue.Full:
                if (failure := self._writer.failure()) is not None:
                    raise failure from None


class _Results:
    """The result queue as the parent writer sees it: a worker's failure, or a missing result, is raised."""

    def __init__(self, writer: FastMpWriter) -> None:
        self._writer = writer

    def get(self, timeout: float) -> Any:
        try:
            result = self._writer._results.get(timeout=timeout)
        except queue.Empty:
            raise self._writer.failure() or RuntimeError("an index worker process sent no segment") from None
        if isinstance(result, _Failure):
            raise result.error()
        return result


def abandon(writer: SegmentWriter) -> None:
    """After a failed commit: stop the worker processes and release Whoosh's write lock, so that the next writer
    of this process can start; the files written are orphans, removed by the next commit."""
    if isinstance(writer, FastMpWriter):
        writer.stop_workers()
    if writer.is_closed:
        return
    try:
        writer._close_segment()
    except Exception:  # closing files on a full disk fails again; the caller raises the first error
        pass
    writer._finish()

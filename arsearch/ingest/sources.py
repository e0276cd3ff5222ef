"""Find input files and read them into ``Document`` records.

``discover`` turns command-line paths into ``SourceFile`` entries; ``read_documents`` turns one
``SourceFile`` into documents. Neither raises for bad input: every problem comes back as a
``Skipped`` item saying where and why.
"""

from __future__ import annotations

import errno
import fnmatch
import gzip
import hashlib
import json
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from arsearch.documents import Document, document_from_record
from arsearch.errors import DocumentError
from arsearch.ingest.cleanup import clean_article

__all__ = ["STREAM_NAME", "SUPPORTED_SUFFIXES", "Skipped", "SourceFile", "decode_text", "discover", "read_documents",
           "read_stream"]

_TEXT_SUFFIXES = (".txt", ".md")
_JSON_SUFFIXES = (".json",)
_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_PLAIN_SUFFIXES = _TEXT_SUFFIXES + _JSON_SUFFIXES + _JSONL_SUFFIXES

SUPPORTED_SUFFIXES: tuple[str, ...] = (
    *_PLAIN_SUFFIXES,
    *(suffix + ".gz" for suffix in _PLAIN_SUFFIXES),
    ".zip",
)

# Read as a module global at call time, so tests can lower it.
MAX_DECOMPRESSED_BYTES = 2 * 1024**3

_CHUNK_BYTES = 1024 * 1024
_BINARY_PROBE_BYTES = 8 * 1024
_TITLE_MAX_CHARS = 120
_MIN_ARABIC_LETTER_SHARE = 0.3
_MAX_CONTROL_CHAR_SHARE = 0.01

_LETTER = re.compile(r"[^\W\d_]")
_ARABIC_LETTER = re.compile(r"(?=[\u0600-\u06FF])[^\W\d_]")
_CONTROL_CHAR = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# str.splitlines() line breaks; \S alone would run a "first line" across them.
_FIRST_LINE = re.compile(r"\S[^\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]*")
#: Where documents read by :func:`read_stream` say they come from.
STREAM_NAME = "stdin"

#: Told how far into a file reading has come, in bytes of the file as stored.
BytesRead = Callable[[int], None]
#: Told how far into one payload reading has come, as a fraction.
_Fraction = Callable[[float], None]


@dataclass(frozen=True)
class SourceFile:
    """One input file found by ``discover``."""

    path: Path
    display: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Skipped:
    """Something that was not indexed: ``where`` names the file (and record), ``reason`` says why."""

    where: str
    reason: str


# --------------------------------------------------------------------------- discovery


def discover(paths: Sequence[str | Path], exclude: Sequence[str] = (),
             not_into: Sequence[str | Path] = ()) -> tuple[list[SourceFile], list[Skipped]]:
    """The supported files under ``paths``, in a stable order, plus what could not be used (a file of an
    unsupported type found in a folder too).  ``exclude``: glob patterns (``*.md``, ``drafts/*``); a file or folder
    whose name or path as shown (from the folder given) matches one is left out, without a word.  ``not_into``:
    folders never walked into (the index's own, when it sits inside a folder given)."""
    walk = _Discovery(exclude=tuple(exclude), not_into=frozenset(os.path.realpath(p) for p in not_into))
    for arg in paths:
        walk.argument(os.fspath(arg))
    return walk.found, walk.skipped


@dataclass
class _Discovery:
    exclude: tuple[str, ...] = ()
    not_into: frozenset[str] = frozenset()
    found: list[SourceFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    _seen_files: set[tuple[int, int]] = field(default_factory=set, init=False)
    _seen_dirs: set[str] = field(default_factory=set, init=False)
    _seen_skips: set[Skipped] = field(default_factory=set, init=False)

    def argument(self, arg: str) -> None:
        if self.exclude and self.excluded(Path(arg).as_posix()):
            return
        path = os.path.abspath(arg)
        info = _stat(path)
        if isinstance(info, str):
            self._skip(arg, info)
        elif stat.S_ISDIR(info.st_mode):
            self._directory(path, os.path.dirname(path), frozenset())
        elif not stat.S_ISREG(info.st_mode):
            self._skip(arg, "not a regular file")
        elif _suffix_of(path) is None:
            self._skip(arg, "unsupported file type")
        else:
            self._file(path, os.path.basename(path), info)

    def _directory(self, path: str, base: str, ancestors: frozenset[str]) -> None:
        real = os.path.realpath(path)
        if real in self.not_into:
            return
        if real in ancestors:
            self._skip(_display(path, base), "symlink loop")
            return
        if real in self._seen_dirs:
            return  # already walked through another argument or link
        self._seen_dirs.add(real)
        entries = _list_directory(path)
        if isinstance(entries, str):
            self._skip(_display(path, base), entries)
            return
        inner = ancestors | {real}
        for name in entries:
            if not name.startswith("."):
                self._child(os.path.join(path, name), base, inner)

    def excluded(self, display: str) -> bool:
        name = display.rsplit("/", 1)[-1]
        return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(display, p) for p in self.exclude)

    def _child(self, path: str, base: str, ancestors: frozenset[str]) -> None:
        if self.exclude and self.excluded(_display(path, base)):
            return
        info = _stat(path)
        if isinstance(info, str):
            self._skip(_display(path, base), info)
        elif stat.S_ISDIR(info.st_mode):
            self._directory(path, base, ancestors)
        elif _suffix_of(path) is None:
            self._skip(_display(path, base), "unsupported file type")
        elif stat.S_ISREG(info.st_mode):
            self._file(path, _display(path, base), info)
        else:
            self._skip(_display(path, base), "not a regular file")

    def _file(self, path: str, display: str, info: os.stat_result) -> None:
        if not os.access(path, os.R_OK):
            self._skip(display, "permission denied")
            return
        key = (info.st_dev, info.st_ino)
        if key in self._seen_files:
            return
        self._seen_files.add(key)
        self.found.append(SourceFile(Path(path), display, info.st_size, info.st_mtime_ns))

    def _skip(self, where: str, reason: str) -> None:
        item = Skipped(where, reason)
        if item not in self._seen_skips:
            self._seen_skips.add(item)
            self.skipped.append(item)


def _stat(path: str) -> os.stat_result | str:
    """``os.stat`` following links, or the reason it failed."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return "broken symlink" if os.path.islink(path) else "does not exist"
    except OSError as exc:
        return _os_error_reason(exc)


def _list_directory(path: str) -> list[str] | str:
    if not os.access(path, os.R_OK | os.X_OK):
        return "permission denied"
    try:
        return sorted(os.listdir(path))
    except OSError as exc:
        return _os_error_reason(exc)


def _display(path: str, base: str) -> str:
    return Path(os.path.relpath(path, base)).as_posix()


def _os_error_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "does not exist"
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    return f"cannot read: {exc.strerror or exc}"


def _suffix_of(name: str) -> str | None:
    """The longest supported suffix ``name`` ends with, ignoring case."""
    lowered = name.lower()
    matches = [suffix for suffix in SUPPORTED_SUFFIXES if lowered.endswith(suffix)]
    return max(matches, key=len) if matches else None


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Unusable:
    """Why a whole file or zip member yields nothing; the caller knows where it is."""

    reason: str


def read_documents(source: SourceFile, on_bytes: BytesRead | None = None) -> Iterator[Document | Skipped]:
    """Every document in ``source``, with a ``Skipped`` for each file or record that can't be used.

    ``on_bytes`` is told before each document how many bytes of the file it and those before it take (by their
    place in the file; a zip member counts its compressed size)."""
    tell = on_bytes or _ignore
    suffix = _suffix_of(source.path.name)
    if suffix is None:
        yield Skipped(source.display, "unsupported file type")
    elif suffix == ".zip":
        yield from _read_zip(source, tell)
    else:
        yield from _read_plain_file(source, suffix, _in_bytes(tell, 0, source.size))


def read_stream(stream: IO[bytes]) -> Iterator[Document | Skipped]:
    """The documents of a byte stream such as standard input: JSON Lines when it starts with ``{``, a JSON array
    when it starts with ``[``, else one plain-text document (its id ``stdin:`` and a hash of its text, so the same
    text read again is the same document)."""
    payload = _payload(stream, "", compressed=False)
    text = _text_of(payload) if isinstance(payload, bytes) else payload
    if isinstance(text, _Unusable):
        yield Skipped(STREAM_NAME, text.reason)
    elif text.lstrip().startswith("{"):
        yield from _jsonl_documents(text, STREAM_NAME, "", _ignore)
    elif text.lstrip().startswith("["):
        yield from _json_documents(text, STREAM_NAME, "", _ignore)
    else:
        content = clean_article(text)
        digest = hashlib.blake2b(content.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
        yield Document(id=f"{STREAM_NAME}:{digest}", content=content, title=_title_of(content))


def _ignore(_: float) -> None:
    pass


def _in_bytes(tell: BytesRead, start: int, size: int) -> _Fraction:
    """A fraction of a payload of ``size`` bytes, told as bytes of its file, ``start`` bytes coming before it."""
    return lambda done: tell(int(start + done * size))


def _read_plain_file(source: SourceFile, suffix: str, at: _Fraction) -> Iterator[Document | Skipped]:
    try:
        with open(source.path, "rb") as raw:
            payload = _payload(raw, suffix, compressed=False)
    except OSError as exc:
        yield Skipped(source.display, _os_error_reason(exc))
        return
    yield from _parse(payload, suffix, source.display, str(source.path), at)


def _read_zip(source: SourceFile, tell: BytesRead) -> Iterator[Document | Skipped]:
    try:
        archive = zipfile.ZipFile(source.path)
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        yield Skipped(source.display, f"corrupt zip file: {exc}")
        return
    except OSError as exc:
        yield Skipped(source.display, _os_error_reason(exc))
        return
    with archive:
        before = 0  # compressed bytes of the members read so far
        for member in sorted(archive.infolist(), key=lambda m: m.filename):
            suffix = _member_suffix(member)
            if suffix is not None:
                yield from _read_zip_member(archive, member, suffix, source,
                                            _in_bytes(tell, before, member.compress_size))
            before += member.compress_size


def _member_suffix(member: zipfile.ZipInfo) -> str | None:
    """The suffix of a member worth reading; None for folders, hidden members and other files."""
    if member.is_dir() or any(part.startswith(".") for part in member.filename.split("/")):
        return None
    suffix = _suffix_of(member.filename)
    return None if suffix == ".zip" else suffix


def _read_zip_member(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, suffix: str, source: SourceFile, at: _Fraction
) -> Iterator[Document | Skipped]:
    display = f"{source.display}/{member.filename}"
    if member.flag_bits & 0x1:
        yield Skipped(display, "encrypted zip member")
        return
    if member.file_size > MAX_DECOMPRESSED_BYTES:  # refused before inflating it; a size that lies is caught below
        yield Skipped(display, "file too large after decompression")
        return
    try:
        with archive.open(member) as raw:
            payload = _payload(raw, suffix, compressed=True)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        yield Skipped(display, f"corrupt zip file: {exc}")
        return
    except NotImplementedError as exc:
        yield Skipped(display, f"unsupported zip compression: {exc}")
        return
    except OSError as exc:
        yield Skipped(display, _os_error_reason(exc))
        return
    yield from _parse(payload, suffix, display, str(source.path), at)


def _payload(raw: IO[bytes], suffix: str, *, compressed: bool) -> bytes | _Unusable:
    """The bytes of one file or zip member, gunzipped when its name ends in ".gz"."""
    if suffix.endswith(".gz"):
        try:
            with gzip.GzipFile(fileobj=raw) as unzipped:
                data = _read_limited(unzipped)
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            return _Unusable(f"corrupt gzip file: {exc}")
        compressed = True
    else:
        data = _read_limited(raw)
    if data is None:
        return _Unusable("file too large after decompression" if compressed else "file too large")
    return data


def _read_limited(stream: IO[bytes] | gzip.GzipFile) -> bytes | None:
    """All of ``stream``, or None once it exceeds ``MAX_DECOMPRESSED_BYTES``."""
    limit = MAX_DECOMPRESSED_BYTES
    chunks: list[bytes] = []
    total = 0
    while chunk := stream.read(_CHUNK_BYTES):
        total += len(chunk)
        if total > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(payload: bytes | _Unusable, suffix: str, display: str, path: str,
           at: _Fraction) -> Iterator[Document | Skipped]:
    if isinstance(payload, _Unusable):
        yield Skipped(display, payload.reason)
        return
    text = _text_of(payload)
    if isinstance(text, _Unusable):
        yield Skipped(display, text.reason)
        return
    kind = suffix.removesuffix(".gz")
    if kind in _TEXT_SUFFIXES:
        content = clean_article(text)
        at(1.0)
        yield Document(id=display, content=content, title=_title_of(content), path=path)
    elif kind in _JSON_SUFFIXES:
        yield from _json_documents(text, display, path, at)
    else:
        yield from _jsonl_documents(text, display, path, at)


def _text_of(data: bytes) -> str | _Unusable:
    if not data or data.isspace():
        return _Unusable("empty file")
    if b"\x00" in data[:_BINARY_PROBE_BYTES]:
        return _Unusable("binary file")
    text = decode_text(data)
    if text is None:
        return _Unusable("not valid UTF-8 or Windows-1256 text")
    if not text or text.isspace():
        return _Unusable("empty file")
    return text


def decode_text(data: bytes) -> str | None:
    """UTF-8 (BOM stripped), else Windows-1256 when that reads as Arabic text, else None."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1256")  # every byte is mapped, so this cannot fail
    return text if _looks_arabic(text) else None


def _looks_arabic(text: str) -> bool:
    # Random bytes decode to ~40% Arabic letters in cp1256 too, but also to many control characters.
    if len(_CONTROL_CHAR.findall(text)) > _MAX_CONTROL_CHAR_SHARE * len(text):
        return False
    letters = len(_LETTER.findall(text))
    return letters > 0 and len(_ARABIC_LETTER.findall(text)) >= _MIN_ARABIC_LETTER_SHARE * letters


def _title_of(text: str) -> str:
    match = _FIRST_LINE.search(text)
    return _shorten(match.group().strip()) if match else ""


def _shorten(line: str) -> str:
    """``line`` if it fits in the title limit, else cut at a word boundary and ended with "…"."""
    if len(line) <= _TITLE_MAX_CHARS:
        return line
    room = _TITLE_MAX_CHARS - 1  # leave space for the ellipsis
    cut = next((i for i in range(room, 0, -1) if line[i].isspace()), room)
    return line[:cut].rstrip() + "…"


# --------------------------------------------------------------------------- JSON records


def _json_documents(text: str, display: str, path: str, at: _Fraction) -> Iterator[Document | Skipped]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Skipped(display, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")
        return
    except (ValueError, RecursionError) as exc:
        yield Skipped(display, f"invalid JSON: {exc}")
        return
    if isinstance(data, dict):
        data = [data]
    elif not isinstance(data, list):
        yield Skipped(display, "JSON is neither an object nor an array of objects")
        return
    records: Iterable[tuple[int, Any]] = enumerate(data, start=1)
    produced = False
    for n, record in records:
        produced = True
        at(n / len(data))
        yield _record_document(record, f"{display}#{n}", f"{display}#{n}", path)
    if not produced:
        yield Skipped(display, "no records")


def _jsonl_documents(text: str, display: str, path: str, at: _Fraction) -> Iterator[Document | Skipped]:
    end = 0  # characters of text up to the end of this line
    # Split on "\n" only: JSON strings may hold a raw U+2028, which splitlines() would break on.
    for lineno, line in enumerate(text.split("\n"), start=1):
        end += len(line) + 1
        at(min(1.0, end / len(text)))
        if not line.strip():
            continue
        where = f"{display}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(where, f"invalid JSON at column {exc.colno}: {exc.msg}")
            continue
        except (ValueError, RecursionError) as exc:
            yield Skipped(where, f"invalid JSON: {exc}")
            continue
        yield _record_document(record, where, f"{display}#{lineno}", path)


def _record_document(record: object, where: str, default_id: str, path: str) -> Document | Skipped:
    try:
        return document_from_record(record, default_id=default_id, path=path, unreadable_dates=True)
    except DocumentError as exc:
        return Skipped(where, str(exc))

"""Every error arsearch raises on purpose, with the facts an interface needs to say what to do about it.

The messages state what is wrong; the interfaces add how to fix it in their own terms (the CLI names its options
and picks the exit code, the HTTP API the status).
"""

from __future__ import annotations


class ArsearchError(Exception):
    """Base class."""


class IndexNotFoundError(ArsearchError):
    """The folder does not exist or holds no arsearch index (``path``); ``is_file``: it is a file."""

    def __init__(self, message: str, *, path: str = "", missing: bool = False, is_file: bool = False) -> None:
        super().__init__(message)
        self.path = path
        #: Nothing is there at all (an index can be created there).
        self.missing = missing
        self.is_file = is_file


class IndexFormatError(ArsearchError):
    """The index was written by another arsearch format or other analyzer settings, or is damaged;
    ``rebuild``: building it again from its files mends it; ``upgrade``: a newer arsearch reads it."""

    def __init__(self, message: str, *, rebuild: bool = False, upgrade: bool = False) -> None:
        super().__init__(message)
        self.rebuild = rebuild
        self.upgrade = upgrade


class EngineUnavailableError(IndexFormatError):
    """The index's engine cannot be loaded here (an optional extra that is not installed)."""


class EngineConnectionError(ArsearchError):
    """The server an index lives on (an OpenSearch cluster) cannot be used: it cannot be reached, it refused the
    credentials (``auth``), or it is not configured (``setting``: which setting is missing or wrong)."""

    def __init__(self, message: str, *, auth: bool = False, setting: str = "") -> None:
        super().__init__(message)
        self.auth = auth
        self.setting = setting


class IndexLockedError(ArsearchError):
    """Another process is writing to the index; ``waited``: the seconds this one waited for it."""

    def __init__(self, message: str, *, waited: float = 0.0) -> None:
        super().__init__(message)
        self.waited = waited


class QueryError(ArsearchError):
    """The query cannot be understood (unknown field, nothing to search for, bad date)."""


class InputError(ArsearchError):
    """Nothing usable could be read from the paths given to index."""


class DocumentError(ArsearchError, ValueError):
    """A record cannot be made a document (no content, no id, a date that is no date); the message says why, in
    the words a skipped file's record is listed with.  A ValueError too, as it was before it had its own class."""



class Interrupted(ArsearchError):
    """Ctrl-C while indexing; the message says what was committed and what was discarded."""


class DocumentNotFoundError(QueryError):
    """No document has the id given (``similar``)."""


class IndexWriteError(ArsearchError):
    """The index folder could not be written (a full disk, say): the batch being written was discarded, earlier
    commits are kept; the message says how many."""

"""Every error arsearch raises on purpose. The CLI turns each into a one-line message and an exit code."""

from __future__ import annotations


class ArsearchError(Exception):
    """Base class; ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class IndexNotFoundError(ArsearchError):
    """The folder does not exist or holds no arsearch index."""

    exit_code = 3


class IndexFormatError(ArsearchError):
    """The index was written by another arsearch format or other analyzer settings."""

    exit_code = 4


class IndexLockedError(ArsearchError):
    """Another process is writing to the index."""

    exit_code = 5


class QueryError(ArsearchError):
    """The query cannot be understood (unknown field, nothing to search for, bad date)."""

    exit_code = 2


class InputError(ArsearchError):
    """Nothing usable could be read from the paths given to ``arsearch index``."""

    exit_code = 6


class Interrupted(ArsearchError):
    """Ctrl-C during ``arsearch index``; the message says what was committed and what was discarded."""

    exit_code = 130


class DocumentNotFoundError(QueryError):
    """No document has the id given (``arsearch similar``)."""

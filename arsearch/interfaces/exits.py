"""What the command line makes of an error: its exit code (one table) and what to do about it, in the command
line's terms (the library's messages say only what is wrong)."""

from __future__ import annotations

from pathlib import Path

from arsearch.errors import (ArsearchError, DocumentNotFoundError, EngineUnavailableError, IndexFormatError,
                             IndexLockedError, IndexNotFoundError, InputError, Interrupted, QueryError)

#: Exit codes by error class (the README's "Exit codes" table): the first class in an error's MRO that is here.
EXIT_CODES: dict[type[BaseException], int] = {
    IndexNotFoundError: 3, EngineUnavailableError: 7, IndexFormatError: 4, IndexLockedError: 5,
    DocumentNotFoundError: 2, QueryError: 2, InputError: 6, Interrupted: 130, ArsearchError: 1,
}
#: A usage error (an unknown option, a value out of range, options that do not go together).
USAGE = 2
#: A bug: an exception arsearch did not raise on purpose.
INTERNAL = 70
#: Ctrl-C.
INTERRUPTED = 130


def exit_code(exc: BaseException) -> int:
    return next((EXIT_CODES[cls] for cls in type(exc).__mro__ if cls in EXIT_CODES), INTERNAL)


def hint(exc: ArsearchError) -> str:
    """What to do about ``exc``, in this command line's terms, to follow its message ("" when nothing)."""
    if isinstance(exc, IndexNotFoundError):
        if exc.is_file:
            return ": give a folder with --index"
        return f": create one with `arsearch index PATH --index {exc.path}`" if exc.missing else ""
    if isinstance(exc, EngineUnavailableError):
        return f": {install_hint('fast')}"
    if isinstance(exc, IndexFormatError):
        if exc.upgrade:
            return ": upgrade arsearch"
        return ": rebuild it with `arsearch index --rebuild`" if exc.rebuild else ""
    if isinstance(exc, IndexLockedError):
        return ": try again later, or use --wait SECONDS to wait " + ("longer" if exc.waited else "for it")
    return ""


def install_hint(extra: str) -> str:
    """How to install the optional dependencies ``extra`` of this arsearch, as it was installed: from a checkout
    (``pip install -e '/path/to/checkout[fast]'``, which the checkout's pyproject.toml makes work), or as a package
    (the extra's own requirements, which pip installs beside it whatever index it came from)."""
    checkout = source_checkout()
    if checkout is not None:
        return f"pip install '{'.' if Path.cwd().resolve() == checkout else checkout}[{extra}]'"
    requirements = _extra_requirements(extra)
    if requirements:
        return "pip install " + " ".join(f"'{r}'" for r in requirements)
    return f"pip install 'arsearch[{extra}]'"


def source_checkout() -> Path | None:
    """The checkout this arsearch runs from (an editable install, or ``PYTHONPATH``), None for an installed one."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() and (root / "arsearch").is_dir() else None


def _extra_requirements(extra: str) -> list[str]:
    from importlib.metadata import PackageNotFoundError, requires

    try:
        declared = requires("arsearch") or []
    except PackageNotFoundError:
        return []
    marker = f'extra == "{extra}"'
    return [r.split(";")[0].strip() for r in declared if marker in r.replace("'", '"')]

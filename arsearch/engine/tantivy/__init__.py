"""The tantivy engine (the ``tantivy`` bindings on PyPI, the ``fast`` extra): the only package that imports
``tantivy``.  arsearch's analyzer still makes every term: documents reach tantivy as pre-tokenized text, so the
terms, positions and stopwords are those of the Whoosh engine."""

from __future__ import annotations

try:
    import tantivy
except ImportError as exc:  # the optional extra is not installed
    raise ImportError("arsearch's tantivy engine needs the tantivy package (the fast extra)") from exc

#: The tantivy-py release series this package was checked against (the index format and the JSON of pre-tokenized
#: text it relies on); ``pyproject.toml`` asks for the same range.
TANTIVY_VERSIONS = ("0.27",)


def check_version(found: str) -> None:
    """ImportError unless ``found`` (``tantivy.__version__``, "tantivy v0.27.0, index_format v7") is one of
    :data:`TANTIVY_VERSIONS`."""
    release = found.split(",")[0].removeprefix("tantivy").strip().removeprefix("v")
    if ".".join(release.split(".")[:2]) not in TANTIVY_VERSIONS:
        raise ImportError(f"arsearch's tantivy engine needs tantivy {' or '.join(TANTIVY_VERSIONS)}, found "
                          f"{release or 'an unknown release'} (the fast extra installs it)")


check_version(str(getattr(tantivy, "__version__", "")))

from arsearch.engine.tantivy.engine import TantivyKind  # noqa: E402  (after the check)

KIND = TantivyKind()

__all__ = ["KIND", "TANTIVY_VERSIONS", "check_version"]

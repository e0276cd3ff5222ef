"""The ``arsearch`` command line: a thin layer over the library that talks to the terminal."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Optional, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from arsearch.analysis import STEMMERS, Analyzer, AnalyzerSettings
from arsearch.engine import ENGINES, REMOTE_ENGINES, place_index
from arsearch.engine.api import LEAD_WORDS
from arsearch.errors import (ArsearchError, DocumentNotFoundError, IndexFormatError, IndexLockedError,
                             IndexNotFoundError, InputError, Interrupted, QueryError)
from arsearch.index import Index
from arsearch.interfaces.dates import parse_date
from arsearch.interfaces.terminal import Renderer, use_visual_order
from arsearch.search import DEFAULT_RANKING, Facets, Ranking, SearchResults, search, similar
from arsearch.search.facets import source_names
from arsearch.search.ordering import check_sort
from arsearch.version import VERSION

if TYPE_CHECKING:  # imported where used: `arsearch query` starts faster without them
    from rich.progress import Progress

    from arsearch.ingest.run import IngestReport, Progress as IngestProgress



def _what_it_takes(param: Any, ctx: Any) -> str | None:
    """The help's type column: an option's metavar, nothing for flags and arguments (whose name is the metavar)."""
    return None if param.param_type_name == "argument" or getattr(param, "is_flag", False) else param.metavar


class _HelpWithoutTypeLabels:
    """Help without Typer's type labels ("<list[str]>", "<bool>"): each option's metavar says what it takes."""

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            param.display_type_rich = functools.partial(_what_it_takes, param)
        return params


class _PlainValuesFirst:
    """Options parsed as :func:`_plain_values_without_pydantic` says."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _plain_values_without_pydantic(self.get_params(ctx))  # type: ignore[attr-defined]
        return super().parse_args(ctx, args)  # type: ignore[misc,no-any-return]


class HelpGroup(_PlainValuesFirst, _HelpWithoutTypeLabels, typer.core.TyperGroup):
    pass


class HelpCommand(_PlainValuesFirst, _HelpWithoutTypeLabels, typer.core.TyperCommand):
    pass


def _plain_values_without_pydantic(params: list[Any]) -> None:
    """Typer (0.29) builds a pydantic validator for every option it parses, and importing pydantic took a fifth
    of ``arsearch query``'s start-up (80 ms of 370): values that need no conversion (text as text, a number
    default as it is, a folder name as a Path) are given to the command as Typer would give them, without it; any
    other value goes to Typer's own validation (so its errors are Typer's)."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param
    except ImportError:  # another Typer: nothing to spare
        return

    class PlainValues(RuntimeParam):
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            plain = _plain_value(self.annotation, self.parameter_info, value, param, ctx)
            if plain is not None:
                return plain[0]
            typer_own = param._arsearch_typer_param
            if typer_own is None:
                typer_own = param._arsearch_typer_param = build_runtime_param(param.type_descriptor)
            return typer_own._coerce_value(value, param=param, ctx=ctx)

    for param in params:
        if getattr(param, "_runtime_param", False) is None and hasattr(param, "type_descriptor"):
            try:
                plain = PlainValues(parameter_info=param.type_descriptor.parameter_info,
                                    annotation=param.type_descriptor.annotation)
            except (TypeError, AttributeError):  # a Typer whose coercion is built otherwise: leave it to Typer
                return
            param._arsearch_typer_param = None
            param._runtime_param = plain


def _plain_value(annotation: Any, info: Any, value: Any, param: Any = None, ctx: Any = None) -> tuple[Any] | None:
    """``(what Typer makes of value,)`` when that is plain to see, else None (a folder's checks are Typer's own,
    with their errors)."""
    if getattr(info, "parser", None) is not None or getattr(info, "click_type", None) is not None:
        return None
    if annotation is str and type(value) is str:
        return (value,)
    if annotation in (int, float) and type(value) is annotation and not getattr(info, "clamp", False):
        low, high = getattr(info, "min", None), getattr(info, "max", None)
        if (low is None or value >= low) and (high is None or value <= high):
            return (value,)
        return None
    if annotation is Path and type(value) is str and value and "\0" not in value:
        from typer._param_types import coerce_cli_path

        return (coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx),)
    return None


app = typer.Typer(cls=HelpGroup, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Full-text search for Arabic news.")


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Rich exits with code 1 here; the closed pipe goes to :func:`fail_cleanly` instead, which exits 0."""
        self.quiet = True
        raise BrokenPipeError


out = _Console(highlight=False, soft_wrap=True, markup=False)
err = _Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_INDEX_DIR = "index"
INDEX_ENV_VAR = "ARSEARCH_INDEX"
#: Exit codes by error class (the README's "Exit codes" table); the first class in an error's MRO that is here.
EXIT_CODES: dict[type[ArsearchError], int] = {
    IndexNotFoundError: 3, IndexFormatError: 4, IndexLockedError: 5, DocumentNotFoundError: 2, QueryError: 2,
    InputError: 6, Interrupted: 130, ArsearchError: 1,
}

# Help text is not Rich markup (a "[default: ...]" in it would vanish); a default that is not a plain value is
# given as show_default. Every option has a metavar (flags an empty one): Typer's labels read "<list[str]>".
IndexOption = typer.Option(None, "--index", "-i", envvar=INDEX_ENV_VAR, show_envvar=True, metavar="FOLDER",
                           show_default="index/ in the current folder", help="Index folder.")
JsonOption = typer.Option(False, "--json", metavar="",
                          help="Machine-readable JSON output (errors as JSON on stderr).")
BidiOption = typer.Option("auto", "--bidi", envvar="ARSEARCH_BIDI", metavar="MODE",
                          help="Reorder Arabic for terminals without bidi support: auto, on or off.")
AllOption = typer.Option(False, "--all", metavar="", help="Show every copy of a story (without it: one hit per "
                         "group of near-duplicates, with '+N similar from: ...').")
LimitOption = typer.Option(10, "--limit", "-n", min=1, max=10_000, metavar="N", help="Number of hits.")
OffsetOption = typer.Option(0, "--offset", min=0, metavar="N", help="Skip this many hits (paging).")
EnvelopeOption = typer.Option(False, "--envelope", metavar="", help="With --json: one JSON object (query, total, "
                              "hits, elapsed_ms, suggestion, facets) instead of the array of hits.")
_SKIPS_SHOWN = 20


def _show_version(value: bool) -> None:
    if value:
        out.print(f"arsearch {VERSION}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(False, "--version", metavar="", is_eager=True, callback=_show_version,
                                 help="Print arsearch's version and exit."),
) -> None:
    """Full-text search for Arabic news."""


def fail_cleanly(command: F) -> F:
    """Turn arsearch errors, OS errors and Ctrl-C into a one-line message and an exit code, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("as_json"))
        try:
            return command(*args, **kwargs)
        except ArsearchError as exc:
            _error(str(exc) + _hint(exc), exit_code(exc), as_json)
        except BrokenPipeError:
            _reader_gone()
        except OSError as exc:
            _error(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc), 1, as_json)
        except KeyboardInterrupt:
            _error("interrupted: batches already committed are kept; run the command again to finish", 130,
                   as_json)
        except Exception as exc:  # a bug: still one line, unless ARSEARCH_DEBUG asks for the traceback
            if os.environ.get("ARSEARCH_DEBUG"):
                raise
            _error(f"internal error ({type(exc).__name__}: {exc}); rerun with ARSEARCH_DEBUG=1 for details",
                   70, as_json)

    return wrapper  # type: ignore[return-value]


def _reader_gone() -> NoReturn:
    """Whoever read our output has closed the pipe (``arsearch query … | head``): stop quietly with exit code 0,
    as ``cat`` and sqlite-utils do."""
    try:  # the interpreter flushes stdout at exit: point it at /dev/null so that flush cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (tests capture stdout)
        pass
    raise typer.Exit(0)


def exit_code(exc: ArsearchError) -> int:
    return next(EXIT_CODES[cls] for cls in type(exc).__mro__ if cls in EXIT_CODES)


def _hint(exc: ArsearchError) -> str:
    """What to do about ``exc``, in this command line's terms (the library states only what is wrong)."""
    if isinstance(exc, IndexNotFoundError):
        if exc.is_file:
            return ": give a folder with --index"
        return f": create one with `arsearch index PATH --index {exc.path}`" if exc.missing else ""
    if isinstance(exc, IndexFormatError):
        if exc.upgrade:
            return ": upgrade arsearch"
        return ": rebuild it with `arsearch index --rebuild`" if exc.rebuild else ""
    if isinstance(exc, IndexLockedError):
        return ": try again later, or use --wait SECONDS to wait " + ("longer" if exc.waited else "for it")
    return ""


def default_index_path() -> Path:
    """``$ARSEARCH_INDEX`` if set, else ``index/`` in the current folder."""
    return Path(os.environ.get(INDEX_ENV_VAR) or DEFAULT_INDEX_DIR)


def _error(message: str, code: int, as_json: bool) -> None:
    _print_error(message, code, as_json)
    raise typer.Exit(code)


def _print_error(message: str, code: int, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"error": message, "exit_code": code}, ensure_ascii=False), file=sys.stderr)
    else:
        err.print(Text.assemble(("error:", "bold red"), " ", message))


def _check_bidi(bidi: str) -> None:
    if bidi not in ("auto", "on", "off"):
        raise QueryError(f"unknown --bidi mode {bidi!r}: use auto, on or off")


def _index_path(index: Optional[Path]) -> Path:
    return index if index is not None else default_index_path()


@app.command("index", cls=HelpCommand)
@fail_cleanly
def index_command(
    paths: list[Path] = typer.Argument(..., metavar="PATHS",
                                       help="Files or folders: .txt .md .json .jsonl .ndjson, .gz, .zip; - reads "
                                            "standard input (JSON Lines, or plain text as one document)."),
    index: Optional[Path] = IndexOption,
    stemmer: Optional[str] = typer.Option(None, "--stemmer", metavar="NAME", show_default="light",
                                          help="light or none; fixed when the index is created."),
    engine: Optional[str] = typer.Option(None, "--engine", envvar="ARSEARCH_ENGINE", metavar="NAME",
                                         show_default="whoosh",
                                         help="whoosh, tantivy (needs the fast extra) or opensearch (needs the "
                                              "opensearch extra and a cluster); fixed when the index is created."),
    opensearch_url: Optional[str] = typer.Option(None, "--opensearch-url", envvar="ARSEARCH_OPENSEARCH_URL",
                                                 metavar="URL", help="With --engine opensearch: the cluster a new "
                                                 "index goes to (credentials only from the environment)."),
    opensearch_index: Optional[str] = typer.Option(None, "--opensearch-index", envvar="ARSEARCH_OPENSEARCH_INDEX",
                                                   metavar="NAME", show_default="from the folder's name",
                                                   help="With --engine opensearch: the name of a new index."),
    shards: Optional[int] = typer.Option(None, "--shards", min=1, metavar="N", show_default="the cluster's",
                                         help="With --engine opensearch: primary shards of a new index."),
    replicas: Optional[int] = typer.Option(None, "--replicas", min=0, metavar="N", show_default="the cluster's",
                                           help="With --engine opensearch: replicas of each shard of a new index."),
    rebuild: bool = typer.Option(False, "--rebuild", metavar="",
                                 help="Delete the index and build it again from PATHS."),
    batch_size: int = typer.Option(5000, "--batch-size", min=1, metavar="N", help="Documents per commit."),
    wait: float = typer.Option(0.0, "--wait", min=0.0, metavar="SECONDS", show_default="fail at once, exit code 5",
                               help="If another process is updating the index, wait up to SECONDS for it."),
    procs: int = typer.Option(0, "--procs", min=0, metavar="N", show_default="one per CPU core",
                              help="Worker processes for large batches."),
    no_fsync: bool = typer.Option(False, "--no-fsync", metavar="",
                                  help="Do not fsync commits: a faster bulk load, but a power loss or an OS crash "
                                       "may damage the last commits (run it again with --rebuild)."),
    as_json: bool = JsonOption,
) -> None:
    """Index files and folders; run again to pick up changed, new and deleted files."""
    from arsearch.ingest import index_paths

    if stemmer is not None and stemmer not in STEMMERS:
        raise QueryError(f"unknown stemmer {stemmer!r}: use light or none")
    if engine is not None and engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r}: use {' or '.join(ENGINES)}")
    path = _index_path(index)
    settings = AnalyzerSettings(stemmer=stemmer) if stemmer else None
    if engine in REMOTE_ENGINES and (rebuild or not Index.exists(path)):
        place_index(path, engine, url=opensearch_url, index=opensearch_index, shards=shards, replicas=replicas)
    if rebuild:
        ix = Index.create(path, settings or AnalyzerSettings(), overwrite=True, wait=wait, engine=engine)
    else:
        ix = Index.open_or_create(path, settings, wait=wait, engine=engine)
    files = [str(p) for p in paths if str(p) != "-"]
    stdin = sys.stdin.buffer if len(files) < len(paths) else None
    with ix, _progress(as_json) as progress:
        task = progress.add_task("indexing", total=None, docs=0, rate=0.0)

        def update(p: IngestProgress) -> None:
            elapsed = progress.tasks[0].elapsed or 1e-9
            progress.update(task, description=p.phase, total=p.bytes_total or None, completed=p.bytes_done,
                            docs=p.documents, rate=p.documents / elapsed)

        report = index_paths(ix, files, batch_size=batch_size, procs=procs or os.cpu_count() or 1,
                             progress=update, wait=wait, stream=stdin,
                             durable=not no_fsync)
    _print_report(report, path, as_json)
    if report.indexed == 0 and report.removed == 0:
        reason = report.skipped[0].reason if report.skipped else "no supported files found"
        raise InputError(f"nothing could be indexed from {' '.join(map(str, paths))} ({reason})")


def _progress(as_json: bool) -> Progress:
    """A bar over the bytes of the input (the documents written so far take), documents/s and the time left; not
    for --json nor when stderr is not a terminal."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[docs]} docs"),
        TextColumn("{task.fields[rate]:.0f} docs/s"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
        console=err, transient=True, disable=as_json or not err.is_terminal,
    )


def _print_report(report: IngestReport, path: Path, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"index": str(path), **report.to_dict()}, ensure_ascii=False))
        return
    rate = report.indexed / report.seconds if report.seconds else 0.0
    out.print(f"{path}: {report.files} files in {report.seconds:.1f} s ({rate:.0f} docs/s): "
              f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
              f"{report.removed} removed, {len(report.skipped)} skipped")
    for s in report.skipped[:_SKIPS_SHOWN]:
        out.print(f"  skipped {s.where}: {s.reason}")
    if len(report.skipped) > _SKIPS_SHOWN:
        out.print(f"  … and {len(report.skipped) - _SKIPS_SHOWN} more skipped (see --json)")
    if report.duplicate_ids:
        out.print(f"  {len(report.duplicate_ids)} duplicate ids in this run (the last copy wins), e.g. "
                  f"{report.duplicate_ids[0]}")


@app.command("query", cls=HelpCommand)
@fail_cleanly
def query_command(
    text: Optional[str] = typer.Argument(None, metavar="QUERY", help='The query: words, "exact phrase", -excluded, '
                                         "OR, title:…, source:…"),
    index: Optional[Path] = IndexOption,
    limit: int = LimitOption,
    offset: int = OffsetOption,
    since: Optional[str] = typer.Option(None, "--since", metavar="DATE",
                                        help="Only documents dated on or after (YYYY-MM-DD, YYYY-MM or YYYY)."),
    until: Optional[str] = typer.Option(None, "--until", metavar="DATE",
                                        help="Only documents dated on or before (YYYY-MM-DD, YYYY-MM or YYYY)."),
    source: Optional[list[str]] = typer.Option(None, "--source", metavar="NAME", help="Only documents of this "
                                               "source (repeat for any of several; case-insensitive)."),
    sort: str = typer.Option("relevance", "--sort", metavar="ORDER", help="relevance, date (newest first) or "
                             "recency (relevance with a recency boost)."),
    facets: bool = typer.Option(False, "--facets", metavar="", help="Also count all matches per source, month and "
                                "day (with --json: implies --envelope)."),
    batch: Optional[Path] = typer.Option(None, "--batch", metavar="FILE",
                                         help="File of 'qid<TAB>query' lines: print a TREC run."),
    as_json: bool = JsonOption,
    envelope: bool = EnvelopeOption,
    bidi: str = BidiOption,
    show_all: bool = AllOption,
) -> None:
    """Search the index; prints ranked hits with highlighted snippets of the original text."""
    since_date, until_date = parse_date(since, "--since"), parse_date(until, "--until", end=True)
    order = check_sort(sort)
    _check_bidi(bidi)
    with Index.open(_index_path(index)) as ix:
        if batch is not None:
            if facets:
                raise QueryError("--facets does not apply to --batch (a TREC run has no place for them)")
            if source:  # refused once here, not per line (a query that cannot run is skipped)
                source_names(ix.snapshot(), source)
            _run_batch(ix, batch, limit, since_date, until_date, sources=source, sort=order)
            return
        if text is None or not text.strip():
            raise QueryError("empty query: give some words to search for")
        results = search(ix, text, limit=limit, offset=offset, since=since_date, until=until_date, sources=source,
                         sort=order, facets=facets, collapse=not show_all)
    # the array of hits has no place for facets: --facets makes it the envelope
    _show_results(results, as_json, envelope or facets, bidi, collapsed=not show_all)


def _show_results(results: SearchResults, as_json: bool, envelope: bool, bidi: str, collapsed: bool,
                  what: str = "for") -> None:
    if as_json:
        shape: Any = results.to_dict() if envelope else [h.to_dict() for h in results.hits]
        print(json.dumps(shape, ensure_ascii=False, indent=2))
    else:
        _print_results(results, Renderer(out, use_visual_order(bidi, out)), collapsed, what)  # type: ignore[arg-type]
        if results.facets is not None:
            _print_facets(results.facets)


def _run_batch(ix: Index, batch: Path, limit: int, since: date | None, until: date | None,
               ranking: Ranking = DEFAULT_RANKING, **narrowing: Any) -> None:
    try:
        lines = batch.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise QueryError(f"{batch} is not UTF-8 text (byte {exc.start}): save it as UTF-8") from None
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        qid, sep, text = line.partition("\t")
        if not sep:
            raise QueryError(f"{batch}:{lineno}: expected 'qid<TAB>query'")
        try:
            results = search(ix, text, limit=limit, since=since, until=until, ranking=ranking, snippet_width=0,
                             suggest=False, collapse=False, **narrowing)  # a run ranks documents, copies included
        except QueryError:
            continue
        for hit in results.hits:
            sys.stdout.write(f"{qid} Q0 {hit.id} {hit.rank} {hit.score:.4f} arsearch\n")


def _print_results(results: SearchResults, render: Renderer, collapsed: bool = True, what: str = "for") -> None:
    for hit in results.hits:
        render.block([(f"{hit.rank:>2}. ", "bold")] + [(p, "bold yellow" if m else "bold")
                                                      for p, m in hit.title.segments()])
        meta = " · ".join(x for x in (hit.source, hit.date.date().isoformat() if hit.date else "",
                                      f"score {hit.score:.2f}", hit.id) if x)
        render.block([(meta, "dim")], indent=4)
        render.snippet(hit.snippet, indent=4)
        if collapsed and hit.duplicates:
            sources = ", ".join(dict.fromkeys(d.source or d.id for d in hit.duplicates))
            render.block([(f"+{len(hit.duplicates)} similar from: {sources}", "dim")], indent=4)
        out.print()
    shown = f" (showing {results.hits[0].rank}–{results.hits[-1].rank})" if results.hits else ""
    # ranks count stories, the total counts articles: say so when copies were folded into a hit
    folded = "; copies folded into their story, --all lists them" \
        if collapsed and any(hit.duplicates for hit in results.hits) else ""
    render.block([(f"{results.total} hits{shown} {what} ", "dim"), (results.query, None),
                  (f" in {results.elapsed_ms:.1f} ms{folded}", "dim")])
    if results.suggestion is not None:
        fixed = results.suggestion
        render.block([("Did you mean: ", "bold")] + [(p, "bold yellow" if m else None)
                                                     for p, m in fixed.marked.segments()]
                     + [("?", "bold"), (f" ({fixed.total} hits)", "dim")])
    if results.partial:
        render.block([("Partial answer", "bold"), (f" (the search reached its budget): {'; '.join(results.cuts)}",
                                                   "dim")])


#: Facet values shown per line of ``query --facets`` (all of them are in ``--json``).
_FACETS_SHOWN = {"source": 8, "month": 12, "day": 10}


def _print_facets(facets: Facets) -> None:
    """One line per facet: the sources with most matches, the months in order, the days with most matches."""
    out.print()
    for name, counts in (("source", facets.source), ("month", facets.month), ("day", facets.day)):
        ranked = counts if name != "day" else sorted(counts, key=lambda c: (c.value is None, -c.count))
        shown = ranked[:_FACETS_SHOWN[name]]
        more = f" (+{len(counts) - len(shown)} more)" if len(counts) > len(shown) else ""
        values = " · ".join(f"{c.value or '(none)'} {c.count:,}" for c in shown)
        out.print(Text.assemble((f"{name:>6}  ", "dim"), values or "–", (more, "dim")))


@app.command("similar", cls=HelpCommand)
@fail_cleanly
def similar_command(
    doc_id: str = typer.Argument(..., metavar="DOC_ID",
                                 help="The id of a document in the index (as `query --json` shows it)."),
    index: Optional[Path] = IndexOption,
    limit: int = LimitOption,
    offset: int = OffsetOption,
    include_duplicates: bool = typer.Option(False, "--include-duplicates", metavar="",
                                            help="Also list the document's own near-duplicates."),
    as_json: bool = JsonOption,
    envelope: bool = EnvelopeOption,
    bidi: str = BidiOption,
    show_all: bool = AllOption,
) -> None:
    """Related stories: documents that share the most telling words of DOC_ID (more-like-this)."""
    _check_bidi(bidi)
    with Index.open(_index_path(index)) as ix:
        results = similar(ix, doc_id, limit=limit, offset=offset, include_duplicates=include_duplicates,
                          collapse=not show_all)
    _show_results(results, as_json, envelope, bidi, collapsed=not show_all, what="similar to")


@app.command("analyze", cls=HelpCommand)
@fail_cleanly
def analyze_command(
    text: Optional[str] = typer.Argument(None, metavar="TEXT",
                                         help="Text to analyze; without it, one text per line of stdin."),
    stemmer: str = typer.Option("light", "--stemmer", metavar="NAME", help="light or none."),
    as_json: bool = JsonOption,
    bidi: str = BidiOption,
) -> None:
    """Show how text is split into search terms: term, surface form and offsets (like Elasticsearch _analyze)."""
    if stemmer not in STEMMERS:
        raise QueryError(f"unknown stemmer {stemmer!r}: use light or none")
    analyzer = Analyzer(AnalyzerSettings(stemmer=stemmer))
    texts = [text] if text is not None else [line.rstrip("\n") for line in sys.stdin]
    from_stdin = text is None
    for item in texts:
        tokens = analyzer.tokens(item)
        if as_json or from_stdin:
            print(json.dumps({"text": item, "tokens": [t.to_dict() for t in tokens]}, ensure_ascii=False))
        else:
            Renderer(out, use_visual_order(bidi, out)).tokens_table(item, tokens)  # type: ignore[arg-type]


@app.command("stats", cls=HelpCommand)
@fail_cleanly
def stats_command(index: Optional[Path] = IndexOption, as_json: bool = JsonOption,
                  count_terms: bool = typer.Option(False, "--terms",
                                                   help="Also count the distinct terms (reads every term).")
                  ) -> None:
    """What is in an index: documents, segments, size, analyzer settings, last update (--terms: and terms)."""
    with Index.open(_index_path(index)) as ix:
        stats = ix.stats(count_terms=count_terms)
    shape = stats.to_dict()
    if as_json:
        print(json.dumps(shape, ensure_ascii=False, indent=2))
        return
    for label, value in _readable_stats(shape):
        out.print(f"{label:>16}: {value}")


def _readable_stats(shape: dict[str, Any]) -> list[tuple[str, str]]:
    """``stats --json``'s fields as a person reads them; fields this does not know are shown as they are."""
    shape = dict(shape)
    analyzer = dict(shape.pop("analyzer", {}))
    updating = shape.pop("updating", None)
    groups, grouped = shape.pop("duplicate_groups", 0), shape.pop("grouped_documents", 0)
    lines = [("index", str(shape.pop("path", ""))), ("engine", str(shape.pop("engine", ""))),
             ("documents", str(shape.pop("documents", 0)))]
    deleted = shape.pop("deleted", 0)
    lines.append(("deleted", f"{deleted} (their space is reclaimed as segments merge)" if deleted else "0"))
    terms = shape.pop("terms", None)
    lines += [("terms", f"{terms:,}" if terms is not None else "not counted (--terms counts them)"),
              ("segments", str(shape.pop("segments", 0))),
              ("size on disk", _size(int(shape.pop("size_bytes", 0))))]
    stemmer, version = analyzer.pop("stemmer", "?"), analyzer.pop("version", "?")
    words = [f"{stemmer} stemmer", f"version {version}", *(f"{k} {v}" for k, v in analyzer.items())]
    lines.append(("analyzer", ", ".join(words)))
    lead = float(shape.pop("lead_weight", 0.0))
    lines.append(("lead weight", f"{lead:g} (a word among the first {LEAD_WORDS} counts {1 + lead:g} times)"
                  if lead else "off"))
    lines.append(("near-duplicates", f"{groups:,} groups of copies, {grouped:,} documents in them"))
    lines.append(("format", f"{shape.pop('format', '?')}, written by arsearch {shape.pop('arsearch_version', '?')}"))
    for key in ("created", "updated"):
        lines.append((key, str(shape.pop(key, "")).replace("T", " ").replace("+00:00", " UTC")))
    lines.append(("updating", f"by process {updating['pid']} on {updating['host']} since {updating['started']}"
                  if updating else "no"))
    lines += [(key.replace("_", " "), str(value)) for key, value in shape.items()]
    return lines


def _size(size: int) -> str:
    value, unit = float(size), "bytes"
    for larger in ("KiB", "MiB", "GiB"):
        if value < 1024:
            break
        value, unit = value / 1024, larger
    return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"


@app.command("serve", cls=HelpCommand)
@fail_cleanly
def serve_command(
    index: Optional[Path] = IndexOption,
    host: str = typer.Option("127.0.0.1", "--host", metavar="ADDRESS",
                             help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, metavar="PORT", help="Port (0: any free port)."),
    allow_writes: bool = typer.Option(False, "--allow-writes", metavar="",
                                      help="Enable POST and DELETE /api/documents (they need --token)."),
    token: Optional[str] = typer.Option(None, "--token", envvar="ARSEARCH_TOKEN", show_envvar=True, metavar="TOKEN",
                                        help="API token every write must send (Authorization: Bearer TOKEN)."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, metavar="N",
                                help="Server processes, each with its own view of the index: a slow search "
                                     "holds up only its own (about one per core)."),
    max_body_mb: float = typer.Option(4.0, "--max-body-mb", min=0.0, metavar="MB",
                                      help="Largest write request body in MB (413 beyond; 0: no limit)."),
    request_timeout: float = typer.Option(10.0, "--request-timeout", min=0.0, metavar="SECONDS",
                                          help="A read taking longer gets a 503 (0: no limit)."),
    client_concurrency: int = typer.Option(8, "--client-concurrency", min=0, metavar="N",
                                           help="Requests one client address may have in flight per worker "
                                                "(429 beyond; 0: no limit)."),
    cors_origins: list[str] = typer.Option([], "--cors-origin", metavar="ORIGIN", show_default="none",
                                           help="A web origin whose pages may call the API (repeatable; *: any)."),
) -> None:
    """Serve the index over HTTP: a JSON API (/api/..., schema at /openapi.json) and a search page at /."""
    try:
        from arsearch.interfaces.server import app as server
        from arsearch.interfaces.server.limits import Limits
    except ImportError as exc:
        if exc.name not in ("fastapi", "uvicorn", "starlette", "pydantic"):
            raise
        raise ArsearchError(f"arsearch serve needs {exc.name}: pip install 'arsearch[server]'") from None
    if allow_writes and not token:
        _print_error("--allow-writes needs an API token for the writes: --token TOKEN or ARSEARCH_TOKEN=TOKEN", 2,
                     False)
        sys.exit(2)
    limits = Limits(max_body_bytes=int(max_body_mb * 1024 * 1024), request_seconds=request_timeout,
                    client_concurrency=client_concurrency)
    with Index.open(_index_path(index)) as ix:
        served = server.Served(ix.path, allow_writes=allow_writes, token=token, limits=limits,
                               cors_origins=tuple(cors_origins))
        sock = server.bind(host, port)
        address = f"[{host}]" if ":" in host else host
        processes = f", {workers} processes" if workers > 1 else ""
        err.print(f"serving {ix.path} ({ix.document_count()} documents) on http://{address}:{sock.getsockname()[1]}/"
                  f" — writes {'on' if allow_writes else 'off'}{processes}; Ctrl-C stops")
        if workers == 1:
            server.serve(served, sock, index=ix)
            return
    server.serve(served, sock, workers=workers)  # each worker opens the index itself


def main() -> None:
    """The ``arsearch`` entry point: ``app()``, with usage errors (unknown option, bad option value) as one line
    (JSON on stderr with ``--json``) and exit code 2, like every other error."""
    argv = sys.argv[1:]
    try:
        code = app(args=argv, prog_name="arsearch", standalone_mode=False)
        sys.stdout.flush()  # here, where a closed pipe is caught, rather than at exit
    except BrokenPipeError:
        try:
            _reader_gone()
        except typer.Exit:
            sys.exit(0)
    except typer.TyperException as exc:  # raised by the argument parser before any command runs
        exit_code = int(getattr(exc, "exit_code", 2))
        if type(exc).__name__ == "NoArgsIsHelpError" or not hasattr(exc, "format_message"):
            if hasattr(exc, "show"):  # the help text, as typer prints it
                exc.show()
            else:
                print(exc, file=sys.stderr)
            sys.exit(exit_code)
        commands = {c.name for c in app.registered_commands}
        command = next((a for a in argv if a in commands), "")
        hint = f" (see arsearch {command} --help)" if command else " (see arsearch --help)"
        option = str(getattr(exc, "option_name", "") or "")
        if option.startswith("-") and not option.startswith("--") and not option[1:].isascii():
            word = next((a for a in argv if a.startswith(option)), option)  # a query such as -قصف
            hint = f" (to search for {word!r}, put -- before it: arsearch {command or 'query'} -- {word!r})"
        _print_error(" ".join(exc.format_message().split()) + hint, exit_code, "--json" in argv)
        sys.exit(exit_code)
    except typer.Abort:
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()

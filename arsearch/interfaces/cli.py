"""The ``arsearch`` command line: each command reads its options, calls the library and hands what it got to a
renderer (:mod:`arsearch.interfaces.render`); errors become one line and an exit code (:mod:`.exits`)."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, Optional, TypeVar

import typer

from arsearch.errors import ArsearchError
from arsearch.interfaces import render
from arsearch.interfaces.exits import INTERNAL, INTERRUPTED, USAGE, exit_code, hint, install_hint
from arsearch.interfaces.render import err
from arsearch.version import VERSION

if TYPE_CHECKING:  # the library is imported by the commands that use it: `arsearch --help` starts without it
    from rich.progress import Progress

    from arsearch.index import Index
    from arsearch.ingest.run import Progress as IngestProgress

Bidi = Literal["auto", "on", "off"]
Stemmer = Literal["light", "none"]
EngineName = Literal["whoosh", "tantivy", "opensearch"]
Order = Literal["relevance", "date", "recency"]


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


class HelpGroup(_HelpWithoutTypeLabels, typer.core.TyperGroup):
    pass


class HelpCommand(_HelpWithoutTypeLabels, typer.core.TyperCommand):
    pass


app = typer.Typer(cls=HelpGroup, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Full-text search for Arabic news.")

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_INDEX_DIR = "index"
INDEX_ENV_VAR = "ARSEARCH_INDEX"


class UsageError(ArsearchError):
    """Options that do not go together (exit code 2, as for any usage error)."""


# Help text is not Rich markup (a "[default: ...]" in it would vanish); a default that is not a plain value is
# given as show_default. Every option has a metavar (flags an empty one): Typer's labels read "<list[str]>".
IndexOption = typer.Option(None, "--index", "-i", envvar=INDEX_ENV_VAR, show_envvar=True, metavar="FOLDER",
                           show_default="index/ in the current folder", help="Index folder.")
JsonOption = typer.Option(False, "--json", metavar="",
                          help="Machine-readable JSON output (errors as JSON on stderr).")
BidiOption = typer.Option("auto", "--bidi", envvar="ARSEARCH_BIDI", metavar="MODE",
                          help="Reorder Arabic for terminals without bidi support: auto, on or off (ids and URLs "
                               "are never reordered).")
AllOption = typer.Option(False, "--all", metavar="", help="Show every copy of a story (without it: one hit per "
                         "group of near-duplicates, with '+N similar from: ...').")
LimitOption = typer.Option(10, "--limit", "-n", min=1, max=10_000, metavar="N", help="Number of hits.")
OffsetOption = typer.Option(0, "--offset", min=0, metavar="N", help="Skip this many hits (paging).")
EnvelopeOption = typer.Option(False, "--envelope", metavar="", help="With --json: one JSON object (query, total, "
                              "hits, elapsed_ms, suggestion, partial, facets) instead of the array of hits.")


def _show_version(value: bool) -> None:
    if value:
        render.out.print(f"arsearch {VERSION}")
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
        except UsageError as exc:
            _error(str(exc), USAGE, as_json)
        except ArsearchError as exc:
            _error(str(exc) + hint(exc), exit_code(exc), as_json)
        except BrokenPipeError:
            _reader_gone()
        except OSError as exc:
            _error(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc), 1, as_json)
        except KeyboardInterrupt:
            _error("interrupted: batches already committed are kept; run the command again to finish", INTERRUPTED,
                   as_json)
        except Exception as exc:  # a bug: still one line, unless ARSEARCH_DEBUG asks for the traceback
            if os.environ.get("ARSEARCH_DEBUG"):
                raise
            _error(f"internal error ({type(exc).__name__}: {exc}); rerun with ARSEARCH_DEBUG=1 for details",
                   INTERNAL, as_json)

    return wrapper  # type: ignore[return-value]


def _reader_gone() -> NoReturn:
    """Whoever read our output has closed the pipe (``arsearch query … | head``): stop quietly with exit code 0,
    as ``cat`` and sqlite-utils do."""
    try:  # the interpreter flushes stdout at exit: point it at /dev/null so that flush cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (tests capture stdout)
        pass
    raise typer.Exit(0)


def default_index_path() -> Path:
    """``$ARSEARCH_INDEX`` if set, else ``index/`` in the current folder."""
    return Path(os.environ.get(INDEX_ENV_VAR) or DEFAULT_INDEX_DIR)


def _error(message: str, code: int, as_json: bool) -> NoReturn:
    render.error(message, code, as_json)
    raise typer.Exit(code)


def _index_path(index: Optional[Path]) -> Path:
    return index if index is not None else default_index_path()


def _open(index: Optional[Path]) -> Index:
    from arsearch.index import Index

    return Index.open(_index_path(index))


def _needs_json(envelope: bool, as_json: bool) -> None:
    if envelope and not as_json:
        raise UsageError("--envelope shapes the JSON output: use it with --json")


@app.command("index", cls=HelpCommand)
@fail_cleanly
def index_command(
    paths: list[Path] = typer.Argument(..., metavar="PATHS",
                                       help="Files or folders: .txt .md .json .jsonl .ndjson, .gz, .zip; - reads "
                                            "standard input (JSON Lines, or plain text as one document)."),
    index: Optional[Path] = IndexOption,
    stemmer: Optional[Stemmer] = typer.Option(None, "--stemmer", metavar="NAME", show_default="light",
                                              help="light or none; fixed when the index is created."),
    engine: Optional[EngineName] = typer.Option(None, "--engine", envvar="ARSEARCH_ENGINE", metavar="NAME",
                                                show_default="whoosh",
                                                help="whoosh, tantivy (needs the fast extra) or opensearch (needs "
                                                     "the opensearch extra and a cluster); fixed when the index is "
                                                     "created."),
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
    exclude: list[str] = typer.Option([], "--exclude", metavar="PATTERN", show_default="none",
                                      help="Leave out files and folders whose name or path matches this glob "
                                           "(repeatable: --exclude '*.md' --exclude 'drafts/*'); their documents "
                                           "already indexed are removed."),
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
    from arsearch.analysis import AnalyzerSettings
    from arsearch.engine import REMOTE_ENGINES, place_index
    from arsearch.errors import InputError
    from arsearch.index import Index
    from arsearch.ingest import index_paths

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
                             progress=update, wait=wait, stream=stdin, durable=not no_fsync, exclude=exclude)
    render.ingest_report(report, path, as_json)
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
    sort: Order = typer.Option("relevance", "--sort", metavar="ORDER", help="relevance, date (newest first) or "
                               "recency (relevance with a recency boost)."),
    facets: bool = typer.Option(False, "--facets", metavar="", help="Also count all matches per source, month and "
                                "day (with --json: implies --envelope)."),
    batch: Optional[Path] = typer.Option(None, "--batch", metavar="FILE",
                                         help="File of 'qid<TAB>query' lines (instead of QUERY): print a TREC run."),
    as_json: bool = JsonOption,
    envelope: bool = EnvelopeOption,
    bidi: Bidi = BidiOption,
    show_all: bool = AllOption,
) -> None:
    """Search the index; prints ranked hits with highlighted snippets of the original text."""
    from arsearch.search import search
    from arsearch.search.dates import parse_date

    since_date, until_date = parse_date(since, "--since"), parse_date(until, "--until", end=True)
    _needs_json(envelope, as_json)
    if batch is not None:
        _run_batch(batch, text, index, limit, since_date, until_date, source, sort, facets)
        return
    if text is None or not text.strip():
        raise UsageError("empty query: give some words to search for")
    with _open(index) as ix:
        results = search(ix, text, limit=limit, offset=offset, since=since_date, until=until_date, sources=source,
                         sort=sort, facets=facets, collapse=not show_all)
    # the array of hits has no place for facets: --facets makes it the envelope
    render.results(results, as_json=as_json, envelope=envelope or facets, bidi=bidi, collapsed=not show_all)


def _run_batch(batch: Path, text: Optional[str], index: Optional[Path], limit: int, since: Any, until: Any,
               source: Optional[list[str]], sort: Order, facets: bool) -> None:
    from arsearch.search.facets import source_names
    from arsearch.search.runs import read_topics, trec_run

    for given, why in ((text is not None, f"QUERY ({text!r})"), (facets, "--facets")):
        if given:
            raise UsageError(f"--batch reads its queries from FILE and prints a TREC run: {why} does not apply")
    topics = read_topics(batch)
    with _open(index) as ix:
        if source:  # refused once here, not per line (a query that cannot run is skipped)
            source_names(ix.snapshot(), source)
        render.trec_lines(trec_run(ix, topics, limit=limit, since=since, until=until, sources=source, sort=sort))


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
    bidi: Bidi = BidiOption,
    show_all: bool = AllOption,
) -> None:
    """Related stories: documents that share the most telling words of DOC_ID (more-like-this)."""
    from arsearch.search import similar

    _needs_json(envelope, as_json)
    with _open(index) as ix:
        results = similar(ix, doc_id, limit=limit, offset=offset, include_duplicates=include_duplicates,
                          collapse=not show_all)
    render.results(results, as_json=as_json, envelope=envelope, bidi=bidi, collapsed=not show_all,
                   what="similar to")


@app.command("analyze", cls=HelpCommand)
@fail_cleanly
def analyze_command(
    text: Optional[str] = typer.Argument(None, metavar="TEXT",
                                         help="Text to analyze; without it, one text per line of stdin."),
    stemmer: Stemmer = typer.Option("light", "--stemmer", metavar="NAME", help="light or none."),
    as_json: bool = JsonOption,
    bidi: Bidi = BidiOption,
) -> None:
    """Show how text is split into search terms: term, surface form and offsets (like Elasticsearch _analyze)."""
    from arsearch.analysis import Analyzer, AnalyzerSettings
    from arsearch.interfaces.terminal import Renderer, use_visual_order

    analyzer = Analyzer(AnalyzerSettings(stemmer=stemmer))
    texts = [text] if text is not None else [line.rstrip("\n") for line in sys.stdin]
    from_stdin = text is None
    for item in texts:
        tokens = analyzer.tokens(item)
        if as_json or from_stdin:
            render.print_json({"text": item, "tokens": [t.to_dict() for t in tokens]}, indent=None)
        else:
            Renderer(render.out, use_visual_order(bidi, render.out)).tokens_table(item, tokens)


@app.command("stats", cls=HelpCommand)
@fail_cleanly
def stats_command(index: Optional[Path] = IndexOption, as_json: bool = JsonOption,
                  count_terms: bool = typer.Option(False, "--terms",
                                                   help="Also count the distinct terms (reads every term).")
                  ) -> None:
    """What is in an index: documents, segments, size, analyzer settings, last update (--terms: and terms)."""
    with _open(index) as ix:
        stats = ix.stats(count_terms=count_terms)
    render.stats(stats.to_dict(), as_json)


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
    rate_limit: float = typer.Option(5.0, "--rate-limit", min=0.0, metavar="N",
                                     help="Requests a second one client address may send on average, across "
                                          "the server's processes (429 with Retry-After beyond; 0: no limit)."),
    rate_burst: int = typer.Option(20, "--rate-burst", min=1, metavar="N",
                                   help="Requests one client address may send at once before --rate-limit applies."),
    rate_limit_loopback: bool = typer.Option(False, "--rate-limit-loopback", metavar="",
                                             help="Rate-limit clients on this machine too (127.0.0.1, ::1)."),
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
        raise ArsearchError(f"arsearch serve needs {exc.name} (the server extra): {install_hint('server')}") \
            from None
    if allow_writes and not token:
        raise UsageError("--allow-writes needs an API token for the writes: --token TOKEN or ARSEARCH_TOKEN=TOKEN")
    limits = Limits(max_body_bytes=int(max_body_mb * 1024 * 1024), request_seconds=request_timeout,
                    client_concurrency=client_concurrency, client_rate=rate_limit, client_burst=rate_burst,
                    limit_loopback=rate_limit_loopback)
    with _open(index) as ix:
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
    if not argv:  # the help, as `arsearch --help` prints it, and the exit code of a usage error
        app(args=["--help"], prog_name="arsearch", standalone_mode=False)
        sys.exit(USAGE)
    try:
        code = app(args=argv, prog_name="arsearch", standalone_mode=False)
        sys.stdout.flush()  # here, where a closed pipe is caught, rather than at exit
    except BrokenPipeError:
        try:
            _reader_gone()
        except typer.Exit:
            sys.exit(0)
    except typer.Abort:
        sys.exit(1)
    except typer.TyperException as exc:  # raised by the argument parser before any command runs
        code = int(getattr(exc, "exit_code", USAGE))
        if not hasattr(exc, "format_message"):
            print(exc, file=sys.stderr)
            sys.exit(code)
        message = " ".join(exc.format_message().split()).replace("Value error, ", "")  # pydantic's prefix
        render.error(message + _usage_hint(exc, argv), code, "--json" in argv)
        sys.exit(code)
    sys.exit(code if isinstance(code, int) else 0)


def _usage_hint(exc: Exception, argv: list[str]) -> str:
    """Where to read about the usage error ``exc``; for an unknown short option that is an Arabic word (a query
    such as -قصف), how to search for it."""
    commands = {c.name for c in app.registered_commands}
    command = next((a for a in argv if a in commands), "")
    option = str(getattr(exc, "option_name", "") or "")
    if option.startswith("-") and not option.startswith("--") and not option[1:].isascii():
        word = next((a for a in argv if a.startswith(option)), option)
        return f" (to search for {word!r}, put -- before it: arsearch {command or 'query'} -- {word!r})"
    return f" (see arsearch {command} --help)" if command else " (see arsearch --help)"


if __name__ == "__main__":
    main()

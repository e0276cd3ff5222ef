"""The FastAPI application: JSON endpoints over one open :class:`Index`, the search page, JSON errors."""

from __future__ import annotations

import hmac
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Optional, Union

from fastapi import Body, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from arsearch.errors import ArsearchError, DocumentNotFoundError, IndexLockedError, IndexNotFoundError, QueryError
from arsearch.index import Index, IndexStats, document_from_dict
from arsearch.interfaces.dates import parse_date
from arsearch.interfaces.server.limits import BodyLimit, ClientConcurrency, Limits, RequestTimeLimit
from arsearch.interfaces.server.models import (AnalyzeOut, DeletedOut, DocumentIn, DocumentOut, ErrorOut, HealthOut,
                                               IndexedOut, SearchOut)
from arsearch.interfaces.server.rates import Buckets, RateLimited
from arsearch.interfaces.server.warming import Warmth, start_warming
from arsearch.search import search, similar
from arsearch.search.compiler import MAX_QUERY_CHARS
from arsearch.version import VERSION

STATIC = Path(__file__).parent / "static"
#: How long a write waits for another writer (``arsearch index``, another POST) before answering 409.
WRITE_WAIT_SECONDS = 2.0
MAX_LIMIT = 100
MAX_OFFSET = 10_000
_STATUS_OF: dict[type[ArsearchError], int] = {QueryError: 400, DocumentNotFoundError: 404, IndexNotFoundError: 404,
                                              IndexLockedError: 409}
_ERRORS: dict[Union[int, str], dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text} for code, text in (
        (400, "Bad query or parameter"), (401, "A write without the API token (Authorization: Bearer TOKEN)"),
        (403, "Writes are off (start the server with --allow-writes)"), (404, "No such document"),
        (409, "Another process is updating the index"), (413, "Request body too large"),
        (429, "Too many requests in flight from this client"), (503, "The request took too long"))}
#: The environment variable ``arsearch serve`` reads the API token for writes from.
TOKEN_VARIABLE = "ARSEARCH_TOKEN"


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


def create_app(index: Index, *, allow_writes: bool = False, write_wait: float = WRITE_WAIT_SECONDS,
               token: str | None = None, limits: Limits = Limits(), cors_origins: Sequence[str] = (),
               warm: bool = True, rate_table: Path | None = None) -> FastAPI:
    """The app serving ``index``: searches run in the server's thread pool, one engine snapshot per thread.
    ``warm``: warm the index up in a thread (:mod:`.warming`); ``/health`` says ``starting`` (503) until it is done.
    ``rate_table``: the file of the token buckets shared by the server's processes (:mod:`.rates`; None: this
    process's own).

    Writes need ``allow_writes`` and a ``token``, which every write must send as ``Authorization: Bearer TOKEN``.
    ``limits``: body size, time per read, requests in flight per client.  ``cors_origins``: web origins whose
    pages may call the API (``["*"]``: any).
    """
    app = FastAPI(title="arsearch", version=VERSION, docs_url=None, redoc_url=None,
                  description="Full-text search for Arabic news. Errors are `{\"error\": ..., \"status\": N}`.")
    _add_error_handlers(app)
    warmth = start_warming(index) if warm else Warmth.done()
    app.state.warmth = warmth

    def check_writes(request: Request) -> None:
        if not allow_writes:
            raise HTTPException(403, "writes are off: start the server with `arsearch serve --allow-writes`")
        if not token:
            raise HTTPException(403, f"writes need an API token: start the server with --token or {TOKEN_VARIABLE}")
        sent = request.headers.get("authorization", "")
        if not hmac.compare_digest(sent.encode("utf-8"), f"Bearer {token}".encode()):
            raise HTTPException(401, "this write needs the API token: send the header Authorization: Bearer TOKEN")

    @app.get("/api/search", response_model=SearchOut, responses={400: _ERRORS[400]}, tags=["search"])
    def search_endpoint(
        q: str = Query(..., min_length=1, max_length=MAX_QUERY_CHARS,
                       description="The query, in arsearch's query syntax."),
        limit: int = Query(10, ge=1, le=MAX_LIMIT, description="Hits per page."),
        offset: int = Query(0, ge=0, le=MAX_OFFSET, description="Hits to skip (paging)."),
        since: Optional[str] = Query(None, description="Documents dated on or after: YYYY-MM-DD, YYYY-MM or YYYY."),
        until: Optional[str] = Query(None, description="Documents dated on or before: YYYY-MM-DD, YYYY-MM or YYYY."),
        source: list[str] = Query([], description="Only documents from these sources (repeatable)."),
        sort: Literal["relevance", "date", "recency"] = Query("relevance", description="Order of the hits."),
        facets: bool = Query(False, description="Count all matches per source, month and day (`facets`)."),
        all_: bool = Query(False, alias="all", description="Every copy of a story [default: one hit per group of "
                           "near-duplicates, the others in its `duplicates`]."),
    ) -> JSONResponse:
        """Ranked hits with snippets; `highlights` are offsets into each `snippet`."""
        if not q.strip():
            raise QueryError("empty query: give some words to search for")
        options: dict[str, Any] = {"limit": limit, "offset": offset, "since": parse_date(since, "since"),
                                   "until": parse_date(until, "until", end=True), "sources": source or None,
                                   "sort": sort, "facets": facets, "collapse": not all_}
        return JSONResponse(search(index, q, **options).to_dict())

    # before get_endpoint, whose {doc_id:path} would take ".../similar" for an id
    @app.get("/api/documents/{doc_id:path}/similar", response_model=SearchOut,
             responses={k: _ERRORS[k] for k in (400, 404)},
             tags=["documents"])
    def similar_endpoint(
        doc_id: str,
        limit: int = Query(10, ge=1, le=MAX_LIMIT, description="Hits per page."),
        offset: int = Query(0, ge=0, le=MAX_OFFSET, description="Hits to skip (paging)."),
        include_duplicates: bool = Query(False, description="Also list the document's own near-duplicates."),
        all_: bool = Query(False, alias="all", description="Every copy of a story [default: one per group]."),
    ) -> JSONResponse:
        """Related stories (more-like-this): the object of `arsearch similar DOC_ID --json --envelope`."""
        results = similar(index, doc_id, limit=limit, offset=offset, include_duplicates=include_duplicates,
                          collapse=not all_)
        return JSONResponse(results.to_dict())

    @app.get("/api/analyze", response_model=AnalyzeOut, responses={400: _ERRORS[400]}, tags=["search"])
    def analyze_endpoint(text: str = Query(..., max_length=MAX_QUERY_CHARS,
                                           description="Text to analyze with the index's analyzer.")
                         ) -> JSONResponse:
        """The terms a text is indexed and searched under, with offsets of each word as written."""
        return JSONResponse({"text": text, "tokens": [t.to_dict() for t in index.analyze(text)]})

    @app.get("/health", response_model=HealthOut, responses={503: {"model": HealthOut, "description": "Starting"}},
             tags=["index"])
    def health_endpoint() -> JSONResponse:
        """Whether the server is ready, and how many documents it serves (no limits apply: for load balancers):
        200 `ok` once the first searches of each kind have loaded what queries read (a warm start), 503
        `starting` before."""
        status = warmth.status()
        return JSONResponse({"status": status, "documents": index.document_count()},
                            status_code=200 if status == "ok" else 503)

    @app.get("/api/stats", response_model=IndexStats, tags=["index"])
    def stats_endpoint() -> JSONResponse:
        """What is in the index (the object of `arsearch stats --json`)."""
        return JSONResponse(index.stats().to_dict())

    @app.get("/api/documents/{doc_id:path}", response_model=DocumentOut, responses={404: _ERRORS[404]},
             tags=["documents"])
    def get_endpoint(doc_id: str) -> JSONResponse:
        """One document's stored fields (an id may contain slashes: `seeds/x.txt`)."""
        return JSONResponse(_document_json(_stored(index, doc_id)))

    @app.post("/api/documents", response_model=IndexedOut,
              responses={k: _ERRORS[k] for k in (400, 401, 403, 409, 413)},
              tags=["documents"], dependencies=[Depends(check_writes)])
    def add_endpoint(documents: Union[DocumentIn, list[DocumentIn]] = Body(...)) -> JSONResponse:
        """Add or replace documents (one object or an array), in one commit."""
        records = documents if isinstance(documents, list) else [documents]
        try:
            parsed = [document_from_dict(r.model_dump()) for r in records]
        except ValueError as exc:
            raise QueryError(f"bad document: {exc}") from None
        with index.writer(wait=write_wait) as writer:
            for document in parsed:
                writer.add(document)
        return JSONResponse({"indexed": len(parsed)})

    @app.delete("/api/documents/{doc_id:path}", response_model=DeletedOut,
                responses={k: _ERRORS[k] for k in (401, 403, 404, 409)}, tags=["documents"],
                dependencies=[Depends(check_writes)])
    def delete_endpoint(doc_id: str) -> JSONResponse:
        """Delete one document."""
        _stored(index, doc_id)
        with index.writer(wait=write_wait) as writer:
            writer.delete(doc_id)
        return JSONResponse({"deleted": doc_id})

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # added last runs first: CORS answers preflights, then the rate per client, the count in flight, the time,
    # the body
    app.add_middleware(BodyLimit, max_bytes=limits.max_body_bytes)
    app.add_middleware(RequestTimeLimit, seconds=limits.request_seconds)
    app.add_middleware(ClientConcurrency, limit=limits.client_concurrency)
    app.add_middleware(RateLimited, limits=limits, buckets=lambda: Buckets(rate_table))
    if cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "Content-Type"])
    return app


def _stored(index: Index, doc_id: str) -> dict[str, Any]:
    fields = index.get(doc_id)
    if fields is None:
        raise HTTPException(404, f"no document with id {doc_id!r}")
    return fields


def _document_json(fields: dict[str, Any]) -> dict[str, Any]:
    date = fields.get("date")
    shown = {name: str(fields.get(name) or "") for name in ("id", "title", "content", "source", "url", "author",
                                                            "path")}
    return {**shown, "date": date.isoformat() if date else None}


def _add_error_handlers(app: FastAPI) -> None:
    """Every error is ``{"error": ..., "status": N}``; a bug is a 500 without a traceback in the body."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        message = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else f"no route {request.url.path}"
        return error(exc.status_code, str(message))

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError) -> JSONResponse:
        if request.method == "POST" and "json" not in request.headers.get("content-type", ""):
            return error(400, "send the documents as JSON, with the header Content-Type: application/json")
        return error(400, _validation_message(exc.errors()))

    @app.exception_handler(ArsearchError)
    async def library_error(request: Request, exc: ArsearchError) -> JSONResponse:
        status = next((_STATUS_OF[cls] for cls in type(exc).__mro__ if cls in _STATUS_OF), 500)
        return error(status, str(exc))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        return error(500, f"internal error ({type(exc).__name__}); the server's log has the details")


#: Errors that only say the body took the other branch of ``object | array``.
_BRANCH_ERRORS = frozenset({"model_type", "list_type", "model_attributes_type", "dict_type"})


def _validation_message(errors: Sequence[Any]) -> str:
    """The first real problem as ``where: what``, e.g. ``0.content: Field required`` for a document array."""
    first = next((e for e in errors if e.get("type") not in _BRANCH_ERRORS), errors[0] if errors else {})
    if first.get("type") == "json_invalid":
        return f"the request body is not valid JSON ({first.get('ctx', {}).get('error', 'syntax error')})"
    where = ".".join(str(part) for part in first.get("loc", ())
                     if part not in ("query", "body", "path") and not str(part).startswith(("DocumentIn", "list[")))
    return f"{where or 'request body'}: {first.get('msg', 'invalid')}"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (0: a free port), bound before the server starts so the caller
    knows the address."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY only on sockets that say so; without it every answer on a
    # kept-alive connection waits for the client's delayed ACK, about 40 ms an answer (docs/measurements.md)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


@dataclass(frozen=True)
class Served:
    """What every server process serves: an index folder, opened by each process, and the app's settings."""

    path: Path
    allow_writes: bool = False
    token: str | None = None
    limits: Limits = field(default_factory=Limits)
    cors_origins: tuple[str, ...] = field(default=())
    #: The token buckets' file shared by the worker processes (:mod:`.rates`).
    rate_table: Path | None = None

    def app(self, index: Index) -> FastAPI:
        return create_app(index, allow_writes=self.allow_writes, token=self.token, limits=self.limits,
                          cors_origins=self.cors_origins, rate_table=self.rate_table)

    def __call__(self) -> FastAPI:
        """The app of one worker process, over its own :class:`Index` (uvicorn calls this in each worker)."""
        return self.app(Index.open(self.path))


def serve(served: Served, sock: socket.socket, *, workers: int = 1, index: Index | None = None) -> None:
    """Run the app on ``sock`` until Ctrl-C or SIGTERM (uvicorn logs warnings and errors to stderr): in this process
    over ``index`` (opened here when None), or in ``workers`` processes, each with its own :class:`Index`, that take
    connections from the same socket, so one slow search holds up only its own process."""
    import uvicorn

    if workers <= 1:
        app = served.app(index if index is not None else Index.open(served.path))
        config = uvicorn.Config(app, log_level="warning", access_log=False)
        uvicorn.Server(config).run(sockets=[sock])
        return
    from uvicorn.supervisors import Multiprocess

    table = Buckets.create() if served.limits.client_rate and served.rate_table is None else None
    if table is not None:
        served = replace(served, rate_table=table)
    config = uvicorn.Config(served, factory=True, workers=workers, log_level="warning", access_log=False)
    try:
        try:
            supervisor = Multiprocess(config, sockets=[sock])
        except TypeError:  # older uvicorn takes the target each worker runs
            supervisor = Multiprocess(config, target=uvicorn.Server(config).run,  # type: ignore[call-arg]
                                      sockets=[sock])
        supervisor.run()
    finally:
        if table is not None:
            table.unlink(missing_ok=True)

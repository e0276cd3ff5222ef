"""What the command line prints: results, facets, statistics and an indexing report, as text for a terminal or as
JSON (the shapes the README documents).  The commands in :mod:`arsearch.interfaces.cli` call the library, then one
of these."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:  # the library is imported by what renders it: errors and --help start without it
    from arsearch.ingest.run import IngestReport
    from arsearch.ingest.sources import Skipped
    from arsearch.interfaces.terminal import BidiMode
    from arsearch.search import Facets, SearchResults


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Rich exits with code 1 here; the closed pipe goes to the command line's handler instead, which exits 0."""
        self.quiet = True
        raise BrokenPipeError


out = _Console(highlight=False, soft_wrap=True, markup=False)
err = _Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

#: Facet values shown per line of ``query --facets`` (all of them are in ``--json``).
FACETS_SHOWN = {"source": 8, "month": 12, "day": 10}
#: Reasons for skipping listed, and skipped files and records named per reason (all of them are in ``--json``).
REASONS_SHOWN = 20
SKIPS_SHOWN = 3


def print_json(shape: Any, indent: int | None = 2) -> None:
    print(json.dumps(shape, ensure_ascii=False, indent=indent))


def results(found: SearchResults, *, as_json: bool, envelope: bool, bidi: BidiMode, collapsed: bool,
            what: str = "for") -> None:
    """Hits, the summary line, the suggestion and what the budget cut (``--json``: the hits, or the envelope)."""
    if as_json:
        print_json(found.to_dict() if envelope else [h.to_dict() for h in found.hits])
        return
    from arsearch.interfaces.terminal import Renderer, use_visual_order

    render = Renderer(out, use_visual_order(bidi, out))
    for hit in found.hits:
        render.block([(f"{hit.rank:>2}. ", "bold")] + [(p, "bold yellow" if m else "bold")
                                                      for p, m in hit.title.segments()])
        fields = [x for x in (hit.source, hit.date.date().isoformat() if hit.date else "", f"score {hit.score:.2f}")
                  if x]
        render.fields(fields, hit.id, indent=4, style="dim")  # the id as it is, to copy into `similar`
        render.snippet(hit.snippet, indent=4)
        if collapsed and hit.duplicates:
            sources = ", ".join(dict.fromkeys(d.source or d.id for d in hit.duplicates))
            render.fields([f"+{len(hit.duplicates)} similar from:"], sources, indent=4, style="dim", joiner=" ")
        out.print()
    shown = f" (showing {found.hits[0].rank}–{found.hits[-1].rank})" if found.hits else ""
    # ranks count stories, the total counts articles: say so when copies were folded into a hit
    folded = "; copies folded into their story, --all lists them" \
        if collapsed and any(hit.duplicates for hit in found.hits) else ""
    render.block([(f"{found.total} hits{shown} {what} ", "dim"), (found.query, None),
                  (f" in {found.elapsed_ms:.1f} ms{folded}", "dim")])
    if found.suggestion is not None:
        fixed = found.suggestion
        render.block([("Did you mean: ", "bold")] + [(p, "bold yellow" if m else None)
                                                     for p, m in fixed.marked.segments()]
                     + [("?", "bold"), (f" ({fixed.total} hits)", "dim")])
    if found.partial:  # the hits are those of a reduced query
        render.block([("Partial answer", "bold"), (f" (the search reached its budget): {'; '.join(found.cuts)}",
                                                   "dim")])
    elif found.skipped and found.suggestion is None:  # the hits are whole; only the suggestion was not tried
        render.block([(f"({'; '.join(found.skipped)})", "dim")])
    if found.facets is not None:
        facets(found.facets)


def facets(found: Facets) -> None:
    """One line per facet: the sources with most matches, the months in order, the days with most matches."""
    out.print()
    for name, counts in (("source", found.source), ("month", found.month), ("day", found.day)):
        ranked = counts if name != "day" else sorted(counts, key=lambda c: (c.value is None, -c.count))
        shown = ranked[:FACETS_SHOWN[name]]
        more = f" (+{len(counts) - len(shown)} more)" if len(counts) > len(shown) else ""
        values = " · ".join(f"{c.value or '(none)'} {c.count:,}" for c in shown)
        out.print(Text.assemble((f"{name:>6}  ", "dim"), values or "–", (more, "dim")))


def trec_lines(lines: Iterable[str]) -> None:
    for line in lines:
        sys.stdout.write(line)


def ingest_report(report: IngestReport, path: Path, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"index": str(path), **report.to_dict()}, ensure_ascii=False))
        return
    rate = report.indexed / report.seconds if report.seconds else 0.0
    out.print(f"{path}: {report.files} files in {report.seconds:.1f} s ({rate:.0f} docs/s): "
              f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
              f"{report.removed} removed, {len(report.skipped)} skipped")
    groups = skipped_by_reason(report.skipped)
    for reason, items in groups[:REASONS_SHOWN]:
        if len(items) == 1:
            out.print(f"  skipped {items[0].where}: {reason}")
            continue
        examples = ", ".join(s.where for s in items[:SKIPS_SHOWN])
        more = f" and {len(items) - SKIPS_SHOWN} more" if len(items) > SKIPS_SHOWN else ""
        out.print(f"  skipped {len(items)} ({reason}): {examples}{more}")
    if len(groups) > REASONS_SHOWN:
        rest = sum(len(items) for _, items in groups[REASONS_SHOWN:])
        out.print(f"  … and {rest} more skipped for {len(groups) - REASONS_SHOWN} other reasons (see --json)")
    if report.duplicate_ids:
        out.print(f"  {len(report.duplicate_ids)} duplicate ids in this run (the last copy wins), e.g. "
                  f"{report.duplicate_ids[0]}")


def skipped_by_reason(skipped: Sequence[Skipped]) -> list[tuple[str, list[Skipped]]]:
    """The skipped items grouped by reason, the commonest reason first (ties in order of appearance)."""
    groups: dict[str, list[Skipped]] = {}
    for item in skipped:
        groups.setdefault(item.reason, []).append(item)
    return sorted(groups.items(), key=lambda group: -len(group[1]))


def stats(shape: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(shape)
        return
    for label, value in readable_stats(shape):
        out.print(f"{label:>16}: {value}")


def readable_stats(shape: dict[str, Any]) -> list[tuple[str, str]]:
    """``stats --json``'s fields as a person reads them; fields this does not know are shown as they are."""
    from arsearch.engine.api import LEAD_WORDS

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


def error(message: str, code: int, as_json: bool) -> None:
    """One line on stderr: ``error: message``, or ``{"error": ..., "exit_code": ...}`` with ``--json``."""
    if as_json:
        print(json.dumps({"error": message, "exit_code": code}, ensure_ascii=False), file=sys.stderr)
    else:
        err.print(Text.assemble(("error:", "bold red"), " ", message))

"""The query parser (``arsearch.query_syntax``): a syntax tree from what the user typed, never an exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arsearch.analysis import Analyzer
from arsearch.errors import QueryError
from arsearch.search.syntax import AnyOf, Clause, Group, Phrase, Word, fields_named, parse_query
from arsearch.search.compiler import QueryCompiler

W, P = Word, Phrase


def S(node: object) -> Clause:  # noqa: N802 - short names keep the table readable
    return Clause(node, "should")  # type: ignore[arg-type]


def M(node: object) -> Clause:  # noqa: N802
    return Clause(node, "must")  # type: ignore[arg-type]


def N(node: object) -> Clause:  # noqa: N802
    return Clause(node, "must_not")  # type: ignore[arg-type]


CASES = [
    # words
    ("كونيكو", (S(W("كونيكو")),)),
    ("دير الزور", (S(W("دير")), S(W("الزور")))),
    ("  دير \t الزور  ", (S(W("دير")), S(W("الزور")))),
    ("دير-الزور", (S(W("دير-الزور")),)),
    ("a+b", (S(W("a+b")),)),
    ("10:30", (S(W("10:30")),)),
    ("", ()),
    ("   ", ()),
    # phrases, in every quote style
    ('"دير الزور"', (S(P("دير الزور")),)),
    ("“دير الزور”", (S(P("دير الزور")),)),
    ("«دير الزور»", (S(P("دير الزور")),)),
    ("„دير الزور“", (S(P("دير الزور")),)),
    ("”دير الزور“", (S(P("دير الزور")),)),
    ('"دير الزور', (S(P("دير الزور")),)),  # unbalanced: closed at the end
    ('"أ" "ب"', (S(P("أ")), S(P("ب")))),
    ('قصف"دير الزور"سوريا', (S(W("قصف")), S(P("دير الزور")), S(W("سوريا")))),
    ('""', (S(P("")),)),
    # required and excluded
    ("-كونيكو سوريا", (N(W("كونيكو")), S(W("سوريا")))),
    ("+كونيكو سوريا", (M(W("كونيكو")), S(W("سوريا")))),
    ('-"دير الزور"', (N(P("دير الزور")),)),
    ("NOT كونيكو", (N(W("كونيكو")),)),
    ("قصف NOT كونيكو", (S(W("قصف")), N(W("كونيكو")))),
    # OR, AND
    ("الحشد OR المقاومة", (S(AnyOf((W("الحشد"), W("المقاومة")))),)),
    ("أ OR ب OR ج", (S(AnyOf((W("أ"), W("ب"), W("ج")))),)),
    ("أ AND ب", (M(W("أ")), M(W("ب")))),
    ("أ AND ب ج", (M(W("أ")), M(W("ب")), S(W("ج")))),
    ("أ or ب", (S(W("أ")), S(W("or")), S(W("ب")))),  # operators are upper case only
    # parentheses
    ("(أ ب) ج", (S(Group((S(W("أ")), S(W("ب"))))), S(W("ج")))),
    ("(أ OR ب) -ج", (S(Group((S(AnyOf((W("أ"), W("ب")))),))), N(W("ج")))),
    ("-(أ ب)", (N(Group((S(W("أ")), S(W("ب"))))),)),
    ("(-أ)", (S(Group((N(W("أ")),))),)),
    ("أ OR (ب ج)", (S(AnyOf((W("أ"), Group((S(W("ب")), S(W("ج"))))))),)),
    ("((أ", (S(Group((S(Group((S(W("أ")),))),))),)),
    ("(أ", (S(Group((S(W("أ")),))),)),
    ("أ)", (S(W("أ")),)),
    (")) أ (", (S(W("أ")), S(Group(())))),
    ("(", (S(Group(())),)),
    (")", ()),
    # fields
    ("title:كونيكو", (S(W("كونيكو", "title")),)),
    ("Title:كونيكو", (S(W("كونيكو", "title")),)),
    ('title:"دير الزور"', (S(P("دير الزور", "title")),)),
    ("title:«دير الزور»", (S(P("دير الزور", "title")),)),
    ("title:(أ ب)", (S(Group((S(W("أ")), S(W("ب"))), "title")),)),
    ("-source:okaz", (N(W("okaz", "source")),)),
    ("title:أ OR content:ب", (S(AnyOf((W("أ", "title"), W("ب", "content")))),)),
    ("foo:bar", (S(W("bar", "foo")),)),
    ("x:y:z", (S(W("y:z", "x")),)),
    ("title:", ()),
    ("title: كونيكو", (S(W("كونيكو", "title")),)),
    # URLs are words, not fields
    ("http://example.com/news?id=1", (S(W("http://example.com/news?id=1")),)),
    ("https://example.com", (S(W("https://example.com")),)),
    ("url:https://example.com/a", (S(W("https://example.com/a", "url")),)),
    ("title:http://x", (S(W("http://x", "title")),)),
    # stray operators
    ("OR", (S(W("or")),)),
    ("OR كونيكو", (S(W("or")), S(W("كونيكو")))),
    ("كونيكو OR", (S(W("كونيكو")),)),
    ("AND", ()),
    ("AND كونيكو", (M(W("كونيكو")),)),
    ("كونيكو AND", (M(W("كونيكو")),)),
    ("NOT", ()),
    ("-", (S(W("-")),)),
    ("+", (S(W("+")),)),
    ("كونيكو -", (S(W("كونيكو")), S(W("-")))),
    ("- كونيكو", (S(W("-")), S(W("كونيكو")))),
    ("أ OR OR ب", (S(W("أ")), S(W("or")), S(W("ب")))),
]


@pytest.mark.parametrize("query, expected", CASES, ids=[repr(q) for q, _ in CASES])
def test_parse_query(query: str, expected: tuple[Clause, ...]) -> None:
    assert parse_query(query) == expected


@pytest.mark.parametrize("query", ["أ OR -ب", "أ OR NOT ب"])
def test_exclusion_after_or_is_not_turned_into_a_search(query: str) -> None:
    clauses = parse_query(query)
    positive = [c for c in clauses if c.occur != "must_not"]
    assert S(W("ب")) not in positive and S(W("not")) not in positive
    assert all(W("not") not in getattr(c.node, "options", ()) for c in clauses)


@pytest.mark.parametrize("query, fields", [
    ("كونيكو", set()),
    ("title:أ content:ب", {"title", "content"}),
    ("(أ OR source:ب) -author:ج", {"source", "author"}),
    ("title:(أ url:ب)", {"title", "url"}),
    ("lang:ar", {"lang"}),
    ("http://example.com", set()),
    ('"title:أ"', set()),
])
def test_fields_named(query: str, fields: set[str]) -> None:
    assert fields_named(parse_query(query)) == fields


@pytest.mark.parametrize("query", ["(" * 400 + "كونيكو", "(" * 20_000 + "كونيكو", "title: " * 1000 + "كونيكو"],
                         ids=["parens", "parens-20000", "fields"])
def test_deep_nesting_never_raises(query: str) -> None:
    clauses = parse_query(query)
    assert fields_named(clauses) <= {"title"}


QUERY_PIECES = st.sampled_from(
    list('()"“”«»„-+: \t\n') + ["OR", "AND", "NOT", "or", "title:", "content:", "source:", "id:", "url:", "foo:",
                                 "http://", "كونيكو", "في", "من", "دير", "الزور", "ـ", "َ", "ﷺ", "١٢", "x"])
JUNK = st.text() | st.lists(QUERY_PIECES, max_size=30).map("".join) | st.lists(QUERY_PIECES, max_size=30).map(" ".join)
COMPILER = QueryCompiler(Analyzer())


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JUNK)
def test_parse_query_never_raises(query: str) -> None:
    clauses = parse_query(query)
    assert isinstance(clauses, tuple)
    assert all(isinstance(c, Clause) and c.occur in ("should", "must", "must_not") for c in clauses)
    assert isinstance(fields_named(clauses), set)
    assert parse_query(query) == clauses  # deterministic


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JUNK)
def test_compiling_junk_raises_only_query_error(query: str) -> None:
    try:
        compiled, terms = COMPILER.compile(query)
    except QueryError:
        return
    assert compiled is not None
    assert isinstance(terms, frozenset)

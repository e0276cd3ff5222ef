"""The Whoosh analyzer adapter gives Whoosh exactly the terms and offsets of arsearch's analyzer."""

from __future__ import annotations

import pickle

from hypothesis import given

from strategies import SETTINGS, TEXTS, with_examples

from arsearch.analysis import Analyzer
from arsearch.engine.whoosh.analyzer import ArabicWhooshAnalyzer


def test_whoosh_adapter_pickles_and_yields_offsets() -> None:
    ana = pickle.loads(pickle.dumps(ArabicWhooshAnalyzer("light")))
    text = "وزارة الخارجية"
    got = [(t.text, t.pos, t.startchar, t.endchar) for t in ana(text, positions=True, chars=True)]
    assert got == [("وزار", 0, 0, 5), ("خارج", 1, 6, 14)]
    assert ana == ArabicWhooshAnalyzer("light") != ArabicWhooshAnalyzer("none")


@SETTINGS
@with_examples
@given(text=TEXTS)
def test_whoosh_adapter_offsets_match_the_analyzer(text: str) -> None:
    """What Whoosh indexes and highlights (chars=True, with start_char) is what ``Analyzer.tokens`` says."""
    expected = [(t.term, t.start + 7, t.end + 7, t.position) for t in Analyzer().tokens(text)]
    got = [(t.text, t.startchar, t.endchar, t.pos)
           for t in ArabicWhooshAnalyzer("light")(text, positions=True, chars=True, start_char=7)]
    assert got == expected

"""Hypothesis strategies shared by the property tests: the characters scraped Arabic news is made of."""

from __future__ import annotations

from hypothesis import HealthCheck, example, settings
from hypothesis import strategies as st

#: Arabic letters, harakat, tatweel, Arabic punctuation and digits, presentation forms and ligatures, invisible
#: joiners and bidi marks, Latin, digits, spaces and punctuation: the characters scraped news is made of.
_ARABIC_HEAVY = st.one_of(
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
    st.characters(min_codepoint=0x0750, max_codepoint=0x077F),
    st.characters(min_codepoint=0x08A0, max_codepoint=0x08FF),
    st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF),
    st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFF),
    st.sampled_from(list("\u200b\u200c\u200d\u200e\u200f\u061c\ufeff\u00ad\u2066\u2069 \n\t.,،؛؟«»\"'-")),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
)
TEXTS = st.one_of(
    st.text(alphabet=_ARABIC_HEAVY, max_size=80),
    st.text(max_size=60),  # anything Unicode has, surrogates included
)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXAMPLES = ["", "قَصَفَتْ فصائلُ «كونيكو»", "ﷺ ﷲ ﻻ", "½ ² ﬁ", "العـــراق", "Straße İstanbul", "٣٫٥ ۱۲"]


def with_examples(test):  # type: ignore[no-untyped-def]
    for text in EXAMPLES:
        test = example(text)(test)
    return test

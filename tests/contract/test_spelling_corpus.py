"""Did you mean on one day of the real SaudiNewsNet corpus (skipped when ../shared/corpus is absent)."""

import json
import zipfile

import pytest

from helpers import CORPUS

from arsearch import Index, index_paths, search
from arsearch.index.words import WORD_FIELDS, document_words

DAY = CORPUS / "2015-07-23.zip"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not DAY.is_file(), reason="SaudiNewsNet corpus not found in ../shared/corpus"),
]


@pytest.fixture(scope="module")
def day_index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    index = Index.create(tmp_path_factory.mktemp("spelling-corpus") / "ix")
    index_paths(index, [DAY])
    return index


@pytest.mark.parametrize("typed, meant", [
    ("وزارةالصحة", "وزارة الصحة"),      # a missing space
    ("السعودبة", "السعودية"),            # a neighbouring key
    ("المملكو العربية", "المملكة العربية"),  # a neighbouring key, respelled as the articles write it
    ("الرياظ", "الرياض"),                # a sound-alike letter
    ("الممكلة", "المملكة"),              # two letters swapped
])
def test_typos_get_the_right_suggestion(day_index: Index, typed: str, meant: str) -> None:
    suggestion = search(day_index, typed).suggestion
    assert suggestion is not None and suggestion.query == meant
    assert suggestion.total == search(day_index, meant).total > 0


def test_headlines_get_no_suggestion(day_index: Index) -> None:
    with zipfile.ZipFile(DAY) as zf:
        titles = [r["title"] for name in zf.namelist() for r in json.loads(zf.read(name))
                  if (r.get("title") or "").strip() and (r.get("content") or "").strip()]
    for title in titles[::10][:40]:
        assert search(day_index, title).suggestion is None, title


def test_suggestions_are_words_the_articles_write(day_index: Index) -> None:
    stored = [day_index.get(doc_id) or {} for doc_id in day_index.stored_states()]
    written = set().union(*(document_words(str(fields[name]) for name in WORD_FIELDS) for fields in stored))
    typos = ["إصلحات", "الطاةلة", "السعودبة", "الممكلة", "وزارةالصحة", "الرياظ", "المملكو", "مجلسالشورى",
             "الحكومه الاقتسادية", "التعليع", "الأمنيو", "المشروغ"]
    suggested = [search(day_index, typo).suggestion for typo in typos]
    assert sum(s is not None for s in suggested) >= len(typos) // 2
    for typo, suggestion in zip(typos, suggested):
        if suggestion is not None:  # the words it changed; the others are the user's
            changed = {w for start, end in suggestion.changed for w in suggestion.query[start:end].split()}
            assert changed and changed <= written, (typo, suggestion.query)

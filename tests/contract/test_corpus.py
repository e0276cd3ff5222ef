"""End to end on a slice of the real SaudiNewsNet corpus (skipped when ../shared/corpus is absent)."""

import json
import zipfile

import pytest

from helpers import CORPUS

from arsearch import Index, index_paths, search

DAY = CORPUS / "2015-07-23.zip"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not DAY.is_file(), reason="SaudiNewsNet corpus not found in ../shared/corpus"),
]


@pytest.fixture(scope="module")
def records() -> list[dict]:
    with zipfile.ZipFile(DAY) as zf:
        return [r for name in zf.namelist() for r in json.loads(zf.read(name))]


@pytest.fixture(scope="module")
def day_index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    index = Index.create(tmp_path_factory.mktemp("corpus") / "ix")
    index_paths(index, [DAY])
    return index


def test_every_record_with_content_is_indexed_once(records: list[dict], day_index: Index) -> None:
    with_content = {r["url"] for r in records if (r.get("content") or "").strip()}
    assert day_index.document_count() == len(with_content)


def test_titles_find_their_article(records: list[dict], day_index: Index) -> None:
    sample = [r for r in records if (r.get("content") or "").strip() and len((r.get("title") or "").split()) >= 4]
    sample = sample[:: max(1, len(sample) // 50)][:50]
    found_first = sum(search(day_index, r["title"], limit=1).hits[0].id == r["url"] for r in sample)
    assert found_first >= 0.9 * len(sample)


def test_hits_carry_corpus_metadata(day_index: Index) -> None:
    hit = search(day_index, "وزارة الصحة", limit=1).hits[0]
    assert hit.source and hit.url.startswith("http") and hit.date is not None
    assert hit.snippet.spans


def test_syndicated_copies_are_grouped_and_collapsed(day_index: Index) -> None:
    stats = day_index.stats()
    assert 0 < stats.duplicate_groups < stats.grouped_documents < stats.documents
    results = search(day_index, "خادم الحرمين الشريفين", limit=50)
    assert len({hit.group for hit in results.hits}) == len(results.hits) == 50
    copies = [hit for hit in results.hits if hit.duplicates]
    assert copies and all(d.id != hit.id for hit in copies for d in hit.duplicates)

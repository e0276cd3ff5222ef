"""Where an opensearch index lives (``opensearch.json``), without a cluster."""

from __future__ import annotations

from pathlib import Path

from arsearch.engine.opensearch.location import Location, place, read_location, write_location


def test_the_first_of_two_first_runs_places_the_folder_and_the_second_adopts_it(tmp_path: Path) -> None:
    first = Location(url="http://127.0.0.1:9200", index="news", creator="first")
    assert write_location(tmp_path, first, replacing=False)
    assert not write_location(tmp_path, Location(url="http://127.0.0.1:9200", index="news", creator="second"),
                              replacing=False)
    assert read_location(tmp_path) == first
    assert place(tmp_path).creator == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["opensearch.json"]


def test_a_new_url_replaces_the_folder_s_location_and_its_creator(tmp_path: Path) -> None:
    placed = place(tmp_path, url="http://127.0.0.1:9200", index="news")
    moved = place(tmp_path, url="http://127.0.0.1:9201")
    assert read_location(tmp_path) == moved
    assert moved.url == "http://127.0.0.1:9201" and moved.index == "news"
    assert moved.creator != placed.creator

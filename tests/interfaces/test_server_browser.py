"""The search page in a real headless browser: Debian's chromium driven by Playwright (skipped without them)."""

from __future__ import annotations

import json
import shutil
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the page tests need the server extra")
sync_api = pytest.importorskip("playwright.sync_api", reason="the page tests need Playwright (the test extra)")

from serving import build_server_index, running_server  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
if not Path(CHROMIUM).exists():
    pytest.skip("no chromium to drive (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, engine_name: str) -> Iterator[str]:
    with running_server(build_server_index(tmp_path_factory.mktemp("page"), engine_name)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except sync_api.Error as exc:
            pytest.skip(f"chromium does not start: {str(exc).splitlines()[0]}")
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    page = browser.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base_url + "/")
    yield page
    page.close()
    assert errors == []


def search_for(page: Any, text: str) -> None:
    page.fill("#q", text)
    page.press("#q", "Enter")
    page.wait_for_selector("#results .hit")


def marks(page: Any) -> list[str]:
    return page.locator("#results mark").all_text_contents()


def test_typing_a_query_shows_highlighted_arabic_results(page: Any) -> None:
    search_for(page, "كونيكو")
    assert page.locator("#results .hit").count() == 10
    found = marks(page)
    assert found and set(found) == {"كونيكو"}
    assert "قاعدة" in page.locator("#results .hit .snippet").first.text_content()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('.snippet')).direction") == "rtl"
    assert "q=%D9%83" in page.url  # the query is in the address, so the page can be bookmarked


def test_paging_forward_and_back(page: Any) -> None:
    search_for(page, "كونيكو")
    first_page = page.locator("#results .hit h2").all_text_contents()
    assert page.is_visible("#pager") and page.is_disabled("#prev")
    page.click("#next")
    page.wait_for_function("document.querySelector('#status').textContent.includes('(11–')")
    assert "offset=10" in page.url and page.is_enabled("#prev")
    assert page.locator("#results .hit h2").all_text_contents() != first_page
    page.go_back()
    page.wait_for_function("document.querySelector('#status').textContent.includes('(1–')")
    assert page.locator("#results .hit h2").all_text_contents() == first_page


def test_date_filters(page: Any) -> None:
    search_for(page, "المملكة")
    assert page.locator("#results .hit").count() == 5
    page.fill("#since", "2016-01-01")
    page.fill("#until", "2016-12-31")
    page.press("#q", "Enter")
    page.wait_for_function("document.querySelectorAll('#results .hit').length === 2")
    assert sorted(page.locator("#results .meta").all_text_contents()) == ["Alriyadh · 2016-06-20", "SPA · 2016-11-02"]
    assert "since=2016-01-01" in page.url


def test_offsets_count_code_points_so_marks_land_after_emoji(page: Any, base_url: str) -> None:
    """Python's offsets count code points; JavaScript strings count UTF-16 units (🙂 is two)."""
    query = "كونيكو رموز"
    with urllib.request.urlopen(f"{base_url}/api/search?{urllib.parse.urlencode({'q': query})}") as response:
        hit = next(h for h in json.load(response)["hits"] if h["id"] == "emoji")
    expected = [hit["snippet"][start:end] for start, end in hit["highlights"]]
    assert "🙂" in hit["snippet"] and any("كونيكو" in text for text in expected)
    search_for(page, query)
    assert page.locator(".hit", has_text="🙂🙂").locator(".snippet mark").all_text_contents() == expected


def test_document_text_is_never_markup(page: Any) -> None:
    search_for(page, "نص كونيكو script")
    hit = page.locator(".hit", has_text="<img")
    assert hit.locator("h2").text_content() == '<img src="x" onerror="window.injected=1">'
    assert "<script>" in hit.locator(".snippet").text_content()
    assert hit.locator("img, script, b").count() == 0 and hit.locator("a").count() == 0  # javascript: not linked
    assert page.evaluate("window.injected") is None


def test_a_late_answer_to_an_older_search_is_dropped(page: Any) -> None:
    held: list[Any] = []
    page.route("**/api/search?*", lambda route: route.continue_() if held else held.append(route))
    page.fill("#q", "المملكة")
    page.press("#q", "Enter")  # its answer is held back
    search_for(page, "كونيكو")
    with page.expect_response(lambda response: response.url == held[0].request.url):
        held[0].continue_()
    page.wait_for_timeout(300)  # time for the page to handle the late answer
    assert set(marks(page)) == {"كونيكو"} and "q=%D9%83" in page.url


def test_an_error_is_shown_in_arabic_and_resets_the_pager(page: Any) -> None:
    search_for(page, "كونيكو")
    assert page.is_visible("#pager") and page.is_enabled("#next")
    page.fill("#q", "foo:bar")
    page.press("#q", "Enter")
    page.wait_for_selector("#status.error")
    assert page.text_content("#status").startswith("لم يُفهم البحث")
    assert page.text_content("#status bdi") and "unknown field 'foo'" in page.text_content("#status bdi")
    assert page.get_attribute("#status bdi", "dir") == "ltr"
    assert not page.is_visible("#pager") and page.is_disabled("#next") and page.is_disabled("#prev")
    assert page.locator("#results .hit").count() == 0


def test_no_pager_on_the_empty_home_page_nor_for_one_page(page: Any) -> None:
    assert not page.is_visible("#pager") and page.text_content("#page") == ""
    search_for(page, "المملكة")  # 5 hits: one page
    assert page.locator("#results .hit").count() == 5 and not page.is_visible("#pager")


def test_paging_counts_stories_when_copies_are_folded(page: Any, base_url: str) -> None:
    query = "كونيكو"
    with urllib.request.urlopen(f"{base_url}/api/search?{urllib.parse.urlencode({'q': query, 'facets': 'true'})}"
                                ) as response:
        answer = json.load(response)
    pages = -(-answer["groups"] // 10)
    search_for(page, query)
    assert page.text_content("#page") == f"صفحة 1 من {pages}"
    for _ in range(pages - 1):
        page.click("#next")
        page.wait_for_function(f"document.querySelector('#page').textContent.startsWith('صفحة {_ + 2} ')")
    assert page.locator("#results .hit").count() > 0 and page.is_disabled("#next")  # the last page is not empty


def test_a_partial_answer_is_shown(page: Any) -> None:
    words = "كونيكو " + " ".join(f"كلمة{n}" for n in range(70))  # more words than one search may look up
    search_for(page, words)
    assert page.is_visible("#partial") and "إجابة جزئية" in page.text_content("#partial")
    search_for(page, "كونيكو")
    assert not page.is_visible("#partial")


def test_on_a_narrow_screen_the_hits_come_before_the_folded_facets(browser: Any, base_url: str) -> None:
    page = browser.new_page(viewport={"width": 420, "height": 800})
    try:
        page.goto(base_url + "/?q=%D9%83%D9%88%D9%86%D9%8A%D9%83%D9%88")
        page.wait_for_selector("#results .hit")
        first_hit = page.locator("#results .hit").first.bounding_box()
        facets = page.locator("#facets").bounding_box()
        assert first_hit["y"] < facets["y"]
        assert page.locator("#facets details.facets-fold").count() == 1
        assert not page.locator("#facets details.facets-fold").evaluate("node => node.open")
    finally:
        page.close()


def test_source_filter_and_facets_from_the_server(page: Any) -> None:
    search_for(page, "المملكة")
    assert page.locator("#facets > ul").first.locator("li").all_text_contents()[0] == "spa (2)"
    page.fill("#source", "spa")
    page.press("#q", "Enter")
    page.wait_for_function("document.querySelectorAll('#results .hit').length === 2")
    assert page.locator("#results .meta").all_text_contents() == ["SPA · 2016-11-02", "SPA · 2015-01-10"]
    page.select_option("#sort", "date")
    # the address changes when the search starts, the results when its answer arrives
    page.wait_for_function("location.search.includes('sort=date') && "
                           "document.querySelectorAll('#results .hit').length === 2")
    assert page.locator("#results .meta").all_text_contents() == ["SPA · 2016-11-02", "SPA · 2015-01-10"]


ENRICHED = {  # the whole-result keys the page renders, in the shapes of SearchResults.to_dict()
    "query": "كونيكو", "total": 1, "elapsed_ms": 3.0, "suggestion": {"query": "كونيكو حقل", "total": 3},
    "facets": {"source": [{"value": "okaz", "count": 3}, {"value": None, "count": 1}],
               "month": [{"value": "2015-02", "count": 2}, {"value": None, "count": 2}],
               "day": [{"value": f"2015-02-{n:02d}", "count": 1} for n in range(1, 13)]},
    "hits": [{"id": "a", "title": "عنوان", "score": 1.0, "snippet": "قاعدة كونيكو", "date": "2020-01-02T00:00:00",
              "source": "okaz", "url": "https://example.com/a", "path": "", "rank": 1, "highlights": [[6, 12]],
              "group": "a", "duplicate_count": 1,
              "duplicates": [{"id": "b", "source": "spa", "date": "2020-01-03T00:00:00"}]}],
}


@pytest.fixture
def enriched(page: Any, base_url: str) -> list[str]:
    """The page with the server's search answers replaced by :data:`ENRICHED`; returns the URLs of the searches
    it makes."""
    requests: list[str] = []

    def fake_search(route: Any) -> None:
        requests.append(route.request.url)
        route.fulfill(status=200, content_type="application/json", body=json.dumps(ENRICHED))

    page.route("**/api/search?*", fake_search)
    page.goto(base_url + "/")
    for name in ("source", "sort", "all"):
        page.wait_for_selector(f"[data-param={name}]", state="visible")
    search_for(page, "كونيكو")
    return requests


def test_suggestion_duplicates_and_new_parameters(page: Any, enriched: list[str]) -> None:
    """Rendering of the suggestion and the copies, and the source/sort/all controls: the server's answers are
    replaced by the shapes above (the library side is tested where it is built)."""
    assert page.text_content("#suggestion a") == "كونيكو حقل"
    assert page.text_content(".duplicates summary") == "نسخة أخرى من الخبر"
    assert page.get_attribute(".duplicates li bdi", "dir") == "ltr"  # an id as written, never reordered
    assert page.get_attribute(".hit h2 a", "href") == "https://example.com/a"
    assert "facets=true" in enriched[-1] and "facets=" not in page.url  # asked of the API, not in the address
    page.select_option("#sort", "date")
    page.check("#all")
    page.fill("#source", "okaz، spa")
    page.press("#q", "Enter")
    page.wait_for_function("location.search.includes('source=spa')")
    assert all(part in enriched[-1] for part in ("source=okaz&source=spa", "sort=date", "all=true"))
    page.click("#suggestion a")
    page.wait_for_function("document.querySelector('#q').value === 'كونيكو حقل'")


def test_facets_list_counts_and_filter_when_clicked(page: Any, enriched: list[str]) -> None:
    assert page.locator("#facets h3").all_text_contents() == ["المصادر", "الأشهر", "الأيام"]
    assert page.locator("#facets > ul").nth(0).locator("li").all_text_contents() == ["okaz (3)", "بلا مصدر (1)"]
    assert page.locator("#facets > ul").nth(1).locator("li").all_text_contents() == ["2015-02 (2)", "بلا تاريخ (2)"]
    assert page.locator("#facets > ul").nth(2).locator("li").count() == 10
    assert page.text_content("#facets details summary") == "و2 أخرى"
    assert page.locator("#facets button", has_text="بلا").count() == 0  # no value to filter by
    page.click("#facets button:has-text('okaz')")
    page.wait_for_function("location.search.includes('source=okaz')")
    asked_for(page, enriched, "source=okaz")
    page.click("#facets button:has-text('2015-02 (2)')")
    page.wait_for_function("location.search.includes('until=2015-02-28')")
    asked_for(page, enriched, "since=2015-02-01", "until=2015-02-28")


def asked_for(page: Any, enriched: list[str], *parts: str) -> None:
    """The page's last request to the API has every one of ``parts`` (the address changes before it is sent)."""
    for _ in range(100):
        if enriched and all(part in enriched[-1] for part in parts):
            return
        page.wait_for_timeout(50)
    assert enriched and all(part in enriched[-1] for part in parts), enriched[-1:]


STORY = ("أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في مدينة الرياض بسعة خمسمئة سرير، ويضم المستشفى أقساما "
         "للطوارئ والعناية المركزة وجراحة القلب، وقال الوزير إن المشروع يأتي ضمن خطة لتطوير الخدمات الصحية في "
         "مناطق المملكة كافة خلال الأعوام الخمسة المقبلة، وإن العمل جار على إنشاء مستشفيات أخرى في جدة والدمام")
COPIES = [{"id": f"copy{n}", "title": f"افتتاح مستشفى جديد في الرياض {n}", "content": STORY, "source": source,
           "url": f"https://{source}.example/news/مستشفى-الرياض-{n}", "date": f"2015-07-2{n}"}
          for n, source in enumerate(("okaz", "spa", "alriyadh"), start=1)]


@pytest.fixture(scope="module")
def copies_url(tmp_path_factory: pytest.TempPathFactory, engine_name: str) -> Iterator[str]:
    from arsearch import Index

    path = tmp_path_factory.mktemp("copies") / "index"
    with Index.create(path, engine=engine_name) as index:
        index.add(COPIES)
    with running_server(path) as url:
        yield url


def test_a_storys_copies_are_titled_links_with_their_urls_left_to_right(browser: Any, copies_url: str) -> None:
    page = browser.new_page()
    try:
        page.goto(copies_url + "/?q=" + urllib.parse.quote("مستشفى الرياض"))
        page.wait_for_selector("#results .hit")
        assert page.locator("#results .hit").count() == 1  # the three copies are one story
        page.click(".duplicates summary")
        # each copy becomes a link when its own fetch of /api/documents answers: wait for both, not the first
        page.wait_for_function("document.querySelectorAll('.duplicates li a').length >= 2")
        links = page.locator(".duplicates li a")
        assert links.count() == 2
        shown = [d for d in COPIES if d["title"] in links.all_text_contents()]
        assert len(shown) == 2
        for copy in shown:
            link = page.locator(".duplicates li a", has_text=copy["title"])
            assert urllib.parse.unquote(link.get_attribute("href")) == copy["url"]
            address = link.locator("xpath=..").locator(".url bdi")
            assert address.get_attribute("dir") == "ltr" and address.text_content() == copy["url"]
    finally:
        page.close()

import pytest

from helpers import SEEDS

from arsearch.ingest.cleanup import clean_article

pytestmark = pytest.mark.engine_independent


BODY = "فقرة أولى من الخبر عن القصف.\n\n" * 10


@pytest.mark.parametrize("marker", ["اقرأ أيضاً", "إقرأ أيضاً:", "اقرأ ايضا", "اقرا أيضا :"])
def test_read_also_line_and_its_headline_are_dropped(marker: str) -> None:
    text = f"{BODY}{marker}\n\nعنوان خبر آخر لا علاقة له\n\nبقية الخبر الأصلي."
    cleaned = clean_article(text)
    assert "عنوان خبر آخر" not in cleaned and marker.strip(" :") not in cleaned
    assert cleaned.endswith("بقية الخبر الأصلي.")


def test_long_line_after_read_also_is_kept() -> None:
    long_line = "جملة طويلة من الخبر نفسه " * 10
    assert long_line.strip() in clean_article(f"{BODY}اقرأ أيضاً\n{long_line}\n")


@pytest.mark.parametrize("trailer", ["كلمات دلالية: العراق", "مقالات مشابهة", "المصدر: وكالة", "المصدر | موقع"])
def test_trailer_in_second_half_cuts_the_rest(trailer: str) -> None:
    assert clean_article(f"{BODY}{trailer}\nخبر آخر ملحق") == BODY.rstrip()


def test_trailer_in_first_half_is_kept() -> None:
    text = "المصدر: وزارة الصحة أعلنت اليوم\n" + BODY
    assert clean_article(text).rstrip() == text.rstrip()


def test_seed_article_loses_the_appended_unrelated_article() -> None:
    raw = (SEEDS / "konico-iraqi-factions-rocket-attack.txt").read_text(encoding="utf-8")
    cleaned = clean_article(raw)
    assert "أدوية الأورام" in raw and "أدوية الأورام" not in cleaned
    assert "قصف أمريكي لمواقع حزب الله العراقي" not in cleaned  # a "read also" headline
    assert cleaned.startswith(raw[:200])
    assert "وتأسس التحالف الدولي ضد \"داعش\"" in cleaned


def test_clean_text_is_unchanged() -> None:
    raw = (SEEDS / "konico-islamic-resistance-claims-attack.txt").read_text(encoding="utf-8")
    assert clean_article(raw) == raw

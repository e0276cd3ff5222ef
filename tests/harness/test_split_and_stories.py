"""The held-out split and the story-level view of the known items (benchmarks/evaluation/split.py, stories.py)."""

from __future__ import annotations

from benchmarks.evaluation.split import HALVES, MINING_SOURCES, half_of
from benchmarks.evaluation.stories import SAME_STORY, Stories, jaccard, shingles
from benchmarks.relevance import difference_error, story_scores

STORY = "أعلنت وزارة الصحة اليوم عن حملة وطنية للتطعيم ضد الإنفلونزا في جميع مناطق المملكة تبدأ الأسبوع المقبل"


def test_every_source_has_one_half_and_both_halves_have_sources() -> None:
    assert {half_of(s) for s in MINING_SOURCES} == {"mining"}
    assert half_of(" AlRiyadh ") == "mining"
    assert half_of("aljazirah") == half_of("") == "held-out"
    assert set(HALVES) == {"mining", "held-out"}


def test_a_near_copy_is_the_same_story_and_another_story_is_not() -> None:
    copy = STORY + " وفق ما ذكرت الوزارة"
    other = "فاز الهلال على النصر في مباراة الدوري السعودي للمحترفين مساء أمس على ملعب الملك فهد الدولي"
    stories = Stories({"a": STORY, "b": copy, "c": other})
    assert jaccard(shingles(STORY), shingles(copy)) >= SAME_STORY > jaccard(shingles(STORY), shingles(other))
    assert stories.story_rank(["c", "b", "a"], "a") == 2
    assert stories.story_rank(["c"], "a") is None
    assert stories.story_rank(["c"] * 10 + ["a"], "a") is None  # only the first 10 count


def test_story_scores_and_the_error_of_a_difference() -> None:
    assert story_scores([1, None, 2, 4]) == ((1 + 0.5 + 0.25) / 4, 0.75)
    assert story_scores([]) == (0.0, 0.0)
    assert difference_error([[1.0, 1.0], [0.0, 0.0]]) == 0.0
    assert abs(difference_error([[1.0, 0.0], [1.0, 0.0]]) - (0.25 + 0.25) ** 0.5) < 1e-12

"""The entity evaluation's forms, judgments and metrics (benchmarks/entities.py), on hand-made data."""

from arsearch.analysis import normalize
from benchmarks.entities import expand, judge, load_names, precision_at, r_precision, with_clitics
from benchmarks.evaluation.corpus import Article


def test_clitics_go_on_the_article_and_on_bare_forms() -> None:
    assert {"البحرين", "بالبحرين", "للبحرين", "والبحرين"} <= set(with_clitics("البحرين"))
    assert {"فرنسا", "بفرنسا", "لفرنسا", "وبفرنسا"} <= set(with_clitics("فرنسا"))


def test_nisba_endings_with_and_without_the_article() -> None:
    forms = expand(["فرنسا"], ["فرنسي"])
    assert {"الفرنسيه", "فرنسيين", "والفرنسيون", "للفرنسيات"} <= forms
    assert "فرنس" not in forms


def test_judgment_is_on_whole_normalized_words() -> None:
    names = [n for n in load_names() if n.name == "bahrain"]
    articles = [Article("a", "", "زار وفدٌ البحرينَ أمس"), Article("b", "", "على شاطئ البحر"),
                Article("c", "", "قال مسؤول بحريني"), Article("d", "", "البحرينيات")]
    assert judge(articles, names) == {"bahrain": {"a", "c", "d"}}


def test_precision_and_r_precision() -> None:
    relevant = {"a", "b", "c"}
    assert precision_at(["a", "x", "b"], relevant, 10) == 0.2
    assert r_precision(["a", "x", "b", "c"], relevant) == 2 / 3
    assert r_precision(["a"], relevant) == 1 / 3


def test_the_names_file_has_more_than_100_names_each_with_its_query_form() -> None:
    names = load_names()
    assert len(names) >= 100 and len({n.name for n in names}) == len(names)
    assert all(normalize(n.query) in n.forms for n in names)

"""Questions typed as questions: the words that only say what kind of answer is asked for carry no content.

The question words themselves (ما، من، متى، كم، أين، لماذا، كيف، هل، أي …) are stopwords and are dropped with
the others.  What remains of the phrasing is the word right after them that names the kind of answer, not its
subject: «كم **عدد** قتلى …», «ماذا **قال** سلفاكير …», «أين **يقع** شارع …», «ما **سبب** …».  When a query opens
with a question word, such a word is dropped too, if content words remain after it.
"""

from __future__ import annotations

from arsearch.analysis import Analyzer, normalize
from arsearch.search.syntax import Clause, Word

#: Question words a query may open with (normalized).
QUESTION_WORDS = frozenset({"ما", "ماذا", "من", "متي", "كم", "اين", "لماذا", "كيف", "هل", "اي", "ايه", "ايش",
                            "ماهو", "ماهي", "مالذي", "لم"})
#: Words that, right after a question word, name the kind of answer (normalized).
ANSWER_KINDS = frozenset({"عدد", "اسم", "سبب", "اسباب", "نوع", "حجم", "قيمه", "نسبه", "مقدار", "مدي", "معني",
                          "قال", "قالت", "يقع", "تقع", "يوجد", "توجد", "الذي", "التي"})


def _plain_word(clause: Clause) -> str | None:
    """The normalized text of a clause that is one plain word searched in the text fields, else None."""
    if clause.occur != "should" or not isinstance(clause.node, Word) or clause.node.field:
        return None
    return normalize(clause.node.text)


def without_answer_kind(clauses: tuple[Clause, ...], analyzer: Analyzer) -> tuple[Clause, ...]:
    """``clauses`` without the word that names the kind of answer after an opening question word."""
    opened = False
    for n, clause in enumerate(clauses):
        word = _plain_word(clause)
        if word is None:
            return clauses
        if word in QUESTION_WORDS:
            opened = True
            continue
        if all(token.stopword for token in analyzer.tokens(clause.node.text)):  # type: ignore[union-attr]
            continue
        if not opened or word not in ANSWER_KINDS:
            return clauses
        rest = clauses[n + 1:]
        has_content = any(not token.stopword for c in rest if isinstance(c.node, Word)
                          for token in analyzer.tokens(c.node.text))
        return clauses[:n] + rest if has_content else clauses
    return clauses

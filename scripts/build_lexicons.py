"""Build the stemmer's corpus-derived word lists in arsearch/data/ from the mining half of SaudiNewsNet.

Only the documents of the mining half (``benchmarks/evaluation/split.py``: by source) are read, so that every
quality figure can also be measured on the held-out half, text the lists were not mined from.

c() is the count of a normalized word in the corpus (titles and contents); x is the word without its first letter.

- waw_words.txt: words whose initial و belongs to the word (وزاره, واشنطن), so the stemmer keeps it. A word
  w = و + x (x at least 3 letters) keeps its و on
  - definite evidence: ال+w is common (c(ال+w) >= MIN_COUNT and >= DEFINITE_SHARE * c(w)) and clearly more
    common than ال+x (c(ال+w) > 2 * c(ال+x)): الوزاره, الوصول — verbs such as واضاف never take ال; or
  - bare evidence: x is almost never seen on its own (c(x) + c(ال+x) <= BARE_RATIO * c(w), c(w) >= MIN_COUNT).
- proclitic_words.txt: words that start with one of the prepositions/particles ب ل ك ف written onto the next
  word (بتركيا, لإيران), so the stemmer strips that letter. The default is to keep it (بيت, لبنان, كبير, فريق):
  a word is listed only if x is a common word compared with w (c(x) + c(ال+x) >= PROCLITIC_SHARE * c(w),
  c(w) >= MIN_COUNT) and w has neither kind of evidence above for keeping its first letter, nor takes the article
  itself (c(ال+w) >= max(MIN_COUNT, DEFINITE_SHARE * c(w)): a preposition is never written after ال, so البعيد,
  الكامل, الفكره say that بعيد, كامل, فكره are words and not ب+عيد, ك+امل, ف+كره).
- double_lam_words.txt: words لل + x where the first ل is the preposition and the second belongs to the word
  (لليبيا, للاعبين), so the stemmer strips one ل and not the article لل: x = w[1:] is common compared with w
  (c(x) + c(ال+x) >= PROCLITIC_SHARE * c(w), c(w) >= MIN_COUNT) and more common than the article reading
  ال + w[2:] (اليبيا, الاعبين) and than x without its ل (لاستضافه is ل + استضافه: للاستضافه keeps لل).
- name_words.txt: words whose ending looks like a suffix but is not one, each with the forms that share its
  term (names news is about: البحرين, لبنان, فلسطين, فرنسا). One line per term, the term first. A word w (seen
  alone or after ال, without a clitic prefix the stemmer strips, at least 4 letters, c(w) + c(ال+w) >=
  NAME_MIN_COUNT) is listed when
  - nisba: w ends in ان ين ون ات, which the stemmer would strip, and its nisba adjective is common with the
    article (c(ال+w+ي) + c(ال+w+يه) + c(ال+w+يين) + c(ال+w+يون) >= NISBA_SHARE * (c(w) + c(ال+w)); with the
    article, because w+ي alone may be "my w"): بحرين/البحريني, لبنان, قانون/القانوني, انسان/الانساني; or
  - not a dual: w ends in ان, w without it is a word (c(s) + c(ال+s) >= NISBA_SHARE * (c(w) + c(ال+w)):
    سلم, ظهر, طير, which the stemmer would confuse with w), and the oblique dual that every
    real dual has is almost never seen (c(s+ين) + c(ال+s+ين) < DUAL_SHARE * (c(w) + c(ال+w))): سلمان,
    الظهران, طيران, مهرجان, but not طرفان (طرفين); verbs (يقومان) and feminine duals (s ending in ت) are left
    out; or
  - a country ending in ا: w takes the article almost never (c(ال+w) <= ARTICLE_SHARE * c(w)), is seen after
    the prepositions ب and ل (c(ب+w) + c(ل+w) >= PREPOSITION_MIN and >= PREPOSITION_SHARE * c(w), but not
    more than w alone: لدينا is no country; اولا, firstly, is seen 7 times in 482 after them), w without its ا
    is a rarer word than w (عدنا is عدن + نا), and its nisba n (w
    without ا, or w with ا replaced by ي: روسيا/روسي, فرنسا/فرنسي) is common with the article as above:
    فرنسا, روسيا, امريكا, المانيا; adverbs (رسميا, حاليا) are never seen after ب and ل; the nisba must be
    seen in the feminine with the article too (الموتي, the dead, is no nisba of موتا).
  Each listed word shares its term with its nisba adjective and that adjective's endings (ه ين ون ان تين تان
  ات); NISBA_ALIASES and ALIASES add irregular adjectives (الاسيوي, النمساوي), spelling variants and plurals
  the rules cannot see (اميركا, الامريكان, الاتراك), and keep السعودي apart from the name سعود.
- article_words.txt: words whose article belongs to them, so the stemmer keeps ال in their term (with any
  clitic: بالظهران, للظهران → الظهران) and their bare form keeps its own. One line per term, the term first.
  - a name whose article form is another name: a term t of name_words.txt whose article forms (ال+t with its
    clitics) and bare forms (t, و+t, ب+t …) are each seen in at least SPLIT_MIN_DOCS documents, and whose two
    sets of documents are about different things: the cosine of their idf-weighted words (the share of the
    documents that has each word, times log(N / df); stopwords, words of under 3 letters or 5 documents and
    the name's own forms left out) is below SPLIT_SIMILARITY. الظهران (the city) and ظهران (الجنوب, in Asir),
    الكاميرون and كاميرون (Cameron), الامارات (the UAE) and امارات (governorates), family names against first
    names (العثمان, الحمدان); القانون/قانون, السلمان/سلمان are not split. The nisba forms go with the side their
    own documents resemble more (الكاميروني, الاماراتيه with the article).
  - a family name in ي: ال+w, w ending in ي, seen at least NAME_MIN_COUNT times with the article, where the
    bare w, its feminine and its plurals (w+ه, w+ين, w+ون, with and without the article) are together at most
    FAMILY_SHARE of that, and w is no nisba of name_words.txt (الفرنسي stays with فرنسا) nor ال+w a stopword:
    المالكي, البغدادي, القحطاني, السيسي; العربي and الدولي have feminines and stay adjectives.
- pronoun_words.txt: words w = s + P with a pronoun suffix P (هما كما هم هن كم نا ها ه), each with the word
  the stemmer goes on with: s, or s with its ت restored to teh marbuta (ه) when that is the more common word
  (حكومتها → حكومه, مدرسته → مدرسه, but بيتها → بيت). A word is listed when s keeps at least 3 letters, w
  almost never takes the article (c(ال+w) <= ARTICLE_SHARE * c(w): a suffixed word never does; المحاكم,
  المساهم do), c(w) >= MIN_COUNT and the base is a common word (c(b) + c(ال+b) >= PROCLITIC_SHARE * c(w)):
  كتابهم → كتاب; محاكم, فيينا stay; and the base is no stopword (علينا, بينهما stay: a query for them would
  search the stopwords على, بين). For ها and ه, which the stemmer strips anyway, only words whose ت is
  restored are listed.
  The same list holds the duals of words in teh marbuta (a suffix after ت, which the stemmer would leave on
  the stem: مدينتين → مدينت, not مدين): w = s + E with E a dual ending (ان ين, or ي of the construct dual:
  محافظتي جازان ونجران), s ending in ت and keeping at least 4 letters, each with s's ت restored to ه when
  that form is the common word and the ت form is not (c(b) + c(ال+b) > c(s) + c(ال+s), and at least
  DUAL_SHARE_OF_BASE times w's c(w) + c(ال+w)): دولتين → دوله, ساعتين → ساعه, مدينتي → مدينه; بيتين and
  وقتين keep their ت (بيت, وقت are the words), مارتين (Martin) is not a dual of ماره.

Run:  python scripts/build_lexicons.py ../shared/corpus/saudinewsnet
"""

from __future__ import annotations

import collections
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout's arsearch and benchmarks

from arsearch.analysis.normalize import normalize
from arsearch.analysis.stopwords import load_stopwords
from arsearch.analysis.tokenize import tokenize
from arsearch.documents import Document
from arsearch.ingest.sources import discover, read_documents
from benchmarks.evaluation.split import half_of

MIN_COUNT = 3
DEFINITE_SHARE = 0.05
BARE_RATIO = 0.01
PROCLITIC_SHARE = 0.5
PROCLITICS = "بلكف"
NAME_MIN_COUNT = 20
NISBA_SHARE = 0.05
DUAL_SHARE = 0.02
ARTICLE_SHARE = 0.05
PREPOSITION_MIN = 2
PREPOSITION_SHARE = 0.02
PRONOUNS = ("هما", "كما", "هم", "هن", "كم", "نا", "ها", "ه")
#: Dual endings after teh marbuta written as ت (مدينتان, مدينتين, the construct مدينتي).
DUAL_ENDINGS = ("ان", "ين", "ي")
#: The teh-marbuta form of a dual's stem is at least this many times as common as the dual.
DUAL_SHARE_OF_BASE = 2
NISBA_ENDINGS = ("", "ه", "ين", "ون", "ان", "تين", "تان", "ات")
#: Irregular nisba adjectives (normalized) and the word they share a term with; their endings go with them.
#: السعودي is listed as its own word so that the country's adjective stops meeting the first name سعود.
NISBA_ALIASES = {"اسيوي": "اسيا", "نمساوي": "نمسا", "سعودي": "سعودي"}
#: Written forms that mean a listed word but that no rule above finds (normalized; the listed word second).
ALIASES = {
    "اميركا": "امريكا", "امريكان": "امريكا", "اميركان": "امريكا", "افغان": "افغانستان", "اسبان": "اسبانيا",
    "اتراك": "تركيا", "المان": "المانيا", "روس": "روسيا", "جيزان": "جازان", "اوربا": "اوروبا",
}
#: Article-bound words: a name whose article form and bare form occur in documents this unlike (cosine of their
#: documents' idf-weighted words) is two names; each side needs SPLIT_MIN_DOCS documents (10 on the mining
#: half: the bare side of a name the news writes with its article is rare, إمارات in 12 documents).
SPLIT_SIMILARITY = 0.35
SPLIT_MIN_DOCS = 10
#: A family name in ي: its bare form and its feminine and plural forms are at most this share of its article forms.
FAMILY_SHARE = 0.1
ARTICLE_PREFIXES = ("ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وبال", "فبال", "وكال", "فكال")
BARE_PREFIXES = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
DATA = Path(__file__).resolve().parents[1] / "arsearch" / "data"


def corpus_words(folder: Path) -> tuple[collections.Counter[str], list[frozenset[str]]]:
    """The count of every normalized word, and the set of words of each document, over the mining half."""
    counts: collections.Counter[str] = collections.Counter()
    documents: list[frozenset[str]] = []
    normal: dict[str, str] = {}
    sources, _ = discover([folder])
    for source in sources:
        for doc in read_documents(source):
            if isinstance(doc, Document) and half_of(doc.source) == "mining":
                words = [normal.get(s) or normal.setdefault(s, normalize(s))
                         for s, _, _ in tokenize(f"{doc.title}\n{doc.content}")]
                counts.update(words)
                documents.append(frozenset(words))
    return counts, documents


class Lexicons:
    def __init__(self, counts: collections.Counter[str], documents: list[frozenset[str]] | None = None) -> None:
        self.counts = counts
        self.documents = documents or []

    def c(self, word: str) -> int:
        return self.counts.get(word, 0)

    def keeps_first_letter(self, w: str) -> bool:
        x = w[1:]
        definite = self.c("ال" + w) >= max(MIN_COUNT, DEFINITE_SHARE * self.c(w)) \
            and self.c("ال" + w) > 2 * self.c("ال" + x)
        bare = self.c(w) >= MIN_COUNT and self.c(x) + self.c("ال" + x) <= BARE_RATIO * self.c(w)
        return definite or bare

    def waw_words(self) -> list[str]:
        return sorted(w for w in self.counts if w.startswith("و") and len(w) >= 4 and self.keeps_first_letter(w))

    def double_lam_words(self) -> list[str]:
        return sorted(
            w for w in self.counts
            if w.startswith("لل") and len(w) >= 5 and self.c(w) >= MIN_COUNT
            and self.family(w[1:]) >= max(PROCLITIC_SHARE * self.c(w), 1 + self.c("ال" + w[2:]))
            and self.family(w[1:]) > self.family(w[2:])
        )

    def family(self, w: str) -> int:
        return self.c(w) + self.c("ال" + w)

    def nisba_with_article(self, nisba: str) -> int:
        return sum(self.c("ال" + nisba + ending) for ending in ("", "ه", "ين", "ون"))

    def ending_is_no_suffix(self, w: str) -> bool:
        family = self.family(w)
        if w.endswith(("ان", "ين", "ون", "ات")) and self.nisba_with_article(w + "ي") >= NISBA_SHARE * family:
            return True
        s = w[:-2]
        return (w.endswith("ان") and w[0] not in "يتن" and not s.endswith("ت") and self.family(s) >= NISBA_SHARE * family
                and self.family(s + "ين") < DUAL_SHARE * family)

    def is_country_in_alef(self, w: str) -> bool:
        nisba = w[:-1] if w.endswith("يا") else w[:-1] + "ي"
        after = (self.c("ب" + w), self.c("ل" + w))
        return (w.endswith("ا") and self.c("ال" + w) <= ARTICLE_SHARE * self.c(w)
                and max(PREPOSITION_MIN, PREPOSITION_SHARE * self.c(w)) <= sum(after) <= self.c(w)
                and (w.endswith("يا") or self.family(w[:-1]) < self.family(w)) and self.nisba_with_article(nisba) >= NISBA_SHARE * self.family(w)
                and self.c("ال" + nisba + "ه") >= 1)

    def name_words(self) -> list[str]:
        """Lines ``term form form ...``."""
        from arsearch.analysis.stem import strip_prefix, strip_suffixes

        waw = set(self.waw_words())
        words = {}
        for w in sorted(set(self.counts) | {w[2:] for w in self.counts if w.startswith("ال")}):
            if len(w) < 4 or self.family(w) < NAME_MIN_COUNT:
                continue
            unprefixed = strip_prefix(w, waw) == w
            if unprefixed and strip_suffixes(w) != w and self.ending_is_no_suffix(w):
                words[w] = w + "ي"
            elif (unprefixed or w.startswith("ال") and self.c(w[2:]) <= ARTICLE_SHARE * self.c(w)) \
                    and self.is_country_in_alef(w):
                words[w] = w[:-1] if w.endswith("يا") else w[:-1] + "ي"
        forms: dict[str, list[str]] = {w: [w] + [n + e for e in NISBA_ENDINGS] for w, n in words.items()}
        for nisba, word in NISBA_ALIASES.items():
            forms.setdefault(word, [word]).extend(nisba + e for e in NISBA_ENDINGS)
        for alias, word in ALIASES.items():
            forms.setdefault(word, [word]).extend(forms.pop(alias, [alias]))
        return sorted(" ".join(dict.fromkeys(f)) for f in forms.values())

    def article_count(self, w: str) -> int:
        return sum(self.c(p + w) for p in ARTICLE_PREFIXES)

    def documents_with(self, forms: set[str]) -> list[frozenset[str]]:
        return [d for d in self.documents if not forms.isdisjoint(d)]

    def context(self, documents: list[frozenset[str]], own: set[str]) -> dict[str, float]:
        """The idf-weighted share of ``documents`` that has each word (stopwords, rare words and ``own`` left out)."""
        if not hasattr(self, "_df"):
            self._df = collections.Counter(w for d in self.documents for w in d)
            self._stop = load_stopwords()
        df, n = self._df, len(self.documents)
        seen = collections.Counter(w for d in documents for w in d)
        return {w: k / len(documents) * math.log(n / df[w]) for w, k in seen.items()
                if df[w] >= 5 and len(w) >= 3 and w not in own and w not in self._stop}

    @staticmethod
    def cosine(u: dict[str, float], v: dict[str, float]) -> float:
        dot = sum(x * v.get(w, 0.0) for w, x in u.items())
        norm = math.sqrt(sum(x * x for x in u.values()) * sum(x * x for x in v.values()))
        return dot / norm if norm else 0.0

    def split_names(self, name_lines: list[str]) -> list[str]:
        """Lines ``ال+term form ...`` for the names of ``name_lines`` whose article form is another name."""
        lines = []
        for line in name_lines:
            term, *nisba = line.split()
            article = {p + term for p in ARTICLE_PREFIXES}
            bare = {p + term for p in BARE_PREFIXES} - article
            nisba_forms = {p + f for f in nisba for p in ARTICLE_PREFIXES + BARE_PREFIXES}
            own = article | bare | nisba_forms
            with_article, without = self.documents_with(article), self.documents_with(bare)
            if min(len(with_article), len(without)) < SPLIT_MIN_DOCS:
                continue
            article_context, bare_context = self.context(with_article, own), self.context(without, own)
            if self.cosine(article_context, bare_context) >= SPLIT_SIMILARITY:
                continue
            forms = ["ال" + term]
            with_nisba = self.documents_with(nisba_forms)
            if with_nisba:
                nisba_context = self.context(with_nisba, own)
                if self.cosine(nisba_context, article_context) > self.cosine(nisba_context, bare_context):
                    forms += [f for n in nisba for f in (n, "ال" + n)]
            lines.append(" ".join(forms))
        return lines

    def family_names(self, listed: set[str]) -> list[str]:
        """``ال+w`` for the words w in ي that are family names: almost never bare, feminine or plural."""
        stopwords = load_stopwords()
        names = []
        for a in self.counts:
            w = a[2:]
            if not a.startswith("ال") or not w.endswith("ي") or len(w) < 4 or a in stopwords or w in listed:
                continue
            seen = self.article_count(w)
            others = self.c(w) + sum(self.article_count(w + e) + self.c(w + e) for e in ("ه", "ين", "ون"))
            if seen >= NAME_MIN_COUNT and others <= FAMILY_SHARE * seen:
                names.append(a)
        return names

    def article_words(self, name_lines: list[str]) -> list[str]:
        """Lines ``term form ...``: words whose article belongs to them, so it stays in their term."""
        listed = {f for line in name_lines for f in line.split()}
        return sorted(self.split_names(name_lines) + self.family_names(listed))

    def pronoun_base(self, w: str) -> str | None:
        pronoun = next((p for p in PRONOUNS if w.endswith(p)), None)
        if pronoun is None or len(w) - len(pronoun) < 3 or w.startswith("ال") or self.c(w) < MIN_COUNT \
                or self.c("ال" + w) > ARTICLE_SHARE * self.c(w):
            return None
        s = w[: -len(pronoun)]
        base = s[:-1] + "ه" if s.endswith("ت") and self.family(s[:-1] + "ه") > self.family(s) else s
        if pronoun in ("ها", "ه") and base == s or self.family(base) < PROCLITIC_SHARE * self.c(w) \
                or base in load_stopwords():
            return None
        return base

    def dual_base(self, w: str) -> str | None:
        ending = next((e for e in DUAL_ENDINGS if w.endswith("ت" + e)), None)
        if ending is None or w.startswith("ال") or len(w) - len(ending) < 4 or self.family(w) < MIN_COUNT:
            return None
        s = w[: -len(ending)]
        base = s[:-1] + "ه"
        if self.family(base) <= self.family(s) or self.family(base) < DUAL_SHARE_OF_BASE * self.family(w) \
                or base in load_stopwords():
            return None
        return base

    def pronoun_words(self) -> list[str]:
        return sorted(f"{w} {base}" for w in self.counts
                      if (base := self.pronoun_base(w) or self.dual_base(w)) is not None)

    def proclitic_words(self) -> list[str]:
        return sorted(
            w for w in self.counts
            if w[:1] in PROCLITICS and len(w) >= 4 and self.c(w) >= MIN_COUNT
            and self.c(w[1:]) + self.c("ال" + w[1:]) >= PROCLITIC_SHARE * self.c(w)
            and not self.keeps_first_letter(w) and self.c("ال" + w) < max(MIN_COUNT, DEFINITE_SHARE * self.c(w))
        )


def write(name: str, words: list[str], what: str) -> None:
    header = (f"# {what} (normalized forms).\n"
              "# Generated by scripts/build_lexicons.py from the mining half of the SaudiNewsNet corpus\n"
              "# (CC BY-NC-SA 4.0; the half is benchmarks/evaluation/split.py);\n"
              "# the rule is in that script's docstring.\n")
    (DATA / name).write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words written to {DATA / name}")


def main() -> None:
    lexicons = Lexicons(*corpus_words(Path(sys.argv[1])))
    write("waw_words.txt", lexicons.waw_words(),
          "Words whose initial WAW belongs to the word, so the light stemmer keeps it")
    write("proclitic_words.txt", lexicons.proclitic_words(),
          "Words that begin with a one-letter preposition or particle (BEH LAM KAF FEH) the stemmer strips")
    write("double_lam_words.txt", lexicons.double_lam_words(),
          "Words LAM + a word that begins with LAM, so the light stemmer strips one LAM and not the article")
    write("pronoun_words.txt", lexicons.pronoun_words(),
          "Words with a pronoun suffix or a dual after teh marbuta, each with the word the stemmer goes on with")
    names = lexicons.name_words()
    write("name_words.txt", names, "Words whose ending is no suffix, each line a term and the forms that share it")
    write("article_words.txt", lexicons.article_words(names),
          "Words whose article belongs to the word, each line a term and the forms that share it")


if __name__ == "__main__":
    main()

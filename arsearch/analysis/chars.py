"""Named Arabic code points and the translation tables built from them (data only)."""

from __future__ import annotations

from pyarabic import araby

ALEF = araby.ALEF
ALEF_MADDA = araby.ALEF_MADDA
ALEF_HAMZA_ABOVE = araby.ALEF_HAMZA_ABOVE
ALEF_HAMZA_BELOW = araby.ALEF_HAMZA_BELOW
ALEF_WASLA = araby.ALEF_WASLA
ALEF_MAKSURA = araby.ALEF_MAKSURA
HAMZA = araby.HAMZA
WAW = araby.WAW
WAW_HAMZA = araby.WAW_HAMZA
YEH = araby.YEH
YEH_HAMZA = araby.YEH_HAMZA
TEH_MARBUTA = araby.TEH_MARBUTA
HEH = araby.HEH
KAF = araby.KAF
LAM = araby.LAM
TATWEEL = araby.TATWEEL
SMALL_ALEF = araby.SMALL_ALEF

KEHEH = "\u06a9"                      # Persian ک
SWASH_KAF = "\u06aa"                  # ڪ
FARSI_YEH = "\u06cc"                  # Persian ی
YEH_BARREE = "\u06d2"                 # Urdu ے
HEH_GOAL = "\u06c1"                   # Urdu ہ
HEH_DOACHASHMEE = "\u06be"            # ھ
HEH_YEH = "\u06c0"                    # ۀ
TEH_MARBUTA_GOAL = "\u06c3"           # ۃ
AE = "\u06d5"                         # ە
HIGH_HAMZA_ALEF = "\u0675"            # ٵ
DOTLESS_YEH_FINAL = "\u06cd"          # ۍ
ARABIC_COMMA = "\u060c"
ARABIC_SEMICOLON = "\u061b"
ARABIC_QUESTION_MARK = "\u061f"
ARABIC_FULL_STOP = "\u06d4"

#: Harakat, tanween, shadda, sukun, superscript alef and the other combining marks of the Arabic block.
TASHKEEL = "".join(chr(c) for c in range(0x064B, 0x0660)) + SMALL_ALEF
#: Honorifics and Quranic annotation marks (U+0610–U+061A, U+06D6–U+06ED, U+08D3–U+08FF).
QURANIC_MARKS = "".join(
    chr(c)
    for c in [*range(0x0610, 0x061B), *range(0x06D6, 0x06DD), *range(0x06DF, 0x06E9),
              *range(0x06EA, 0x06EE), *range(0x08D3, 0x0900)]
    if c != 0x08E2
)
#: Invisible marks that may sit inside a word: zero-width space/joiners, bidi controls, BOM.
INVISIBLE = "".join(chr(c) for c in [*range(0x200B, 0x2010), 0x061C, 0xFEFF, *range(0x202A, 0x202F),
                                      *range(0x2066, 0x206A), 0x00AD])
#: Everything deleted from a token.
DELETED = TASHKEEL + QURANIC_MARKS + INVISIBLE + TATWEEL

ARABIC_INDIC_DIGITS = "".join(chr(c) for c in range(0x0660, 0x066A))
PERSIAN_DIGITS = "".join(chr(c) for c in range(0x06F0, 0x06FA))

#: Letter variants folded to one letter.  WAW_HAMZA and YEH_HAMZA fold to HAMZA, not to WAW/YEH: on
#: SaudiNewsNet that merges real spelling variants (مسؤول/مسئول, الشؤون/الشئون, أبناؤنا/أبنائنا) while folding
#: to WAW/YEH merges different words (فيه/فئة); see benchmarks/experiments/hamza_variants.py.
LETTER_FOLDS = {
    ALEF_MADDA: ALEF,
    ALEF_HAMZA_ABOVE: ALEF,
    ALEF_HAMZA_BELOW: ALEF,
    ALEF_WASLA: ALEF,
    HIGH_HAMZA_ALEF: ALEF,
    ALEF_MAKSURA: YEH,
    FARSI_YEH: YEH,
    YEH_BARREE: YEH,
    DOTLESS_YEH_FINAL: YEH,
    TEH_MARBUTA: HEH,
    TEH_MARBUTA_GOAL: HEH,
    HEH_YEH: HEH,
    HEH_GOAL: HEH,
    HEH_DOACHASHMEE: HEH,
    AE: HEH,
    KEHEH: KAF,
    SWASH_KAF: KAF,
    WAW_HAMZA: HAMZA,
    YEH_HAMZA: HAMZA,
}

DIGIT_FOLDS = {d: str(i) for digits in (ARABIC_INDIC_DIGITS, PERSIAN_DIGITS) for i, d in enumerate(digits)}

#: One ``str.translate`` table: delete marks, fold letters and digits.
FOLD_TABLE = str.maketrans({**LETTER_FOLDS, **DIGIT_FOLDS, **{c: None for c in DELETED}})

#: Letters that make up Arabic words (base block, supplement, extended-A, presentation forms).
ARABIC_LETTER_RANGES = (
    "\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
    "\u0750-\u077f\u08a0-\u08c9\ufb50-\ufd3d\ufd50-\ufdfb\ufe70-\ufefc"
)
#: Marks that may appear inside or at the end of an Arabic word.
ARABIC_MARK_RANGES = (
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u08d3-\u08ff\u0640"
    "\u200b-\u200f\u061c\ufeff\u202a-\u202e\u2066-\u2069\u00ad"
)
DIGIT_RANGES = "0-9\u0660-\u0669\u06f0-\u06f9"

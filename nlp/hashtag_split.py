"""Compound hashtags split into their words: ``#NovaLuminaX2`` is *nova lumina x2*,
``#bestphoneever`` *best phone ever*, ``#갤럭시신제품출시`` *갤럭시 신제품 출시*.

People write several words as one tag, so a query for "nova lumina" misses
``#NovaLuminaX2`` and a keyword list shows ``bestphoneever`` as if it were a word. The words
are worked out in the order of how much the spelling itself says:

1. Underscores and changes of script (Hangul / Latin and digits) always separate words.
2. A Latin run written in mixed case is split where the case says (camelCase, with a model
   number such as ``X2`` or ``S24`` kept whole); the writer marked the words, so no
   dictionary second-guesses them.
3. A Latin run in one case goes to ``wordninja`` (English Wikipedia unigram frequencies). Its
   split is kept only when every piece is an ordinary English word (see
   :func:`_plausible`): on a word it does not know it returns rare fragments
   (``tecnologia`` -> ``tecnol ogi a``), and an unsplit tag is better than a wrong split.
   A lone letter before digits is rejoined (``luminax2`` -> ``lumina x2``).
4. Hangul runs are spaced by kiwipiepy (the process's shared :func:`nlp.korean.kiwi`).
5. Japanese and Chinese tags are left whole: their words are not marked in the spelling
   and no segmenter for them ships here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nlp import english_words

MAX_CHARS = 64
"""Longer tags are left whole: they are stuffing or garbage, not words run together."""
ENGLISH_MAX_RANK = 50_000
"""In English (or unknown-language) posts a wordninja piece must be among this many most
frequent words; rarer pieces are the fragments of a word wordninja does not know."""
OTHER_MAX_RANK = 5_000
"""In posts of other languages only common English words count: a tag there is more often a
word of that language, which wordninja would cut into English-looking pieces."""
ENGLISH_LIKE = frozenset({"en", "und"})
SHORT_MAX_RANK = 500
"""A piece of one or two letters must be this common (of, in, my): wordninja's fallback
fragments are mostly that short (``ootd`` -> ``oo td``)."""
ONE_LETTER_WORDS = frozenset({"a", "i"})

HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
HAN_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                      r"\uff66-\uff9f]")
# A Hangul run, or a run of other letters and digits; underscores and symbols separate.
RUN = re.compile(rf"([{HANGUL}]+)|([^\W_{HANGUL}]+)")
# camelCase words, matched on the run's shape (U upper, L other letter, D digit) so that any
# cased script works (ÉcoleNormale, Straße): an acronym before a capitalised word
# (HTTPServer), a capitalised word with an optional lowercase prefix (iPhone), a lowercase
# run, a model number (X2, S24), digits with an optional unit letter (4K).
CAMEL_SHAPE = re.compile(r"U{2,}(?=UL)|L?UL+|L+|U+D*|D+(?:U(?!L))?")
MODEL_NUMBER = re.compile(r"[^\W\d_]{1,2}\d+[^\W\d_]?")


def bare_hashtag(spelling: str) -> str:
    """A tag as written, case kept, without its ``#`` and spaces: NFKC first, so a fullwidth
    ``＃`` is a ``#`` before it is stripped. The ``hashtags`` step's aggregation key is this,
    casefolded, so a tag's key and its words are read from the same characters."""
    return unicodedata.normalize("NFKC", spelling).strip().lstrip("#").strip()


def mixed_case(text: str) -> bool:
    """Upper- and lowercase letters both: the writer marked the words (camelCase)."""
    return text.lower() != text and text.upper() != text


@lru_cache(maxsize=65_536)
def split_hashtag(spelling: str, lang: str = "und") -> list[str]:
    """The casefolded words of one hashtag as written (``#`` optional, case kept: camelCase
    is the strongest evidence). ``lang`` is the post's language, which decides how far
    wordninja is trusted. A tag that is one word is returned as ``[tag]``.

    Cached: a campaign uses a few hundred distinct tags across thousands of posts."""
    tag = bare_hashtag(spelling)
    whole = [tag.casefold()] if tag else []
    if len(tag) > MAX_CHARS or HAN_KANA.search(tag):
        return whole
    max_rank = ENGLISH_MAX_RANK if lang in ENGLISH_LIKE else OTHER_MAX_RANK
    words: list[str] = []
    for hangul, other in RUN.findall(tag):
        words += _hangul_words(hangul) if hangul else _latin_words(other, max_rank)
    return words or whole


def _hangul_words(run: str) -> list[str]:
    from nlp.korean import kiwi  # loads ~100 MB: only once a Korean tag is met

    return kiwi().space(run).split()


def _latin_words(run: str, max_rank: int) -> list[str]:
    if mixed_case(run):
        return _camel_words(run)
    lowered = run.casefold()
    pieces = _rejoin_model_numbers(_wordninja(lowered))
    return pieces if _plausible(pieces, max_rank) else [lowered]


def _camel_words(run: str) -> list[str]:
    shape = "".join("U" if c.isupper() else "D" if c.isdigit() else "L" for c in run)
    return [run[m.start():m.end()].casefold() for m in CAMEL_SHAPE.finditer(shape)]


def _wordninja(text: str) -> list[str]:
    import wordninja  # builds its model on import: only once a one-case tag is met

    return [piece.casefold() for piece in wordninja.split(text)]


def _rejoin_model_numbers(pieces: list[str]) -> list[str]:
    """wordninja cuts ``x2`` into ``x`` and ``2``; one or two letters before digits are a
    model number (``x2``, ``s24``, ``ps5``), and stay one word."""
    out: list[str] = []
    for piece in pieces:
        if out and piece.isdigit() and out[-1].isalpha() and len(out[-1]) <= 2:
            out[-1] += piece
        else:
            out.append(piece)
    return out


def _plausible(pieces: list[str], max_rank: int) -> bool:
    """Every piece is digits, a model number, or a frequent English word; a short word a very
    frequent one, a one-letter word only ``a`` or ``I``."""
    for piece in pieces:
        if piece.isdigit() or MODEL_NUMBER.fullmatch(piece):
            continue
        if len(piece) == 1 and piece not in ONE_LETTER_WORDS:
            return False
        found = english_words.rank(piece)
        if found is None or found >= (SHORT_MAX_RANK if len(piece) <= 2 else max_rank):
            return False
    return True

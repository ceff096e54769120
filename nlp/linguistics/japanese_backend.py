"""Entities and keywords for Japanese from SudachiPy morphemes: the default for ``ja``.

Why Sudachi rather than GiNZA (``ja_ginza``, still one option away: the ``entities`` step's
``pipelines={"ja": "ja_ginza"}``):

- speed: GiNZA runs a tagger, a parser and an entity recogniser after Sudachi and reads
  11-43 posts/s on two cores, under the whole pipeline's budget of 100 posts/s; this
  backend reads 2,500-3,600 of the same posts a second (the sample Japanese posts).
- licence: ja_ginza's model is trained on corpora under a non-commercial (CC BY-NC-SA) and a
  commercial licence (its ``meta.json``), which a company hosting Sensing would have to
  clear; SudachiPy and SudachiDict-core are Apache-2.0 and hold no trained weights.

What is made of Sudachi's morphemes (split mode C, the longest units, so 東京ディズニーランド
and トヨタ自動車 stay whole):

- Entities: runs of proper nouns (固有名詞) of one kind, typed by Sudachi's subcategory:
  人名 -> PERSON (山田+太郎, and a foreign name across its middle dot: ティム・クック),
  地名 -> LOC, anything else NAME. A lone katakana given name is only a NAME: the
  dictionary lists ルミナ and マリア as people, and brands take such names. SudachiDict
  has no organisation subcategory (its parts of speech are UniDic's; 組織名 is not among
  them): ソニー and トヨタ自動車 are 固有名詞-一般, names whose type it does not say, so
  there is no ORG here.
  A Latin letter written straight before a number ("X2", "S24", "iPhone15") is a model
  number, and it takes in the katakana, Latin and proper-noun words written before it
  (ノヴァルミナX2, Nova Lumina X2) as one PRODUCT: Sudachi splits "X2" into X + 2 and takes
  a brand it never saw for a common noun.
- Keywords: common nouns (普通名詞, except adverbial ones such as 今日 and counters) and
  proper nouns, minus the Japanese and English stop lists, and the compounds of two or
  more such nouns written together, noun suffixes included (バッテリー持ち, 望遠カメラ,
  夜景モード). A compound stops at the edge of an entity or of a campaign name, so an
  entity's words give way to its whole name instead of gluing onto their neighbours.

A Sudachi ``Tokenizer`` is stateful and refuses to be used by two threads at once (its
maintainers: share the ``Dictionary``, keep one tokenizer per thread), so the dictionary is
loaded once per process and each thread gets its own tokenizer; a worker process is one
thread, so in practice one of each.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum, auto
from functools import cache

from sudachipy import Dictionary, SplitMode, Tokenizer

from nlp.linguistics.results import Found, Reading, common_label, name_spans
from nlp.linguistics.words import stop_words

log = logging.getLogger(__name__)

NAME = "sudachi"
"""The ``pipelines`` value that selects this backend (the default for ``ja``)."""

# Sudachi refuses input over 49,149 bytes; 12,000 characters stay under it even when every
# one takes four bytes (emoji).
CHUNK_CHARS = 12_000
CHUNK_ENDS = re.compile(r"[。！？!?\n]")
KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]+")
MIDDLE_DOT = "・"


class Kind(Enum):
    """What a part of speech is to this backend."""

    PERSON = auto()  # 固有名詞-人名
    LOC = auto()  # 固有名詞-地名
    PROPER = auto()  # any other proper noun: a name of no stated type
    NOUN = auto()  # a common noun that can be a keyword
    SUFFIX = auto()  # a noun suffix (持ち, 性): part of a compound, never a keyword alone
    NUMBER = auto()
    SPACE = auto()
    OTHER = auto()


ANALYSER_LABEL = {Kind.PERSON: "PERSON", Kind.LOC: "LOC", Kind.PROPER: ""}
"""A proper noun's label for :func:`~nlp.linguistics.results.common_label` ("": untyped)."""
PROPER_KINDS = frozenset(ANALYSER_LABEL)
COMPOUND_KINDS = PROPER_KINDS | {Kind.NOUN, Kind.SUFFIX}
KEYWORD_NOUNS = frozenset({"一般", "サ変可能", "形状詞可能", "サ変形状詞可能"})
KEYWORD_SUFFIXES = frozenset({"一般", "サ変可能"})


def kind_of(pos: tuple[str, ...]) -> Kind:
    """The :class:`Kind` of a Sudachi part of speech (its six fields)."""
    major, minor, sub = pos[0], pos[1], pos[2]
    if major == "名詞" and minor == "固有名詞":
        return {"人名": Kind.PERSON, "地名": Kind.LOC}.get(sub, Kind.PROPER)
    if major == "名詞" and minor == "普通名詞" and sub in KEYWORD_NOUNS:
        return Kind.NOUN
    if major == "名詞" and minor == "数詞":
        return Kind.NUMBER
    if major == "接尾辞" and minor == "名詞的" and sub in KEYWORD_SUFFIXES:
        return Kind.SUFFIX
    if major == "空白":
        return Kind.SPACE
    return Kind.OTHER


@dataclass(frozen=True)
class Word:
    """One morpheme: its surface, character span in the analysed text, and kind."""

    text: str
    start: int
    end: int
    kind: Kind

    @property
    def latin(self) -> bool:
        return self.text.isascii() and self.text.isalpha()

    @property
    def katakana(self) -> bool:
        return KATAKANA.fullmatch(self.text) is not None


@cache
def _dictionary() -> tuple[Dictionary, tuple[Kind, ...]] | None:
    """SudachiDict-core and the kind of each of its part-of-speech ids, loaded once per
    process; None, logged once, when it is not installed (Japanese then uses the fallback)."""
    try:
        dictionary = Dictionary(dict="core")
    except Exception as exc:  # noqa: BLE001 - sudachipy raises its own error types
        log.warning("SudachiDict-core does not load (%s); Japanese uses the fallback", exc)
        return None
    kinds = []
    while (pos := dictionary.pos_of(len(kinds))) is not None:
        kinds.append(kind_of(pos))
    return dictionary, tuple(kinds)


def available() -> bool:
    """Whether SudachiDict-core loads in this process."""
    return _dictionary() is not None


_local = threading.local()


def tokenizer() -> Tokenizer:
    """This thread's split-mode-C tokenizer (see the module docstring for why per thread)."""
    if getattr(_local, "tokenizer", None) is None:
        _local.tokenizer = _loaded()[0].create(SplitMode.C)
    return _local.tokenizer


def _loaded() -> tuple[Dictionary, tuple[Kind, ...]]:
    loaded = _dictionary()
    if loaded is None:
        raise RuntimeError("SudachiDict-core is not installed; check available() first")
    return loaded


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` pieces of at most :data:`CHUNK_CHARS`, cut after a sentence end
    or newline where there is one, so a long post (``max_chars`` raised) still reads."""
    start = 0
    while len(text) - start > CHUNK_CHARS:
        window = text[start:start + CHUNK_CHARS]
        cut = max((m.end() for m in CHUNK_ENDS.finditer(window)), default=CHUNK_CHARS)
        yield start, window[:cut]
        start += cut
    yield start, text[start:]


def morphemes(text: str, analyser: Tokenizer, kinds: tuple[Kind, ...]) -> list[Word]:
    """The morphemes of ``text`` with offsets into it, spaces left out."""
    found = []
    for offset, piece in _chunks(text):
        for morpheme in analyser.tokenize(piece):
            kind = kinds[morpheme.part_of_speech_id()]
            if kind is not Kind.SPACE:
                found.append(Word(morpheme.surface(), offset + morpheme.begin(),
                                  offset + morpheme.end(), kind))
    return found


def _touching(left: Word, right: Word, text: str) -> bool:
    """Written together, or two Latin words one space apart ("Nova Lumina")."""
    gap = text[left.end:right.start]
    return gap == "" or (gap == " " and left.latin and right.latin)


def _products(text: str, tokens: list[Word]) -> Iterator[tuple[int, int]]:
    """Spans of model-numbered names: a Latin word written straight before a number, with
    the katakana, Latin and proper-noun words written before it."""
    for i in range(1, len(tokens)):
        letters, number = tokens[i - 1], tokens[i]
        if number.kind is not Kind.NUMBER or not letters.latin or letters.end != number.start:
            continue
        first = i - 1
        while first > 0 and _touching(tokens[first - 1], tokens[first], text) and (
                tokens[first - 1].katakana or tokens[first - 1].latin
                or tokens[first - 1].kind in PROPER_KINDS):
            first -= 1
        yield tokens[first].start, number.end


def _proper_runs(tokens: list[Word]) -> Iterator[tuple[int, int, Kind]]:
    """Spans of proper nouns of one kind written together, a person's name also across a
    middle dot to a katakana word (ティム・クック: Sudachi knows ティム, not クック)."""
    i = 0
    while i < len(tokens):
        kind = tokens[i].kind
        if kind not in PROPER_KINDS:
            i += 1
            continue
        end = i
        while end + 1 < len(tokens):
            after = tokens[end + 1]
            if after.kind is kind and after.start == tokens[end].end:
                end += 1
            elif (kind is Kind.PERSON and after.text == MIDDLE_DOT and end + 2 < len(tokens)
                  and tokens[end + 2].katakana
                  and tokens[end + 2].kind in (Kind.PERSON, Kind.NOUN)):
                end += 2
            else:
                break
        yield tokens[i].start, tokens[end].end, kind
        i = end + 1


def entities(text: str, tokens: list[Word]) -> list[Found]:
    """Model-numbered products first, then the proper-noun runs they do not overlap (by
    covered offsets, not pairwise: a long post has thousands of runs)."""
    found = [Found(text[start:end], "PRODUCT", start, end)
             for start, end in _products(text, tokens)
             if common_label("", text[start:end]) == "PRODUCT"]
    covered = {offset for product in found for offset in range(product.start, product.end)}
    for start, end, kind in _proper_runs(tokens):
        if covered.isdisjoint(range(start, end)):
            name = text[start:end]
            if kind is Kind.PERSON and KATAKANA.fullmatch(name):
                kind = Kind.PROPER  # one katakana given name: as often a brand (ルミナ)
            label = common_label(ANALYSER_LABEL[kind], name) or "NAME"
            found.append(Found(name, label, start, end))
    return found


@cache
def _stops() -> frozenset[str]:
    """Japanese and English stop words: Latin words are common in Japanese posts."""
    return stop_words("ja") | stop_words("en")


def candidate_words(text: str, tokens: list[Word], edges: set[int]) -> list[tuple[int, str]]:
    """Nouns that are not stop words, and the compounds of two or more of them written
    together (a suffix may end one but not start it), broken at ``edges`` (entity and
    campaign-name boundaries)."""
    stops = _stops()
    found: list[tuple[int, str]] = []
    run: list[Word] = []

    def close() -> None:
        if len(run) >= 2:
            found.append((run[0].start, text[run[0].start:run[-1].end]))
        run.clear()

    for token in tokens:
        content = token.kind in COMPOUND_KINDS and token.text.casefold() not in stops
        if not content or token.start in edges or (run and run[-1].end != token.start):
            close()
        if not content or (not run and token.kind is Kind.SUFFIX):
            continue
        run.append(token)
        if token.kind is not Kind.SUFFIX:
            found.append((token.start, token.text))
    close()
    return found


def read(texts: list[str], names: tuple[str, ...]) -> list[Reading]:
    """One :class:`Reading` per text (the dictionary must load: see :func:`available`)."""
    analyser, kinds = tokenizer(), _loaded()[1]
    readings = []
    for text in texts:
        tokens = morphemes(text, analyser, kinds)
        found = entities(text, tokens)
        edges = {edge for e in found for edge in (e.start, e.end)}
        edges.update(edge for span in name_spans(text, names) for edge in span)
        readings.append(Reading(found, candidate_words(text, tokens, edges)))
    return readings

"""The labelled sentiment data that training and evaluation both read, and the split that
keeps them apart.

Every external corpus becomes :class:`LabelledPost` rows with three classes and a stable id,
and :func:`is_held_out` on the id decides, with no shared state, which rows only the
evaluation sees; the trainer (:mod:`lab.train.data`) and ``sensing eval sentiment``
(:mod:`lab.evals.sentiment`) both import the rule from here, so neither imports the other:

* ``vader_tweets``: 4,200 tweets with mean human ratings on -4..4, labelled by
  :func:`vader_label` (±0.5 band);
* ``vader_amazon``, ``vader_movies``, ``vader_nyt``: VADER's product-review, movie-review and
  New York Times editorial snippets, rated the same way, labelled by the same band;
* ``npm_amazon``, ``npm_imdb``, ``npm_yelp``: the npm ``sentiment`` package's test fixtures,
  1,000 review sentences each marked positive or negative (no neutral class);
* ``evomsa_es``: EvoMSA's 1,000 Spanish tweets (TASS-style ``P``/``N``/``NEU``/``NONE``).

The multilingual truth set (:data:`SET_PATH`, written for this project) is never trained on.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import tarfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from lab import DATA, read_labelled
from sensing.schemas import SentimentLabel

SET_PATH = DATA / "sentiment_set.jsonl"


VADER_TWEETS = "hutto_ICWSM_2014/tweets_GroundTruth.txt"


VADER_INNER_ARCHIVE = "hutto_ICWSM_2014.tar.gz"


VADER_NEUTRAL_BAND = 0.5
"""Mean ratings in (-0.5, 0.5) are neutral; >= 0.5 positive; <= -0.5 negative."""


SPLIT_SALT = "sensing-sentiment-split-v1:"


HELD_OUT_PERCENT = 20


class LabelledPost(BaseModel):
    """One labelled text: a line of the evaluation set, or a tweet of an external corpus."""

    model_config = ConfigDict(extra="forbid")
    id: str
    lang: str
    text: str
    label: SentimentLabel
    topic: str = ""


def load_set(path: Path = SET_PATH) -> list[LabelledPost]:
    """The evaluation set; a bad line is an error naming the file and line."""
    return read_labelled(path, LabelledPost.model_validate_json, "labelled post")


def vader_label(mean_rating: float) -> SentimentLabel:
    """Three classes from a mean human rating on VADER's -4..4 scale."""
    if mean_rating >= VADER_NEUTRAL_BAND:
        return "positive"
    if mean_rating <= -VADER_NEUTRAL_BAND:
        return "negative"
    return "neutral"


def is_held_out(example_id: str) -> bool:
    """Whether an external example is kept for evaluation (and so never used in training)."""
    digest = hashlib.sha1(f"{SPLIT_SALT}{example_id}".encode()).hexdigest()
    return int(digest[:8], 16) % 100 < HELD_OUT_PERCENT


def read_vader_tweets(path: Path) -> str:
    """``tweets_GroundTruth.txt`` from wherever it is: vaderSentiment's sdist (``.tar.gz``),
    the inner ``hutto_ICWSM_2014.tar.gz``, a folder either was unpacked into, or the file."""
    if path.is_dir():
        found = sorted(path.rglob(Path(VADER_TWEETS).name)) or sorted(
            path.rglob(VADER_INNER_ARCHIVE))
        if not found:
            raise ValueError(f"{path}: no {VADER_TWEETS} or {VADER_INNER_ARCHIVE} inside")
        return read_vader_tweets(found[0])
    if not tarfile.is_tarfile(path):
        return path.read_bytes().decode("utf-8", errors="replace")
    with tarfile.open(path) as archive:
        return _tweets_in(archive, path)


def _tweets_in(archive: tarfile.TarFile, path: Path) -> str:
    for member in archive.getmembers():
        if member.name.endswith(VADER_TWEETS):
            return archive.extractfile(member).read().decode("utf-8", errors="replace")
        if member.name.endswith(VADER_INNER_ARCHIVE):
            inner = io.BytesIO(archive.extractfile(member).read())
            with tarfile.open(fileobj=inner) as nested:
                return _tweets_in(nested, path)
    raise ValueError(f"{path}: an archive without {VADER_TWEETS}; expected vaderSentiment's "
                     f"source archive (pip download --no-deps --no-binary :all: "
                     f"vaderSentiment==3.3.2)")


def vader_tweets(path: Path) -> list[LabelledPost]:
    """All 4,200 rated tweets as labelled English posts (HTML entities such as ``&amp;``
    decoded: the tweets were stored as the API returned them)."""
    return rated_lines(read_vader_tweets(path), f"{path}: {VADER_TWEETS}", "vader-tweets")


def rated_lines(text: str, where: str, prefix: str) -> list[LabelledPost]:
    """VADER's ground-truth format, ``id<TAB>mean rating<TAB>text`` a line, as labelled
    English posts with ids ``{prefix}:{id}`` (HTML entities decoded)."""
    examples = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            native_id, rating, sentence = line.split("\t", 2)
            label = vader_label(float(rating))
        except ValueError:
            raise ValueError(f"{where} line {number} is not 'id<TAB>mean rating<TAB>text': "
                             f"{line[:80]!r}") from None
        examples.append(LabelledPost(id=f"{prefix}:{native_id}", lang="en",
                                     text=html.unescape(sentence.strip()), label=label))
    return examples


def held_out(examples: Iterable[LabelledPost]) -> list[LabelledPost]:
    return [e for e in examples if is_held_out(e.id)]


VADER_ARCHIVE = "vaderSentiment-3.3.2.tar.gz"


NPM_ARCHIVE = "sentiment-5.0.2.tgz"


EVOMSA_ARCHIVE = "evomsa-2.0.14.tar.gz"


EVOMSA_LABELS: dict[str, SentimentLabel] = {
    "P": "positive", "N": "negative", "NONE": "neutral", "NEU": "neutral"}
"""TASS classes: ``NONE`` is no stance, ``NEU`` a stance mixed with no side winning; both are
our ``neutral`` (the evaluation set labels a mixed post by its overall stance, and these have
none)."""


@dataclass(frozen=True)
class Corpus:
    """One labelled corpus: which archive holds it and how to read it."""

    name: str
    archive: str
    read: Callable[[Path], list[LabelledPost]]
    source: str
    """Where in the archive, for the model card."""


def member_bytes(archive: Path, suffix: str) -> bytes:
    """The first member of a tar archive whose name ends with ``suffix``, looking inside
    nested ``.tar.gz`` members too (VADER's corpora sit in an archive inside the sdist)."""
    with tarfile.open(archive) as outer:
        found = _find_member(outer, suffix)
    if found is None:
        raise ValueError(f"{archive}: no member ending with {suffix!r}; is it the pinned "
                         f"archive (see lab.train.fetch.ARCHIVES)?")
    return found


def _find_member(archive: tarfile.TarFile, suffix: str) -> bytes | None:
    for member in archive:
        if not member.isfile():
            continue
        if member.name.endswith(suffix):
            return archive.extractfile(member).read()
        if member.name.endswith(".tar.gz"):
            with tarfile.open(fileobj=io.BytesIO(archive.extractfile(member).read())) as inner:
                found = _find_member(inner, suffix)
            if found is not None:
                return found
    return None


def vader_snippets(archive: Path, member: str, prefix: str) -> list[LabelledPost]:
    """A VADER ``*_GroundTruth.txt`` file of snippets (``id<TAB>mean rating<TAB>text``)."""
    return rated_lines(member_bytes(archive, member).decode("utf-8-sig"),
                       f"{archive}: {member}", prefix)


def npm_fixture(archive: Path, fixture: str) -> list[LabelledPost]:
    """``package/test/fixtures/<fixture>.json``: ``[{"text", "class": 0|1}]``; the one empty
    row each file ends with (``class`` null) is skipped."""
    rows = json.loads(member_bytes(archive, f"package/test/fixtures/{fixture}.json"))
    return [LabelledPost(id=f"npm-{fixture}:{index}", lang="en", text=row["text"].strip(),
                         label="positive" if row["class"] == 1 else "negative")
            for index, row in enumerate(rows) if row["class"] is not None and row["text"].strip()]


def evomsa_tweets(archive: Path) -> list[LabelledPost]:
    """``EvoMSA/tests/tweets.json``: one JSON object per line with ``text`` and ``klass``."""
    examples = []
    lines = member_bytes(archive, "EvoMSA/tests/tweets.json").decode("utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        row = json.loads(line)
        examples.append(LabelledPost(id=f"evomsa:{number}", lang="es", text=row["text"].strip(),
                                     label=EVOMSA_LABELS[row["klass"]]))
    return examples


def _vader(member: str, prefix: str) -> Callable[[Path], list[LabelledPost]]:
    return partial(vader_snippets, member=f"hutto_ICWSM_2014/{member}", prefix=prefix)


CORPORA: tuple[Corpus, ...] = (
    Corpus("vader_tweets", VADER_ARCHIVE, vader_tweets,
           "additional_resources/hutto_ICWSM_2014.tar.gz: tweets_GroundTruth.txt"),
    Corpus("vader_amazon", VADER_ARCHIVE,
           _vader("amazonReviewSnippets_GroundTruth.txt", "vader-amazon"),
           "additional_resources/hutto_ICWSM_2014.tar.gz: amazonReviewSnippets_GroundTruth.txt"),
    Corpus("vader_movies", VADER_ARCHIVE,
           _vader("movieReviewSnippets_GroundTruth.txt", "vader-movies"),
           "additional_resources/hutto_ICWSM_2014.tar.gz: movieReviewSnippets_GroundTruth.txt"),
    Corpus("vader_nyt", VADER_ARCHIVE,
           _vader("nytEditorialSnippets_GroundTruth.txt", "vader-nyt"),
           "additional_resources/hutto_ICWSM_2014.tar.gz: nytEditorialSnippets_GroundTruth.txt"),
    Corpus("npm_amazon", NPM_ARCHIVE, partial(npm_fixture, fixture="amazon"),
           "package/test/fixtures/amazon.json"),
    Corpus("npm_imdb", NPM_ARCHIVE, partial(npm_fixture, fixture="imdb"),
           "package/test/fixtures/imdb.json"),
    Corpus("npm_yelp", NPM_ARCHIVE, partial(npm_fixture, fixture="yelp"),
           "package/test/fixtures/yelp.json"),
    Corpus("evomsa_es", EVOMSA_ARCHIVE, evomsa_tweets, "EvoMSA/tests/tweets.json"),
)


def read_corpora(data_dir: Path) -> dict[str, list[LabelledPost]]:
    """Every corpus in :data:`CORPORA`, read from its archive in ``data_dir``."""
    missing = sorted({c.archive for c in CORPORA if not (data_dir / c.archive).is_file()})
    if missing:
        raise FileNotFoundError(f"{data_dir} lacks {', '.join(missing)}: run `sensing models "
                                f"build` (it fetches them from the package registries)")
    return {c.name: c.read(data_dir / c.archive) for c in CORPORA}


def held_out_sets(data_dir: Path) -> dict[str, list[LabelledPost]]:
    """The evaluation rows of every corpus: exactly those :func:`is_held_out` picks."""
    return {name: [e for e in rows if is_held_out(e.id)]
            for name, rows in read_corpora(data_dir).items()}

"""The labelled corpora the sentiment model learns from, read from their source archives.

Every corpus becomes :class:`~nlp.eval.sentiment.LabelledPost` rows with three classes and a
stable id, and is split by the evaluation's own rule (:func:`nlp.eval.sentiment.is_held_out`
on the id), so ``sensing eval sentiment`` and the trainer agree on what was held out without
sharing any state:

* ``vader_tweets``: 4,200 tweets with mean human ratings on -4..4, read by the evaluation's
  :func:`~nlp.eval.sentiment.vader_tweets` and labelled by its ``vader_label`` (±0.5 band);
* ``vader_amazon``, ``vader_movies``, ``vader_nyt``: VADER's product-review, movie-review and
  New York Times editorial snippets, rated the same way, labelled by the same band;
* ``npm_amazon``, ``npm_imdb``, ``npm_yelp``: the npm ``sentiment`` package's test fixtures,
  1,000 review sentences each marked positive or negative (no neutral class);
* ``evomsa_es``: EvoMSA's 1,000 Spanish tweets (TASS-style ``P``/``N``/``NEU``/``NONE``).

Training never sees :data:`nlp.eval.sentiment.SET_PATH` (the multilingual truth set): a
training text that equals any evaluation text, compared in :func:`nlp.text.hash_form`, is
dropped, whichever corpus it came from.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from nlp.eval.sentiment import (
    LabelledPost,
    is_held_out,
    load_set,
    rated_lines,
    vader_tweets,
)
from nlp.text import hash_form
from sensing.schemas import SentimentLabel

VADER_ARCHIVE = "vaderSentiment-3.3.2.tar.gz"
NPM_ARCHIVE = "sentiment-5.0.2.tgz"
EVOMSA_ARCHIVE = "evomsa-2.0.14.tar.gz"
DEV_SALT = "sensing-sentiment-dev-v1:"
DEV_PERCENT = 15
"""Share of the training rows kept aside to choose hyper-parameters (never the held-out rows)."""

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
                         f"archive (see nlp.train.fetch.ARCHIVES)?")
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


def training_sets(data_dir: Path) -> dict[str, list[LabelledPost]]:
    """The rows a model may learn from: not held out, and no text equal to any held-out text
    or to any text of the multilingual evaluation set (corpora repeat tweets and sentences,
    and a repeat on both sides would leak the answer into the score)."""
    corpora = read_corpora(data_dir)
    forbidden = {hash_form(e.text) for e in load_set()}
    forbidden |= {hash_form(e.text) for rows in corpora.values() for e in rows
                  if is_held_out(e.id)}
    return {name: [e for e in rows if not is_held_out(e.id) and hash_form(e.text) not in forbidden]
            for name, rows in corpora.items()}


def _rank(example_id: str, salt: str) -> str:
    return hashlib.sha1(f"{salt}{example_id}".encode()).hexdigest()


def is_dev(example_id: str) -> bool:
    """Whether a training row is kept aside for choosing hyper-parameters (same rule as the
    held-out split, another salt)."""
    return int(_rank(example_id, DEV_SALT)[:8], 16) % 100 < DEV_PERCENT


def hash_order(examples: list[LabelledPost], salt: str = DEV_SALT) -> list[LabelledPost]:
    """``examples`` in a fixed pseudo-random order (by hashed id), so taking the first N is a
    reproducible sample that does not depend on file order."""
    return sorted(examples, key=lambda e: _rank(e.id, salt))

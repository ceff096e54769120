"""``lab.train.data`` and ``lab.train.fetch``: what the sentiment model may learn from.

The held-out rows must be exactly the ones ``sensing eval sentiment`` scores, and no text the
project's figures are measured on may reach training. Read from the archives ``sensing models
build`` fetched into the models directory.
"""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from pathlib import Path

import pytest

from lab.corpora import VADER_ARCHIVE, held_out, held_out_sets, load_set, vader_tweets
from lab.train.data import training_sets
from lab.train.fetch import Archive, FetchError, fetch
from sensing.config import Settings
from sensing.text import hash_form

DATA = Settings().models_dir / "data"


@pytest.fixture(scope="module")
def training() -> dict[str, list]:
    return training_sets(DATA)


@pytest.fixture(scope="module")
def held() -> dict[str, list]:
    return held_out_sets(DATA)


def test_held_out_vader_tweets_are_exactly_the_evaluation_split(held: dict, training: dict
                                                               ) -> None:
    evaluated = [e.id for e in held_out(vader_tweets(DATA / VADER_ARCHIVE))]
    assert [e.id for e in held["vader_tweets"]] == evaluated
    assert not {e.id for e in training["vader_tweets"]} & set(evaluated)


def test_no_training_text_equals_an_evaluation_text(training: dict, held: dict) -> None:
    trained = {hash_form(e.text) for rows in training.values() for e in rows}
    assert not trained & {hash_form(e.text) for e in load_set()}
    assert not trained & {hash_form(e.text) for rows in held.values() for e in rows}


def test_every_corpus_is_read_with_its_labels_and_a_fifth_held_out(training: dict,
                                                                  held: dict) -> None:
    assert len(training["vader_tweets"]) + len(held["vader_tweets"]) > 4150  # 4,200 minus repeats
    for name in training:
        share = len(held[name]) / (len(held[name]) + len(training[name]))
        assert 0.15 < share < 0.26, name
    assert set(Counter(e.label for e in training["vader_tweets"])) == {
        "positive", "neutral", "negative"}
    assert set(Counter(e.label for e in training["npm_yelp"])) == {"positive", "negative"}
    assert {e.lang for e in training["evomsa_es"]} == {"es"}
    assert all(e.text.strip() for rows in training.values() for e in rows)


def test_a_file_with_the_expected_hash_is_not_fetched_again(tmp_path: Path) -> None:
    (tmp_path / "corpus.tgz").write_bytes(b"labelled rows")
    archive = Archive("corpus", "corpus.tgz", hashlib.sha256(b"labelled rows").hexdigest(),
                      ("no-such-registry-client", "{dest}"), "MIT")
    assert fetch(archive, tmp_path, say=print) == tmp_path / "corpus.tgz"


def test_a_download_with_other_bytes_is_refused_and_not_kept(tmp_path: Path) -> None:
    writes_other_bytes = (sys.executable, "-c",
                          "import sys, pathlib; pathlib.Path(sys.argv[1], 'corpus.tgz')"
                          ".write_bytes(b'tampered')", "{dest}")
    archive = Archive("corpus", "corpus.tgz", hashlib.sha256(b"labelled rows").hexdigest(),
                      writes_other_bytes, "MIT")
    with pytest.raises(FetchError, match="sha256"):
        fetch(archive, tmp_path, say=print)
    assert not (tmp_path / "corpus.tgz").exists()


def test_a_missing_registry_client_says_what_to_install(tmp_path: Path) -> None:
    archive = Archive("corpus", "corpus.tgz", "0" * 64, ("no-such-registry-client", "{dest}"),
                      "MIT")
    with pytest.raises(FetchError, match="apt-get install -y no-such-registry-client"):
        fetch(archive, tmp_path, say=print)

"""The interest classifier on the held-out split of the labelled authors (``lab.evals.
interests``), with floors just under what it measures, and the packaged calibration refitted
from the train split to check it is the one the data and code give."""

from __future__ import annotations

import pytest

from audience.interests import Calibration, default_classifier
from lab.evals.interests import DEFAULT_SET, evaluate, format_table
from lab.train.interests import examples, fit


@pytest.fixture(scope="module")
def held_out():
    return evaluate(default_classifier(), split="test")


def test_per_category_precision_and_recall_on_the_held_out_split(held_out) -> None:
    print(format_table(held_out))
    precision, recall, f1 = held_out.macro
    assert (precision, recall, f1) >= (0.85, 0.88, 0.88)
    for category in held_out.categories:
        assert category.f1 >= 0.7, category
    assert held_out.share_error <= 0.04


def test_too_little_text_is_never_guessed_and_no_real_mix_is_dropped(held_out) -> None:
    given_none, quiet = held_out.abstained
    assert given_none == quiet == 8
    assert held_out.guessed_none == 0


def test_the_packaged_calibration_is_what_the_train_split_fits() -> None:
    classifier = default_classifier()
    by_category, classes = examples(classifier.model, classifier.taxonomy, DEFAULT_SET)
    temperature, biases, none_level = fit(by_category, classes)
    packaged = Calibration.read()
    assert temperature == pytest.approx(packaged.temperature, rel=0.02)
    assert none_level == pytest.approx(packaged.none_level, abs=0.005)
    assert list(biases) == pytest.approx(list(packaged.biases.values()), abs=0.05)
    assert packaged.fitted_on["split"] == "train"

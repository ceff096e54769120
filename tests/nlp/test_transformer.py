"""``nlp.transformer``: one runtime for every Hugging Face encoder, on the real models.

Length bucketing must be invisible (a batch gives what one-by-one calls give, in input
order), int8 must stay close to fp32, and a missing model must say how to get one. The
encoder is the e5 directory ``sensing models build`` writes; the classifier is the settings'
sentiment model (any *ForSequenceClassification directory).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lab.corpora import load_set
from nlp.transformer import MAX_TOKENS, ModelNotFound, TransformerModel, load_model
from sensing.config import Settings

SETTINGS = Settings()
#: Two posts per language of the evaluation set, of very different lengths, plus edge cases.
TEXTS = [e.text for e in load_set()[::36]] + ["", "👍", "ok"]


@pytest.fixture(scope="module")
def encoder() -> TransformerModel:
    return load_model(SETTINGS.encoder_path)


@pytest.fixture(scope="module")
def classifier() -> TransformerModel:
    return load_model(SETTINGS.sentiment_path)


def test_texts_of_mixed_lengths_are_bucketed_yet_embed_as_they_do_one_by_one(
        encoder: TransformerModel) -> None:
    lengths = {len(encoder.tokenizer(text)["input_ids"]) for text in TEXTS}
    assert len(lengths) > 10, "the texts must differ in length for bucketing to matter"
    together = encoder.embed(TEXTS)
    alone = np.stack([encoder.embed([text])[0] for text in TEXTS])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_embeddings_come_back_in_input_order_as_unit_vectors(encoder: TransformerModel) -> None:
    vectors = encoder.embed(TEXTS)
    assert vectors.shape == (len(TEXTS), encoder.model.config.hidden_size)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    reversed_ = encoder.embed(TEXTS[::-1])
    np.testing.assert_allclose(reversed_[::-1], vectors, atol=1e-5)


def test_similar_meaning_across_languages_is_closer_than_an_unrelated_text(
        encoder: TransformerModel) -> None:
    """What relevance and aspects rely on: e5 puts translations near each other."""
    battery_en, battery_ko, weather = encoder.embed(
        ["The battery dies by noon", "배터리가 점심때면 다 닳아요", "Sunny weather at the beach"])
    assert battery_en @ battery_ko > battery_en @ weather + 0.02, "e5 cosines crowd near 0.8"


def test_the_prefix_is_part_of_what_is_embedded(encoder: TransformerModel) -> None:
    query, passage = encoder.embed(["battery life"]), encoder.embed(["battery life"],
                                                                    prefix="passage: ")
    assert not np.allclose(query, passage)
    np.testing.assert_allclose(encoder.embed(["query: battery life"], prefix=""), query,
                               atol=1e-6)


def test_nothing_to_embed_is_an_empty_matrix(encoder: TransformerModel) -> None:
    assert encoder.embed([]).shape == (0, encoder.model.config.hidden_size)


def test_a_megabyte_post_is_truncated_to_the_model_window(encoder: TransformerModel) -> None:
    huge = "The camera is great. " * 50_000
    assert len(huge) > 1_000_000
    start = encoder.tokenizer.decode(
        encoder.tokenizer("query: " + huge, truncation=True, max_length=MAX_TOKENS)[
            "input_ids"], skip_special_tokens=True)
    np.testing.assert_allclose(encoder.embed([huge]), encoder.embed([start], prefix=""),
                               atol=1e-4)


def test_classify_gives_a_probability_per_label_of_the_model(
        classifier: TransformerModel) -> None:
    results = classifier.classify(TEXTS)
    assert len(results) == len(TEXTS)
    expected = [str(label).lower() for label in classifier.model.config.id2label.values()]
    for probabilities in results:
        assert list(probabilities) == expected
        assert sum(probabilities.values()) == pytest.approx(1.0, abs=1e-5)


def test_classify_in_buckets_equals_one_by_one(classifier: TransformerModel) -> None:
    together = classifier.classify(TEXTS)
    alone = [classifier.classify([text])[0] for text in TEXTS]
    for batch_row, single in zip(together, alone, strict=True):
        assert batch_row == pytest.approx(single, abs=1e-5)


def test_a_bare_encoder_cannot_classify(encoder: TransformerModel) -> None:
    with pytest.raises(ValueError, match="without a classification head"):
        encoder.classify(["hello"])


def test_int8_stays_close_to_fp32(encoder: TransformerModel,
                                  classifier: TransformerModel) -> None:
    """Tolerances, from measurements on the evaluation set: every sentence vector keeps
    cosine >= 0.95 with its fp32 twin (measured: 0.975 minimum, 0.988 mean); the classifier's
    probabilities move by 0.09 on average (largest 0.32) and its label agrees on 92% of posts,
    so the test asks for a mean shift <= 0.15 and agreement >= 80%. ``sensing eval
    sentiment`` puts the cost at about four macro-F1 points on the multilingual set."""
    quantised = load_model(SETTINGS.encoder_path, int8=True)
    assert quantised is not encoder and quantised.int8
    cosines = (quantised.embed(TEXTS) * encoder.embed(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.95 and cosines.mean() >= 0.97
    small = load_model(SETTINGS.sentiment_path, int8=True)
    pairs = list(zip(small.classify(TEXTS), classifier.classify(TEXTS), strict=True))
    shifts = [max(abs(q[label] - f[label]) for label in f) for q, f in pairs]
    agree = [max(q, key=q.__getitem__) == max(f, key=f.__getitem__) for q, f in pairs]
    assert sum(shifts) / len(shifts) <= 0.15
    assert sum(agree) / len(agree) >= 0.8
    assert small.pooling_layer is not None, "int8 keeps the shared encoder pass"
    states = small.token_states(TEXTS)
    pooled = small.classify_means(np.stack([s.mean() for s in states]),
                                  np.stack([s.first for s in states]))
    # int8 activations are quantised per call, so the mean quantised before the pooling
    # layer's matmuls is not bit-for-bit the whole sequence's: 0.022 at most, measured.
    np.testing.assert_allclose(pooled, [list(q.values()) for q, _ in pairs], atol=0.05)


def test_a_model_is_loaded_once_per_process(encoder: TransformerModel) -> None:
    assert load_model(SETTINGS.encoder_path) is encoder
    assert load_model(SETTINGS.encoder_path, threads=0) is encoder


@pytest.mark.parametrize("missing", ["/nonexistent/sentiment-model", "someone/not-cached-here"])
def test_a_missing_model_says_how_to_get_one(missing: str) -> None:
    with pytest.raises(ModelNotFound, match=r"sensing models build.*SENSING_SENTIMENT_MODEL"):
        load_model(missing)


def test_a_directory_without_a_model_is_reported_as_missing(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelNotFound, match="without a loadable model"):
        load_model(str(tmp_path))


def test_the_sentiment_model_reads_its_mean_from_shared_token_states(
        encoder: TransformerModel, classifier: TransformerModel) -> None:
    """The offline classifier ends in a fixed mean-pooling layer, so its probabilities follow
    from its token states' mean, and those states are e5's own: what lets relevance and
    sentiment share one encoder pass (nlp.encoding)."""
    assert classifier.pooling_layer is not None and encoder.pooling_layer is None
    states = classifier.token_states(TEXTS)
    pooled = classifier.classify_means(np.stack([s.mean() for s in states]),
                                       np.stack([s.first for s in states]))
    direct = np.array([list(p.values()) for p in classifier.classify(TEXTS)])
    np.testing.assert_allclose(pooled, direct, atol=1e-5)
    np.testing.assert_allclose(np.stack([s.vector() for s in states]),
                               encoder.embed(TEXTS, prefix=""), atol=1e-5)


def test_only_a_mean_pooling_classifier_classifies_from_means(
        encoder: TransformerModel) -> None:
    with pytest.raises(ValueError, match="does not pool by a fixed mean layer"):
        encoder.classify_means(np.zeros((1, 384), np.float32), np.zeros((1, 384), np.float32))

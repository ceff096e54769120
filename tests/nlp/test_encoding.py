"""``nlp.encoding``: relevance and sentiment read posts through one encoder pass.

These run the real models ``sensing models build`` writes."""

from __future__ import annotations

import json
from pathlib import Path

from analysis.pipeline import BatchContext, build_pipeline
from lab.evals.relevance import CAMPAIGNS
from nlp.builds import ENCODER_RECORD
from nlp.encoding import batch_states, reading_model, shares_encoder
from nlp.transformer import load_model
from sensing.config import Settings
from tests.nlp.conftest import post

SETTINGS = Settings()


def test_relevance_and_sentiment_share_one_pass_per_distinct_text() -> None:
    texts = ["Aurora 14 battery lasts all day", "aurora over the fjord tonight",
             "Aurora 14 battery lasts all day"]
    ctx = BatchContext(campaign=CAMPAIGNS["aurora"])
    pipeline = build_pipeline([{"step": "clean"}, {"step": "relevance"}, {"step": "sentiment"}])
    done = pipeline.run([post(n, text) for n, text in enumerate(texts, 1)], ctx)
    assert not ctx.problems
    assert all(p.relevance is not None and p.sentiment is not None for p in done)
    [(model, _)] = ctx.encodings  # one model read every post
    assert model == SETTINGS.sentiment_path
    assert sorted(ctx.encodings[model, False]) == sorted(set(texts))


def test_states_already_in_the_batch_are_not_encoded_again() -> None:
    model = load_model(SETTINGS.sentiment_path)
    ctx = BatchContext()
    [first] = batch_states(ctx, model, ["the camera is great"])
    again, other = batch_states(ctx, model, ["the camera is great", "battery is bad"])
    assert again is first and other is not first


def test_the_built_models_share_their_encoder() -> None:
    assert shares_encoder(SETTINGS.sentiment_path, SETTINGS.encoder_path)
    assert reading_model(SETTINGS.encoder_path, SETTINGS).source == SETTINGS.sentiment_path


def test_another_encoder_is_read_on_its_own(tmp_path: Path) -> None:
    """A sentiment model built on other weights (or without a build record) never stands in
    for the configured encoder."""
    (tmp_path / ENCODER_RECORD).write_text(json.dumps({"source_sha256": "0" * 64}))
    assert not shares_encoder(SETTINGS.sentiment_path, str(tmp_path))
    assert not shares_encoder(str(tmp_path), SETTINGS.encoder_path)
    assert reading_model(SETTINGS.encoder_path, SETTINGS.model_copy(
        update={"sentiment_model": str(tmp_path)})).source == SETTINGS.encoder_path

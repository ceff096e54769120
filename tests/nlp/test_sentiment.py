"""``sentiment``: a multilingual model's reading of every post, any model's labels mapped to
ours, emoji counted, and bad posts that never sink a batch.

The model is the settings' sentiment model (``sensing models build`` trains it before the
tests run in CI). The quality examples are a smoke test: posts so plain that any working
model must read them right, in several languages; the measured figures are in
``sensing eval sentiment``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from analysis.pipeline import BatchContext, Pipeline, build_pipeline
from nlp.steps.clean import Clean
from nlp.steps.sentiment import (
    ModelSentiment,
    default_scorer,
    expressive_valence,
    label_valences,
    model_name,
    reading,
)
from sensing.config import Settings
from sensing.schemas import Post
from tests.nlp.conftest import post

PIPELINE = build_pipeline([{"step": "clean"}, {"step": "langid"}, {"step": "sentiment"}])
NAMES = [("negative", -1.0), ("neutral", 0.0), ("positive", 1.0)]


def analyse(*posts: Post, ctx: BatchContext | None = None) -> list[Post]:
    return PIPELINE.run(list(posts), ctx or BatchContext())


# --- any model's labels -------------------------------------------------------------------

@pytest.mark.parametrize("labels", [["negative", "neutral", "positive"], ["neg", "neu", "pos"],
                                    ["label_0", "label_1", "label_2"]])
def test_three_class_models_are_read_by_name_or_by_the_documented_order(
        labels: list[str]) -> None:
    assert label_valences(labels) == NAMES


def test_a_model_without_neutral_never_says_neutral() -> None:
    valences = label_valences(["negative", "positive"])
    assert reading([0.45, 0.55], valences) == ("positive", 0.1)


def test_star_ratings_score_their_expected_value() -> None:
    valences = label_valences(["1 star", "2 stars", "3 stars", "4 stars", "5 stars"])
    assert [v for _, v in valences] == [-1.0, -0.5, 0.0, 0.5, 1.0]
    # Expected rating 0.2·1 + 0.2·3 + 0.6·5 = 3.8 stars -> (3.8 - 3) / 2 = 0.4; 4-5 stars
    # together (0.6) beat 3 stars (0.2) and 1-2 stars (0.2).
    assert reading([0.2, 0.0, 0.2, 0.0, 0.6], valences) == ("positive", 0.4)


@pytest.mark.parametrize("labels", [["label_0", "label_1"], ["joy", "anger", "sadness"],
                                    ["label_0", "label_1", "label_2", "label_3"]])
def test_labels_no_rule_covers_are_an_error_naming_them(labels: list[str]) -> None:
    with pytest.raises(ValueError, match="cannot read sentiment labels"):
        label_valences(labels)


def test_the_score_is_p_positive_minus_p_negative_and_the_label_the_likeliest() -> None:
    assert reading([0.1, 0.3, 0.6], NAMES) == ("positive", 0.5)
    assert reading([0.3, 0.5, 0.2], NAMES) == ("neutral", -0.1)


def test_emoji_tilt_the_probabilities_towards_their_sign() -> None:
    """An undecided reading ("it arrived today") with a 😍 becomes positive; the tilt is a
    factor exp(±tilt) on the polar classes, so it cannot overturn a confident reading."""
    undecided, confident = [0.3, 0.4, 0.3], [0.9, 0.08, 0.02]
    assert reading(undecided, NAMES, tilt=0.8)[0] == "positive"
    assert reading(undecided, NAMES, tilt=-0.8)[0] == "negative"
    assert reading(confident, NAMES, tilt=0.8)[0] == "negative"
    label, score = reading([0.25, 0.5, 0.25], NAMES, tilt=math.log(2))
    assert score == pytest.approx((0.5 - 0.125) / (0.5 + 0.5 + 0.125), abs=1e-4)


def test_emoji_and_emoticons_are_read_as_one_valence() -> None:
    assert expressive_valence("love it 😍🔥") > 0.5
    assert expressive_valence("great :) <3") > 0.5, "VADER's emoticons count"
    assert expressive_valence("ugh :( 👎") < -0.5
    assert expressive_valence("ships 14:30 on 3/10, size <3mm 📷") == 0.0, \
        "times, dates and neutral emoji are not emoticons"


# --- the step on the real model -----------------------------------------------------------

CLEAR = [
    ("en", "I absolutely love this phone, the camera is amazing!", "positive"),
    ("en", "Worst purchase ever. The battery died after two days, total waste of money.",
     "negative"),
    ("es", "Me encanta, la mejor compra que he hecho este año.", "positive"),
    ("es", "Qué decepción, se rompió a la semana. No lo compren.", "negative"),
    ("fr", "Je l'adore, super qualité et livraison rapide !", "positive"),
    ("de", "Totaler Schrott, nach einer Woche kaputt. Nie wieder!", "negative"),
    ("ko", "정말 최고예요! 완전 마음에 들어요", "positive"),
    ("ja", "最悪です。二日で壊れました。", "negative"),
    ("en", "Does anyone know what time the store opens?", "neutral"),
    ("es", "¿Alguien sabe a qué hora abre la tienda?", "neutral"),
    ("ja", "発売日は10月15日です。", "neutral"),
    ("zh", "新机型将于下周二发布。", "neutral"),
]


@pytest.mark.parametrize(("lang", "text", "label"), CLEAR, ids=[f"{c[0]}-{c[2]}" for c in CLEAR])
def test_plain_posts_get_their_obvious_label(lang: str, text: str, label: str) -> None:
    [done] = analyse(post(1, text))
    assert done.sentiment.label == label
    low, high = {"positive": (0.3, 1), "neutral": (-0.3, 0.3), "negative": (-1, -0.3)}[label]
    assert low <= done.sentiment.score <= high


def test_the_model_name_is_recorded_with_its_build() -> None:
    [done] = analyse(post(1, "It works."))
    path = Path(Settings().sentiment_path)
    assert done.sentiment.model == model_name(str(path), Settings().quantize_int8)
    assert done.sentiment.model.startswith(path.name)


def test_a_build_record_is_named_by_its_hash(tmp_path: Path) -> None:
    (tmp_path / "my-model").mkdir()
    assert model_name(str(tmp_path / "my-model"), False) == "my-model"
    (tmp_path / "my-model" / "sensing_model.json").write_text(json.dumps({"seed": 1}))
    first = model_name(str(tmp_path / "my-model"), True)
    (tmp_path / "my-model" / "sensing_model.json").write_text(json.dumps({"seed": 2}))
    assert first.startswith("my-model@") and first.endswith("+int8")
    assert model_name(str(tmp_path / "my-model"), True) != first
    assert model_name("org/hub-model", False) == "org/hub-model"


def test_empty_huge_and_emoji_only_posts_in_one_batch() -> None:
    ctx = BatchContext()
    empty, huge, emoji_only, hearts = analyse(
        post(1, ""), post(2, "The camera is superb and I love it. " * 30_000),
        post(3, "😍😍🔥"), post(4, "💔😡"), ctx=ctx)
    assert ctx.problems == []
    assert len(huge.raw_text) > 1_000_000
    assert (empty.sentiment.label, empty.sentiment.score) == ("neutral", 0.0)
    assert empty.sentiment.model == "none:empty-text"
    assert huge.sentiment.label == "positive", "read up to the model's window"
    assert emoji_only.sentiment.label == "positive"
    assert hearts.sentiment.label == "negative"


def test_a_missing_model_is_a_per_post_problem_that_says_what_to_do(tmp_path: Path) -> None:
    step = ModelSentiment(ModelSentiment.Options(model=str(tmp_path / "absent")))
    ctx = BatchContext()
    first, second = Pipeline([Clean(), step]).run([post(1, "good"), post(2, "bad")], ctx)
    assert first.sentiment is None and second.sentiment is None
    assert len(ctx.problems) == 2 and "sensing models build" in ctx.problems[0]
    assert "sentiment" not in first.pipeline.steps


def test_the_aspect_step_scores_clauses_as_the_step_scores_posts() -> None:
    texts = ["the camera is stunning", "the battery is a joke 🙄", ""]
    posts = analyse(*(post(i, text) for i, text in enumerate(texts)))
    assert default_scorer().score(texts) == [p.sentiment for p in posts]


def test_options_override_the_settings_and_change_the_pipeline_version() -> None:
    tuned = build_pipeline([{"step": "clean"}, {"step": "langid"},
                            {"step": "sentiment", "options": {"emoji_weight": 0}}])
    assert tuned.version != PIPELINE.version
    [plain] = tuned.run([post(1, "It arrived today 😍😍😍")], BatchContext())
    [tilted] = analyse(post(1, "It arrived today 😍😍😍"))
    assert tilted.sentiment.score > plain.sentiment.score

"""``lab.train.sentiment``: the classifier head on the frozen encoder, and the built model.

The mechanics are checked on a tiny random BERT (fast, exact); the model ``sensing models
build`` wrote is checked as a user loads it: by path, through transformers' Auto classes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    BertConfig,
    BertModel,
)

from lab.train.build import SENTIMENT_DIR
from lab.train.sentiment import (
    ID2LABEL,
    TrainSpec,
    classifier_from_encoder,
    predict,
    train_head,
)
from nlp.builds import MODEL_RECORD
from sensing.config import Settings

BUILT = Settings().models_dir / SENTIMENT_DIR


@pytest.fixture(scope="module")
def tiny_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch.manual_seed(0)
    config = BertConfig(vocab_size=50, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=40)
    out = tmp_path_factory.mktemp("tiny-encoder")
    BertModel(config).save_pretrained(out)
    return out


def test_the_added_layer_writes_the_mean_of_the_real_tokens_into_cls(tiny_encoder: Path) -> None:
    model = classifier_from_encoder(tiny_encoder)
    assert model.config.num_hidden_layers == 3 and model.config.id2label == ID2LABEL
    ids = torch.tensor([[2, 7, 9, 11, 3], [2, 5, 3, 0, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
    with torch.no_grad():
        out = model.bert(input_ids=ids, attention_mask=mask, output_hidden_states=True)
    before = out.hidden_states[2]
    mean = (before * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
    expected = torch.nn.functional.layer_norm(mean, (32,), eps=model.config.layer_norm_eps)
    torch.testing.assert_close(out.last_hidden_state[:, 0], expected, atol=5e-3, rtol=0)


def _separable(n: int) -> tuple[torch.Tensor, list[str]]:
    generator = torch.Generator().manual_seed(1)
    centres = torch.randn(3, 32, generator=generator) * 4 + 10  # far from 0: tests the folding
    labels = [ID2LABEL[i % 3] for i in range(n)]
    states = torch.stack([centres[i % 3] for i in range(n)]) + torch.randn(n, 32,
                                                                           generator=generator)
    return states, labels


def test_the_head_learns_raw_states_and_is_deterministic(tiny_encoder: Path) -> None:
    states, labels = _separable(300)
    spec = TrainSpec(epochs=5, threads=1)
    first, second = classifier_from_encoder(tiny_encoder), classifier_from_encoder(tiny_encoder)
    train_head(first, states, labels, spec)
    train_head(second, states, labels, spec)
    assert predict(first, states) == labels
    for a, b in zip(first.state_dict().values(), second.state_dict().values(), strict=True):
        assert torch.equal(a, b)


@pytest.fixture(scope="module")
def built() -> tuple:
    return (AutoTokenizer.from_pretrained(BUILT),
            AutoModelForSequenceClassification.from_pretrained(BUILT).eval())


def test_the_built_directory_loads_as_a_standard_three_class_classifier(built: tuple) -> None:
    tokenizer, model = built
    assert type(model).__name__ == "BertForSequenceClassification"
    assert model.config.id2label == ID2LABEL
    texts = ["I love this phone, the camera is amazing 😍",
             "Worst purchase ever. Broke after two days and support ignored me.",
             "Me encanta, la batería dura todo el día",
             "最悪。買って一週間で画面が割れた"]
    with torch.no_grad():
        logits = model(**tokenizer(texts, padding=True, return_tensors="pt")).logits
    assert [ID2LABEL[int(i)] for i in logits.argmax(-1)] == [
        "positive", "negative", "positive", "negative"]


def test_the_build_record_and_model_card_report_held_out_figures() -> None:
    record = json.loads((BUILT / MODEL_RECORD).read_text(encoding="utf-8"))
    assert set(record["metrics"]["sentiment_set"]) == {
        "ko", "en", "ja", "es", "fr", "de", "pt", "zh", "all"}
    assert record["metrics"]["vader_tweets"]["all"]["n"] > 800
    card = (BUILT / "README.md").read_text(encoding="utf-8")
    assert "| vader_tweets | all |" in card and "Apache-2.0" in card

"""``lab.evals.aspects`` and ``sensing eval aspects``: the hand-labelled multilingual aspect
set, the detection and sentiment metrics, and the table beside the post-label baseline."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app
from lab.evals.aspects import (
    LabelledAspects,
    Outcome,
    evaluate,
    format_table,
    load_set,
    mistakes,
    score,
)
from nlp.aspects import TAXONOMY

LANGUAGES = {"en", "ko", "ja", "es", "fr", "de", "pt", "zh"}
SET = load_set()


# --- the set ------------------------------------------------------------------------------

def test_the_set_has_at_least_20_posts_in_each_of_eight_languages() -> None:
    per_language = Counter(e.lang for e in SET)
    assert set(per_language) == LANGUAGES
    assert min(per_language.values()) >= 20
    assert len({e.id for e in SET}) == len(SET)


def test_every_language_has_mixed_posts_posts_without_aspects_and_questions() -> None:
    for lang in LANGUAGES:
        posts = [e for e in SET if e.lang == lang]
        mixed = [e for e in posts if {"positive", "negative"} <= {a.sentiment for a in e.aspects}]
        assert len(mixed) >= 3, lang
        assert sum(not e.aspects for e in posts) >= 3, lang
        assert any(a.sentiment == "neutral" for e in posts for a in e.aspects), lang


def test_every_built_in_aspect_appears_in_the_gold() -> None:
    assert {a.aspect for e in SET for a in e.aspects} == set(TAXONOMY)


def test_a_line_naming_an_unknown_aspect_fails_at_that_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "1", "lang": "en", "text": "x", "aspects": []}) + "\n"
                   + json.dumps({"id": "2", "lang": "en", "text": "y",
                                 "aspects": [{"aspect": "vibes", "sentiment": "positive"}]}),
                   encoding="utf-8")
    with pytest.raises(ValueError, match=r"(?s)bad\.jsonl:2:.*vibes"):
        load_set(bad)


# --- metrics ------------------------------------------------------------------------------

def outcome(gold: dict, found: dict, overall: str) -> Outcome:
    example = LabelledAspects(id="x", lang="en", text="", aspects=[
        {"aspect": a, "sentiment": s} for a, s in gold.items()])
    return Outcome(example, gold, found, overall)


def test_detection_and_sentiment_are_counted_per_aspect() -> None:
    rows = [outcome({"camera": "positive", "battery": "negative"},
                    {"camera": "positive", "battery": "negative", "price": "neutral"},
                    "negative"),
            outcome({"display": "positive"}, {}, "positive"),
            outcome({}, {}, "neutral")]
    found = score("en", rows)
    assert (found.gold, found.found, found.correct) == (3, 3, 2)
    assert found.precision == pytest.approx(2 / 3)
    assert found.recall == pytest.approx(2 / 3)
    assert found.clause_accuracy == 1.0         # camera and battery both right
    assert found.baseline_accuracy == 0.5       # the post's "negative" is wrong for camera
    assert mistakes(rows) == [
        "x: gold camera:pos, battery:neg | found camera:pos, battery:neg, price:neu "
        "(post negative)  ", "x: gold display:pos | found - (post positive)  "]


def test_a_step_that_finds_nothing_scores_zero_accuracy_not_an_error() -> None:
    found = score("en", [outcome({"camera": "positive"}, {}, "positive")])
    assert (found.recall, found.clause_accuracy, found.baseline_accuracy) == (0.0, 0.0, 0.0)


# --- the harness and the command, with the real models -------------------------------------

MIXED = [
    ("en", "The camera is absolutely amazing but the battery is terrible",
     {"camera": "positive", "battery": "negative"}),
    ("es", "La cámara es increíble, pero la batería es malísima",
     {"camera": "positive", "battery": "negative"}),
    ("en", "Best phone I've had in years", {}),
]


def write_set(path: Path) -> Path:
    lines = [json.dumps({"id": f"m{i}", "lang": lang, "text": text,
                         "aspects": [{"aspect": a, "sentiment": s} for a, s in gold.items()]},
                        ensure_ascii=False) for i, (lang, text, gold) in enumerate(MIXED)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_on_mixed_posts_clauses_beat_the_posts_overall_label(tmp_path: Path) -> None:
    rows, outcomes = evaluate(write_set(tmp_path / "mixed.jsonl"))
    assert [r.lang for r in rows] == ["en", "es", "all"]
    every = rows[-1]
    assert (every.gold, every.correct, every.found) == (4, 4, 4)
    assert every.clause_accuracy == 1.0
    assert every.baseline_accuracy == 0.5      # one label per post is wrong for one aspect
    assert "sent acc [post label]" in format_table(rows)


def test_sensing_eval_aspects_prints_a_row_per_language(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "aspects", "--set",
                                      str(write_set(tmp_path / "mixed.jsonl")), "--mistakes"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:7] == ["lang", "posts", "gold", "found", "P", "R", "F1"]
    assert [line.split()[0] for line in lines[1:4]] == ["en", "es", "all"]

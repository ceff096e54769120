"""``lab.evals.sentiment``: the hand-labelled multilingual evaluation set, the metrics, the
harness that scores any sentiment step on it, and the held-out split of the VADER tweets."""

from __future__ import annotations

import html
import io
import tarfile
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from lab.corpora import LabelledPost, held_out, is_held_out, load_set, vader_label, vader_tweets
from lab.evals.sentiment import (
    LABELS,
    Scores,
    accuracy,
    confusion_matrix,
    evaluate,
    format_table,
    macro_f1,
    run_evaluation,
)

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = {"ko", "en", "ja", "es", "fr", "de", "pt", "zh"}
SET = load_set()


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


# --- the evaluation set -------------------------------------------------------------------

def test_the_set_covers_eight_languages_with_at_least_60_posts_each() -> None:
    per_language = Counter(e.lang for e in SET)
    assert set(per_language) == LANGUAGES
    assert min(per_language.values()) >= 60


def test_every_language_has_at_least_15_posts_of_each_class() -> None:
    counts = Counter((e.lang, e.label) for e in SET)
    assert min(counts[lang, label] for lang in LANGUAGES for label in LABELS) >= 15


def test_posts_are_about_several_launch_topics_in_every_language() -> None:
    for lang in LANGUAGES:
        topics = Counter(e.topic for e in SET if e.lang == lang)
        assert len(topics) >= 5, lang
        assert max(topics.values()) <= len([e for e in SET if e.lang == lang]) / 3, lang


def test_ids_and_texts_are_unique() -> None:
    assert len({e.id for e in SET}) == len(SET)
    assert len({_norm(e.text) for e in SET}) == len(SET)


def test_no_text_is_taken_from_the_bundled_sample_corpora() -> None:
    samples = REPO / "samples"
    corpora = _norm(html.unescape(" ".join(
        path.read_text(encoding="utf-8") for path in sorted(samples.rglob("*"))
        if path.suffix in {".py", ".json"})))
    assert len(corpora) > 10_000, "the sample corpora were not found"
    assert [e.id for e in SET if _norm(e.text) in corpora] == []


def test_a_bad_line_is_reported_with_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "a", "lang": "en", "text": "ok", "label": "positive"}\n'
                    '{"id": "b", "lang": "en", "text": "meh", "label": "mixed"}\n')
    with pytest.raises(ValueError, match=r"set\.jsonl:2"):
        load_set(path)


# --- the metrics, on examples worked by hand ----------------------------------------------

def test_metrics_of_a_small_example_worked_by_hand() -> None:
    truth = ["positive", "positive", "neutral", "negative"]
    predicted = ["positive", "neutral", "neutral", "positive"]
    matrix = confusion_matrix(truth, predicted)
    assert matrix["positive"] == {"positive": 1, "neutral": 1, "negative": 0}
    assert matrix["negative"] == {"positive": 1, "neutral": 0, "negative": 0}
    assert accuracy(matrix) == 0.5
    # F1: positive 2·1/(2+1+1) = 1/2, neutral 2·1/(2+1+0) = 2/3, negative 0 (never right)
    assert macro_f1(matrix) == pytest.approx((1 / 2 + 2 / 3 + 0) / 3)


def test_saying_neutral_to_everything_scores_one_sixth_on_a_balanced_set() -> None:
    truth = ["positive", "neutral", "negative"] * 7
    matrix = confusion_matrix(truth, ["neutral"] * len(truth))
    assert accuracy(matrix) == pytest.approx(1 / 3)
    assert macro_f1(matrix) == pytest.approx(1 / 6), "neutral F1 is 1/2, the others 0"


def test_perfect_predictions_score_one() -> None:
    matrix = confusion_matrix(list(LABELS), list(LABELS))
    assert accuracy(matrix) == macro_f1(matrix) == 1.0


def test_labels_and_predictions_must_pair_up() -> None:
    with pytest.raises(ValueError, match="2 true labels but 1 predictions"):
        confusion_matrix(["positive", "neutral"], ["positive"])


# --- the harness on the lexicon baseline --------------------------------------------------

@pytest.fixture(scope="module")
def baseline() -> dict[str, Scores]:
    evaluation = evaluate("sentiment-lexicon", SET, "sentiment_set")
    return {row.lang: row for row in evaluation.rows}


def test_the_baseline_gets_a_row_per_language_and_one_overall(baseline: dict[str, Scores]) -> None:
    assert set(baseline) == LANGUAGES | {"all"}
    assert baseline["all"].n == len(SET)
    assert sum(baseline["all"].confusion["negative"].values()) == sum(
        e.label == "negative" for e in SET)


def test_vader_reads_english_well_above_chance(baseline: dict[str, Scores]) -> None:
    english = baseline["en"]
    assert english.measured == english.n
    assert english.macro_f1 > 0.55, "chance (uniform guessing) is about 0.33"
    assert english.accuracy > 0.55


def test_other_languages_stay_near_the_all_neutral_level(baseline: dict[str, Scores]) -> None:
    """Only their emoji are read (a few posts each), so most posts come out neutral: above
    the all-neutral 1/3 accuracy and 1/6 macro-F1, far below English."""
    for lang in LANGUAGES - {"en"}:
        row = baseline[lang]
        assert row.measured <= row.n * 0.2, lang
        assert 1 / 3 <= row.accuracy < 0.5, lang
        assert 1 / 6 <= row.macro_f1 < baseline["en"].macro_f1 - 0.2, lang


def test_a_step_that_sets_no_sentiment_cannot_be_evaluated() -> None:
    with pytest.raises(RuntimeError, match="set no sentiment"):
        evaluate("hashtags", SET[:3], "sentiment_set")


def test_the_table_puts_the_step_beside_the_baseline(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "1", "lang": "en", "text": "I love it", "label": "positive"}\n'
                    '{"id": "2", "lang": "ko", "text": "최악 😡", "label": "negative"}\n')
    report = run_evaluation("sentiment-lexicon", set_path=path)
    assert len(report.evaluations) == 1, "the step under test is the baseline: one column pair"
    lines = format_table(report).splitlines()
    assert lines[0].split()[:3] == ["dataset", "lang", "n"]
    assert [line.split()[:6] for line in lines[1:]] == [
        ["sentiment_set", "en", "1", "1.000", "0.333", "1/1"],
        ["sentiment_set", "ko", "1", "1.000", "0.333", "1/1"],
        ["sentiment_set", "all", "2", "1.000", "0.667", "2/2"],
        ["sentiment_set", "lang-mean", "2", "1.000", "0.333", "-"],
        ["sentiment_set", "lang-min", "2", "1.000", "0.333", "en"]]


def test_the_language_mean_weighs_every_language_the_same(tmp_path: Path) -> None:
    """Three English posts all right, one Korean post wrong: posts-weighted accuracy is 3/4,
    the language mean (1 + 0) / 2, and Korean is the weakest language."""
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "1", "lang": "en", "text": "I love it", "label": "positive"}\n'
                    '{"id": "2", "lang": "en", "text": "I hate it", "label": "negative"}\n'
                    '{"id": "3", "lang": "en", "text": "It ships Monday", "label": "neutral"}\n'
                    '{"id": "4", "lang": "ko", "text": "최고예요", "label": "positive"}\n')
    [evaluation] = run_evaluation("sentiment-lexicon", set_path=path).evaluations
    assert evaluation.rows[-1].accuracy == 0.75
    assert evaluation.language_mean == {"accuracy": 0.5, "macro_f1": 0.5}
    assert evaluation.weakest_language.lang == "ko"


def test_held_out_splits_are_skipped_with_a_note_when_their_archives_are_absent(
        tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "1", "lang": "en", "text": "I love it", "label": "positive"}\n')
    report = run_evaluation("sentiment-lexicon", set_path=path, data_dir=tmp_path / "nothing")
    assert [e.dataset for e in report.evaluations] == ["sentiment_set"]
    assert len(report.notes) == 1 and "sensing models build" in report.notes[0]
    assert format_table(report).splitlines()[-1].startswith("note: held-out splits skipped")


# --- the model step beside the lexicon ----------------------------------------------------

def test_the_model_step_is_printed_beside_the_lexicon(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text("".join(line + "\n" for line in (
        '{"id": "1", "lang": "en", "text": "I love this phone, best camera ever", '
        '"label": "positive"}',
        '{"id": "2", "lang": "es", "text": "La batería es malísima, qué decepción", '
        '"label": "negative"}')))
    report = run_evaluation(set_path=path)
    assert [e.step for e in report.evaluations] == ["sentiment 2.0", "sentiment-lexicon 1.1"]
    header = format_table(report).splitlines()[0]
    assert header.index("[sentiment 2.0]") < header.index("[sentiment-lexicon 1.1]")
    model, lexicon = ({r.lang: r for r in e.rows} for e in report.evaluations)
    assert model["es"].measured == 1, "the model reads Spanish"
    assert lexicon["es"].measured == 0, "the lexicon does not"


# --- the VADER tweets and their held-out split --------------------------------------------

TWEETS = ("1\t2.726315789\tSo lucky &amp; grateful.\r\n"
          "2\t0.49\tThinking about the weekend.\r\n"
          "3\t-0.5\tWhy must you not have a native client?\r\n")


def _sdist(tmp_path: Path) -> dict[str, Path]:
    """vaderSentiment's source archive as PyPI ships it: the tweets inside a tar.gz inside a
    tar.gz. Returns every form :func:`vader_tweets` accepts."""
    unpacked = tmp_path / "unpacked" / "hutto_ICWSM_2014"
    unpacked.mkdir(parents=True)
    (unpacked / "tweets_GroundTruth.txt").write_bytes(TWEETS.encode())
    inner = tmp_path / "hutto_ICWSM_2014.tar.gz"
    with tarfile.open(inner, "w:gz") as archive:
        archive.add(unpacked, arcname="hutto_ICWSM_2014")
    outer = tmp_path / "vaderSentiment-3.3.2.tar.gz"
    with tarfile.open(outer, "w:gz") as archive:
        archive.addfile(tarfile.TarInfo("vaderSentiment-3.3.2/README.rst"), io.BytesIO())
        archive.add(inner, arcname="vaderSentiment-3.3.2/additional_resources/"
                                   "hutto_ICWSM_2014.tar.gz")
    return {"sdist": outer, "inner": inner, "folder": tmp_path / "unpacked",
            "file": unpacked / "tweets_GroundTruth.txt"}


def test_the_tweets_are_read_from_the_sdist_or_anything_unpacked_from_it(
        tmp_path: Path) -> None:
    forms = _sdist(tmp_path)
    read = {form: vader_tweets(path) for form, path in forms.items()}
    assert [(e.id, e.label, e.text) for e in read["sdist"]] == [
        ("vader-tweets:1", "positive", "So lucky & grateful."),
        ("vader-tweets:2", "neutral", "Thinking about the weekend."),
        ("vader-tweets:3", "negative", "Why must you not have a native client?")]
    assert all(tweets == read["sdist"] for tweets in read.values())


def test_an_archive_without_the_tweets_says_what_was_expected(tmp_path: Path) -> None:
    path = tmp_path / "other.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        archive.addfile(tarfile.TarInfo("x/README"), io.BytesIO())
    with pytest.raises(ValueError, match="pip download --no-deps --no-binary"):
        vader_tweets(path)


def test_a_malformed_tweet_line_is_reported_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "tweets_GroundTruth.txt"
    path.write_text("1\t2.5\tGreat day\n2 -1.0 spaces instead of tabs\n")
    with pytest.raises(ValueError, match="line 2 is not 'id<TAB>mean rating<TAB>text'"):
        vader_tweets(path)


def test_mean_ratings_within_half_a_point_of_zero_are_neutral() -> None:
    assert [vader_label(r) for r in (0.5, 0.49, 0.0, -0.49, -0.5)] == [
        "positive", "neutral", "neutral", "neutral", "negative"]


def test_the_held_out_split_is_a_fixed_fifth_of_the_tweets() -> None:
    """The training script excludes exactly these tweets, so the rule must never drift:
    830 of the 4,200 tweet ids are held out, the same ones on every call."""
    tweets = [LabelledPost(id=f"vader-tweets:{n}", lang="en", text=str(n), label="neutral")
              for n in range(1, 4201)]
    chosen = [e.id for e in held_out(tweets)]
    assert len(chosen) == 830
    assert chosen[:3] == ["vader-tweets:2", "vader-tweets:7", "vader-tweets:12"]
    assert chosen == [e.id for e in tweets if is_held_out(e.id)]

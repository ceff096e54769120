"""How well a sentiment step labels posts: accuracy, macro-F1 and confusion per language.

``sensing eval sentiment`` runs the step under test (default: the model step ``sentiment``)
beside the lexicon baseline (``sentiment-lexicon``) on this module's multilingual set, on the
held-out splits of the corpora the model was trained from (:func:`lab.corpora.held_out_sets`,
read from ``MODELS_DIR/data``), and, given its archive, on the held-out VADER tweets. For the
multilingual set it also prints the mean of the per-language figures (every language weighs
the same, as the targets are stated) and the weakest language.

The evaluation set (``sentiment_set.jsonl``, beside this module)
-----------------------------------------------------------------
576 short posts, 72 in each of Korean, English, Japanese, Spanish, French, German, Portuguese
and Chinese, written and labelled by hand for this project (none is copied from a platform or
from the bundled sample corpora in ``samples/``). Each line is ``{id, lang, text,
label, topic}``; ``label`` is the overall stance of the writer towards the product:
``positive``, ``neutral`` or ``negative``.

How it was made: seven launch topics (phone, camera, earbuds, laptop, car, cosmetics, snack)
and fictional products (Orbi 7, Kairo Z50, Sonta Buds 3, Aerobook 14, Veltra E6, Lumière Glow,
Crunchos, ...). Posts 1-63 of each language are three posts of each class per topic; posts
64-72 add three of each class that are harder for a lexicon (negated criticism: "isn't bad at
all", "can't complain"; a list of merits, then a verdict against; scare-quoted marketing). So
every language has 24 posts per class and the per-language figures can be compared. The
languages share scenarios (the same products, prices and complaints) but each post is written
as people write in that language (slang such as 존맛탱, 真香, ｗ, kkkk, mdr; local prices and
units), not translated word for word. The posts carry what makes social media hard: emoji,
hashtags, lowercase and clipped spelling, negation, sarcasm (praise words over a complaint:
"Truly innovative 🙄"), and mixed aspects with a clear overall stance ("the case feels cheap,
but ... would buy again" is positive). Neutral posts are questions, specs, prices, dates and
announcements with no stance. A post whose stance a careful reader could argue about was
rewritten until it could not be.

**Never train on this set.** It is the truth the project's sentiment figures stand on; a
model that saw it would report numbers that mean nothing. Training data comes from the
labelled corpora that ship in packages (see ``DESIGN.md``), minus their held-out splits.

Held-out split of the VADER tweets
----------------------------------
vaderSentiment's source archive (``pip download --no-deps --no-binary :all:
vaderSentiment==3.3.2``) holds ``additional_resources/hutto_ICWSM_2014.tar.gz`` with 4,200
tweets, each with the mean of at least twenty human ratings on -4..4. They become three classes
at ±0.5 (:data:`VADER_NEUTRAL_BAND`): a mean within half a point of zero means the raters did
not lean either way. A tweet is held out when :func:`is_held_out` says so: the first eight hex
digits of ``sha1(SPLIT_SALT + id)``, as a number, modulo 100, are below
:data:`HELD_OUT_PERCENT`. The rule needs no state and no random generator, so the training
script excludes exactly these tweets by calling the same function. VADER's authors built this
corpus to evaluate VADER, so the lexicon baseline's figures on it are flattering; the
multilingual set above is the fairer comparison.

Metrics are computed with the standard library; macro-F1 averages the F1 of the three classes
whether or not a class was predicted (a class never predicted and never true scores 0, as in
scikit-learn's ``zero_division=0``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, computed_field

from analysis.pipeline import Pipeline, build_pipeline
from lab.corpora import SET_PATH, LabelledPost, held_out, held_out_sets, load_set, vader_tweets
from lab.evals.labelled import as_post, run_all
from sensing.schemas import SentimentLabel

LABELS: tuple[SentimentLabel, ...] = ("positive", "neutral", "negative")
DEFAULT_STEP = "sentiment"
BASELINE_STEP = "sentiment-lexicon"
"""The lexicon step every other sentiment step is printed beside."""


class Scores(BaseModel):
    """One row of the table: a language (or ``all``) on one data set, for one step."""

    lang: str
    n: int
    accuracy: float
    macro_f1: float
    measured: int
    """Posts the step gave a real reading, i.e. not a ``none:...`` 'not covered' model."""
    confusion: dict[str, dict[str, int]]
    """true label -> predicted label -> count."""


class Evaluation(BaseModel):
    """One step on one data set: a row per language, then ``all``."""

    dataset: str
    step: str
    rows: list[Scores]

    @property
    def languages(self) -> list[Scores]:
        return [row for row in self.rows if row.lang != "all"]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def language_mean(self) -> dict[str, float] | None:
        """Accuracy and macro-F1 averaged over the languages, each weighing the same (the
        ``all`` row weighs posts); None for a one-language set."""
        rows = self.languages
        if len(rows) < 2:
            return None
        return {"accuracy": round(sum(r.accuracy for r in rows) / len(rows), 4),
                "macro_f1": round(sum(r.macro_f1 for r in rows) / len(rows), 4)}

    @computed_field  # type: ignore[prop-decorator]
    @property
    def weakest_language(self) -> Scores | None:
        """The language with the lowest macro-F1; None for a one-language set."""
        rows = self.languages
        return min(rows, key=lambda r: r.macro_f1) if len(rows) > 1 else None


class EvalReport(BaseModel):
    """Everything ``sensing eval sentiment`` measured; ``--json`` prints this."""

    evaluations: list[Evaluation]
    notes: list[str] = []
    """Data sets that could not be evaluated, and why (printed under the table)."""


def confusion_matrix(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, dict[str, int]]:
    """Counts of (true, predicted) label pairs, with every label present in both axes."""
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} true labels but {len(predicted)} predictions")
    matrix = {t: dict.fromkeys(LABELS, 0) for t in LABELS}
    for t, p in zip(truth, predicted, strict=True):
        matrix[t][p] += 1
    return matrix


def accuracy(matrix: dict[str, dict[str, int]]) -> float:
    total = sum(sum(row.values()) for row in matrix.values())
    return sum(matrix[label][label] for label in LABELS) / total if total else 0.0


def macro_f1(matrix: dict[str, dict[str, int]]) -> float:
    """Mean over the three classes of 2·TP / (2·TP + FP + FN)."""
    scores = []
    for label in LABELS:
        tp = matrix[label][label]
        fp = sum(matrix[other][label] for other in LABELS if other != label)
        fn = sum(matrix[label][other] for other in LABELS if other != label)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return sum(scores) / len(scores)


def _scores(lang: str, truth: list[str], predicted: list[str], measured: int) -> Scores:
    matrix = confusion_matrix(truth, predicted)
    return Scores(lang=lang, n=len(truth), accuracy=round(accuracy(matrix), 4),
                  macro_f1=round(macro_f1(matrix), 4), measured=measured, confusion=matrix)


def evaluate(step_name: str, examples: Sequence[LabelledPost], dataset: str) -> Evaluation:
    """Run ``clean`` then the step named ``step_name`` over ``examples`` and score it.

    A step that fails on a post raises here: an evaluation that silently skipped posts would
    report a number for a different set."""
    pipeline: Pipeline = build_pipeline([{"step": "clean"}, {"step": step_name}])
    step = pipeline.steps[-1]
    posts = run_all(pipeline, [as_post(e.id, e.text, e.lang) for e in examples],
                    f"step {step_name!r}", f" of {dataset}")
    unlabelled = [p.id for p in posts if p.sentiment is None]
    if unlabelled:
        raise RuntimeError(f"step {step_name!r} set no sentiment on {unlabelled[:3]}: is it a "
                           f"sentiment step?")
    rows = []
    for lang in [*dict.fromkeys(e.lang for e in examples), "all"]:
        chosen = [(e, p) for e, p in zip(examples, posts, strict=True)
                  if lang in ("all", e.lang)]
        rows.append(_scores(lang, [e.label for e, _ in chosen],
                            [p.sentiment.label for _, p in chosen],
                            sum(not p.sentiment.model.startswith("none:") for _, p in chosen)))
    return Evaluation(dataset=dataset, step=f"{step.name} {step.version}", rows=rows)


def run_evaluation(step_name: str = DEFAULT_STEP, set_path: Path | None = None,
                   vader_archive: Path | None = None, data_dir: Path | None = None
                   ) -> EvalReport:
    """What ``sensing eval sentiment`` does: the step under test and the lexicon baseline on
    the evaluation set; on the held-out split of every training corpus whose archive is in
    ``data_dir``; and on the held-out VADER tweets of ``vader_archive`` (which replaces the
    ``data_dir`` copy of them, so no set is counted twice)."""
    datasets = {"sentiment_set": load_set(set_path or SET_PATH)}
    notes = []
    if data_dir is not None:
        try:
            datasets |= {f"{name}_heldout": rows for name, rows in held_out_sets(data_dir).items()}
        except FileNotFoundError as exc:
            notes.append(f"held-out splits skipped: {exc}")
    if vader_archive is not None:
        datasets["vader_tweets_heldout"] = held_out(vader_tweets(vader_archive))
    steps = list(dict.fromkeys([step_name, BASELINE_STEP]))
    return EvalReport(evaluations=[evaluate(step, examples, name)
                                   for name, examples in datasets.items() for step in steps],
                      notes=notes)


def format_table(report: EvalReport) -> str:
    """A plain-text table: one line per data set and language, each step's accuracy and
    macro-F1 side by side, and how many posts each step actually measured. A multilingual
    set adds ``lang-mean`` (every language weighing the same) and ``lang-min`` (the weakest
    language's figures, named in the measured column); notes follow the table."""
    steps = list(dict.fromkeys(e.step for e in report.evaluations))
    header = ["dataset", "lang", "n"]
    for step in steps:
        header += [f"acc [{step}]", f"F1 [{step}]", f"measured [{step}]"]
    lines = [header]
    datasets = list(dict.fromkeys(e.dataset for e in report.evaluations))
    for dataset in datasets:
        by_step = {e.step: e for e in report.evaluations if e.dataset == dataset}
        first = by_step[steps[0]]
        for index, row in enumerate(first.rows):
            line = [dataset, row.lang, str(row.n)]
            for step in steps:
                other = by_step[step].rows[index]
                line += [f"{other.accuracy:.3f}", f"{other.macro_f1:.3f}",
                         f"{other.measured}/{other.n}"]
            lines.append(line)
        if first.language_mean is not None:
            lines.append(_summary_line(dataset, "lang-mean", [by_step[s] for s in steps]))
            lines.append(_summary_line(dataset, "lang-min", [by_step[s] for s in steps]))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    table = "\n".join("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                                for i, (cell, w) in enumerate(zip(line, widths, strict=True)))
                      for line in lines)
    return "\n".join([table, *(f"note: {note}" for note in report.notes)])


def _summary_line(dataset: str, kind: str, evaluations: list[Evaluation]) -> list[str]:
    line = [dataset, kind, str(len(evaluations[0].languages))]
    for evaluation in evaluations:
        if kind == "lang-mean":
            mean = evaluation.language_mean or {}
            line += [f"{mean['accuracy']:.3f}", f"{mean['macro_f1']:.3f}", "-"]
        else:
            weakest = evaluation.weakest_language
            line += [f"{weakest.accuracy:.3f}", f"{weakest.macro_f1:.3f}", weakest.lang]
    return line


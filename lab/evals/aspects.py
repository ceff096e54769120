"""How well ``aspects`` finds product aspects and the sentiment towards each, per language.

The evaluation set (``aspect_set.jsonl``, beside this module)
------------------------------------------------------------
179 short social posts about a phone launch, 22-24 in each of English, Korean, Japanese,
Spanish, French, German, Portuguese and Chinese, written and labelled by hand for this
project. Each line is ``{id, lang, text, aspects: [{aspect, sentiment}]}``: the built-in
aspects (:data:`nlp.aspects.TAXONOMY`) a careful reader says the post speaks about, and the
writer's stance towards each. Every language has the same kinds of post, written as people
write in it (폰값, 광탈, コスパ, アプデ, 性价比, 续航, "de ouf", "kkkk"), not translated:

* **mixed posts**, opposite opinions of two aspects ("camera is great but the battery dies by
  noon", 카메라는 미쳤는데 배터리가 광탈), where the post's overall label must be wrong for
  one of them; and posts praising or criticising two aspects alike;
* one aspect, positive or negative; a **question** about an aspect (neutral);
* **no aspect**: overall verdicts ("best phone I've had") and unboxing notes;
* **traps**: a term in another sense ("on display", "sounds like", 헛소리, 마감 임박, 作り方,
  la Cámara de Diputados, Grand Prix, den Preis gewonnen, "uma tela a óleo", 屏蔽, 镜头语言),
  whose gold is ``[]``;
* aspects named without a term of the taxonomy ("dies by noon", "ちょっと重い") are kept in
  the gold as a reader sees them: recall is measured, not flattered.

Metrics
-------
A detection is a (post, aspect) pair. Precision, recall and F1 of the step's pairs against
the gold pairs, per language and over all. Sentiment accuracy is measured on the correctly
detected pairs only, for the step (clause-level) and for the **baseline** that gives every
detected aspect the post's overall label, on the very same pairs: the difference is what
reading clauses buys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from analysis.pipeline import build_pipeline
from lab import DATA, read_labelled
from lab.evals.labelled import as_post, f1, precision, recall, run_all
from nlp.aspects import TAXONOMY
from sensing.schemas import SentimentLabel

DEFAULT_SET = DATA / "aspect_set.jsonl"


class GoldAspect(BaseModel):
    model_config = ConfigDict(extra="forbid")
    aspect: str
    sentiment: SentimentLabel

    @field_validator("aspect")
    @classmethod
    def _built_in(cls, aspect: str) -> str:
        if aspect not in TAXONOMY:
            raise ValueError(f"aspect {aspect!r} is not built in; known: {', '.join(TAXONOMY)}")
        return aspect


class LabelledAspects(BaseModel):
    """One line of the set: a post and the aspects a reader finds in it."""

    model_config = ConfigDict(extra="forbid")
    id: str
    lang: str
    text: str
    aspects: list[GoldAspect]


@dataclass(frozen=True)
class Scores:
    """One row of the table: a language (or ``all``)."""

    lang: str
    posts: int
    gold: int
    found: int
    correct: int
    clause_right: int
    """Correctly detected aspects whose sentiment the step got right."""
    baseline_right: int
    """The same aspects given the post's overall label: how many are right."""

    @property
    def precision(self) -> float:
        return precision(self.correct, self.found)

    @property
    def recall(self) -> float:
        return recall(self.correct, self.gold)

    @property
    def f1(self) -> float:
        return f1(self.precision, self.recall)

    @property
    def clause_accuracy(self) -> float:
        return self.clause_right / self.correct if self.correct else 0.0

    @property
    def baseline_accuracy(self) -> float:
        return self.baseline_right / self.correct if self.correct else 0.0


@dataclass(frozen=True)
class Outcome:
    """One post: gold and predicted aspect -> label, and the post's overall label."""

    example: LabelledAspects
    gold: dict[str, SentimentLabel]
    found: dict[str, SentimentLabel]
    overall: SentimentLabel


def load_set(path: Path = DEFAULT_SET) -> list[LabelledAspects]:
    """The labelled posts; a malformed line is an error naming the file and line."""
    return read_labelled(path, LabelledAspects.model_validate_json,
                         "{id, lang, text, aspects: [{aspect, sentiment}]} object")


def run(examples: Sequence[LabelledAspects], sentiment_step: str = "sentiment"
        ) -> list[Outcome]:
    """``clean``, the sentiment step and ``aspects`` over the examples (a step failing on a
    post raises: see :func:`lab.evals.labelled.run_all`)."""
    pipeline = build_pipeline([{"step": "clean"}, {"step": sentiment_step},
                               {"step": "aspects"}])
    posts = run_all(pipeline, [as_post(e.id, e.text, e.lang) for e in examples], "analysis")
    return [Outcome(e, {g.aspect: g.sentiment for g in e.aspects},
                    {a.aspect: a.sentiment for a in p.aspects},
                    p.sentiment.label if p.sentiment else "neutral")
            for e, p in zip(examples, posts, strict=True)]


def score(lang: str, outcomes: Sequence[Outcome]) -> Scores:
    correct = [(o, aspect) for o in outcomes for aspect in o.found if aspect in o.gold]
    return Scores(lang=lang, posts=len(outcomes), gold=sum(len(o.gold) for o in outcomes),
                  found=sum(len(o.found) for o in outcomes), correct=len(correct),
                  clause_right=sum(o.found[a] == o.gold[a] for o, a in correct),
                  baseline_right=sum(o.overall == o.gold[a] for o, a in correct))


def evaluate(path: Path = DEFAULT_SET, sentiment_step: str = "sentiment"
             ) -> tuple[list[Scores], list[Outcome]]:
    """A row per language in the set's order, then ``all``; and every post's outcome."""
    outcomes = run(load_set(path), sentiment_step)
    langs = list(dict.fromkeys(o.example.lang for o in outcomes))
    rows = [score(lang, [o for o in outcomes if o.example.lang == lang]) for lang in langs]
    return [*rows, score("all", outcomes)], outcomes


def mistakes(outcomes: Sequence[Outcome]) -> list[str]:
    """One line per post the step got wrong (a missed, extra or mislabelled aspect)."""
    return [f"{o.example.id}: gold {_pairs(o.gold)} | found {_pairs(o.found)} "
            f"(post {o.overall})  {o.example.text[:70]}"
            for o in outcomes if o.gold != o.found]


def _pairs(labels: dict[str, SentimentLabel]) -> str:
    return ", ".join(f"{a}:{s[:3]}" for a, s in labels.items()) or "-"


def format_table(rows: Sequence[Scores]) -> str:
    """Detection P/R/F1 and, on the correctly detected aspects, sentiment accuracy of the
    clause-level step beside the post-label baseline."""
    header = ["lang", "posts", "gold", "found", "P", "R", "F1", "sent acc [clause]",
              "sent acc [post label]"]
    lines = [header] + [[r.lang, str(r.posts), str(r.gold), str(r.found),
                         f"{r.precision:.3f}", f"{r.recall:.3f}", f"{r.f1:.3f}",
                         f"{r.clause_accuracy:.3f} ({r.clause_right}/{r.correct})",
                         f"{r.baseline_accuracy:.3f} ({r.baseline_right}/{r.correct})"]
                        for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                               for i, (cell, w) in enumerate(zip(line, widths, strict=True)))
                     for line in lines)

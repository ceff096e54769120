"""How well ``relevance`` tells a campaign's product from the query word's other senses.

``relevance_set.jsonl`` holds 96 posts written for this project, for three fictional launches
whose names are also common words: the **Nova** Lumina X2 phone (against novae, bossa nova,
Nova Scotia), the **Aurora** 14 laptop (the northern lights, people named Aurora) and the
**Mercury** e-bike (the planet, the metal, Freddie Mercury, "Mercury retrograde"). Each
campaign has two relevant and two colliding posts in each of English, Korean, Japanese,
Spanish, French, German, Portuguese and Chinese; every post holds the query word (or its
transliteration), as a keyword crawl would have found it. Lines are ``{id, campaign, lang,
text, label: relevant|irrelevant}``.

Three ways of deciding are compared, relevant being the positive class:

* ``keyword`` — the crawl's own answer: every post that matches the query is relevant;
* ``encoder`` — the step with the campaign's name, description and query only;
* ``+negatives`` — the step with the campaign's negative keywords as well.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis.pipeline import BatchContext, build_pipeline
from lab import DATA, read_labelled
from lab.evals.labelled import f1, precision, recall
from sensing.schemas import AuthorRef, Campaign, Post

DEFAULT_SET = DATA / "relevance_set.jsonl"
LAUNCH = datetime(2026, 10, 16, tzinfo=UTC)

CAMPAIGNS: dict[str, Campaign] = {
    "nova": Campaign(
        id="nova", name="Nova Lumina X2 launch", query="nova", launch_at=LAUNCH,
        description="The Nova Lumina X2 smartphone: camera, battery, display, price, launch.",
        negative_keywords=["supernova", "bossa nova", "Nova Scotia", "astronomy"]),
    "aurora": Campaign(
        id="aurora", name="Aurora 14 laptop launch", query="aurora", launch_at=LAUNCH,
        description="The Aurora 14 laptop: keyboard, battery life, fanless design, webcam, "
                    "price.",
        negative_keywords=["aurora borealis", "northern lights"]),
    "mercury": Campaign(
        id="mercury", name="Mercury e-bike launch", query="mercury", launch_at=LAUNCH,
        description="The Mercury electric bike: motor, range, battery, brakes, price, "
                    "commuting.",
        negative_keywords=["Freddie Mercury", "planet Mercury", "Mercury retrograde",
                           "mercury metal"]),
}
METHODS = ("keyword", "encoder", "+negatives")


@dataclass(frozen=True)
class Row:
    id: str
    campaign: str
    lang: str
    text: str
    relevant: bool


def _row(line: str) -> Row:
    data: dict[str, Any] = json.loads(line)
    if data["label"] not in ("relevant", "irrelevant") or data["campaign"] not in CAMPAIGNS:
        raise ValueError(f"label {data['label']!r} / campaign {data['campaign']!r} unknown")
    return Row(data["id"], data["campaign"], data["lang"], data["text"],
               data["label"] == "relevant")


def load_set(path: Path = DEFAULT_SET) -> list[Row]:
    return read_labelled(path, _row, "relevance row {id, campaign, lang, text, label}")


def relevance_scores(rows: list[Row], negatives: bool) -> dict[str, float]:
    """Post id -> relevance, each campaign's posts analysed as one batch."""
    pipeline = build_pipeline([{"step": "clean"}, {"step": "relevance"}])
    scores: dict[str, float] = {}
    for name, campaign in CAMPAIGNS.items():
        if not negatives:
            campaign = campaign.model_copy(update={"negative_keywords": []})
        posts = [Post(id=f"eval:{row.id}", source="eval", created_at=LAUNCH,
                      author=AuthorRef(id="eval:a"), raw_text=row.text)
                 for row in rows if row.campaign == name]
        for post in pipeline.run(posts, BatchContext(campaign=campaign)):
            scores[post.id.removeprefix("eval:")] = post.relevance
    return scores


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float


def score(rows: list[Row], decide: Callable[[Row], bool]) -> Score:
    found = [row for row in rows if decide(row)]
    correct = sum(row.relevant for row in found)
    p, r = precision(correct, len(found)), recall(correct, sum(row.relevant for row in rows))
    return Score(p, r, f1(p, r))


def evaluate(path: Path = DEFAULT_SET, threshold: float = 0.5
             ) -> dict[str, dict[str, Score]]:
    """Group ("all", each language, each campaign) -> method -> score at ``threshold``."""
    rows = load_set(path)
    plain, with_negatives = relevance_scores(rows, False), relevance_scores(rows, True)
    deciders: dict[str, Callable[[Row], bool]] = {
        "keyword": lambda row: True,
        "encoder": lambda row: plain[row.id] >= threshold,
        "+negatives": lambda row: with_negatives[row.id] >= threshold,
    }
    groups = {"all": rows}
    for row in rows:
        groups.setdefault(row.lang, []).append(row)
    for row in rows:
        groups.setdefault(f"campaign:{row.campaign}", []).append(row)
    return {group: {method: score(members, decide) for method, decide in deciders.items()}
            for group, members in groups.items()}


def format_table(results: dict[str, dict[str, Score]], threshold: float) -> str:
    head = f"{'group':<18}" + "".join(f"{m + ' P/R/F1':>24}" for m in METHODS)
    lines = [f"relevance >= {threshold} counts as relevant", head, "-" * len(head)]
    for group, by_method in results.items():
        lines.append(f"{group:<18}" + "".join(
            f"{f'{s.precision:.2f}/{s.recall:.2f}/{s.f1:.2f}':>24}"
            for s in (by_method[m] for m in METHODS)))
    return "\n".join(lines)

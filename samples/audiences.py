"""Designed follower audiences for the sample platforms: an account's followers drawn so that
what they post about adds up to a mix a test knows (category -> share), in the whole sample
and in the first 20 followers a crawl takes from the top of the list.

The ground truth of a follower is its share of posts per category (every post it makes is
labelled, :mod:`samples.interest_posts`); the truth of a sample is the mean over its followers,
each weighing the same, as an audience table weighs them. A follower has one interest, or two
that share its posts half and half, so it brings a whole or two halves of a follower to the
mix. The mix is cut into those halves :data:`BLOCK` followers at a time, each block holding
exactly ``2 * BLOCK * share`` halves of every category, shuffled and paired into followers:
every full block served recovers the mix exactly, and within a block the followers are
ordered so that each prefix strays from it as little as it can.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping

from samples.interest_posts import CATEGORIES, LANGS

BLOCK = 20  # the demo's follower sample: the first 20 followers carry the mix exactly
SHARED = 0.5  # chance that a follower slot goes to someone already following another account

Mix = dict[str, float]
Interests = tuple[str, ...]


def check_mix(mix: Mapping[str, float]) -> None:
    """A designed mix names known categories with shares in steps of ``1 / (2 * BLOCK)``
    that sum to 1, or a block could not hold it exactly."""
    halves = [share * 2 * BLOCK for share in mix.values()]
    if (set(mix) - set(CATEGORIES) or abs(sum(mix.values()) - 1) > 1e-9
            or any(h < 1 - 1e-9 or abs(h - round(h)) > 1e-9 for h in halves)):
        raise ValueError(f"a designed mix needs taxonomy categories {CATEGORIES} with shares "
                         f"in steps of 1/{2 * BLOCK} summing to 1, not {dict(mix)}")


def truth_of(interests: Interests) -> dict[str, float]:
    return {category: 1 / len(interests) for category in interests}


def shares(labels: Iterable[str]) -> dict[str, float]:
    """Category -> its share of ``labels`` (one category per post)."""
    counts = Counter(labels)
    total = sum(counts.values())
    return {category: n / total for category, n in counts.items()}


def mean_shares(truths: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """The mean of per-follower shares, every follower weighing the same."""
    truths = list(truths)
    total: dict[str, float] = defaultdict(float)
    for truth in truths:
        for category, share in truth.items():
            total[category] += share / len(truths)
    return dict(total)


def interest_plan(mix: Mapping[str, float], count: int, rng: random.Random) -> list[Interests]:
    """The interests of ``count`` followers in the order they are served."""
    check_mix(mix)
    plan: list[Interests] = []
    while len(plan) < count:
        plan += _block(mix, rng)
    return plan[:count]


def _block(mix: Mapping[str, float], rng: random.Random) -> list[Interests]:
    halves = [c for c in sorted(mix) for _ in range(round(mix[c] * 2 * BLOCK))]
    rng.shuffle(halves)
    followers = [tuple(sorted({a, b})) for a, b in zip(halves[::2], halves[1::2], strict=True)]
    return _representative(followers, mix)


def _representative(followers: list[Interests], mix: Mapping[str, float]) -> list[Interests]:
    """``followers`` reordered greedily: each next one brings the prefix closest to ``mix``."""
    totals = dict.fromkeys(mix, 0.0)
    left, order = list(followers), []
    while left:
        target = {c: (len(order) + 1) * share for c, share in mix.items()}
        chosen = min(left, key=lambda f: sum(
            (totals[c] + truth_of(f).get(c, 0) - target[c]) ** 2 for c in mix))
        left.remove(chosen)
        order.append(chosen)
        for category, share in truth_of(chosen).items():
            totals[category] += share
    return order


def audience_langs(home: str, count: int) -> list[str]:
    """Every other follower writes in the account's language, the rest in the other corpus
    languages in turn: an audience at home that still spans all four."""
    others = [lang for lang in LANGS if lang != home]
    return [home if k % 2 == 0 and home in LANGS else others[(k // 2) % len(others)]
            for k in range(count)]


class Audiences:
    """Draws designed audiences over one platform's followers: ``make(interests, lang)``
    creates a follower and returns its id. Audiences overlap, as real ones do: a slot goes,
    with chance ``shared``, to a follower of an earlier audience with the same interests and
    language (so the languages stay as designed too)."""

    def __init__(self, rng: random.Random, make: Callable[[Interests, str], str],
                 shared: float = SHARED) -> None:
        self.rng, self.make, self.shared = rng, make, shared
        self.drawn: dict[tuple[Interests, str], list[str]] = defaultdict(list)

    def draw(self, mix: Mapping[str, float], count: int, home: str,
             members: Mapping[str, Interests] | None = None) -> list[str]:
        """Follower ids, most recent follow first. ``members`` (id -> interests) are
        accounts known to follow this one; each takes the first slot of its interests (one
        with no such slot in the plan is left out, so the mix stays as designed)."""
        waiting = dict(members or {})
        audience: list[str] = []
        for interests, lang in zip(interest_plan(mix, count, self.rng),
                                   audience_langs(home, count), strict=True):
            member = next((m for m, mine in waiting.items() if mine == interests), None)
            if member is not None:
                del waiting[member]
                audience.append(member)
                continue
            known = [f for f in self.drawn[interests, lang] if f not in audience]
            if known and self.rng.random() < self.shared:
                audience.append(self.rng.choice(known))
            else:
                audience.append(self.make(interests, lang))
                self.drawn[interests, lang].append(audience[-1])
        return audience


class AudienceTruth:
    """The ground truth of a follow graph, for tests (never served): ``mixes`` (account id ->
    designed mix) and, per account, the labels of its posts (:meth:`post_labels`)."""

    mixes: dict[str, Mix]

    def post_labels(self, account_id: str) -> list[tuple[str, str]]:
        """(category, subcategory) of each of the account's posts, newest first."""
        raise NotImplementedError

    def designed_mix(self, account_id: str) -> Mix | None:
        return self.mixes.get(account_id)

    def follower_truth(self, follower_id: str) -> dict[str, float]:
        """Category -> the follower's share of posts about it."""
        return shares(category for category, _ in self.post_labels(follower_id))

    def audience_truth(self, follower_ids: Iterable[str]) -> dict[str, float]:
        """The mean of the followers' truths: what an audience table of them should say."""
        return mean_shares(self.follower_truth(f) for f in follower_ids)

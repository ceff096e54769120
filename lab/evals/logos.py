"""Precision and recall of logo detection on the generated test set
(:mod:`lab.evals.logo_testset`), per brand, per kind of difficulty and overall, with the time
per image. ``python -m lab.evals.logos`` prints the table; :func:`evaluate_logos` is the
hook for the CLI.

A hit is a true positive when an unclaimed logo of the same brand was placed in that photo
and the found quadrilateral overlaps it by at least ``MIN_OVERLAP`` (intersection over union):
the right brand in the wrong place is both a false positive and a miss.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from lab.evals.logo_testset import DEFAULT_COUNT, KINDS, Sample, draw_logos, generate
from vision.logos import LogoHit, LogoOptions, LogoRegistry, quad_overlap

MIN_OVERLAP = 0.5


@dataclass
class Tally:
    """Counts of true positives, false positives and misses."""

    hits: int = 0
    false_hits: int = 0
    misses: int = 0

    @property
    def precision(self) -> float:
        found = self.hits + self.false_hits
        return self.hits / found if found else 1.0

    @property
    def recall(self) -> float:
        placed = self.hits + self.misses
        return self.hits / placed if placed else 1.0


@dataclass
class Evaluation:
    """Tallies overall, by brand and by kind of sample, and the detection time."""

    overall: Tally = field(default_factory=Tally)
    brands: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    kinds: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    images: int = 0
    seconds: float = 0.0

    @property
    def ms_per_image(self) -> float:
        return 1000 * self.seconds / self.images if self.images else 0.0

    def add(self, sample: Sample, hits: list[LogoHit]) -> None:
        """Score one sample's hits against what was placed in it."""
        unclaimed = list(sample.logos)
        for hit in hits:
            truth = next((placed for placed in unclaimed if placed.brand == hit.brand
                          and quad_overlap(placed.corners, hit.corners) >= MIN_OVERLAP), None)
            if truth is None:
                self._count(sample.kind, hit.brand, "false_hits")
            else:
                unclaimed.remove(truth)
                self._count(sample.kind, hit.brand, "hits")
        for missed in unclaimed:
            self._count(sample.kind, missed.brand, "misses")

    def _count(self, kind: str, brand: str, what: str) -> None:
        for tally in (self.overall, self.brands[brand], self.kinds[kind]):
            setattr(tally, what, getattr(tally, what) + 1)

    def table(self) -> str:
        """The figures as a plain-text table."""
        rows = [("", "hits", "false", "missed", "precision", "recall")]
        for label, tallies in (("brand", self.brands), ("kind", self.kinds)):
            order = sorted(tallies) if label == "brand" else [k for k in KINDS if k in tallies]
            rows += [(f"{label} {name}", *_cells(tallies[name])) for name in order]
        rows.append(("overall", *_cells(self.overall)))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i])
                           for i, cell in enumerate(row)) for row in rows]
        lines.append(f"{self.images} images, {self.ms_per_image:.0f} ms per image (detection)")
        return "\n".join(lines)


def _cells(tally: Tally) -> tuple[str, ...]:
    return (str(tally.hits), str(tally.false_hits), str(tally.misses),
            f"{tally.precision:.3f}", f"{tally.recall:.3f}")


def evaluate(samples: Sequence[Sample], registry: LogoRegistry) -> Evaluation:
    """Run ``registry`` over ``samples`` and score it."""
    evaluation = Evaluation()
    for sample in samples:
        start = time.perf_counter()
        hits = registry.detect(sample.image)
        evaluation.seconds += time.perf_counter() - start
        evaluation.images += 1
        evaluation.add(sample, hits)
    return evaluation


def evaluate_logos(count: int = DEFAULT_COUNT, seed: int = 0,
                   options: LogoOptions | None = None) -> Evaluation:
    """The generated set's figures at ``options`` (the defaults unless given): the four
    drawn logos registered, ``count`` samples from ``seed``."""
    registry = LogoRegistry(options)
    for brand, logo in draw_logos().items():
        registry.register(brand, logo)
    return evaluate(generate(count, seed), registry)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--features", choices=("auto", "sift", "orb"), default="auto")
    args = parser.parse_args(argv)
    evaluation = evaluate_logos(args.count, args.seed, LogoOptions(features=args.features))
    print(evaluation.table())


if __name__ == "__main__":
    main()

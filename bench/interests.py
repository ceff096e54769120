"""Throughput of the interest classifier: authors per second for ``InterestClassifier.classify``
over the labelled authors (bio and three to six posts each, eight languages), against a naive
classifier run side by side that calls the encoder once per author.

    python bench/interests.py [--authors 400] [--batch 64] [--runs 3] [--json]

Both share one loaded encoder and the taxonomy's description vectors (embedded once, before
timing), so the difference is the batching: the classifier hands every text of a batch of
authors to the encoder in one call, which pads and runs them 32 at a time; the naive one pays a
model call, and its fixed overhead, for each author's four or five texts. The labelled set is
repeated to ``--authors``; both must give the same interests (checked, and printed).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audience.interests import default_classifier  # noqa: E402 - after the path set-up
from bench.timing import median_run  # noqa: E402
from lab.evals.interests import load_set  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authors", type=int, default=400)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="Print one JSON object.")
    args = parser.parse_args()
    classifier = default_classifier()
    authors = [row.author for row in itertools.islice(itertools.cycle(load_set()),
                                                      args.authors)]
    texts = sum(len(a.recent_posts) + bool(a.bio) for a in authors)
    classifier.classify(authors[:1])  # load, and embed the descriptions, before timing

    def batched():
        return [found for start in range(0, len(authors), args.batch)
                for found in classifier.classify(authors[start:start + args.batch])]

    def one_by_one():
        return [classifier.classify([author])[0] for author in authors]

    fast, batched_found = median_run(batched, args.runs)
    slow, naive_found = median_run(one_by_one, args.runs)
    agree = sum(
        [(i.category, round(i.share, 2)) for i in a] == [(i.category, round(i.share, 2))
                                                         for i in b]
        for a, b in zip(batched_found, naive_found, strict=True))
    result = {"authors": len(authors), "texts": texts, "batch": args.batch,
              "batched_authors_per_s": round(len(authors) / fast, 1),
              "naive_authors_per_s": round(len(authors) / slow, 1),
              "speedup": round(slow / fast, 2), "same_interests": agree}
    if args.json:
        print(json.dumps(result))
        return
    print(f"{len(authors)} authors, {texts} texts (bio + recent posts), batches of {args.batch}")
    print(f"batched (one encoder call per batch): {len(authors) / fast:7.1f} authors/s")
    print(f"naive (one encoder call per author):  {len(authors) / slow:7.1f} authors/s")
    print(f"speedup {slow / fast:.2f}x; same interests for {agree}/{len(authors)} authors")


if __name__ == "__main__":
    main()

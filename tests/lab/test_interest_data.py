"""``lab/data/interest_authors.jsonl``: the hand-labelled author profiles the interest
classifier is evaluated and calibrated on (8 languages, 25 authors each, a train and a test
split), checked against the taxonomy in ``audience/data/interests.json``.

Each author's ``labels`` are the shares of their posts in each category (the bio is not
counted); authors with too little text to tell have ``labels: []``.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "lab" / "data" / "interest_authors.jsonl"
TAXONOMY = ROOT / "audience" / "data" / "interests.json"

LANGUAGES = {"ko", "en", "ja", "es", "fr", "de", "pt", "zh"}
SPLITS = {"train", "test"}
AUTHOR_KEYS = ["id", "lang", "split", "bio", "recent_posts", "labels"]
POST_KEYS = ["text", "hashtags", "category", "subcategory"]


def _lines() -> list[str]:
    return DATA.read_text(encoding="utf-8").splitlines()


ROWS: list[dict] = [json.loads(line) for line in _lines()]
SUBCATEGORIES: dict[str, set[str]] = {
    c["id"]: {s["id"] for s in c["subcategories"]}
    for c in json.loads(TAXONOMY.read_text(encoding="utf-8"))["categories"]}
LABELLED = [r for r in ROWS if r["labels"]]


def post_shares(row: dict) -> Counter:
    cats = Counter(p["category"] for p in row["recent_posts"] if p["category"])
    total = sum(cats.values())
    return Counter({c: n / total for c, n in cats.items()})


# --- the file -------------------------------------------------------------------------------

def test_every_line_is_one_author_in_the_documented_shape() -> None:
    for line in _lines():
        assert line and line == line.strip(), "no blank lines or trailing spaces"
    for row in ROWS:
        assert list(row) == AUTHOR_KEYS, row["id"]
        assert isinstance(row["bio"], str) and row["bio"] == row["bio"].strip(), row["id"]
        for post in row["recent_posts"]:
            assert list(post) == POST_KEYS, row["id"]
            assert isinstance(post["text"], str) and post["text"].strip(), row["id"]
            assert isinstance(post["hashtags"], list) and len(post["hashtags"]) <= 3, row["id"]
            for tag in post["hashtags"]:
                assert tag.startswith("#") and tag in post["text"], (row["id"], tag)
        for label in row["labels"]:
            assert list(label) == ["category", "share"], row["id"]


def test_ids_are_unique_and_name_their_language() -> None:
    ids = [r["id"] for r in ROWS]
    assert len(set(ids)) == len(ids)
    for row in ROWS:
        assert re.fullmatch(r"[a-z]{2}-\d{3}", row["id"]), row["id"]
        assert row["id"].split("-")[0] == row["lang"], row["id"]


def test_languages_and_splits_are_the_known_ones() -> None:
    assert {r["lang"] for r in ROWS} == LANGUAGES
    assert {r["split"] for r in ROWS} == SPLITS


def test_each_language_has_25_authors_two_of_them_with_too_little_text() -> None:
    per_language = Counter(r["lang"] for r in ROWS)
    assert per_language == {lang: 25 for lang in LANGUAGES}
    for lang in LANGUAGES:
        empty = [r for r in ROWS if r["lang"] == lang and not r["labels"]]
        assert len(empty) == 2, lang
        for row in empty:
            assert row["bio"] == "", row["id"]
            assert len(row["recent_posts"]) <= 1, row["id"]
            assert all(len(p["text"]) <= 12 for p in row["recent_posts"]), row["id"]


def test_no_post_text_is_repeated_anywhere_in_the_file() -> None:
    texts = Counter(p["text"].strip().casefold() for r in ROWS for p in r["recent_posts"])
    assert [t for t, n in texts.items() if n > 1] == []


# --- labels ---------------------------------------------------------------------------------

def test_post_categories_and_subcategories_are_taxonomy_ids() -> None:
    for row in ROWS:
        for post in row["recent_posts"]:
            category, sub = post["category"], post["subcategory"]
            if category is None:
                assert sub is None, row["id"]
                assert not row["labels"], f"{row['id']}: a classified author's post has no category"
                continue
            assert category in SUBCATEGORIES, (row["id"], category)
            assert sub in SUBCATEGORIES[category], (row["id"], category, sub)
        for label in row["labels"]:
            assert label["category"] in SUBCATEGORIES, row["id"]


def test_classified_authors_have_three_to_six_posts() -> None:
    for row in LABELLED:
        assert 3 <= len(row["recent_posts"]) <= 6, row["id"]


def test_labels_sum_to_one_largest_first_and_are_the_posts_shares() -> None:
    for row in LABELLED:
        shares = [label["share"] for label in row["labels"]]
        assert abs(sum(shares) - 1) <= 0.01, row["id"]
        assert shares == sorted(shares, reverse=True), row["id"]
        assert all(0 < s <= 1 for s in shares), row["id"]
        expected = post_shares(row)
        labelled = {label["category"]: label["share"] for label in row["labels"]}
        assert len(labelled) == len(row["labels"]), row["id"]
        assert set(labelled) == set(expected), row["id"]
        for category, share in labelled.items():
            assert abs(share - expected[category]) <= 0.01, (row["id"], category)


def test_authors_post_about_one_to_three_categories_most_about_one() -> None:
    for lang in LANGUAGES:
        sizes = Counter(len(r["labels"]) for r in LABELLED if r["lang"] == lang)
        assert set(sizes) <= {1, 2, 3}, lang
        assert sizes[1] > sizes[2] > 0 and sizes[3] > 0, (lang, sizes)


def test_every_category_appears_in_every_language_and_every_subcategory_somewhere() -> None:
    for lang in LANGUAGES:
        authors = Counter(label["category"] for r in LABELLED if r["lang"] == lang
                          for label in r["labels"])
        assert all(authors[c] >= 2 for c in SUBCATEGORIES), (lang, authors)
    seen = {(p["category"], p["subcategory"]) for r in LABELLED for p in r["recent_posts"]}
    assert seen == {(c, s) for c, subs in SUBCATEGORIES.items() for s in subs}


# --- splits ---------------------------------------------------------------------------------

def test_the_split_is_about_60_40_in_each_language() -> None:
    for lang in LANGUAGES:
        splits = Counter(r["split"] for r in ROWS if r["lang"] == lang)
        assert 0.3 <= splits["test"] / 25 <= 0.5, (lang, splits)
        empty = Counter(r["split"] for r in ROWS if r["lang"] == lang and not r["labels"])
        assert empty == {"train": 1, "test": 1}, lang


def test_both_splits_cover_the_categories() -> None:
    covered: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in LABELLED:
        covered[row["lang"], row["split"]] |= {label["category"] for label in row["labels"]}
    for lang in LANGUAGES:
        for split in SPLITS:
            assert len(covered[lang, split]) >= 6, (lang, split, covered[lang, split])
    for category in SUBCATEGORIES:
        both = [lang for lang in LANGUAGES
                if all(category in covered[lang, split] for split in SPLITS)]
        assert len(both) >= 6, (category, both)


@pytest.mark.parametrize("split", sorted(SPLITS))
def test_each_split_has_every_category(split: str) -> None:
    categories = {label["category"] for r in LABELLED if r["split"] == split
                  for label in r["labels"]}
    assert categories == set(SUBCATEGORIES)

"""``dedupe``: exact and near copies point at one original, in a batch, across batches (through
a real SQLite store), and again when a batch is analysed a second time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.pipeline import BatchContext, build_pipeline
from sensing.schemas import Post
from sensing.store.sqlite import SqliteStore
from tests.nlp.conftest import analyse, post

COPY = "WIN a Nova Lumina X2!!! Boost and follow @promo https://spam.example/{n}"
PASTA = ("Nova Lumina X2 battery died after {n} hours of light use. Really disappointed, "
         "expected much more for this price")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    found = SqliteStore(tmp_path / "store.db")
    found.setup()
    yield found
    found.close()


def campaign_ctx(store: SqliteStore) -> BatchContext:
    """What a worker hands the pipeline for campaign ``x2``: the store's lookups."""
    return BatchContext(known_hashes=lambda hashes: store.find_content_hashes("x2", hashes),
                        near_candidates=lambda bands: store.find_near_duplicates("x2", bands))


def in_x2(*posts: Post) -> list[Post]:
    for p in posts:
        p.campaign_ids = ["x2"]
    return list(posts)


def test_copies_in_a_batch_point_at_the_earliest_post() -> None:
    later, earlier, other = (post(3, COPY.format(n=3)), post(2, COPY.format(n=2)),
                             post(4, "Something else entirely about the X2"))
    done = analyse(later, earlier, other)
    assert [p.duplicate_of for p in done] == ["mastodon:x/2", None, None]


def test_equal_times_are_broken_by_id() -> None:
    b, a = post(2, COPY.format(n=1), minutes=5), post(1, COPY.format(n=2), minutes=5)
    assert [p.duplicate_of for p in analyse(b, a)] == ["mastodon:x/1", None]


def test_short_texts_are_never_duplicates() -> None:
    done = analyse(post(1, "wow 😍"), post(2, "wow 😍"),
                   post(3, "https://a.example/x"), post(4, "https://a.example/x"))
    assert [p.duplicate_of for p in done] == [None, None, None, None]
    assert [p.minhash_bands for p in done] == [[], [], [], []]


def test_edited_copies_and_reposts_point_at_the_earliest_post() -> None:
    done = analyse(post(5, "This!! " + PASTA.format(n=5)), post(1, PASTA.format(n=10)),
                   post(3, PASTA.format(n=30).replace("Really ", "")),
                   post(4, "The Nova Lumina X2 battery lasted two full days, way better "
                           "than I expected for this price"))
    assert [p.duplicate_of for p in done] == ["mastodon:x/1", None, "mastodon:x/1", None]


def test_exact_copies_of_a_near_copy_follow_it_to_its_original() -> None:
    done = analyse(post(1, PASTA.format(n=10)), post(2, "RT: " + PASTA.format(n=5)),
                   post(3, "RT: " + PASTA.format(n=5)))
    assert [p.duplicate_of for p in done] == [None, "mastodon:x/1", "mastodon:x/1"]


def test_exact_only_leaves_near_copies_alone() -> None:
    exact_only = build_pipeline([{"step": "clean"},
                                 {"step": "dedupe", "options": {"near": False}}])
    done = exact_only.run([post(1, PASTA.format(n=10)), post(2, PASTA.format(n=5)),
                           post(3, COPY.format(n=1)), post(4, COPY.format(n=2))], BatchContext())
    assert [p.duplicate_of for p in done] == [None, None, None, "mastodon:x/3"]
    assert all(p.minhash_bands == [] for p in done)


def test_only_originals_keep_band_keys_for_later_batches() -> None:
    original, near_copy = analyse(post(1, PASTA.format(n=10)), post(2, PASTA.format(n=5)))
    assert len(original.minhash_bands) == 32 and near_copy.minhash_bands == []
    exact_copy = analyse(post(1, COPY.format(n=1)), post(2, COPY.format(n=2)))[1]
    assert exact_copy.minhash_bands == []


def test_copies_of_stored_posts_point_at_the_stored_ones(store: SqliteStore) -> None:
    store.upsert_posts(analyse(*in_x2(post(1, COPY.format(n=1)), post(2, PASTA.format(n=10)))))
    exact, near = analyse(*in_x2(post(7, COPY.format(n=7)), post(8, PASTA.format(n=50))),
                          ctx=campaign_ctx(store))
    assert (exact.duplicate_of, near.duplicate_of) == ("mastodon:x/1", "mastodon:x/2")


def test_a_near_copy_of_another_campaigns_post_is_an_original(store: SqliteStore) -> None:
    [elsewhere] = analyse(post(1, PASTA.format(n=10)))
    elsewhere.campaign_ids = ["rivals"]
    store.upsert_posts([elsewhere])
    [mine] = analyse(*in_x2(post(2, PASTA.format(n=5))), ctx=campaign_ctx(store))
    assert mine.duplicate_of is None


def test_analysing_a_stored_batch_again_gives_the_same_answers(store: SqliteStore) -> None:
    def batch() -> list[Post]:
        return in_x2(post(2, COPY.format(n=2)), post(1, COPY.format(n=1)),
                     post(4, "Same here → " + PASTA.format(n=3)), post(3, PASTA.format(n=10)),
                     post(5, "Another text, long enough"))

    first = analyse(*batch(), ctx=campaign_ctx(store))
    store.upsert_posts(first)
    again = analyse(*batch(), ctx=campaign_ctx(store))
    expected = ["mastodon:x/1", None, "mastodon:x/3", None, None]
    assert [p.duplicate_of for p in first] == [p.duplicate_of for p in again] == expected
    assert [p.minhash_bands for p in first] == [p.minhash_bands for p in again]

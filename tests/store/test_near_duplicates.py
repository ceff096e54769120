"""``find_near_duplicates`` (``DuplicateIndex``): stored originals found by MinHash band keys,
held to the same answers on both backends (the ``store`` fixture runs each test on SQLite and
Elasticsearch)."""

from __future__ import annotations

from analysis.pipeline import BatchContext, build_pipeline
from lab.evals.dedupe import as_posts, load_set
from sensing.schemas import Post
from sensing.store import Store
from tests.store.conftest import make_post


def banded(n: int, bands: list[str], **kwargs) -> Post:
    """``make_post`` with ``minhash_bands`` set (as the ``dedupe`` step leaves them)."""
    return make_post(n, **kwargs).model_copy(update={"minhash_bands": bands})


def test_originals_sharing_keys_come_with_all_their_bands(store: Store) -> None:
    store.upsert_posts([banded(1, ["s.00.aa", "s.01.bb"], hours=5),
                        banded(2, ["s.00.aa", "s.01.cc"], hours=1),
                        banded(3, ["s.00.dd", "s.01.bb"], hours=3),
                        banded(4, ["s.00.ee", "s.01.ff"], hours=0)])
    found = store.find_near_duplicates("x2", ["s.00.aa", "s.01.bb", "s.09.zz"])
    assert [(m.id, sorted(m.minhash_bands)) for m in found] == [
        ("mastodon:h/1", ["s.00.aa", "s.01.bb"]),  # two keys shared
        ("mastodon:h/2", ["s.00.aa", "s.01.cc"]),  # one each: the earliest first
        ("mastodon:h/3", ["s.00.dd", "s.01.bb"])]
    assert found[0].created_at == make_post(1, hours=5).created_at


def test_duplicates_and_other_campaigns_are_not_candidates(store: Store) -> None:
    store.upsert_posts([banded(1, ["s.00.aa"], duplicate_of="mastodon:h/9"),
                        banded(2, ["s.00.aa"], campaigns=("rivals",)),
                        banded(3, ["s.00.aa"], campaigns=("rivals", "x2"))])
    assert [m.id for m in store.find_near_duplicates("x2", ["s.00.aa"])] == ["mastodon:h/3"]
    assert store.find_near_duplicates("x2", []) == []


def test_a_post_analysed_again_is_found_by_its_new_bands_only(store: Store) -> None:
    store.upsert_posts([banded(1, ["s.00.old"])])
    store.upsert_posts([banded(1, ["s.00.new"])])
    assert store.find_near_duplicates("x2", ["s.00.old"]) == []
    assert [m.id for m in store.find_near_duplicates("x2", ["s.00.new"])] == ["mastodon:h/1"]


def test_the_limit_keeps_the_earliest(store: Store) -> None:
    store.upsert_posts([banded(n, ["s.00.aa"], hours=-n) for n in range(1, 8)])
    found = store.find_near_duplicates("x2", ["s.00.aa"], limit=3)
    assert [m.id for m in found] == ["mastodon:h/7", "mastodon:h/6", "mastodon:h/5"]


def test_erased_posts_are_no_longer_candidates(store: Store) -> None:
    store.upsert_posts([banded(1, ["s.00.aa"], author="gone"),
                        banded(2, ["s.00.aa"], author="stays", hours=1)])
    store.delete_author("gone")
    assert [m.id for m in store.find_near_duplicates("x2", ["s.00.aa"])] == ["mastodon:h/2"]


def test_a_campaign_analysed_batch_by_batch_gets_the_answers_of_one_batch(store: Store) -> None:
    """The labelled set through ``clean`` + ``dedupe`` in batches of 40, each stored before the
    next is analysed, links every post exactly as one batch of all of them does."""
    pipeline = build_pipeline([{"step": "clean"}, {"step": "dedupe"}])
    rows = load_set()
    whole = {p.id: p.duplicate_of for p in pipeline.run(as_posts(rows, "x2"), BatchContext())}
    posts = as_posts(rows, "x2")
    ctx = BatchContext(known_hashes=lambda hashes: store.find_content_hashes("x2", hashes),
                       near_candidates=lambda bands: store.find_near_duplicates("x2", bands))
    for start in range(0, len(posts), 40):
        store.upsert_posts(pipeline.run(posts[start:start + 40], ctx))
    stored = {p.id: p.duplicate_of for p in store.get_posts(whole)}
    assert stored == whole and sum(1 for d in whole.values() if d) > 200


def test_past_the_limit_posts_sharing_more_keys_come_first(store: Store) -> None:
    """A real near copy shares several bands, a chance match one: when a campaign holds more
    candidates than ``limit``, the ones sharing the most keys are kept, then the earliest."""
    store.upsert_posts([banded(n, [f"s.00.{n}", "s.01.common"], hours=n) for n in range(1, 6)])
    store.upsert_posts([banded(9, ["s.00.x", "s.01.common", "s.02.y", "s.03.z"], hours=9)])
    keys = ["s.01.common", "s.02.y", "s.03.z"]
    assert [m.id for m in store.find_near_duplicates("x2", keys, limit=2)] == \
        ["mastodon:h/9", "mastodon:h/1"]

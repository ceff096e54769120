"""``find_near_images`` (``DuplicateIndex``): the original images of a campaign's stored posts,
found by the pHash chunk keys the media step writes on each image (``Media.phash_chunks``),
with the same answers on both backends (the ``store`` fixture runs each test on SQLite and
Elasticsearch).

A hash ``aaaabbbbccccdddd`` has the chunk keys ``0:dddd``, ``1:cccc``, ``2:bbbb``, ``3:aaaa``.
"""

from __future__ import annotations

from sensing.schemas import ImageRef, Media, Post, media_key
from sensing.store import Store
from sensing.store.elastic import ElasticStore
from sensing.store.sqlite import POSTS_VERSION, SqliteStore
from tests.store.conftest import make_post
from vision.groups import chunk_keys, probe_keys

COLOUR = "102030405060708090a0b0c0"  # a 2x2 colour signature, as vision.phash makes them


def image(phash: str | None, *, colour: str | None = COLOUR, duplicate_of: str | None = None,
          error: str | None = None) -> Media:
    """A media entry as the ``media`` step leaves it: the chunk keys of a hash written with
    it (none for a hash the step could not have made)."""
    try:
        chunks = chunk_keys(phash) if phash else []
    except ValueError:
        chunks = []
    return Media(url=f"https://img.example/{phash}.jpg", phash=phash, colour=colour,
                 duplicate_of=duplicate_of, error=error, phash_chunks=chunks)


def with_images(n: int, *media: Media, **kwargs) -> Post:
    """``make_post`` with these analysed images."""
    return make_post(n, **kwargs).model_copy(update={"media": list(media)})


def ref(post: Post, index: int = 0) -> ImageRef:
    """What the store answers for the post's ``index``-th image."""
    entry = post.media[index]
    return ImageRef(media_key(post.id, index), post.id, post.created_at, entry.phash,
                    entry.colour)


def flip(phash: str, *bits_per_chunk: int) -> str:
    """``phash`` with the lowest ``bits_per_chunk[n]`` bits of chunk ``n`` flipped."""
    value = int(phash, 16)
    for n, bits in enumerate(bits_per_chunk):
        value ^= ((1 << bits) - 1) << (16 * n)
    return f"{value:016x}"


def test_originals_sharing_keys_come_most_shared_first_then_earliest(store: Store) -> None:
    two_keys = with_images(1, image("aaaabbbbccccdddd"), hours=5)
    later = with_images(2, image("0123456789abcdef"), image("99991111eeeeffff"), hours=1)
    earlier = with_images(3, image("555566667777dddd"), hours=0)
    unrelated = with_images(4, image("0000000000000000"), hours=-1)
    store.upsert_posts([two_keys, later, earlier, unrelated])
    found = store.find_near_images("x2", ["0:dddd", "1:cccc", "2:1111", "3:ffff"])
    assert found == [ref(two_keys), ref(earlier), ref(later, 1)]
    assert found[2].key == "mastodon:h/2#1", "the key names the image within its post"


def test_copies_unhashed_images_and_other_campaigns_are_not_candidates(store: Store) -> None:
    phash = "aaaabbbbccccdddd"
    store.upsert_posts([
        with_images(1, image(phash, duplicate_of="mastodon:h/9#0")),
        with_images(2, image(None, colour=None, error="blocked-address")),
        with_images(3, image(phash, colour=None)),  # no colour: cannot be compared
        with_images(4, image("not-a-hash-at-all"), image("aaaabbbbccccdddd00")),
        with_images(6, image(phash), campaigns=("rivals",)),
        both := with_images(7, image(phash), campaigns=("rivals", "x2")),
    ])
    assert store.find_near_images("x2", chunk_keys(phash)) == [ref(both)]
    assert store.find_near_images("x2", []) == []
    assert store.find_near_images("nobody", chunk_keys(phash)) == []


def test_a_post_analysed_again_is_found_by_its_new_images_only(store: Store) -> None:
    store.upsert_posts([with_images(1, image("aaaabbbbccccdddd"))])
    again = with_images(1, image("1111222233334444"))
    store.upsert_posts([again])
    assert store.find_near_images("x2", ["0:dddd"]) == []
    assert store.find_near_images("x2", ["0:4444"]) == [ref(again)]
    store.upsert_posts([with_images(1, image("1111222233334444",
                                             duplicate_of="mastodon:h/0#0"))])
    assert store.find_near_images("x2", ["0:4444"]) == [], "now a copy: no longer a candidate"


def test_the_limit_keeps_those_sharing_most_then_the_earliest(store: Store) -> None:
    phash = "aaaabbbbccccdddd"
    posts = [with_images(n, image(flip(phash, 0, 1, 1, 1)), hours=-n) for n in range(1, 8)]
    best = with_images(9, image(phash), hours=9)
    store.upsert_posts([*posts, best])
    found = store.find_near_images("x2", chunk_keys(phash), limit=3)
    assert found == [ref(best), ref(posts[6]), ref(posts[5])]


def test_erased_posts_are_no_longer_candidates(store: Store) -> None:
    store.upsert_posts([with_images(1, image("aaaabbbbccccdddd"), author="gone"),
                        stays := with_images(2, image("aaaabbbbccccdddd"), author="stays")])
    store.delete_author("gone")
    assert store.find_near_images("x2", ["3:aaaa"]) == [ref(stays)]


def test_probing_finds_every_original_within_the_threshold(store: Store) -> None:
    """The store half of multi-index hashing: a copy 10 bits away (3+3+2+2 over the chunks)
    still agrees within 2 bits on two chunks, so its probe keys find the original; a hash
    3 bits away in every chunk (12 bits) is too far and is not found."""
    original = with_images(1, image("aaaabbbbccccdddd"))
    store.upsert_posts([original])
    near, far = flip("aaaabbbbccccdddd", 3, 3, 2, 2), flip("aaaabbbbccccdddd", 3, 3, 3, 3)
    assert store.find_near_images("x2", probe_keys(near)) == [ref(original)]
    assert store.find_near_images("x2", probe_keys(far)) == []


def test_setup_indexes_the_images_of_posts_stored_by_an_older_version(store: Store) -> None:
    original = with_images(1, image("aaaabbbbccccdddd"))
    if isinstance(store, ElasticStore):  # the document alone, without derived fields
        store.es.index(index=store.posts, id=original.id, refresh=True,
                       document=original.model_dump(mode="json"))
    else:
        assert isinstance(store, SqliteStore)
        store.upsert_posts([original])
        with store._lock:
            store.db.execute("DROP TABLE post_image_keys")
            store.db.execute(f"PRAGMA user_version = {POSTS_VERSION - 1}")
    store.setup()
    assert store.find_near_images("x2", ["3:aaaa"]) == [ref(original)]

"""``dedupe``: exact copies point at one original, in a batch, across batches, and again
when a batch is analysed a second time."""

from __future__ import annotations

from nlp.pipeline import BatchContext
from tests.nlp.conftest import analyse, post

COPY = "WIN a Nova Lumina X2!!! Boost and follow @promo https://spam.example/{n}"


class Store:
    """Stands in for the store's ``find_content_hashes``: hash -> earliest stored post."""

    def __init__(self) -> None:
        self.posts: dict[str, tuple] = {}

    def save(self, *posts) -> None:
        for p in posts:
            self.posts[p.id] = (p.created_at, p.id, p.content_hash)

    def known_hashes(self, hashes: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for _, post_id, digest in sorted(self.posts.values()):
            if digest in hashes:
                found.setdefault(digest, post_id)
        return found


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


def test_a_copy_of_a_stored_post_points_at_the_stored_one() -> None:
    store = Store()
    [first] = analyse(post(1, COPY.format(n=1)))
    store.save(first)
    [copy] = analyse(post(7, COPY.format(n=7)), ctx=BatchContext(known_hashes=store.known_hashes))
    assert copy.duplicate_of == "mastodon:x/1"


def test_analysing_a_stored_batch_again_gives_the_same_answers() -> None:
    store = Store()
    batch = [post(2, COPY.format(n=2)), post(1, COPY.format(n=1)), post(3, "Another text, "
                                                                        "long enough")]
    ctx = BatchContext(known_hashes=store.known_hashes)
    first = [p.duplicate_of for p in analyse(*batch, ctx=ctx)]
    store.save(*batch)
    again = analyse(*[post(2, COPY.format(n=2)), post(1, COPY.format(n=1)),
                      post(3, "Another text, long enough")], ctx=ctx)
    assert first == [p.duplicate_of for p in again] == ["mastodon:x/1", None, None]
    assert again[1].duplicate_of is None, "the stored original is not its own duplicate"

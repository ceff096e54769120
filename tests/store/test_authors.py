"""Author profiles (``AuthorStore``) on both backends (the ``store`` fixture runs each test on
SQLite and Elasticsearch). Erasing an author is ``PostStore.delete_author`` (``test_posts.py``)."""

from __future__ import annotations

from sensing.schemas import Author
from sensing.store import AuthorStore


def test_authors_round_trip_and_replace_by_id(store: AuthorStore) -> None:
    created = store.upsert_authors([Author(id="a1", source="mastodon", followers=10),
                                    Author(id="a2", source="bluesky")])
    updated = store.upsert_authors([Author(id="a1", source="mastodon", followers=12)])
    assert (created.created, created.updated, updated.created, updated.updated) == (2, 0, 0, 1)
    assert store.get_author("a1").followers == 12
    assert store.get_author("a2").source == "bluesky"


def test_an_unknown_author_is_none(store: AuthorStore) -> None:
    assert store.get_author("nobody") is None

"""``find_content_hashes`` (``DuplicateIndex``): exact copies resolved to the earliest stored
original, held to the same answers on both backends (the ``store`` fixture runs each test on
SQLite and Elasticsearch)."""

from __future__ import annotations

from sensing.store import Store
from tests.store.conftest import make_post


def test_content_hashes_resolve_to_the_earliest_original(store: Store) -> None:
    store.upsert_posts([
        make_post(1, hours=5, content_hash="h1"), make_post(2, hours=1, content_hash="h1"),
        make_post(3, hours=0, content_hash="h1", duplicate_of="mastodon:h/9"),
        make_post(4, hours=0, content_hash="h2", campaigns=("other",)),
    ])
    assert store.find_content_hashes("x2", ["h1", "h2", "h3"]) == {"h1": "mastodon:h/2"}

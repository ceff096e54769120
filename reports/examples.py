"""The posts that show a finding: the most engaged originals among the newest that match it
(a repost repeats another's words, and its engagement is the original's)."""

from __future__ import annotations

from sensing.store import PostFilter, Store


def most_engaged(store: Store, flt: PostFilter, count: int, pool: int = 100) -> list[str]:
    """Ids of the ``count`` most engaged original posts among the newest ``pool`` matching
    ``flt``, ties by id."""
    page = store.search(flt, size=pool)
    ranked = sorted((p for p in page.posts if not p.is_repost),
                    key=lambda p: (-p.engagement, p.id))
    return [p.id for p in ranked[:count]]

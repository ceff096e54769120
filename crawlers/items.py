"""What spiders yield. A post is a plain dict in the Post contract (DESIGN.md); an author
profile (author/follower mode) is an :class:`AuthorItem`, so pipelines and sinks can tell
the two apart without a marker field leaking into the stored documents."""

from __future__ import annotations


class AuthorItem(dict):
    """An author profile in the Author contract: validated as an Author, stored as one."""

"""Author profiles: read one, or erase one (an erasure request takes their posts too).

Author ids carry the platform's own identifiers, ``mastodon:m.social/109...`` and
``bluesky:did:plc:...``: the path parameter takes the rest of the path, slashes and colons
included, so an id is used in a URL as it is.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, status

from api.deps import get_store
from sensing.schemas import Author
from sensing.store import Store

router = APIRouter(prefix="/authors", tags=["authors"])


@router.get("/{author_id:path}", response_model=Author)
def get_author(author_id: str, store: Store = Depends(get_store)) -> Author:
    """The stored profile: what every crawl and post has shown of the author, merged, with
    its interests, influence and the profiles it is linked with on other platforms."""
    author = store.get_author(author_id)
    if author is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"no author {author_id!r}: ids are '<source>:<platform id>', as "
                            "posts carry them in author.id")
    return author


@router.delete("/{author_id:path}")
def erase_author(author_id: str, store: Store = Depends(get_store)) -> dict:
    """Erasure request: delete the author's profile and every post of theirs."""
    return {"author_id": author_id, "posts_deleted": store.delete_author(author_id)}

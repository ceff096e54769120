"""Storage behind a few narrow interfaces (``base.py``); ``open_store`` picks the backend from
settings and returns it as a :class:`Store`, which is all of them at once."""

from __future__ import annotations

from sensing.config import Settings
from sensing.store.base import (
    Aggregations,
    AspectBucket,
    AuthorStore,
    Bucket,
    CampaignCatalog,
    DuplicateIndex,
    PostFilter,
    PostStore,
    SearchPage,
    SegmentStore,
    Store,
    StoreLifecycle,
    UpsertResult,
)


def open_store(settings: Settings) -> Store:
    """The configured backend, set up and ready (indices/tables created if missing)."""
    if settings.store == "elasticsearch":
        from sensing.store.elastic import ElasticStore

        store: Store = ElasticStore(settings.es_url, prefix=settings.es_index_prefix,
                                    shards=settings.es_shards, replicas=settings.es_replicas)
    else:
        from sensing.store.sqlite import SqliteStore

        settings.sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        store = SqliteStore(settings.sqlite_file)
    store.setup()
    return store


__all__ = ["Aggregations", "AspectBucket", "AuthorStore", "Bucket", "CampaignCatalog",
           "DuplicateIndex", "PostFilter", "PostStore", "SearchPage", "SegmentStore", "Store",
           "StoreLifecycle", "UpsertResult", "open_store"]

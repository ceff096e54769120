"""Storage behind one interface; ``open_store`` picks the backend from settings."""

from __future__ import annotations

from sensing.config import Settings
from sensing.store.base import Aggregations, Bucket, PostFilter, SearchPage, Store, UpsertResult


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


__all__ = ["Aggregations", "Bucket", "PostFilter", "SearchPage", "Store", "UpsertResult",
           "open_store"]

"""The production store: Elasticsearch 8.19+ (and 9.x), using only core features.

Per purpose (posts, authors, campaigns) an index template with explicit mappings, and a first
index behind an alias (``{prefix}-posts`` -> ``{prefix}-posts-000001``), so a reindex or
rollover never changes what the code addresses. Nothing here needs a module beyond core: no
painless (campaign ids are merged client-side with optimistic concurrency), no
``_delete_by_query`` (erasure scans with a point in time and bulk-deletes), no analyzers
beyond built-ins (Korean/Japanese are bigrammed client-side into ``search_text``, indexed
with the ``whitespace`` analyzer).

Some facts aggregations count are derived from the post client-side, by the same functions
SQLite uses for its side tables (``_common``), and indexed beside the contract's fields:

- ``hashtag_pairs`` and ``entity_keys``: composite keywords (``a<US>b``, ``text<US>label``),
  so one ``terms`` aggregation counts pairs exactly, where terms-within-terms would only see
  pairs of the top hashtags and multi_terms is not core.
- ``labelled_images``: ``nested`` images, each with ``nested`` labels ``{label, score}`` (the
  best score per label). ``media.labels`` itself is stored but not indexed, and an existing
  index cannot turn it nested, hence a field of its own. Image label counts are::

      nested labelled_images                        doc_count = classified images
        nested labelled_images.labels
          filter range score >= threshold
            terms label (order: images desc, _key asc)
              reverse_nested path=labelled_images   doc_count = images showing the label
              reverse_nested (root)                 doc_count = posts holding one
                terms hashtags                      the label's top hashtags

- Aspect x sentiment uses the nested ``aspects`` field the same way: ``terms aspect`` ordered
  by a root ``reverse_nested`` (posts, not mentions), inside it ``terms sentiment`` with its
  own ``reverse_nested``. The aspect filter is a ``nested`` query on it, so ``camera:negative``
  needs one entry holding both, not a negative verdict on something else.

- Engagement per interval: ``sum`` aggregations of the indexed ``metrics`` under the volume's
  ``date_histogram``, combined client-side (``_common.summed_engagement``), not a script.

- ``original_images``: ``nested`` original images (``media`` entries hashed and not
  near-copies), each with its media ``image`` index, ``phash``, ``colour`` and the pHash
  chunk ``keys`` (``vision.groups.chunk_keys``) later batches look it up by. An image holds
  one key per chunk position, so a query with one ``constant_score`` ``terms`` clause per
  position scores each image by the number of keys it shares, and ``score_mode: max`` ranks
  the posts by their best image.

Author profiles are merged client-side too (``_common.merge_author``: read with ``mget``,
written back guarded by sequence numbers, conflicts read and merged again), and carry one
derived field, ``profile_links``: the profile URLs each is found under (its own and those its
bio names, ``sensing.links.author_links``), for explicit cross-platform linking.

Customer segments, their customers and model runs are the indices of the ``ElasticSegments``
mixin (``elastic_segments.py``), set up and dropped with the others.

``derived_version`` records which version of these derivations a document has; ``setup``
re-derives the documents indexed before (scan + guarded bulk index, no scripts), which also
indexes the fields a mapping gained since they were written.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError, helpers

from sensing.links import author_links, profile_url
from sensing.query import parse_query, to_es
from sensing.schemas import Author, Campaign, ImageRef, Post, media_key
from sensing.store._common import (
    ENGAGEMENT_METRICS,
    aspect_buckets,
    best_images,
    decode_cursor,
    encode_cursor,
    engagement_buckets,
    entity_buckets,
    entity_pairs,
    fold_authors,
    hashtag_pairs,
    image_label_buckets,
    image_labels,
    index_text,
    interval_start,
    join_key,
    merge_author,
    merged_campaigns,
    original_images,
    pair_buckets,
    ranked,
    split_key,
    volume_buckets,
)
from sensing.store.base import (
    DEFAULT_LABEL_THRESHOLD,
    Aggregations,
    BandMatch,
    Interval,
    PostFilter,
    SearchPage,
    Section,
    Store,
    UpsertResult,
    sections_asked,
)
from sensing.store.elastic_alerts import ElasticAlerts
from sensing.store.elastic_planning import ElasticPlanning
from sensing.store.elastic_segments import ElasticSegments

log = logging.getLogger(__name__)
Record = TypeVar("Record", Post, Author)

KW = {"type": "keyword"}
LONG = {"type": "long"}
NOT_INDEXED = {"type": "object", "enabled": False}

POST_MAPPING: dict[str, Any] = {
    "dynamic": False,  # extra fields are kept in _source, only the contract's are indexed
    "properties": {
        "id": KW, "source": KW, "url": {"type": "keyword", "index": False},
        "campaign_ids": KW, "created_at": {"type": "date_nanos"}, "collected_at": {"type": "date"},
        "author": {"properties": {
            "id": KW, "handle": KW, "name": {"type": "text"}, "followers": LONG,
            "following": LONG, "verified": {"type": "boolean"}, "bio": {"type": "text"}}},
        "text": {"type": "text"}, "raw_text": {"type": "text", "index": False},
        "search_text": {"type": "text", "analyzer": "whitespace"},
        "lang": KW, "hashtags": KW, "mentions": KW, "urls": KW, "emojis": KW,
        "media": {"type": "nested", "properties": {
            "url": KW, "type": KW, "phash": KW, "labels": NOT_INDEXED,
            "ocr_text": {"type": "text"}}},
        "metrics": {"properties": {"likes": LONG, "replies": LONG, "shares": LONG,
                                   "views": LONG}},
        "in_reply_to": KW, "thread_id": KW, "is_repost": {"type": "boolean"},
        "sentiment": {"properties": {"label": KW, "score": {"type": "float"}, "model": KW}},
        "aspects": {"type": "nested", "properties": {
            "aspect": KW, "sentiment": KW, "evidence": {"type": "text"}}},
        "entities": {"type": "nested", "properties": {"text": KW, "label": KW}},
        "keywords": KW, "duplicate_of": KW, "spam_reasons": KW, "content_hash": KW,
        "minhash_bands": KW,
        "spam_score": {"type": "float"}, "relevance": {"type": "float"},
        "pipeline": {"properties": {"version": KW, "steps": NOT_INDEXED}},
        # derived client-side (module docstring)
        "hashtag_pairs": KW, "entity_keys": KW, "derived_version": {"type": "integer"},
        "labelled_images": {"type": "nested", "properties": {"labels": {
            "type": "nested", "properties": {"label": KW, "score": {"type": "double"}}}}},
        "original_images": {"type": "nested", "properties": {
            "keys": KW, "image": {"type": "integer"}, "phash": {"type": "keyword", "index": False},
            "colour": {"type": "keyword", "index": False}}},
    },
}
# Raised whenever a derived field is added or computed differently: ``setup`` re-derives.
DERIVED_VERSION = 2
DERIVED_FIELDS = ("search_text", "hashtag_pairs", "entity_keys", "labelled_images",
                  "original_images", "derived_version")
AUTHOR_MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {"id": KW, "source": KW, "handle": KW, "name": {"type": "text"},
                   "followers": LONG, "following": LONG, "verified": {"type": "boolean"},
                   "bio": {"type": "text"}, "url": KW, "influence": {"type": "float"},
                   "campaign_ids": KW, "follower_sample": KW, "followers_of": KW,
                   "same_as": KW, "recent_posts": NOT_INDEXED,
                   "interests": NOT_INDEXED, "interest_model": KW, "updated_at": {"type": "date"},
                   # derived client-side (module docstring)
                   "profile_links": KW, "derived_version": {"type": "integer"}},
}
AUTHOR_DERIVED_VERSION = 1  # raised like DERIVED_VERSION, for the author documents
AUTHOR_DERIVED_FIELDS = ("profile_links", "derived_version")
CAMPAIGN_MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {"id": KW, "name": {"type": "text"}, "active": {"type": "boolean"},
                   "launch_at": {"type": "date"}},
}
MAX_CONFLICT_ROUNDS = 8
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FAR_FUTURE = datetime(2200, 1, 1, tzinfo=UTC)  # date_nanos ends in 2262
TERMS_ORDER = [{"_count": "desc"}, {"_key": "asc"}]
SHOULD_CHUNK = 1000  # band keys per query: below the smallest boolean clause limit (1024)
TERMS_CHUNK = 10_000  # values per terms query: well below index.max_terms_count (65,536)


def _nanos(moment: datetime) -> int:
    return round(moment.astimezone(UTC).timestamp() * 1_000_000) * 1000


def _aspect_clause(aspect: str, label: str | None) -> dict[str, Any]:
    """Matches an ``aspects`` entry of ``aspect`` (with the verdict ``label``, if given)."""
    named = {"term": {"aspects.aspect": aspect}}
    if label is None:
        return named
    return {"bool": {"filter": [named, {"term": {"aspects.sentiment": label}}]}}


class ElasticStore(ElasticSegments, ElasticPlanning, ElasticAlerts, Store):
    """Every store interface (:class:`~sensing.store.base.Store`) over the indices behind
    the ``prefix`` aliases."""

    def __init__(self, url: str, prefix: str = "sensing", shards: int = 1, replicas: int = 0):
        self.url = url
        self.prefix = prefix
        self.shards = shards
        self.replicas = replicas
        self.es = Elasticsearch(url, request_timeout=30, retry_on_timeout=True, max_retries=3)
        self.posts = f"{prefix}-posts"
        self.authors = f"{prefix}-authors"
        self.campaigns = f"{prefix}-campaigns"

    # -- lifecycle (StoreLifecycle) and plumbing -------------------------------------------
    def _indices(self) -> list[tuple[str, dict[str, Any]]]:
        """(alias, mapping) of every index of the store."""
        return [(self.posts, POST_MAPPING), (self.authors, AUTHOR_MAPPING),
                (self.campaigns, CAMPAIGN_MAPPING), *self._segment_indices(),
                *self._planning_indices(), *self._alert_indices()]

    def setup(self) -> None:
        for alias, mapping in self._indices():
            self.es.indices.put_index_template(
                name=alias, index_patterns=[f"{alias}-*"], priority=100,
                template={"settings": {"number_of_shards": self.shards,
                                       "number_of_replicas": self.replicas},
                          "mappings": mapping})
            if not self.es.indices.exists_alias(name=alias):
                try:
                    self.es.indices.create(index=f"{alias}-000001",
                                           aliases={alias: {"is_write_index": True}})
                except ApiError as exc:
                    if exc.error != "resource_already_exists_exception":
                        raise  # a concurrent setup() won the race: fine, anything else is not
            # Fields added to a mapping since the index was created reach it too (adding a
            # field is always allowed; changing one's type is not, and fails loudly here).
            self.es.indices.put_mapping(index=alias, properties=mapping["properties"])
        self._rederive()

    def _rederive(self) -> None:
        """Bring the posts and the authors indexed by an older version up to date."""
        self._rederive_index(self.posts, DERIVED_VERSION,
                             lambda source: self._doc(self._post(source)))
        self._rederive_index(self.authors, AUTHOR_DERIVED_VERSION,
                             lambda source: self._author_doc(self._author(source)))

    def _rederive_index(self, index: str, version: int,
                        rewrite: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """Give the documents of ``index`` indexed before ``version`` their derived fields.
        Each is rewritten only if unchanged since read (sequence number guard): a conflict
        means a writer has just indexed it, derived fields and all."""
        stale = {"bool": {"must_not": [{"range": {"derived_version": {"gte": version}}}]}}
        if not self.es.count(index=index, query=stale)["count"]:
            return
        actions = ({"_op_type": "index", "_index": hit["_index"], "_id": hit["_id"],
                    "if_seq_no": hit["_seq_no"], "if_primary_term": hit["_primary_term"],
                    "_source": rewrite(hit["_source"])}
                   for hit in self._scan(stale, 500, index=index))
        failed = [item for ok, item in helpers.streaming_bulk(
                      self.es, actions, refresh=True, raise_on_error=False)
                  if not ok and next(iter(item.values())).get("status") != 409]
        if failed:
            log.warning("derived fields not written for %d old documents of %s, e.g. %s; "
                        "they stay out of the newer lookups until written again", len(failed),
                        index, failed[0])

    def drop(self) -> None:
        """Undo ``setup``: delete the prefix's indices and the index templates, for the
        throw-away stores of tests and benchmarks (the posts are gone for good)."""
        self.es.indices.delete(index=f"{self.prefix}-*", ignore_unavailable=True)
        for alias, _ in self._indices():
            self.es.options(ignore_status=404).indices.delete_index_template(name=alias)

    def health(self) -> dict:
        try:
            health = self.es.options(request_timeout=5).cluster.health()
            return {"ok": health["status"] in ("green", "yellow"), "backend": "elasticsearch",
                    "url": self.url, "status": health["status"],
                    "posts": self.es.count(index=self.posts)["count"]}
        except (ApiError, TransportError) as exc:
            return {"ok": False, "backend": "elasticsearch", "url": self.url,
                    "error": f"{type(exc).__name__}: {exc}"}

    def close(self) -> None:
        self.es.close()

    def _query(self, flt: PostFilter) -> dict[str, Any]:
        must: list[dict] = []
        filters: list[dict] = []
        must_not: list[dict] = []
        if flt.query:
            must.append(to_es(parse_query(flt.query)))
        if flt.campaign_id:
            filters.append({"term": {"campaign_ids": flt.campaign_id}})
        for field, values in (("source", flt.sources), ("lang", flt.langs),
                              ("sentiment.label", flt.sentiment)):
            if values:
                filters.append({"terms": {field: list(values)}})
        if flt.aspects:
            # one nested entry must hold both the aspect and the label: the verdict on it
            filters.append({"nested": {"path": "aspects", "query": {"bool": {
                "should": [_aspect_clause(aspect, label) for aspect, label in flt.aspect_terms],
                "minimum_should_match": 1}}}})
        if flt.since or flt.until:
            # Both bounds, always: an open end becomes Long.MIN/MAX nanoseconds inside ES, and
            # a date_histogram over date_nanos then fails ("nanoseconds before the epoch").
            since, until = flt.since or EPOCH, flt.until or FAR_FUTURE
            filters.append({"range": {"created_at": {"gte": since.astimezone(UTC).isoformat(),
                                                     "lt": until.astimezone(UTC).isoformat()}}})
        if flt.author_id:
            filters.append({"term": {"author.id": flt.author_id}})
        if not flt.include_duplicates:
            must_not.append({"exists": {"field": "duplicate_of"}})
        if flt.max_spam is not None:
            filters.append({"range": {"spam_score": {"lte": flt.max_spam}}})
        if flt.spam_below is not None:
            filters.append({"range": {"spam_score": {"lt": flt.spam_below}}})
        if flt.min_relevance is not None:
            filters.append({"range": {"relevance": {"gte": flt.min_relevance}}})
        return {"bool": {"must": must, "filter": filters, "must_not": must_not}}

    @staticmethod
    def _doc(post: Post) -> dict[str, Any]:
        """The post as indexed: its fields and the ``DERIVED_FIELDS``."""
        return {**post.model_dump(mode="json"), "search_text": index_text(post),
                "hashtag_pairs": [join_key(a, b) for a, b in hashtag_pairs(post.hashtags)],
                "entity_keys": [join_key(text, label) for text, label in entity_pairs(post)],
                "labelled_images": [
                    {"labels": [{"label": label, "score": score} for label, score in best.items()]}
                    for best in image_labels(post)],
                "original_images": [{"image": image.index, "keys": image.keys,
                                     "phash": image.ref.phash, "colour": image.ref.colour}
                                    for image in original_images(post)],
                "derived_version": DERIVED_VERSION}

    @staticmethod
    def _post(source: dict[str, Any]) -> Post:
        for field in DERIVED_FIELDS:
            source.pop(field, None)
        return Post.model_validate(source)

    @staticmethod
    def _author_doc(author: Author) -> dict[str, Any]:
        """The profile as indexed: its fields and the ``AUTHOR_DERIVED_FIELDS``."""
        return {**author.model_dump(mode="json"), "profile_links": author_links(author),
                "derived_version": AUTHOR_DERIVED_VERSION}

    @staticmethod
    def _author(source: dict[str, Any]) -> Author:
        for field in AUTHOR_DERIVED_FIELDS:
            source.pop(field, None)
        return Author.model_validate(source)

    def _write_guarded(self, actions: list[dict[str, Any]], pending: dict[str, Record],
                       result: UpsertResult) -> dict[str, Record]:
        """Bulk-write ``actions`` (creates, and rewrites guarded by sequence numbers) and count
        them into ``result``; returns the records of ``pending`` whose write met a concurrent
        writer (409), to be read and merged again."""
        conflicts: dict[str, Record] = {}
        for ok, item in helpers.streaming_bulk(self.es, actions, raise_on_error=False,
                                               refresh=True):
            op, info = next(iter(item.items()))
            if ok:
                if op == "create":
                    result.created += 1
                else:
                    result.updated += 1
            elif info.get("status") == 409:
                conflicts[info["_id"]] = pending[info["_id"]]
            else:
                result.errors.append(f"{info['_id']}: {info.get('error')}")
        return conflicts

    # -- posts (PostStore) -----------------------------------------------------------------
    def upsert_posts(self, posts: Iterable[Post]) -> UpsertResult:
        """Create new posts; replace stored ones with the union of campaign ids, guarded by
        their sequence numbers. A concurrent writer makes the guard fail (409): those posts
        are read again and retried, so no campaign id is ever lost."""
        pending = {p.id: p for p in posts}
        result = UpsertResult()
        for _ in range(MAX_CONFLICT_ROUNDS):
            if not pending:
                break
            stored = self.es.mget(index=self.posts, ids=list(pending))["docs"]
            actions = []
            for found in stored:
                post = pending[found["_id"]]
                if found.get("found"):
                    union = merged_campaigns(found["_source"].get("campaign_ids", []),
                                             post.campaign_ids)
                    actions.append({"_op_type": "index", "_index": found["_index"],
                                    "_id": post.id, "if_seq_no": found["_seq_no"],
                                    "if_primary_term": found["_primary_term"],
                                    "_source": self._doc(post.model_copy(
                                        update={"campaign_ids": union}))})
                else:
                    actions.append({"_op_type": "create", "_index": self.posts, "_id": post.id,
                                    "_source": self._doc(post)})
            pending = self._write_guarded(actions, pending, result)
        result.errors.extend(f"{post_id}: kept conflicting with concurrent writers"
                             for post_id in pending)
        return result

    def get_posts(self, ids: Iterable[str]) -> list[Post]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        docs = self.es.mget(index=self.posts, ids=wanted)["docs"]
        return [self._post(d["_source"]) for d in docs if d.get("found")]

    def search(self, flt: PostFilter, size: int = 20, cursor: str | None = None) -> SearchPage:
        body: dict[str, Any] = {"query": self._query(flt), "size": size + 1,
                                "sort": [{"created_at": "desc"}, {"id": "asc"}],
                                "track_total_hits": True}
        if cursor:
            created, last_id = decode_cursor(cursor)
            body["search_after"] = [_nanos(created), last_id]
        found = self.es.search(index=self.posts, **body)["hits"]
        posts = [self._post(h["_source"]) for h in found["hits"][:size]]
        more = len(found["hits"]) > size
        return SearchPage(total=found["total"]["value"], posts=posts,
                          next_cursor=encode_cursor(posts[-1].created_at, posts[-1].id)
                          if more else None)

    def count(self, flt: PostFilter) -> int:
        return self.es.count(index=self.posts, query=self._query(flt))["count"]

    def aggregate(self, flt: PostFilter, interval: Interval = "day", top: int = 10,
                  label_threshold: float = DEFAULT_LABEL_THRESHOLD,
                  sections: Iterable[Section] | None = None) -> Aggregations:
        """One search with the aggregations of the sections asked for (``volume`` and
        ``engagement`` share one date histogram, ``images`` and ``image_labels`` one nested
        aggregation)."""
        asked = sections_asked(sections)
        by_posts = [{"posts": "desc"}, {"_key": "asc"}]
        to_posts = {"reverse_nested": {}}  # from nested entries back to their posts, once each

        def terms(field: str, size: int, order: list[dict] = TERMS_ORDER, **aggs: dict) -> dict:
            return {"terms": {"field": field, "size": size, "order": order},
                    **({"aggs": aggs} if aggs else {})}

        def nested(path: str, **aggs: dict) -> dict:
            return {"nested": {"path": path}, "aggs": aggs}

        aggs = {
            "volume": {"date_histogram": {"field": "created_at", "calendar_interval": interval,
                                          "time_zone": "UTC", "min_doc_count": 1},
                       # summed apart and combined client-side (summed_engagement): no scripts
                       "aggs": {metric: {"sum": {"field": f"metrics.{metric}"}}
                                for metric in ENGAGEMENT_METRICS}},
            "sentiment": terms("sentiment.label", 3), "hashtags": terms("hashtags", top),
            "authors": terms("author.id", top), "sources": terms("source", 100),
            "langs": terms("lang", 200),
            "aspects": nested("aspects", names=terms(
                "aspects.aspect", top, by_posts, posts=to_posts,
                feelings=terms("aspects.sentiment", 3, by_posts, posts=to_posts))),
            "images": nested("labelled_images", labels=nested("labelled_images.labels", shown={
                "filter": {"range": {"labelled_images.labels.score": {"gte": label_threshold}}},
                "aggs": {"names": terms(
                    "labelled_images.labels.label", top, [{"images": "desc"}, {"_key": "asc"}],
                    images={"reverse_nested": {"path": "labelled_images"}},
                    posts={**to_posts, "aggs": {"hashtags": terms("hashtags", top)}})}})),
            "hashtag_pairs": terms("hashtag_pairs", top), "keywords": terms("keywords", top),
            "entities": terms("entity_keys", top),
        }
        owner = {"engagement": "volume", "image_labels": "images"}
        wanted = {owner.get(name, name) for name in asked}
        found = self.es.search(index=self.posts, query=self._query(flt), size=0,
                               aggs={k: v for k, v in aggs.items() if k in wanted} or None,
                               track_total_hits=True)
        result = found.get("aggregations", {})
        out: dict[str, Any] = {"total": found["hits"]["total"]["value"]}

        def buckets(name: str) -> list[tuple[str, int]]:
            return [(b["key"], b["doc_count"]) for b in result[name]["buckets"]]

        if "volume" in wanted:
            intervals = {interval_start(datetime.fromtimestamp(b["key"] / 1000, UTC),
                                        interval): b for b in result["volume"]["buckets"]}
            volume = {start: b["doc_count"] for start, b in intervals.items()}
            summed = {start: {metric: round(b[metric]["value"]) for metric in ENGAGEMENT_METRICS}
                      for start, b in intervals.items()}  # sums of longs come back as doubles
            out["volume"] = volume_buckets(volume, interval)
            out["engagement"] = engagement_buckets(volume, summed, interval)
        for name in ("sentiment", "hashtags", "authors", "sources", "langs", "keywords"):
            if name in wanted:
                out[name] = ranked(buckets(name))
        if "aspects" in wanted:
            aspects = result["aspects"]["names"]["buckets"]
            out["aspects"] = aspect_buckets(
                [(b["key"], b["posts"]["doc_count"]) for b in aspects],
                [(b["key"], f["key"], f["posts"]["doc_count"])
                 for b in aspects for f in b["feelings"]["buckets"]], top)
        if "images" in wanted:
            labels = result["images"]["labels"]["shown"]["names"]["buckets"]
            out["images"] = result["images"]["doc_count"]
            out["image_labels"] = image_label_buckets(
                result["images"]["doc_count"],
                [(b["key"], b["images"]["doc_count"], b["posts"]["doc_count"]) for b in labels],
                {b["key"]: [(h["key"], h["doc_count"]) for h in b["posts"]["hashtags"]["buckets"]]
                 for b in labels}, top)
        if "hashtag_pairs" in wanted:
            out["hashtag_pairs"] = pair_buckets(
                [(*split_key(k), n) for k, n in buckets("hashtag_pairs")], top)
        if "entities" in wanted:
            out["entities"] = entity_buckets(
                [(*split_key(k), n) for k, n in buckets("entities")], top)
        return Aggregations(**{k: v for k, v in out.items() if k in asked or k == "total"},
                            min_relevance=flt.min_relevance, label_threshold=label_threshold)

    def _scan(self, query: dict[str, Any], batch_size: int, source: bool | list[str] = True,
              index: str | None = None) -> Iterator[dict[str, Any]]:
        """Every hit of ``index`` (the posts by default) once, from a point-in-time snapshot
        (closed when done), with its sequence number and primary term for guarded rewrites."""
        pit = self.es.open_point_in_time(index=index or self.posts, keep_alive="2m")["id"]
        try:
            after = None
            while True:
                page = self.es.search(pit={"id": pit, "keep_alive": "2m"}, query=query,
                                      size=batch_size, sort=[{"_shard_doc": "asc"}],
                                      source=source, seq_no_primary_term=True,
                                      **({"search_after": after} if after else {}))
                hits = page["hits"]["hits"]
                if not hits:
                    return
                pit = page.get("pit_id", pit)
                yield from hits
                after = hits[-1]["sort"]
        finally:
            self.es.close_point_in_time(id=pit)

    def export(self, flt: PostFilter, batch_size: int = 500) -> Iterator[Post]:
        for hit in self._scan(self._query(flt), batch_size):
            yield self._post(hit["_source"])

    def delete_author(self, author_id: str) -> int:
        """Erasure without ``_delete_by_query``: scan the author's posts, bulk-delete them."""
        query = {"term": {"author.id": author_id}}
        actions = ({"_op_type": "delete", "_index": hit["_index"], "_id": hit["_id"]}
                   for hit in self._scan(query, 500, source=False))
        deleted, _ = helpers.bulk(self.es, actions, refresh=True, raise_on_error=False)
        try:
            self.es.delete(index=self.authors, id=author_id, refresh=True)
        except NotFoundError:
            pass
        return deleted

    # -- duplicate lookups (DuplicateIndex) ------------------------------------------------
    def find_content_hashes(self, campaign_id: str, hashes: Iterable[str]) -> dict[str, str]:
        wanted = list(dict.fromkeys(hashes))
        if not wanted:
            return {}
        found = self.es.search(
            index=self.posts, size=len(wanted), source=["id", "content_hash"],
            query={"bool": {"filter": [{"term": {"campaign_ids": campaign_id}},
                                       {"terms": {"content_hash": wanted}}],
                            "must_not": [{"exists": {"field": "duplicate_of"}}]}},
            collapse={"field": "content_hash"},
            sort=[{"created_at": "asc"}, {"id": "asc"}])
        return {h["_source"]["content_hash"]: h["_source"]["id"] for h in found["hits"]["hits"]}

    def find_near_duplicates(self, campaign_id: str, band_keys: Iterable[str],
                             limit: int = 1000) -> list[BandMatch]:
        """One ``should`` clause of constant score 1 per band key: a hit's score is the
        number of keys it shares. Keys go in chunks below the boolean clause limit, and the
        chunks' scores are added up."""
        wanted = list(dict.fromkeys(band_keys))
        shared: Counter[str] = Counter()
        found: dict[str, BandMatch] = {}
        for start in range(0, len(wanted), SHOULD_CHUNK):
            hits = self.es.search(
                index=self.posts, size=limit, source=["id", "created_at", "minhash_bands"],
                query={"bool": {
                    "filter": [{"term": {"campaign_ids": campaign_id}}],
                    "must_not": [{"exists": {"field": "duplicate_of"}}],
                    "should": [{"constant_score": {"filter": {"term": {"minhash_bands": key}}}}
                               for key in wanted[start:start + SHOULD_CHUNK]],
                    "minimum_should_match": 1}},
                sort=[{"_score": "desc"}, {"created_at": "asc"}, {"id": "asc"}],
                track_scores=True)["hits"]["hits"]
            for hit in hits:
                shared[hit["_id"]] += round(hit["_score"])
                found.setdefault(hit["_id"], BandMatch.model_validate(hit["_source"]))
        return sorted(found.values(),
                      key=lambda m: (-shared[m.id], m.created_at, m.id))[:limit]

    def find_near_images(self, campaign_id: str, chunk_keys: Iterable[str],
                         limit: int = 1000) -> list[ImageRef]:
        """One query however many keys: a ``terms`` clause per chunk position (the key's
        prefix), so each image's score is the number of keys it shares (module docstring)
        and a post's is its best image's. The best ``limit`` images are therefore among the
        first ``limit`` posts, whose images are counted again here from ``_source`` (much
        cheaper than ``inner_hits`` for a thousand posts)."""
        wanted = set(chunk_keys)
        by_position: dict[str, list[str]] = {}
        for key in sorted(wanted):
            by_position.setdefault(key.partition(":")[0], []).append(key)
        if not by_position:
            return []
        hits = self.es.search(
            index=self.posts, size=limit, source=["id", "created_at", "original_images"],
            query={"bool": {
                "filter": [{"term": {"campaign_ids": campaign_id}}],
                "must": [{"nested": {"path": "original_images", "score_mode": "max", "query": {
                    "bool": {"should": [
                        {"constant_score": {"filter": {"terms": {"original_images.keys": keys}}}}
                        for keys in by_position.values()]}}}}]}},
            sort=[{"_score": "desc"}, {"created_at": "asc"}, {"id": "asc"}],
            track_scores=True)["hits"]["hits"]
        shared: dict[ImageRef, int] = {}
        for hit in hits:
            post_id = hit["_source"]["id"]
            created_at = datetime.fromisoformat(hit["_source"]["created_at"])
            for image in hit["_source"]["original_images"]:
                count = len(wanted.intersection(image["keys"]))
                if count:
                    shared[ImageRef(media_key(post_id, image["image"]), post_id, created_at,
                                    image["phash"], image["colour"])] = count
        return best_images(shared, limit)

    # -- authors (AuthorStore) and campaigns (CampaignCatalog) -----------------------------
    def upsert_authors(self, authors: Iterable[Author]) -> UpsertResult:
        """Read the batch's stored profiles (one ``mget``), merge, write (one bulk) guarded by
        sequence numbers; a profile a concurrent writer changed meanwhile is read and merged
        again, so no sighting is lost. A merge that changes nothing writes nothing."""
        pending = fold_authors(authors)
        result = UpsertResult()
        for _ in range(MAX_CONFLICT_ROUNDS):
            if not pending:
                break
            actions = []
            for found in self.es.mget(index=self.authors, ids=list(pending))["docs"]:
                author = pending[found["_id"]]
                if not found.get("found"):
                    actions.append({"_op_type": "create", "_index": self.authors,
                                    "_id": author.id, "_source": self._author_doc(author)})
                    continue
                stored = self._author(found["_source"])
                merged = merge_author(stored, author)
                if merged is stored:
                    result.updated += 1
                    continue
                actions.append({"_op_type": "index", "_index": found["_index"],
                                "_id": author.id, "if_seq_no": found["_seq_no"],
                                "if_primary_term": found["_primary_term"],
                                "_source": self._author_doc(merged)})
            pending = self._write_guarded(actions, pending, result)
        result.errors.extend(f"{author_id}: kept conflicting with concurrent writers"
                             for author_id in pending)
        return result

    def get_author(self, author_id: str) -> Author | None:
        try:
            return self._author(self.es.get(index=self.authors, id=author_id)["_source"])
        except NotFoundError:
            return None

    def get_authors(self, ids: Iterable[str]) -> list[Author]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        docs = self.es.mget(index=self.authors, ids=wanted)["docs"]
        return [self._author(d["_source"]) for d in docs if d.get("found")]

    def _author_pages(self, query: dict[str, Any], batch_size: int) -> Iterator[Author]:
        """The profiles matching ``query`` by id, ``search_after`` the last id of each page."""
        after: list[Any] | None = None
        while True:
            hits = self.es.search(index=self.authors, query=query, size=batch_size,
                                  sort=[{"id": "asc"}],
                                  **({"search_after": after} if after else {}))["hits"]["hits"]
            yield from (self._author(hit["_source"]) for hit in hits)
            if len(hits) < batch_size:
                return
            after = hits[-1]["sort"]

    def campaign_authors(self, campaign_id: str, batch_size: int = 500) -> Iterator[Author]:
        return self._author_pages({"bool": {"filter": [{"term": {"campaign_ids": campaign_id}}]}},
                                  batch_size)

    def find_authors_by_url(self, urls: Iterable[str]) -> list[Author]:
        links = list(dict.fromkeys(link for link in map(profile_url, urls) if link))
        found: dict[str, Author] = {}
        for start in range(0, len(links), TERMS_CHUNK):
            query = {"bool": {"filter": [{"terms": {
                "profile_links": links[start:start + TERMS_CHUNK]}}]}}
            found.update((author.id, author) for author in self._author_pages(query, 500))
        return [found[author_id] for author_id in sorted(found)]

    def save_campaign(self, campaign: Campaign) -> None:
        self.es.index(index=self.campaigns, id=campaign.id,
                      document=campaign.model_dump(mode="json"), refresh=True)

    def get_campaign(self, campaign_id: str) -> Campaign | None:
        try:
            found = self.es.get(index=self.campaigns, id=campaign_id)
        except NotFoundError:
            return None
        return Campaign.model_validate(found["_source"])

    def list_campaigns(self) -> list[Campaign]:
        found = self.es.search(index=self.campaigns, size=10_000, sort=[{"id": "asc"}],
                               query={"match_all": {}})
        return [Campaign.model_validate(h["_source"]) for h in found["hits"]["hits"]]

"""The embedded store: SQLite (stdlib) with FTS5, for one machine and zero services.

Posts are kept as JSON documents with the filterable fields (and the metrics engagement sums)
beside them in columns, the list-valued facts aggregations count and filters match (campaigns,
hashtags and their pairs, keywords, entities, aspects, image labels), MinHash bands and the
pHash chunk keys of original images (for near-duplicate lookups across batches) in side tables
keyed by post id, and the search tokens in an FTS5 table whose rowid is the post's rowid. Side
rows are always rewritten and deleted together with their post (``SIDE_TABLES``), so they never
disagree with the document. Author profiles are JSON documents too, with their campaigns and
the profile URLs they are found under in side tables of their own (``AUTHOR_TABLES``), kept the
same way. Customer segments, their customers and model runs are the tables of the
``SqliteSegments`` mixin (``sqlite_segments.py``). One connection, guarded by a lock, serves
every thread: the embedded deployment's write rate is one worker's, and WAL lets readers go on
meanwhile.

A database made by an older version is brought up to date by ``setup`` (``PRAGMA
user_version``): new columns are added and the side tables rebuilt from the stored documents.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sensing.links import author_links, profile_url
from sensing.query import parse_query, to_fts
from sensing.schemas import Author, Campaign, ImageRef, Post, media_key
from sensing.store._common import (
    ENGAGEMENT_METRICS,
    aspect_buckets,
    aspect_pairs,
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
    merge_author,
    merged_campaigns,
    original_images,
    pair_buckets,
    ranked,
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
from sensing.store.sqlite_alerts import ALERT_SCHEMA, SqliteAlerts
from sensing.store.sqlite_planning import PLANNING_SCHEMA, SqlitePlanning
from sensing.store.sqlite_segments import SEGMENT_SCHEMA, SqliteSegments

SCHEMA = """
CREATE TABLE IF NOT EXISTS posts (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    source TEXT NOT NULL,
    lang TEXT,
    sentiment TEXT,
    author_id TEXT,
    duplicate_of TEXT,
    spam_score REAL,
    content_hash TEXT,
    relevance REAL,
    -- the ENGAGEMENT_METRICS, which aggregate sums per interval
    likes INTEGER,
    shares INTEGER,
    replies INTEGER
);
CREATE INDEX IF NOT EXISTS posts_created ON posts (created_us DESC, id);
CREATE INDEX IF NOT EXISTS posts_author ON posts (author_id);
CREATE INDEX IF NOT EXISTS posts_hash ON posts (content_hash);
CREATE TABLE IF NOT EXISTS post_campaigns (
    post_id TEXT NOT NULL, campaign_id TEXT NOT NULL, PRIMARY KEY (campaign_id, post_id)
);
CREATE INDEX IF NOT EXISTS post_campaigns_post ON post_campaigns (post_id);
CREATE TABLE IF NOT EXISTS post_hashtags (
    post_id TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (post_id, tag)
);
CREATE INDEX IF NOT EXISTS post_hashtags_tag ON post_hashtags (tag);
CREATE TABLE IF NOT EXISTS post_bands (
    band TEXT NOT NULL, post_id TEXT NOT NULL, PRIMARY KEY (band, post_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS post_bands_post ON post_bands (post_id);
CREATE TABLE IF NOT EXISTS post_image_keys (
    key TEXT NOT NULL, post_id TEXT NOT NULL, image INTEGER NOT NULL, phash TEXT NOT NULL,
    colour TEXT NOT NULL, PRIMARY KEY (key, post_id, image)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS post_image_keys_post ON post_image_keys (post_id);
CREATE TABLE IF NOT EXISTS post_hashtag_pairs (
    post_id TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (post_id, a, b)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS post_keywords (
    post_id TEXT NOT NULL, keyword TEXT NOT NULL, PRIMARY KEY (post_id, keyword)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS post_entities (
    post_id TEXT NOT NULL, text TEXT NOT NULL, label TEXT NOT NULL,
    PRIMARY KEY (post_id, text, label)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS post_aspects (
    post_id TEXT NOT NULL, aspect TEXT NOT NULL, sentiment TEXT NOT NULL,
    PRIMARY KEY (post_id, aspect, sentiment)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS post_aspects_aspect ON post_aspects (aspect, sentiment);
CREATE TABLE IF NOT EXISTS post_image_labels (
    post_id TEXT NOT NULL, image INTEGER NOT NULL, label TEXT NOT NULL, score REAL NOT NULL,
    PRIMARY KEY (post_id, image, label)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS posts_fts
    USING fts5(search_text, tokenize = 'unicode61 remove_diacritics 0');
CREATE TABLE IF NOT EXISTS authors (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS author_campaigns (
    campaign_id TEXT NOT NULL, author_id TEXT NOT NULL, PRIMARY KEY (campaign_id, author_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS author_campaigns_author ON author_campaigns (author_id);
CREATE TABLE IF NOT EXISTS author_links (
    link TEXT NOT NULL, author_id TEXT NOT NULL, PRIMARY KEY (link, author_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS author_links_author ON author_links (author_id);
CREATE TABLE IF NOT EXISTS campaigns (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
"""


# Every column a filter or an aggregate reads, so that neither reads a row: the document sits
# before them in the row and spills over pages, which reading a later column walks through
# (a plan on a million posts: 24 s without, 16 s with). Made after an upgrade has added the
# columns it covers.
FACTS_INDEX = """CREATE INDEX IF NOT EXISTS posts_facts ON posts (created_us, duplicate_of,
    spam_score, relevance, source, lang, sentiment, author_id, likes, shares, replies, id)"""

# Raised whenever a column or side table is added: ``setup`` then upgrades older databases.
SCHEMA_VERSION = 8  # 8: the alerts table; 7: the plan and journey tables; 6: the posts'
# metrics columns; 5: the segment tables (the tables new and empty each time)
POSTS_VERSION = 6  # the last version that changed the posts' columns or side tables

# The columns ``posts`` keeps beside the document (``_columns``): what filters and
# aggregations read without parsing it, the summed ``ENGAGEMENT_METRICS`` among them.
POST_COLUMNS = ("id", "doc", "created_us", "source", "lang", "sentiment", "author_id",
                "duplicate_of", "spam_score", "content_hash", "relevance", *ENGAGEMENT_METRICS)
# Columns added since the first version, with their type and where the document keeps them:
# ``_upgrade`` adds those an older database lacks and fills them in from the documents.
ADDED_COLUMNS: dict[str, tuple[str, str]] = {
    "relevance": ("REAL", "$.relevance"),
    **{metric: ("INTEGER", f"$.metrics.{metric}") for metric in ENGAGEMENT_METRICS},
}
AUTHORS_VERSION = 4  # the last version that changed the authors' side tables

# Side table -> its columns, post_id among them: the rows are derived from the post alone.
SIDE_TABLES: dict[str, tuple[str, ...]] = {
    "post_campaigns": ("post_id", "campaign_id"),
    "post_hashtags": ("post_id", "tag"),
    "post_bands": ("band", "post_id"),
    "post_image_keys": ("key", "post_id", "image", "phash", "colour"),
    "post_hashtag_pairs": ("post_id", "a", "b"),
    "post_keywords": ("post_id", "keyword"),
    "post_entities": ("post_id", "text", "label"),
    "post_aspects": ("post_id", "aspect", "sentiment"),
    "post_image_labels": ("post_id", "image", "label", "score"),
}


def _side_rows(post: Post) -> dict[str, list[tuple]]:
    """Every side-table row of ``post``, in ``SIDE_TABLES`` column order."""
    pid = post.id
    return {
        "post_campaigns": [(pid, c) for c in post.campaign_ids],
        "post_hashtags": [(pid, t) for t in post.hashtags],
        "post_bands": [(band, pid) for band in post.minhash_bands],
        "post_image_keys": [(key, pid, image.index, image.ref.phash, image.ref.colour)
                            for image in original_images(post) for key in image.keys],
        "post_hashtag_pairs": [(pid, a, b) for a, b in hashtag_pairs(post.hashtags)],
        "post_keywords": [(pid, k) for k in post.keywords],
        "post_entities": [(pid, text, label) for text, label in entity_pairs(post)],
        "post_aspects": [(pid, aspect, label) for aspect, label in aspect_pairs(post)],
        "post_image_labels": [(pid, n, label, score)
                              for n, best in enumerate(image_labels(post))
                              for label, score in best.items()],
    }


# Author side table -> its columns, author_id among them: derived from the profile alone.
AUTHOR_TABLES: dict[str, tuple[str, ...]] = {
    "author_campaigns": ("campaign_id", "author_id"),
    "author_links": ("link", "author_id"),
}


def _columns(post: Post) -> tuple[Any, ...]:
    """The post's values of ``POST_COLUMNS``, in order."""
    return (post.id, post.model_dump_json(), _us(post.created_at), post.source, post.lang,
            post.sentiment.label if post.sentiment else None, post.author.id, post.duplicate_of,
            post.spam_score, post.content_hash, post.relevance,
            *(getattr(post.metrics, metric) for metric in ENGAGEMENT_METRICS))


def _author_rows(author: Author) -> dict[str, list[tuple]]:
    """Every author side-table row of ``author``, in ``AUTHOR_TABLES`` column order."""
    return {"author_campaigns": [(c, author.id) for c in author.campaign_ids],
            "author_links": [(link, author.id) for link in author_links(author)]}


def _marks(values: Iterable[Any]) -> str:
    return ",".join("?" * len(list(values)))


def _us(moment: datetime) -> int:
    """Microseconds since the epoch: exact, sortable, comparable in SQL."""
    return round(moment.astimezone(UTC).timestamp() * 1_000_000)


# Width and shift, in microseconds, of an interval as ``aggregate`` groups it in SQL: the epoch
# fell on a Thursday, so weeks are shifted three days to start on Monday (as interval_start).
BUCKET_US: dict[str, tuple[int, int]] = {"hour": (3_600_000_000, 0),
                                         "day": (86_400_000_000, 0),
                                         "week": (604_800_000_000, 3 * 86_400_000_000)}


def _from_us(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1_000_000, UTC)


class SqliteStore(SqliteSegments, SqlitePlanning, SqliteAlerts, Store):
    """Every store interface (:class:`~sensing.store.base.Store`) over one SQLite file."""

    def __init__(self, path: Path | str, timeout: float = 30.0):
        self.path = Path(path)
        self.timeout = timeout
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None

    # -- lifecycle (StoreLifecycle) and plumbing -------------------------------------------
    @contextmanager
    def _transaction(self, begin: str = "BEGIN IMMEDIATE") -> Iterator[sqlite3.Connection]:
        """The connection inside a transaction (a write one by default; ``BEGIN`` for a read
        snapshot across statements), committed if the block succeeds, rolled back if not."""
        with self._lock:
            db = self.db
            db.execute(begin)
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.timeout, check_same_thread=False,
                             isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._connect()
        return self._db

    def setup(self) -> None:
        with self._lock:
            self.db.executescript(SCHEMA + SEGMENT_SCHEMA + PLANNING_SCHEMA + ALERT_SCHEMA)
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                self._upgrade(version)
            self.db.execute(FACTS_INDEX)

    def _upgrade(self, version: int) -> None:
        """Bring a database of ``version`` up to ``SCHEMA_VERSION``: add the columns ``CREATE
        TABLE IF NOT EXISTS`` cannot, and rebuild the side tables from the documents (a table
        added since holds nothing for the records stored before it). Only what changed since
        ``version`` is rebuilt: the posts' side tables are the large ones."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            if version < POSTS_VERSION:
                columns = {row[1] for row in db.execute("PRAGMA table_info(posts)")}
                for name, (kind, _) in ADDED_COLUMNS.items():
                    if name not in columns:
                        db.execute(f"ALTER TABLE posts ADD COLUMN {name} {kind}")
                db.execute("UPDATE posts SET " + ", ".join(
                    f"{name} = json_extract(doc, '{path}')"
                    for name, (_, path) in ADDED_COLUMNS.items()))
                for table in SIDE_TABLES:
                    db.execute(f"DELETE FROM {table}")
                for (doc,) in db.execute("SELECT doc FROM posts").fetchall():
                    self._insert_side_rows(db, Post.model_validate_json(doc))
            if version < AUTHORS_VERSION:
                for table in AUTHOR_TABLES:
                    db.execute(f"DELETE FROM {table}")
                for (doc,) in db.execute("SELECT doc FROM authors").fetchall():
                    self._insert_author_rows(db, Author.model_validate_json(doc))
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @staticmethod
    def _delete_side_rows(db: sqlite3.Connection, post_id: str) -> None:
        for table in SIDE_TABLES:
            db.execute(f"DELETE FROM {table} WHERE post_id = ?", (post_id,))

    @staticmethod
    def _insert_side_rows(db: sqlite3.Connection, post: Post) -> None:
        """Add the post's side rows. A stored post's earlier rows are deleted first
        (``_delete_side_rows``); a new post has none, so storing it costs no deletes."""
        for table, rows in _side_rows(post).items():
            marks = ",".join("?" * len(SIDE_TABLES[table]))
            db.executemany(f"INSERT OR IGNORE INTO {table} ({','.join(SIDE_TABLES[table])}) "
                           f"VALUES ({marks})", rows)

    @staticmethod
    def _insert_author_rows(db: sqlite3.Connection, author: Author) -> None:
        for table, rows in _author_rows(author).items():
            columns = AUTHOR_TABLES[table]
            db.executemany(f"INSERT OR IGNORE INTO {table} ({','.join(columns)}) "
                           f"VALUES ({_marks(columns)})", rows)

    @staticmethod
    def _delete_author_rows(db: sqlite3.Connection, author_id: str) -> None:
        for table in AUTHOR_TABLES:
            db.execute(f"DELETE FROM {table} WHERE author_id = ?", (author_id,))

    def health(self) -> dict:
        try:
            with self._lock:
                posts = self.db.execute("SELECT count(*) FROM posts").fetchone()[0]
            return {"ok": True, "backend": "sqlite", "path": str(self.path), "posts": posts}
        except sqlite3.Error as exc:
            return {"ok": False, "backend": "sqlite", "path": str(self.path), "error": str(exc)}

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _where(self, flt: PostFilter) -> tuple[str, list[Any]]:
        """The WHERE clause (or "") of ``flt`` over ``posts p``, and its arguments."""
        clauses: list[str] = []
        args: list[Any] = []
        if flt.query:
            clauses.append("p.rowid IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?)")
            args.append(to_fts(parse_query(flt.query)))
        if flt.campaign_id:
            clauses.append("EXISTS (SELECT 1 FROM post_campaigns c WHERE c.post_id = p.id "
                           "AND c.campaign_id = ?)")
            args.append(flt.campaign_id)
        for column, values in (("source", flt.sources), ("lang", flt.langs),
                               ("sentiment", flt.sentiment)):
            if values:
                clauses.append(f"p.{column} IN ({','.join('?' * len(values))})")
                args.extend(values)
        if flt.aspects:
            # the post_aspects_aspect index finds the few posts of an aspect
            terms = flt.aspect_terms
            clauses.append("p.id IN (SELECT s.post_id FROM post_aspects s WHERE " + " OR ".join(
                "s.aspect = ?" if label is None else "(s.aspect = ? AND s.sentiment = ?)"
                for _, label in terms) + ")")
            args.extend(value for term in terms for value in term if value is not None)
        if flt.since:
            clauses.append("p.created_us >= ?")
            args.append(_us(flt.since))
        if flt.until:
            clauses.append("p.created_us < ?")
            args.append(_us(flt.until))
        if flt.author_id:
            clauses.append("p.author_id = ?")
            args.append(flt.author_id)
        if not flt.include_duplicates:
            clauses.append("p.duplicate_of IS NULL")
        if flt.max_spam is not None:
            clauses.append("p.spam_score <= ?")
            args.append(flt.max_spam)
        if flt.spam_below is not None:
            clauses.append("p.spam_score < ?")
            args.append(flt.spam_below)
        if flt.min_relevance is not None:
            clauses.append("p.relevance >= ?")
            args.append(flt.min_relevance)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    def _select(self, sql: str, args: Iterable[Any] = ()) -> list[tuple]:
        with self._lock:
            return self.db.execute(sql, list(args)).fetchall()

    # -- posts (PostStore) -----------------------------------------------------------------
    def upsert_posts(self, posts: Iterable[Post]) -> UpsertResult:
        result = UpsertResult()
        with self._lock:
            db = self.db
            db.execute("BEGIN IMMEDIATE")
            try:
                for post in posts:
                    self._upsert_one(db, post, result)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return result

    def _upsert_one(self, db: sqlite3.Connection, post: Post, result: UpsertResult) -> None:
        row = db.execute("SELECT rowid, doc FROM posts WHERE id = ?", (post.id,)).fetchone()
        if row is not None:
            stored = Post.model_validate_json(row[1])
            post = post.model_copy(update={"campaign_ids": merged_campaigns(
                stored.campaign_ids, post.campaign_ids)})
        values = _columns(post)
        if row is None:
            rowid = db.execute(f"INSERT INTO posts ({', '.join(POST_COLUMNS)}) "
                               f"VALUES ({_marks(POST_COLUMNS)})", values).lastrowid
            result.created += 1
        else:
            rowid = row[0]
            db.execute(f"UPDATE posts SET {', '.join(f'{c}=?' for c in POST_COLUMNS)} "
                       "WHERE rowid=?", (*values, rowid))
            db.execute("DELETE FROM posts_fts WHERE rowid = ?", (rowid,))
            self._delete_side_rows(db, post.id)
            result.updated += 1
        db.execute("INSERT INTO posts_fts (rowid, search_text) VALUES (?, ?)",
                   (rowid, index_text(post)))
        self._insert_side_rows(db, post)

    def get_posts(self, ids: Iterable[str]) -> list[Post]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Post] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            rows = self._select(f"SELECT doc FROM posts WHERE id IN ({','.join('?' * len(chunk))})",
                                chunk)
            found.update((p.id, p) for p in (Post.model_validate_json(r[0]) for r in rows))
        return [found[i] for i in wanted if i in found]

    def search(self, flt: PostFilter, size: int = 20, cursor: str | None = None) -> SearchPage:
        where, args = self._where(flt)
        total = self._select(f"SELECT count(*) FROM posts p{where}", args)[0][0]
        page_where, page_args = where, list(args)
        if cursor:
            created, last_id = decode_cursor(cursor)
            page_where += (" AND " if where else " WHERE ") + \
                "(p.created_us < ? OR (p.created_us = ? AND p.id > ?))"
            page_args += [_us(created), _us(created), last_id]
        rows = self._select(f"SELECT doc FROM posts p{page_where} "
                            f"ORDER BY p.created_us DESC, p.id ASC LIMIT ?", [*page_args, size + 1])
        posts = [Post.model_validate_json(r[0]) for r in rows[:size]]
        more = len(rows) > size
        return SearchPage(total=total, posts=posts,
                          next_cursor=encode_cursor(posts[-1].created_at, posts[-1].id)
                          if more else None)

    def count(self, flt: PostFilter) -> int:
        where, args = self._where(flt)
        return self._select(f"SELECT count(*) FROM posts p{where}", args)[0][0]

    def aggregate(self, flt: PostFilter, interval: Interval = "day", top: int = 10,
                  label_threshold: float = DEFAULT_LABEL_THRESHOLD,
                  sections: Iterable[Section] | None = None) -> Aggregations:
        """The filter is evaluated once, into a temporary table of the matching posts' grouped
        and summed columns; every count asked for then reads that table and the side tables
        (clustered by post id), never the documents. The lock keeps the table to this call."""
        asked = sections_asked(sections)
        where, args = self._where(flt)
        metrics = "".join(f", p.{metric}" for metric in ENGAGEMENT_METRICS)
        with self._lock:
            self.db.execute("DROP TABLE IF EXISTS temp.matched")
            self.db.execute("CREATE TEMP TABLE matched AS SELECT p.id, p.created_us, "
                            f"p.sentiment, p.author_id, p.source, p.lang{metrics} "
                            f"FROM posts p{where}", args)
            try:
                found = self._aggregate_matched(interval, top, label_threshold, asked)
            finally:
                self.db.execute("DROP TABLE temp.matched")
        return Aggregations(**{k: v for k, v in found.items() if k in asked or k == "total"},
                            min_relevance=flt.min_relevance, label_threshold=label_threshold)

    def _intervals(self, interval: Interval) -> tuple[Counter[datetime], dict[datetime, dict]]:
        """Posts and summed engagement metrics per interval start, grouped in SQL: the start
        is the floor of the time to the interval's width in microseconds (weeks shifted to
        start on Monday; floored, not truncated, so a time before 1970 lands right too)."""
        width, offset = BUCKET_US[interval]
        shifted = f"(created_us + {offset})"
        start = f"{shifted} - (({shifted} % {width}) + {width}) % {width} - {offset}"
        sums = ", ".join(f"total({metric})" for metric in ENGAGEMENT_METRICS)
        volume: Counter[datetime] = Counter()
        summed: dict[datetime, dict] = {}
        for start_us, posts, *totals in self._select(
                f"SELECT {start} AS b, count(*), {sums} FROM matched GROUP BY b"):
            moment = _from_us(start_us)
            volume[moment] = posts
            summed[moment] = dict(zip(ENGAGEMENT_METRICS, map(round, totals), strict=True))
        return volume, summed

    def _aggregate_matched(self, interval: Interval, top: int, label_threshold: float,
                           asked: frozenset[str]) -> dict[str, Any]:
        """The sections in ``asked`` (and ``total``) as ``Aggregations`` fields."""
        def grouped(column: str, limit: int | None = None) -> list[tuple[str, int]]:
            sql = (f"SELECT {column}, count(*) AS n FROM matched WHERE {column} IS NOT NULL "
                   f"GROUP BY {column} ORDER BY n DESC, {column} ASC")
            return self._select(sql + (f" LIMIT {int(limit)}" if limit else ""))

        def side(table: str, keys: str, *, count: str = "count(*)", where: str = "",
                 args: Iterable[Any] = (), limit: int | None = top) -> list[tuple]:
            """``keys`` of side ``table`` (alias ``s``) over the matching posts, each with its
            ``count`` of rows (one row per post and fact, so ``count(*)`` counts posts), most
            first by the last expression of ``count``."""
            # CROSS JOIN keeps SQLite from scanning the whole side table in key order and
            # probing the matches (3x slower at 1M posts): it reads the matches' rows only
            sql = (f"SELECT {keys}, {count} AS n FROM matched m CROSS JOIN {table} s "
                   f"ON s.post_id = m.id{' WHERE ' + where if where else ''} "
                   f"GROUP BY {keys} ORDER BY n DESC, {keys}")
            return self._select(sql + (f" LIMIT {int(limit)}" if limit else ""), args)

        found: dict[str, Any] = {"total": self._select("SELECT count(*) FROM matched")[0][0]}
        if asked & {"volume", "engagement"}:
            volume, summed = self._intervals(interval)
            found["volume"] = volume_buckets(volume, interval)
            found["engagement"] = engagement_buckets(volume, summed, interval)
        for name, column in (("sentiment", "sentiment"), ("sources", "source"),
                             ("langs", "lang")):
            if name in asked:
                found[name] = ranked(grouped(column))
        if "authors" in asked:
            found["authors"] = ranked(grouped("author_id", top))
        if "hashtags" in asked:
            found["hashtags"] = ranked(side("post_hashtags", "s.tag"))
        if "aspects" in asked:
            aspects = side("post_aspects", "s.aspect", count="count(DISTINCT s.post_id)")
            feelings = side("post_aspects", "s.aspect, s.sentiment", limit=None,
                            where=f"s.aspect IN ({','.join('?' * len(aspects))})",
                            args=[a for a, _ in aspects]) if aspects else []
            found["aspects"] = aspect_buckets(aspects, feelings, top)
        if asked & {"images", "image_labels"}:
            images = self._select("SELECT count(*) FROM (SELECT DISTINCT s.post_id, s.image "
                                  "FROM matched m JOIN post_image_labels s ON "
                                  "s.post_id = m.id)")[0][0]
            found["images"] = images
            if "image_labels" in asked:
                # a label row holds the image's best score for it: rows at or above the
                # threshold are the images showing it
                labels = [(label, shown, posts) for label, posts, shown in side(
                    "post_image_labels", "s.label", count="count(DISTINCT s.post_id), count(*)",
                    where="s.score >= ?", args=[label_threshold])]
                found["image_labels"] = image_label_buckets(
                    images, labels, self._label_hashtags(labels, label_threshold), top)
        if "hashtag_pairs" in asked:
            found["hashtag_pairs"] = pair_buckets(side("post_hashtag_pairs", "s.a, s.b"), top)
        if "keywords" in asked:
            found["keywords"] = ranked(side("post_keywords", "s.keyword"))
        if "entities" in asked:
            found["entities"] = entity_buckets(side("post_entities", "s.text, s.label"), top)
        return found

    def _label_hashtags(self, labels: list[tuple[str, int, int]],
                        threshold: float) -> dict[str, list[tuple[str, int]]]:
        """Per image label, the hashtags of the matching posts holding an image showing it."""
        found: dict[str, list[tuple[str, int]]] = {}
        if not labels:
            return found
        names = [label for label, _, _ in labels]
        for label, tag, count in self._select(
                "SELECT x.label, h.tag, count(*) FROM (SELECT DISTINCT s.post_id, s.label FROM "
                "matched m JOIN post_image_labels s ON s.post_id = m.id WHERE s.score >= ? AND "
                f"s.label IN ({','.join('?' * len(names))})) x "
                "JOIN post_hashtags h ON h.post_id = x.post_id GROUP BY x.label, h.tag",
                [threshold, *names]):
            found.setdefault(label, []).append((tag, count))
        return found

    def export(self, flt: PostFilter, batch_size: int = 500) -> Iterator[Post]:
        """Reads inside one transaction on its own connection: a WAL snapshot."""
        where, args = self._where(flt)
        db = self._connect()
        try:
            db.execute("BEGIN")
            rows = db.execute(f"SELECT doc FROM posts p{where}", args)
            while batch := rows.fetchmany(batch_size):
                yield from (Post.model_validate_json(r[0]) for r in batch)
            db.execute("COMMIT")
        finally:
            db.close()

    def delete_author(self, author_id: str) -> int:
        with self._lock:
            db = self.db
            db.execute("BEGIN IMMEDIATE")
            try:
                rows = db.execute("SELECT rowid, id FROM posts WHERE author_id = ?",
                                  (author_id,)).fetchall()
                for rowid, post_id in rows:
                    db.execute("DELETE FROM posts_fts WHERE rowid = ?", (rowid,))
                    self._delete_side_rows(db, post_id)
                db.execute("DELETE FROM posts WHERE author_id = ?", (author_id,))
                db.execute("DELETE FROM authors WHERE id = ?", (author_id,))
                self._delete_author_rows(db, author_id)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return len(rows)

    # -- duplicate lookups (DuplicateIndex) ------------------------------------------------
    def find_content_hashes(self, campaign_id: str, hashes: Iterable[str]) -> dict[str, str]:
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            rows = self._select(
                "SELECT p.content_hash, p.id FROM posts p JOIN post_campaigns c "
                "ON c.post_id = p.id AND c.campaign_id = ? WHERE p.duplicate_of IS NULL AND "
                f"p.content_hash IN ({','.join('?' * len(chunk))}) "
                "ORDER BY p.created_us ASC, p.id ASC", [campaign_id, *chunk])
            for digest, post_id in rows:
                found.setdefault(digest, post_id)
        return found

    def find_near_duplicates(self, campaign_id: str, band_keys: Iterable[str],
                             limit: int = 1000) -> list[BandMatch]:
        wanted = list(dict.fromkeys(band_keys))
        shared: Counter[str] = Counter()
        created: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            # CROSS JOIN fixes the join order: from the few posts holding a band to their
            # campaigns, never from every post of the campaign to its bands.
            for post_id, created_us, count in self._select(
                    "SELECT p.id, p.created_us, count(*) FROM post_bands b "
                    "CROSS JOIN posts p ON p.id = b.post_id AND p.duplicate_of IS NULL "
                    f"WHERE b.band IN ({','.join('?' * len(chunk))}) AND EXISTS (SELECT 1 "
                    "FROM post_campaigns c WHERE c.post_id = p.id AND c.campaign_id = ?) "
                    "GROUP BY p.id", [*chunk, campaign_id]):
                shared[post_id] += count
                created[post_id] = created_us
        best = sorted(shared, key=lambda i: (-shared[i], created[i], i))[:limit]
        bands: dict[str, list[str]] = {}
        for start in range(0, len(best), 500):
            chunk = best[start:start + 500]
            bands.update((post_id, json.loads(found)) for post_id, found in self._select(
                "SELECT id, json_extract(doc, '$.minhash_bands') FROM posts WHERE id IN "
                f"({','.join('?' * len(chunk))})", chunk))
        return [BandMatch(id=i, created_at=_from_us(created[i]), minhash_bands=bands[i])
                for i in best]

    def find_near_images(self, campaign_id: str, chunk_keys: Iterable[str],
                         limit: int = 1000) -> list[ImageRef]:
        wanted = list(dict.fromkeys(chunk_keys))
        shared: Counter[ImageRef] = Counter()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            # CROSS JOIN: from the few images holding a key to their posts, as for bands
            for post_id, image, created_us, phash, colour, count in self._select(
                    "SELECT k.post_id, k.image, p.created_us, k.phash, k.colour, count(*) "
                    "FROM post_image_keys k CROSS JOIN posts p ON p.id = k.post_id "
                    f"WHERE k.key IN ({','.join('?' * len(chunk))}) AND EXISTS (SELECT 1 "
                    "FROM post_campaigns c WHERE c.post_id = p.id AND c.campaign_id = ?) "
                    "GROUP BY k.post_id, k.image", [*chunk, campaign_id]):
                shared[ImageRef(media_key(post_id, image), post_id, _from_us(created_us),
                                phash, colour)] += count
        return best_images(shared, limit)

    # -- authors (AuthorStore) and campaigns (CampaignCatalog) -----------------------------
    def upsert_authors(self, authors: Iterable[Author]) -> UpsertResult:
        """Read, merge and write in one transaction: no other writer comes between."""
        batch = fold_authors(authors)
        result = UpsertResult()
        with self._lock:
            db = self.db
            db.execute("BEGIN IMMEDIATE")
            try:
                stored = self._read_authors(db, list(batch))
                for author_id, author in batch.items():
                    found = stored.get(author_id)
                    if found is None:
                        db.execute("INSERT INTO authors (id, doc) VALUES (?, ?)",
                                   (author_id, author.model_dump_json()))
                        result.created += 1
                    else:
                        result.updated += 1
                        author = merge_author(found, author)
                        if author is found:
                            continue  # nothing new: no write
                        db.execute("UPDATE authors SET doc = ? WHERE id = ?",
                                   (author.model_dump_json(), author_id))
                        self._delete_author_rows(db, author_id)
                    self._insert_author_rows(db, author)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return result

    @staticmethod
    def _read_authors(db: sqlite3.Connection, ids: list[str]) -> dict[str, Author]:
        found: dict[str, Author] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = db.execute(f"SELECT doc FROM authors WHERE id IN ({_marks(chunk)})", chunk)
            found.update((a.id, a) for a in (Author.model_validate_json(r[0]) for r in rows))
        return found

    def get_author(self, author_id: str) -> Author | None:
        rows = self._select("SELECT doc FROM authors WHERE id = ?", (author_id,))
        return Author.model_validate_json(rows[0][0]) if rows else None

    def get_authors(self, ids: Iterable[str]) -> list[Author]:
        wanted = list(dict.fromkeys(ids))
        with self._lock:
            found = self._read_authors(self.db, wanted)
        return [found[i] for i in wanted if i in found]

    def campaign_authors(self, campaign_id: str, batch_size: int = 500) -> Iterator[Author]:
        """Keyset pages over the (campaign, author) index: each page a short read, so the
        lock is not held while the caller works through a page."""
        after = ""
        while True:
            rows = self._select(
                "SELECT a.id, a.doc FROM author_campaigns c JOIN authors a ON a.id = c.author_id "
                "WHERE c.campaign_id = ? AND c.author_id > ? ORDER BY c.author_id LIMIT ?",
                (campaign_id, after, batch_size))
            yield from (Author.model_validate_json(doc) for _, doc in rows)
            if len(rows) < batch_size:
                return
            after = rows[-1][0]

    def find_authors_by_url(self, urls: Iterable[str]) -> list[Author]:
        links = list(dict.fromkeys(link for link in map(profile_url, urls) if link))
        ids: set[str] = set()
        for start in range(0, len(links), 500):
            chunk = links[start:start + 500]
            ids.update(r[0] for r in self._select(
                f"SELECT author_id FROM author_links WHERE link IN ({_marks(chunk)})", chunk))
        return self.get_authors(sorted(ids))

    def save_campaign(self, campaign: Campaign) -> None:
        with self._lock:
            self.db.execute("INSERT OR REPLACE INTO campaigns VALUES (?, ?)",
                            (campaign.id, campaign.model_dump_json()))

    def get_campaign(self, campaign_id: str) -> Campaign | None:
        rows = self._select("SELECT doc FROM campaigns WHERE id = ?", (campaign_id,))
        return Campaign.model_validate_json(rows[0][0]) if rows else None

    def list_campaigns(self) -> list[Campaign]:
        return [Campaign.model_validate_json(r[0])
                for r in self._select("SELECT doc FROM campaigns ORDER BY id")]

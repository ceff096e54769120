"""Where the crawl's batches go. Every sink is idempotent by id, which is what makes a killed
and restarted crawl safe: re-crawled posts and profiles are sent again and change nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

from scrapy.utils.misc import load_object


class Sink(Protocol):
    def send(self, posts: list[dict[str, Any]]) -> str | None:
        """Hand over one batch of posts; returns a receipt (a task id) when there is one."""

    def send_authors(self, authors: list[dict[str, Any]]) -> str | None:
        """Hand over one batch of author profiles (author/follower mode)."""

    def close(self) -> None: ...


class JsonlFile:
    """Appends records to a JSON lines file, skipping ids already in it."""

    def __init__(self, path: Path):
        self.path = path
        self.seen: set[str] = set()
        if path.exists():
            with path.open(encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    try:
                        self.seen.add(json.loads(line)["id"])
                    except (ValueError, KeyError, TypeError):
                        continue  # a line torn by a kill mid-write: its record is re-sent
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = path.open("a", encoding="utf-8")
        if path.stat().st_size and not self._ends_with_newline():
            self.fh.write("\n")  # never glue a new line onto a torn one

    def _ends_with_newline(self) -> bool:
        with self.path.open("rb") as fh:
            fh.seek(-1, 2)
            return fh.read(1) == b"\n"

    def write(self, records: list[dict[str, Any]]) -> None:
        for record in records:
            if record["id"] not in self.seen:
                self.fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                self.seen.add(record["id"])
        self.fh.flush()

    def close(self) -> None:
        self.fh.close()


def authors_path(posts_path: Path) -> Path:
    """Where ``sensing crawl --out posts.jsonl`` puts author profiles: posts.authors.jsonl."""
    return posts_path.with_name(f"{posts_path.stem}.authors.jsonl")


class JsonlSink:
    """Posts to one JSON lines file; author profiles, if any, to :func:`authors_path` of it."""

    def __init__(self, path: Path):
        self.posts = JsonlFile(path)
        self.authors: JsonlFile | None = None

    def send(self, posts: list[dict[str, Any]]) -> None:
        self.posts.write(posts)

    def send_authors(self, authors: list[dict[str, Any]]) -> None:
        if self.authors is None:
            self.authors = JsonlFile(authors_path(self.posts.path))
        self.authors.write(authors)

    def close(self) -> None:
        self.posts.close()
        if self.authors is not None:
            self.authors.close()


def open_sink(spec: str, campaign_id: str | None) -> Sink:
    """The sink ``spec`` names: ``jsonl:<path>`` (``sensing crawl --out``), or the dotted path
    of a sink class built with the campaign id, Scrapy style (``SENSING_CRAWL_SINK``; the
    deployment's default is ``workers.crawl_sink.CelerySink``, so the crawler never imports
    the workers)."""
    if spec.startswith("jsonl:"):
        return JsonlSink(Path(spec.removeprefix("jsonl:")))
    try:
        sink_class = load_object(spec)
    except (ValueError, ImportError, NameError) as exc:
        raise ValueError(f"unknown crawl sink {spec!r}: use 'jsonl:<path>' or the dotted path "
                         f"of a sink class ({exc})") from None
    return sink_class(campaign_id)

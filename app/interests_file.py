"""``sensing interests``: interest shares of the authors in a JSON lines file, with no services.

Each line is an ``Author`` document (a crawl's author mode writes them, or any export); it is
written back with ``interests`` and ``interest_model``, through the same pipeline step as the
``classify_authors`` task. Lines are read as bytes, so broken UTF-8, malformed JSON or a
document that is not an author is one rejected line (reported with its number) and the rest of
the batch is still classified.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from analysis.pipeline import BatchContext, build_pipeline
from app.analyze_file import _batches
from sensing.config import Settings
from sensing.schemas import Author

BATCH = 64


def parse_author(line: bytes) -> Author:
    """One line as an Author, or a ValueError saying what is wrong with it."""
    try:
        document = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(document, dict):
        raise ValueError(f"not an author document (a JSON {type(document).__name__})")
    try:
        return Author.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "document"
        raise ValueError(f"not an author: {where}: {first['msg']}") from None


def interests_file(in_path: Path, out_path: Path, *, settings: Settings, console: Console
                   ) -> dict[str, Any]:
    """Classify the authors of ``in_path`` into ``out_path``; returns totals."""
    pipeline = build_pipeline([{"step": "interests"}], settings)
    totals = {"received": 0, "classified": 0, "too_little_text": 0, "rejected": 0,
              "problems": 0}
    size = in_path.stat().st_size or 1
    columns = (TextColumn("classifying"), BarColumn(), TextColumn("{task.fields[n]} authors"),
               TimeRemainingColumn())
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", encoding="utf-8") as out, \
            Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("classify", total=size, n=0)
        for first, lines, read in _batches(in_path, BATCH):
            authors = []
            for number, line in enumerate(lines, start=first):
                if not line.strip():
                    continue
                totals["received"] += 1
                try:
                    authors.append(parse_author(line))
                except ValueError as exc:
                    totals["rejected"] += 1
                    console.print(f"[yellow]line {number}[/yellow]: {exc}", highlight=False)
            ctx = BatchContext()
            for author in pipeline.run(authors, ctx):
                out.write(author.model_dump_json() + "\n")
                totals["classified"] += author.id not in ctx.failed
                totals["too_little_text"] += author.id not in ctx.failed and not author.interests
            for problem in ctx.problems:
                console.print(f"[yellow]problem:[/yellow] {problem}", highlight=False)
            totals["problems"] += len(ctx.problems)
            progress.update(task, completed=read, n=totals["classified"])
    totals["out"] = str(out_path)
    return totals

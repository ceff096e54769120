"""``sensing analyze``: the analysis pipeline over a JSON lines file, with no services.

The file is read as bytes, line by line, so a line of broken UTF-8 or malformed JSON is one
rejected record (reported with its line number) and never the end of the run. Batches go
through the same :func:`workers.analysis.analyze_records` as the Celery task.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from analysis.pipeline import DEFAULT_PIPELINE, build_pipeline
from sensing.config import Settings
from sensing.schemas import Campaign


def _batches(path: Path, size: int) -> Iterator[tuple[int, list[bytes], int]]:
    """(first line number, raw lines, bytes read so far) per batch of ``size`` lines."""
    batch: list[bytes] = []
    first = 1
    read = 0
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            read += len(line)
            if not batch:
                first = number
            batch.append(line)
            if len(batch) >= size:
                yield first, batch, read
                batch = []
        if batch:
            yield first, batch, read


def analyze_file(in_path: Path, out_path: Path, *, settings: Settings,
                 campaign: Campaign | None, console: Console) -> dict[str, Any]:
    """Analyse ``in_path`` into ``out_path``; returns totals. Exact and near duplicates are
    found across the whole file, not only within a batch: the first post seen with a content
    hash, or the earliest original seen sharing a MinHash band, is the one later copies point
    to; images likewise, by the pHash chunk keys a store indexes original images under."""
    from sensing.schemas import ImageRef
    from sensing.store._common import original_images
    from sensing.store.base import BandMatch
    from workers.analysis import analyze_records

    pipeline = build_pipeline(DEFAULT_PIPELINE, settings)
    seen: dict[str, str] = {}
    banded: dict[str, list[BandMatch]] = defaultdict(list)

    def near_candidates(bands: list[str]) -> list[BandMatch]:
        found = {match.id: match for band in bands for match in banded.get(band, ())}
        return sorted(found.values(), key=lambda match: (match.created_at, match.id))

    imaged: dict[str, list[ImageRef]] = defaultdict(list)

    def known_images(keys: list[str]) -> list[ImageRef]:
        return list(dict.fromkeys(ref for key in keys for ref in imaged.get(key, ())))

    totals = {"received": 0, "analysed": 0, "rejected": 0, "duplicates": 0, "problems": 0}
    size = in_path.stat().st_size or 1
    columns = (TextColumn("analysing"), BarColumn(), TextColumn("{task.fields[posts]} posts"),
               TimeRemainingColumn())
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", encoding="utf-8") as out, \
            Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("analyse", total=size, posts=0)
        for first, lines, read in _batches(in_path, settings.analyze_batch_size):
            result = analyze_records(
                lines, pipeline, campaign=campaign, max_text_bytes=settings.max_post_bytes,
                known_hashes=lambda hashes: {h: seen[h] for h in hashes if h in seen},
                near_candidates=near_candidates, known_images=known_images)
            for post in result.posts:
                if post.content_hash and post.duplicate_of is None:
                    seen.setdefault(post.content_hash, post.id)
                match = BandMatch(id=post.id, created_at=post.created_at,
                                  minhash_bands=post.minhash_bands)
                for band in post.minhash_bands:
                    banded[band].append(match)
                for image in original_images(post):
                    for key in image.keys:
                        imaged[key].append(image.ref)
                out.write(post.model_dump_json(exclude_none=False) + "\n")
            for rejection in result.rejected:
                console.print(f"[yellow]line {first + rejection.position - 1}[/yellow]"
                              f"{f' ({rejection.post_id})' if rejection.post_id else ''}: "
                              f"{rejection.reason}", highlight=False)
            for problem in result.problems:
                console.print(f"[yellow]problem:[/yellow] {problem}", highlight=False)
            summary = result.summary()
            for key in totals:
                totals[key] += (len(result.problems) if key == "problems" else summary[key])
            progress.update(task, completed=read, posts=totals["analysed"])
    totals["out"] = str(out_path)
    return totals

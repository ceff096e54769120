"""Crawl processes as the tests drive them: started as ``run_crawl`` starts them, and killed
part-way, as a crash or an operator's ``kill -9`` would."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from crawlers.run import settings_env
from sensing.config import Settings


def kill_midway(source: str, *, query: str, out: Path, settings: Settings, after: int,
                base_url: str | None = None, options: dict[str, Any] | None = None,
                campaign_id: str = "x2", timeout: float = 60) -> int:
    """Start ``source``'s crawl process writing posts to ``out``, SIGKILL it once ``after``
    lines are written (or after ``timeout`` seconds), and return the lines it had written.
    The caller slows the server down first, so that the kill lands mid-crawl."""
    cmd = [sys.executable, "-m", "crawlers.runner", source, "--query", query,
           "--campaign-id", campaign_id, "--sink", f"jsonl:{out}",
           "--stats-file", str(out.with_suffix(".stats.json"))]
    if base_url:
        cmd += ["--base-url", base_url]
    if options:
        cmd += ["--options", json.dumps(options)]
    child = subprocess.Popen(cmd, env={**os.environ, **settings_env(settings)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while (not out.exists() or len(out.read_bytes().splitlines()) < after) \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    return len(out.read_bytes().splitlines())

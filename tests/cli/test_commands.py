"""The public commands, run as a user runs them: as processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from samples.server import start_sample_server

REPO = Path(__file__).resolve().parents[2]


def sensing(*args: str, cwd: Path, timeout: float = 300, data_dir: Path | None = None
            ) -> subprocess.CompletedProcess[str]:
    """``sensing ARGS`` in a fresh folder (the checkout importable, installed or not), its
    data directory ``cwd/data`` unless told."""
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "SENSING_DATA_DIR": str(data_dir or cwd / "data"), "COLUMNS": "200",
           "PYTHONPATH": path}
    with subprocess.Popen([sys.executable, "-m", "app.cli", *args], cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as run:
        try:
            stdout, stderr = run.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            run.send_signal(signal.SIGUSR1)  # the command prints every thread's stack
            time.sleep(3)
            run.kill()
            stdout, stderr = run.communicate()
            pytest.fail(f"sensing {' '.join(args)} ran past {timeout:.0f} s; its stacks:\n"
                        f"{stderr[-20000:]}")
    return subprocess.CompletedProcess(run.args, run.returncode, stdout, stderr)


def good_line(n: int, text: str) -> bytes:
    return json.dumps({"id": f"mastodon:x/{n}", "source": "mastodon",
                       "created_at": "2026-10-16T10:00:00Z", "author": {"id": "mastodon:x/a"},
                       "raw_text": text}, ensure_ascii=False).encode() + b"\n"


def test_crawl_then_analyze_files(tmp_path: Path) -> None:
    server, base_url = start_sample_server()
    try:
        crawled = sensing("crawl", "mastodon", "--query", "노바루미나 OR luminax2", "--base-url",
                          base_url, "--out", str(tmp_path / "posts.jsonl"), cwd=tmp_path)
    finally:
        server.shutdown()
    assert crawled.returncode == 0, crawled.stderr
    assert "posts written to" in crawled.stderr
    lines = (tmp_path / "posts.jsonl").read_text().splitlines()
    assert len(lines) > 50

    analysed = sensing("analyze", "--in", str(tmp_path / "posts.jsonl"), "--out",
                       str(tmp_path / "analysed.jsonl"), cwd=tmp_path)
    assert analysed.returncode == 0, analysed.stderr
    posts = [json.loads(line) for line in (tmp_path / "analysed.jsonl").read_text().splitlines()]
    assert len(posts) == len(lines)
    assert all(p["sentiment"] and p["pipeline"]["steps"] for p in posts)
    assert {p["lang"] for p in posts} >= {"ko", "en"}
    # every step ran on every post, models included, whatever the working directory
    default_steps = {"clean", "hashtags", "langid", "dedupe", "spam", "relevance", "sentiment",
                     "aspects", "entities", "media"}
    assert all(set(p["pipeline"]["steps"]) == default_steps for p in posts)
    assert all(p["keywords"] for p in posts if p["duplicate_of"] is None)
    assert any(p["aspects"] for p in posts) and any(p["duplicate_of"] for p in posts)
    # the sample server is gone: its images are refused with a reason, never lost
    assert all(m["error"] for p in posts for m in p["media"])


def test_analyze_reports_bad_lines_and_keeps_the_rest(tmp_path: Path) -> None:
    source = tmp_path / "mixed.jsonl"
    source.write_bytes(b"".join([
        good_line(1, "The camera is great"),
        b'{"id": "mastodon:x/2", "source": \n',                 # malformed JSON
        good_line(3, "ok")[:-2] + b"\xff\xfe\"}\n",              # invalid UTF-8
        good_line(4, "x" * 1_000_000),                           # a 1 MB post
        b'{"id": "mastodon:x/5", "source": "mastodon"}\n',     # missing fields
        good_line(6, "Battery is awful"),
    ]))
    done = sensing("analyze", "--in", str(source), "--out", str(tmp_path / "out.jsonl"),
                   cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [p["id"] for p in out] == ["mastodon:x/1", "mastodon:x/6"]
    report = done.stderr
    assert "line 2: malformed JSON" in report
    assert "line 3: invalid UTF-8" in report
    assert "line 4 (mastodon:x/4): raw_text is 1,000,0" in report
    assert "line 5 (mastodon:x/5): invalid post" in report


def test_a_bad_query_is_refused_with_its_position(tmp_path: Path) -> None:
    done = sensing("crawl", "mastodon", "--query", "nova AND (", "--out",
                   str(tmp_path / "o.jsonl"), cwd=tmp_path)
    assert done.returncode == 2
    assert "bad query" in done.stderr and "^" in done.stderr


def test_a_malformed_labelled_set_is_refused_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "set.jsonl"
    broken.write_text('{"id": "1", "text": "fine", "group": "a"}\n{"id": 2\n')
    done = sensing("eval", "dedupe", "--set", str(broken), cwd=tmp_path)
    assert done.returncode == 2
    assert f"{broken}:2: not a {{id, text, group}} object" in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr


def test_the_demo_runs_a_campaign_end_to_end(tmp_path: Path) -> None:
    done = sensing("demo", "--no-serve", "--port", "0", "--data-dir", str(tmp_path / "demo"),
                   cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    table: dict[str, str] = {}
    key = ""
    for line in done.stderr.splitlines():
        cells = [c.strip() for c in line.strip("│┃| ").split("│")]
        if len(cells) == 2 and cells[0]:
            key = cells[0]
            table[key] = cells[1]
        elif len(cells) == 2 and key:  # a wrapped cell goes on below its row
            table[key] += f" {cells[1]}"
    assert int(table["posts collected"]) > 500
    per_source = dict(pair.rsplit(" ", 1) for pair in table["per source"].split(", "))
    assert set(per_source) == {"mastodon", "bluesky", "youtube", "reddit", "rss", "forum"}
    assert all(int(n) > 0 for n in per_source.values())
    assert int(table["author profiles (influencers + followers)"]) > 20
    assert int(table["posts analysed"]) == int(table["posts collected"])
    assert int(table["posts indexed"]) == int(table["posts in the store"]) > 200
    assert int(table["search 'camera' (4 languages)"].split()[0]) > 0
    [report] = (tmp_path / "demo" / "reports" / "nova-lumina-x2").glob("*/report.pdf")
    assert (report.parent / "report.html").exists() and (report.parent / "report.json").exists()
    # the top influencers, with what their followers care about, and the audience table
    ranking = done.stderr[done.stderr.index("Top influencers"):]
    assert "@es_user44" in ranking and "Technology" in ranking
    audience = done.stderr[done.stderr.index("Audience interests"):]
    assert "(n=" in audience and "Fashion & beauty" in audience
    # the sample customers, scored and segmented into the campaign: the targeting table
    assert table["customers scored and segmented"].startswith("50,000 in ")
    targeting = done.stderr[done.stderr.index("targeting at propensity >= 0.3"):]
    assert "Seg1" in targeting and "Target count" in targeting and "test AUC" in targeting
    # the campaign plan, printed, and from the store the demo leaves, as JSON
    shown = done.stderr[done.stderr.index("Campaign plan for nova-lumina-x2"):]
    for part in ("targets", "emphasise", "influencer", "channel", "timing"):
        assert part in shown, part
    # the journeys, attributed: the channel that converts best in the sample comes first
    attributed = done.stderr[done.stderr.index("last_non_direct attribution"):]
    assert "mastodon" in attributed and "ROI" in attributed
    assert int(table["journeys imported"].split()[0].replace(",", "")) > 10_000
    planned = sensing("plan", "nova-lumina-x2", "--json", cwd=tmp_path,
                      data_dir=tmp_path / "demo")
    assert planned.returncode == 0, planned.stderr
    plan = json.loads(planned.stdout)
    assert plan["campaign"] == "nova-lumina-x2" and len(plan["segments"]) == 8
    first = plan["segments"][0]
    assert first["target_count"] > 0 and first["message"]["emphasise"]
    assert first["influencers"][0]["fit"] is not None
    assert first["timing"]["timezone"] == "Asia/Seoul" and first["timing"]["best"]
    # the journey export again, with a broken row added: nothing new, the row named
    export = tmp_path / "demo" / "customers" / "journeys.csv"
    export.write_bytes(export.read_bytes() + b"touch,C0000001,not-a-time,,,,,,,,\n")
    again = sensing("conversions", "import", str(export), "--campaign", "nova-lumina-x2",
                    cwd=tmp_path, data_dir=tmp_path / "demo")
    assert again.returncode == 0, again.stderr
    said = " ".join(again.stderr.split())
    assert " 0 new," in said and "1 refused" in said and "'not-a-time' is not ISO 8601" in said
    credited = sensing("conversions", "attribution", "nova-lumina-x2", "--model",
                       "position_based", "--json", cwd=tmp_path, data_dir=tmp_path / "demo")
    report = json.loads(credited.stdout)
    assert sum(Decimal(c["value"]) for c in report["credits"]) == Decimal(report["total_value"])
    unknown = sensing("conversions", "import", str(export), "--campaign", "nope",
                      cwd=tmp_path, data_dir=tmp_path / "demo")
    assert unknown.returncode == 2 and "no campaign 'nope'" in unknown.stderr
    # a report now, archived beside the scheduled ones
    made = sensing("report", "nova-lumina-x2", cwd=tmp_path, data_dir=tmp_path / "demo")
    assert made.returncode == 0, made.stderr
    files = dict(line.split(": ", 1) for line in made.stdout.splitlines())
    assert set(files) == {"json", "html", "pdf"} and all(Path(f).is_file() for f in files.values())
    assert Path(files["pdf"]).read_bytes().startswith(b"%PDF")
    assert "reports/nova-lumina-x2/nova-lumina-x2-on_demand-" in files["html"]

"""``sensing interests -i AUTHORS.jsonl -o OUT.jsonl``, run as a user runs it: bad lines are
reported by number and skipped, every readable author is written back with its interests
and the classifier that made them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_commands import sensing

WHEN = "2026-10-01T00:00:00Z"


def author(n: int, bio: str, *posts: str) -> bytes:
    return json.dumps({"id": f"mastodon:x/{n}", "source": "mastodon", "bio": bio,
                       "recent_posts": [{"id": f"{n}-{i}", "created_at": WHEN, "text": text}
                                        for i, text in enumerate(posts)]},
                      ensure_ascii=False).encode() + b"\n"


def test_interests_are_written_and_bad_lines_reported(tmp_path: Path) -> None:
    (tmp_path / "authors.jsonl").write_bytes(b"".join([
        author(1, "축구 보는 게 낙", "어제 손흥민 골 장면 몇 번을 돌려봤는지 모름 ⚽",
               "주말 K리그 직관 다녀옴, 응원가 아직도 귀에 맴돌아"),
        b'{"id": "mastodon:x/2", "source": \n',
        b"\xff\xfe not utf-8\n",
        b'{"id": "mastodon:x/3"}\n',
        author(4, "", "lol"),
    ]))
    done = sensing("interests", "-i", str(tmp_path / "authors.jsonl"),
                   "-o", str(tmp_path / "out.jsonl"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "line 2: not JSON" in done.stderr
    assert "line 3: not UTF-8" in done.stderr
    assert "line 4: not an author: source: Field required" in done.stderr
    written = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    fan, quiet = written
    assert fan["interests"][0]["category"] == "sports"
    assert fan["interests"][0]["subcategory"] == "football"
    assert abs(sum(i["share"] for i in fan["interests"]) - 1) < 0.01
    assert fan["interest_model"].startswith("interests-e5-zeroshot@")
    assert (quiet["interests"], quiet["interest_model"]) == ([], fan["interest_model"])
    totals = json.loads(done.stderr[done.stderr.index("{"):])
    assert (totals["received"], totals["classified"], totals["rejected"]) == (5, 2, 3)

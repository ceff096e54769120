"""What a newcomer's two commands do, read from make's own dry run (``make -n``), so the
README's promises stay true: ``make setup`` shows its progress instead of looking hung for
minutes, and ``make test`` runs the whole suite with the real services it needs started."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def dry_run(target: str, tmp_path: Path) -> list[str]:
    """The commands ``make TARGET`` would run on a fresh machine (a virtualenv that does not
    exist yet, so every setup step is listed)."""
    done = subprocess.run(["make", "-n", "-B", target, f"VENV={tmp_path / 'venv'}"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def test_setup_shows_what_it_installs_and_builds(tmp_path: Path) -> None:
    commands = dry_run("setup", tmp_path)
    installs = [c for c in commands if "pip install" in c]
    assert installs, commands
    assert not [c for c in installs if " -q" in c or "--quiet" in c], installs
    assert any("system-packages.sh" in c for c in commands), "npm, Tesseract, CJK fonts"
    assert any("sensing models build" in c for c in commands)


def test_the_test_command_starts_the_services_before_the_suite(tmp_path: Path) -> None:
    commands = dry_run("test", tmp_path)
    start = next(n for n, c in enumerate(commands) if "services.sh start" in c)
    suite = next(n for n, c in enumerate(commands) if "-m pytest" in c)
    assert any("services.sh install" in c for c in commands[:start])
    assert start < suite

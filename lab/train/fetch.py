"""Fetch the labelled corpora from package registries, by the registries' own clients.

There is no dataset hub on our machines, but three packages carry hand-labelled sentiment data
in their source archives: vaderSentiment (tweets and review/news snippets with mean human
ratings), the npm ``sentiment`` package (labelled review sentences in its test fixtures) and
EvoMSA (Spanish tweets in its tests). ``pip download`` and ``npm pack`` fetch exactly the
pinned archive; its sha256 is checked against the one recorded here, so a build trains on the
same bytes everywhere, and a file already present with the right hash is not fetched again.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


class FetchError(RuntimeError):
    """An archive could not be fetched or is not the one expected; the message says why."""


@dataclass(frozen=True)
class Archive:
    """One pinned source archive: how to get it and which bytes to expect."""

    name: str
    filename: str
    sha256: str
    command: tuple[str, ...]
    """The registry client's command; ``{dest}`` is replaced by the download folder."""
    licence: str
    """As stated in the archive (checked by reading it), for the model card."""


def _pip_sdist(requirement: str) -> tuple[str, ...]:
    return (sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary",
            ":all:", requirement, "--dest", "{dest}")


ARCHIVES: tuple[Archive, ...] = (
    Archive("vaderSentiment", "vaderSentiment-3.3.2.tar.gz",
            "5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9",
            _pip_sdist("vaderSentiment==3.3.2"), "MIT (LICENSE.txt, C.J. Hutto)"),
    Archive("sentiment (npm)", "sentiment-5.0.2.tgz",
            "89302eb03d2005d03b214fe65814bb48adb7d3c42c8ca80bdee6a3ecb7e4480f",
            ("npm", "pack", "--silent", "sentiment@5.0.2", "--pack-destination", "{dest}"),
            "MIT (LICENSE.md, Andrew Sliwinski)"),
    Archive("EvoMSA", "evomsa-2.0.14.tar.gz",
            "948955df920578c668d1c19cf7051f2034a1c968ced6275284d9082b8c6cd8c4",
            _pip_sdist("EvoMSA==2.0.14"), "Apache-2.0 (LICENSE)"),
)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(archive: Archive, data_dir: Path, say: Callable[[str], None] = print) -> Path:
    """``data_dir/archive.filename``, downloaded unless it is already there with the right hash.

    The download goes to a temporary folder first, so an interrupted fetch never leaves a
    partial file that looks finished."""
    target = data_dir / archive.filename
    if target.is_file() and sha256_of(target) == archive.sha256:
        return target
    tool = archive.command[0]
    if tool != sys.executable and shutil.which(tool) is None:
        raise FetchError(f"fetching {archive.name} needs `{tool}`, which is not installed "
                         f"(on Debian/Ubuntu: apt-get install -y {tool})")
    data_dir.mkdir(parents=True, exist_ok=True)
    say(f"fetching {archive.name} ({archive.filename})")
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".fetch-") as tmp:
        command = [part.replace("{dest}", tmp) for part in archive.command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        fetched = Path(tmp, archive.filename)
        if done.returncode != 0 or not fetched.is_file():
            detail = (done.stderr or done.stdout).strip()[-600:]
            raise FetchError(f"`{' '.join(command)}` did not produce {archive.filename} "
                             f"(exit {done.returncode}): {detail}")
        got = sha256_of(fetched)
        if got != archive.sha256:
            raise FetchError(f"{archive.filename} has sha256 {got}, expected {archive.sha256}: "
                             f"the registry served different bytes for a pinned version")
        fetched.replace(target)
    return target


def fetch_all(data_dir: Path, say: Callable[[str], None] = print) -> dict[str, Path]:
    """Every archive in :data:`ARCHIVES`, by file name."""
    return {a.filename: fetch(a, data_dir, say) for a in ARCHIVES}

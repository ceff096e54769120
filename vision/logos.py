"""Logo detection without a trained detector: the user registers logo images for a brand and
its competitors, and photos are searched for them with local features and geometric
verification.

For each registered logo, its keypoints (SIFT when the OpenCV wheel has it, else ORB) are
matched to the photo's with Lowe's ratio test; a homography is fitted to the matches with
RANSAC (OpenCV's MAGSAC++ variant), and the logo counts as found when enough matches agree
with it *and* the homography maps the logo to a plausible quadrilateral in the photo:
convex, orientation kept (a mirrored logo is not the logo), a sensible area, interior angles
that a perspective view can produce and an aspect not squashed beyond
``max_aspect_change``. Local features make this robust to scale, rotation, perspective and
partial occlusion; the geometric check is what keeps a few stray letter matches in
look-alike text from counting as the logo.

Features of each logo are computed once, at registration. A photo is reduced to
``max_side`` pixels (its corners are reported in the original image's pixels) and its
features are computed once per photo, whatever the number of logos.

Limits: one hit per registered logo image per photo (the ratio test discards the second of
two identical instances); logos with almost no texture (a plain disc) have too few
keypoints to be found; the brand's word alone in the wordmark's exact typeface and layout
would be found too (not measured): local features cannot tell a wordmark from the word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]

MIN_SIDE = 32
"""A photo or logo narrower than this (pixels) has nothing to match: no hit, not an error."""


ORB_ALL = 10_000
"""Keypoints ORB keeps from a logo: in effect all of them."""


class LogoOptions(BaseModel):
    """Thresholds of the detector. The defaults were measured on the generated test set
    (:mod:`lab.evals.logo_testset`, ``python -m lab.evals.logos``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    features: Literal["auto", "sift", "orb"] = Field(
        "auto", description="Local features: SIFT is more robust to scale and blur; ORB is "
        "faster and binary. 'auto' takes SIFT when the OpenCV build has it.")
    max_side: int = Field(1024, ge=MIN_SIDE, description="Photos are reduced to this long "
                          "side before matching: enough detail, bounded time.")
    logo_side: int = Field(400, ge=MIN_SIDE, description="Registered logos are resized to "
                           "this long side, so every logo has a comparable number of "
                           "features whatever file the user uploaded.")
    max_photo_features: int = Field(4000, ge=100, description="Keypoints kept per photo "
                                    "(the strongest): bounds matching time on busy photos.")
    sift_contrast: float = Field(0.01, gt=0, description="SIFT's contrast threshold: lower "
                                 "than OpenCV's 0.04, so low-contrast and dim photos (and "
                                 "small logos in them) still give keypoints.")
    ratio: float = Field(0.75, gt=0, lt=1, description="Lowe's ratio test: a match is kept "
                         "when its best distance is below ratio x the second best.")
    min_inliers: int = Field(12, ge=4, description="Matches that must agree with the "
                             "homography for a hit.")
    min_inlier_ratio: float = Field(0.25, ge=0, le=1, description="Share of the ratio-test "
                                    "matches that must agree with the homography.")
    reprojection_error: float = Field(5.0, gt=0, description="RANSAC inlier distance, in "
                                      "pixels of the reduced photo.")
    min_area: float = Field(0.002, ge=0, le=1, description="Smallest share of the photo "
                            "that the found logo may cover.")
    max_area: float = Field(1.5, gt=0, description="Largest share of the photo that the "
                            "found logo may cover (a logo cropped by the frame exceeds 1).")
    min_angle: float = Field(30.0, ge=0, lt=90, description="Smallest interior angle of "
                             "the found quadrilateral, in degrees: smaller ones come from "
                             "degenerate homographies, not from a view of a flat logo.")
    max_aspect_change: float = Field(3.0, ge=1, description="How much the found logo's "
                                     "aspect ratio may differ from the registered one's.")


@dataclass(frozen=True)
class LogoHit:
    """A registered logo found in a photo. ``score`` (0-1) is the share of ratio-test
    matches that agree with the homography; ``corners`` are the logo's top-left, top-right,
    bottom-right and bottom-left corners in the photo's pixels."""

    brand: str
    logo: str
    score: float
    inliers: int
    corners: Quad


@dataclass(frozen=True)
class _Logo:
    brand: str
    name: str
    size: tuple[int, int]
    keypoints: np.ndarray
    descriptors: np.ndarray


def _grey(image: Image.Image, max_side: int) -> tuple[np.ndarray, float]:
    """``image`` as 8-bit grey, transparency flattened on white, reduced to ``max_side``;
    returns the scale from the original to the reduced pixels."""
    if not isinstance(image, Image.Image):
        raise TypeError(f"expected a Pillow image, got {type(image).__name__}")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(flat, rgba)
    grey = np.asarray(image.convert("L"))
    scale = min(1.0, max_side / max(grey.shape))
    if scale < 1.0:
        size = (max(1, round(grey.shape[1] * scale)), max(1, round(grey.shape[0] * scale)))
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    return grey, scale


def _interior_angles(quad: np.ndarray) -> np.ndarray:
    """Interior angles (degrees) of a quadrilateral given as 4x2 points in order."""
    before = np.roll(quad, 1, axis=0) - quad
    after = np.roll(quad, -1, axis=0) - quad
    cos = (before * after).sum(axis=1) / (
        np.linalg.norm(before, axis=1) * np.linalg.norm(after, axis=1) + 1e-9)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def plausible_quad(quad: np.ndarray, logo_size: tuple[int, int], photo_size: tuple[int, int],
                   options: LogoOptions) -> bool:
    """Whether a logo of ``logo_size`` (w, h) can look like ``quad`` (4x2, in order) in a
    photo of ``photo_size``: the sanity checks on a homography (module docstring)."""
    if not np.isfinite(quad).all():
        return False
    contour = quad.astype(np.float32).reshape(-1, 1, 2)
    signed_area = cv2.contourArea(contour, oriented=True)
    # Image y points down, so a logo kept the right way round (not mirrored) runs clockwise
    # on screen, which OpenCV reports as a positive oriented area.
    if signed_area <= 0 or not cv2.isContourConvex(contour):
        return False
    share = signed_area / (photo_size[0] * photo_size[1])
    if not options.min_area <= share <= options.max_area:
        return False
    angles = _interior_angles(quad)
    if (angles < options.min_angle).any() or (angles > 180 - options.min_angle).any():
        return False
    sides = np.linalg.norm(np.roll(quad, -1, axis=0) - quad, axis=1)
    width, height = (sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2
    change = (width / height) / (logo_size[0] / logo_size[1])
    return 1 / options.max_aspect_change <= change <= options.max_aspect_change


class LogoRegistry:
    """The logos to look for, by brand (several images per brand allowed), with their
    features computed once; :meth:`detect` finds them in photos."""

    def __init__(self, options: LogoOptions | None = None):
        self.options = options if options is not None else LogoOptions()
        kind = self.options.features
        if kind == "auto":
            kind = "sift" if hasattr(cv2, "SIFT_create") else "orb"
        self.features = kind
        self._logos: list[_Logo] = []
        self._matcher = cv2.BFMatcher(cv2.NORM_L2 if kind == "sift" else cv2.NORM_HAMMING)

    def _extractor(self, max_features: int) -> cv2.Feature2D:
        if self.features == "sift":
            return cv2.SIFT_create(nfeatures=max_features,
                                   contrastThreshold=self.options.sift_contrast)
        # ORB keeps nfeatures keypoints, so 0 ("all", as for SIFT) would keep none.
        return cv2.ORB_create(nfeatures=max_features or ORB_ALL, scaleFactor=1.2, nlevels=8)

    def _features(self, grey: np.ndarray, max_features: int) -> tuple[np.ndarray, np.ndarray]:
        keypoints, descriptors = self._extractor(max_features).detectAndCompute(grey, None)
        points = np.array([kp.pt for kp in keypoints], dtype=np.float32).reshape(-1, 2)
        return points, descriptors

    @property
    def brands(self) -> list[str]:
        """Registered brand names, sorted."""
        return sorted({logo.brand for logo in self._logos})

    def __len__(self) -> int:
        return len(self._logos)

    def register(self, brand: str, image: Image.Image, name: str | None = None) -> None:
        """Add a logo image for ``brand`` (PNG with transparency is fine). A logo too small
        or too plain to give features is refused here, where the user can still fix it,
        rather than silently never found."""
        if not brand.strip():
            raise ValueError("a logo needs a brand name")
        name = name or f"{brand}#{sum(logo.brand == brand for logo in self._logos) + 1}"
        if min(image.size) < MIN_SIDE:
            raise ValueError(f"logo {name!r} is {image.size[0]}x{image.size[1]} pixels; "
                             f"register an image at least {MIN_SIDE} pixels on each side")
        grey, scale = _grey(image, self.options.logo_side)
        if scale == 1.0 and max(grey.shape) < self.options.logo_side:
            up = self.options.logo_side / max(grey.shape)
            grey = cv2.resize(grey, None, fx=up, fy=up, interpolation=cv2.INTER_CUBIC)
        points, descriptors = self._features(grey, 0)
        if len(points) < self.options.min_inliers:
            raise ValueError(f"logo {name!r} gives {len(points)} keypoints, fewer than the "
                             f"{self.options.min_inliers} a hit needs: use a larger or more "
                             f"detailed image of it")
        self._logos.append(_Logo(brand=brand, name=name, size=(grey.shape[1], grey.shape[0]),
                                 keypoints=points, descriptors=descriptors))

    def detect(self, image: Image.Image) -> list[LogoHit]:
        """The registered logos found in ``image``, best first, at most one per brand in
        one place (a brand's several logo images may all match the same spot)."""
        if not isinstance(image, Image.Image):
            raise TypeError(f"expected a Pillow image, got {type(image).__name__}")
        if not self._logos or min(image.size) < MIN_SIDE:
            return []
        grey, scale = _grey(image, self.options.max_side)
        points, descriptors = self._features(grey, self.options.max_photo_features)
        if descriptors is None or len(points) < self.options.min_inliers:
            return []
        photo_size = (grey.shape[1], grey.shape[0])
        hits = [hit for logo in self._logos
                if (hit := self._find(logo, points, descriptors, photo_size, scale))]
        hits.sort(key=lambda hit: (-hit.inliers, hit.brand, hit.logo))
        return _one_per_place(hits)

    def _find(self, logo: _Logo, points: np.ndarray, descriptors: np.ndarray,
              photo_size: tuple[int, int], scale: float) -> LogoHit | None:
        options = self.options
        pairs = self._matcher.knnMatch(logo.descriptors, descriptors, k=2)
        best: dict[int, cv2.DMatch] = {}
        for pair in pairs:
            if len(pair) == 2 and pair[0].distance < options.ratio * pair[1].distance:
                match = pair[0]
                # One photo keypoint answers for one logo keypoint at most.
                if match.trainIdx not in best or match.distance < best[match.trainIdx].distance:
                    best[match.trainIdx] = match
        if len(best) < options.min_inliers:
            return None
        matches = list(best.values())
        source = logo.keypoints[[m.queryIdx for m in matches]]
        target = points[[m.trainIdx for m in matches]]
        width, height = logo.size
        corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
        homography, mask = cv2.findHomography(source, target, cv2.USAC_MAGSAC,
                                              options.reprojection_error, maxIters=2000,
                                              confidence=0.995)
        if homography is None:
            return None
        inliers = int(mask.sum())
        score = inliers / len(matches)
        if inliers < options.min_inliers or score < options.min_inlier_ratio:
            return None
        quad = cv2.perspectiveTransform(corners.reshape(-1, 1, 2), homography).reshape(4, 2)
        if not plausible_quad(quad, logo.size, photo_size, options):
            return None
        quad = quad / scale
        return LogoHit(brand=logo.brand, logo=logo.name, score=round(score, 3),
                       inliers=inliers,
                       corners=tuple((round(float(x), 1), round(float(y), 1)) for x, y in quad))


def quad_overlap(a: Quad, b: Quad) -> float:
    """Intersection over union of two convex quadrilaterals (0 when either is degenerate)."""
    first, second = np.float32(a), np.float32(b)
    union_base = cv2.contourArea(first) + cv2.contourArea(second)
    inter, _ = cv2.intersectConvexConvex(first, second)
    union = union_base - inter
    return float(inter / union) if union > 0 else 0.0


def _one_per_place(hits: list[LogoHit], overlap: float = 0.3) -> list[LogoHit]:
    """Drop a hit that overlaps a better hit of the same brand (another image of the same
    brand's logo matched the same spot)."""
    kept: list[LogoHit] = []
    for hit in hits:
        if not any(k.brand == hit.brand and quad_overlap(k.corners, hit.corners) > overlap
                   for k in kept):
            kept.append(hit)
    return kept

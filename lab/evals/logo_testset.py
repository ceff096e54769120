"""A generated, labelled test set for logo detection: no photo collection or annotation
needed, and the same seed gives the same images, so a measured precision and recall can be a
regression floor.

Four logos are drawn with Pillow (the brand, ``lumina``: a star and a wordmark; competitors
``novacore``, ``zephyr`` and ``kestrel``, each with its own emblem and word). Backgrounds are
procedural "photos": a lighting gradient, sensor noise, shapes and text clutter. Each sample
has one *kind*, the difficulty it tests:

- ``plain``: a logo at a random scale (0.15-0.6 of the photo's width), otherwise clean;
- ``rotation`` (up to 40 degrees either way), ``perspective`` (a keystone view: one side
  0.55-0.85 of the other), ``photometric`` (brightness and contrast 0.55-1.6), ``blur``
  (Gaussian, radius 1-2.5 px), ``jpeg`` (quality 12-35), ``occlusion`` (an object over
  15-30 % of the logo, from one side);
- ``combined``: milder amounts of all of the above at once;
- ``several``: two or three different brands' logos in one photo;
- ``negative``: no logo; ``lookalike``: no logo, but words close to the brand names in
  another layout, and the emblems alone.

Every sample but ``jpeg`` is saved once as a JPEG at quality 90, as a posted photo would be.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

from vision.logos import Quad

BRAND = "lumina"
COMPETITORS = ("novacore", "zephyr", "kestrel")
KINDS = ("plain", "rotation", "perspective", "photometric", "blur", "jpeg", "occlusion",
         "combined", "several", "negative", "lookalike")
DEFAULT_COUNT = 242
"""22 samples of each of the 11 kinds."""

LOOKALIKE_WORDS = ("LUMINO", "LUMEN", "ILLUMINA", "NOVACARE", "NOVA", "ZEPHIR", "KESTRAL",
                   "CORE", "LUMINAIRE")
CLUTTER_WORDS = ("SALE", "OPEN", "CAFE", "MARKET", "STREET", "2025", "NEW", "CITY", "FRESH",
                 "EXIT", "PARK", "HOTEL", "BAR", "50%", "TICKETS", "SUMMER")


@dataclass(frozen=True)
class PlacedLogo:
    """Where a logo was put: its brand and the corners of its drawing (top-left, top-right,
    bottom-right, bottom-left) in the photo's pixels."""

    brand: str
    corners: Quad


@dataclass(frozen=True)
class Sample:
    """One labelled test photo."""

    name: str
    kind: str
    image: Image.Image
    logos: tuple[PlacedLogo, ...]


def _font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow's bundled font: the same glyphs on every machine, so the set is reproducible."""
    return ImageFont.load_default(size=size)


def _star(centre: tuple[float, float], outer: float, inner: float) -> list[tuple[float, float]]:
    x, y = centre
    return [(x + (outer if i % 2 == 0 else inner) * math.sin(i * math.pi / 5),
             y - (outer if i % 2 == 0 else inner) * math.cos(i * math.pi / 5))
            for i in range(10)]


def _polygon(centre: tuple[float, float], radius: float, sides: int,
             turn: float = 0.0) -> list[tuple[float, float]]:
    x, y = centre
    return [(x + radius * math.cos(turn + 2 * math.pi * i / sides),
             y + radius * math.sin(turn + 2 * math.pi * i / sides)) for i in range(sides)]


def _draw_lumina(draw: ImageDraw.ImageDraw) -> None:
    draw.polygon(_star((95, 100), 78, 32), fill=(242, 183, 5, 255), outline=(20, 33, 90, 255),
                 width=5)
    draw.text((185, 42), "LUMINA", font=_font(86), fill=(20, 33, 90, 255), stroke_width=2,
              stroke_fill=(20, 33, 90, 255))
    draw.rectangle((190, 150, 500, 162), fill=(242, 183, 5, 255))


def _draw_novacore(draw: ImageDraw.ImageDraw) -> None:
    draw.polygon(_polygon((90, 100), 75, 6), outline=(0, 128, 128, 255), width=10)
    draw.polygon(_polygon((90, 100), 38, 3, -math.pi / 2), fill=(0, 90, 90, 255))
    draw.text((180, 60), "NOVACORE", font=_font(62), fill=(0, 90, 90, 255))
    draw.text((182, 130), "systems", font=_font(30), fill=(0, 128, 128, 255))


def _draw_zephyr(draw: ImageDraw.ImageDraw) -> None:
    for row in range(3):
        wave = [(20 + x, 65 + 35 * row + 14 * math.sin(x / 14)) for x in range(0, 140, 4)]
        draw.line(wave, fill=(200, 30, 45, 255), width=8)
    draw.text((180, 45), "ZEPHYR", font=_font(88), fill=(130, 10, 25, 255), stroke_width=1,
              stroke_fill=(130, 10, 25, 255))


def _draw_kestrel(draw: ImageDraw.ImageDraw) -> None:
    draw.rounded_rectangle((6, 6, 514, 194), radius=30, outline=(25, 90, 40, 255), width=8)
    for offset in (0, 40):
        draw.line([(40 + offset, 60), (80 + offset, 100), (40 + offset, 140)],
                  fill=(25, 90, 40, 255), width=14)
    draw.text((160, 55), "KESTREL", font=_font(72), fill=(25, 90, 40, 255), stroke_width=1,
              stroke_fill=(25, 90, 40, 255))


_DRAWINGS: dict[str, Callable[[ImageDraw.ImageDraw], None]] = {
    BRAND: _draw_lumina, "novacore": _draw_novacore, "zephyr": _draw_zephyr,
    "kestrel": _draw_kestrel}


def draw_logos() -> dict[str, Image.Image]:
    """The four logos, 520x200 RGBA on transparency, by brand: what a user would register."""
    logos = {}
    for brand, paint in _DRAWINGS.items():
        logo = Image.new("RGBA", (520, 200), (0, 0, 0, 0))
        paint(ImageDraw.Draw(logo))
        logos[brand] = logo
    return logos


def _colour(rng: random.Random, alpha: int = 255) -> tuple[int, int, int, int]:
    return rng.randrange(256), rng.randrange(256), rng.randrange(256), alpha


def background(rng: random.Random) -> Image.Image:
    """A procedural "photo": lighting gradient, noise, shapes and clutter text."""
    width = rng.randrange(960, 1281, 16)
    height = int(width * rng.choice((0.75, 1.0, 0.5625, 1.333)))
    top, bottom = np.array(_colour(rng)[:3], float), np.array(_colour(rng)[:3], float)
    ramp = np.linspace(0, 1, height)[:, None, None]
    pixels = np.broadcast_to(top + (bottom - top) * ramp, (height, width, 3)).copy()
    noise = np.random.default_rng(rng.randrange(2**32))
    pixels += noise.normal(0, rng.uniform(4, 14), pixels.shape)
    photo = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).convert("RGBA")
    layer = Image.new("RGBA", photo.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(rng.randrange(15, 40)):
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(20, width // 3), rng.randrange(20, height // 3)
        fill = _colour(rng, rng.randrange(90, 256))
        shape = rng.choice(("rectangle", "ellipse", "line", "polygon"))
        if shape == "rectangle":
            draw.rectangle((x, y, x + w, y + h), fill=fill)
        elif shape == "ellipse":
            draw.ellipse((x, y, x + w, y + h), fill=fill)
        elif shape == "line":
            draw.line((x, y, x + w, y + h), fill=fill, width=rng.randrange(2, 12))
        else:
            draw.polygon(_polygon((x, y), w / 2, rng.randrange(3, 8), rng.random()), fill=fill)
    for _ in range(rng.randrange(4, 12)):
        draw.text((rng.randrange(width), rng.randrange(height)), rng.choice(CLUTTER_WORDS),
                  font=_font(rng.randrange(18, 90)), fill=_colour(rng))
    photo = Image.alpha_composite(photo, layer).convert("RGB")
    return photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))


def _quad(rng: random.Random, logo: Image.Image, photo: Image.Image, scale: float,
          angle: float, keystone: float) -> np.ndarray:
    """Where a logo lands: ``scale`` x the photo's width wide, turned by ``angle`` degrees,
    one side shrunk to ``keystone`` x the other, placed at random inside the photo."""
    width = scale * photo.width
    height = width * logo.height / logo.width
    corners = np.array([[-width / 2, -height / 2], [width / 2, -height / 2],
                        [width / 2, height / 2], [-width / 2, height / 2]])
    side = rng.randrange(4)  # which side recedes: top, right, bottom or left
    ends = [(0, 1), (1, 2), (2, 3), (3, 0)][side]
    midpoint = corners[list(ends)].mean(axis=0)
    for end in ends:
        corners[end] = midpoint + (corners[end] - midpoint) * keystone
    turn = math.radians(angle)
    rotation = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    corners = corners @ rotation.T
    low, high = corners.min(axis=0), corners.max(axis=0)
    span = np.array(photo.size) - (high - low)
    if (span < 0).any():
        return _quad(rng, logo, photo, scale * 0.8, angle, keystone)
    return corners - low + np.array([rng.uniform(0, span[0]), rng.uniform(0, span[1])])


def _occlude(rng: random.Random, logo: Image.Image, share: float) -> Image.Image:
    """The logo with an opaque object over ``share`` of it, entering from one side."""
    logo = logo.copy()
    w, h = logo.size
    side = rng.randrange(4)
    box = [(0, 0, w * share, h), (w * (1 - share), 0, w, h), (0, 0, w, h * share),
           (0, h * (1 - share), w, h)][side]
    ImageDraw.Draw(logo).rectangle(box, fill=_colour(rng))
    return logo


def composite(photo: Image.Image, logo: Image.Image, corners: np.ndarray) -> Image.Image:
    """``logo`` warped onto ``corners`` of ``photo`` (alpha blended)."""
    source = np.float32([[0, 0], [logo.width, 0], [logo.width, logo.height], [0, logo.height]])
    homography = cv2.getPerspectiveTransform(source, np.float32(corners))
    warped = cv2.warpPerspective(np.asarray(logo), homography, photo.size,
                                 flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                                 borderValue=(0, 0, 0, 0))
    return Image.alpha_composite(photo.convert("RGBA"), Image.fromarray(warped)).convert("RGB")


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def _overlaps(corners: np.ndarray, placed: list[np.ndarray]) -> bool:
    low, high = corners.min(axis=0), corners.max(axis=0)
    return any((low < other.max(axis=0)).all() and (other.min(axis=0) < high).all()
               for other in placed)


def _lookalikes(rng: random.Random, photo: Image.Image) -> Image.Image:
    """Near-miss words (another spacing and weight than any wordmark) and emblems alone."""
    draw = ImageDraw.Draw(photo)
    for _ in range(rng.randrange(1, 4)):
        word = rng.choice(LOOKALIKE_WORDS)
        size, spacing = rng.randrange(40, 120), rng.uniform(0.1, 0.5)
        x, y = rng.randrange(photo.width // 2), rng.randrange(photo.height - size)
        for letter in word:
            draw.text((x, y), letter, font=_font(size), fill=_colour(rng),
                      stroke_width=rng.randrange(0, 4), stroke_fill=_colour(rng))
            x += int(draw.textlength(letter, font=_font(size)) + spacing * size)
    centre = (rng.randrange(100, photo.width - 100), rng.randrange(100, photo.height - 100))
    if rng.random() < 0.5:
        draw.polygon(_star(centre, 78, 32), fill=(242, 183, 5), outline=(20, 33, 90), width=5)
    else:
        draw.polygon(_polygon(centre, 75, 6), outline=(0, 128, 128), width=10)
    return photo


def make_sample(kind: str, seed: int, logos: dict[str, Image.Image]) -> Sample:
    """One sample of ``kind`` (see the module docstring), fully determined by ``seed``."""
    if kind not in KINDS:
        raise ValueError(f"unknown sample kind {kind!r}; known: {', '.join(KINDS)}")
    rng = random.Random(f"{kind}:{seed}")
    photo = background(rng)
    placed: list[PlacedLogo] = []
    if kind == "lookalike":
        photo = _lookalikes(rng, photo)
    elif kind != "negative":
        brands = (rng.sample(sorted(logos), rng.choice((2, 3))) if kind == "several"
                  else [rng.choice(sorted(logos))])
        quads: list[np.ndarray] = []
        for brand in brands:
            logo = logos[brand]
            if kind == "occlusion":
                logo = _occlude(rng, logo, rng.uniform(0.15, 0.3))
            elif kind == "combined" and rng.random() < 0.6:
                logo = _occlude(rng, logo, rng.uniform(0.05, 0.2))
            high = 0.35 if kind == "several" else 0.6
            angle = {"rotation": 40, "combined": 25, "several": 15}.get(kind, 0)
            keystone = {"perspective": (0.55, 0.85), "combined": (0.75, 0.95)}.get(kind, (1, 1))
            for _ in range(50):
                corners = _quad(rng, logo, photo, rng.uniform(0.15, high),
                                rng.uniform(-angle, angle), rng.uniform(*keystone))
                if not _overlaps(corners, quads):
                    break
            quads.append(corners)
            photo = composite(photo, logo, corners)
            placed.append(PlacedLogo(brand=brand, corners=tuple(
                (round(float(x), 1), round(float(y), 1)) for x, y in corners)))
    if kind in ("photometric", "combined"):
        spread = (0.55, 1.6) if kind == "photometric" else (0.75, 1.3)
        photo = ImageEnhance.Brightness(photo).enhance(rng.uniform(*spread))
        photo = ImageEnhance.Contrast(photo).enhance(rng.uniform(*spread))
    if kind in ("blur", "combined"):
        radius = rng.uniform(1.0, 2.5) if kind == "blur" else rng.uniform(0.0, 1.2)
        photo = photo.filter(ImageFilter.GaussianBlur(radius))
    quality = {"jpeg": rng.randrange(12, 36), "combined": rng.randrange(40, 80)}.get(kind, 90)
    return Sample(name=f"{kind}-{seed}", kind=kind, image=_jpeg(photo, quality),
                  logos=tuple(placed))


def generate(count: int = DEFAULT_COUNT, seed: int = 0) -> list[Sample]:
    """``count`` samples, the kinds taken in turn, reproducible from ``seed``."""
    logos = draw_logos()
    return [make_sample(KINDS[n % len(KINDS)], seed * 100_000 + n // len(KINDS), logos)
            for n in range(count)]

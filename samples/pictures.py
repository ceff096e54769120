"""The sample sources' images, drawn with Pillow so that image analysis has something real to
find: photos with legible text in them (a price tag, a battery screenshot, a giveaway banner,
a launch screen, a product box), product renders, a night street and a sunset, reposts of
the same shot re-cropped and re-compressed (near-duplicates), and an HTML error page saved
as ``.jpg`` (what broken CDNs serve; the fetcher must refuse it).

Deterministic (seeded; Pillow's bundled font, so no system font is needed). The PNGs are
320x240, the size the sample platforms declare; reposts are JPEGs, as platforms re-encode
uploads. ``python -m samples.build_corpus`` redraws them.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

SIZE = (320, 240)
RGB = tuple[int, int, int]


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled scalable font: the same glyphs on every machine."""
    return ImageFont.load_default(size=size)


def gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(size[1]):
        t = y / max(size[1] - 1, 1)
        draw.line([(0, y), (size[0], y)],
                  fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    return image


def centred(draw: ImageDraw.ImageDraw, y: int, text: str, size: int, fill: RGB,
            width: int = SIZE[0]) -> None:
    face = font(size)
    left, _, right, _ = draw.textbbox((0, 0), text, font=face)
    draw.text(((width - (right - left)) // 2, y), text, font=face, fill=fill)


def phone(image: Image.Image, box: tuple[int, int, int, int], body: RGB) -> None:
    """The X2 from behind at an angle of zero: body, camera island with three lenses, flash,
    and a soft shadow, so it reads as a product render."""
    x0, y0, x1, y1 = box
    shadow = Image.new("L", image.size, 0)
    ImageDraw.Draw(shadow).rounded_rectangle((x0 + 8, y0 + 10, x1 + 8, y1 + 10), radius=22,
                                             fill=110)
    image.paste((0, 0, 0), mask=shadow.filter(ImageFilter.GaussianBlur(8)))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(box, radius=22, fill=body, outline=(200, 200, 210), width=3)
    draw.rounded_rectangle((x0 + 12, y0 + 12, x0 + 62, y0 + 92), radius=14, fill=(20, 20, 24))
    for cy in (y0 + 28, y0 + 52, y0 + 76):
        draw.ellipse((x0 + 24, cy - 10, x0 + 44, cy + 10), fill=(5, 5, 8),
                     outline=(120, 120, 140), width=2)
        draw.ellipse((x0 + 31, cy - 3, x0 + 37, cy + 3), fill=(60, 70, 120))
    draw.ellipse((x0 + 50, y0 + 20, x0 + 58, y0 + 28), fill=(250, 240, 200))
    centred(draw, y1 - 40, "LUMINA", 13, (210, 210, 220), width=x0 + x1)


def product(background: tuple[RGB, RGB]) -> Callable[[random.Random], Image.Image]:
    def draw_it(rng: random.Random) -> Image.Image:
        image = gradient(SIZE, *background)
        phone(image, (110, 25, 210, 215), (38, 40, 48))
        return image
    return draw_it


def night_shot(rng: random.Random) -> Image.Image:
    image = gradient(SIZE, (8, 10, 32), (40, 30, 70))
    draw = ImageDraw.Draw(image)
    x = 0
    while x < SIZE[0]:
        width, top = rng.randrange(30, 70), rng.randrange(40, 150)
        draw.rectangle((x, top, x + width, 200), fill=(14, 14, 24))
        for wy in range(top + 8, 190, 14):
            for wx in range(x + 5, x + width - 8, 12):
                if rng.random() < 0.45:
                    draw.rectangle((wx, wy, wx + 6, wy + 7),
                                   fill=(255, rng.randrange(170, 230), rng.randrange(80, 150)))
        x += width + rng.randrange(2, 8)
    draw.rectangle((0, 200, SIZE[0], SIZE[1]), fill=(25, 22, 30))
    glow = Image.new("RGB", SIZE, (0, 0, 0))
    lamps = ImageDraw.Draw(glow)
    for lx in range(20, SIZE[0], 70):
        lamps.ellipse((lx - 14, 150, lx + 14, 178), fill=(255, 190, 90))
        lamps.line((lx, 210, lx + rng.randrange(-6, 6), SIZE[1]), fill=(200, 140, 60), width=5)
    image = Image.composite(glow, image, glow.convert("L").point(lambda v: 255 if v else 0))
    return Image.blend(image, image.filter(ImageFilter.GaussianBlur(6)), 0.35)


def product_box(rng: random.Random) -> Image.Image:
    image = Image.new("RGB", SIZE, (150, 100, 60))
    draw = ImageDraw.Draw(image)
    for y in range(0, SIZE[1], 3):  # wood grain
        shade = rng.randrange(-18, 18)
        draw.line([(0, y), (SIZE[0], y + rng.randrange(-2, 3))],
                  fill=(150 + shade, 100 + shade, 60 + shade // 2))
    draw.polygon([(40, 40), (280, 30), (295, 205), (30, 215)], fill=(245, 245, 242),
                 outline=(190, 190, 190))
    centred(draw, 70, "NOVA LUMINA", 34, (25, 30, 60))
    centred(draw, 112, "X2", 56, (25, 30, 60))
    draw.line([(60, 185), (260, 180)], fill=(200, 200, 200), width=2)
    return image.filter(ImageFilter.GaussianBlur(0.6))


def battery_screenshot(rng: random.Random) -> Image.Image:
    image = Image.new("RGB", SIZE, (250, 250, 252))
    draw = ImageDraw.Draw(image)
    draw.text((10, 6), "12:40", font=font(16), fill=(0, 0, 0))
    draw.text((262, 6), "38%", font=font(16), fill=(0, 0, 0))
    draw.rounded_rectangle((236, 9, 256, 21), radius=2, outline=(0, 0, 0), width=2)
    draw.rectangle((239, 12, 245, 18), fill=(0, 0, 0))
    draw.text((14, 34), "Battery", font=font(30), fill=(0, 0, 0))
    draw.text((14, 72), "38%", font=font(40), fill=(200, 40, 40))
    draw.text((120, 88), "Screen on 3 h 12 min", font=font(14), fill=(90, 90, 90))
    for n in range(12):  # usage by hour
        height = rng.randrange(8, 60)
        draw.rectangle((18 + n * 24, 190 - height, 34 + n * 24, 190), fill=(60, 130, 230))
    draw.line([(14, 191), (306, 191)], fill=(180, 180, 180))
    draw.text((14, 205), "Nova Lumina X2", font=font(18), fill=(40, 40, 40))
    return image


def price_tag(rng: random.Random) -> Image.Image:
    image = gradient(SIZE, (200, 200, 205), (120, 120, 128))
    draw = ImageDraw.Draw(image)
    for x in range(10, SIZE[0], 64):  # phones on the shelf behind the tag
        draw.rounded_rectangle((x, 10, x + 40, 100), radius=8, fill=(30, 32, 40))
    draw.rectangle((0, 104, SIZE[0], 116), fill=(90, 90, 96))
    draw.rectangle((30, 125, 290, 228), fill=(255, 214, 40), outline=(30, 30, 30), width=3)
    draw.text((44, 132), "Nova Lumina X2", font=font(26), fill=(20, 20, 20))
    draw.text((44, 166), "$1,299", font=font(52), fill=(200, 20, 20))
    return image


def launch_stage(rng: random.Random) -> Image.Image:
    image = gradient(SIZE, (12, 8, 30), (30, 20, 50))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 20, 280, 140), fill=(70, 40, 150))
    centred(draw, 40, "NOVA LUMINA X2", 28, (255, 255, 255))
    centred(draw, 90, "Launch 10.15", 22, (230, 220, 255))
    for _ in range(40):  # the audience's heads
        x, y = rng.randrange(-10, SIZE[0]), rng.randrange(170, 240)
        draw.ellipse((x, y, x + 26, y + 30), fill=(5, 5, 10))
    return image


def coffee_and_phone(rng: random.Random) -> Image.Image:
    image = Image.new("RGB", SIZE, (222, 216, 206))
    draw = ImageDraw.Draw(image)
    for _ in range(60):  # marble veins
        x, y = rng.randrange(SIZE[0]), rng.randrange(SIZE[1])
        draw.line([(x, y), (x + rng.randrange(-60, 60), y + rng.randrange(-20, 20))],
                  fill=(200, 194, 186), width=1)
    draw.ellipse((20, 40, 150, 170), fill=(250, 250, 250), outline=(210, 210, 210), width=3)
    draw.ellipse((40, 60, 130, 150), fill=(110, 65, 35))
    draw.ellipse((62, 82, 108, 128), fill=(190, 140, 90))
    draw.rounded_rectangle((185, 30, 275, 210), radius=16, fill=(38, 40, 48))
    draw.rounded_rectangle((191, 36, 269, 204), radius=12, fill=(60, 90, 170))
    draw.ellipse((20, 185, 70, 235), fill=(70, 140, 70))
    return image.filter(ImageFilter.GaussianBlur(0.8))


def giveaway_banner(rng: random.Random) -> Image.Image:
    image = gradient(SIZE, (230, 30, 120), (250, 150, 30))
    draw = ImageDraw.Draw(image)
    for _ in range(70):  # confetti
        x, y = rng.randrange(SIZE[0]), rng.randrange(SIZE[1])
        draw.rectangle((x, y, x + 5, y + 3), fill=tuple(rng.randrange(256) for _ in range(3)))
    draw.rounded_rectangle((16, 30, 304, 206), radius=14, fill=(255, 255, 255))
    centred(draw, 44, "FREE GIVEAWAY", 36, (220, 20, 90))
    centred(draw, 100, "WIN A NOVA LUMINA X2", 22, (20, 20, 20))
    centred(draw, 150, "win-x2.example", 22, (30, 60, 200))
    return image


def sunset(rng: random.Random) -> Image.Image:
    image = gradient((SIZE[0], 150), (90, 40, 120), (250, 150, 60)).resize((SIZE[0], 150))
    canvas = Image.new("RGB", SIZE)
    canvas.paste(image, (0, 0))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((130, 105, 190, 165), fill=(255, 220, 120))
    draw.polygon([(0, 150), (60, 95), (110, 130), (170, 90), (240, 125), (320, 100),
                  (320, 150)], fill=(60, 30, 60))
    for y in range(150, SIZE[1], 4):  # sea with the sun's reflection
        shade = 40 + (y - 150) // 3
        draw.line([(0, y), (SIZE[0], y)], fill=(shade, shade // 2 + 20, 80))
        half = rng.randrange(8, 30)
        draw.line([(160 - half, y), (160 + half, y)], fill=(250, 190, 90), width=2)
    return canvas.filter(ImageFilter.GaussianBlur(0.7))


DRAWINGS: dict[str, Callable[[random.Random], Image.Image]] = {
    "x2-product-blue.png": product(((120, 160, 235), (50, 90, 180))),
    "x2-product-silver.png": product(((215, 215, 222), (150, 150, 158))),
    "x2-night-shot.png": night_shot,
    "x2-box.png": product_box,
    "battery-screenshot.png": battery_screenshot,
    "price-tag.png": price_tag,
    "launch-stage.png": launch_stage,
    "coffee-and-phone.png": coffee_and_phone,
    "giveaway-banner.png": giveaway_banner,
    "sunset-sample.png": sunset,
}

REPOSTS = {  # name: (original, cut off the left and bottom, scale, JPEG quality)
    "x2-product-blue-repost.jpg": ("x2-product-blue.png", 0.01, 1.0, 60),
    "x2-product-blue-small.jpg": ("x2-product-blue.png", 0.0, 0.6, 45),
    "x2-night-shot-repost.jpg": ("x2-night-shot.png", 0.03, 0.8, 70),
}

NOT_AN_IMAGE = "x2-leak.jpg"
"""An HTML error page saved as a JPEG: the sample server sends it as ``image/jpeg``."""


def repost(image: Image.Image, cut: float, scale: float, quality: int) -> bytes:
    width, height = image.size
    copy = image.crop((int(width * cut), 0, width, height - int(height * cut)))
    if scale != 1.0:
        copy = copy.resize((int(copy.width * scale), int(copy.height * scale)),
                           Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    copy.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def draw_all(folder: Path, seed: int = 7) -> None:
    """Write every sample image into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    drawn = {}
    for n, (name, draw_it) in enumerate(DRAWINGS.items()):
        drawn[name] = draw_it(random.Random(seed * 100 + n))
        drawn[name].save(folder / name, optimize=True)
    for name, (original, cut, scale, quality) in REPOSTS.items():
        (folder / name).write_bytes(repost(drawn[original], cut, scale, quality))
    (folder / NOT_AN_IMAGE).write_text(
        "<!doctype html><html><head><title>404 Not Found</title></head><body><h1>Not Found"
        "</h1><p>The image you requested has been removed.</p></body></html>\n")

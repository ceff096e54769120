"""Images the vision tests serve and hash, all made here with Pillow (or by hand where Pillow
refuses to write something that broken), so every test knows exactly what it was given."""

from __future__ import annotations

import io
import random
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

SAMPLE_MEDIA = Path(__file__).resolve().parents[2] / "samples" / "media"
RED, BLUE, GREEN = (220, 20, 20), (20, 20, 220), (20, 200, 20)


def synthetic_photo(seed: int, size: tuple[int, int] = (480, 360)) -> Image.Image:
    """A stand-in photo: a gradient with random shapes, softened like a camera would."""
    rng = random.Random(seed)
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    top = [rng.randrange(256) for _ in range(3)]
    bottom = [rng.randrange(256) for _ in range(3)]
    for y in range(size[1]):
        t = y / size[1]
        draw.line([(0, y), (size[0], y)],
                  fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    for _ in range(rng.randrange(3, 12)):
        x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
        box = [x0, y0, x0 + rng.randrange(20, 200), y0 + rng.randrange(20, 200)]
        fill = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=fill)
    return image.filter(ImageFilter.GaussianBlur(1))


def encoded(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def recompressed(image: Image.Image, quality: int) -> Image.Image:
    """The image after a round trip through a lossy JPEG, as a re-upload does."""
    return Image.open(io.BytesIO(encoded(image, "JPEG", quality=quality))).convert("RGB")


def recropped(image: Image.Image, fraction: float) -> Image.Image:
    """Cut ``fraction`` off the left and bottom edges: an asymmetric re-crop."""
    width, height = image.size
    return image.crop((int(width * fraction), 0, width, height - int(height * fraction)))


def resized(image: Image.Image, factor: float) -> Image.Image:
    return image.resize((int(image.width * factor), int(image.height * factor)),
                        Image.Resampling.LANCZOS)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width`` x ``height`` pixels: a decompression bomb's
    opening, which must be refused from the header without decoding anything."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def rotated_jpeg() -> bytes:
    """Stored 40x20, red left half and blue right half, with EXIF orientation 6 (the camera
    was turned: viewers rotate it 90 degrees clockwise, so red ends up on top)."""
    image = Image.new("RGB", (40, 20), BLUE)
    image.paste(RED, (0, 0, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = 6
    return encoded(image, "JPEG", quality=95, exif=exif)


def animated_gif() -> bytes:
    """Three frames: green, red, blue."""
    frames = [Image.new("RGB", (30, 30), colour) for colour in (GREEN, RED, BLUE)]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100,
                   loop=0)


def transparent_png() -> bytes:
    """A blue square on a fully transparent background whose hidden colour is black."""
    image = Image.new("RGBA", (30, 30), (0, 0, 0, 0))
    image.paste((*BLUE, 255), (10, 10, 20, 20))
    return encoded(image, "PNG")

"""A generated, labelled test set for OCR: lines of social-media text in English, Spanish,
Korean, Japanese and Chinese, rendered with fonts installed on the machine onto photo-like
backgrounds, then mildly degraded as posted pictures are. The same seed gives the same
images, so a measured character error rate can be a regression floor.

Each sample is one or two lines (a product name, a price, a hashtag: what brands put on
pictures) at 20-44 px, in dark-on-light or light-on-dark colours, on a gradient with a
few soft shapes. Degradations, each drawn per sample: rotation up to 3 degrees, Gaussian
blur up to radius 0.8, sensor noise (sigma up to 6 grey levels) and JPEG at quality 60-90.

Fonts are found through fontconfig (``fc-match``): DejaVu Sans for the Latin scripts and
Noto Sans/Serif CJK (Debian's ``fonts-noto-cjk``) for Korean, Japanese and Chinese; a
missing font is an error naming the package, never a silent fallback to boxes.
"""

from __future__ import annotations

import io
import random
import subprocess
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

LANGS = ("en", "es", "ko", "ja", "zh")
DEFAULT_PER_LANG = 10

TEXTS: dict[str, tuple[str, ...]] = {
    "en": ("New X2 camera out now", "Night mode that actually works", "50% off today only",
           "Unboxing the Lumina X2", "Battery lasts two days", "Link in bio #giveaway",
           "Best phone camera of 2025", "Free shipping on all orders", "Shot on X2 Pro",
           "Pre-order opens Friday 9am"),
    "es": ("Nueva cámara X2 ya disponible", "El modo noche sí funciona",
           "Envío gratis a toda España", "Oferta válida hasta el domingo",
           "¿Cuál es tu color favorito?", "Batería para dos días", "Hecho con la X2 Pro",
           "Reserva ya tu teléfono", "Descuento del 30% en tienda", "Sorteo: gana una X2"),
    "ko": ("새로운 X2 카메라 출시", "야간 모드 정말 좋아요", "오늘만 50% 할인",
           "배터리가 이틀이나 가요", "무료 배송 이벤트", "X2 프로로 찍은 사진",
           "사전 예약 금요일 시작", "색상은 블루가 최고", "언박싱 후기 공유합니다",
           "카메라 화질 대박"),
    "ja": ("新しいX2カメラ発売", "夜景モードがすごい", "本日限定50%オフ",
           "バッテリーが二日もつ", "送料無料キャンペーン", "X2 Proで撮影しました",
           "予約は金曜日から", "ブルーが一番かわいい", "開封レビューです", "画質が最高です"),
    "zh": ("全新X2相机上市", "夜景模式真的好用", "今日特价五折", "电池续航两天",
           "全场包邮活动", "用X2 Pro拍摄", "周五开始预订", "蓝色最好看",
           "开箱测评分享", "画质非常清晰"),
}
"""Ten lines per language; a sample shows one of them, or two on separate lines."""

FONTS: dict[str, tuple[str, ...]] = {
    "en": ("DejaVu Sans", "DejaVu Serif", "Noto Sans CJK JP"),
    "es": ("DejaVu Sans", "DejaVu Serif", "Noto Sans CJK JP"),
    "ko": ("Noto Sans CJK KR", "Noto Serif CJK KR"),
    "ja": ("Noto Sans CJK JP", "Noto Serif CJK JP"),
    "zh": ("Noto Sans CJK SC", "Noto Serif CJK SC"),
}
FONT_PACKAGES = "fonts-dejavu-core fonts-noto-cjk"


@dataclass(frozen=True)
class OcrSample:
    """A rendered picture and the text drawn on it, lines separated by newlines."""

    lang: str
    text: str
    image: Image.Image


@cache
def font_file(family: str) -> tuple[str, int]:
    """The file and face index fontconfig picks for ``family``; an error when it would
    substitute another family (CJK text in a Latin font renders as empty boxes)."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{family}\t%{file}\t%{index}", family],
                               capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise RuntimeError(f"fontconfig (fc-match) is needed to find the test fonts: "
                           f"apt-get install fontconfig {FONT_PACKAGES}") from exc
    families, path, index = found.stdout.split("\t")
    if family not in families.split(","):
        raise RuntimeError(f"font {family!r} is not installed (fontconfig offers "
                           f"{families!r}): apt-get install {FONT_PACKAGES}")
    return path, int(index)


def font(family: str, size: int) -> ImageFont.FreeTypeFont:
    path, index = font_file(family)
    return ImageFont.truetype(path, size, index=index)


def _background(rng: random.Random, size: tuple[int, int], dark: bool) -> Image.Image:
    """A soft gradient with a few blurred shapes, light or dark."""
    low, high = (10, 90) if dark else (170, 250)
    top, bottom = ([rng.randint(low, high) for _ in range(3)] for _ in range(2))
    ramp = np.linspace(0.0, 1.0, size[1])[:, None, None]
    pixels = np.array(top) * (1 - ramp) + np.array(bottom) * ramp
    image = Image.fromarray(np.repeat(pixels, size[0], axis=1).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(1, 4)):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        radius = rng.randint(20, 80)
        tone = tuple(min(255, max(0, c + rng.randint(-30, 30))) for c in top)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=tone)
    return image.filter(ImageFilter.GaussianBlur(6))


def render(rng: random.Random, lang: str, text: str) -> Image.Image:
    """``text`` drawn on a photo-like background, then degraded."""
    face = font(rng.choice(FONTS[lang]), rng.randint(20, 44))
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    left, top, right, bottom = probe.multiline_textbbox((0, 0), text, font=face, spacing=10)
    margin = rng.randint(24, 60)
    size = (right - left + 2 * margin, bottom - top + 2 * margin)
    dark = rng.random() < 0.3
    image = _background(rng, size, dark)
    ink = tuple(rng.randint(225, 255) for _ in range(3)) if dark else tuple(
        rng.randint(0, 50) for _ in range(3))
    ImageDraw.Draw(image).multiline_text((margin - left, margin - top), text, font=face,
                                         fill=ink, spacing=10)
    image = image.rotate(rng.uniform(-3, 3), resample=Image.Resampling.BICUBIC, expand=True,
                         fillcolor=image.getpixel((0, 0)))
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0, 0.8)))
    noisy = np.asarray(image, dtype=np.float32) + np.random.default_rng(
        rng.randrange(2**32)).normal(0, rng.uniform(0, 6), (image.height, image.width, 3))
    image = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=rng.randint(60, 90))
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def generate(per_lang: int = DEFAULT_PER_LANG, seed: int = 0,
             langs: tuple[str, ...] = LANGS) -> list[OcrSample]:
    """``per_lang`` samples of each language, the same for the same seed."""
    rng = random.Random(seed)
    samples = []
    for lang in langs:
        for n in range(per_lang):
            lines = TEXTS[lang]
            text = lines[n % len(lines)]
            if rng.random() < 0.3:
                text += "\n" + rng.choice([line for line in lines if line != text])
            samples.append(OcrSample(lang, text, render(rng, lang, text)))
    return samples

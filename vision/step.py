"""``media``: what a post's images show. Every image is fetched safely, hashed, labelled in
the marketing taxonomy and read (OCR); near-copies of an earlier image of the campaign point
at it, and campaign terms or registered brands seen in the images become the post's
``image_mentions``, since most posts that show a brand in a picture never name it.

A batch's images are fetched together (bounded concurrency, one fetch per distinct URL), so
an image shared by many posts costs one download. Each image is then analysed by parts
guarded one by one: an image the fetcher refuses gets ``error`` = the refusal code
(:mod:`vision.fetch`), and a labeller or OCR failure sets ``error`` while the other parts
still fill. Nothing an image does sinks its post, let alone the batch.

Re-analysis is idempotent and cheap: an image that already has a pHash from this step's
version is not fetched again; its stored hashes, labels and text are reused, and the
near-duplicate pass decides the batch exactly as the first time (:mod:`vision.groups`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from analysis.pipeline import BatchContext, Step
from analysis.registry import register
from sensing.config import Settings, get_settings
from sensing.query import Phrase, Term, matches, positive_words
from sensing.schemas import ImageRef, Media, Post, media_key
from sensing.text import distinct
from sensing.textsearch import search_tokens
from vision.fetch import Fetched, FetchOptions, MediaFetcher
from vision.groups import chunk_keys, near_originals, probe_keys
from vision.logos import LogoRegistry
from vision.phash import DEFAULT_COLOUR_TOLERANCE, DEFAULT_THRESHOLD, image_hashes

log = logging.getLogger(__name__)

IMAGE_TYPES = ("image", "gifv")
"""Media types that have an image to analyse: a picture, or the still preview of a gifv
(a short looping video whose ``preview_url`` is an image). Videos and audio are skipped."""


def fetch_options(settings: Settings) -> FetchOptions:
    """The fetcher's options from the deployment settings (``SENSING_MEDIA_*``)."""
    return FetchOptions(allow=settings.media_fetch_allow, max_bytes=settings.media_max_bytes,
                        max_pixels=settings.media_max_pixels,
                        timeout_seconds=settings.media_timeout_seconds,
                        max_redirects=settings.media_max_redirects,
                        concurrency=settings.media_fetch_concurrency)


def default_labeller(image: Image.Image) -> list[dict[str, Any]]:
    """Subject labels from the configured classifier (:mod:`vision.labels`), imported when
    first used so that a pipeline without images never loads a model."""
    from vision.labels import label_image

    return label_image(image)


def default_reader(image: Image.Image, langs: list[str]) -> str:
    """Text in the image from the OCR engines of :mod:`vision.ocr`, imported when used."""
    from vision.ocr import read_text

    return read_text(image, langs)


def mentioned(terms: list[str], text: str) -> list[str]:
    """The ``terms`` that occur in ``text`` as words or phrases, matched as campaign queries
    match posts (NFKC, casefold; Korean and Japanese as character bigrams, so a brand
    written inside a longer run of Hangul still counts)."""
    found = []
    for term in terms:
        tokens = search_tokens(term)
        if not tokens:
            continue
        node = Term(tokens[0]) if len(tokens) == 1 else Phrase(tuple(tokens))
        if matches(node, text):
            found.append(term)
    return found


class MediaOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fetch: FetchOptions | None = Field(None, description="How images are fetched (allow-list, "
                                       "byte and pixel caps, timeout, concurrency); unset: "
                                       "from the SENSING_MEDIA_* settings.")
    labels: bool = Field(True, description="Subject labels in the marketing taxonomy.")
    ocr: bool = Field(True, description="Read the text in images (ocr_text).")
    ocr_langs: list[str] | None = Field(None, description="Languages OCR reads; unset: the "
                                        "campaign's languages.")
    brands: list[str] = Field(default_factory=list, description="Names counted as image "
                              "mentions when OCR reads them, besides the campaign query's "
                              "words (competitors, product lines).")
    logos: dict[str, list[Path]] = Field(default_factory=dict, description="Brand -> logo "
                                         "image files searched for in every image "
                                         "(vision.logos); a hit is an image mention.")
    threshold: int = Field(DEFAULT_THRESHOLD, ge=0, le=32, description="pHash bits within "
                           "which two images are near-duplicates.")
    colour_tolerance: int = Field(DEFAULT_COLOUR_TOLERANCE, ge=0, le=255, description="Largest "
                                  "colour difference of near-duplicates (vision.phash).")


@dataclass
class _Analysed:
    """What the analysis of one image gives, before it is written onto media entries."""

    phash: str | None = None
    colour: str | None = None
    labels: list[dict[str, Any]] | None = None
    ocr_text: str | None = None
    logos: list[str] | None = None
    error: str | None = None


@register
class MediaStep(Step):
    name = "media"
    version = "1.0"
    title = "Images: hashes, near-duplicates, labels, OCR, brand mentions"
    description = ("Fetches each post's images safely (refusals are recorded on the media "
                   "entry as error), fills phash and colour, subject labels in the marketing "
                   "taxonomy and OCR text, points near-copies of an earlier image of the "
                   "campaign at it (media duplicate_of), and lists in image_mentions the "
                   "campaign terms, brands and registered logos seen in the images.")
    adds = ("media", "image_mentions")
    Options = MediaOptions

    labeller: Callable[[Image.Image], list[dict[str, Any]]] = staticmethod(default_labeller)
    reader: Callable[[Image.Image, list[str]], str] = staticmethod(default_reader)

    @cached_property
    def fetch(self) -> FetchOptions:
        return self.options.fetch or fetch_options(self.settings or get_settings())

    @cached_property
    def logos(self) -> LogoRegistry:
        """The registered logos, loaded once; a missing or useless file is a configuration
        error the pipeline reports when it is built, not on every image."""
        registry = LogoRegistry()
        for brand, paths in self.options.logos.items():
            for path in paths:
                with Image.open(path) as logo:
                    registry.register(brand, logo.convert("RGB"), name=path.name)
        return registry

    def __call__(self, posts: list[Post], ctx: BatchContext) -> list[Post]:
        media = {post.id: [entry.model_copy(deep=True) for entry in post.media]
                 for post in posts}
        todo = [entry for post in posts for entry in media[post.id]
                if self.wanted(entry) and not self.done_before(post, entry)]
        analysed = self.analyse_urls(sorted({self.image_url(entry) for entry in todo}),
                                     self.languages(ctx))
        for entry in todo:
            self.fill(entry, analysed[self.image_url(entry)])
        self.link_near_duplicates(posts, media, ctx)
        terms = self.terms(ctx)
        for post in posts:
            self.apply(post, {"media": media[post.id],
                              "image_mentions": self.mentions(media[post.id], terms)})
        return posts

    @staticmethod
    def image_url(entry: Media) -> str:
        """The URL of the entry's image: a gifv's still preview, else the entry's URL."""
        preview = getattr(entry, "preview_url", None)
        return preview if entry.type == "gifv" and preview else entry.url

    @staticmethod
    def wanted(entry: Media) -> bool:
        return entry.type in IMAGE_TYPES

    def done_before(self, post: Post, entry: Media) -> bool:
        """Analysed by this version of the step already (a stored post analysed again)."""
        return entry.phash is not None and post.pipeline.steps.get(self.name) == self.version

    def analyse_urls(self, urls: list[str], langs: list[str]) -> dict[str, _Analysed]:
        """Fetch every URL at once, then analyse each image that came back."""
        if not urls:
            return {}
        with MediaFetcher(self.fetch) as fetcher:
            fetched = fetcher.fetch_many(urls)
        langs = self.options.ocr_langs or langs
        return {result.url: (self.analyse_image(result, langs) if isinstance(result, Fetched)
                             else _Analysed(error=result.reason))
                for result in fetched}

    def analyse_image(self, fetched: Fetched, langs: list[str]) -> _Analysed:
        """Each part guarded on its own: a labeller that fails still leaves hashes and text.
        ``error`` names the first part that failed (``labels-failed``, ``ocr-failed``...)."""
        image = fetched.image
        found = _Analysed()
        errors: list[str] = []

        def guarded(part: str, work: Callable[[], Any]) -> Any:
            try:
                return work()
            except Exception as exc:  # noqa: BLE001 - one part must not cost the others
                log.warning("media %s failed on %s: %r", part, fetched.url, exc)
                errors.append(f"{part}-failed")
                return None

        hashes = guarded("hash", lambda: image_hashes(image))
        if hashes is not None:
            found.phash, found.colour = hashes.phash, hashes.colour
        if self.options.labels:
            found.labels = guarded("labels", lambda: self.labeller(image))
        if self.options.ocr:
            found.ocr_text = guarded("ocr", lambda: self.reader(image, langs))
        if self.options.logos:
            hits = guarded("logos", lambda: self.logos.detect(image)) or []
            found.logos = distinct([hit.brand for hit in hits])
        found.error = errors[0] if errors else None
        return found

    @staticmethod
    def fill(entry: Media, found: _Analysed) -> None:
        entry.phash, entry.colour, entry.error = found.phash, found.colour, found.error
        entry.labels = found.labels or []
        entry.ocr_text = found.ocr_text
        entry.logos = found.logos or []
        entry.duplicate_of = None
        entry.phash_chunks = []  # written with the near-duplicate links, from the new hash

    def link_near_duplicates(self, posts: list[Post], media: dict[str, list[Media]],
                             ctx: BatchContext) -> None:
        """Point every near-copy at its original, in this batch or an earlier one."""
        hashed = [(post, media_key(post.id, n), entry) for post in posts
                  for n, entry in enumerate(media[post.id]) if entry.phash and entry.colour]
        if not hashed:
            return
        refs = [ImageRef(key=key, post_id=post.id, created_at=post.created_at,
                         phash=entry.phash, colour=entry.colour) for post, key, entry in hashed]
        keys = sorted({key for ref in refs
                       for key in probe_keys(ref.phash, self.options.threshold)})
        originals = near_originals(refs, ctx.known_images(keys),
                                   threshold=self.options.threshold,
                                   colour_tolerance=self.options.colour_tolerance)
        for _, key, entry in hashed:
            entry.duplicate_of = originals.get(key)
            entry.phash_chunks = chunk_keys(entry.phash)

    def terms(self, ctx: BatchContext) -> list[str]:
        """What counts as a mention: the campaign query's words and phrases (as written,
        wildcards left out) and the configured brands."""
        words = positive_words(ctx.campaign.query) if ctx.campaign is not None else []
        return distinct([*words, *self.options.brands])

    @staticmethod
    def mentions(media: list[Media], terms: list[str]) -> list[str]:
        """Terms read in the images' text (each image on its own, so words of two images
        never join into a phrase), then brands whose logo was seen."""
        found = [term for entry in media if entry.ocr_text
                 for term in mentioned(terms, entry.ocr_text)]
        found += [brand for entry in media for brand in entry.logos]
        return distinct(found)

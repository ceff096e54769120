"""Which image is the original of a near-duplicate, within a batch and against images of a
campaign's earlier batches.

An image copies another when their pHashes differ in at most ``threshold`` bits and their
colour signatures agree (:mod:`vision.phash`). Like the text ``dedupe`` step, every image is
compared, earliest post first, with the originals found so far (never with copies), and its
original is the earliest of those it copies; an image that copies none is an original. Each
chain therefore ends after one link, and the answer does not depend on the order the batch
arrived in.

Earlier batches are reached through the store, which indexes each original image under the
four 16-bit chunks of its pHash (:func:`chunk_keys`). Two hashes ``threshold`` bits apart
agree within ``threshold // 4`` bits on at least one chunk, so looking up the chunk values
that few bits away from the new image's (:func:`probe_keys`) finds every stored candidate;
the candidates are then checked exactly, here.
"""

from __future__ import annotations

from collections.abc import Iterable

from sensing.schemas import ImageRef
from vision.phash import (
    COLOUR_CELLS,
    DEFAULT_COLOUR_TOLERANCE,
    DEFAULT_THRESHOLD,
    HashIndex,
    colour_distance,
    hash_value,
)


def chunk_keys(phash: str) -> list[str]:
    """The keys a store indexes an original image under: ``"{chunk}:{value:04x}"``."""
    return [f"{n}:{chunk:04x}" for n, chunk in enumerate(HashIndex.chunks(hash_value(phash)))]


def probe_keys(phash: str, threshold: int = DEFAULT_THRESHOLD) -> list[str]:
    """The chunk keys to look up to find every stored image within ``threshold`` bits of
    ``phash`` (and some farther ones, which the exact check drops)."""
    masks = HashIndex.probes(threshold)
    return [f"{n}:{chunk ^ mask:04x}"
            for n, chunk in enumerate(HashIndex.chunks(hash_value(phash))) for mask in masks]


def comparable(ref: ImageRef) -> bool:
    """Whether an image read back from a store can be compared: a 64-bit pHash and a colour
    signature of the size :func:`vision.phash.image_hashes` makes. A stored image with a
    damaged hash would otherwise make every later batch's comparison raise."""
    try:
        hash_value(ref.phash)
        colour = bytes.fromhex(ref.colour)
    except (ValueError, TypeError):
        return False
    return len(colour) == 3 * COLOUR_CELLS[0] * COLOUR_CELLS[1]


def near_originals(images: Iterable[ImageRef], known: Iterable[ImageRef] = (), *,
                   threshold: int = DEFAULT_THRESHOLD,
                   colour_tolerance: int = DEFAULT_COLOUR_TOLERANCE) -> dict[str, str]:
    """image key -> the key of the original it copies, for the ``images`` that copy one.

    ``known`` are originals of earlier batches (the store's answer to :func:`probe_keys`);
    those that belong to a post among ``images`` are ignored, so analysing a stored batch
    again decides it as the first time."""
    images = sorted(images, key=lambda ref: (ref.created_at, ref.post_id, ref.key))
    in_batch = {ref.post_id for ref in images}
    index = HashIndex(threshold)
    originals: dict[str, ImageRef] = {}

    def add(ref: ImageRef) -> None:
        originals[ref.key] = ref
        index.add(ref.phash, ref.key)

    for ref in sorted(known, key=lambda ref: (ref.created_at, ref.post_id, ref.key)):
        if ref.post_id not in in_batch and ref.key not in originals and comparable(ref):
            add(ref)
    found: dict[str, str] = {}
    for ref in images:
        alike = [originals[key] for key, _distance in index.within(ref.phash)
                 if colour_distance(ref.colour, originals[key].colour) <= colour_tolerance]
        if alike:
            first = min(alike, key=lambda other: (other.created_at, other.post_id, other.key))
            found[ref.key] = first.key
        else:
            add(ref)
    return found

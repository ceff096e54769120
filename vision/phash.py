"""Perceptual hashes of images, and grouping of near-duplicates across a campaign (the same
product shot reposted, re-compressed, resized or re-cropped by a few per cent).

Each image gets two signatures, as hex strings:

- ``phash`` (64 bits, ``media[].phash``): the DCT of the 32x32 grey image. It survives
  re-compression and resizing (at most 4 bits on the test set) and mostly survives small
  re-crops (2-3 % off two edges: 95-85 % of copies within 10 bits); at 5 % only half do.
  Grouping searches by it.
- ``colour``: the mean colour of each quarter of the image. pHash is blind to colour, so the
  same product render on a blue and on a silver background are 6 bits apart; their colours
  are not, while a re-compressed or re-cropped copy keeps its colours within a few levels.

Two images are near-duplicates when their pHashes differ in at most ``threshold`` bits and
no channel of their colours differs by more than ``colour_tolerance``. Groups are the
connected components of that relation (single link), found with a multi-index hash
(:class:`HashIndex`) instead of comparing all pairs, and deterministic: the same hashes give
the same groups whatever their order. What no global hash can tell apart stays grouped: two
near-blank images with different small captions (OCR can).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import combinations

import imagehash
from PIL import Image

HASH_BITS = 64
DEFAULT_THRESHOLD = 10
DEFAULT_COLOUR_TOLERANCE = 32
COLOUR_CELLS = (2, 2)


@dataclass(frozen=True)
class ImageHashes:
    """The hashes of one image, as hex strings."""

    phash: str
    colour: str


def image_hashes(image: Image.Image) -> ImageHashes:
    """The 64-bit pHash and the colour signature of ``image``."""
    cells = image.convert("RGB").resize(COLOUR_CELLS, Image.Resampling.BOX)
    return ImageHashes(phash=str(imagehash.phash(image, hash_size=8)),
                       colour=cells.tobytes().hex())


def hash_value(hex_hash: str) -> int:
    """A 64-bit hex hash as an int; anything else is refused, since comparing hashes of
    different sizes or kinds gives meaningless distances."""
    if len(hex_hash) != HASH_BITS // 4:
        raise ValueError(f"expected a {HASH_BITS}-bit hash as {HASH_BITS // 4} hex digits, "
                         f"got {hex_hash!r}")
    return int(hex_hash, 16)


def hamming(a: str, b: str) -> int:
    """Bits in which two hex hashes differ."""
    return (hash_value(a) ^ hash_value(b)).bit_count()


def colour_distance(a: str, b: str) -> int:
    """The largest difference (0-255) of one channel of one cell between two colour
    signatures."""
    first, second = bytes.fromhex(a), bytes.fromhex(b)
    if len(first) != len(second):
        raise ValueError(f"colour signatures of different sizes: {a!r}, {b!r}")
    return max(abs(x - y) for x, y in zip(first, second, strict=True))


@cache
def _flip_masks(bits: int, radius: int) -> tuple[int, ...]:
    """Every mask of ``bits`` bits with at most ``radius`` bits set, fewest first (made once
    per radius: every index and every probe of a batch asks for the same)."""
    return tuple(sum(1 << bit for bit in chosen)
                 for count in range(radius + 1) for chosen in combinations(range(bits), count))


class HashIndex:
    """Finds the hashes within ``radius`` bits of a query without comparing them all:
    multi-index hashing (Norouzi, Punjani and Fleet, 2012). The 64 bits are cut into
    ``CHUNKS`` chunks; two hashes within ``radius`` bits agree within ``radius // CHUNKS``
    bits on at least one chunk (pigeonhole), so a query looks up, in each chunk's table,
    its chunk and the chunks those few bits away, and checks only what it finds there.

    A BK-tree was measured first and lost even to comparing all pairs: at 10 bits of 64
    its triangle-inequality pruning still visits about 70 % of the tree. The chunk tables
    are also what a store can index (one keyword field per chunk) to find near-duplicates
    across batches."""

    CHUNKS = 4
    CHUNK_BITS = HASH_BITS // CHUNKS

    def __init__(self, radius: int):
        if not 0 <= radius < HASH_BITS:
            raise ValueError(f"radius must be within 0..{HASH_BITS - 1} bits, got {radius}")
        self.radius = radius
        self._probes = self.probes(radius)
        self._tables: list[dict[int, list[int]]] = [{} for _ in range(self.CHUNKS)]
        self._values: list[int] = []
        self._keys: list[str] = []

    @classmethod
    def chunks(cls, value: int) -> list[int]:
        """The hash's ``CHUNKS`` chunks, lowest bits first: chunk ``n`` is what table ``n``
        files it under, and what a store indexes it under (:func:`vision.groups.chunk_keys`)."""
        mask = (1 << cls.CHUNK_BITS) - 1
        return [(value >> (n * cls.CHUNK_BITS)) & mask for n in range(cls.CHUNKS)]

    @classmethod
    def probes(cls, radius: int) -> tuple[int, ...]:
        """The masks XORed onto each chunk of a query to reach every hash within ``radius``
        bits (pigeonhole: ``radius // CHUNKS`` bits per chunk)."""
        return _flip_masks(cls.CHUNK_BITS, radius // cls.CHUNKS)

    def _chunks(self, value: int) -> Iterator[tuple[dict[int, list[int]], int]]:
        return zip(self._tables, self.chunks(value), strict=True)

    def add(self, hex_hash: str, key: str) -> None:
        value = hash_value(hex_hash)
        for table, chunk in self._chunks(value):
            table.setdefault(chunk, []).append(len(self._values))
        self._values.append(value)
        self._keys.append(key)

    def within(self, hex_hash: str) -> Iterator[tuple[str, int]]:
        """Every (key, distance) whose hash is at most ``radius`` bits from ``hex_hash``,
        each once, in a deterministic order."""
        value = hash_value(hex_hash)
        seen: set[int] = set()
        for table, chunk in self._chunks(value):
            for probe in self._probes:
                for position in table.get(chunk ^ probe, ()):
                    if position in seen:
                        continue
                    seen.add(position)
                    distance = (value ^ self._values[position]).bit_count()
                    if distance <= self.radius:
                        yield self._keys[position], distance


def group_near_duplicates(hashes: Mapping[str, ImageHashes],
                          threshold: int = DEFAULT_THRESHOLD,
                          colour_tolerance: int = DEFAULT_COLOUR_TOLERANCE) -> list[list[str]]:
    """Groups of keys (two or more) whose images chain as near-duplicates (module docstring).

    ``hashes`` maps a key (a post id and media index, a URL) to its image's hashes. Each
    group is sorted, and groups are ordered by their first key, so the answer does not
    depend on the order of ``hashes``."""
    index = HashIndex(threshold)
    parent = {key: key for key in hashes}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for key in sorted(hashes):
        for other, _distance in index.within(hashes[key].phash):
            if colour_distance(hashes[key].colour, hashes[other].colour) > colour_tolerance:
                continue
            a, b = root(key), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
        index.add(hashes[key].phash, key)
    groups: dict[str, list[str]] = {}
    for key in sorted(hashes):
        groups.setdefault(root(key), []).append(key)
    return sorted((members for members in groups.values() if len(members) > 1),
                  key=lambda members: members[0])

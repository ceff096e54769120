"""Near-duplicate detection primitives: shingles, MinHash signatures and LSH band keys.

Copy-pasta with a word changed, bot posts filled from one template with other numbers, links
and handles, reposts with a comment added: their shingle sets overlap heavily, and the
Jaccard similarity of two sets is what a MinHash signature estimates. LSH cuts a signature
into bands; two posts that agree on a whole band become candidates, found by exact lookups
of band keys (a SQL index, an Elasticsearch ``terms`` query) instead of comparing every pair.
A candidate is linked only when its estimated Jaccard reaches the threshold.

Everything here is pure and deterministic (CRC32 shingle hashes, one mixing function salted
per hash function from a fixed seed): the same text gives the same band keys on every
machine and every run, which is what lets band keys stored with one batch match posts of a
later batch.

A band key carries its row values in clear (``<scheme>.<band>.<hex rows>``), so a post's
band keys are its whole signature: a stored post needs no second field to be verified.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from sensing.text import hash_form

# splitmix64's finaliser: a bijection on 64-bit words whose outputs look independent. Salting
# its input gives the family of hash functions; a linear ``a * x + b mod p`` family with
# 32-bit ``a`` and ``x`` (all that fits uint64 arithmetic) is nearly monotonic in ``x`` and
# overestimated dissimilar pairs' Jaccard twofold.
MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
MIX_2 = np.uint64(0x94D049BB133111EB)
DIGITS = re.compile(r"\d+")
# Han, Hiragana, Katakana, Hangul (syllables and jamo), CJK punctuation and fullwidth forms:
# scripts written without spaces between words (Korean has spaces, but particles attach).
CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
                 r"\uac00-\ud7af\uf900-\ufaff]")


@dataclass(frozen=True)
class MinHashScheme:
    """The parameters that make two band keys comparable. ``bands * rows`` hash functions;
    LSH makes pairs above roughly ``(1 / bands) ** (1 / rows)`` Jaccard candidates with high
    probability, so the linking threshold should not be far below that."""

    bands: int = 32
    rows: int = 4
    seed: int = 20261016
    latin_ngram: int = 5
    cjk_ngram: int = 2

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows

    @cached_property
    def tag(self) -> str:
        """Short id of everything that shapes a signature: band keys of another scheme never
        collide with this one's."""
        spec = f"{self.bands}/{self.rows}/{self.seed}/{self.latin_ngram}/{self.cjk_ngram}"
        return hashlib.blake2b(spec.encode(), digest_size=3).hexdigest()

    @cached_property
    def salts(self) -> np.ndarray:
        """One 64-bit salt per hash function, from the seed."""
        return np.random.default_rng(self.seed).integers(
            0, np.iinfo(np.uint64).max, size=self.num_perm, dtype=np.uint64, endpoint=True)


DEFAULT_SCHEME = MinHashScheme()


def shingle_text(text: str) -> str:
    """The text shingles are cut from: ``hash_form`` (no URLs, mentions, case), compatibility
    forms folded and every number written ``0``, so bot posts that differ only in amounts,
    order numbers or dates shingle alike."""
    return DIGITS.sub("0", unicodedata.normalize("NFKC", hash_form(text)))


def is_cjk(text: str, share: float = 0.3) -> bool:
    """Mostly written in a script without word spaces (Chinese, Japanese, Korean)."""
    letters = sum(1 for ch in text if ch.isalnum())
    return letters > 0 and len(CJK.findall(text)) / letters >= share


def shingles(text: str, scheme: MinHashScheme = DEFAULT_SCHEME, min_chars: int = 12
             ) -> set[str]:
    """Character n-grams of the shingle text: short ones without spaces for CJK (a Korean
    edit often moves a space), longer ones across word boundaries for spaced languages.
    Texts with fewer than ``min_chars`` non-space characters have no shingles: different
    people write "wow 😍" independently, so it proves nothing."""
    core = shingle_text(text)
    if len(core.replace(" ", "")) < min_chars:
        return set()
    if is_cjk(core):
        core, size = core.replace(" ", ""), scheme.cjk_ngram
    else:
        size = scheme.latin_ngram
    if len(core) <= size:
        return {core}
    return {core[i:i + size] for i in range(len(core) - size + 1)}


def signature(shingle_set: set[str], scheme: MinHashScheme = DEFAULT_SCHEME
              ) -> np.ndarray | None:
    """The MinHash signature (``num_perm`` uint32 minima), or None for an empty set."""
    if not shingle_set:
        return None
    hashes = np.fromiter((zlib.crc32(s.encode()) for s in shingle_set), dtype=np.uint64,
                         count=len(shingle_set))
    return (mix(hashes[:, None] ^ scheme.salts[None, :]).min(axis=0) >> np.uint64(32)
            ).astype(np.uint32)


def mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, elementwise (uint64 products wrap, as intended)."""
    z = (z ^ (z >> np.uint64(30))) * MIX_1
    z = (z ^ (z >> np.uint64(27))) * MIX_2
    return z ^ (z >> np.uint64(31))


def band_keys(sig: np.ndarray | None, scheme: MinHashScheme = DEFAULT_SCHEME) -> list[str]:
    """One key per band: ``<scheme tag>.<band number>.<the band's rows in hex>``."""
    if sig is None:
        return []
    rows = sig.reshape(scheme.bands, scheme.rows).astype(">u4")
    return [f"{scheme.tag}.{i:03d}.{rows[i].tobytes().hex()}" for i in range(scheme.bands)]


def signature_from_bands(keys: list[str], scheme: MinHashScheme = DEFAULT_SCHEME
                         ) -> np.ndarray | None:
    """The signature back from a post's band keys; None when they are of another scheme
    (or incomplete), since signatures of different schemes cannot be compared."""
    mine = {int(band): rows for tag, band, rows in (k.split(".") for k in keys)
            if tag == scheme.tag}
    if sorted(mine) != list(range(scheme.bands)):
        return None
    raw = b"".join(bytes.fromhex(mine[band]) for band in range(scheme.bands))
    return np.frombuffer(raw, dtype=">u4").astype(np.uint32)


def jaccard_estimate(sig: np.ndarray, others: np.ndarray) -> np.ndarray:
    """The share of hash functions on which ``sig`` agrees with another signature, or with
    each row of a stack of them (one comparison for all of a post's candidates)."""
    return np.mean(others == sig, axis=-1)

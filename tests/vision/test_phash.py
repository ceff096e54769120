"""Perceptual hashes and near-duplicate grouping: which copies of an image are found again
(re-compressed, resized, re-cropped), which different images are kept apart, and the
precision and recall of grouping on a generated set."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from sensing.schemas import ImageRef
from tests.vision import images
from vision.groups import chunk_keys, near_originals, probe_keys
from vision.phash import (
    DEFAULT_COLOUR_TOLERANCE,
    DEFAULT_THRESHOLD,
    HashIndex,
    ImageHashes,
    colour_distance,
    group_near_duplicates,
    hamming,
    image_hashes,
)

Transform = Callable[[Image.Image], Image.Image]
COPIES: dict[str, Transform] = {
    "original": lambda image: image,
    "recropped-3%": lambda image: images.recropped(image, 0.03),
    "recompressed-q35": lambda image: images.recompressed(image, 35),
    "resized-50%": lambda image: images.resized(image, 0.5),
    "resized-60%-q50": lambda image: images.recompressed(images.resized(image, 0.6), 50),
}


@pytest.fixture(scope="module")
def photos() -> dict[str, Image.Image]:
    """30 generated photos and the 10 bundled sample images (which share layouts: three
    captions on white, one phone render on three backgrounds), all different images."""
    found = {f"photo-{n}": images.synthetic_photo(n) for n in range(30)}
    for path in sorted(images.SAMPLE_MEDIA.glob("*.png")):
        found[path.stem] = Image.open(path).convert("RGB")
    return found


@pytest.fixture(scope="module")
def copies(photos: dict[str, Image.Image]) -> dict[str, ImageHashes]:
    """``<image>/<copy>`` -> hashes, for every image and every kind of copy."""
    return {f"{name}/{kind}": image_hashes(transform(photo))
            for name, photo in photos.items() for kind, transform in COPIES.items()}


def test_hashes_are_fixed_size_hex_and_deterministic():
    photo = images.synthetic_photo(3)
    hashes = image_hashes(photo)
    assert hashes == image_hashes(photo.copy())
    assert (len(hashes.phash), len(hashes.colour)) == (16, 24)
    assert int(hashes.phash, 16) >= 0 and len(bytes.fromhex(hashes.colour)) == 12


@pytest.mark.parametrize("kind", ["recompressed-q35", "resized-50%", "resized-60%-q50"])
def test_recompressed_and_resized_copies_stay_within_a_few_bits(
        copies: dict[str, ImageHashes], photos: dict[str, Image.Image], kind: str):
    distances = [hamming(copies[f"{name}/original"].phash, copies[f"{name}/{kind}"].phash)
                 for name in photos]
    assert max(distances) <= 4, distances


def test_most_light_recrops_stay_within_the_threshold(copies: dict[str, ImageHashes],
                                                      photos: dict[str, Image.Image]):
    distances = [hamming(copies[f"{name}/original"].phash, copies[f"{name}/recropped-3%"].phash)
                 for name in photos]
    within = sum(d <= DEFAULT_THRESHOLD for d in distances) / len(distances)
    assert within >= 0.85, sorted(distances)


def test_different_photos_are_far_apart(copies: dict[str, ImageHashes]):
    originals = [copies[f"photo-{n}/original"].phash for n in range(30)]
    closest = min(hamming(a, b) for a, b in itertools.combinations(originals, 2))
    assert closest > DEFAULT_THRESHOLD + 4


def test_colour_keeps_one_render_on_two_backgrounds_apart(copies: dict[str, ImageHashes]):
    """pHash sees grey levels only: the blue and silver product renders are a few bits
    apart, and only their colours separate them."""
    blue, silver = copies["x2-product-blue/original"], copies["x2-product-silver/original"]
    assert hamming(blue.phash, silver.phash) <= DEFAULT_THRESHOLD
    assert colour_distance(blue.colour, silver.colour) > DEFAULT_COLOUR_TOLERANCE
    assert group_near_duplicates({"blue": blue, "silver": silver}) == []


def test_grouping_precision_and_recall_on_the_generated_set(copies: dict[str, ImageHashes]):
    """Pairs of copies in one group versus pairs of copies of one image, at the defaults.
    Measured: precision 0.938 (the one false pair: two near-blank caption images, which no
    global hash separates), recall 0.95 (the misses: re-crops)."""
    groups = group_near_duplicates(copies)
    group_of = {key: n for n, members in enumerate(groups) for key in members}
    true_pos = false_pos = false_neg = 0
    for a, b in itertools.combinations(sorted(copies), 2):
        same_image = a.split("/")[0] == b.split("/")[0]
        grouped = a in group_of and group_of.get(a) == group_of.get(b)
        true_pos += grouped and same_image
        false_pos += grouped and not same_image
        false_neg += same_image and not grouped
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    print(f"near-duplicate grouping at threshold {DEFAULT_THRESHOLD}, colour tolerance "
          f"{DEFAULT_COLOUR_TOLERANCE}: precision {precision:.3f}, recall {recall:.3f}, "
          f"{len(groups)} groups of {len(copies)} images")
    assert precision >= 0.93 and recall >= 0.93


def test_groups_do_not_depend_on_input_order(copies: dict[str, ImageHashes]):
    shuffled = list(copies.items())
    random.Random(5).shuffle(shuffled)
    assert group_near_duplicates(dict(shuffled)) == group_near_duplicates(copies)


def test_groups_chain_single_link_and_are_sorted():
    colour = "00" * 12
    hashes = {"c": ImageHashes("000000000000000f", colour),   # 4 bits from a
              "a": ImageHashes("0000000000000000", colour),
              "b": ImageHashes("00000000000000ff", colour),   # 4 from c, 8 from a
              "z": ImageHashes("ffffffffffffffff", colour)}
    assert group_near_duplicates(hashes, threshold=4) == [["a", "b", "c"]]
    assert group_near_duplicates(hashes, threshold=3) == []


def test_stored_images_with_damaged_hashes_are_never_originals():
    """A store hands back what it holds; an image whose hash or colour signature is damaged
    would make every comparison raise, so it is skipped and the undamaged one still wins."""
    when = datetime(2026, 5, 1, tzinfo=UTC)
    colour = "10" * 12
    known = [ImageRef("old#0", "old", when, "aaaabbbbccccdddd", "zz"),
             ImageRef("old#1", "old", when, "not-a-hash-at-all", colour),
             ImageRef("old#2", "old", when, "aaaabbbbccccdddd", colour[:6]),
             ImageRef("old#3", "old", when + timedelta(hours=1), "aaaabbbbccccdddd", colour)]
    new = ImageRef("new#0", "new", when + timedelta(days=1), "aaaabbbbccccdddd", colour)
    assert near_originals([new], known) == {"new#0": "old#3"}


@pytest.mark.parametrize("radius", [0, 3, 4, 10, 13, 20])
def test_the_index_answers_exactly_what_comparing_all_pairs_would(radius: int):
    """Hashes in families (a random hash and copies 0-14 bits away), so that every
    radius has neighbours to find, including ones just inside and just outside it."""
    rng = random.Random(radius)
    values = []
    for _family in range(40):
        base = rng.getrandbits(64)
        values += [base] + [base ^ sum(1 << bit for bit in rng.sample(range(64),
                                                                      rng.randrange(15)))
                            for _copy in range(3)]
    hexes = [f"{value:016x}" for value in values]
    index = HashIndex(radius)
    for n, hex_hash in enumerate(hexes):
        index.add(hex_hash, str(n))
    found_any = False
    for query in hexes:
        found = list(index.within(query))
        expected = {(str(n), hamming(query, h)) for n, h in enumerate(hexes)
                    if hamming(query, h) <= radius}
        assert len(found) == len(set(found)) and set(found) == expected
        found_any |= len(expected) > 1
    assert found_any


@pytest.mark.parametrize(("a", "b"), [("abc", "0" * 16), ("0" * 16, "0" * 32)])
def test_hashes_of_other_sizes_are_refused(a: str, b: str):
    with pytest.raises(ValueError, match="64-bit"):
        hamming(a, b)


def test_a_threshold_outside_the_hash_is_refused():
    with pytest.raises(ValueError, match="radius"):
        group_near_duplicates({}, threshold=64)


@pytest.mark.parametrize("radius", [0, 4, 10])
def test_probing_a_store_finds_every_hash_the_index_finds(radius: int):
    """A store files an original under :func:`chunk_keys` and a later batch looks it up by
    :func:`probe_keys`: both cut the hash as the in-memory index does, so a stored hash
    within ``radius`` bits always shares a key with the probe."""
    rng = random.Random(radius)
    query = rng.getrandbits(64)
    for distance in range(radius + 1):
        copy = query ^ sum(1 << bit for bit in rng.sample(range(64), distance))
        stored, probe = f"{copy:016x}", f"{query:016x}"
        assert set(chunk_keys(stored)) & set(probe_keys(probe, radius)), distance
    assert chunk_keys("aaaabbbbccccdddd") == ["0:dddd", "1:cccc", "2:bbbb", "3:aaaa"]

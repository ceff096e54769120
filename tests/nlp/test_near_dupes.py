"""``nlp.near_dupes``: what counts as a near copy, in spaced and unspaced scripts, and the
labelled evaluation (``sensing eval dedupe``)."""

from __future__ import annotations

from itertools import combinations

from lab.evals.dedupe import evaluate, format_table, load_set
from nlp.near_dupes import (
    DEFAULT_SCHEME,
    MinHashScheme,
    band_keys,
    jaccard_estimate,
    shingles,
    signature,
    signature_from_bands,
)

REVIEW = ("Just got my Nova Lumina X2 and the camera is honestly insane in low light, best "
          "phone I have ever owned")
BOT = ("WIN a brand new Nova Lumina X2!!! Follow {h} and retweet this post, {n} winners "
       "announced on Friday {url}")


def text_bands(text: str, scheme: MinHashScheme = DEFAULT_SCHEME) -> list[str]:
    return band_keys(signature(shingles(text, scheme), scheme), scheme)


def jaccard(a: set[str], b: set[str]) -> float:
    """The exact similarity the signatures estimate."""
    return len(a & b) / len(a | b)


def estimate(a: str, b: str) -> float:
    return jaccard_estimate(signature(shingles(a)), signature(shingles(b)))


def share_a_band(a: str, b: str) -> bool:
    return bool(set(text_bands(a)) & set(text_bands(b)))


def test_small_edits_and_added_comments_stay_near() -> None:
    for edited in (REVIEW.replace("honestly ", ""), REVIEW.replace("insane", "insanne"),
                   "This!! " + REVIEW, f"RT @lumi_fan: {REVIEW} 😂"):
        assert estimate(REVIEW, edited) >= 0.6, edited
        assert share_a_band(REVIEW, edited), edited


def test_templated_bot_posts_differ_only_in_what_is_thrown_away() -> None:
    one = BOT.format(h="@promo1", n=5, url="https://bit.ly/a1")
    other = BOT.format(h="@deals77", n=500, url="https://x.co/zz9")
    assert shingles(one) == shingles(other)
    assert text_bands(one) == text_bands(other)


def test_different_posts_on_the_same_topic_are_not_near() -> None:
    other = ("The Nova Lumina X2 camera is terrible in low light, worst phone I have owned "
             "in years")
    assert estimate(REVIEW, other) < 0.5
    assert not share_a_band(REVIEW, "Nova Lumina X2 battery died after 5 hours of light use")


def test_korean_and_japanese_are_shingled_by_characters() -> None:
    korean = "노바루미나 X2 오늘 받았는데 야간 카메라 진짜 미쳤어요 지금까지 써본 폰 중에 최고"
    respaced = korean.replace("진짜 미쳤어요", "진짜미쳤어요").replace("써본 폰", "써본폰")
    assert shingles(korean) == shingles(respaced), "spacing changes nothing in Korean"
    japanese = ("Nova Lumina X2届いた!夜景モードのカメラが本当にすごい、"
                "今まで使ったスマホの中で一番好き")
    assert estimate(japanese, japanese.replace("本当に", "") + "w") >= 0.6
    other = "Nova Lumina X2のバッテリー、二日まるごと持つ。この値段なら期待以上"
    assert estimate(japanese, other) < 0.3
    assert all(len(s) == DEFAULT_SCHEME.cjk_ngram for s in shingles(japanese))


def test_short_texts_have_no_signature() -> None:
    assert shingles("wow 😍 https://a.example/x @someone") == set()
    assert signature(set()) is None and text_bands("so good") == []


def test_band_keys_are_deterministic_and_carry_the_whole_signature() -> None:
    assert text_bands(REVIEW) == text_bands(REVIEW)
    sig = signature(shingles(REVIEW))
    keys = band_keys(sig)
    assert len(keys) == DEFAULT_SCHEME.bands and (signature_from_bands(keys) == sig).all()
    one_row_bands = MinHashScheme(bands=128, rows=1)
    wide = signature(shingles(REVIEW, one_row_bands), one_row_bands)
    assert (signature_from_bands(band_keys(wide, one_row_bands)[::-1], one_row_bands)
            == wide).all(), "any order, band numbers past 99"
    other = MinHashScheme(bands=16, rows=8)
    assert signature_from_bands(keys, other) is None, "another scheme's keys are not comparable"
    assert not set(keys) & set(text_bands(REVIEW, other))


def test_the_estimate_tracks_the_true_jaccard() -> None:
    texts = [row["text"] for row in load_set()[:60]]
    errors = [abs(jaccard(shingles(a), shingles(b)) - estimate(a, b))
              for a, b in combinations(texts, 2) if shingles(a) and shingles(b)]
    assert sum(errors) / len(errors) < 0.03 and max(errors) < 0.25


def test_the_labelled_set_is_multilingual_with_groups_and_negatives() -> None:
    rows = load_set()
    langs = {row["id"].split("-")[0] for row in rows}
    sizes: dict[str, int] = {}
    for row in rows:
        sizes[row["group"]] = sizes.get(row["group"], 0) + 1
    assert len(rows) >= 300 and {"en", "ko", "ja", "es"} <= langs
    assert sum(1 for n in sizes.values() if n > 1) >= 40
    assert sum(1 for n in sizes.values() if n == 1) >= 60


def test_near_duplicates_find_far_more_copies_than_exact_hashes() -> None:
    exact, *near = evaluate(thresholds=(0.5, 0.8))
    assert exact.precision == 1.0 and exact.recall < 0.2
    assert all(s.recall > exact.recall + 0.5 and s.precision > 0.9 for s in near)
    printed = format_table([exact, *near]).splitlines()
    assert printed[0].split()[0] == "configuration" and len(printed) == 4
    assert printed[1].startswith("exact only") and printed[3].startswith("+ near, J ≥ 0.80")

"""``hashtags``: one spelling per tag, so aggregations count a tag once."""

from __future__ import annotations

from nlp.pipeline import BatchContext
from nlp.steps.hashtags import Hashtags, normalise_hashtag
from tests.nlp.conftest import analyse, post


def test_a_tag_is_stripped_of_hash_nfkc_normalised_and_casefolded() -> None:
    assert normalise_hashtag("#NovaLumina") == "novalumina"
    assert normalise_hashtag("＃ＬｕｍｉｎａＸ２") == "luminax2"
    assert normalise_hashtag(" #Straße ") == "strasse"
    assert normalise_hashtag("#노바루미나") == "노바루미나"


def test_tags_are_deduplicated_in_order_and_empty_ones_dropped() -> None:
    p = post(1, "")
    p.hashtags = ["#NovaLumina", "LAUNCH", "novalumina", "#", "  ", "launch"]
    [done] = Hashtags()([p], BatchContext())
    assert done.hashtags == ["novalumina", "launch"]


def test_in_the_pipeline_text_tags_and_platform_tags_merge() -> None:
    p = post(1, "#NovaLumina #novalumina ＃ＬｕｍｉｎａＸ２")
    p.hashtags = ["NovaLumina", "Launch"]
    [done] = analyse(p)
    assert done.hashtags == ["novalumina", "launch", "luminax2"]

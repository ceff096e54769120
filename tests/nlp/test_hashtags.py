"""``hashtags``: one spelling per tag, so aggregations count a tag once, and the words of
compound tags, so a query or a keyword list can read them; and which tags go together."""

from __future__ import annotations

import pytest

from analysis.pipeline import BatchContext
from nlp.cooccurrence import hashtag_cooccurrence
from nlp.hashtag_split import split_hashtag
from nlp.steps.hashtags import Hashtags, normalise_hashtag
from sensing.schemas import Post
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


# --- compound hashtags: their words ---------------------------------------------------------

def test_camel_case_marks_the_words_and_keeps_a_model_number_whole() -> None:
    assert split_hashtag("#NovaLuminaX2") == ["nova", "lumina", "x2"]
    assert split_hashtag("GalaxyS24Ultra") == ["galaxy", "s24", "ultra"]
    assert split_hashtag("iPhone15Pro") == ["iphone", "15", "pro"]
    assert split_hashtag("HTTPServer") == ["http", "server"]
    assert split_hashtag("ÉcoleNormale", "fr") == ["école", "normale"]


def test_a_one_case_latin_tag_is_split_by_english_word_frequencies() -> None:
    assert split_hashtag("#bestphoneever") == ["best", "phone", "ever"]
    assert split_hashtag("photooftheday") == ["photo", "of", "the", "day"]
    assert split_hashtag("LUMINAX2") == ["lumina", "x2"]
    assert split_hashtag("nova_lumina") == ["nova", "lumina"]


def test_a_tag_wordninja_can_only_cut_into_fragments_stays_whole() -> None:
    assert split_hashtag("ootd") == ["ootd"]  # not "oo td"
    assert split_hashtag("tecnologia", "es") == ["tecnologia"]  # not "tecnol ogi a"
    assert split_hashtag("appareilphoto", "fr") == ["appareilphoto"]  # not "app are il photo"
    assert split_hashtag("smartphone") == ["smartphone"]


def test_in_other_languages_only_common_english_words_split_a_tag() -> None:
    assert split_hashtag("nightmode", "es") == ["night", "mode"]
    assert split_hashtag("novalumina", "en") == ["nova", "lumina"]
    assert split_hashtag("novalumina", "es") == ["novalumina"]  # "lumina" is a rare word


def test_korean_tags_are_spaced_and_japanese_and_chinese_left_whole() -> None:
    assert split_hashtag("#갤럭시신제품출시", "ko") == ["갤럭시", "신제품", "출시"]
    assert split_hashtag("노바루미나X2출시", "ko") == ["노바루미나", "x2", "출시"]
    assert split_hashtag("ノヴァルミナ発表", "ja") == ["ノヴァルミナ発表"]
    assert split_hashtag("新品发布", "zh") == ["新品发布"]


def test_odd_tags_give_an_answer_not_an_error() -> None:
    assert split_hashtag("#") == []
    assert split_hashtag("2026") == ["2026"]
    assert split_hashtag("x" * 500) == ["x" * 500]


def test_the_step_records_the_words_of_compound_tags_from_their_best_spelling() -> None:
    p = post(1, "")
    p.lang = "en"
    # Platforms hand over lowercase tags; the text keeps the writer's camelCase.
    p.hashtags = ["novaluminax2", "launch", "NovaLuminaX2", "bestphoneever", "갤럭시신제품출시"]
    [done] = Hashtags()([p], BatchContext())
    assert done.hashtags == ["novaluminax2", "launch", "bestphoneever", "갤럭시신제품출시"]
    assert done.hashtag_words == {"novaluminax2": ["nova", "lumina", "x2"],
                                  "bestphoneever": ["best", "phone", "ever"],
                                  "갤럭시신제품출시": ["갤럭시", "신제품", "출시"]}


def test_in_the_pipeline_a_query_for_the_words_can_find_the_tag() -> None:
    from sensing.query import matches, parse_query

    [done] = analyse(post(1, "Unboxed it today #NovaLuminaX2"))
    assert done.hashtags == ["novaluminax2"]
    assert matches(parse_query('"nova lumina"'), " ".join(done.hashtag_words["novaluminax2"]))


# --- co-occurrence ------------------------------------------------------------------------

def tagged(*tag_sets: tuple[str, ...]) -> list[Post]:
    posts = []
    for n, tags in enumerate(tag_sets):
        p = post(n, "")
        p.hashtags = list(tags)
        posts.append(p)
    return posts


# 17 tagged posts and one without tags: the two brand tags are each used 10 times and together
# 6 times (about chance), the two photo tags only ever together.
CONVERSATION = tagged(*[("novalumina", "luminax2")] * 6, *[("novalumina",)] * 4,
                      *[("luminax2",)] * 4, *[("nightshot", "lowlight")] * 3, ())


def test_pairs_come_with_their_counts_lift_and_npmi() -> None:
    found = hashtag_cooccurrence(CONVERSATION, min_count=3)
    assert found.tagged_posts == 17
    brand, photo = found.pairs
    assert (brand.a, brand.b, brand.count, brand.a_count, brand.b_count) == (
        "luminax2", "novalumina", 6, 10, 10)
    assert brand.lift == pytest.approx(6 * 17 / (10 * 10), abs=1e-4)  # 1.02: chance
    assert brand.npmi == pytest.approx(0.019, abs=1e-3)
    assert (photo.a, photo.b, photo.count) == ("lowlight", "nightshot", 3)
    assert photo.lift == pytest.approx(17 / 3, abs=1e-4)
    assert photo.npmi == pytest.approx(1.0)  # never one without the other


def test_pairs_rank_by_count_or_by_association_and_need_min_count() -> None:
    by_npmi = hashtag_cooccurrence(CONVERSATION, min_count=3, order="npmi")
    assert [(p.a, p.b) for p in by_npmi.pairs] == [("lowlight", "nightshot"),
                                                  ("luminax2", "novalumina")]
    assert [p.b for p in hashtag_cooccurrence(CONVERSATION, min_count=4).pairs] == [
        "novalumina"]
    assert hashtag_cooccurrence(CONVERSATION, limit=1, min_count=1).pairs[0].count == 6
    assert hashtag_cooccurrence([], min_count=1).pairs == []


def test_before_langid_the_platforms_declared_language_decides_how_tags_split() -> None:
    spanish = Post.model_validate({**post(1, "").model_dump(), "lang_hint": "es",
                                   "hashtags": ["novalumina"]})
    english = Post.model_validate({**post(2, "").model_dump(), "lang_hint": "en-US",
                                   "hashtags": ["novalumina"]})
    [es, en] = Hashtags()([spanish, english], BatchContext())
    assert es.hashtag_words == {}  # "lumina" is too rare an English word for a Spanish post
    assert en.hashtag_words == {"novalumina": ["nova", "lumina"]}


@pytest.mark.parametrize("hint", ["en-US", "en_US", " EN "])
def test_the_declared_language_is_read_as_langid_reads_it(hint: str) -> None:
    tagged_post = Post.model_validate({**post(1, "").model_dump(), "lang_hint": hint,
                                       "hashtags": ["novalumina"]})
    [done] = Hashtags()([tagged_post], BatchContext())
    assert done.hashtag_words == {"novalumina": ["nova", "lumina"]}


def test_a_stuffed_post_keeps_every_tag_but_only_its_first_are_segmented() -> None:
    p = post(1, "")
    p.hashtags = [f"bestphone{n}ever" for n in range(500)]
    [done] = Hashtags()([p], BatchContext())
    assert len(done.hashtags) == 500
    assert len(done.hashtag_words) == 30
    assert done.hashtag_words["bestphone0ever"] == ["best", "phone", "0", "ever"]

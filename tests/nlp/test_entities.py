"""``entities``: who and what a post names, and the words it is about, in any language.

Trained spaCy pipelines read English, French, Spanish and Japanese; kiwipiepy reads Korean;
patterns read the rest. Every analyser's labels come out in one small set, the campaign's
product names are always PRODUCT, and keywords are casefolded nouns without links, handles,
hashtags or masks. These tests run the real models."""

from __future__ import annotations

import time

import pytest

from analysis.pipeline import DEFAULT_PIPELINE, BatchContext, build_pipeline
from nlp.korean import kiwi
from nlp.linguistics import analyse
from nlp.linguistics.results import LABELS
from nlp.steps.entities import Entities, EntitiesOptions, campaign_names
from sensing.schemas import Campaign, Post
from tests.nlp.conftest import LAUNCH, post

X2 = Campaign(id="x2", name="Nova Lumina X2", launch_at=LAUNCH,
              query='"Nova Lumina" OR 노바루미나 OR "노바 루미나" OR X2 OR phone')


def run(lang: str, *texts: str, campaign: Campaign | None = None, **options: object
        ) -> list[Post]:
    posts = []
    for n, text in enumerate(texts):
        p = post(n, text)
        p.text, p.lang = text, lang
        posts.append(p)
    ctx = BatchContext(campaign=campaign)
    return Entities(EntitiesOptions.model_validate(options))(posts, ctx)


def names(found: Post) -> set[tuple[str, str]]:
    return {(e.text, e.label) for e in found.entities}


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("en", "Apple hired Tim Cook in California.",
     {("Apple", "ORG"), ("Tim Cook", "PERSON"), ("California", "LOC")}),
    ("fr", "Emmanuel Macron a visité Renault à Paris.",
     {("Emmanuel Macron", "PERSON"), ("Renault", "ORG"), ("Paris", "LOC")}),
    ("es", "El presidente Pedro Sánchez habló en Madrid.",
     {("Pedro Sánchez", "PERSON"), ("Madrid", "LOC")}),
])
def test_each_spacy_pipeline_finds_people_organisations_and_places_in_common_labels(
        lang: str, text: str, expected: set[tuple[str, str]]) -> None:
    (found,) = run(lang, text)
    assert names(found) == expected


def test_a_model_number_makes_an_entity_a_product_whatever_the_model_called_it() -> None:
    (found,) = run("en", "I finally bought the Nova Lumina X2 yesterday.")
    assert ("Nova Lumina X2", "PRODUCT") in names(found)  # en_core_web_sm says ORG
    assert all(e.label in LABELS for e in found.entities)


def test_dates_and_amounts_are_not_entities() -> None:
    (found,) = run("en", "Google paid $5 million on Monday for 30% of the startup in June 2018.")
    assert names(found) == {("Google", "ORG")}


def test_korean_proper_nouns_and_foreign_names_are_entities_and_nouns_keywords() -> None:
    (found,) = run("ko", "삼성전자 갤럭시 S24보다 노바루미나 X2가 낫다. 카메라와 배터리가 좋아요")
    assert names(found) == {("삼성전자 갤럭시 S24", "PRODUCT"), ("노바루미나 X2", "PRODUCT")}
    assert {"카메라", "배터리"} <= set(found.keywords)
    assert not {"가", "와", "좋"} & set(found.keywords)  # particles and verb stems


def test_korean_names_without_a_model_number_are_untyped_names() -> None:
    (found,) = run("ko", "애플이 캘리포니아에서 팀 쿡을 고용했다.")
    assert ("애플", "NAME") in names(found) and ("캘리포니아", "NAME") in names(found)


def test_the_campaign_keeps_a_brand_whole_that_kiwi_would_split() -> None:
    text = "노바 루미나 X2 출시됐네요. 카메라가 정말 좋아요"
    (alone,) = run("ko", text)
    (with_campaign,) = run("ko", text, campaign=X2)
    assert ("노바 루미나 X2", "PRODUCT") not in names(alone)  # 노바/NNP 루미/NNP 나/JC
    assert names(with_campaign) == {("노바 루미나 X2", "PRODUCT")}
    assert with_campaign.keywords[0] == "노바 루미나 x2"


def test_campaign_names_are_the_capitalised_numbered_or_foreign_terms_of_its_query() -> None:
    assert campaign_names(X2) == ("Nova Lumina", "노바 루미나", "노바루미나", "X2")
    assert campaign_names(None) == ()


def test_german_falls_back_to_capitalised_spans_and_model_numbers() -> None:
    (found,) = run("de", "Die Kamera des Nova Lumina X2 ist großartig, sagt Angela Merkel.")
    assert names(found) == {("Nova Lumina X2", "PRODUCT"), ("Angela Merkel", "NAME")}
    assert "kamera" in found.keywords and "die" not in found.keywords


def test_undetermined_language_uses_the_fallback_with_every_stop_list() -> None:
    (found,) = run("und", "The Nova Lumina X2 rocks and the camera is great")
    assert names(found) == {("Nova Lumina X2", "PRODUCT")}
    assert found.keywords[:3] == ["nova lumina x2", "rocks", "camera"]


def test_chinese_keywords_are_han_words_cut_at_function_words() -> None:
    (found,) = run("zh", "新款Nova Lumina X2的相机非常好，电池续航也不错。")
    assert {"相机", "电池续航"} <= set(found.keywords)
    assert ("Nova Lumina X2", "PRODUCT") in names(found)


def test_keywords_are_casefolded_nouns_without_links_handles_hashtags_or_masks() -> None:
    (found,) = run("en", "@bob The battery life is great. Battery matters most! "
                         "https://example.com/x2 #BatteryLife write to [email] or [phone]")
    assert found.keywords[0] == "battery"  # said twice, once capitalised
    assert "battery life" in found.keywords
    assert not {"bob", "https", "example", "batterylife", "email", "phone", "the"} & set(
        found.keywords)
    assert all(e.text != "BatteryLife" for e in found.entities)


def test_max_keywords_caps_the_list() -> None:
    text = "camera battery screen price design speaker charger case strap box"
    (found,) = run("en", text, max_keywords=3)
    assert len(found.keywords) == 3
    (none,) = run("en", text, max_keywords=0)
    assert none.keywords == []


def test_empty_and_blank_posts_have_nothing() -> None:
    for lang in ("en", "ko", "ja", "de"):
        empty, links_only = run(lang, "", "https://example.com @bob #tag")
        assert (empty.entities, empty.keywords) == ([], [])
        assert (links_only.entities, links_only.keywords) == ([], [])


SENTENCES = {"en": "Angela Merkel bought a Nova Lumina X2. ",
             "de": "Angela Merkel kaufte das Nova Lumina X2. ",
             "ja": "ソニーの新しいカメラを東京で買いました。",
             "ko": "노바루미나 X2 카메라 최고. "}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_a_megabyte_post_is_analysed_up_to_max_chars(lang: str) -> None:
    unit = SENTENCES[lang]
    huge = unit * (1_000_000 // len(unit.encode()) + 1)
    started = time.perf_counter()
    (found,) = run(lang, huge, max_chars=2000)
    assert found.entities and found.keywords
    assert len(found.text) > 1_000_000 // 3  # the post keeps its text; only analysis is cut
    assert time.perf_counter() - started < 60  # a guard against hanging, not a benchmark


def test_a_pipeline_that_is_not_installed_falls_back() -> None:
    (found,) = run("en", "I love the Nova Lumina X2.", pipelines={"en": "en_not_installed"})
    assert names(found) == {("Nova Lumina X2", "PRODUCT")}


def test_an_empty_pipeline_name_sends_a_language_to_the_fallback() -> None:
    (found,) = run("ja", "新しいスマートフォンのカメラが最高", pipelines={"ja": ""})
    assert found.entities == []  # Katakana is as often "camera" as "Sony": no names
    assert found.keywords == ["スマートフォン", "カメラ", "最高"]


def test_a_mixed_batch_is_analysed_per_language_in_one_call() -> None:
    posts = [post(1, "x"), post(2, "x"), post(3, "x")]
    for p, (text, lang) in zip(posts, [("Tim Cook visited Paris.", "en"),
                                       ("노바루미나 X2 최고", "ko"),
                                       ("Angela Merkel besucht Berlin.", "de")], strict=True):
        p.text, p.lang = text, lang
    Entities()(posts, BatchContext())
    assert [names(p) for p in posts] == [{("Tim Cook", "PERSON"), ("Paris", "LOC")},
                                        {("노바루미나 X2", "PRODUCT")},
                                        {("Angela Merkel", "NAME")}]


def test_the_default_pipeline_fills_entities_and_keywords() -> None:
    assert {"step": "entities", "options": {}} in DEFAULT_PIPELINE
    found = post(1, "<p>Tim Cook loves the camera of the Nova Lumina X2</p>")
    build_pipeline(DEFAULT_PIPELINE).run([found], BatchContext(campaign=X2))
    assert ("Nova Lumina X2", "PRODUCT") in names(found)
    assert "camera" in found.keywords
    assert found.pipeline.steps["entities"] == Entities.version


def test_one_kiwi_is_shared() -> None:
    assert kiwi() is kiwi()
    assert analyse(["노바루미나"], "ko")[0].keywords == ["노바루미나"]

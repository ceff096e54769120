"""``entities`` for Japanese: SudachiPy morphemes by default, GiNZA when asked for.

Sudachi's proper nouns are typed by its dictionary (人名 PERSON, 地名 LOC, others NAME), a
Latin letter written before a number makes a model-numbered PRODUCT, and keywords are nouns
and the noun compounds written together. These tests run the real dictionary."""

from __future__ import annotations

import threading
import time

import pytest

from analysis.pipeline import BatchContext
from nlp.linguistics import PIPELINES, analyse, japanese_backend
from nlp.steps.entities import Entities, EntitiesOptions
from sensing.schemas import Campaign, Post
from tests.nlp.conftest import LAUNCH, post

X2 = Campaign(id="x2", name="Nova Lumina X2", launch_at=LAUNCH,
              query='"Nova Lumina" OR ノヴァルミナ OR X2')
REVIEW = ("ノヴァルミナX2を山田太郎さんと大阪で試した。バッテリー持ちが良くて、望遠カメラも"
          "綺麗。望遠カメラの夜景は最高！")


def run(*texts: str, campaign: Campaign | None = None, **options: object) -> list[Post]:
    posts = []
    for n, text in enumerate(texts):
        p = post(n, text)
        p.text, p.lang = text, "ja"
        posts.append(p)
    return Entities(EntitiesOptions.model_validate(options))(posts, BatchContext(campaign))


def names(found: Post) -> set[tuple[str, str]]:
    return {(e.text, e.label) for e in found.entities}


def test_a_product_review_names_the_product_the_person_and_the_place() -> None:
    (found,) = run(REVIEW, campaign=X2)
    assert names(found) == {("ノヴァルミナX2", "PRODUCT"), ("山田太郎", "PERSON"),
                            ("大阪", "LOC")}
    # Nouns and compounds as written, the repeated ones first; no particles, さん or
    # adjectives (良く, 綺麗).
    assert found.keywords == ["望遠", "望遠カメラ", "カメラ", "ノヴァルミナx2", "山田太郎",
                              "大阪", "バッテリー", "バッテリー持ち"]


def test_a_latin_product_name_is_one_product_and_one_keyword() -> None:
    (found,) = run("わかる、うちのもそう Nova Lumina X2 の夜景モードが楽しみ")
    assert names(found) == {("Nova Lumina X2", "PRODUCT")}
    assert found.keywords == ["nova lumina x2", "夜景", "夜景モード", "モード", "楽しみ"]


def test_model_numbers_glued_to_katakana_or_latin_names_are_products() -> None:
    (found,) = run("ギャラクシーS24とiPhone15を比較。バージョン1.0.3は不具合あり")
    assert names(found) == {("ギャラクシーS24", "PRODUCT"), ("iPhone15", "PRODUCT")}


def test_proper_nouns_join_only_their_own_kind_and_foreign_names_cross_the_middle_dot(
        ) -> None:
    (found,) = run("ソフトバンク孫正義がアメリカ・ニューヨークでティム・クックと会談")
    assert names(found) == {("ソフトバンク", "NAME"), ("孫正義", "PERSON"),
                            ("アメリカ", "LOC"), ("ニューヨーク", "LOC"),
                            ("ティム・クック", "PERSON")}


def test_organisations_are_untyped_names_since_sudachi_does_not_type_them() -> None:
    (found,) = run("トヨタ自動車の豊田章男社長が名古屋で新型プリウスを発表した")
    assert names(found) == {("トヨタ自動車", "NAME"), ("豊田章男", "PERSON"),
                            ("名古屋", "LOC")}


def test_a_lone_katakana_given_name_is_only_a_name_as_brands_take_them() -> None:
    (found,) = run("塗料メーカーのルミナは、マイケル・ジョーダンと契約した")
    assert names(found) == {("ルミナ", "NAME"), ("マイケル・ジョーダン", "PERSON")}


def test_keywords_leave_out_adverbial_nouns_counters_and_stop_words() -> None:
    (found,) = run("今日は一週間ぶりにカメラのことを考えた。夕方の充電中に")
    assert found.keywords == ["カメラ", "充電"]


def test_a_compound_stops_at_an_entity_so_the_name_stays_whole() -> None:
    (found,) = run("新型ノヴァルミナX2カメラ")
    assert found.keywords == ["新型", "ノヴァルミナx2", "カメラ"]  # not "新型ノヴァルミナx"


def test_sudachi_is_the_default_and_ginza_stays_one_option_away() -> None:
    assert PIPELINES["ja"] == japanese_backend.NAME
    text = "アップルはカリフォルニアでティム・クックを雇った。"
    (sudachi,) = run(text)
    (ginza,) = run(text, pipelines={"ja": "ja_ginza"})
    # Sudachi's dictionary knows アップル only as the fruit; GiNZA's model calls it ORG.
    assert names(sudachi) == {("カリフォルニア", "LOC"), ("ティム・クック", "PERSON")}
    assert names(ginza) == {("アップル", "ORG"), ("カリフォルニア", "LOC"),
                            ("ティム・クック", "PERSON")}


@pytest.mark.parametrize("text", ["", "   ", "https://example.com @bob #ノヴァルミナ",
                                  "😀🔥\x00\x01", "。。。！？"])
def test_empty_or_wordless_posts_have_nothing(text: str) -> None:
    (found,) = run(text)
    assert (found.entities, found.keywords) == ([], [])


def test_a_megabyte_post_beyond_sudachis_input_limit_is_read_to_the_end() -> None:
    sentence = "ソニーの新しいカメラを東京で買いました。"
    huge = sentence * (1_000_000 // len(sentence.encode()) + 1) + "最後に大阪へ行った"
    started = time.perf_counter()
    (found,) = run(huge, max_chars=1_000_000)  # Sudachi alone refuses over 49,149 bytes
    assert names(found) == {("ソニー", "NAME"), ("東京", "LOC"), ("大阪", "LOC")}
    assert time.perf_counter() - started < 60  # a guard against quadratic work, not a benchmark


def test_each_thread_reads_with_its_own_tokenizer() -> None:
    assert japanese_backend.tokenizer() is japanese_backend.tokenizer()
    others: list[object] = []
    thread = threading.Thread(target=lambda: others.append(japanese_backend.tokenizer()))
    thread.start()
    thread.join()
    assert others[0] is not japanese_backend.tokenizer()

    expected = [a.keywords for a in analyse([REVIEW] * 50, "ja")]
    results: list[list[list[str]]] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(10):
                results.append([a.keywords for a in analyse([REVIEW] * 50, "ja")])
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []  # one shared tokenizer raises "Already borrowed" here
    assert results == [expected] * 40


def test_japanese_posts_are_read_well_within_the_pipelines_budget() -> None:
    texts = [REVIEW, "ノヴァルミナX2、充電中にかなり熱くなるのが気になる",
             "Nova Lumina X2 を一週間使いました。画面がとても明るい。"] * 200
    analyse(texts[:3], "ja")  # the dictionary loads once per process
    started = time.perf_counter()
    analyse(texts, "ja")
    assert len(texts) / (time.perf_counter() - started) > 100  # posts/s; GiNZA does ~30

"""The campaign query language: what a marketer writes, what it matches, and how it fails."""

from __future__ import annotations

import sqlite3

import pytest

from sensing.query import (
    And,
    Near,
    Not,
    Or,
    Phrase,
    QuerySyntaxError,
    Term,
    describe,
    matches,
    parse_query,
    positive_words,
    to_es,
    to_fts,
)
from sensing.textsearch import search_text, search_tokens


def test_tokens_are_normalised_and_cjk_runs_become_bigrams() -> None:
    assert search_tokens("Nova-Lumina ＸＷ Café") == ["nova", "lumina", "xw", "café"]
    assert search_tokens("노바루미나X2") == ["노바", "바루", "루미", "미나", "x2"]
    assert search_tokens("ノヴァ") == ["ノヴ", "ヴァ"]
    assert search_tokens("猫") == ["猫"]


def test_precedence_is_not_then_near_then_and_then_or() -> None:
    assert parse_query("a b OR c NOT d") == Or((
        And((Term("a"), Term("b"))), And((Term("c"), Not(Term("d"))))))
    assert parse_query("a AND (b OR c)") == And((Term("a"), Or((Term("b"), Term("c")))))
    assert parse_query("camera NEAR/3 battery") == Near(Term("camera"), Term("battery"), 3)
    assert parse_query("camera NEAR battery").distance == 10


def test_lowercase_operators_are_ordinary_words() -> None:
    assert parse_query("rock and roll") == And((Term("rock"), Term("and"), Term("roll")))


def test_phrases_wildcards_and_multi_token_words() -> None:
    assert parse_query('"Nova Lumina"') == Phrase(("nova", "lumina"))
    assert parse_query("lumin*") == Term("lumin", prefix=True)
    assert parse_query("노바루미나") == Phrase(("노바", "바루", "루미", "미나"))
    assert parse_query('"x2"') == Term("x2")


@pytest.mark.parametrize(("query", "position", "message"), [
    ("", 0, "empty query"),
    ("nova AND", 8, "a word or phrase is missing"),
    ("(nova OR lumina", 0, "unbalanced '('"),
    ("nova)", 4, "unbalanced ')'"),
    ('nova "lumina x2', 5, "unterminated quote"),
    ("a NEAR/x b", 7, "NEAR/n needs a whole number"),
    ("a NEAR/500 b", 7, "NEAR/n needs a whole number"),
    ("(a OR b) NEAR c", 0, "NEAR joins two words or phrases"),
    ("lu*mina", 2, "'*' is only allowed at the end"),
    ("*", 0, "wildcard needs letters"),
    ("NOT supernova", 0, "NOT needs a positive term"),
    ("nova OR NOT supernova", 8, "NOT cannot be an alternative of OR"),
    ("AND nova", 0, "expected a word, phrase or '('"),
    ("!!!", 0, "no letters or digits"),
])
def test_malformed_queries_say_what_and_where(query: str, position: int, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(query)
    assert caught.value.position == position
    assert message in caught.value.message
    assert str(caught.value).splitlines()[-1] == "  " + " " * position + "^"


def test_hostile_queries_hit_limits_not_the_stack() -> None:
    with pytest.raises(QuerySyntaxError, match="nested deeper"):
        parse_query("(" * 40 + "a" + ")" * 40)
    with pytest.raises(QuerySyntaxError, match="more than 200 terms"):
        parse_query(" OR ".join(f"w{i}" for i in range(201)))
    with pytest.raises(QuerySyntaxError, match="longer than 2000"):
        parse_query("a" * 2001)


@pytest.mark.parametrize(("query", "text", "expected"), [
    ('"nova lumina"', "Just got the Nova Lumina X2!", True),
    ('"nova lumina"', "Lumina paint, nova colour", False),
    ("lumin* NOT paint", "Luminous screen", True),
    ("lumin* NOT paint", "Lumina paint sale", False),
    ("camera NEAR/2 battery", "camera is great but battery dies", False),
    ("camera NEAR/3 battery", "camera is great but battery dies", True),
    ("camera NEAR/3 battery", "battery then the great camera", True),
    ("노바루미나 카메라", "노바루미나X2 카메라 대박", True),
    ("ノヴァルミナ", "ノヴァルミナのカメラすごい", True),
    ("cámara AND batería", "La cámara es genial, la batería no", True),
])
def test_the_local_matcher(query: str, text: str, expected: bool) -> None:
    assert matches(parse_query(query), text) is expected


TEXTS = [
    "The Nova Lumina X2 camera is stunning", "Lumina paint sale: 20% off all colours",
    "Supernova remnant imaged last night", "X2 battery dies by noon, camera great though",
    "노바루미나 X2 카메라 최고", "노바루미나X2 배터리 별로", "ノヴァルミナX2のカメラすごい",
    "La cámara del Nova Lumina X2 es increíble", "battery battery battery camera",
    "camera at launch, then a long wait and finally the battery news", "luminous display",
    "nova", "lumina", "X2 X2 X2", "Nova Lumina", "Lumina Nova", "lumina, nova and x2 camera",
]
QUERIES = [
    "nova", '"nova lumina"', "lumin*", "nova lumina", "nova OR supernova", "x2 NOT battery",
    "camera NEAR/2 battery", "camera NEAR/5 battery", '"nova lumina" NEAR/1 camera',
    "노바루미나", "카메라 OR カメラ", "lumin* NOT (paint OR luminous)", "(nova OR lumina) x2",
    "camera NEAR/0 battery", "lumin* NEAR/2 x2", "ノヴァルミナ x2", "cámara",
]


def test_sqlite_fts5_agrees_with_the_local_matcher() -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(s, tokenize='unicode61 remove_diacritics 0')")
    db.executemany("INSERT INTO t(rowid, s) VALUES (?, ?)",
                   [(i, search_text(text)) for i, text in enumerate(TEXTS)])
    for query in QUERIES:
        node = parse_query(query)
        found = {row[0] for row in db.execute("SELECT rowid FROM t WHERE t MATCH ?",
                                              (to_fts(node),))}
        expected = {i for i, text in enumerate(TEXTS) if matches(node, text)}
        assert found == expected, query


def test_elasticsearch_compilation() -> None:
    assert to_es(parse_query("lumin* NOT paint")) == {"bool": {
        "must": [{"prefix": {"search_text": "lumin"}}],
        "must_not": [{"term": {"search_text": "paint"}}]}}
    near = to_es(parse_query('"nova lumina" NEAR/2 camera'))["intervals"]["search_text"]
    assert near["all_of"]["max_gaps"] == 2 and near["all_of"]["ordered"] is False
    assert near["all_of"]["intervals"][0] == {"match": {"query": "nova lumina",
                                                        "ordered": True, "max_gaps": 0}}


def test_positive_words_are_what_a_platform_search_is_asked_for() -> None:
    assert positive_words('"Nova Lumina" OR 노바루미나 OR (x2 NOT paint) OR lumin*') == \
        ["Nova Lumina", "노바루미나", "x2"]


def test_describe_shows_what_was_understood() -> None:
    assert describe(parse_query('Nova-Lumina OR lumin* NOT paint')) == \
        '("nova lumina" OR (lumin* AND NOT paint))'

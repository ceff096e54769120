"""The interest taxonomy is data: the packaged file loads with the ten categories the product
names, every node described in every language; a bad file is refused whole, naming each
problem and where it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audience.taxonomy import DEFAULT_TAXONOMY, TaxonomyError, load_taxonomy

TOP = ["fashion_beauty", "health_fitness", "travel", "sports", "entertainment", "parenting",
       "technology", "food_drink", "news_politics", "nightlife"]


def test_the_default_taxonomy_has_the_ten_categories_described_in_eight_languages() -> None:
    taxonomy = load_taxonomy()
    assert sorted(taxonomy.category_ids) == sorted(TOP)
    assert set(taxonomy.languages) >= {"ko", "en", "ja", "es", "fr", "de", "pt", "zh"}
    for category in taxonomy:
        assert 4 <= len(category.subcategories) <= 6
        for node in (category, *category.subcategories):
            assert all(node.descriptions[lang].strip() for lang in taxonomy.languages)
    assert taxonomy.category("fashion_beauty").subcategory("make_up").name("en")
    assert taxonomy.names("ko")["travel"] != "travel"


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def default_document() -> dict:
    return json.loads(DEFAULT_TAXONOMY.read_text(encoding="utf-8"))


def test_a_missing_description_is_refused_naming_the_node(tmp_path: Path) -> None:
    document = default_document()
    del document["categories"][2]["subcategories"][1]["descriptions"]["ko"]
    with pytest.raises(TaxonomyError, match=r"categories\[2\].*subcategories\[1\].*'ko'"):
        load_taxonomy(write(tmp_path, document))


def test_duplicate_ids_and_misspelt_keys_are_refused(tmp_path: Path) -> None:
    document = default_document()
    document["categories"][1]["id"] = document["categories"][0]["id"]
    document["categories"][3]["descripton"] = "typo"
    with pytest.raises(TaxonomyError) as refused:
        load_taxonomy(write(tmp_path, document))
    message = str(refused.value)
    assert str(tmp_path / "taxonomy.json") in message
    assert document["categories"][0]["id"] in message and "descripton" in message


@pytest.mark.parametrize("document", [[], {"version": "1", "languages": ["en"],
                                           "categories": []}])
def test_an_empty_or_wrongly_shaped_file_is_refused(tmp_path: Path, document: object) -> None:
    with pytest.raises(TaxonomyError):
        load_taxonomy(write(tmp_path, document))


def test_a_file_that_is_not_json_or_not_there_is_refused(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="broken.json"):
        load_taxonomy(tmp_path / "broken.json")
    with pytest.raises(TaxonomyError, match="cannot be read"):
        load_taxonomy(tmp_path / "absent.json")

"""Adding terms to a campaign's aspects: the built-in taxonomy is written out before the first
addition so no aspect stops being tracked, and a term is stored once in any spelling."""

from __future__ import annotations

from nlp.aspect_terms import add_terms
from nlp.aspects import TAXONOMY, Lexicon, builtin_lexicon
from sensing.schemas import AspectSpec


def test_the_first_term_on_the_builtin_taxonomy_keeps_every_builtin_aspect() -> None:
    specs, added = add_terms([], "camera", ["bokeh"])
    assert added == ["bokeh"]
    assert [s.name for s in specs] == list(TAXONOMY)
    assert next(s for s in specs if s.name == "camera").terms == ["bokeh"]
    lexicon = Lexicon.for_campaign(specs)
    assert lexicon.aspects == builtin_lexicon().aspects
    found = {m.aspect for m in lexicon.mentions("bokeh is dreamy, battery dies by noon", "en")}
    assert found == {"camera", "battery"}


def test_a_term_is_stored_once_whatever_its_case_width_or_spacing() -> None:
    specs, _ = add_terms([], "camera", ["low  light", "夜景"])
    again, added = add_terms(specs, "Camera", ["Low Light", "ＬＯＷ light", "夜景", "night sky"])
    assert added == ["night sky"]
    assert next(s for s in again if s.name == "camera").terms == ["low light", "夜景",
                                                                  "night sky"]
    assert len(again) == len(TAXONOMY)


def test_a_campaigns_own_list_gets_the_term_and_nothing_else() -> None:
    own = [AspectSpec(name="battery", terms=["juice"]), AspectSpec(name="hinge")]
    specs, added = add_terms(own, "hinge", ["crease"])
    assert added == ["crease"]
    assert [(s.name, s.terms) for s in specs] == [("battery", ["juice"]), ("hinge", ["crease"])]
    assert own[1].terms == []  # the campaign's list is not changed in place


def test_an_unknown_name_is_a_new_aspect_with_only_its_terms() -> None:
    specs, _ = add_terms([AspectSpec(name="camera")], "stylus", ["s pen", "stylus"])
    assert specs[-1] == AspectSpec(name="stylus", terms=["s pen", "stylus"])
    lexicon = Lexicon.for_campaign(specs)
    assert [m.aspect for m in lexicon.mentions("the S Pen is precise", "en")] == ["stylus"]

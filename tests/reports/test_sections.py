"""The report's findings, on both stores: Holm's correction and Wilson's interval against
hand-computed values; on the spam-laden launch of ``test_build.py``, no spam tag among the
new and rising hashtags, the share of voice against a competitor and every post the window
holds accounted for by the data quality; on the designed launch of the plan's tests, the
aspect table names the battery worsened and the camera improved, with evidence."""

from __future__ import annotations

import pytest

from reports.build import build_report
from reports.render import render_html
from reports.sections import holm, wilson
from sensing.store import Store
from tests.planning.launch import CAMPAIGN as DESIGNED
from tests.planning.launch import designed_launch
from tests.reports.test_build import CAMPAIGN, LAUNCH_CONVERSATION, SPAM_TAGS


def test_holm_adjusts_step_down_and_stays_monotone() -> None:
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, 0.001]) == pytest.approx([0.5, 0.002])
    assert holm([]) == []


def test_wilson_intervals() -> None:
    assert wilson(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson(0, 20) == pytest.approx((0.0, 0.1611), abs=1e-4)
    assert wilson(0, 0) == (0.0, 0.0)


@pytest.fixture
def launch(empty_store: Store) -> Store:
    assert not empty_store.upsert_posts(LAUNCH_CONVERSATION).errors
    empty_store.save_campaign(CAMPAIGN.model_copy(update={"competitors": ["x3", "gone"]}))
    empty_store.save_campaign(CAMPAIGN.model_copy(update={"id": "x3", "name": "X3"}))
    return empty_store


def test_spam_is_no_rising_hashtag_and_every_post_is_accounted_for(launch: Store) -> None:
    report = build_report(launch, launch.get_campaign("x2"))
    assert [(h.tag, h.posts_pre, h.posts_post) for h in report.hashtags] == [("nightshot", 0, 2)]
    assert not SPAM_TAGS & {h.tag for h in report.hashtags}
    quality = report.data_quality
    assert (quality.collected, quality.duplicates, quality.spam, quality.off_topic,
            quality.counted) == (13, 1, 4, 1, 7)
    assert quality.counted == report.pre.posts + report.post.posts
    assert quality.sources == {"mastodon": 7} and quality.langs == {"en": 6, "es": 1}


def test_share_of_voice_against_the_named_competitors(launch: Store) -> None:
    voice = {v.campaign: v for v in build_report(launch, launch.get_campaign("x2")
                                                 ).share_of_voice}
    assert set(voice) == {"x2", "x3"}  # "gone" names no stored campaign
    assert (voice["x2"].posts_post, voice["x3"].posts_post) == (5, 1)
    assert voice["x2"].share_post == pytest.approx(5 / 6, abs=1e-4)


def test_the_sentiment_section_has_intervals_and_the_holm_correction(launch: Store) -> None:
    section = build_report(launch, launch.get_campaign("x2")).sentiment
    assert (section.rated_pre, section.rated_post) == (2, 5)
    positive = next(s for s in section.labels if s.label == "positive")
    assert positive.pre_interval[0] <= positive.pre <= positive.pre_interval[1]
    assert all(s.p_adjusted >= s.p_value for s in section.labels)


def test_the_aspect_table_names_what_worsened_and_improved(empty_store: Store) -> None:
    store = designed_launch(empty_store)
    report = build_report(store, DESIGNED)
    rows = {a.aspect: a for a in report.aspects}
    assert set(rows) == {"camera", "battery"}  # price: 3 mentions, too few to test
    battery = rows["battery"]
    assert (battery.mentions_pre, battery.mentions_post, battery.verdict) == (4, 8, "worsened")
    assert battery.negative_post == 1.0 and battery.p_adjusted < 0.05
    assert len(battery.evidence) == 3 and all(p.startswith("bluesky:") for p in battery.evidence)
    assert rows["camera"].verdict == "improved"
    page = render_html(report)
    for heading in ("Share of voice", "Aspects", "New and rising hashtags", "Image subjects",
                    "Data quality"):
        assert f"<h2>{heading}</h2>" in page
    assert "<b>worsened</b>" in page

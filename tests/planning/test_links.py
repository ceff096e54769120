"""Tracking links: UTM parameters per channel, segment and influencer, and never personal data
in them."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from planning.links import LinkError, LinkRequest, build_link, slug


def test_a_link_carries_channel_segment_and_influencer() -> None:
    link = build_link("nova-lumina-x2", "https://brand.example/x2?lang=ko",
                      LinkRequest(channel="Mastodon", segment="Seg1", influencer="@TechLens"))
    query = dict(parse_qsl(urlsplit(link.url).query))
    assert query == {"lang": "ko", "utm_source": "mastodon", "utm_medium": "influencer",
                     "utm_campaign": "nova-lumina-x2", "utm_content": "seg1",
                     "utm_term": "techlens"}
    plain = build_link("x2", "https://brand.example/", LinkRequest(channel="bluesky"))
    assert plain.utm == {"utm_source": "bluesky", "utm_medium": "social", "utm_campaign": "x2"}


@pytest.mark.parametrize("value", ["ana@example.com", "+82 10-1234-5678", "010-1234-5678",
                                   "cu_0123456789abcdef"])
def test_personal_data_is_refused_in_a_parameter(value: str) -> None:
    with pytest.raises(LinkError, match="looks like personal data"):
        build_link("x2", "https://brand.example/", LinkRequest(channel="mastodon",
                                                              segment=value))


def test_the_landing_url_is_checked() -> None:
    for url in ("brand.example/x2", "javascript:alert(1)", "ftp://brand.example/"):
        with pytest.raises(LinkError, match="absolute http"):
            build_link("x2", url, LinkRequest(channel="mastodon"))
    with pytest.raises(LinkError, match="already has utm_source"):
        build_link("x2", "https://b.example/?utm_source=x", LinkRequest(channel="mastodon"))
    with pytest.raises(LinkError, match="parameter 'email' looks like personal data"):
        build_link("x2", "https://b.example/?email=ana@example.com",
                   LinkRequest(channel="mastodon"))


def test_slugs() -> None:
    assert slug("@dan-the-skeptic.bsky.social", "influencer") == "dan-the-skeptic.bsky.social"
    assert slug("Café Crème", "segment") == "cafe-creme"
    assert slug("노바 팬", "segment") == "노바-팬"
    with pytest.raises(LinkError, match="nothing left to tag with"):
        slug("!!!", "segment")

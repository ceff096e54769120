"""Tracking links: a landing URL tagged per channel × influencer × segment with UTM parameters,
so the conversions that come back can be attributed (:mod:`planning.attribution`) to the
choice that sent them.

``utm_source`` is the channel (the platform), ``utm_medium`` ``influencer`` when an influencer
carries the link and ``social`` otherwise, ``utm_campaign`` the campaign id, ``utm_content``
the segment and ``utm_term`` the influencer's handle. A tracking parameter is read by every
analytics tool, proxy and browser history that sees the URL, so none may carry personal
data: each value is a short slug (letters of any script, digits, ``.``, ``_``, ``-``; accents
dropped), and one that holds an
e-mail address, a phone number or a hashed customer id is refused, not silently cleaned.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import Field, field_validator

from nlp.pii import EMAIL, PHONE
from sensing.schemas import Model

SLUG = re.compile(r"^\w[\w.-]{0,63}$")
CUSTOMER_ID = re.compile(r"cu_[0-9a-f]{8,}")
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")


class LinkError(ValueError):
    """A link that cannot be built as asked: the message says which value and why."""


class LinkRequest(Model):
    """One link to build: where it lands and who carries it to whom."""

    channel: str = Field(description="The platform the link is posted on (utm_source).")
    segment: str | None = Field(None, description="The customer segment it is meant for.")
    influencer: str | None = Field(None, description="The handle of the influencer who "
                                   "posts it.")
    landing_url: str | None = Field(None, description="Overrides the request's base_url.")

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str) -> str:
        return value.strip()


class TrackingLink(Model):
    url: str
    channel: str
    segment: str | None
    influencer: str | None
    utm: dict[str, str]


def slug(value: str, field: str) -> str:
    """``value`` as a UTM-safe slug (``@TechLens`` -> ``techlens``), or LinkError if it holds
    personal data or nothing usable."""
    if EMAIL.search(value) or PHONE.search(value) or CUSTOMER_ID.search(value):
        raise LinkError(f"{field} {value!r} looks like personal data (an e-mail address, a "
                        f"phone number or a customer id): tracking parameters are seen by "
                        f"every tool the link passes through")
    text = "".join(c for c in unicodedata.normalize("NFKD", value)
                   if not unicodedata.combining(c))
    text = re.sub(r"[^\w.-]+", "-", unicodedata.normalize("NFC", text).lower().lstrip("@#"))
    text = text.strip("-.")
    if not SLUG.match(text):
        raise LinkError(f"{field} {value!r}: nothing left to tag with (use letters, digits, "
                        f"'.', '_' or '-', at most 64)")
    return text


def landing(url: str) -> tuple[str, list[tuple[str, str]]]:
    """The landing URL's parts and its own query; LinkError unless absolute http(s), or if it
    already carries UTM parameters (which would be ambiguous)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LinkError(f"landing URL {url!r} must be an absolute http(s) URL")
    query = parse_qsl(parts.query, keep_blank_values=True)
    tagged = sorted({k for k, _ in query if k.lower().startswith("utm_")})
    if tagged:
        raise LinkError(f"landing URL {url!r} already has {', '.join(tagged)}: give it "
                        f"without, the link builder sets them")
    for key, value in query:
        if EMAIL.search(value) or CUSTOMER_ID.search(value):
            raise LinkError(f"landing URL parameter {key!r} looks like personal data")
    return url.strip(), query


def build_link(campaign_id: str, base_url: str, request: LinkRequest) -> TrackingLink:
    url, query = landing(request.landing_url or base_url)
    utm = {"utm_source": slug(request.channel, "channel"),
           "utm_medium": "influencer" if request.influencer else "social",
           "utm_campaign": slug(campaign_id, "campaign")}
    if request.segment:
        utm["utm_content"] = slug(request.segment, "segment")
    if request.influencer:
        utm["utm_term"] = slug(request.influencer, "influencer")
    parts = urlsplit(url)
    tagged = urlunsplit(parts._replace(query=urlencode([*query, *utm.items()])))
    return TrackingLink(url=tagged, channel=request.channel, segment=request.segment,
                        influencer=request.influencer, utm=utm)

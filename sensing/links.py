"""Profile addresses as one comparable form: the URL a profile lives at, and the profile URLs a
text names (its http(s) links and fediverse addresses).

Two spellings of one address must compare equal, or an explicit link between two profiles
("also on https://Mastodon.social/@Alice/") is missed. The form lives in the core because both
sides need it: the store indexes the addresses each author profile names (so a link is found
whichever profile was stored first) and ``audience.identity`` decides which of them link.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sensing.schemas import Author
from sensing.text import MENTION, distinct, find_urls

# Path segments naming an account, whose case the platforms ignore (Mastodon and YouTube
# ``/@name``, Bluesky ``/profile/<handle>``); any other path keeps its case.
HANDLE_PATH = re.compile(r"^/(?:@|users/)([^/]+)$|^/profile/([^/]+)$", re.IGNORECASE)


def profile_url(url: str) -> str:
    """``url`` in the comparable form, or "" when it is not an http(s) URL: https, host in
    lower case without ``www.`` or a default port, no query, fragment or trailing slash, and
    an account path in lower case (``/users/name``, Mastodon's actor form, as ``/@name``)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").removeprefix("www.")
        if parts.port not in (None, 80, 443):
            host += f":{parts.port}"
    except ValueError:  # an unclosed IPv6 bracket, a port out of range
        return ""
    if parts.scheme.lower() not in ("http", "https") or not host:
        return ""
    path = parts.path.rstrip("/")
    account = HANDLE_PATH.match(path)
    if account and account.group(1):
        path = f"/@{account.group(1).lower()}"
    elif account:
        path = f"/profile/{account.group(2).lower()}"
    return f"https://{host}{path}"


def named_profile_urls(text: str) -> list[str]:
    """The profile URLs ``text`` names, comparable, in order, once each: its http(s) links
    and its fediverse addresses (``@name@host`` is ``https://host/@name``). A bare ``@name``
    or a display name names no one exactly, so it is not an address."""
    links = [profile_url(url) for url in find_urls(text)]
    addresses = [profile_url(f"https://{host}/@{user}")
                 for user, host in MENTION.findall(text) if host]
    return distinct([link for link in [*links, *addresses] if link])


def author_links(author: Author) -> list[str]:
    """The addresses a profile is found under, comparable: its own ``url`` first, then those
    its bio names. What the store indexes an author by, for explicit cross-platform links."""
    own = profile_url(author.url)
    return distinct([link for link in [own, *named_profile_urls(author.bio)] if link])

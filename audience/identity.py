"""One person's profiles on several platforms, linked only where a profile links the other
explicitly: its bio or its url names the other profile's address (``https://m.social/@ana``,
``@ana@m.social``, ``https://bsky.app/profile/ana.bsky.social``). Same names, same handles or
look-alike photos are never evidence: two people called Ana are two people, and a wrong link
merges two audiences in every table built on them.

Domain code over Author profiles: the caller hands in the profiles to link (a batch being
stored, and the stored profiles found under the addresses it names, see
``AuthorStore.find_authors_by_url``); the addresses are compared in the one form of
:mod:`sensing.links`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sensing.links import author_links, profile_url
from sensing.schemas import Author


def lookup_urls(authors: Iterable[Author]) -> list[str]:
    """The addresses under which the profiles linked to ``authors`` are found: those the
    authors name, and their own (a stored profile may name them)."""
    return list(dict.fromkeys(link for author in authors for link in author_links(author)))


def explicit_links(profiles: Iterable[Author]) -> set[frozenset[str]]:
    """Pairs of profile ids, on different platforms, where one profile names the other's
    address. A profile naming another of its own platform is left alone: that is a friend,
    an employer or a second account, not the same person elsewhere. Two copies of one id
    (as stored, as seen now) both count: either may name the other profile."""
    profiles = list(profiles)
    at: dict[str, set[tuple[str, str]]] = {}
    for author in profiles:
        if address := profile_url(author.url):
            at.setdefault(address, set()).add((author.id, author.source))
    return {frozenset((author.id, other_id))
            for author in profiles for link in author_links(author)
            for other_id, other_source in at.get(link, ())
            if other_source != author.source and other_id != author.id}


def link_profiles(batch: list[Author], candidates: Iterable[Author]) -> list[Author]:
    """``batch`` with ``same_as`` naming the profiles each is explicitly linked with, followed
    by the ``candidates`` (stored profiles) that gained a link and must be written back.
    Both sides of a link get it, whichever profile names the other; ``same_as`` only grows,
    as the store merges it (a link once made explicit stays)."""
    stored = list(candidates)
    partners: dict[str, set[str]] = {}
    for pair in explicit_links([*batch, *stored]):
        first, second = sorted(pair)
        partners.setdefault(first, set()).add(second)
        partners.setdefault(second, set()).add(first)

    def linked(author: Author) -> Author:
        found = sorted(partners.get(author.id, set()) - set(author.same_as))
        return author.model_copy(update={"same_as": [*author.same_as, *found]})

    in_batch = {author.id for author in batch}
    gained = [author for author in stored if author.id not in in_batch
              and partners.get(author.id, set()) - set(author.same_as)]
    return [*map(linked, batch), *map(linked, gained)]

"""Explicit cross-platform links: a profile is linked with another platform's profile only
where its bio or url names that profile's address, however the address is spelt; same names
and handles are never evidence."""

from __future__ import annotations

import pytest

from audience.identity import explicit_links, link_profiles, lookup_urls
from sensing.links import author_links, named_profile_urls, profile_url
from sensing.schemas import Author

ANA_MASTODON = "https://m.social/@ana"
ANA_BLUESKY = "https://bsky.app/profile/ana.bsky.social"


def mastodon(n: int = 1, **fields: object) -> Author:
    return Author(id=f"mastodon:m.social/{n}", source="mastodon", **fields)


def bluesky(name: str = "ana", **fields: object) -> Author:
    return Author(id=f"bluesky:did:plc:{name}", source="bluesky", **fields)


@pytest.mark.parametrize("spelling", [
    "https://m.social/@ana", "http://m.social/@ana", "https://M.Social/@Ana/",
    "https://www.m.social/@ana?utm_source=bio#top", "https://m.social:443/@ana",
    "https://m.social/users/ana"])
def test_spellings_of_one_profile_address_compare_equal(spelling: str) -> None:
    assert profile_url(spelling) == ANA_MASTODON


def test_other_paths_keep_their_case_and_non_urls_have_no_address() -> None:
    assert profile_url("https://youtube.com/channel/UCaBc/") == "https://youtube.com/channel/UCaBc"
    assert profile_url("https://m.social/@ana/1093") == "https://m.social/@ana/1093"
    assert profile_url("http://127.0.0.1:8765/@Ana") == "https://127.0.0.1:8765/@ana"
    assert [profile_url(text) for text in ("", "ana", "ftp://m.social/@ana", "https://[::1")] \
        == ["", "", "", ""]


def test_a_bio_names_its_links_and_fediverse_addresses_not_bare_handles() -> None:
    bio = ("Photographer. Also on https://bsky.app/profile/Ana.bsky.social, and "
           "@ana@Pixel.example. Friends with @bo; mail ana@example.com")
    assert named_profile_urls(bio) == [ANA_BLUESKY, "https://pixel.example/@ana"]


def test_an_author_is_found_under_its_own_address_and_those_it_names() -> None:
    author = mastodon(url="https://m.social/@Ana", bio=f"see {ANA_BLUESKY}/ and {ANA_BLUESKY}")
    assert author_links(author) == [ANA_MASTODON, ANA_BLUESKY]
    assert lookup_urls([author, mastodon(2)]) == [ANA_MASTODON, ANA_BLUESKY]


def test_a_bio_naming_another_platforms_profile_links_both_sides() -> None:
    ana_m = mastodon(url=ANA_MASTODON, bio=f"🦋 {ANA_BLUESKY}")
    ana_b = bluesky(url=ANA_BLUESKY)
    assert explicit_links([ana_m, ana_b]) == {frozenset((ana_m.id, ana_b.id))}
    linked = {a.id: a.same_as for a in link_profiles([ana_m], [ana_b])}
    assert linked == {ana_m.id: [ana_b.id], ana_b.id: [ana_m.id]}


def test_the_link_is_made_whichever_profile_is_in_the_batch() -> None:
    # the stored profile names the new one: the stored one gains the link too
    ana_m = mastodon(url=ANA_MASTODON)
    ana_b = bluesky(url=ANA_BLUESKY, bio=f"moved from {ANA_MASTODON}")
    linked = {a.id: a.same_as for a in link_profiles([ana_m], [ana_b])}
    assert linked == {ana_m.id: [ana_b.id], ana_b.id: [ana_m.id]}


def test_same_names_and_handles_are_never_a_link() -> None:
    ana_m = mastodon(url=ANA_MASTODON, handle="@ana", name="Ana Pérez", bio="photographer")
    ana_b = bluesky(url=ANA_BLUESKY, handle="@ana.bsky.social", name="Ana Pérez",
                    bio="photographer, @ana")
    assert explicit_links([ana_m, ana_b]) == set()
    assert [a.same_as for a in link_profiles([ana_m], [ana_b])] == [[]]


def test_a_profile_naming_one_of_its_own_platform_is_not_linked() -> None:
    # "works with @bo@m.social": a colleague, not the same person elsewhere
    ana = mastodon(1, url=ANA_MASTODON, bio="works with @bo@m.social")
    bo = mastodon(2, url="https://m.social/@bo")
    assert explicit_links([ana, bo]) == set()


def test_stored_profiles_already_linked_are_not_written_again() -> None:
    ana_m = mastodon(url=ANA_MASTODON, bio=ANA_BLUESKY, same_as=["bluesky:did:plc:ana"])
    ana_b = bluesky(url=ANA_BLUESKY, same_as=[ana_m.id])
    other = bluesky("zed", url="https://bsky.app/profile/zed.bsky.social")
    assert [(a.id, a.same_as) for a in link_profiles([ana_m], [ana_b, other])] == \
        [(ana_m.id, [ana_b.id])]


def test_a_stored_copy_of_a_batch_profile_still_counts() -> None:
    # the bio that named the other profile was stored; the new sighting shows no bio
    stored_m = mastodon(url=ANA_MASTODON, bio=ANA_BLUESKY)
    seen_m = mastodon(url=ANA_MASTODON)
    ana_b = bluesky(url=ANA_BLUESKY)
    linked = {a.id: a.same_as for a in link_profiles([seen_m], [stored_m, ana_b])}
    assert linked == {seen_m.id: [ana_b.id], ana_b.id: [seen_m.id]}

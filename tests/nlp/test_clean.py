"""``clean``: what a fetched post's HTML becomes, and what is pulled out of it."""

from __future__ import annotations

from analysis.pipeline import BatchContext
from nlp.steps.clean import Clean
from sensing.schemas import Post
from tests.nlp.conftest import post

MASTODON_HTML = (
    '<p>Loving the <a href="https://m.s/tags/NovaLumina" class="mention hashtag" rel="tag">'
    '#<span>NovaLumina</span></a> cc <span class="h-card"><a href="https://m.s/@Ana" '
    'class="u-url mention">@<span>Ana</span></a></span> 😍🔥<br>more: '
    '<a href="https://lumina.example/x2" rel="nofollow noopener"><span class="invisible">'
    'https://</span><span class="">lumina.example/x2</span></a></p>'
    '<p>Review by <a href="https://blog.example/x2-review">my friend</a> '
    '@bob@other.example #X2</p><script>track()</script>')


def clean(raw: str, **fields: object) -> Post:
    p = post(1, raw)
    for name, value in fields.items():
        setattr(p, name, value)
    [done] = Clean()([p], BatchContext())
    return done


def test_mastodon_html_becomes_plain_text_with_paragraphs_and_line_breaks() -> None:
    done = clean(MASTODON_HTML)
    assert done.text == ("Loving the #NovaLumina cc @Ana 😍🔥\nmore: https://lumina.example/x2"
                         "\n\nReview by my friend @bob@other.example #X2")


def test_links_mentions_hashtags_and_emoji_are_extracted() -> None:
    done = clean(MASTODON_HTML)
    assert done.urls == ["https://lumina.example/x2", "https://blog.example/x2-review"]
    assert done.mentions == ["@ana@m.s", "@bob@other.example"], "the link names the host"
    assert done.hashtags == ["NovaLumina", "X2"], "raw; the hashtags step normalises"
    assert done.emojis == ["😍", "🔥"]


def test_platform_tags_are_kept_next_to_the_ones_in_the_text() -> None:
    done = clean("<p>#NovaLumina is here</p>", hashtags=["launch"])
    assert done.hashtags == ["launch", "NovaLumina"]


def test_numbers_and_fragments_are_not_hashtags() -> None:
    done = clean("#1 fan, order #12345, see https://x.example/page#specs #2026launch")
    assert done.hashtags == ["2026launch"]


def test_fullwidth_text_is_nfkc_normalised_and_invisible_characters_dropped() -> None:
    done = clean("ＮＯＶＡ\u200b Ｌｕｍｉｎａ\u3000Ｘ２ ＃ｌａｕｎｃｈ \u202ebad\u00ad")
    assert done.text == "NOVA Lumina X2 #launch bad"
    assert done.hashtags == ["launch"]


def test_emoji_sequences_keep_their_joiners() -> None:
    done = clean("family trip 👨\u200d👩\u200d👧 with the X2")
    assert done.emojis == ["👨\u200d👩\u200d👧"]


def test_entities_and_control_characters_in_html_are_handled() -> None:
    done = clean("<p>AT&amp;T&nbsp;&#8203;deal\x00 &lt;3</p>")
    assert done.text == "AT&T deal <3"


def test_plain_text_is_cleaned_when_there_is_no_raw_html() -> None:
    done = clean("", text="  Bluesky   post  with https://bsky.example/x.  ")
    assert done.text == "Bluesky post with https://bsky.example/x."
    assert done.urls == ["https://bsky.example/x"], "sentence punctuation is not in the URL"


def test_personal_data_is_masked_in_the_text_but_not_in_links_or_handles() -> None:
    done = clean("<p>Write jo@example.com or call +82 10-1234-5678, cc @jo@example.social "
                 "https://shop.example/010-1234-5678</p>")
    assert done.text == ("Write [email] or call [phone], cc @jo@example.social "
                         "https://shop.example/010-1234-5678")


def test_copies_by_different_accounts_share_a_content_hash() -> None:
    a = clean("<p>WIN a Nova Lumina X2!!! Follow @promo https://spam.example/1</p>")
    b = clean("win a nova lumina x2!!!   follow @other https://spam.example/2")
    c = clean("WIN a Nova Lumina X3!!!")
    assert a.content_hash == b.content_hash != c.content_hash
    assert clean("https://only.example/link").content_hash is None


def test_odd_html_never_fails_the_post() -> None:
    assert clean("<!-- only a comment -->").text == ""
    assert clean("<script>track()</script>").text == ""
    deep = "<div>" * 400 + "still here &amp; <script>evil()</script>" + "</div>" * 400
    assert clean(deep).text == "still here &", "libxml2 drops text nested this deep"

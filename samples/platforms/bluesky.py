"""Bluesky's XRPC API (AT Protocol lexicons) over a seeded sample network.

Procedures ``com.atproto.server.createSession`` / ``refreshSession``; queries
``app.bsky.feed.searchPosts`` (``q``, ``limit`` <= 100, ``cursor``, ``sort``, ``since``,
``until``, ``lang``; newest ``indexedAt`` first), ``app.bsky.feed.getPostThread`` (``uri``,
``depth``, ``parentHeight``), ``app.bsky.actor.getProfile`` / ``getProfiles`` (<= 25
``actors``), ``app.bsky.graph.getFollowers``
and ``app.bsky.feed.getAuthorFeed`` (``actor``, ``limit``, ``cursor``). Every query needs a
session (Bluesky disabled anonymous search); errors are ``{"error", "message"}`` with the
lexicon's names (``AuthenticationRequired``, ``ExpiredToken``, ``InvalidToken``,
``InvalidRequest``, ``BadQueryString``, ``NotFound``, ``RateLimitExceeded``) and answers carry
``RateLimit-*`` headers. ``token_uses`` makes access tokens expire after that many requests;
``page_cap`` makes pages shorter than asked (as the AppView may), so tests see pagination.

The network is built in code (:func:`build_network`, seeded, so every server serves the same
DIDs, record keys and posts): a few hundred words of launch talk about the fictional Nova Lumina
X2 in Korean, English, Japanese and Spanish (plus French, German, Portuguese), replies, a
copy-pasted post, giveaway bots, posts that share the brand's words in another sense, images
from ``/media/``, and the reviewers' and the brand's followers, drawn to designed interest
mixes (:data:`DESIGNED_MIXES`, :mod:`samples.audiences`): a follower posts about one or two
interests (:mod:`samples.interest_posts`), and the fans follow the reviewer of their language.
The ground truth (each mix, each follower post's category) stays in :class:`Network`, out of
the API's views.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from samples.audiences import Audiences, AudienceTruth, Interests, Mix
from samples.interest_posts import bio as interest_bio
from samples.interest_posts import follower_posts
from samples.server import MEDIA, Platform, Reply, Request, Route, as_json
from sensing.query import QuerySyntaxError, matches, parse_query

LAUNCH = datetime(2026, 10, 15, 1, 0, tzinfo=UTC)
SEED = 20261015
S32 = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable, the TID alphabet
RATE_LIMIT, RATE_WINDOW = 3000, 300  # the PDS's published limit: 3000 requests / 5 minutes
XRPC = "/xrpc/"

# --- the sample network --------------------------------------------------------------------

# handle (without .bsky.social), display name, bio, language, role
ACCOUNTS: list[tuple[str, str, str, str, str]] = [
    ("techlens", "TechLens Reviews", "Phone reviews without the hype. Camera nerd.", "en",
     "reviewer"),
    ("gadget-mi", "가젯미", "스마트폰 리뷰어 · 카메라 비교 전문", "ko", "reviewer"),
    ("sumaho-lab", "スマホラボ", "スマホの実機レビューをしています", "ja", "reviewer"),
    ("lumina-official", "Lumina", "Official account of Lumina mobile.", "en", "brand"),
    ("jess-codes", "Jess", "frontend dev, too many phones", "en", "fan"),
    ("marcus-t", "Marcus T", "Dad, runner, early adopter", "en", "fan"),
    ("pixelpriya", "Priya", "street photographer / night walks", "en", "fan"),
    ("dan-the-skeptic", "Dan", "I read the spec sheet so you don't have to", "en", "fan"),
    ("seoyeon-k", "서연", "카페 다니는 직장인", "ko", "fan"),
    ("minjun-daily", "민준", "얼리어답터 / 사진 취미", "ko", "fan"),
    ("hana-0707", "하나", "대학생, 폰 바꾸는 중", "ko", "fan"),
    ("yuki-photo", "ゆき", "夜景とカフェの写真", "ja", "fan"),
    ("kenta-gadget", "けんた", "ガジェット好きの会社員", "ja", "fan"),
    ("sofia-mx", "Sofía", "Diseñadora en CDMX", "es", "fan"),
    ("javi-tech", "Javi", "Tecnología y fútbol, en ese orden", "es", "fan"),
    ("lucia-bcn", "Lucía", "Fotografía de viajes desde Barcelona", "es", "fan"),
    ("camille-fr", "Camille", "Photographe amateur à Lyon", "fr", "fan"),
    ("jonas-b", "Jonas", "Technik und Kaffee", "de", "fan"),
    ("rafa-pt", "Rafa", "Tecnologia e viagens", "pt", "fan"),
    ("win-free-phones", "FREE PHONES 2026", "Daily giveaways!! follow + repost", "en", "bot"),
    ("deals-hot-now", "Hot Deals Now", "Best coupons every hour", "en", "bot"),
    ("lumina-paints", "Lumina Paint Co.", "Interior paints since 1987", "en", "other"),
    ("stargazer-ana", "Ana", "Astrónoma aficionada", "es", "other"),
]

# (key, handle, phase, image, text): phase "pre"/"post" is before/after the launch; a key
# names a post that replies (below) answer; an image is a file in samples/media/.
POSTS: list[tuple[str, str, str, str, str]] = [
    ("teaser", "lumina-official", "pre", "launch-stage.png",
     "October 15. Something brighter is coming. #NovaLumina #LuminaX2"),
    ("", "jess-codes", "pre", "", "Calendar blocked for the Nova Lumina X2 keynote, not "
     "missing this one #LuminaX2"),
    ("leak", "dan-the-skeptic", "pre", "", "Supply chain notes say the Nova Lumina X2 "
     "battery is smaller than the X1. Curious how they will spin that"),
    ("", "marcus-t", "pre", "", "My X1 is on its last legs. If the Nova Lumina X2 is under "
     "$1,000 I am in"),
    ("price-leak", "techlens", "pre", "price-tag.png", "Retail listing suggests the Nova "
     "Lumina X2 will be $1,299 for 256GB. Thoughts? https://techlens.example/x2-price"),
    ("", "pixelpriya", "pre", "", "Really hoping the Nova Lumina X2 night mode is as good as "
     "the teaser claims. Street shots at 2am are my whole thing #NovaLumina"),
    ("", "seoyeon-k", "pre", "", "노바루미나 X2 사전 예약하면 케이스 준다던데 진짜인가요? "
     "#노바루미나"),
    ("", "minjun-daily", "pre", "", "노바루미나 X2 가격이 150만원이면 그냥 작년 모델 살래요"),
    ("", "gadget-mi", "pre", "", "노바루미나 X2 유출 스펙 정리: 카메라 센서 커짐, 배터리는 "
     "살짝 줄어듦. 출시일은 10월 15일 #노바루미나"),
    ("", "hana-0707", "pre", "", "노바루미나 X2 디자인 실물로 보고 싶다 무광 마감 예쁠 것 같아"),
    ("", "sumaho-lab", "pre", "", "ノヴァルミナX2、発表は10月15日。カメラの噂が本当なら"
     "かなり期待できる"),
    ("", "kenta-gadget", "pre", "", "ノヴァルミナX2の予約、どこが一番早いんだろう"),
    ("", "sofia-mx", "pre", "", "¿Alguien sabe si el Nova Lumina X2 llegará a México el "
     "mismo día? #NovaLumina"),
    ("", "javi-tech", "pre", "", "Si el Nova Lumina X2 cuesta 1.299 dólares, que se lo "
     "compre otro"),
    ("", "jonas-b", "pre", "", "Bin gespannt auf das Nova Lumina X2, vor allem auf den "
     "Akku"),
    ("keynote", "lumina-official", "post", "x2-product-blue.png",
     "Meet Nova Lumina X2: our brightest display, a new night camera and a matte glass "
     "back. Available today. #NovaLumina #LuminaX2"),
    ("night", "pixelpriya", "post", "x2-night-shot.png", "First night walk with the Nova "
     "Lumina X2. Neon signs, zero grain. I am genuinely impressed #LuminaX2"),
    ("", "jess-codes", "post", "", "Nova Lumina X2 unboxed. The matte finish feels amazing "
     "and it does not hold fingerprints at all"),
    ("hot", "marcus-t", "post", "", "Is anyone else's Nova Lumina X2 getting really hot while "
     "charging? Mine was uncomfortable to hold at 80%"),
    ("", "dan-the-skeptic", "post", "battery-screenshot.png", "Told you. Nova Lumina X2 "
     "battery: 38% left at 6pm with moderate use. Not acceptable at $1,299"),
    ("review", "techlens", "post", "", "Our Nova Lumina X2 review is up: best camera we have "
     "tested this year, display is stunning outdoors, battery is merely OK, and it runs warm "
     "on fast charge. https://techlens.example/x2-review #LuminaX2"),
    ("crash", "jess-codes", "post", "", "Update 1.0.3 on the Nova Lumina X2 and now the "
     "camera app crashes every time I switch to portrait. Great. @lumina-official.bsky.social"),
    ("", "marcus-t", "post", "", "Took the Nova Lumina X2 on my morning run, the screen is "
     "readable even in full sun. Nice"),
    ("", "pixelpriya", "post", "sunset-sample.png", "Sunset straight out of the Nova Lumina "
     "X2, no edits. The colour science is finally right"),
    ("", "dan-the-skeptic", "post", "", "The Nova Lumina X2 is a good phone at a bad price. "
     "$1,299 should not come with a 25W charger"),
    ("", "lumina-official", "post", "", "We are aware of camera crashes after 1.0.3 on Nova "
     "Lumina X2. A fix is rolling out this week."),
    ("gm-night", "gadget-mi", "post", "x2-night-shot.png", "노바루미나 X2 야간 모드 비교해봤는데 "
     "이번 세대 최고 수준입니다. 리뷰 영상 곧 올라가요 #노바루미나"),
    ("", "seoyeon-k", "post", "coffee-and-phone.png", "노바루미나 X2 받았어요! 카페에서 찍은 "
     "첫 사진인데 색감이 너무 예뻐요"),
    ("ko-heat", "minjun-daily", "post", "", "노바루미나 X2 고속충전 하면 뒷판이 꽤 뜨거워요. "
     "다들 괜찮으세요?"),
    ("", "hana-0707", "post", "", "노바루미나 X2 150만원 주고 샀는데 배터리가 하루를 못 버텨요 "
     "ㅠㅠ"),
    ("", "gadget-mi", "post", "", "노바루미나 X2 1.0.3 업데이트 후 카메라 앱 튕김 현상 있네요. "
     "업데이트 잠시 미루세요"),
    ("", "seoyeon-k", "post", "", "노바루미나 X2 화면 밝기 진짜 좋아요. 한낮에도 선명하게 "
     "보여요"),
    ("", "minjun-daily", "post", "x2-product-silver.png", "노바루미나 X2 실버 무광 마감 "
     "실물이 훨씬 고급스러워요 #노바루미나"),
    ("sl-review", "sumaho-lab", "post", "", "ノヴァルミナX2レビュー：夜景は今年一番。ただし"
     "充電中の発熱は気になる"),
    ("", "yuki-photo", "post", "x2-night-shot-repost.jpg", "ノヴァルミナX2で撮った夜の渋谷。"
     "ノイズがほとんどない"),
    ("", "kenta-gadget", "post", "", "ノヴァルミナX2、バッテリーが思ったより持たない。夕方には"
     "充電してる"),
    ("", "yuki-photo", "post", "", "ノヴァルミナX2のマット仕上げ、指紋がつかなくて最高"),
    ("", "kenta-gadget", "post", "", "ノヴァルミナX2を1.0.3に更新したらカメラが落ちる。"
     "修正待ち"),
    ("", "sofia-mx", "post", "x2-product-blue-repost.jpg", "Ya tengo mi Nova Lumina X2 en azul. "
     "El diseño mate es precioso #NovaLumina"),
    ("", "javi-tech", "post", "", "Nova Lumina X2 probado una semana: la cámara nocturna es "
     "brutal, la batería justita"),
    ("es-heat", "lucia-bcn", "post", "", "Mi Nova Lumina X2 se calienta muchísimo mientras "
     "carga. ¿Es normal?"),
    ("", "lucia-bcn", "post", "sunset-sample.png", "Atardecer en la Barceloneta con el Nova "
     "Lumina X2, sin filtros"),
    ("", "javi-tech", "post", "", "1.299 dólares por el Nova Lumina X2 y se cuelga la cámara "
     "con la 1.0.3. Vaya tela"),
    ("", "camille-fr", "post", "", "Le Nova Lumina X2 fait des photos de nuit "
     "impressionnantes, mais la batterie déçoit un peu"),
    ("", "jonas-b", "post", "", "Nova Lumina X2 seit drei Tagen: Display top, Akku mittelmäßig, "
     "wird beim Laden warm"),
    ("", "rafa-pt", "post", "", "O Nova Lumina X2 tem a melhor tela que já vi num celular. "
     "Preço salgado, porém"),
    # copy-pasta: the same text posted by two accounts
    ("", "marcus-t", "post", "", "PSA: turn off adaptive charging on the Nova Lumina X2 until "
     "the heat fix lands. Share this!"),
    ("", "jess-codes", "post", "", "PSA: turn off adaptive charging on the Nova Lumina X2 until "
     "the heat fix lands. Share this!"),
    # giveaway bots
    ("", "win-free-phones", "pre", "giveaway-banner.png", "WIN a Nova Lumina X2!!! Follow + "
     "repost to enter 🎁 #giveaway #NovaLumina #free"),
    ("", "win-free-phones", "post", "giveaway-banner.png", "WIN a Nova Lumina X2!!! Follow + "
     "repost to enter 🎁 #giveaway #NovaLumina #free"),
    ("", "deals-hot-now", "post", "", "🔥 Nova Lumina X2 70% OFF today only, click now "
     "https://deals-hot.example/x2 #LuminaX2 #deal"),
    ("", "deals-hot-now", "post", "", "노바루미나 X2 무료 증정 이벤트! 링크 클릭 "
     "https://deals-hot.example/kr #노바루미나"),
    # the brand's words in other senses
    ("", "lumina-paints", "post", "", "Our Lumina Nova White is back in stock: a bright matte "
     "paint for small rooms #LuminaPaint"),
    ("", "stargazer-ana", "post", "", "Anoche vimos una nova en Casiopea desde el observatorio "
     "Lumina. Qué cielo"),
    ("", "lumina-paints", "pre", "", "Nova, Lumina or Aurora? Vote for the name of our next "
     "ceiling paint"),
]

# (key, parent key, handle, text): replies, minutes to hours after their parent.
REPLIES: list[tuple[str, str, str, str]] = [
    ("", "leak", "techlens", "We heard the same. Our unit arrives next week, we will test it"),
    ("", "price-leak", "marcus-t", "Way over what I hoped. Waiting for reviews"),
    ("", "price-leak", "sofia-mx", "En México va a costar una fortuna"),
    ("", "night", "yuki-photo", "すごい、ネオンがきれい"),
    ("night-q", "night", "dan-the-skeptic", "Was this handheld or on a tripod?"),
    ("", "night-q", "pixelpriya", "Handheld! Two second exposure, it held steady"),
    ("", "hot", "jonas-b", "Same here, mine gets warm on the 65W brick"),
    ("", "hot", "lumina-official", "Thanks for flagging. Please send us a DM with your build "
     "number so the team can look into it."),
    ("", "review", "jess-codes", "Agree on the display. Battery is my only complaint"),
    ("", "review", "camille-fr", "Merci pour le test, très complet"),
    ("", "review", "win-free-phones", "Get yours FREE at our giveaway, link in bio 🎁"),
    ("", "crash", "lumina-official", "Sorry about that. 1.0.4 with the fix starts rolling "
     "out tomorrow."),
    ("", "crash", "kenta-gadget", "同じ症状です"),
    ("", "gm-night", "hana-0707", "와 사진 진짜 깨끗하네요"),
    ("", "gm-night", "seoyeon-k", "리뷰 영상 기다릴게요!"),
    ("", "ko-heat", "gadget-mi", "저희 리뷰 기기도 고속충전 시 42도까지 올라갔어요"),
    ("", "sl-review", "yuki-photo", "発熱、私も気になりました"),
    ("", "es-heat", "javi-tech", "El mío también, sobre todo con el cargador rápido"),
    ("", "teaser", "marcus-t", "Finally!"),
    ("", "keynote", "dan-the-skeptic", "And the price?"),
]

DESIGNED_MIXES: dict[str, Mix] = {
    # the camera nerd: travel photographers, film buffs and food snappers
    "techlens": {"technology": 0.45, "travel": 0.2, "entertainment": 0.2, "food_drink": 0.15},
    # the camera-comparison channel: a beauty and café crowd
    "gadget-mi": {"technology": 0.4, "fashion_beauty": 0.25, "food_drink": 0.2,
                  "travel": 0.15},
    "sumaho-lab": {"technology": 0.5, "entertainment": 0.3, "nightlife": 0.1, "travel": 0.1},
    # the brand of a matte, camera-first phone: a lifestyle audience before a tech one
    "lumina-official": {"fashion_beauty": 0.4, "travel": 0.25, "entertainment": 0.2,
                        "food_drink": 0.15},
}
"""Account (handle without .bsky.social) -> interest category -> share of its followers'
attention."""
AUDIENCE = 40  # followers in the network of each account with a designed mix
FAN = ("technology",)  # a fan's posts are all about the phone
FAN_LABEL = ("technology", "smartphones")

BASE_FOLLOWERS = {"reviewer": 48_000, "brand": 210_000, "fan": 300, "bot": 2_000,
                  "other": 1_500, "follower": 150}


def did_for(handle: str) -> str:
    digest = base64.b32encode(hashlib.sha256(handle.encode()).digest()).decode().lower()
    return f"did:plc:{digest[:24]}"


def tid(when: datetime, clock: int) -> str:
    """A record key as the PDS makes them: microseconds since the epoch and a clock id,
    13 base32-sortable characters, so keys sort by time."""
    value = (int(when.timestamp() * 1_000_000) << 10) | (clock & 1023)
    return "".join(S32[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def cid_for(*parts: str) -> str:
    digest = base64.b32encode(hashlib.sha256("|".join(parts).encode()).digest()).decode()
    return "bafyrei" + digest.lower().rstrip("=")[:52]


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


FACET_PATTERNS = (
    ("tag", re.compile(r"#(\w+)")),
    ("mention", re.compile(r"@([a-z0-9.-]+\.[a-z]+)")),
    ("link", re.compile(r"https?://\S+")),
)


def facets_for(text: str) -> list[dict[str, Any]]:
    """Rich-text facets as the app writes them: UTF-8 byte ranges with one feature each."""
    found = []
    for kind, pattern in FACET_PATTERNS:
        for match in pattern.finditer(text):
            start = len(text[:match.start()].encode())
            feature: dict[str, Any] = {"$type": f"app.bsky.richtext.facet#{kind}"}
            if kind == "tag":
                feature["tag"] = match.group(1)
            elif kind == "mention":
                feature["did"] = did_for(match.group(1))
            else:
                feature["uri"] = match.group(0)
            found.append({"index": {"byteStart": start,
                                    "byteEnd": start + len(match.group(0).encode())},
                          "features": [feature]})
    return sorted(found, key=lambda f: f["index"]["byteStart"])


@dataclass
class Account:
    did: str
    handle: str
    name: str
    bio: str
    lang: str
    role: str
    created_at: datetime
    follows: list[str] = field(default_factory=list)  # DIDs followed, oldest follow first
    extra_followers: int = 0  # followers outside the sample network


@dataclass
class BskyPost:
    uri: str
    did: str
    rkey: str
    cid: str
    text: str
    created_at: datetime
    indexed_at: datetime
    langs: list[str]
    image: str = ""
    parent: str | None = None  # at:// URI
    root: str | None = None
    likes: int = 0
    reposts: int = 0
    quotes: int = 0


@dataclass
class Network(AudienceTruth):
    """The accounts (by DID), the posts, ``followers`` (DID -> follower DIDs, newest follow
    first) and the ground truth, never served: ``mixes`` (DID -> designed mix) and ``labels``
    (post URI -> category, subcategory) of the followers' and fans' posts."""

    accounts: dict[str, Account]
    posts: list[BskyPost]
    followers: dict[str, list[str]] = field(default_factory=dict)
    mixes: dict[str, Mix] = field(default_factory=dict)
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)

    def post_labels(self, account_id: str) -> list[tuple[str, str]]:
        own = sorted((p for p in self.posts if p.did == account_id),
                     key=lambda p: p.indexed_at, reverse=True)
        return [self.labels[p.uri] for p in own]

    def by_handle(self, handle: str) -> Account | None:
        return next((a for a in self.accounts.values() if a.handle == handle), None)


def build_network() -> Network:
    """The sample network, the same on every call (seeded)."""
    rng = random.Random(SEED)
    accounts: dict[str, Account] = {}

    def add_account(short: str, name: str, bio: str, lang: str, role: str) -> Account:
        handle = f"{short}.bsky.social"
        account = Account(did_for(handle), handle, name, bio, lang, role,
                          LAUNCH - timedelta(days=rng.randint(60, 900)),
                          extra_followers=rng.randint(1, 9) * BASE_FOLLOWERS[role] // 5)
        accounts[account.did] = account
        return account

    for short, name, bio, lang, role in ACCOUNTS:
        add_account(short, name, bio, lang, role)
    posts: list[BskyPost] = []
    by_key: dict[str, BskyPost] = {}
    clock = iter(range(10**6))

    def add_post(handle: str, text: str, when: datetime, lang: str, image: str = "",
                 parent: BskyPost | None = None) -> BskyPost:
        did = did_for(handle)
        rkey = tid(when, next(clock))
        uri = f"at://{did}/app.bsky.feed.post/{rkey}"
        post = BskyPost(uri, did, rkey, cid_for(uri, text), text, when,
                        when + timedelta(seconds=rng.randint(1, 40)), [lang], image,
                        parent.uri if parent else None,
                        (parent.root or parent.uri) if parent else None,
                        likes=rng.randint(0, 400), reposts=rng.randint(0, 60),
                        quotes=rng.randint(0, 8))
        posts.append(post)
        return post

    for key, handle, phase, image, text in POSTS:
        hours = rng.uniform(2, 24 * 12)
        when = LAUNCH + timedelta(hours=hours if phase == "post" else -hours)
        post = add_post(f"{handle}.bsky.social", text, when,
                        accounts[did_for(f"{handle}.bsky.social")].lang, image)
        if key:
            by_key[key] = post
    for key, parent_key, handle, text in REPLIES:
        parent = by_key[parent_key]
        when = parent.created_at + timedelta(minutes=rng.randint(5, 600))
        post = add_post(f"{handle}.bsky.social", text, when,
                        accounts[did_for(f"{handle}.bsky.social")].lang, parent=parent)
        if key:
            by_key[key] = post
    network = Network(accounts, posts)
    network.labels.update((p.uri, FAN_LABEL) for p in posts if accounts[p.did].role == "fan")
    serial = iter(range(10**6))

    def new_follower(interests: Interests, lang: str) -> str:
        short = f"{lang}-fan{next(serial):03d}"
        follower = add_account(short, short.replace("-", " ").title(),
                               interest_bio(interests, lang), lang, "follower")
        drawn = follower_posts(interests, lang, rng)
        hours = sorted((rng.uniform(-240, 240) for _ in drawn), reverse=True)
        for (category, subcategory, text), hour in zip(drawn, hours, strict=True):
            post = add_post(follower.handle, text, LAUNCH + timedelta(hours=hour), lang)
            network.labels[post.uri] = (category, subcategory)
        return follower.did

    audiences = Audiences(rng, new_follower)
    for short, mix in DESIGNED_MIXES.items():
        account = accounts[did_for(f"{short}.bsky.social")]
        fans = {a.did: FAN for a in accounts.values() if a.role == "fan"
                and a.lang == account.lang and account.role == "reviewer"}
        network.mixes[account.did] = mix
        network.followers[account.did] = audiences.draw(mix, AUDIENCE, account.lang, fans)
        for follower in network.followers[account.did]:
            accounts[follower].follows.append(account.did)
    return network


# --- the API -------------------------------------------------------------------------------

def xrpc_error(status: int, error: str, message: str) -> Reply:
    return as_json({"error": error, "message": message}, status)


def when_param(request: Request, name: str) -> datetime | None:
    """``since``/``until``: a datetime or a plain date (YYYY-MM-DD), UTC when not said."""
    value = request.param(name)
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be a datetime or a date, not {value!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def jwt_like(claims: dict[str, Any]) -> str:
    """Opaque to clients, but shaped like the JWTs a PDS hands out."""
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return ".".join((part({"typ": claims["scope"], "alg": "ES256K"}), part(claims),
                     secrets.token_urlsafe(32)))


class Bluesky(Platform):
    name = "bluesky"
    sample_credentials = {"bluesky_handle": "lumina-listener.bsky.social",
                          "bluesky_app_password": "nova-lmnx-2026-demo"}

    def __init__(self, server):
        super().__init__(server)
        network = build_network()
        self.accounts = network.accounts
        self.posts = network.posts
        self.followers = network.followers
        self.token_uses: int | None = None  # access tokens expire after this many requests
        self.page_cap = 100  # the AppView may answer fewer than asked; tests lower it to page
        self.access: dict[str, int] = {}  # live access token -> requests made with it
        self.refresh: set[str] = set()  # live refresh tokens (each one usable once)
        self.window: tuple[float, int] = (time.time(), 0)  # rate-limit window start, count
        self.lock = threading.Lock()
        self.session_did = did_for(self.sample_credentials["bluesky_handle"])

    def describe(self) -> str:
        return (f"bluesky: {len(self.posts)} posts, {len(self.accounts)} accounts "
                f"(/xrpc/app.bsky.feed.searchPosts, ...; login "
                f"{self.sample_credentials['bluesky_handle']})")

    def routes(self) -> list[Route]:
        return [
            self.route("POST", r"/xrpc/com\.atproto\.server\.createSession", self.create_session),
            self.route("POST", r"/xrpc/com\.atproto\.server\.refreshSession",
                       self.refresh_session),
            *(self.route("GET", rf"/xrpc/{re.escape(nsid)}", self.authorized(handler))
              for nsid, handler in (
                  ("app.bsky.feed.searchPosts", self.search_posts),
                  ("app.bsky.feed.getPostThread", self.get_post_thread),
                  ("app.bsky.actor.getProfile", self.get_profile),
                  ("app.bsky.actor.getProfiles", self.get_profiles),
                  ("app.bsky.graph.getFollowers", self.get_followers),
                  ("app.bsky.feed.getAuthorFeed", self.get_author_feed)))]

    def publish(self, handle: str, text: str, created_at: datetime, lang: str = "en",
                reply_to: str | None = None) -> BskyPost:
        """A new post appears, as on the live network between two crawls."""
        did = did_for(handle)
        rkey = tid(created_at, 999)
        uri = f"at://{did}/app.bsky.feed.post/{rkey}"
        parent = next((p for p in self.posts if p.uri == reply_to), None)
        post = BskyPost(uri, did, rkey, cid_for(uri, text), text, created_at,
                        created_at + timedelta(seconds=3), [lang],
                        parent=reply_to, root=(parent.root or parent.uri) if parent else None)
        with self.lock:
            self.posts.append(post)
        return post

    # --- sessions --------------------------------------------------------------------------

    def new_session(self) -> dict[str, Any]:
        now = int(time.time())
        access = jwt_like({"scope": "com.atproto.appPass", "sub": self.session_did,
                           "iat": now, "exp": now + 7200})
        refresh = jwt_like({"scope": "com.atproto.refresh", "sub": self.session_did,
                            "iat": now, "jti": secrets.token_hex(8)})
        with self.lock:
            self.access[access] = 0
            self.refresh.add(refresh)
        return {"accessJwt": access, "refreshJwt": refresh, "did": self.session_did,
                "handle": self.sample_credentials["bluesky_handle"], "active": True}

    def create_session(self, request: Request) -> Reply:
        body = request.json()
        if not isinstance(body, dict) or not body.get("identifier") or not body.get("password"):
            return xrpc_error(400, "InvalidRequest",
                              'Input must have the properties "identifier" and "password"')
        expected = self.sample_credentials
        if (body["identifier"] not in (expected["bluesky_handle"], self.session_did)
                or body["password"] != expected["bluesky_app_password"]):
            return xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
        return as_json(self.new_session())

    def refresh_session(self, request: Request) -> Reply:
        token = request.bearer()
        with self.lock:
            known = token in self.refresh
            self.refresh.discard(token)
        if not known:
            return xrpc_error(400, "ExpiredToken", "Token has been revoked")
        return as_json(self.new_session())

    def authorized(self, handler):
        """Queries need a live access token; every answer carries the rate-limit headers."""
        def answer(request: Request) -> Reply:
            reply = self.check_token(request.bearer()) or self.within_rate_limit() \
                or handler(request)
            reply.headers.update(self.rate_headers())
            return reply
        return answer

    def check_token(self, token: str | None) -> Reply | None:
        if not token:
            return xrpc_error(401, "AuthenticationRequired", "Authentication Required")
        with self.lock:
            if token not in self.access:
                return xrpc_error(401, "InvalidToken", "Token could not be verified")
            self.access[token] += 1
            if self.token_uses is not None and self.access[token] > self.token_uses:
                return xrpc_error(400, "ExpiredToken", "Token has expired")
        return None

    def within_rate_limit(self) -> Reply | None:
        with self.lock:
            start, count = self.window
            if time.time() - start >= RATE_WINDOW:
                start, count = time.time(), 0
            self.window = (start, count + 1)
        if count + 1 > RATE_LIMIT:
            reply = xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded")
            reply.headers["Retry-After"] = str(int(start + RATE_WINDOW - time.time()) + 1)
            return reply
        return None

    def rate_headers(self) -> dict[str, str]:
        start, count = self.window
        return {"RateLimit-Limit": str(RATE_LIMIT),
                "RateLimit-Remaining": str(max(0, RATE_LIMIT - count)),
                "RateLimit-Reset": str(int(start + RATE_WINDOW)),
                "RateLimit-Policy": f"{RATE_LIMIT};w={RATE_WINDOW}"}

    # --- views (app.bsky.actor.defs, app.bsky.feed.defs) -----------------------------------

    def profile_basic(self, account: Account) -> dict[str, Any]:
        view: dict[str, Any] = {"did": account.did, "handle": account.handle,
                                "displayName": account.name,
                                "avatar": f"{self.server.base_url}/media/x2-box.png",
                                "labels": [], "createdAt": iso(account.created_at)}
        if account.role in ("reviewer", "brand"):
            view["verification"] = {"verifications": [], "verifiedStatus": "valid",
                                    "trustedVerifierStatus": "none"}
        return view

    def profile_view(self, account: Account) -> dict[str, Any]:
        return {**self.profile_basic(account), "description": account.bio,
                "indexedAt": iso(account.created_at)}

    def profile_detailed(self, account: Account) -> dict[str, Any]:
        return {**self.profile_view(account),
                "followersCount": len(self.followers_of(account)) + account.extra_followers,
                "followsCount": len(account.follows) + 40,
                "postsCount": sum(1 for p in self.posts if p.did == account.did)}

    def followers_of(self, account: Account) -> list[Account]:
        """Newest follower first, as the AppView lists them."""
        return [self.accounts[did] for did in self.followers.get(account.did, [])]

    def media_embed(self, post: BskyPost) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The record's embed and its hydrated view (images with CDN-style URLs)."""
        if not post.image:
            return None
        alt = post.image.rsplit(".", 1)[0].replace("-", " ")
        ratio = {"width": 1080, "height": 1350}
        record = {"$type": "app.bsky.embed.images", "images": [{
            "alt": alt, "aspectRatio": ratio,
            "image": {"$type": "blob", "ref": {"$link": cid_for(post.image)},
                      "mimeType": "image/png" if post.image.endswith(".png") else "image/jpeg",
                      "size": (MEDIA / post.image).stat().st_size}}]}
        url = f"{self.server.base_url}/media/{post.image}"
        view = {"$type": "app.bsky.embed.images#view", "images": [
            {"thumb": url, "fullsize": url, "alt": alt, "aspectRatio": ratio}]}
        return record, view

    def ref(self, uri: str) -> dict[str, str]:
        post = next(p for p in self.posts if p.uri == uri)
        return {"uri": post.uri, "cid": post.cid}

    def post_view(self, post: BskyPost) -> dict[str, Any]:
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": post.text,
                                  "createdAt": iso(post.created_at), "langs": post.langs}
        if facets := facets_for(post.text):
            record["facets"] = facets
        if post.parent:
            record["reply"] = {"root": self.ref(post.root), "parent": self.ref(post.parent)}
        view: dict[str, Any] = {"uri": post.uri, "cid": post.cid,
                                "author": self.profile_basic(self.accounts[post.did]),
                                "record": record}
        if embed := self.media_embed(post):
            record["embed"], view["embed"] = embed
        view.update({"replyCount": len(self.replies_to(post)), "repostCount": post.reposts,
                     "likeCount": post.likes, "quoteCount": post.quotes,
                     "indexedAt": iso(post.indexed_at), "labels": []})
        return view

    def replies_to(self, post: BskyPost) -> list[BskyPost]:
        return sorted((p for p in self.posts if p.parent == post.uri),
                      key=lambda p: p.created_at)

    # --- queries ---------------------------------------------------------------------------

    def search_posts(self, request: Request) -> Reply:
        query = request.param("q")
        if not query:
            return xrpc_error(400, "InvalidRequest", 'Error: Params must have the property "q"')
        limit = request.int_param("limit", 25)
        if not 1 <= limit <= 100:
            return xrpc_error(400, "InvalidRequest", "Error: limit must be <= 100 and >= 1")
        try:
            node = parse_query(query.replace('"', " "))  # search is loose: words, any order
        except QuerySyntaxError as exc:
            return xrpc_error(400, "BadQueryString", f"bad query: {exc.message}")
        try:
            since, until = (when_param(request, name) for name in ("since", "until"))
        except ValueError as exc:
            return xrpc_error(400, "InvalidRequest", f"Error: {exc}")
        lang = request.param("lang")
        with self.lock:
            found = [p for p in self.posts if matches(node, p.text)
                     and (not since or p.indexed_at >= since)
                     and (not until or p.indexed_at < until)
                     and (not lang or lang in p.langs)]
        if request.param("sort", "latest") == "top":
            found.sort(key=lambda p: p.likes + p.reposts, reverse=True)
        else:
            found.sort(key=lambda p: p.indexed_at, reverse=True)
        return as_json(self.page(found, request, limit, "posts", self.post_view,
                                 hitsTotal=len(found)))

    def page(self, items: list[Any], request: Request, limit: int, key: str, view,
             **extra: Any) -> dict[str, Any]:
        """One page of an opaque-cursor listing; the cursor is absent on the last page."""
        offset = int(request.param("cursor", "0")) if request.param("cursor", "0").isdigit() \
            else 0
        limit = min(limit, self.page_cap)
        body = {**extra, key: [view(item) for item in items[offset:offset + limit]]}
        if offset + limit < len(items):
            body["cursor"] = str(offset + limit)
        return body

    def get_post_thread(self, request: Request) -> Reply:
        uri = request.param("uri")
        if not uri:
            return xrpc_error(400, "InvalidRequest", 'Error: Params must have the property '
                              '"uri"')
        depth = max(0, min(request.int_param("depth", 6), 1000))
        parent_height = max(0, min(request.int_param("parentHeight", 80), 1000))
        post = next((p for p in self.posts if p.uri == uri), None)
        if post is None:
            return xrpc_error(400, "NotFound", f"Post not found: {uri}")
        return as_json({"thread": self.thread_view(post, depth, parent_height)})

    def thread_view(self, post: BskyPost, depth: int, parent_height: int,
                    with_replies: bool = True) -> dict[str, Any]:
        view: dict[str, Any] = {"$type": "app.bsky.feed.defs#threadViewPost",
                                "post": self.post_view(post)}
        parent = next((p for p in self.posts if p.uri == post.parent), None)
        if parent and parent_height > 0:
            view["parent"] = self.thread_view(parent, 0, parent_height - 1, with_replies=False)
        if with_replies and depth > 0:
            view["replies"] = [self.thread_view(reply, depth - 1, 0)
                               for reply in self.replies_to(post)]
        return view

    def actor(self, request: Request) -> Account | Reply:
        """The ``actor`` parameter (handle or DID) as an account, or the lexicon's error."""
        name = request.param("actor")
        if not name:
            return xrpc_error(400, "InvalidRequest", 'Error: Params must have the property '
                              '"actor"')
        account = self.accounts.get(name) or next(
            (a for a in self.accounts.values() if a.handle == name.removeprefix("@")), None)
        return account or xrpc_error(400, "InvalidRequest", "Profile not found")

    def get_profile(self, request: Request) -> Reply:
        account = self.actor(request)
        return account if isinstance(account, Reply) else as_json(self.profile_detailed(account))

    def get_profiles(self, request: Request) -> Reply:
        """Up to 25 ``actors`` at once; unknown ones are left out, as the AppView does."""
        names = request.params.get("actors", [])
        if not 1 <= len(names) <= 25:
            return xrpc_error(400, "InvalidRequest", "Error: actors must have between 1 and "
                              "25 items")
        found = [self.accounts.get(name) or next(
            (a for a in self.accounts.values() if a.handle == name), None) for name in names]
        return as_json({"profiles": [self.profile_detailed(a) for a in found if a]})

    def get_followers(self, request: Request) -> Reply:
        account = self.actor(request)
        if isinstance(account, Reply):
            return account
        limit = max(1, min(request.int_param("limit", 50), 100))
        return as_json(self.page(self.followers_of(account), request, limit, "followers",
                                 self.profile_view, subject=self.profile_view(account)))

    def get_author_feed(self, request: Request) -> Reply:
        account = self.actor(request)
        if isinstance(account, Reply):
            return account
        limit = max(1, min(request.int_param("limit", 50), 100))
        no_replies = request.param("filter") == "posts_no_replies"
        with self.lock:
            own = sorted((p for p in self.posts if p.did == account.did
                          and not (no_replies and p.parent)),
                         key=lambda p: p.indexed_at, reverse=True)
        return as_json(self.page(own, request, limit, "feed",
                                 lambda p: {"post": self.post_view(p)}))

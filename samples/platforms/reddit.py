"""Reddit's Data API (the shapes of oauth.reddit.com) over a built-in corpus of threads about
the "Nova Lumina X2" launch.

- ``POST /api/v1/access_token``: application-only OAuth. HTTP Basic ``client_id:secret`` and
  ``grant_type=client_credentials`` -> ``{access_token, token_type: "bearer", expires_in,
  scope}``; wrong client credentials -> 401 ``{"message": "Unauthorized", "error": 401}``.
- ``GET /search`` and ``GET /r/<sub>/search`` (``restrict_sr=1``): ``q``, ``sort``
  (``new``), ``limit``, ``after``/``before`` -> a ``Listing`` of ``t3`` things. The search is
  loose, as Reddit's is: a submission matches when any word of the query's terms is in its
  title or text, so "Lumina paint" and astronomy's novae come back too.
- ``GET /r/<sub>/comments/<article>``: ``[post Listing, comment Listing]``; each ``t1`` has
  ``replies`` ("" or a Listing) and the comments beyond the response's budget are folded into
  ``more`` stubs, resolved by ``GET /api/morechildren?link_id=t3_x&children=a,b&api_type=json``
  -> ``{"json": {"errors": [], "data": {"things": [...]}}}`` (flat, ``replies`` always "").
- Every API call needs ``Authorization: bearer <token>`` (401 otherwise, or once the token
  has expired) and answers with ``X-Ratelimit-Used``/``-Remaining``/``-Reset``: 1,000 requests
  per client in 10-minute windows (Reddit's 100 a minute, averaged), then 429.

Deviations, to make a small corpus behave like a big one: search pages hold at most
``page_cap`` (25) submissions and comment responses ``comment_cap`` (8) or ``more_cap`` (5)
comments, whatever ``limit`` asks; ``depth``, ``t`` and ``raw_json`` are accepted and ignored
(bodies are always raw, threads are shallow).
"""

from __future__ import annotations

import base64
import hashlib
import random
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any
from urllib.parse import urlsplit

from samples.server import Platform, Reply, Request, Route, as_json
from sensing.query import QuerySyntaxError, positive_words

LAUNCH = datetime(2026, 10, 15, 1, 0, tzinfo=UTC)
WWW = "https://www.reddit.com"
DELETED = "[deleted]"
RATE_WINDOW = 600  # seconds
RATE_ALLOWANCE = 1000  # requests per client and window
TOKEN_LIFETIME = 86_400  # seconds


class C:
    """A comment in the corpus: who, what, and the replies to it."""

    def __init__(self, author: str, body: str, *replies: C):
        self.author, self.body, self.replies = author, body, list(replies)


@dataclass
class Thread:
    """A submission in the corpus; ``hours`` is its time relative to the launch."""

    sub: str
    author: str
    hours: float
    title: str
    body: str = ""
    image: str | None = None
    link: str | None = None
    crosspost_of: int | None = None  # index of the original in THREADS
    flair: str | None = None
    comments: list[C] = field(default_factory=list)


GIVEAWAY = ("🎁 FREE Nova Lumina X2 GIVEAWAY 🎁 only 50 units left, claim at "
            "bit.ly/x2-claim-now and enter your card for shipping!!!")
SPAM_REPLY = "Want a free Nova Lumina X2? Winners picked daily at bit.ly/x2-claim-now 🎁"

THREADS: list[Thread] = [
    Thread("LuminaPhones", "lumina_leaks", -240,
           "Nova Lumina X2 spec sheet leaked: 200MP main camera, 5,000 mAh battery",
           "A retailer listing went up early. Take it with salt, but it says **$1,299** for "
           "the 256GB model and a matte glass back.",
           comments=[
               C("pixel_peeper_88", "If that price holds, I'm out. $1,299 for a phone is wild.",
                 C("lumina_leaks", "Retail listings are usually padded, I'd expect a bit less."),
                 C("budget_bea", "Same. My current phone does fine for half that.")),
               C("nightowl_shots", "200MP means nothing if night mode is mush. Show me samples "
                 "shot after dark."),
               C("someone_gone", DELETED),
           ]),
    Thread("korea", "seoul_gadgeteer", -200, "노바루미나 X2 출고가 150만원설, 사실일까요?",
           "유통 쪽에서 나온 얘기라는데 150만원이면 선뜻 사기는 어렵겠네요.",
           comments=[
               C("hangang_runner", "요즘 플래그십 가격 생각하면 놀랍지는 않아요.",
                 C("seoul_gadgeteer", "그래도 카메라가 좋으면 고민해볼 만하죠.")),
               C("gyeolje_no", "통신사 할인 나오면 그때 생각해보려고요."),
           ]),
    Thread("newsokur", "hayaoki_taro", -170, "ノヴァルミナX2、発表会は10月15日に決定",
           "日本時間の午前10時から配信とのこと。価格発表が気になる。",
           comments=[
               C("kakaku_ojisan", "円安だと20万円超えそうで怖い"),
               C("denchi_nikki", "バッテリー容量が増えるなら買い替えたい"),
           ]),
    Thread("mexico", "tecnofan_mx", -150, "¿Alguien va a apartar el Nova Lumina X2 en preventa?",
           "Dicen que sale en 1,299 dólares. La cámara nocturna me llama, el precio no tanto.",
           comments=[
               C("chilango_dev", "Yo espero a las reseñas, siempre bajan de precio en meses.",
                 C("tecnofan_mx", "Buen punto, el año pasado bajó casi un 20%.")),
           ]),
    Thread("astronomy", "stargazer_ines", -130, "A nova in Cassiopeia is bright enough for "
           "binoculars tonight", "Look just left of the W. It peaked at magnitude 6 last night.",
           comments=[C("deep_sky_dave", "Got it at 23:10, what a sight.")]),
    Thread("minipainting", "brush_and_wash", -120, "Lumina paint set review: the metallic "
           "silver covers in one coat", "Thin it a little for edge highlights.",
           image="sunset-sample.png"),
    Thread("giveaways", "x2_giveaway_bot", -100, "FREE Nova Lumina X2 giveaway, claim yours",
           GIVEAWAY, image="giveaway-banner.png"),
    Thread("smartphones", "lumina_deals_4u", -99, "FREE Nova Lumina X2 giveaway, claim yours",
           GIVEAWAY, image="giveaway-banner.png"),
    Thread("gadgets", "techwriter_jo", -48, "Hands-on preview: the Nova Lumina X2 feels "
           "dense and the matte finish is lovely",
           link="https://example.com/reviews/nova-lumina-x2-preview",
           image="x2-product-silver.png",
           comments=[
               C("design_nerd", "Matte finish looks great in photos, curious how it holds up "
                 "against keys in a pocket."),
               C("pixel_peeper_88", "No word on charging speed in the preview?",
                 C("techwriter_jo", "65W wired, they would not let us test it yet.")),
           ]),
    Thread("LuminaPhones", "AutoModerator", 0.5, "Nova Lumina X2 launch megathread",
           "Discuss the Nova Lumina X2 launch here. Price: $1,299 / 150만원. Colours: midnight "
           "blue and silver. Shipping from 22 October.", flair="Megathread",
           image="launch-stage.png",
           comments=[
               C("budget_bea", "$1,299 and no charger in the box. Classic.",
                 C("lumina_fan_kr", "충전기는 원래 빠지는 추세라서요...",
                   C("budget_bea", "Doesn't make it right though.")),
                 C("hot_hands", "The 65W brick is another $49, ouch.")),
               C("nightowl_shots", "That night sample on stage was impressive if it is real."),
               C("hayaoki_taro", "日本発売も同日らしい！"),
               C("madrid_movil", "¿Alguien sabe si llega a España el mismo día?",
                 C("tecnofan_mx", "En México sí, en España no han dicho nada.")),
               C("handy_hans", "Display brightness of 2,600 nits sounds great for summer."),
               C("parisien_tech", "Le prix en euros sera sûrement encore plus élevé."),
               C("celular_br", "Espero que chegue ao Brasil logo."),
               C("seoul_gadgeteer", "한국 출고가 149만 9천원 확정이네요."),
               C("x2_giveaway_bot", SPAM_REPLY),
               C("design_nerd", "The silver one is the looker of the two."),
               C("denchi_nikki", "バッテリー5000mAhなら期待できる"),
               C("quiet_lurker", "Ordered. First phone upgrade in four years."),
           ]),
    Thread("photography", "nightowl_shots", 30, "Nova Lumina X2 night shots, handheld, no "
           "tripod", "ISO 3200 in the old town. Noise is much better controlled than on my "
           "last phone.", image="x2-night-shot.png",
           comments=[
               C("stargazer_ines", "The street lamps don't even bloom. Nice.",
                 C("nightowl_shots", "Night mode took about 2 seconds per shot.")),
               C("brush_and_wash", "Colours look a bit too warm to me."),
           ]),
    Thread("LuminaPhones", "lumina_fan_kr", 31, "Nova Lumina X2 night shots, handheld, no "
           "tripod", crosspost_of=10,
           comments=[C("quiet_lurker", "Crossposting the good stuff, thanks.")]),
    Thread("Android", "batterydrain_dan", 50, "Nova Lumina X2 loses 8% overnight on standby",
           "Anyone else? It started after update 1.0.3.",
           comments=[
               C("hot_hands", "Same here, and it gets warm in the drawer.",
                 C("batterydrain_dan", "Warm while idle is not a good sign.")),
               C("lumina_support_fan", "Try turning off always-on display, it halved my drain."),
               C("x2_giveaway_bot", SPAM_REPLY),
           ]),
    Thread("LuminaPhones", "hot_hands", 60, "Nova Lumina X2 gets really hot while charging "
           "with the 65W brick", "Back of the phone hit 44°C. Case off, room temperature.",
           image="battery-screenshot.png",
           comments=[
               C("handy_hans", "Mine too, slow charging at night is the workaround."),
               C("seoul_gadgeteer", "충전 중 발열은 저도 느꼈어요. 겨울인데도 뜨거워요."),
           ]),
    Thread("korea", "bamhaneul_kr", 40, "노바루미나 X2 야경 모드 써보신 분?",
           "어제 한강에서 찍어봤는데 생각보다 노이즈가 적어요. 색감도 자연스럽고요.",
           image="sunset-sample.png",
           comments=[
               C("hangang_runner", "사진 멋지네요. 저도 주말에 나가봐야겠어요."),
               C("gyeolje_no", "야경은 좋은데 배터리가 너무 빨리 닳아요.",
                 C("bamhaneul_kr", "저는 하루 반은 가던데 사용 패턴 차이일까요?")),
           ]),
    Thread("korea", "gyeolje_no", 70, "노바루미나 X2 1.0.3 업데이트 후 카메라 앱이 계속 꺼져요",
           "재부팅해도 똑같네요. 저만 그런가요?",
           comments=[
               C("lumina_fan_kr", "저도 그래요. 야간 모드 들어가면 바로 튕겨요."),
               C("seoul_gadgeteer", "다음 패치 기다리는 중입니다."),
           ]),
    Thread("newsokur", "kakaku_ojisan", 45, "ノヴァルミナX2、画面の明るさは屋外でも十分",
           "直射日光の下でも地図がはっきり見える。ただ充電中はかなり熱くなる。",
           comments=[
               C("hayaoki_taro", "マット仕上げで指紋がつきにくいのも良い"),
               C("denchi_nikki", "発熱は自分も気になった",
                 C("kakaku_ojisan", "急速充電をオフにすると少しましになる")),
           ]),
    Thread("newsokur", "denchi_nikki", 80, "ノヴァルミナX2のバッテリー、一日もたない",
           "朝100%で出て夜8時に残り5%。アップデート1.0.3以降ひどくなった気がする。",
           comments=[C("hayaoki_taro", "位置情報をオフにしたら少し改善した")]),
    Thread("mexico", "tecnofan_mx", 55, "Reseña: Nova Lumina X2 después de una semana",
           "La cámara nocturna es increíble, pero la batería apenas llega a la noche y se "
           "calienta al cargar.", image="coffee-and-phone.png",
           comments=[
               C("chilango_dev", "Gracias por la reseña, me quedo con mi teléfono actual."),
               C("madrid_movil", "Lo del calor al cargar también me pasa."),
           ]),
    Thread("es", "madrid_movil", 90, "El Nova Lumina X2 se cuelga tras la actualización 1.0.3",
           "La app de cámara se cierra sola al abrir el modo noche.",
           comments=[
               C("tecnofan_mx", "Borrar la caché de la cámara me funcionó por ahora."),
               C("x2_giveaway_bot", SPAM_REPLY),
           ]),
    Thread("france", "parisien_tech", 65, "Nova Lumina X2 : l'écran est superbe mais 1 299 $, "
           "c'est trop", "La luminosité en plein soleil est bluffante, la batterie moins.",
           comments=[C("lyon_geek", "Attendez les promos de fin d'année.")]),
    Thread("de", "handy_hans", 75, "Nova Lumina X2: Akku hält keinen Tag – Erfahrungen?",
           "Seit dem Update 1.0.3 ist der Akku abends leer. Kamera ist dafür top.",
           comments=[C("berlin_pixel", "Bei mir genauso, warte auf das nächste Update.")]),
    Thread("brasil", "celular_br", 85, "Nova Lumina X2 vale a pena? A câmera noturna é ótima",
           "Comprei importado. As fotos à noite são lindas, mas esquenta ao carregar.",
           comments=[C("rio_tech", "Quanto pagou com os impostos?",
                       C("celular_br", "Quase o dobro do preço americano."))]),
    Thread("smartphones", DELETED, 95, "Does the Nova Lumina X2 matte finish scratch easily?",
           "Two weeks in and there is a shiny patch where my keys rub.",
           comments=[C("design_nerd", "Matte glass polishes over time, a case helps.")]),
    Thread("LuminaPhones", "x2_giveaway_bot", 100, "Nova Lumina X2 winners announced!! DM to "
           "claim", "Congrats to all winners 🎉 unclaimed phones go to the next 10 people who "
           "visit bit.ly/x2-claim-now"),
    Thread("Android", "price_watch", 110, "Nova Lumina X2 drops to $1,099 at some carriers",
           link="https://example.com/deals/nova-lumina-x2-carrier-price", image="price-tag.png",
           comments=[
               C("budget_bea", "Now we're talking. Still waiting for Black Friday."),
               C("pixel_peeper_88", "Price drop two weeks after launch says a lot."),
           ]),
    Thread("astronomy", "deep_sky_dave", 120, "Spectrum of this week's nova in Scorpius",
           "Hydrogen-alpha emission is strong, classic classical nova.",
           comments=[C("stargazer_ines", "Lovely data, what grating did you use?")]),
    Thread("smartphones", "design_nerd", 130, "The Nova Lumina X2 box is the nicest unboxing "
           "this year", "Recycled paper, magnetic lid, no plastic at all.", image="x2-box.png",
           comments=[C("quiet_lurker", "Still no charger in it though.")]),
    Thread("LuminaPhones", "lumina_support_fan", 150, "Nova Lumina X2 update 1.0.4 fixes the "
           "camera crash", "The changelog mentions camera stability and a lower charging "
           "temperature. Night mode no longer closes for me.",
           comments=[
               C("gyeolje_no", "업데이트 후 카메라 앱 안 꺼지네요. 다행이에요."),
               C("madrid_movil", "Confirmado, ya no se cierra la cámara."),
               C("hot_hands", "Charging still gets warm, but less than before."),
           ]),
]


def base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


def fullname_of(user: str) -> str:
    """A stable ``t2_`` account fullname for a user name."""
    return "t2_" + base36(int(hashlib.sha1(user.encode()).hexdigest()[:10], 16))


def slug(title: str) -> str:
    words = re.findall(r"\w+", title.casefold())[:9]
    return "_".join(words) or "post"


def as_html(markdown: str) -> str | None:
    return f'<div class="md"><p>{escape(markdown)}</p></div>' if markdown else None


def author_fields(user: str) -> dict[str, Any]:
    """A deleted account has no fullname, as on Reddit."""
    return {"author": user, "author_fullname": None if user == DELETED else fullname_of(user)}


def preview(image: str | None) -> dict[str, Any] | None:
    """Image paths; the server makes them absolute when it answers."""
    if not image:
        return None
    return {"enabled": True, "images": [{"id": image.split(".")[0], "resolutions": [],
                                         "source": {"url": f"/media/{image}", "width": 320,
                                                    "height": 240}}]}


def build_corpus(threads: list[Thread] = THREADS, seed: int = 2026,
                 after_id: str = "1qb000") -> tuple[list[dict], list[dict]]:
    """The t3 and t1 data of ``threads``, deterministic for a seed: ids (base 36, rising
    from ``after_id``), times and scores are drawn from it."""
    rng = random.Random(seed)
    next_id = int(after_id, 36)
    links: list[dict] = []
    comments: list[dict] = []

    def new_id() -> str:
        nonlocal next_id
        next_id += rng.randrange(3, 40)
        return base36(next_id)

    for thread in threads:
        created = LAUNCH + timedelta(hours=thread.hours, minutes=rng.randrange(0, 50))
        link = submission(thread, new_id(), created, rng)
        if thread.crosspost_of is not None:
            original = links[thread.crosspost_of]
            link.update({key: original[key] for key in ("preview", "url", "domain", "is_self",
                                                        "post_hint")},
                        crosspost_parent=original["name"], crosspost_parent_list=[original])
            original["num_crossposts"] += 1
        links.append(link)
        thread_comments = list(comment_tree(thread.comments, link, link["name"], created, 0,
                                            new_id, rng))
        link["num_comments"] = len(thread_comments)
        comments.extend(thread_comments)
    return links, comments


def submission(thread: Thread, native_id: str, created: datetime,
               rng: random.Random) -> dict[str, Any]:
    permalink = f"/r/{thread.sub}/comments/{native_id}/{slug(thread.title)}/"
    score = rng.randrange(1, 900)
    hint = "link" if thread.link else "image" if thread.image else "self"
    url = thread.link or (f"/media/{thread.image}" if thread.image else WWW + permalink)
    domain = {"link": urlsplit(url).netloc, "image": "i.redd.it", "self": f"self.{thread.sub}"}
    return {
        "id": native_id, "name": f"t3_{native_id}", "title": thread.title,
        "selftext": thread.body, "selftext_html": as_html(thread.body),
        **author_fields(thread.author),
        "subreddit": thread.sub, "subreddit_name_prefixed": f"r/{thread.sub}",
        "subreddit_id": fullname_of(thread.sub).replace("t2_", "t5_"),
        "permalink": permalink, "url": url, "domain": domain[hint],
        "created_utc": created.timestamp(), "score": score,
        "ups": score, "upvote_ratio": round(rng.uniform(0.55, 0.99), 2), "num_comments": 0,
        "num_crossposts": 0, "over_18": False, "spoiler": False, "locked": False,
        "stickied": thread.flair == "Megathread", "is_self": hint == "self",
        "is_video": False, "post_hint": hint, "link_flair_text": thread.flair,
        "preview": preview(thread.image), "thumbnail": "self" if not thread.image else "image",
    }


def comment_tree(nodes: list[C], link: dict, parent: str, parent_time: datetime, depth: int,
                 new_id, rng: random.Random):
    """t1 data of ``nodes`` and their replies, depth first; replies come after parents."""
    for node in nodes:
        native_id = new_id()
        created = parent_time + timedelta(minutes=rng.randrange(3, 400))
        score = rng.randrange(-5, 300)
        yield {
            "id": native_id, "name": f"t1_{native_id}", "body": node.body,
            "body_html": as_html(node.body), **author_fields(node.author),
            "created_utc": created.timestamp(), "parent_id": parent, "link_id": link["name"],
            "permalink": f"{link['permalink']}{native_id}/", "score": score, "ups": score,
            "downs": 0, "controversiality": 0, "depth": depth, "stickied": False,
            "is_submitter": node.author == link["author"], "subreddit": link["subreddit"],
            "subreddit_name_prefixed": link["subreddit_name_prefixed"], "replies": "",
        }
        yield from comment_tree(node.replies, link, f"t1_{native_id}", created, depth + 1,
                                new_id, rng)


def listing(children: list[dict], after: str | None = None,
            before: str | None = None) -> dict[str, Any]:
    return {"kind": "Listing", "data": {"after": after, "before": before,
                                        "dist": len(children), "children": children,
                                        "modhash": None}}


def search_words(query: str) -> list[str]:
    """The words Reddit's loose search looks for: every word of the query's terms."""
    try:
        terms = positive_words(query)
    except QuerySyntaxError:
        terms = query.split()
    words = (word.strip('"').casefold() for term in terms for word in term.split())
    return [word for word in words if word and word not in {"and", "or", "not"}]


UNAUTHORIZED = {"message": "Unauthorized", "error": 401}


class Reddit(Platform):
    name = "reddit"
    sample_credentials = {"reddit_client_id": "sample-reddit-client",
                          "reddit_client_secret": "sample-reddit-secret"}
    page_cap = 25
    comment_cap = 8
    more_cap = 5

    def __init__(self, server):
        super().__init__(server)
        self.links, self.comments = build_corpus()
        self.tokens: dict[str, tuple[str, float]] = {}  # token -> (client id, expiry)
        self.windows: dict[str, tuple[float, int]] = {}  # client id -> (window start, used)
        self.user_agents: set[str] = set()

    def describe(self) -> str:
        return (f"reddit: {len(self.links)} submissions, {len(self.comments)} comments "
                "(/api/v1/access_token, /search, /r/:sub/comments/:id, /api/morechildren)")

    def settings(self) -> dict[str, str]:
        """The token endpoint is on this server too (Reddit's is on another host)."""
        return {**super().settings(),
                "reddit_auth_url": f"{self.server.base_url}/api/v1/access_token"}

    def routes(self) -> list[Route]:
        return [
            self.route("POST", r"/api/v1/access_token", self.access_token),
            self.route("GET", r"/search(?:\.json)?", self.search),
            self.route("GET", r"/r/(?P<sub>\w+)/search(?:\.json)?", self.search),
            self.route("GET", r"/r/(?P<sub>\w+)/comments/(?P<article>[0-9a-z]+)(?:/[^/]*)?/?",
                       self.comment_page),
            self.route("GET", r"/api/morechildren(?:\.json)?", self.more_children),
        ]

    def add_thread(self, thread: Thread, seed: int) -> dict[str, Any]:
        """A new submission (and its comments) appears, as between two crawls."""
        with self.server.lock:
            newest = max((x["id"] for x in [*self.links, *self.comments]),
                         key=lambda native_id: int(native_id, 36))
            links, comments = build_corpus([thread], seed, newest)
            self.links.extend(links)
            self.comments.extend(comments)
        return links[0]

    # --- auth and rate limits ------------------------------------------------------------

    def access_token(self, request: Request) -> Reply:
        basic = request.headers.get("authorization", "")
        try:
            client_id, _, secret = base64.b64decode(basic.removeprefix("Basic ")).decode(
                ).partition(":")
        except ValueError:
            return as_json(UNAUTHORIZED, 401)
        creds = self.sample_credentials
        if (client_id, secret) != (creds["reddit_client_id"], creds["reddit_client_secret"]):
            return as_json(UNAUTHORIZED, 401)
        if request.form().get("grant_type") != "client_credentials":
            return as_json({"error": "unsupported_grant_type"})
        token = f"{client_id}-{hashlib.sha1(str(time.monotonic_ns()).encode()).hexdigest()}"
        with self.server.lock:
            self.tokens[token] = (client_id, time.monotonic() + TOKEN_LIFETIME)
        return as_json({"access_token": token, "token_type": "bearer",
                        "expires_in": TOKEN_LIFETIME, "scope": "*"})

    def expire_tokens(self) -> None:
        """Every token issued so far stops working, as it would ``expires_in`` later."""
        with self.server.lock:
            self.tokens.clear()

    def authorized(self, request: Request, answer) -> Reply:
        """``answer()`` for a live token, with the rate-limit headers; 401 or 429 else."""
        self.user_agents.add(request.headers.get("user-agent", ""))
        with self.server.lock:
            client_id, expiry = self.tokens.get(request.bearer() or "", ("", 0.0))
        if time.monotonic() >= expiry:
            return as_json(UNAUTHORIZED, 401, **{
                "WWW-Authenticate": 'Bearer realm="reddit", error="invalid_token"'})
        headers = self.count_request(client_id)
        if float(headers["X-Ratelimit-Remaining"]) < 0:
            return as_json({"message": "Too Many Requests", "error": 429}, 429, **headers)
        reply = answer()
        reply.headers.update(headers)
        return reply

    def count_request(self, client_id: str) -> dict[str, str]:
        now = time.monotonic()
        with self.server.lock:
            start, used = self.windows.get(client_id, (now, 0))
            if now - start >= RATE_WINDOW:
                start, used = now, 0
            self.windows[client_id] = (start, used + 1)
        return {"X-Ratelimit-Used": str(used + 1),
                "X-Ratelimit-Remaining": f"{RATE_ALLOWANCE - used - 1:.1f}",
                "X-Ratelimit-Reset": str(int(RATE_WINDOW - (now - start)))}

    # --- search ----------------------------------------------------------------------------

    def search(self, request: Request, sub: str | None = None) -> Reply:
        return self.authorized(request, lambda: self.search_page(request, sub))

    def search_page(self, request: Request, sub: str | None) -> Reply:
        words = search_words(request.param("q", ""))
        restrict = sub if request.param("restrict_sr") in {"1", "true", "on"} else None
        with self.server.lock:
            found = [link for link in self.links
                     if (restrict is None or link["subreddit"].casefold() == restrict.casefold())
                     and any(w in f"{link['title']} {link['selftext']}".casefold()
                             for w in words)]
        found.sort(key=lambda link: link["created_utc"], reverse=True)
        names = [link["name"] for link in found]
        start = names.index(request.param("after")) + 1 if request.param("after") in names \
            else 0
        limit = max(1, min(request.int_param("limit", 25) or 25, 100, self.page_cap))
        page = found[start:start + limit]
        after = page[-1]["name"] if page and start + limit < len(found) else None
        before = page[0]["name"] if page and start else None
        return as_json(listing([self.thing("t3", link) for link in page], after, before))

    def thing(self, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        """A thing as served: media paths made absolute, as the real API's URLs are."""
        data = dict(data)
        base = self.server.base_url
        if data.get("url", "").startswith("/media/"):
            data["url"] = base + data["url"]
        if data.get("preview"):
            image = data["preview"]["images"][0]
            source = {**image["source"], "url": base + image["source"]["url"]}
            data["preview"] = {**data["preview"], "images": [{**image, "source": source}]}
        if data.get("crosspost_parent_list"):
            data["crosspost_parent_list"] = [self.thing("t3", original)["data"]
                                             for original in data["crosspost_parent_list"]]
        return {"kind": kind, "data": data}

    # --- comment trees ---------------------------------------------------------------------

    def comment_page(self, request: Request, sub: str, article: str) -> Reply:
        return self.authorized(request, lambda: self.comment_tree_reply(request, article))

    def comment_tree_reply(self, request: Request, article: str) -> Reply:
        with self.server.lock:
            link = next((x for x in self.links if x["id"] == article), None)
            thread = [c for c in self.comments if link and c["link_id"] == link["name"]]
        if link is None:
            return as_json({"message": "Not Found", "error": 404}, 404)
        budget = [min(request.int_param("limit", 200) or 200, self.comment_cap)]
        tree = self.replies_of(link["name"], newest_first(thread), budget)
        return as_json([listing([self.thing("t3", link)]), listing(tree)])

    def replies_of(self, parent: str, thread: list[dict], budget: list[int]) -> list[dict]:
        """The comments under ``parent``, nested while ``budget`` lasts; the rest of a level
        (with everything below it) folded into one ``more`` stub."""
        children = [c for c in thread if c["parent_id"] == parent]
        out = []
        for index, comment in enumerate(children):
            if budget[0] <= 0:
                hidden = [c for rest in children[index:] for c in subtree(rest, thread)]
                out.append(more_stub(hidden, parent))
                break
            budget[0] -= 1
            replies = self.replies_of(comment["name"], thread, budget)
            out.append(self.thing("t1", {**comment, "replies": listing(replies) if replies
                                         else ""}))
        return out

    def more_children(self, request: Request) -> Reply:
        return self.authorized(request, lambda: self.more_children_reply(request))

    def more_children_reply(self, request: Request) -> Reply:
        wanted = [i for i in (request.param("children") or "").split(",") if i][:100]
        link_id = request.param("link_id") or ""
        with self.server.lock:
            thread = [c for c in self.comments if c["link_id"] == link_id]
        found = [c for c in thread if c["id"] in wanted]
        things = [self.thing("t1", c) for c in found[:self.more_cap]]
        if rest := found[self.more_cap:]:
            things.append(more_stub(rest, rest[0]["parent_id"]))
        return as_json({"json": {"errors": [], "data": {"things": things}}})


def newest_first(comments: list[dict]) -> list[dict]:
    """``sort=new`` among siblings (the tree order is kept by ``parent_id``)."""
    return sorted(comments, key=lambda c: c["created_utc"], reverse=True)


def subtree(comment: dict, thread: list[dict]) -> list[dict]:
    below = [c for c in thread if c["parent_id"] == comment["name"]]
    return [comment, *(d for child in below for d in subtree(child, thread))]


def more_stub(hidden: list[dict], parent: str) -> dict[str, Any]:
    first = hidden[0]["id"]
    return {"kind": "more", "data": {"count": len(hidden), "name": f"t1_{first}", "id": first,
                                     "parent_id": parent, "depth": hidden[0]["depth"],
                                     "children": [c["id"] for c in hidden]}}


"""The YouTube Data API v3 under ``/youtube/v3/``, over a corpus built here (seeded, so every
server holds the same videos and comments).

``search`` (part=snippet, q, type=video, order=date, publishedAfter/publishedBefore,
maxResults <= 50, pageToken), ``videos`` (part=snippet,statistics; id = up to 50, comma
separated), ``commentThreads`` (part=snippet,replies; videoId; order=time; maxResults <= 100;
pageToken; textFormat) and ``comments`` (part=snippet; parentId; maxResults; pageToken), in the
documented resource shapes (``youtube#searchListResponse`` ...). Every call needs an API key
(``key=`` or Google's ``X-Goog-Api-Key`` header); a wrong one gets Google's 400 ``keyInvalid``
error. Calls cost quota units (search 100, the others 1): set ``daily_quota`` to make the
server answer 403 ``quotaExceeded`` once spent. A comment thread carries at most five replies,
as on YouTube; the rest need ``comments``.

Search is loose, like YouTube's: a video matches when its title or description contains any
word of ``q`` (``|`` and quotes are read as separators), so "Lumina" paint and an
astronomer's "nova" come back too and the crawler's query filter has work to do.
"""

from __future__ import annotations

import base64
import random
import re
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from samples.server import Platform, Reply, Request, Route, as_json

LAUNCH = datetime(2026, 10, 15, 1, 0, tzinfo=UTC)
API_KEY = "sample-youtube-key"
REPLIES_IN_THREAD = 5  # commentThreads embeds at most this many replies
COST = {"search": 100, "videos": 1, "commentThreads": 1, "comments": 1}
ID_CHARS = string.ascii_letters + string.digits + "-_"

# channel id suffix -> channel title
CHANNELS = {
    "pixelbench": "Pixel Bench", "lumina": "Lumina Official",
    "techdaily": "Tech Daily Bites", "mobilelab": "모바일연구소",
    "gadgetjun": "ガジェット純", "androidez": "Androidez en Español",
    "ecranlibre": "Écran Libre", "akkuprofi": "Akku Profi",
    "celularbr": "Celular BR", "freegifts": "FREE Phones 4 U",
    "reuploads": "Tech Clips Daily", "paintpro": "Paint Pro DIY",
    "skywatch": "Sky Watch Astronomy",
}

# (key, channel, lang, hours from launch, thumbnail, title, description, comment pool or None
# when comments are disabled). Keys name videos for the comment plan below.
VIDEOS: list[tuple[str, str, str, float, str, str, str, str | None]] = [
    ("leaks", "techdaily", "en", -200, "x2-product-blue.png",
     "Nova Lumina X2 leaks: everything we know before launch",
     "Periscope zoom, a matte back and a rumoured $1,299 price. Here is what the leaks say "
     "about the Nova Lumina X2. #NovaLuminaX2 #leaks", "en"),
    ("ko-rumor", "mobilelab", "ko", -120, "price-tag.png",
     "노바 루미나 X2 출시 전 루머 총정리 | 가격 150만원?",
     "노바 루미나 X2 공개 전에 알려진 스펙과 가격 루머를 정리했습니다. #노바루미나X2", "ko"),
    ("es-leak", "androidez", "es", -72, "price-tag.png",
     "Nova Lumina X2: filtran precio y fecha de salida",
     "Todo lo que sabemos del Nova Lumina X2 antes del evento del 15 de octubre.", "es"),
    ("event", "lumina", "en", 0.5, "launch-stage.png",
     "Introducing Nova Lumina X2 | Lumina Launch Event",
     "Meet Nova Lumina X2: Night Vision camera, all-day battery, 2,600-nit display. "
     "Available now from $1,299. https://lumina.example/x2 #NovaLuminaX2", "en"),
    ("unboxing", "pixelbench", "en", 20, "x2-box.png",
     "Nova Lumina X2 Unboxing: that matte finish though",
     "First boot, first impressions, and a very nice matte finish. Full review soon.", "en"),
    ("ko-unbox", "mobilelab", "ko", 26, "x2-product-silver.png",
     "노바 루미나 X2 언박싱 & 첫인상 | 150만원의 가치가 있을까",
     "실버 색상 언박싱! 무광 마감이 정말 고급스럽네요. 카메라 리뷰는 다음 영상에서.", "ko"),
    ("ja-unbox", "gadgetjun", "ja", 30, "x2-product-silver.png",
     "Nova Lumina X2 開封レビュー｜マット仕上げが美しい",
     "Nova Lumina X2を開封しました。質感、重さ、第一印象をお伝えします。", "ja"),
    ("night", "pixelbench", "en", 70, "x2-night-shot.png",
     "Nova Lumina X2 night camera test vs last year's flagship",
     "City lights, a dark alley and a full moon. How good are the Nova Lumina X2 night shots "
     "really?", "en"),
    ("ko-night", "mobilelab", "ko", 76, "x2-night-shot.png",
     "노바 루미나 X2 야간 촬영 테스트 🌙 이건 반칙이다",
     "노바 루미나 X2 나이트 모드로 서울 야경을 찍어봤습니다.", "ko"),
    ("heat", "techdaily", "en", 110, "battery-screenshot.png",
     "Nova Lumina X2 review after 7 days: battery and heat problems",
     "The camera is great, but it gets hot while charging and the battery barely lasts a day. "
     "Tested on firmware 1.0.2.", "en"),
    ("ko-heat", "mobilelab", "ko", 130, "battery-screenshot.png",
     "노바 루미나 X2 충전 발열 테스트 - 45도 실화?",
     "고속 충전 중 온도를 측정했습니다. 배터리 사용 시간도 같이 확인.", "ko"),
    ("es-review", "androidez", "es", 150, "x2-product-blue.png",
     "Nova Lumina X2: reseña honesta después de dos semanas",
     "Cámara, batería, pantalla y precio. ¿Vale la pena el Nova Lumina X2?", "es"),
    ("worth", "pixelbench", "en", 190, "price-tag.png",
     "Is the Nova Lumina X2 worth $1,299? Honest verdict",
     "Two weeks in. Display brightness is the best I have measured, the price is not.", "en"),
    ("fr-screen", "ecranlibre", "fr", 200, "sunset-sample.png",
     "Nova Lumina X2 : l'écran en plein soleil, vraiment lisible ?",
     "On a mesuré la luminosité de l'écran du Nova Lumina X2 en extérieur.", "fr"),
    ("de-akku", "akkuprofi", "de", 210, "battery-screenshot.png",
     "Nova Lumina X2 Akku-Test: Wie lange hält er wirklich?",
     "Dauertest mit Video, Navigation und Kamera. Kommentare sind deaktiviert.", None),
    ("ja-crash", "gadgetjun", "ja", 240, "coffee-and-phone.png",
     "Nova Lumina X2 アップデート1.0.3でカメラアプリが落ちる問題",
     "1.0.3に更新してからカメラが頻繁に落ちます。対処法と現状まとめ。", "ja"),
    ("pt-first", "celularbr", "pt", 250, "x2-product-blue.png",
     "Nova Lumina X2 vale a pena? Primeiras impressões",
     "Testamos a câmera e a bateria do Nova Lumina X2 no dia a dia.", "pt"),
    ("giveaway", "freegifts", "en", 260, "giveaway-banner.png",
     "FREE Nova Lumina X2 GIVEAWAY 🎁 claim yours now",
     "Click https://free-x2.example/claim and enter your card to pay shipping. 100% legit!!! "
     "#giveaway #NovaLuminaX2 #free", "spam"),
    ("reupload", "reuploads", "en", 280, "battery-screenshot.png",
     "Nova Lumina X2 review after 7 days: battery and heat problems",
     "The camera is great, but it gets hot while charging and the battery barely lasts a day. "
     "Tested on firmware 1.0.2.", "en"),
    ("paint", "paintpro", "en", 90, "sunset-sample.png",
     "Lumina Paint matte finish review: one coat coverage?",
     "Testing Lumina's new matte white on a living room wall. Not a phone video!", "paint"),
    ("nova", "skywatch", "en", 160, "x2-night-shot.png",
     "A nova in Cassiopeia: how to spot it tonight",
     "A classical nova flared up this week. Here is where to look and how bright it is.",
     "sky"),
]

# Comment texts per pool: top-level comments, then the replies drawn for threads.
COMMENTS: dict[str, list[str]] = {
    "en": [
        "The night shots at 4:12 look better than my actual eyes",
        "Mine gets hot on the wireless charger too, glad it's not just me",
        "$1,299 and no charger in the box. Hard pass.",
        "That matte finish is so clean, no fingerprints at all",
        "Battery went from 100 to 41 by 3pm, is that normal?",
        "Update 1.0.3 broke my camera app, it crashes every time I open portrait",
        "Display is insanely bright outside, I can finally read maps in the sun",
        "Honestly the best phone camera I have used this year",
        "Waiting for the price to drop before I buy",
        "The zoom comparison was super useful, thanks",
        "Does it support dual eSIM?",
        "Returned mine after the heat issue, the camera was great though",
    ],
    "en-replies": [
        "Same here, turn off the fast charging and it stays cooler",
        "1.0.4 is supposed to fix it next week",
        "Not normal, mine lasts until bedtime",
        "Agree, it is overpriced",
        "Yes, two eSIMs plus a physical SIM",
        "Try clearing the camera cache, it helped me",
    ],
    "ko": [
        "야간 사진 보고 바로 예약했어요",
        "충전할 때 진짜 뜨거워요. 케이스 벗기면 좀 나아요",
        "150만원이면 너무 비싼 거 아닌가요",
        "무광 마감 실물로 보면 더 예뻐요",
        "배터리 하루 못 버팀... 실망",
        "화면 밝기는 인정합니다 햇빛에서도 잘 보임",
        "1.0.3 업데이트 후 카메라 앱이 계속 꺼져요",
        "리뷰 감사합니다 구매 결정에 도움됐어요",
    ],
    "ko-replies": ["저도 같은 증상이에요", "다음 업데이트 기다려봅시다", "저는 괜찮던데요",
                   "가격은 좀 내려가면 사려구요"],
    "ja": [
        "夜景の写真すごすぎる",
        "充電中にかなり熱くなるのが気になります",
        "マット仕上げの質感が最高",
        "1.0.3にしたらカメラが落ちるようになった",
        "バッテリーがもう少し持てば完璧",
        "この値段なら買いかな",
        "画面が明るくて外でも見やすいですね",
    ],
    "ja-replies": ["うちも同じ症状です", "次のアップデートで直るらしい", "参考になりました"],
    "es": [
        "La cámara de noche es una locura",
        "El mío se calienta mucho al cargar",
        "1.299 dólares es demasiado para un teléfono",
        "Me encanta el acabado mate",
        "La batería no me llega a la noche",
        "Gracias por la reseña, muy completa",
        "¿Llega a Argentina?",
    ],
    "es-replies": ["A mí me pasa lo mismo", "Sí, pero más caro", "Espera a la 1.0.4"],
    "fr": ["L'écran est vraiment lisible au soleil, impressionnant",
           "Trop cher pour moi mais bel appareil",
           "La batterie tient combien de temps chez vous ?"],
    "fr-replies": ["Une journée complète chez moi"],
    "pt": ["A câmera noturna é absurda", "Esquenta muito carregando?",
           "Preço no Brasil vai ser salgado"],
    "pt-replies": ["Esquenta sim, principalmente no carregador rápido"],
    "spam": ["Scam. Do not enter your card anywhere.", "Reported this channel",
             "lol nobody gives away a $1,299 phone"],
    "spam-replies": ["Thanks for the warning"],
    "paint": ["Does Lumina matte white work on ceilings?", "Two coats needed on my drywall",
              "Great color, easy to clean"],
    "paint-replies": ["Yes, I used it on mine"],
    "sky": ["Spotted it last night with binoculars!", "Is it visible from the southern "
            "hemisphere?", "Beautiful explanation"],
    "sky-replies": ["No, too far north for us"],
}
COPY_PASTE = "First! Nova Lumina X2 gang 🔥🔥 who else pre-ordered?"
BOT_COMMENT = "I got my Nova Lumina X2 for FREE at free-x2.example 🎁 thank me later"


@dataclass
class Comment:
    """One comment (top-level or reply) as the sample API knows it."""

    id: str
    video_id: str
    author: str
    channel_id: str
    text: str
    published: datetime
    likes: int
    parent_id: str | None = None


@dataclass
class Video:
    id: str
    channel: str
    lang: str
    title: str
    description: str
    published: datetime
    thumbnail: str
    views: int
    likes: int
    comments_disabled: bool
    threads: list[tuple[Comment, list[Comment]]] = field(default_factory=list)

    def comment_count(self) -> int:
        return sum(1 + len(replies) for _, replies in self.threads)


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


class CorpusBuilder:
    """Builds the videos and their comment threads from the tables above, seeded."""

    def __init__(self, seed: int = 20261015):
        self.rng = random.Random(seed)

    def native_id(self, length: int) -> str:
        return "".join(self.rng.choice(ID_CHARS) for _ in range(length))

    def commenter(self, pool: str) -> tuple[str, str]:
        """A display name (YouTube shows the handle) and channel id."""
        base = pool.split("-")[0]
        return (f"@{base}_viewer{self.rng.randint(100, 999)}", f"UC{self.native_id(22)}")

    def comment(self, video: Video, text: str, at: datetime, pool: str,
                parent: Comment | None = None) -> Comment:
        author, channel_id = self.commenter(pool)
        native = (f"{parent.id}.{self.native_id(22)}" if parent
                  else f"Ug{self.native_id(18)}4AaABAg")
        return Comment(native, video.id, author, channel_id, text, at,
                       self.rng.randint(0, 400), parent.id if parent else None)

    def video(self, spec: tuple) -> Video:
        key, channel, lang, hours, thumb, title, description, pool = spec
        published = LAUNCH + timedelta(hours=hours)
        video = Video(self.native_id(11), channel, lang, title, description, published,
                      thumb, self.rng.randint(3_000, 900_000), 0, pool is None)
        video.likes = video.views // self.rng.randint(15, 40)
        if pool:
            self.add_threads(video, pool)
        return video

    def add_threads(self, video: Video, pool: str) -> None:
        texts = COMMENTS[pool][:]
        self.rng.shuffle(texts)
        texts = texts[:self.rng.randint(2, 5)]
        if pool not in ("paint", "sky") and self.rng.random() < 0.4:
            texts.append(COPY_PASTE)
        if pool in ("en", "spam") or self.rng.random() < 0.25:
            texts.append(BOT_COMMENT)
        at = video.published
        for text in texts:
            at += timedelta(minutes=self.rng.randint(20, 600))
            top = self.comment(video, text, at, pool)
            replies = []
            reply_at = at
            for _ in range(self.rng.choice((0, 0, 0, 1, 2))):
                reply_at += timedelta(minutes=self.rng.randint(5, 300))
                replies.append(self.comment(video, self.rng.choice(COMMENTS[f"{pool}-replies"]),
                                            reply_at, pool, top))
            video.threads.append((top, replies))

    def long_thread(self, video: Video) -> None:
        """A debate with more replies than a thread embeds: they need comments.list."""
        top, replies = video.threads[0]
        at = replies[-1].published if replies else top.published
        for text in COMMENTS["en-replies"] + ["Mine too", "Exactly this"]:
            at += timedelta(minutes=self.rng.randint(5, 90))
            replies.append(self.comment(video, text, at, "en", top))

    def build(self) -> list[Video]:
        videos = [self.video(spec) for spec in VIDEOS]
        self.long_thread(next(v for v, spec in zip(videos, VIDEOS, strict=True)
                              if spec[0] == "heat"))
        return videos


def google_error(status: int, reason: str, message: str, domain: str = "youtube.api") -> Reply:
    """Google's JSON error body (``error.errors[].reason`` is what clients branch on)."""
    statuses = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}
    return as_json({"error": {"code": status, "message": message,
                              "errors": [{"message": message, "domain": domain,
                                          "reason": reason}],
                              "status": statuses.get(status, "UNKNOWN")}}, status)


def page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def page_offset(token: str | None) -> int | None:
    """The offset a page token stands for (0 without one), or None when it is not ours."""
    if not token:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)
                                                  ).decode().partition(":")
        return int(value) if kind == "offset" else None
    except ValueError:
        return None


class Youtube(Platform):
    name = "youtube"
    sample_credentials = {"youtube_api_key": API_KEY}

    def __init__(self, server):
        super().__init__(server)
        self.videos = CorpusBuilder().build()
        self.daily_quota: int | None = None  # units; None = unlimited
        self.spent = 0

    def describe(self) -> str:
        comments = sum(v.comment_count() for v in self.videos)
        return (f"youtube: {len(self.videos)} videos, {comments} comments (/youtube/v3/search, "
                f"videos, commentThreads, comments; key={API_KEY})")

    def settings(self) -> dict[str, str]:
        """The API lives under ``/youtube/v3``, as on www.googleapis.com."""
        return {**super().settings(), "youtube_base_url": f"{self.server.base_url}/youtube/v3"}

    def routes(self) -> list[Route]:
        methods = "|".join(COST)
        return [self.route("GET", rf"/youtube/v3/(?P<method>{methods})", self.call)]

    # --- test hooks: the platform changes between two crawls -----------------------------

    def add_video(self, title: str, description: str, published: datetime,
                  channel: str = "techdaily") -> Video:
        builder = CorpusBuilder(seed=len(self.videos))
        video = Video(builder.native_id(11), channel, "en", title, description, published,
                      "x2-product-blue.png", 1_000, 50, False)
        with self.server.lock:
            self.videos.append(video)
        return video

    def add_comment(self, video: Video, text: str, published: datetime,
                    parent: Comment | None = None) -> Comment:
        builder = CorpusBuilder(seed=video.comment_count() + len(text))
        comment = builder.comment(video, text, published, "en", parent)
        with self.server.lock:
            if parent:
                next(replies for top, replies in video.threads if top is parent).append(comment)
            else:
                video.threads.append((comment, []))
        return comment

    # --- the API -----------------------------------------------------------------------------

    def call(self, request: Request, method: str) -> Reply:
        key = request.param("key") or request.headers.get("x-goog-api-key")
        if not key:
            return google_error(403, "forbidden", "The request is missing a valid API key.",
                                "global")
        if key != API_KEY:
            return google_error(400, "keyInvalid",
                                "API key not valid. Please pass a valid API key.", "usageLimits")
        with self.server.lock:
            if self.daily_quota is not None and self.spent + COST[method] > self.daily_quota:
                return google_error(403, "quotaExceeded", "The request cannot be completed "
                                    "because you have exceeded your quota.", "youtube.quota")
            self.spent += COST[method]
        return getattr(self, f"list_{method}")(request)

    def list_search(self, request: Request) -> Reply:
        words = [w for w in re.split(r"[\s|\"]+", (request.param("q") or "").casefold())
                 if w and not w.startswith("-")]
        after = parse_rfc3339(request.param("publishedAfter"))
        before = parse_rfc3339(request.param("publishedBefore"))
        with self.server.lock:
            found = [v for v in self.videos
                     if any(w in f"{v.title} {v.description}".casefold() for w in words)
                     and (after is None or v.published >= after)
                     and (before is None or v.published < before)]
        found.sort(key=lambda v: v.published, reverse=True)  # order=date
        return self.page(request, "youtube#searchListResponse", found, self.search_result,
                         limit=50, default=5)

    def list_videos(self, request: Request) -> Reply:
        ids = [i for i in (request.param("id") or "").split(",") if i]
        if len(ids) > 50:
            return google_error(400, "badRequest", "Too many ids: at most 50.")
        with self.server.lock:
            by_id = {v.id: v for v in self.videos}
        items = [self.video_resource(by_id[i]) for i in ids if i in by_id]
        return as_json({"kind": "youtube#videoListResponse", "etag": f"e{len(items)}",
                        "items": items,
                        "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)}})

    def list_commentThreads(self, request: Request) -> Reply:  # noqa: N802 - the API's name
        with self.server.lock:
            video = next((v for v in self.videos if v.id == request.param("videoId")), None)
            if video is None:
                return google_error(404, "videoNotFound", "The video identified by the "
                                    "videoId parameter could not be found.",
                                    "youtube.commentThread")
            if video.comments_disabled:
                return google_error(403, "commentsDisabled", "The video identified by the "
                                    "videoId parameter has disabled comments.",
                                    "youtube.commentThread")
            threads = list(video.threads)
        if request.param("order", "time") == "time":
            threads.sort(key=lambda t: t[0].published, reverse=True)
        with_replies = "replies" in (request.param("part") or "")
        return self.page(request, "youtube#commentThreadListResponse", threads,
                         lambda t: self.thread_resource(*t, with_replies), limit=100,
                         default=20)

    def list_comments(self, request: Request) -> Reply:
        parent_id = request.param("parentId")
        with self.server.lock:
            replies = next((list(r) for v in self.videos for top, r in v.threads
                            if top.id == parent_id), None)
        if replies is None:
            return google_error(404, "commentNotFound", "One or more of the comments "
                                "identified by the parentId parameter could not be found.",
                                "youtube.comment")
        return self.page(request, "youtube#commentListResponse", replies,
                         self.comment_resource, limit=100, default=20)

    def page(self, request: Request, kind: str, found: list, resource, *, limit: int,
             default: int) -> Reply:
        """One page of ``found`` (``maxResults``, ``pageToken``) in the list-response shape."""
        offset = page_offset(request.param("pageToken"))
        if offset is None:
            return google_error(400, "invalidPageToken", "The request specifies an invalid "
                                "page token.")
        size = max(1, min(request.int_param("maxResults", default) or default, limit))
        body: dict[str, Any] = {"kind": kind, "etag": f"e{offset}-{len(found)}"}
        if offset + size < len(found):
            body["nextPageToken"] = page_token(offset + size)
        body["pageInfo"] = {"totalResults": len(found), "resultsPerPage": size}
        body["items"] = [resource(item) for item in found[offset:offset + size]]
        return as_json(body)

    # --- resources ---------------------------------------------------------------------------

    def thumbnails(self, video: Video) -> dict[str, dict[str, Any]]:
        url = f"{self.server.base_url}/media/{video.thumbnail}"
        return {"default": {"url": url, "width": 120, "height": 90},
                "medium": {"url": url, "width": 320, "height": 180},
                "high": {"url": url, "width": 480, "height": 360}}

    def snippet(self, video: Video) -> dict[str, Any]:
        return {"publishedAt": rfc3339(video.published), "channelId": f"UC_{video.channel}",
                "title": video.title, "description": video.description,
                "thumbnails": self.thumbnails(video),
                "channelTitle": CHANNELS[video.channel], "liveBroadcastContent": "none"}

    def search_result(self, video: Video) -> dict[str, Any]:
        snippet = self.snippet(video)
        snippet["description"] = video.description[:160]  # search truncates descriptions
        snippet["publishTime"] = snippet["publishedAt"]
        return {"kind": "youtube#searchResult", "etag": f"s{video.id}",
                "id": {"kind": "youtube#video", "videoId": video.id}, "snippet": snippet}

    def video_resource(self, video: Video) -> dict[str, Any]:
        statistics = {"viewCount": str(video.views), "likeCount": str(video.likes),
                      "favoriteCount": "0"}
        if not video.comments_disabled:  # YouTube omits the count when comments are off
            statistics["commentCount"] = str(video.comment_count())
        return {"kind": "youtube#video", "etag": f"v{video.id}", "id": video.id,
                "snippet": {**self.snippet(video), "defaultAudioLanguage": video.lang,
                            "categoryId": "28"},
                "statistics": statistics}

    def comment_resource(self, comment: Comment) -> dict[str, Any]:
        snippet = {"channelId": "UC_video_owner", "videoId": comment.video_id,
                   "textDisplay": comment.text, "textOriginal": comment.text,
                   "authorDisplayName": comment.author,
                   "authorProfileImageUrl": f"{self.server.base_url}/media/coffee-and-phone.png",
                   "authorChannelUrl": f"http://www.youtube.com/{comment.author}",
                   "authorChannelId": {"value": comment.channel_id},
                   "canRate": True, "viewerRating": "none", "likeCount": comment.likes,
                   "publishedAt": rfc3339(comment.published),
                   "updatedAt": rfc3339(comment.published)}
        if comment.parent_id:
            snippet["parentId"] = comment.parent_id
        return {"kind": "youtube#comment", "etag": f"c{comment.id}", "id": comment.id,
                "snippet": snippet}

    def thread_resource(self, top: Comment, replies: list[Comment],
                        with_replies: bool) -> dict[str, Any]:
        thread: dict[str, Any] = {
            "kind": "youtube#commentThread", "etag": f"t{top.id}", "id": top.id,
            "snippet": {"channelId": "UC_video_owner", "videoId": top.video_id,
                        "topLevelComment": self.comment_resource(top), "canReply": True,
                        "totalReplyCount": len(replies), "isPublic": True}}
        if with_replies and replies:
            thread["replies"] = {"comments": [self.comment_resource(c)
                                              for c in replies[:REPLIES_IN_THREAD]]}
        return thread

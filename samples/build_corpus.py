"""Builds the bundled sample corpus: Mastodon statuses about the fictional "Nova Lumina X2"
phone launch (2026-10-15), in Korean, English, Japanese and Spanish plus a little French,
German and Portuguese, with what real listening data has in it: hashtags, emoji, images,
replies, boosts, copy-pasta duplicates, spam bots and posts that use the brand's words in
another sense.

Deterministic (seeded): ``python -m samples.build_corpus`` rewrites
``mastodon_statuses.json`` and ``media/`` identically. The texts are ours, written for this.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

HERE = Path(__file__).parent
HOST = "sample.social"
LAUNCH = datetime(2026, 10, 15, 1, 0, tzinfo=UTC)

# (language, phase, sentiment, text); phase "pre" is before the launch, "post" after.
TEXTS: list[tuple[str, str, str, str]] = [
    # English
    ("en", "pre", "pos", "Counting down to the Nova Lumina X2 reveal. That periscope camera leak looks unreal"),
    ("en", "pre", "neu", "Anyone know if the Nova Lumina X2 will ship with a charger in the box?"),
    ("en", "pre", "pos", "Pre-ordered the Nova Lumina X2 in midnight blue. No regrets yet"),
    ("en", "pre", "neg", "Rumour says the Nova Lumina X2 starts at $1,299. That is a hard pass for me"),
    ("en", "pre", "neu", "Lumina confirmed the X2 event for October 15, 10am KST"),
    ("en", "pre", "pos", "If the Nova Lumina X2 camera is half as good as the samples, my old phone is retired"),
    ("en", "post", "pos", "Took the Nova Lumina X2 out at night and the low light shots are stunning"),
    ("en", "post", "pos", "Honestly the X2 camera is the best I have used on a phone. Portrait mode nails hair edges"),
    ("en", "post", "neg", "Nova Lumina X2 battery is a joke. 60% gone by lunch with light use"),
    ("en", "post", "neg", "Returned my Nova Lumina X2. Gets hot while charging and the battery drains overnight"),
    ("en", "post", "neg", "$1,299 for the Nova Lumina X2 and it still has a 60Hz mode by default? Overpriced"),
    ("en", "post", "pos", "The display on the Nova Lumina X2 is gorgeous outdoors, super bright"),
    ("en", "post", "neu", "Day three with the Nova Lumina X2. Camera great, battery okay, still testing"),
    ("en", "post", "pos", "Love the matte finish on the Nova Lumina X2, feels premium without a case"),
    ("en", "post", "neg", "Software update 1.0.3 made the Nova Lumina X2 camera app crash every other launch"),
    ("en", "post", "neu", "Comparing the Nova Lumina X2 zoom against my old phone, full review on Friday"),
    # Korean
    ("ko", "pre", "pos", "노바루미나 X2 출시 너무 기대돼요. 카메라 샘플 사진 미쳤다"),
    ("ko", "pre", "neu", "노바루미나 X2 사전예약 언제부터인지 아시는 분?"),
    ("ko", "pre", "neg", "노바루미나 X2 출고가 150만원 넘는다는 소문이 있던데 너무 비싸요"),
    ("ko", "pre", "pos", "드디어 다음 주 노바루미나 X2 공개! 색상은 미드나잇 블루로 정했다"),
    ("ko", "post", "pos", "노바루미나 X2 야간 사진 진짜 대박이에요. 카메라 하나는 인정"),
    ("ko", "post", "neg", "노바루미나 X2 배터리 너무 빨리 닳아요. 점심때 벌써 40%"),
    ("ko", "post", "neg", "노바루미나 X2 충전할 때 발열이 심하네요. 실망입니다"),
    ("ko", "post", "pos", "노바루미나 X2 화면 밝기 최고예요. 햇빛 아래서도 잘 보여요"),
    ("ko", "post", "neu", "노바루미나 X2 일주일 사용기: 카메라는 좋고 배터리는 보통"),
    ("ko", "post", "neg", "이 가격에 노바루미나 X2 배터리가 이 정도라니 솔직히 아쉽다"),
    ("ko", "post", "pos", "노바루미나 X2 인물 모드 머리카락 경계 처리 완벽해요"),
    ("ko", "post", "neu", "노바루미나 X2 케이스 추천 부탁드려요"),
    # Japanese
    ("ja", "pre", "pos", "ノヴァルミナX2の発表が楽しみすぎる。カメラのサンプルがすごい"),
    ("ja", "pre", "neu", "ノヴァルミナX2の予約はいつから始まるんだろう"),
    ("ja", "pre", "neg", "ノヴァルミナX2、噂の値段だと高すぎて手が出ない"),
    ("ja", "post", "pos", "ノヴァルミナX2の夜景モード、想像以上にきれいに撮れる"),
    ("ja", "post", "neg", "ノヴァルミナX2のバッテリー持ちが悪い。夕方には充電が必要"),
    ("ja", "post", "pos", "ノヴァルミナX2の画面が明るくて見やすい。買ってよかった"),
    ("ja", "post", "neg", "ノヴァルミナX2、充電中にかなり熱くなるのが気になる"),
    ("ja", "post", "neu", "ノヴァルミナX2を一週間使ってみた感想をブログに書きました"),
    ("ja", "post", "pos", "ノヴァルミナX2のポートレート、髪の毛の境界まで自然"),
    # Spanish
    ("es", "pre", "pos", "Qué ganas de ver el Nova Lumina X2, las fotos filtradas de la cámara pintan genial"),
    ("es", "pre", "neu", "¿Alguien sabe si el Nova Lumina X2 llegará a México el mismo día?"),
    ("es", "pre", "neg", "Si el Nova Lumina X2 cuesta 1.299 euros, paso. Demasiado caro"),
    ("es", "post", "pos", "La cámara del Nova Lumina X2 es increíble de noche, estoy flipando"),
    ("es", "post", "neg", "La batería del Nova Lumina X2 dura muy poco, qué decepción"),
    ("es", "post", "neg", "Mi Nova Lumina X2 se calienta mucho al cargar, lo voy a devolver"),
    ("es", "post", "pos", "La pantalla del Nova Lumina X2 se ve perfecta incluso al sol"),
    ("es", "post", "neu", "Primera semana con el Nova Lumina X2: buena cámara, batería normal"),
    ("es", "post", "neg", "Por ese precio el Nova Lumina X2 debería durar todo el día"),
    # A little French, German, Portuguese
    ("fr", "post", "pos", "L'appareil photo du Nova Lumina X2 est bluffant en basse lumière"),
    ("fr", "post", "neg", "La batterie du Nova Lumina X2 ne tient pas la journée, dommage"),
    ("de", "post", "pos", "Die Kamera des Nova Lumina X2 ist bei Nacht richtig stark"),
    ("de", "post", "neg", "Der Akku vom Nova Lumina X2 ist eine Enttäuschung"),
    ("pt", "post", "pos", "A câmera do Nova Lumina X2 é incrível, fotos noturnas lindas"),
    ("pt", "pre", "neu", "Alguém sabe o preço do Nova Lumina X2 no Brasil?"),
]

HASHTAGS = {
    "en": ["NovaLumina", "LuminaX2", "NovaLuminaX2"], "ko": ["노바루미나", "LuminaX2"],
    "ja": ["ノヴァルミナ", "LuminaX2"], "es": ["NovaLumina", "LuminaX2"],
    "fr": ["NovaLumina"], "de": ["NovaLumina"], "pt": ["NovaLumina"],
}
EMOJI = {"pos": ["😍", "🔥", "📸", "✨", "👍", ""], "neg": ["😡", "😞", "🔋", "👎", ""],
         "neu": ["🤔", "📱", "", ""]}
OPENERS = {"en": ["", "Ok so ", "Hot take: ", "PSA: ", "Update: "],
           "ko": ["", "와 ", "솔직히 ", "후기: "], "ja": ["", "正直、", "速報：", "感想："],
           "es": ["", "Bueno, ", "Ojo: ", "Opinión: "], "fr": [""], "de": [""], "pt": [""]}

COPY_PASTA = ("Just switched to the Nova Lumina X2 and I am never going back. Best camera on "
              "the market, no contest!")
SPAM = [
    "🎁 FREE Nova Lumina X2 GIVEAWAY 🎁 Follow + boost + click {url} to claim yours now!!!",
    "Nova Lumina X2 coupon 90% OFF today only 👉 {url} #NovaLumina #LuminaX2 #deal #free "
    "#giveaway #win #phone #sale #coupon #promo",
    "Earn $500/day from home, no experience, DM me. {url} #NovaLumina #crypto #money",
]
COLLISIONS = [  # the brand's words in another sense: the relevance step must learn these
    ("en", "Lumina paint's new matte white is on sale at the hardware store this week"),
    ("en", "Caught a supernova remnant through the telescope last night, nova season is back"),
    ("es", "La nova que vimos anoche en Orión fue espectacular"),
    ("en", "Lumina Hotel in Lisbon has the best rooftop bar, highly recommend"),
    ("ko", "루미나 페인트 신제품 색상 예쁘네요"),
]

IMAGES = [  # (file, caption): the pictures are drawn by samples.pictures
    ("x2-product-blue.png", "Nova Lumina X2 in midnight blue"),
    ("x2-product-silver.png", "Nova Lumina X2 in silver"),
    ("x2-night-shot.png", "Night street photo"),
    ("x2-box.png", "Unboxing"),
    ("battery-screenshot.png", "Battery 38% at 12:40"),
    ("price-tag.png", "Nova Lumina X2 $1,299"),
    ("launch-stage.png", "Launch event stage"),
    ("coffee-and-phone.png", "Coffee and the X2"),
    ("giveaway-banner.png", "FREE GIVEAWAY"),
    ("sunset-sample.png", "Sunset sample"),
]


def draw_images(folder: Path) -> None:
    """The images the statuses attach, and the reposts other platforms serve
    (:mod:`samples.pictures`)."""
    from samples.pictures import draw_all

    draw_all(folder)


def account(n: int, lang: str, rng: random.Random, influencer: bool = False,
            bot: bool = False) -> dict:
    handle = f"{'bot' if bot else lang}_user{n:02d}"
    followers = rng.randrange(20_000, 250_000) if influencer else rng.randrange(3, 900)
    return {
        "id": str(100 + n), "username": handle, "acct": handle,
        "display_name": f"{'Deals ' if bot else ''}{handle.replace('_', ' ').title()}",
        "followers_count": followers, "following_count": rng.randrange(10, 2000 if not bot else 9000),
        "statuses_count": rng.randrange(50, 9000), "bot": bot,
        "note": f"<p>{'Tech reviewer' if influencer else 'Phone enthusiast'} · {lang}</p>",
        "url": f"https://{HOST}/@{handle}", "created_at": "2021-03-01T00:00:00.000Z",
    }


def content_html(text: str, tags: list[str], mentions: list[dict], links: list[str]) -> str:
    parts = [escape(text)]
    for m in mentions:
        parts.append(f'<span class="h-card"><a href="{m["url"]}" class="u-url mention">'
                     f'@<span>{m["username"]}</span></a></span>')
    for link in links:
        parts.append(f'<a href="{link}" rel="nofollow noopener" target="_blank">{link}</a>')
    for tag in tags:
        parts.append(f'<a href="https://{HOST}/tags/{tag.lower()}" class="mention hashtag" '
                     f'rel="tag">#<span>{tag}</span></a>')
    return "<p>" + " ".join(parts) + "</p>"


class Corpus:
    def __init__(self, seed: int = 20261015):
        self.rng = random.Random(seed)
        self.statuses: list[dict] = []
        langs = ["en"] * 14 + ["ko"] * 12 + ["ja"] * 10 + ["es"] * 10 + ["fr", "de", "pt"] * 2
        self.accounts = [account(n, lang, self.rng, influencer=n % 11 == 0)
                         for n, lang in enumerate(langs)]
        self.bots = [account(90 + n, "en", self.rng, bot=True) for n in range(4)]

    def when(self, phase: str) -> datetime:
        """Volume rises to the launch and peaks in its first days."""
        if phase == "pre":
            return LAUNCH - timedelta(days=self.rng.triangular(0.1, 20, 1.5),
                                      minutes=self.rng.randrange(1440))
        return LAUNCH + timedelta(days=self.rng.triangular(0.05, 21, 0.8),
                                  minutes=self.rng.randrange(1440))

    def status(self, acct: dict, text: str, when: datetime, lang: str, tags: list[str],
               **extra) -> dict:
        media = extra.pop("media", [])
        mentions = extra.pop("mentions", [])
        links = extra.pop("links", [])
        status = {
            "id": "", "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "in_reply_to_id": None, "in_reply_to_account_id": None, "sensitive": False,
            "spoiler_text": "", "visibility": "public", "language": lang,
            "uri": "", "url": "", "replies_count": 0,
            "reblogs_count": self.rng.randrange(0, 40 if acct["followers_count"] > 10_000 else 5),
            "favourites_count": self.rng.randrange(0, 300 if acct["followers_count"] > 10_000
                                                   else 25),
            "content": content_html(text, tags, mentions, links), "reblog": None,
            "account": acct,
            "media_attachments": [{"id": str(1000 + i), "type": "image",
                                   "url": f"/media/{name}", "preview_url": f"/media/{name}",
                                   "description": caption}
                                  for i, (name, caption) in enumerate(media)],
            "mentions": [{"id": m["id"], "username": m["username"], "acct": m["acct"],
                          "url": m["url"]} for m in mentions],
            "tags": [{"name": t.lower(), "url": f"https://{HOST}/tags/{t.lower()}"}
                     for t in tags],
            **extra,
        }
        self.statuses.append(status)
        return status

    def build(self) -> list[dict]:
        rng = self.rng
        for round_ in range(6):  # each text several times, by different people, reworded
            for lang, phase, mood, text in TEXTS:
                if round_ and rng.random() < 0.35:
                    continue
                acct = rng.choice([a for a in self.accounts if a["note"].endswith(lang + "</p>")])
                opener = rng.choice(OPENERS[lang]) if round_ else ""
                body = f"{opener}{text} {rng.choice(EMOJI[mood])}".strip()
                tags = rng.sample(HASHTAGS[lang], k=rng.randrange(1, len(HASHTAGS[lang]) + 1))
                media = [rng.choice(IMAGES)] if rng.random() < 0.2 else []
                self.status(acct, body, self.when(phase), lang, tags, media=media)
        originals = list(self.statuses)
        for _ in range(25):  # replies, threaded under earlier posts
            parent = rng.choice(originals)
            lang = parent["language"]
            acct = rng.choice(self.accounts)
            reply = {"en": "Same here, mine does exactly that", "ko": "저도 그래요 ㅠㅠ",
                     "ja": "わかる、うちのもそう", "es": "Me pasa lo mismo"}.get(lang, "+1")
            when = datetime.fromisoformat(parent["created_at"].replace("Z", "+00:00")) + \
                timedelta(minutes=rng.randrange(5, 600))
            parent["replies_count"] += 1
            self.status(acct, reply + " Nova Lumina X2", when, lang, [],
                        mentions=[parent["account"]],
                        in_reply_to_account_id=parent["account"]["id"], _parent=parent)
        for n in range(6):  # copy-pasta by several accounts: exact duplicates
            self.status(self.accounts[(n * 7) % len(self.accounts)], COPY_PASTA,
                        LAUNCH + timedelta(hours=3 + n * 5), "en", ["NovaLumina"],
                        links=[f"https://ref.example/x2?u={n}"] if n % 2 else [])
        for n in range(12):  # spam bots
            bot = self.bots[n % len(self.bots)]
            text = SPAM[n % len(SPAM)].format(url=f"https://win-x2.example/claim?id={n}")
            self.status(bot, text, self.when("post" if n % 3 else "pre"), "en", [],
                        media=[IMAGES[8]] if n % 4 == 0 else [])
        for lang, text in COLLISIONS * 2:  # keyword collisions
            self.status(rng.choice(self.accounts), text, self.when(rng.choice(["pre", "post"])),
                        lang, ["lumina"] if "umina" in text else ["nova"])
        for _ in range(15):  # boosts of popular posts
            original = rng.choice(originals)
            when = datetime.fromisoformat(original["created_at"].replace("Z", "+00:00")) + \
                timedelta(hours=rng.randrange(1, 48))
            boost = self.status(rng.choice(self.accounts), "", when, original["language"], [],
                                _boost_of=original)
            boost["content"] = ""
        return self.finish()

    def finish(self) -> list[dict]:
        """Ids grow with time, like Mastodon's snowflakes; links are filled in once ids exist."""
        self.statuses.sort(key=lambda s: s["created_at"])
        for n, status in enumerate(self.statuses):
            when = datetime.fromisoformat(status["created_at"].replace("Z", "+00:00"))
            status["id"] = str((int(when.timestamp() * 1000) << 16) + n)
            handle = status["account"]["acct"]
            status["uri"] = f"https://{HOST}/users/{handle}/statuses/{status['id']}"
            status["url"] = f"https://{HOST}/@{handle}/{status['id']}"
        for status in self.statuses:
            parent = status.pop("_parent", None)
            if parent is not None:
                status["in_reply_to_id"] = parent["id"]
            original = status.pop("_boost_of", None)
            if original is not None:
                status["reblog"] = {k: v for k, v in original.items() if k != "reblog"}
                status["tags"] = original["tags"]
        return self.statuses


def main() -> None:
    statuses = Corpus().build()
    (HERE / "mastodon_statuses.json").write_text(
        json.dumps(statuses, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    draw_images(HERE / "media")
    langs: dict[str, int] = {}
    for s in statuses:
        langs[s["language"]] = langs.get(s["language"], 0) + 1
    print(f"{len(statuses)} statuses; languages {langs}")


if __name__ == "__main__":
    main()

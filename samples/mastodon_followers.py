"""Sample followers for the Mastodon corpus's accounts, built in code and deterministic
(seeded): who follows whom, and what those followers post about. Influencers (accounts with
more than 10,000 followers) get a large sample, everyone else a handful; the followers post
about their hobbies (photography, gaming, travel, food, fitness, fashion, tech) in Korean,
English, Japanese and Spanish, so audience-interest analysis has a real signal to find. The
texts are ours, written for this; one tech post mentions the phone, which is exactly what a
crawl must NOT count as a reaction to the launch.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any

HOST = "sample.social"
INFLUENCER = 10_000  # more followers than this: an influencer, with a large follower sample
SAMPLED = {"influencer": 120, "regular": 4}  # followers served per account, by kind
POOL = 260  # distinct follower accounts; influencers share some, as real audiences do
FIRST_ID = 20_000
LANGS = ("ko", "en", "ja", "es")
SINCE = datetime(2026, 8, 1, tzinfo=UTC)

# hobby -> language -> (texts, hashtags). Two or three texts each, varied by openers.
HOBBIES: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    "photography": {
        "en": (["Golden hour on the pier, shot at f/2.8 and barely edited",
                "Finally printed my film scans from the mountain trip",
                "Street photography walk this Saturday, anyone in?"], ["photography", "35mm"]),
        "ko": (["오늘 한강 노을 찍었는데 색감이 너무 좋아요",
                "필름 카메라로 찍은 제주도 사진 현상했어요"], ["사진", "필름사진"]),
        "ja": (["朝の鎌倉で撮った写真、光がやわらかい", "新しい単焦点レンズで猫を撮ってみた"],
               ["写真", "カメラ好き"]),
        "es": (["Fotos del atardecer en Valparaíso, sin filtros",
                "Probando una lente de 50mm en el mercado"], ["fotografía", "fotografia"]),
    },
    "gaming": {
        "en": (["Three hours into the new roguelike and I cannot stop",
                "Ranked grind tonight, wish me luck"], ["gaming", "indiegames"]),
        "ko": (["오늘 밤 랭크 게임 달립니다", "새로 나온 인디 게임 스토리 너무 좋네요"],
               ["게임", "게임추천"]),
        "ja": (["週末は新作RPGをひたすら遊んでた", "対戦ゲームでやっとランク上がった"],
               ["ゲーム", "RPG"]),
        "es": (["Maratón de videojuegos este finde con los amigos",
                "Ese jefe final me costó veinte intentos"], ["videojuegos", "gaming"]),
    },
    "travel": {
        "en": (["Landed in Lisbon, the tram 28 queue is already huge",
                "Packing list for two weeks with one carry-on"], ["travel", "wanderlust"]),
        "ko": (["교토 여행 3일차, 골목길 산책이 최고예요", "다음 달 리스본 여행 계획 중"],
               ["여행", "여행스타그램"]),
        "ja": (["台湾旅行、夜市の食べ歩きが楽しすぎる", "次の連休は北海道に行く予定"],
               ["旅行", "旅"]),
        "es": (["Recorriendo la costa de Oaxaca en autobús", "Mochila lista para Patagonia"],
               ["viajes", "viajar"]),
    },
    "food": {
        "en": (["Made ramen broth from scratch, twelve hours well spent",
                "Best tacos in town are at the truck behind the station"], ["food", "cooking"]),
        "ko": (["오늘 저녁은 집에서 만든 김치찌개", "성수동 새로 생긴 베이커리 빵 맛집이에요"],
               ["맛집", "요리"]),
        "ja": (["手作りの餃子、皮から作ってみた", "近所の喫茶店のナポリタンが最高"],
               ["グルメ", "料理"]),
        "es": (["Receta de la abuela: tortilla de patatas jugosa",
                "Probé el mejor ceviche de Lima"],
               ["comida", "recetas"]),
    },
    "fitness": {
        "en": (["New deadlift PR this morning, 140 kg", "Ran my first half marathon today"],
               ["fitness", "running"]),
        "ko": (["오늘 하체 운동 완료, 스쿼트 100kg 성공", "한강 10km 러닝 기록 갱신"],
               ["운동", "러닝"]),
        "ja": (["朝ラン10キロ、気持ちよかった", "ジムで筋トレ、ベンチプレス自己ベスト"],
               ["筋トレ", "ランニング"]),
        "es": (["Entrenamiento de piernas terminado, mañana no camino",
                "Primera carrera de 10K completada"], ["fitness", "correr"]),
    },
    "fashion": {
        "en": (["Thrifted a wool coat for twelve dollars, autumn is ready",
                "Outfit of the day: all beige everything"], ["fashion", "ootd"]),
        "ko": (["오늘의 코디, 가을 트렌치코트", "빈티지 가게에서 데님 재킷 득템"],
               ["패션", "데일리룩"]),
        "ja": (["秋服を買いに古着屋めぐり", "今日のコーデはモノトーンで"],
               ["ファッション", "古着"]),
        "es": (["Look de hoy: chaqueta vaquera y botas", "Encontré un abrigo vintage precioso"],
               ["moda", "outfit"]),
    },
    "tech": {
        "en": (["Built a tiny home server from an old laptop this weekend",
                "Reading the Nova Lumina X2 teardown, the cooling looks thin",
                "Switched my keyboard to low-profile switches, typing feels new"],
               ["tech", "homelab"]),
        "ko": (["기계식 키보드 새로 조립했어요", "집에 NAS 구축 완료, 사진 백업 편하네요"],
               ["테크", "IT"]),
        "ja": (["自作PCのパーツがやっと揃った", "新しいイヤホンのノイキャンがすごい"],
               ["ガジェット", "自作PC"]),
        "es": (["Armé mi primer teclado mecánico", "Configurando un servidor casero con Linux"],
               ["tecnología", "linux"]),
    },
}
OPENERS = {"en": ["", "Honestly ", "Today: "], "ko": ["", "오늘은 ", "드디어 "],
           "ja": ["", "今日は", "ついに"], "es": ["", "Hoy: ", "Por fin "]}


def snowflake(when: datetime, sequence: int) -> str:
    """A Mastodon-style id: milliseconds since the epoch shifted left 16 bits, so ids sort by
    time as the corpus's do."""
    return str((int(when.timestamp() * 1000) << 16) + sequence % 65536)


@dataclass
class Followers:
    """The sample's follow graph: ``accounts`` by id, ``followers_of`` (account id -> follower
    ids, most recent follow first), ``statuses_of`` (account id -> statuses, newest first)."""

    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    followers_of: dict[str, list[str]] = field(default_factory=dict)
    statuses_of: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def build_followers(corpus_accounts: list[dict[str, Any]], seed: int = 20261015) -> Followers:
    """Followers for every corpus account and their recent posts, the same on every call."""
    rng = random.Random(seed)
    graph = Followers()
    pool = [follower_account(n, rng) for n in range(POOL)]
    for account in pool:
        graph.accounts[account["id"]] = account
        graph.statuses_of[account["id"]] = hobby_statuses(account, rng)
    for account in sorted(corpus_accounts, key=lambda a: int(a["id"])):
        kind = "influencer" if account["followers_count"] > INFLUENCER else "regular"
        count = min(SAMPLED[kind], account["followers_count"])
        graph.followers_of[account["id"]] = [f["id"] for f in rng.sample(pool, count)]
    return graph


def follower_account(n: int, rng: random.Random) -> dict[str, Any]:
    lang = LANGS[n % len(LANGS)]
    hobbies = rng.sample(sorted(HOBBIES), 2)
    handle = f"{lang}_fan{n:03d}"
    bio = {"ko": "{} 좋아하는 사람", "en": "Into {} mostly", "ja": "{}が好き",
           "es": "Me gusta {}"}[lang].format(" & ".join(hobbies))
    return {
        "id": str(FIRST_ID + n), "username": handle, "acct": handle,
        "display_name": handle.replace("_", " ").title(),
        "followers_count": rng.randrange(5, 3000), "following_count": rng.randrange(50, 1500),
        "statuses_count": rng.randrange(20, 4000), "bot": False,
        "note": f"<p>{escape(bio)}</p>", "url": f"https://{HOST}/@{handle}",
        "created_at": "2022-05-01T00:00:00.000Z", "hobbies": hobbies, "lang": lang,
    }


def hobby_statuses(account: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """Four to seven posts about the account's hobbies in its language, newest first."""
    lang = account["lang"]
    statuses = []
    for n in range(rng.randrange(4, 8)):
        texts, tags = HOBBIES[rng.choice(account["hobbies"])][lang]
        when = SINCE + timedelta(minutes=rng.randrange(0, 100 * 24 * 60))
        text = rng.choice(OPENERS[lang]) + rng.choice(texts)
        links = " ".join(f'<a href="https://{HOST}/tags/{t}" class="mention hashtag" '
                         f'rel="tag">#<span>{escape(t)}</span></a>' for t in tags)
        status_id = snowflake(when, int(account["id"]) * 8 + n)
        statuses.append({
            "id": status_id, "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "in_reply_to_id": None, "in_reply_to_account_id": None, "sensitive": False,
            "spoiler_text": "", "visibility": "public", "language": lang,
            "uri": f"https://{HOST}/users/{account['acct']}/statuses/{status_id}",
            "url": f"https://{HOST}/@{account['acct']}/{status_id}",
            "replies_count": 0, "reblogs_count": rng.randrange(0, 5),
            "favourites_count": rng.randrange(0, 40),
            "content": f"<p>{escape(text)} {links}</p>", "reblog": None,
            "account": public(account), "media_attachments": [], "mentions": [],
            "tags": [{"name": t.casefold(), "url": f"https://{HOST}/tags/{t.casefold()}"}
                     for t in tags],
        })
    return sorted(statuses, key=lambda s: int(s["id"]), reverse=True)


def public(account: dict[str, Any]) -> dict[str, Any]:
    """The account as the API shows it (the builder's own fields removed)."""
    return {k: v for k, v in account.items() if k not in ("hobbies", "lang")}

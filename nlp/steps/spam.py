"""``spam``: how much a post looks like spam or garbage (0..1), and why.

The score is a small logistic combination of transparent signals, each a number in 0..1:
promotional vocabulary (giveaways, coupons, easy money) and calls to action in eight
languages, links (many of them, shorteners, odd top-level domains, hosts named like a
prize), hashtag and mention stuffing, shouting (capitals, repeated characters, emoji runs),
text that is mostly links and tags, text no language fits, the author (a declared bot, a
follow-everyone account, a handle named like a promotion) and the post being a copy of
another. A warning about scams lowers the score, so "the X2 giveaways are a scam" is not
caught by its own vocabulary.

``spam_score = sigmoid(bias + Σ weight·signal)``. The default weights (:data:`WEIGHTS`) were
fitted by L2-regularised logistic regression on ``lab/evals/spam_set.jsonl`` and rounded;
``sensing eval spam`` measures them. ``spam_reasons`` lists the codes of the signals that
raised the log-odds by at least ``reason_min``, strongest first, so a reader sees why.

The vocabulary is data (:data:`VOCABULARY`: signal -> language -> phrases), matched by one
code path whatever the language: a Latin phrase matches whole words (``*`` at its end allows
any ending), a CJK phrase matches anywhere. All languages are matched on every post: spam
mixes languages, and ``lang`` is ``und`` for much of it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from analysis.pipeline import BatchContext, Step
from analysis.registry import register
from sensing.schemas import Post
from sensing.text import HASHTAG, MENTION, URL

VOCABULARY: dict[str, dict[str, tuple[str, ...]]] = {
    "giveaway-words": {
        "en": ("giveaway*", "free", "win", "winner*", "prize*", "claim*", "raffle", "sweepstake*",
               "gift card*", "selected to receive", "congrats", "congratulations"),
        "es": ("sorteo*", "gratis", "gana", "ganador*", "regalo*", "premio*", "participar"),
        "pt": ("sorteio*", "grátis", "gratis", "ganhe", "brinde*", "prêmio*", "participar"),
        "fr": ("concours", "gratuit*", "gagner", "gagnez", "cadeau*", "participer"),
        "de": ("gewinnspiel*", "gratis", "kostenlos*", "gewinnen", "gewinner*", "geschenk*"),
        "ko": ("증정", "이벤트", "무료", "나눔", "추첨", "당첨", "경품"),
        "ja": ("プレゼント企画", "プレゼント", "抽選", "無料", "懸賞", "当選", "応募"),
        "zh": ("免费", "抽奖", "赠送", "送", "中奖", "福利"),
    },
    "coupon-words": {
        "en": ("coupon*", "promo code", "discount code", "% off", "deal*", "sale", "promo",
               "limited time", "today only", "hurry", "cheap*", "best price"),
        "es": ("cupón", "cupon", "descuento*", "oferta*", "solo hoy", "código"),
        "pt": ("cupom", "desconto*", "oferta*", "só hoje", "promoção"),
        "fr": ("code promo", "promo*", "réduction", "bon plan", "bonplan", "aujourd'hui seulement"),
        "de": ("gutschein*", "rabatt*", "angebot*", "nur heute"),
        "ko": ("할인", "쿠폰", "특가", "오늘만"),
        "ja": ("クーポン", "オフ", "セール", "今日だけ", "割引"),
        "zh": ("优惠", "优惠券", "一折", "限时", "促销", "打折"),
    },
    "earn-money-words": {
        "en": ("earn*", "make money", "from home", "no experience", "crypto*", "bitcoin",
               "trading", "signals", "investment*", "per day", "/day", "followers for",
               "legit"),
        "es": ("gana dinero", "desde casa", "sin experiencia", "cripto*", "invierte",
               "al día", "duplica"),
        "pt": ("ganhe dinheiro", "em casa", "sem experiência", "por dia", "cripto*"),
        "fr": ("par jour", "depuis chez vous", "sans expérience", "crypto*"),
        "de": ("verdiene*", "am tag", "von zu hause", "ohne erfahrung", "krypto*"),
        "ko": ("벌기", "수익", "코인", "투자", "경험 필요 없음", "하루"),
        "ja": ("稼げる", "稼ぐ", "月収", "在宅", "仮想通貨"),
        "zh": ("赚钱", "日赚", "无需经验", "投资", "在家"),
    },
    "call-to-action": {
        "en": ("click*", "dm me", "dm now", "dm to", "message me", "message her",
               "message him", "link in bio", "follow +", "follow and", "follow @",
               "and rt", "repost to", "boost +", "tag 3", "tag three", "enter your card",
               "to claim", "claim now", "claim yours", "visit", "f4f", "l4l",
               "follow for follow", "followback", "sign up"),
        "es": ("haz clic", "clic aquí", "sigue a", "comparte", "escríbeme", "enlace en la bio",
               "por dm"),
        "pt": ("clique", "siga", "compartilhe", "me chama", "link na bio"),
        "fr": ("cliquez", "abonne-toi", "abonnez-vous", "partage", "écrivez-moi", "en dm",
               "lien en bio"),
        "de": ("klick*", "folgen +", "folge", "teilen", "schreib mir", "link in der bio"),
        "ko": ("팔로우", "리트윗", "클릭", "디엠", "카톡", "문의", "받아가세요"),
        "ja": ("フォロー", "リツイート", "dmください", "プロフのリンク", "詳しくは"),
        "zh": ("关注", "转发", "私信", "点击", "加微信"),
    },
    "warns-of-scam": {
        "en": ("scam*", "do not click", "don't click", "report*", "fake", "phishing", "psa"),
        "es": ("estafa*", "no hagáis clic", "no hagas clic", "falso*"),
        "pt": ("golpe*", "não clique"),
        "fr": ("arnaque*", "ne cliquez pas"),
        "de": ("betrug*", "nicht klicken"),
        "ko": ("사기", "주의"),
        "ja": ("詐欺", "注意", "踏まないで"),
        "zh": ("骗局", "诈骗", "小心"),
    },
}
SHORTENERS = frozenset({
    "bit.ly", "tinyurl.com", "is.gd", "cutt.ly", "t.cn", "goo.gl", "ow.ly", "rb.gy",
    "shorturl.at", "x.co", "rebrand.ly", "buff.ly", "tiny.cc", "s.id", "v.gd", "shorte.st"})
ODD_TLDS = frozenset({
    "xyz", "top", "click", "win", "loan", "icu", "buzz", "shop", "online", "site", "live",
    "vip", "bid", "work", "rest", "gq", "tk", "ml", "cf", "ga", "fun", "monster", "cam"})
PRIZE_HOST = re.compile(r"win|free|claim|prize|gift|deal|promo|coupon|cash|money|bonus|rabatt|"
                        r"oferta|regalo|cupom|cheap|lucky")
PROMO_HANDLE = re.compile(r"giveaway|free|deal|promo|coupon|prize|gift|crypto|cash|bonus|"
                          r"(?:^|[^a-z])win(?:[^a-z]|$)|\d{4,}$", re.I)
# Bare links without a scheme ("claim at bit.ly/x2-claim-now"), as bots write them.
BARE_LINK = re.compile(r"(?<![\w./@])((?:[a-z0-9-]+\.)+[a-z]{2,})/\S*", re.I)
RUN = re.compile(r"(.)\1{3,}")
EMOJI_RUN = re.compile(r"(?:[\u2190-\u2bff\U0001f000-\U0001faff]\ufe0f?\s?){3,}")
CAPS_WORD = re.compile(r"\b[A-ZÀ-Þ]{3,}\b")
LATIN_WORD = re.compile(r"\b[A-Za-zÀ-ÿ]{3,}\b")
LETTER = re.compile(r"[^\W\d_]")

WEIGHTS: dict[str, float] = {
    "bias": -3.0,
    "giveaway-words": 1.5,
    "coupon-words": 1.5,
    "earn-money-words": 2.0,
    "call-to-action": 2.0,
    "warns-of-scam": -1.5,
    "link-farm": 1.0,
    "suspicious-link": 2.5,
    "hashtag-stuffing": 1.5,
    "mention-stuffing": 1.0,
    "repeated-chars": 0.5,
    "emoji-run": 0.5,
    "all-caps": 1.0,
    "mostly-links-and-tags": 1.0,
    "off-language": 0.5,
    "bot-account": 3.0,
    "follow-ratio": 1.5,
    "promo-handle": 1.5,
    "duplicate": 0.5,
}
"""Log-odds per unit of each signal; ``bias`` is the log-odds of a post with no signal."""


def _phrase_pattern(phrase: str) -> str:
    """Latin phrases match whole words (a trailing ``*`` allows any ending); CJK phrases,
    written without spaces, match anywhere."""
    prefix = phrase.endswith("*")
    core = re.escape(phrase.rstrip("*"))
    if not re.search(r"[a-z0-9]", phrase, re.I):
        return core
    start = r"(?<!\w)" if re.match(r"\w", phrase) else ""
    end = "" if prefix or not re.search(r"\w$", phrase.rstrip("*")) else r"(?!\w)"
    return f"{start}{core}{end}"


def vocabulary_patterns(vocabulary: dict[str, dict[str, tuple[str, ...]]]
                        ) -> dict[str, re.Pattern[str]]:
    """One case-insensitive pattern per signal, over all its languages' phrases."""
    return {signal: re.compile("|".join(_phrase_pattern(p) for phrases in by_lang.values()
                                        for p in sorted(phrases, key=len, reverse=True)),
                               re.I)
            for signal, by_lang in vocabulary.items()}


PATTERNS = vocabulary_patterns(VOCABULARY)


def _clip(value: float) -> float:
    return max(0.0, min(1.0, value))


def _hosts(post: Post) -> list[str]:
    """Hosts of the post's links, the scheme-less ones written in the text included."""
    hosts = [(urlsplit(url).hostname or "").lower() for url in post.urls]
    hosts += [match.lower() for match in BARE_LINK.findall(URL.sub(" ", post.text))]
    return [host.removeprefix("www.") for host in hosts if host]


def suspicious_host(host: str) -> bool:
    """A link shortener (hides where it leads), a top-level domain that spam favours, or a
    host named like a prize ("win-x2.example")."""
    return (host in SHORTENERS or host.rsplit(".", 1)[-1] in ODD_TLDS
            or bool(PRIZE_HOST.search(host)))


def signals(post: Post) -> dict[str, float]:
    """Every signal of :data:`WEIGHTS` (but the bias) for ``post``, each in 0..1."""
    text = post.text
    words_only = HASHTAG.sub(" ", MENTION.sub(" ", URL.sub(" ", text)))
    tokens = text.split()
    hosts = _hosts(post)
    tags, mentions = len(post.hashtags), len(post.mentions)
    latin = LATIN_WORD.findall(words_only)
    caps = CAPS_WORD.findall(words_only)
    letters = len(LETTER.findall(words_only))
    non_space = len("".join(text.split())) or 1
    author = post.author
    followers, following = author.followers, author.following
    found = {signal: _clip(len({m.casefold() for m in pattern.findall(text)}) / 2)
             for signal, pattern in PATTERNS.items()}
    found.update({
        "link-farm": _clip((len(hosts) - 1) / 2),
        "suspicious-link": 1.0 if any(suspicious_host(h) for h in hosts) else 0.0,
        "hashtag-stuffing": _clip((tags - 3) / 6) * _clip(tags / max(len(tokens), 1) / 0.4),
        "mention-stuffing": _clip((mentions - 2) / 3),
        "repeated-chars": _clip(len(RUN.findall(words_only)) / 2),
        "emoji-run": 1.0 if EMOJI_RUN.search(text) else 0.0,
        "all-caps": _clip((len(caps) / len(latin) - 0.1) / 0.3) if len(latin) >= 3 else 0.0,
        "mostly-links-and-tags": _clip((1 - len("".join(words_only.split())) / non_space
                                        - 0.4) / 0.4),
        "off-language": 1.0 if post.lang == "und" and letters >= 10 else 0.0,
        "bot-account": 1.0 if getattr(author, "bot", False) else 0.0,
        "follow-ratio": 1.0 if following is not None and following >= 2000
        and following >= 5 * max(followers or 0, 1) else 0.0,
        "promo-handle": 1.0 if PROMO_HANDLE.search(author.handle.lstrip("@")) else 0.0,
        "duplicate": 1.0 if post.duplicate_of else 0.0,
    })
    return found


@dataclass(frozen=True)
class Verdict:
    """A post's score and the codes of the signals that raised it, strongest first."""

    score: float
    reasons: list[str]


class SpamOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weights: dict[str, float] = Field(default_factory=dict, description="Overrides of the "
                                      "default log-odds weights, by signal code (or 'bias'); "
                                      "0 turns a signal off.")
    threshold: float = Field(0.5, ge=0.0, le=1.0, description="Score from which a post counts "
                             "as spam (evaluation, filters).")
    reason_min: float = Field(0.75, gt=0.0, description="A signal is named in spam_reasons "
                              "when it adds at least this much to the log-odds.")

    @field_validator("weights")
    @classmethod
    def _known(cls, weights: dict[str, float]) -> dict[str, float]:
        unknown = set(weights) - set(WEIGHTS)
        if unknown:
            raise ValueError(f"unknown spam signals {sorted(unknown)}; known: "
                             f"{', '.join(WEIGHTS)}")
        return weights


@register
class Spam(Step):
    name = "spam"
    version = "1.0"
    title = "Spam and garbage score"
    description = ("spam_score (0..1): a logistic combination of multilingual promotional "
                   "vocabulary, calls to action, suspicious links, hashtag/mention stuffing, "
                   "shouting, link-only text, unknown language, bot-like authors and copies; "
                   "spam_reasons names the signals that raised it.")
    adds = ("spam_score", "spam_reasons")
    Options = SpamOptions

    @cached_property
    def weights(self) -> dict[str, float]:
        return {**WEIGHTS, **self.options.weights}

    def verdict(self, post: Post) -> Verdict:
        contributions = {code: self.weights[code] * value
                         for code, value in signals(post).items()}
        logit = self.weights["bias"] + sum(contributions.values())
        raised = sorted((c for c in contributions.items() if c[1] >= self.options.reason_min),
                        key=lambda c: -c[1])
        return Verdict(round(1 / (1 + math.exp(-logit)), 4), [code for code, _ in raised])

    def analyse_post(self, post: Post, ctx: BatchContext) -> dict[str, Any]:
        found = self.verdict(post)
        return {"spam_score": found.score, "spam_reasons": found.reasons}

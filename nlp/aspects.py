"""Product aspects: the built-in multilingual taxonomy, finding aspect mentions in a post, and
cutting a post into the clauses whose sentiment each mention is scored by.

Why clauses: "the camera is great but the battery dies by noon" is one post with two opposite
opinions. The post's overall label would give both aspects the same sentiment; the clause
that names an aspect says what the writer thinks of *that* aspect. The ``aspects`` step
(:mod:`nlp.steps.aspects`) scores the clauses this module finds.

The built-in taxonomy (:data:`TAXONOMY`)
----------------------------------------
=================  ===========================================================================
aspect             what it covers (a few of its terms; every language has its own list)
=================  ===========================================================================
camera             camera, cam, lens, photos, selfie, night mode; 카메라, 폰카, 사진; カメラ,
                   写真; cámara, fotos; appareil photo; Kamera (in compounds); câmera; 相机, 拍照
battery            battery, batt, charging, mAh; 배터리, 밧데리, 배터리 광탈, 충전;
                   バッテリー(持ち), 電池; batería, autonomía; batterie, autonomie; Akku;
                   bateria; 电池, 续航, 充电
price              price, expensive, overpriced, "$999"; 가격, 폰값, 가성비, 비싸; 値段, コスパ;
                   precio, caro; prix, cher; Preis, teuer; preço, caro; 价格, 性价比, 太贵
design             design, colour, aesthetic; 디자인, 색상; デザイン, 見た目; diseño; couleur;
                   Optik, Farbe; cor; 设计, 外观, 颜值
display            display, screen, OLED, brightness, refresh rate; 화면, 액정; 画面, 液晶;
                   pantalla; écran; Bildschirm; tela; 屏幕, 刷新率
performance        performance, lag, chip, overheating; 성능, 발열, 버벅; 性能, 動作, 発熱;
                   rendimiento; fluidité; Leistung, ruckelt; desempenho, travando; 性能, 卡顿
software           software, update, bugs, UI, OS; 업데이트, 버그; アプデ, 不具合; actualización;
                   mise à jour; Update; atualização; 系统, 闪退
sound              sound, speakers, audio, mic; 음질, 스피커, 소리; 音質, スピーカー; sonido;
                   haut-parleur; Klang, Lautsprecher; som; 音质, 扬声器
build_quality      build quality, sturdy, flimsy, plastic, scratches; 마감, 내구성, 기스; 質感,
                   耐久性; materiales, acabado; finition, solidité; Verarbeitung; acabamento;
                   做工, 手感
delivery_service   delivery, shipping, customer service, warranty, refund; 배송, 택배, AS; 配送,
                   発送, サポート; envío, garantía; livraison, SAV; Lieferung, Kundenservice;
                   entrega, frete; 物流, 快递, 客服, 售后
size_weight        size, weight, heavy, compact, one-handed; 크기, 무게, 한손; サイズ, 重さ,
                   片手; tamaño, peso; taille, poids; Gewicht, kompakt; tamanho, peso; 尺寸, 重量
=================  ===========================================================================

Plus :data:`SYMBOLS` that mean an aspect in any language (📷 camera, 🔋 battery) and money
amounts ("$999", "129万円", "R$ 5.000", "5999元") for price.

Matching
--------
Text and terms are compared in one normal form (:func:`normalise`): NFKC, case-folded, Latin
accents dropped ("batería" = "bateria", "ＣＡＭＥＲＡ" = "camera"), one character for one
character so a match maps back to the original text. A term written in Latin letters matches
whole words (``*`` at either end lets a word go on: "*kamera*" finds "Hauptkamera" and
"Kamerasystem"), and its edges are Latin letters only, so "UI가" (a Korean particle after a
Latin word) still matches "ui". Terms in Hangul, kana or Han characters match anywhere:
Korean particles attach to the noun ("배터리가", "배터리는") and Japanese and Chinese have no
spaces. Latin terms are those of the post's language (English "os" is Portuguese "the";
Spanish "tela" is fabric, Portuguese "tela" a screen); a post whose language is unknown or
outside the taxonomy is read with every language's terms. Terms in other scripts apply to
every post: they cannot collide with another language's words.

Traps are handled by :data:`NOT_ASPECTS`: phrases that contain a term but do not mean the
aspect ("on display", "sounds like", "grand prix", 헛소리 = nonsense, 마감 임박 = deadline
close, 屏蔽 = to block). They are blanked before matching.

A campaign's :class:`~sensing.schemas.AspectSpec` list replaces the taxonomy when given: a
spec named like a built-in aspect keeps the built-in terms and adds its own; any other name
is a new aspect with only its terms (in every language). Built-in aspects a campaign does
not list are not tracked.

Clauses
-------
:func:`clauses` cuts a post at sentence ends (. ! ? … 。！？ and line breaks; a dot inside a
number is not an end) and before or after the contrast words of the post's language
(:data:`CONTRAST`: but, however; 하지만, 근데, -지만, -(는/은/인)데; けど, が、, でも; pero;
mais; aber; mas, porém; 但是, 不过, 可是). Then two refinements, both about what a clause is *for*:

* A fragment with almost nothing besides an aspect name ("The battery," before "however, it
  dies by noon"; "카메라는" before a cut) joins the next fragment of its sentence (or the
  previous one when it is the last), so the opinion stays with its aspect.
* Inside a clause, a comma (, ， 、) separates two mentions of *different* aspects
  ("great camera, awful battery"; "カメラは最高、バッテリーは微妙"). A comma with no aspect
  change does not cut ("the camera, which I love, is great").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from sensing.schemas import AspectSpec

TAXONOMY: dict[str, dict[str, tuple[str, ...]]] = {
    "camera": {
        "en": ("camera*", "cam", "cams", "lens", "lenses", "photo", "photos", "photography",
               "pics", "picture quality", "selfie*", "zoom", "night mode", "low light",
               "low-light", "megapixel*", "portrait mode"),
        "ko": ("카메라", "폰카", "사진", "렌즈", "셀카", "야간모드", "야간 모드", "줌", "cam"),
        "ja": ("カメラ", "写真", "レンズ", "自撮り", "ズーム", "夜景", "画質"),
        "es": ("camara", "camaras", "fotos", "foto", "lente", "lentes", "selfie*", "zoom",
               "modo noche"),
        "fr": ("appareil photo", "camera", "cameras", "photos", "photo", "objectif*",
               "selfie*", "zoom", "mode nuit"),
        "de": ("*kamera*", "fotos", "foto", "objektiv*", "selfie*", "zoom", "nachtmodus"),
        "pt": ("camera", "cameras", "camara", "fotos", "foto", "lente", "lentes", "selfie*",
               "zoom", "modo noturno"),
        "zh": ("相机", "摄像头", "拍照", "拍摄", "照片", "镜头", "自拍", "变焦", "夜景"),
    },
    "battery": {
        "en": ("battery", "batteries", "batt", "battery life", "charging", "charger",
               "recharge*", "mah"),
        "ko": ("배터리", "밧데리", "배터리 광탈", "충전", "배터리타임", "mah"),
        "ja": ("バッテリー", "バッテリー持ち", "電池", "電池持ち", "充電", "mah"),
        "es": ("bateria", "baterias", "pila", "autonomia", "cargador", "carga rapida", "mah"),
        "fr": ("batterie", "batteries", "autonomie", "chargeur", "recharge*", "charge rapide",
               "mah"),
        "de": ("akku*", "*akku", "batterie*", "ladegerat", "schnellladen", "ladezeit",
               "aufladen", "laufzeit", "mah"),
        "pt": ("bateria", "baterias", "carregador", "carregamento", "autonomia", "mah"),
        "zh": ("电池", "续航", "充电", "电量", "掉电", "耗电"),
    },
    "price": {
        "en": ("price*", "pricing", "pricey", "cost", "costs", "expensive", "overpriced",
               "cheaper", "cheapest", "afford*", "value for money", "worth the money", "bucks",
               "msrp"),
        "ko": ("가격", "폰값", "가성비", "비싸", "비쌈", "비쌉", "저렴", "출고가", "값이", "값은",
               "만원"),
        "ja": ("値段", "価格", "コスパ", "安い", "値上げ", "高額", "税込", "高すぎ"),
        "es": ("precio", "precios", "caro", "carisimo", "barato", "costoso", "cuesta",
               "euros", "dolares"),
        "fr": ("prix", "cher", "chere", "trop cher", "coute", "tarif*", "euros", "abordable",
               "hors de prix", "rapport qualite-prix"),
        "de": ("preis", "preise", "preislich", "preiswert", "kaufpreis", "preis-leistung*",
               "teuer", "gunstig", "billig", "kostet", "euro", "uberteuert"),
        "pt": ("preco", "precos", "caro", "barato", "custa", "custo", "reais", "carissimo"),
        "zh": ("价格", "价钱", "性价比", "太贵", "很贵", "好贵", "贵了", "不贵", "便宜", "售价",
               "涨价"),
    },
    "design": {
        "en": ("design", "designs", "redesign*", "color", "colors", "colour", "colours",
               "colorway*", "aesthetic*", "look and feel"),
        "ko": ("디자인", "색상", "색깔", "외관", "컬러", "생김새"),
        "ja": ("デザイン", "見た目", "外観", "カラー", "色合い", "本体色"),
        "es": ("diseno", "color", "colores", "estetica", "aspecto"),
        "fr": ("design", "couleur", "couleurs", "esthetique", "look"),
        "de": ("design", "farbe", "farben", "optik", "aussehen"),
        "pt": ("design", "cor", "cores", "visual", "estetica"),
        "zh": ("设计", "外观", "颜值", "颜色", "配色"),
    },
    "display": {
        "en": ("display", "screen", "screens", "oled", "amoled", "brightness", "refresh rate",
               "120hz", "bezel*", "notch"),
        "ko": ("화면", "디스플레이", "액정", "밝기", "주사율", "베젤", "노치"),
        "ja": ("画面", "ディスプレイ", "液晶", "有機el", "明るさ", "リフレッシュレート", "ベゼル"),
        "es": ("pantalla", "pantallas", "display", "brillo", "tasa de refresco", "oled"),
        "fr": ("ecran", "ecrans", "affichage", "luminosite", "dalle", "oled"),
        "de": ("display*", "*display", "bildschirm*", "helligkeit", "oled"),
        "pt": ("tela", "telas", "display", "brilho", "ecra", "oled"),
        "zh": ("屏幕", "屏", "显示屏", "显示效果", "刷新率", "亮度", "边框"),
    },
    "performance": {
        "en": ("performance", "lag", "lags", "laggy", "lagging", "stutter*", "fps", "processor",
               "chip", "chipset", "cpu", "gpu", "ram", "benchmark*", "overheat*", "heating",
               "thermal*", "throttl*", "sluggish", "gets hot", "runs hot"),
        "ko": ("성능", "속도", "렉", "랙", "버벅", "발열", "칩셋", "프로세서", "끊김"),
        "ja": ("性能", "動作", "サクサク", "処理速度", "カクカク", "カクつ", "発熱", "チップ",
               "もっさり"),
        "es": ("rendimiento", "velocidad", "lento", "fluidez", "procesador", "se traba", "lag",
               "se calienta", "sobrecalienta*"),
        "fr": ("performance", "performances", "rapidite", "lent", "fluidite", "processeur",
               "lag", "chauffe", "surchauffe"),
        "de": ("leistung", "performance", "prozessor", "chip", "ruckel*", "ruckelt", "lag",
               "laggt", "uberhitzt", "wird heiß"),
        "pt": ("desempenho", "performance", "velocidade", "lento", "travando", "trava",
               "processador", "esquenta", "aquece", "lag"),
        "zh": ("性能", "流畅", "卡顿", "很卡", "有点卡", "不卡", "发热", "发烫", "处理器", "芯片",
               "跑分"),
    },
    "software": {
        "en": ("software", "firmware", "update", "updates", "os", "android", "ios", "ui",
               "bug", "bugs", "buggy", "glitch*", "crash*", "bloatware"),
        "ko": ("소프트웨어", "업데이트", "업뎃", "ui", "os", "버그", "튕김", "튕겨", "오류",
               "안드로이드", "펌웨어"),
        "ja": ("ソフトウェア", "ソフト", "アップデート", "アプデ", "ui", "os", "バグ", "不具合",
               "アプリが落ち"),
        "es": ("software", "actualizacion", "actualizaciones", "sistema", "interfaz", "bug",
               "bugs", "errores", "android", "ios", "se cuelga"),
        "fr": ("logiciel", "mise a jour", "mises a jour", "interface", "bug", "bugs",
               "android", "ios", "plante"),
        "de": ("software", "update", "updates", "*update", "betriebssystem", "oberflache",
               "bug", "bugs", "android", "ios", "absturz*", "sturzt ab"),
        "pt": ("software", "atualizacao", "atualizacoes", "sistema", "interface", "bug",
               "bugs", "android", "ios"),
        "zh": ("系统", "软件", "更新", "升级", "闪退", "界面", "安卓", "bug"),
    },
    "sound": {
        "en": ("sound", "speaker", "speakers", "audio", "volume", "bass", "mic",
               "microphone", "headphone jack"),
        "ko": ("음질", "스피커", "소리", "사운드", "음량", "마이크", "저음"),
        "ja": ("音質", "スピーカー", "音が", "音は", "音も", "音量", "マイク", "低音"),
        "es": ("sonido", "altavoz", "altavoces", "bocina", "bocinas", "audio", "volumen",
               "graves"),
        "fr": ("le son", "du son", "qualite sonore", "haut-parleur*", "audio", "volume",
               "basses", "micro"),
        "de": ("sound", "klang", "lautsprecher", "audio", "lautstarke", "bass", "mikrofon"),
        "pt": ("som", "audio", "alto-falante*", "volume", "graves", "microfone"),
        "zh": ("音质", "音效", "扬声器", "喇叭", "声音", "音量", "外放", "低音"),
    },
    "build_quality": {
        "en": ("build quality", "well built", "well-built", "poorly built", "durable",
               "durability", "sturdy", "flimsy", "plastic", "plasticky", "scratch*", "crack",
               "cracked", "cracks", "creak*", "hinge", "hinges", "feels cheap", "premium feel",
               "ip68", "waterproof", "water resistant"),
        "ko": ("마감", "내구성", "재질", "만듦새", "빌드", "스크래치", "기스", "유격", "튼튼",
               "방수", "깨졌", "깨짐"),
        "ja": ("質感", "作り", "耐久性", "頑丈", "キズ", "傷", "割れ", "安っぽい", "防水",
               "ビルド"),
        "es": ("calidad de construccion", "construccion", "materiales", "plastico",
               "durabilidad", "resistente", "rayones", "se rompio", "fragil", "acabado",
               "acabados"),
        "fr": ("qualite de fabrication", "fabrication", "finition*", "materiaux", "plastique",
               "solidite", "solide", "fragile", "rayure*", "charniere", "etanche"),
        "de": ("verarbeitung", "material*", "plastik", "stabil", "robust", "zerbrechlich",
               "kratzer", "wasserdicht", "haptik"),
        "pt": ("acabamento", "material", "materiais", "plastico", "resistente",
               "durabilidade", "fragil", "arranhoes", "riscos"),
        "zh": ("做工", "质感", "材质", "耐用", "结实", "塑料", "划痕", "防水", "手感"),
    },
    "delivery_service": {
        "en": ("delivery", "delivered", "deliveries", "shipping", "shipped", "shipment",
               "courier", "customer service", "customer support", "support", "warranty",
               "refund*", "repair*", "arrived"),
        "ko": ("배송", "택배", "고객센터", "as", "a/s", "서비스센터", "환불", "교환", "수리",
               "보증", "상담원"),
        "ja": ("配送", "発送", "届い", "到着", "配達", "サポート", "カスタマー", "保証", "返品",
               "修理", "問い合わせ"),
        "es": ("envio", "entrega", "llego", "servicio tecnico", "atencion al cliente",
               "garantia", "reembolso", "devolucion", "soporte"),
        "fr": ("livraison", "livre", "colis", "service client", "sav", "garantie",
               "remboursement", "support"),
        "de": ("lieferung", "versand", "geliefert", "kundenservice", "kundendienst",
               "support", "garantie", "ruckgabe", "reparatur", "paket"),
        "pt": ("entrega", "frete", "chegou", "correios", "atendimento", "suporte",
               "garantia", "reembolso", "troca", "assistencia tecnica"),
        "zh": ("物流", "快递", "发货", "配送", "客服", "售后", "保修", "退货", "退款", "维修",
               "到货"),
    },
    "size_weight": {
        "en": ("size", "weight", "weighs", "heavy", "heavier", "lightweight", "bulky",
               "compact", "thin", "thinner", "slim", "pocketable", "one-handed", "one hand",
               "too big", "too small"),
        "ko": ("크기", "사이즈", "무게", "무겁", "무거", "가볍", "가벼", "두께", "한손"),
        "ja": ("サイズ", "重さ", "重量", "大きさ", "片手", "厚み", "薄さ", "軽量"),
        "es": ("tamano", "peso", "pesado", "ligero", "liviano", "compacto", "delgado"),
        "fr": ("taille", "poids", "lourd", "leger", "compact", "encombrant"),
        "de": ("gewicht", "kompakt", "handlich", "klobig", "wiegt", "zu groß", "zu schwer"),
        "pt": ("tamanho", "peso", "pesado", "leve", "compacto", "fino"),
        "zh": ("尺寸", "大小", "重量", "太重", "很重", "偏重", "轻薄", "轻巧", "单手", "厚重"),
    },
}
"""aspect -> language -> terms, written in :func:`normalise`'s form (no accents, lower case)."""

SYMBOLS: dict[str, tuple[str, ...]] = {
    "camera": ("📷", "📸"),
    "battery": ("🔋", "🪫"),
    "price": ("💸", "💰"),
}
"""Emoji that name an aspect whatever the language."""

MONEY = (r"(?:[$€£¥₩]|r\$|us\$)\s?\d|\d[\d,.]*\s?(?:[$€£¥₩]|euros?|eur|usd|dollars?|"
         r"bucks|reais|pesos|만\s?원|원|万円|円|元|块)")
"""An amount of money names the price ("$999", "129万円", "5999元"), in normal form."""

NOT_ASPECTS: tuple[str, ...] = (
    "on display", "display of", "displayed", "sounds like", "sound like", "safe and sound",
    "sound advice", "grand prix", "prix nobel", "mon cher", "ma chere", "in charge",
    "update on", "update:", "supports", "lag am", "lag an", "es lag", "ram dass",
    "헛소리", "잔소리", "개소리", "목소리", "셀렉", "렉서스", "디렉", "마감 임박", "마감됐",
    "마감되", "마감일", "사진첩", "作り方", "屏蔽", "夜景色")
"""Phrases that contain an aspect term without meaning the aspect; blanked before matching."""

CONTRAST: dict[str, tuple[str, str]] = {
    "en": (r"\b(?:but|however|although|though|whereas|except that|that said|"
           r"on the other hand)\b", ""),
    "ko": (r"(?:하지만|근데|그런데|그러나|반면|다만)", r"(?:지만|(?<=[가-힣])데)(?=[\s,])"),
    "ja": (r"(?:(?:^|(?<=[\s、,]))(?:でも|ただ|だけど)|しかし)",
           r"(?:けれども|けれど|けど|が、|のに|ものの)"),
    "es": (r"\b(?:pero|aunque|sin embargo|en cambio|mientras que)\b", ""),
    "fr": (r"\b(?:mais|cependant|pourtant|par contre|toutefois|en revanche|bien que|"
           r"sauf que)\b", ""),
    "de": (r"\b(?:aber|jedoch|allerdings|obwohl|trotzdem|sondern)\b", ""),
    "pt": (r"\b(?:mas|porem|contudo|embora|entretanto|so que)\b", ""),
    "zh": (r"(?:但是|(?<!不)但|不过|可是|然而|只是)", ""),
}
"""language -> (cut before these, cut after these), as patterns over the normal form."""
ANY_CONTRAST = ("|".join(f"(?:{b})" for b, _ in CONTRAST.values()),
                "|".join(f"(?:{a})" for _, a in CONTRAST.values() if a))
"""The cuts of a post whose language is unknown or has no list: every language's."""

CONCESSIVE_END: dict[str, re.Pattern[str]] = {
    "ko": re.compile(r"(?:인데|데|지만)[\s,.]*$"),
    "ja": re.compile(r"だ?(?:けれども|けれど|けど|が|のに|ものの)[\s、,]*$"),
}
"""The ending a cut *after* a contrast word leaves on a clause ("최고인데", "最高だけど")."""

SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)|[!?！？。]+|[;；]|\n+")
COMMA = re.compile(r"[,，、]")
LATIN_EDGE = "0-9a-z\u00df-\u024f"
MIN_LETTERS = 4
"""A fragment with fewer letters than this outside its aspect terms says nothing on its own.
A Hangul syllable, kana or Han character counts as two: "별로" (meh) or "很好" (very good) is
a whole opinion, while "The" or the particle "는" is not."""
EVIDENCE_CHARS = 200
LEADING_PUNCTUATION = ",，、;；:： "
"""Left at a clause's start by a cut after a comma or particle; not part of what it says."""


def normalise(text: str) -> str:
    """NFKC, case-folded, without Latin accents, one character for each of ``text``'s so a
    position in the result is the same position in ``text``. (Whole-string NFKC and
    case-folding can change the length: "ß" becomes "ss", "㎏" becomes "kg".)"""
    return text.translate(_NORMAL_CHARS)


class _NormalChars(dict[int, str]):
    """Code point -> its normal character, computed on first sight: ``str.translate`` then
    runs in C, which matters on long posts."""

    def __missing__(self, code: int) -> str:
        self[code] = found = _normal_char(chr(code))
        return found


def _normal_char(ch: str) -> str:
    form = unicodedata.normalize("NFKC", ch).casefold()
    form = "".join(c for c in unicodedata.normalize("NFD", form)
                   if not "\u0300" <= c <= "\u036f")
    form = unicodedata.normalize("NFC", form)
    return form if len(form) == 1 else ch.lower()[:1]


_NORMAL_CHARS = _NormalChars()


def is_latin(term: str) -> bool:
    """A term written (at least partly) in Latin letters, matched as whole words."""
    return bool(re.search(r"[a-z]", normalise(term)))


def term_pattern(term: str) -> str:
    """The regex of one term: Latin words bounded by non-Latin-letters (unless ``*`` lets the
    word go on), other scripts anywhere."""
    term = normalise(term.strip())
    open_start, open_end = term.startswith("*"), term.endswith("*")
    core = re.escape(term.strip("*"))
    if not is_latin(term):
        return core
    start = "" if open_start else f"(?<![{LATIN_EDGE}])"
    end = f"[{LATIN_EDGE}]*" if open_end else f"(?![{LATIN_EDGE}])"
    return f"{start}{core}{end}"


@dataclass(frozen=True)
class Mention:
    """Where an aspect is named: ``start``/``end`` index the post's text."""

    aspect: str
    start: int
    end: int


class Lexicon:
    """Aspect names and their terms per language, compiled to one pattern per post
    language. ``terms[aspect][lang]``; language ``*`` holds terms for every language."""

    def __init__(self, terms: dict[str, dict[str, tuple[str, ...]]]):
        self.terms = terms
        self.aspects = tuple(terms)
        self.languages = frozenset(lang for by_lang in terms.values() for lang in by_lang) - {"*"}
        self._groups = {f"a{i}": aspect for i, aspect in enumerate(self.aspects)}
        self._patterns: dict[str, re.Pattern[str]] = {}
        self._not_aspects = re.compile("|".join(term_pattern(p) for p in NOT_ASPECTS))

    @classmethod
    def for_campaign(cls, specs: Sequence[AspectSpec]) -> Lexicon:
        """The built-in taxonomy when ``specs`` is empty; else exactly the aspects listed,
        built-in ones keeping their terms and adding the campaign's (see the module doc)."""
        return _campaign_lexicon(tuple((s.name, tuple(s.terms)) for s in specs))

    def pattern(self, lang: str) -> re.Pattern[str]:
        """One alternation of named groups, one group per aspect: Latin terms of ``lang``
        (or of every language when the taxonomy has no list for it) and all other terms."""
        key = lang if lang in self.languages else "*"
        if key not in self._patterns:
            groups = []
            for group, aspect in self._groups.items():
                chosen = {term for language, terms in self.terms[aspect].items()
                          for term in terms
                          if key == "*" or language in (key, "*") or not is_latin(term)}
                alternatives = [term_pattern(t) for t in sorted(chosen, key=len, reverse=True)]
                if aspect == "price":
                    alternatives.append(MONEY)
                if not alternatives:  # an empty group would match everywhere
                    continue
                groups.append(f"(?P<{group}>{'|'.join(alternatives)})")
            self._patterns[key] = re.compile("|".join(groups) or r"(?!)")
        return self._patterns[key]

    def mentions(self, text: str, lang: str) -> list[Mention]:
        """Every aspect mention in ``text``, in order, traps (:data:`NOT_ASPECTS`) excluded."""
        form = self._not_aspects.sub(lambda m: " " * len(m.group()), normalise(text))
        return [Mention(self._groups[found.lastgroup], found.start(), found.end())
                for found in self.pattern(lang).finditer(form)
                if found.lastgroup and found.end() > found.start()]


@lru_cache(maxsize=64)
def _campaign_lexicon(specs: tuple[tuple[str, tuple[str, ...]], ...]) -> Lexicon:
    """Built once per distinct aspect list: compiling the patterns costs more than a batch."""
    if not specs:
        terms = {aspect: {**by_lang, "*": SYMBOLS.get(aspect, ())}
                 for aspect, by_lang in TAXONOMY.items()}
        return Lexicon(terms)
    terms: dict[str, dict[str, tuple[str, ...]]] = {}
    for name, extra in specs:
        built_in = TAXONOMY.get(name, {})
        own = tuple(t for t in extra if t.strip())
        terms[name] = {**built_in, "*": SYMBOLS.get(name, ()) + own}
    return Lexicon(terms)


def builtin_lexicon() -> Lexicon:
    return Lexicon.for_campaign(())


# --- clauses -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Clause:
    """A span of the post's text and the mentions inside it."""

    start: int
    end: int
    mentions: tuple[Mention, ...]

    @property
    def aspects(self) -> set[str]:
        return {m.aspect for m in self.mentions}


def _cuts(pattern: str, form: str, after: bool) -> Iterable[int]:
    for found in re.finditer(pattern, form):
        yield found.end() if after else found.start()


def _split(start: int, end: int, cuts: Iterable[int]) -> list[tuple[int, int]]:
    points = sorted({c for c in cuts if start < c < end})
    edges = [start, *points, end]
    return [(a, b) for a, b in zip(edges, edges[1:], strict=False) if b > a]


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` cut after each sentence end (the punctuation stays with its
    sentence); blank spans dropped."""
    spans = _split(0, len(text), (m.end() for m in SENTENCE_END.finditer(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _letters_outside(text: str, start: int, end: int, mentions: Sequence[Mention]) -> int:
    inside = {i for m in mentions for i in range(max(m.start, start), min(m.end, end))}
    return sum(2 if text[i] >= "\u1100" else 1 for i in range(start, end)
               if i not in inside and text[i].isalpha())


def _merge_short(text: str, spans: list[tuple[int, int]], mentions: Sequence[Mention]
                 ) -> list[tuple[int, int]]:
    """Fragments that hold hardly anything but an aspect name join a neighbour."""
    merged = list(spans)
    i = 0
    while len(merged) > 1 and i < len(merged):
        a, b = merged[i]
        if _letters_outside(text, a, b, mentions) >= MIN_LETTERS:
            i += 1
            continue
        if i + 1 < len(merged):
            merged[i:i + 2] = [(a, merged[i + 1][1])]
        else:
            merged[i - 1:i + 1] = [(merged[i - 1][0], b)]
            i -= 1
    return merged


def _split_at_aspect_change(form: str, start: int, end: int, mentions: Sequence[Mention]
                            ) -> list[tuple[int, int]]:
    """Cut at a comma that separates mentions of different aspects; other commas stay."""
    pieces = _split(start, end, (m.end() for m in COMMA.finditer(form, start, end)))
    groups: list[tuple[int, int]] = []
    seen: set[str] = set()
    for a, b in pieces:
        named = {m.aspect for m in mentions if a <= m.start < b}
        if groups and seen and named and not named <= seen:
            groups.append((a, b))
            seen = set(named)
        elif groups:
            groups[-1] = (groups[-1][0], b)
            seen |= named
        else:
            groups.append((a, b))
            seen = set(named)
    return groups


def clauses(text: str, lang: str, mentions: Sequence[Mention]) -> list[Clause]:
    """The clauses (see the module doc) of the sentences of ``text`` that mention an aspect,
    each with the mentions it holds. ``mentions`` are in text order."""
    form = normalise(text)
    before, after = CONTRAST.get(lang, ANY_CONTRAST)
    cuts = [*(_cuts(before, form, False) if before else ()),
            *(_cuts(after, form, True) if after else ())]
    found: list[Clause] = []
    first = 0
    for s_start, s_end in sentences(text):
        while first < len(mentions) and mentions[first].start < s_start:
            first += 1
        last = first
        while last < len(mentions) and mentions[last].start < s_end:
            last += 1
        here = mentions[first:last]
        if not here:
            continue
        for p_start, p_end in _merge_short(text, _split(s_start, s_end, cuts), here):
            for c_start, c_end in _split_at_aspect_change(form, p_start, p_end, here):
                inside = tuple(m for m in here if c_start <= m.start < c_end)
                found.append(Clause(c_start, c_end, inside))
    return found


def says_little(text: str, clause: Clause) -> bool:
    """A clause that is hardly more than the aspect's name ("Camera!"): its own sentiment
    means nothing, so the step gives it the post's."""
    return _letters_outside(text, clause.start, clause.end, clause.mentions) < MIN_LETTERS


def opinion(evidence_text: str, lang: str) -> str:
    """The clause as the sentiment model should read it: without a concessive ending, which
    announces the complaint that follows and pulls the model's reading of the praise before
    it towards negative (the offline model: "カメラは最高だけど" -0.04, "カメラは最高" +0.85;
    "카메라는 진짜 최고인데" -0.96, "카메라는 진짜 최고" +0.48)."""
    ending = CONCESSIVE_END.get(lang)
    trimmed = ending.sub("", evidence_text) if ending else evidence_text
    return trimmed or evidence_text


def evidence(text: str, clause: Clause, mention: Mention) -> str:
    """The clause's text, trimmed; a clause longer than :data:`EVIDENCE_CHARS` is cut to a
    window around ``mention`` so the evidence still shows the aspect."""
    start, end = clause.start, clause.end
    if end - start > EVIDENCE_CHARS:
        start = max(start, min(mention.start - EVIDENCE_CHARS // 3, end - EVIDENCE_CHARS))
        end = start + EVIDENCE_CHARS
    return " ".join(text[start:end].split()).lstrip(LEADING_PUNCTUATION)

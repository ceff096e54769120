"""Valences of common emoji, on VADER's scale (-4 .. +4), as social media uses them.

VADER scores an emoji by the words of its English name, which misreads the ones social
media uses as praise or scorn: 🔥 ("fire") comes out negative, 👍 ("thumbs up"), 🤬 and 👎
come out neutral. This table (our own reading of common usage, not a published lexicon)
overrides those; an emoji not listed keeps VADER's name-based score. Ambiguous ones (😭 for
"so good I cry", 😂 for mockery) get a mild value in their majority sense.

Keys are single code points (VADER reads text one code point at a time; ``❤️`` is ``❤`` plus
a variation selector).
"""

from __future__ import annotations

EMOJI_VALENCE: dict[str, float] = {
    # faces, positive
    "😀": 2.0, "😃": 2.0, "😄": 2.2, "😁": 2.0, "😆": 1.8, "😂": 1.2, "🤣": 1.2, "😊": 2.0,
    "🙂": 1.0, "😉": 1.2, "😍": 2.8, "🥰": 2.8, "😘": 2.0, "😎": 1.5, "🤩": 2.8, "🥳": 2.5,
    "🤗": 1.8, "😇": 1.5, "😻": 2.5, "🥹": 1.2,
    # hearts and praise
    "❤": 2.5, "🧡": 2.2, "💛": 2.2, "💚": 2.2, "💙": 2.2, "💜": 2.2, "🤍": 2.0, "💕": 2.5,
    "💖": 2.5, "💗": 2.5, "💯": 2.0, "🔥": 1.8, "👍": 1.8, "👏": 1.8, "🙌": 2.0, "🎉": 2.0,
    "✨": 1.2, "🚀": 1.5, "⭐": 1.5, "🌟": 1.8, "💪": 1.5, "👌": 1.5, "🙏": 1.0, "🏆": 2.0,
    # faces, negative
    "😞": -2.0, "😔": -1.8, "😟": -1.8, "😕": -1.2, "🙁": -1.5, "☹": -1.8, "😣": -1.8,
    "😖": -2.0, "😫": -2.0, "😩": -2.0, "😢": -2.0, "😭": -1.5, "😤": -1.5, "😠": -2.5,
    "😡": -2.8, "🤬": -3.0, "🤮": -2.8, "🤢": -2.2, "😒": -1.8, "🙄": -1.8, "😬": -1.0,
    "😱": -1.5, "😨": -1.8, "😰": -1.8, "🤦": -1.8, "😓": -1.2, "🤡": -1.5,
    # scorn
    "💩": -2.0, "👎": -2.0, "💔": -2.5, "🗑": -1.8,
}

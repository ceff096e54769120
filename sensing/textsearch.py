"""Search tokens: one tokeniser for the query language, SQLite FTS5 and Elasticsearch.

The CI Elasticsearch has only built-in analyzers and SQLite's ``unicode61`` tokenizer does not
segment Korean or Japanese, so text is tokenised here, client-side, and both stores index the
space-joined tokens (field ``search_text``: ES ``whitespace`` analyzer, FTS5 ``unicode61``).
Queries are tokenised the same way, so a query word and a post word meet as equal tokens.

- Unicode NFKC, then casefold: fullwidth ``ＸＷ`` and ``xw`` are one token.
- Latin, Cyrillic and other spaced scripts: runs of letters and digits.
- Han, Hiragana, Katakana and Hangul: overlapping character bigrams of each run (a lone
  character stays a unigram). ``노바루미나`` is ``노바 바루 루미 미나``: a query word matches
  inside a longer unsegmented run, which is how people write product names in these scripts.
"""

from __future__ import annotations

import re
import unicodedata

# Scripts written without spaces between words: bigrammed.
_CJK = ("\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
        "\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f")
_TOKEN = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def search_tokens(text: str) -> list[str]:
    """The tokens of ``text`` in order; positions matter for phrases and NEAR."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(normalise(text)):
        cjk, word = match.groups()
        tokens.extend(_bigrams(cjk) if cjk else [word])
    return tokens


def search_text(text: str) -> str:
    """What the stores index: the tokens, space-joined."""
    return " ".join(search_tokens(text))

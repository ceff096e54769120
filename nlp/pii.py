"""Masking personal data in the text we keep: e-mail addresses and phone numbers.

Social posts are full of numbers that are not phone numbers (prices, dates, times, model
names, scores, IP addresses), so a phone number is recognised by its *shape*, not by a run
of digits:

- international: ``+`` and a country code, 8-15 digits in groups (``+82 10-1234-5678``,
  ``+1 (415) 555-0100``, ``+44 20 7946 0958``);
- national with a trunk ``0`` and one separator used throughout (``010-1234-5678``,
  ``03-1234-5678``, ``020 7946 0958``, ``06 12 34 56 78``) or an area code in parentheses;
- North American ``415-555-0100`` / ``415.555.0100``;
- bare Korean / Japanese mobile numbers (``01012345678``, ``09012345678``).

Numbers written without a ``+`` or a trunk ``0`` in other national styles (Spanish
``612 345 678``) are not masked: the false positives would cost more than they save.
Korean and Japanese particles may follow a number directly (``010-1234-5678로``), so only
ASCII letters and digits count as "inside a word". URLs and @handles are left untouched (a
handle ``@ana@host.social`` is not an address).
"""

from __future__ import annotations

import re

from sensing.text import MENTION, URL

EMAIL = re.compile(r"(?<![\w.+@-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
                   r"(?![\w@-])")
PHONE = re.compile(r"""
    (?<![A-Za-z0-9_+#$€£¥₩/.,-])                # not inside a word, number, price or path
    (?:
        (?P<intl>\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,6})
      | \(0?\d{1,4}\)\ ?\d{3,4}[ .-]?\d{4}             # (03) 1234-5678, (415) 555-0100
      | 0\d{1,3}(?P<s1>[ .-])\d{3,4}(?P=s1)\d{4}       # 010-1234-5678, 020 7946 0958
      | 0\d(?P<s2>[ .])\d\d(?P=s2)\d\d(?P=s2)\d\d(?P=s2)\d\d   # 06 12 34 56 78
      | \d{3}(?P<s3>[.-])\d{3}(?P=s3)\d{4}             # 415-555-0100
      | 0[1-9]0\d{8}                                   # 01012345678, 09012345678
    )
    (?![A-Za-z0-9_-]|[.,:/]\d)                  # not followed by more of a number
""", re.VERBOSE)
# Spans that are never masked (a URL may hold digits or an @).
PROTECTED = re.compile(f"{URL.pattern}|{MENTION.pattern}")


def _phone(match: re.Match[str]) -> str:
    if match.group("intl") is not None:
        digits = sum(ch.isdigit() for ch in match.group())
        if not 8 <= digits <= 15:
            return match.group()
    return "[phone]"


def _mask_plain(text: str, emails: bool, phones: bool) -> str:
    if emails:
        text = EMAIL.sub("[email]", text)
    if phones:
        text = PHONE.sub(_phone, text)
    return text


def mask_pii(text: str, *, emails: bool = True, phones: bool = True) -> str:
    """``text`` with e-mail addresses as ``[email]`` and phone numbers as ``[phone]``."""
    out: list[str] = []
    start = 0
    for match in PROTECTED.finditer(text):
        out.append(_mask_plain(text[start:match.start()], emails, phones))
        out.append(match.group())
        start = match.end()
    out.append(_mask_plain(text[start:], emails, phones))
    return "".join(out)

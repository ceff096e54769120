"""Personal data masking: e-mail addresses and phone numbers go, everything numeric that is
not a phone number (prices, dates, times, model numbers) stays."""

from __future__ import annotations

import pytest

from nlp.pii import mask_pii


@pytest.mark.parametrize(("text", "masked"), [
    ("mail me at jo.doe+x2@example.co.kr!", "mail me at [email]!"),
    ("call 010-1234-5678 now", "call [phone] now"),
    ("010-1234-5678로 연락주세요", "[phone]로 연락주세요"),
    ("문의 01012345678", "문의 [phone]"),
    ("電話 03-1234-5678 まで", "電話 [phone] まで"),
    ("call +1 (415) 555-0100.", "call [phone]."),
    ("ring +44 20 7946 0958", "ring [phone]"),
    ("appelle le 06 12 34 56 78", "appelle le [phone]"),
    ("llama al +34 612 345 678", "llama al [phone]"),
    ("US office 415-555-0100", "US office [phone]"),
    ("tel:+82-2-123-4567", "tel:[phone]"),
])
def test_personal_data_is_masked(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


@pytest.mark.parametrize("text", [
    "only $1,299 on 2026-10-15 for the X2",
    "launch 2026-10-15 10:30 KST, 12/10/2026 in the US",
    "₩1,290,000 or € 1.299,00 or 1 299 000 won",
    "RTX 4090, 24-70mm f/2.8, 120Hz, firmware v2.3.1",
    "order #12345678901 shipped",
    "scores 10 20 30 40 50",
    "server 192.168.100.200",
    "ISBN 978-3-16-148410-0",
    "thanks @ana@mastodon.social and @bob.bsky.social",
])
def test_prices_dates_model_numbers_and_handles_are_not_masked(text: str) -> None:
    assert mask_pii(text) == text


def test_masking_can_be_limited_to_one_kind() -> None:
    text = "jo@example.com / 010-1234-5678"
    assert mask_pii(text, phones=False) == "[email] / 010-1234-5678"
    assert mask_pii(text, emails=False) == "jo@example.com / [phone]"

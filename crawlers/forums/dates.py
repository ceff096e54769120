"""Dates as boards display them: absolute ones in the board's own timezone and format, and
relative ones ("3 hours ago", "3시간 전", "3時間前", "hace 3 horas", "il y a 3 heures"),
counted back from when the page was served."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

UNITS: dict[str, timedelta] = {}
for _span, _words in {
    timedelta(seconds=1): ("second", "sec", "초", "秒", "segundo", "seconde", "sekunde"),
    timedelta(minutes=1): ("minute", "min", "분", "分", "minuto", "minute"),
    timedelta(hours=1): ("hour", "hr", "시간", "時間", "hora", "heure", "stunde"),
    timedelta(days=1): ("day", "일", "日", "día", "dia", "jour", "tag"),
    timedelta(weeks=1): ("week", "주", "週間", "週", "semana", "semaine", "woche"),
}.items():
    UNITS.update(dict.fromkeys(_words, _span))

# "3 hours ago", "3시간 전", "3時間前", "hace 3 horas", "il y a 3 heures", "vor 3 Stunden"
RELATIVE = re.compile(
    r"(?P<n>\d+)\s*(?P<unit>" + "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))
    + r")[a-zé]*\.?\s*(?:ago|전|前)|(?:hace|il y a|vor|há)\s+(?P<n2>\d+)\s*(?P<unit2>"
    + "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True)) + r")", re.IGNORECASE)
JUST_NOW = re.compile(r"just now|방금|たった今|ahora mismo|à l'instant|gerade eben",
                      re.IGNORECASE)


def relative_date(text: str, now: datetime) -> datetime | None:
    """``now`` minus what ``text`` says, or None when it is not a relative date."""
    if JUST_NOW.search(text):
        return now
    match = RELATIVE.search(text)
    if not match:
        return None
    count = int(match["n"] or match["n2"])
    unit = (match["unit"] or match["unit2"]).casefold()
    return now - count * UNITS[unit]


def parse_date(text: str, formats: list[str], zone: ZoneInfo, now: datetime,
               relative: bool = True) -> datetime | None:
    """The UTC time ``text`` shows, read with the board's ``formats`` in its ``zone``; None
    when no format fits (the caller logs it)."""
    text = " ".join(text.split())
    for layout in formats:
        try:
            shown = datetime.strptime(text, layout)
        except ValueError:
            continue
        return shown.replace(tzinfo=zone).astimezone(UTC) if shown.tzinfo is None \
            else shown.astimezone(UTC)
    return relative_date(text, now.astimezone(UTC)) if relative else None

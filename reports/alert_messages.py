"""An alert as the message a webhook receives: Sensing's own JSON (the stored alert, minus
its deliveries) or a Slack-compatible message (``text`` for notifications and clients that
show only text, ``blocks`` for the cause, the drivers and the posts)."""

from __future__ import annotations

from typing import Any

from sensing.alerts import Alert, Driver

TITLES = {"spike": "Spike", "negative_turn": "Negative turn",
          "aspect_negative_turn": "Negative turn on an aspect", "report_late": "Late report",
          "crawl_gap": "Crawl gap in a report"}


def json_message(alert: Alert) -> dict[str, Any]:
    return {"type": "sensing.alert", "alert": alert.model_dump(mode="json",
                                                               exclude={"deliveries"})}


def _drivers(name: str, drivers: list[Driver]) -> str | None:
    if not drivers:
        return None
    shown = ", ".join(f"{d.key} ({d.count} posts, ×{d.lift:g})" for d in drivers)
    return f"*{name}:* {shown}"


def slack_message(alert: Alert) -> dict[str, Any]:
    title = TITLES[alert.kind] + (f": {alert.subject}" if alert.subject else "")
    text = f"[{alert.campaign_id}] {title}: {alert.summary}"
    why = [line for line in (_drivers("Hashtags", alert.explanation.hashtags),
                             _drivers("Terms", alert.explanation.terms),
                             _drivers("Authors", alert.explanation.authors)) if line]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"{title} — "
                                                                  f"{alert.campaign_id}"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": alert.summary}}]
    if why:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(why)}})
    if alert.explanation.posts:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": "Posts: " + ", ".join(alert.explanation.posts)}]})
    return {"text": text, "blocks": blocks}


def message(alert: Alert, format: str) -> dict[str, Any]:
    return slack_message(alert) if format == "slack" else json_message(alert)

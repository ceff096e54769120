"""Re-planning: compute the plan again, say what changed since the last one, keep both.

A plan is only responsive if the marketer can see it move: the re-plan after a negative turn
must show the aspect leaving "emphasise" for "address", not just hand over a new plan to
compare by eye. :func:`replan` is the one way a plan enters the history (on demand through
the API, after each scheduled crawl's analysis through the worker, on an alert once alerts
exist); :func:`plan_changes` is the comparison.

Segments are matched by name: a new customer import gives its segments new ids, and the
marketer's "Seg1" is still "Seg1". Message, hashtags and timing are read from the campaign's
posts, so a change there shows in every segment at once; such a change is given once, with
``segment`` None, rather than once per segment.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator

from planning.plan import CampaignPlan, SegmentPlan, Slot
from planning.planner import plan_campaign
from sensing.plans import PlanChange, PlanRecord
from sensing.schemas import Campaign
from sensing.store.base import PlanHistory, Store

EVERY_SEGMENT = None  # PlanChange.segment of a change that every segment shares


def _slot(slot: Slot) -> str:
    return f"{slot.day} {slot.hour:02d}:00" if slot.day and slot.hour is not None else (
        slot.day or f"{slot.hour:02d}:00")


def _set_changes(field: str, before: Iterable[str], after: Iterable[str]
                 ) -> Iterator[tuple[str, str, str | None, object, object]]:
    old, new = list(before), list(after)
    for item in new:
        if item not in old:
            yield field, "added", item, None, new.index(item) + 1
    for item in old:
        if item not in new:
            yield field, "removed", item, old.index(item) + 1, None


def _message_changes(old: SegmentPlan, new: SegmentPlan
                     ) -> Iterator[tuple[str, str, str | None, object, object]]:
    """Aspects that moved between emphasise and address, came or went."""
    sides = {"emphasise": ([c.aspect for c in old.message.emphasise],
                           [c.aspect for c in new.message.emphasise]),
             "address": ([c.aspect for c in old.message.address],
                         [c.aspect for c in new.message.address])}
    for side, other in (("emphasise", "address"), ("address", "emphasise")):
        before, after = sides[side]
        for aspect in after:
            if aspect in before:
                continue
            if aspect in sides[other][0]:
                yield f"message.{side}", "moved", aspect, other, side
            else:
                yield f"message.{side}", "added", aspect, None, side
        for aspect in before:
            if aspect not in after and aspect not in sides[other][1]:
                yield f"message.{side}", "removed", aspect, side, None


def _segment_changes(old: SegmentPlan, new: SegmentPlan
                     ) -> Iterator[tuple[str, str, str | None, object, object]]:
    if old.target_count != new.target_count:
        yield "target_count", "changed", None, old.target_count, new.target_count
    yield from _message_changes(old, new)
    yield from _set_changes("hashtags", [h.tag for h in old.hashtags],
                            [h.tag for h in new.hashtags])
    yield from _set_changes("influencers", [i.handle or i.author_id for i in old.influencers],
                            [i.handle or i.author_id for i in new.influencers])
    top = [c.source for c in old.channels[:1]], [c.source for c in new.channels[:1]]
    if top[0] != top[1]:
        yield "channels", "changed", None, (top[0] or [None])[0], (top[1] or [None])[0]
    best = [_slot(s) for s in old.timing.best[:1]], [_slot(s) for s in new.timing.best[:1]]
    if best[0] != best[1]:
        yield "timing.best", "changed", None, (best[0] or [None])[0], (best[1] or [None])[0]
    offers = (old.offer.offer if old.offer else None, new.offer.offer if new.offer else None)
    if offers[0] != offers[1]:
        yield "offer", "changed", None, *offers


def plan_changes(before: CampaignPlan, after: CampaignPlan) -> list[PlanChange]:
    """What ``after`` changes of ``before``: per segment (by name), and once for a change
    every segment present in both shares."""
    old = {s.name: s for s in before.segments}
    new = {s.name: s for s in after.segments}
    changes = [PlanChange(segment=name, field="segment", kind="added")
               for name in new if name not in old]
    changes += [PlanChange(segment=name, field="segment", kind="removed")
                for name in old if name not in new]
    both = [name for name in new if name in old]
    found = {name: list(_segment_changes(old[name], new[name])) for name in both}
    shared = set.intersection(*(set(map(repr, f)) for f in found.values())) if found else set()
    emitted: set[str] = set()
    for name in both:
        for change in found[name]:
            key = repr(change)
            if key in shared:
                if key in emitted:
                    continue
                emitted.add(key)
                segment = EVERY_SEGMENT
            else:
                segment = name
            field, kind, item, was, now = change
            changes.append(PlanChange(segment=segment, field=field, kind=kind, item=item,
                                      before=was, after=now))
    return changes


def previous_threshold(store: Store, campaign_id: str, default: float = 0.5) -> float:
    """The threshold to re-plan at unasked: the last plan's, else the import's, else 0.5."""
    last = store.plan_history(campaign_id, size=1)
    if last:
        return float(last[0].plan.get("threshold", default))
    record = store.current_import(campaign_id)
    return record.threshold if record else default


def record_plan(history: PlanHistory, plan: CampaignPlan, trigger: str) -> PlanRecord:
    """Store ``plan`` with its changes to the campaign's last stored plan."""
    last = history.plan_history(plan.campaign, size=1)
    previous = CampaignPlan.model_validate(last[0].plan) if last else None
    stamp = plan.generated_at.strftime("%Y%m%dT%H%M%S%f")
    record = PlanRecord(id=f"{plan.campaign}-{stamp}-{secrets.token_hex(3)}",
                        campaign_id=plan.campaign, created_at=plan.generated_at,
                        trigger=trigger, previous_id=last[0].id if last else None,
                        changes=plan_changes(previous, plan) if previous else [],
                        plan=plan.model_dump(mode="json"))
    history.save_plan(record)
    return record


def replan(store: Store, campaign: Campaign, trigger: str,
           threshold: float | None = None) -> PlanRecord:
    """Plan the campaign now (at ``threshold``, or the one it was last planned at) and store
    the plan with its changes."""
    if threshold is None:
        threshold = previous_threshold(store, campaign.id)
    return record_plan(store, plan_campaign(store, campaign, threshold), trigger)

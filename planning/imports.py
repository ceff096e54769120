"""A scored customer file into a campaign: the segments, the customers under their salted ids,
and the run behind the scores, written through the store's ``SegmentStore`` as one import
that becomes visible whole."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from planning.customers import hash_id
from planning.scoring import Scored
from sensing.segments import ModelRun, Reason, ScoredCustomer, Segment, SegmentImport
from sensing.store import SegmentStore, UpsertResult


def segment_id(campaign_id: str, name: str) -> str:
    return f"{campaign_id}:{name}"


def build_import(scored: Scored, campaign_id: str, source: str, threshold: float,
                 run: ModelRun | None) -> tuple[SegmentImport, list[Segment]]:
    """The import record and its segments."""
    record = SegmentImport(id=f"imp-{uuid.uuid4().hex[:16]}", campaign_id=campaign_id,
                           source=source, rows=scored.table.rows,
                           segments=len(scored.profiles), run_id=run.id if run else None,
                           threshold=threshold)
    segments = [Segment(id=segment_id(campaign_id, p.name), campaign_id=campaign_id,
                        import_id=record.id, name=p.name, origin=p.origin, size=p.size,
                        mean_propensity=p.mean_propensity, description=p.description,
                        traits=p.traits, offers=p.offers, best_offer=p.best_offer,
                        mean_uplift=p.mean_uplift, interests=p.interests,
                        interest_customers=p.interest_customers)
                for p in scored.profiles]
    return record, segments


def customers(scored: Scored, record: SegmentImport, salt: bytes) -> Iterator[ScoredCustomer]:
    """Each customer under the hash of its id: the raw id goes no further than here."""
    table = scored.table
    names = scored.segment_names()
    for row in range(table.rows):
        label = table.label[row]
        uplift = scored.uplift
        yield ScoredCustomer(
            id=hash_id(str(table.ids[row]), salt), campaign_id=record.campaign_id,
            import_id=record.id, segment_id=segment_id(record.campaign_id, names[row]),
            propensity=float(scored.propensity[row]) if scored.propensity is not None
            else None,
            label=None if label != label else int(label),
            uplift=float(uplift.value[row]) if uplift is not None else None,
            best_offer=uplift.best[row] if uplift is not None else None,
            reasons=[Reason(feature=f, value=v, contribution=c)
                     for f, v, c in scored.reasons[row]])


def save_import(store: SegmentStore, scored: Scored, campaign_id: str, salt: bytes,
                source: str, threshold: float, run: ModelRun | None
                ) -> tuple[SegmentImport, UpsertResult]:
    """Write ``scored`` as the campaign's new current import."""
    record, segments = build_import(scored, campaign_id, source, threshold, run)
    result = store.save_import(record, segments, customers(scored, record, salt), run)
    return record, result

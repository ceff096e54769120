"""Customer segments (``SegmentStore``) on both backends (the ``store`` fixture runs each test on
SQLite and Elasticsearch). An import of scored customers, its segments and the model run
behind the scores round-trip; the targeting table counts, shares and orders the segments at
any threshold; the target list is ordered, filtered and paged through every customer once.
Readers see a campaign's current import alone and whole: a new import replaces the previous
one entirely (its run stays, as the audit trail), the same import saved again changes nothing,
and one failing half-way leaves the previous one as it was."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from sensing.segments import (
    ModelRun,
    OfferResult,
    Reason,
    ScoredCustomer,
    Segment,
    SegmentImport,
    SegmentTrait,
)
from sensing.store import SegmentStore
from sensing.store._common import IMPORT_CHUNK, encode_cursor
from sensing.store.elastic import ElasticStore
from sensing.store.sqlite import SCHEMA_VERSION, SqliteStore

CAMPAIGN = "x2"
AT = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)


def record(import_id: str = "i1", campaign: str = CAMPAIGN, **fields: object) -> SegmentImport:
    return SegmentImport(**{"id": import_id, "campaign_id": campaign, "created_at": AT,
                            "source": "customers.csv", "rows": 0, "segments": 0, **fields})


def segment(name: str, mean: float | None = None, *, import_id: str = "i1",
            campaign: str = CAMPAIGN, **fields: object) -> Segment:
    return Segment(**{"id": f"{campaign}:{name}", "campaign_id": campaign,
                      "import_id": import_id, "name": name, "origin": "model", "size": 0,
                      "mean_propensity": mean, **fields})


def customer(customer_id: str, name: str, propensity: float | None, *, import_id: str = "i1",
             campaign: str = CAMPAIGN, **fields: object) -> ScoredCustomer:
    return ScoredCustomer(id=customer_id, campaign_id=campaign, import_id=import_id,
                          segment_id=f"{campaign}:{name}", propensity=propensity, **fields)


def model_run(run_id: str = "r1", **fields: object) -> ModelRun:
    """A run whose parameters and metrics nest and carry keys no mapping could foresee."""
    return ModelRun(**{
        "id": run_id, "created_at": AT, "library_versions": {"lightgbm": "4.7.0"},
        "params": {"num_leaves": 15, "learning_rate": 0.05, "early_stopping": {"rounds": 20}},
        "data_fingerprint": "sha256:ab12", "rows": 1000, "labelled_rows": 800,
        "positives": 120,
        "features": [{"name": "visits", "kind": "numeric", "categories": None},
                     {"name": "region", "kind": "categorical", "categories": ["n", "s"]}],
        "split": {"test_share": 0.2, "seed": 7},
        "metrics": {"auc": 0.81, "brier score": 0.12, "lift@10%": 2.4, "auc.test": 0.79,
                    "by_segment": {"loyal": {"auc": 0.7}}},
        "calibration": [{"predicted": 0.1, "observed": 0.12}],
        "importance": [{"feature": "visits", "gain": 12.5}],
        "artifacts": {"model": "model.txt"}, **fields})


def everyone(store: SegmentStore, campaign: str = CAMPAIGN) -> list[ScoredCustomer]:
    page = store.segment_customers(campaign, size=1000)
    assert page.total == len(page.customers) and page.next_cursor is None
    return page.customers


def stored(store: SegmentStore) -> tuple[int, int]:
    """Customers and segments the backend holds, of any import: what readers cannot see, so
    that a replaced or failed import is seen removed, not only hidden."""
    if isinstance(store, ElasticStore):
        return (store.es.count(index=store.customers)["count"],
                store.es.count(index=store.segments)["count"])
    assert isinstance(store, SqliteStore)
    return (store.db.execute("SELECT count(*) FROM segment_customers").fetchone()[0],
            store.db.execute("SELECT count(*) FROM segments").fetchone()[0])


def ranked(customers: list[ScoredCustomer]) -> list[ScoredCustomer]:
    """The target list's order: propensity descending, None last, then id."""
    return sorted(customers, key=lambda c: (c.propensity is None, -(c.propensity or 0), c.id))


# -- writing and reading back ------------------------------------------------------------------

def test_an_import_round_trips_with_its_segments_customers_and_run(store: SegmentStore) -> None:
    run = model_run()
    segments = [
        segment("loyal", 0.8, description="Frequent buyers", best_offer="10% off",
                mean_uplift=0.05,
                traits=[SegmentTrait(feature="visits", segment_value=11.2, base_value=4.1,
                                     text="visit 2.7 times as often"),
                        SegmentTrait(feature="region", level="n", segment_value=0.7,
                                     base_value=0.4, text="70% live in the north")],
                offers=[OfferResult(offer="10% off", customers=200, responses=30, rate=0.15,
                                    uplift=0.05, uplift_low=0.01, uplift_high=0.09)]),
        segment("new", 0.3, origin="imported")]
    customers = [
        customer("c1", "loyal", 0.9, label=1, uplift=0.1, best_offer="10% off", region="n",
                 reasons=[Reason(feature="visits", value="12", contribution=0.8),
                          Reason(feature="region", value="n", contribution=-0.1)]),
        customer("c2", "loyal", 0.7), customer("c3", "new", 0.3), customer("c4", "new", None)]
    imported = record(rows=4, segments=2, run_id="r1", threshold=0.6)

    result = store.save_import(imported, segments, iter(customers), run)

    assert (result.created, result.updated, result.errors) == (4, 0, [])
    assert store.current_import(CAMPAIGN) == imported
    assert store.list_segments(CAMPAIGN) == segments
    assert store.get_segment("x2:loyal") == segments[0]
    assert everyone(store) == customers
    assert everyone(store)[0].model_extra == {"region": "n"}
    assert store.get_model_run("r1") == run


def test_unknown_ids_are_none_or_empty(store: SegmentStore) -> None:
    store.save_import(record(), [segment("loyal", 0.8)], [customer("c1", "loyal", 0.9)])
    assert store.current_import("nothing") is None
    assert store.get_segment("x2:nothing") is None
    assert store.get_segment("nothing:loyal") is None
    assert store.get_model_run("nothing") is None
    assert store.list_segments("nothing") == []
    assert store.targeting("nothing", 0.5) == []
    empty = store.segment_customers("nothing")
    assert (empty.total, empty.customers, empty.next_cursor) == (0, [], None)
    assert store.segment_customers(CAMPAIGN, segment_id="x2:nothing").total == 0


def test_an_empty_store_has_no_segments(store: SegmentStore) -> None:
    assert store.list_segments() == []
    assert store.current_import(CAMPAIGN) is None


# -- the targeting table -----------------------------------------------------------------------

def test_targeting_counts_shares_and_orders_every_segment_at_any_threshold(
        store: SegmentStore) -> None:
    scores = {"loyal": [0.9, 0.8, 0.4], "mid": [0.6, 0.55, 0.5, 0.2], "new": [0.7, 0.3, None],
              "casual": [0.6, 0.1], "trial": [0.65, 0.15], "unscored": [None, None]}
    customers = [customer(f"{name}{n}", name, p)
                 for name, ps in scores.items() for n, p in enumerate(ps)]
    segments = [segment(name) for name in [*scores, "empty"]]
    store.save_import(record(), segments, customers)

    def table(threshold: float) -> list[tuple]:
        rows = store.targeting(CAMPAIGN, threshold)
        assert all(row.segment_id == f"x2:{row.name}" for row in rows)
        return [(r.name, r.count, r.target_count, r.target_share, r.mean_propensity)
                for r in rows]

    approx = pytest.approx
    # share first; equal shares by mean (trial before casual); no scores last, then by name
    assert table(0.5) == [
        ("mid", 4, 3, 0.75, approx(0.4625)), ("loyal", 3, 2, approx(2 / 3), approx(0.7)),
        ("trial", 2, 1, 0.5, approx(0.4)), ("casual", 2, 1, 0.5, approx(0.35)),
        ("new", 3, 1, approx(1 / 3), approx(0.5)),  # a None counts, never as a target
        ("empty", 0, 0, 0.0, None), ("unscored", 2, 0, 0.0, None)]
    # the threshold is inclusive (0.8 is a target); every other share is 0, ordered by mean
    assert table(0.8) == [
        ("loyal", 3, 2, approx(2 / 3), approx(0.7)), ("new", 3, 0, 0.0, approx(0.5)),
        ("mid", 4, 0, 0.0, approx(0.4625)), ("trial", 2, 0, 0.0, approx(0.4)),
        ("casual", 2, 0, 0.0, approx(0.35)), ("empty", 0, 0, 0.0, None),
        ("unscored", 2, 0, 0.0, None)]
    # every score is a target at 0: shares of 1 are ordered by mean alone
    assert [(r.name, r.target_count) for r in store.targeting(CAMPAIGN, 0.0)] == [
        ("loyal", 3), ("mid", 4), ("trial", 2), ("casual", 2), ("new", 2), ("empty", 0),
        ("unscored", 0)]


# -- the target list ---------------------------------------------------------------------------

ORDERED = [customer("c05", "loyal", 0.9), customer("c01", "loyal", 0.7),
           customer("c02", "new", 0.7), customer("c07", "loyal", 0.7),
           customer("c06", "new", 0.5), customer("c04", "loyal", 0.4),
           customer("c03", "new", None), customer("c08", "loyal", None)]


def test_the_target_list_is_by_propensity_then_id_and_filtered(store: SegmentStore) -> None:
    shuffled = [ORDERED[n] for n in (6, 3, 0, 7, 2, 5, 1, 4)]
    store.save_import(record(), [segment("loyal", 0.7), segment("new", 0.6)], shuffled)

    def ids(**filters: object) -> tuple[int, list[str]]:
        page = store.segment_customers(CAMPAIGN, **filters)
        return page.total, [c.id for c in page.customers]

    assert everyone(store) == ORDERED
    assert ids(segment_id="x2:loyal") == (5, ["c05", "c01", "c07", "c04", "c08"])
    assert ids(min_propensity=0.5) == (5, ["c05", "c01", "c02", "c07", "c06"])
    assert ids(min_propensity=0.0) == (6, ["c05", "c01", "c02", "c07", "c06", "c04"])
    assert ids(segment_id="x2:loyal", min_propensity=0.7) == (3, ["c05", "c01", "c07"])
    assert ids(segment_id="x2:new", size=2) == (3, ["c02", "c06"])


def test_the_cursor_pages_through_every_customer_exactly_once(store: SegmentStore) -> None:
    scores = [0.9, 0.5, 0.5, None, 0.1]
    customers = [customer(f"c{n:02d}", "ab"[n % 2], scores[n % 5]) for n in range(23)]
    store.save_import(record(), [segment("a"), segment("b")], customers)

    def pages(size: int, **filters: object) -> tuple[list[int], list[str], set[int]]:
        sizes, seen, totals, cursor = [], [], set(), None
        while True:
            page = store.segment_customers(CAMPAIGN, size=size, cursor=cursor, **filters)
            sizes.append(len(page.customers))
            seen.extend(c.id for c in page.customers)
            totals.add(page.total)
            if page.next_cursor is None:
                return sizes, seen, totals
            cursor = page.next_cursor

    # pages of 5 end inside the 0.5s and on a None, so each kind of cursor is followed
    assert pages(5) == ([5, 5, 5, 5, 3], [c.id for c in ranked(customers)], {23})
    wanted = ranked([c for c in customers if c.segment_id == "x2:a"
                     and c.propensity is not None and c.propensity >= 0.5])
    assert pages(3, segment_id="x2:a", min_propensity=0.5) == \
        ([3, 3, 2], [c.id for c in wanted], {8})
    assert pages(100) == ([23], [c.id for c in ranked(customers)], {23})


def test_a_forged_cursor_is_refused(store: SegmentStore) -> None:
    store.save_import(record(), [segment("a")], [customer("c1", "a", 0.5)])
    for forged in ("not-a-cursor", encode_cursor(AT, "c1")):  # a post's cursor is not one
        with pytest.raises(ValueError, match="not a cursor"):
            store.segment_customers(CAMPAIGN, cursor=forged)


# -- segments of every campaign ----------------------------------------------------------------

def test_list_segments_lists_each_campaigns_current_import_in_order(
        store: SegmentStore) -> None:
    x2 = [segment("loyal", 0.8), segment("alpha", 0.3), segment("new", 0.3),
          segment("unscored")]
    store.save_import(record(), [x2[n] for n in (3, 2, 0, 1)], [])
    store.save_import(record("j1", "a1"), [segment("old", 0.9, import_id="j1", campaign="a1")],
                      [])
    a1 = [segment("z", 0.5, import_id="j2", campaign="a1"),
          segment("y", None, import_id="j2", campaign="a1")]
    store.save_import(record("j2", "a1"), a1, [])

    assert store.list_segments(CAMPAIGN) == x2
    assert store.list_segments("a1") == a1
    assert store.list_segments() == [*a1, *x2]
    assert store.get_segment("a1:old") is None


# -- imports replace one another whole ---------------------------------------------------------

FIRST_SEGMENTS = [segment("a", 0.6), segment("b", 0.4)]
FIRST_CUSTOMERS = [customer("c1", "a", 0.9), customer("c3", "b", 0.5), customer("c2", "a", 0.3),
                   customer("c4", "b", None)]


def save_first(store: SegmentStore) -> SegmentImport:
    first = record(rows=4, segments=2, run_id="r1")
    store.save_import(first, FIRST_SEGMENTS, FIRST_CUSTOMERS, model_run())
    return first


def test_a_new_import_replaces_the_previous_one_entirely(store: SegmentStore) -> None:
    save_first(store)
    second = record("i2", rows=3, segments=2, run_id="r2")
    segments = [segment("b", 0.7, import_id="i2"), segment("c", 0.2, import_id="i2")]
    customers = [customer("c3", "b", 0.8, import_id="i2"),
                 customer("c5", "b", 0.6, import_id="i2"),
                 customer("c6", "c", 0.2, import_id="i2")]
    run = model_run("r2", metrics={"auc": "not computed", "notes": ["few positives"]})
    result = store.save_import(second, segments, customers, run)

    assert result.created == 3
    assert store.current_import(CAMPAIGN) == second
    assert store.list_segments(CAMPAIGN) == segments
    assert store.get_segment("x2:a") is None
    assert store.get_segment("x2:b") == segments[0]
    assert everyone(store) == customers
    assert store.segment_customers(CAMPAIGN, segment_id="x2:a").total == 0
    assert [(r.name, r.count) for r in store.targeting(CAMPAIGN, 0.5)] == [("b", 2), ("c", 1)]
    assert store.get_model_run("r1") == model_run()  # the audit trail stays
    assert store.get_model_run("r2") == run
    assert stored(store) == (3, 2)


def visible(store: SegmentStore) -> tuple:
    """Everything a reader of the campaign can see."""
    return (store.current_import(CAMPAIGN), store.list_segments(),
            [store.get_segment(s.id) for s in FIRST_SEGMENTS],
            store.targeting(CAMPAIGN, 0.5), everyone(store), store.get_model_run("r1"))


def test_saving_the_same_import_again_changes_nothing(store: SegmentStore) -> None:
    first = save_first(store)
    before = visible(store)
    assert before[0] == first and before[4] == ranked(FIRST_CUSTOMERS)

    again = store.save_import(first, FIRST_SEGMENTS, iter(FIRST_CUSTOMERS), model_run())

    assert again.created == 4
    assert visible(store) == before
    assert stored(store) == (4, 2)


def test_an_import_failing_half_way_leaves_the_previous_one_current_and_whole(
        store: SegmentStore) -> None:
    save_first(store)
    before = visible(store)

    def truncated_file() -> Iterator[ScoredCustomer]:
        # past the first chunk, so part of the import is written before it fails
        for n in range(IMPORT_CHUNK + 3):
            yield customer(f"n{n:05d}", "a", 0.5, import_id="i2")
        raise OSError("file truncated")

    with pytest.raises(OSError, match="file truncated"):
        store.save_import(record("i2"), [segment("a", import_id="i2")], truncated_file(),
                          model_run("r2"))
    assert visible(store) == before
    assert stored(store) == (4, 2)  # what it had written is removed again

    # tried again with the file mended: its customers alone, none of the failed attempt's
    mended = [customer("n00001", "a", 0.4, import_id="i2"),
              customer("n09999", "a", 0.6, import_id="i2")]
    store.save_import(record("i2"), [segment("a", import_id="i2")], mended)
    assert everyone(store) == [mended[1], mended[0]]
    assert stored(store) == (2, 1)
    assert [(r.name, r.count) for r in store.targeting(CAMPAIGN, 0.5)] == [("a", 2)]


def test_an_import_retried_after_a_crash_shows_nothing_of_the_crashed_attempt(
        store: SegmentStore) -> None:
    save_first(store)
    before = visible(store)
    # a process killed while writing import i2: its customers are stored, nothing cleaned up
    assert isinstance(store, ElasticStore | SqliteStore)
    store._save_customers([customer(f"n{n}", "a", 0.9, import_id="i2") for n in range(3)])
    assert visible(store) == before  # hidden, but there
    assert stored(store) == (7, 2)

    store.save_import(record("i2"), [segment("a", import_id="i2")],
                      [customer("n1", "a", 0.4, import_id="i2")])
    assert [(c.id, c.propensity) for c in everyone(store)] == [("n1", 0.4)]
    assert stored(store) == (1, 1)


def test_records_of_another_import_are_refused_and_change_nothing(store: SegmentStore) -> None:
    save_first(store)
    before = visible(store)
    with pytest.raises(ValueError, match="c9"):
        store.save_import(record("i2"), [segment("a", import_id="i2")],
                          [customer("c8", "a", 0.5, import_id="i2"),
                           customer("c9", "a", 0.5, import_id="i1")])
    with pytest.raises(ValueError, match="x2:a"):
        store.save_import(record("i2"), [segment("a")], [])
    assert visible(store) == before


# -- a store made before segments --------------------------------------------------------------

def store_as_before_segments(store: SegmentStore) -> None:
    """No segment indices and templates in Elasticsearch; in SQLite no segment tables and
    schema version 4."""
    if isinstance(store, ElasticStore):
        for alias, _ in store._segment_indices():
            store.es.indices.delete(index=f"{alias}-*")
            store.es.indices.delete_index_template(name=alias)
        return
    assert isinstance(store, SqliteStore)
    with store._lock:
        for table in ("model_runs", "segment_imports", "segments", "segment_customers"):
            store.db.execute(f"DROP TABLE {table}")
        store.db.execute("PRAGMA user_version = 4")


def test_setup_gives_a_store_made_before_segments_what_they_need(store: SegmentStore) -> None:
    store_as_before_segments(store)
    store.setup()
    if isinstance(store, SqliteStore):
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    save_first(store)
    assert [(r.name, r.count, r.target_count) for r in store.targeting(CAMPAIGN, 0.5)] == \
        [("a", 2, 1), ("b", 2, 1)]

"""Near misses: one test per kind of change, no near miss for two failing rules, ranking."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from matching import capacity_values, solve
from matching.candidates import (
    NEVER_EXPIRES,
    NO_CERTIFICATE,
    NO_PRICE_CEILING,
    NeedTable,
    OfferTable,
    candidate_arcs,
    to_problem,
)
from matching.exceptions import MatchingError
from matching.graphs import CapabilityGraph, LogisticsGraph
from matching.near_misses import NearMiss, near_misses
from matching.result import Result
from matching.sensitivity import CapacityValues

TODAY = 20_000
HALAL, SNI = 0, 1
NASI_KOTAK, KUE_KOTAK = 0, 1
FATUFIA, BUNGKU = 0, 1
MOROWALI = 7203

CAPABILITY = CapabilityGraph.build(["nasi_kotak", "kue_kotak"],
                                   substitutes=[("kue_kotak", "nasi_kotak", 0.5)], related=[])
LOGISTICS = LogisticsGraph.build(["fatufia", "bungku"],
                                 [("fatufia", "bungku", "road", 53.0, 1.5)])
KM, HOURS = LOGISTICS.shortest_from(LOGISTICS.nodes)
RATE = np.array([10, 10], dtype=np.int64)
#: Bungku → Fatufia: 53 km at Rp10/km, one travel day; Rp1,000 lands at Rp1,530.
LANDED = 1000 + 530

OFFER_DEFAULTS: dict[str, Any] = {
    "category": NASI_KOTAK, "node": BUNGKU, "kabupaten": MOROWALI, "capacity": 100,
    "unit_price": 1000, "min_order": 0, "lead_time_days": 1,
    "delivery_radius_km": math.inf, "valid_until": (NO_CERTIFICATE, NO_CERTIFICATE)}
NEED_DEFAULTS: dict[str, Any] = {
    "category": NASI_KOTAK, "park_node": FATUFIA, "kabupaten": MOROWALI, "quantity": 10,
    "due_day": TODAY + 5, "required_certificates": 0, "max_unit_price": NO_PRICE_CEILING,
    "max_distance_km": math.inf, "split": True, "min_lot": 0, "max_suppliers": 0,
    "unmet_penalty": 100_000, "local_discount_percent": 0}


def make_offers(*rows: dict[str, Any]) -> OfferTable:
    """An offer table: each row the defaults (a caterer in Bungku, Rp1,000) plus overrides."""
    full = [OFFER_DEFAULTS | row for row in rows]
    columns = {name: [row[name] for row in full] for name in OFFER_DEFAULTS}
    valid_until = columns.pop("valid_until")
    return OfferTable(id=np.array([f"o{k}" for k in range(len(full))], dtype=object),
                      certificates_valid_until=np.array(valid_until, dtype=np.int32)
                      .reshape(len(full), 2), **columns)


def make_needs(*rows: dict[str, Any]) -> NeedTable:
    """A need table: each row the defaults (10 boxed meals at IMIP in five days) plus overrides."""
    full = [NEED_DEFAULTS | row for row in rows]
    columns = {name: [row[name] for row in full] for name in NEED_DEFAULTS}
    return NeedTable(id=np.array([f"n{k}" for k in range(len(full))], dtype=object),
                     today=TODAY, **columns)


def solved(offers: OfferTable, needs: NeedTable) -> tuple[Result, CapacityValues]:
    """The integer result and LP values of the candidate problem on the Morowali graph."""
    problem = to_problem(candidate_arcs(offers, needs, CAPABILITY, KM, HOURS, RATE), offers,
                         needs)
    return solve(problem), capacity_values(problem)


def misses(offers: OfferTable, needs: NeedTable, *, with_values: bool = False,
           limit_per_offer: int = 5) -> list[NearMiss]:
    """Near misses after solving the candidate problem."""
    result, values = solved(offers, needs)
    return near_misses(offers, needs, CAPABILITY, KM, HOURS, RATE, result,
                       values=values if with_values else None, limit_per_offer=limit_per_offer)


def is_eligible(offers: OfferTable, needs: NeedTable) -> bool:
    """Whether the single offer is a candidate for the single need."""
    return len(candidate_arcs(offers, needs, CAPABILITY, KM, HOURS, RATE)) == 1


def test_price_over_ceiling_gives_the_largest_fitting_price() -> None:
    """Ceiling Rp1,500 with Rp530 transport: Rp970 fits, Rp971 would not."""
    needs = make_needs({"max_unit_price": 1500})
    [miss] = misses(make_offers({}), needs)
    assert (miss.kind, miss.rule, miss.unit_price) == ("price", "over_price_ceiling", 970)
    assert miss.at_stake == 10 * LANDED
    assert is_eligible(make_offers({"unit_price": 970}), needs)
    assert not is_eligible(make_offers({"unit_price": 971}), needs)


def test_substitute_price_counts_capacity_use() -> None:
    """Kue kotak (two per meal) under a Rp3,000 ceiling: ⌊3000 / 2⌋ − 530 = Rp970."""
    offers, needs = make_offers({"category": KUE_KOTAK}), make_needs({"max_unit_price": 3000})
    [miss] = misses(offers, needs)
    assert miss.unit_price == 970
    assert is_eligible(make_offers({"category": KUE_KOTAK, "unit_price": 970}), needs)


def test_expired_certificate_is_named() -> None:
    """Halal expiring before the due day, SNI held: renew Halal."""
    [miss] = misses(make_offers({"valid_until": (TODAY + 4, NEVER_EXPIRES)}),
                    make_needs({"required_certificates": 1 << HALAL | 1 << SNI}))
    assert (miss.kind, miss.certificates) == ("certificate", (HALAL,))


def test_two_failing_rules_give_no_near_miss() -> None:
    """An expired certificate and a price over the ceiling: not a single change away."""
    assert misses(make_offers({"valid_until": (TODAY + 4, NO_CERTIFICATE)}),
                  make_needs({"required_certificates": 1 << HALAL,
                              "max_unit_price": 1500})) == []


def test_too_slow_offer_gives_the_days_to_cut() -> None:
    """Six days' lead time plus one travel day against five days left: cut two."""
    [miss] = misses(make_offers({"lead_time_days": 6}), make_needs({}))
    assert (miss.kind, miss.days_to_cut) == ("lead_time", 2)
    assert is_eligible(make_offers({"lead_time_days": 4}), make_needs({}))


def test_travel_alone_too_slow_gives_no_near_miss() -> None:
    """Due today with no lead time: the one travel day cannot be cut."""
    assert misses(make_offers({"lead_time_days": 0}), make_needs({"due_day": TODAY})) == []


def test_outside_own_radius_gives_the_radius() -> None:
    """A 50 km radius, 53 km away, the need takes up to 100 km: extend to 53 km."""
    [miss] = misses(make_offers({"delivery_radius_km": 50.0}),
                    make_needs({"max_distance_km": 100.0}))
    assert (miss.kind, miss.radius_km) == ("radius", 53.0)


def test_beyond_needs_max_distance_gives_no_near_miss() -> None:
    """Beyond the need's own 50 km is not the enterprise's to change."""
    assert misses(make_offers({}), make_needs({"max_distance_km": 50.0})) == []


def test_lost_on_cost_gives_a_price_below_the_marginal_cost() -> None:
    """Rp1,200 loses to Rp1,000: the marginal cost is Rp1,530, so Rp999 lands below it."""
    offers, needs = make_offers({}, {"unit_price": 1200}), make_needs({})
    result, values = solved(offers, needs)
    assert values.demand_cost.tolist() == pytest.approx([LANDED])
    [miss] = near_misses(offers, needs, CAPABILITY, KM, HOURS, RATE, result, values=values)
    assert (miss.offer, miss.kind, miss.rule, miss.unit_price) == (
        "o1", "price", "lost_on_cost", 999)
    assert miss.unit_price is not None
    assert miss.unit_price + 530 < values.demand_cost[0]
    assert near_misses(offers, needs, CAPABILITY, KM, HOURS, RATE, result) == []


def test_full_cheaper_offer_gives_the_capacity_it_would_displace() -> None:
    """Rp1,000 for 4 of 10, Rp1,200 supplies the other 6: +6 units for the cheaper one."""
    [miss] = misses(make_offers({"capacity": 4}, {"unit_price": 1200}), make_needs({}),
                    with_values=True)
    assert (miss.offer, miss.kind, miss.added_capacity, miss.allocated) == (
        "o0", "capacity", 6, 4)


def test_full_offer_with_unmet_need_gives_the_unmet_quantity() -> None:
    """Alone with 4 of 10 (without values): +6 units, the unmet quantity."""
    [miss] = misses(make_offers({"capacity": 4}), make_needs({}))
    assert (miss.kind, miss.rule, miss.added_capacity) == ("capacity", "capacity_full", 6)


def test_winner_of_the_whole_need_has_no_near_miss() -> None:
    """One offer taking all ten meals missed nothing."""
    assert misses(make_offers({}), make_needs({}), with_values=True) == []


def test_ranked_by_rupiah_at_stake_and_limited_per_offer() -> None:
    """Three needs over the ceiling: the largest quantities first, two kept."""
    needs = make_needs(*({"quantity": q, "max_unit_price": 1500} for q in (5, 30, 20)))
    found = misses(make_offers({}), needs, limit_per_offer=2)
    assert [(m.need, m.at_stake) for m in found] == [("n1", 30 * LANDED), ("n2", 20 * LANDED)]
    with pytest.raises(MatchingError):
        misses(make_offers({}), needs, limit_per_offer=0)

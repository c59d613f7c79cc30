"""Candidate arcs: one test per eligibility rule, landed cost, capacity use, exclusion counts."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from matching import solve
from matching.candidates import (
    EXCLUSION_REASONS,
    NEVER_EXPIRES,
    NO_CERTIFICATE,
    NO_PRICE_CEILING,
    CandidateArcs,
    NeedTable,
    OfferTable,
    candidate_arcs,
    price_arcs,
    to_problem,
)
from matching.candidates import exclusions as excluded_offers
from matching.duals import relaxation_duals
from matching.exceptions import InvalidProblem
from matching.graphs import CapabilityGraph, LogisticsGraph

TODAY = 20_000
HALAL, SNI = 0, 1
NASI_KOTAK, KUE_KOTAK, AMDK, ROTI = 0, 1, 2, 3
FATUFIA, BUNGKU, KOLONODALE, BANGGAI = 0, 1, 2, 3
MOROWALI, MOROWALI_UTARA = 7203, 7206

CAPABILITY = CapabilityGraph.build(
    ["nasi_kotak", "kue_kotak", "amdk", "roti"],
    substitutes=[("kue_kotak", "nasi_kotak", 0.5), ("roti", "nasi_kotak", 1 / 3)],
    related=[("nasi_kotak", "amdk")])
LOGISTICS = LogisticsGraph.build(
    ["fatufia", "bungku", "kolonodale", "banggai"],
    [("fatufia", "bungku", "road", 53.0, 1.5), ("bungku", "kolonodale", "sea", 120.0, 30.0)])
KM, HOURS = LOGISTICS.shortest_from(LOGISTICS.nodes)
RATE = np.array([10, 10, 2, 10], dtype=np.int64)

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
    """An offer table, each row the defaults (a caterer in Bungku, Rp1,000) plus overrides."""
    full = [OFFER_DEFAULTS | row for row in rows]
    columns = {name: [row[name] for row in full] for name in OFFER_DEFAULTS}
    valid_until = columns.pop("valid_until")
    return OfferTable(id=np.array([f"o{k}" for k in range(len(full))], dtype=object),
                      certificates_valid_until=np.array(valid_until, dtype=np.int32)
                      .reshape(len(full), 2), **columns)


def make_needs(*rows: dict[str, Any]) -> NeedTable:
    """A need table, each row the defaults (10 boxed meals at IMIP in five days) plus overrides."""
    full = [NEED_DEFAULTS | row for row in rows]
    columns = {name: [row[name] for row in full] for name in NEED_DEFAULTS}
    return NeedTable(id=np.array([f"n{k}" for k in range(len(full))], dtype=object),
                     today=TODAY, **columns)


def candidates(offers: OfferTable, needs: NeedTable) -> CandidateArcs:
    """Candidate arcs on the Morowali graph."""
    return candidate_arcs(offers, needs, CAPABILITY, KM, HOURS, RATE)


def exclusions(arcs: CandidateArcs, need: int = 0) -> dict[str, int]:
    """The non-zero exclusion counts of one need."""
    return {reason: int(arcs.excluded[reason][need]) for reason in EXCLUSION_REASONS
            if arcs.excluded[reason][need]}


def test_offer_in_the_needs_category_is_a_candidate() -> None:
    """Same category, no other rule: one arc, capacity use 1."""
    arcs = candidates(make_offers({}), make_needs({}))
    assert (arcs.offer.tolist(), arcs.need.tolist(), arcs.capacity_use.tolist()) == (
        [0], [0], [1])
    assert exclusions(arcs) == {}


def test_offer_in_another_category_is_no_offer_in_category() -> None:
    """AMDK does not serve boxed meals, though the categories are related."""
    arcs = candidates(make_offers({"category": AMDK}), make_needs({}))
    assert len(arcs) == 0
    assert exclusions(arcs) == {"no_offer_in_category": 1}


@pytest.mark.parametrize(("category", "capacity_use"), [(KUE_KOTAK, 2), (ROTI, 3)])
def test_substitute_serves_with_capacity_use_from_its_factor(category: int,
                                                             capacity_use: int) -> None:
    """Factor f: one need unit takes ⌈1/f⌉ offer units (1/3 gives 3, not 4)."""
    arcs = candidates(make_offers({"category": category}), make_needs({}))
    assert arcs.capacity_use.tolist() == [capacity_use]
    assert arcs.landed_unit_cost.tolist() == [capacity_use * (1000 + 10 * 53)]


@pytest.mark.parametrize("valid_until", [TODAY + 5, NEVER_EXPIRES])
def test_certificate_valid_on_the_due_day_counts(valid_until: int) -> None:
    """Halal valid until the due day (inclusive) or without expiry satisfies a Halal need."""
    arcs = candidates(make_offers({"valid_until": (valid_until, NO_CERTIFICATE)}),
                      make_needs({"required_certificates": 1 << HALAL}))
    assert len(arcs) == 1


@pytest.mark.parametrize("valid_until", [TODAY + 4, NO_CERTIFICATE])
def test_expired_or_missing_certificate_does_not_count(valid_until: int) -> None:
    """Halal expiring the day before the due day, or not held: certificate_missing."""
    arcs = candidates(make_offers({"valid_until": (valid_until, NEVER_EXPIRES)}),
                      make_needs({"required_certificates": 1 << HALAL}))
    assert exclusions(arcs) == {"certificate_missing": 1}


def test_every_required_certificate_is_needed() -> None:
    """Halal held but SNI missing: certificate_missing."""
    arcs = candidates(make_offers({"valid_until": (NEVER_EXPIRES, NO_CERTIFICATE)}),
                      make_needs({"required_certificates": 1 << HALAL | 1 << SNI}))
    assert exclusions(arcs) == {"certificate_missing": 1}


@pytest.mark.parametrize(("radius", "eligible"), [(52.9, False), (53.0, True)])
def test_park_beyond_delivery_radius_is_too_far(radius: float, eligible: bool) -> None:
    """Bungku → Fatufia is 53 km: a 52.9 km radius excludes it, 53 km does not."""
    arcs = candidates(make_offers({"delivery_radius_km": radius}), make_needs({}))
    assert len(arcs) == int(eligible)
    assert exclusions(arcs) == ({} if eligible else {"too_far": 1})


def test_offer_beyond_needs_max_distance_is_too_far() -> None:
    """A need taking offers within 50 km excludes the Bungku caterer at 53 km."""
    arcs = candidates(make_offers({}), make_needs({"max_distance_km": 50.0}))
    assert exclusions(arcs) == {"too_far": 1}


def test_unreachable_offer_is_too_far() -> None:
    """No link reaches Banggai: too_far even with an unlimited radius."""
    arcs = candidates(make_offers({"node": BANGGAI}), make_needs({}))
    assert exclusions(arcs) == {"too_far": 1}


@pytest.mark.parametrize(("lead_time", "eligible"), [(2, True), (3, False)])
def test_lead_time_plus_travel_days_beyond_due_is_too_slow(lead_time: int,
                                                           eligible: bool) -> None:
    """Kolonodale → Fatufia takes 31.5 h = 2 days; due in 5: lead 2 fits, lead 3 does not."""
    arcs = candidates(make_offers({"node": KOLONODALE, "lead_time_days": lead_time}),
                      make_needs({"due_day": TODAY + 4}))
    assert exclusions(arcs) == ({} if eligible else {"too_slow": 1})


@pytest.mark.parametrize(("ceiling", "eligible"), [(1529, False), (1530, True)])
def test_landed_cost_above_ceiling_is_over_price_ceiling(ceiling: int, eligible: bool) -> None:
    """The ceiling applies to the landed cost (1,000 + 10 × 53 = 1,530), inclusive."""
    arcs = candidates(make_offers({}), make_needs({"max_unit_price": ceiling}))
    assert exclusions(arcs) == ({} if eligible else {"over_price_ceiling": 1})


def test_landed_cost_is_price_plus_rate_times_km() -> None:
    """Landed = price + rate of the offer's category × km, rounded to the rupiah."""
    offers = make_offers({}, {"node": KOLONODALE, "unit_price": 800},
                         {"node": FATUFIA, "unit_price": 1200})
    arcs = candidates(offers, make_needs({"due_day": TODAY + 30}))
    assert arcs.landed_unit_cost.tolist() == [1000 + 530, 800 + 1730, 1200]
    assert arcs.unit_cost.tolist() == arcs.landed_unit_cost.tolist()
    assert arcs.km.tolist() == [53.0, 173.0, 0.0]


def test_local_offer_gets_the_parks_discount_in_solver_cost_only() -> None:
    """Same kabupaten: solver cost ⌊1,530 × 90 / 100⌋; the landed cost and others unchanged."""
    offers = make_offers({}, {"kabupaten": MOROWALI_UTARA})
    arcs = candidates(offers, make_needs({"local_discount_percent": 10}))
    assert arcs.landed_unit_cost.tolist() == [1530, 1530]
    assert arcs.unit_cost.tolist() == [1377, 1530]


def test_exclusions_count_under_the_first_failing_rule() -> None:
    """Rules in order category → certificate → distance → time → price; counts add to offers."""
    offers = make_offers(
        {"category": AMDK, "node": BANGGAI},  # category first
        {"node": BANGGAI, "lead_time_days": 99},  # certificate before distance and time
        {"valid_until": (NEVER_EXPIRES, NO_CERTIFICATE), "delivery_radius_km": 1.0,
         "lead_time_days": 99, "unit_price": 10**6},  # distance before time and price
        {"valid_until": (NEVER_EXPIRES, NO_CERTIFICATE), "lead_time_days": 99,
         "unit_price": 10**6},  # time before price
        {"valid_until": (NEVER_EXPIRES, NO_CERTIFICATE), "unit_price": 10**6},
        {"valid_until": (NEVER_EXPIRES, NO_CERTIFICATE)})
    needs = make_needs({"required_certificates": 1 << HALAL, "max_unit_price": 5000}, {})
    arcs = candidates(offers, needs)
    assert exclusions(arcs, 0) == dict.fromkeys(EXCLUSION_REASONS, 1)
    assert exclusions(arcs, 1) == {"no_offer_in_category": 1, "too_far": 2, "too_slow": 1}
    totals = arcs.eligible + sum(arcs.excluded.values())
    assert totals.tolist() == [6, 6]
    assert arcs.eligible.tolist() == [1, 2]


def test_to_problem_solves_with_solver_costs_and_capacity_use() -> None:
    """The problem carries ids, capacity use and the discounted cost; the solve fills it."""
    offers = make_offers({"capacity": 8}, {"category": KUE_KOTAK, "capacity": 100,
                                           "kabupaten": MOROWALI_UTARA})
    needs = make_needs({"quantity": 10, "max_suppliers": 2, "local_discount_percent": 10})
    problem = to_problem(candidates(offers, needs), offers, needs)
    assert problem.arc_unit_cost.tolist() == [1377, 3060]
    assert problem.arc_capacity_use.tolist() == [1, 2]
    result = solve(problem, seed=0)
    assert result.allocations() == [("o0", "n0", 8), ("o1", "n0", 2)]


def test_invalid_column_names_the_offer() -> None:
    """A negative capacity is refused with the offer's id."""
    with pytest.raises(InvalidProblem, match="Offer capacity must be non-negative; got -3 "
                                             "for offer 'o0'"):
        make_offers({"capacity": -3})


def naive_candidates(offers: OfferTable, needs: NeedTable, matrix: npt.NDArray[Any],
                     km: npt.NDArray[Any], hours: npt.NDArray[Any],
                     rate: npt.NDArray[Any]) -> list[tuple[int, int, int, int, int]]:
    """The rules written as a plain double loop, for comparison."""
    found = []
    for d in range(len(needs)):
        for o in range(len(offers)):
            factor = matrix[offers.category[o], needs.category[d]]
            if factor <= 0:
                continue
            held = all(offers.certificates_valid_until[o, k] >= needs.due_day[d]
                       for k in range(offers.certificates_valid_until.shape[1])
                       if needs.required_certificates[d] >> k & 1)
            distance = km[needs.park_node[d], offers.node[o]]
            if (not held or not math.isfinite(distance)
                    or distance > min(offers.delivery_radius_km[o], needs.max_distance_km[d])):
                continue
            travel_days = math.ceil(hours[needs.park_node[d], offers.node[o]] / 24)
            if offers.lead_time_days[o] + travel_days > needs.due_day[d] - needs.today:
                continue
            use = math.ceil(round(1 / factor, 9))
            landed = use * (int(offers.unit_price[o])
                            + round(int(rate[offers.category[o]]) * distance))
            if landed > needs.max_unit_price[d]:
                continue
            local = offers.kabupaten[o] == needs.kabupaten[d]
            cost = landed * (100 - int(needs.local_discount_percent[d]) * local) // 100
            found.append((o, d, landed, cost, use))
    return found


def test_vectorised_run_matches_a_naive_double_loop() -> None:
    """2,000 offers × 200 needs on a random graph: same arcs and costs as the double loop."""
    rng = np.random.default_rng(0)
    n_offers, n_needs, n_nodes, n_categories = 2000, 200, 30, 12
    names = [f"c{k}" for k in range(n_categories)]
    substitutes = {(names[a], names[b]): float(rng.choice([0.25, 0.5, 1 / 3, 1.0]))
                   for a, b in rng.integers(0, n_categories, size=(20, 2)) if a != b}
    capability = CapabilityGraph.build(names, [(*pair, f) for pair, f in substitutes.items()],
                                       [])
    nodes = [f"v{k}" for k in range(n_nodes)]
    links = [(nodes[a], nodes[b], str(rng.choice(["road", "sea"])),
              float(rng.integers(5, 200)), float(rng.integers(1, 40)))
             for a, b in rng.integers(0, n_nodes - 2, size=(60, 2)) if a != b]
    km, hours = LogisticsGraph.build(nodes, links).shortest_from(nodes)
    expiry = rng.integers(TODAY, TODAY + 40, size=(n_offers, 3)).astype(np.int32)
    expiry[rng.random((n_offers, 3)) < 0.3] = NO_CERTIFICATE
    offers = OfferTable(
        id=np.array([f"o{k}" for k in range(n_offers)], dtype=object),
        category=rng.integers(0, n_categories, n_offers), node=rng.integers(0, n_nodes, n_offers),
        kabupaten=rng.integers(0, 5, n_offers), capacity=rng.integers(0, 500, n_offers),
        unit_price=rng.integers(1000, 50_000, n_offers), min_order=np.zeros(n_offers, int),
        lead_time_days=rng.integers(0, 10, n_offers),
        delivery_radius_km=np.where(rng.random(n_offers) < 0.3, np.inf,
                                    rng.uniform(20, 400, n_offers)),
        certificates_valid_until=expiry)
    needs = NeedTable(
        id=np.array([f"n{k}" for k in range(n_needs)], dtype=object),
        category=rng.integers(0, n_categories, n_needs), park_node=rng.integers(0, 4, n_needs),
        kabupaten=rng.integers(0, 5, n_needs), quantity=rng.integers(1, 300, n_needs),
        due_day=TODAY + rng.integers(0, 30, n_needs), today=TODAY,
        required_certificates=rng.integers(0, 8, n_needs),
        max_unit_price=np.where(rng.random(n_needs) < 0.3, NO_PRICE_CEILING,
                                rng.integers(5000, 200_000, n_needs)),
        max_distance_km=np.where(rng.random(n_needs) < 0.5, np.inf,
                                 rng.uniform(50, 500, n_needs)),
        split=np.ones(n_needs, bool), min_lot=np.zeros(n_needs, int),
        max_suppliers=np.zeros(n_needs, int), unmet_penalty=np.full(n_needs, 10**6),
        local_discount_percent=rng.integers(0, 20, n_needs))
    rate = rng.integers(0, 50, n_categories)

    arcs = candidate_arcs(offers, needs, capability, km, hours, rate)

    expected = naive_candidates(offers, needs, capability.substitution_matrix(), km, hours, rate)
    got = list(zip(arcs.offer.tolist(), arcs.need.tolist(), arcs.landed_unit_cost.tolist(),
                   arcs.unit_cost.tolist(), arcs.capacity_use.tolist(), strict=True))
    assert sorted(got, key=lambda arc: (arc[1], arc[0])) == got
    assert sorted(got) == sorted(expected)
    assert len(got) > 1000
    assert (arcs.eligible + sum(arcs.excluded.values()) == n_offers).all()

    # The exclusions of a few needs, counted on their own, agree with the whole build.
    rows = np.array([0, 7, 150, 199])
    found = excluded_offers(offers, needs, capability, km, hours, rate, rows)
    assert found.eligible.tolist() == arcs.eligible[rows].tolist()
    for reason in EXCLUSION_REASONS:
        assert found.count[reason].tolist() == arcs.excluded[reason][rows].tolist()

    # A budget keeps a subset of the pairs, with the same costs.
    budget = candidate_arcs(offers, needs, capability, km, hours, rate, cover=1.0,
                            min_per_need=2)
    kept = list(zip(budget.offer.tolist(), budget.need.tolist(),
                    budget.unit_cost.tolist(), strict=True))
    assert set(kept) <= {(o, d, c) for o, d, _, c, _ in got}
    assert len(kept) < len(got)


# --- budgets, exclusions in capacity, pricing ----------------------------------------------


def test_budget_keeps_the_cheapest_and_the_needs_stretch() -> None:
    """min_per_need=1 keeps the cheapest; the staircase gives the second need of the same
    park and category the next caterers rather than the same one."""
    offers = make_offers({"unit_price": 900, "capacity": 10}, {"unit_price": 1000,
                                                               "capacity": 10},
                         {"unit_price": 1100, "capacity": 10})
    needs = make_needs({"quantity": 10}, {"quantity": 10})
    arcs = candidate_arcs(offers, needs, CAPABILITY, KM, HOURS, RATE, cover=1.0,
                          min_per_need=1)
    pairs = set(zip(arcs.need.tolist(), arcs.offer.tolist(), strict=True))
    assert pairs == {(0, 0), (1, 0), (1, 1)}


def test_budget_with_ample_cover_keeps_every_pair() -> None:
    """A cover larger than all capacity keeps every eligible pair."""
    offers = make_offers({}, {"unit_price": 1200}, {"category": AMDK})
    full = candidates(offers, make_needs({}))
    budget = candidate_arcs(offers, make_needs({}), CAPABILITY, KM, HOURS, RATE, cover=100.0)
    assert budget.offer.tolist() == full.offer.tolist()
    assert budget.eligible is None
    assert budget.excluded is None


def test_exclusions_count_capacity_in_need_units() -> None:
    """A kue caterer of 100 serves boxed meals at capacity use 2: 50 need units; excluded for a
    missing Halal, they count under certificate_missing."""
    offers = make_offers({"category": KUE_KOTAK}, {"capacity": 30})
    needs = make_needs({"required_certificates": 1 << HALAL})
    found = excluded_offers(offers, needs, CAPABILITY, KM, HOURS, RATE, np.array([0]))
    assert found.units["certificate_missing"].tolist() == [80]
    assert found.count["certificate_missing"].tolist() == [2]
    assert found.eligible_units.tolist() == [0]


def test_pricing_finds_a_pair_that_lowers_the_lp_and_no_more() -> None:
    """Left with only the dear caterer, the LP's marginal cost is its cost; the cheaper one
    prices out. With both present, nothing does."""
    offers = make_offers({"unit_price": 1500}, {"unit_price": 1000})
    needs = make_needs({})
    full = candidates(offers, needs)
    problem = to_problem(_only(full, offer=0), offers, needs)
    duals = relaxation_duals(problem)
    value = np.zeros(len(offers))
    priced = price_arcs(offers, needs, CAPABILITY, KM, HOURS, RATE, duals.demand_cost,
                        value, duals.demand_unmet, cover=1.0)
    assert priced.arcs.offer.tolist() == [1]
    assert priced.least.tolist() == [1530.0]
    everything = relaxation_duals(to_problem(full, offers, needs))
    again = price_arcs(offers, needs, CAPABILITY, KM, HOURS, RATE, everything.demand_cost,
                       value, everything.demand_unmet, cover=1.0)
    assert len(again.arcs) == 0


def _only(arcs: CandidateArcs, offer: int) -> CandidateArcs:
    keep = arcs.offer == offer
    return CandidateArcs(offer=arcs.offer[keep], need=arcs.need[keep],
                         landed_unit_cost=arcs.landed_unit_cost[keep],
                         unit_cost=arcs.unit_cost[keep], capacity_use=arcs.capacity_use[keep],
                         km=arcs.km[keep], eligible=None, excluded=None)

"""match(): distances, budgeted candidates, column generation, solve and the domain reasons.

The column generation is checked against the plain way: every eligible pair given to the
solver at once (``candidate_arcs`` without a budget, then ``solve``) must reach the same
optimum. Reasons get one test each on small named markets.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from matching import (
    NEVER_EXPIRES,
    NO_CERTIFICATE,
    NO_PRICE_CEILING,
    REASONS,
    CapabilityGraph,
    InvalidProblem,
    LogisticsGraph,
    Market,
    MatchingError,
    MatchParams,
    NeedTable,
    OfferTable,
    candidate_arcs,
    default_unmet_penalty,
    match,
    solve,
    to_problem,
)

TODAY = 20_000
HALAL = 0
NASI, KUE, AMDK = 0, 1, 2
FATUFIA, BUNGKU, KOLONODALE, PALU = 0, 1, 2, 3
MOROWALI, PALU_KOTA = 7203, 7271

CAPABILITY = CapabilityGraph.build(["nasi", "kue", "amdk"],
                                   substitutes=[("kue", "nasi", 0.5)], related=[])
LOGISTICS = LogisticsGraph.build(
    ["fatufia", "bungku", "kolonodale", "palu"],
    [("fatufia", "bungku", "road", 53.0, 1.5), ("bungku", "kolonodale", "sea", 120.0, 30.0),
     ("bungku", "palu", "road", 480.0, 14.0)])
RATE = np.array([1.0, 1.0, 0.5])

OFFER: dict[str, Any] = {
    "category": NASI, "node": BUNGKU, "kabupaten": MOROWALI, "capacity": 100,
    "unit_price": 1000, "min_order": 0, "lead_time_days": 1,
    "delivery_radius_km": math.inf, "valid_until": NO_CERTIFICATE}
NEED: dict[str, Any] = {
    "category": NASI, "park_node": FATUFIA, "kabupaten": MOROWALI, "quantity": 10,
    "due_day": TODAY + 5, "required_certificates": 0, "max_unit_price": NO_PRICE_CEILING,
    "max_distance_km": math.inf, "split": True, "min_lot": 0, "max_suppliers": 0,
    "unmet_penalty": 100_000, "local_discount_percent": 0}


def market(offers: list[dict[str, Any]], needs: list[dict[str, Any]]) -> Market:
    """A Morowali market: each offer and need the defaults (a caterer in Bungku at Rp1,000;
    ten meals at IMIP in five days) plus overrides."""
    o = [OFFER | row for row in offers]
    n = [NEED | row for row in needs]
    offer_columns = {k: [row[k] for row in o] for k in OFFER if k != "valid_until"}
    need_columns = {k: [row[k] for row in n] for k in NEED}
    return Market(
        OfferTable(id=np.array([f"o{k}" for k in range(len(o))], dtype=object),
                   certificates_valid_until=np.array([[row["valid_until"]] for row in o],
                                                     dtype=np.int32).reshape(len(o), 1),
                   **offer_columns),
        NeedTable(id=np.array([f"n{k}" for k in range(len(n))], dtype=object), today=TODAY,
                  **need_columns),
        CAPABILITY, LOGISTICS, RATE)


def reasons(result: Any) -> dict[str, dict[str, int]]:
    return {u.demand: dict(u.reasons) for u in result.unmet}


# --- the chain, against the plain way ------------------------------------------------------


def _random_market(seed: int, lot_rules: bool) -> Market:
    rng = np.random.default_rng(seed)
    n_offers, n_needs = int(rng.integers(5, 60)), int(rng.integers(3, 25))
    offers = [{"category": int(rng.integers(0, 3)), "node": int(rng.integers(0, 4)),
               "kabupaten": int(rng.choice([MOROWALI, PALU_KOTA])),
               "capacity": int(rng.integers(0, 80)),
               "unit_price": int(rng.integers(500, 3000)),
               "min_order": int(rng.integers(0, 10)) if lot_rules and rng.random() < 0.3 else 0,
               "lead_time_days": int(rng.integers(0, 4)),
               "delivery_radius_km": float(rng.choice([math.inf, 100.0, 600.0])),
               "valid_until": int(rng.choice([NO_CERTIFICATE, NEVER_EXPIRES, TODAY + 3]))}
              for _ in range(n_offers)]
    needs = [{"category": int(rng.integers(0, 3)),
              "park_node": int(rng.choice([FATUFIA, BUNGKU])),
              "kabupaten": MOROWALI, "quantity": int(rng.integers(1, 120)),
              "due_day": TODAY + int(rng.integers(1, 8)),
              "required_certificates": int(rng.random() < 0.3),
              "max_unit_price": int(rng.choice([NO_PRICE_CEILING, 1500, 2500])),
              "split": not (lot_rules and rng.random() < 0.3),
              "min_lot": int(rng.integers(0, 15)) if lot_rules and rng.random() < 0.3 else 0,
              "max_suppliers": int(rng.integers(0, 3)) if lot_rules else 0,
              "unmet_penalty": int(rng.integers(3000, 9000)),
              "local_discount_percent": int(rng.choice([0, 10]))}
             for _ in range(n_needs)]
    return market(offers, needs)


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("lot_rules", [False, True])
def test_match_reaches_the_optimum_of_every_eligible_pair(seed: int, lot_rules: bool) -> None:
    """A tight budget plus column generation reaches the optimum of solving every eligible
    pair at once; the candidates are proven complete for the LP."""
    m = _random_market(seed, lot_rules)
    km, hours = m.distances
    full = candidate_arcs(m.offers, m.needs, m.substitution, km, hours, m.transport_rate,
                          m.park_nodes)
    expected = solve(to_problem(full, m.offers, m.needs), seed=0)
    got = match(m, MatchParams(cover=0.5, min_per_need=1), seed=0)
    assert got.stats.complete
    assert got.stats.lp_bound == pytest.approx(got.stats.lp_objective)
    assert got.result.status == expected.status == "optimal"
    assert got.result.objective == expected.objective
    assert set(zip(got.arcs.offer.tolist(), got.arcs.need.tolist(), strict=True)) <= set(
        zip(full.offer.tolist(), full.need.tolist(), strict=True))


def test_stopping_early_keeps_a_valid_bound() -> None:
    """With no round of column generation, the Lagrangian bound is still ≤ the LP over every
    eligible pair, which is ≤ the LP over the first candidates."""
    m = _random_market(3, lot_rules=False)
    early = match(m, MatchParams(cover=0.2, min_per_need=1, max_rounds=0))
    complete = match(m, MatchParams(cover=0.2, min_per_need=1))
    assert complete.stats.complete
    assert early.stats.lp_bound <= complete.stats.lp_objective + 1e-6
    assert complete.stats.lp_objective <= early.stats.lp_objective + 1e-6


def test_same_market_and_seed_give_the_same_answer() -> None:
    """Deterministic: same input and seed, same allocations."""
    m = _random_market(7, lot_rules=True)
    first, second = match(m, seed=0), match(m, seed=0)
    assert first.result.allocations() == second.result.allocations()


# --- allocations ---------------------------------------------------------------------------


def test_allocation_carries_landed_cost_distance_and_locality() -> None:
    """Bungku → Fatufia is 53 km at Rp1/km: the buyer pays Rp1,053; same kabupaten: local."""
    result = match(market([{}], [{}]))
    [allocation] = result.allocations()
    assert (allocation.offer, allocation.need, allocation.quantity) == ("o0", "n0", 10)
    assert (allocation.landed_unit_cost, allocation.km, allocation.local) == (1053, 53.0, True)
    assert result.landed_cost() == 10_530
    assert result.served.tolist() == [10]


def test_local_preference_wins_at_a_slightly_higher_price() -> None:
    """10% local preference: the Bungku caterer at Rp1,053 beats Palu's Rp1,000 + 533 km."""
    result = match(market([{}, {"node": PALU, "kabupaten": PALU_KOTA, "unit_price": 500}],
                          [{"local_discount_percent": 10}]))
    assert [a.offer for a in result.allocations()] == ["o0"]


# --- the reasons ---------------------------------------------------------------------------


def test_no_offer_in_the_category() -> None:
    """Only bottled water on offer: boxed meals are no_offer_in_category."""
    result = match(market([{"category": AMDK}], [{}]))
    assert reasons(result) == {"n0": {"no_offer_in_category": 10}}


def test_missing_certificate() -> None:
    """A Halal need and a caterer without Halal: certificate_missing for its capacity."""
    result = match(market([{"capacity": 6}], [{"required_certificates": 1 << HALAL}]))
    assert reasons(result) == {"n0": {"certificate_missing": 6, "no_offer_in_category": 4}}


def test_expired_certificate_counts_as_missing() -> None:
    """Halal expiring the day before the due day does not count."""
    result = match(market([{"valid_until": TODAY + 4}],
                          [{"required_certificates": 1 << HALAL}]))
    assert reasons(result) == {"n0": {"certificate_missing": 10}}


def test_too_far() -> None:
    """A caterer with a 50 km radius does not reach IMIP, 53 km away."""
    result = match(market([{"delivery_radius_km": 50.0}], [{}]))
    assert reasons(result) == {"n0": {"too_far": 10}}


def test_too_slow() -> None:
    """Kolonodale is 31.5 h away (2 days): lead 3 misses a need due in 4 days."""
    result = match(market([{"node": KOLONODALE, "lead_time_days": 3}],
                          [{"due_day": TODAY + 4}]))
    assert reasons(result) == {"n0": {"too_slow": 10}}


def test_over_the_price_ceiling() -> None:
    """Landing at Rp1,053 against a ceiling of Rp1,000."""
    result = match(market([{}], [{"max_unit_price": 1000}]))
    assert reasons(result) == {"n0": {"over_price_ceiling": 10}}


def test_capacity_taken_by_a_need_that_values_it_more() -> None:
    """One caterer of 10: the need with the higher penalty gets it; the other's units are
    capacity_taken."""
    result = match(market([{"capacity": 10}], [{"unmet_penalty": 5000},
                                               {"unmet_penalty": 9000}]))
    assert reasons(result) == {"n0": {"capacity_taken": 10}}


def test_lot_rules_block_capacity_that_is_there() -> None:
    """Single source of 10 against two caterers of 6: lot_rules."""
    result = match(market([{"capacity": 6}, {"capacity": 6}], [{"split": False}]))
    assert reasons(result) == {"n0": {"lot_rules": 10}}


def test_shortfall_beyond_eligible_capacity_splits_over_the_rules() -> None:
    """Need 30: an eligible caterer of 10 serves 10; a caterer without Halal (8) and one too far
    (5) explain 13 units; nobody has the last 7."""
    result = match(market([{"valid_until": NEVER_EXPIRES, "capacity": 10},
                           {"capacity": 8},
                           {"valid_until": NEVER_EXPIRES, "capacity": 5,
                            "delivery_radius_km": 10.0}],
                          [{"quantity": 30, "required_certificates": 1 << HALAL}]))
    assert reasons(result) == {"n0": {"no_offer_in_category": 7, "certificate_missing": 8,
                                      "too_far": 5}}


@pytest.mark.parametrize("seed", range(10))
def test_reason_quantities_add_up_and_come_from_the_vocabulary(seed: int) -> None:
    """Every unmet unit has exactly one reason, from the fixed vocabulary."""
    result = match(_random_market(seed, lot_rules=True))
    for unmet in result.unmet:
        assert sum(unmet.reasons.values()) == unmet.quantity
        assert set(unmet.reasons) <= set(REASONS) - {"no_eligible_offer"}


# --- inputs --------------------------------------------------------------------------------


def test_default_penalty_is_ceiling_plus_one_or_above_any_landed_cost() -> None:
    """With a ceiling: ceiling + 1; without: above the dearest offer of a serving category
    (kue serves nasi at factor ½: 2 × (3,000 + 1 × 500 km) + 1)."""
    penalty = default_unmet_penalty([NASI, NASI], [1200, NO_PRICE_CEILING], [NASI, KUE],
                                    [1000, 3000], CAPABILITY.substitution_matrix(), RATE, 500.0)
    assert penalty.tolist() == [1201, 2 * (3000 + 500) + 1]


def test_market_refuses_a_node_outside_the_graph() -> None:
    """An offer at node 9 of a four-node graph is refused with its path."""
    with pytest.raises(InvalidProblem, match=r"\$\.offers\[0\]\.node"):
        market([{"node": 9}], [{}])


def test_market_refuses_a_rate_per_category_missing() -> None:
    """Two transport rates for three categories are refused."""
    m = market([{}], [{}])
    with pytest.raises(InvalidProblem, match="transport rate"):
        Market(m.offers, m.needs, CAPABILITY, LOGISTICS, np.array([1.0, 2.0]))


def test_match_params_are_checked() -> None:
    """A non-positive cover is refused."""
    with pytest.raises(MatchingError, match="cover"):
        MatchParams(cover=0)

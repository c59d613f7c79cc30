"""Sensitivity: LP capacity values and demand costs, grouping, and confirmed interventions."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from matching import Arc, Demand, MatchingError, Offer, Problem, solve
from matching.sensitivity import by_group, capacity_values, rank_capacity_interventions


@pytest.fixture
def binding_offer() -> Problem:
    """o1 (10 units at 30) cannot cover d1 (15 units, penalty 100): 5 units pay the penalty."""
    return Problem.from_arcs([Offer("o1", 10)], [Demand("d1", 15, unmet_penalty=100)],
                             [Arc("o1", "d1", 30)])


@pytest.fixture
def two_sources() -> Problem:
    """d1 (30 units) takes all of cheap o1 (10 at 20) and 20 of dear o2 (100 at 35); d2 has
    no arc."""
    return Problem.from_arcs(
        [Offer("o1", 10), Offer("o2", 100)],
        [Demand("d1", 30, unmet_penalty=100), Demand("d2", 4, unmet_penalty=70)],
        [Arc("o1", "d1", 20), Arc("o2", "d1", 35)])


@pytest.fixture
def two_short_offers() -> Problem:
    """o1 (5) serves d1 (20 units), o2 (5) serves d2 (8 units): 15 and 3 units unmet."""
    return Problem.from_arcs(
        [Offer("o1", 5), Offer("o2", 5)],
        [Demand("d1", 20, unmet_penalty=100), Demand("d2", 8, unmet_penalty=100)],
        [Arc("o1", "d1", 10), Arc("o2", "d2", 10)])


@pytest.fixture
def lumpy() -> Problem:
    """o1 (10) can serve one of two single-source demands of 10 each, never both halves."""
    return Problem.from_arcs(
        [Offer("o1", 10)],
        [Demand("d1", 10, split=False, unmet_penalty=100),
         Demand("d2", 10, split=False, unmet_penalty=100)],
        [Arc("o1", "d1", 10), Arc("o1", "d2", 10)])


def _with_capacity(problem: Problem, offer: int, capacity: int) -> Problem:
    offers = list(problem.offers)
    offers[offer] = dataclasses.replace(offers[offer], capacity=capacity)
    return Problem(offers=tuple(offers), demands=problem.demands, arc_offer=problem.arc_offer,
                   arc_demand=problem.arc_demand, arc_unit_cost=problem.arc_unit_cost,
                   arc_capacity_use=problem.arc_capacity_use)


def test_binding_offer_blocking_unmet_demand_is_worth_penalty_minus_cost(
        binding_offer: Problem) -> None:
    """A full offer that leaves units paying the penalty is worth penalty − unit cost."""
    values = capacity_values(binding_offer)
    assert values.offer_value.tolist() == pytest.approx([100 - 30])
    assert values.objective == pytest.approx(10 * 30 + 5 * 100)


def test_offer_value_is_the_objective_drop_per_extra_unit(binding_offer: Problem) -> None:
    """The sign is right: one more unit of capacity lowers the LP objective by the value."""
    before = capacity_values(binding_offer)
    after = capacity_values(_with_capacity(binding_offer, 0, 11))
    assert before.offer_value[0] > 0
    assert before.objective - after.objective == pytest.approx(before.offer_value[0])


def test_slack_offer_is_worth_nothing() -> None:
    """An offer with capacity to spare has value 0."""
    problem = Problem.from_arcs([Offer("o1", 50)], [Demand("d1", 15, unmet_penalty=100)],
                                [Arc("o1", "d1", 30)])
    assert capacity_values(problem).offer_value.tolist() == [0.0]


def test_demand_cost_is_the_cheapest_marginal_source(two_sources: Problem) -> None:
    """A demand's marginal cost is the unit cost of the source that takes one more unit."""
    values = capacity_values(two_sources)
    assert values.demand_cost[0] == pytest.approx(35)
    assert values.offer_value.tolist() == pytest.approx([35 - 20, 0])


def test_demand_cost_is_the_penalty_when_already_unmet(binding_offer: Problem,
                                                       two_sources: Problem) -> None:
    """A partly unmet demand, or one without arcs, costs its penalty per extra unit."""
    assert capacity_values(binding_offer).demand_cost.tolist() == pytest.approx([100])
    assert capacity_values(two_sources).demand_cost[1] == pytest.approx(70)


def test_by_group_sums_values_per_label(two_sources: Problem) -> None:
    """by_group adds values sharing a label, tuple labels included, in first-seen order."""
    assert by_group([1.0, 2.0, 3.0, 4.0], ["a", "b", "a", "c"]) == {"a": 4.0, "b": 2.0,
                                                                    "c": 4.0}
    labels = [("beras", "Bogor"), ("beras", "Bogor")]
    assert by_group(capacity_values(two_sources), labels) == {("beras", "Bogor"):
                                                              pytest.approx(15)}
    assert by_group(np.array([1, 2]), np.array(["x", "y"])) == {"x": 1.0, "y": 2.0}


def test_by_group_refuses_mismatched_lengths() -> None:
    """One label per value, or a MatchingError."""
    with pytest.raises(MatchingError, match="One label per value"):
        by_group([1.0, 2.0], ["a"])


def test_ranking_puts_largest_unlock_first(two_short_offers: Problem) -> None:
    """The offer blocking most unmet units ranks first, its figures confirmed by a re-solve."""
    ranking = rank_capacity_interventions(two_short_offers)
    assert [i.offer for i in ranking] == ["o1", "o2"]
    first = ranking[0]
    assert first.added_capacity == 15
    before = solve(two_short_offers)
    after = solve(_with_capacity(two_short_offers, 0, 5 + 15))
    assert first.confirmed_units_unlocked == before.unmet_quantity() - after.unmet_quantity()
    assert first.confirmed_units_unlocked == 15
    assert first.confirmed_objective_change == after.objective - before.objective == -15 * 90
    assert first.estimated_units_unlocked == pytest.approx(15)
    assert first.status == "optimal"


def test_top_limits_the_ranking(two_short_offers: Problem) -> None:
    """top=1 keeps only the best candidate."""
    assert [i.offer for i in rank_capacity_interventions(two_short_offers, top=1)] == ["o1"]


def test_lp_overpromises_on_single_source_and_confirmed_figure_is_reported(
        lumpy: Problem) -> None:
    """+5 on a full offer looks like 5 units to the LP, but no whole demand fits: 0 confirmed."""
    (intervention,) = rank_capacity_interventions(lumpy, step=5)
    assert intervention.estimated_units_unlocked == pytest.approx(5)
    assert intervention.estimated_objective_change == pytest.approx(-5 * 90)
    assert intervention.confirmed_units_unlocked == 0
    assert intervention.confirmed_objective_change == 0


def test_default_step_serves_the_unmet_single_source_demand(lumpy: Problem) -> None:
    """Without a step, the offer gets room for all reachable unmet units, which does fit."""
    (intervention,) = rank_capacity_interventions(lumpy)
    assert intervention.added_capacity == 10
    assert intervention.confirmed_units_unlocked == 10
    assert intervention.confirmed_objective_change == -10 * 90


def test_no_candidates_without_positive_value() -> None:
    """Offers with spare capacity give no interventions."""
    problem = Problem.from_arcs([Offer("o1", 50)], [Demand("d1", 15, unmet_penalty=100)],
                                [Arc("o1", "d1", 30)])
    assert rank_capacity_interventions(problem) == []


def test_max_candidates_keeps_the_largest_first_order_saving(
        two_short_offers: Problem) -> None:
    """max_candidates=1 estimates only the offer with the largest value × added capacity."""
    ranking = rank_capacity_interventions(two_short_offers, max_candidates=1)
    assert [i.offer for i in ranking] == ["o1"]

"""LP duals from a min-cost flow and its potentials: optimal, as GLOP finds them."""

from __future__ import annotations

import numpy as np
import pytest

from matching import Arc, Demand, Offer, Problem, capacity_values, relaxation_duals


def _random_problem(seed: int, capacity_use: bool = False) -> Problem:
    rng = np.random.default_rng(seed)
    n_offers, n_demands = int(rng.integers(2, 12)), int(rng.integers(2, 12))
    pairs = sorted({(int(o), int(d)) for o, d in zip(rng.integers(0, n_offers, 40),
                                                     rng.integers(0, n_demands, 40),
                                                     strict=True)})
    offers = [Offer(f"o{i}", int(rng.integers(0, 30))) for i in range(n_offers)]
    demands = [Demand(f"d{j}", int(rng.integers(1, 30)),
                      unmet_penalty=int(rng.integers(50, 200))) for j in range(n_demands)]
    uses = rng.integers(1, 4, len(pairs)) if capacity_use else np.ones(len(pairs), int)
    return Problem.from_arrays(offers, demands, [f"o{o}" for o, _ in pairs],
                               [f"d{d}" for _, d in pairs], rng.integers(0, 150, len(pairs)),
                               uses)


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("capacity_use", [False, True])
def test_duals_are_optimal_for_the_lp(seed: int, capacity_use: bool) -> None:
    """Dual feasible (reduced costs ≥ 0, marginal cost ≤ penalty, values ≥ 0) and the dual
    objective equals the LP optimum, which equals GLOP's."""
    problem = _random_problem(seed, capacity_use)
    duals = relaxation_duals(problem)
    pi, mu = duals.demand_cost, duals.offer_value
    reduced = (problem.arc_unit_cost + problem.arc_capacity_use * mu[problem.arc_offer]
               - pi[problem.arc_demand])
    assert (reduced >= -1e-6).all()
    assert (pi <= problem.demand_penalty + 1e-6).all()
    assert (mu >= 0).all()
    dual_objective = float((pi * problem.demand_quantity).sum()
                           - (mu * problem.offer_capacity).sum())
    assert dual_objective == pytest.approx(duals.objective, abs=1e-4)
    assert duals.objective == pytest.approx(capacity_values(problem).objective, abs=1e-4)


def test_partly_unmet_demand_costs_its_penalty() -> None:
    """A demand the LP leaves short has marginal cost = its penalty; its full offer is worth
    penalty − cost per unit."""
    problem = Problem.from_arcs([Offer("o1", 5)], [Demand("d1", 8, unmet_penalty=100)],
                                [Arc("o1", "d1", 30)])
    duals = relaxation_duals(problem)
    assert duals.demand_cost.tolist() == [100]
    assert duals.offer_value.tolist() == [70]
    assert duals.demand_unmet.tolist() == [3]


def test_offer_with_room_is_worth_nothing_and_sets_the_marginal_cost() -> None:
    """With room to spare, the marginal cost is the cheapest arc's cost."""
    problem = Problem.from_arcs([Offer("o1", 50), Offer("o2", 50)],
                                [Demand("d1", 8, unmet_penalty=100)],
                                [Arc("o1", "d1", 30), Arc("o2", "d1", 40)])
    duals = relaxation_duals(problem)
    assert duals.demand_cost.tolist() == [30]
    assert duals.offer_value.tolist() == [0, 0]
    assert duals.objective == 240


def test_demand_without_arcs_is_all_unmet() -> None:
    """No arc: marginal cost = penalty, all of it unmet."""
    problem = Problem.from_arcs([Offer("o1", 5)], [Demand("d1", 4, unmet_penalty=9)], [])
    duals = relaxation_duals(problem)
    assert duals.demand_cost.tolist() == [9]
    assert duals.objective == 36

"""Property tests: on small random instances solve() matches scipy.optimize.milp exactly."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import Arc, Demand, Offer, Problem, SolveParams, solve

optimize = pytest.importorskip("scipy.optimize")


def _milp_objective(problem: Problem) -> int:
    """The model of docs/matching.md written independently for HiGHS through scipy.

    Variables: x (units per arc), y (arc used, 0/1), u (unmet per demand)."""
    n, m = problem.n_arcs, len(problem.demands)
    a_offer, a_demand = problem.arc_offer, problem.arc_demand
    cap_use = problem.arc_capacity_use
    q = problem.demand_quantity
    rows: list[np.ndarray[Any, Any]] = []
    low: list[float] = []
    high: list[float] = []

    def row() -> np.ndarray[Any, Any]:
        return np.zeros(2 * n + m)

    for d in range(m):  # allocated + unmet = quantity
        r = row()
        r[np.flatnonzero(a_demand == d)] = 1
        r[2 * n + d] = 1
        rows.append(r), low.append(q[d]), high.append(q[d])
        demand = problem.demands[d]
        limit = 1 if not demand.split else demand.max_suppliers
        if limit is not None:
            r = row()
            r[n + np.flatnonzero(a_demand == d)] = 1
            rows.append(r), low.append(-np.inf), high.append(limit)
    for o in range(len(problem.offers)):  # capacity
        r = row()
        arcs = np.flatnonzero(a_offer == o)
        r[arcs] = cap_use[arcs]
        rows.append(r), low.append(-np.inf), high.append(problem.offers[o].capacity)
    for a in range(n):  # linking: lot ≤ x ≤ q·y; single source takes all of q
        demand = problem.demands[a_demand[a]]
        lot = max(1, demand.min_lot, problem.offers[a_offer[a]].min_order)
        if not demand.split:  # the whole quantity, and no less than the minimum order
            lot = max(lot, demand.quantity)
        r = row()
        r[a], r[n + a] = 1, -demand.quantity
        rows.append(r), low.append(-np.inf), high.append(0)
        r = row()
        r[a], r[n + a] = 1, -lot
        rows.append(r), low.append(0), high.append(np.inf)
    cost = np.concatenate([problem.arc_unit_cost, np.zeros(n), problem.demand_penalty])
    upper = np.concatenate([q[a_demand], np.ones(n), q])
    answer = optimize.milp(cost, integrality=np.ones(2 * n + m),
                           bounds=optimize.Bounds(np.zeros(2 * n + m), upper),
                           constraints=optimize.LinearConstraint(np.array(rows), low, high))
    assert answer.success
    return round(answer.fun)


@st.composite
def problems(draw: st.DrawFn, rules: bool) -> Problem:
    n_offers = draw(st.integers(1, 4))
    n_demands = draw(st.integers(1, 4))
    offers = [Offer(f"o{i}", draw(st.integers(0, 20)),
                    draw(st.integers(0, 6)) if rules else 0) for i in range(n_offers)]
    demands = [Demand(f"d{j}", draw(st.integers(1, 15)),
                      split=draw(st.booleans()) if rules else True,
                      min_lot=draw(st.integers(0, 6)) if rules else 0,
                      max_suppliers=draw(st.none() | st.integers(1, 3)) if rules else None,
                      unmet_penalty=draw(st.integers(0, 40))) for j in range(n_demands)]
    arcs = [Arc(o.id, d.id, draw(st.integers(0, 30)),
                draw(st.integers(1, 3)) if rules else 1)
            for o in offers for d in demands if draw(st.booleans())]
    return Problem.from_arcs(offers, demands, arcs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(rules=False))
def test_min_cost_flow_matches_milp(problem: Problem) -> None:
    """Splittable instances: the min-cost flow optimum equals scipy's MILP optimum."""
    result = solve(problem, SolveParams(time_limit_s=10))
    assert result.status == "optimal"
    assert result.objective == _milp_objective(problem)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(rules=True))
def test_cp_sat_with_lot_rules_matches_milp(problem: Problem) -> None:
    """Lot rules, single source, supplier limits, capacity use: CP-SAT equals scipy's MILP."""
    result = solve(problem, SolveParams(time_limit_s=10))
    assert result.status == "optimal"
    assert result.objective == _milp_objective(problem)
    for unmet in result.unmet:
        assert sum(unmet.reasons.values()) == unmet.quantity

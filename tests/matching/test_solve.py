"""solve(): one test per constraint and objective term, exact objectives with seed 0."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from matching import Arc, Demand, MatchingError, Offer, Problem, SolveParams, solve

CP_SAT = SolveParams(force_cp_sat=True)


def test_allocation_cost_is_unit_cost_times_quantity() -> None:
    """The objective charges unit_cost × quantity on every arc used."""
    problem = Problem.from_arcs([Offer("o1", 100)], [Demand("d1", 30, unmet_penalty=1000)],
                                [Arc("o1", "d1", 7)])
    result = solve(problem)
    assert result.status == "optimal"
    assert result.objective == 210
    assert result.allocations() == [("o1", "d1", 30)]


def test_cheapest_offer_is_preferred() -> None:
    """With room everywhere, a demand goes to its cheapest arc."""
    problem = Problem.from_arcs([Offer("o1", 100), Offer("o2", 100)],
                                [Demand("d1", 30, unmet_penalty=1000)],
                                [Arc("o1", "d1", 7), Arc("o2", "d1", 5)])
    assert solve(problem).allocations() == [("o2", "d1", 30)]
    assert solve(problem).objective == 150


def test_unmet_units_cost_the_penalty() -> None:
    """Units no offer can take cost unmet_penalty each."""
    problem = Problem.from_arcs([Offer("o1", 10)], [Demand("d1", 30, unmet_penalty=100)],
                                [Arc("o1", "d1", 7)])
    result = solve(problem)
    assert result.objective == 10 * 7 + 20 * 100
    assert result.unmet_quantity() == 20


def test_demand_without_arcs_is_wholly_unmet() -> None:
    """A demand with no arc is unmet in full, at its penalty."""
    problem = Problem.from_arcs([Offer("o1", 10)], [Demand("d1", 4, unmet_penalty=9)], [])
    result = solve(problem)
    assert result.status == "optimal"
    assert result.objective == 36
    assert result.stats.solver == "none"


def test_unit_dearer_than_penalty_is_left_unmet() -> None:
    """The penalty is a price ceiling: an arc dearer than it is not used."""
    problem = Problem.from_arcs([Offer("o1", 10)], [Demand("d1", 5, unmet_penalty=3)],
                                [Arc("o1", "d1", 4)])
    assert solve(problem).objective == 15
    assert solve(problem, CP_SAT).objective == 15


def test_offer_capacity_is_not_exceeded() -> None:
    """Σ quantity on an offer's arcs stays within its capacity."""
    problem = Problem.from_arcs([Offer("o1", 50), Offer("o2", 100)],
                                [Demand("d1", 40, unmet_penalty=1000),
                                 Demand("d2", 40, unmet_penalty=1000)],
                                [Arc("o1", "d1", 1), Arc("o1", "d2", 1), Arc("o2", "d1", 3),
                                 Arc("o2", "d2", 5)])
    result = solve(problem)
    # o1's 50 go to d2 (saves 4 a unit there) and d1 (saves 2): 40 to d2, 10 to d1.
    assert result.objective == 40 * 1 + 10 * 1 + 30 * 3
    assert sorted(result.allocations()) == [("o1", "d1", 10), ("o1", "d2", 40),
                                            ("o2", "d1", 30)]


def test_capacity_use_scales_what_an_allocation_takes() -> None:
    """Each unit on an arc uses capacity_use units of the offer's capacity."""
    problem = Problem.from_arcs([Offer("o1", 10)], [Demand("d1", 8, unmet_penalty=100)],
                                [Arc("o1", "d1", 1, capacity_use=3)])
    result = solve(problem)
    assert result.stats.solver == "cp_sat"
    assert result.allocations() == [("o1", "d1", 3)]
    assert result.objective == 3 + 5 * 100


def test_single_source_demand_is_served_by_one_offer() -> None:
    """split=false: all of a demand comes from one offer, or none of it does."""
    problem = Problem.from_arcs([Offer("o1", 6), Offer("o2", 6), Offer("o3", 10)],
                                [Demand("d1", 10, split=False, unmet_penalty=100)],
                                [Arc("o1", "d1", 1), Arc("o2", "d1", 1), Arc("o3", "d1", 4)])
    result = solve(problem)
    assert result.allocations() == [("o3", "d1", 10)]
    assert result.objective == 40


def test_single_source_demand_too_big_for_every_offer_is_unmet_whole() -> None:
    """split=false and no offer big enough: nothing is allocated, all of it is unmet."""
    problem = Problem.from_arcs([Offer("o1", 6), Offer("o2", 6)],
                                [Demand("d1", 10, split=False, unmet_penalty=100)],
                                [Arc("o1", "d1", 1), Arc("o2", "d1", 1)])
    result = solve(problem)
    assert result.allocations() == []
    assert result.objective == 1000
    assert result.unmet[0].reasons == {"lot_rules": 10}


def test_min_lot_forbids_small_allocations() -> None:
    """Every positive allocation is at least the demand's min_lot."""
    problem = Problem.from_arcs([Offer("o1", 4), Offer("o2", 20)],
                                [Demand("d1", 10, min_lot=5, unmet_penalty=100)],
                                [Arc("o1", "d1", 1), Arc("o2", "d1", 3)])
    result = solve(problem)
    # Without the lot, 4 from o1 + 6 from o2 = 22; o1's 4 < 5 is not allowed.
    assert result.allocations() == [("o2", "d1", 10)]
    assert result.objective == 30


def test_min_order_forbids_small_allocations_from_an_offer() -> None:
    """Every positive allocation from an offer is at least its min_order."""
    problem = Problem.from_arcs([Offer("o1", 100, min_order=8), Offer("o2", 100)],
                                [Demand("d1", 5, unmet_penalty=100),
                                 Demand("d2", 9, unmet_penalty=100)],
                                [Arc("o1", "d1", 1), Arc("o1", "d2", 1), Arc("o2", "d1", 2),
                                 Arc("o2", "d2", 2)])
    result = solve(problem)
    assert sorted(result.allocations()) == [("o1", "d2", 9), ("o2", "d1", 5)]
    assert result.objective == 9 + 10


def test_max_suppliers_limits_offers_per_demand() -> None:
    """At most max_suppliers offers serve one demand."""
    offers = [Offer(f"o{i}", 5) for i in range(3)]
    problem = Problem.from_arcs(offers, [Demand("d1", 15, max_suppliers=2, unmet_penalty=100)],
                                [Arc(f"o{i}", "d1", 1) for i in range(3)])
    result = solve(problem)
    assert len(result.allocations()) == 2
    assert result.objective == 10 + 5 * 100


def test_min_cost_flow_and_cp_sat_agree_on_splittable_instances() -> None:
    """On a splittable instance without lot rules both solvers reach the same optimum."""
    rng = np.random.default_rng(7)
    offers = [Offer(f"o{i}", int(rng.integers(5, 40))) for i in range(6)]
    demands = [Demand(f"d{j}", int(rng.integers(1, 30)), unmet_penalty=int(rng.integers(20, 60)))
               for j in range(8)]
    arcs = [Arc(o.id, d.id, int(rng.integers(0, 50))) for o in offers for d in demands
            if rng.random() < 0.6]
    problem = Problem.from_arcs(offers, demands, arcs)
    flow, cp_sat = solve(problem), solve(problem, CP_SAT)
    assert flow.stats.solver == "min_cost_flow"
    assert cp_sat.stats.solver == "cp_sat"
    assert flow.objective == cp_sat.objective
    assert cp_sat.status == "optimal"


def _two_islands() -> Problem:
    offers = [Offer("a1", 10), Offer("a2", 10), Offer("b1", 7, min_order=3)]
    demands = [Demand("x", 12, unmet_penalty=50), Demand("y", 5, split=False, unmet_penalty=80),
               Demand("z", 6, unmet_penalty=40)]
    arcs = [Arc("a1", "x", 2), Arc("a2", "x", 3), Arc("a2", "y", 1), Arc("b1", "z", 4)]
    return Problem.from_arcs(offers, demands, arcs)


def test_components_are_solved_separately_with_the_same_objective() -> None:
    """Splitting into connected components changes nothing in the optimum."""
    problem = _two_islands()
    separate = solve(problem)
    assert separate.stats.components == 2
    together = Problem.from_arcs(problem.offers, problem.demands,
                                 [*(Arc(problem.offers[o].id, problem.demands[d].id, int(c))
                                    for o, d, c in zip(problem.arc_offer, problem.arc_demand,
                                                       problem.arc_unit_cost, strict=True)),
                                  Arc("b1", "x", 10**6)])
    joined = solve(together)
    assert joined.stats.components == 1
    assert separate.objective == joined.objective == 2 * 10 + 3 * 2 + 5 * 1 + 4 * 6


def test_components_in_worker_processes_give_the_same_answer() -> None:
    """Large components solved in spawned processes give the answer of one process."""
    problem = _two_islands()
    inline = solve(problem)
    pooled = solve(problem, SolveParams(processes=2, parallel_min_arcs=1))
    assert pooled.stats.processes == 2
    assert pooled.objective == inline.objective
    assert pooled.allocations() == inline.allocations()


def test_same_seed_gives_the_same_result() -> None:
    """Same input and seed twice: identical allocations, unmet and objective."""
    rng = np.random.default_rng(3)
    offers = [Offer(f"o{i}", int(rng.integers(5, 30)), int(rng.integers(0, 3)))
              for i in range(8)]
    demands = [Demand(f"d{j}", int(rng.integers(1, 12)), split=bool(rng.random() < 0.5),
                      unmet_penalty=100) for j in range(12)]
    arcs = [Arc(o.id, d.id, int(rng.integers(1, 9)), int(rng.integers(1, 3)))
            for o in offers for d in demands if rng.random() < 0.5]
    problem = Problem.from_arcs(offers, demands, arcs)
    first, second = solve(problem, seed=5), solve(problem, seed=5)
    assert first.allocations() == second.allocations()
    assert first.unmet == second.unmet
    assert first.objective == second.objective


def test_gap_is_zero_at_optimum_and_reported() -> None:
    """An optimal CP-SAT solve reports bound = objective and gap 0."""
    result = solve(_two_islands(), CP_SAT)
    assert result.status == "optimal"
    assert result.stats.gap == 0.0
    assert result.stats.bound == result.objective


@pytest.mark.parametrize("params", [{"time_limit_s": 0}, {"workers": 0}, {"processes": 0},
                                    {"relative_gap": -1.0}])
def test_bad_params_are_refused(params: dict[str, float]) -> None:
    """SolveParams refuses a zero time limit, no workers, no processes, a negative gap."""
    with pytest.raises(MatchingError):
        SolveParams(**params)  # type: ignore[arg-type]


def _single_source_instance(seed: int = 3) -> Problem:
    rng = np.random.default_rng(seed)
    offers = [Offer(f"o{i}", int(rng.integers(40, 90))) for i in range(8)]
    demands = [Demand(f"d{j}", int(rng.integers(5, 30)), split=False, unmet_penalty=10_000)
               for j in range(30)]
    arcs = [Arc(f"o{i}", f"d{j}", int(rng.integers(10, 100)))
            for j in range(30) for i in rng.choice(8, size=4, replace=False).tolist()]
    return Problem.from_arcs(offers, demands, arcs)


def test_bound_is_valid_and_at_least_the_split_relaxation() -> None:
    """The reported bound never exceeds the objective and is at least the relaxation's optimum
    (the same demands allowed to split), even when the search stops early."""
    problem = _single_source_instance()
    offer_ids = [o.id for o in problem.offers]
    demand_ids = [d.id for d in problem.demands]
    relaxed = Problem.from_arcs(
        problem.offers,
        [Demand(d.id, d.quantity, unmet_penalty=d.unmet_penalty) for d in problem.demands],
        [Arc(offer_ids[o], demand_ids[d], int(c)) for o, d, c in zip(
            problem.arc_offer, problem.arc_demand, problem.arc_unit_cost, strict=True)])
    relaxation = solve(relaxed).objective
    for limit in (0.05, 10.0):
        result = solve(problem, SolveParams(time_limit_s=limit))
        assert relaxation <= result.stats.bound <= result.objective


def test_single_source_search_starts_from_a_solution_that_keeps_the_rules() -> None:
    """Even cut short at once, a single-source solve returns a solution at least as good as
    serving each demand whole from its cheapest offer with room (largest demands first)."""
    problem = _single_source_instance()
    result = solve(problem, SolveParams(time_limit_s=0.01))
    room = {o.id: o.capacity for o in problem.offers}
    greedy = 0
    order = sorted(range(len(problem.demands)), key=lambda d: -problem.demands[d].quantity)
    for d in order:
        quantity = problem.demands[d].quantity
        arcs = sorted((int(problem.arc_unit_cost[a]), problem.offers[problem.arc_offer[a]].id)
                      for a in np.flatnonzero(problem.arc_demand == d).tolist())
        for cost, offer in arcs:
            if room[offer] >= quantity:
                room[offer] -= quantity
                greedy += cost * quantity
                break
        else:
            greedy += 10_000 * quantity
    assert result.is_feasible()
    assert result.objective <= greedy


# --- the search for single-source demands (matching._search) --------------------------------


def _rule_heavy_instance(seed: int, single_share: float = 0.7, n_offers: int = 6,
                         n_demands: int = 14) -> Problem:
    """Every rule at once: min_order, min_lot, max_suppliers, capacity_use 1–3, mixed split."""
    rng = np.random.default_rng(seed)
    offers = [Offer(f"o{i}", int(rng.integers(10, 60)), int(rng.choice([0, 0, 2, 4])))
              for i in range(n_offers)]
    demands = [Demand(f"d{j}", int(rng.integers(1, 15)), split=bool(rng.random() > single_share),
                      min_lot=int(rng.choice([0, 0, 2])),
                      max_suppliers=rng.choice([None, 1, 2]),  # type: ignore[arg-type]
                      unmet_penalty=int(rng.integers(40, 120))) for j in range(n_demands)]
    arcs = [Arc(o.id, d.id, int(rng.integers(1, 60)), int(rng.integers(1, 4)))
            for o in offers for d in demands if rng.random() < 0.5]
    return Problem.from_arcs(offers, demands, arcs)


def _components(problem: Problem) -> list[Any]:
    from matching.solve import _split

    return _split(problem)[0]


def _start(c: Any) -> tuple[Any, Any, Any, Any, Any]:
    """(lower, upper, greedy, gap, greedy's choice) of a component."""
    from matching.solve import _arc_limits, _assignment, _greedy

    lower, upper = _arc_limits(c)
    greedy = _greedy(c, lower, upper)
    gap, choice = _assignment(c, greedy, upper)
    return lower, upper, greedy, gap, choice


@pytest.mark.parametrize("seed", range(12))
def test_search_keeps_every_rule_and_never_costs_more_than_the_greedy(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Local search (also with its chains capped), the Lagrangian heuristic and the
    neighbourhood search each give an allocation that keeps every rule (checked with
    _keeps_rules, splittable demands held), at no more than the greedy start costs."""
    from matching import _search
    from matching._search import (
        _choice_from,
        lagrangian,
        local_search,
        neighbourhood_search,
        repair,
    )
    from matching.solve import _cost, _keeps_rules, _with_choice

    for c in _components(_rule_heavy_instance(seed)):
        lower, upper, greedy, gap, choice = _start(c)
        assert _keeps_rules(c, greedy, lower, upper)
        searched = local_search(gap, choice)
        relaxed = lagrangian(gap, searched, 40, float("inf"), heuristic_every=3)
        wide = neighbourhood_search(gap, searched, float("inf"), seed=seed, max_iterations=15,
                                    size=4)
        with monkeypatch.context() as patch:
            patch.setattr(_search, "MAX_CHAINS", 3)
            capped = local_search(gap, choice)
        # Every demand on its cheapest arc, room or not: repair must make it fit.
        overfull = _choice_from(gap, np.arange(len(gap.arc_offer)))
        for found in (searched, capped, relaxed.choice, wide, repair(gap, overfull)):
            allocation = _with_choice(c, gap, greedy, found)
            assert _keeps_rules(c, allocation, lower, upper)
        for found in (searched, capped, relaxed.choice, wide):
            assert _cost(c, _with_choice(c, gap, greedy, found)) <= _cost(c, greedy)


def _gap_optimum(c: Any) -> int:
    """The exact optimum of an all-single-source component by scipy's MILP (HiGHS)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix, hstack, identity

    lower, upper = (np.asarray(v) for v in _start(c)[:2])
    n_arcs, n_demands = len(c.arc_offer), len(c.demand_quantity)
    quantity = c.demand_quantity[c.arc_demand]
    columns = np.arange(n_arcs)
    assign = hstack([coo_matrix((np.ones(n_arcs), (c.arc_demand, columns)),
                                shape=(n_demands, n_arcs)), identity(n_demands)])
    load = hstack([coo_matrix((quantity * c.arc_capacity_use, (c.arc_offer, columns)),
                              shape=(len(c.offer_capacity), n_arcs)),
                   coo_matrix((len(c.offer_capacity), n_demands))])
    allowed = (upper >= quantity) & (lower <= quantity)
    answer = milp(np.concatenate([c.arc_unit_cost * quantity,
                                  c.demand_penalty * c.demand_quantity]),
                  constraints=[LinearConstraint(assign, 1, 1),
                               LinearConstraint(load, -np.inf, c.offer_capacity)],
                  integrality=np.ones(n_arcs + n_demands),
                  bounds=Bounds(0, np.concatenate([allowed, np.ones(n_demands)]).astype(float)))
    assert answer.status == 0
    return round(answer.fun)


def _single_source_rules(seed: int) -> Problem:
    rng = np.random.default_rng(seed)
    offers = [Offer(f"o{i}", int(rng.integers(15, 45)), int(rng.choice([0, 0, 3])))
              for i in range(5)]
    demands = [Demand(f"d{j}", int(rng.integers(1, 12)), split=False,
                      min_lot=int(rng.choice([0, 0, 2])), unmet_penalty=int(rng.integers(50, 90)))
               for j in range(16)]
    arcs = [Arc(o.id, d.id, int(rng.integers(1, 80)), int(rng.integers(1, 3)))
            for o in offers for d in demands if rng.random() < 0.6]
    return Problem.from_arcs(offers, demands, arcs)


@pytest.mark.parametrize("seed", range(10))
def test_lagrangian_bound_never_exceeds_the_true_optimum(seed: int) -> None:
    """On small single-source instances (capacity use 1–2, min_order, min_lot) the Lagrangian
    bound is at most the optimum found by scipy's MILP, and at least the split relaxation's
    bound once it has had its steps; solve() reaches that optimum and reports a bound no
    higher, even when cut short."""
    from matching._search import lagrangian, local_search

    problem = _single_source_rules(seed)
    for c in _components(problem):
        gap, choice = _start(c)[3:]
        optimum = _gap_optimum(c)
        relaxed = lagrangian(gap, local_search(gap, choice), 200, float("inf"))
        assert relaxed.bound <= optimum <= gap.cost(relaxed.choice)
    exact = sum(_gap_optimum(c) for c in _components(problem))
    unserved = [d for d in range(len(problem.demands)) if d not in set(problem.arc_demand)]
    exact += sum(problem.demands[d].quantity * problem.demands[d].unmet_penalty
                 for d in unserved)
    result = solve(problem, SolveParams(time_limit_s=10))
    assert result.status == "optimal"
    assert result.objective == exact
    for limit in (0.001, 0.05):
        assert solve(problem, SolveParams(time_limit_s=limit)).stats.bound <= exact


def test_lagrangian_bound_is_tighter_than_the_split_relaxation() -> None:
    """Where single source makes the relaxation loose, the knapsack bound is higher (and
    still valid): two offers of 10, three demands of 6; the relaxation splits one of them."""
    from matching._search import lagrangian

    problem = Problem.from_arcs(
        [Offer("o1", 10), Offer("o2", 10)],
        [Demand(f"d{j}", 6, split=False, unmet_penalty=50) for j in range(3)],
        [Arc(o, f"d{j}", 1 + j) for o in ("o1", "o2") for j in range(3)])
    c = _components(problem)[0]
    _lower, _upper, _greedy, gap, choice = _start(c)
    relaxed = lagrangian(gap, choice, 100, float("inf"))
    # Optimum: two demands served, the dearest unmet: 6·1 + 6·2 + 6·50 = 318. The split
    # relaxation serves 20 units (6·1 + 6·2 + 8·3) and leaves 2 unmet: 142.
    assert _gap_optimum(c) == 318
    assert 142 < relaxed.bound <= 318


@pytest.mark.parametrize("seed", range(20))
def test_knapsack_values_are_exact_and_scaled_ones_are_upper_bounds(seed: int) -> None:
    """The table's value per offer is the brute-force best; with weights scaled down to fit a
    small table it is at least that (a valid bound)."""
    import itertools

    from matching import _search

    rng = np.random.default_rng(seed)
    n_offers = 3
    item_offer = rng.integers(0, n_offers, 10)
    weight = rng.integers(1, 20, 10)
    value = rng.integers(1, 30, 10)
    capacity = rng.integers(5, 40, n_offers)
    exact, chosen = _search.knapsack_values(n_offers, capacity, item_offer, weight, value)
    for o in range(n_offers):
        items = np.flatnonzero(item_offer == o).tolist()
        best = max((sum(int(value[i]) for i in subset) for r in range(len(items) + 1)
                    for subset in itertools.combinations(items, r)
                    if sum(int(weight[i]) for i in subset) <= capacity[o]), default=0)
        assert exact[o] == best
        assert int(value[chosen & (item_offer == o)].sum()) == best
        assert int(weight[chosen & (item_offer == o)].sum()) <= capacity[o]
    old = _search.KNAPSACK_CELLS
    try:
        _search.KNAPSACK_CELLS = 20
        scaled, _chosen = _search.knapsack_values(n_offers, capacity, item_offer, weight, value)
    finally:
        _search.KNAPSACK_CELLS = old
    assert np.all(scaled >= exact)


def test_neighbourhood_search_is_reproducible_for_a_seed() -> None:
    """Same choice, seed and iteration count: the same answer, never dearer than the start."""
    from matching._search import local_search, neighbourhood_search

    c = _components(_single_source_instance())[0]
    _lower, _upper, _greedy, gap, choice = _start(c)
    start = local_search(gap, choice)
    first = neighbourhood_search(gap, start, float("inf"), seed=4, max_iterations=30, size=6)
    second = neighbourhood_search(gap, start, float("inf"), seed=4, max_iterations=30, size=6)
    assert np.array_equal(first, second)
    assert gap.cost(first) <= gap.cost(start)
    assert gap.fits(first)


def test_single_source_answer_is_no_dearer_than_the_greedy_on_mixed_rules() -> None:
    """With every rule in play, even a solve cut short returns an allocation that keeps the
    rules and costs no more than the greedy start."""
    from matching.solve import _cost

    for seed in range(5):
        problem = _rule_heavy_instance(seed, n_offers=8, n_demands=25)
        result = solve(problem, SolveParams(time_limit_s=0.001))
        greedy = sum(_cost(c, _start(c)[2]) for c in _components(problem))
        unserved = set(range(len(problem.demands))) - set(problem.arc_demand.tolist())
        greedy += sum(problem.demands[d].quantity * problem.demands[d].unmet_penalty
                      for d in unserved)
        assert result.is_feasible()
        assert result.objective <= greedy
        assert result.stats.bound <= result.objective


@pytest.mark.slow
def test_large_single_source_solve_is_reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    """1,500 single-source demands, so local search, the Lagrangian phase (cut to 3 steps here,
    which leaves work for the next) and the neighbourhood search all run and stop on their own
    well before the time limit: deterministic mode gives the same allocations twice, within
    the gap asked for."""
    import importlib

    monkeypatch.setattr(importlib.import_module("matching.solve"), "LAGRANGIAN_ITERATIONS", 3)
    rng = np.random.default_rng(11)
    n_offers, n_demands = 150, 1_500
    quantity = rng.integers(1, 20, n_demands)
    capacity = rng.integers(80, 180, n_offers)  # 1.3 × the demand: all can be served
    offers = [Offer(f"o{i}", int(b)) for i, b in enumerate(capacity.tolist())]
    demands = [Demand(f"d{j}", int(q), split=False, unmet_penalty=2_000)
               for j, q in enumerate(quantity.tolist())]
    offer = np.concatenate([rng.choice(n_offers, 6, replace=False) for _ in range(n_demands)])
    problem = Problem.from_arrays(offers, demands, np.char.add("o", offer.astype(str)),
                                  np.char.add("d", np.repeat(np.arange(n_demands), 6).astype(str)),
                                  rng.integers(100, 1000, len(offer)))
    params = SolveParams(time_limit_s=60, relative_gap=0.005)
    first, second = solve(problem, params), solve(problem, params)
    assert first.allocations() == second.allocations()
    assert first.objective == second.objective
    assert first.stats.bound == second.stats.bound <= first.objective
    assert first.stats.gap <= 0.005
    assert first.stats.seconds < 30


def test_single_source_demand_below_the_minimum_order_is_not_served() -> None:
    """A whole demand of 5 is still below the offer's minimum order of 10: unmet, lot_rules."""
    problem = Problem.from_arcs([Offer("o1", 100, min_order=10)],
                                [Demand("d1", 5, split=False, unmet_penalty=1000)],
                                [Arc("o1", "d1", 7)])
    result = solve(problem)
    assert result.allocations() == []
    assert result.unmet[0].reasons == {"lot_rules": 5}


def test_supplier_limit_caps_what_the_relaxation_serves() -> None:
    """Two suppliers of 30 at most: 40 of 100 units are unmet in every solution, so the bound
    counts them and the answer is proven optimal."""
    problem = Problem.from_arcs(
        [Offer(f"o{k}", 30) for k in range(5)],
        [Demand("d1", 100, max_suppliers=2, unmet_penalty=1000)],
        [Arc(f"o{k}", "d1", 10 + k) for k in range(5)])
    result = solve(problem)
    assert result.objective == 30 * 10 + 30 * 11 + 40 * 1000
    assert result.stats.bound == result.objective
    assert result.status == "optimal"


@pytest.mark.parametrize("seed", range(20))
def test_dive_from_the_flow_keeps_every_rule(seed: int) -> None:
    """The dive's allocation keeps lots, minimum orders, single sources and supplier limits."""
    from matching.solve import _arc_limits, _dive, _keeps_rules, _min_cost_flow, _split

    rng = np.random.default_rng(seed)
    offers = [Offer(f"o{k}", int(rng.integers(5, 60)), min_order=int(rng.integers(0, 8)))
              for k in range(8)]
    demands = [Demand(f"d{k}", int(rng.integers(1, 50)), split=bool(rng.random() < 0.7),
                      min_lot=int(rng.integers(0, 10)),
                      max_suppliers=int(rng.integers(1, 3)) if rng.random() < 0.5 else None,
                      unmet_penalty=500) for k in range(10)]
    arcs = [Arc(f"o{o}", f"d{d}", int(rng.integers(1, 100)))
            for o in range(8) for d in range(10) if rng.random() < 0.4]
    for component in _split(Problem.from_arcs(offers, demands, arcs))[0]:
        lower, upper = _arc_limits(component)
        solved, flow = _min_cost_flow(component, upper, component.offer_capacity)
        assert solved
        quantity = _dive(component, lower, upper, flow, deadline=float("inf"))
        assert _keeps_rules(component, quantity, lower, upper)

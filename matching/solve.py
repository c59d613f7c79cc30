"""Solve a :class:`~matching.problem.Problem`: min-cost flow where it is exact, CP-SAT where
lot rules or capacity use apply, one connected component at a time.

The model (``docs/matching.md`` writes it out): minimise Σ unit_cost·quantity + Σ
unmet_penalty·unmet, subject to offer capacity (Σ capacity_use·quantity ≤ capacity), demand
balance (allocated + unmet = quantity), single source, minimum lot, minimum order and the
supplier limit.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from matching.diagnosis import diagnose
from matching.exceptions import MatchingError
from matching.problem import Problem
from matching.result import Result, Stats, Status

__all__ = ["SolveParams", "solve"]

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.int32]
Solver = Literal["min_cost_flow", "cp_sat"]


@dataclass(frozen=True)
class SolveParams:
    """How to solve.

    ``time_limit_s`` is the wall-clock budget of the whole solve (each component gets what is
    left). ``workers``: CP-SAT search workers (``None``: every core). ``relative_gap``: CP-SAT
    stops once (objective − bound)/objective is at most this. ``processes``: worker processes
    for independent components; components with at least ``parallel_min_arcs`` arcs go to them
    when there are two or more, the rest are solved in this process. ``deterministic``: CP-SAT
    gives the same answer for the same input and seed: with ``workers=None`` CP-SAT searches
    with one worker (sequential search is reproducible, and on the GAP benchmarks as fast as
    two), with ``workers > 1`` it runs the interleaved search (reproducible for any worker
    count, but about ten times slower there). ``deterministic=False`` runs the usual parallel
    portfolio on ``workers`` (``None``: every core), whose choice among equal-cost optima may
    change from run to run.
    ``force_cp_sat``: use CP-SAT even where min-cost flow is exact (for comparisons).
    """

    time_limit_s: float = 30.0
    workers: int | None = None
    relative_gap: float = 0.0
    processes: int = 1
    parallel_min_arcs: int = 20_000
    deterministic: bool = True
    force_cp_sat: bool = False

    def __post_init__(self) -> None:
        if not self.time_limit_s > 0:
            raise MatchingError(f"The time limit must be positive; got {self.time_limit_s}.")
        if self.workers is not None and self.workers < 1:
            raise MatchingError(f"Workers must be at least 1 (or None); got {self.workers}.")
        if not self.relative_gap >= 0:
            raise MatchingError(f"The relative gap must be non-negative; got "
                                f"{self.relative_gap}.")
        if self.processes < 1:
            raise MatchingError(f"Processes must be at least 1; got {self.processes}.")

    @property
    def search_workers(self) -> int:
        """CP-SAT search workers per solve."""
        if self.workers is not None:
            return self.workers
        return 1 if self.deterministic else (os.cpu_count() or 1)


@dataclass(frozen=True)
class _Component:
    """One connected component, indexed locally; picklable for worker processes."""

    offer_capacity: IntArray
    offer_min_order: IntArray
    demand_quantity: IntArray
    demand_penalty: IntArray
    demand_split: npt.NDArray[np.bool_]
    demand_min_lot: IntArray
    demand_max_suppliers: IntArray
    arc_offer: IndexArray
    arc_demand: IndexArray
    arc_unit_cost: IntArray
    arc_capacity_use: IntArray
    plain_flow: bool


@dataclass(frozen=True)
class _Answer:
    status: Status
    solver: Solver
    arc_quantity: IntArray
    unmet: IntArray
    bound: int


# --- components ----------------------------------------------------------------------------


def connected_components(n_nodes: int, tails: IndexArray, heads: IndexArray) -> IndexArray:
    """The component label of each node (its smallest node index), by a vectorised
    union-find: hook each arc's larger root under the smaller, then compress paths."""
    parent = np.arange(n_nodes, dtype=np.int64)
    tails64, heads64 = tails.astype(np.int64), heads.astype(np.int64)
    while True:
        a, b = parent[tails64], parent[heads64]
        differ = a != b
        if not differ.any():
            break
        np.minimum.at(parent, np.maximum(a[differ], b[differ]), np.minimum(a[differ],
                                                                           b[differ]))
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped
    return parent.astype(np.int32)


def _split(problem: Problem) -> tuple[list[_Component], list[npt.NDArray[np.int64]],
                                      list[npt.NDArray[np.int64]]]:
    """The components with at least one arc, ordered by their smallest node; with the global
    arc and demand indices of each."""
    n_offers = len(problem.offers)
    label = connected_components(n_offers + len(problem.demands), problem.arc_offer,
                                 problem.arc_demand.astype(np.int32) + n_offers)
    arc_label = label[problem.arc_offer]
    order = np.lexsort((np.arange(problem.n_arcs), arc_label))
    boundaries = np.flatnonzero(np.diff(arc_label[order])) + 1
    components, arc_sets, demand_sets = [], [], []
    for arcs in np.split(order, boundaries) if problem.n_arcs else []:
        offers, local_offer = np.unique(problem.arc_offer[arcs], return_inverse=True)
        demands, local_demand = np.unique(problem.arc_demand[arcs], return_inverse=True)
        cost = problem.arc_unit_cost[arcs]
        use = problem.arc_capacity_use[arcs]
        component = _Component(
            offer_capacity=problem.offer_capacity[offers],
            offer_min_order=problem.offer_min_order[offers],
            demand_quantity=problem.demand_quantity[demands],
            demand_penalty=problem.demand_penalty[demands],
            demand_split=problem.demand_split[demands],
            demand_min_lot=problem.demand_min_lot[demands],
            demand_max_suppliers=problem.demand_max_suppliers[demands],
            arc_offer=local_offer.astype(np.int32), arc_demand=local_demand.astype(np.int32),
            arc_unit_cost=cost, arc_capacity_use=use, plain_flow=False)
        plain = (bool(component.demand_split.all()) and not component.demand_min_lot.any()
                 and not component.demand_max_suppliers.any()
                 and not component.offer_min_order.any() and bool((use == 1).all()))
        components.append(_Component(**{**component.__dict__, "plain_flow": plain}))
        arc_sets.append(arcs.astype(np.int64))
        demand_sets.append(demands.astype(np.int64))
    return components, arc_sets, demand_sets


# --- min-cost flow -------------------------------------------------------------------------


def _min_cost_flow(c: _Component, arc_capacity: IntArray,
                   offer_capacity: IntArray) -> tuple[bool, IntArray]:
    """Demands supply their quantity; each unit flows demand → offer → sink (capacity-bounded)
    or demand → sink directly at the unmet penalty. Returns (optimal?, flow per arc)."""
    from ortools.graph.python import min_cost_flow

    n_offers, n_demands, n_arcs = len(c.offer_capacity), len(c.demand_quantity), len(c.arc_offer)
    sink = n_offers + n_demands
    demand_nodes = np.arange(n_offers, sink, dtype=np.int64)
    offer_nodes = np.arange(n_offers, dtype=np.int64)
    tails = np.concatenate([c.arc_demand.astype(np.int64) + n_offers, offer_nodes, demand_nodes])
    heads = np.concatenate([c.arc_offer.astype(np.int64), np.full(n_offers, sink),
                            np.full(n_demands, sink)])
    capacities = np.concatenate([arc_capacity, offer_capacity, c.demand_quantity])
    costs = np.concatenate([c.arc_unit_cost, np.zeros(n_offers, dtype=np.int64),
                            c.demand_penalty])
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_nodes_supplies(np.append(demand_nodes, sink),
                            np.append(c.demand_quantity, -int(c.demand_quantity.sum())))
    if flow.solve() != flow.OPTIMAL:
        return False, np.zeros(n_arcs, dtype=np.int64)
    return True, np.asarray(flow.flows(arcs[:n_arcs]), dtype=np.int64)


def _by_group(groups: IndexArray, size: int) -> list[npt.NDArray[np.int64]]:
    order = np.argsort(groups, kind="stable")
    return np.split(order, np.searchsorted(groups[order], np.arange(1, size)))


def _greedy(c: _Component, lower: IntArray, upper: IntArray) -> IntArray:
    """A solution that keeps every rule: demands in order of quantity (largest first) take
    their cheapest arcs with room, whole for single-source demands, in allowed lots otherwise.
    CP-SAT starts from it; a relaxed flow would split single-source demands."""
    room = c.offer_capacity.copy()
    quantity = np.zeros(len(c.arc_offer), dtype=np.int64)
    arcs_of = _by_group(c.arc_demand, len(c.demand_quantity))
    order = np.argsort(-c.demand_quantity, kind="stable")
    for d in order.tolist():
        arcs = arcs_of[d]
        if not len(arcs):
            continue
        arcs = arcs[np.argsort(c.arc_unit_cost[arcs], kind="stable")]
        left = int(c.demand_quantity[d])
        # No supplier limit is stored as 0.
        suppliers = (int(c.demand_max_suppliers[d]) or len(arcs)) if c.demand_split[d] else 1
        for a in arcs.tolist():
            if left <= 0 or suppliers == 0:
                break
            use = int(c.arc_capacity_use[a])
            if c.arc_unit_cost[a] >= c.demand_penalty[d]:
                break  # dearer than leaving the unit unmet
            take = min(left, int(upper[a]), int(room[c.arc_offer[a]]) // use)
            if not c.demand_split[d] and take < left:
                continue  # a single source serves the whole quantity or nothing
            if take < lower[a]:
                continue
            quantity[a] = take
            room[c.arc_offer[a]] -= take * use
            left -= take
            suppliers -= 1
    return quantity


def _cost(c: _Component, quantity: IntArray) -> int:
    unmet = c.demand_quantity - np.bincount(c.arc_demand, weights=quantity,
                                            minlength=len(c.demand_quantity)).astype(np.int64)
    return int((c.arc_unit_cost * quantity).sum() + (c.demand_penalty * unmet).sum())


def _keeps_rules(c: _Component, quantity: IntArray, lower: IntArray, upper: IntArray) -> bool:
    positive = quantity > 0
    if np.any(positive & ((quantity < lower) | (quantity > upper))):
        return False
    load = np.bincount(c.arc_offer, weights=quantity * c.arc_capacity_use,
                       minlength=len(c.offer_capacity))
    if np.any(load > c.offer_capacity):
        return False
    suppliers = np.bincount(c.arc_demand, weights=positive,
                            minlength=len(c.demand_quantity))
    limit = np.where(c.demand_split, c.demand_max_suppliers, 1)
    return not np.any((limit > 0) & (suppliers > limit))


def _cp_sat(c: _Component, params: SolveParams, seed: int,
            time_limit_s: float, workers: int) -> _Answer:
    import pandas as pd  # type: ignore[import-untyped]  # ortools depends on pandas
    from ortools.sat.python import cp_model

    n_arcs = len(c.arc_offer)
    quantity = c.demand_quantity[c.arc_demand]
    upper = np.minimum(quantity, c.offer_capacity[c.arc_offer] // c.arc_capacity_use)
    lower = np.maximum.reduce([np.ones(n_arcs, dtype=np.int64), c.demand_min_lot[c.arc_demand],
                               c.offer_min_order[c.arc_offer]])
    lower = np.where(c.demand_split[c.arc_demand], lower, quantity)
    upper = np.where(lower > upper, 0, upper)  # the arc can carry no allowed lot at all

    model = cp_model.CpModel()
    x = [model.new_int_var(0, int(u), f"x{a}") for a, u in enumerate(upper.tolist())]
    used = model.new_bool_var_series("used", pd.RangeIndex(n_arcs)).tolist()
    unmet = [model.new_int_var(0, int(q), f"unmet{d}")
             for d, q in enumerate(c.demand_quantity.tolist())]
    for a, (lo, hi) in enumerate(zip(lower.tolist(), upper.tolist(), strict=True)):
        model.add(x[a] <= hi * used[a])
        model.add(x[a] >= lo * used[a])
    for d, arcs in enumerate(_by_group(c.arc_demand, len(c.demand_quantity))):
        chosen = arcs.tolist()
        model.add(sum(x[a] for a in chosen) + unmet[d] == int(c.demand_quantity[d]))
        limit = 1 if not c.demand_split[d] else int(c.demand_max_suppliers[d])
        if limit and limit < len(chosen):
            model.add(sum(used[a] for a in chosen) <= limit)
    use = c.arc_capacity_use.tolist()
    for o, arcs in enumerate(_by_group(c.arc_offer, len(c.offer_capacity))):
        chosen = arcs.tolist()
        if sum(use[a] * upper[a] for a in chosen) > c.offer_capacity[o]:
            model.add(cp_model.LinearExpr.weighted_sum([x[a] for a in chosen],
                                                       [use[a] for a in chosen])
                      <= int(c.offer_capacity[o]))
    model.minimize(cp_model.LinearExpr.weighted_sum(
        x + unmet, c.arc_unit_cost.tolist() + c.demand_penalty.tolist()))

    # Warm start: the cheaper of a greedy solution that keeps every rule and the min-cost flow
    # of the relaxation without lot rules (an offer's capacity counted at its smallest
    # capacity use), when that flow happens to keep the rules too.
    hint = _greedy(c, lower, upper)
    smallest_use = np.full(len(c.offer_capacity), np.iinfo(np.int64).max)
    np.minimum.at(smallest_use, c.arc_offer, c.arc_capacity_use)
    solved, flow = _min_cost_flow(c, upper, c.offer_capacity // smallest_use)
    # The relaxation's optimum is also a lower bound on this model's, usually far tighter than
    # what CP-SAT proves on few workers without its LP subsolvers.
    relaxed_bound = _cost(c, flow) if solved else 0
    if solved and _keeps_rules(c, flow, lower, upper) and relaxed_bound < _cost(c, hint):
        hint = flow
    hint_unmet = c.demand_quantity - np.bincount(c.arc_demand, weights=hint,
                                                 minlength=len(c.demand_quantity))
    for a, value in enumerate(hint.tolist()):
        model.add_hint(x[a], value)
        model.add_hint(used[a], value > 0)
    for d, value in enumerate(hint_unmet.astype(np.int64).tolist()):
        model.add_hint(unmet[d], value)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit_s, 0.01)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = workers
    solver.parameters.relative_gap_limit = params.relative_gap
    if params.deterministic and workers > 1:
        # Interleaved search runs the subsolvers in a fixed schedule: the same answer for the
        # same seed whatever the thread timing (unless the time limit cuts it short).
        solver.parameters.interleave_search = True
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Answer("infeasible", "cp_sat", np.zeros(n_arcs, dtype=np.int64),
                       c.demand_quantity.copy(), int((c.demand_penalty
                                                      * c.demand_quantity).sum()))
    quantities = np.array([solver.value(v) for v in x], dtype=np.int64)
    left = np.array([solver.value(v) for v in unmet], dtype=np.int64)
    status: Status = "optimal" if code == cp_model.OPTIMAL else "feasible"
    bound = max(math.ceil(solver.best_objective_bound - 1e-6), relaxed_bound)
    objective = int(solver.objective_value)
    if bound >= objective:
        status = "optimal"  # the relaxation proves what the search could not
    return _Answer(status, "cp_sat", quantities, left,
                   objective if status == "optimal" else bound)


def _solve_component(c: _Component, params: SolveParams, seed: int, time_limit_s: float,
                     workers: int) -> _Answer:
    """Solve one component (a top-level function, so spawned worker processes can run it)."""
    if c.plain_flow and not params.force_cp_sat:
        solved, quantities = _min_cost_flow(
            c, np.minimum(c.demand_quantity[c.arc_demand], c.offer_capacity[c.arc_offer]),
            c.offer_capacity)
        unmet = c.demand_quantity - _sum_by(c.arc_demand, quantities, len(c.demand_quantity))
        if not solved:
            return _Answer("infeasible", "min_cost_flow", quantities, c.demand_quantity.copy(),
                           int((c.demand_penalty * c.demand_quantity).sum()))
        objective = int((c.arc_unit_cost * quantities).sum() + (c.demand_penalty * unmet).sum())
        return _Answer("optimal", "min_cost_flow", quantities, unmet, objective)
    return _cp_sat(c, params, seed, time_limit_s, workers)


def _sum_by(index: IndexArray, values: IntArray, size: int) -> IntArray:
    total = np.zeros(size, dtype=np.int64)
    np.add.at(total, index, values)
    return total


# --- solve ---------------------------------------------------------------------------------


def solve(problem: Problem, params: SolveParams | None = None, seed: int = 0) -> Result:
    """Allocate demands to offers at least cost; see the module docstring for the model."""
    params = params or SolveParams()
    started = time.perf_counter()
    deadline = started + params.time_limit_s
    components, arc_sets, demand_sets = _split(problem)

    big = [k for k, c in enumerate(components) if len(c.arc_offer) >= params.parallel_min_arcs]
    processes = min(params.processes, len(big)) if len(big) >= 2 else 1
    answers: dict[int, _Answer] = {}
    if processes > 1:
        workers = (max(1, (params.workers or os.cpu_count() or 1) // processes)
                   if params.workers or not params.deterministic else 1)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            futures = {k: pool.submit(_solve_component, components[k], params, seed,
                                      deadline - time.perf_counter(), workers) for k in big}
            for k, c in enumerate(components):
                if k not in futures:
                    answers[k] = _solve_component(c, params, seed,
                                                  deadline - time.perf_counter(), workers)
            for k, future in futures.items():
                answers[k] = future.result()
    else:
        for k, c in enumerate(components):
            answers[k] = _solve_component(c, params, seed, deadline - time.perf_counter(),
                                          params.search_workers)

    arc_quantity = np.zeros(problem.n_arcs, dtype=np.int64)
    unmet = problem.demand_quantity.copy()
    statuses: set[Status] = set()
    solvers: set[str] = set()
    bound = 0
    for k in range(len(components)):
        answer = answers[k]
        arc_quantity[arc_sets[k]] = answer.arc_quantity
        unmet[demand_sets[k]] = answer.unmet
        statuses.add(answer.status)
        solvers.add(answer.solver)
        bound += answer.bound
    served = np.bincount(problem.arc_demand, minlength=len(problem.demands)) > 0
    bound += int((problem.demand_penalty * problem.demand_quantity)[~served].sum())

    allocation_cost = int((problem.arc_unit_cost * arc_quantity).sum())
    unmet_cost = int((problem.demand_penalty * unmet).sum())
    objective = allocation_cost + unmet_cost
    status: Status = ("infeasible" if "infeasible" in statuses
                      else "feasible" if "feasible" in statuses else "optimal")
    positive = np.flatnonzero(arc_quantity > 0)
    stats = Stats(
        solver=(solvers.pop() if len(solvers) == 1 else "mixed" if solvers else "none"),
        components=len(components),
        cp_sat_components=sum(a.solver == "cp_sat" for a in answers.values()),
        processes=processes, seconds=round(time.perf_counter() - started, 6),
        gap=(objective - bound) / max(1, abs(objective)) if status != "infeasible" else 0.0,
        bound=bound, offers=len(problem.offers), demands=len(problem.demands),
        arcs=problem.n_arcs, seed=seed)
    return Result(
        status=status, objective=objective,
        offer_ids=tuple(o.id for o in problem.offers),
        demand_ids=tuple(d.id for d in problem.demands),
        allocation_offer=problem.arc_offer[positive].copy(),
        allocation_demand=problem.arc_demand[positive].copy(),
        allocation_quantity=arc_quantity[positive],
        allocation_cost=allocation_cost, unmet_cost=unmet_cost,
        unmet=diagnose(problem, arc_quantity, unmet), stats=stats)

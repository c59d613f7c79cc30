"""Solve a :class:`~matching.problem.Problem`: min-cost flow where it is exact, CP-SAT where
lot rules or capacity use apply, one connected component at a time. Single-source demands are
searched first (:mod:`matching._search`: local search, a Lagrangian bound and heuristic,
large-neighbourhood search), so that CP-SAT starts from a good allocation and a tight bound.

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
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from matching._search import (
    NONE,
    Assignment,
    lagrangian,
    local_search,
    neighbourhood_search,
)
from matching.diagnosis import diagnose
from matching.exceptions import MatchingError
from matching.problem import Problem
from matching.result import Result, Stats, Status

__all__ = ["SolveParams", "solve"]

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.int32]
Solver = Literal["min_cost_flow", "cp_sat"]

#: The share of a component's time that local search and the Lagrangian phase may take at most
#: (they stop earlier on their own: a local optimum, an iteration count, a proof).
SEARCH_SHARE = 0.5
#: The share of a component's time the dive from the relaxation's flow may take at most.
DIVE_SHARE = 0.3
#: Subgradient steps of the Lagrangian phase (about 40 ms each on 200,000 arcs).
LAGRANGIAN_ITERATIONS = 300
#: Large-neighbourhood search runs on components with at least this many single-source
#: demands (below, a neighbourhood is a large part of the whole, which CP-SAT then does
#: better on its own), up to this share of the component's time and this many neighbourhoods
#: (about 20 ms each); CP-SAT on the whole model gets the rest.
NEIGHBOURHOOD_MIN_DEMANDS = 1_000
NEIGHBOURHOOD_SHARE = 0.8
NEIGHBOURHOOD_ITERATIONS = 3_000


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


def _within_limits(c: _Component, upper: IntArray) -> IntArray:
    """Per demand, the most it can be served: its quantity, or for a demand limited to k
    suppliers (1 for a single source) the sum of its k largest arc limits if that is less."""
    n_arcs, n_demands = len(c.arc_offer), len(c.demand_quantity)
    limit = np.where(c.demand_split, c.demand_max_suppliers, 1)
    order = np.lexsort((np.arange(n_arcs), -upper, c.arc_demand))
    start = np.searchsorted(c.arc_demand[order], np.arange(n_demands))
    rank = np.arange(n_arcs) - start[c.arc_demand[order]]
    counted = (limit[c.arc_demand[order]] == 0) | (rank < limit[c.arc_demand[order]])
    most = _sum_by(c.arc_demand[order], np.where(counted, upper[order], 0), n_demands)
    return np.minimum(c.demand_quantity, most)


def _dive(c: _Component, lower: IntArray, upper: IntArray, flow: IntArray,
          deadline: float) -> IntArray:
    """A start that keeps every rule, from the relaxation's flow (capacity use 1 throughout):
    fix what breaks a rule and solve the flow again, until nothing does.

    Each round, on the flow: a demand with more suppliers than it may have keeps its largest
    arcs and the others are forbidden; an arc carrying less than its smallest allowed lot
    (minimum lot, minimum order, a single source's whole quantity) is forced up to that lot
    when it carries at least half of it and its offer and demand have the room (largest
    first), and forbidden otherwise. Forced lots are taken off the offers' capacity and the
    demands' quantity, and the flow is solved again over the arcs still allowed. Every round
    forbids or forces at least one arc, so the dive ends; at the deadline, the forced lots
    alone (which keep every rule) are the answer."""
    n_arcs, n_demands = len(c.arc_offer), len(c.demand_quantity)
    allowed = upper > 0
    forced = np.zeros(n_arcs, dtype=np.int64)
    limit = np.where(c.demand_split, c.demand_max_suppliers, 1)  # 0: no limit
    while True:
        positive = flow > 0
        count = np.bincount(c.arc_demand, weights=positive, minlength=n_demands)
        # Rank each demand's arcs by flow, largest first (ties: arc order).
        order = np.lexsort((np.arange(n_arcs), -flow, c.arc_demand))
        start = np.searchsorted(c.arc_demand[order], np.arange(n_demands))
        rank = np.empty(n_arcs, dtype=np.int64)
        rank[order] = np.arange(n_arcs) - start[c.arc_demand[order]]
        crowded = positive & (limit[c.arc_demand] > 0) & (count[c.arc_demand]
                                                          > limit[c.arc_demand])
        forbid = crowded & (rank >= limit[c.arc_demand])
        small = positive & ~forbid & (flow < lower) & (forced == 0)
        if not forbid.any() and not small.any():
            return flow
        if time.perf_counter() >= deadline:
            return forced
        room = c.offer_capacity - _sum_by(c.arc_offer, forced, len(c.offer_capacity))
        left = c.demand_quantity - _sum_by(c.arc_demand, forced, n_demands)
        taken = _sum_by(c.arc_demand, (forced > 0).astype(np.int64), n_demands)
        for a in np.flatnonzero(small)[np.argsort(-flow[small], kind="stable")].tolist():
            o, d, lot = int(c.arc_offer[a]), int(c.arc_demand[a]), int(lower[a])
            if (2 * flow[a] >= lot and room[o] >= lot and left[d] >= lot
                    and (limit[d] == 0 or taken[d] < limit[d])):
                forced[a], room[o], left[d], taken[d] = lot, room[o] - lot, left[d] - lot, \
                    taken[d] + 1
            else:
                forbid[a] = True
        allowed &= ~forbid
        # A demand that reached its supplier limit with forced arcs takes no other arc.
        full = (limit > 0) & (taken >= limit)
        allowed &= ~(full[c.arc_demand] & (forced == 0))
        # Single source: a forced arc is the whole demand, so its other arcs are closed too.
        capacity = np.where(allowed, np.maximum(upper - forced, 0), 0)
        capacity[forced > 0] = np.where(c.demand_split[c.arc_demand[forced > 0]],
                                        capacity[forced > 0], 0)
        rest = _Component(**{**c.__dict__, "demand_quantity": np.maximum(left, 0)})
        solved, extra = _min_cost_flow(rest, capacity, np.maximum(room, 0))
        if not solved:
            return forced
        flow = forced + extra


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


def _arc_limits(c: _Component) -> tuple[IntArray, IntArray]:
    """The smallest and largest positive quantity each arc may carry; upper 0 where no
    allowed lot fits. A single-source demand's only allowed quantity is its whole quantity."""
    n_arcs = len(c.arc_offer)
    quantity = c.demand_quantity[c.arc_demand]
    upper = np.minimum(quantity, c.offer_capacity[c.arc_offer] // c.arc_capacity_use)
    lower = np.maximum.reduce([np.ones(n_arcs, dtype=np.int64), c.demand_min_lot[c.arc_demand],
                               c.offer_min_order[c.arc_offer]])
    # Single source: the whole quantity, and still no less than the offer's minimum order.
    lower = np.where(c.demand_split[c.arc_demand], lower, np.maximum(lower, quantity))
    upper = np.where(lower > upper, 0, upper)  # the arc can carry no allowed lot at all
    return lower, upper


def _assignment(c: _Component, hint: IntArray, upper: IntArray) -> tuple[Assignment, IntArray]:
    """The single-source demands of a component as a GAP, with splittable demands held at
    their allocation in ``hint`` (their load taken off the room); and the choice ``hint``
    makes for each single-source demand."""
    single = np.flatnonzero(~c.demand_split)
    local = np.full(len(c.demand_quantity), NONE, dtype=np.int64)
    local[single] = np.arange(len(single))
    split_arc = c.demand_split[c.arc_demand]
    held = np.where(split_arc, hint * c.arc_capacity_use, 0)
    room = c.offer_capacity - np.bincount(c.arc_offer, weights=held,
                                          minlength=len(c.offer_capacity)).astype(np.int64)
    quantity = c.demand_quantity[c.arc_demand]
    allowed = np.flatnonzero(~split_arc & (upper > 0)
                             & (c.arc_unit_cost < c.demand_penalty[c.arc_demand]))
    gap = Assignment(
        room=room, unmet_cost=(c.demand_penalty * c.demand_quantity)[single],
        arc_offer=c.arc_offer[allowed].astype(np.int64),
        arc_demand=local[c.arc_demand[allowed]],
        arc_weight=(c.arc_capacity_use * quantity)[allowed],
        arc_cost=(c.arc_unit_cost * quantity)[allowed], arc_index=allowed.astype(np.int64))
    choice = np.full(len(single), NONE, dtype=np.int64)
    served = np.flatnonzero(hint[allowed] > 0)
    choice[gap.arc_demand[served]] = served
    # A hint on an arc left out (no dearer than unmet) leaves that demand unmet instead.
    return gap, choice


def _with_choice(c: _Component, gap: Assignment, hint: IntArray, choice: IntArray) -> IntArray:
    """``hint`` with its single-source allocations replaced by ``choice``."""
    quantity = np.where(c.demand_split[c.arc_demand], hint, 0)
    arcs = gap.arc_index[choice[choice >= 0]]
    quantity[arcs] = c.demand_quantity[c.arc_demand[arcs]]
    return quantity


def _cp_sat(c: _Component, params: SolveParams, seed: int,
            time_limit_s: float, workers: int) -> _Answer:
    started = time.perf_counter()
    deadline = started + time_limit_s
    lower, upper = _arc_limits(c)

    # A start that keeps every rule: the cheaper of a greedy (demands by quantity, largest
    # first, each to its cheapest arcs with room, whole where single-source) and the min-cost
    # flow of the relaxation without lot rules (an offer's capacity counted at its smallest
    # capacity use), when that flow happens to keep the rules too.
    hint = _greedy(c, lower, upper)
    smallest_use = np.full(len(c.offer_capacity), np.iinfo(np.int64).max)
    np.minimum.at(smallest_use, c.arc_offer, c.arc_capacity_use)
    # A demand limited to k suppliers can get no more than its k largest arcs can carry: the
    # rest is unmet in every solution, so the relaxation does not serve it either.
    reachable = _Component(**{**c.__dict__, "demand_quantity": _within_limits(c, upper)})
    solved, flow = _min_cost_flow(reachable, upper, c.offer_capacity // smallest_use)
    # The relaxation's optimum is also a lower bound on this model's, usually far tighter than
    # what CP-SAT proves on few workers without its LP subsolvers.
    bound = _cost(c, flow) if solved else 0
    if solved and _keeps_rules(c, flow, lower, upper) and bound < _cost(c, hint):
        hint = flow
    if solved and (c.arc_capacity_use == 1).all():
        hint = _better(c, hint, _dive(c, lower, upper, flow, started + DIVE_SHARE
                                      * time_limit_s), lower, upper)

    # Single-source demands (splittable ones held where the start put them): improve the
    # start by local search; where every demand is single source, by the Lagrangian heuristic,
    # whose bound is also tighter than the relaxation's (its knapsacks keep each demand whole);
    # on large components, by large-neighbourhood search. CP-SAT on the whole model is slow to
    # improve on such a start beyond a few thousand arcs. All three count iterations, so a
    # solve that the deadline does not cut short is reproducible.
    single = bool((~c.demand_split).any())
    if single:
        search_deadline = started + SEARCH_SHARE * time_limit_s
        gap, choice = _assignment(c, hint, upper)
        choice = local_search(gap, choice, search_deadline)
        if not c.demand_split.any():
            relaxed = lagrangian(gap, choice, LAGRANGIAN_ITERATIONS, search_deadline)
            choice, bound = relaxed.choice, max(bound, relaxed.bound)
        hint = _better(c, hint, _with_choice(c, gap, hint, choice), lower, upper)
    if _good_enough(_cost(c, hint), bound, params.relative_gap):
        return _answer(c, hint, bound)

    building = time.perf_counter()
    model, x, used, unmet = _model(c, lower, upper, at_least=bound)
    if single and gap.n_demands >= NEIGHBOURHOOD_MIN_DEMANDS:
        # Leave CP-SAT about as long as building its model took: loading it takes as long.
        wide_deadline = min(started + NEIGHBOURHOOD_SHARE * time_limit_s,
                            deadline - (time.perf_counter() - building))
        # What the splittable demands cost, held as they are: the rest is the GAP's.
        held = _cost(c, _with_choice(c, gap, hint, choice)) - gap.cost(choice)
        choice = neighbourhood_search(gap, choice, wide_deadline, seed,
                                      NEIGHBOURHOOD_ITERATIONS, bound=bound - held,
                                      relative_gap=params.relative_gap)
        hint = _better(c, hint, _with_choice(c, gap, hint, choice), lower, upper)
        if _good_enough(_cost(c, hint), bound, params.relative_gap):
            return _answer(c, hint, bound)
    best = _cost(c, hint)
    _add_hint(model, c, hint, x, used, unmet)
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(deadline - time.perf_counter(), 0.01)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = workers
    solver.parameters.relative_gap_limit = params.relative_gap
    if params.deterministic and workers > 1:
        # Interleaved search runs the subsolvers in a fixed schedule: the same answer for the
        # same seed whatever the thread timing (unless the time limit cuts it short).
        solver.parameters.interleave_search = True
    code = solver.solve(model)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = _values(c, solver, x, used)
        bound = max(bound, math.ceil(solver.best_objective_bound - 1e-6))
        if code == cp_model.OPTIMAL:
            bound = max(bound, _cost(c, found))
        if _cost(c, found) <= best and _keeps_rules(c, found, lower, upper):
            hint, best = found, _cost(c, found)
    # Whatever CP-SAT returns (or if it returns nothing in time), the start keeps every rule.
    return _answer(c, hint, bound)


def _better(c: _Component, current: IntArray, candidate: IntArray, lower: IntArray,
            upper: IntArray) -> IntArray:
    """``candidate`` where it keeps every rule and costs no more, else ``current``."""
    if _keeps_rules(c, candidate, lower, upper) and _cost(c, candidate) <= _cost(c, current):
        return candidate
    return current


def _good_enough(objective: int, bound: int, relative_gap: float) -> bool:
    """Proved optimal, or within the gap asked for: nothing left for CP-SAT to do."""
    return objective - bound <= relative_gap * max(1, abs(objective))


def _answer(c: _Component, quantity: IntArray, bound: int) -> _Answer:
    """The answer for an allocation that keeps every rule, given a valid lower bound."""
    unmet = c.demand_quantity - _sum_by(c.arc_demand, quantity, len(c.demand_quantity))
    objective = _cost(c, quantity)
    optimal = bound >= objective
    return _Answer("optimal" if optimal else "feasible", "cp_sat", quantity, unmet,
                   objective if optimal else bound)


def _model(c: _Component, lower: IntArray, upper: IntArray,
           at_least: int = 0) -> tuple[Any, Any, Any, list[Any]]:
    """The CP-SAT model. Splittable demands: an integer quantity and a "used" literal per arc.
    Single-source demands: the "used" literal alone (quantity = demand quantity × literal) and
    an "unserved" literal, exactly one of them true per demand. ``at_least``: a valid lower
    bound on the objective, added as a constraint."""
    import pandas as pd  # type: ignore[import-untyped]  # ortools depends on pandas
    from ortools.sat.python import cp_model

    n_arcs, n_demands = len(c.arc_offer), len(c.demand_quantity)
    demand_quantity = c.demand_quantity.tolist()
    quantity = c.demand_quantity[c.arc_demand]
    split = c.demand_split[c.arc_demand]
    model = cp_model.CpModel()
    used = model.new_bool_var_series("used", pd.RangeIndex(n_arcs)).tolist()
    x: list[Any] = list(used)  # replaced below by integer variables on splittable arcs
    for a in np.flatnonzero(split).tolist():
        hi, lo = int(upper[a]), int(lower[a])
        x[a] = model.new_int_var(0, hi, f"x{a}")
        model.add(x[a] <= hi * used[a])
        model.add(x[a] >= lo * used[a])
    for a in np.flatnonzero(~split & (upper == 0)).tolist():
        model.add(used[a] == 0)
    # What a unit of each arc term stands for: one unit of x, or the whole quantity.
    scale = np.where(split, 1, quantity)
    unmet: list[Any] = []
    for d, arcs in enumerate(_by_group(c.arc_demand, n_demands)):
        chosen = arcs.tolist()
        if c.demand_split[d]:
            unmet.append(model.new_int_var(0, demand_quantity[d], f"unmet{d}"))
            model.add(sum(x[a] for a in chosen) + unmet[d] == demand_quantity[d])
            limit = int(c.demand_max_suppliers[d])
            if limit and limit < len(chosen):
                model.add(sum(used[a] for a in chosen) <= limit)
        else:
            unmet.append(model.new_bool_var(f"unserved{d}"))
            model.add_exactly_one([used[a] for a in chosen] + [unmet[d]])
    weight = (c.arc_capacity_use * scale).tolist()
    most = np.where(split, upper, 1) * c.arc_capacity_use * scale
    for o, arcs in enumerate(_by_group(c.arc_offer, len(c.offer_capacity))):
        chosen = arcs.tolist()
        if int(most[arcs].sum()) > c.offer_capacity[o]:
            model.add(cp_model.LinearExpr.weighted_sum([x[a] for a in chosen],
                                                       [weight[a] for a in chosen])
                      <= int(c.offer_capacity[o]))
    unmet_scale = np.where(c.demand_split, 1, c.demand_quantity)
    objective = cp_model.LinearExpr.weighted_sum(
        x + unmet, (c.arc_unit_cost * scale).tolist()
        + (c.demand_penalty * unmet_scale).tolist())
    model.minimize(objective)
    if at_least > 0:
        # A bound proved outside (every solution costs at least this): redundant, so it cuts
        # off no solution, but it gives CP-SAT's search what its own relaxation lacks.
        model.add(objective >= at_least)
    return model, x, used, unmet


def _add_hint(model: Any, c: _Component, hint: IntArray, x: list[Any], used: list[Any],
              unmet: list[Any]) -> None:
    """A complete hint, written into the model's proto in bulk (``add_hint`` one variable at a
    time took 0.9 s on 200,000 arcs)."""
    split = np.flatnonzero(c.demand_split[c.arc_demand])
    left = c.demand_quantity - _sum_by(c.arc_demand, hint, len(c.demand_quantity))
    variables = [x[a] for a in split.tolist()] + used + unmet
    values = np.concatenate([hint[split], hint > 0,
                             np.where(c.demand_split, left, left > 0)]).astype(np.int64)
    model.clear_hints()
    model.proto.solution_hint.vars.extend([v.index for v in variables])
    model.proto.solution_hint.values.extend(values.tolist())


def _values(c: _Component, solver: Any, x: list[Any], used: list[Any]) -> IntArray:
    import pandas as pd

    split = np.flatnonzero(c.demand_split[c.arc_demand])
    chosen = solver.boolean_values(pd.Series(used)).to_numpy(dtype=bool)
    quantity = np.where(chosen, c.demand_quantity[c.arc_demand], 0).astype(np.int64)
    if len(split):
        quantity[split] = solver.values(pd.Series([x[a] for a in split.tolist()])).to_numpy(
            dtype=np.int64)
    return quantity


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
            # The big components run side by side, each with its share of processes × the
            # time by size; the small ones are solved here meanwhile, sharing the time too.
            big_arcs = sum(len(components[k].arc_offer) for k in big)
            futures = {k: pool.submit(_solve_component, components[k], params, seed,
                                      min(1.0, processes * len(components[k].arc_offer)
                                          / big_arcs) * (deadline - time.perf_counter()),
                                      workers) for k in big}
            small_arcs = sum(len(c.arc_offer) for k, c in enumerate(components)
                             if k not in futures)
            for k, c in enumerate(components):
                if k not in futures:
                    share = len(c.arc_offer) / max(1, small_arcs)
                    small_arcs -= len(c.arc_offer)
                    answers[k] = _solve_component(c, params, seed,
                                                  share * (deadline - time.perf_counter()),
                                                  workers)
            for k, future in futures.items():
                answers[k] = future.result()
    else:
        # Components that need the search share the time by size: each gets the part of the
        # time left that its arcs are of the arcs left (what one leaves unused goes on).
        searched = [k for k, c in enumerate(components)
                    if not c.plain_flow or params.force_cp_sat]
        arcs_left = sum(len(components[k].arc_offer) for k in searched)
        for k, c in enumerate(components):
            time_left = deadline - time.perf_counter()
            if k in searched:
                share = len(c.arc_offer) / max(1, arcs_left)
                arcs_left -= len(c.arc_offer)
                time_left *= share
            answers[k] = _solve_component(c, params, seed, time_left, params.search_workers)

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

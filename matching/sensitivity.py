"""Sensitivity: what one more unit of offer capacity (or of demand) is worth, and which capacity
increases would unlock the most unmet demand.

The values come from the LP relaxation of the model in ``docs/matching.md``: integrality,
single source, minimum lots, minimum orders and supplier limits are dropped, leaving

    min Σ c_a x_a + Σ p_d u_d   s.t.   Σ_{a=(o,·)} r_a x_a ≤ b_o   (capacity, one row per offer)
                                       Σ_{a=(·,d)} x_a + u_d = q_d  (balance, one row per demand)
                                       x ≥ 0, u ≥ 0 continuous,

solved with GLOP. Sign convention: both values are reported as rupiah per unit, oriented so
that they read the way a planner asks the question.

* ``offer_value[o]`` = −(dual of the capacity row of o) ≥ 0: the LP objective falls by this
  much per extra unit of capacity of o (GLOP's dual of a binding ≤ row in a minimisation is
  ≤ 0). Zero for an offer with capacity to spare.
* ``demand_cost[d]`` = dual of the balance row of d: the LP objective rises by this much per
  extra unit demanded, i.e. the cost of the cheapest marginal source of d (its penalty when it
  is already partly unmet, at most the penalty always).

Duals are marginal: they hold for small changes only, and at a degenerate LP optimum (a
capacity exactly used up with nothing waiting) they are one valid choice among several. The
LP ignores lot rules, so its values can both over- and under-state what the integer problem
gains; :func:`rank_capacity_interventions` therefore confirms its best candidates by re-solving
the integer problem.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp

from matching.exceptions import MatchingError
from matching.problem import Problem
from matching.result import Result, Status
from matching.solve import SolveParams, solve

__all__ = ["CapacityValues", "Intervention", "by_group", "capacity_values",
           "rank_capacity_interventions"]

FloatArray = npt.NDArray[np.float64]

#: Values below this (rupiah per unit) are LP round-off, not value.
VALUE_TOLERANCE = 1e-6


@dataclass(frozen=True, eq=False)
class CapacityValues:
    """Marginal values from the LP relaxation; arrays are aligned with ``offer_ids`` and
    ``demand_ids`` (the problem's order).

    ``offer_value``: rupiah saved per extra unit of capacity of each offer (≥ 0).
    ``demand_cost``: rupiah added per extra unit of each demand (≥ 0, ≤ its penalty).
    ``objective``: the LP optimum, a lower bound on the integer objective.
    ``demand_unmet``: units of each demand the LP leaves unmet.
    """

    offer_ids: tuple[str, ...]
    demand_ids: tuple[str, ...]
    offer_value: FloatArray
    demand_cost: FloatArray
    objective: float
    demand_unmet: FloatArray

    def unmet_quantity(self) -> float:
        """Units left unmet by the LP, over all demands."""
        return float(self.demand_unmet.sum())


@dataclass(frozen=True)
class Intervention:
    """Offer ``offer`` gets ``added_capacity`` more units of capacity.

    ``estimated_*`` come from the LP relaxation re-solved with the change; ``confirmed_*`` from
    re-solving the integer problem (:func:`matching.solve`) with it. Units unlocked = unmet
    before − unmet after; objective change = objective after − before (negative: rupiah saved).
    ``status`` is the status of the confirming integer solve.
    """

    offer: str
    added_capacity: int
    value_per_unit: float
    estimated_units_unlocked: float
    estimated_objective_change: float
    confirmed_units_unlocked: int
    confirmed_objective_change: int
    status: Status


class _Relaxation:
    """The LP relaxation built once in GLOP; capacity bounds can be changed and re-solved
    (GLOP starts again from the previous basis)."""

    def __init__(self, problem: Problem, time_limit_s: float) -> None:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:
            raise MatchingError("The GLOP linear solver is not available in this OR-Tools.")
        self.solver = solver
        self.time_limit_ms = max(1, int(time_limit_s * 1000))
        infinity = solver.infinity()
        capacity = problem.offer_capacity.tolist()
        quantity = problem.demand_quantity.tolist()
        penalty = problem.demand_penalty.tolist()
        self.capacity_rows = [solver.Constraint(-infinity, float(b), f"c{o}")
                              for o, b in enumerate(capacity)]
        self.balance_rows = [solver.Constraint(float(q), float(q), f"b{d}")
                             for d, q in enumerate(quantity)]
        objective = solver.Objective()
        self.unmet = [solver.NumVar(0.0, infinity, f"u{d}") for d in range(len(quantity))]
        for d, variable in enumerate(self.unmet):
            self.balance_rows[d].SetCoefficient(variable, 1.0)
            objective.SetCoefficient(variable, float(penalty[d]))
        # pywraplp has no array interface: one pass over the arcs, four calls each.
        for a, (o, d, c, r) in enumerate(zip(problem.arc_offer.tolist(),
                                             problem.arc_demand.tolist(),
                                             problem.arc_unit_cost.tolist(),
                                             problem.arc_capacity_use.tolist(), strict=True)):
            x = solver.NumVar(0.0, infinity, f"x{a}")
            self.capacity_rows[o].SetCoefficient(x, float(r))
            self.balance_rows[d].SetCoefficient(x, 1.0)
            objective.SetCoefficient(x, float(c))
        objective.SetMinimization()

    def solve(self) -> float:
        self.solver.SetTimeLimit(self.time_limit_ms)
        code = self.solver.Solve()
        if code != pywraplp.Solver.OPTIMAL:
            # Always feasible (unmet is free to take everything) and bounded (costs ≥ 0), so
            # anything else is the time limit or a numerical failure.
            raise MatchingError(f"The LP relaxation was not solved to optimality (GLOP status "
                                f"{code}); raise the time limit.")
        return float(self.solver.Objective().Value())

    def unmet_values(self) -> FloatArray:
        return np.array([u.solution_value() for u in self.unmet], dtype=np.float64)

    def set_capacity(self, offer: int, capacity: float) -> None:
        self.capacity_rows[offer].SetUb(capacity)


def _values(problem: Problem, lp: _Relaxation, objective: float) -> CapacityValues:
    # Clip round-off only; a real sign error would be far beyond the tolerance.
    offer_value = -np.array([row.dual_value() for row in lp.capacity_rows], dtype=np.float64)
    offer_value[np.abs(offer_value) < VALUE_TOLERANCE] = 0.0
    demand_cost = np.array([row.dual_value() for row in lp.balance_rows], dtype=np.float64)
    demand_cost[np.abs(demand_cost) < VALUE_TOLERANCE] = 0.0
    return CapacityValues(offer_ids=tuple(o.id for o in problem.offers),
                          demand_ids=tuple(d.id for d in problem.demands),
                          offer_value=offer_value, demand_cost=demand_cost,
                          objective=objective, demand_unmet=lp.unmet_values())


def capacity_values(problem: Problem, *, time_limit_s: float = 30.0) -> CapacityValues:
    """The marginal value of each offer's capacity and the marginal cost of each demand, in
    rupiah per unit, from the LP relaxation (GLOP); see the module docstring for signs."""
    if not time_limit_s > 0:
        raise MatchingError(f"The time limit must be positive; got {time_limit_s}.")
    lp = _Relaxation(problem, time_limit_s)
    return _values(problem, lp, lp.solve())


def by_group(values: CapacityValues | Sequence[float] | npt.NDArray[Any],
             labels: Sequence[Hashable] | npt.NDArray[Any]) -> dict[Any, float]:
    """Sum per-offer values by label (any hashable: a category, a (category, kabupaten)
    pair); labels in order of first appearance. ``values`` may be a :class:`CapacityValues`
    (its ``offer_value`` is summed) or one number per offer."""
    array = np.asarray(values.offer_value if isinstance(values, CapacityValues) else values,
                       dtype=np.float64).ravel()
    # A list, not np.asarray: tuple labels would become a 2-D array.
    label_list = labels.tolist() if isinstance(labels, np.ndarray) else list(labels)
    if len(label_list) != len(array):
        raise MatchingError(f"One label per value is needed; got {len(label_list)} labels for "
                            f"{len(array)} values.")
    codes: dict[Any, int] = {}
    index = np.fromiter((codes.setdefault(label, len(codes)) for label in label_list),
                        dtype=np.int64, count=len(label_list))
    totals = np.bincount(index, weights=array, minlength=len(codes))
    return {label: float(totals[code]) for label, code in codes.items()}


def _reachable_unmet(problem: Problem, unmet: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Per offer: capacity needed to serve all the unmet units of the demands it could serve
    for less than their penalty (Σ capacity_use × unmet over those arcs)."""
    useful = problem.arc_unit_cost < problem.demand_penalty[problem.arc_demand]
    need = problem.arc_capacity_use * unmet[problem.arc_demand] * useful
    return np.bincount(problem.arc_offer, weights=need,
                       minlength=len(problem.offers)).astype(np.int64)


def _unmet_by_demand(problem: Problem, result: Result) -> npt.NDArray[np.int64]:
    position = {d.id: k for k, d in enumerate(problem.demands)}
    unmet = np.zeros(len(problem.demands), dtype=np.int64)
    for u in result.unmet:
        unmet[position[u.demand]] = u.quantity
    return unmet


def _with_capacity(problem: Problem, offer: int, capacity: int) -> Problem:
    offers = list(problem.offers)
    offers[offer] = dataclasses.replace(offers[offer], capacity=capacity)
    return Problem(offers=tuple(offers), demands=problem.demands, arc_offer=problem.arc_offer,
                   arc_demand=problem.arc_demand, arc_unit_cost=problem.arc_unit_cost,
                   arc_capacity_use=problem.arc_capacity_use)


def rank_capacity_interventions(problem: Problem, *, top: int = 5, step: int | None = None,
                                params: SolveParams | None = None, seed: int = 0,
                                max_candidates: int | None = None) -> list[Intervention]:
    """The ``top`` capacity increases that unlock the most unmet demand, confirmed.

    Candidates: every offer whose capacity has a positive LP value. Each gets ``step`` more
    units, or (``step=None``) as many as it would need to serve all the unmet units, in the
    integer solve, of the demands it can serve below their penalty; offers with none are then
    skipped. Each candidate is estimated by re-solving the LP with the change (units unlocked,
    then rupiah saved, decide the order); the best ``top`` are then re-solved as integer
    problems with :func:`matching.solve` (``params``, ``seed``). The answer is sorted by the
    confirmed units unlocked, then the confirmed saving, then the estimate: the LP can
    over-promise where single source or lots make capacity lumpy, and under-promise where an
    added unit completes a whole lot.

    Each candidate costs one LP re-solve (about 70 ms at 50,000 arcs). ``max_candidates``
    estimates only that many, those with the largest first-order saving value × added units
    (an upper bound on the LP saving, since the LP optimum is convex in a capacity); ``None``
    estimates them all.
    """
    if top < 1:
        raise MatchingError(f"top must be at least 1; got {top}.")
    if max_candidates is not None and max_candidates < 1:
        raise MatchingError(f"max_candidates must be at least 1 (or None); got "
                            f"{max_candidates}.")
    if step is not None and step < 1:
        raise MatchingError(f"The capacity step must be at least 1 (or None); got {step}.")
    params = params or SolveParams()
    baseline = solve(problem, params, seed=seed)
    lp = _Relaxation(problem, params.time_limit_s)
    values = _values(problem, lp, lp.solve())
    capacity = problem.offer_capacity
    added = (np.full(len(problem.offers), step, dtype=np.int64) if step is not None
             else _reachable_unmet(problem, _unmet_by_demand(problem, baseline)))
    candidates = np.flatnonzero((values.offer_value > VALUE_TOLERANCE) & (added > 0))
    if max_candidates is not None and len(candidates) > max_candidates:
        bound = values.offer_value[candidates] * added[candidates]
        candidates = candidates[np.argsort(-bound, kind="stable")[:max_candidates]]

    estimates: list[tuple[float, float, int]] = []
    for o in candidates.tolist():
        lp.set_capacity(o, float(capacity[o] + added[o]))
        objective = lp.solve()
        units = values.unmet_quantity() - float(lp.unmet_values().sum())
        estimates.append((units, objective - values.objective, o))
        lp.set_capacity(o, float(capacity[o]))
    estimates.sort(key=lambda e: (-e[0], e[1], e[2]))

    interventions = []
    for rank, (units, change, o) in enumerate(estimates[:top]):
        after = solve(_with_capacity(problem, o, int(capacity[o] + added[o])), params,
                      seed=seed)
        interventions.append((rank, Intervention(
            offer=problem.offers[o].id, added_capacity=int(added[o]),
            value_per_unit=float(values.offer_value[o]),
            estimated_units_unlocked=units, estimated_objective_change=change,
            confirmed_units_unlocked=baseline.unmet_quantity() - after.unmet_quantity(),
            confirmed_objective_change=after.objective - baseline.objective,
            status=after.status)))
    interventions.sort(key=lambda ri: (-ri[1].confirmed_units_unlocked,
                                       ri[1].confirmed_objective_change, ri[0]))
    return [intervention for _, intervention in interventions]

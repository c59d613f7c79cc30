"""A market in the domain form, and :func:`match`: from offers and needs to allocations with
landed costs and a reason for every unmet unit.

A :class:`Market` holds what IKM offer and parks need (:class:`~matching.OfferTable`,
:class:`~matching.NeedTable`), the capability graph over categories, the logistics graph over
places and a transport rate per category. :func:`match` runs the whole chain:

1. **Distances**, once per run: Dijkstra on the logistics graph from every park gate
   (:meth:`LogisticsGraph.shortest_from`), giving km and hours to every place.
2. **Candidate arcs** with a budget: each need's cheapest eligible offers, and a stretch of
   the offers (in order of cost) that could deliver ``cover`` × its quantity, the needs of
   one park and category laid end to end (:func:`~matching.candidate_arcs`).
3. **Column generation** until the candidates are complete for the LP: the LP duals of the
   relaxation of the problem so far (:func:`matching.duals.relaxation_duals`) price the
   eligible pairs left out: a pair whose reduced cost ``unit_cost + capacity_use ×
   offer_value − demand_cost`` is negative could lower the LP optimum. Those are added, the
   most negative first, again up to ``cover`` × each need's quantity
   (:func:`~matching.candidates.price_arcs`), and the LP is solved again. When
   a round adds nothing, no eligible pair prices out: the problem's LP optimum is the LP
   optimum over **every** eligible pair, so for plain splittable needs the flow optimum is the
   true optimum, and for needs with lot rules the relaxation's bound holds for the whole
   market.
4. **Solve** (:func:`~matching.solve`): min-cost flow or CP-SAT per connected component.
5. **Diagnosis** (:func:`~matching.diagnosis.diagnose_domain`): for every need left partly
   unmet, the offers each rule excluded and their capacity, and reasons from the fixed
   vocabulary with quantities.

At demo scale the budget keeps nearly every eligible pair and one round suffices; at national
scale (a million offers) it is what keeps the problem to a few arcs per need.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from matching.candidates import (
    NO_PRICE_CEILING,
    Blocked,
    CandidateArcs,
    Exclusions,
    NeedTable,
    OfferTable,
    Priced,
    _budgeted,
    _capacity_use,
    _certificate_blocks,
    _close_arcs,
    _every_arc,
    _exclusions,
    _Inputs,
    _prepared,
    _price_arcs,
    need_demands,
    to_problem,
)
from matching.diagnosis import diagnose_domain
from matching.duals import Duals, relaxation_duals
from matching.exceptions import InvalidProblem, MatchingError
from matching.graphs import CapabilityGraph, LogisticsGraph
from matching.near_misses import NearMiss, near_misses
from matching.problem import Demand, Problem
from matching.result import Result, Unmet
from matching.sensitivity import CapacityValues
from matching.solve import SolveParams, solve

__all__ = ["Allocation", "Market", "MatchParams", "MatchResult", "MatchStats",
           "default_unmet_penalty", "match"]

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]

#: LP round-off on a marginal cost (rupiah).
_DUAL_TOLERANCE = 1e-6
#: Reduced-cost closure may give a need this many arcs on top of closure_factor × its own.
_CLOSURE_FLOOR = 64


@dataclass(frozen=True, eq=False)
class Market:
    """Offers and needs with everything eligibility and cost depend on.

    ``offers.category`` and ``needs.category`` index ``capability.categories``;
    ``offers.node`` and ``needs.park_node`` index ``logistics.nodes``; ``transport_rate[c]`` is
    rupiah per offer unit per km for offers of category ``c`` (non-negative, finite).
    """

    offers: OfferTable
    needs: NeedTable
    capability: CapabilityGraph
    logistics: LogisticsGraph
    transport_rate: FloatArray

    def __post_init__(self) -> None:
        rate = np.array(self.transport_rate, dtype=np.float64).ravel()
        if len(rate) != len(self.capability.categories) or not (
                np.isfinite(rate) & (rate >= 0)).all():
            raise InvalidProblem("$.transport_rate",
                                 f"Give one non-negative transport rate per category "
                                 f"({len(self.capability.categories)}); got {len(rate)}.")
        rate.flags.writeable = False
        object.__setattr__(self, "transport_rate", rate)
        n_nodes, n_categories = len(self.logistics.nodes), len(self.capability.categories)
        for kind, table, nodes in (("offer", self.offers, self.offers.node),
                                   ("need", self.needs, self.needs.park_node)):
            for name, values, size in (("category", table.category, n_categories),
                                       ("node" if kind == "offer" else "park_node", nodes,
                                        n_nodes)):
                bad = np.flatnonzero(values >= size)
                if len(bad):
                    k = int(bad[0])
                    raise InvalidProblem(f"$.{kind}s[{k}].{name}",
                                         f"{kind.capitalize()} '{table.id[k]}' has {name} "
                                         f"{values[k]}, outside the {size} known.")

    @cached_property
    def park_nodes(self) -> IndexArray:
        """The logistics nodes that are some need's park, ascending."""
        return np.unique(self.needs.park_node).astype(np.int32)

    @cached_property
    def distances(self) -> tuple[FloatArray, FloatArray]:
        """km and hours from each of :attr:`park_nodes` to every node (one Dijkstra each)."""
        names = [self.logistics.nodes[k] for k in self.park_nodes.tolist()]
        return self.logistics.shortest_from(names)

    @cached_property
    def substitution(self) -> FloatArray:
        return self.capability.substitution_matrix()

    @cached_property
    def eligibility(self) -> _Inputs:
        """The checked inputs of every eligibility computation on this market, with the
        groups walks use kept from one round of column generation to the next."""
        km, hours = self.distances
        return _prepared(self.offers, self.needs, self.substitution, km, hours,
                         self.transport_rate, self.park_nodes)

    @cached_property
    def demands(self) -> tuple[Demand, ...]:
        """The needs as the demands of a problem (the same in every round)."""
        return need_demands(self.needs)

    def candidates(self, *, cover: float | None = None, min_per_need: int = 1
                   ) -> CandidateArcs:
        """:func:`~matching.candidate_arcs` on this market."""
        if cover is None:
            return _every_arc(self.eligibility)
        return _budgeted(self.eligibility, cover, min_per_need)

    def exclusions(self, rows: npt.ArrayLike) -> Exclusions:
        """:func:`~matching.candidates.exclusions` of the needs ``rows``."""
        return _exclusions(self.eligibility, rows)

    def certificate_blocks(self, rows: npt.ArrayLike) -> Blocked:
        """:func:`~matching.candidates.certificate_blocks` of the needs ``rows``."""
        return _certificate_blocks(self.eligibility, rows)

    def closed(self, duals: Duals, offer_index: IndexArray, slack: float, limit: IntArray
               ) -> tuple[CandidateArcs, bool]:
        """Every eligible pair whose reduced cost is below ``slack``, at most ``limit`` per
        need (:func:`~matching.candidates.close_arcs`)."""
        return _close_arcs(self.eligibility, np.asarray(duals.demand_cost),
                           self._offer_values(duals, offer_index),
                           np.full(len(self.needs), slack), limit)

    def _offer_values(self, duals: Duals, offer_index: IndexArray) -> FloatArray:
        offer_value = np.zeros(len(self.offers), dtype=np.float64)
        offer_value[offer_index] = duals.offer_value
        return offer_value

    def priced(self, duals: Duals, offer_index: IndexArray, *, cover: float) -> Priced:
        """The pairs that price out under the duals of a problem whose offers are
        ``offer_index`` (:func:`~matching.candidates.price_arcs`)."""
        return _price_arcs(self.eligibility, np.asarray(duals.demand_cost),
                           self._offer_values(duals, offer_index),
                           np.asarray(duals.demand_unmet), cover)


@dataclass(frozen=True)
class MatchParams:
    """How to match.

    ``cover``: the first candidates of a need are its cheapest eligible offers until they could
    deliver ``cover`` × its quantity, and at least ``min_per_need`` of them; each round of
    column generation adds, per need, pairs that price out up to ``cover`` × its LP-unmet
    units (or its quantity). Column generation stops when no pair prices out (the candidates
    are complete), or when the LP over the candidates is within ``pricing_gap`` (relative) of
    the Lagrangian bound over every eligible pair, after ``max_rounds`` rounds, or once
    ``pricing_time_s`` have gone by. Then, where the integer solution is above the LP (lot
    rules), every eligible pair whose reduced cost is below the gap is added and the problem
    solved again, which makes the answer optimal over every eligible pair when the solver
    proves it optimal; this is skipped when some need would get more than ``closure_factor``
    times its arcs, plus 64 (which bounds the memory at scale). ``solve``: the solver's
    parameters.
    """

    cover: float = 3.0
    min_per_need: int = 8
    max_rounds: int = 50
    pricing_gap: float = 0.0
    pricing_time_s: float = math.inf
    closure_factor: float = 4.0
    solve: SolveParams = field(default_factory=SolveParams)

    def __post_init__(self) -> None:
        if not self.cover > 0 or not math.isfinite(self.cover):
            raise MatchingError(f"The cover must be a positive number; got {self.cover}.")
        if self.min_per_need < 1:
            raise MatchingError(f"min_per_need must be at least 1; got {self.min_per_need}.")
        if self.max_rounds < 0:
            raise MatchingError(f"max_rounds must be non-negative; got {self.max_rounds}.")
        if not self.closure_factor >= 1:
            raise MatchingError(f"closure_factor must be at least 1; got "
                                f"{self.closure_factor}.")
        if not self.pricing_gap >= 0 or not self.pricing_time_s > 0:
            raise MatchingError(f"pricing_gap must be non-negative and pricing_time_s "
                                f"positive; got {self.pricing_gap} and "
                                f"{self.pricing_time_s}.")


@dataclass(frozen=True)
class MatchStats:
    """How the match went: rounds of column generation, whether the candidates are complete for
    the LP (no eligible pair left out could lower it), whether the answer is proven optimal
    over every eligible pair (``exact``), the LP optimum over the candidates and a lower bound
    on the LP over every eligible pair (equal when complete), arc counts and seconds per
    phase."""

    rounds: int
    complete: bool
    exact: bool
    lp_objective: float
    lp_bound: float
    first_arcs: int
    arcs: int
    seconds: dict[str, float]


@dataclass(frozen=True)
class Allocation:
    """``quantity`` need units of ``need`` from ``offer``, at ``landed_unit_cost`` per unit
    (what the buyer pays), ``km`` away; ``local`` when the offer is in the need's kabupaten."""

    offer: str
    need: str
    quantity: int
    landed_unit_cost: int
    unit_cost: int
    capacity_use: int
    km: float
    local: bool


@dataclass(frozen=True, eq=False)
class MatchResult:
    """A matched market. ``arcs`` are the problem's arcs (in its order, table indices);
    ``result`` is the solve; ``unmet`` carries the domain reasons; ``exclusions`` covers the
    needs with unmet units; ``offer_index[k]`` is the table index of problem offer ``k``."""

    market: Market
    arcs: CandidateArcs
    problem: Problem
    offer_index: IndexArray
    result: Result
    unmet: tuple[Unmet, ...]
    exclusions: Exclusions
    duals: Duals
    stats: MatchStats

    @cached_property
    def allocation_arc(self) -> IntArray:
        """For each allocation of ``result``, its arc in ``arcs``."""
        return _allocation_arc(self.problem, self.result)

    def allocations(self) -> list[Allocation]:
        """Every positive allocation, in arc order (need, then offer)."""
        offers, needs, arcs = self.market.offers, self.market.needs, self.arcs
        answer = []
        for a, q in zip(self.allocation_arc.tolist(), self.result.allocation_quantity.tolist(),
                        strict=True):
            o, d = int(arcs.offer[a]), int(arcs.need[a])
            answer.append(Allocation(
                offer=str(offers.id[o]), need=str(needs.id[d]), quantity=int(q),
                landed_unit_cost=int(arcs.landed_unit_cost[a]),
                unit_cost=int(arcs.unit_cost[a]), capacity_use=int(arcs.capacity_use[a]),
                km=float(arcs.km[a]), local=bool(offers.kabupaten[o] == needs.kabupaten[d])))
        return answer

    @cached_property
    def served(self) -> IntArray:
        """Need units allocated, per need of the table."""
        served = np.zeros(len(self.market.needs), dtype=np.int64)
        np.add.at(served, self.arcs.need[self.allocation_arc], self.result.allocation_quantity)
        return served

    def near_misses(self, *, values: CapacityValues | None = None,
                    limit_per_offer: int = 5) -> list[NearMiss]:
        """Per offer, the needs it could have served and did not (fully) win, each with the
        one change that would win it (:func:`matching.near_misses`); with LP ``values``
        (:func:`matching.capacity_values` of :attr:`problem`) it also finds the needs lost on
        price."""
        market = self.market
        km, hours = market.distances
        return near_misses(market.offers, market.needs, market.substitution, km, hours,
                           market.transport_rate, self.allocations_as_triples(),
                           values=values, source_nodes=market.park_nodes,
                           limit_per_offer=limit_per_offer)

    def allocations_as_triples(self) -> list[tuple[str, str, int]]:
        """(offer id, need id, need units) of every positive allocation."""
        return [(a.offer, a.need, a.quantity) for a in self.allocations()]

    def landed_cost(self) -> int:
        """What the buyers pay for everything allocated (rupiah)."""
        return int((self.arcs.landed_unit_cost[self.allocation_arc]
                    * self.result.allocation_quantity).sum())


def match(market: Market, params: MatchParams | None = None, seed: int = 0) -> MatchResult:
    """Allocate the market's needs to its offers; see the module docstring for the steps."""
    params = params or MatchParams()
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(seconds.get(name, 0.0) + now - clock, 6)
        clock = now

    market.distances  # noqa: B018  (computed once here, so its time is its own)
    lap("distances")
    arcs = market.candidates(cover=params.cover, min_per_need=params.min_per_need)
    first_arcs = len(arcs)
    lap("candidates")

    rounds, complete = 0, False
    started = time.perf_counter()
    while True:
        problem, offer_index = _problem(arcs, market)
        duals = relaxation_duals(problem, time_limit_s=params.solve.time_limit_s)
        priced = market.priced(duals, offer_index, cover=params.cover)
        bound = _lagrangian_bound(problem, duals, priced)
        grown = arcs.merged(priced.arcs)
        if len(grown) == len(arcs):
            complete = True  # no eligible pair left out prices out
            bound = duals.objective
            break
        gap = (duals.objective - bound) / max(1.0, abs(duals.objective))
        if (rounds == params.max_rounds or gap <= params.pricing_gap
                or time.perf_counter() - started >= params.pricing_time_s):
            break
        rounds += 1
        arcs = grown
    lap("pricing")

    result = solve(problem, params.solve, seed=seed)
    lap("solve")
    # Reduced-cost closure: with the LP complete, an integer solution better than this one
    # uses only pairs whose reduced cost is below the gap; add them all and solve again.
    gap = result.objective - duals.objective
    exact = complete and result.status == "optimal"
    if complete and gap > _DUAL_TOLERANCE and result.is_feasible():
        per_need = np.bincount(arcs.need, minlength=len(market.needs))
        limit = np.ceil(params.closure_factor * per_need).astype(np.int64) + _CLOSURE_FLOOR
        more, truncated = market.closed(duals, offer_index, gap, limit)
        closed = arcs.merged(more)
        exact = False
        if len(closed) == len(arcs):
            exact = result.status == "optimal"
        elif not truncated:
            arcs = closed
            problem, offer_index = _problem(arcs, market)
            duals = relaxation_duals(problem, time_limit_s=params.solve.time_limit_s)
            result = solve(problem, params.solve, seed=seed)
            exact = result.status == "optimal"
        lap("closure")

    unmet = _unmet_by_demand(problem, result)
    excluded = market.exclusions(np.flatnonzero(unmet > 0))
    arc_quantity = np.zeros(problem.n_arcs, dtype=np.int64)
    arc_quantity[_allocation_arc(problem, result)] = result.allocation_quantity
    reasons = diagnose_domain(problem, arc_quantity, unmet, excluded)
    lap("diagnosis")
    return MatchResult(market=market, arcs=arcs, problem=problem, offer_index=offer_index,
                       result=result, unmet=reasons, exclusions=excluded, duals=duals,
                       stats=MatchStats(rounds, complete, exact, duals.objective, bound,
                                        first_arcs, len(arcs), seconds))


def _problem(arcs: CandidateArcs, market: Market) -> tuple[Problem, IndexArray]:
    return (to_problem(arcs, market.offers, market.needs, market.demands),
            np.unique(arcs.offer).astype(np.int32))


def _unmet_by_demand(problem: Problem, result: Result) -> IntArray:
    served = np.zeros(len(problem.demands), dtype=np.int64)
    np.add.at(served, result.allocation_demand, result.allocation_quantity)
    return problem.demand_quantity - served


def _allocation_arc(problem: Problem, result: Result) -> IntArray:
    # Arcs are sorted by demand, then offer (to_problem keeps the candidates' order, and its
    # offer indices grow with the table's), so pair keys are ascending.
    n = max(1, len(problem.offers))
    keys = problem.arc_demand.astype(np.int64) * n + problem.arc_offer
    wanted = result.allocation_demand.astype(np.int64) * n + result.allocation_offer
    return np.searchsorted(keys, wanted).astype(np.int64)


def _lagrangian_bound(problem: Problem, duals: Duals, priced: Priced) -> float:
    """A lower bound on the LP over every eligible pair (see
    :func:`~matching.candidates.price_arcs`)."""
    marginal = np.minimum(duals.demand_cost, priced.least)
    return float((problem.demand_quantity * marginal).sum()
                 - (problem.offer_capacity * duals.offer_value).sum())


def default_unmet_penalty(need_category: npt.ArrayLike, max_unit_price: npt.ArrayLike,
                          offer_category: npt.ArrayLike, offer_unit_price: npt.ArrayLike,
                          substitution: npt.ArrayLike, transport_rate: npt.ArrayLike,
                          max_km: float) -> IntArray:
    """What leaving one unit of each need unmet costs, where nobody said: its price ceiling
    plus one where it has one (a unit landing at the ceiling is still bought), and otherwise
    one more than the dearest landed cost any offer of a category that can serve it could
    have (its largest price and the transport over ``max_km``, times the capacity use), so
    that every unit an eligible offer can deliver is bought rather than left unmet."""
    need_category = np.asarray(need_category, dtype=np.int64)
    ceiling = np.asarray(max_unit_price, dtype=np.int64)
    offer_category = np.asarray(offer_category, dtype=np.int64)
    price = np.asarray(offer_unit_price, dtype=np.int64)
    matrix = np.asarray(substitution, dtype=np.float64)
    rate = np.asarray(transport_rate, dtype=np.float64)
    n_categories = matrix.shape[0]
    dearest = np.zeros(n_categories, dtype=np.int64)
    if len(price):
        np.maximum.at(dearest, offer_category, price)
    reach = max(0.0, float(max_km)) if math.isfinite(max_km) else 0.0
    landed = dearest + np.ceil(rate * reach).astype(np.int64)  # per offer category
    serves = matrix > 0
    use = np.where(serves, _capacity_use(np.where(serves, matrix, 1.0)), 0)
    worst = (use * landed[:, None]).max(axis=0) if n_categories else np.zeros(0, np.int64)
    open_ended = ceiling == NO_PRICE_CEILING
    capped = np.where(open_ended, 0, ceiling)  # no overflow on the sentinel
    return np.where(open_ended, worst[need_category] + 1, capped + 1).astype(np.int64)

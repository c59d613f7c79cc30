"""Search for single-source demands (private to :mod:`matching.solve`): a vectorised local
search, a Lagrangian bound whose multipliers also guide a heuristic, and a large-neighbourhood
search that re-solves small parts with CP-SAT. Each keeps every rule and never raises the cost.

A single-source demand is served whole by one of its arcs or left unmet, so the single-source
part of a component is a generalised assignment problem (GAP): each demand *d* takes one arc
*a* = (*o*, *d*), which costs ``cost[a]`` = unit cost × quantity and uses ``weight[a]`` =
capacity use × quantity of the offer's room, or it is left unmet at ``unmet_cost[d]`` =
penalty × quantity. Only *allowed* arcs take part: arcs that can carry the whole quantity
within every lot rule and cost less than leaving the demand unmet (a solution using a dearer
arc gets no worse by leaving that demand unmet instead, so dropping those arcs loses no
optimum). Splittable demands, where a component has any, keep the allocation they were given;
their load is taken off the offers' room.

Everything works on whole arrays: a round of moves is chosen with numpy and applied at once,
and the knapsacks of all offers are solved by one dynamic programme over a padded table. Only
the CP-SAT models of the neighbourhoods (about 1,600 literals each) are built variable by
variable, as the CP-SAT API requires.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: No more than this many cells (items × offers × capacity steps) in one knapsack table; wider
#: capacities are scaled down, which keeps the bound valid (see :func:`knapsack_values`).
KNAPSACK_CELLS = 30_000_000
NONE = -1
#: At most this many two-move chains are weighed in one round of the local search.
MAX_CHAINS = 4_000_000
#: The subgradient steps stop once their size has been halved this far (no progress left).
SMALLEST_STEP = 1 / 512
_LAST = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Assignment:
    """The single-source part of a component as a GAP (indices are local to it).

    ``room``: per offer, the capacity left for single-source demands. ``unmet_cost``: per
    demand, penalty × quantity. ``arc_*``: the allowed arcs, with ``arc_index`` the position of
    each in the component's arcs.
    """

    room: IntArray
    unmet_cost: IntArray
    arc_offer: IntArray
    arc_demand: IntArray
    arc_weight: IntArray
    arc_cost: IntArray
    arc_index: IntArray

    @property
    def n_offers(self) -> int:
        return len(self.room)

    @property
    def n_demands(self) -> int:
        return len(self.unmet_cost)

    @cached_property
    def _pair_keys(self) -> tuple[IntArray, IntArray]:
        key = self.arc_offer * self.n_demands + self.arc_demand
        order = np.argsort(key, kind="stable")
        return key[order], order

    def arc_between(self, offer: IntArray, demand: IntArray) -> IntArray:
        """The allowed arc of each (offer, demand) pair, or ``NONE``."""
        sorted_key, order = self._pair_keys
        if not len(sorted_key):
            return np.full(len(offer), NONE, dtype=np.int64)
        key = offer * self.n_demands + demand
        position = np.minimum(np.searchsorted(sorted_key, key), len(sorted_key) - 1)
        return np.where(sorted_key[position] == key, order[position], NONE)

    def cost(self, choice: IntArray) -> int:
        """Total cost of a choice (per demand: an allowed arc, or ``NONE`` for unmet)."""
        served = choice >= 0
        return int(self.arc_cost[choice[served]].sum() + self.unmet_cost[~served].sum())

    def load(self, choice: IntArray) -> IntArray:
        arcs = choice[choice >= 0]
        return np.bincount(self.arc_offer[arcs], weights=self.arc_weight[arcs],
                           minlength=self.n_offers).astype(np.int64)

    def fits(self, choice: IntArray) -> bool:
        return bool(np.all(self.load(choice) <= self.room))


@dataclass(frozen=True)
class _State:
    room_left: IntArray  # per offer
    cost: IntArray  # per demand: what it costs now
    offer: IntArray  # per demand: its offer, NONE if unmet
    weight: IntArray  # per demand: the room it takes


def _state(gap: Assignment, choice: IntArray) -> _State:
    served = choice >= 0
    arc = np.maximum(choice, 0)
    return _State(room_left=gap.room - gap.load(choice),
                  cost=np.where(served, gap.arc_cost[arc], gap.unmet_cost),
                  offer=np.where(served, gap.arc_offer[arc], NONE),
                  weight=np.where(served, gap.arc_weight[arc], 0))


def _ranks(gain: IntArray) -> IntArray:
    """A strict order of moves: larger gain first, ties by position (0 is the best)."""
    order = np.lexsort((np.arange(len(gain)), -gain))
    rank = np.empty(len(gain), dtype=np.int64)
    rank[order] = np.arange(len(gain))
    return rank


def _first_per_group(rank: IntArray, group: IntArray, size: int) -> BoolArray:
    """The moves that rank first in their group."""
    first = np.full(size, _LAST)
    np.minimum.at(first, group, rank)
    keep: BoolArray = first[group] == rank
    return keep


def _shift_round(gap: Assignment, choice: IntArray) -> int:
    """Move demands to cheaper arcs whose offers have room; several may enter one offer as long
    as their weights fit together. Returns the number of moves made."""
    state = _state(gap, choice)
    gain = state.cost[gap.arc_demand] - gap.arc_cost
    candidates = np.flatnonzero((gain > 0) & (gap.arc_weight <= state.room_left[gap.arc_offer])
                                & (state.offer[gap.arc_demand] != gap.arc_offer))
    if not len(candidates):
        return 0
    rank = _ranks(gain[candidates])
    # Each demand makes its best move only (a demand leaving an offer frees room, so moves
    # into an offer are the only ones that can clash).
    best = _first_per_group(rank, gap.arc_demand[candidates], gap.n_demands)
    candidates, rank = candidates[best], rank[best]
    order = np.lexsort((rank, gap.arc_offer[candidates]))
    moves = candidates[order]
    offer = gap.arc_offer[moves]
    total = np.cumsum(gap.arc_weight[moves])
    first = np.flatnonzero(np.r_[True, offer[1:] != offer[:-1]])
    before = np.repeat(total[first] - gap.arc_weight[moves][first],
                       np.diff(np.r_[first, len(moves)]))
    moves = moves[total - before <= state.room_left[offer]]
    choice[gap.arc_demand[moves]] = moves
    return len(moves)


def _ejection_round(gap: Assignment, choice: IntArray) -> int:
    """Chains of two: demand d1 takes a cheaper arc into offer o2 by pushing out a demand d2
    served there, which goes back to d1's offer (a swap), to its cheapest other arc with room,
    or unmet, whichever is cheapest. Non-clashing chains with a net gain are applied together.
    Returns the number of chains applied."""
    state = _state(gap, choice)
    served = np.flatnonzero(choice >= 0)
    # The demands each offer serves, as slices of one array.
    members = served[np.argsort(state.offer[served], kind="stable")]
    count = np.bincount(state.offer[served], minlength=gap.n_offers)
    start = np.cumsum(count) - count
    # Each demand's cheapest other arc with room now, or unmet.
    open_arcs = np.flatnonzero((gap.arc_weight <= state.room_left[gap.arc_offer])
                               & (state.offer[gap.arc_demand] != gap.arc_offer))
    fallback_cost = gap.unmet_cost.copy()
    fallback_arc = np.full(gap.n_demands, NONE, dtype=np.int64)
    if len(open_arcs):
        open_arcs = open_arcs[np.lexsort((gap.arc_cost[open_arcs], gap.arc_demand[open_arcs]))]
        cheapest = open_arcs[np.r_[True, np.diff(gap.arc_demand[open_arcs]) != 0]]
        better = gap.arc_cost[cheapest] < fallback_cost[gap.arc_demand[cheapest]]
        fallback_cost[gap.arc_demand[cheapest[better]]] = gap.arc_cost[cheapest[better]]
        fallback_arc[gap.arc_demand[cheapest[better]]] = cheapest[better]
    # First legs: cheaper arcs into an offer that serves someone.
    legs = np.flatnonzero((state.cost[gap.arc_demand] > gap.arc_cost)
                          & (state.offer[gap.arc_demand] != gap.arc_offer)
                          & (count[gap.arc_offer] > 0))
    if not len(legs):
        return 0
    per_leg = count[gap.arc_offer[legs]]
    if int(per_leg.sum()) > MAX_CHAINS:
        # Offers serving very many demands: keep the legs that gain most on their own.
        by_gain = np.lexsort((legs, gap.arc_cost[legs] - state.cost[gap.arc_demand[legs]]))
        legs = np.sort(legs[by_gain[np.cumsum(per_leg[by_gain]) <= MAX_CHAINS]])
        per_leg = count[gap.arc_offer[legs]]
    leg = np.repeat(legs, per_leg)
    within = np.arange(len(leg)) - np.repeat(np.cumsum(per_leg) - per_leg, per_leg)
    o2 = gap.arc_offer[leg]
    d2 = members[start[o2] + within]
    d1 = gap.arc_demand[leg]
    fits = gap.arc_weight[leg] <= state.room_left[o2] + state.weight[d2]
    leg, o2, d1, d2 = leg[fits], o2[fits], d1[fits], d2[fits]
    o1 = state.offer[d1]
    back = np.where(o1 >= 0, gap.arc_between(np.maximum(o1, 0), d2), NONE)
    back_fits = (back >= 0) & (gap.arc_weight[np.maximum(back, 0)]
                               <= state.room_left[np.maximum(o1, 0)] + state.weight[d1])
    back_cost = np.where(back_fits, gap.arc_cost[np.maximum(back, 0)], _LAST)
    swap = back_cost < fallback_cost[d2]
    second = np.where(swap, back, fallback_arc[d2])
    gain = (state.cost[d1] + state.cost[d2] - gap.arc_cost[leg]
            - np.where(swap, back_cost, fallback_cost[d2]))
    good = np.flatnonzero(gain > 0)
    if not len(good):
        return 0
    leg, o1, o2, d1, d2, second = (v[good] for v in (leg, o1, o2, d1, d2, second))
    # Offers whose room a chain uses: o2, and o1 on a swap or the fallback's offer otherwise
    # (the fallback's room was checked before any move; a chain only frees room elsewhere).
    o3 = np.where(second >= 0, gap.arc_offer[np.maximum(second, 0)], NONE)
    rank = _ranks(gain[good])
    keep = _chains_apart(rank, np.concatenate([d1, d2]), np.concatenate([o1, o2, o3]),
                         gap.n_demands, gap.n_offers)
    choice[d1[keep]] = leg[keep]
    choice[d2[keep]] = second[keep]
    return int(keep.sum())


def _chains_apart(rank: IntArray, demands: IntArray, offers: IntArray, n_demands: int,
                  n_offers: int) -> BoolArray:
    """Chains that rank first at each demand and each offer they touch (``demands`` holds
    both demands of every chain, ``offers`` its three offers, one block after the other)."""
    n = len(rank)
    first_demand = np.full(n_demands, _LAST)
    np.minimum.at(first_demand, demands, np.tile(rank, 2))
    touched = offers >= 0
    first_offer = np.full(n_offers, _LAST)
    np.minimum.at(first_offer, offers[touched], np.tile(rank, 3)[touched])
    keep = np.ones(n, dtype=bool)
    for block in range(2):
        keep &= first_demand[demands[block * n:(block + 1) * n]] == rank
    for block in range(3):
        o = offers[block * n:(block + 1) * n]
        keep &= (o < 0) | (first_offer[np.maximum(o, 0)] == rank)
    return keep


def repair(gap: Assignment, choice: IntArray) -> IntArray:
    """A choice that fits: on each offer over its room, the demands that save least over
    being unmet are left unmet until the rest fit."""
    choice = choice.copy()
    served = np.flatnonzero(choice >= 0)
    if not len(served):
        return choice
    arcs = choice[served]
    saving = gap.unmet_cost[served] - gap.arc_cost[arcs]
    order = np.lexsort((served, -saving, gap.arc_offer[arcs]))
    served, arcs = served[order], arcs[order]
    offer = gap.arc_offer[arcs]
    total = np.cumsum(gap.arc_weight[arcs])
    first = np.flatnonzero(np.r_[True, offer[1:] != offer[:-1]])
    before = np.repeat(total[first] - gap.arc_weight[arcs][first],
                       np.diff(np.r_[first, len(arcs)]))
    choice[served[total - before > gap.room[offer]]] = NONE
    return choice


def local_search(gap: Assignment, choice: IntArray, deadline: float = float("inf"),
                 max_rounds: int = 10_000) -> IntArray:
    """Improve a choice that fits by rounds of shifts, then chains of two, until neither finds
    a gain (a local optimum) or ``max_rounds`` or the deadline. Every round keeps the room of
    every offer, and the cost never rises."""
    choice = choice.copy()
    if not len(gap.arc_offer):
        return choice
    for _ in range(max_rounds):
        if not _shift_round(gap, choice) and not _ejection_round(gap, choice):
            break
        if time.perf_counter() > deadline:
            break
    return choice


# --- the Lagrangian bound --------------------------------------------------------------------


def knapsack_values(n_offers: int, capacity: IntArray, item_offer: IntArray,
                    item_weight: IntArray, item_value: IntArray) -> tuple[IntArray, BoolArray]:
    """For each offer, the most value its items can give within its capacity (0/1 knapsack,
    solved exactly by dynamic programming over all offers at once), and which items give it.

    When the table would have more than ``KNAPSACK_CELLS`` cells, weights and capacities are
    divided by a factor *s* and rounded down. Every set of items that fits still fits (Σ⌊w/s⌋
    ≤ ⌊Σw/s⌋ ≤ ⌊b/s⌋), so the value is then an upper bound, and the items chosen may overfill.
    """
    value = np.zeros(n_offers, dtype=np.int64)
    chosen = np.zeros(len(item_offer), dtype=bool)
    if not len(item_offer):
        return value, chosen
    count = np.bincount(item_offer, minlength=n_offers)
    # Offers with the most items first: slot k of the table involves a prefix of them.
    offer_order = np.argsort(-count, kind="stable")
    row_of = np.empty(n_offers, dtype=np.int64)
    row_of[offer_order] = np.arange(n_offers)
    items = np.lexsort((np.arange(len(item_offer)), row_of[item_offer]))
    row = row_of[item_offer[items]]
    row_count = count[offer_order]
    slot = np.arange(len(items)) - (np.cumsum(row_count) - row_count)[row]
    slots = int(row_count[0])
    active = int((row_count > 0).sum())
    widest = int(capacity[offer_order[:active]].max())
    scale = max(1, -(-slots * active * (widest + 1) // KNAPSACK_CELLS))
    room = capacity[offer_order[:active]] // scale
    width = int(room.max()) + 1
    weight = np.zeros((slots, active), dtype=np.int64)
    gain = np.zeros((slots, active), dtype=np.int64)
    weight[slot, row] = item_weight[items] // scale
    gain[slot, row] = item_value[items]
    # Rows with more than k items, for each slot k (the counts are in descending order).
    rows_in_slot = active - np.searchsorted(row_count[:active][::-1], np.arange(slots),
                                            side="right")
    best = np.zeros((active, width), dtype=np.int64)
    steps = np.arange(width)
    taken: list[BoolArray] = []
    for k in range(slots):
        n = int(rows_in_slot[k])
        rows = np.arange(n)
        source = steps[None, :] - weight[k, :n, None]
        candidate = np.where(source >= 0, best[rows[:, None], np.maximum(source, 0)]
                             + gain[k, :n, None], 0)
        take = candidate > best[:n]
        taken.append(take)
        best[:n] = np.where(take, candidate, best[:n])
    value[offer_order[:active]] = best[np.arange(active), room]
    left = room.copy()
    picked = np.zeros(len(items), dtype=bool)
    start = np.cumsum(row_count[:active]) - row_count[:active]
    for k in range(slots - 1, -1, -1):
        n = int(rows_in_slot[k])
        take = taken[k][np.arange(n), left[:n]]
        picked[start[:n][take] + k] = True
        left[:n] -= np.where(take, weight[k, :n], 0)
    chosen[items[picked]] = True
    return value, chosen


@dataclass(frozen=True)
class Bound:
    """What the Lagrangian phase found: a valid lower bound and the best choice that fits."""

    bound: int
    choice: IntArray
    iterations: int


def lagrangian(gap: Assignment, incumbent: IntArray, max_iterations: int,
               deadline: float, heuristic_every: int = 10) -> Bound:
    """Lagrangian relaxation of "each demand served once or unmet", by subgradient steps.

    For multipliers μ (one per demand, 0 ≤ μ_d ≤ unmet_cost_d), every solution of the GAP
    costs at least L(μ) = Σ_d μ_d − Σ_o K_o(μ), where K_o(μ) is the best value of offer o's
    knapsack: items its allowed arcs, of value μ_d − cost_a (only positive ones) and weight
    weight_a, within its room. Proof: for a solution y (y_a ∈ {0,1}, u_d = 1 − Σ_a y_a ≥ 0),
    its cost is Σ_a cost_a·y_a + Σ_d U_d·u_d ≥ Σ_a cost_a·y_a + Σ_d μ_d·u_d
    = Σ_d μ_d − Σ_a (μ_d − cost_a)·y_a ≥ Σ_d μ_d − Σ_o K_o(μ), since each offer's y is a
    knapsack that fits. Dropped arcs (dearer than unmet, or unable to carry the demand) change
    no optimum, so L(μ) bounds the component's optimum. μ is kept integer, so L is exact.

    Every ``heuristic_every`` steps the knapsacks' items give a choice (each demand its
    cheapest arc among the knapsacks that took it), repaired to fit and improved by
    :func:`local_search`; the best choice is kept. Stops after ``max_iterations`` steps, at the
    deadline, or once the bound meets the best choice (proved optimal).
    """
    best_choice = incumbent.copy()
    upper = gap.cost(best_choice)
    cap = gap.unmet_cost
    if not len(gap.arc_offer):
        return Bound(bound=upper, choice=best_choice, iterations=0)  # all unmet: exact
    order = np.lexsort((gap.arc_cost, gap.arc_demand))
    arcs_of = np.bincount(gap.arc_demand, minlength=gap.n_demands)
    first = np.cumsum(arcs_of) - arcs_of
    # Start each multiplier at the cost of its second-cheapest arc (its cheapest, if it has
    # one arc; unmet, if none).
    second = gap.arc_cost[order[np.minimum(first + np.minimum(arcs_of - 1, 1), len(order) - 1)]]
    multiplier = np.where(arcs_of > 0, np.minimum(second, cap), cap).astype(np.float64)
    best_bound = -1
    step_size, stalled, iteration = 1.0, 0, 0
    for iteration in range(1, max_iterations + 1):
        mu = np.floor(multiplier).astype(np.int64)
        profit = mu[gap.arc_demand] - gap.arc_cost
        items = np.flatnonzero(profit > 0)
        value, chosen = knapsack_values(gap.n_offers, gap.room, gap.arc_offer[items],
                                        gap.arc_weight[items], profit[items])
        bound = int(mu.sum() - value.sum())
        if bound > best_bound:
            best_bound, stalled = bound, 0
        else:
            stalled += 1
            if stalled >= 5:
                step_size, stalled = step_size / 2, 0
        picked = items[chosen]
        if iteration % heuristic_every == 0 or iteration == max_iterations:
            candidate = _choice_from(gap, picked)
            candidate = local_search(gap, repair(gap, candidate), deadline)
            cost = gap.cost(candidate)
            if cost < upper:
                upper, best_choice = cost, candidate
        if best_bound >= upper or step_size < SMALLEST_STEP or time.perf_counter() > deadline:
            break
        times_taken = np.bincount(gap.arc_demand[picked], minlength=gap.n_demands)
        direction = 1.0 - times_taken
        norm = float(direction @ direction)
        if norm == 0.0:
            break
        multiplier = np.clip(multiplier + step_size * (upper - bound) / norm * direction,
                             0.0, cap)
    return Bound(bound=max(best_bound, 0), choice=best_choice, iterations=iteration)


def _choice_from(gap: Assignment, picked: IntArray) -> IntArray:
    """Each demand to its cheapest arc among ``picked`` (unmet if none)."""
    choice = np.full(gap.n_demands, NONE, dtype=np.int64)
    if len(picked):
        picked = picked[np.lexsort((picked, gap.arc_cost[picked], gap.arc_demand[picked]))]
        first = picked[np.r_[True, np.diff(gap.arc_demand[picked]) != 0]]
        choice[gap.arc_demand[first]] = first
    return choice


# --- large-neighbourhood search --------------------------------------------------------------


def _neighbourhood(gap: Assignment, state: _State, seed_offer: int, size: int,
                   served_by: tuple[IntArray, IntArray]) -> IntArray:
    """Demands to free around one offer: those it serves, then those served by the offers
    where they have a cheaper arc, and so on, until about ``size`` demands."""
    members, start = served_by
    offers = np.array([seed_offer], dtype=np.int64)
    seen = np.zeros(gap.n_offers, dtype=bool)
    seen[seed_offer] = True
    freed = np.zeros(0, dtype=np.int64)
    while len(offers) and len(freed) < size:
        count = start[offers + 1] - start[offers]
        within = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        new = members[np.repeat(start[offers], count) + within]
        freed = np.concatenate([freed, new])
        cheaper = np.isin(gap.arc_demand, new) & (gap.arc_cost < state.cost[gap.arc_demand])
        offers = np.unique(gap.arc_offer[cheaper])
        offers = offers[~seen[offers]]
        seen[offers] = True
    return freed[:size] if len(freed) > size else freed


def _solve_part(gap: Assignment, state: _State, choice: IntArray, freed: IntArray,
                seed: int, work_limit: float, time_limit: float) -> IntArray | None:
    """The best way (by CP-SAT) to serve the ``freed`` demands with the room they and the
    offers' free room leave, everything else held; ``None`` if CP-SAT found nothing."""
    import pandas as pd  # type: ignore[import-untyped]  # ortools depends on pandas
    from ortools.sat.python import cp_model

    mask = np.zeros(gap.n_demands, dtype=bool)
    mask[freed] = True
    arcs = np.flatnonzero(mask[gap.arc_demand])
    arcs = arcs[np.lexsort((arcs, gap.arc_demand[arcs]))]
    room = state.room_left.copy()
    np.add.at(room, state.offer[freed][state.offer[freed] >= 0],
              state.weight[freed][state.offer[freed] >= 0])
    model = cp_model.CpModel()
    take = model.new_bool_var_series("take", pd.RangeIndex(len(arcs))).tolist()
    demand_of = gap.arc_demand[arcs]
    for group in np.split(np.arange(len(arcs)), np.flatnonzero(np.diff(demand_of)) + 1):
        model.add_at_most_one([take[i] for i in group.tolist()])
    offer_of = gap.arc_offer[arcs]
    by_offer = np.argsort(offer_of, kind="stable")
    weight = gap.arc_weight[arcs]
    for group in np.split(by_offer, np.flatnonzero(np.diff(offer_of[by_offer])) + 1):
        o = int(offer_of[group[0]])
        if int(weight[group].sum()) > room[o]:
            model.add(cp_model.LinearExpr.weighted_sum([take[i] for i in group.tolist()],
                                                       weight[group].tolist()) <= int(room[o]))
    model.minimize(cp_model.LinearExpr.weighted_sum(
        take, (gap.arc_cost[arcs] - gap.unmet_cost[demand_of]).tolist()))
    for i, value in enumerate((choice[demand_of] == arcs).tolist()):
        model.add_hint(take[i], value)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = work_limit
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = arcs[solver.boolean_values(pd.Series(take)).to_numpy(dtype=bool)]
    result = choice.copy()
    result[freed] = NONE
    result[gap.arc_demand[chosen]] = chosen
    return result


def neighbourhood_search(gap: Assignment, choice: IntArray, deadline: float, seed: int,
                         max_iterations: int, size: int = 80, work_limit: float = 1.0,
                         bound: int = 0, relative_gap: float = 0.0) -> IntArray:
    """Large-neighbourhood search: free about ``size`` demands around a random offer (see
    :func:`_neighbourhood`), let CP-SAT re-serve them with everything else held, keep the
    result when it is cheaper, repeat. The choice keeps fitting and its cost never rises.

    Reproducible for a seed: the offers come from a seeded generator and each sub-solve is
    limited by CP-SAT's deterministic time, on one worker. Stops after ``max_iterations``
    neighbourhoods, after ``gap.n_offers`` in a row without a gain, at the deadline, or once
    the cost is within ``relative_gap`` of a known lower ``bound``.
    """
    choice = choice.copy()
    if not len(gap.arc_offer):
        return choice
    rng = np.random.default_rng(seed)
    cost, without_gain = gap.cost(choice), 0
    for _ in range(max_iterations):
        now = time.perf_counter()
        if (now >= deadline or without_gain >= gap.n_offers
                or cost - bound <= relative_gap * max(1, cost)):
            break
        state = _state(gap, choice)
        served = np.flatnonzero(choice >= 0)
        members = served[np.argsort(state.offer[served], kind="stable")]
        start = np.r_[0, np.cumsum(np.bincount(state.offer[served], minlength=gap.n_offers))]
        freed = _neighbourhood(gap, state, int(rng.integers(gap.n_offers)), size,
                               (members, start))
        # Demands left unmet that could use the same offers join in.
        unmet = np.flatnonzero(choice < 0)
        if len(unmet) and len(freed):
            near = np.isin(gap.arc_offer, state.offer[freed]) & np.isin(gap.arc_demand, unmet)
            freed = np.union1d(freed, gap.arc_demand[near])
        if not len(freed):
            without_gain += 1
            continue
        found = _solve_part(gap, state, choice, freed, seed, work_limit, deadline - now)
        if found is not None and gap.cost(found) < cost and gap.fits(found):
            choice, cost, without_gain = found, gap.cost(found), 0
        else:
            without_gain += 1
    return choice

"""LP duals of a problem's relaxation, fast: from a min-cost flow and its node potentials.

The relaxation is the one of :mod:`matching.sensitivity` (integrality, single source, lots,
minimum orders and supplier limits dropped). Where every arc of a connected component has
capacity use 1 it is a network flow, and its LP duals come from an optimal flow: the shortest
path distances ``φ`` from the sink in the flow's residual network are node potentials with
every residual reduced cost ``c + φ(u) − φ(v) ≥ 0``, and

* ``demand_cost[d] = −φ(d)``: the marginal cost of one more unit of demand ``d`` (the penalty
  when it is partly unmet, otherwise the cheapest way to reroute a unit to it);
* ``offer_value[o] = max(0, −φ(o))``: what one more unit of capacity of ``o`` saves (0 unless
  it is full).

Together with the flow they satisfy complementary slackness, so they are optimal LP duals.
Two details make that hold: the network's bounds on arcs (min(q, b)) and on unmet units (q)
are implied by the LP's own rows, so the flow stays optimal without them and the residual
network keeps every "more on this arc" and "more unmet" arc (no artificial bound gets a dual
of its own); and the potentials come from a label-correcting Bellman–Ford, vectorised with
numpy over the arcs leaving the nodes whose label changed (the residual network has negative
arcs but, at an optimum, no negative cycle).

Components with other capacity uses are a generalised flow; their duals come from GLOP through
:func:`matching.sensitivity.capacity_values`. Either way the answer is what column generation
needs (:func:`matching.candidates.price_arcs`): a pair left out of the problem cannot lower
the LP optimum when ``unit_cost + capacity_use × offer_value ≥ demand_cost``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.exceptions import MatchingError
from matching.problem import Demand, Offer, Problem
from matching.solve import _Component, _split

__all__ = ["Duals", "relaxation_duals"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_FAR = np.int64(2**62)


@dataclass(frozen=True, eq=False)
class Duals:
    """LP duals of a problem's relaxation, aligned with its demands and offers.

    ``demand_cost[d]``: rupiah the LP optimum rises per extra unit of demand ``d`` (≤ its
    penalty). ``offer_value[o]``: rupiah it falls per extra unit of capacity of offer ``o``
    (≥ 0). ``objective``: the LP optimum, a lower bound on the integer objective.
    ``demand_unmet``: units of each demand an optimal LP solution leaves unmet.
    """

    demand_cost: FloatArray
    offer_value: FloatArray
    objective: float
    demand_unmet: FloatArray


def relaxation_duals(problem: Problem, *, time_limit_s: float = 30.0) -> Duals:
    """Optimal LP duals of ``problem``'s relaxation (see the module docstring), one
    connected component at a time."""
    demand_cost = problem.demand_penalty.astype(np.float64)  # demands without arcs: all unmet
    offer_value = np.zeros(len(problem.offers), dtype=np.float64)
    demand_unmet = problem.demand_quantity.astype(np.float64)
    objective = float((problem.demand_penalty * problem.demand_quantity).sum())
    components, arc_sets, demand_sets = _split(problem)
    for component, arcs, demands in zip(components, arc_sets, demand_sets, strict=True):
        offers = np.unique(problem.arc_offer[arcs])
        objective -= float((component.demand_penalty * component.demand_quantity).sum())
        if (component.arc_capacity_use == 1).all():
            pi, mu, cost, left = _flow_duals(component)
        else:
            pi, mu, cost, left = _lp_duals(component, time_limit_s)
        demand_cost[demands] = pi
        offer_value[offers] = mu
        demand_unmet[demands] = left
        objective += cost
    for array in (demand_cost, offer_value, demand_unmet):
        array.flags.writeable = False
    return Duals(demand_cost=demand_cost, offer_value=offer_value, objective=objective,
                 demand_unmet=demand_unmet)


def _flow_duals(c: _Component) -> tuple[FloatArray, FloatArray, float, FloatArray]:
    from ortools.graph.python import min_cost_flow

    n_offers, n_demands, n_arcs = len(c.offer_capacity), len(c.demand_quantity), len(c.arc_offer)
    sink = n_offers + n_demands
    demand_node = np.arange(n_offers, sink, dtype=np.int64)
    arc_demand_node = c.arc_demand.astype(np.int64) + n_offers
    arc_offer_node = c.arc_offer.astype(np.int64)
    # The bounds on arcs (min(q, b)) and on unmet units (q) are implied by the balance and
    # capacity rows, so the flow is also optimal without them: the residual network below
    # keeps every "more on an arc" and "more unmet" arc, and no bound gets a dual of its own.
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([arc_demand_node, np.arange(n_offers), demand_node]),
        np.concatenate([arc_offer_node, np.full(n_offers, sink), np.full(n_demands, sink)]),
        np.concatenate([np.minimum(c.demand_quantity[c.arc_demand],
                                   c.offer_capacity[c.arc_offer]),
                        c.offer_capacity, c.demand_quantity]),
        np.concatenate([c.arc_unit_cost, np.zeros(n_offers, dtype=np.int64),
                        c.demand_penalty]))
    flow.set_nodes_supplies(np.append(demand_node, sink),
                            np.append(c.demand_quantity, -int(c.demand_quantity.sum())))
    if flow.solve() != flow.OPTIMAL:
        raise MatchingError("The min-cost flow of the relaxation was not solved to optimality.")
    flows = np.asarray(flow.flows(np.arange(n_arcs + n_offers + n_demands)), dtype=np.int64)
    on_arc, load, unmet = flows[:n_arcs], flows[n_arcs:n_arcs + n_offers], flows[n_arcs
                                                                                + n_offers:]
    offer_node = np.arange(n_offers, dtype=np.int64)
    pieces = [
        (arc_demand_node, arc_offer_node, c.arc_unit_cost),  # more on an arc
        (arc_offer_node[on_arc > 0], arc_demand_node[on_arc > 0],
         -c.arc_unit_cost[on_arc > 0]),  # less on an arc
        (offer_node[load < c.offer_capacity], np.full(int((load < c.offer_capacity).sum()),
                                                      sink), None),  # more load
        (np.full(int((load > 0).sum()), sink), offer_node[load > 0], None),  # less load
        (demand_node, np.full(n_demands, sink), c.demand_penalty),  # more unmet
        (np.full(int((unmet > 0).sum()), sink), demand_node[unmet > 0],
         -c.demand_penalty[unmet > 0]),  # less unmet
    ]
    tails = np.concatenate([p[0] for p in pieces])
    heads = np.concatenate([p[1] for p in pieces])
    costs = np.concatenate([np.zeros(len(p[0]), dtype=np.int64) if p[2] is None else p[2]
                            for p in pieces])
    distance = _shortest_from(sink + 1, sink, tails, heads, costs)
    pi = -distance[n_offers:sink].astype(np.float64)
    mu = np.maximum(0, -distance[:n_offers]).astype(np.float64)
    return pi, mu, float(flow.optimal_cost()), unmet.astype(np.float64)


def _shortest_from(n_nodes: int, source: int, tails: IntArray, heads: IntArray,
                   costs: IntArray) -> IntArray:
    """Shortest path distances from ``source`` (label-correcting Bellman–Ford, vectorised
    over the arcs leaving the nodes relabelled in the last pass); ``2^62`` where unreachable.
    Raises :class:`MatchingError` on a negative cycle, which an optimal flow cannot have."""
    order = np.argsort(tails, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    begin = np.searchsorted(tails, np.arange(n_nodes))
    end = np.searchsorted(tails, np.arange(n_nodes), side="right")
    distance = np.full(n_nodes, _FAR, dtype=np.int64)
    distance[source] = 0
    frontier = np.array([source], dtype=np.int64)
    for _ in range(n_nodes + 1):
        counts = end[frontier] - begin[frontier]
        total = int(counts.sum())
        if total == 0:
            return distance
        first = np.repeat(begin[frontier] - np.cumsum(counts) + counts, counts)
        arcs = first + np.arange(total)
        relaxed = distance.copy()
        np.minimum.at(relaxed, heads[arcs], distance[tails[arcs]] + costs[arcs])
        frontier = np.flatnonzero(relaxed < distance)
        distance = relaxed
        if not len(frontier):
            return distance
    raise MatchingError("The residual network has a negative cycle: the flow is not optimal.")


def _lp_duals(c: _Component, time_limit_s: float
              ) -> tuple[FloatArray, FloatArray, float, FloatArray]:
    from matching.sensitivity import capacity_values

    offers = [Offer(f"o{k}", int(b)) for k, b in enumerate(c.offer_capacity.tolist())]
    demands = [Demand(f"d{k}", int(q), unmet_penalty=int(p)) for k, (q, p)
               in enumerate(zip(c.demand_quantity.tolist(), c.demand_penalty.tolist(),
                                strict=True))]
    problem = Problem(offers=tuple(offers), demands=tuple(demands), arc_offer=c.arc_offer,
                      arc_demand=c.arc_demand, arc_unit_cost=c.arc_unit_cost,
                      arc_capacity_use=c.arc_capacity_use)
    values = capacity_values(problem, time_limit_s=time_limit_s)
    return (np.asarray(values.demand_cost, dtype=np.float64),
            np.asarray(values.offer_value, dtype=np.float64), values.objective,
            np.asarray(values.demand_unmet, dtype=np.float64))

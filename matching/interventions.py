"""What would unlock the most unmet demand: a certificate or more capacity for a group of IKM.

For the agency, the unit of action is a group of offers: one category in one kabupaten (the
IKM a training programme, a certification drive or a sentra would reach). Two kinds of
intervention are weighed for every group:

* ``certificate``: every offer of the group obtains (or renews) certificate kind ``k``, valid
  on every due date. Estimate: for each need with unmet units, the offers of the group that
  fail it **only** for lacking ``k`` (every other rule passes, and ``k`` is the one kind
  missing) could deliver ``min(unmet, Σ their capacity)``; units summed over needs, rupiah at
  each need's cheapest such offer's landed cost.
* ``capacity``: every offer of the group grows its capacity by ``capacity_percent``. Only
  groups with an offer whose capacity has value in the LP (its dual is positive: it is full
  and something waits for it) are candidates. Estimate: the LP relaxation solved again with
  the capacities raised (on the arcs of the matched problem): the unmet units it saves, and
  the value of those units at the group's average landed cost in the allocation.

Candidates are ranked by estimated units unlocked, then rupiah; the best ``confirm`` are
confirmed by running :func:`matching.match` again on the market with the change applied, and
the confirmed figures (unmet units before − after; landed cost paid to IKM after − before) are
what the answer is sorted by. The LP can over- or under-state what the integer problem gains
(lot rules make capacity lumpy; an added certificate can also free capacity elsewhere), which
is why the confirmation is reported beside the estimate.

:func:`capacity_value_by_group` sums the LP value of one more unit of capacity per offer (the
duals of GLOP, :func:`matching.capacity_values`) by category × kabupaten.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from matching.candidates import NEVER_EXPIRES, OfferTable
from matching.duals import relaxation_duals
from matching.exceptions import MatchingError
from matching.market import Market, MatchParams, MatchResult, match
from matching.problem import Offer, Problem
from matching.sensitivity import CapacityValues, capacity_values

__all__ = ["Intervention", "capacity_value_by_group", "rank_interventions"]

IntArray = npt.NDArray[np.int64]

InterventionKind = Literal["certificate", "capacity"]


@dataclass(frozen=True)
class Intervention:
    """A change for the offers of ``category`` (index into the capability graph's categories)
    in ``kabupaten``: certificate kind ``certificate`` (bit index of the tables) for each of
    ``offers``, or ``capacity_percent`` more capacity for each.

    ``estimated_*`` from the matched market, ``confirmed_*`` from matching again with the
    change (``None`` when not confirmed): units of unmet demand unlocked and rupiah of landed
    cost it brings to IKM.
    """

    kind: InterventionKind
    category: int
    kabupaten: int
    offers: tuple[str, ...]
    certificate: int | None
    capacity_percent: int | None
    estimated_units: int
    estimated_rupiah: int
    confirmed_units: int | None = None
    confirmed_rupiah: int | None = None


def capacity_value_by_group(matched: MatchResult, values: CapacityValues | None = None
                            ) -> dict[tuple[int, int], float]:
    """Rupiah the LP saves per extra unit of capacity, summed per (offer category, kabupaten)
    over the offers of the matched problem; from GLOP's duals unless ``values`` are given."""
    values = values or capacity_values(matched.problem)
    offers = matched.market.offers
    index = matched.offer_index
    totals: dict[tuple[int, int], float] = {}
    for o, value in zip(index.tolist(), values.offer_value.tolist(), strict=True):
        key = (int(offers.category[o]), int(offers.kabupaten[o]))
        totals[key] = totals.get(key, 0.0) + value
    return totals


def rank_interventions(matched: MatchResult, *, top: int = 10, confirm: int = 3,
                       capacity_percent: int = 50, params: MatchParams | None = None,
                       seed: int = 0) -> list[Intervention]:
    """The ``top`` interventions by demand unlocked, the best ``confirm`` of them confirmed
    (see the module docstring)."""
    if top < 1 or confirm < 0 or capacity_percent < 1:
        raise MatchingError(f"top must be at least 1, confirm at least 0 and capacity_percent "
                            f"at least 1; got {top}, {confirm} and {capacity_percent}.")
    candidates = (_certificate_candidates(matched)
                  + _capacity_candidates(matched, capacity_percent))
    candidates.sort(key=lambda c: (-c.estimated_units, -c.estimated_rupiah, c.kind,
                                   c.category, c.kabupaten, c.certificate or 0))
    chosen = candidates[:top]
    before_unmet = int(matched.problem.demand_quantity.sum() - matched.served.sum())
    before_paid = matched.landed_cost()
    confirmed = []
    for candidate in chosen[:confirm]:
        after = match(_applied(matched.market, candidate), params, seed=seed)
        confirmed.append(dataclasses.replace(
            candidate,
            confirmed_units=before_unmet - int(after.problem.demand_quantity.sum()
                                               - after.served.sum()),
            confirmed_rupiah=after.landed_cost() - before_paid))
    confirmed.sort(key=lambda c: (-(c.confirmed_units or 0), -(c.confirmed_rupiah or 0)))
    return confirmed + chosen[confirm:]


def _unmet(matched: MatchResult) -> IntArray:
    return np.asarray(matched.market.needs.quantity - matched.served, dtype=np.int64)


def _certificate_candidates(matched: MatchResult) -> list[Intervention]:
    market = matched.market
    unmet = _unmet(matched)
    blocked = market.certificate_blocks(np.flatnonzero(unmet > 0))
    # Only pairs missing exactly one kind: that one certificate is the change.
    single = (blocked.missing & (blocked.missing - 1)) == 0
    offers = market.offers
    o, d = blocked.offer[single], blocked.need[single]
    kind = np.array([int(m).bit_length() - 1 for m in blocked.missing[single].tolist()],
                    dtype=np.int64)
    units_of, landed_of = blocked.units[single], blocked.landed_unit_cost[single]
    groups = np.stack([offers.category[o], offers.kabupaten[o], kind]).astype(np.int64)
    answer = []
    for category, kabupaten, k in (np.unique(groups, axis=1).T.tolist() if len(o) else []):
        mask = (groups[0] == category) & (groups[1] == kabupaten) & (groups[2] == k)
        units = rupiah = 0
        for need in np.unique(d[mask]).tolist():
            here = mask & (d == need)
            gain = min(int(unmet[need]), int(units_of[here].sum()))
            units += gain
            rupiah += gain * int(landed_of[here].min())
        group = np.flatnonzero((offers.category == category) & (offers.kabupaten == kabupaten))
        answer.append(Intervention(
            kind="certificate", category=category, kabupaten=kabupaten,
            offers=tuple(str(offers.id[g]) for g in group.tolist()), certificate=k,
            capacity_percent=None, estimated_units=units, estimated_rupiah=rupiah))
    return answer


def _capacity_candidates(matched: MatchResult, capacity_percent: int) -> list[Intervention]:
    market, problem, duals = matched.market, matched.problem, matched.duals
    offers = market.offers
    index = matched.offer_index
    binding = index[duals.offer_value > 1e-6]
    groups = sorted({(int(offers.category[o]), int(offers.kabupaten[o]))
                     for o in binding.tolist()})
    before = float(duals.demand_unmet.sum())
    allocation_offer = index[matched.problem.arc_offer[matched.allocation_arc]]
    paid = matched.arcs.landed_unit_cost[matched.allocation_arc]
    answer = []
    for category, kabupaten in groups:
        in_group = (offers.category[index] == category) & (offers.kabupaten[index] == kabupaten)
        raised = _raised(problem, in_group, capacity_percent)
        after = float(relaxation_duals(raised).demand_unmet.sum())
        units = round(before - after)
        mine = ((offers.category[allocation_offer] == category)
                & (offers.kabupaten[allocation_offer] == kabupaten))
        quantity = matched.result.allocation_quantity[mine]
        price = int((paid[mine] * quantity).sum() // max(1, int(quantity.sum())))
        group = np.flatnonzero((offers.category == category) & (offers.kabupaten == kabupaten))
        answer.append(Intervention(
            kind="capacity", category=category, kabupaten=kabupaten,
            offers=tuple(str(offers.id[o]) for o in group.tolist()), certificate=None,
            capacity_percent=capacity_percent, estimated_units=units,
            estimated_rupiah=units * price))
    return answer


def _raised(problem: Problem, chosen: npt.NDArray[np.bool_], percent: int) -> Problem:
    offers = tuple(Offer(o.id, o.capacity + o.capacity * percent // 100 if pick else o.capacity,
                         o.min_order) for o, pick in zip(problem.offers, chosen.tolist(),
                                                         strict=True))
    return Problem(offers=offers, demands=problem.demands, arc_offer=problem.arc_offer,
                   arc_demand=problem.arc_demand, arc_unit_cost=problem.arc_unit_cost,
                   arc_capacity_use=problem.arc_capacity_use)


def _applied(market: Market, change: Intervention) -> Market:
    """The market with ``change`` made to its offer table."""
    offers = market.offers
    group = (offers.category == change.category) & (offers.kabupaten == change.kabupaten)
    capacity = offers.capacity.copy()
    valid = offers.certificates_valid_until.copy()
    if change.kind == "capacity":
        percent = change.capacity_percent or 0
        capacity[group] += capacity[group] * percent // 100
    else:
        assert change.certificate is not None
        valid[group, change.certificate] = NEVER_EXPIRES
    table = OfferTable(id=offers.id, category=offers.category, node=offers.node,
                       kabupaten=offers.kabupaten, capacity=capacity,
                       unit_price=offers.unit_price, min_order=offers.min_order,
                       lead_time_days=offers.lead_time_days,
                       delivery_radius_km=offers.delivery_radius_km,
                       certificates_valid_until=valid)
    return Market(table, market.needs, market.capability, market.logistics,
                  market.transport_rate)

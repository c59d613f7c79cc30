"""Near misses: needs an offer could serve but did not win, each with the one smallest change
that would have made the offer eligible or competitive.

For every (offer, need) pair whose categories match or substitute, the eligibility rules of
:func:`matching.candidates.candidate_arcs` are evaluated independently (not first-failing),
vectorised per need category in chunks. A pair is a near miss when exactly one rule the
enterprise can change fails, or when every rule passes but it won less than the whole need:

* ``price`` / ``over_price_ceiling``: the landed cost is above the need's ceiling; the change is
  the largest unit price that fits, ``⌊ceiling / capacity_use⌋ − transport``.
* ``certificate`` / ``certificate_missing``: the required kinds not held or expiring before the
  due day (bit indices of ``required_certificates``).
* ``radius`` / ``too_far``: beyond the offer's delivery radius but within the need's maximum
  distance; the change is the distance (km). Beyond the need's own maximum, or unreachable, is
  not the enterprise's to change: no near miss.
* ``lead_time`` / ``too_slow``: late by k days; the change is k (only if k ≤ its lead time).
* ``price`` / ``lost_on_cost`` (needs ``values``): eligible, with capacity to spare, but its
  solver cost is above the need's marginal cost ``demand_cost`` (LP dual; at it, the offer is
  the marginal source and a lower price wins nothing); the change is the largest unit price
  whose solver cost (after local preference) is strictly below it.
* ``capacity`` / ``capacity_full``: eligible, cheaper (solver cost) than the need's marginal
  source, but its capacity is used up; the change is +N offer units, N = capacity use × (the
  need's unmet units, or if none, the need units others supply). The marginal source is
  ``demand_cost`` when ``values`` is given, otherwise the penalty of a need left partly unmet.

Each offer's near misses are ranked by rupiah at stake, need quantity × current landed unit
cost (then need order), and the first ``limit_per_offer`` are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from matching.candidates import (
    NeedTable,
    OfferTable,
    _capacity_use,
    _groups,
    _missing_certificates,
    _prepared,
    _row_chunks,
)
from matching.exceptions import MatchingError
from matching.graphs import CapabilityGraph
from matching.result import Result
from matching.sensitivity import CapacityValues

__all__ = ["NEAR_MISS_KINDS", "NearMiss", "near_misses"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

NearMissKind = Literal["price", "certificate", "capacity", "lead_time", "radius"]
#: The single changes a near miss can ask for.
NEAR_MISS_KINDS: tuple[NearMissKind, ...] = ("price", "certificate", "capacity", "lead_time",
                                             "radius")

# Internal codes: (kind, rule) per code.
_CEILING, _CERTIFICATE, _RADIUS, _SLOW, _COST, _FULL = range(6)
_CODES: tuple[tuple[NearMissKind, str], ...] = (
    ("price", "over_price_ceiling"), ("certificate", "certificate_missing"),
    ("radius", "too_far"), ("lead_time", "too_slow"), ("price", "lost_on_cost"),
    ("capacity", "capacity_full"))
#: LP round-off on a marginal cost (rupiah): "below 1530.0000001" means below 1530.
_DUAL_TOLERANCE = 1e-6


@dataclass(frozen=True)
class NearMiss:
    """Offer ``offer`` missed need ``need`` for ``rule``; ``kind`` names the one change.

    Only the field of ``kind`` is set: ``unit_price`` (the new unit price, rupiah per offer
    unit), ``certificates`` (kinds to obtain or renew), ``added_capacity`` (offer units),
    ``days_to_cut`` (lead time), ``radius_km`` (the delivery radius to extend to).
    ``at_stake`` = need quantity × the pair's current landed unit cost (rupiah);
    ``allocated`` = need units the offer won of this need.
    """

    offer: str
    need: str
    kind: NearMissKind
    rule: str
    at_stake: int
    allocated: int = 0
    unit_price: int | None = None
    certificates: tuple[int, ...] = ()
    added_capacity: int | None = None
    days_to_cut: int | None = None
    radius_km: float | None = None


def _allocation_matrix(offers: OfferTable, needs: NeedTable,
                       allocation: Result | Iterable[tuple[str, str, int]]
                       ) -> tuple[IntArray, IntArray, IntArray]:
    """(offer index, need index, quantity) aligned arrays, quantities summed per pair."""
    rows = allocation.allocations() if isinstance(allocation, Result) else list(allocation)
    offer_at = {str(key): k for k, key in enumerate(offers.id)}
    need_at = {str(key): k for k, key in enumerate(needs.id)}
    o = np.zeros(len(rows), dtype=np.int64)
    d = np.zeros(len(rows), dtype=np.int64)
    q = np.zeros(len(rows), dtype=np.int64)
    for k, (offer_id, need_id, quantity) in enumerate(rows):
        if offer_id not in offer_at or need_id not in need_at:
            raise MatchingError(f"Allocation ({offer_id!r}, {need_id!r}) names an offer or "
                                f"need that is not in the tables.")
        o[k], d[k], q[k] = offer_at[offer_id], need_at[need_id], quantity
    return o, d, q


def near_misses(offers: OfferTable, needs: NeedTable,
                capability: CapabilityGraph | npt.NDArray[np.floating[Any]],
                km: FloatArray, hours: FloatArray, transport_rate: npt.ArrayLike,
                allocation: Result | Iterable[tuple[str, str, int]], *,
                values: CapacityValues | None = None, source_nodes: npt.NDArray[Any] | None = None,
                limit_per_offer: int = 5) -> list[NearMiss]:
    """Per offer, up to ``limit_per_offer`` needs it could serve but did not (fully) win,
    each with the single smallest change that would have made it eligible or competitive.

    Arguments as for :func:`~matching.candidates.candidate_arcs`; ``allocation`` is the
    :class:`~matching.Result` of solving its problem, or (offer id, need id, need units)
    triples. ``values`` (:func:`~matching.capacity_values` of the same problem) enables the
    ``lost_on_cost`` price and gives the marginal cost for ``capacity``. Sorted by offer (table
    order), then rupiah at stake, largest first. See the module docstring for the rules.
    """
    if limit_per_offer < 1:
        raise MatchingError(f"limit_per_offer must be at least 1; got {limit_per_offer}.")
    inputs = _prepared(offers, needs, capability, km, hours, transport_rate, source_nodes)
    n_offers, n_needs = len(offers), len(needs)

    # Allocation per pair, as sorted keys need * n_offers + offer for searchsorted lookups.
    a_offer, a_need, a_quantity = _allocation_matrix(offers, needs, allocation)
    key = a_need * n_offers + a_offer
    pair_key, inverse = np.unique(key, return_inverse=True)
    pair_quantity = np.bincount(inverse, weights=a_quantity,
                                minlength=len(pair_key)).astype(np.int64)
    a_use = (_capacity_use(inputs.matrix[offers.category[a_offer], needs.category[a_need]])
             if len(a_offer) else np.zeros(0, dtype=np.int64))
    used = np.bincount(a_offer, weights=a_use * a_quantity, minlength=n_offers).astype(np.int64)
    spare = offers.capacity - used
    unmet = needs.quantity - np.bincount(a_need, weights=a_quantity,
                                         minlength=n_needs).astype(np.int64)
    marginal = np.full(n_needs, np.nan)
    if values is not None:
        demand_at = {key: k for k, key in enumerate(values.demand_ids)}
        for position, need_id in enumerate(needs.id.tolist()):
            if need_id in demand_at:
                marginal[position] = values.demand_cost[demand_at[need_id]]
    else:
        partly = unmet > 0
        marginal[partly] = needs.unmet_penalty[partly]

    found: list[tuple[npt.NDArray[Any], ...]] = []
    for group in _groups(inputs):
        servers = group.servers
        if len(servers) == 0:
            continue
        for rows in _row_chunks(group.rows, len(servers)):
            # Beyond the need's own maximum (or unreachable) is not the enterprise's to change.
            changeable = group.reachable & (group.distance <= needs.max_distance_km[rows, None])
            missing = _missing_certificates(needs.required_certificates[rows],
                                            needs.due_day[rows],
                                            offers.certificates_valid_until[servers])
            late = group.late_base[None, :] - inputs.days_left[rows, None]
            ceiling = needs.max_unit_price[rows, None]
            fails = np.stack([group.landed > ceiling, missing != 0,
                              np.broadcast_to(~group.in_radius & group.reachable, late.shape),
                              late > 0])
            n_failing = fails.sum(axis=0)
            code = np.where(n_failing == 1, np.argmax(fails, axis=0), -1)
            code[~changeable] = -1
            # The change each failing rule asks for; -1 where it cannot be made.
            fit_price = np.maximum(ceiling, 0) // group.use - group.transport
            change = np.select([code == _CEILING, code == _SLOW], [fit_price, late], 0)
            code[(code == _CEILING) & (fit_price < 0)] = -1
            lead = offers.lead_time_days[servers]
            code[(code == _SLOW) & (late > lead)] = -1

            eligible = changeable & (n_failing == 0)
            r, c = np.nonzero(eligible)
            if len(r):
                d, o = rows[r], servers[c]
                won = _lookup(pair_key, pair_quantity, d.astype(np.int64) * n_offers + o)
                lost = won < needs.quantity[d]
                keep = group.keep_percent[c]
                solver_cost = group.cost[c]
                m = marginal[d]
                full = spare[o] < group.use[c]
                # Largest landed cost L with ⌊L·keep/100⌋ ≤ ⌈m⌉ − 1, then the unit price.
                m = m - _DUAL_TOLERANCE
                target = np.ceil(np.nan_to_num(m, nan=0.0)).astype(np.int64) - 1
                max_landed = (-(-100 * (target + 1) // np.maximum(keep, 1))) - 1
                beat_price = max_landed // group.use[c] - group.transport[c]
                with np.errstate(invalid="ignore"):
                    cheaper = solver_cost < m
                    # At its marginal cost it is the marginal source: a lower price wins nothing.
                    dearer = solver_cost > m + 2 * _DUAL_TOLERANCE
                displace = np.where(unmet[d] > 0, unmet[d], needs.quantity[d] - won)
                is_full = lost & full & cheaper & (displace > 0)
                is_cost = (lost & ~full & dearer & (keep > 0) & (beat_price >= 0)
                           & (values is not None))
                code[r[is_full], c[is_full]] = _FULL
                change[r[is_full], c[is_full]] = displace[is_full] * group.use[c][is_full]
                code[r[is_cost], c[is_cost]] = _COST
                change[r[is_cost], c[is_cost]] = beat_price[is_cost]

            r, c = np.nonzero(code >= 0)
            if len(r):
                d, o = rows[r], servers[c]
                found.append((o, d, code[r, c], change[r, c], missing[r, c],
                              group.distance[c], needs.quantity[d] * group.landed[c],
                              _lookup(pair_key, pair_quantity, d.astype(np.int64) * n_offers + o)))
    if not found:
        return []
    o, d, code, change, missing, distance, at_stake, won = (np.concatenate(column)
                                                           for column in zip(*found, strict=True))
    order = np.lexsort((d, -at_stake, o))
    o_sorted = o[order]
    first = np.searchsorted(o_sorted, o_sorted, side="left")
    kept = order[np.arange(len(order)) - first < limit_per_offer]
    return [_near_miss(offers, needs, int(o[k]), int(d[k]), int(code[k]), int(change[k]),
                       int(missing[k]), float(distance[k]), int(at_stake[k]), int(won[k]))
            for k in kept.tolist()]


def _lookup(keys: IntArray, quantities: IntArray, wanted: IntArray) -> IntArray:
    """Quantity at each wanted key, 0 where absent (``keys`` sorted)."""
    if len(keys) == 0:
        return np.zeros(len(wanted), dtype=np.int64)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.where(keys[at] == wanted, quantities[at], 0)


def _near_miss(offers: OfferTable, needs: NeedTable, o: int, d: int, code: int, change: int,
               missing: int, distance: float, at_stake: int, won: int) -> NearMiss:
    kind, rule = _CODES[code]
    base: dict[str, Any] = {"offer": str(offers.id[o]), "need": str(needs.id[d]), "kind": kind,
                            "rule": rule, "at_stake": at_stake, "allocated": won}
    if code in (_CEILING, _COST):
        base["unit_price"] = change
    elif code == _CERTIFICATE:
        base["certificates"] = tuple(k for k in range(63) if missing >> k & 1)
    elif code == _RADIUS:
        base["radius_km"] = distance
    elif code == _SLOW:
        base["days_to_cut"] = change
    else:
        base["added_capacity"] = change
    return NearMiss(**base)

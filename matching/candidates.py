"""Candidate arcs from domain tables: eligibility, landed cost and why offers were excluded.

Input is two frozen tables of numpy columns (:class:`OfferTable`, :class:`NeedTable`), a
substitution matrix (or the :class:`~matching.graphs.CapabilityGraph` it comes from) and the
km and hours matrices of :meth:`~matching.graphs.LogisticsGraph.shortest_from`. Work is grouped
by need category and broadcast over (needs × offers that can serve the category) in chunks, so
there is no per-arc Python loop.

Rules, checked in this order; an offer that fails several is counted under the first only:

1. ``no_offer_in_category``: the offer's category is neither the need's nor a substitute for it.
2. ``certificate_missing``: some required kind is not held, or expires before the due day
   (a certificate counts on its ``valid_until`` day itself).
3. ``too_far``: the park is unreachable, or farther (by the logistics graph) than the offer's
   delivery radius or the need's maximum distance.
4. ``too_slow``: lead time + ⌈travel hours / 24⌉ days is more than ``due_day - today``.
5. ``over_price_ceiling``: the landed unit cost is above the need's maximum unit price.

Money and quantities (all integers):

* capacity use: an offer unit covers ``factor`` need units, so one need unit takes
  ``capacity_use = ⌈1 / factor⌉`` offer units (rounded up: the buyer never gets less than
  asked for; 1 for the category itself).
* landed unit cost (per need unit) = ``capacity_use × (unit_price + round(rate × km))``, with
  ``rate`` the transport rate of the offer's category in rupiah per offer unit per km and the
  transport rounded to the nearest rupiah. The price ceiling is checked against this.
* local preference: each need carries ``local_discount_percent`` (its park's policy, 0 for
  none). An offer in the same kabupaten as the park enters the solver at
  ``⌊landed × (100 - percent) / 100⌋``: a preference weight in the objective, not a change of
  price; :attr:`CandidateArcs.landed_unit_cost` keeps the price the buyer pays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from matching.exceptions import InvalidProblem
from matching.graphs import CapabilityGraph
from matching.problem import Demand, Offer, Problem

__all__ = [
    "EXCLUSION_REASONS",
    "NEVER_EXPIRES",
    "NO_CERTIFICATE",
    "NO_PRICE_CEILING",
    "CandidateArcs",
    "NeedTable",
    "OfferTable",
    "candidate_arcs",
    "to_problem",
]

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Why an offer is not a candidate for a need, in the order the rules are checked.
EXCLUSION_REASONS = ("no_offer_in_category", "certificate_missing", "too_far", "too_slow",
                     "over_price_ceiling")
#: ``certificates_valid_until`` for a kind the offer does not hold.
NO_CERTIFICATE = int(np.iinfo(np.int32).min)
#: ``certificates_valid_until`` for a certificate without an expiry date.
NEVER_EXPIRES = int(np.iinfo(np.int32).max)
#: ``max_unit_price`` of a need without a price ceiling.
NO_PRICE_CEILING = int(np.iinfo(np.int64).max)

#: Upper bound on the cells of one (needs × offers) chunk, to bound memory.
_CHUNK_CELLS = 1 << 20
#: Slack for 1 / factor landing a hair above an integer (1 / (1/3) = 3.0000000000000004).
_FACTOR_EPSILON = 1e-9


def _column(table: object, name: str, dtype: type[Any], n: int, kind: str) -> None:
    value = np.array(getattr(table, name), dtype=dtype)
    if value.ndim != 1 or len(value) != n:
        raise InvalidProblem(f"$.{kind}s.{name}", f"Column {name} of the {kind}s must have one "
                                                  f"entry per {kind} ({n}); got shape "
                                                  f"{value.shape}.")
    value.flags.writeable = False
    object.__setattr__(table, name, value)


def _ids(table: OfferTable | NeedTable, kind: str) -> int:
    ids: npt.NDArray[Any] = np.asarray(table.id, dtype=object).ravel().copy()
    seen: dict[str, int] = {}
    for position, key in enumerate(ids):
        if not isinstance(key, str) or not key:
            raise InvalidProblem(f"$.{kind}s[{position}].id",
                                 f"{kind.capitalize()} id must be a non-empty string; got "
                                 f"{key!r}.")
        if key in seen:
            raise InvalidProblem(f"$.{kind}s[{position}].id",
                                 f"Duplicate {kind} id '{key}' (also at $.{kind}s[{seen[key]}]);"
                                 f" ids must be unique.")
        seen[key] = position
    ids.flags.writeable = False
    object.__setattr__(table, "id", ids)
    return len(ids)


def _at_least(table: OfferTable | NeedTable, name: str, minimum: float, what: str,
              kind: str) -> None:
    values = getattr(table, name)
    bad = np.flatnonzero(~(values >= minimum))
    if len(bad):
        k = int(bad[0])
        rule = {0: "non-negative", 1: "positive"}.get(int(minimum), f"at least {minimum}")
        raise InvalidProblem(f"$.{kind}s[{k}].{name}",
                             f"{kind.capitalize()} {what} must be {rule}; got {values[k]} for "
                             f"{kind} '{table.id[k]}'.")


@dataclass(frozen=True, eq=False)
class OfferTable:
    """What IKM offer, one entry per offer in every column.

    ``category`` indexes the substitution matrix, ``node`` the logistics nodes (the offer's
    region), ``kabupaten`` is any integer code compared with the need's for local preference.
    ``delivery_radius_km`` may be ``inf``. ``certificates_valid_until[o, k]`` is the last epoch
    day on which offer ``o`` holds certificate kind ``k`` (:data:`NO_CERTIFICATE`,
    :data:`NEVER_EXPIRES`); bit ``k`` of a need's ``required_certificates`` asks for kind ``k``.
    """

    id: npt.NDArray[Any]
    category: IndexArray
    node: IndexArray
    kabupaten: IndexArray
    capacity: IntArray
    unit_price: IntArray
    min_order: IntArray
    lead_time_days: IntArray
    delivery_radius_km: FloatArray
    certificates_valid_until: npt.NDArray[np.int32]

    def __post_init__(self) -> None:
        n = _ids(self, "offer")
        for name, dtype in (("category", np.int32), ("node", np.int32),
                            ("kabupaten", np.int32), ("capacity", np.int64),
                            ("unit_price", np.int64), ("min_order", np.int64),
                            ("lead_time_days", np.int64), ("delivery_radius_km", np.float64)):
            _column(self, name, dtype, n, "offer")
        for name, what in (("capacity", "capacity"), ("unit_price", "unit price"),
                           ("min_order", "minimum order"), ("lead_time_days", "lead time"),
                           ("delivery_radius_km", "delivery radius"), ("category", "category"),
                           ("node", "node")):
            _at_least(self, name, 0, what, "offer")
        valid = np.array(self.certificates_valid_until, dtype=np.int32)
        if valid.ndim == 1 and n == 0:
            valid = valid.reshape(0, 0)
        if valid.ndim != 2 or valid.shape[0] != n or valid.shape[1] > 63:
            raise InvalidProblem("$.offers.certificates_valid_until",
                                 f"certificates_valid_until must have one row per offer ({n}) "
                                 f"and at most 63 kinds; got shape {valid.shape}.")
        valid.flags.writeable = False
        object.__setattr__(self, "certificates_valid_until", valid)

    def __len__(self) -> int:
        return len(self.id)


@dataclass(frozen=True, eq=False)
class NeedTable:
    """What parks need, one entry per need in every column; ``today`` is one epoch day.

    ``park_node`` indexes the logistics nodes. ``max_unit_price`` may be
    :data:`NO_PRICE_CEILING`, ``max_distance_km`` may be ``inf``, ``max_suppliers`` 0 means no
    limit; ``local_discount_percent`` (0–100) is the park's local-preference policy.
    """

    id: npt.NDArray[Any]
    category: IndexArray
    park_node: IndexArray
    kabupaten: IndexArray
    quantity: IntArray
    due_day: IntArray
    today: int
    required_certificates: IntArray
    max_unit_price: IntArray
    max_distance_km: FloatArray
    split: BoolArray
    min_lot: IntArray
    max_suppliers: IntArray
    unmet_penalty: IntArray
    local_discount_percent: IntArray

    def __post_init__(self) -> None:
        n = _ids(self, "need")
        for item in fields(self):
            if item.name in ("id", "today"):
                continue
            dtype = {"category": np.int32, "park_node": np.int32, "kabupaten": np.int32,
                     "max_distance_km": np.float64, "split": np.bool_}.get(item.name, np.int64)
            _column(self, item.name, dtype, n, "need")
        for name, minimum, what in (("quantity", 1, "quantity"),
                                    ("required_certificates", 0, "certificate mask"),
                                    ("max_unit_price", 0, "price ceiling"),
                                    ("max_distance_km", 0, "maximum distance"),
                                    ("min_lot", 0, "minimum lot"),
                                    ("max_suppliers", 0, "supplier limit"),
                                    ("unmet_penalty", 0, "unmet penalty"),
                                    ("local_discount_percent", 0, "local discount"),
                                    ("category", 0, "category"), ("park_node", 0, "park node")):
            _at_least(self, name, minimum, what, "need")
        over = np.flatnonzero(self.local_discount_percent > 100)
        if len(over):
            k = int(over[0])
            raise InvalidProblem(f"$.needs[{k}].local_discount_percent",
                                 f"Need local discount must be at most 100 percent; got "
                                 f"{self.local_discount_percent[k]} for need '{self.id[k]}'.")
        if isinstance(self.today, bool) or not isinstance(self.today, int | np.integer):
            raise InvalidProblem("$.today", f"today must be an integer epoch day; got "
                                            f"{self.today!r}.")

    def __len__(self) -> int:
        return len(self.id)


@dataclass(frozen=True, eq=False)
class CandidateArcs:
    """Eligible (offer, need) pairs as aligned arrays, sorted by need then offer.

    ``landed_unit_cost`` is what the buyer pays per need unit; ``unit_cost`` is what the solver
    minimises (after local preference). ``excluded[reason][d]`` counts the offers excluded for
    need ``d`` under that reason (first failing rule); with ``eligible`` they add up to the
    number of offers for every need.
    """

    offer: IndexArray
    need: IndexArray
    landed_unit_cost: IntArray
    unit_cost: IntArray
    capacity_use: IntArray
    km: FloatArray
    eligible: IntArray
    excluded: Mapping[str, IntArray]

    def __len__(self) -> int:
        return len(self.offer)


def _capacity_use(factor: FloatArray) -> IntArray:
    return np.ceil(1.0 / factor - _FACTOR_EPSILON).astype(np.int64)


def _prepared(offers: OfferTable, needs: NeedTable,
              capability: CapabilityGraph | npt.NDArray[np.floating[Any]],
              km: FloatArray, hours: FloatArray, transport_rate: IntArray,
              source_nodes: npt.NDArray[Any] | None
              ) -> tuple[npt.NDArray[np.float64], FloatArray, FloatArray, IntArray, IntArray]:
    """The inputs as checked arrays: substitution matrix, km, hours, transport rate, and each
    need's row in the distance matrices (its park node among the sources)."""
    matrix = (capability.substitution_matrix() if isinstance(capability, CapabilityGraph)
              else np.asarray(capability, dtype=np.float64))
    km = np.asarray(km, dtype=np.float64)
    hours = np.asarray(hours, dtype=np.float64)
    rate = np.asarray(transport_rate, dtype=np.int64)
    _check_inputs(offers, needs, matrix, km, hours, rate)
    n_nodes = km.shape[1]
    sources = (np.arange(n_nodes, dtype=np.int32) if source_nodes is None
               else np.asarray(source_nodes, dtype=np.int32))
    row_of_node = np.full(n_nodes, -1, dtype=np.int64)
    row_of_node[sources] = np.arange(len(sources))
    need_row = row_of_node[needs.park_node]
    missing = np.flatnonzero(need_row < 0)
    if len(missing):
        k = int(missing[0])
        raise InvalidProblem(f"$.needs[{k}].park_node",
                             f"Park node {needs.park_node[k]} of need '{needs.id[k]}' is not "
                             f"among the sources of the distance matrix.")
    return matrix, km, hours, rate, need_row


def candidate_arcs(offers: OfferTable, needs: NeedTable,
                   capability: CapabilityGraph | npt.NDArray[np.floating[Any]],
                   km: FloatArray, hours: FloatArray, transport_rate: IntArray,
                   source_nodes: IndexArray | None = None) -> CandidateArcs:
    """Every eligible (offer, need) pair with its landed cost, and why the others are not.

    ``capability``: the graph (category indices follow its ``categories``) or its
    substitution matrix ``[offer_category, need_category]``. ``km[r, v]``, ``hours[r, v]``:
    from node ``source_nodes[r]`` to node ``v`` (``source_nodes`` defaults to every node, i.e.
    square matrices); every park node must be a source. ``transport_rate[c]``: rupiah per
    offer unit per km for offers of category ``c``.
    """
    matrix, km, hours, rate, need_row = _prepared(offers, needs, capability, km, hours,
                                                  transport_rate, source_nodes)
    n_offers, n_needs = len(offers), len(needs)
    excluded = {reason: np.zeros(n_needs, dtype=np.int64) for reason in EXCLUSION_REASONS}
    eligible = np.zeros(n_needs, dtype=np.int64)
    pieces: list[tuple[npt.NDArray[Any], ...]] = []
    days_left = needs.due_day - needs.today
    offer_transport_rate = rate[offers.category] if n_offers else np.zeros(0, np.int64)

    for category in np.unique(needs.category):
        group = np.flatnonzero(needs.category == category)
        factor_of_offer = matrix[offers.category, category]
        servers = np.flatnonzero(factor_of_offer > 0)
        excluded["no_offer_in_category"][group] = n_offers - len(servers)
        if len(servers) == 0:
            continue
        factor = factor_of_offer[servers]
        use = _capacity_use(factor)
        price = offers.unit_price[servers]
        per_km = offer_transport_rate[servers]
        radius = offers.delivery_radius_km[servers]
        lead = offers.lead_time_days[servers]
        valid_until = offers.certificates_valid_until[servers]
        server_node = offers.node[servers]
        server_kabupaten = offers.kabupaten[servers]
        step = max(1, _CHUNK_CELLS // len(servers))
        for start in range(0, len(group), step):
            rows = group[start:start + step]
            distance = km[need_row[rows]][:, server_node]
            travel = hours[need_row[rows]][:, server_node]

            certified = _certified(needs.required_certificates[rows], needs.due_day[rows],
                                   valid_until)
            reachable = np.isfinite(distance)
            near = (reachable & (distance <= radius)
                    & (distance <= needs.max_distance_km[rows, None]))
            finite_travel = np.where(np.isfinite(travel), travel, 0.0)
            travel_days = np.ceil(finite_travel / 24.0).astype(np.int64)
            quick = lead + travel_days <= days_left[rows, None]
            transport = np.rint(per_km * np.where(reachable, distance, 0.0)).astype(np.int64)
            landed = use * (price + transport)
            cheap = landed <= needs.max_unit_price[rows, None]

            passed = np.ones_like(certified)
            for reason, rule in (("certificate_missing", certified), ("too_far", near),
                                 ("too_slow", quick), ("over_price_ceiling", cheap)):
                excluded[reason][rows] = (passed & ~rule).sum(axis=1)
                passed &= rule
            eligible[rows] = passed.sum(axis=1)

            r, c = np.nonzero(passed)
            chosen = landed[r, c]
            local = server_kabupaten[c] == needs.kabupaten[rows[r]]
            keep = 100 - np.where(local, needs.local_discount_percent[rows[r]], 0)
            pieces.append((servers[c].astype(np.int32), rows[r].astype(np.int32), chosen,
                           chosen * keep // 100, use[c], distance[r, c]))

    return _assemble(pieces, eligible, excluded)


def _missing_certificates(required: IntArray, due_day: IntArray,
                          valid_until: npt.NDArray[np.int32]) -> IntArray:
    """``[need, offer]``: bitmask of required kinds not held or expired before the due day."""
    held = np.zeros((len(required), len(valid_until)), dtype=np.int64)
    wanted = int(np.bitwise_or.reduce(required)) if len(required) else 0
    for kind in range(valid_until.shape[1]):
        if wanted >> kind & 1:
            valid = valid_until[None, :, kind] >= due_day[:, None]
            held |= valid.astype(np.int64) << kind
    return np.asarray(required[:, None] & ~held, dtype=np.int64)


def _certified(required: IntArray, due_day: IntArray,
               valid_until: npt.NDArray[np.int32]) -> BoolArray:
    """``[need, offer]``: every required kind is held and still valid on the due day."""
    return np.asarray(_missing_certificates(required, due_day, valid_until) == 0)


def _assemble(pieces: list[tuple[npt.NDArray[Any], ...]], eligible: IntArray,
              excluded: dict[str, IntArray]) -> CandidateArcs:
    dtypes = (np.int32, np.int32, np.int64, np.int64, np.int64, np.float64)
    columns = [np.concatenate([p[k] for p in pieces]).astype(dtype) if pieces
               else np.zeros(0, dtype=dtype) for k, dtype in enumerate(dtypes)]
    order = np.lexsort((columns[0], columns[1]))
    columns = [column[order] for column in columns]
    for column in (*columns, eligible, *excluded.values()):
        column.flags.writeable = False
    return CandidateArcs(offer=columns[0], need=columns[1], landed_unit_cost=columns[2],
                         unit_cost=columns[3], capacity_use=columns[4], km=columns[5],
                         eligible=eligible, excluded=MappingProxyType(excluded))


def _check_inputs(offers: OfferTable, needs: NeedTable, matrix: FloatArray, km: FloatArray,
                  hours: FloatArray, rate: IntArray) -> None:
    n_categories = matrix.shape[0]
    if matrix.ndim != 2 or matrix.shape[1] != n_categories:
        raise InvalidProblem("$.substitution", f"The substitution matrix must be square; got "
                                               f"shape {matrix.shape}.")
    if rate.shape != (n_categories,) or (rate < 0).any():
        raise InvalidProblem("$.transport_rate", f"Give one non-negative transport rate per "
                                                 f"category ({n_categories}); got "
                                                 f"{rate.tolist()}.")
    if km.ndim != 2 or km.shape != hours.shape:
        raise InvalidProblem("$.km", f"km and hours must be matrices of the same shape; got "
                                     f"{km.shape} and {hours.shape}.")
    for kind, table in (("offer", offers), ("need", needs)):
        bad = np.flatnonzero(table.category >= n_categories)
        if len(bad):
            k = int(bad[0])
            raise InvalidProblem(f"$.{kind}s[{k}].category",
                                 f"Category {table.category[k]} of {kind} '{table.id[k]}' is "
                                 f"outside the {n_categories} categories.")
    for kind, nodes in (("offer", offers.node), ("need", needs.park_node)):
        bad = np.flatnonzero(nodes >= km.shape[1])
        if len(bad):
            k = int(bad[0])
            raise InvalidProblem(f"$.{kind}s[{k}]", f"Node {nodes[k]} is outside the "
                                                    f"{km.shape[1]} logistics nodes.")


def to_problem(arcs: CandidateArcs, offers: OfferTable, needs: NeedTable) -> Problem:
    """The explicit-arc :class:`~matching.Problem` for these candidates (solver costs)."""
    offer_list = [Offer(str(i), capacity=int(c), min_order=int(m))
                  for i, c, m in zip(offers.id, offers.capacity, offers.min_order, strict=True)]
    demand_list = [Demand(str(i), quantity=int(q), split=bool(s), min_lot=int(lot),
                          max_suppliers=int(k) or None, unmet_penalty=int(p))
                   for i, q, s, lot, k, p in zip(needs.id, needs.quantity, needs.split,
                                                 needs.min_lot, needs.max_suppliers,
                                                 needs.unmet_penalty, strict=True)]
    return Problem.from_arrays(offer_list, demand_list, offers.id[arcs.offer],
                               needs.id[arcs.need], arcs.unit_cost, arcs.capacity_use)

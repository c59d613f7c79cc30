"""Candidate arcs from domain tables: eligibility, landed cost and why offers were excluded.

Input is two frozen tables of numpy columns (:class:`OfferTable`, :class:`NeedTable`), a
substitution matrix (or the :class:`~matching.graphs.CapabilityGraph` it comes from) and the
km and hours matrices of :meth:`~matching.graphs.LogisticsGraph.shortest_from`. Needs are
grouped by category, park, kabupaten and local discount: within a group every per-offer figure
(distance, travel days, landed cost) is one vector, and the rules that depend on the need are
broadcast over (needs × offers that can serve the category) in chunks, so there is no per-arc
Python loop.

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
  none). An offer in the same kabupaten as the need (any integer code: the caller decides what
  counts as local) enters the solver at ``⌊landed × (100 - percent) / 100⌋``: a preference
  weight in the objective, not a change of price; :attr:`CandidateArcs.landed_unit_cost`
  keeps the price the buyer pays.

Budgets and pricing, for catalogs too large to give the solver every eligible pair: with
``cover``, :func:`candidate_arcs` gives each need its few cheapest eligible pairs and a
stretch of the servers (in order of solver cost) that could deliver ``cover`` times its
quantity, the needs of one park and category laid end to end over the servers' capacity (a
staircase), so that they do not all pile onto the cheapest. :func:`price_arcs` then adds the
left-out pairs whose reduced cost under the LP duals of the problem so far is negative (column
generation; see :mod:`matching.market`), and :func:`exclusions` counts, for the needs that
want it, the offers and the capacity each rule excluded.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
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
    "Blocked",
    "CandidateArcs",
    "Exclusions",
    "NeedTable",
    "OfferTable",
    "Priced",
    "candidate_arcs",
    "certificate_blocks",
    "close_arcs",
    "exclusions",
    "price_arcs",
    "to_problem",
]

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
#: Any integer array (indices of either width).
Ints = npt.NDArray[np.integer[Any]]

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
#: Width of the first block of a budgeted scan (servers in order of cost).
_FIRST_BLOCK = 64
#: LP round-off on a reduced cost (rupiah): below −1e-6 is negative.
_DUAL_TOLERANCE = 1e-6
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
    number of offers for every need. A budgeted build (``cover``) does not look at every offer,
    so it leaves ``eligible`` and ``excluded`` as ``None``; :func:`exclusions` gives them for
    the needs that want them.
    """

    offer: IndexArray
    need: IndexArray
    landed_unit_cost: IntArray
    unit_cost: IntArray
    capacity_use: IntArray
    km: FloatArray
    eligible: IntArray | None
    excluded: Mapping[str, IntArray] | None

    def __len__(self) -> int:
        return len(self.offer)

    def merged(self, more: CandidateArcs) -> CandidateArcs:
        """These arcs and those of ``more`` (a pair in both counts once), re-sorted; the counts
        are dropped."""
        columns = [np.concatenate([getattr(self, name), getattr(more, name)])
                   for name in _ARC_COLUMNS]
        return _sorted_arcs(columns, None, None)


_ARC_COLUMNS = ("offer", "need", "landed_unit_cost", "unit_cost", "capacity_use", "km")
_ARC_DTYPES = (np.int32, np.int32, np.int64, np.int64, np.int64, np.float64)


@dataclass(frozen=True, eq=False)
class Exclusions:
    """Why offers are not candidates for some needs, counted and in capacity.

    For each need of ``need`` (indices into the need table): ``eligible`` offers and the need
    units they could deliver at most (``eligible_units``: Σ ⌊capacity / capacity use⌋), and
    per reason of :data:`EXCLUSION_REASONS` the offers excluded under it as the first failing
    rule (``count``) and the need units those offers could have delivered (``units``; 0 for
    ``no_offer_in_category``, whose offers make something else).
    """

    need: IndexArray
    eligible: IntArray
    eligible_units: IntArray
    count: Mapping[str, IntArray]
    units: Mapping[str, IntArray]


def _capacity_use(factor: FloatArray) -> IntArray:
    return np.ceil(1.0 / factor - _FACTOR_EPSILON).astype(np.int64)


# --- inputs and groups ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Inputs:
    """The checked inputs of a build, with what every group shares."""

    offers: OfferTable
    needs: NeedTable
    matrix: FloatArray
    km: FloatArray
    hours: FloatArray
    offer_rate: FloatArray  # transport rate of each offer's category
    need_row: IntArray  # each need's row in km and hours
    days_left: IntArray
    #: The groups of every need with only the servers within their own radius (what walks
    #: look at), kept for the next walk over the same market.
    cache: dict[str, list[_Group]] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class _Group:
    """Needs of one category, park (distance row), kabupaten and local discount, and the
    offers that can serve them with every per-offer figure the rules use: one vector each, the
    same for every need of the group."""

    rows: IndexArray  # needs
    servers: IndexArray  # offers whose category is the needs' or substitutes for it
    use: IntArray
    distance: FloatArray
    reachable: BoolArray
    in_radius: BoolArray  # reachable and within the offer's own radius
    late_base: IntArray  # lead time + ⌈travel hours / 24⌉
    transport: IntArray
    landed: IntArray
    cost: IntArray  # the solver's cost: landed after local preference
    keep_percent: IntArray  # of landed in cost: 100 − discount where local, else 100
    units: IntArray  # need units the offer can deliver at most: ⌊capacity / use⌋
    discount: int  # local preference percent of the group's needs


def _prepared(offers: OfferTable, needs: NeedTable,
              capability: CapabilityGraph | npt.NDArray[np.floating[Any]],
              km: FloatArray, hours: FloatArray, transport_rate: npt.ArrayLike,
              source_nodes: npt.NDArray[Any] | None) -> _Inputs:
    """The inputs as checked arrays, with each need's row in the distance matrices (its park
    node among the sources)."""
    matrix = (capability.substitution_matrix() if isinstance(capability, CapabilityGraph)
              else np.asarray(capability, dtype=np.float64))
    km = np.asarray(km, dtype=np.float64)
    hours = np.asarray(hours, dtype=np.float64)
    rate = np.asarray(transport_rate, dtype=np.float64)
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
    offer_rate = rate[offers.category] if len(offers) else np.zeros(0, np.float64)
    return _Inputs(offers, needs, matrix, km, hours, offer_rate, need_row,
                   needs.due_day - needs.today)


def _reachable_groups(inputs: _Inputs) -> list[_Group]:
    """The groups of every need, with only the servers within their own radius of the park
    (the others are ``too_far`` for every need of the group, so no walk takes them); computed
    once per inputs."""
    if "reachable" not in inputs.cache:
        inputs.cache["reachable"] = list(_groups(inputs, reachable_only=True))
    return inputs.cache["reachable"]


def _groups(inputs: _Inputs, rows: IndexArray | None = None, *,
            reachable_only: bool = False) -> Iterator[_Group]:
    """The groups of ``rows`` (default: every need), in order of their first need; with
    ``reachable_only``, each with the servers within their own radius only."""
    needs, offers = inputs.needs, inputs.offers
    wanted = np.arange(len(needs)) if rows is None else np.asarray(rows, dtype=np.int64)
    if not len(wanted):
        return
    keys = np.stack([needs.category[wanted], inputs.need_row[wanted], needs.kabupaten[wanted],
                     needs.local_discount_percent[wanted]]).astype(np.int64)
    _, first, label = np.unique(keys, axis=1, return_index=True, return_inverse=True)
    label = label.ravel()
    servable: dict[int, tuple[IndexArray, IntArray]] = {}
    for group in np.argsort(first, kind="stable").tolist():
        members = wanted[label == group]
        d = int(members[0])
        category, row = int(needs.category[d]), int(inputs.need_row[d])
        if category not in servable:
            factor = inputs.matrix[offers.category, category]
            found = np.flatnonzero(factor > 0).astype(np.int32)
            servable[category] = found, _capacity_use(factor[found])
        servers, use = servable[category]
        if reachable_only:
            km = inputs.km[row, offers.node[servers]]
            near = np.isfinite(km) & (km <= offers.delivery_radius_km[servers])
            servers, use = servers[near], use[near]
        distance = inputs.km[row, offers.node[servers]]
        travel = inputs.hours[row, offers.node[servers]]
        reachable = np.isfinite(distance)
        travel_days = np.ceil(np.where(np.isfinite(travel), travel, 0.0) / 24.0)
        transport = np.rint(inputs.offer_rate[servers] * np.where(reachable, distance, 0.0)
                            ).astype(np.int64)
        landed = use * (offers.unit_price[servers] + transport)
        discount = int(needs.local_discount_percent[d])
        local = offers.kabupaten[servers] == needs.kabupaten[d]
        keep_percent = np.where(local, 100 - discount, 100).astype(np.int64)
        yield _Group(
            rows=members.astype(np.int32), servers=servers, use=use, distance=distance,
            reachable=reachable,
            in_radius=reachable & (distance <= offers.delivery_radius_km[servers]),
            late_base=offers.lead_time_days[servers] + travel_days.astype(np.int64),
            transport=transport, landed=landed, cost=landed * keep_percent // 100,
            keep_percent=keep_percent, units=offers.capacity[servers] // use, discount=discount)


def _row_chunks(rows: npt.NDArray[Any], columns: int) -> Iterator[npt.NDArray[Any]]:
    step = max(1, _CHUNK_CELLS // max(1, columns))
    for start in range(0, len(rows), step):
        yield rows[start:start + step]


def _rules(inputs: _Inputs, group: _Group, rows: Ints, columns: Ints | None = None
           ) -> tuple[BoolArray, BoolArray, BoolArray, BoolArray]:
    """``[row, cell]`` masks of the rules that depend on the need: certified, near, quick and
    cheap (see the module docstring). ``columns`` picks servers by position, the same for
    every row (1-D) or per row (2-D, one row of positions per need); default: every server."""
    needs = inputs.needs
    pick = np.arange(len(group.servers)) if columns is None else columns

    def at(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        picked = values[pick]
        return picked if picked.ndim == 2 else picked[None, :]

    certified = _certified(needs.required_certificates[rows], needs.due_day[rows],
                           inputs.offers.certificates_valid_until[group.servers[pick]])
    near = at(group.in_radius) & (at(group.distance) <= needs.max_distance_km[rows, None])
    quick = at(group.late_base) <= inputs.days_left[rows, None]
    cheap = at(group.landed) <= needs.max_unit_price[rows, None]
    return certified, near, quick, cheap


# --- the build -----------------------------------------------------------------------------


def candidate_arcs(offers: OfferTable, needs: NeedTable,
                   capability: CapabilityGraph | npt.NDArray[np.floating[Any]],
                   km: FloatArray, hours: FloatArray, transport_rate: npt.ArrayLike,
                   source_nodes: IndexArray | None = None, *, cover: float | None = None,
                   min_per_need: int = 1) -> CandidateArcs:
    """Eligible (offer, need) pairs with their landed cost, and why the others are not.

    ``capability``: the graph (category indices follow its ``categories``) or its
    substitution matrix ``[offer_category, need_category]``. ``km[r, v]``, ``hours[r, v]``:
    from node ``source_nodes[r]`` to node ``v`` (``source_nodes`` defaults to every node, i.e.
    square matrices); every park node must be a source. ``transport_rate[c]``: rupiah per
    offer unit per km for offers of category ``c`` (any non-negative number; the transport of
    an arc is rounded to the rupiah).

    Without ``cover``, every eligible pair, with the exclusion counts. With ``cover``, a
    budget: per need, its ``min_per_need`` cheapest eligible pairs (by solver cost, ties in
    offer order), and its eligible pairs along its stretch of the staircase (see the module
    docstring) until they could deliver ``cover`` × its quantity (the pair that crosses the
    mark included).
    """
    inputs = _prepared(offers, needs, capability, km, hours, transport_rate, source_nodes)
    if cover is None:
        return _every_arc(inputs)
    return _budgeted(inputs, cover, min_per_need)


def _budgeted(inputs: _Inputs, cover: float, min_per_need: int) -> CandidateArcs:
    _check_budget(cover, min_per_need)
    needs = inputs.needs
    pieces: list[tuple[npt.NDArray[Any], ...]] = []
    for group in _reachable_groups(inputs):
        if not len(group.servers):
            continue
        order = np.argsort(group.cost, kind="stable")
        starts = _staircase(group, needs.quantity[group.rows], order)
        for chunk, first in zip(_row_chunks(group.rows, _FIRST_BLOCK),
                                _row_chunks(starts, _FIRST_BLOCK), strict=True):
            quantity = needs.quantity[chunk]
            # The cheapest few for every need, then its stretch of the staircase.
            _walk(inputs, group, chunk, order, np.zeros(len(chunk), dtype=np.int64),
                  np.zeros(len(chunk)), min_per_need, pieces)
            _walk(inputs, group, chunk, order, first, cover * quantity, 1, pieces)
    return _assemble(pieces, None, None)


def _every_arc(inputs: _Inputs) -> CandidateArcs:
    n_offers, n_needs = len(inputs.offers), len(inputs.needs)
    excluded = {reason: np.zeros(n_needs, dtype=np.int64) for reason in EXCLUSION_REASONS}
    eligible = np.zeros(n_needs, dtype=np.int64)
    pieces: list[tuple[npt.NDArray[Any], ...]] = []
    for group in _groups(inputs):
        excluded["no_offer_in_category"][group.rows] = n_offers - len(group.servers)
        if not len(group.servers):
            continue
        for rows in _row_chunks(group.rows, len(group.servers)):
            passed = np.ones((len(rows), len(group.servers)), dtype=bool)
            for reason, rule in zip(EXCLUSION_REASONS[1:], _rules(inputs, group, rows),
                                    strict=True):
                excluded[reason][rows] = (passed & ~rule).sum(axis=1)
                passed &= rule
            eligible[rows] = passed.sum(axis=1)
            r, c = np.nonzero(passed)
            pieces.append(_piece(group, rows, r, c))
    return _assemble(pieces, eligible, excluded)


def _piece(group: _Group, rows: Ints, r: Ints, c: Ints) -> tuple[npt.NDArray[Any], ...]:
    """Arc columns for cells (r, c) of a chunk: rows[r] × group.servers[c]."""
    return (group.servers[c], rows[r], group.landed[c], group.cost[c], group.use[c],
            group.distance[c])


@dataclass(frozen=True, eq=False)
class Priced:
    """What :func:`price_arcs` found: pairs that price out, and per need the least value of
    its eligible pairs below its marginal cost (``inf`` where none is)."""

    arcs: CandidateArcs
    least: FloatArray


def _walk(inputs: _Inputs, group: _Group, rows: Ints, order: Ints, first: Ints,
          goal: npt.NDArray[np.floating[Any]] | IntArray, min_count: int,
          pieces: list[tuple[Any, ...]], value: npt.NDArray[Any] | None = None,
          stop: FloatArray | None = None, least: FloatArray | None = None,
          max_count: IntArray | None = None) -> BoolArray:
    """Add to ``pieces``, for each need of ``rows``, eligible pairs taken along ``order``
    (positions in ``group.servers``) from position ``first[row]`` on, while those taken could
    deliver fewer than ``goal[row]`` need units or number fewer than ``min_count``.

    With ``value`` and ``stop``, a need stops at the first server whose value (indexed like
    ``order``) is ``stop[row]`` or more, and takes only servers valued below it; ``least``
    (per row) then receives the value of the first eligible server walked past (unchanged
    where there is none). With ``max_count``, a need takes no more than that many servers.
    Each need walks with its own cursor, in blocks of growing width, all needs of the chunk at
    once. Returns, per row, whether it stopped at ``max_count`` with more it would have taken.
    """
    n = len(order)
    taken_units = np.zeros(len(rows), dtype=np.int64)
    taken = np.zeros(len(rows), dtype=np.int64)
    cursor = first.astype(np.int64).copy()
    capped = np.zeros(len(rows), dtype=bool)
    active = np.flatnonzero(cursor < n)
    width = _FIRST_BLOCK
    while len(active):
        step = np.arange(width)
        at = cursor[active, None] + step[None, :]
        inside = at < n
        columns = order[np.minimum(at, n - 1)]
        chunk = rows[active]
        ok = inside & np.logical_and.reduce(_rules(inputs, group, chunk, columns))
        ended = ~inside[:, -1]
        if value is not None and stop is not None:
            over = value[np.minimum(at, n - 1)] >= stop[active, None]
            ok &= ~over
            ended |= (over & inside).any(axis=1)
        if least is not None and value is not None:
            seen = ok.any(axis=1)
            first_ok = np.argmax(ok, axis=1)
            where = active[seen]
            least[where] = np.minimum(least[where],
                                      value[np.minimum(at[seen, first_ok[seen]], n - 1)])
        offered = np.where(ok, group.units[columns], 0)
        units_before = taken_units[active, None] + np.cumsum(offered, axis=1) - offered
        count_before = taken[active, None] + np.cumsum(ok, axis=1) - ok
        take = ok & ((units_before < goal[active, None]) | (count_before < min_count))
        if max_count is not None:
            room = count_before < max_count[active, None]
            capped[active] |= (take & ~room).any(axis=1)
            take &= room
        r, c = np.nonzero(take)
        pieces.append(_piece(group, chunk, r, columns[r, c]))
        # Both budget conditions only grow along the walk: the servers taken are a prefix of
        # the eligible ones, and a need whose budget is spent is done.
        spent = (ok & ~take).any(axis=1)
        taken_units[active] += (offered * take).sum(axis=1)
        taken[active] += take.sum(axis=1)
        cursor[active] += width
        active = active[~(spent | ended | capped[active])]
        width = min(2 * width, max(_FIRST_BLOCK, _CHUNK_CELLS // max(1, len(active))))
    return capped


def price_arcs(offers: OfferTable, needs: NeedTable,
               capability: CapabilityGraph | npt.NDArray[np.floating[Any]],
               km: FloatArray, hours: FloatArray, transport_rate: npt.ArrayLike,
               demand_cost: FloatArray, offer_value: FloatArray, demand_unmet: FloatArray, *,
               cover: float, source_nodes: IndexArray | None = None) -> Priced:
    """Column generation: the eligible pairs whose reduced cost ``unit_cost + capacity_use ×
    offer_value[o] − demand_cost[d]`` is negative under the LP duals of the problem so far.

    ``demand_cost``, ``offer_value`` and ``demand_unmet`` (the LP's unmet units) are per need
    and per offer of the tables (``offer_value`` ≥ 0, 0 for an offer outside the problem).
    No pair of the problem can price out (its reduced cost is ≥ 0 at an LP optimum), so the
    answer's arcs are only pairs left out; none means the LP over the problem is the LP over
    every eligible pair.

    The answer's ``least[d]`` is the least ``unit_cost + capacity_use × offer_value`` over the
    eligible pairs of need ``d`` when that is below its marginal cost (``inf`` otherwise):
    lowering each marginal cost to it makes the duals feasible for every eligible pair, so
    ``Σ quantity × min(demand_cost, least) − Σ capacity × offer_value`` is a lower bound on
    the LP over every eligible pair (Lagrangian duality), however few rounds were run.

    Within a group the servers are walked in order of ``unit_cost + capacity_use ×
    offer_value``, and a need stops at the first server valued at its marginal cost or more.
    Each need takes pairs that price out until they could deliver ``cover`` × its LP-unmet
    units (× its quantity when none is unmet). Needs left partly unmet are laid end to end
    over the servers that can price out (a staircase, as in :func:`candidate_arcs`), so that
    they take different servers rather than all the same cheapest ones.
    """
    inputs = _prepared(offers, needs, capability, km, hours, transport_rate, source_nodes)
    return _price_arcs(inputs, demand_cost, offer_value, demand_unmet, cover)


def _price_arcs(inputs: _Inputs, demand_cost: FloatArray, offer_value: FloatArray,
                demand_unmet: FloatArray, cover: float) -> Priced:
    _check_budget(cover, 1)
    needs = inputs.needs
    demand_cost = np.asarray(demand_cost, dtype=np.float64)
    offer_value = np.asarray(offer_value, dtype=np.float64)
    demand_unmet = np.ceil(np.asarray(demand_unmet, dtype=np.float64) - _DUAL_TOLERANCE)
    stop = demand_cost - _DUAL_TOLERANCE
    least = np.full(len(needs), np.inf)
    pieces: list[tuple[npt.NDArray[Any], ...]] = []
    for group, order, ranked, rows in _by_value(inputs, offer_value, stop):
        short = demand_unmet[rows] > 0
        wanted = np.where(short, demand_unmet[rows], needs.quantity[rows]).astype(np.int64)
        first = np.zeros(len(rows), dtype=np.int64)
        reach = int(np.searchsorted(ranked, stop[rows].max()))
        first[short] = _staircase(group, wanted[short], order[:reach])
        for chunk, start, goal in zip(_row_chunks(rows, _FIRST_BLOCK),
                                      _row_chunks(first, _FIRST_BLOCK),
                                      _row_chunks(wanted, _FIRST_BLOCK), strict=True):
            _walk(inputs, group, chunk, order, start, cover * goal, 1, pieces, value=ranked,
                  stop=stop[chunk])
            # From the cheapest too: its pair that prices out most, and its least value.
            found = np.full(len(chunk), np.inf)
            _walk(inputs, group, chunk, order, np.zeros(len(chunk), dtype=np.int64),
                  np.zeros(len(chunk)), 1, pieces, value=ranked, stop=stop[chunk],
                  least=found)
            least[chunk] = found
    least.flags.writeable = False
    return Priced(_assemble(pieces, None, None), least)


def close_arcs(offers: OfferTable, needs: NeedTable,
               capability: CapabilityGraph | npt.NDArray[np.floating[Any]],
               km: FloatArray, hours: FloatArray, transport_rate: npt.ArrayLike,
               demand_cost: FloatArray, offer_value: FloatArray, slack: FloatArray, *,
               limit: IntArray | None = None, source_nodes: IndexArray | None = None
               ) -> tuple[CandidateArcs, bool]:
    """Every eligible pair whose reduced cost under the LP duals is below ``slack[d]`` (per
    need; those of the problem included), at most ``limit[d]`` per need (the cheapest by
    value); and whether some need had more than its limit.

    Reduced-cost closure for needs with lot rules: when an integer solution costs ``UB`` and
    the LP over every eligible pair is ``LB``, any solution using a pair of reduced cost above
    ``UB − LB`` costs more than ``UB`` (its cost is ``LB`` plus non-negative reduced costs
    times integer quantities), so the integer optimum over every eligible pair uses only pairs
    below that slack. Duals as for :func:`price_arcs`, which must have converged.
    """
    inputs = _prepared(offers, needs, capability, km, hours, transport_rate, source_nodes)
    return _close_arcs(inputs, demand_cost, offer_value, slack, limit)


def _close_arcs(inputs: _Inputs, demand_cost: FloatArray, offer_value: FloatArray,
                slack: FloatArray, limit: IntArray | None) -> tuple[CandidateArcs, bool]:
    stop = (np.asarray(demand_cost, dtype=np.float64) + np.asarray(slack, dtype=np.float64)
            + _DUAL_TOLERANCE)
    offer_value = np.asarray(offer_value, dtype=np.float64)
    pieces: list[tuple[npt.NDArray[Any], ...]] = []
    truncated = False
    for group, order, ranked, rows in _by_value(inputs, offer_value, stop):
        for chunk in _row_chunks(rows, _FIRST_BLOCK):
            capped = _walk(inputs, group, chunk, order, np.zeros(len(chunk), dtype=np.int64),
                           np.full(len(chunk), np.inf), 1, pieces, value=ranked,
                           stop=stop[chunk], max_count=None if limit is None else limit[chunk])
            truncated |= bool(capped.any())
    return _assemble(pieces, None, None), truncated


def _by_value(inputs: _Inputs, offer_value: FloatArray, stop: FloatArray
              ) -> Iterator[tuple[_Group, Ints, FloatArray, Ints]]:
    """Per group: its servers in order of ``cost + use × offer_value`` (the value a pair must be
    below a need's ``stop`` to be taken), those values in that order, and the group's needs
    whose ``stop`` is above the least of them (no other need can take anything)."""
    for group in _reachable_groups(inputs):
        if not len(group.servers):
            continue
        value = group.cost + group.use * offer_value[group.servers]
        order = np.argsort(value, kind="stable")
        ranked = value[order]
        rows = group.rows[stop[group.rows] > ranked[0]]
        if len(rows):
            yield group, order, ranked, rows


def _staircase(group: _Group, quantity: Ints, order: Ints) -> IntArray:
    """Where each need of the group starts its walk along ``order``: needs in table order are
    laid end to end over the servers' capacity (wrapping round when they want more than
    there is), so that needs sharing a park and a category start at different servers
    instead of all piling onto the cheapest."""
    units = group.units[order]
    total = int(units.sum())
    if total == 0:
        return np.zeros(len(quantity), dtype=np.int64)
    before = np.cumsum(quantity) - quantity
    return np.searchsorted(np.cumsum(units), before % total, side="right").astype(np.int64)


def _check_budget(cover: float, min_per_need: int) -> None:
    if not cover > 0 or not math.isfinite(cover):
        raise InvalidProblem("cover", f"The cover must be a positive number; got {cover!r}.")
    if min_per_need < 1:
        raise InvalidProblem("min_per_need", f"min_per_need must be at least 1; got "
                                             f"{min_per_need}.")


def exclusions(offers: OfferTable, needs: NeedTable,
               capability: CapabilityGraph | npt.NDArray[np.floating[Any]],
               km: FloatArray, hours: FloatArray, transport_rate: npt.ArrayLike,
               rows: IndexArray, source_nodes: IndexArray | None = None) -> Exclusions:
    """Why offers are not candidates for the needs ``rows``, counted and in capacity (see
    :class:`Exclusions`); the first failing rule decides, as in :func:`candidate_arcs`."""
    inputs = _prepared(offers, needs, capability, km, hours, transport_rate, source_nodes)
    return _exclusions(inputs, rows)


def _exclusions(inputs: _Inputs, rows: npt.ArrayLike) -> Exclusions:
    offers, needs = inputs.offers, inputs.needs
    rows = np.asarray(rows, dtype=np.int32)
    position = np.full(len(needs), -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    count = {reason: np.zeros(len(rows), dtype=np.int64) for reason in EXCLUSION_REASONS}
    units = {reason: np.zeros(len(rows), dtype=np.int64) for reason in EXCLUSION_REASONS}
    eligible = np.zeros(len(rows), dtype=np.int64)
    eligible_units = np.zeros(len(rows), dtype=np.int64)
    for group in _groups(inputs, rows):
        count["no_offer_in_category"][position[group.rows]] = len(offers) - len(group.servers)
        if not len(group.servers):
            continue
        for chunk in _row_chunks(group.rows, len(group.servers)):
            at = position[chunk]
            passed = np.ones((len(chunk), len(group.servers)), dtype=bool)
            for reason, rule in zip(EXCLUSION_REASONS[1:], _rules(inputs, group, chunk),
                                    strict=True):
                failing = passed & ~rule
                count[reason][at] = failing.sum(axis=1)
                units[reason][at] = (failing * group.units[None, :]).sum(axis=1)
                passed &= rule
            eligible[at] = passed.sum(axis=1)
            eligible_units[at] = (passed * group.units[None, :]).sum(axis=1)
    frozen: list[npt.NDArray[Any]] = [rows, eligible, eligible_units, *count.values(),
                                      *units.values()]
    for column in frozen:
        column.flags.writeable = False
    return Exclusions(need=rows, eligible=eligible, eligible_units=eligible_units,
                      count=MappingProxyType(count), units=MappingProxyType(units))


@dataclass(frozen=True, eq=False)
class Blocked:
    """Pairs that fail only for want of certificates: every other rule passes. Aligned
    arrays: ``offer`` and ``need`` (table indices), ``missing`` (bitmask of the kinds lacking
    or expiring before the due day), ``units`` (need units the offer could deliver at most)
    and ``landed_unit_cost``."""

    offer: IndexArray
    need: IndexArray
    missing: IntArray
    units: IntArray
    landed_unit_cost: IntArray


def certificate_blocks(offers: OfferTable, needs: NeedTable,
                       capability: CapabilityGraph | npt.NDArray[np.floating[Any]],
                       km: FloatArray, hours: FloatArray, transport_rate: npt.ArrayLike,
                       rows: npt.ArrayLike, source_nodes: IndexArray | None = None) -> Blocked:
    """For the needs ``rows``: the offers that would be eligible but for certificates (see
    :class:`Blocked`), vectorised as :func:`candidate_arcs` is."""
    inputs = _prepared(offers, needs, capability, km, hours, transport_rate, source_nodes)
    return _certificate_blocks(inputs, rows)


def _certificate_blocks(inputs: _Inputs, rows: npt.ArrayLike) -> Blocked:
    needs = inputs.needs
    rows = np.asarray(rows, dtype=np.int32)
    pieces: list[tuple[npt.NDArray[Any], ...]] = []
    wanted = rows[needs.required_certificates[rows] != 0]
    for group in _groups(inputs, wanted):
        if not len(group.servers):
            continue
        for chunk in _row_chunks(group.rows, len(group.servers)):
            certified, near, quick, cheap = _rules(inputs, group, chunk)
            r, c = np.nonzero(~certified & near & quick & cheap)
            if not len(r):
                continue
            missing = _missing_certificates(
                needs.required_certificates[chunk[r]], needs.due_day[chunk[r]],
                inputs.offers.certificates_valid_until[group.servers[c]][:, None, :])
            pieces.append((group.servers[c], chunk[r], missing[:, 0], group.units[c],
                           group.landed[c]))
    dtypes = (np.int32, np.int32, np.int64, np.int64, np.int64)
    columns = [np.concatenate([p[k] for p in pieces]).astype(dtype) if pieces
               else np.zeros(0, dtype=dtype) for k, dtype in enumerate(dtypes)]
    for column in columns:
        column.flags.writeable = False
    return Blocked(*columns)


def _missing_certificates(required: IntArray, due_day: IntArray,
                          valid_until: npt.NDArray[np.int32]) -> IntArray:
    """``[need, offer]``: bitmask of required kinds not held or expired before the due day.

    ``valid_until`` is ``[offer, kind]`` (the same offers for every need) or
    ``[need, offer, kind]`` (offers per need)."""
    shape = np.broadcast_shapes((len(required), 1), valid_until.shape[:-1])
    held = np.zeros(shape, dtype=np.int64)
    wanted = int(np.bitwise_or.reduce(required)) if len(required) else 0
    for kind in range(valid_until.shape[-1]):
        if wanted >> kind & 1:
            valid = valid_until[..., kind] >= due_day[:, None]
            held |= valid.astype(np.int64) << kind
    return np.asarray(required[:, None] & ~held, dtype=np.int64)


def _certified(required: IntArray, due_day: IntArray,
               valid_until: npt.NDArray[np.int32]) -> BoolArray:
    """``[need, offer]``: every required kind is held and still valid on the due day."""
    if not required.any():
        return np.ones(np.broadcast_shapes((len(required), 1), valid_until.shape[:-1]),
                       dtype=bool)
    return np.asarray(_missing_certificates(required, due_day, valid_until) == 0)


def _assemble(pieces: list[tuple[npt.NDArray[Any], ...]], eligible: IntArray | None,
              excluded: dict[str, IntArray] | None) -> CandidateArcs:
    columns = [np.concatenate([p[k] for p in pieces]) if pieces
               else np.zeros(0, dtype=dtype) for k, dtype in enumerate(_ARC_DTYPES)]
    return _sorted_arcs(columns, eligible, excluded)


def _sorted_arcs(columns: list[npt.NDArray[Any]], eligible: IntArray | None,
                 excluded: dict[str, IntArray] | None) -> CandidateArcs:
    """The arcs sorted by need, then offer, each pair once (pieces may overlap)."""
    columns = [column.astype(dtype, copy=False) for column, dtype
               in zip(columns, _ARC_DTYPES, strict=True)]
    n_offers = int(columns[0].max()) + 1 if len(columns[0]) else 1
    keys = columns[1].astype(np.int64) * n_offers + columns[0]
    _, first = np.unique(keys, return_index=True)
    columns = [column[first] for column in columns]
    frozen: list[npt.NDArray[Any]] = [*columns, *([] if eligible is None else [eligible]),
                                      *([] if excluded is None else excluded.values())]
    for column in frozen:
        column.flags.writeable = False
    return CandidateArcs(offer=columns[0], need=columns[1], landed_unit_cost=columns[2],
                         unit_cost=columns[3], capacity_use=columns[4], km=columns[5],
                         eligible=eligible,
                         excluded=None if excluded is None else MappingProxyType(excluded))


def _check_inputs(offers: OfferTable, needs: NeedTable, matrix: FloatArray, km: FloatArray,
                  hours: FloatArray, rate: FloatArray) -> None:
    n_categories = matrix.shape[0]
    if matrix.ndim != 2 or matrix.shape[1] != n_categories:
        raise InvalidProblem("$.substitution", f"The substitution matrix must be square; got "
                                               f"shape {matrix.shape}.")
    if rate.shape != (n_categories,) or not (np.isfinite(rate) & (rate >= 0)).all():
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


def to_problem(arcs: CandidateArcs, offers: OfferTable, needs: NeedTable,
               demands: tuple[Demand, ...] | None = None) -> Problem:
    """The explicit-arc :class:`~matching.Problem` for these candidates (solver costs).

    Every need is a demand (one without arcs is simply unmet); only offers with at least one
    arc are offers of the problem, in table order, since the others cannot take part.
    ``demands``: those of :func:`need_demands` for these needs, when they are already made.
    """
    used = np.unique(arcs.offer)
    offer_list = [Offer(str(i), capacity=int(c), min_order=int(m))
                  for i, c, m in zip(offers.id[used].tolist(), offers.capacity[used].tolist(),
                                     offers.min_order[used].tolist(), strict=True)]
    local_offer = np.searchsorted(used, arcs.offer).astype(np.int32)
    return Problem(offers=tuple(offer_list),
                   demands=need_demands(needs) if demands is None else demands,
                   arc_offer=local_offer, arc_demand=arcs.need,
                   arc_unit_cost=arcs.unit_cost, arc_capacity_use=arcs.capacity_use)


def need_demands(needs: NeedTable) -> tuple[Demand, ...]:
    """The needs as the demands of a problem, in table order."""
    return tuple(Demand(str(i), quantity=int(q), split=bool(s), min_lot=int(lot),
                        max_suppliers=int(k) or None, unmet_penalty=int(p))
                 for i, q, s, lot, k, p in zip(needs.id.tolist(), needs.quantity.tolist(),
                                               needs.split.tolist(), needs.min_lot.tolist(),
                                               needs.max_suppliers.tolist(),
                                               needs.unmet_penalty.tolist(), strict=True))

"""The explicit-arc allocation problem: offers, demands and the arcs between them.

Everything is validated where it is built, with a message a person can act on, and every
number is an integer (rupiah, units). A :class:`Problem` keeps its arcs as numpy arrays beside
index arrays into ``offers`` and ``demands``, so that solvers can be fed vectorised and their
flows mapped back without per-arc Python loops.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from matching.exceptions import InvalidProblem

__all__ = ["Arc", "Demand", "Offer", "Problem"]

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]

#: Objective terms must stay well inside int64 (the solvers' integer range).
OBJECTIVE_LIMIT = 2**62


def _is_integer(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _check_id(value: object, kind: str) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidProblem("id", f"{kind.capitalize()} id must be a non-empty string; "
                                   f"got {value!r}.")


def _check_integer(value: object, name: str, what: str, kind: str, key: str,
                   minimum: int) -> None:
    if not _is_integer(value):
        raise InvalidProblem(name, f"{kind.capitalize()} {what} must be an integer; got "
                                   f"{value!r} for {kind} '{key}'.")
    if int(value) < minimum:  # type: ignore[call-overload]
        rule = "positive" if minimum == 1 else ("non-negative" if minimum == 0
                                                else f"at least {minimum}")
        raise InvalidProblem(name, f"{kind.capitalize()} {what} must be {rule}; got {value} "
                                   f"for {kind} '{key}'.")


@dataclass(frozen=True)
class Offer:
    """What one supplier can deliver: ``capacity`` units (in capacity terms) at most, and no
    positive allocation smaller than ``min_order`` units."""

    id: str
    capacity: int
    min_order: int = 0

    def __post_init__(self) -> None:
        _check_id(self.id, "offer")
        _check_integer(self.capacity, "capacity", "capacity", "offer", self.id, 0)
        _check_integer(self.min_order, "min_order", "minimum order", "offer", self.id, 0)


@dataclass(frozen=True)
class Demand:
    """What one buyer needs: ``quantity`` units; each unit left unmet costs ``unmet_penalty``.

    ``split=False``: served whole by one offer or not at all. ``min_lot``: no positive
    allocation smaller than this. ``max_suppliers``: at most this many offers serve it.
    """

    id: str
    quantity: int
    split: bool = True
    min_lot: int = 0
    max_suppliers: int | None = None
    unmet_penalty: int = field(kw_only=True)

    def __post_init__(self) -> None:
        _check_id(self.id, "demand")
        _check_integer(self.quantity, "quantity", "quantity", "demand", self.id, 1)
        if not isinstance(self.split, bool | np.bool_):
            raise InvalidProblem("split", f"Demand split must be true or false; got "
                                          f"{self.split!r} for demand '{self.id}'.")
        _check_integer(self.min_lot, "min_lot", "minimum lot", "demand", self.id, 0)
        if self.max_suppliers is not None:
            _check_integer(self.max_suppliers, "max_suppliers", "maximum number of suppliers",
                           "demand", self.id, 1)
        _check_integer(self.unmet_penalty, "unmet_penalty", "unmet penalty", "demand",
                       self.id, 0)

    @property
    def has_lot_rules(self) -> bool:
        """Whether single source, a minimum lot or a supplier limit applies."""
        return not self.split or self.min_lot > 0 or self.max_suppliers is not None


@dataclass(frozen=True)
class Arc:
    """Offer ``offer`` may serve demand ``demand`` at ``unit_cost`` per unit, each unit using
    ``capacity_use`` units of the offer's capacity."""

    offer: str
    demand: str
    unit_cost: int
    capacity_use: int = 1


def _readonly(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    array.flags.writeable = False
    return array


def _index_of(ids: Sequence[str], wanted: npt.NDArray[Any], kind: str,
              field_name: str) -> IndexArray:
    """Positions of ``wanted`` in ``ids`` (which holds no duplicates), vectorised."""
    known = np.asarray(ids, dtype=object).astype(str)
    order = np.argsort(known, kind="stable")
    ordered = known[order]
    wanted_str = wanted.astype(str)
    if len(ordered) == 0:
        found = np.zeros(len(wanted_str), dtype=bool)
        position = np.zeros(len(wanted_str), dtype=np.int64)
    else:
        position = np.searchsorted(ordered, wanted_str)
        clipped = np.minimum(position, len(ordered) - 1)
        found = ordered[clipped] == wanted_str
        position = clipped
    if not found.all():
        k = int(np.flatnonzero(~found)[0])
        raise InvalidProblem(f"$.arcs[{k}].{field_name}",
                             f"Arc {k} names {kind} {wanted[k]!r}, which is not among the "
                             f"{kind}s.")
    return order[position].astype(np.int32)


@dataclass(frozen=True, eq=False)
class Problem:
    """Offers, demands and arcs; ``arc_*`` arrays are aligned, one entry per arc."""

    offers: tuple[Offer, ...]
    demands: tuple[Demand, ...]
    arc_offer: IndexArray
    arc_demand: IndexArray
    arc_unit_cost: IntArray
    arc_capacity_use: IntArray

    def __post_init__(self) -> None:
        # Own copies: the read-only flag set below must not reach the caller's arrays.
        for name, dtype in (("arc_offer", np.int32), ("arc_demand", np.int32),
                            ("arc_unit_cost", np.int64), ("arc_capacity_use", np.int64)):
            object.__setattr__(self, name, np.array(getattr(self, name), dtype=dtype).ravel())
        object.__setattr__(self, "offers", tuple(self.offers))
        object.__setattr__(self, "demands", tuple(self.demands))
        n = len(self.arc_offer)
        for name in ("arc_demand", "arc_unit_cost", "arc_capacity_use"):
            if len(getattr(self, name)) != n:
                raise InvalidProblem("$.arcs", f"The arc arrays differ in length ({name} has "
                                               f"{len(getattr(self, name))}, arc_offer {n}).")
        _check_unique([o.id for o in self.offers], "offers")
        _check_unique([d.id for d in self.demands], "demands")
        if n:
            for name, size in (("arc_offer", len(self.offers)),
                               ("arc_demand", len(self.demands))):
                values = getattr(self, name)
                bad = np.flatnonzero((values < 0) | (values >= size))
                if len(bad):
                    k = int(bad[0])
                    raise InvalidProblem(f"$.arcs[{k}].{name.removeprefix('arc_')}",
                                         f"Arc {k} points at index {values[k]}, outside "
                                         f"0..{size - 1}.")
            _first_bad(self.arc_unit_cost < 0, "unit_cost", "unit cost must be non-negative",
                       self.arc_unit_cost)
            _first_bad(self.arc_capacity_use < 1, "capacity_use",
                       "capacity use must be at least 1", self.arc_capacity_use)
            key = self.arc_offer.astype(np.int64) * max(1, len(self.demands)) + self.arc_demand
            order = np.argsort(key, kind="stable")
            repeated = np.flatnonzero(key[order][1:] == key[order][:-1])
            if len(repeated):
                k = int(order[1:][repeated].min())
                raise InvalidProblem(
                    f"$.arcs[{k}]",
                    f"Arc {k} repeats the pair (offer '{self.offers[self.arc_offer[k]].id}', "
                    f"demand '{self.demands[self.arc_demand[k]].id}'); give each pair one arc.")
        # Every unit of a demand costs at most its penalty or its dearest arc, so this bounds
        # every objective the solvers can meet (Python integers: the check cannot overflow).
        dearest = [d.unmet_penalty for d in self.demands]
        if n:
            arc_max = np.zeros(len(self.demands), dtype=np.int64)
            np.maximum.at(arc_max, self.arc_demand, self.arc_unit_cost)
            dearest = [max(p, c) for p, c in zip(dearest, arc_max.tolist(), strict=True)]
        worst = sum(q * c for q, c in zip((d.quantity for d in self.demands), dearest,
                                          strict=True))
        if worst >= OBJECTIVE_LIMIT:
            raise InvalidProblem("$", "Costs times quantities exceed the integer range of the "
                                      "solvers (2^62); use smaller units.")
        for name in ("arc_offer", "arc_demand", "arc_unit_cost", "arc_capacity_use"):
            _readonly(getattr(self, name))

    @classmethod
    def from_arrays(cls, offers: Sequence[Offer], demands: Sequence[Demand],
                    offer_ids: Sequence[str] | npt.NDArray[Any],
                    demand_ids: Sequence[str] | npt.NDArray[Any],
                    unit_cost: Sequence[int] | npt.NDArray[Any],
                    capacity_use: Sequence[int] | npt.NDArray[Any] | None = None) -> Problem:
        """A problem from arcs given column by column, by offer and demand id."""
        offers, demands = tuple(offers), tuple(demands)
        _check_unique([o.id for o in offers], "offers")
        _check_unique([d.id for d in demands], "demands")
        offer_column = np.asarray(offer_ids, dtype=object)
        demand_column = np.asarray(demand_ids, dtype=object)
        n = len(offer_column)
        costs = _integers(unit_cost, n, "unit_cost")
        uses = (np.ones(n, dtype=np.int64) if capacity_use is None
                else _integers(capacity_use, n, "capacity_use"))
        if len(demand_column) != n:
            raise InvalidProblem("$.arcs", "Every arc needs an offer and a demand.")
        return cls(offers=offers, demands=demands,
                   arc_offer=_index_of([o.id for o in offers], offer_column, "offer", "offer"),
                   arc_demand=_index_of([d.id for d in demands], demand_column, "demand",
                                        "demand"),
                   arc_unit_cost=costs, arc_capacity_use=uses)

    @classmethod
    def from_arcs(cls, offers: Iterable[Offer], demands: Iterable[Demand],
                  arcs: Iterable[Arc]) -> Problem:
        """A problem from :class:`Arc` objects (ids are resolved vectorised)."""
        arc_list = list(arcs)
        return cls.from_arrays(tuple(offers), tuple(demands), [a.offer for a in arc_list],
                               [a.demand for a in arc_list], [a.unit_cost for a in arc_list],
                               [a.capacity_use for a in arc_list])

    @property
    def n_arcs(self) -> int:
        return len(self.arc_offer)

    @cached_property
    def offer_capacity(self) -> IntArray:
        return _readonly(np.array([o.capacity for o in self.offers], dtype=np.int64))

    @cached_property
    def offer_min_order(self) -> IntArray:
        return _readonly(np.array([o.min_order for o in self.offers], dtype=np.int64))

    @cached_property
    def demand_quantity(self) -> IntArray:
        return _readonly(np.array([d.quantity for d in self.demands], dtype=np.int64))

    @cached_property
    def demand_penalty(self) -> IntArray:
        return _readonly(np.array([d.unmet_penalty for d in self.demands], dtype=np.int64))

    @cached_property
    def demand_split(self) -> BoolArray:
        return _readonly(np.array([d.split for d in self.demands], dtype=bool))

    @cached_property
    def demand_min_lot(self) -> IntArray:
        return _readonly(np.array([d.min_lot for d in self.demands], dtype=np.int64))

    @cached_property
    def demand_max_suppliers(self) -> IntArray:
        """The supplier limit per demand, 0 where there is none."""
        return _readonly(np.array([d.max_suppliers or 0 for d in self.demands],
                                  dtype=np.int64))

    @cached_property
    def is_plain_flow(self) -> bool:
        """Whether a min-cost flow solves it exactly: no lot rules, capacity use 1 everywhere."""
        return (bool(self.demand_split.all()) and not self.demand_min_lot.any()
                and not self.demand_max_suppliers.any() and not self.offer_min_order.any()
                and bool((self.arc_capacity_use == 1).all()))


def _check_unique(ids: list[str], what: str) -> None:
    seen: dict[str, int] = {}
    for position, key in enumerate(ids):
        if key in seen:
            raise InvalidProblem(f"$.{what}[{position}].id",
                                 f"Duplicate {what[:-1]} id '{key}' (also at "
                                 f"$.{what}[{seen[key]}]); ids must be unique.")
        seen[key] = position


def _integers(values: Sequence[int] | npt.NDArray[Any], n: int, name: str) -> IntArray:
    column = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if len(column) != n:
        raise InvalidProblem("$.arcs", f"Every arc needs a {name}; got {len(column)} for "
                                       f"{n} arcs.")
    if column.dtype == object:
        for k, value in enumerate(column):
            if not _is_integer(value):
                raise InvalidProblem(f"$.arcs[{k}].{name}",
                                     f"Arc {name.replace('_', ' ')} must be an integer; got "
                                     f"{value!r} for arc {k}.")
        return np.array(column.tolist(), dtype=np.int64).reshape(n)
    if not np.issubdtype(column.dtype, np.integer):
        raise InvalidProblem(f"$.arcs[0].{name}", f"Arc {name.replace('_', ' ')} must be "
                                                  f"integers; got {column.dtype}.")
    return column.astype(np.int64)


def _first_bad(mask: BoolArray, name: str, rule: str, values: IntArray) -> None:
    bad = np.flatnonzero(mask)
    if len(bad):
        k = int(bad[0])
        raise InvalidProblem(f"$.arcs[{k}].{name}",
                             f"Arc {rule}; got {values[k]} for arc {k}.")

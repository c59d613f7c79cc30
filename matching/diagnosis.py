"""Why each unmet unit is unmet.

Reasons come from one fixed vocabulary, :data:`REASONS`; the explicit-arc form can only tell
four of them apart (the others need the domain data behind the arcs and belong to the domain
form):

* ``no_eligible_offer``: the demand has no arc at all; all of its unmet units.
* ``lot_rules``: after the solve, its arcs' offers still had room (capacity left, divided by
  the arc's capacity use) on arcs cheaper than the demand's unmet penalty, yet the units stayed
  unmet, so single source, minimum lot, minimum order or the supplier limit blocked them.
* ``over_price_ceiling``: the room left was only on arcs whose unit cost is at least the unmet
  penalty: leaving the unit unmet was no dearer than buying it (the penalty acts as the
  demand's price ceiling).
* ``capacity_taken``: the rest: its offers were full, their capacity used by other demands or
  by this one.

A demand's unmet units are split in that order: first up to the room on cheap arcs
(``lot_rules``), then up to the room on dear arcs (``over_price_ceiling``), and the rest is
``capacity_taken``. The room of an offer is counted for each demand it could serve, since each
demand's explanation stands on its own.

The domain form (:func:`diagnose_domain`) knows why offers are not candidates
(:func:`matching.candidates.exclusions`), so it goes further. After ``lot_rules`` and
``over_price_ceiling`` as above, the rest of a need's unmet units is

* ``capacity_taken`` up to the capacity of its eligible offers that it did not get
  (Σ ⌊capacity / capacity use⌋ over every eligible offer, minus its allocation): capacity
  existed and went elsewhere;
* beyond that, more than every eligible offer together could deliver; those units are split
  over the rules that excluded offers, in the order they are checked, each up to the capacity
  it excluded: ``certificate_missing``, ``too_far``, ``too_slow``, ``over_price_ceiling``;
* ``no_offer_in_category`` for what is left: no offer of the category (or a substitute) has
  the capacity, whatever the rules.

``no_eligible_offer`` does not occur in the domain form (the exclusions say why instead).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matching.candidates import EXCLUSION_REASONS, Exclusions
from matching.exceptions import MatchingError
from matching.problem import Problem
from matching.result import Unmet

__all__ = ["EXPLICIT_REASONS", "REASONS", "diagnose", "diagnose_domain"]

#: Every reason an unmet unit can carry, in the order they are reported.
REASONS: tuple[str, ...] = (
    "no_offer_in_category",
    "certificate_missing",
    "too_far",
    "too_slow",
    "over_price_ceiling",
    "capacity_taken",
    "lot_rules",
    "no_eligible_offer",
)

#: The reasons the explicit-arc form can give.
EXPLICIT_REASONS: tuple[str, ...] = ("no_eligible_offer", "lot_rules", "over_price_ceiling",
                                     "capacity_taken")


def diagnose(problem: Problem, arc_quantity: npt.NDArray[np.int64],
             unmet: npt.NDArray[np.int64]) -> tuple[Unmet, ...]:
    """The reasons for ``unmet`` (units per demand), given the allocation ``arc_quantity``
    (units per arc of ``problem``). Vectorised over arcs."""
    columns = _explicit_columns(problem, arc_quantity, unmet)
    return _unmet(problem, unmet, columns)


def diagnose_domain(problem: Problem, arc_quantity: npt.NDArray[np.int64],
                    unmet: npt.NDArray[np.int64], exclusions: Exclusions
                    ) -> tuple[Unmet, ...]:
    """The reasons for ``unmet`` in the domain form (see the module docstring): the demands of
    ``problem`` are the needs of the tables ``exclusions`` was computed on, in order, and
    ``exclusions`` covers (at least) every need with unmet units."""
    columns = _explicit_columns(problem, arc_quantity, unmet)
    n = len(problem.demands)
    rest = unmet - columns["lot_rules"] - columns["over_price_ceiling"]
    allocated = problem.demand_quantity - unmet
    eligible_units = np.zeros(n, dtype=np.int64)
    excluded_units = {reason: np.zeros(n, dtype=np.int64) for reason in EXCLUSION_REASONS}
    known = np.zeros(n, dtype=bool)
    known[exclusions.need] = True
    missing = np.flatnonzero((unmet > 0) & ~known)
    if len(missing):
        raise MatchingError(f"The exclusions do not cover need {problem.demands[missing[0]].id!r}, "
                         f"which has unmet units.")
    eligible_units[exclusions.need] = exclusions.eligible_units
    for reason in EXCLUSION_REASONS:
        excluded_units[reason][exclusions.need] = exclusions.units[reason]
    taken = np.minimum(rest, np.maximum(eligible_units - allocated, 0))
    rest -= taken
    domain = {reason: np.zeros(n, dtype=np.int64) for reason in REASONS}
    domain["capacity_taken"] = taken
    domain["lot_rules"] = columns["lot_rules"]
    domain["over_price_ceiling"] += columns["over_price_ceiling"]
    for reason in ("certificate_missing", "too_far", "too_slow", "over_price_ceiling"):
        part = np.minimum(rest, excluded_units[reason])
        domain[reason] += part
        rest -= part
    domain["no_offer_in_category"] = rest
    return _unmet(problem, unmet, domain)


def _explicit_columns(problem: Problem, arc_quantity: npt.NDArray[np.int64],
                      unmet: npt.NDArray[np.int64]) -> dict[str, npt.NDArray[np.int64]]:
    n_offers, n_demands = len(problem.offers), len(problem.demands)
    used = _sum_by(problem.arc_offer, problem.arc_capacity_use * arc_quantity, n_offers)
    left = np.maximum(problem.offer_capacity - used, 0)
    room = left[problem.arc_offer] // problem.arc_capacity_use
    room = np.minimum(room, problem.demand_quantity[problem.arc_demand])
    dear = problem.arc_unit_cost >= problem.demand_penalty[problem.arc_demand]
    cheap_room = _sum_by(problem.arc_demand, np.where(dear, 0, room), n_demands)
    dear_room = _sum_by(problem.arc_demand, np.where(dear, room, 0), n_demands)
    has_arc = np.bincount(problem.arc_demand, minlength=n_demands) > 0

    lot = np.where(has_arc, np.minimum(unmet, cheap_room), 0)
    price = np.where(has_arc, np.minimum(unmet - lot, dear_room), 0)
    taken = np.where(has_arc, unmet - lot - price, 0)
    none = np.where(has_arc, 0, unmet)
    return {"no_eligible_offer": none, "lot_rules": lot, "over_price_ceiling": price,
            "capacity_taken": taken}


def _unmet(problem: Problem, unmet: npt.NDArray[np.int64],
           columns: dict[str, npt.NDArray[np.int64]]) -> tuple[Unmet, ...]:
    answer = []
    for d in np.flatnonzero(unmet > 0).tolist():
        reasons = {r: int(columns[r][d]) for r in REASONS
                   if r in columns and columns[r][d] > 0}
        answer.append(Unmet(problem.demands[d].id, int(unmet[d]), reasons))
    return tuple(answer)


def _sum_by(index: npt.NDArray[np.int32], values: npt.NDArray[np.int64],
            size: int) -> npt.NDArray[np.int64]:
    # np.add.at keeps int64 exact where bincount's float weights would round past 2^53.
    total = np.zeros(size, dtype=np.int64)
    np.add.at(total, index, values.astype(np.int64))
    return total

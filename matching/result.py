"""The answer of a solve: allocations, unmet quantities with their reasons, and statistics."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

__all__ = ["Result", "Stats", "Status", "Unmet"]

Status = Literal["optimal", "feasible", "infeasible"]


@dataclass(frozen=True)
class Unmet:
    """``quantity`` units of demand ``demand`` were not allocated, for ``reasons``
    (reason → units; the units add up to ``quantity``)."""

    demand: str
    quantity: int
    reasons: dict[str, int]


@dataclass(frozen=True)
class Stats:
    """How the answer was found."""

    solver: str  # "min_cost_flow", "cp_sat", "mixed" or "none"
    components: int
    cp_sat_components: int
    processes: int
    seconds: float
    gap: float
    bound: int
    offers: int
    demands: int
    arcs: int
    seed: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, eq=False)
class Result:
    """A solved problem. ``allocation_*`` arrays are aligned (indices into ``offer_ids`` and
    ``demand_ids``), in the order of the problem's arcs; only positive quantities appear."""

    status: Status
    objective: int
    offer_ids: tuple[str, ...]
    demand_ids: tuple[str, ...]
    allocation_offer: npt.NDArray[np.int32]
    allocation_demand: npt.NDArray[np.int32]
    allocation_quantity: npt.NDArray[np.int64]
    allocation_cost: int
    unmet: tuple[Unmet, ...]
    stats: Stats
    unmet_cost: int = field(default=0)

    def allocations(self) -> list[tuple[str, str, int]]:
        """(offer id, demand id, quantity) for every positive allocation."""
        return [(self.offer_ids[o], self.demand_ids[d], int(q)) for o, d, q in
                zip(self.allocation_offer.tolist(), self.allocation_demand.tolist(),
                    self.allocation_quantity.tolist(), strict=True)]

    def cost(self) -> int:
        """The objective: allocation cost plus unmet penalties (rupiah)."""
        return self.objective

    def is_feasible(self) -> bool:
        """Whether a solution was found (``optimal`` or ``feasible``)."""
        return self.status in ("optimal", "feasible")

    def unmet_quantity(self) -> int:
        """Units of demand left unmet, over all demands."""
        return sum(u.quantity for u in self.unmet)

    def summary(self) -> str:
        """A few lines for people."""
        reasons: dict[str, int] = {}
        for unmet in self.unmet:
            for reason, quantity in unmet.reasons.items():
                reasons[reason] = reasons.get(reason, 0) + quantity
        lines = [
            f"status     {self.status} ({self.stats.solver}, {self.stats.components} "
            f"component(s), {self.stats.seconds:.2f} s, gap {self.stats.gap:.4%})",
            f"objective  {self.objective} = allocation {self.allocation_cost} + unmet "
            f"{self.unmet_cost}",
            f"allocated  {int(self.allocation_quantity.sum())} units on "
            f"{len(self.allocation_quantity)} arcs",
            f"unmet      {self.unmet_quantity()} units of {len(self.unmet)} demand(s)"
            + (": " + ", ".join(f"{r} {q}" for r, q in sorted(reasons.items()))
               if reasons else ""),
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

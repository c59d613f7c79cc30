"""OR-Library generalised assignment instances (gap1–gap12) solve to their published optima.

Each GAP instance becomes a problem: agents are offers (capacity b[i]), jobs are single-source
demands of quantity 1, and every (agent, job) pair is an arc with capacity_use r[i][j]. For the
minimisation optimum the unit cost is c[i][j]; for the maximisation optimum it is K − c[i][j]
with K = max c + 1 (non-negative costs), so that with every job assigned the objective is
n·K − Σc and the maximum is n·K − objective. The unmet penalty, n·max cost + 1, exceeds any
full assignment, so the optimum assigns every job (each instance has a feasible assignment).
Skipped where the benchmark folder is absent (users of the project do not have it).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest

from matching import Demand, Offer, Problem, SolveParams, solve

GAP_DIR = Path(os.environ.get("SIMPUL_GAP_DIR")
               or Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "gap")

pytestmark = pytest.mark.skipif(not (GAP_DIR / "gap_optima.csv").is_file(),
                                reason=f"GAP benchmarks not found at {GAP_DIR}")

Instance = tuple[np.ndarray, np.ndarray, np.ndarray]  # type: ignore[type-arg]


def read_gap_file(path: Path) -> list[Instance]:
    """The instances of one OR-Library gap file (a stream of integers)."""
    numbers = np.array(path.read_text().split(), dtype=np.int64)
    count, position, instances = int(numbers[0]), 1, []
    for _ in range(count):
        m, n = int(numbers[position]), int(numbers[position + 1])
        position += 2
        cost = numbers[position:position + m * n].reshape(m, n)
        position += m * n
        use = numbers[position:position + m * n].reshape(m, n)
        position += m * n
        capacity = numbers[position:position + m]
        position += m
        instances.append((cost, use, capacity))
    return instances


def gap_problem(cost: np.ndarray, use: np.ndarray,  # type: ignore[type-arg]
                capacity: np.ndarray) -> Problem:  # type: ignore[type-arg]
    """A GAP instance as a single-source problem (see the module docstring)."""
    m, n = cost.shape
    offers = [Offer(f"agent{i}", int(capacity[i])) for i in range(m)]
    penalty = int(cost.max()) * n + 1
    demands = [Demand(f"job{j}", 1, split=False, unmet_penalty=penalty) for j in range(n)]
    return Problem.from_arrays(offers, demands, np.repeat([o.id for o in offers], n),
                               np.tile([d.id for d in demands], m), cost.ravel(), use.ravel())


def _cases() -> list[tuple[str, int, str, int]]:
    if not (GAP_DIR / "gap_optima.csv").is_file():
        return []
    with (GAP_DIR / "gap_optima.csv").open(encoding="utf-8") as table:
        rows = [r for r in csv.DictReader(table)
                if r["file"].removesuffix(".txt").removeprefix("gap").isdigit()]
    return [(r["file"], int(r["index"]), sense, int(r[f"{sense}_value"]))
            for r in rows for sense in ("min", "max")]


@pytest.mark.parametrize(("file", "index", "sense", "optimum"), _cases(),
                         ids=lambda v: str(v))
def test_gap_instance_reaches_published_optimum(file: str, index: int, sense: str,
                                                optimum: int) -> None:
    """gap1–gap12, as minimisation and as maximisation: optimal with the published value."""
    cost, use, capacity = read_gap_file(GAP_DIR / file)[index]
    n = cost.shape[1]
    top = int(cost.max()) + 1
    problem = gap_problem(cost if sense == "min" else top - cost, use, capacity)
    result = solve(problem, SolveParams(time_limit_s=60), seed=0)
    assert result.status == "optimal"
    assert result.unmet == ()
    assert (result.objective if sense == "min" else n * top - result.objective) == optimum

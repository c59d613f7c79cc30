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

import pytest

from fixtures.gap import gap_dir, gap_problem, published_optima, read_gap_file
from matching import SolveParams, solve

GAP_DIR = gap_dir()

pytestmark = pytest.mark.skipif(not (GAP_DIR / "gap_optima.csv").is_file(),
                                reason=f"GAP benchmarks not found at {GAP_DIR}")


def _cases() -> list[tuple[str, int, str, int]]:
    if not (GAP_DIR / "gap_optima.csv").is_file():
        return []
    rows = [r for r in published_optima(GAP_DIR)
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

"""Known answers: OR-Library generalised assignment instances solved by ``matching.solve``.

Each instance (gap1–gap12: 60 small ones; gapa–gapc: 18 of 5–20 agents × 100–200 jobs; gapd
with ``--with-gapd``) is written as a problem the way ``tests/matching/test_gap.py`` does it:
agents are offers (capacity b[i]), jobs single-source demands of quantity 1, every (agent, job)
pair an arc with unit cost c[i][j] and capacity use r[i][j], unmet penalty n·max c + 1. Solved
as minimisation with ``SolveParams(time_limit_s=T)`` (the defaults otherwise: deterministic,
one CP-SAT worker), and compared with the published minimisation optimum (``gap_optima.csv``).

Baseline, in the same run: the Martello–Toth regret greedy, what one would write without a
solver: jobs in order of the difference between their two most desirable agents, largest
first, each to its most desirable agent with room; run with desirability = cost and with
desirability = r[i][j]/b[i], keeping the better. On these tight instances it often leaves a
job with no agent with room: reported as such, its gap taken over the complete ones only.

Per family: instances, how many reached the published optimum proven optimal, mean/max seconds,
worst gap to the published value (objective / optimum − 1).

    .venv/bin/python benchmarks/gap_bench.py [--time-limit 60] [--small-time-limit 60]
        [--families gap1 ... gapc] [--with-gapd]

The folder is ``../shared/benchmarks/gap/`` or ``SIMPUL_GAP_DIR``; without it the script says
so and writes a JSON that records the reason.
"""

from __future__ import annotations

import argparse
import time
from importlib.metadata import version
from typing import Any

import numpy as np
import numpy.typing as npt
from _support import machine_info, write_json
from rich.console import Console
from rich.table import Table

from fixtures.gap import gap_dir, gap_problem, published_optima, read_gap_file, unmet_penalty
from matching import SolveParams, solve

GAP_DIR = gap_dir()
SMALL = [f"gap{k}" for k in range(1, 13)]
LARGE = ["gapa", "gapb", "gapc"]
IntMatrix = npt.NDArray[np.int64]


def regret_greedy(cost: IntMatrix, use: IntMatrix, capacity: IntMatrix,
                  desirability: npt.NDArray[np.float64]) -> tuple[int, int]:
    """(objective, unassigned jobs): jobs by the regret of their two most desirable agents
    (lowest ``desirability`` first), largest first, each to its most desirable agent with room."""
    room = capacity.astype(np.int64).copy()
    ranked = np.sort(desirability, axis=0)
    regret = ranked[1] - ranked[0] if cost.shape[0] > 1 else ranked[0]
    objective, unassigned = 0, 0
    for j in np.argsort(-regret, kind="stable").tolist():
        for i in np.argsort(desirability[:, j], kind="stable").tolist():
            if use[i, j] <= room[i]:
                room[i] -= use[i, j]
                objective += int(cost[i, j])
                break
        else:
            objective += unmet_penalty(cost)
            unassigned += 1
    return objective, unassigned


def greedy(cost: IntMatrix, use: IntMatrix, capacity: IntMatrix) -> tuple[int, int]:
    """The better of two Martello–Toth regret greedies: by cost, and by share of the agent's
    capacity (r/b, which more often assigns every job when capacities are tight)."""
    return min(regret_greedy(cost, use, capacity, cost.astype(np.float64)),
               regret_greedy(cost, use, capacity, use / capacity[:, None]),
               key=lambda answer: (answer[1], answer[0]))


def optima() -> dict[tuple[str, int], tuple[str, int | None]]:
    """Published minimisation optima; ``None`` where the value is still open (d20200)."""
    return {(row["file"].removesuffix(".txt"), int(row["index"])):
            (row["name"], int(row["min_value"]) if row["min_value"] else None)
            for row in published_optima(GAP_DIR)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="*", default=SMALL + LARGE)
    parser.add_argument("--with-gapd", action="store_true")
    parser.add_argument("--small-time-limit", type=float, default=60.0,
                        help="per instance, gap1–gap12 (they finish in well under a second)")
    parser.add_argument("--time-limit", type=float, default=15.0,
                        help="per instance, gapa–gapd (18 instances: keep the run short)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    console = Console(width=150)
    families = list(args.families) + (["gapd"] if args.with_gapd else [])
    payload: dict[str, Any] = {"machine": {**machine_info(), "ortools": version("ortools")},
                               "gap_dir": str(GAP_DIR)}
    if not (GAP_DIR / "gap_optima.csv").is_file():
        reason = f"GAP benchmark folder not found at {GAP_DIR} (set SIMPUL_GAP_DIR)"
        console.print(f"[bold]Skipped:[/bold] {reason}")
        payload.update(skipped=True, reason=reason)
        console.print(f"Results written to {write_json('gap_bench.json', payload)}")
        return

    published = optima()
    instances: list[dict[str, Any]] = []
    for family in families:
        limit = args.small_time_limit if family in SMALL else args.time_limit
        for index, (cost, use, capacity) in enumerate(read_gap_file(GAP_DIR / f"{family}.txt")):
            name, known = published[(family, index)]
            if known is None:
                console.print(f"{name}: no published optimum (open); left out")
                continue
            optimum = known
            problem = gap_problem(cost, use, capacity)
            started = time.perf_counter()
            result = solve(problem, SolveParams(time_limit_s=limit), seed=args.seed)
            seconds = time.perf_counter() - started
            greedy_objective, unassigned = greedy(cost, use, capacity)
            instances.append({
                "family": family, "index": index, "name": name, "agents": cost.shape[0],
                "jobs": cost.shape[1], "time_limit_s": limit, "seconds": seconds,
                "status": result.status, "objective": result.objective,
                "bound": result.stats.bound, "published_optimum": optimum,
                "gap_to_published": result.objective / optimum - 1,
                "reached_optimum": result.status == "optimal" and result.objective == optimum,
                "unmet_jobs": len(result.unmet),
                "greedy": {"objective": greedy_objective, "unassigned_jobs": unassigned,
                           "gap_to_published": (greedy_objective / optimum - 1
                                                if not unassigned else None)},
            })
            if family not in SMALL:
                console.print(f"{name}: {result.status} {result.objective} (published "
                              f"{optimum}) in {seconds:.1f} s; greedy {greedy_objective} "
                              f"({unassigned} jobs unassigned)")

    table = Table(title=f"OR-Library GAP (minimisation), seed {args.seed}")
    for column in ("family", "instances", "time limit", "optimal", "mean s", "max s",
                   "worst gap", "greedy: all jobs assigned", "greedy: worst gap (those)"):
        table.add_column(column, justify="left" if column == "family" else "right")
    summary = []
    for family in families:
        rows = [r for r in instances if r["family"] == family]
        seconds = [r["seconds"] for r in rows]
        entry = {
            "family": family, "instances": len(rows), "time_limit_s": rows[0]["time_limit_s"],
            "optimal": sum(r["reached_optimum"] for r in rows),
            "mean_seconds": float(np.mean(seconds)), "max_seconds": max(seconds),
            "worst_gap": max(r["gap_to_published"] for r in rows),
            "greedy_complete": sum(not r["greedy"]["unassigned_jobs"] for r in rows),
            "greedy_worst_gap": max((r["greedy"]["gap_to_published"] for r in rows
                                     if not r["greedy"]["unassigned_jobs"]), default=None),
        }
        summary.append(entry)
        table.add_row(family, str(entry["instances"]), f"{entry['time_limit_s']:.0f} s",
                      f"{entry['optimal']}/{entry['instances']}",
                      f"{entry['mean_seconds']:.2f}", f"{entry['max_seconds']:.2f}",
                      f"{entry['worst_gap']:.2%}",
                      f"{entry['greedy_complete']}/{entry['instances']}",
                      "—" if entry["greedy_worst_gap"] is None
                      else f"{entry['greedy_worst_gap']:.1%}")
    console.print(table)
    total = sum(r["seconds"] for r in instances)
    reached = sum(r["reached_optimum"] for r in instances)
    console.print(f"{reached}/{len(instances)} proven optimal at the published value; "
                  f"{total:.1f} s of solving. Baseline: the better of two regret greedies (by "
                  f"cost, and by r/b), which may leave jobs with no agent; its gap is over the "
                  f"instances where it assigned every job.")
    payload.update(skipped=False, seed=args.seed, families=summary, instances=instances,
                   optimal=reached, total=len(instances), solve_seconds=total)
    console.print(f"Results written to {write_json('gap_bench.json', payload)}")


if __name__ == "__main__":
    main()

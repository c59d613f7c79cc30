"""How fast and how well the matching engine solves: ``matching.solve`` on generated problems.

Measures, in one run, each against a baseline measured in the same run:

- **(a) a 320,000-arc splittable problem file** (20,000 offers, 16,000 demands, 20 arcs per
  demand, generated with numpy seed 0 in the explicit JSON form): ``read_problem`` + ``solve``
  + ``result_to_dict`` (what ``simpul solve`` does, in-process), best of ``--repeat``, against
  bare OR-Tools on the same file: ``json.load``, numpy arrays, ``SimpleMinCostFlow`` with
  ``add_arcs_with_capacity_and_unit_cost``, ``solve``, ``flows``. Also the wall time of a
  ``simpul solve FILE --out X`` subprocess, for completeness. Target: ≤ 1.3× bare OR-Tools,
  equal objectives.
- **(c) networkx** ``min_cost_flow`` (network simplex) on the same kind of problem at 10k, 30k
  and 100k arcs, graph building included, against ``Problem.from_arrays`` + ``solve``; each
  networkx run is a child process killed after ``--networkx-timeout`` seconds (then reported
  as skipped, with the reason). Equal objectives where both ran.
- **(d) single source**: 10,000 demands × 2,000 offers × 20 arcs per demand, every demand
  ``split=False``, total capacity 1.1 × total demand, ``SolveParams(time_limit_s=60,
  deterministic=False)``: status, objective, bound, gap. Target: gap ≤ 1% within 60 s.
  Baseline: a greedy assignment (demands by quantity, largest first, each to its cheapest arc
  with room). For reference, the bound of the split relaxation (the same demands allowed to
  split: a min-cost flow), which was the reported bound before the Lagrangian one.

    .venv/bin/python benchmarks/solve_bench.py [--arcs 320000] [--repeat 3]
        [--single-source-demands 10000] [--skip-networkx] [--networkx-timeout 120]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from _support import machine_info, write_json
from rich.console import Console
from rich.table import Table

from matching import Demand, Offer, Problem, SolveParams, read_problem, result_to_dict, solve

ARCS_PER_DEMAND = 20
UNMET_PENALTY = 50_000  # well above every unit cost (at most 10,000)
RATIO_TARGET = 1.3
GAP_TARGET = 0.01
IntArray = npt.NDArray[np.int64]


# --- instances -----------------------------------------------------------------------------


def random_arcs(n_offers: int, n_demands: int, per_demand: int,
                rng: np.random.Generator) -> tuple[IntArray, IntArray]:
    """``per_demand`` distinct offers for every demand: one from each of ``per_demand`` equal
    blocks of offers, the blocks rotated by a random start, so no pair repeats."""
    block = n_offers // per_demand
    offsets = np.arange(per_demand) * block + rng.integers(0, block, (n_demands, per_demand))
    start = rng.integers(0, n_offers, n_demands)[:, None]
    offer = ((start + offsets) % n_offers).ravel()
    demand = np.repeat(np.arange(n_demands), per_demand)
    return offer.astype(np.int64), demand.astype(np.int64)


def flow_instance(n_arcs: int, seed: int = 0) -> dict[str, Any]:
    """A splittable problem of about ``n_arcs`` arcs (offers = 1.25 × demands), as arrays."""
    rng = np.random.default_rng(seed)
    n_demands = max(1, n_arcs // ARCS_PER_DEMAND)
    n_offers = max(ARCS_PER_DEMAND, n_demands * 5 // 4)
    quantity = rng.integers(1, 101, n_demands)
    # Total capacity about 95% of total demand: offers compete, some demand stays unmet.
    capacity = rng.integers(1, int(2 * 0.95 * quantity.sum() / n_offers), n_offers)
    offer, demand = random_arcs(n_offers, n_demands, ARCS_PER_DEMAND, rng)
    cost = rng.integers(100, 10_001, len(offer))
    return {"quantity": quantity, "capacity": capacity, "offer": offer, "demand": demand,
            "cost": cost, "penalty": np.full(n_demands, UNMET_PENALTY)}


def as_problem(data: dict[str, Any], split: bool = True) -> Problem:
    offers = [Offer(f"o{i}", int(c)) for i, c in enumerate(data["capacity"].tolist())]
    demands = [Demand(f"d{j}", int(q), split=split, unmet_penalty=int(p))
               for j, (q, p) in enumerate(zip(data["quantity"].tolist(),
                                              data["penalty"].tolist(), strict=True))]
    return Problem.from_arrays(offers, demands, np.char.add("o", data["offer"].astype(str)),
                               np.char.add("d", data["demand"].astype(str)), data["cost"])


def as_file_content(data: dict[str, Any]) -> dict[str, Any]:
    """The explicit JSON form of the problem file (docs/matching.md)."""
    return {
        "offers": [{"id": f"o{i}", "capacity": c}
                   for i, c in enumerate(data["capacity"].tolist())],
        "demands": [{"id": f"d{j}", "quantity": q, "unmet_penalty": p}
                    for j, (q, p) in enumerate(zip(data["quantity"].tolist(),
                                                   data["penalty"].tolist(), strict=True))],
        "arcs": [{"offer": f"o{o}", "demand": f"d{d}", "unit_cost": c}
                 for o, d, c in zip(data["offer"].tolist(), data["demand"].tolist(),
                                    data["cost"].tolist(), strict=True)],
    }


# --- (a) the file, ours against bare OR-Tools ----------------------------------------------


def ours_from_file(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    result = solve(read_problem(path))
    content = result_to_dict(result)
    seconds = time.perf_counter() - started
    assert result.status == "optimal", result.status
    return seconds, int(content["objective"])


def bare_ortools_from_file(path: Path) -> tuple[float, int]:
    """The least work that solves the file: parse, index ids, one network, solve, flows."""
    from ortools.graph.python import min_cost_flow

    started = time.perf_counter()
    data = json.loads(path.read_bytes())
    offer_index = {o["id"]: i for i, o in enumerate(data["offers"])}
    demand_index = {d["id"]: j for j, d in enumerate(data["demands"])}
    arcs = data["arcs"]
    n_offers, n_demands, n_arcs = len(offer_index), len(demand_index), len(arcs)
    capacity = np.fromiter((o["capacity"] for o in data["offers"]), np.int64, n_offers)
    quantity = np.fromiter((d["quantity"] for d in data["demands"]), np.int64, n_demands)
    penalty = np.fromiter((d["unmet_penalty"] for d in data["demands"]), np.int64, n_demands)
    offer = np.fromiter((offer_index[a["offer"]] for a in arcs), np.int64, n_arcs)
    demand = np.fromiter((demand_index[a["demand"]] for a in arcs), np.int64, n_arcs)
    cost = np.fromiter((a["unit_cost"] for a in arcs), np.int64, n_arcs)
    sink = n_offers + n_demands
    demand_nodes = np.arange(n_offers, sink, dtype=np.int64)
    flow = min_cost_flow.SimpleMinCostFlow()
    handles = flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([demand + n_offers, np.arange(n_offers), demand_nodes]),
        np.concatenate([offer, np.full(n_offers, sink), np.full(n_demands, sink)]),
        np.concatenate([np.minimum(quantity[demand], capacity[offer]), capacity, quantity]),
        np.concatenate([cost, np.zeros(n_offers, dtype=np.int64), penalty]))
    flow.set_nodes_supplies(np.append(demand_nodes, sink),
                            np.append(quantity, -int(quantity.sum())))
    assert flow.solve() == flow.OPTIMAL
    flows = np.asarray(flow.flows(handles[:n_arcs]), dtype=np.int64)
    objective = int((flows * cost).sum() + penalty @ (quantity - np.bincount(
        demand, weights=flows, minlength=n_demands).astype(np.int64)))
    seconds = time.perf_counter() - started
    assert objective == flow.optimal_cost()
    return seconds, objective


def cli_wall_seconds(path: Path, out: Path) -> float:
    simpul = Path(sys.executable).with_name("simpul")
    started = time.perf_counter()
    subprocess.run([str(simpul), "--lang", "en", "solve", str(path), "--out", str(out)],
                   check=True, capture_output=True)
    return time.perf_counter() - started


# --- (c) networkx --------------------------------------------------------------------------


def networkx_objective(data: dict[str, Any]) -> tuple[float, int]:
    import networkx as nx

    started = time.perf_counter()
    graph = nx.DiGraph()
    total = int(data["quantity"].sum())
    graph.add_node("sink", demand=total)
    for j, (q, p) in enumerate(zip(data["quantity"].tolist(), data["penalty"].tolist(),
                                   strict=True)):
        graph.add_node(("d", j), demand=-q)
        graph.add_edge(("d", j), "sink", capacity=q, weight=p)
    for i, c in enumerate(data["capacity"].tolist()):
        graph.add_edge(("o", i), "sink", capacity=c, weight=0)
    quantity, capacity = data["quantity"], data["capacity"]
    graph.add_edges_from(
        (("d", d), ("o", o), {"capacity": int(min(quantity[d], capacity[o])), "weight": c})
        for o, d, c in zip(data["offer"].tolist(), data["demand"].tolist(),
                           data["cost"].tolist(), strict=True))
    cost, _flows = nx.network_simplex(graph)
    return time.perf_counter() - started, int(cost)


def _networkx_child(n_arcs: int, connection: Any) -> None:
    connection.send(networkx_objective(flow_instance(n_arcs)))


def networkx_with_timeout(n_arcs: int, timeout: float) -> tuple[float, int] | None:
    """networkx in a child process (fork: the instance is rebuilt there from the seed), or
    ``None`` when it does not finish within ``timeout`` seconds."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_networkx_child, args=(n_arcs, sender))
    child.start()
    answer = receiver.recv() if receiver.poll(timeout) else None
    if answer is None:
        child.terminate()
    child.join()
    return answer


def ours_from_arrays(data: dict[str, Any], repeat: int = 1) -> tuple[float, int]:
    best, objective = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        result = solve(as_problem(data))
        best = min(best, time.perf_counter() - started)
        objective = result.objective
    return best, objective


# --- (d) single source ---------------------------------------------------------------------


def single_source_instance(n_demands: int, n_offers: int, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    quantity = rng.integers(1, 51, n_demands)
    mean = 1.1 * quantity.sum() / n_offers
    capacity = rng.integers(int(0.5 * mean), int(1.5 * mean) + 1, n_offers)
    offer, demand = random_arcs(n_offers, n_demands, ARCS_PER_DEMAND, rng)
    cost = rng.integers(100, 1_001, len(offer))
    return {"quantity": quantity, "capacity": capacity, "offer": offer, "demand": demand,
            "cost": cost, "penalty": np.full(n_demands, 5_000)}


def greedy_single_source(data: dict[str, Any]) -> tuple[float, int, int]:
    """Demands by quantity, largest first, each whole to its cheapest arc with room (if that
    arc costs less than the penalty); otherwise unmet. Returns (seconds, objective, unmet)."""
    started = time.perf_counter()
    room = data["capacity"].copy()
    quantity, penalty = data["quantity"], data["penalty"]
    order = np.lexsort((data["cost"], data["demand"]))  # arcs by demand, then cost
    first = np.searchsorted(data["demand"][order], np.arange(len(quantity) + 1))
    objective, unmet = 0, 0
    for d in np.argsort(-quantity, kind="stable").tolist():
        q = int(quantity[d])
        for a in order[first[d]:first[d + 1]].tolist():
            o, c = int(data["offer"][a]), int(data["cost"][a])
            if c < penalty[d] and room[o] >= q:
                room[o] -= q
                objective += c * q
                break
        else:
            objective += int(penalty[d]) * q
            unmet += 1
    return time.perf_counter() - started, objective, unmet


# --- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arcs", type=int, default=320_000,
                        help="arcs of the (a) problem file (demands = arcs / 20)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many for (a)")
    parser.add_argument("--networkx-arcs", type=int, nargs="*",
                        default=[10_000, 30_000, 100_000])
    parser.add_argument("--networkx-timeout", type=float, default=120.0)
    parser.add_argument("--skip-networkx", action="store_true")
    parser.add_argument("--single-source-demands", type=int, default=10_000)
    parser.add_argument("--single-source-offers", type=int, default=None,
                        help="default: demands / 5")
    parser.add_argument("--time-limit", type=float, default=60.0, help="(d) time limit, s")
    args = parser.parse_args()
    console = Console(width=160)
    rows: list[tuple[str, ...]] = []
    payload: dict[str, Any] = {"machine": {**machine_info(), "ortools": version("ortools"),
                                           "networkx": version("networkx")}}

    # (a)
    data = flow_instance(args.arcs)
    with tempfile.TemporaryDirectory(prefix="simpul-solve-bench-") as folder:
        path = Path(folder) / "problem.json"
        path.write_text(json.dumps(as_file_content(data)), encoding="utf-8")
        size_mb = path.stat().st_size / 2**20
        n_arcs = len(data["offer"])
        console.print(f"(a) {len(data['capacity']):,} offers, {len(data['quantity']):,} "
                      f"demands, {n_arcs:,} arcs; file {size_mb:.1f} MB")
        ours, bare = [], []
        for _ in range(args.repeat):  # interleaved, so drift on a shared machine hits both
            ours.append(ours_from_file(path))
            bare.append(bare_ortools_from_file(path))
        ours_s, ours_obj = min(ours)
        bare_s, bare_obj = min(bare)
        cli_s = cli_wall_seconds(path, Path(folder) / "result.json")
        cli_obj = json.loads((Path(folder) / "result.json").read_text())["objective"]
    assert ours_obj == bare_obj == cli_obj, (ours_obj, bare_obj, cli_obj)
    ratio = ours_s / bare_s
    passed_a = ratio <= RATIO_TARGET
    rows.append(("(a) read_problem + solve + result_to_dict", f"{n_arcs:,}", f"{ours_s:.2f}",
                 f"{ours_obj:,}", f"{ratio:.2f}× bare", f"≤ {RATIO_TARGET}× bare: "
                 + ("pass" if passed_a else "FAIL")))
    rows.append(("(a) bare OR-Tools: json.load + arrays + MCF", f"{n_arcs:,}", f"{bare_s:.2f}",
                 f"{bare_obj:,}", "1×", ""))
    rows.append(("(a) simpul solve FILE --out X (subprocess)", f"{n_arcs:,}", f"{cli_s:.2f}",
                 f"{cli_obj:,}", f"{cli_s / bare_s:.2f}× bare", "(start-up included)"))
    payload["file"] = {"arcs": n_arcs, "offers": len(data["capacity"]),
                       "demands": len(data["quantity"]), "file_mb": size_mb,
                       "repeat": args.repeat, "ours_seconds": [s for s, _ in ours],
                       "bare_ortools_seconds": [s for s, _ in bare], "cli_seconds": cli_s,
                       "objective": ours_obj, "ratio": ratio, "target_ratio": RATIO_TARGET,
                       "passed": passed_a}

    # (c)
    payload["networkx"] = []
    for size in ([] if args.skip_networkx else args.networkx_arcs):
        instance = flow_instance(size)
        ours_s, ours_obj = ours_from_arrays(instance, repeat=3)
        answer = networkx_with_timeout(size, args.networkx_timeout)
        entry: dict[str, Any] = {"arcs": len(instance["offer"]), "ours_seconds": ours_s,
                                 "objective": ours_obj}
        if answer is None:
            reason = f"did not finish within {args.networkx_timeout:.0f} s; stopped"
            entry.update(networkx="skipped", reason=reason)
            rows.append((f"(c) networkx min-cost flow, {size // 1000}k arcs",
                         f"{len(instance['offer']):,}", "—", "—", "—", f"skipped: {reason}"))
        else:
            nx_s, nx_obj = answer
            assert nx_obj == ours_obj, (size, nx_obj, ours_obj)
            entry.update(networkx_seconds=nx_s, ratio=nx_s / ours_s)
            rows.append((f"(c) networkx min-cost flow, {size // 1000}k arcs",
                         f"{len(instance['offer']):,}", f"{nx_s:.2f}", f"{nx_obj:,}",
                         f"{nx_s / ours_s:.0f}× ours", "objective equal"))
        rows.append((f"(c) Problem.from_arrays + solve, {size // 1000}k arcs",
                     f"{len(instance['offer']):,}", f"{ours_s:.3f}", f"{ours_obj:,}", "1×", ""))
        payload["networkx"].append(entry)
        console.print(f"(c) {size:,} arcs done")

    # (d)
    n_demands = args.single_source_demands
    n_offers = args.single_source_offers or max(ARCS_PER_DEMAND, n_demands // 5)
    instance = single_source_instance(n_demands, n_offers)
    problem = as_problem(instance, split=False)
    params = SolveParams(time_limit_s=args.time_limit, deterministic=False)
    started = time.perf_counter()
    result = solve(problem, params, seed=0)
    single_s = time.perf_counter() - started
    greedy_s, greedy_obj, greedy_unmet = greedy_single_source(instance)
    relaxation = solve(as_problem(instance, split=True)).objective
    gap = result.stats.gap
    passed_d = result.status in ("optimal", "feasible") and gap <= GAP_TARGET
    unmet_demands = len(result.unmet)
    rows.append((f"(d) single source, {n_demands:,} × {n_offers:,} × {ARCS_PER_DEMAND}",
                 f"{problem.n_arcs:,}", f"{single_s:.1f}", f"{result.objective:,}",
                 f"{result.status}, gap {gap:.3%}",
                 f"gap ≤ {GAP_TARGET:.0%} in {args.time_limit:.0f} s: "
                 + ("pass" if passed_d else "FAIL")))
    rows.append(("(d) greedy: largest demand first, cheapest arc with room",
                 f"{problem.n_arcs:,}", f"{greedy_s:.2f}", f"{greedy_obj:,}",
                 f"{greedy_obj / result.objective - 1:+.2%} vs ours", ""))
    rows.append(("(d) split relaxation (bound only)", f"{problem.n_arcs:,}", "",
                 f"{relaxation:,}", f"gap {(result.objective - relaxation) / result.objective:.2%}"
                 " to it", "the bound reported before"))
    payload["single_source"] = {
        "demands": n_demands, "offers": n_offers, "arcs": problem.n_arcs,
        "total_capacity_over_demand": float(instance["capacity"].sum()
                                            / instance["quantity"].sum()),
        "time_limit_s": args.time_limit, "seconds": single_s,
        "solve_stats_seconds": result.stats.seconds, "status": result.status,
        "objective": result.objective, "bound": result.stats.bound, "gap": gap,
        "unmet_demands": unmet_demands, "target_gap": GAP_TARGET, "passed": passed_d,
        "split_relaxation_bound": relaxation,
        "greedy": {"seconds": greedy_s, "objective": greedy_obj, "unmet_demands": greedy_unmet,
                   "worse_by": greedy_obj / result.objective - 1},
    }

    table = Table(title="Matching engine: solve")
    for column in ("measurement", "arcs", "seconds", "objective", "relative", "target"):
        table.add_column(column, justify="left" if column in ("measurement", "target")
                         else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    console.print(f"(d) bound {result.stats.bound:,}; {unmet_demands:,} demands unmet (ours), "
                  f"{greedy_unmet:,} (greedy); CP-SAT on {params.search_workers} workers")
    payload["passed"] = passed_a and passed_d
    console.print(f"Results written to {write_json('solve_bench.json', payload)}")


if __name__ == "__main__":
    main()

"""(b) National scale: 1,000,000 offers and 50,000 needs from the generator, matched.

Set-up, not measured: :mod:`fixtures.synthetic` generates IKM until there are exactly
``--offers`` offers (the last IKM's offers cut to fit) and ``--needs`` needs for the six parks;
:func:`fixtures.snapshot.snapshot` prepares every record as an import would and turns them
into the catalog's snapshot arrays, cached in ``benchmarks/results/`` (``--reuse`` takes the
cache). Measured, in a fresh child process so that its peak memory is its own:
:func:`api.matchrun.build_market` (the catalog-to-engine bridge) and :func:`matching.match`
(distances, eligibility with budgets and column generation, the solve, the closure, the
diagnosis of every unmet unit), phase by phase, and the peak resident memory.

Targets on 2 cores: eligibility, solve and diagnosis (``match``) in at most 60 s, at most 8 GB.

Baseline in the same run, since every eligible pair at once does not fit at this scale: the
number of eligible pairs (``exclusions`` over every need, timed), which is what the plain way
would hand the solver, and on a sample of ``--sample-offers`` offers and ``--sample-needs``
needs, the plain way itself (``candidate_arcs`` without a budget, then ``solve``) against
``match`` on the same sample: seconds and objectives.

    .venv/bin/python benchmarks/national_bench.py [--offers 1000000] [--needs 50000]
        [--time-limit 25] [--reuse] [--sample-offers 100000] [--sample-needs 5000]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from _support import RESULTS, machine_info, write_json
from rich.console import Console
from rich.table import Table

from catalog.snapshot import NeedArrays, OfferArrays

TODAY = dt.date(2026, 12, 1)
TIME_TARGET_S = 60.0
MEMORY_TARGET_GB = 8.0


def _cache(offers: int, needs: int, seed: int) -> Path:
    return RESULTS / f"national_{offers}_{needs}_{seed}_{TODAY.isoformat()}.npz"


def build_cache(offers: int, needs: int, seed: int) -> float:
    """Generate and prepare the data set, save its arrays; returns the seconds it took."""
    from fixtures.snapshot import snapshot
    from fixtures.synthetic import enterprises_with_offers, generate_dataset

    started = time.perf_counter()
    _, need_records = generate_dataset(0, needs, seed, today=TODAY)
    _, offer_arrays, need_arrays = snapshot(enterprises_with_offers(offers, seed, today=TODAY),
                                            need_records, TODAY)
    arrays: dict[str, Any] = {}
    for prefix, table in (("offer__", offer_arrays), ("need__", need_arrays)):
        for field in dataclasses.fields(table):
            arrays[prefix + field.name] = np.asarray(getattr(table, field.name))
    RESULTS.mkdir(parents=True, exist_ok=True)
    np.savez(_cache(offers, needs, seed), **arrays)
    return time.perf_counter() - started


def load_cache(path: Path) -> tuple[OfferArrays, NeedArrays]:
    data = np.load(path, allow_pickle=False)

    def table(kind: type[Any], prefix: str) -> Any:
        values: dict[str, Any] = {}
        for field in dataclasses.fields(kind):
            value = data[prefix + field.name]
            values[field.name] = (tuple(str(v) for v in value.tolist())
                                  if field.name == "category_codes" else value)
        return kind(**values)

    return table(OfferArrays, "offer__"), table(NeedArrays, "need__")


def measure(path: Path, time_limit: float) -> dict[str, Any]:
    """The measured part (run in the child process)."""
    from api.matchrun import build_market
    from fixtures.snapshot import reference
    from matching import MatchParams, SolveParams, match

    offers, needs = load_cache(path)
    started = time.perf_counter()
    market, _ = build_market(reference(), offers, needs, today=TODAY)
    bridge = time.perf_counter() - started
    started = time.perf_counter()
    matched = match(market, MatchParams(solve=SolveParams(time_limit_s=time_limit,
                                                           processes=2,
                                                           deterministic=False)))
    seconds = time.perf_counter() - started
    result = matched.result
    reasons: dict[str, int] = {}
    for unmet in matched.unmet:
        for reason, quantity in unmet.reasons.items():
            reasons[reason] = reasons.get(reason, 0) + quantity
    local = sum(a.quantity for a in matched.allocations() if a.local)
    return {
        "offers": len(market.offers), "needs": len(market.needs),
        "bridge_seconds": round(bridge, 2), "match_seconds": round(seconds, 2),
        "phase_seconds": matched.stats.seconds,
        "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
        "first_arcs": matched.stats.first_arcs, "arcs": matched.stats.arcs,
        "pricing_rounds": matched.stats.rounds, "candidates_complete": matched.stats.complete,
        "exact": matched.stats.exact, "lp_objective": matched.stats.lp_objective,
        "lp_bound": matched.stats.lp_bound, "status": result.status,
        "objective": result.objective, "bound": result.stats.bound, "gap": result.stats.gap,
        "components": result.stats.components,
        "cp_sat_components": result.stats.cp_sat_components,
        "demand_units": int(market.needs.quantity.sum()),
        "served_units": int(matched.served.sum()), "local_units": int(local),
        "unmet_by_reason": reasons,
    }


def count_eligible(path: Path) -> dict[str, Any]:
    """Baseline at full scale: how many pairs are eligible (what the plain way would solve)."""
    from api.matchrun import build_market
    from fixtures.snapshot import reference

    offers, needs = load_cache(path)
    market, _ = build_market(reference(), offers, needs, today=TODAY)
    started = time.perf_counter()
    found = market.exclusions(np.arange(len(market.needs)))
    seconds = time.perf_counter() - started
    return {"eligible_pairs": int(found.eligible.sum()), "scan_seconds": round(seconds, 2),
            "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
                                 2)}


def compare_on_sample(path: Path, time_limit: float) -> dict[str, Any]:
    """Baseline on a sample: every eligible pair at once, then solve, against match."""
    from api.matchrun import build_market
    from fixtures.snapshot import reference
    from matching import MatchParams, SolveParams, candidate_arcs, match, solve, to_problem

    offers, needs = load_cache(path)
    market, _ = build_market(reference(), offers, needs, today=TODAY)
    params = SolveParams(time_limit_s=time_limit, processes=2, deterministic=False)
    started = time.perf_counter()
    km, hours = market.distances
    arcs = candidate_arcs(market.offers, market.needs, market.substitution, km, hours,
                          market.transport_rate, market.park_nodes)
    plain = solve(to_problem(arcs, market.offers, market.needs), params)
    plain_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ours = match(market, MatchParams(solve=params))
    ours_seconds = time.perf_counter() - started
    return {
        "offers": len(market.offers), "needs": len(market.needs),
        "plain": {"arcs": len(arcs), "seconds": round(plain_seconds, 2),
                  "objective": plain.objective, "status": plain.status,
                  "gap": plain.stats.gap},
        "match": {"arcs": ours.stats.arcs, "seconds": round(ours_seconds, 2),
                  "objective": ours.result.objective, "status": ours.result.status,
                  "gap": ours.result.stats.gap, "exact": ours.stats.exact},
    }


def _child(mode: str, path: Path, time_limit: float) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", mode, "--cache", str(path),
               "--time-limit", str(time_limit)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=1_000_000)
    parser.add_argument("--needs", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=25.0,
                        help="the solver's time limit within match (seconds)")
    parser.add_argument("--sample-offers", type=int, default=100_000)
    parser.add_argument("--sample-needs", type=int, default=5_000)
    parser.add_argument("--reuse", action="store_true", help="reuse cached arrays")
    parser.add_argument("--child", choices=("measure", "count", "sample"))
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args()

    if args.child:
        run = {"measure": measure, "count": lambda p, _t: count_eligible(p),
               "sample": compare_on_sample}[args.child]
        print(json.dumps(run(args.cache, args.time_limit)))
        return

    console = Console()
    caches = {}
    for offers, needs in ((args.offers, args.needs), (args.sample_offers, args.sample_needs)):
        path = _cache(offers, needs, args.seed)
        if not (args.reuse and path.exists()):
            console.print(f"Generating and preparing {offers:,} offers and {needs:,} needs…")
            console.print(f"  {build_cache(offers, needs, args.seed):.0f} s (not measured)")
        caches[offers, needs] = path
    full = caches[args.offers, args.needs]
    measured = _child("measure", full, args.time_limit)
    counted = _child("count", full, args.time_limit)
    sample = _child("sample", caches[args.sample_offers, args.sample_needs], args.time_limit)

    table = Table(title=f"(b) national scale: {measured['offers']:,} offers, "
                        f"{measured['needs']:,} needs (2 cores)")
    table.add_column("measurement")
    table.add_column("value", justify="right")
    rows = [
        ("build_market (catalog → engine)", f"{measured['bridge_seconds']:.1f} s"),
        *((f"  match: {phase}", f"{seconds:.1f} s")
          for phase, seconds in measured["phase_seconds"].items()),
        ("match, total", f"{measured['match_seconds']:.1f} s"),
        ("peak memory", f"{measured['peak_rss_gb']:.2f} GB"),
        ("arcs: first budget → final", f"{measured['first_arcs']:,} → {measured['arcs']:,}"),
        ("eligible pairs (the plain way)", f"{counted['eligible_pairs']:,}"),
        ("pricing rounds, complete", f"{measured['pricing_rounds']}, "
                                     f"{measured['candidates_complete']}"),
        ("status, gap to bound", f"{measured['status']}, {measured['gap']:.2%}"),
        ("served / demand units", f"{measured['served_units']:,} / "
                                  f"{measured['demand_units']:,}"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    time_ok = measured["match_seconds"] <= TIME_TARGET_S
    memory_ok = measured["peak_rss_gb"] <= MEMORY_TARGET_GB
    console.print(f"target ≤ {TIME_TARGET_S:.0f} s and ≤ {MEMORY_TARGET_GB:.0f} GB: "
                  f"{'pass' if time_ok and memory_ok else 'FAIL'}")
    sample_table = Table(title=f"sample: {sample['offers']:,} offers, {sample['needs']:,} "
                               "needs — every eligible pair at once against match")
    for column in ("method", "arcs", "seconds", "objective", "status", "gap"):
        sample_table.add_column(column, justify="right" if column != "method" else "left")
    for name in ("plain", "match"):
        item = sample[name]
        sample_table.add_row(name, f"{item['arcs']:,}", f"{item['seconds']:.1f}",
                             f"{item['objective']:,}", item["status"], f"{item['gap']:.2%}")
    console.print(sample_table)
    path = write_json("national_bench.json", {
        "machine": machine_info(), "targets": {"seconds": TIME_TARGET_S,
                                               "memory_gb": MEMORY_TARGET_GB},
        "measured": measured, "eligible": counted, "sample": sample,
        "result": "pass" if time_ok and memory_ok else "fail"})
    console.print(f"Results written to {path}")


if __name__ == "__main__":
    main()

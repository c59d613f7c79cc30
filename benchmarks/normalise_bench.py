"""How fast and how well product names become categories: ``Normaliser.normalise_many``.

Measures, in one run:

- **speed**: 100,000 distinct messy names (``fixtures.messy_names``: typos, capitals,
  quantities, sizes, packing, notes, some outside the taxonomy) through
  ``Normaliser.normalise_many`` on a fresh normaliser (cold caches), names per second;
- **the naive way** as the baseline: ``rapidfuzz.process.extractOne`` with ``fuzz.WRatio``
  and ``utils.default_process`` per name over the same vocabulary (every alias, name, code and
  primary KBLI title), on a sample of the names, its rate extrapolated and labelled as such;
- **accuracy** of both on the labelled development set (``tests/catalog/data/
  normalise_dev_set.tsv``): top-1 on names that have a category, precision of ``auto``, and
  how many out-of-taxonomy names were made ``auto``. The naive way has no statuses; a score of
  90 or more counts as its ``auto``.

Targets on 2 cores: at least 50,000 names/s, at least 20× the naive way, at no loss of
accuracy.

    .venv/bin/python benchmarks/normalise_bench.py [--names 100000] [--naive-sample 2000]
"""

from __future__ import annotations

import argparse
import csv
import time
from typing import Any

from _support import ROOT, machine_info, rate, write_json
from rapidfuzz import fuzz, process, utils
from rich.console import Console
from rich.table import Table

from catalog.normalise import Normaliser, clean_name, taxonomy_vocabulary
from fixtures.messy_names import messy_names

DEV_SET = ROOT / "tests" / "catalog" / "data" / "normalise_dev_set.tsv"
NAIVE_AUTO = 90


def dev_set() -> list[tuple[str, str | None]]:
    with DEV_SET.open(encoding="utf-8", newline="") as handle:
        return [(row["name"], None if row["category"] == "-" else row["category"])
                for row in csv.DictReader(handle, delimiter="\t")]


def naive(names: list[str], vocabulary: dict[str, str]) -> list[tuple[str | None, int]]:
    choices = list(vocabulary)
    answers: list[tuple[str | None, int]] = []
    for name in names:
        best = process.extractOne(name, choices, scorer=fuzz.WRatio,
                                  processor=utils.default_process)
        answers.append((vocabulary[best[0]], int(best[1])) if best else (None, 0))
    return answers


def accuracy(labels: list[str | None], answers: list[tuple[str | None, bool]]
             ) -> dict[str, float | int]:
    inside = [(want, got) for want, (got, _auto) in zip(labels, answers, strict=True) if want]
    auto = [(want, got) for want, (got, is_auto) in zip(labels, answers, strict=True)
            if is_auto]
    return {
        "top1": sum(want == got for want, got in inside) / len(inside),
        "auto_precision": (sum(want == got for want, got in auto) / len(auto)) if auto else 1.0,
        "auto_share": len(auto) / len(labels),
        "outside_made_auto": sum(want is None for want, _got in auto),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--naive-sample", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    console = Console(width=150)

    names = list(messy_names(args.names, seed=args.seed))
    vocabulary = taxonomy_vocabulary()
    console.print(f"{len(names):,} distinct names; vocabulary of {len(vocabulary):,} entries")

    clean_name.cache_clear()
    started = time.perf_counter()
    normaliser = Normaliser(vocabulary)
    results = normaliser.normalise_many(names)
    fast_seconds = time.perf_counter() - started
    methods: dict[str, int] = {}
    for result in results:
        methods[result.method] = methods.get(result.method, 0) + 1

    sample = names[:args.naive_sample]
    started = time.perf_counter()
    naive(sample, vocabulary)
    naive_seconds = time.perf_counter() - started

    labelled = dev_set()
    labels = [want for _name, want in labelled]
    ours = Normaliser(vocabulary).normalise_many([name for name, _want in labelled])
    our_accuracy = accuracy(labels, [(r.category_code, r.status == "auto") for r in ours])
    theirs = naive([name for name, _want in labelled], vocabulary)
    naive_accuracy = accuracy(labels, [(code, score >= NAIVE_AUTO) for code, score in theirs])

    fast_rate = rate(len(names), fast_seconds)
    naive_rate = rate(len(sample), naive_seconds)
    table = Table(title=f"Normalising {len(names):,} messy names "
                        f"(dev set: {len(labelled)} labelled names)")
    for column in ("method", "names", "seconds", "names/s", "speed-up", "dev top-1",
                   "auto precision", "auto share", "outside → auto"):
        table.add_column(column, justify="left" if column == "method" else "right")
    table.add_row("normalise_many", f"{len(names):,}", f"{fast_seconds:.2f}",
                  f"{fast_rate:,.0f}", f"{fast_rate / naive_rate:.0f}×",
                  f"{our_accuracy['top1']:.1%}", f"{our_accuracy['auto_precision']:.1%}",
                  f"{our_accuracy['auto_share']:.0%}", str(our_accuracy["outside_made_auto"]))
    table.add_row("naive extractOne WRatio*", f"{len(sample):,}", f"{naive_seconds:.2f}",
                  f"{naive_rate:,.0f}", "1×", f"{naive_accuracy['top1']:.1%}",
                  f"{naive_accuracy['auto_precision']:.1%}",
                  f"{naive_accuracy['auto_share']:.0%}",
                  str(naive_accuracy["outside_made_auto"]))
    console.print(table)
    console.print(f"* naive: process.extractOne(name, vocabulary, scorer=WRatio) per name over "
                  f"the first {len(sample):,} names, its rate extrapolated; 'auto' = score ≥ "
                  f"{NAIVE_AUTO}. Decided by: "
                  + ", ".join(f"{m} {n:,}" for m, n in sorted(methods.items())))
    targets = {"names_per_second": 50_000, "speed_up": 20}
    passed = fast_rate >= targets["names_per_second"] and (
        fast_rate / naive_rate >= targets["speed_up"]) and (
        our_accuracy["top1"] >= naive_accuracy["top1"])
    console.print(f"targets: ≥ 50,000 names/s, ≥ 20× naive, top-1 not below naive: "
                  f"{'pass' if passed else 'FAIL'}")
    payload: dict[str, Any] = {
        "machine": machine_info(), "names": len(names), "vocabulary": len(vocabulary),
        "normalise_many": {"seconds": fast_seconds, "names_per_second": fast_rate,
                           "methods": methods, "dev_set": our_accuracy},
        "naive": {"sample": len(sample), "seconds": naive_seconds,
                  "names_per_second": naive_rate, "extrapolated": True,
                  "dev_set": naive_accuracy},
        "speed_up": fast_rate / naive_rate, "targets": targets, "passed": passed,
    }
    console.print(f"Results written to {write_json('normalise_bench.json', payload)}")


if __name__ == "__main__":
    main()

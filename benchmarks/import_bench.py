"""How fast a spreadsheet of IKM goes into the catalog: ``catalog.imports.import_enterprises``.

Generates a synthetic import file (CSV, one row per offer) with ``fixtures.synthetic``, then
times the whole import (read, validate, write, commit) into a fresh SQLite file and a fresh
PostgreSQL database. The baseline, measured in the same run on the same backends, is the naive
way to write the same rows: the same validation (``prepare_enterprise``), then one ORM object per
row, ``session.add`` and a ``flush`` per row, over a sample of the file's first rows; its rate is
extrapolated to the whole file and reported as such.

Target: at least 5,000 rows a second on every backend.

    .venv/bin/python benchmarks/import_bench.py [--rows 100000] [--skip-postgres]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from _support import (
    DEFAULT_POSTGRES_URL,
    fresh_postgres_database,
    load_reference_data,
    machine_info,
    max_rss_mb,
    postgres_problem,
    rate,
    server_version,
    write_json,
)
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.db import make_engine, upgrade_database
from catalog.imports import import_enterprises
from catalog.models import Certificate, Enterprise, Offer
from catalog.records import EnterpriseRecord
from catalog.store import CatalogContext, InvalidRecord, prepare_enterprise
from fixtures.synthetic import enterprises_with_offers, write_import_csv

TARGET_ROWS_PER_SECOND = 5_000
SEED = 0
console = Console(width=120)


# --- the data ------------------------------------------------------------------------------


def enterprises_for_rows(rows: int, seed: int = SEED) -> Iterator[EnterpriseRecord]:
    """Synthetic IKM whose offers add up to exactly ``rows`` import rows (one per offer)."""
    return enterprises_with_offers(rows, seed)


@dataclasses.dataclass
class DataSet:
    path: Path
    rows: int
    enterprises: int
    offers: int
    certificates: int
    bytes: int
    seconds: float


def write_data_set(rows: int, path: Path) -> DataSet:
    counts = {"rows": 0, "enterprises": 0, "offers": 0, "certificates": 0}

    def counted(records: Iterable[EnterpriseRecord]) -> Iterator[EnterpriseRecord]:
        for record in records:
            # An IKM without offers still takes one row.
            counts["rows"] += max(len(record.offers), 1)
            counts["enterprises"] += 1
            counts["offers"] += len(record.offers)
            counts["certificates"] += len(record.certificates)
            yield record

    started = time.perf_counter()
    write_import_csv(counted(enterprises_for_rows(rows)), path)
    seconds = time.perf_counter() - started
    return DataSet(path, counts["rows"], counts["enterprises"], counts["offers"],
                   counts["certificates"], path.stat().st_size, seconds)


# --- measurements --------------------------------------------------------------------------


def prepared_database(url: str) -> None:
    engine = make_engine(url)
    upgrade_database(engine)
    with Session(engine) as session, session.begin():
        load_reference_data(session)
    engine.dispose()


def table_counts(session: Session) -> dict[str, int]:
    return {name: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for name, model in [("enterprises", Enterprise), ("offers", Offer),
                                ("certificates", Certificate)]}


def measure_import(url: str, data: DataSet) -> dict[str, Any]:
    """One import of the whole file into the (fresh) database at ``url``, commit included."""
    prepared_database(url)
    engine = make_engine(url)
    with Session(engine) as session:
        started = time.perf_counter()
        report = import_enterprises(data.path, session=session, only_valid_rows=True,
                                    max_bytes=data.bytes + 1)
        session.commit()
        seconds = time.perf_counter() - started
        stored = table_counts(session)
    engine.dispose()
    summary = dataclasses.asdict(report.summary) if report.summary else {}
    return {"rows": report.rows, "valid_rows": report.valid_rows,
            "enterprises": report.enterprises, "problems": len(report.problems),
            "first_problems": [str(p) for p in report.problems[:5]], "summary": summary,
            "stored": stored, "seconds": round(seconds, 3),
            "rows_per_second": round(rate(report.rows, seconds), 1)}


def measure_naive(url: str, sample_rows: int) -> dict[str, Any]:
    """The same validation, then an ORM object, ``add`` and ``flush`` per row, one commit."""
    prepared_database(url)
    engine = make_engine(url)
    records = list(enterprises_for_rows(sample_rows))
    rows = sum(max(len(record.offers), 1) for record in records)
    skipped = 0
    with Session(engine) as session:
        started = time.perf_counter()
        context = CatalogContext.load(session=session)
        for record in records:
            try:
                prepared = prepare_enterprise(record, context)
            except InvalidRecord:
                skipped += 1
                continue
            enterprise = Enterprise(**prepared.row)
            session.add(enterprise)
            session.flush()
            for offer in prepared.offers:
                session.add(Offer(enterprise_id=enterprise.id, **offer))
                session.flush()
            for certificate in prepared.certificates:
                session.add(Certificate(enterprise_id=enterprise.id, **certificate))
                session.flush()
        session.commit()
        seconds = time.perf_counter() - started
        stored = table_counts(session)
    engine.dispose()
    return {"rows": rows, "enterprises": len(records), "skipped_enterprises": skipped,
            "stored": stored, "seconds": round(seconds, 3),
            "rows_per_second": round(rate(rows, seconds), 1)}


def run_backend(name: str, import_url: str, naive_url: str, data: DataSet,
                sample_rows: int) -> dict[str, Any]:
    console.print(f"[bold]{name}[/]: importing {data.rows:,} rows ...")
    imported = measure_import(import_url, data)
    console.print(f"  {imported['seconds']:.1f} s, {imported['rows_per_second']:,.0f} rows/s; "
                  f"naive baseline over {sample_rows:,} rows ...")
    naive = measure_naive(naive_url, sample_rows)
    console.print(f"  naive: {naive['seconds']:.1f} s, {naive['rows_per_second']:,.0f} rows/s")
    naive_rate = naive["rows_per_second"]
    return {
        "backend": name,
        "import": imported,
        "naive": {**naive, "extrapolated_seconds_for_all_rows":
                  round(data.rows / naive_rate, 1) if naive_rate else None},
        "speed_up": round(imported["rows_per_second"] / naive_rate, 1) if naive_rate else None,
        "target_rows_per_second": TARGET_ROWS_PER_SECOND,
        "passed": imported["rows_per_second"] >= TARGET_ROWS_PER_SECOND
        and imported["problems"] == 0,
    }


# --- output --------------------------------------------------------------------------------


def print_table(data: DataSet, results: list[dict[str, Any]], notes: list[str],
                sample_rows: int) -> None:
    table = Table(title=f"Import of {data.rows:,} rows ({data.enterprises:,} IKM, "
                        f"{data.offers:,} offers, {data.certificates:,} certificates)")
    table.add_column("backend", no_wrap=True)
    table.add_column("method", no_wrap=True)
    for column in ("rows", "seconds", "rows/s", "target", "result", "speed-up"):
        table.add_column(column, justify="right", no_wrap=True)
    for result in results:
        imported, naive = result["import"], result["naive"]
        table.add_row(result["backend"], "import_enterprises", f"{imported['rows']:,}",
                      f"{imported['seconds']:.1f}", f"{imported['rows_per_second']:,.0f}",
                      f"≥ {TARGET_ROWS_PER_SECOND:,}",
                      "[green]pass[/]" if result["passed"] else "[red]fail[/]",
                      f"{result['speed_up']:.1f}×" if result["speed_up"] else "-")
        table.add_row("", "naive (sample)*", f"{naive['rows']:,}", f"{naive['seconds']:.1f}",
                      f"{naive['rows_per_second']:,.0f}", "", "", "1.0×")
        table.add_row("", "naive (extrapolated)", f"{data.rows:,}",
                      f"~{naive['extrapolated_seconds_for_all_rows']:,.0f}",
                      f"{naive['rows_per_second']:,.0f}", "", "", "")
    console.print(table)
    console.print(f"* naive: the same validation, then one ORM object, session.add and flush "
                  f"per row, over the file's first {sample_rows:,} rows; its rate is "
                  "extrapolated to the whole file. Times include the commit.")
    for note in notes:
        console.print(f"[yellow]note:[/] {note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000,
                        help="import rows (one per offer) in the generated file")
    parser.add_argument("--sample", type=int, default=5_000,
                        help="rows the naive baseline writes, extrapolated to --rows")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL,
                        help="a database on the server to connect to for CREATE/DROP DATABASE; "
                             "the benchmark uses its own simpul_bench_import* databases")
    args = parser.parse_args(argv)
    sample_rows = min(args.sample, args.rows)

    notes: list[str] = []
    results: list[dict[str, Any]] = []
    info = machine_info()
    with tempfile.TemporaryDirectory(prefix="simpul-import-bench-") as folder:
        directory = Path(folder)
        console.print(f"Generating {args.rows:,} import rows (seed {SEED}) ...")
        data = write_data_set(args.rows, directory / "ikm.csv")
        console.print(f"  {data.enterprises:,} IKM, {data.offers:,} offers, "
                      f"{data.certificates:,} certificates, {data.bytes / 2**20:.1f} MB "
                      f"in {data.seconds:.1f} s")

        results.append(run_backend("SQLite", f"sqlite:///{directory / 'import.db'}",
                                   f"sqlite:///{directory / 'naive.db'}", data, sample_rows))

        problem = None if args.skip_postgres else postgres_problem(args.postgres_url)
        if args.skip_postgres:
            notes.append("PostgreSQL skipped (--skip-postgres).")
        elif problem:
            notes.append(f"PostgreSQL skipped: {args.postgres_url} is unreachable ({problem}).")
        else:
            engine = make_engine(args.postgres_url)
            info["postgresql"] = server_version(engine)
            engine.dispose()
            with fresh_postgres_database(args.postgres_url, "simpul_bench_import") as url, \
                    fresh_postgres_database(args.postgres_url,
                                            "simpul_bench_import_naive") as naive_url:
                results.append(run_backend("PostgreSQL", url, naive_url, data, sample_rows))

    for result in results:
        if result["import"]["problems"]:
            notes.append(f"{result['backend']}: {result['import']['problems']} rows had "
                         f"problems, e.g. {result['import']['first_problems'][:2]}")
    info["peak_rss_mb_of_benchmark_process"] = round(max_rss_mb(), 1)
    print_table(data, results, notes, sample_rows)
    speed_ups = [r["speed_up"] for r in results if r["speed_up"]]
    path = write_json("import_bench.json", {
        "benchmark": "import",
        "machine": info,
        "data": {"rows": data.rows, "enterprises": data.enterprises, "offers": data.offers,
                 "certificates": data.certificates, "csv_bytes": data.bytes,
                 "generation_seconds": round(data.seconds, 2), "seed": SEED,
                 "naive_sample_rows": sample_rows},
        "target_rows_per_second": TARGET_ROWS_PER_SECOND,
        "results": results,
        "median_speed_up": statistics.median(speed_ups) if speed_ups else None,
        "notes": notes,
    })
    console.print(f"Results written to {path}")
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())

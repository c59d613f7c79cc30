"""How fast and how lean a match run reads the catalog: ``catalog.snapshot.load_offer_arrays``.

Set-up (not measured): a fresh PostgreSQL database with the schema (``upgrade_database``), the
reference data, and a synthetic catalog of ``--offers`` offers from ``fixtures.synthetic``. The
records go through ``catalog.store.prepare_enterprise``, so every row is what the catalog would
store, and into the tables by ``COPY`` (much faster than any insert, and beside the point here).

Measured, each in a fresh Python process so that its peak resident memory is its own:

- ``load_offer_arrays`` on the whole catalog: wall time (median of ``--repeat`` runs), peak RSS
  (``ru_maxrss``) and its growth during the load; in one more run, the peak of Python
  allocations (``tracemalloc``, which slows the run, so it is not timed);
- baseline 1: the same columns fetched as plain row tuples (``.all()``), the whole catalog;
- baseline 2: ``Offer`` ORM objects with their enterprise and its certificates (what a
  straightforward use case would write), over a ``--orm-sample`` of offers, extrapolated
  linearly to the whole catalog and reported as such.

Targets for 1,000,000 offers: at most 20 s and at most 2 GB peak.

    .venv/bin/python benchmarks/snapshot_bench.py [--offers 1000000] [--keep] [--reuse]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _support import (
    DEFAULT_POSTGRES_URL,
    fresh_postgres_database,
    load_reference_data,
    machine_info,
    postgres_problem,
    rate,
    server_version,
    write_json,
)
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from catalog.db import make_engine, upgrade_database
from catalog.models import Certificate, Enterprise, Offer
from catalog.records import EnterpriseRecord
from catalog.store import CatalogContext, InvalidRecord, name_key, prepare_enterprise
from fixtures.synthetic import generate_dataset

CHILD = Path(__file__).resolve().with_name("_measure_snapshot.py")
DATABASE = "simpul_bench_snapshot"
TARGET_SECONDS = 20.0
TARGET_PEAK_MB = 2048.0
SEED = 0
COPY_BATCH_OFFERS = 50_000
console = Console(width=160)


# --- set-up: a big catalog, fast ----------------------------------------------------------


def _columns(model: type[Any], *, skip: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(c.name for c in model.__table__.columns if c.name not in skip)


ENTERPRISE_COLUMNS = _columns(Enterprise, skip=("created_at",))
OFFER_COLUMNS = _columns(Offer)
CERTIFICATE_COLUMNS = _columns(Certificate)


class _Batch:
    """Rows waiting for the next COPY, with the ids this loader hands out itself."""

    def __init__(self) -> None:
        self.enterprises: list[tuple[Any, ...]] = []
        self.offers: list[tuple[Any, ...]] = []
        self.certificates: list[tuple[Any, ...]] = []


def _records(offers: int, seed: int) -> Iterator[EnterpriseRecord]:
    # More IKM than needed (each has at least one offer); the caller stops at ``offers``.
    records, _needs = generate_dataset(enterprises=offers, needs=0, seed=seed)
    yield from records


def populate(engine: Engine, offers: int, seed: int) -> dict[str, Any]:
    """Fill the migrated, reference-loaded database with ``offers`` valid offers by COPY."""
    started = time.perf_counter()
    with Session(engine) as session:
        context = CatalogContext.load(session=session)
    counts = {"enterprises": 0, "offers": 0, "certificates": 0, "invalid_records": 0,
              "duplicate_nib_records": 0}
    seen_nibs: set[str] = set()
    batch = _Batch()
    raw = engine.raw_connection()
    try:
        connection = raw.driver_connection
        assert connection is not None
        for record in _records(offers, seed):
            remaining = offers - counts["offers"]
            if remaining <= 0:
                break
            try:
                prepared = prepare_enterprise(record, context)
            except InvalidRecord:
                counts["invalid_records"] += 1
                continue
            nib = prepared.row["nib"]
            if nib is not None and nib in seen_nibs:
                # NIB is unique in the schema; the importer would merge, here we skip.
                counts["duplicate_nib_records"] += 1
                continue
            if nib is not None:
                seen_nibs.add(nib)
            counts["enterprises"] += 1
            enterprise_id = counts["enterprises"]
            enterprise = {**prepared.row, "id": enterprise_id}
            batch.enterprises.append(tuple(enterprise.get(c) for c in ENTERPRISE_COLUMNS))
            # One offer per product name and one certificate per (kind, number), as
            # catalog.store.write_enterprises keeps them.
            unique_offers = {name_key(o["product_name"]): o for o in prepared.offers}
            for offer in list(unique_offers.values())[:remaining]:
                counts["offers"] += 1
                row = {**offer, "id": counts["offers"], "enterprise_id": enterprise_id}
                batch.offers.append(tuple(row.get(c) for c in OFFER_COLUMNS))
            unique_certificates = {(c["kind"], c["number"]): c for c in prepared.certificates}
            for certificate in unique_certificates.values():
                counts["certificates"] += 1
                row = {**certificate, "id": counts["certificates"],
                       "enterprise_id": enterprise_id}
                batch.certificates.append(tuple(row.get(c) for c in CERTIFICATE_COLUMNS))
            if len(batch.offers) >= COPY_BATCH_OFFERS:
                _copy(connection, batch)
                batch = _Batch()
                console.print(f"  {counts['offers']:,} offers loaded "
                              f"({time.perf_counter() - started:.0f} s)")
        _copy(connection, batch)
        with connection.cursor() as cursor:
            for table in ("enterprise", "offer", "certificate"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT coalesce(max(id), 1) FROM {table}))")
        connection.commit()
    finally:
        raw.close()
    loaded = time.perf_counter() - started
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    return {**counts, "load_seconds": round(loaded, 1),
            "setup_seconds": round(time.perf_counter() - started, 1)}


def _copy(connection: Any, batch: _Batch) -> None:
    with connection.cursor() as cursor:
        for table, columns, rows in [("enterprise", ENTERPRISE_COLUMNS, batch.enterprises),
                                     ("offer", OFFER_COLUMNS, batch.offers),
                                     ("certificate", CERTIFICATE_COLUMNS, batch.certificates)]:
            if not rows:
                continue
            names = ", ".join(columns)
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    connection.commit()


def catalog_counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            "enterprises": int(session.scalar(select(func.count()).select_from(Enterprise)) or 0),
            "offers": int(session.scalar(select(func.count()).select_from(Offer)) or 0),
            "active_offers": int(session.scalar(
                select(func.count()).select_from(Offer).where(Offer.active)) or 0),
            "certificates": int(
                session.scalar(select(func.count()).select_from(Certificate)) or 0),
        }


# --- the measured process (benchmarks/_measure_snapshot.py) ------------------------------


def run_child(url: str, method: str, *, trace: bool = False, limit: int = 0) -> dict[str, Any]:
    """One measured load in a fresh interpreter that imports only what a match run would."""
    command = [sys.executable, str(CHILD), method, url, "--limit", str(limit),
               *(["--trace"] if trace else [])]
    finished = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


# --- the report ----------------------------------------------------------------------------


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def print_table(offers: int, loader: dict[str, Any], fetchall: dict[str, Any],
                orm: dict[str, Any]) -> None:
    table = Table(title=f"Snapshot of {offers:,} offers from PostgreSQL "
                        f"({loader['enterprises']:,} IKM, {loader['certificates']:,} "
                        "certificates)")
    table.add_column("method", no_wrap=True)
    for column in ("offers", "seconds", "offers/s", "peak RSS MB", "RSS growth MB",
                   "tracemalloc MB", "time ÷ loader", "target", "result"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_row(f"load_offer_arrays (median/{len(loader['runs'])})", f"{offers:,}",
                  f"{loader['seconds']:.1f}", f"{rate(offers, loader['seconds']):,.0f}",
                  _mb(loader["peak_rss_mb"]), _mb(loader["rss_growth_mb"]),
                  _mb(loader["tracemalloc_peak_mb"]), "1.0×",
                  f"≤ {TARGET_SECONDS:.0f} s, {TARGET_PEAK_MB / 1024:.0f} GB",
                  "[green]pass[/]" if loader["passed"] else "[red]fail[/]")
    table.add_row("fetchall of row tuples*", f"{fetchall['offers']:,}",
                  f"{fetchall['seconds']:.1f}",
                  f"{rate(fetchall['offers'], fetchall['seconds']):,.0f}",
                  _mb(fetchall["peak_rss_mb"]), _mb(fetchall["rss_growth_mb"]), "-",
                  f"{fetchall['seconds'] / loader['seconds']:.1f}×", "", "")
    table.add_row("ORM objects (sample)*", f"{orm['offers']:,}", f"{orm['seconds']:.1f}",
                  f"{rate(orm['offers'], orm['seconds']):,.0f}", _mb(orm["peak_rss_mb"]),
                  _mb(orm["rss_growth_mb"]), "-", "", "", "")
    table.add_row("ORM objects (extrapolated)", f"{offers:,}",
                  f"~{orm['extrapolated_seconds']:.0f}",
                  f"{rate(orm['offers'], orm['seconds']):,.0f}", "",
                  f"~{orm['extrapolated_rss_growth_mb']:,.0f}", "",
                  f"{orm['extrapolated_seconds'] / loader['seconds']:.1f}×", "", "")
    console.print(table)
    console.print("* baselines: fetchall = the loader's columns (and the certificates) as row "
                  "tuples, all in memory; ORM = Offer objects with joinedload(enterprise) and "
                  "selectinload(certificates), over a sample extrapolated linearly. Each run "
                  "is a fresh process; peak RSS is ru_maxrss, growth is over the RSS before the "
                  "load (interpreter and imports).")


def measure(url: str, offers: int, repeat: int, orm_sample: int) -> dict[str, Any]:
    runs = []
    for index in range(repeat):
        runs.append(run_child(url, "arrays"))
        console.print(f"  load_offer_arrays run {index + 1}: {runs[-1]['seconds']:.1f} s, "
                      f"peak RSS {runs[-1]['peak_rss_mb']:,.0f} MB")
    traced = run_child(url, "arrays", trace=True)
    console.print(f"  tracemalloc peak {traced['tracemalloc_peak_mb']:,.0f} MB")
    median = statistics.median(run["seconds"] for run in runs)
    peak = max(run["peak_rss_mb"] for run in runs)
    loader = {
        "runs": runs, "seconds": median, "min_seconds": min(r["seconds"] for r in runs),
        "peak_rss_mb": peak, "rss_growth_mb": max(r["rss_growth_mb"] for r in runs),
        "tracemalloc_peak_mb": traced["tracemalloc_peak_mb"], "traced_run": traced,
        "enterprises": runs[0]["enterprises"], "certificates": runs[0]["certificates"],
        "arrays_mb": runs[0]["arrays_mb"],
        "passed": median <= TARGET_SECONDS and peak <= TARGET_PEAK_MB,
    }
    fetchall = run_child(url, "fetchall")
    console.print(f"  fetchall baseline: {fetchall['seconds']:.1f} s, "
                  f"peak RSS {fetchall['peak_rss_mb']:,.0f} MB")
    orm = run_child(url, "orm", limit=orm_sample)
    scale = offers / orm["offers"] if orm["offers"] else 0.0
    orm["extrapolated_seconds"] = round(orm["seconds"] * scale, 1)
    orm["extrapolated_rss_growth_mb"] = round(orm["rss_growth_mb"] * scale, 1)
    console.print(f"  ORM baseline: {orm['seconds']:.1f} s for {orm['offers']:,} offers "
                  f"(~{orm['extrapolated_seconds']:.0f} s for {offers:,})")
    return {"loader": loader, "baseline_fetchall": fetchall, "baseline_orm": orm}


def _database_exists(server_url: str, name: str) -> bool:
    engine = make_engine(server_url)
    try:
        with engine.connect() as connection:
            return bool(connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).scalar())
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offers", type=int, default=1_000_000)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL,
                        help="a database on the server to connect to for CREATE/DROP DATABASE; "
                             f"the benchmark uses its own {DATABASE} database")
    parser.add_argument("--keep", action="store_true",
                        help=f"leave the {DATABASE} database in place afterwards")
    parser.add_argument("--reuse", action="store_true",
                        help=f"measure the {DATABASE} database a --keep run left, as it is")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of the loader")
    parser.add_argument("--orm-sample", type=int, default=100_000,
                        help="offers the ORM baseline loads, extrapolated to --offers")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    problem = postgres_problem(args.postgres_url)
    if problem:
        console.print(f"[yellow]PostgreSQL is unreachable at {args.postgres_url} ({problem}); "
                      "the snapshot benchmark needs it and was skipped.[/]")
        write_json("snapshot_bench.json", {"benchmark": "snapshot", "machine": machine_info(),
                                           "skipped": problem})
        return 0

    info = machine_info()
    engine = make_engine(args.postgres_url)
    info["postgresql"] = server_version(engine)
    engine.dispose()
    reuse = args.reuse and _database_exists(args.postgres_url, DATABASE)
    started = time.perf_counter()
    if reuse:
        url = make_url(args.postgres_url).set(database=DATABASE).render_as_string(
            hide_password=False)
        setup: dict[str, Any] = {"reused": True}
        results = _run(url, args, setup)
    else:
        with fresh_postgres_database(args.postgres_url, DATABASE, keep=args.keep) as url:
            engine = make_engine(url)
            upgrade_database(engine)
            with Session(engine) as session, session.begin():
                load_reference_data(session)
            console.print(f"Loading {args.offers:,} offers into {DATABASE} by COPY ...")
            setup = populate(engine, args.offers, args.seed)
            engine.dispose()
            console.print(f"  set-up took {setup['setup_seconds']:.0f} s")
            results = _run(url, args, setup)
    results["machine"] = info
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    path = write_json("snapshot_bench.json", results)
    console.print(f"Results written to {path}")
    return 0 if results["loader"]["passed"] else 1


def _run(url: str, args: argparse.Namespace, setup: dict[str, Any]) -> dict[str, Any]:
    engine = make_engine(url)
    stored = catalog_counts(engine)
    engine.dispose()
    offers = stored["active_offers"]
    console.print(f"Measuring on {offers:,} active offers ...")
    measured = measure(url, offers, args.repeat, min(args.orm_sample, offers))
    print_table(offers, measured["loader"], measured["baseline_fetchall"],
                measured["baseline_orm"])
    return {"benchmark": "snapshot", "offers": offers, "catalog": stored, "setup": setup,
            "seed": args.seed, "target_seconds": TARGET_SECONDS,
            "target_peak_mb": TARGET_PEAK_MB, **measured}


if __name__ == "__main__":
    raise SystemExit(main())

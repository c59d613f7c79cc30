"""One measured load of the catalog, run by ``snapshot_bench.py`` in a fresh interpreter.

It imports only what a match run's worker would (SQLAlchemy, numpy, the catalog), so that its
resident memory is the loader's and not the benchmark's. Prints one line of JSON.

    python benchmarks/_measure_snapshot.py {arrays,fetchall,orm} URL [--limit N] [--trace]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tracemalloc
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, joinedload

from catalog.db import make_engine
from catalog.models import Certificate, Enterprise, Offer
from catalog.snapshot import load_offer_arrays


def current_rss_mb() -> float:
    """Resident memory now (Linux ``/proc``), or the peak so far where there is no ``/proc``."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports KiB, macOS bytes)."""
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def load_arrays(session: Session, _limit: int) -> tuple[int, dict[str, Any]]:
    arrays = load_offer_arrays(session=session)
    nbytes = sum(value.nbytes for value in vars(arrays).values() if hasattr(value, "nbytes"))
    return len(arrays), {"enterprises": len(arrays.enterprise_ids),
                         "certificates": len(arrays.certificate_kind),
                         "arrays_mb": round(nbytes / 2**20, 1)}


def fetch_tuples(session: Session, _limit: int) -> tuple[int, dict[str, Any]]:
    """The loader's columns as row tuples, all in memory at once."""
    connection = session.connection()
    offers = connection.execute(
        select(Offer.id, Offer.enterprise_id, Offer.category_code, Enterprise.district_id,
               Enterprise.latitude, Enterprise.longitude, Offer.capacity, Offer.unit_price_idr,
               Offer.min_order, Offer.lead_time_days, Offer.delivery_radius_km, Offer.period)
        .join(Enterprise, Offer.enterprise_id == Enterprise.id).where(Offer.active)
        .order_by(Offer.id)).all()
    certificates = connection.execute(
        select(Certificate.enterprise_id, Certificate.kind, Certificate.valid_until)
        .order_by(Certificate.enterprise_id, Certificate.id)).all()
    return len(offers), {"certificates": len(certificates)}


def load_objects(session: Session, limit: int) -> tuple[int, dict[str, Any]]:
    """Offers as ORM objects with their enterprise and its certificates, ``limit`` of them."""
    offers = session.scalars(
        select(Offer).where(Offer.active).order_by(Offer.id).limit(limit)
        .options(joinedload(Offer.enterprise).selectinload(Enterprise.certificates))).all()
    certificates = sum(len(offer.enterprise.certificates) for offer in offers)
    return len(offers), {"certificates_seen": certificates}


METHODS = {"arrays": load_arrays, "fetchall": fetch_tuples, "orm": load_objects}


def measure(url: str, method: str, *, trace: bool, limit: int) -> dict[str, Any]:
    engine = make_engine(url)
    with engine.connect() as connection:  # connect and warm the dialect before measuring
        connection.execute(text("SELECT 1"))
    rss_before = current_rss_mb()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    with Session(engine) as session:
        offers, extra = METHODS[method](session, limit)
    seconds = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    rss_peak = peak_rss_mb()
    engine.dispose()
    return {"method": method, "offers": offers, "seconds": round(seconds, 3),
            "peak_rss_mb": round(rss_peak, 1), "rss_before_mb": round(rss_before, 1),
            "rss_growth_mb": round(rss_peak - rss_before, 1),
            "tracemalloc_peak_mb": None if traced is None else round(traced, 1), **extra}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("method", choices=sorted(METHODS))
    parser.add_argument("url")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    print(json.dumps(measure(args.url, args.method, trace=args.trace, limit=args.limit)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

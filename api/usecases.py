"""Use cases the CLI (and later the web) run: migrate, build the demo database, summarise.

Each takes an engine or a session and owns exactly the transaction it says it owns; none prints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, distinct, func, inspect, select
from sqlalchemy.orm import Session, aliased

from api.auth.accounts import create_demo_accounts
from catalog.db import (
    MIGRATIONS,
    downgrade_database,
    make_sessionmaker,
    session_scope,
    upgrade_database,
)
from catalog.exceptions import DatabaseHoldsUserData
from catalog.models import (
    SIZE_CLASSES,
    Category,
    Certificate,
    Enterprise,
    LogisticsLink,
    Need,
    Offer,
    Park,
    Region,
)
from catalog.store import (
    CatalogContext,
    load_links,
    load_parks,
    load_regions,
    load_taxonomy,
    mark_contents,
    prepare_enterprise,
    prepare_need,
    write_enterprises,
    write_needs,
)
from catalog.store import holds_user_data as store_holds_user_data
from fixtures.demo import demo_enterprises, demo_needs
from fixtures.regions import LINKS, PARKS, REGIONS

__all__ = [
    "SENTRA_MINIMUM",
    "CatalogSummary",
    "DatabaseRevision",
    "DemoSummary",
    "RegencySizes",
    "SentraCandidate",
    "build_demo_database",
    "database_revision",
    "holds_user_data",
    "reset_database",
    "sentra_candidates",
    "summarise_catalog",
    "upgrade",
]

#: PP 29/2018: a sentra IKM gathers at least five IKM making similar products in one place.
SENTRA_MINIMUM = 5


# --- migrations ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DatabaseRevision:
    """Where the schema is and where the migrations end."""

    current: str | None
    head: str | None

    @property
    def up_to_date(self) -> bool:
        return self.current is not None and self.current == self.head


def database_revision(engine: Engine) -> DatabaseRevision:
    """The schema's current Alembic revision and the newest one the code knows."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return DatabaseRevision(current=current, head=head)


def upgrade(engine: Engine) -> DatabaseRevision:
    """Migrate the schema to the newest revision; returns where it is now."""
    upgrade_database(engine)
    return database_revision(engine)


def reset_database(engine: Engine) -> None:
    """An empty database at the newest revision.

    SQLite: the file and its ``-wal``/``-shm``/``-journal`` companions are deleted, so nothing
    of an older schema survives. PostgreSQL: every migration is undone (which drops Simpul's
    tables and nothing else) and done again.
    """
    url = engine.url
    if url.get_backend_name() == "sqlite":
        engine.dispose()  # pooled connections would keep the old file open
        if url.database and url.database != ":memory:":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(url.database + suffix).unlink(missing_ok=True)
    else:
        downgrade_database(engine, "base")
    upgrade_database(engine)


# --- summaries -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegencySizes:
    """How many IKM a kabupaten/kota has, by size class."""

    bps_code: str
    name: str
    by_size: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_size.values())


@dataclass(frozen=True, slots=True)
class SentraCandidate:
    """At least :data:`SENTRA_MINIMUM` IKM offering one category in one kecamatan."""

    regency: str
    district_bps_code: str
    district: str
    category_code: str
    enterprises: int


@dataclass(frozen=True, slots=True)
class CatalogSummary:
    """What the catalog holds, for the person who just filled it."""

    regions: int
    links: int
    categories: int
    parks: int
    enterprises: int
    offers: int
    certificates: int
    expired_certificates: int
    needs: int
    by_regency: tuple[RegencySizes, ...]
    needs_by_park: tuple[tuple[str, int], ...]
    sentra_candidates: tuple[SentraCandidate, ...]


#: The demo database's summary is the catalog's summary right after the build.
DemoSummary = CatalogSummary


def _count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def sentra_candidates(*, session: Session, minimum: int = SENTRA_MINIMUM
                      ) -> list[SentraCandidate]:
    """Kecamatan × category with at least ``minimum`` IKM actively offering it, largest first."""
    district = aliased(Region)
    regency = aliased(Region)
    enterprises = func.count(distinct(Enterprise.id))
    rows = session.execute(
        select(regency.name, district.bps_code, district.name, Offer.category_code, enterprises)
        .join(Enterprise, Offer.enterprise_id == Enterprise.id)
        .join(district, Enterprise.district_id == district.id)
        .outerjoin(regency, district.parent_id == regency.id)
        .where(Offer.active.is_(True), Offer.category_code.is_not(None))
        .group_by(regency.name, district.bps_code, district.name, Offer.category_code)
        .having(enterprises >= minimum)
        .order_by(enterprises.desc(), district.bps_code, Offer.category_code)
    ).all()
    return [SentraCandidate(regency or "", code, name, category or "", count)
            for regency, code, name, category, count in rows]


def summarise_catalog(*, session: Session, today: dt.date | None = None) -> CatalogSummary:
    """Counts of everything, IKM by kabupaten and size, needs by park, sentra candidates."""
    today = today or dt.date.today()
    district = aliased(Region)
    regency = aliased(Region)
    sizes: dict[tuple[str, str], dict[str, int]] = {}
    for code, name, size, count in session.execute(
            select(regency.bps_code, regency.name, Enterprise.size_class, func.count())
            .join(district, Enterprise.district_id == district.id)
            .join(regency, district.parent_id == regency.id)
            .group_by(regency.bps_code, regency.name, Enterprise.size_class)):
        sizes.setdefault((code, name), dict.fromkeys(SIZE_CLASSES, 0))[size] = count
    needs_by_park = [(code, count) for code, count in session.execute(
        select(Park.code, func.count(Need.id)).outerjoin(Need, Need.park_id == Park.id)
        .group_by(Park.code).order_by(Park.code))]
    expired = session.scalar(select(func.count()).select_from(Certificate)
                             .where(Certificate.valid_until < today)) or 0
    return CatalogSummary(
        regions=_count(session, Region),
        links=_count(session, LogisticsLink),
        categories=_count(session, Category),
        parks=_count(session, Park),
        enterprises=_count(session, Enterprise),
        offers=_count(session, Offer),
        certificates=_count(session, Certificate),
        expired_certificates=expired,
        needs=_count(session, Need),
        by_regency=tuple(RegencySizes(code, name, counts)
                         for (code, name), counts in sorted(sizes.items())),
        needs_by_park=tuple(needs_by_park),
        sentra_candidates=tuple(sentra_candidates(session=session)),
    )


# --- the demo ------------------------------------------------------------------------------


def holds_user_data(engine: Engine) -> bool:
    """Whether the database holds IKM, needs or parks that did not come from the demo."""
    tables = set(inspect(engine).get_table_names())
    if "enterprise" not in tables:
        return False
    with make_sessionmaker(engine)() as session:
        if "catalog_meta" in tables:
            return store_holds_user_data(session=session)
        # A schema from before the marker existed: any IKM, need or park counts as data.
        return any(session.scalar(select(model.id).limit(1)) is not None
                   for model in (Enterprise, Need, Park))


def build_demo_database(engine: Engine, *, seed: int = 0, today: dt.date | None = None,
                        force: bool = False) -> DemoSummary:
    """A fresh database holding the demo: taxonomy, regions, links, parks, IKM, needs and the
    demo accounts (:func:`api.auth.accounts.create_demo_accounts`).

    Whatever the database held before is gone (see :func:`reset_database`), so a database
    holding anything but demo data is refused with :class:`DatabaseHoldsUserData` unless
    ``force``. Everything is written in one transaction; the same ``seed`` and ``today`` give
    the same catalog.
    """
    today = today or dt.date.today()
    if not force and holds_user_data(engine):
        raise DatabaseHoldsUserData(engine.url.render_as_string(hide_password=True))
    reset_database(engine)
    with session_scope(make_sessionmaker(engine)) as session:
        load_taxonomy(session=session)
        load_regions(REGIONS, session=session)
        load_links(LINKS, session=session)
        load_parks(PARKS, session=session)
        context = CatalogContext.load(session=session, today=today)
        enterprises = demo_enterprises(seed=seed, today=today)
        needs = demo_needs(seed=seed, today=today)
        # Batch first: every product name of the demo through the normaliser in one pass.
        context.normaliser.normalise_many(
            [o.product_name for e in enterprises for o in e.offers]
            + [n.product_name for n in needs])
        write_enterprises([prepare_enterprise(record, context)
                           for record in enterprises], session=session)
        write_needs([prepare_need(record, context) for record in needs], session=session)
        create_demo_accounts(session=session)
        mark_contents("demo", session=session)
        return summarise_catalog(session=session, today=today)

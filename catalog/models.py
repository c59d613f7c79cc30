"""The catalog's tables, as SQLAlchemy 2.0 typed models.

Money is integer rupiah (``BigInteger``). Quantities are integers in the canonical unit of the
row's category (see :mod:`catalog.units`): an offer of "2 ton sayur" is stored as 2000 kg with
the text as typed beside it. Coded values (region level, certificate kind, need status, ...) are
stored as short strings checked by the database, so the same schema runs on SQLite and
PostgreSQL; the allowed values live in the ``*_VALUES`` tuples below.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "AUDIT_ACTIONS",
    "CERTIFICATE_KINDS",
    "LEGAL_FORMS",
    "LINK_MODES",
    "NEED_STATUSES",
    "NORMALISATION_METHODS",
    "NORMALISATION_STATUSES",
    "PERIODS",
    "REGION_LEVELS",
    "ROLES",
    "RUN_STATUSES",
    "SIZE_CLASSES",
    "Account",
    "AccountEnterprise",
    "ApiKey",
    "AuditEvent",
    "Base",
    "CatalogMeta",
    "Category",
    "CategoryAlias",
    "CategoryKbli",
    "CategoryRelation",
    "Certificate",
    "Enterprise",
    "IdempotencyRecord",
    "LoginAttempt",
    "LogisticsLink",
    "MatchRun",
    "Need",
    "NeedCertificate",
    "NormalisationRejection",
    "Offer",
    "Park",
    "Region",
    "RunAllocation",
    "RunIntervention",
    "RunNearMiss",
    "RunNeed",
    "RunUnmet",
]

REGION_LEVELS = ("province", "regency", "district", "village")
LINK_MODES = ("road", "sea")
CERTIFICATE_KINDS = ("NIB", "HALAL", "PIRT", "BPOM_MD", "SNI", "ISO9001", "SMK3", "HYGIENE")
LEGAL_FORMS = ("perorangan", "UD", "CV", "PT", "koperasi", "firma")
#: Permenperin 64/2016 defines kecil, menengah and besar; ``mikro`` is the BPS sub-class of
#: kecil with at most 4 workers, which agencies report separately.
SIZE_CLASSES = ("mikro", "kecil", "menengah", "besar")
PERIODS = ("hari", "minggu", "bulan", "sekali")
NEED_STATUSES = ("draft", "open", "closed", "cancelled")
NORMALISATION_STATUSES = ("auto", "review", "unknown", "confirmed")
NORMALISATION_METHODS = ("given", "exact", "alias", "fuzzy", "person", "none")
RELATION_KINDS = ("substitutes", "related")
#: Who an account is: a park's procurement team, an IKM owner, the provincial agency, an admin.
ROLES = ("park_buyer", "ikm_owner", "agency", "admin")
RUN_STATUSES = ("queued", "running", "succeeded", "failed")
AUDIT_ACTIONS = ("create", "update", "delete", "run", "confirm", "import")


def _enum(values: tuple[str, ...], name: str) -> Enum:
    # VARCHAR plus a CHECK constraint, identical on SQLite and PostgreSQL.
    return Enum(*values, name=name, native_enum=False, create_constraint=True,
                length=max(len(v) for v in values))


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Region(Base):
    """A province, regency (kabupaten/kota), district (kecamatan) or village (desa/kelurahan).

    BPS and Kemendagri codes differ in Central Sulawesi (Morowali is BPS 7203, Kemendagri
    72.06), so both are kept. Codes are strings in their official spelling.
    """

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(_enum(REGION_LEVELS, "region_level"))
    name: Mapped[str] = mapped_column(String(120))
    #: "kabupaten", "kota", "kecamatan", "desa", "kelurahan", "provinsi"
    kind: Mapped[str] = mapped_column(String(20))
    bps_code: Mapped[str] = mapped_column(String(13), unique=True)
    kemendagri_code: Mapped[str] = mapped_column(String(16), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)

    parent: Mapped[Region | None] = relationship(remote_side=[id])


class LogisticsLink(Base):
    """A road or sea link between two regions (both directions), with distance and travel time."""

    __tablename__ = "logistics_link"
    __table_args__ = (
        UniqueConstraint("from_region_id", "to_region_id", "mode"),
        CheckConstraint("km > 0", name="km_positive"),
        CheckConstraint("hours > 0", name="hours_positive"),
        CheckConstraint("from_region_id <> to_region_id", name="not_a_loop"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    to_region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    mode: Mapped[str] = mapped_column(_enum(LINK_MODES, "link_mode"))
    km: Mapped[float] = mapped_column(Float)
    hours: Mapped[float] = mapped_column(Float)


class Category(Base):
    """A product or service category of the taxonomy (see :mod:`catalog.taxonomy`)."""

    __tablename__ = "category"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    name_id: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(160))
    sector: Mapped[str] = mapped_column(String(30))
    unit: Mapped[str] = mapped_column(String(12))
    agro: Mapped[bool] = mapped_column(Boolean)

    kbli: Mapped[list[CategoryKbli]] = relationship(
        cascade="all, delete-orphan", order_by="CategoryKbli.position")
    aliases: Mapped[list[CategoryAlias]] = relationship(cascade="all, delete-orphan")


class CategoryKbli(Base):
    """A KBLI 2020 five-digit code of a category; position 0 is the primary code."""

    __tablename__ = "category_kbli"
    __table_args__ = (CheckConstraint("length(kbli) = 5", name="kbli_five_digits"),)

    category_code: Mapped[str] = mapped_column(
        ForeignKey("category.code", ondelete="CASCADE"), primary_key=True)
    kbli: Mapped[str] = mapped_column(String(5), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))


class CategoryAlias(Base):
    """A word people use for a category; ``source`` says who taught it (taxonomy or a person)."""

    __tablename__ = "category_alias"

    alias: Mapped[str] = mapped_column(String(200), primary_key=True)
    category_code: Mapped[str] = mapped_column(
        ForeignKey("category.code", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20), default="taxonomy")


class CategoryRelation(Base):
    """An edge of the capability graph: ``source`` substitutes for or is related to ``target``."""

    __tablename__ = "category_relation"
    __table_args__ = (
        CheckConstraint("source_code <> target_code", name="not_a_loop"),
        CheckConstraint(
            "(kind = 'related' AND factor IS NULL) OR "
            "(kind = 'substitutes' AND factor > 0 AND factor <= 1)",
            name="factor_fits_kind",
        ),
    )

    source_code: Mapped[str] = mapped_column(ForeignKey("category.code"), primary_key=True)
    target_code: Mapped[str] = mapped_column(ForeignKey("category.code"), primary_key=True)
    kind: Mapped[str] = mapped_column(_enum(RELATION_KINDS, "relation_kind"), primary_key=True)
    factor: Mapped[float | None] = mapped_column(Float)


class Enterprise(Base):
    """An IKM: a small or medium industry with its location, size and owner."""

    __tablename__ = "enterprise"
    __table_args__ = (
        CheckConstraint("workers >= 0", name="workers_not_negative"),
        CheckConstraint("investment_idr >= 0", name="investment_not_negative"),
        Index("ix_enterprise_identity", "district_id", "village_key", "name_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Name casefolded with spaces collapsed: re-imports match on it within one desa.
    name_key: Mapped[str] = mapped_column(String(200))
    #: Nomor Induk Berusaha from OSS: 13 digits.
    nib: Mapped[str | None] = mapped_column(String(13), unique=True)
    legal_form: Mapped[str] = mapped_column(_enum(LEGAL_FORMS, "legal_form"))
    owner_name: Mapped[str | None] = mapped_column(String(120))
    owner_phone: Mapped[str | None] = mapped_column(String(30))
    owner_email: Mapped[str | None] = mapped_column(String(120))
    district_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    #: Desa or kelurahan as written; not every desa is in the region table.
    village: Mapped[str | None] = mapped_column(String(120))
    village_key: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    workers: Mapped[int] = mapped_column(Integer)
    #: Investment excluding land and buildings, as Permenperin 64/2016 counts it.
    investment_idr: Mapped[int] = mapped_column(BigInteger)
    size_class: Mapped[str] = mapped_column(_enum(SIZE_CLASSES, "size_class"))
    association: Mapped[str | None] = mapped_column(String(120))
    sentra: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.now())
    #: Counts the writes through the API, for ETag/If-Match.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    district: Mapped[Region] = relationship()
    offers: Mapped[list[Offer]] = relationship(back_populates="enterprise",
                                               cascade="all, delete-orphan")
    certificates: Mapped[list[Certificate]] = relationship(back_populates="enterprise",
                                                           cascade="all, delete-orphan")


class Certificate(Base):
    """A certificate an enterprise holds; one past ``valid_until`` does not count."""

    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("enterprise_id", "kind", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(_enum(CERTIFICATE_KINDS, "certificate_kind"))
    number: Mapped[str] = mapped_column(String(60))
    issuer: Mapped[str | None] = mapped_column(String(120))
    #: ``None`` for certificates that do not expire (NIB).
    valid_until: Mapped[dt.date | None] = mapped_column(Date)

    enterprise: Mapped[Enterprise] = relationship(back_populates="certificates")


class _Normalised:
    """Columns every row with a product name as typed carries: what the normaliser decided."""

    product_name: Mapped[str] = mapped_column(String(300))
    category_code: Mapped[str | None] = mapped_column(ForeignKey("category.code"), index=True)
    category_score: Mapped[int] = mapped_column(Integer, default=0)
    category_status: Mapped[str] = mapped_column(
        _enum(NORMALISATION_STATUSES, "normalisation_status"), default="unknown")
    category_method: Mapped[str] = mapped_column(
        _enum(NORMALISATION_METHODS, "normalisation_method"), default="none")


class Offer(_Normalised, Base):
    """What an IKM offers: a product, how much per period, at what price, how far and how fast."""

    __tablename__ = "offer"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("unit_price_idr >= 0", name="price_not_negative"),
        CheckConstraint("min_order >= 0", name="min_order_not_negative"),
        CheckConstraint("lead_time_days >= 0", name="lead_time_not_negative"),
        CheckConstraint("delivery_radius_km > 0", name="radius_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    #: Capacity in the category's canonical unit per ``period``.
    capacity: Mapped[int] = mapped_column(BigInteger)
    period: Mapped[str] = mapped_column(_enum(PERIODS, "period"))
    #: The unit as the owner typed it; quantities are already converted from it.
    unit_typed: Mapped[str] = mapped_column(String(30))
    #: Rupiah per canonical unit.
    unit_price_idr: Mapped[int] = mapped_column(BigInteger)
    min_order: Mapped[int] = mapped_column(BigInteger, default=0)
    lead_time_days: Mapped[int] = mapped_column(Integer, default=1)
    delivery_radius_km: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    enterprise: Mapped[Enterprise] = relationship(back_populates="offers")


class Park(Base):
    """An industrial park (kawasan industri) that buys: IMIP, IHIP, ..."""

    __tablename__ = "park"
    __table_args__ = (
        CheckConstraint("local_preference_percent >= 0 AND local_preference_percent <= 100",
                        name="local_preference_percent_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    operator: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    gate_latitude: Mapped[float] = mapped_column(Float)
    gate_longitude: Mapped[float] = mapped_column(Float)
    workers: Mapped[int | None] = mapped_column(Integer)
    #: The park's local-preference policy: an offer from the park's own kabupaten enters the
    #: allocation at this many percent below its landed cost (a weight in the optimisation,
    #: not a change of price); 0 for none.
    local_preference_percent: Mapped[int] = mapped_column(Integer, default=0,
                                                          server_default="0")

    region: Mapped[Region] = relationship()
    needs: Mapped[list[Need]] = relationship(back_populates="park")


class Need(_Normalised, Base):
    """What a park needs, in its own words, with the rules procurement applies."""

    __tablename__ = "need"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("max_unit_price_idr IS NULL OR max_unit_price_idr > 0",
                        name="price_ceiling_positive"),
        CheckConstraint("min_lot >= 0", name="min_lot_not_negative"),
        CheckConstraint("max_suppliers IS NULL OR max_suppliers > 0",
                        name="max_suppliers_positive"),
        CheckConstraint("max_distance_km IS NULL OR max_distance_km > 0",
                        name="max_distance_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("park.id", ondelete="CASCADE"), index=True)
    #: Quantity in the category's canonical unit per ``period``.
    quantity: Mapped[int] = mapped_column(BigInteger)
    period: Mapped[str] = mapped_column(_enum(PERIODS, "period"))
    unit_typed: Mapped[str] = mapped_column(String(30))
    due_date: Mapped[dt.date] = mapped_column(Date)
    #: Price ceiling in rupiah per canonical unit; ``None`` for no ceiling.
    max_unit_price_idr: Mapped[int | None] = mapped_column(BigInteger)
    split_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    min_lot: Mapped[int] = mapped_column(BigInteger, default=0)
    max_suppliers: Mapped[int | None] = mapped_column(Integer)
    max_distance_km: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(_enum(NEED_STATUSES, "need_status"), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    park: Mapped[Park] = relationship(back_populates="needs")
    required_certificates: Mapped[list[NeedCertificate]] = relationship(
        cascade="all, delete-orphan")


class NeedCertificate(Base):
    """A certificate kind a need requires of every supplier."""

    __tablename__ = "need_certificate"

    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"),
                                         primary_key=True)
    kind: Mapped[str] = mapped_column(_enum(CERTIFICATE_KINDS, "certificate_kind"),
                                      primary_key=True)


class CatalogMeta(Base):
    """Facts about the database itself, such as whether its contents are demo data.

    ``contents`` is ``demo`` right after ``simpul demo`` built the database and ``user`` as soon
    as anything else wrote IKM or needs to it; ``simpul demo`` only wipes a database whose
    contents are demo data (or empty), so nobody's own data is lost to it.
    """

    __tablename__ = "catalog_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class NormalisationRejection(Base):
    """A category a person said a product name is *not*: never suggested for it again.

    ``name_key`` is the name as the normaliser cleans it, so "Kardos 40x30" and "kardos" are
    one question.
    """

    __tablename__ = "normalisation_rejection"

    name_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    category_code: Mapped[str] = mapped_column(
        ForeignKey("category.code", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.now())


# --- accounts, writes and runs -------------------------------------------------------------


class Account(Base):
    """Someone who signs in: a role and what it is bound to (a park for a park buyer, a
    province for the agency, enterprises for an IKM owner, through ``account_enterprise``)."""

    __tablename__ = "account"
    __table_args__ = (
        CheckConstraint("role <> 'park_buyer' OR park_id IS NOT NULL",
                        name="park_buyer_has_a_park"),
        CheckConstraint("role <> 'agency' OR province_id IS NOT NULL",
                        name="agency_has_a_province"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    #: argon2id, as ``argon2-cffi`` writes it.
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(_enum(ROLES, "account_role"))
    park_id: Mapped[int | None] = mapped_column(ForeignKey("park.id", ondelete="CASCADE"),
                                                index=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.now())


class AccountEnterprise(Base):
    """An IKM an owner's account may act for."""

    __tablename__ = "account_enterprise"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"),
                                            primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"),
                                               primary_key=True, index=True)


class ApiKey(Base):
    """A long-lived key for a machine client, acting as its account. Only a SHA-256 of the
    secret is kept; ``prefix`` finds the row."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.now())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class LoginAttempt(Base):
    """A password sign-in, kept to limit how fast one can guess."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60))
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    succeeded: Mapped[bool] = mapped_column(Boolean)


class IdempotencyRecord(Base):
    """The first answer to a POST with an ``Idempotency-Key``, replayed to its retries.
    ``status_code`` is null while the first request is still being answered."""

    __tablename__ = "idempotency_record"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"),
                                            primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(300))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    response_headers: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.now())


class AuditEvent(Base):
    """One write or run: who, when, what changed (JSON). Rows are only ever added."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), index=True)
    username: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(_enum(AUDIT_ACTIONS, "audit_action"))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    changes: Mapped[str] = mapped_column(Text)


class MatchRun(Base):
    """A match run: queued by someone for a tenant, executed by a worker process on a
    snapshot of the catalog; its results are written in one transaction and never changed."""

    __tablename__ = "match_run"
    __table_args__ = (Index("ix_match_run_status", "status"),
                      Index("ix_match_run_tenant", "tenant"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(_enum(RUN_STATUSES, "run_status"), default="queued")
    #: ``park:<id>``, ``province:<id>`` or ``admin``: whose queue the run is in.
    tenant: Mapped[str] = mapped_column(String(40))
    requested_by: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    worker_pid: Mapped[int | None] = mapped_column(Integer)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    phase: Mapped[str] = mapped_column(String(40), default="queued")
    error: Mapped[str | None] = mapped_column(Text)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    time_limit_s: Mapped[float] = mapped_column(Float, default=30.0)
    horizon_days: Mapped[int] = mapped_column(Integer, default=30)
    #: The run's figures (JSON): status and gap of the solve, arcs, seconds per phase, ...
    stats: Mapped[str | None] = mapped_column(Text)


class RunNeed(Base):
    """Per need of a run: what it asked for over the horizon and how much was served.
    Plain ids, no foreign keys: a result stays as it was when the need changes."""

    __tablename__ = "run_need"

    run_id: Mapped[int] = mapped_column(ForeignKey("match_run.id", ondelete="CASCADE"),
                                        primary_key=True)
    need_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    park_id: Mapped[int] = mapped_column(Integer, index=True)
    category_code: Mapped[str] = mapped_column(String(60))
    quantity: Mapped[int] = mapped_column(BigInteger)
    served: Mapped[int] = mapped_column(BigInteger)
    local: Mapped[int] = mapped_column(BigInteger)
    landed_cost_idr: Mapped[int] = mapped_column(BigInteger)
    #: What an unmet unit is worth: the price ceiling, else the dearest landed cost served,
    #: else the cheapest price any IKM asks in the need's category, else 0 (unknown).
    unit_value_idr: Mapped[int] = mapped_column(BigInteger)


class RunAllocation(Base):
    """Need units of a need allocated to an offer in a run."""

    __tablename__ = "run_allocation"
    __table_args__ = (Index("ix_run_allocation_run_need", "run_id", "need_id"),
                      Index("ix_run_allocation_run_enterprise", "run_id", "enterprise_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("match_run.id", ondelete="CASCADE"))
    need_id: Mapped[int] = mapped_column(Integer)
    park_id: Mapped[int] = mapped_column(Integer)
    offer_id: Mapped[int] = mapped_column(Integer)
    enterprise_id: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(BigInteger)
    landed_unit_cost_idr: Mapped[int] = mapped_column(BigInteger)
    km: Mapped[float] = mapped_column(Float)
    local: Mapped[bool] = mapped_column(Boolean)


class RunUnmet(Base):
    """Unmet units of a need in a run, for one reason."""

    __tablename__ = "run_unmet"

    run_id: Mapped[int] = mapped_column(ForeignKey("match_run.id", ondelete="CASCADE"),
                                        primary_key=True)
    need_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reason: Mapped[str] = mapped_column(String(30), primary_key=True)
    park_id: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(BigInteger)


class RunNearMiss(Base):
    """A need an offer could have served and did not win in a run, with the one change that
    would have won it (only the field of ``kind`` is set)."""

    __tablename__ = "run_near_miss"
    __table_args__ = (Index("ix_run_near_miss_run_enterprise", "run_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("match_run.id", ondelete="CASCADE"))
    offer_id: Mapped[int] = mapped_column(Integer)
    enterprise_id: Mapped[int] = mapped_column(Integer)
    need_id: Mapped[int] = mapped_column(Integer)
    park_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    rule: Mapped[str] = mapped_column(String(30))
    at_stake_idr: Mapped[int] = mapped_column(BigInteger)
    allocated: Mapped[int] = mapped_column(BigInteger)
    unit_price_idr: Mapped[int | None] = mapped_column(BigInteger)
    certificates: Mapped[str | None] = mapped_column(String(100))
    added_capacity: Mapped[int | None] = mapped_column(BigInteger)
    days_to_cut: Mapped[int | None] = mapped_column(Integer)
    radius_km: Mapped[float | None] = mapped_column(Float)


class RunIntervention(Base):
    """An intervention for a group of IKM (a category in a kabupaten) ranked in a run."""

    __tablename__ = "run_intervention"

    run_id: Mapped[int] = mapped_column(ForeignKey("match_run.id", ondelete="CASCADE"),
                                        primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    category_code: Mapped[str] = mapped_column(String(60))
    regency_id: Mapped[int] = mapped_column(Integer)
    certificate_kind: Mapped[str | None] = mapped_column(String(20))
    capacity_percent: Mapped[int | None] = mapped_column(Integer)
    enterprises: Mapped[int] = mapped_column(Integer)
    estimated_units: Mapped[int] = mapped_column(BigInteger)
    estimated_idr: Mapped[int] = mapped_column(BigInteger)
    confirmed_units: Mapped[int | None] = mapped_column(BigInteger)
    confirmed_idr: Mapped[int | None] = mapped_column(BigInteger)

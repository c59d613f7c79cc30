"""Validating records and writing them to the catalog.

Two steps, so that an import can check a whole file before it writes anything:

1. :func:`prepare_enterprise` / :func:`prepare_need` check one record against the rules and the
   catalog's reference data (:class:`CatalogContext`), convert quantities and prices into the
   category's canonical unit, and return either a prepared row or the list of problems, each
   naming its field (``offers[1].unit``).
2. :func:`write_enterprises` / :func:`write_needs` write prepared rows in bulk. Enterprises are
   matched to existing ones on NIB first, then on name within the same desa, so importing the
   same file twice creates no duplicates; offers match on product name within the enterprise,
   certificates on kind and number. Nothing is deleted.

Functions take the session as a keyword argument and never commit.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from sqlalchemy import Table, delete, insert, select, text, update
from sqlalchemy.orm import Session

from catalog import taxonomy
from catalog.exceptions import CatalogError, InvalidValue
from catalog.messages import Message, message
from catalog.models import (
    CERTIFICATE_KINDS,
    LEGAL_FORMS,
    LINK_MODES,
    NEED_STATUSES,
    PERIODS,
    REGION_LEVELS,
    Base,
    CatalogMeta,
    Category,
    CategoryAlias,
    CategoryKbli,
    CategoryRelation,
    Certificate,
    Enterprise,
    LogisticsLink,
    Need,
    NeedCertificate,
    Offer,
    Park,
    Region,
)
from catalog.normalise import Normaliser
from catalog.records import (
    CertificateRecord,
    EnterpriseRecord,
    LinkRecord,
    NeedRecord,
    OfferRecord,
    ParkRecord,
    RegionRecord,
)
from catalog.units import conversion_factor
from catalog.vocabulary import load_normaliser

__all__ = [
    "CatalogContext",
    "InvalidRecord",
    "PreparedEnterprise",
    "PreparedNeed",
    "WriteSummary",
    "catalog_contents",
    "holds_user_data",
    "load_links",
    "load_parks",
    "load_regions",
    "load_taxonomy",
    "mark_contents",
    "name_key",
    "prepare_certificate",
    "prepare_enterprise",
    "prepare_need",
    "prepare_offer",
    "size_class",
    "write_enterprises",
    "write_needs",
]

NIB_PATTERN = re.compile(r"^\d{13}$")
# Indonesia's bounding box, generously: 6°N..11°S, 95°E..141°E.
_LATITUDE = (-11.5, 6.5)
_LONGITUDE = (94.5, 141.5)
_OFFER_PERIODS = tuple(p for p in PERIODS if p != "sekali")
_SMALL_INVESTMENT_LIMIT = 1_000_000_000
#: Batches at least this large refresh PostgreSQL's planner statistics when written.
_ANALYZE_AFTER = 10_000
_MEDIUM_INVESTMENT_LIMIT = 15_000_000_000


class InvalidRecord(CatalogError):
    """A record with one or more invalid values."""

    def __init__(self, problems: list[InvalidValue]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def name_key(text: str | None) -> str:
    """A name casefolded with spaces collapsed: how re-imports recognise the same IKM."""
    return " ".join((text or "").casefold().split())


def size_class(workers: int, investment_idr: int) -> str:
    """Industry size per Permenperin 64/2016, with BPS's ``mikro`` split out of ``kecil``.

    Small: at most 19 workers and investment (excluding land and buildings) under Rp1 bn.
    Medium: at most 19 workers with Rp1–15 bn, or 20 or more workers with at most Rp15 bn.
    Large: 20 or more workers and more than Rp15 bn, or any firm above Rp15 bn.
    Micro (BPS): a small industry with at most 4 workers.
    """
    if investment_idr > _MEDIUM_INVESTMENT_LIMIT:
        return "besar"
    if workers <= 19 and investment_idr < _SMALL_INVESTMENT_LIMIT:
        return "mikro" if workers <= 4 else "kecil"
    return "menengah"


# --- what the database holds ----------------------------------------------------------------

_CONTENTS = "contents"


def mark_contents(contents: str, *, session: Session) -> None:
    """Record what the database holds: ``demo`` (disposable) or ``user``."""
    if session.get(CatalogMeta, _CONTENTS) is None:
        session.add(CatalogMeta(key=_CONTENTS, value=contents))
    else:
        session.execute(update(CatalogMeta).where(CatalogMeta.key == _CONTENTS)
                        .values(value=contents))
    session.flush()


def catalog_contents(*, session: Session) -> str | None:
    """``demo``, ``user``, or ``None`` when nothing was recorded."""
    return session.scalar(select(CatalogMeta.value).where(CatalogMeta.key == _CONTENTS))


def holds_user_data(*, session: Session) -> bool:
    """Whether the database holds IKM, needs or parks that are not demo data."""
    if catalog_contents(session=session) == "demo":
        return False
    return any(session.scalar(select(model.id).limit(1)) is not None
               for model in (Enterprise, Need, Park))


# --- reference data ------------------------------------------------------------------------


def load_taxonomy(*, session: Session) -> int:
    """Write the project's taxonomy (categories, KBLI codes, aliases, relations); idempotent.

    Aliases people taught (``source`` other than ``taxonomy``) are kept.
    """
    existing = set(session.scalars(select(Category.code)))
    for spec in taxonomy.CATEGORIES:
        values = {"name_id": spec.name_id, "name_en": spec.name_en, "sector": spec.sector,
                  "unit": spec.unit, "agro": spec.agro}
        if spec.code in existing:
            session.execute(update(Category).where(Category.code == spec.code).values(**values))
        else:
            session.execute(insert(Category).values(code=spec.code, **values))
    session.execute(delete(CategoryKbli))
    session.execute(insert(CategoryKbli), [
        {"category_code": spec.code, "kbli": code, "position": position,
         "title": taxonomy.KBLI_TITLES[code]}
        for spec in taxonomy.CATEGORIES for position, code in enumerate(spec.kbli)
    ])
    session.execute(delete(CategoryAlias).where(CategoryAlias.source == "taxonomy"))
    taught = set(session.scalars(select(CategoryAlias.alias)))
    session.execute(insert(CategoryAlias), [
        {"alias": alias, "category_code": spec.code, "source": "taxonomy"}
        for spec in taxonomy.CATEGORIES for alias in spec.aliases if alias not in taught
    ])
    session.execute(delete(CategoryRelation))
    session.execute(insert(CategoryRelation), [
        {"source_code": r.source, "target_code": r.target, "kind": r.kind, "factor": r.factor}
        for r in taxonomy.RELATIONS
    ])
    return len(taxonomy.CATEGORIES)


def load_regions(records: Sequence[RegionRecord], *, session: Session) -> int:
    """Insert or update regions by BPS code; parents may come in any order within the batch."""
    for record in records:
        if record.level not in REGION_LEVELS:
            raise InvalidValue("level", message("bad_choice", value=record.level,
                                                choices=", ".join(REGION_LEVELS)))
    ids = dict(session.execute(select(Region.bps_code, Region.id)).all())
    pending = list(records)
    while pending:
        deferred = []
        for record in pending:
            if record.parent_bps_code is not None and record.parent_bps_code not in ids:
                deferred.append(record)
                continue
            values = {
                "level": record.level, "kind": record.kind, "name": record.name,
                "kemendagri_code": record.kemendagri_code,
                "parent_id": ids.get(record.parent_bps_code) if record.parent_bps_code else None,
                "latitude": record.latitude, "longitude": record.longitude,
            }
            if record.bps_code in ids:
                session.execute(update(Region).where(Region.id == ids[record.bps_code])
                                .values(**values))
            else:
                ids[record.bps_code] = session.execute(
                    insert(Region).values(bps_code=record.bps_code, **values)
                    .returning(Region.id)).scalar_one()
        if len(deferred) == len(pending):
            missing = sorted({r.parent_bps_code or "" for r in deferred})
            raise InvalidValue("parent_bps_code", message("unknown_district",
                                                          value=", ".join(missing)))
        pending = deferred
    return len(records)


def load_links(records: Sequence[LinkRecord], *, session: Session) -> int:
    """Insert or update logistics links by (from, to, mode)."""
    ids = dict(session.execute(select(Region.bps_code, Region.id)).all())
    existing = {(f, t, m): i for i, f, t, m in session.execute(
        select(LogisticsLink.id, LogisticsLink.from_region_id, LogisticsLink.to_region_id,
               LogisticsLink.mode))}
    for record in records:
        for code in (record.from_bps_code, record.to_bps_code):
            if code not in ids:
                raise InvalidValue("region", message("unknown_district", value=code))
        if record.mode not in LINK_MODES:
            raise InvalidValue("mode", message("bad_choice", value=record.mode,
                                               choices=", ".join(LINK_MODES)))
        key = (ids[record.from_bps_code], ids[record.to_bps_code], record.mode)
        if key in existing:
            session.execute(update(LogisticsLink).where(LogisticsLink.id == existing[key])
                            .values(km=record.km, hours=record.hours))
        else:
            session.execute(insert(LogisticsLink).values(
                from_region_id=key[0], to_region_id=key[1], mode=key[2],
                km=record.km, hours=record.hours))
    return len(records)


def load_parks(records: Sequence[ParkRecord], *, session: Session) -> int:
    """Insert or update parks by code."""
    ids = dict(session.execute(select(Region.bps_code, Region.id)).all())
    existing = dict(session.execute(select(Park.code, Park.id)).all())
    for record in records:
        if record.region_bps_code not in ids:
            raise InvalidValue("region_bps_code",
                               message("unknown_district", value=record.region_bps_code))
        values = {"name": record.name, "operator": record.operator,
                  "region_id": ids[record.region_bps_code],
                  "gate_latitude": record.gate_latitude,
                  "gate_longitude": record.gate_longitude, "workers": record.workers,
                  "local_preference_percent": record.local_preference_percent}
        if record.code in existing:
            session.execute(update(Park).where(Park.id == existing[record.code]).values(**values))
        else:
            session.execute(insert(Park).values(code=record.code, **values))
    return len(records)


# --- validation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogContext:
    """The reference data records are checked against, read once per batch."""

    district_ids: dict[str, int]  # BPS code of a kecamatan -> region id
    district_names: dict[str, list[str]]  # name key -> BPS codes with that name
    category_units: dict[str, str]  # category code -> canonical unit
    park_ids: dict[str, int]
    normaliser: Normaliser
    today: dt.date = field(default_factory=dt.date.today)

    @classmethod
    def load(cls, *, session: Session, today: dt.date | None = None,
             normaliser: Normaliser | None = None) -> CatalogContext:
        """Read the reference data; ``normaliser`` saves building one (tens of ms) when the
        caller keeps one."""
        districts = session.execute(
            select(Region.bps_code, Region.id, Region.name).where(Region.level == "district")
        ).all()
        names: dict[str, list[str]] = {}
        for code, _id, name in districts:
            names.setdefault(name_key(name), []).append(code)
        categories = session.execute(select(Category.code, Category.unit)).all()
        return cls(
            district_ids={code: id_ for code, id_, _name in districts},
            district_names=names,
            category_units=dict(categories),
            park_ids=dict(session.execute(select(Park.code, Park.id)).all()),
            normaliser=normaliser or load_normaliser(session=session),
            today=today or dt.date.today(),
        )


@dataclass(frozen=True, slots=True)
class PreparedEnterprise:
    """An enterprise ready to write: its row, its offers' rows and its certificates' rows."""

    row: dict[str, Any]
    offers: tuple[dict[str, Any], ...]
    certificates: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class PreparedNeed:
    row: dict[str, Any]
    certificates: tuple[str, ...]


class _Problems:
    """Collects every problem of a record, so a person can fix them all at once."""

    def __init__(self) -> None:
        self.items: list[InvalidValue] = []

    def add(self, field_name: str, reason: Message) -> None:
        self.items.append(InvalidValue(field_name, reason))

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidRecord(self.items)


def _categorise(product_name: str, given: str | None, context: CatalogContext,
                prefix: str, problems: _Problems) -> dict[str, Any] | None:
    """The category of a product name, always through the normaliser. A category the source
    states wins: when the normaliser agrees its provenance is kept, otherwise the row says
    ``given``."""
    if given and given not in context.category_units:
        problems.add(f"{prefix}category_code", message("unknown_category", value=given))
        return None
    found = context.normaliser.normalise(product_name)
    if given and found.category_code != given:
        return {"category_code": given, "category_score": 100, "category_status": "confirmed",
                "category_method": "given"}
    if found.category_code is None:
        problems.add(f"{prefix}product_name", message("uncategorised", value=product_name))
        return None
    return {"category_code": found.category_code, "category_score": found.score,
            "category_status": found.status, "category_method": found.method}


def _factor(unit: str, category: str, context: CatalogContext, field_name: str,
            problems: _Problems) -> Fraction | None:
    canonical = context.category_units[category]
    try:
        return conversion_factor(unit, canonical)
    except InvalidValue as error:
        reason = error.reason
        if error.reason.key == "incompatible_unit":
            reason = message("incompatible_unit", value=unit, canonical=canonical,
                             category=category)
        problems.add(field_name, reason)
        return None


def _round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def _positive_quantity(value: float, factor: Fraction, field_name: str, unit: str,
                       canonical: str, problems: _Problems, *, round_up: bool) -> int | None:
    if not math.isfinite(value) or value <= 0:
        problems.add(field_name, message("must_be_positive", value=value))
        return None
    exact = Fraction(value) * factor
    # Capacity rounds down (never promise more than the owner said); a need rounds up.
    converted = math.ceil(exact) if round_up else math.floor(exact)
    if converted < 1:
        problems.add(field_name, message("too_small_after_conversion", value=value, unit=unit,
                                         canonical=canonical))
        return None
    return converted


def _non_negative_quantity(value: float, factor: Fraction, field_name: str,
                           problems: _Problems) -> int | None:
    if not math.isfinite(value) or value < 0:
        problems.add(field_name, message("must_not_be_negative", value=value))
        return None
    return math.ceil(Fraction(value) * factor)


def _price(value: int | None, factor: Fraction, field_name: str, problems: _Problems,
           *, allow_zero: bool) -> int | None:
    if value is None:
        return None
    if value < 0 or (value == 0 and not allow_zero):
        key = "must_not_be_negative" if allow_zero else "must_be_positive"
        problems.add(field_name, message(key, value=value))
        return None
    return _round_half_up(Fraction(value) / factor)


def _string_limit(model: type[Base], column: str) -> int:
    length = getattr(model.__table__.c[column].type, "length", None)
    assert isinstance(length, int), f"{model.__name__}.{column} has no length"
    return length


#: Free-text fields and the column lengths they must fit, checked before anything is written
#: so an over-long value is a problem naming its field, not a database error.
_ENTERPRISE_TEXT = {name: _string_limit(Enterprise, name) for name in (
    "owner_name", "owner_phone", "owner_email", "village", "association", "sentra")}
_OFFER_TEXT = {"product_name": _string_limit(Offer, "product_name"),
               "unit": _string_limit(Offer, "unit_typed")}
_CERTIFICATE_TEXT = {name: _string_limit(Certificate, name) for name in ("number", "issuer")}


def _check_lengths(record: object, limits: dict[str, int], prefix: str,
                   problems: _Problems) -> None:
    for name, limit in limits.items():
        value = getattr(record, name)
        if value is not None and len(value) > limit:
            problems.add(f"{prefix}{name}", message("too_long", limit=limit))


def _check_choice(value: str, choices: Sequence[str], field_name: str,
                  problems: _Problems) -> None:
    if value not in choices:
        problems.add(field_name, message("bad_choice", value=value, choices=", ".join(choices)))


def _prepare_offer(offer: OfferRecord, index: int, context: CatalogContext,
                   problems: _Problems) -> dict[str, Any] | None:
    prefix = f"offers[{index}]."
    before = len(problems.items)
    _check_lengths(offer, _OFFER_TEXT, prefix, problems)
    if not offer.product_name.strip():
        problems.add(f"{prefix}product_name", message("required"))
        return None
    category = _categorise(offer.product_name, offer.category_code, context, prefix, problems)
    _check_choice(offer.period, _OFFER_PERIODS, f"{prefix}period", problems)
    if offer.lead_time_days < 0:
        problems.add(f"{prefix}lead_time_days",
                     message("must_not_be_negative", value=offer.lead_time_days))
    if offer.delivery_radius_km <= 0:
        problems.add(f"{prefix}delivery_radius_km",
                     message("must_be_positive", value=offer.delivery_radius_km))
    if category is None:
        return None
    code = category["category_code"]
    factor = _factor(offer.unit, code, context, f"{prefix}unit", problems)
    if factor is None:
        return None
    canonical = context.category_units[code]
    capacity = _positive_quantity(offer.quantity, factor, f"{prefix}quantity", offer.unit,
                                  canonical, problems, round_up=False)
    min_order = _non_negative_quantity(offer.min_order, factor, f"{prefix}min_order", problems)
    price = _price(offer.unit_price_idr, factor, f"{prefix}unit_price_idr", problems,
                   allow_zero=True)
    if capacity is not None and min_order is not None and min_order > capacity:
        problems.add(f"{prefix}min_order", message("min_order_over_capacity", value=min_order,
                                                   capacity=capacity))
    if len(problems.items) > before:
        return None
    return {"product_name": offer.product_name.strip(), **category, "capacity": capacity,
            "period": offer.period, "unit_typed": offer.unit, "unit_price_idr": price,
            "min_order": min_order, "lead_time_days": offer.lead_time_days,
            "delivery_radius_km": offer.delivery_radius_km, "active": True}


def _prepare_certificate(cert: CertificateRecord, index: int,
                         problems: _Problems) -> dict[str, Any] | None:
    prefix = f"certificates[{index}]."
    before = len(problems.items)
    _check_lengths(cert, _CERTIFICATE_TEXT, prefix, problems)
    _check_choice(cert.kind, CERTIFICATE_KINDS, f"{prefix}kind", problems)
    if not cert.number.strip():
        problems.add(f"{prefix}number", message("required"))
    if len(problems.items) > before:
        return None
    return {"kind": cert.kind, "number": cert.number.strip(), "issuer": cert.issuer,
            "valid_until": cert.valid_until}


def prepare_offer(offer: OfferRecord, context: CatalogContext) -> dict[str, Any]:
    """Check one offer and convert it to its category's unit (the row to write, without its
    enterprise); raises :class:`InvalidRecord` listing every problem, each naming its field."""
    problems = _Problems()
    row = _prepare_offer(offer, 0, context, problems)
    for problem in problems.items:
        problem.field = problem.field.removeprefix("offers[0].")
    problems.raise_if_any()
    assert row is not None  # no problems means a row
    return row


def prepare_certificate(certificate: CertificateRecord) -> dict[str, Any]:
    """Check one certificate (the row to write, without its enterprise); raises
    :class:`InvalidRecord`."""
    problems = _Problems()
    row = _prepare_certificate(certificate, 0, problems)
    for problem in problems.items:
        problem.field = problem.field.removeprefix("certificates[0].")
    problems.raise_if_any()
    assert row is not None
    return row


def prepare_enterprise(record: EnterpriseRecord, context: CatalogContext) -> PreparedEnterprise:
    """Check ``record`` and convert it for writing; raises :class:`InvalidRecord` listing
    every problem, each naming its field."""
    problems = _Problems()
    if not record.name.strip():
        problems.add("name", message("required"))
    elif len(record.name.strip()) > 200:
        problems.add("name", message("too_long", limit=200))
    _check_lengths(record, _ENTERPRISE_TEXT, "", problems)
    if record.nib is not None and not NIB_PATTERN.match(record.nib):
        problems.add("nib", message("bad_nib", value=record.nib))
    _check_choice(record.legal_form, LEGAL_FORMS, "legal_form", problems)
    if record.district_bps_code not in context.district_ids:
        problems.add("district_bps_code",
                     message("unknown_district", value=record.district_bps_code))
    if record.workers < 0:
        problems.add("workers", message("must_not_be_negative", value=record.workers))
    if record.investment_idr < 0:
        problems.add("investment_idr",
                     message("must_not_be_negative", value=record.investment_idr))
    if not (_LATITUDE[0] <= record.latitude <= _LATITUDE[1]):
        problems.add("latitude", message("bad_coordinate", value=record.latitude))
    if not (_LONGITUDE[0] <= record.longitude <= _LONGITUDE[1]):
        problems.add("longitude", message("bad_coordinate", value=record.longitude))
    offers = [_prepare_offer(o, i, context, problems) for i, o in enumerate(record.offers)]
    certificates = [_prepare_certificate(c, i, problems)
                    for i, c in enumerate(record.certificates)]
    problems.raise_if_any()
    row = {
        "name": record.name.strip(), "name_key": name_key(record.name), "nib": record.nib,
        "legal_form": record.legal_form, "owner_name": record.owner_name,
        "owner_phone": record.owner_phone, "owner_email": record.owner_email,
        "district_id": context.district_ids[record.district_bps_code],
        "village": record.village, "village_key": name_key(record.village),
        "address": record.address, "latitude": record.latitude, "longitude": record.longitude,
        "workers": record.workers, "investment_idr": record.investment_idr,
        "size_class": size_class(record.workers, record.investment_idr),
        "association": record.association, "sentra": record.sentra,
    }
    return PreparedEnterprise(row, tuple(o for o in offers if o is not None),
                              tuple(c for c in certificates if c is not None))


def prepare_need(record: NeedRecord, context: CatalogContext) -> PreparedNeed:
    """Check a need and convert it to canonical units; raises :class:`InvalidRecord`."""
    problems = _Problems()
    if record.park_code not in context.park_ids:
        problems.add("park_code", message("unknown_park", value=record.park_code))
    if not record.product_name.strip():
        problems.add("product_name", message("required"))
    _check_choice(record.period, PERIODS, "period", problems)
    _check_choice(record.status, NEED_STATUSES, "status", problems)
    for index, kind in enumerate(record.required_certificates):
        _check_choice(kind, CERTIFICATE_KINDS, f"required_certificates[{index}]", problems)
    if record.max_suppliers is not None and record.max_suppliers < 1:
        problems.add("max_suppliers", message("must_be_positive", value=record.max_suppliers))
    if record.max_distance_km is not None and record.max_distance_km <= 0:
        problems.add("max_distance_km",
                     message("must_be_positive", value=record.max_distance_km))
    category = (_categorise(record.product_name, record.category_code, context, "", problems)
                if record.product_name.strip() else None)
    factor = (_factor(record.unit, category["category_code"], context, "unit", problems)
              if category else None)
    row: dict[str, Any] = {}
    if category is not None and factor is not None:
        canonical = context.category_units[category["category_code"]]
        quantity = _positive_quantity(record.quantity, factor, "quantity", record.unit,
                                      canonical, problems, round_up=True)
        min_lot = _non_negative_quantity(record.min_lot, factor, "min_lot", problems)
        ceiling = _price(record.max_unit_price_idr, factor, "max_unit_price_idr", problems,
                         allow_zero=False)
        if quantity is not None and min_lot is not None and min_lot > quantity:
            problems.add("min_lot", message("min_lot_over_quantity", value=min_lot,
                                            quantity=quantity))
        row = {"quantity": quantity, "min_lot": min_lot, "max_unit_price_idr": ceiling}
    problems.raise_if_any()
    assert category is not None  # no problems means the category was found
    row.update({
        "park_id": context.park_ids[record.park_code],
        "product_name": record.product_name.strip(), **category, "period": record.period,
        "unit_typed": record.unit, "due_date": record.due_date,
        "split_allowed": record.split_allowed, "max_suppliers": record.max_suppliers,
        "max_distance_km": record.max_distance_km, "status": record.status,
    })
    return PreparedNeed(row, tuple(dict.fromkeys(record.required_certificates)))


# --- writing -------------------------------------------------------------------------------


@dataclass
class WriteSummary:
    """What a write did, for the person who asked for it."""

    enterprises_created: int = 0
    enterprises_updated: int = 0
    offers_created: int = 0
    offers_updated: int = 0
    certificates_created: int = 0
    certificates_updated: int = 0
    needs_created: int = 0


_Identity = tuple[int, str, str]  # (kecamatan id, desa key, name key)


def _identity(row: dict[str, Any]) -> _Identity:
    return (row["district_id"], row["village_key"], row["name_key"])


def _same_enterprise(nib: str | None, other_nib: str | None) -> bool:
    """Two records with the same name in the same desa are one IKM unless both carry a NIB
    and the NIBs differ."""
    return nib is None or other_nib is None or nib == other_nib


def _existing_enterprises(prepared: Sequence[PreparedEnterprise], *, session: Session
                          ) -> tuple[dict[str, int], dict[_Identity, tuple[int, str | None]]]:
    by_nib: dict[str, int] = {}
    by_name: dict[_Identity, tuple[int, str | None]] = {}
    nib_list = sorted({p.row["nib"] for p in prepared if p.row["nib"]})
    for start in range(0, len(nib_list), 5000):
        chunk = nib_list[start:start + 5000]
        for nib, id_ in session.execute(select(Enterprise.nib, Enterprise.id)
                                        .where(Enterprise.nib.in_(chunk))):
            if nib is not None:
                by_nib[nib] = id_
    district_list = sorted({p.row["district_id"] for p in prepared})
    for start in range(0, len(district_list), 1000):
        chunk_ids = district_list[start:start + 1000]
        for id_, nib, district, village, name in session.execute(
                select(Enterprise.id, Enterprise.nib, Enterprise.district_id,
                       Enterprise.village_key, Enterprise.name_key)
                .where(Enterprise.district_id.in_(chunk_ids))):
            by_name.setdefault((district, village, name), (id_, nib))
    return by_nib, by_name


def _merge_batch(prepared: Sequence[PreparedEnterprise]) -> list[PreparedEnterprise]:
    """The batch with repeats of one IKM (several rows of a file) merged, in first-seen order."""
    merged: list[PreparedEnterprise] = []
    by_nib: dict[str, int] = {}
    by_name: dict[_Identity, int] = {}
    for item in prepared:
        row = item.row
        slot = by_nib.get(row["nib"]) if row["nib"] else None
        if slot is None:
            named = by_name.get(_identity(row))
            if named is not None and _same_enterprise(row["nib"], merged[named].row["nib"]):
                slot = named
        if slot is None:
            slot = len(merged)
            merged.append(item)
        else:
            first = merged[slot]
            merged[slot] = PreparedEnterprise({**first.row, **row}, first.offers + item.offers,
                                              first.certificates + item.certificates)
        if row["nib"]:
            by_nib[row["nib"]] = slot
        by_name.setdefault(_identity(row), slot)
    return merged


def write_enterprises(prepared: Sequence[PreparedEnterprise], *, session: Session,
                      chunk_size: int = 5000) -> WriteSummary:
    """Write prepared enterprises with their offers and certificates, in bulk.

    An enterprise whose NIB is known, or whose name is known in the same desa (when the NIBs do
    not contradict it), is updated rather than added; within the batch the same rule merges
    repeated rows. Offers match on product name, certificates on kind and number; nothing is
    deleted.
    """
    summary = WriteSummary()
    if prepared:
        mark_contents("user", session=session)
    by_nib, by_name = _existing_enterprises(prepared, session=session)
    to_create: list[PreparedEnterprise] = []
    to_update: list[tuple[int, PreparedEnterprise]] = []
    for item in _merge_batch(prepared):
        row = item.row
        existing = by_nib.get(row["nib"]) if row["nib"] else None
        if existing is None:
            named = by_name.get(_identity(row))
            if named is not None and _same_enterprise(row["nib"], named[1]):
                existing = named[0]
        if existing is None:
            to_create.append(item)
        else:
            to_update.append((existing, item))

    for start in range(0, len(to_create), chunk_size):
        chunk = to_create[start:start + chunk_size]
        ids = _insert_enterprises([item.row for item in chunk], session=session)
        pairs = list(zip(ids, chunk, strict=True))
        offers = [{**offer, "enterprise_id": id_} for id_, item in pairs
                  for offer in _unique_offers(item.offers)]
        certificates = [{**cert, "enterprise_id": id_} for id_, item in pairs
                        for cert in _unique_certificates(item.certificates)]
        if offers:
            session.execute(insert(_table(Offer)), offers)
        if certificates:
            session.execute(insert(_table(Certificate)), certificates)
        summary.enterprises_created += len(chunk)
        summary.offers_created += len(offers)
        summary.certificates_created += len(certificates)

    for start in range(0, len(to_update), chunk_size):
        _update_chunk(to_update[start:start + chunk_size], summary, session=session)
    if len(prepared) >= _ANALYZE_AFTER and session.get_bind().dialect.name == "postgresql":
        # Fresh statistics: without them PostgreSQL plans the next import's look-ups as if
        # the tables were still empty, and re-importing 100,000 IKM took six times as long.
        session.execute(text("ANALYZE enterprise, offer, certificate"))
    return summary


def _table(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]


def _sequence_ids(model: type[Base], count: int, *, session: Session) -> list[int] | None:
    """``count`` fresh ids from the table's sequence on PostgreSQL; ``None`` elsewhere."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return list(session.scalars(
        text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
        {"table": model.__tablename__, "n": count}))


def _insert_enterprises(rows: list[dict[str, Any]], *, session: Session) -> list[int]:
    """Insert enterprise rows and return their ids, in the order of ``rows``.

    On PostgreSQL the ids are drawn from the sequence first and the rows sent as one
    executemany, which psycopg pipelines; a multi-row ``INSERT ... RETURNING`` is several times
    slower there because each large statement is parsed anew. SQLite returns ids from a
    multi-row ``INSERT ... RETURNING``, matched back on the identity, which is unique after the
    batch merge (asking SQLAlchemy for parameter order instead makes SQLite insert row by row).
    """
    table = _table(Enterprise)
    ids = _sequence_ids(Enterprise, len(rows), session=session)
    if ids is not None:
        session.execute(insert(table), [{**row, "id": id_}
                                        for id_, row in zip(ids, rows, strict=True)])
        return ids
    returned = session.execute(
        insert(table).returning(table.c.id, table.c.nib, table.c.district_id,
                                table.c.village_key, table.c.name_key), rows).all()
    by_identity = {(nib, district, village, name): id_
                   for id_, nib, district, village, name in returned}
    return [by_identity[(row["nib"], *_identity(row))] for row in rows]


def _changed(rows: Iterable[dict[str, Any]], model: type[Base], *, session: Session
             ) -> list[dict[str, Any]]:
    """The rows (each with its ``id``) that differ from what is stored: re-importing an
    unchanged file then writes nothing."""
    rows = list(rows)
    if not rows:
        return []
    names = [name for name in rows[0] if name != "id"]
    table = _table(model)
    stored = {row[0]: tuple(row[1:]) for row in session.execute(
        select(table.c.id, *(table.c[name] for name in names))
        .where(table.c.id.in_([row["id"] for row in rows])))}
    return [row for row in rows if stored.get(row["id"]) != tuple(row[n] for n in names)]


def _update(rows: list[dict[str, Any]], model: type[Base], *, session: Session) -> int:
    changed = _changed(rows, model, session=session)
    if changed:
        session.execute(update(model), changed)
    return len(rows)


def _update_chunk(chunk: Sequence[tuple[int, PreparedEnterprise]], summary: WriteSummary,
                  *, session: Session) -> None:
    """Update known enterprises and merge their offers and certificates, a few statements for
    the whole chunk; rows that did not change are not written."""
    ids = [enterprise_id for enterprise_id, _item in chunk]
    summary.enterprises_updated += _update(
        [{**item.row, "id": enterprise_id} for enterprise_id, item in chunk], Enterprise,
        session=session)

    offer_ids = {(enterprise_id, name_key(name)): id_ for id_, enterprise_id, name in
                 session.execute(select(Offer.id, Offer.enterprise_id, Offer.product_name)
                                 .where(Offer.enterprise_id.in_(ids)))}
    new_offers, known_offers = [], []
    for enterprise_id, item in chunk:
        for offer in _unique_offers(item.offers):
            offer_id = offer_ids.get((enterprise_id, name_key(offer["product_name"])))
            if offer_id is None:
                new_offers.append({**offer, "enterprise_id": enterprise_id})
            else:
                known_offers.append({**offer, "id": offer_id})
    if new_offers:
        session.execute(insert(_table(Offer)), new_offers)
    summary.offers_created += len(new_offers)
    summary.offers_updated += _update(known_offers, Offer, session=session)

    cert_ids = {(enterprise_id, kind, number): id_ for id_, enterprise_id, kind, number in
                session.execute(select(Certificate.id, Certificate.enterprise_id,
                                       Certificate.kind, Certificate.number)
                                .where(Certificate.enterprise_id.in_(ids)))}
    new_certs, known_certs = [], []
    for enterprise_id, item in chunk:
        for cert in _unique_certificates(item.certificates):
            cert_id = cert_ids.get((enterprise_id, cert["kind"], cert["number"]))
            if cert_id is None:
                new_certs.append({**cert, "enterprise_id": enterprise_id})
            else:
                known_certs.append({**cert, "id": cert_id})
    if new_certs:
        session.execute(insert(_table(Certificate)), new_certs)
    summary.certificates_created += len(new_certs)
    summary.certificates_updated += _update(known_certs, Certificate, session=session)


def _unique_offers(offers: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    by_name: dict[str, dict[str, Any]] = {}
    for offer in offers:
        by_name[name_key(offer["product_name"])] = offer
    return list(by_name.values())


def _unique_certificates(certificates: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for cert in certificates:
        by_key[(cert["kind"], cert["number"])] = cert
    return list(by_key.values())


def write_needs(prepared: Sequence[PreparedNeed], *, session: Session) -> WriteSummary:
    """Add prepared needs with their required certificates."""
    summary = WriteSummary()
    if not prepared:
        return summary
    mark_contents("user", session=session)
    table = _table(Need)
    rows = [p.row for p in prepared]
    ids = _sequence_ids(Need, len(rows), session=session)
    if ids is None:
        # Needs come a few at a time: SQLite's row-by-row RETURNING in order is fine here.
        ids = list(session.scalars(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows))
    else:
        session.execute(insert(table), [{**row, "id": id_}
                                        for id_, row in zip(ids, rows, strict=True)])
    requirements = [{"need_id": id_, "kind": kind}
                    for id_, p in zip(ids, prepared, strict=True) for kind in p.certificates]
    if requirements:
        session.execute(insert(NeedCertificate), requirements)
    summary.needs_created = len(ids)
    return summary

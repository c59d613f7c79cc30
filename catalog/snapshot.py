"""Immutable numpy snapshots of the catalog: what a match run reads, one array per column.

:func:`load_offer_arrays` and :func:`load_need_arrays` stream rows from the database in chunks
(a server-side cursor on PostgreSQL) straight into numpy arrays, so a catalog of a million offers
never exists as a million ORM objects. The result is plain data: ids and values, no SQLAlchemy,
ready to be turned into a ``matching`` problem by ``api/``.

Encodings, chosen so the engine can filter with vectorised comparisons:

- categories are ``int32`` indexes into ``category_codes`` (every code of the category table,
  sorted), :data:`UNCATEGORISED` for a row the normaliser could not place;
- periods are ``int8`` indexes into :data:`catalog.models.PERIODS`;
- certificate kinds are bit ``k`` of an ``int16`` mask, ``k`` the index into
  :data:`catalog.models.CERTIFICATE_KINDS`;
- dates are ``int32`` days since 1970-01-01 (:func:`epoch_day`); a certificate that never
  expires has :data:`NEVER_EXPIRES`, later than any date;
- an absent price ceiling is :data:`NO_CEILING` and an absent supplier or distance limit is
  :data:`NO_LIMIT`, so ``price <= ceiling`` needs no special case.

Both loaders read in the caller's transaction and never commit. On PostgreSQL the offers and
the certificates are read by separate statements; run the load in a ``REPEATABLE READ``
transaction when writers are busy and the two must agree to the row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import ColumnElement, Select, String, func, select, text, type_coerce
from sqlalchemy.orm import QueryableAttribute, Session

from catalog.models import (
    CERTIFICATE_KINDS,
    PERIODS,
    Category,
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

__all__ = [
    "NEVER_EXPIRES",
    "NO_CEILING",
    "NO_LIMIT",
    "UNCATEGORISED",
    "NeedArrays",
    "OfferArrays",
    "Reference",
    "certificate_bit",
    "epoch_day",
    "load_need_arrays",
    "load_offer_arrays",
    "load_reference",
    "need_arrays_from_rows",
    "offer_arrays_from_rows",
]

Int8Array = npt.NDArray[np.int8]
Int16Array = npt.NDArray[np.int16]
Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
Float64Array = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
AnySelect = Select[*tuple[Any, ...]]

UNCATEGORISED: Final = -1
NEVER_EXPIRES: Final = int(np.iinfo(np.int32).max)
NO_CEILING: Final = int(np.iinfo(np.int64).max)
NO_LIMIT: Final = int(np.iinfo(np.int32).max)

_EPOCH = dt.date(1970, 1, 1)
_PERIOD_INDEX: Final = {period: index for index, period in enumerate(PERIODS)}
_KIND_INDEX: Final = {kind: index for index, kind in enumerate(CERTIFICATE_KINDS)}
# Bits 0..7 of an int16; a ninth kind would still fit, a sixteenth would not.
assert len(CERTIFICATE_KINDS) < 16


def epoch_day(day: dt.date) -> int:
    """``day`` as the number of days since 1970-01-01, the encoding of every date here."""
    return (day - _EPOCH).days


def certificate_bit(kind: str) -> int:
    """The bit of ``kind`` in a certificate mask: ``1 << CERTIFICATE_KINDS.index(kind)``."""
    try:
        return 1 << _KIND_INDEX[kind]
    except KeyError:
        raise ValueError(f"Unknown certificate kind {kind!r}; expected one of "
                         f"{', '.join(CERTIFICATE_KINDS)}.") from None


def _freeze(instance: Any) -> None:
    for item in fields(instance):
        value = getattr(instance, item.name)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False


def _check_lengths(kind: str, arrays: dict[str, npt.NDArray[Any]]) -> None:
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"{kind} arrays must have one element per row; got lengths {lengths}.")


@dataclass(frozen=True, eq=False)
class OfferArrays:
    """Offers as columns, one element per offer in offer-id order, with their enterprises'
    certificates in compressed sparse rows.

    Enterprises appear once each in ``enterprise_ids`` (sorted); ``enterprise_index[i]`` is the
    position of offer ``i``'s enterprise there. The certificates of enterprise ``e`` are
    ``certificate_offsets[e]:certificate_offsets[e + 1]`` of the ``certificate_*`` arrays, and
    ``certificate_enterprise_index`` repeats ``e`` for each, for scatter operations.
    """

    category_codes: tuple[str, ...]
    offer_id: Int64Array
    enterprise_id: Int64Array
    enterprise_index: Int32Array
    category: Int32Array
    district_id: Int32Array
    latitude: Float64Array
    longitude: Float64Array
    capacity: Int64Array
    unit_price_idr: Int64Array
    min_order: Int64Array
    lead_time_days: Int32Array
    delivery_radius_km: Int32Array
    period: Int8Array
    enterprise_ids: Int64Array
    certificate_offsets: Int64Array
    certificate_enterprise_index: Int32Array
    certificate_kind: Int8Array
    certificate_valid_until: Int32Array

    def __post_init__(self) -> None:
        _check_lengths("Offer", {name: getattr(self, name) for name in _OFFER_COLUMNS})
        _check_lengths("Certificate", {
            "certificate_enterprise_index": self.certificate_enterprise_index,
            "certificate_kind": self.certificate_kind,
            "certificate_valid_until": self.certificate_valid_until})
        if len(self.certificate_offsets) != len(self.enterprise_ids) + 1:
            raise ValueError("certificate_offsets must have one element more than "
                             f"enterprise_ids; got {len(self.certificate_offsets)} and "
                             f"{len(self.enterprise_ids)}.")
        _freeze(self)

    def __len__(self) -> int:
        return len(self.offer_id)

    def certificate_mask(self, on: dt.date) -> Int16Array:
        """Per enterprise, the kinds it holds a certificate of that is valid on ``on``
        (bit ``k`` for ``CERTIFICATE_KINDS[k]``); a certificate counts up to and including its
        ``valid_until`` day."""
        valid = self.certificate_valid_until >= epoch_day(on)
        holders = self.certificate_enterprise_index[valid]
        kinds = self.certificate_kind[valid]
        mask = np.zeros(len(self.enterprise_ids), dtype=np.int16)
        for index in range(len(CERTIFICATE_KINDS)):
            held = np.bincount(holders[kinds == index], minlength=len(mask)) > 0
            mask[held] |= np.int16(1 << index)
        return mask

    def offer_certificate_mask(self, on: dt.date) -> Int16Array:
        """:meth:`certificate_mask` per offer: what its enterprise holds, valid on ``on``."""
        return self.certificate_mask(on)[self.enterprise_index]

    def holds_certificate(self, kind: str, on: dt.date) -> BoolArray:
        """Per offer, whether its enterprise holds a ``kind`` certificate valid on ``on``."""
        held: BoolArray = (self.offer_certificate_mask(on) & certificate_bit(kind)) != 0
        return held


@dataclass(frozen=True, eq=False)
class NeedArrays:
    """Needs as columns, one element per need in need-id order.

    ``region_id``, ``latitude`` and ``longitude`` are the park's (its gate), where goods are
    delivered. ``required_certificates`` is a mask over ``CERTIFICATE_KINDS``: an offer can
    serve need ``j`` on day ``d`` when ``required_certificates[j] & ~offer_mask == 0`` with
    ``offer_mask`` from :meth:`OfferArrays.offer_certificate_mask`.
    """

    category_codes: tuple[str, ...]
    need_id: Int64Array
    park_id: Int32Array
    region_id: Int32Array
    latitude: Float64Array
    longitude: Float64Array
    category: Int32Array
    quantity: Int64Array
    period: Int8Array
    due_date: Int32Array
    max_unit_price_idr: Int64Array
    split_allowed: BoolArray
    min_lot: Int64Array
    max_suppliers: Int32Array
    max_distance_km: Int32Array
    required_certificates: Int16Array

    def __post_init__(self) -> None:
        _check_lengths("Need", {item.name: getattr(self, item.name) for item in fields(self)
                                if item.name != "category_codes"})
        _freeze(self)

    def __len__(self) -> int:
        return len(self.need_id)


_OFFER_COLUMNS: Final = ("offer_id", "enterprise_id", "enterprise_index", "category",
                         "district_id", "latitude", "longitude", "capacity", "unit_price_idr",
                         "min_order", "lead_time_days", "delivery_radius_km", "period")


# --- streaming -----------------------------------------------------------------------------


class _Columns:
    """Named numpy columns filled chunk by chunk, growing by doubling when the count was low."""

    def __init__(self, dtypes: dict[str, npt.DTypeLike], capacity: int) -> None:
        self.size = 0
        self.arrays: dict[str, npt.NDArray[Any]] = {
            name: np.empty(capacity, dtype=dtype) for name, dtype in dtypes.items()}

    def append(self, chunk: dict[str, npt.NDArray[Any]], length: int) -> None:
        end = self.size + length
        for name, array in self.arrays.items():
            if end > len(array):
                # Rows committed between the count and the read: grow rather than fail.
                array = np.resize(array, max(end, 2 * len(array)))
                self.arrays[name] = array
            array[self.size:end] = chunk[name]
        self.size = end

    def finish(self) -> dict[str, npt.NDArray[Any]]:
        # A copy only when the count overshot (rows deleted since), to release the slack.
        return {name: array if len(array) == self.size else array[:self.size].copy()
                for name, array in self.arrays.items()}


_SET_TUPLE_FRACTION: Final = text("SELECT set_config('cursor_tuple_fraction', :value, true)")


def _stream(session: Session, statement: AnySelect, chunk_size: int
            ) -> Iterable[Sequence[Any]]:
    # Core rather than ORM execution: the same SQL, a third less time per row. ``yield_per``
    # streams (a server-side cursor on PostgreSQL) and hands out ``chunk_size`` rows at a time.
    connection = session.connection()
    statement = statement.execution_options(yield_per=chunk_size)
    if connection.dialect.name == "postgresql":
        # PostgreSQL plans a cursor for its first 10% of rows (cursor_tuple_fraction): a nested
        # loop of index probes, one per offer, slow once the tables are off the cache. We read
        # every row, so say so for this statement's plan and put the setting back after it.
        previous = connection.scalar(text("SELECT current_setting('cursor_tuple_fraction')"))
        connection.execute(_SET_TUPLE_FRACTION, {"value": "1"})
        result = connection.execute(statement)
        connection.execute(_SET_TUPLE_FRACTION, {"value": previous})
    else:
        result = connection.execute(statement)
    yield from result.partitions()


def _read(session: Session, statement: AnySelect, count: int, chunk_size: int,
          dtypes: dict[str, npt.DTypeLike],
          convert: Callable[[list[tuple[Any, ...]]], dict[str, npt.NDArray[Any]]],
          ) -> dict[str, npt.NDArray[Any]]:
    columns = _Columns(dtypes, count)
    for rows in _stream(session, statement, chunk_size):
        # One tuple per column: numpy converts a tuple of Python scalars in C.
        transposed = list(zip(*rows, strict=True))
        columns.append(convert(transposed), len(rows))
    return columns.finish()


def _check_chunk_size(chunk_size: int) -> None:
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be positive; got {chunk_size}.")


def _category_index(session: Session) -> tuple[tuple[str, ...], dict[str | None, int]]:
    codes = tuple(session.scalars(select(Category.code).order_by(Category.code)))
    index: dict[str | None, int] = {code: position for position, code in enumerate(codes)}
    index[None] = UNCATEGORISED
    return codes, index


def _lookup(values: tuple[Any, ...], index: dict[Any, int], dtype: npt.DTypeLike
            ) -> npt.NDArray[Any]:
    return np.fromiter(map(index.__getitem__, values), dtype=dtype, count=len(values))


def _days(values: tuple[dt.date | None, ...], missing: int) -> Int32Array:
    days = np.array(values, dtype="datetime64[D]")
    result = days.astype(np.int64)
    result[np.isnat(days)] = missing
    return result.astype(np.int32)


def _or_default(values: tuple[int | None, ...], default: int, dtype: npt.DTypeLike
                ) -> npt.NDArray[Any]:
    return np.fromiter((default if value is None else value for value in values),
                       dtype=dtype, count=len(values))


def _plain(column: QueryableAttribute[str]) -> ColumnElement[str]:
    # The Enum type checks every value read against its choices in Python; the database's CHECK
    # constraint already did, and a wrong value would fail the index lookup anyway.
    return type_coerce(column, String())


def _count(session: Session, statement: AnySelect) -> int:
    return int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)


# --- offers --------------------------------------------------------------------------------

_OFFER_DTYPES: Final[dict[str, npt.DTypeLike]] = {
    "offer_id": np.int64, "enterprise_id": np.int64, "category": np.int32,
    "district_id": np.int32, "latitude": np.float64, "longitude": np.float64,
    "capacity": np.int64, "unit_price_idr": np.int64, "min_order": np.int64,
    "lead_time_days": np.int32, "delivery_radius_km": np.int32, "period": np.int8,
}
_CERTIFICATE_DTYPES: Final[dict[str, npt.DTypeLike]] = {
    "enterprise_id": np.int64, "kind": np.int8, "valid_until": np.int32,
}


def _offer_columns(columns: list[tuple[Any, ...]], category_index: dict[str | None, int]
                   ) -> dict[str, npt.NDArray[Any]]:
    (ids, enterprises, categories, districts, latitudes, longitudes, capacities, prices,
     min_orders, lead_times, radii, periods) = columns
    return {
        "offer_id": np.array(ids, dtype=np.int64),
        "enterprise_id": np.array(enterprises, dtype=np.int64),
        "category": _lookup(categories, category_index, np.int32),
        "district_id": np.array(districts, dtype=np.int32),
        "latitude": np.array(latitudes, dtype=np.float64),
        "longitude": np.array(longitudes, dtype=np.float64),
        "capacity": np.array(capacities, dtype=np.int64),
        "unit_price_idr": np.array(prices, dtype=np.int64),
        "min_order": np.array(min_orders, dtype=np.int64),
        "lead_time_days": np.array(lead_times, dtype=np.int32),
        "delivery_radius_km": np.array(radii, dtype=np.int32),
        "period": _lookup(periods, _PERIOD_INDEX, np.int8),
    }


def _certificate_columns(columns: list[tuple[Any, ...]]) -> dict[str, npt.NDArray[Any]]:
    enterprises, kinds, valid_until = columns
    return {
        "enterprise_id": np.array(enterprises, dtype=np.int64),
        "kind": _lookup(kinds, _KIND_INDEX, np.int8),
        "valid_until": _days(valid_until, NEVER_EXPIRES),
    }


def _offer_arrays(category_codes: tuple[str, ...], offers: dict[str, npt.NDArray[Any]],
                  certificates: dict[str, npt.NDArray[Any]]) -> OfferArrays:
    enterprise_ids, enterprise_index = np.unique(offers["enterprise_id"], return_inverse=True)
    return OfferArrays(
        category_codes=category_codes,
        enterprise_index=enterprise_index.astype(np.int32).reshape(-1),
        enterprise_ids=enterprise_ids.astype(np.int64),
        **offers,
        **_by_enterprise(certificates, enterprise_ids.astype(np.int64)),
    )


def load_offer_arrays(*, session: Session, active_only: bool = True,
                      chunk_size: int = 100_000) -> OfferArrays:
    """The offers (only active ones unless ``active_only`` is false) with their enterprises'
    location and certificates, as an :class:`OfferArrays` in offer-id order.

    Rows are streamed ``chunk_size`` at a time; peak memory is the arrays plus one chunk.
    """
    _check_chunk_size(chunk_size)
    category_codes, category_index = _category_index(session)
    statement = (
        select(Offer.id, Offer.enterprise_id, Offer.category_code, Enterprise.district_id,
               Enterprise.latitude, Enterprise.longitude, Offer.capacity, Offer.unit_price_idr,
               Offer.min_order, Offer.lead_time_days, Offer.delivery_radius_km,
               _plain(Offer.period))
        .join(Enterprise, Offer.enterprise_id == Enterprise.id)
    )
    if active_only:
        statement = statement.where(Offer.active)
    offers = _read(session, statement.order_by(Offer.id), _count(session, statement),
                   chunk_size, _OFFER_DTYPES,
                   lambda columns: _offer_columns(columns, category_index))
    certificates = select(Certificate.enterprise_id, _plain(Certificate.kind),
                          Certificate.valid_until)
    rows = _read(session, certificates.order_by(Certificate.enterprise_id, Certificate.id),
                 _count(session, certificates), chunk_size, _CERTIFICATE_DTYPES,
                 _certificate_columns)
    return _offer_arrays(category_codes, offers, rows)


def offer_arrays_from_rows(category_codes: Sequence[str], offers: Sequence[Sequence[Any]],
                           certificates: Sequence[Sequence[Any]]) -> OfferArrays:
    """What :func:`load_offer_arrays` would give for these rows, without a database: ``offers``
    as ``(id, enterprise id, category code, district id, latitude, longitude, capacity, unit
    price, minimum order, lead time, delivery radius, period)`` in id order, ``certificates``
    as ``(enterprise id, kind, valid until or None)`` in enterprise order. For data made
    elsewhere (generators, benchmarks) in exactly the encoding a match run reads."""
    codes = tuple(sorted(category_codes))
    index: dict[str | None, int] = {code: position for position, code in enumerate(codes)}
    index[None] = UNCATEGORISED
    empty_offers: list[tuple[Any, ...]] = [()] * 12
    empty_certificates: list[tuple[Any, ...]] = [()] * 3
    return _offer_arrays(
        codes, _offer_columns(list(zip(*offers, strict=True)) or empty_offers, index),
        _certificate_columns(list(zip(*certificates, strict=True)) or empty_certificates))


def _by_enterprise(rows: dict[str, npt.NDArray[Any]], enterprise_ids: Int64Array
                   ) -> dict[str, npt.NDArray[Any]]:
    """Certificates of ``enterprise_ids`` (sorted), grouped by enterprise in that order."""
    # Certificates of enterprises without a loaded offer are of no use to the engine.
    position = np.searchsorted(enterprise_ids, rows["enterprise_id"])
    position = np.minimum(position, max(len(enterprise_ids) - 1, 0))
    known = (enterprise_ids[position] == rows["enterprise_id"] if len(enterprise_ids)
             else np.zeros(len(position), dtype=bool))
    holders = position[known].astype(np.int32)
    counts = np.bincount(holders, minlength=len(enterprise_ids))
    offsets = np.zeros(len(enterprise_ids) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return {
        "certificate_offsets": offsets,
        "certificate_enterprise_index": holders,
        "certificate_kind": rows["kind"][known],
        "certificate_valid_until": rows["valid_until"][known],
    }


# --- needs ---------------------------------------------------------------------------------

_NEED_DTYPES: Final[dict[str, npt.DTypeLike]] = {
    "need_id": np.int64, "park_id": np.int32, "region_id": np.int32, "latitude": np.float64,
    "longitude": np.float64, "category": np.int32, "quantity": np.int64, "period": np.int8,
    "due_date": np.int32, "max_unit_price_idr": np.int64, "split_allowed": np.bool_,
    "min_lot": np.int64, "max_suppliers": np.int32, "max_distance_km": np.int32,
}


def _need_columns(columns: list[tuple[Any, ...]], category_index: dict[str | None, int]
                  ) -> dict[str, npt.NDArray[Any]]:
    (ids, parks, regions, latitudes, longitudes, categories, quantities, periods, due,
     ceilings, split, min_lots, max_suppliers, max_distances) = columns
    return {
        "need_id": np.array(ids, dtype=np.int64),
        "park_id": np.array(parks, dtype=np.int32),
        "region_id": np.array(regions, dtype=np.int32),
        "latitude": np.array(latitudes, dtype=np.float64),
        "longitude": np.array(longitudes, dtype=np.float64),
        "category": _lookup(categories, category_index, np.int32),
        "quantity": np.array(quantities, dtype=np.int64),
        "period": _lookup(periods, _PERIOD_INDEX, np.int8),
        "due_date": _days(due, 0),
        "max_unit_price_idr": _or_default(ceilings, NO_CEILING, np.int64),
        "split_allowed": np.array(split, dtype=np.bool_),
        "min_lot": np.array(min_lots, dtype=np.int64),
        "max_suppliers": _or_default(max_suppliers, NO_LIMIT, np.int32),
        "max_distance_km": _or_default(max_distances, NO_LIMIT, np.int32),
    }


def load_need_arrays(*, session: Session, open_only: bool = True,
                     chunk_size: int = 100_000) -> NeedArrays:
    """The needs (only ``open`` ones unless ``open_only`` is false) with their park's location
    and required certificates, as a :class:`NeedArrays` in need-id order."""
    _check_chunk_size(chunk_size)
    category_codes, category_index = _category_index(session)
    statement = (
        select(Need.id, Need.park_id, Park.region_id, Park.gate_latitude, Park.gate_longitude,
               Need.category_code, Need.quantity, _plain(Need.period), Need.due_date,
               Need.max_unit_price_idr, Need.split_allowed, Need.min_lot, Need.max_suppliers,
               Need.max_distance_km)
        .join(Park, Need.park_id == Park.id)
    )
    if open_only:
        statement = statement.where(Need.status == "open")
    needs = _read(session, statement.order_by(Need.id), _count(session, statement),
                  chunk_size, _NEED_DTYPES,
                  lambda columns: _need_columns(columns, category_index))
    mask = np.zeros(len(needs["need_id"]), dtype=np.int16)
    if len(mask):
        required = select(NeedCertificate.need_id, _plain(NeedCertificate.kind)).order_by(
            NeedCertificate.need_id)
        for rows in _stream(session, required, chunk_size):
            _add_required(mask, needs["need_id"], rows)
    return NeedArrays(category_codes=category_codes, required_certificates=mask, **needs)


def need_arrays_from_rows(category_codes: Sequence[str], needs: Sequence[Sequence[Any]],
                          required: Sequence[Sequence[Any]]) -> NeedArrays:
    """What :func:`load_need_arrays` would give for these rows, without a database: ``needs``
    as ``(id, park id, park region id, gate latitude, gate longitude, category code,
    quantity, period, due date, price ceiling or None, split allowed, minimum lot, supplier
    limit or None, maximum distance or None)`` in id order, ``required`` as ``(need id,
    certificate kind)``."""
    codes = tuple(sorted(category_codes))
    index: dict[str | None, int] = {code: position for position, code in enumerate(codes)}
    index[None] = UNCATEGORISED
    columns = _need_columns(list(zip(*needs, strict=True)) or [()] * 14, index)
    mask = np.zeros(len(columns["need_id"]), dtype=np.int16)
    if len(mask) and len(required):
        _add_required(mask, columns["need_id"], required)
    return NeedArrays(category_codes=codes, required_certificates=mask, **columns)


def _add_required(mask: Int16Array, need_ids: Int64Array, rows: Sequence[Sequence[Any]]
                  ) -> None:
    needs, kinds = zip(*rows, strict=True)
    ids = np.array(needs, dtype=np.int64)
    bits = np.left_shift(1, _lookup(kinds, _KIND_INDEX, np.int16)).astype(np.int16)
    position = np.minimum(np.searchsorted(need_ids, ids), len(need_ids) - 1)
    known = need_ids[position] == ids
    np.bitwise_or.at(mask, position[known], bits[known])


# --- reference data ------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Reference:
    """What a match run needs besides offers and needs, as plain data.

    ``category_codes`` are every category code, sorted (the order the category indices of
    :class:`OfferArrays` and :class:`NeedArrays` refer to), with each one's canonical unit in
    ``category_units``. ``substitutes`` are ``(offer category, need category, factor)``,
    ``related`` are pairs. Regions are columns in region-id order (``region_parent`` is -1 for
    a province); links are ``(from region id, to region id, mode, km, hours)``; parks are
    columns in park-id order.
    """

    category_codes: tuple[str, ...]
    category_units: tuple[str, ...]
    substitutes: tuple[tuple[str, str, float], ...]
    related: tuple[tuple[str, str], ...]
    region_id: Int32Array
    region_parent: Int32Array
    region_level: tuple[str, ...]
    region_code: tuple[str, ...]
    region_name: tuple[str, ...]
    links: tuple[tuple[int, int, str, float, float], ...]
    park_id: Int32Array
    park_code: tuple[str, ...]
    park_region: Int32Array
    park_local_preference: Int32Array

    def __post_init__(self) -> None:
        _freeze(self)

    def ancestor(self, region_ids: npt.ArrayLike, level: str) -> Int32Array:
        """Per region id, the id of its ancestor (or itself) at ``level`` (``regency``,
        ``province``), -1 where there is none; each distinct id is looked up once."""
        parent = dict(zip(self.region_id.tolist(), self.region_parent.tolist(), strict=True))
        levels = dict(zip(self.region_id.tolist(), self.region_level, strict=True))
        unique, inverse = np.unique(np.asarray(region_ids, dtype=np.int64),
                                    return_inverse=True)
        found = []
        for region in unique.tolist():
            while region != -1 and levels.get(region) != level:
                region = parent.get(region, -1)
            found.append(region)
        return np.array(found, dtype=np.int32)[inverse.ravel()]


def load_reference(*, session: Session) -> Reference:
    """Categories, the capability graph, regions, logistics links and parks, in one read
    (the caller's transaction; nothing is written)."""
    categories = session.execute(select(Category.code, Category.unit)
                                 .order_by(Category.code)).all()
    relations = session.execute(
        select(CategoryRelation.source_code, CategoryRelation.target_code,
               _plain(CategoryRelation.kind), CategoryRelation.factor)
        .order_by(CategoryRelation.source_code, CategoryRelation.target_code)).all()
    regions = session.execute(select(Region.id, Region.parent_id, _plain(Region.level),
                                     Region.bps_code, Region.name).order_by(Region.id)).all()
    links = session.execute(select(LogisticsLink.from_region_id, LogisticsLink.to_region_id,
                                   _plain(LogisticsLink.mode), LogisticsLink.km,
                                   LogisticsLink.hours).order_by(LogisticsLink.id)).all()
    parks = session.execute(select(Park.id, Park.code, Park.region_id,
                                   Park.local_preference_percent).order_by(Park.id)).all()
    return Reference(
        category_codes=tuple(code for code, _ in categories),
        category_units=tuple(unit for _, unit in categories),
        substitutes=tuple((a, b, float(f)) for a, b, kind, f in relations
                          if kind == "substitutes" and f is not None),
        related=tuple((a, b) for a, b, kind, _ in relations if kind == "related"),
        region_id=np.array([r[0] for r in regions], dtype=np.int32),
        region_parent=np.array([-1 if r[1] is None else r[1] for r in regions], dtype=np.int32),
        region_level=tuple(r[2] for r in regions),
        region_code=tuple(r[3] for r in regions),
        region_name=tuple(r[4] for r in regions),
        links=tuple((int(a), int(b), mode, float(km), float(h)) for a, b, mode, km, h in links),
        park_id=np.array([p[0] for p in parks], dtype=np.int32),
        park_code=tuple(p[1] for p in parks),
        park_region=np.array([p[2] for p in parks], dtype=np.int32),
        park_local_preference=np.array([p[3] for p in parks], dtype=np.int32),
    )

"""Exporting the catalog to CSV and Excel, in the format people import.

:func:`export_catalog` writes, into one directory:

* ``simpul-ikm.csv``: IKM and their offers in the import format of :mod:`catalog.imports`
  (one row per offer, the IKM's columns repeated on each), so that exporting and importing
  the file again changes nothing. Kapasitas, Minimal Order and Satuan are the stored canonical
  quantity and unit, and Harga is rupiah per canonical unit; the unit as the owner once typed it
  is not carried over. Kategori is the stored category: on import the product name goes through
  the normaliser again, and where it agrees with Kategori its own provenance (score, status,
  method) is kept, so an automatic guess does not become a confirmed category. An IKM
  with no active offer takes one row with empty offer columns; inactive offers are not exported.
  Certificates are repeated on every row of their IKM, so filtering the sheet by product keeps
  them.
* ``simpul-kebutuhan.csv``: the parks' needs (Kawasan, Produk, Kategori, Jumlah, Satuan,
  Periode, Jatuh Tempo, Sertifikat Wajib, Harga Maksimal (Rp), Boleh Dipecah, Minimal Lot,
  Maksimal Pemasok, Status), quantities in canonical units.
* ``simpul-katalog.xlsx``: sheets ``IKM`` (the import format), ``Kebutuhan``, ``Kawasan``,
  ``Wilayah`` and ``Kategori`` (code, names, KBLI codes, canonical unit).

CSV files are UTF-8 with a byte-order mark and ``;`` between columns, which is what Excel set
to Indonesian expects; numbers carry no thousands separators and ``.`` as the decimal mark
(only coordinates have decimals, and the importer never groups those). Rows are streamed from
the database (``yield_per``) and into the workbook (openpyxl write-only mode), so a catalog of
100,000 IKM does not have to fit in memory. The session is only read.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Executable, and_, select
from sqlalchemy.orm import Session, aliased

from catalog.exceptions import InvalidValue
from catalog.imports import COLUMNS
from catalog.messages import message
from catalog.models import (
    Category,
    CategoryKbli,
    Certificate,
    Enterprise,
    Need,
    NeedCertificate,
    Offer,
    Park,
    Region,
)

__all__ = [
    "CATEGORY_COLUMNS",
    "EXPORT_FORMATS",
    "NEED_COLUMNS",
    "PARK_COLUMNS",
    "REGION_COLUMNS",
    "export_catalog",
]

EXPORT_FORMATS = ("xlsx", "csv")
IKM_CSV = "simpul-ikm.csv"
NEEDS_CSV = "simpul-kebutuhan.csv"
WORKBOOK = "simpul-katalog.xlsx"

NEED_COLUMNS: tuple[str, ...] = (
    "Kawasan", "Produk", "Kategori", "Jumlah", "Satuan", "Periode", "Jatuh Tempo",
    "Sertifikat Wajib", "Harga Maksimal (Rp)", "Boleh Dipecah", "Minimal Lot",
    "Maksimal Pemasok", "Status",
)
PARK_COLUMNS: tuple[str, ...] = (
    "Kode", "Nama", "Operator", "Kode Kecamatan", "Kecamatan", "Lintang Gerbang",
    "Bujur Gerbang", "Pekerja",
)
REGION_COLUMNS: tuple[str, ...] = (
    "Kode BPS", "Kode Kemendagri", "Tingkat", "Jenis", "Nama", "Kode BPS Induk", "Lintang",
    "Bujur",
)
CATEGORY_COLUMNS: tuple[str, ...] = (
    "Kode", "Nama", "Nama (EN)", "Sektor", "Satuan", "KBLI",
)

_BATCH = 2000
_CSV_DELIMITER = ";"

Row = tuple[Any, ...]


class _Sink(Protocol):
    def append(self, row: Iterable[Any]) -> None: ...


def export_catalog(directory: Path, *, session: Session,
                   formats: Sequence[str] = EXPORT_FORMATS) -> list[Path]:
    """Write the catalog into ``directory`` (created if needed); returns the files written.

    ``formats`` chooses among ``"csv"`` (``simpul-ikm.csv`` and ``simpul-kebutuhan.csv``) and
    ``"xlsx"`` (``simpul-katalog.xlsx``).
    """
    unknown = [f for f in formats if f not in EXPORT_FORMATS]
    if unknown:
        raise InvalidValue("formats", message("bad_choice", value=", ".join(unknown),
                                              choices=", ".join(EXPORT_FORMATS)))
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if "csv" in formats:
        for name, header, rows in ((IKM_CSV, COLUMNS, _enterprise_rows),
                                   (NEEDS_CSV, NEED_COLUMNS, _need_rows)):
            path = directory / name
            _write_csv(path, header, rows(session))
            written.append(path)
    if "xlsx" in formats:
        path = directory / WORKBOOK
        _write_workbook(path, session)
        written.append(path)
    return written


# --- writers -------------------------------------------------------------------------------


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Row]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=_CSV_DELIMITER)
        writer.writerow(header)
        writer.writerows(tuple(_csv_value(v) for v in row) for row in rows)


_ILLEGAL_XLSX_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f]")


def _write_workbook(path: Path, session: Session) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheets: tuple[tuple[str, Sequence[str], Callable[[Session], Iterable[Row]]], ...] = (
        ("IKM", COLUMNS, _enterprise_rows),
        ("Kebutuhan", NEED_COLUMNS, _need_rows),
        ("Kawasan", PARK_COLUMNS, _park_rows),
        ("Wilayah", REGION_COLUMNS, _region_rows),
        ("Kategori", CATEGORY_COLUMNS, _category_rows),
    )
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title)

        def cell(value: Any, sheet: Any = sheet) -> Any:
            if not isinstance(value, str):
                return value
            text = _ILLEGAL_XLSX_CHARACTERS.sub("", value)
            if text.startswith("="):
                # openpyxl would store it as a formula; a product name is text.
                written = WriteOnlyCell(sheet, text)
                written.data_type = "s"
                return written
            return text

        sheet.append(list(header))
        for row in rows(session):
            sheet.append([cell(v) for v in row])
    workbook.save(path)


# --- rows ----------------------------------------------------------------------------------


def _stream(session: Session, statement: Executable) -> Iterator[Row]:
    for row in session.execute(statement.execution_options(yield_per=_BATCH)):
        yield tuple(row)


def _category_units(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Category.code, Category.unit)).all())


def _certificate_text(kind: str, number: str, valid_until: Any) -> str:
    return f"{kind}:{number}:{valid_until.isoformat() if valid_until else ''}"


class _Following:
    """Walks a stream sorted by owner id alongside another sorted the same way."""

    def __init__(self, rows: Iterator[Row]) -> None:
        self._rows = rows
        self._current: Row | None = next(rows, None)

    def take(self, owner_id: int) -> list[Row]:
        found: list[Row] = []
        while self._current is not None and self._current[0] <= owner_id:
            if self._current[0] == owner_id:
                found.append(self._current)
            self._current = next(self._rows, None)
        return found


def _enterprise_rows(session: Session) -> Iterator[Row]:
    units = _category_units(session)
    statement = (
        select(Enterprise.id, Enterprise.name, Enterprise.nib, Enterprise.legal_form,
               Enterprise.owner_name, Enterprise.owner_phone, Enterprise.owner_email,
               Region.bps_code, Region.name, Enterprise.village, Enterprise.address,
               Enterprise.latitude, Enterprise.longitude, Enterprise.workers,
               Enterprise.investment_idr, Enterprise.association, Enterprise.sentra,
               Offer.product_name, Offer.category_code, Offer.capacity, Offer.unit_typed,
               Offer.period,
               Offer.unit_price_idr, Offer.min_order, Offer.lead_time_days,
               Offer.delivery_radius_km)
        .join(Region, Region.id == Enterprise.district_id)
        .outerjoin(Offer, and_(Offer.enterprise_id == Enterprise.id, Offer.active.is_(True)))
        .order_by(Enterprise.id, Offer.id)
    )
    certificates = _Following(_stream(session, select(
        Certificate.enterprise_id, Certificate.kind, Certificate.number,
        Certificate.valid_until).order_by(Certificate.enterprise_id, Certificate.id)))
    current_id: int | None = None
    certificate_text = ""
    for (enterprise_id, name, nib, legal_form, owner, phone, email, district_code, district,
         village, address, latitude, longitude, workers, investment, association, sentra,
         product, category, capacity, unit_typed, period, price, min_order,
         lead_time, radius) in _stream(session, statement):
        if enterprise_id != current_id:
            current_id = enterprise_id
            certificate_text = ";".join(_certificate_text(kind, number, valid_until)
                                        for _id, kind, number, valid_until
                                        in certificates.take(enterprise_id))
        enterprise = (name, nib, legal_form, owner, phone, email, district_code, district,
                      village, address, latitude, longitude, workers, investment,
                      association, sentra)
        if product is None:
            offer: Row = (None,) * 9
        else:
            offer = (product, category, capacity,
                     units.get(category, unit_typed) if category else unit_typed, period,
                     price, min_order, lead_time, radius)
        yield (*enterprise, *offer, certificate_text or None)


def _need_rows(session: Session) -> Iterator[Row]:
    units = _category_units(session)
    statement = (
        select(Need.id, Park.code, Need.product_name, Need.category_code, Need.quantity,
               Need.unit_typed, Need.period,
               Need.due_date, Need.max_unit_price_idr, Need.split_allowed, Need.min_lot,
               Need.max_suppliers, Need.status)
        .join(Park, Park.id == Need.park_id)
        .order_by(Need.id)
    )
    required = _Following(_stream(session, select(NeedCertificate.need_id, NeedCertificate.kind)
                                  .order_by(NeedCertificate.need_id, NeedCertificate.kind)))
    for (need_id, park, product, category, quantity, unit_typed, period,
         due_date, ceiling, split_allowed, min_lot, max_suppliers,
         need_status) in _stream(session, statement):
        kinds = ";".join(kind for _id, kind in required.take(need_id))
        yield (park, product, category, quantity,
               units.get(category, unit_typed) if category else unit_typed, period, due_date,
               kinds or None, ceiling, "ya" if split_allowed else "tidak", min_lot,
               max_suppliers, need_status)


def _park_rows(session: Session) -> Iterator[Row]:
    yield from _stream(session, (
        select(Park.code, Park.name, Park.operator, Region.bps_code, Region.name,
               Park.gate_latitude, Park.gate_longitude, Park.workers)
        .join(Region, Region.id == Park.region_id).order_by(Park.code)))


def _region_rows(session: Session) -> Iterator[Row]:
    parent = aliased(Region)
    yield from _stream(session, (
        select(Region.bps_code, Region.kemendagri_code, Region.level, Region.kind, Region.name,
               parent.bps_code, Region.latitude, Region.longitude)
        .outerjoin(parent, parent.id == Region.parent_id).order_by(Region.bps_code)))


def _category_rows(session: Session) -> Iterator[Row]:
    kbli: dict[str, list[str]] = {}
    for code, number in session.execute(select(CategoryKbli.category_code, CategoryKbli.kbli)
                                        .order_by(CategoryKbli.category_code,
                                                  CategoryKbli.position)):
        kbli.setdefault(code, []).append(number)
    for code, name_id, name_en, sector, unit in session.execute(
            select(Category.code, Category.name_id, Category.name_en, Category.sector,
                   Category.unit).order_by(Category.code)):
        yield code, name_id, name_en, sector, unit, ", ".join(kbli.get(code, [])) or None

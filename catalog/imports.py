"""Importing IKM from the Excel and CSV files associations and agencies keep.

The format
----------
One row per offer: an IKM with three products takes three rows that repeat its columns. The
columns, by their Indonesian headers (:data:`COLUMNS`)::

    Nama IKM, NIB, Bentuk Usaha, Nama Pemilik, Telepon, Email, Kode Kecamatan, Kecamatan, Desa,
    Alamat, Lintang, Bujur, Tenaga Kerja, Investasi (Rp), Asosiasi, Sentra, Produk, Kategori,
    Kapasitas, Satuan, Periode, Harga (Rp), Minimal Order, Waktu Kirim (hari),
    Radius Kirim (km), Sertifikat

``Nama IKM``, ``Kode Kecamatan`` or ``Kecamatan``, ``Produk``, ``Kapasitas``, ``Satuan`` and
``Harga (Rp)`` are required columns. Empty cells take defaults: Bentuk Usaha ``perorangan``,
Periode ``hari``, Tenaga Kerja 1, Investasi 0, Lintang/Bujur the kecamatan's centroid, Waktu
Kirim 1 day, Radius Kirim 50 km, Kategori by normalising the product name.

Choices made here, so a person preparing a file can rely on them:

* **Headers** are matched ignoring case, spaces and punctuation, with common variants ("Nama
  Usaha", "Desa/Kelurahan", "Jumlah Tenaga Kerja", "Harga Satuan", "No HP", "Latitude", ...) and
  English headers ("Enterprise name", "District code", "Price (IDR)", ...). The header is the
  first row, among the first ten non-empty ones, in which at least three cells are known
  headers, so a title row above the table is skipped. A column that is not recognised is an
  error naming it (a typo would otherwise drop data silently) unless the caller passes
  ``ignore_unknown_columns=True``; a column given twice ("Desa" and "Kelurahan") is an error.
* **Numbers** are read as Indonesians write them: ``.`` groups thousands and ``,`` is the
  decimal mark (``1.500`` = 1500, ``1.500,5`` = 1500.5, ``Rp 25.000,-`` = 25000). A lone
  separator followed by exactly three digits, after a non-zero integer part of one to three
  digits, groups thousands whichever it is (``25,000`` = 25000 as an English-language sheet
  means it, ``1.500`` = 1500); otherwise it is the decimal mark (``2,5`` = 2.5, ``0,250`` =
  0.25, ``2.5`` = 2.5). When both appear, the last one is the decimal mark. Coordinates are
  never grouped: ``-2,835`` and ``-2.835`` are both -2.835. Numeric cells of Excel are used as
  they are. Prices and investment are rounded to whole rupiah.
* **Kecamatan** by BPS code (``7203010``), or by name when the code column is empty; a name
  must be unique in the catalog, otherwise the row must give the code. When both are given the
  code wins.
* **NIB** must be 13 digits. Excel may hold it as a whole number, which is accepted; as a
  decimal or in scientific notation (``1.23457E+12``) it has lost digits and is an error asking
  for the column to be formatted as text.
* **Telepon** held by Excel as a number lost its leading zero; ``81234...`` becomes ``081234...``.
* **Sertifikat**: ``KIND:NUMBER:VALID_UNTIL`` separated by ``;``, the date optional
  (``HALAL:ID123:2027-05-01;PIRT:P-IRT 123:``). Kinds are matched loosely (``P-IRT``, ``BPOM
  MD``, ``ISO 9001``, ``SLHS``). Dates are ISO (``2027-05-01``), ``dd/mm/yyyy``, ``dd-mm-yyyy``,
  Excel date cells or Excel serial numbers.
* **Grouping**: rows with the same NIB, or with the same name in the same desa and kecamatan,
  are one IKM. Its columns (owner, size, coordinates, ...) are read from its first row; later
  rows may repeat them or leave them blank. Certificates are collected from every row. The
  same NIB under two different names, the same name and desa under two NIBs, and the same
  product twice for one IKM are errors naming both rows.
* A row whose offer columns (Produk to Radius Kirim) are all empty describes an IKM without an
  offer (registries often list IKM before their products are known, and the export writes
  such IKM this way); as soon as one offer column is filled, the required ones must be too.
* **Files**: ``.xlsx`` (the sheet named ``IKM``, otherwise the first) and ``.csv`` in UTF-8
  with or without a byte-order mark, separated by ``,`` or ``;`` (Indonesian Excel writes
  ``;``), whichever the header line uses more. The size limit is checked before reading.

Validation and writing
----------------------
:func:`import_enterprises` validates every row before it writes anything: parsing here, then
:func:`catalog.store.prepare_enterprise` per IKM, whose problems are mapped back to a spreadsheet
row and column header (``offers[i].*`` is the IKM's i-th offer row; IKM fields its first row).
If there is any problem the file is rejected with :class:`ImportRejected` and nothing is
written. With ``only_valid_rows=True`` the IKM without problems are written and the problems
reported; an IKM with any bad row is skipped *entirely*, never written half (a partial write
would look complete to the person who later reads the catalog). ``dry_run=True`` validates and
reports without writing or raising. Writing goes through :func:`catalog.store.write_enterprises`,
which recognises IKM already in the catalog (NIB first, then name within the same desa), so
re-importing a file creates no duplicates. Nothing here commits: the caller owns the
transaction.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.exceptions import FileTooLarge, ImportRejected, RowProblem, UnreadableFile
from catalog.messages import Message, message
from catalog.models import Region
from catalog.records import CertificateRecord, EnterpriseRecord, OfferRecord
from catalog.store import (
    CatalogContext,
    InvalidRecord,
    PreparedEnterprise,
    WriteSummary,
    name_key,
    prepare_enterprise,
    write_enterprises,
)

__all__ = [
    "COLUMNS",
    "OFFER_COLUMNS",
    "REQUIRED_COLUMNS",
    "ImportReport",
    "RawValue",
    "import_enterprises",
    "load_centroids",
    "parse_enterprises",
    "parse_number",
    "read_rows",
]

RawValue: TypeAlias = str | float | int | dt.date | None

# --- columns -------------------------------------------------------------------------------

NAME = "Nama IKM"
NIB = "NIB"
LEGAL_FORM = "Bentuk Usaha"
OWNER = "Nama Pemilik"
PHONE = "Telepon"
EMAIL = "Email"
DISTRICT_CODE = "Kode Kecamatan"
DISTRICT = "Kecamatan"
VILLAGE = "Desa"
ADDRESS = "Alamat"
LATITUDE = "Lintang"
LONGITUDE = "Bujur"
WORKERS = "Tenaga Kerja"
INVESTMENT = "Investasi (Rp)"
ASSOCIATION = "Asosiasi"
SENTRA = "Sentra"
PRODUCT = "Produk"
CATEGORY = "Kategori"
CAPACITY = "Kapasitas"
UNIT = "Satuan"
PERIOD = "Periode"
PRICE = "Harga (Rp)"
MIN_ORDER = "Minimal Order"
LEAD_TIME = "Waktu Kirim (hari)"
RADIUS = "Radius Kirim (km)"
CERTIFICATES = "Sertifikat"

#: The columns of the format, in the order the export writes them.
COLUMNS: tuple[str, ...] = (
    NAME, NIB, LEGAL_FORM, OWNER, PHONE, EMAIL, DISTRICT_CODE, DISTRICT, VILLAGE, ADDRESS,
    LATITUDE, LONGITUDE, WORKERS, INVESTMENT, ASSOCIATION, SENTRA, PRODUCT, CATEGORY, CAPACITY,
    UNIT, PERIOD, PRICE, MIN_ORDER, LEAD_TIME, RADIUS, CERTIFICATES,
)
#: Required columns; ``Kode Kecamatan`` or ``Kecamatan`` is required besides these.
REQUIRED_COLUMNS: tuple[str, ...] = (NAME, PRODUCT, CAPACITY, UNIT, PRICE)
#: The columns that describe an offer; all empty means a row without an offer.
OFFER_COLUMNS: tuple[str, ...] = (
    PRODUCT, CATEGORY, CAPACITY, UNIT, PERIOD, PRICE, MIN_ORDER, LEAD_TIME, RADIUS,
)

_HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    NAME: ("Nama IKM", "Nama Usaha", "Nama Perusahaan", "Nama Unit Usaha", "Nama Industri",
           "Nama", "IKM", "Enterprise name", "Enterprise", "Business name", "Company name",
           "Name"),
    NIB: ("NIB", "No NIB", "Nomor NIB", "Nomor Induk Berusaha", "Business ID",
          "Business identification number"),
    LEGAL_FORM: ("Bentuk Usaha", "Badan Usaha", "Bentuk Badan Usaha", "Jenis Badan Usaha",
                 "Legal form"),
    OWNER: ("Nama Pemilik", "Pemilik", "Nama Pengusaha", "Penanggung Jawab", "Owner",
            "Owner name"),
    PHONE: ("Telepon", "Telp", "No Telp", "No Telepon", "Nomor Telepon", "HP", "No HP",
            "Nomor HP", "WA", "No WA", "WhatsApp", "No WhatsApp", "Telepon/HP", "Phone",
            "Telephone", "Mobile"),
    EMAIL: ("Email", "E-mail", "Alamat Email", "Surel"),
    DISTRICT_CODE: ("Kode Kecamatan", "Kode Kec", "Kode BPS Kecamatan", "Kode Wilayah",
                    "District code", "District BPS code"),
    DISTRICT: ("Kecamatan", "Kec", "Nama Kecamatan", "District", "District name"),
    VILLAGE: ("Desa", "Kelurahan", "Desa/Kelurahan", "Kelurahan/Desa", "Kel/Desa", "Desa/Kel",
              "Village"),
    ADDRESS: ("Alamat", "Alamat Usaha", "Alamat Lengkap", "Address"),
    LATITUDE: ("Lintang", "Garis Lintang", "Latitude", "Lat"),
    LONGITUDE: ("Bujur", "Garis Bujur", "Longitude", "Lon", "Lng", "Long"),
    WORKERS: ("Tenaga Kerja", "Jumlah Tenaga Kerja", "TK", "Jumlah TK", "Pekerja",
              "Jumlah Pekerja", "Karyawan", "Jumlah Karyawan", "Workers", "Employees"),
    INVESTMENT: ("Investasi (Rp)", "Investasi", "Nilai Investasi", "Nilai Investasi (Rp)",
                 "Investment", "Investment (IDR)", "Investment (Rp)"),
    ASSOCIATION: ("Asosiasi", "Association"),
    SENTRA: ("Sentra", "Sentra IKM", "Cluster"),
    PRODUCT: ("Produk", "Nama Produk", "Jenis Produk", "Komoditas", "Product", "Product name"),
    CATEGORY: ("Kategori", "Kategori Produk", "Kode Kategori", "Category", "Category code"),
    CAPACITY: ("Kapasitas", "Kapasitas Produksi", "Kapasitas per Periode", "Capacity"),
    UNIT: ("Satuan", "Satuan Kapasitas", "Unit"),
    PERIOD: ("Periode", "Periode Kapasitas", "Period"),
    PRICE: ("Harga (Rp)", "Harga", "Harga Satuan", "Harga Satuan (Rp)", "Harga per Satuan",
            "Price", "Price (IDR)", "Price (Rp)", "Unit price", "Unit price (IDR)"),
    MIN_ORDER: ("Minimal Order", "Min Order", "Minimum Order", "Minimal Pesanan",
                "Pesanan Minimal", "MOQ"),
    LEAD_TIME: ("Waktu Kirim (hari)", "Waktu Kirim", "Waktu Pengiriman", "Lama Kirim",
                "Lead time", "Lead time (days)"),
    RADIUS: ("Radius Kirim (km)", "Radius Kirim", "Jangkauan Kirim", "Jangkauan Kirim (km)",
             "Delivery radius", "Delivery radius (km)"),
    CERTIFICATES: ("Sertifikat", "Sertifikasi", "Sertifikat/Izin", "Certificates",
                   "Certificate"),
}

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _header_key(text: str) -> str:
    return _NON_ALNUM.sub("", text.casefold())


_HEADER_KEYS: dict[str, str] = {
    _header_key(variant): canonical
    for canonical, variants in _HEADER_VARIANTS.items() for variant in variants
}
_HEADER_SEARCH_ROWS = 10
_HEADER_MIN_KNOWN = 3

# --- files ---------------------------------------------------------------------------------

_Cells: TypeAlias = Sequence[object]


def read_rows(path: Path, *, max_bytes: int, ignore_unknown_columns: bool = False
              ) -> Iterator[tuple[int, dict[str, RawValue]]]:
    """The data rows of ``path`` as (spreadsheet row number, column -> value).

    Columns are the canonical Indonesian headers of :data:`COLUMNS`; strings are stripped and
    empty cells are ``None``; Excel dates come as :class:`datetime.date`. Blank rows are
    skipped. Raises :class:`FileTooLarge` (before reading), :class:`UnreadableFile` and, for
    missing, unknown or repeated columns, :class:`ImportRejected` naming the header row.
    """
    path = Path(path)
    suffix = path.suffix.casefold()
    if suffix not in (".csv", ".xlsx"):
        raise UnreadableFile(str(path), message("unsupported_format",
                                                value=path.suffix or path.name))
    try:
        size = path.stat().st_size
    except OSError:
        raise UnreadableFile(str(path), message("file_not_found")) from None
    if size > max_bytes:
        raise FileTooLarge(str(path), size, max_bytes)
    raw = _csv_rows(path) if suffix == ".csv" else _xlsx_rows(path)
    return _with_header(path, raw, ignore_unknown_columns=ignore_unknown_columns)


def _decoded_lines(path: Path, handle: Iterable[bytes]) -> Iterator[str]:
    # Decoding line by line (UTF-8 never uses the newline byte inside a character) lets the
    # error name the line a person has to fix.
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    line = 0
    try:
        for line, raw in enumerate(handle, 1):  # noqa: B007 - line is read after the loop
            yield decoder.decode(raw)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise UnreadableFile(str(path), message("not_utf8", row=max(line, 1)),
                             row=max(line, 1)) from None


def _csv_rows(path: Path) -> Iterator[tuple[int, _Cells]]:
    with path.open("rb") as handle:
        lines = _decoded_lines(path, handle)
        peeked: list[str] = []
        delimiter = ","
        for text in lines:
            peeked.append(text)
            if ";" in text or "," in text:
                delimiter = ";" if text.count(";") > text.count(",") else ","
                break
        reader = csv.reader(itertools.chain(peeked, lines), delimiter=delimiter)
        yield from enumerate(reader, 1)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, _Cells]]:
    import zipfile
    from xml.etree.ElementTree import ParseError

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    # Anything these raise means the bytes are not a workbook openpyxl can read; the detail
    # goes into the message so a person can tell a renamed .xls from a damaged file.
    broken = (zipfile.BadZipFile, InvalidFileException, ParseError, KeyError, ValueError,
              TypeError, IndexError, EOFError, OSError)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except broken as error:
        raise UnreadableFile(str(path), message("not_a_spreadsheet",
                                                detail=_detail(error))) from None
    try:
        if not workbook.worksheets:
            raise UnreadableFile(str(path), message("empty_file"))
        names = {name.casefold(): name for name in workbook.sheetnames}
        sheet = (workbook[names["ikm"]] if "ikm" in names else workbook.worksheets[0])
        if hasattr(sheet, "reset_dimensions"):
            # Some writers store a wrong sheet size; without this, read-only mode cuts rows.
            sheet.reset_dimensions()
        try:
            yield from enumerate(sheet.iter_rows(values_only=True), 1)
        except broken as error:
            raise UnreadableFile(str(path), message("not_a_spreadsheet",
                                                    detail=_detail(error))) from None
    finally:
        workbook.close()


def _detail(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _cell(value: object) -> RawValue:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return str(value).strip() or None


def _is_blank(cells: _Cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _with_header(path: Path, raw: Iterator[tuple[int, _Cells]], *,
                 ignore_unknown_columns: bool) -> Iterator[tuple[int, dict[str, RawValue]]]:
    lookahead: list[tuple[int, _Cells]] = []
    for number, cells in raw:
        if _is_blank(cells):
            continue
        lookahead.append((number, cells))
        if (len(lookahead) >= _HEADER_SEARCH_ROWS
                or _known_headers(cells) >= _HEADER_MIN_KNOWN):
            break
    if not lookahead:
        raise UnreadableFile(str(path), message("empty_file"))
    position = next((i for i, (_n, cells) in enumerate(lookahead)
                     if _known_headers(cells) >= _HEADER_MIN_KNOWN), 0)
    header_row, header = lookahead[position]
    columns = _map_header(path, header_row, header, ignore_unknown_columns)
    count = 0
    for number, cells in itertools.chain(lookahead[position + 1:], raw):
        width = len(cells)
        row = {name: (_cell(cells[index]) if index < width else None)
               for index, name in columns}
        if all(value is None for value in row.values()):
            continue
        count += 1
        yield number, row
    if count == 0:
        raise UnreadableFile(str(path), message("empty_file"))


def _known_headers(cells: _Cells) -> int:
    return sum(1 for c in cells if isinstance(c, str) and _header_key(c) in _HEADER_KEYS)


def _map_header(path: Path, header_row: int, header: _Cells,
                ignore_unknown_columns: bool) -> list[tuple[int, str]]:
    problems: list[RowProblem] = []
    columns: list[tuple[int, str]] = []
    seen: dict[str, str] = {}
    for index, cell in enumerate(header):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        canonical = _HEADER_KEYS.get(_header_key(text))
        if canonical is None:
            if not ignore_unknown_columns:
                problems.append(RowProblem(header_row, text,
                                           message("unknown_columns", columns=text)))
            continue
        if canonical in seen:
            problems.append(RowProblem(header_row, text, message(
                "duplicate_column", value=text, other=seen[canonical])))
            continue
        seen[canonical] = text
        columns.append((index, canonical))
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(RowProblem(header_row, name, message("missing_columns",
                                                                 columns=name)))
    if DISTRICT_CODE not in seen and DISTRICT not in seen:
        problems.append(RowProblem(header_row, DISTRICT_CODE, message(
            "missing_columns", columns=f"{DISTRICT_CODE} / {DISTRICT}")))
    if problems:
        raise ImportRejected(str(path), problems)
    return columns


# --- values --------------------------------------------------------------------------------


class _CellError(Exception):
    """A cell that cannot be read; carries the message for the row problem."""

    def __init__(self, reason: Message) -> None:
        super().__init__(reason.key)
        self.reason = reason


_CURRENCY = re.compile(r"^(?:rp\.?|idr)\s*|\s*(?:rupiah|idr)$", re.IGNORECASE)
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE][+-]?\d+$")
_DIGITS_AND_MARKS = "0123456789.,"
_SPACES = re.compile(r"[\s\u00a0\u202f']+")


def parse_number(value: RawValue, *, grouping: bool = True) -> float | int:
    """A number as an Indonesian sheet writes it (see the module notes); raises ``ValueError``.

    ``grouping=False`` reads a lone ``.`` or ``,`` as the decimal mark always (coordinates).
    """
    try:
        return _number(value, grouping=grouping)
    except _CellError as error:
        raise ValueError(error.reason.render("en")) from None


def _number(value: RawValue, *, grouping: bool = True) -> float | int:
    if isinstance(value, bool) or value is None or isinstance(value, dt.date):
        raise _CellError(message("not_a_number", value=value))
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise _CellError(message("not_a_number", value=value))
        return value
    if value.isascii() and value.isdigit():
        return int(value)
    return _number_text(value, grouping)


@functools.lru_cache(maxsize=4096)  # a file repeats its prices and sizes on many rows
def _number_text(text: str, grouping: bool) -> float | int:
    body = text
    if body.strip(_DIGITS_AND_MARKS):
        body = _CURRENCY.sub("", _SPACES.sub("", text))
        if body.endswith((",-", ".-")):
            body = body[:-2]
    sign = 1
    if body[:1] in ("-", "+", "\u2212"):
        sign = -1 if body[0] != "+" else 1
        body = body[1:]
    if not body or body.strip(_DIGITS_AND_MARKS):
        if _SCIENTIFIC.match(body):
            return sign * float(body.replace(",", "."))
        raise _CellError(message("not_a_number", value=text))
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        decimal = "." if body.rfind(".") > body.rfind(",") else ","
        group = "," if decimal == "." else "."
        whole, _, fraction = body.rpartition(decimal)
        if decimal in whole or not fraction:
            raise _CellError(message("not_a_number", value=text))
        return sign * float(f"{_ungroup(whole, group, text)}.{fraction}")
    if not dots and not commas:
        return sign * int(body)
    mark = "." if dots else ","
    parts = body.split(mark)
    if len(parts) == 2:
        whole, fraction = parts
        if (grouping and len(fraction) == 3 and 1 <= len(whole) <= 3
                and whole[0] != "0"):
            return sign * int(whole + fraction)
        if not fraction:
            raise _CellError(message("not_a_number", value=text))
        return sign * float(f"{whole or '0'}.{fraction}")
    if not grouping:
        raise _CellError(message("not_a_number", value=text))
    return sign * int(_ungroup(body, mark, text))


def _ungroup(text: str, mark: str, original: str) -> str:
    parts = text.split(mark)
    if (not 1 <= len(parts[0]) <= 3 or (len(parts) > 1 and parts[0] == "0")
            or any(len(p) != 3 for p in parts[1:])):
        raise _CellError(message("not_a_number", value=original))
    return "".join(parts)


def _integer(value: RawValue) -> int:
    number = _number(value)
    if isinstance(number, float):
        if not number.is_integer():
            raise _CellError(message("not_an_integer", value=value))
        return int(number)
    return number


def _rupiah(value: RawValue) -> int:
    number = _number(value)
    if isinstance(number, int):
        return number
    return math.floor(number + 0.5)


def _text(value: RawValue) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _nib(value: RawValue) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool | dt.date):
        raise _CellError(message("bad_nib", value=value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise _CellError(message("nib_lost_digits", value=value))
    text = _SPACES.sub("", value)
    if _SCIENTIFIC.match(text):
        raise _CellError(message("nib_lost_digits", value=value))
    return text


def _phone(value: RawValue) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A number cell dropped the leading zero of 0812...; put it back.
        digits = _text(value) or ""
        return "0" + digits if digits.startswith("8") else digits
    return _text(value)


_DATE_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
#: What a person meant as a date after the last colon of a certificate (else it is part of
#: the number, as in ``ISO9001:QMS:123``).
_DATE_LIKE = re.compile(r"^\d+[/.-]\d+[/.-]\d+$|^\d{5}$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _date(text: str) -> dt.date:
    """A date as a sheet writes it: ISO, dd/mm/yyyy, dd-mm-yyyy or an Excel serial number."""
    try:
        if text.isdigit() and len(text) == 5:
            return _excel_serial(int(text))
        match = _DATE_DMY.match(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _CellError(message("bad_date", value=text)) from None


def _excel_serial(serial: float) -> dt.date:
    if not 1 <= serial < 2_958_466:
        raise _CellError(message("bad_date", value=serial))
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


_CERTIFICATE_KINDS: dict[str, str] = {
    "NIB": "NIB", "HALAL": "HALAL", "SERTIFIKATHALAL": "HALAL",
    "PIRT": "PIRT", "SPPIRT": "PIRT", "BPOMMD": "BPOM_MD", "BPOM": "BPOM_MD", "MD": "BPOM_MD",
    "SNI": "SNI", "SPPTSNI": "SNI", "ISO9001": "ISO9001", "ISO": "ISO9001",
    "SMK3": "SMK3", "HYGIENE": "HYGIENE", "HIGIENE": "HYGIENE", "HIGIENIS": "HYGIENE",
    "SLHS": "HYGIENE", "LAIKHYGIENE": "HYGIENE", "LAIKHIGIENE": "HYGIENE",
}
_NOT_KIND_CHARACTERS = re.compile(r"[^0-9A-Z]+")


def _certificates(text: str) -> tuple[list[CertificateRecord], list[Message]]:
    found: list[CertificateRecord] = []
    problems: list[Message] = []
    for part in text.replace("\n", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        kind_text, colon, rest = part.partition(":")
        rest = rest.strip()
        if not colon or not kind_text.strip() or not rest:
            problems.append(message("bad_certificate", value=part))
            continue
        number, valid_until = rest, None
        head, colon, tail = rest.rpartition(":")
        tail = tail.strip()
        if colon and (not tail or _DATE_LIKE.match(tail)):
            number = head.strip()
            if tail:
                try:
                    valid_until = _date(tail)
                except _CellError as error:
                    problems.append(error.reason)
                    continue
        if not number:
            problems.append(message("bad_certificate", value=part))
            continue
        key = _NOT_KIND_CHARACTERS.sub("", kind_text.upper())
        kind = _CERTIFICATE_KINDS.get(key, kind_text.strip().upper())
        found.append(CertificateRecord(kind, number, valid_until=valid_until))
    return found, problems


def _choice_key(text: str) -> str:
    return _NON_ALNUM.sub("", text.casefold())


_LEGAL_FORMS: dict[str, str] = {
    "perorangan": "perorangan", "perseorangan": "perorangan", "usahaperorangan": "perorangan",
    "pribadi": "perorangan", "individu": "perorangan", "individual": "perorangan",
    "ud": "UD", "usahadagang": "UD", "cv": "CV", "pt": "PT", "ptperorangan": "PT",
    "perseroanterbatas": "PT", "koperasi": "koperasi", "kop": "koperasi", "firma": "firma",
    "fa": "firma",
}
_PERIODS: dict[str, str] = {
    "hari": "hari", "harian": "hari", "perhari": "hari", "hr": "hari", "day": "hari",
    "daily": "hari", "perday": "hari",
    "minggu": "minggu", "mingguan": "minggu", "perminggu": "minggu", "pekan": "minggu",
    "week": "minggu", "weekly": "minggu", "perweek": "minggu",
    "bulan": "bulan", "bulanan": "bulan", "perbulan": "bulan", "bln": "bulan",
    "month": "bulan", "monthly": "bulan", "permonth": "bulan",
}
_DISTRICT_PREFIX = re.compile(r"^(?:kecamatan|kec\.?)\s+", re.IGNORECASE)

#: Lengths of text columns the store does not check but the database does.
_LIMITS: dict[str, int] = {
    OWNER: 120, PHONE: 30, EMAIL: 120, VILLAGE: 120, ASSOCIATION: 120, SENTRA: 120,
    PRODUCT: 300, UNIT: 30,
}
_CERTIFICATE_NUMBER_LIMIT = 60
#: Stand-ins for unreadable cells, so the store still checks a row's other cells; a record
#: holding one always has a problem reported for that cell and is never written.
_PLACEHOLDER_CAPACITY = 1e9
_PLACEHOLDER_POINT = (-2.0, 120.0)
_DEFAULT_RADIUS_KM = 50


# --- grouping rows into enterprises ----------------------------------------------------------


@dataclass
class _Group:
    """The rows of one IKM, while the file is read."""

    first_row: int
    name_key: str
    fields: dict[str, Any]
    district_column: str
    nib: str | None = None
    nib_row: int = 0
    rows: list[int] = field(default_factory=list)
    offers: list[OfferRecord] = field(default_factory=list)
    offer_rows: list[int] = field(default_factory=list)
    products: dict[str, int] = field(default_factory=dict)
    certificates: list[CertificateRecord] = field(default_factory=list)
    certificate_rows: list[int] = field(default_factory=list)
    certificate_keys: set[tuple[str, str]] = field(default_factory=set)

    def record(self) -> EnterpriseRecord:
        return EnterpriseRecord(nib=self.nib, offers=tuple(self.offers),
                                certificates=tuple(self.certificates), **self.fields)


class _Parser:
    """Reads rows into groups, collecting every problem rather than stopping at the first."""

    def __init__(self, context: CatalogContext,
                 centroids: Mapping[str, tuple[float, float]] | None) -> None:
        self.context = context
        self.centroids = centroids
        self.groups: list[_Group] = []
        self.problems: list[RowProblem] = []
        self.by_nib: dict[str, _Group] = {}
        self.by_identity: dict[tuple[str, str, str], _Group] = {}
        self.row_group: dict[int, _Group] = {}
        self._districts: dict[tuple[str | None, str | None], tuple[str, str, Message | None]] = {}
        self._categories: dict[str, str] = {}
        self._certificates: dict[str, tuple[list[CertificateRecord], list[Message]]] = {}
        self._pairs: set[tuple[int, int, str]] = set()

    def problem(self, row: int, column: str, reason: Message) -> None:
        self.problems.append(RowProblem(row, column, reason))

    # -- one row --

    def add(self, number: int, row: Mapping[str, RawValue]) -> None:
        for column, value in row.items():
            if isinstance(value, str) and "\x00" in value:
                # PostgreSQL cannot store it, and no name, code or product has one.
                self.problem(number, column, message("nul_character"))
        name = _text(row.get(NAME)) or ""
        if not name:
            self.problem(number, NAME, message("required"))
        code, district_column, district_problem = self._district(row)
        if district_problem is not None:
            self.problem(number, district_column, district_problem)
        village = self._limited(number, VILLAGE, _text(row.get(VILLAGE)))
        nib: str | None = None
        try:
            nib = _nib(row.get(NIB))
        except _CellError as error:
            self.problem(number, NIB, error.reason)
        group = self._group(number, name, nib, code, village, district_column, row)
        group.rows.append(number)
        self.row_group[number] = group
        if any(row.get(column) is not None for column in OFFER_COLUMNS):
            self._offer(number, row, group)
        certificates = row.get(CERTIFICATES)
        if certificates is not None:
            self._add_certificates(number, _text(certificates) or "", group)

    def _district(self, row: Mapping[str, RawValue]) -> tuple[str, str, Message | None]:
        code_text = _text(row.get(DISTRICT_CODE))
        name_text = _text(row.get(DISTRICT))
        key = (code_text, None if code_text else name_text)
        cached = self._districts.get(key)
        if cached is not None:
            return cached
        result: tuple[str, str, Message | None]
        if code_text:
            # The store reports a code it does not know, under this column.
            result = (code_text, DISTRICT_CODE, None)
        elif name_text:
            bare = _DISTRICT_PREFIX.sub("", name_text)
            codes = self.context.district_names.get(name_key(bare), [])
            if len(codes) == 1:
                result = (codes[0], DISTRICT, None)
            elif codes:
                result = ("", DISTRICT, message("ambiguous_district", value=name_text))
            else:
                result = ("", DISTRICT, message("unknown_district", value=name_text))
        else:
            result = ("", DISTRICT_CODE, message("required"))
        self._districts[key] = result
        return result

    def _limited(self, number: int, column: str, text: str | None) -> str | None:
        limit = _LIMITS.get(column)
        if text is not None and limit is not None and len(text) > limit:
            self.problem(number, column, message("too_long", limit=limit))
        return text

    def _group(self, number: int, name: str, nib: str | None, code: str,
               village: str | None, district_column: str,
               row: Mapping[str, RawValue]) -> _Group:
        identity = (code or f"?{_text(row.get(DISTRICT)) or ''}", name_key(village),
                    name_key(name))
        group: _Group | None = None
        if nib:
            named = self.by_nib.get(nib)
            if named is not None and (named.name_key == identity[2] or not identity[2]):
                # The same IKM again (a row without a name is reported as such, not as a
                # second IKM under this NIB).
                group = named
            elif named is not None:
                self._pair(number, named.nib_row, "duplicate_nib", nib, nib)
            if group is None:
                candidate = self.by_identity.get(identity)
                if candidate is not None and candidate.nib in (None, nib):
                    group = candidate
                    if candidate.nib is None:
                        candidate.nib, candidate.nib_row = nib, number
                        self.by_nib.setdefault(nib, candidate)
                elif candidate is not None and candidate.nib is not None:
                    self._pair(number, candidate.nib_row, "conflicting_nib", nib, candidate.nib)
        else:
            group = self.by_identity.get(identity)
        if group is None:
            group = _Group(number, identity[2], self._enterprise_fields(number, name, code,
                                                                       village, row),
                           district_column)
            if nib:
                group.nib, group.nib_row = nib, number
                self.by_nib.setdefault(nib, group)
            self.groups.append(group)
        self.by_identity.setdefault(identity, group)
        return group

    def _pair(self, row: int, other_row: int, key: str, value: str, other_value: str) -> None:
        """A conflict between two rows, reported on both so either can be fixed."""
        if (row, other_row, key) not in self._pairs:
            self._pairs.add((row, other_row, key))
            self.problem(row, NIB, message(key, value=value, other=other_row,
                                           other_value=other_value))
        if (other_row, row, key) not in self._pairs:
            self._pairs.add((other_row, row, key))
            self.problem(other_row, NIB, message(key, value=other_value, other=row,
                                                 other_value=value))

    def _enterprise_fields(self, number: int, name: str, code: str, village: str | None,
                           row: Mapping[str, RawValue]) -> dict[str, Any]:
        legal_text = _text(row.get(LEGAL_FORM))
        legal_form = (_LEGAL_FORMS.get(_choice_key(legal_text), legal_text)
                      if legal_text else "perorangan")
        workers = self._read(number, row, WORKERS, _integer, 1)
        investment = self._read(number, row, INVESTMENT, _rupiah, 0)
        latitude, longitude = self._point(number, row, code)
        return {
            "name": name, "district_bps_code": code, "latitude": latitude,
            "longitude": longitude, "workers": workers, "investment_idr": investment,
            "legal_form": legal_form, "village": village,
            "address": _text(row.get(ADDRESS)),
            "owner_name": self._limited(number, OWNER, _text(row.get(OWNER))),
            "owner_phone": self._limited(number, PHONE, _phone(row.get(PHONE))),
            "owner_email": self._limited(number, EMAIL, _text(row.get(EMAIL))),
            "association": self._limited(number, ASSOCIATION, _text(row.get(ASSOCIATION))),
            "sentra": self._limited(number, SENTRA, _text(row.get(SENTRA))),
        }

    def _read(self, number: int, row: Mapping[str, RawValue], column: str,
              reader: Callable[[RawValue], Any], default: Any) -> Any:
        """The cell read by ``reader``; ``default`` when it is empty or cannot be read."""
        value = row.get(column)
        if value is None:
            return default
        try:
            return reader(value)
        except _CellError as error:
            self.problem(number, column, error.reason)
            return default

    def _point(self, number: int, row: Mapping[str, RawValue], code: str
               ) -> tuple[float, float]:
        values: list[float | None] = []
        for column, placeholder in zip((LATITUDE, LONGITUDE), _PLACEHOLDER_POINT, strict=True):
            raw = row.get(column)
            if raw is None:
                values.append(None)
                continue
            try:
                values.append(float(_number(raw, grouping=False)))
            except _CellError as error:
                self.problem(number, column, error.reason)
                values.append(placeholder)
        latitude, longitude = values
        if latitude is not None and longitude is not None:
            return latitude, longitude
        if latitude is None and longitude is None and self.centroids is not None:
            centroid = self.centroids.get(code)
            if centroid is not None:
                return centroid
        if code in self.context.district_ids:
            # One coordinate alone, or a kecamatan without a centroid to fall back on. (An
            # unknown kecamatan is reported already; its coordinates are not the problem.)
            for column, value in ((LATITUDE, latitude), (LONGITUDE, longitude)):
                if value is None:
                    self.problem(number, column, message("required"))
        return (latitude if latitude is not None else _PLACEHOLDER_POINT[0],
                longitude if longitude is not None else _PLACEHOLDER_POINT[1])

    def _offer(self, number: int, row: Mapping[str, RawValue], group: _Group) -> None:
        product = self._limited(number, PRODUCT, _text(row.get(PRODUCT))) or ""
        if not product:
            self.problem(number, PRODUCT, message("required"))
        else:
            key = name_key(product)
            other = group.products.get(key)
            if other is not None:
                self.problem(number, PRODUCT, message("duplicate_offer", value=product,
                                                      other=other))
            else:
                group.products[key] = number
        for column in (CAPACITY, UNIT, PRICE):
            if row.get(column) is None:
                self.problem(number, column, message("required"))
        unit = self._limited(number, UNIT, _text(row.get(UNIT))) or ""
        period_text = _text(row.get(PERIOD))
        period = _PERIODS.get(_choice_key(period_text), period_text) if period_text else "hari"
        category_text = _text(row.get(CATEGORY))
        group.offers.append(OfferRecord(
            product_name=product,
            quantity=float(self._read(number, row, CAPACITY, _number, _PLACEHOLDER_CAPACITY)),
            unit=unit,
            unit_price_idr=self._read(number, row, PRICE, _rupiah, 0),
            period=period,
            min_order=float(self._read(number, row, MIN_ORDER, _number, 0)),
            lead_time_days=self._read(number, row, LEAD_TIME, _integer, 1),
            delivery_radius_km=self._read(number, row, RADIUS, _integer, _DEFAULT_RADIUS_KM),
            category_code=self._category(category_text) if category_text else None,
        ))
        group.offer_rows.append(number)

    def _category(self, text: str) -> str:
        cached = self._categories.get(text)
        if cached is not None:
            return cached
        units = self.context.category_units
        code = text if text in units else text.casefold().replace(" ", "-")
        if code not in units:
            found = self.context.normaliser.normalise(text)
            # Only a category's own name or alias counts here; a guess would hide a typo.
            code = (found.category_code if found.category_code and found.method == "exact"
                    else text)
        self._categories[text] = code
        return code

    def _add_certificates(self, number: int, text: str, group: _Group) -> None:
        parsed = self._certificates.get(text)
        if parsed is None:
            parsed = self._certificates[text] = _certificates(text)
        certificates, problems = parsed
        for reason in problems:
            self.problem(number, CERTIFICATES, reason)
        for certificate in certificates:
            if len(certificate.number) > _CERTIFICATE_NUMBER_LIMIT:
                self.problem(number, CERTIFICATES,
                             message("too_long", limit=_CERTIFICATE_NUMBER_LIMIT))
                continue
            key = (certificate.kind, certificate.number)
            if key in group.certificate_keys:
                continue
            group.certificate_keys.add(key)
            group.certificates.append(certificate)
            group.certificate_rows.append(number)


def parse_enterprises(rows: Iterable[tuple[int, Mapping[str, RawValue]]],
                      context: CatalogContext, *,
                      centroids: Mapping[str, tuple[float, float]] | None = None,
                      ) -> tuple[list[tuple[list[int], EnterpriseRecord]], list[RowProblem]]:
    """Group rows into IKM records, with each IKM's row numbers and the problems found.

    Rows are grouped by NIB, or by name within the same desa and kecamatan. The offers of a
    record follow its rows that have offer columns, in order. ``centroids`` (BPS code ->
    latitude, longitude; see :func:`load_centroids`) fills in missing coordinates; without it
    coordinates are required. A record with a problem may hold stand-in values for the cells
    that could not be read: never write it.
    """
    parser = _Parser(context, centroids)
    for number, row in rows:
        parser.add(number, row)
    return ([(group.rows, group.record()) for group in parser.groups],
            sorted(parser.problems, key=_problem_order))


def load_centroids(*, session: Session) -> dict[str, tuple[float, float]]:
    """BPS code of each kecamatan -> its centroid (latitude, longitude)."""
    return {code: (latitude, longitude) for code, latitude, longitude in session.execute(
        select(Region.bps_code, Region.latitude, Region.longitude)
        .where(Region.level == "district"))}


_COLUMN_ORDER = {name: index for index, name in enumerate(COLUMNS)}


def _problem_order(problem: RowProblem) -> tuple[int, int, str]:
    return problem.row, _COLUMN_ORDER.get(problem.column, len(COLUMNS)), problem.column


# --- mapping the store's problems back to cells --------------------------------------------

_ENTERPRISE_FIELDS: dict[str, str] = {
    "name": NAME, "nib": NIB, "legal_form": LEGAL_FORM, "workers": WORKERS,
    "investment_idr": INVESTMENT, "latitude": LATITUDE, "longitude": LONGITUDE,
    "village": VILLAGE, "address": ADDRESS, "owner_name": OWNER, "owner_phone": PHONE,
    "owner_email": EMAIL, "association": ASSOCIATION, "sentra": SENTRA,
}
_OFFER_FIELDS: dict[str, str] = {
    "product_name": PRODUCT, "category_code": CATEGORY, "quantity": CAPACITY, "unit": UNIT,
    "period": PERIOD, "unit_price_idr": PRICE, "min_order": MIN_ORDER,
    "lead_time_days": LEAD_TIME, "delivery_radius_km": RADIUS,
}
_LISTED_FIELD = re.compile(r"^(offers|certificates)\[(\d+)\]\.(\w+)$")


def _cell_of(group: _Group, field_name: str) -> tuple[int, str]:
    match = _LISTED_FIELD.match(field_name)
    if match:
        kind, index, name = match.group(1), int(match.group(2)), match.group(3)
        if kind == "offers" and index < len(group.offer_rows):
            return group.offer_rows[index], _OFFER_FIELDS.get(name, name)
        if kind == "certificates" and index < len(group.certificate_rows):
            return group.certificate_rows[index], CERTIFICATES
        return group.first_row, field_name
    if field_name == "district_bps_code":
        return group.first_row, group.district_column
    if field_name == "nib" and group.nib_row:
        return group.nib_row, NIB
    return group.first_row, _ENTERPRISE_FIELDS.get(field_name, field_name)


def _validate(parser: _Parser) -> tuple[list[tuple[_Group, PreparedEnterprise | None]],
                                        list[RowProblem]]:
    problems = list(parser.problems)
    reported = {(p.row, p.column) for p in problems}
    results: list[tuple[_Group, PreparedEnterprise | None]] = []
    for group in parser.groups:
        try:
            results.append((group, prepare_enterprise(group.record(), parser.context)))
        except InvalidRecord as error:
            results.append((group, None))
            for invalid in error.problems:
                row, column = _cell_of(group, invalid.field)
                # A cell already reported (unreadable, required) holds a stand-in value the
                # store may complain about again; one problem per cell is enough.
                if (row, column) not in reported:
                    reported.add((row, column))
                    problems.append(RowProblem(row, column, invalid.reason))
    problems.sort(key=_problem_order)
    return results, problems


# --- the import ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    """What an import found and did.

    ``rows`` counts the file's data rows, ``enterprises`` the IKM they describe, and
    ``valid_rows`` the rows of IKM without problems (written unless ``dry_run``).
    """

    path: str
    rows: int
    enterprises: int
    valid_rows: int
    problems: list[RowProblem]
    written: bool
    summary: WriteSummary | None

    @property
    def ok(self) -> bool:
        return not self.problems


_PROGRESS_EVERY = 1000


def _counted(rows: Iterator[tuple[int, dict[str, RawValue]]],
             progress: Callable[[int], None] | None, counter: list[int]
             ) -> Iterator[tuple[int, dict[str, RawValue]]]:
    for item in rows:
        counter[0] += 1
        if progress is not None and counter[0] % _PROGRESS_EVERY == 0:
            progress(counter[0])
        yield item
    if progress is not None:
        progress(counter[0])


def import_enterprises(path: Path, *, session: Session, dry_run: bool = False,
                       only_valid_rows: bool = False, max_bytes: int = 50 * 1024 * 1024,
                       ignore_unknown_columns: bool = False, today: dt.date | None = None,
                       progress: Callable[[int], None] | None = None) -> ImportReport:
    """Validate every row of ``path`` and, when all is well, write its IKM to the catalog.

    Raises :class:`ImportRejected` (nothing written) when any row has a problem, unless
    ``only_valid_rows`` (write the IKM without problems, skip the others whole) or ``dry_run``
    (write nothing; problems are in the report). :class:`UnreadableFile` and
    :class:`FileTooLarge` are raised in every mode. ``progress`` is called with the number of
    rows read so far, every thousand rows and at the end. Never commits.
    """
    path = Path(path)
    context = CatalogContext.load(session=session, today=today)
    parser = _Parser(context, load_centroids(session=session))
    counter = [0]
    try:
        for number, row in _counted(read_rows(path, max_bytes=max_bytes,
                                              ignore_unknown_columns=ignore_unknown_columns),
                                    progress, counter):
            parser.add(number, row)
    except ImportRejected as rejected:
        # Missing or unknown columns: no row can be read as meant, so there is nothing valid
        # to write even with only_valid_rows.
        if dry_run:
            return ImportReport(str(path), 0, 0, 0, rejected.problems, False, None)
        raise
    # Batch first: every product name is normalised in one pass (deduplicated, fuzzy stage
    # vectorised); validation then finds each decision ready.
    context.normaliser.normalise_many([
        offer.product_name for group in parser.groups for offer in group.offers])
    results, problems = _validate(parser)
    bad_groups = {id(parser.row_group[p.row]) for p in problems if p.row in parser.row_group}
    good = [(group, prepared) for group, prepared in results
            if prepared is not None and id(group) not in bad_groups]
    valid_rows = sum(len(group.rows) for group, _prepared in good)
    if problems and not only_valid_rows and not dry_run:
        raise ImportRejected(str(path), problems)
    summary: WriteSummary | None = None
    if not dry_run:
        summary = write_enterprises([prepared for _group, prepared in good], session=session)
    return ImportReport(str(path), counter[0], len(parser.groups), valid_rows, problems,
                        not dry_run, summary)

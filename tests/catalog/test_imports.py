"""Importing IKM from Excel and CSV: reading, grouping, converting, and writing all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.exceptions import FileTooLarge, ImportRejected, RowProblem, UnreadableFile
from catalog.imports import (
    COLUMNS,
    ImportReport,
    import_enterprises,
    parse_enterprises,
    parse_number,
    read_rows,
)
from catalog.models import Category, CategoryAlias, Certificate, Enterprise, Offer
from catalog.records import RegionRecord
from catalog.store import CatalogContext, load_regions

TODAY = dt.date(2026, 11, 22)
REGIONS = [
    RegionRecord("72", "72", "province", "provinsi", "Sulawesi Tengah", None, -1.43, 121.44),
    RegionRecord("7203", "72.06", "regency", "kabupaten", "Morowali", "72", -2.55, 121.97),
    RegionRecord("7206", "72.12", "regency", "kabupaten", "Morowali Utara", "72", -1.98,
                 121.34),
    RegionRecord("7203010", "72.06.10", "district", "kecamatan", "Bahodopi", "7203",
                 -2.82, 122.15),
    RegionRecord("7203040", "72.06.04", "district", "kecamatan", "Bungku Tengah", "7203",
                 -2.55, 121.97),
    # Two kecamatan of the same name in different regencies, to make a name ambiguous.
    RegionRecord("7203099", "72.06.99", "district", "kecamatan", "Sumber Rejeki", "7203",
                 -2.60, 122.00),
    RegionRecord("7206099", "72.12.99", "district", "kecamatan", "Sumber Rejeki", "7206",
                 -1.90, 121.40),
]
CATEGORIES = [
    ("katering-kontrak", "Katering kontrak", "Contract catering", "porsi", ["nasbox"]),
    ("sepatu-safety", "Sepatu keselamatan", "Safety footwear", "pasang", ["sepatu safety"]),
    ("sayur-daun", "Sayuran daun", "Leafy vegetables", "kg", ["sayur", "sayur mayur"]),
]
NIB_ANI = "9120001234567"
NIB_BUDI = "9120007654321"

#: A caterer in Fatufia, Bahodopi, as an association would type her first row.
ANI: dict[str, object] = {
    "Nama IKM": "Katering Bu Ani", "NIB": NIB_ANI, "Bentuk Usaha": "UD",
    "Nama Pemilik": "Ani Lestari", "Telepon": "081234567890", "Kode Kecamatan": "7203010",
    "Kecamatan": "Bahodopi", "Desa": "Fatufia", "Tenaga Kerja": "6",
    "Investasi (Rp)": "150.000.000", "Produk": "nasbox ayam", "Kapasitas": "500",
    "Satuan": "porsi", "Periode": "hari", "Harga (Rp)": "Rp 25.000",
    "Sertifikat": "HALAL:ID31110000123:2028-01-01",
}
#: A safety-shoe maker in Bungku Tengah, without NIB.
BUDI: dict[str, object] = {
    "Nama IKM": "Sepatu Pak Budi", "Kode Kecamatan": "7203040", "Desa": "Bente",
    "Produk": "sepatu safety", "Kapasitas": "5", "Satuan": "lusin",
    "Harga (Rp)": "1.200.000", "Periode": "minggu",
}


def row(base: Mapping[str, object], **changes: object) -> dict[str, object]:
    """``base`` with changes; keyword names use underscores for spaces (``Harga_Rp``)."""
    mapped = dict(base)
    for key, value in changes.items():
        mapped[_COLUMN_BY_KWARG[key]] = value
    return mapped


_COLUMN_BY_KWARG = {
    c.replace(" ", "_").replace("(", "").replace(")", ""): c for c in COLUMNS
}


def write_csv(path: Path, rows: Sequence[Mapping[str, object]],
              header: Sequence[str] = COLUMNS, *, delimiter: str = ";",
              encoding: str = "utf-8", names: Sequence[str] | None = None) -> Path:
    """A CSV file of ``rows`` (keyed by canonical column) under ``names`` as its header."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(names or header)
        for values in rows:
            writer.writerow(["" if values.get(c) is None else values.get(c) for c in header])
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], *, sheet: str = "IKM",
               other_sheet_first: bool = False) -> Path:
    """A workbook whose sheet ``sheet`` holds ``rows`` as they are (header first)."""
    workbook = openpyxl.Workbook()
    active = workbook.active
    assert active is not None
    if other_sheet_first:
        active.title = "Petunjuk"
        active.append(["Isi sheet IKM; sheet ini catatan saja."])
        target = workbook.create_sheet(sheet)
    else:
        active.title = sheet
        target = active
    for values in rows:
        target.append(list(values))
    workbook.save(path)
    return path


def rewrite_xml(path: Path, old: str, new: str) -> None:
    """Replace text in the first sheet's XML of the workbook at ``path``."""
    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    assert old.encode() in parts[name]
    parts[name] = parts[name].replace(old.encode(), new.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for filename, data in parts.items():
            target.writestr(filename, data)


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def assert_nothing_written(session: Session) -> None:
    assert (count(session, Enterprise), count(session, Offer), count(session, Certificate)) \
        == (0, 0, 0)


def problem_cells(problems: Sequence[RowProblem]) -> set[tuple[int, str, str]]:
    return {(p.row, p.column, p.reason.key) for p in problems}


@pytest.fixture
def catalog(session: Session) -> Session:
    """Three Morowali kecamatan (one name shared with Morowali Utara) and three categories."""
    load_regions(REGIONS, session=session)
    for code, name_id, name_en, unit, aliases in CATEGORIES:
        session.add(Category(code=code, name_id=name_id, name_en=name_en, sector="pangan",
                             unit=unit, agro=True,
                             aliases=[CategoryAlias(alias=a, source="taxonomy") for a in aliases]))
    session.flush()
    return session


def run(path: Path, session: Session, **options: Any) -> ImportReport:
    return import_enterprises(path, session=session, today=TODAY, **options)


def rejected(path: Path, session: Session, **options: Any) -> ImportRejected:
    with pytest.raises(ImportRejected) as raised:
        run(path, session, **options)
    assert_nothing_written(session)
    return raised.value


# --- numbers (pure) ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("1500", 1500), ("1.500", 1500), ("1.500,5", 1500.5), ("Rp 25.000", 25_000),
    ("Rp25.000,-", 25_000), ("Rp. 1.250.000", 1_250_000), ("25,000", 25_000),
    ("1,250,000.75", 1_250_000.75), ("2,5", 2.5), ("2.5", 2.5), ("0,250", 0.25),
    ("1234.567", 1234.567), ("-3", -3), ("1 500", 1500), (750, 750), (2.25, 2.25),
])
def test_reads_numbers_as_indonesians_write_them(text: str | int | float,
                                                 expected: float) -> None:
    """Dots group thousands, a comma is the decimal mark, 'Rp' and ',-' are ignored."""
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["1.50.000", "12,34,5", "dua ratus", "1.000,", "Rp"])
def test_rejects_numbers_that_are_not_numbers(text: str) -> None:
    """Malformed groupings and words are not numbers, rather than a guessed value."""
    with pytest.raises(ValueError, match="not a number"):
        parse_number(text)


def test_coordinates_are_never_grouped() -> None:
    """A coordinate with three decimals keeps them, whatever the decimal mark."""
    assert parse_number("-2,835", grouping=False) == -2.835
    assert parse_number("122.150", grouping=False) == 122.15


# --- good files --------------------------------------------------------------------------


def test_imports_csv_separated_by_semicolons(catalog: Session, tmp_path: Path) -> None:
    """A ';' CSV as Indonesian Excel saves it imports IKM, offer and certificate."""
    path = write_csv(tmp_path / "ikm.csv", [ANI])
    report = run(path, catalog)
    enterprise = catalog.scalars(select(Enterprise)).one()
    offer = catalog.scalars(select(Offer)).one()
    certificate = catalog.scalars(select(Certificate)).one()
    assert (report.rows, report.enterprises, report.valid_rows, report.written) == (1, 1, 1, True)
    assert (enterprise.name, enterprise.nib, enterprise.legal_form, enterprise.village,
            enterprise.workers, enterprise.investment_idr, enterprise.size_class) == (
        "Katering Bu Ani", NIB_ANI, "UD", "Fatufia", 6, 150_000_000, "kecil")
    assert (offer.category_code, offer.capacity, offer.unit_price_idr, offer.period) == (
        "katering-kontrak", 500, 25_000, "hari")
    assert (certificate.kind, certificate.number, certificate.valid_until) == (
        "HALAL", "ID31110000123", dt.date(2028, 1, 1))


def test_imports_xlsx_from_the_sheet_named_ikm(catalog: Session, tmp_path: Path) -> None:
    """An .xlsx is read from its 'IKM' sheet, with numbers, a whole-number NIB and dates."""
    header = ["Nama IKM", "NIB", "Kode Kecamatan", "Desa", "Produk", "Kapasitas", "Satuan",
              "Harga (Rp)", "Lintang", "Bujur", "Telepon", "Sertifikat"]
    values = ["Katering Bu Ani", int(NIB_ANI), 7203010, "Fatufia", "nasbox ayam", 500,
              "porsi", 25000, -2.8312, 122.1571, 81234567890, "HALAL:ID-1:01/05/2027"]
    path = write_xlsx(tmp_path / "ikm.xlsx", [header, values], other_sheet_first=True)
    run(path, catalog)
    enterprise = catalog.scalars(select(Enterprise)).one()
    assert (enterprise.nib, enterprise.latitude, enterprise.longitude, enterprise.owner_phone) \
        == (NIB_ANI, -2.8312, 122.1571, "081234567890")
    assert catalog.scalars(select(Certificate.valid_until)).one() == dt.date(2027, 5, 1)


def test_defaults_fill_empty_optional_cells(catalog: Session, tmp_path: Path) -> None:
    """Empty optional cells take the documented defaults, coordinates the kecamatan centroid."""
    minimal = {"Nama IKM": "Sayur Ibu Wati", "Kecamatan": "Bahodopi", "Produk": "sayur kangkung",
               "Kapasitas": "40", "Satuan": "kg", "Harga (Rp)": "8.000"}
    run(write_csv(tmp_path / "ikm.csv", [minimal]), catalog)
    enterprise = catalog.scalars(select(Enterprise)).one()
    offer = catalog.scalars(select(Offer)).one()
    assert (enterprise.legal_form, enterprise.workers, enterprise.investment_idr,
            enterprise.latitude, enterprise.longitude, enterprise.size_class) == (
        "perorangan", 1, 0, -2.82, 122.15, "mikro")
    assert (offer.period, offer.lead_time_days, offer.delivery_radius_km, offer.min_order,
            offer.category_code, offer.category_method) == (
        "hari", 1, 50, 0, "sayur-daun", "alias")


@pytest.mark.parametrize("names", [
    ["nama usaha", "Nomor Induk Berusaha", "KODE KEC.", "Desa/Kelurahan", "Nama Produk",
     "Kapasitas Produksi", "satuan", "Harga Satuan", "Jumlah Tenaga Kerja"],
    ["Nama Perusahaan", "NIB", "Kode Kecamatan", "Kelurahan", "Komoditas", "Kapasitas",
     "Satuan", "Harga", "TK"],
    ["Enterprise name", "Business ID", "District code", "Village", "Product", "Capacity",
     "Unit", "Price (IDR)", "Workers"],
])
def test_accepts_header_variants_and_english_headers(catalog: Session, tmp_path: Path,
                                                     names: list[str]) -> None:
    """Headers match ignoring case and punctuation, in common Indonesian and English forms."""
    header = ["Nama IKM", "NIB", "Kode Kecamatan", "Desa", "Produk", "Kapasitas", "Satuan",
              "Harga (Rp)", "Tenaga Kerja"]
    path = write_csv(tmp_path / "ikm.csv", [{**ANI, "Tenaga Kerja": "7"}], header,
                     names=names, delimiter=",")
    run(path, catalog)
    enterprise = catalog.scalars(select(Enterprise)).one()
    assert (enterprise.nib, enterprise.village, enterprise.workers) == (NIB_ANI, "Fatufia", 7)
    assert catalog.scalars(select(Offer.unit_price_idr)).one() == 25_000


def test_skips_a_title_row_above_the_header(catalog: Session, tmp_path: Path) -> None:
    """A title row over the table is not the header; row numbers stay the sheet's."""
    header = ["Nama IKM", "Kode Kecamatan", "Produk", "Kapasitas", "Satuan", "Harga (Rp)"]
    path = write_xlsx(tmp_path / "ikm.xlsx", [
        ["DATA IKM KABUPATEN MOROWALI 2026"], [], header,
        ["Katering Bu Ani", "7203010", "nasbox", 500, "porsi", 25000],
        ["Katering Bu Ani", "7203010", "nasbox telur", 500, "kilo", 20000],
    ])
    raised = rejected(path, catalog)
    assert problem_cells(raised.problems) == {(5, "Satuan", "incompatible_unit")}


def test_groups_the_rows_of_one_ikm(catalog: Session, tmp_path: Path) -> None:
    """Rows sharing a NIB are one IKM with one offer per row; later rows may be blank."""
    rows = [ANI,
            {"Nama IKM": "Katering Bu Ani", "NIB": NIB_ANI, "Kode Kecamatan": "7203010",
             "Produk": "sayur mayur", "Kapasitas": "2", "Satuan": "ton",
             "Harga (Rp)": "9.000.000"},
            row(ANI, Produk="nasi kotak katering kontrak", Kapasitas="300",
                Sertifikat="HALAL:ID31110000123:2028-01-01;PIRT:P-IRT 2067203010123:")]
    report = run(write_csv(tmp_path / "ikm.csv", rows), catalog)
    assert (report.rows, report.enterprises) == (3, 1)
    assert count(catalog, Enterprise) == 1
    assert count(catalog, Offer) == 3
    assert sorted(catalog.scalars(select(Certificate.kind))) == ["HALAL", "PIRT"]


def test_groups_rows_without_nib_by_name_desa_and_kecamatan(catalog: Session,
                                                            tmp_path: Path) -> None:
    """Without NIB, the same name in the same desa is one IKM; in another desa, another."""
    rows = [BUDI, row(BUDI, Produk="sepatu safety boot", Nama_IKM="SEPATU  pak budi"),
            row(BUDI, Desa="Bahontula")]
    run(write_csv(tmp_path / "ikm.csv", rows), catalog)
    assert sorted(catalog.scalars(select(Enterprise.village))) == ["Bahontula", "Bente"]
    assert count(catalog, Offer) == 3


def test_row_without_offer_columns_is_an_ikm_without_offers(catalog: Session,
                                                           tmp_path: Path) -> None:
    """A row with every offer column empty lists an IKM with no offer yet; once one offer
    column is filled, the other required ones must be too."""
    bare = {key: value for key, value in BUDI.items()
            if key not in ("Produk", "Kapasitas", "Satuan", "Harga (Rp)", "Periode")}
    path = write_csv(tmp_path / "ikm.csv", [bare, row(bare, Nama_IKM="Las Pak Made",
                                                      Kapasitas="10")])
    raised = rejected(path, catalog)
    assert problem_cells(raised.problems) == {
        (3, "Produk", "required"), (3, "Satuan", "required"), (3, "Harga (Rp)", "required")}
    run(write_csv(tmp_path / "ikm.csv", [bare]), catalog)
    assert (count(catalog, Enterprise), count(catalog, Offer)) == (1, 0)


def test_parse_enterprises_returns_row_numbers_of_each_ikm(catalog: Session,
                                                           tmp_path: Path) -> None:
    """Parsing alone groups rows and keeps each IKM's spreadsheet row numbers."""
    path = write_csv(tmp_path / "ikm.csv", [ANI, BUDI, row(ANI, Produk="sayur", Satuan="kg")])
    context = CatalogContext.load(session=catalog, today=TODAY)
    groups, problems = parse_enterprises(read_rows(path, max_bytes=10_000), context,
                                         centroids={"7203010": (-2.82, 122.15),
                                                    "7203040": (-2.55, 121.97)})
    assert problems == []
    assert [(rows, record.name, len(record.offers)) for rows, record in groups] == [
        ([2, 4], "Katering Bu Ani", 2), ([3], "Sepatu Pak Budi", 1)]


def test_converts_units_into_the_category_unit(catalog: Session, tmp_path: Path) -> None:
    """2 ton of vegetables at Rp9.000.000 a ton is 2000 kg at Rp9.000; 5 lusin at Rp1.200.000
    a lusin is 60 pasang at Rp100.000."""
    rows = [row(ANI, Produk="sayur mayur", Kapasitas="2", Satuan="ton",
                Harga_Rp="Rp 9.000.000"), BUDI]
    run(write_csv(tmp_path / "ikm.csv", rows), catalog)
    offers = set(catalog.execute(select(Offer.category_code, Offer.capacity,
                                        Offer.unit_price_idr)).all())
    assert offers == {("sayur-daun", 2000, 9000), ("sepatu-safety", 60, 100_000)}


def test_parses_certificates_with_and_without_dates(catalog: Session, tmp_path: Path) -> None:
    """KIND:NUMBER:VALID_UNTIL separated by ';', kinds loosely spelt, dates ISO or dd/mm/yyyy."""
    text = "HALAL:ID123:2027-05-01; P-IRT:P-IRT 123:;SLHS:HY/9/2026:31/12/2027;ISO 9001:QMS:77"
    run(write_csv(tmp_path / "ikm.csv", [row(ANI, Sertifikat=text)]), catalog)
    found = set(catalog.execute(select(Certificate.kind, Certificate.number,
                                       Certificate.valid_until)).all())
    assert found == {("HALAL", "ID123", dt.date(2027, 5, 1)), ("PIRT", "P-IRT 123", None),
                     ("HYGIENE", "HY/9/2026", dt.date(2027, 12, 31)),
                     ("ISO9001", "QMS:77", None)}


def test_reads_kecamatan_by_unique_name(catalog: Session, tmp_path: Path) -> None:
    """A kecamatan may be named instead of coded when the name is unique."""
    run(write_csv(tmp_path / "ikm.csv", [row(BUDI, Kode_Kecamatan=None,
                                             Kecamatan="Kec. Bungku Tengah")]), catalog)
    assert catalog.scalars(select(Enterprise.latitude)).one() == -2.55


def test_csv_with_byte_order_mark_and_commas(catalog: Session, tmp_path: Path) -> None:
    """UTF-8 with a BOM and ',' separators reads the same as the ';' form."""
    path = write_csv(tmp_path / "ikm.csv", [row(ANI, Nama_IKM="Warung Bu Ani — Fatufia")],
                     delimiter=",", encoding="utf-8-sig")
    run(path, catalog)
    assert catalog.scalars(select(Enterprise.name)).one() == "Warung Bu Ani — Fatufia"


def test_progress_reports_rows_read(catalog: Session, tmp_path: Path) -> None:
    """The progress callback ends with the number of data rows read."""
    seen: list[int] = []
    rows = [row(ANI, Produk=f"nasbox menu {i}") for i in range(2500)]
    run(write_csv(tmp_path / "ikm.csv", rows), catalog, progress=seen.append)
    assert seen == [1000, 2000, 2500]


# --- re-import ---------------------------------------------------------------------------


def test_reimporting_the_same_file_creates_no_duplicates(catalog: Session,
                                                         tmp_path: Path) -> None:
    """A second import of a file updates what the first created and adds nothing."""
    path = write_csv(tmp_path / "ikm.csv", [ANI, row(ANI, Produk="sayur", Satuan="kg"), BUDI])
    first = run(path, catalog)
    second = run(path, catalog)
    assert (count(catalog, Enterprise), count(catalog, Offer), count(catalog, Certificate)) \
        == (2, 3, 1)
    assert first.summary.enterprises_created == 2
    assert (second.summary.enterprises_created, second.summary.enterprises_updated,
            second.summary.offers_created) == (0, 2, 0)


def test_reimport_matches_on_nib_even_when_the_name_changed(catalog: Session,
                                                            tmp_path: Path) -> None:
    """The NIB identifies an IKM: a new spelling of its name updates it."""
    run(write_csv(tmp_path / "a.csv", [ANI]), catalog)
    run(write_csv(tmp_path / "b.csv", [row(ANI, Nama_IKM="Katering Ibu Ani (Fatufia)",
                                           Tenaga_Kerja="9")]), catalog)
    assert catalog.execute(select(Enterprise.name, Enterprise.workers)).all() == [
        ("Katering Ibu Ani (Fatufia)", 9)]


def test_reimport_matches_on_name_and_desa_without_nib(catalog: Session,
                                                       tmp_path: Path) -> None:
    """Without NIB an IKM is recognised by its name within its desa."""
    run(write_csv(tmp_path / "a.csv", [BUDI]), catalog)
    run(write_csv(tmp_path / "b.csv", [row(BUDI, Nama_IKM="sepatu PAK budi", Kapasitas="8")]),
        catalog)
    assert count(catalog, Enterprise) == 1
    assert catalog.scalars(select(Offer.capacity)).one() == 96


# --- bad files: nothing is written -------------------------------------------------------


def test_rejects_missing_required_column(catalog: Session, tmp_path: Path) -> None:
    """A file without a required column is refused, naming the column on the header row."""
    header = [c for c in COLUMNS if c != "Harga (Rp)"]
    raised = rejected(write_csv(tmp_path / "ikm.csv", [ANI], header), catalog)
    assert problem_cells(raised.problems) == {(1, "Harga (Rp)", "missing_columns")}


def test_rejects_file_without_kecamatan_column(catalog: Session, tmp_path: Path) -> None:
    """Neither Kode Kecamatan nor Kecamatan: the file cannot place its IKM."""
    header = [c for c in COLUMNS if c not in ("Kode Kecamatan", "Kecamatan")]
    raised = rejected(write_csv(tmp_path / "ikm.csv", [ANI], header), catalog)
    assert [p.reason.render("en") for p in raised.problems] == [
        "required columns missing: Kode Kecamatan / Kecamatan"]


def test_rejects_unknown_column_unless_told_to_ignore_it(catalog: Session,
                                                         tmp_path: Path) -> None:
    """A misspelt header is an error naming it; ignore_unknown_columns accepts the file."""
    header = [*COLUMNS, "Hraga Grosir"]
    path = write_csv(tmp_path / "ikm.csv", [ANI], header)
    raised = rejected(path, catalog)
    assert problem_cells(raised.problems) == {(1, "Hraga Grosir", "unknown_columns")}
    run(path, catalog, ignore_unknown_columns=True)
    assert count(catalog, Enterprise) == 1


def test_rejects_a_column_given_twice(catalog: Session, tmp_path: Path) -> None:
    """'Desa' and 'Kelurahan' are the same column; two of them are ambiguous."""
    header = [*COLUMNS, "Kelurahan"]
    raised = rejected(write_csv(tmp_path / "ikm.csv", [ANI], header), catalog)
    assert problem_cells(raised.problems) == {(1, "Kelurahan", "duplicate_column")}


@pytest.mark.parametrize("nib", ["912000123456", "91200012345AB"])
def test_rejects_bad_nib(catalog: Session, tmp_path: Path, nib: str) -> None:
    """A NIB that is not 13 digits is refused on its row and column."""
    raised = rejected(write_csv(tmp_path / "ikm.csv", [row(ANI, NIB=nib)]), catalog)
    assert problem_cells(raised.problems) == {(2, "NIB", "bad_nib")}


def test_rejects_nib_stored_as_a_decimal_number(catalog: Session, tmp_path: Path) -> None:
    """A NIB a spreadsheet kept as 1.23456789012E12 has lost a digit and is refused."""
    header = ["Nama IKM", "NIB", "Kode Kecamatan", "Produk", "Kapasitas", "Satuan",
              "Harga (Rp)"]
    path = write_xlsx(tmp_path / "ikm.xlsx", [
        header, ["Katering Bu Ani", 1234567890120, "7203010", "nasbox", 500, "porsi", 1]])
    # openpyxl writes whole numbers plainly; other writers use scientific notation.
    rewrite_xml(path, "<v>1234567890120</v>", "<v>1.23456789012E12</v>")
    raised = rejected(path, catalog)
    assert problem_cells(raised.problems) == {(2, "NIB", "nib_lost_digits")}


def test_rejects_nib_in_scientific_notation_in_csv(catalog: Session, tmp_path: Path) -> None:
    """A CSV saved from a sheet showing 9,12E+12 carries no NIB any more; it is refused."""
    raised = rejected(write_csv(tmp_path / "ikm.csv", [row(ANI, NIB="9,12E+12")]), catalog)
    assert problem_cells(raised.problems) == {(2, "NIB", "nib_lost_digits")}


def test_rejects_negative_capacity(catalog: Session, tmp_path: Path) -> None:
    """A capacity below zero is refused on its row."""
    raised = rejected(write_csv(tmp_path / "ikm.csv", [BUDI, row(ANI, Kapasitas="-500")]),
                      catalog)
    assert problem_cells(raised.problems) == {(3, "Kapasitas", "must_be_positive")}


@pytest.mark.parametrize(("changes", "column"), [
    ({"Kode_Kecamatan": "7203999"}, "Kode Kecamatan"),
    ({"Kode_Kecamatan": None, "Kecamatan": "Atlantis"}, "Kecamatan"),
])
def test_rejects_unknown_kecamatan(catalog: Session, tmp_path: Path,
                                   changes: dict[str, object], column: str) -> None:
    """A kecamatan the catalog does not know, by code or by name, is refused."""
    raised = rejected(write_csv(tmp_path / "ikm.csv", [row(ANI, **changes)]), catalog)
    assert problem_cells(raised.problems) == {(2, column, "unknown_district")}


def test_ambiguous_kecamatan_name_asks_for_the_code(catalog: Session, tmp_path: Path) -> None:
    """A kecamatan name found in two regencies is refused, asking for Kode Kecamatan."""
    raised = rejected(write_csv(tmp_path / "ikm.csv", [
        row(BUDI, Kode_Kecamatan=None, Kecamatan="Sumber Rejeki")]), catalog)
    assert problem_cells(raised.problems) == {(2, "Kecamatan", "ambiguous_district")}
    assert "Kode Kecamatan" in raised.problems[0].render("id")


def test_rejects_unit_incompatible_with_the_category(catalog: Session, tmp_path: Path) -> None:
    """Catering sold by the kg is refused on its row's Satuan."""
    raised = rejected(write_csv(tmp_path / "ikm.csv", [row(ANI, Satuan="kg")]), catalog)
    assert problem_cells(raised.problems) == {(2, "Satuan", "incompatible_unit")}


def test_problem_in_a_later_row_of_an_ikm_names_that_row(catalog: Session,
                                                          tmp_path: Path) -> None:
    """A bad offer on an IKM's third row is reported on that row, not its first."""
    rows = [ANI, BUDI, row(ANI, Produk="sayur", Satuan="kg"), row(ANI, Produk="sepatu safety",
                                                                    Satuan="kg")]
    raised = rejected(write_csv(tmp_path / "ikm.csv", rows), catalog)
    assert problem_cells(raised.problems) == {(5, "Satuan", "incompatible_unit")}


def test_reports_every_problem_at_once(catalog: Session, tmp_path: Path) -> None:
    """All problems of a file are listed together, each with its row and column."""
    rows = [row(ANI, Tenaga_Kerja="enam", Harga_Rp=None),
            row(BUDI, Kapasitas="1.50.000", Sertifikat="HALAL"),
            row(BUDI, Nama_IKM="Las Pak Made", Produk="jasa las pagar", Desa="Bente")]
    raised = rejected(write_csv(tmp_path / "ikm.csv", rows), catalog)
    assert problem_cells(raised.problems) == {
        (2, "Tenaga Kerja", "not_a_number"), (2, "Harga (Rp)", "required"),
        (3, "Kapasitas", "not_a_number"), (3, "Sertifikat", "bad_certificate"),
        (4, "Produk", "uncategorised")}
    assert [p.row for p in raised.problems] == sorted(p.row for p in raised.problems)


def test_rejects_same_nib_under_two_names(catalog: Session, tmp_path: Path) -> None:
    """One NIB on two IKM of different names is refused on both rows, each naming the other."""
    rows = [ANI, BUDI, row(BUDI, NIB=NIB_ANI, Produk="sepatu safety boot")]
    raised = rejected(write_csv(tmp_path / "ikm.csv", rows), catalog)
    assert {(p.row, p.column, p.reason.key, p.reason.params["other"])
            for p in raised.problems} == {(4, "NIB", "duplicate_nib", 2),
                                          (2, "NIB", "duplicate_nib", 4)}


def test_rejects_same_product_twice_for_one_ikm(catalog: Session, tmp_path: Path) -> None:
    """The same product on two rows of one IKM is refused: which price would be meant?"""
    raised = rejected(write_csv(tmp_path / "ikm.csv", [ANI, row(ANI, Harga_Rp="27.000")]),
                      catalog)
    assert problem_cells(raised.problems) == {(3, "Produk", "duplicate_offer")}


def test_rejects_empty_file(catalog: Session, tmp_path: Path) -> None:
    """A file with nothing in it is refused as empty."""
    path = tmp_path / "ikm.csv"
    path.write_bytes(b"")
    with pytest.raises(UnreadableFile) as raised:
        run(path, catalog)
    assert raised.value.reason.key == "empty_file"
    assert_nothing_written(catalog)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_rejects_header_only_file(catalog: Session, tmp_path: Path, suffix: str) -> None:
    """A header without data rows is refused as empty."""
    path = (write_csv(tmp_path / "ikm.csv", []) if suffix == "csv"
            else write_xlsx(tmp_path / "ikm.xlsx", [list(COLUMNS), [None, None]]))
    with pytest.raises(UnreadableFile) as raised:
        run(path, catalog)
    assert raised.value.reason.key == "empty_file"
    assert_nothing_written(catalog)


def test_rejects_csv_not_in_utf8_naming_the_line(catalog: Session, tmp_path: Path) -> None:
    """Latin-1 bytes on line 3 are refused with a message that names line 3."""
    path = write_csv(tmp_path / "ikm.csv", [ANI, row(BUDI, Nama_IKM="Sepatu Pak José")],
                     encoding="latin-1")
    with pytest.raises(UnreadableFile) as raised:
        run(path, catalog)
    assert (raised.value.reason.key, raised.value.row) == ("not_utf8", 3)
    assert "baris 3" in raised.value.render("id")
    assert_nothing_written(catalog)


def test_rejects_file_over_the_size_limit(catalog: Session, tmp_path: Path) -> None:
    """A file larger than max_bytes is refused before it is read."""
    path = write_csv(tmp_path / "ikm.csv", [ANI])
    with pytest.raises(FileTooLarge) as raised:
        run(path, catalog, max_bytes=100)
    assert (raised.value.size, raised.value.limit) == (path.stat().st_size, 100)
    assert_nothing_written(catalog)


def test_rejects_file_that_is_not_really_xlsx(catalog: Session, tmp_path: Path) -> None:
    """A CSV renamed to .xlsx is refused as not a spreadsheet."""
    path = tmp_path / "ikm.xlsx"
    path.write_text("Nama IKM;Produk\nKatering;nasbox\n", encoding="utf-8")
    with pytest.raises(UnreadableFile) as raised:
        run(path, catalog)
    assert raised.value.reason.key == "not_a_spreadsheet"
    assert_nothing_written(catalog)


def test_rejects_other_file_formats(catalog: Session, tmp_path: Path) -> None:
    """An old .xls (or any other extension) is refused, naming the format."""
    path = tmp_path / "ikm.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UnreadableFile) as raised:
        run(path, catalog)
    assert raised.value.reason.render("en") == (
        "format '.xls' is not supported; use .xlsx or .csv")
    assert_nothing_written(catalog)


# --- partial imports and dry runs ---------------------------------------------------------


def test_only_valid_rows_writes_the_good_ikm_and_reports_the_rest(catalog: Session,
                                                                  tmp_path: Path) -> None:
    """With only_valid_rows an IKM with any bad row is skipped whole; the others are written."""
    rows = [ANI, BUDI, row(ANI, Produk="sayur", Satuan="porsi")]
    report = run(write_csv(tmp_path / "ikm.csv", rows), catalog, only_valid_rows=True)
    assert (report.written, report.rows, report.enterprises, report.valid_rows) == (
        True, 3, 2, 1)
    assert problem_cells(report.problems) == {(4, "Satuan", "incompatible_unit")}
    assert catalog.scalars(select(Enterprise.name)).all() == ["Sepatu Pak Budi"]
    assert count(catalog, Offer) == 1


def test_dry_run_validates_and_writes_nothing(catalog: Session, tmp_path: Path) -> None:
    """A dry run reports problems without raising and writes nothing, even for good rows."""
    rows = [ANI, BUDI, row(BUDI, Nama_IKM="Las Pak Made", Kapasitas="-1")]
    report = run(write_csv(tmp_path / "ikm.csv", rows), catalog, dry_run=True)
    assert (report.written, report.summary, report.valid_rows) == (False, None, 2)
    assert problem_cells(report.problems) == {(4, "Kapasitas", "must_be_positive")}
    assert_nothing_written(catalog)


def test_dry_run_reports_header_problems(catalog: Session, tmp_path: Path) -> None:
    """A dry run of a file with an unknown column reports it rather than raising."""
    report = run(write_csv(tmp_path / "ikm.csv", [ANI], [*COLUMNS, "Catatan"]), catalog,
                 dry_run=True)
    assert problem_cells(report.problems) == {(1, "Catatan", "unknown_columns")}
    assert_nothing_written(catalog)

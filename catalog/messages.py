"""Messages to people, in Bahasa Indonesia first and English on request.

Errors of the catalog carry a :class:`Message` (a key and its parameters) rather than a finished
sentence, so the CLI and the API can say it in the reader's language. ``str(message)`` is the
Indonesian text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["TEMPLATES", "Language", "Message", "message"]

Language = Literal["id", "en"]

#: key -> (Indonesian, English)
TEMPLATES: dict[str, tuple[str, str]] = {
    "required": ("wajib diisi", "is required"),
    "not_a_number": ("'{value}' bukan angka", "'{value}' is not a number"),
    "not_an_integer": ("'{value}' bukan bilangan bulat", "'{value}' is not a whole number"),
    "must_be_positive": ("harus lebih dari 0; tertulis {value}",
                         "must be more than 0; got {value}"),
    "must_not_be_negative": ("tidak boleh negatif; tertulis {value}",
                             "must not be negative; got {value}"),
    "bad_nib": ("NIB harus 13 digit angka; tertulis '{value}'",
                "NIB must be 13 digits; got '{value}'"),
    "duplicate_nib": ("NIB '{value}' dipakai dua IKM berbeda di file ini (baris {other})",
                      "NIB '{value}' is used by two different IKM in this file (row {other})"),
    "unknown_district": ("kecamatan '{value}' tidak dikenal",
                         "unknown kecamatan '{value}'"),
    "ambiguous_district": ("kecamatan '{value}' ada di beberapa kabupaten; isi Kode Kecamatan",
                           "kecamatan '{value}' exists in several regencies; give Kode Kecamatan"),
    "unknown_category": ("kategori '{value}' tidak ada di taksonomi",
                         "category '{value}' is not in the taxonomy"),
    "uncategorised": ("produk '{value}' belum dikenali; isi kolom Kategori",
                      "product '{value}' was not recognised; fill in the Kategori column"),
    "unknown_unit": ("satuan '{value}' tidak dikenal", "unknown unit '{value}'"),
    "incompatible_unit": (
        "satuan '{value}' tidak bisa diubah ke '{canonical}' (satuan kategori {category})",
        "unit '{value}' cannot be converted to '{canonical}' (the unit of category {category})"),
    "too_small_after_conversion": (
        "{value} {unit} kurang dari 1 {canonical} setelah konversi",
        "{value} {unit} is less than 1 {canonical} after conversion"),
    "bad_choice": ("'{value}' bukan salah satu dari: {choices}",
                   "'{value}' is not one of: {choices}"),
    "bad_date": ("'{value}' bukan tanggal (format YYYY-MM-DD)",
                 "'{value}' is not a date (format YYYY-MM-DD)"),
    "bad_certificate": (
        "sertifikat '{value}' harus berbentuk JENIS:NOMOR:BERLAKU_SAMPAI",
        "certificate '{value}' must look like KIND:NUMBER:VALID_UNTIL"),
    "bad_coordinate": ("koordinat '{value}' di luar Indonesia",
                       "coordinate '{value}' is outside Indonesia"),
    "min_order_over_capacity": ("minimal order {value} melebihi kapasitas {capacity}",
                                "minimum order {value} is more than the capacity {capacity}"),
    "min_lot_over_quantity": ("minimal lot {value} melebihi jumlah kebutuhan {quantity}",
                              "minimum lot {value} is more than the quantity needed {quantity}"),
    "unknown_park": ("kawasan '{value}' tidak dikenal", "unknown park '{value}'"),
    "too_long": ("terlalu panjang (maksimal {limit} karakter)",
                 "is too long (at most {limit} characters)"),
    "nul_character": ("berisi karakter NUL (\\u0000)", "contains the NUL character (\\u0000)"),
    "not_utf8": ("bukan teks UTF-8 (baris {row}); simpan ulang file sebagai CSV UTF-8",
                 "is not UTF-8 text (line {row}); save the file again as CSV UTF-8"),
    "empty_file": ("file kosong: tidak ada baris data", "the file is empty: no data rows"),
    "not_a_spreadsheet": ("bukan file Excel (.xlsx) yang bisa dibaca: {detail}",
                          "is not a readable Excel (.xlsx) file: {detail}"),
    "unsupported_format": ("format '{value}' tidak didukung; pakai .xlsx atau .csv",
                           "format '{value}' is not supported; use .xlsx or .csv"),
    "missing_columns": ("kolom wajib tidak ada: {columns}", "required columns missing: {columns}"),
    "unknown_columns": ("kolom tidak dikenal: {columns}", "unknown columns: {columns}"),
    "file_too_large": ("ukuran {size} byte melebihi batas {limit} byte",
                       "{size} bytes is over the limit of {limit} bytes"),
    "file_not_found": ("file tidak ditemukan", "file not found"),
    "duplicate_column": ("kolom '{value}' sama dengan kolom '{other}'; hapus salah satu",
                         "column '{value}' is the same as column '{other}'; remove one"),
    "nib_lost_digits": (
        "NIB tersimpan sebagai angka desimal ({value}) dan kehilangan digit; "
        "format kolom NIB sebagai Teks lalu ketik ulang",
        "the NIB is stored as a decimal number ({value}) and has lost digits; "
        "format the NIB column as Text and type it again"),
    "conflicting_nib": (
        "IKM dengan nama dan desa yang sama memakai NIB lain '{other_value}' (baris {other})",
        "an IKM with the same name and desa has another NIB '{other_value}' (row {other})"),
    "duplicate_offer": ("produk '{value}' sudah ada untuk IKM ini (baris {other})",
                        "product '{value}' is already listed for this IKM (row {other})"),
    "holds_user_data": (
        "basis data {url} berisi IKM atau kebutuhan yang bukan data demo; simpul demo tidak "
        "akan menghapusnya. Arahkan SIMPUL_DATABASE_URL ke basis data lain, atau pakai --force "
        "bila memang ingin menghapusnya",
        "the database {url} holds IKM or needs that are not demo data; simpul demo will not "
        "delete them. Point SIMPUL_DATABASE_URL at another database, or use --force if you do "
        "mean to delete them"),
}


@dataclass(frozen=True, slots=True)
class Message:
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.key, tuple(sorted((k, repr(v)) for k, v in self.params.items()))))

    def render(self, language: Language = "id") -> str:
        indonesian, english = TEMPLATES[self.key]
        return (english if language == "en" else indonesian).format(**self.params)

    def __str__(self) -> str:
        return self.render("id")


def message(key: str, **params: Any) -> Message:
    """A message by key; raises ``KeyError`` at once for a key with no template."""
    TEMPLATES[key]
    return Message(key, params)

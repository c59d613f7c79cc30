"""The reader's language, and the texts the HTTP side says in it.

Bahasa Indonesia is the default; English is chosen with ``?lang=en`` or an ``Accept-Language``
header that prefers English. Texts of the catalog travel as :class:`catalog.messages.Message`
and are rendered here; the texts below are the ones only the web side needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from catalog.messages import Language

if TYPE_CHECKING:
    from starlette.requests import Request

__all__ = ["LANGUAGES", "LANGUAGE_COOKIE", "Language", "format_count", "negotiate_language",
           "page_language",
           "parse_accept_language", "text"]

LANGUAGES: tuple[Language, ...] = ("id", "en")

#: key -> (Indonesian, English)
TEXTS: dict[str, tuple[str, str]] = {
    # problem titles
    "title.not_found": ("Tidak ditemukan", "Not found"),
    "title.validation": ("Permintaan tidak valid", "Invalid request"),
    "title.invalid_value": ("Nilai tidak valid", "Invalid value"),
    "title.internal": ("Kesalahan di server", "Internal server error"),
    "title.unavailable": ("Layanan tidak tersedia", "Service unavailable"),
    "title.bad_request": ("Permintaan salah", "Bad request"),
    "title.method_not_allowed": ("Metode tidak diizinkan", "Method not allowed"),
    "title.not_acceptable": ("Format tidak tersedia", "Not acceptable"),
    "title.too_large": ("Permintaan terlalu besar", "Request too large"),
    "title.unsupported_media": ("Format tidak didukung", "Unsupported media type"),
    "title.too_many": ("Terlalu banyak permintaan", "Too many requests"),
    "title.unauthorised": ("Perlu masuk", "Authentication required"),
    "title.forbidden": ("Akses ditolak", "Forbidden"),
    "title.conflict": ("Konflik", "Conflict"),
    "title.precondition_failed": ("Versi sudah berubah", "Precondition failed"),
    "title.precondition_required": ("Perlu If-Match", "Precondition required"),
    # accounts and writes
    "detail.bad_login": ("Nama pengguna atau kata sandi salah.",
                         "The username or password is wrong."),
    "detail.login_locked": (
        "Terlalu banyak percobaan masuk yang gagal; coba lagi dalam {seconds} detik.",
        "Too many failed sign-ins; try again in {seconds} seconds."),
    "detail.no_credentials": ("Masuk dulu: kirim token (Authorization: Bearer …) atau kunci "
                              "API.",
                              "Sign in first: send a token (Authorization: Bearer …) or an API "
                              "key."),
    "detail.bad_token": ("Token atau kunci API tidak berlaku (salah, kedaluwarsa atau dicabut).",
                         "The token or API key is not valid (wrong, expired or revoked)."),
    "detail.forbidden_role": ("Peran {role} tidak boleh melakukan ini.",
                              "The {role} role may not do this."),
    "detail.if_match_required": (
        "Perubahan perlu header If-Match berisi ETag terakhir yang Anda baca.",
        "A change needs an If-Match header with the ETag you last read."),
    "detail.stale": ("Data ini sudah diubah orang lain (versi sekarang {etag}); baca lagi lalu "
                     "ulangi perubahan Anda.",
                     "Someone else changed this (current version {etag}); read it again and "
                     "redo your change."),
    "detail.idempotency_mismatch": (
        "Idempotency-Key ini sudah dipakai untuk permintaan lain; pakai kunci baru.",
        "This Idempotency-Key was used for another request; use a new key."),
    "detail.idempotency_busy": (
        "Permintaan pertama dengan Idempotency-Key ini belum selesai; coba lagi sebentar lagi.",
        "The first request with this Idempotency-Key is still being answered; retry shortly."),
    "detail.run_limit": ("Sudah ada {count} pencocokan antre atau berjalan untuk {tenant}; "
                         "tunggu sampai selesai.",
                         "{count} match run(s) are already queued or running for {tenant}; "
                         "wait for them to finish."),
    "detail.run_not_finished": ("Pencocokan {run} belum selesai (status {status}).",
                                "Match run {run} has not finished (status {status})."),
    "detail.no_run": ("Belum ada pencocokan yang selesai.", "No match run has finished yet."),
    "v.idempotency_key": ("paling banyak 200 karakter yang terlihat",
                          "at most 200 visible characters"),
    # problem details
    "detail.not_found": ("{kind} '{key}' tidak ditemukan.", "{kind} '{key}' was not found."),
    "detail.no_route": ("Alamat {path} tidak ada.", "There is nothing at {path}."),
    "detail.method_not_allowed": ("Metode {method} tidak bisa dipakai di {path}.",
                                  "Method {method} cannot be used on {path}."),
    "detail.validation": ("Ada {count} isian yang perlu diperbaiki.",
                          "{count} value(s) need correcting."),
    "detail.invalid_value": ("Ada {count} nilai yang melanggar aturan.",
                             "{count} value(s) break a rule."),
    "detail.internal": (
        "Terjadi kesalahan yang tidak terduga; sudah dicatat di log server. Coba lagi nanti.",
        "Something unexpected went wrong; it has been logged on the server. Try again later."),
    "detail.database_busy": (
        "Basis data sedang tidak bisa melayani; tidak ada yang ditulis. Coba lagi sebentar.",
        "The database cannot serve the request just now; nothing was written. Try again in "
        "a moment."),
    "detail.write_conflict": (
        "Perubahan ini bertabrakan dengan perubahan lain pada saat yang sama; tidak ada yang "
        "ditulis. Muat ulang lalu coba lagi.",
        "This write collided with another made at the same moment; nothing was written. "
        "Reload and try again."),
    "detail.database_unavailable": ("Basis data tidak bisa dihubungi.",
                                    "The database cannot be reached."),
    # kinds of things, for "not found"
    "kind.region": ("Wilayah", "Region"),
    "kind.park": ("Kawasan industri", "Industrial park"),
    "kind.category": ("Kategori", "Category"),
    "kind.enterprise": ("IKM", "IKM"),
    "kind.need": ("Kebutuhan", "Need"),
    "kind.offer": ("Penawaran", "Offer"),
    "kind.certificate": ("Sertifikat", "Certificate"),
    "kind.run": ("Pencocokan", "Match run"),
    "kind.api_key": ("Kunci API", "API key"),
    "kind.review": ("Tinjauan", "Review item"),
    # validation reasons, by pydantic error type
    "v.missing": ("wajib diisi", "is required"),
    "v.string_nul": ("tidak boleh berisi karakter NUL (\\u0000)",
                     "may not contain the NUL character (\\u0000)"),
    "v.null": ("tidak boleh null; kirim nilainya atau hilangkan isian ini",
               "may not be null; send a value or leave the field out"),
    "v.int_parsing": ("'{input}' bukan bilangan bulat", "'{input}' is not a whole number"),
    "v.int_from_float": ("'{input}' bukan bilangan bulat", "'{input}' is not a whole number"),
    "v.float_parsing": ("'{input}' bukan angka", "'{input}' is not a number"),
    "v.bool_parsing": ("'{input}' bukan ya/tidak (true/false)",
                       "'{input}' is not a yes/no value (true/false)"),
    "v.date_parsing": ("'{input}' bukan tanggal (format YYYY-MM-DD)",
                       "'{input}' is not a date (format YYYY-MM-DD)"),
    "v.date_from_datetime_parsing": ("'{input}' bukan tanggal (format YYYY-MM-DD)",
                                     "'{input}' is not a date (format YYYY-MM-DD)"),
    "v.greater_than_equal": ("harus paling sedikit {ge}; tertulis {input}",
                             "must be at least {ge}; got {input}"),
    "v.greater_than": ("harus lebih dari {gt}; tertulis {input}",
                       "must be more than {gt}; got {input}"),
    "v.less_than_equal": ("harus paling banyak {le}; tertulis {input}",
                          "must be at most {le}; got {input}"),
    "v.less_than": ("harus kurang dari {lt}; tertulis {input}",
                    "must be less than {lt}; got {input}"),
    "v.literal_error": ("'{input}' bukan salah satu dari: {expected}",
                        "'{input}' is not one of: {expected}"),
    "v.enum": ("'{input}' bukan salah satu dari: {expected}",
               "'{input}' is not one of: {expected}"),
    "v.string_too_short": ("terlalu pendek (minimal {min_length} karakter)",
                           "is too short (at least {min_length} characters)"),
    "v.string_too_long": ("terlalu panjang (maksimal {max_length} karakter)",
                          "is too long (at most {max_length} characters)"),
    "v.string_pattern_mismatch": ("'{input}' tidak sesuai pola {pattern}",
                                  "'{input}' does not match the pattern {pattern}"),
    "v.other": ("nilai '{input}' tidak valid", "the value '{input}' is not valid"),
    "v.extra_forbidden": ("isian ini tidak dikenal dan tidak boleh dikirim",
                          "this field is unknown and may not be sent"),
    # --- match runs and opportunities ---
    # --- agency reports, review, normalising and imports ---
    "v.review_category_required": (
        "wajib diisi untuk 'correct', dan untuk 'confirm' bila belum ada kategori usulan",
        "is required for 'correct', and for 'confirm' when there is no suggested category"),
    "v.review_confirm_other": (
        "'confirm' menerima kategori usulan '{suggested}'; pakai 'correct' untuk kategori lain",
        "'confirm' accepts the suggested category '{suggested}'; use 'correct' for another"),
    "detail.upload_not_multipart": (
        "Kirim file sebagai multipart/form-data, di isian 'file'.",
        "Send the file as multipart/form-data, in the field 'file'."),
    "detail.upload_format": (
        "Hanya file .csv atau .xlsx yang bisa diimpor; terkirim '{name}'.",
        "Only .csv and .xlsx files can be imported; got '{name}'."),
    "detail.upload_broken": ("Isi multipart tidak bisa dibaca.",
                             "The multipart body cannot be read."),
    "detail.upload_too_large": (
        "File lebih besar dari batas {limit} byte (SIMPUL_MAX_IMPORT_BYTES).",
        "The file is larger than the limit of {limit} bytes (SIMPUL_MAX_IMPORT_BYTES)."),
    "detail.import_unreadable": ("File {file} tidak bisa dibaca: {reason}.",
                                 "The file {file} cannot be read: {reason}."),
    "detail.import_rejected": (
        "Ada {count} masalah di {file}; tidak ada yang ditulis.",
        "{count} problem(s) in {file}; nothing was written."),
    "import.district_outside_province": (
        "kecamatan {value} di luar provinsi Anda; Dinas hanya mengimpor IKM provinsinya",
        "kecamatan {value} is outside your province; the agency imports only its own IKM"),
    "import.nib_outside_province": (
        "NIB {value} terdaftar untuk IKM di luar provinsi Anda",
        "NIB {value} is registered to an IKM outside your province"),
    "import.row_problem": ("baris {row}, {column}: {reason}", "row {row}, {column}: {reason}"),
    # --- needs, IKM, offers and certificates ---
    "v.category_unit_changes": (
        "nama produk ini masuk kategori dengan satuan lain; pasang kebutuhan baru",
        "this product name falls in a category with another unit; post a new need"),
    "v.offer_unit_changes": (
        "nama produk ini masuk kategori dengan satuan lain; tambahkan penawaran baru",
        "this product name falls in a category with another unit; add a new offer"),
    "detail.nib_taken": ("NIB {nib} sudah terdaftar untuk IKM lain.",
                         "NIB {nib} is already registered to another IKM."),
    "v.nib_taken": ("sudah terdaftar untuk IKM lain", "already registered to another IKM"),
    "detail.duplicate_certificate": ("Sertifikat {kind} nomor {number} sudah tercatat.",
                                     "Certificate {kind} number {number} is already recorded."),
    "v.district_outside_province": ("kecamatan {value} tidak ada di provinsi Anda",
                                    "kecamatan {value} is not in your province"),
}


def text(key: str, language: Language, /, **params: Any) -> str:
    """The text ``key`` in ``language`` with ``params`` filled in."""
    indonesian, english = TEXTS[key]
    return (english if language == "en" else indonesian).format(**params)


def parse_accept_language(header: str) -> Language | None:
    """The supported language an ``Accept-Language`` header prefers most, if any.

    ``"en-GB,en;q=0.9"`` → ``"en"``; ``"id-ID,id;q=0.9,en;q=0.8"`` → ``"id"``; ``"fr"`` → None.
    """
    best: tuple[float, int, Language] | None = None
    for position, part in enumerate(header.split(",")):
        tag, _, parameters = part.strip().partition(";")
        primary = tag.strip().split("-")[0].casefold()
        if primary not in LANGUAGES:
            continue
        weight = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight <= 0:
            continue
        # Higher weight wins; on a tie the earlier tag wins.
        candidate = (weight, -position, primary)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best else None


def negotiate_language(request: Request, default: Language = "id") -> Language:
    """``?lang=`` first, then ``Accept-Language``, then ``default``; never raises."""
    asked = request.query_params.get("lang", "").strip().casefold()
    if asked in LANGUAGES:
        return asked
    header = request.headers.get("accept-language")
    if header:
        preferred = parse_accept_language(header)
        if preferred is not None:
            return preferred
    return default


#: Cookie that keeps the language a person chose on the pages.
LANGUAGE_COOKIE = "simpul_lang"


def page_language(request: Request) -> Language:
    """The language of a page: ``?lang=``, then the language the person chose before (cookie),
    then Bahasa Indonesia.

    Unlike the API, pages do not follow ``Accept-Language``: most browsers in Indonesia are set
    to English, and the people Simpul is for read Indonesian first. English is one click away.
    """
    for asked in (request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        value = (asked or "").strip().casefold()
        if value in LANGUAGES:
            return value
    return "id"


def format_count(value: int, language: Language) -> str:
    """``12345`` as ``12.345`` in Indonesian and ``12,345`` in English."""
    grouped = f"{value:,}"
    return grouped.replace(",", ".") if language == "id" else grouped

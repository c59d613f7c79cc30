"""The words of the agency's reports, in Bahasa Indonesia and English: reasons, certificate
kinds, the workbook's sheets and headers."""

from __future__ import annotations

from catalog.messages import Language

__all__ = ["CERTIFICATE_NAMES", "REASON_NAMES", "REPORT_TEXTS", "certificate_name",
           "reason_name", "report_text"]

#: Why demand was unmet (``matching.REASONS``), as the agency reads it.
REASON_NAMES: dict[str, tuple[str, str]] = {
    "no_offer_in_category": ("Tidak ada IKM yang membuat produk ini",
                             "No IKM makes this product"),
    "certificate_missing": ("Sertifikat yang diminta tidak dimiliki atau kedaluwarsa",
                            "A required certificate is missing or expired"),
    "too_far": ("Terlalu jauh dari kawasan", "Too far from the park"),
    "too_slow": ("Waktu kirim terlalu lama", "Lead time too long"),
    "over_price_ceiling": ("Di atas harga tertinggi kawasan", "Over the park's price ceiling"),
    "capacity_taken": ("Kapasitas IKM sudah terpakai", "IKM capacity already taken"),
    "lot_rules": ("Aturan lot, pemasok tunggal atau minimal order",
                  "Lot, single-source or minimum-order rules"),
    "no_eligible_offer": ("Tidak ada penawaran yang memenuhi syarat", "No eligible offer"),
}

CERTIFICATE_NAMES: dict[str, tuple[str, str]] = {
    "NIB": ("NIB (Nomor Induk Berusaha, OSS)", "NIB (business identification number, OSS)"),
    "HALAL": ("Sertifikat Halal (BPJPH)", "Halal certificate (BPJPH)"),
    "PIRT": ("P-IRT (pangan industri rumah tangga)", "P-IRT (home-industry food permit)"),
    "BPOM_MD": ("Izin edar BPOM MD", "BPOM MD food registration"),
    "SNI": ("SNI (Standar Nasional Indonesia)", "SNI (Indonesian National Standard)"),
    "ISO9001": ("ISO 9001 (manajemen mutu)", "ISO 9001 (quality management)"),
    "SMK3": ("SMK3 (keselamatan dan kesehatan kerja)",
             "SMK3 (occupational health and safety)"),
    "HYGIENE": ("Sertifikat laik higiene sanitasi (SLHS)",
                "Hygiene and sanitation certificate (SLHS)"),
}

REPORT_TEXTS: dict[str, tuple[str, str]] = {
    # sheets
    "sheet.summary": ("Ringkasan", "Summary"),
    "sheet.gaps": ("Kesenjangan", "Gaps"),
    "sheet.sentra": ("Sentra", "Sentra"),
    "sheet.interventions": ("Intervensi", "Interventions"),
    # summary
    "title": ("Laporan Dinas Perindustrian — Simpul", "Industry agency report — Simpul"),
    "scope": ("Wilayah", "Scope"),
    "all_provinces": ("Semua provinsi", "All provinces"),
    "generated": ("Dibuat", "Generated"),
    "run": ("Pencocokan", "Match run"),
    "no_run": ("Belum ada pencocokan yang selesai", "No match run has finished yet"),
    "run_finished": ("Selesai", "Finished"),
    "horizon_days": ("Horizon (hari)", "Horizon (days)"),
    "cells": ("Sel kawasan × kategori", "Park × category cells"),
    "cells_withheld": ("Sel dengan angka rupiah ditahan", "Cells with rupiah withheld"),
    "unmet_idr_shown": ("Kebutuhan tak terpenuhi (Rp, sel yang ditampilkan)",
                        "Unmet demand (Rp, cells shown)"),
    "local_idr_shown": ("Dipasok IKM lokal (Rp, sel yang ditampilkan)",
                        "Served by local IKM (Rp, cells shown)"),
    "sentra_count": ("Calon sentra IKM", "Sentra IKM candidates"),
    "intervention_count": ("Intervensi", "Interventions"),
    "rule": ("Aturan kerahasiaan", "Confidentiality rule"),
    "rule_text": (
        "Angka rupiah yang dihitung dari harga kurang dari 3 IKM ditahan (kosong, kolom "
        "'Ditahan' = ya), agar harga satu IKM tidak terbaca.",
        "Rupiah figures computed from the prices of fewer than 3 IKM are withheld (empty, "
        "'Withheld' = yes), so that no single IKM's price can be read."),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    # gaps
    "park": ("Kawasan", "Park"),
    "park_name": ("Nama kawasan", "Park name"),
    "category": ("Kategori", "Category"),
    "category_name": ("Nama kategori", "Category name"),
    "unit": ("Satuan", "Unit"),
    "demand_units": ("Kebutuhan (satuan)", "Demand (units)"),
    "demand_idr": ("Kebutuhan (Rp)", "Demand (Rp)"),
    "served_units": ("Terpasok (satuan)", "Served (units)"),
    "local_units": ("Dari IKM lokal (satuan)", "By local IKM (units)"),
    "local_idr": ("Dari IKM lokal (Rp)", "By local IKM (Rp)"),
    "unmet_units": ("Tak terpenuhi (satuan)", "Unmet (units)"),
    "unmet_idr": ("Tak terpenuhi (Rp)", "Unmet (Rp)"),
    "reason": ("Alasan", "Reason"),
    "reason_code": ("Kode alasan", "Reason code"),
    "withheld": ("Ditahan (< 3 IKM)", "Withheld (< 3 IKM)"),
    # sentra
    "level": ("Tingkat", "Level"),
    "regency": ("Kabupaten/kota", "Regency/city"),
    "district_code": ("Kode kecamatan", "District code"),
    "district": ("Kecamatan", "District"),
    "village": ("Desa/kelurahan", "Village"),
    "enterprises": ("Jumlah IKM", "IKM"),
    "capacity": ("Kapasitas per horizon", "Capacity per horizon"),
    "level.kecamatan": ("kecamatan", "kecamatan (district)"),
    "level.desa": ("desa", "desa (village)"),
    # interventions
    "rank": ("Peringkat", "Rank"),
    "kind": ("Jenis", "Kind"),
    "kind.certificate": ("sertifikasi", "certification"),
    "kind.capacity": ("tambah kapasitas", "more capacity"),
    "certificate": ("Sertifikat", "Certificate"),
    "capacity_percent": ("Tambah kapasitas (%)", "Capacity added (%)"),
    "estimated_units": ("Perkiraan (satuan)", "Estimated (units)"),
    "estimated_idr": ("Perkiraan (Rp)", "Estimated (Rp)"),
    "confirmed_units": ("Terkonfirmasi (satuan)", "Confirmed (units)"),
    "confirmed_idr": ("Terkonfirmasi (Rp)", "Confirmed (Rp)"),
}


def _pick(pair: tuple[str, str], language: Language) -> str:
    return pair[1] if language == "en" else pair[0]


def reason_name(reason: str, language: Language) -> str:
    """A reason's name; the code itself for a reason this module does not know."""
    pair = REASON_NAMES.get(reason)
    return _pick(pair, language) if pair else reason


def certificate_name(kind: str, language: Language) -> str:
    pair = CERTIFICATE_NAMES.get(kind)
    return _pick(pair, language) if pair else kind


def report_text(key: str, language: Language) -> str:
    return _pick(REPORT_TEXTS[key], language)

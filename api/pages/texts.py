"""The words of the pages, in Bahasa Indonesia and English.

One table, key → (Indonesian, English), so that a key missing in one language cannot happen.
Templates read them as ``t.key`` (``t`` is :func:`texts_for` of the page's language); Python
code as :func:`page_text`. Pages of a role add their keys under a prefix of their own
(``needs.``, ``owner.``, ``agency.``); words every page uses have none.

Reasons for unmet demand and certificate names come from :mod:`api.agency.texts`, category
names from the taxonomy in the database: one source for each.
"""

from __future__ import annotations

from typing import Any

from api.i18n import Language
from api.pages.owner_texts import OWNER_TEXTS

__all__ = ["PAGE_TEXTS", "page_text", "texts_for"]

#: key -> (Indonesian, English)
PAGE_TEXTS: dict[str, tuple[str, str]] = {
    # --- every page ---
    "brand": ("Simpul", "Simpul"),
    "skip": ("Langsung ke isi halaman", "Skip to the content"),
    "switch": ("English", "Bahasa Indonesia"),
    "switch_label": ("Baca halaman ini dalam bahasa Inggris", "Read this page in Indonesian"),
    "nav_label": ("Menu utama", "Main menu"),
    "signed_in_as": ("Masuk sebagai {name}", "Signed in as {name}"),
    "sign_out": ("Keluar", "Sign out"),
    "footer": ("Simpul berjalan sepenuhnya di jaringan sendiri, tanpa CDN.",
               "Simpul runs entirely on your own network, with no CDN."),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    "none": ("—", "—"),
    "next_page": ("Halaman berikutnya", "Next page"),
    "first_page": ("Halaman pertama", "First page"),
    "role.park_buyer": ("Tim pengadaan kawasan", "Park procurement"),
    "role.ikm_owner": ("Pemilik IKM", "IKM owner"),
    "role.agency": ("Dinas Perindustrian", "Industry agency"),
    "role.admin": ("Admin", "Admin"),
    "nav.needs": ("Kebutuhan", "Needs"),
    "nav.home": ("Beranda", "Home"),
    "form_errors": ("Ada {count} isian yang perlu diperbaiki.",
                    "{count} field(s) need correcting."),
    "error_prefix": ("Perlu diperbaiki:", "To correct:"),
    # --- signing in (/) ---
    "login.title": ("Masuk ke Simpul", "Sign in to Simpul"),
    "login.heading": ("Masuk", "Sign in"),
    "login.username": ("Nama pengguna", "Username"),
    "login.password": ("Kata sandi", "Password"),
    "login.submit": ("Masuk", "Sign in"),
    "login.bad": ("Nama pengguna atau kata sandi salah.", "The username or password is wrong."),
    "login.locked": ("Terlalu banyak percobaan masuk yang gagal; coba lagi dalam {seconds} "
                     "detik.",
                     "Too many failed sign-ins; try again in {seconds} seconds."),
    "login.missing": ("Isi nama pengguna dan kata sandi.", "Fill in the username and password."),
    "login.expired": ("Sesi Anda sudah berakhir. Silakan masuk lagi.",
                      "Your session has ended. Please sign in again."),
    "login.needed": ("Silakan masuk dulu untuk membuka halaman itu.",
                     "Please sign in to open that page."),
    "login.signed_out": ("Anda sudah keluar.", "You have signed out."),
    "login.welcome": ("Selamat datang, {name}.", "Welcome, {name}."),
    "login.no_pages": ("Halaman untuk peran Anda sedang disiapkan; sementara itu gunakan API "
                       "(lihat dokumentasi di bawah).",
                       "Pages for your role are on their way; meanwhile use the API (see the "
                       "documentation below)."),
    # --- error pages ---
    "error.title": ("Ada masalah", "Something is wrong"),
    "error.not_found": ("Halaman atau data ini tidak ditemukan, atau bukan bagian Anda.",
                        "This page or record was not found, or is not yours to see."),
    "error.forbidden": ("Peran Anda tidak bisa membuka halaman ini.",
                        "Your role cannot open this page."),
    "error.csrf": ("Formulir ini kedaluwarsa atau tidak berasal dari Simpul. Muat ulang "
                   "halaman lalu coba lagi.",
                   "This form has expired or did not come from Simpul. Reload the page and "
                   "try again."),
    "error.internal": ("Terjadi kesalahan yang tidak terduga; sudah dicatat. Coba lagi nanti.",
                       "Something unexpected went wrong; it has been logged. Try again later."),
    "error.unavailable": ("Basis data sedang sibuk; tidak ada yang tersimpan. Coba lagi "
                          "sebentar lagi.",
                          "The database is busy; nothing was saved. Try again in a moment."),
    "error.conflict": ("Perubahan ini bertabrakan dengan perubahan lain; tidak ada yang "
                       "tersimpan. Muat ulang lalu coba lagi.",
                       "This change collided with another; nothing was saved. Reload and try "
                       "again."),
    "error.back": ("Kembali ke beranda", "Back to the start page"),
    # --- needs (park buyer) ---
    "needs.title": ("Kebutuhan", "Needs"),
    "needs.intro": ("Kebutuhan kawasan Anda dan seberapa banyak yang sudah bisa dipasok IKM.",
                    "Your park's needs and how much of them IKM can supply."),
    "needs.new": ("Pasang kebutuhan baru", "Post a new need"),
    "needs.empty": ("Belum ada kebutuhan. Pasang yang pertama.",
                    "No needs yet. Post the first one."),
    "needs.col_product": ("Produk", "Product"),
    "needs.col_park": ("Kawasan", "Park"),
    "needs.col_category": ("Kategori", "Category"),
    "needs.col_quantity": ("Jumlah", "Quantity"),
    "needs.col_due": ("Tanggal dibutuhkan", "Due"),
    "needs.col_status": ("Status", "Status"),
    "needs.col_covered": ("Terpenuhi", "Covered"),
    "needs.total": ("{count} kebutuhan", "{count} need(s)"),
    "needs.run": ("Cakupan menurut pencocokan #{run} (selesai {finished}, {days} hari).",
                  "Coverage from match run #{run} (finished {finished}, {days} days)."),
    "needs.no_run": ("Belum ada pencocokan yang selesai; cakupan tampil setelah pencocokan "
                     "pertama.",
                     "No match run has finished yet; coverage shows after the first one."),
    "needs.not_in_run": ("belum dicocokkan", "not matched yet"),
    "needs.covered_of": ("{served} dari {quantity} {unit}", "{served} of {quantity} {unit}"),
    "needs.per": ("per {period}", "per {period}"),
    "period.hari": ("hari", "day"),
    "period.minggu": ("minggu", "week"),
    "period.bulan": ("bulan", "month"),
    "period.sekali": ("sekali", "once"),
    "status.draft": ("draf", "draft"),
    "status.open": ("terbuka", "open"),
    "status.closed": ("ditutup", "closed"),
    "status.cancelled": ("dibatalkan", "cancelled"),
    # the form
    "needs.form_title": ("Pasang kebutuhan", "Post a need"),
    "needs.form_intro": ("Tulis produk dengan kata-kata Anda sendiri; Simpul mencarikan "
                         "kategorinya.",
                         "Write the product in your own words; Simpul finds its category."),
    "needs.park": ("Kawasan", "Park"),
    "needs.product_name": ("Nama produk atau jasa", "Product or service"),
    "needs.product_hint": ("mis. nasi kotak pekerja shift pagi", "e.g. boxed rice for the "
                           "morning shift"),
    "needs.quantity": ("Jumlah", "Quantity"),
    "needs.unit": ("Satuan", "Unit"),
    "needs.unit_hint": ("mis. porsi, kg, dus, galon, jam", "e.g. porsi, kg, dus, galon, jam"),
    "needs.period": ("Setiap", "Every"),
    "needs.due_date": ("Dibutuhkan mulai tanggal", "Needed from"),
    "needs.category": ("Kategori", "Category"),
    "needs.category_auto": ("Otomatis dari nama produk", "From the product name"),
    "needs.rules": ("Syarat untuk pemasok", "Rules for suppliers"),
    "needs.certificates": ("Sertifikat yang wajib", "Required certificates"),
    "needs.max_price": ("Harga tertinggi per satuan (Rp)", "Price ceiling per unit (Rp)"),
    "needs.optional": ("boleh kosong", "optional"),
    "needs.split": ("Boleh dibagi ke beberapa IKM", "May be split between several IKM"),
    "needs.min_lot": ("Pesanan minimal per IKM", "Minimum order per IKM"),
    "needs.max_suppliers": ("Pemasok paling banyak", "At most this many suppliers"),
    "needs.max_distance": ("Jarak paling jauh (km)", "Farthest distance (km)"),
    "needs.submit": ("Pasang kebutuhan", "Post the need"),
    "needs.check": ("Periksa kategori", "Check the category"),
    "needs.created": ("Kebutuhan tersimpan dan masuk pencocokan berikutnya.",
                      "The need is saved and joins the next match run."),
    "needs.invalid_park": ("pilih kawasan", "choose a park"),
    # suggestions
    "needs.suggest_title": ("Usulan kategori", "Suggested category"),
    "needs.suggest_empty": ("Ketik nama produk untuk melihat kategorinya.",
                            "Type the product name to see its category."),
    "needs.suggest_none": ("Belum ada kategori yang cocok. Pilih kategori sendiri, atau pasang "
                           "saja: Dinas akan meninjaunya.",
                           "No category fits yet. Choose one yourself, or post it anyway: the "
                           "agency will review it."),
    "needs.confidence": ("keyakinan {score}%", "confidence {score}%"),
    "needs.kbli": ("KBLI", "KBLI"),
    "needs.status_auto": ("yakin", "confident"),
    "needs.status_review": ("perlu ditinjau", "to be reviewed"),
    "needs.status_unknown": ("tidak dikenal", "unknown"),
    "needs.status_confirmed": ("dikonfirmasi", "confirmed"),
    "needs.alternatives": ("Kategori lain", "Other categories"),
    "needs.pick": ("Pakai {name}", "Use {name}"),
    "needs.picked": ("Kategori dipilih: {name}", "Category chosen: {name}"),
    # one need
    "needs.detail_rules": ("Syarat", "Rules"),
    "needs.allocations": ("Pemasok yang diusulkan", "Proposed suppliers"),
    "needs.no_allocations": ("Belum ada IKM yang diusulkan untuk kebutuhan ini.",
                             "No IKM is proposed for this need yet."),
    "needs.col_ikm": ("IKM", "IKM"),
    "needs.col_allocated": ("Jumlah ({days} hari)", "Quantity ({days} days)"),
    "needs.col_landed": ("Ongkos sampai per satuan", "Landed cost per unit"),
    "needs.col_km": ("Jarak (km)", "Distance (km)"),
    "needs.col_local": ("Lokal", "Local"),
    "needs.unmet": ("Yang belum terpenuhi, dan mengapa", "What is unmet, and why"),
    "needs.col_reason": ("Alasan", "Reason"),
    "needs.col_units": ("Jumlah", "Units"),
    "needs.all_met": ("Seluruh kebutuhan ini terpenuhi.", "All of this need is covered."),
    "needs.served_local": ("{local} dari IKM lokal", "{local} from local IKM"),
    "needs.back": ("Semua kebutuhan", "All needs"),
    "needs.split_yes": ("boleh dibagi", "may be split"),
    "needs.split_no": ("satu pemasok saja", "one supplier only"),
    "needs.no_rules": ("tidak ada syarat tambahan", "no further rules"),
    "needs.category_none": ("belum berkategori", "no category yet"),
    # --- the agency (Dinas) ---
    "nav.agency_dashboard": ("Dasbor", "Dashboard"),
    "nav.agency_map": ("Peta", "Map"),
    "nav.agency_review": ("Tinjauan", "Review"),
    "nav.agency_runs": ("Pencocokan", "Match runs"),
    "agency.subnav": ("Halaman Dinas", "The agency's pages"),
    "agency.report": ("Unduh laporan (XLSX)", "Download the report (XLSX)"),
    "agency.all_provinces": ("semua provinsi", "every province"),
    "agency.run_note": ("Angka dari pencocokan #{run} (selesai {finished}, {days} hari).",
                        "Figures from match run #{run} (finished {finished}, {days} days)."),
    "agency.no_run": ("Belum ada pencocokan yang selesai.", "No match run has finished yet."),
    "agency.start_first": ("Jalankan pencocokan", "Start a match run"),
    "agency.withheld": ("ditahan", "withheld"),
    "agency.withheld_rule": ("Angka rupiah yang dihitung dari harga kurang dari 3 IKM ditahan, "
                             "agar harga satu IKM tidak terbaca. Jumlah satuan selalu tampil.",
                             "Rupiah figures computed from the prices of fewer than 3 IKM are "
                             "withheld, so that no single IKM's price can be read. Units are "
                             "always shown."),
    "agency.previous_page": ("Halaman sebelumnya", "Previous page"),
    "agency.col_park": ("Kawasan", "Park"),
    "agency.col_category": ("Kategori", "Category"),
    "agency.col_demand": ("Kebutuhan", "Demand"),
    "agency.col_served": ("Terpasok", "Served"),
    "agency.col_local": ("Dari IKM lokal", "By local IKM"),
    "agency.col_local_share": ("Bagian lokal", "Local share"),
    "agency.col_unmet": ("Tak terpenuhi", "Unmet"),
    "agency.col_demand_idr": ("Kebutuhan (Rp)", "Demand (Rp)"),
    "agency.col_local_idr": ("Dari IKM lokal (Rp)", "By local IKM (Rp)"),
    "agency.col_reason": ("Alasan", "Reason"),
    "agency.col_units": ("Satuan", "Units"),
    "agency.col_unmet_idr": ("Tak terpenuhi (Rp)", "Unmet (Rp)"),
    "agency.col_level": ("Tingkat", "Level"),
    "agency.col_regency": ("Kabupaten/kota", "Regency/city"),
    "agency.col_district": ("Kecamatan", "District"),
    "agency.col_village": ("Desa/kelurahan", "Village"),
    "agency.col_ikm": ("IKM", "IKM"),
    "agency.col_parks": ("Kawasan", "Parks"),
    "agency.col_sentra": ("Calon sentra", "Sentra candidates"),
    "agency.col_capacity": ("Kapasitas", "Capacity"),
    "agency.col_rank": ("Peringkat", "Rank"),
    "agency.col_intervention": ("Intervensi", "Intervention"),
    "agency.col_estimated": ("Perkiraan", "Estimated"),
    "agency.col_estimated_idr": ("Perkiraan (Rp)", "Estimated (Rp)"),
    "agency.col_confirmed": ("Terkonfirmasi", "Confirmed"),
    "agency.col_confirmed_idr": ("Terkonfirmasi (Rp)", "Confirmed (Rp)"),
    "agency.col_status": ("Status", "Status"),
    "agency.col_mine": ("Dari Dinas ini", "This agency's"),
    # the dashboard
    "agency.dashboard_title": ("Dasbor Dinas", "Agency dashboard"),
    "agency.dashboard_intro": ("Seberapa banyak kebutuhan kawasan di {scope} yang dipasok IKM "
                               "lokal, dan mengapa sisanya belum terpenuhi.",
                               "How much of the parks' demand in {scope} local IKM supply, "
                               "and why the rest is unmet."),
    "agency.park_filter": ("Kawasan", "Park"),
    "agency.all_parks": ("Semua kawasan", "Every park"),
    "agency.show": ("Tampilkan", "Show"),
    "agency.no_cells": ("Pencocokan ini tidak memuat kebutuhan kawasan Anda.",
                        "This match run holds no needs of your parks."),
    "agency.share_heading": ("Bagian lokal dari kebutuhan kawasan",
                             "Local share of park demand"),
    "agency.share_desc": ("Untuk tiap kawasan dan kategori: bagian kebutuhan yang dipasok IKM "
                          "lokal, oleh IKM dari luar, dan yang belum terpenuhi. Angkanya ada "
                          "di tabel di bawah.",
                          "For each park and category: the share of demand served by local "
                          "IKM, by IKM from elsewhere, and unmet. The figures are in the "
                          "table below."),
    "agency.legend_local": ("IKM lokal", "Local IKM"),
    "agency.legend_elsewhere": ("IKM dari luar kabupaten", "IKM from elsewhere"),
    "agency.legend_unmet": ("Belum terpenuhi", "Unmet"),
    "agency.local_note": ("{percent}% lokal", "{percent}% local"),
    "agency.chart_caption": ("Setiap batang adalah 100% kebutuhan satu kawasan × kategori "
                             "selama horizon pencocokan.",
                             "Each bar is 100% of one park × category's demand over the run's "
                             "horizon."),
    "agency.share_table": ("Kebutuhan, pasokan dan bagian lokal per kawasan dan kategori",
                           "Demand, supply and local share by park and category"),
    "agency.unmet_heading": ("Kebutuhan yang belum terpenuhi, menurut alasan",
                             "Unmet demand by reason"),
    "agency.unmet_desc": ("Untuk tiap kawasan dan kategori dengan kebutuhan yang belum "
                          "terpenuhi: bagiannya menurut alasan. Angkanya ada di tabel di "
                          "bawah.",
                          "For each park and category with unmet demand: its share by "
                          "reason. The figures are in the table below."),
    "agency.unmet_note": ("{units} {unit}", "{units} {unit}"),
    "agency.unmet_caption": ("Setiap batang adalah 100% kebutuhan yang belum terpenuhi dari "
                             "satu kawasan × kategori.",
                             "Each bar is 100% of one park × category's unmet demand."),
    "agency.unmet_table": ("Kebutuhan yang belum terpenuhi per kawasan, kategori dan alasan",
                           "Unmet demand by park, category and reason"),
    "agency.all_met": ("Semua kebutuhan terpenuhi.", "All demand is met."),
    # the map
    "agency.map_title": ("Peta IKM, kawasan dan calon sentra",
                         "Map of IKM, parks and sentra candidates"),
    "agency.map_intro": ("IKM, kawasan industri dan calon sentra IKM di {scope}, dari "
                         "koordinat di katalog Simpul.",
                         "IKM, industrial parks and sentra IKM candidates in {scope}, from the "
                         "coordinates in Simpul's catalog."),
    "agency.map_desc": ("Peta {ikm} IKM, {parks} kawasan dan {sentra} calon sentra, dengan "
                        "titik tengah kabupaten dan kecamatan. Angkanya per kecamatan ada di "
                        "tabel di bawah.",
                        "A map of {ikm} IKM, {parks} parks and {sentra} sentra candidates, "
                        "with the centres of the regencies and districts. The figures per "
                        "district are in the table below."),
    "agency.map_caption": ("Proyeksi ekuirektangular; kabupaten dan kecamatan ditandai di "
                           "titik tengahnya (katalog tidak memuat batas wilayah).",
                           "Equirectangular projection; regencies and districts are marked "
                           "at their centres (the catalog holds no boundaries)."),
    "agency.map_table": ("IKM, kawasan dan calon sentra per kecamatan",
                         "IKM, parks and sentra candidates by district"),
    "agency.legend_ikm": ("IKM ({count})", "IKM ({count})"),
    "agency.legend_parks": ("Kawasan industri ({count})", "Industrial parks ({count})"),
    "agency.legend_sentra": ("Calon sentra IKM ({count})", "Sentra IKM candidates ({count})"),
    "agency.legend_district": ("Kecamatan", "District"),
    "agency.legend_regency": ("Kabupaten/kota", "Regency/city"),
    "agency.ikm_at": ("{count} IKM di titik ini", "{count} IKM at this point"),
    "agency.sentra_at": ("{count} calon sentra di {name}", "{count} sentra candidate(s) in "
                         "{name}"),
    # sentra and interventions
    "agency.sentra_title": ("Calon sentra IKM", "Sentra IKM candidates"),
    "agency.sentra_intro": ("Paling sedikit lima IKM yang aktif menawarkan satu kategori di satu "
                            "kecamatan atau desa (PP 29/2018), yang terbesar lebih dulu, dengan "
                            "kebutuhan kategori itu yang belum terpenuhi di kawasan provinsinya.",
                            "At least five IKM actively offering one category in one district "
                            "or village (PP 29/2018), the largest first, with that category's "
                            "unmet demand at the parks of their province."),
    "agency.sentra_total": ("{count} calon sentra", "{count} candidate(s)"),
    "agency.sentra_none": ("Belum ada calon sentra.", "No sentra candidates yet."),
    "agency.level_kecamatan": ("kecamatan", "district"),
    "agency.level_desa": ("desa", "village"),
    "agency.interventions_title": ("Intervensi", "Interventions"),
    "agency.interventions_intro": ("Sertifikasi atau tambahan kapasitas untuk kelompok IKM (satu "
                                   "kategori di satu kabupaten), menurut kebutuhan yang bisa "
                                   "dibukanya.",
                                   "Certification or more capacity for groups of IKM (one "
                                   "category in one regency), by the demand it would unlock."),
    "agency.interventions_none": ("Pencocokan ini tidak menemukan intervensi untuk kabupaten "
                                  "Anda.",
                                  "This match run found no interventions for your regencies."),
    "agency.kind_certificate": ("Sertifikasi: {certificate}", "Certification: {certificate}"),
    "agency.kind_capacity": ("Tambah kapasitas {percent}%", "Capacity +{percent}%"),
    # the review queue
    "agency.review_title": ("Tinjauan kategori", "Category review"),
    "agency.review_intro": ("Nama produk yang kategorinya belum pasti. Konfirmasi usulannya, "
                            "atau pilih kategori lain; Simpul mempelajari jawaban Anda.",
                            "Product names whose category is uncertain. Confirm the suggestion "
                            "or choose another category; Simpul learns from your answer."),
    "agency.review_total": ("{count} menunggu tinjauan", "{count} waiting for review"),
    "agency.review_empty": ("Tidak ada yang perlu ditinjau.", "Nothing to review."),
    "agency.review_need": ("Kebutuhan {park} · {district}", "Need of {park} · {district}"),
    "agency.review_offer": ("Penawaran {ikm} · {district}", "Offer of {ikm} · {district}"),
    "agency.review_unit": ("satuan: {unit}", "unit: {unit}"),
    "agency.review_suggested": ("Usulan: {category} (keyakinan {score}%)",
                                "Suggested: {category} (confidence {score}%)"),
    "agency.review_no_suggestion": ("Belum ada kategori usulan.", "No suggested category."),
    "agency.review_done": ("Tersimpan: \u201c{name}\u201d kini berkategori {category}.",
                           "Saved: \u201c{name}\u201d is now in {category}."),
    "agency.confirm": ("Konfirmasi: {category}", "Confirm: {category}"),
    "agency.correct_to": ("Pindah ke {category}", "Move to {category}"),
    "agency.other_category": ("Kategori lain…", "Another category…"),
    "agency.review_back": ("Antrean tinjauan", "The review queue"),
    "agency.review_from": ("Asal", "From"),
    "agency.review_unit_typed": ("Satuan seperti ditulis", "Unit as typed"),
    "agency.review_category_now": ("Kategori sekarang", "Category now"),
    "agency.review_score": ("keyakinan {score}%", "confidence {score}%"),
    "agency.status_review": ("perlu ditinjau", "to be reviewed"),
    "agency.status_unknown": ("tidak dikenal", "unknown"),
    "agency.status_auto": ("otomatis", "automatic"),
    "agency.status_confirmed": ("dikonfirmasi", "confirmed"),
    "agency.category_field": ("Kategori yang benar", "The right category"),
    "agency.category_hint": ("Jumlah dan harga diubah ke satuan kategori ini.",
                             "Quantities and prices are converted into this category's unit."),
    "agency.save_category": ("Simpan kategori", "Save the category"),
    # match runs
    "agency.runs_title": ("Pencocokan", "Match runs"),
    "agency.runs_intro": ("Mencocokkan semua kebutuhan terbuka dengan penawaran IKM yang aktif. "
                          "Pencocokan berjalan di latar belakang; ikuti kemajuannya di "
                          "halamannya.",
                          "Matches every open need against the active IKM offers. A run works "
                          "in the background; follow its progress on its page."),
    "agency.horizon_days": ("Horizon (hari)", "Horizon (days)"),
    "agency.time_limit_s": ("Batas waktu (detik)", "Time limit (seconds)"),
    "agency.time_limit_hint": ("boleh kosong: bawaan layanan", "optional: the service's default"),
    "agency.seed": ("Benih", "Seed"),
    "agency.start_run": ("Jalankan pencocokan", "Start a match run"),
    "agency.run_limit": ("Sudah ada {count} pencocokan antre atau berjalan untuk wilayah Anda; "
                         "tunggu sampai selesai, lalu coba lagi.",
                         "{count} match run(s) are already queued or running for your area; "
                         "wait for them to finish, then try again."),
    "agency.recent_runs": ("Pencocokan terbaru", "Recent runs"),
    "agency.no_runs": ("Belum ada pencocokan.", "No match runs yet."),
    "agency.current": ("terkini", "current"),
    "agency.run_title": ("Pencocokan #{run}", "Match run #{run}"),
    "agency.runs_back": ("Semua pencocokan", "All match runs"),
    "agency.run_created": ("Dibuat", "Created"),
    "agency.run_progress": ("Kemajuan", "Progress"),
    "agency.run_status_queued": ("Menunggu giliran", "Queued"),
    "agency.run_status_running": ("Berjalan", "Running"),
    "agency.run_status_succeeded": ("Selesai", "Finished"),
    "agency.run_status_failed": ("Gagal", "Failed"),
    "agency.phase_queued": ("antre", "queued"),
    "agency.phase_loading": ("membaca katalog", "reading the catalog"),
    "agency.phase_matching": ("mencocokkan", "matching"),
    "agency.phase_near_misses": ("mencari peluang yang nyaris", "finding near misses"),
    "agency.phase_interventions": ("menilai intervensi", "ranking interventions"),
    "agency.phase_saving": ("menyimpan hasil", "saving the results"),
    "agency.phase_done": ("selesai", "done"),
    "agency.phase_failed": ("gagal", "failed"),
    "agency.run_succeeded": ("Pencocokan selesai.", "The run has finished."),
    "agency.see_dashboard": ("Lihat dasbor", "See the dashboard"),
    "agency.run_failed": ("Pencocokan gagal.", "The run failed."),
    "agency.refresh": ("Muat ulang untuk melihat kemajuan", "Reload to see the progress"),
    # --- the IKM owner's pages (owner.), in a module of their own ---
    **OWNER_TEXTS,
}


class _Texts:
    """The texts of one language as attributes (``t.login.title`` reads ``login.title``)."""

    __slots__ = ("_language", "_prefix")

    def __init__(self, language: Language, prefix: str = "") -> None:
        self._language = language
        self._prefix = prefix

    def __getattr__(self, name: str) -> Any:
        key = f"{self._prefix}{name}"
        if key in PAGE_TEXTS:
            return page_text(key, self._language)
        if any(k.startswith(f"{key}.") for k in PAGE_TEXTS):
            return _Texts(self._language, f"{key}.")
        raise AttributeError(key)

    def __call__(self, key: str, /, **params: Any) -> str:
        return page_text(f"{self._prefix}{key}", self._language, **params)


def page_text(key: str, language: Language, /, **params: Any) -> str:
    """The text ``key`` in ``language`` with ``params`` filled in."""
    indonesian, english = PAGE_TEXTS[key]
    chosen = english if language == "en" else indonesian
    return chosen.format(**params) if params else chosen


def texts_for(language: Language) -> Any:
    """The texts of ``language`` for a template: ``t.login.title``, or ``t("needs.total",
    count=3)`` for one with parameters."""
    return _Texts(language)

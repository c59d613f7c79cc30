"""The landing page's words, in Bahasa Indonesia and English."""

from __future__ import annotations

from catalog.messages import Language

__all__ = ["PAGE_TEXTS"]

PAGE_TEXTS: dict[Language, dict[str, str]] = {
    "id": {
        "title": "Simpul — mempertemukan IKM dengan kebutuhan kawasan industri",
        "tagline": "Mempertemukan IKM dengan kebutuhan kawasan industri",
        "intro": (
            "Simpul mempertemukan industri kecil dan menengah (IKM) dengan kebutuhan pengadaan "
            "kawasan industri: katering untuk puluhan ribu pekerja, air minum, APD, pakaian "
            "kerja, kemasan, suku cadang dan permesinan, angkutan truk, mes pekerja, binatu. "
            "Simpul menghitung siapa bisa memasok apa, berapa ongkos sampai di gerbang kawasan, "
            "dan mengapa sebagian kebutuhan belum bisa dipenuhi dari dalam daerah."
        ),
        "counts": "Isi katalog",
        "enterprises": "IKM",
        "offers": "penawaran aktif",
        "needs": "kebutuhan",
        "open_needs": "terbuka",
        "parks": "kawasan industri",
        "categories": "kategori produk & jasa",
        "who": "Untuk siapa",
        "who_park": "Tim pengadaan kawasan",
        "who_park_text": "memasang kebutuhan dengan kata-kata sendiri dan mendapat usulan "
                         "pemasok lokal dengan ongkos sampai dan porsi lokal.",
        "who_ikm": "Pemilik IKM",
        "who_ikm_text": "menunjukkan apa yang dibuat, berapa banyak, berapa harganya, dengan "
                        "sertifikat apa, dan melihat peluang yang hampir didapat.",
        "who_agency": "Disperindag provinsi dan kabupaten",
        "who_agency_text": "memetakan profil IKM, menemukan celah pasokan, memilih lokasi "
                           "sentra IKM, dan menentukan pelatihan serta sertifikasi.",
        "explore": "Jelajahi",
        "docs": "Dokumentasi API (Swagger UI)",
        "redoc": "Dokumentasi API (ReDoc)",
        "openapi": "Spesifikasi OpenAPI (JSON)",
        "list_enterprises": "Daftar IKM",
        "list_needs": "Kebutuhan kawasan",
        "list_parks": "Kawasan industri",
        "list_taxonomy": "Taksonomi produk & KBLI",
        "list_regions": "Wilayah",
        "empty": "Katalog masih kosong. Jalankan `simpul demo` untuk data contoh, atau "
                 "`simpul import FILE` untuk data IKM.",
        "footer": "Simpul berjalan sepenuhnya di jaringan sendiri, tanpa CDN.",
        "switch": "English",
    },
    "en": {
        "title": "Simpul — joining small industries to industrial-park procurement",
        "tagline": "Joining small industries to industrial-park procurement",
        "intro": (
            "Simpul joins small and medium industries (IKM) to the procurement needs of "
            "industrial parks: catering for tens of thousands of workers, drinking water, PPE, "
            "workwear, packaging, spare parts and machining, truck logistics, worker housing, "
            "laundry. It works out who can supply what, at what landed cost at the park gate, "
            "and why some needs cannot yet be met from within the region."
        ),
        "counts": "In the catalog",
        "enterprises": "IKM",
        "offers": "active offers",
        "needs": "needs",
        "open_needs": "open",
        "parks": "industrial parks",
        "categories": "product & service categories",
        "who": "Who it is for",
        "who_park": "Park procurement teams",
        "who_park_text": "post needs in their own words and get local suppliers proposed, "
                         "with landed cost and local share.",
        "who_ikm": "IKM owners",
        "who_ikm_text": "show what they make, how much, at what price and with which "
                        "certificates, and see the opportunities they nearly won.",
        "who_agency": "Provincial and regency industry agencies",
        "who_agency_text": "map IKM profiles, find supply gaps, choose places for sentra IKM, "
                           "and target training and certification.",
        "explore": "Explore",
        "docs": "API documentation (Swagger UI)",
        "redoc": "API documentation (ReDoc)",
        "openapi": "OpenAPI specification (JSON)",
        "list_enterprises": "IKM",
        "list_needs": "Park needs",
        "list_parks": "Industrial parks",
        "list_taxonomy": "Product taxonomy & KBLI",
        "list_regions": "Regions",
        "empty": "The catalog is empty. Run `simpul demo` for sample data, or "
                 "`simpul import FILE` for IKM data.",
        "footer": "Simpul runs entirely on your own network, with no CDN.",
        "switch": "Bahasa Indonesia",
    },
}


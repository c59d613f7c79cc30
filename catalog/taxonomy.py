"""The product and service taxonomy: what industrial parks buy locally and what IKM sell them.

Every offer and need in Simpul is filed under one :class:`Category`: a stable kebab-case
Indonesian code (``katering-kontrak``), names in Indonesian and English, a sector, the KBLI 2020
codes of the businesses that make or provide it, the canonical unit quantities are stored in
(see :mod:`catalog.units`), whether Disperindag would count it as agro-industry, and the words
owners and buyers actually type for it (``nasbox``, ``kardos``, ``wearpack``, ``tronton``).

The categories cover what a nickel-smelter park such as IMIP or IHIP buys near its gate: food
for canteens feeding tens of thousands of workers, drinking water and ice, packaging, fasteners,
machining and welding, spare parts and repairs, workwear and personal protective equipment,
furniture for dormitories, building materials, transport by road and sea, equipment rental,
worker housing, laundry, cleaning, security, printing and the collection of ordinary and
hazardous (B3) waste, which are kept in separate categories.

KBLI codes
    Every code is a five-digit *kelompok* of KBLI 2020, the classification the OSS system
    prints on each business's NIB; the first code of a category is its primary one. Each code
    was checked against the official KBLI 2020 list published for OSS: that it exists, and that
    its title and scope text (*uraian*) fit the category. Codes are strings, so leading zeros
    survive (``01462``). :data:`KBLI_TITLES` gives each code used here a short Indonesian
    title in the project's own words, for display and fuzzy matching; it paraphrases the
    official titles rather than reproducing them.

Agro or non-agro
    ``agro`` follows the split provincial industry agencies use for IKM: a category is agro when
    it is made mainly from farm, livestock, fishery, forest or plantation produce (food and
    drink, catering, wood and paper, natural-rubber goods, cotton textiles such as knitted
    gloves, rags and linen, leather, compost), and non-agro when it is made from metal, minerals,
    plastics or synthetic fibres, or is a service other than food service.

Relations
    :data:`RELATIONS` is the capability graph the matcher walks. ``substitutes`` is directed:
    an offer in ``source`` can be allocated to a need in ``target``, one unit of the source
    covering ``factor`` units of the target (0 < factor <= 1). Both categories then have units
    of the same dimension, so quantities convert. ``related`` is weaker and has no direction
    and no factor: the two categories share a process, materials or workshop, so they are used
    for near misses ("you could serve this need with a small step") and for grouping IKM into a
    *sentra*, never for allocating quantities. A pair is joined by one ``related`` edge or by
    ``substitutes`` edges, never both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from catalog.exceptions import NotFound

__all__ = [
    "CATEGORIES",
    "KBLI_TITLES",
    "RELATIONS",
    "Category",
    "Relation",
    "Sector",
    "categories_by_kbli",
    "category",
]

Sector = Literal["pangan", "air-es", "kemasan", "logam-mesin", "karet-plastik", "sandang-apd",
                 "furnitur", "bahan-bangunan", "logistik", "akomodasi", "jasa", "limbah"]


@dataclass(frozen=True, slots=True)
class Category:
    """One product or service category (see the module docstring for what each field means)."""

    code: str
    name_id: str
    name_en: str
    sector: Sector
    kbli: tuple[str, ...]
    unit: str
    agro: bool
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Relation:
    """An edge between two categories: ``substitutes`` (directed, with a factor) or ``related``."""

    source: str
    target: str
    kind: Literal["substitutes", "related"]
    factor: float | None


def _cat(code: str, name_id: str, name_en: str, sector: Sector, kbli: str, unit: str,
         agro: bool, aliases: str) -> Category:
    """A category from compact text: KBLI codes space-separated, aliases comma-separated."""
    return Category(code, name_id, name_en, sector, tuple(kbli.split()), unit, agro,
                    tuple(alias.strip() for alias in aliases.split(",")))


CATEGORIES: tuple[Category, ...] = (
    # --- pangan: food, catering and fresh produce ------------------------------------------
    _cat("katering-kontrak", "Katering kontrak (kantin kawasan)", "Contract catering (canteens)",
         "pangan", "56290", "porsi", True,
         "katering kontrak, catering, katering, ransum, katering harian, catering karyawan, "
         "catering pabrik, makan karyawan, kantin karyawan, jasa boga, contract catering, "
         "catering bulanan, catering tambang, makan siang karyawan"),
    _cat("katering-acara", "Katering acara dan nasi kotak", "Event catering and boxed meals",
         "pangan", "56210", "porsi", True,
         "katering acara, nasbox, nasi kotak, prasmanan, catering acara, catering event, "
         "buffet, tumpeng, nasi tumpeng, event catering, catering pesta, catering rapat, "
         "hajatan, nasi box, syukuran"),
    _cat("warung-makan", "Warung dan rumah makan", "Eating houses and food stalls",
         "pangan", "56102 56101", "porsi", True,
         "warung makan, rumah makan, nasi bungkus, warteg, rm padang, nasi campur, "
         "warung nasi, nasi lalapan, eatery, restoran, rm"),
    _cat("roti", "Roti", "Bread and buns", "pangan", "10710 46332", "pcs", True,
         "roti, bakery, toko roti, roti tawar, roti manis, roti sobek, bread, roti isi, "
         "roti kasur, bun, roti gulung"),
    _cat("kue-kering", "Kue kering dan biskuit", "Biscuits and dry cakes",
         "pangan", "10710", "kg", True,
         "kue kering, cookies, nastar, kastengel, biskuit, kue lebaran, putri salju, "
         "kue toples, dry cake, bolu kering, bagea"),
    _cat("kue-basah", "Kue basah dan jajan pasar", "Traditional wet cakes and snacks",
         "pangan", "10792", "pcs", True,
         "kue basah, jajan pasar, kue tradisional, snack box, kotak snack, lemper, risoles, "
         "kue lapis, onde-onde, lumpia, panada, jalangkote, kue talam, kudapan, wet cake, "
         "barongko, lalampa"),
    _cat("keripik-kerupuk", "Keripik, kerupuk dan peyek", "Crisps, crackers and peyek",
         "pangan", "10794", "kg", True,
         "keripik, kripik, kerupuk, krupuk, peyek, rempeyek, emping, chips, crackers, "
         "keripik pisang, kerupuk ikan, camilan, snack kiloan, opak"),
    _cat("olahan-daging", "Daging olahan (bakso, sosis, nugget)",
         "Processed meat (meatballs, sausages, nuggets)", "pangan", "10130", "kg", True,
         "bakso, bakso sapi, sosis, nugget, abon, dendeng, daging olahan, processed meat, "
         "daging beku, frozen food, kornet"),
    _cat("sayur-daun", "Sayuran daun", "Leaf vegetables", "pangan", "01131 46313", "kg", True,
         "sayur daun, sayuran daun, sayur hijau, sayur mayur, kangkung, bayam, sawi, "
         "sawi putih, caisim, kol, kubis, pakcoy, selada, leafy vegetables, kembang kol, "
         "daun singkong, daun gedi, gedi, leafy greens, sayuran hijau"),
    _cat("sayur-buah", "Sayuran buah", "Fruit vegetables", "pangan", "01133 46313", "kg", True,
         "sayur buah, sayuran buah, tomat, terong, terung, timun, mentimun, labu siam, "
         "jipang, kacang panjang, buncis, pare, labu kuning, oyong, fruit vegetables, cucumber, "
         "manisa, ketimun"),
    _cat("umbi-umbian", "Umbi-umbian (kentang, wortel, singkong)",
         "Tubers and root vegetables", "pangan", "01134 01135 46313", "kg", True,
         "umbi, kentang, wortel, ubi, ubi kayu, singkong, kasbi, ubi jalar, talas, lobak, "
         "tubers, root vegetables, potato, kaspe, telo, pohung"),
    _cat("bawang", "Bawang merah dan bawang putih", "Shallots, garlic and onions",
         "pangan", "01134 46313", "kg", True,
         "bawang merah, bawang putih, bawang bombay, bawang palu, brambang, onion, garlic, "
         "shallot, bawang goreng"),
    _cat("cabai", "Cabai", "Chillies", "pangan", "01283 46313", "kg", True,
         "cabe, cabe rawit, cabai rawit, cabai merah, cabe merah, cabai keriting, lombok, "
         "rica, chili, chilli, red chili"),
    _cat("bumbu-rempah", "Bumbu dan rempah", "Spices and seasoning pastes",
         "pangan", "10772 01285 01281 01289", "kg", True,
         "bumbu, rempah, bumbu dapur, bumbu masak, bumbu halus, jahe, kunyit, lengkuas, "
         "serai, sereh, merica, lada, ketumbar, spices, pepper, black pepper"),
    _cat("buah-segar", "Buah segar", "Fresh fruit", "pangan", "01220 01230 01132 46312", "kg",
         True,
         "buah, buah-buahan, pisang, pepaya, semangka, jeruk, melon, nanas, mangga, salak, "
         "rambutan, fruit, fresh fruit, kates, watermelon"),
    _cat("telur-ayam", "Telur ayam ras", "Hen eggs", "pangan", "01462 46325", "butir", True,
         "telur, telor, telur ayam, telur ras, telur ayam ras, telur negeri, telur konsumsi, "
         "telur segar, eggs, chicken eggs"),
    _cat("daging-ayam", "Daging ayam", "Chicken meat", "pangan", "10120 01461 46322", "kg", True,
         "daging ayam, ayam potong, ayam broiler, ayam negeri, karkas ayam, fillet ayam, "
         "dada ayam, paha ayam, ayam beku, chicken, ceker"),
    _cat("daging-sapi", "Daging sapi dan kerbau", "Beef and buffalo meat",
         "pangan", "10110 46321", "kg", True,
         "daging sapi, beef, daging has, has dalam, has luar, tetelan, iga sapi, "
         "daging giling, sapi beku, daging kerbau"),
    _cat("daging-kambing", "Daging kambing dan domba", "Goat meat and mutton",
         "pangan", "10110 01442 46323", "kg", True,
         "daging kambing, daging domba, kambing, domba, mutton, goat meat, lamb"),
    _cat("ternak-sapi", "Sapi potong hidup", "Live beef cattle", "pangan", "01411", "ekor", True,
         "sapi hidup, sapi potong, sapi bali, ternak sapi, cattle, live cattle, sapi kurban, "
         "sapi qurban"),
    _cat("ikan-segar", "Ikan segar", "Fresh fish", "pangan", "03111 03221 10217", "kg", True,
         "ikan, ikan segar, ikan laut, ikan basah, tongkol, cakalang, tuna, kembung, katombo, "
         "layang, bandeng, ikan nila, fish, fresh fish"),
    _cat("ikan-olahan", "Ikan asin, asap dan olahan", "Salted, smoked and processed fish",
         "pangan", "10211 10212 10216 46324", "kg", True,
         "ikan asin, ikan kering, ikan asap, ikan roa, cakalang fufu, abon ikan, bakso ikan, "
         "otak-otak, ikan teri, teri, dried fish, pindang, salted fish"),
    _cat("beras", "Beras", "Rice", "pangan", "10631 46311", "kg", True,
         "beras, rice, beras medium, beras premium, beras putih, beras lokal, beras curah, "
         "beras giling, penggilingan padi"),
    _cat("tahu-tempe", "Tahu dan tempe", "Tofu and tempeh", "pangan", "10392 10391", "kg", True,
         "tahu, tempe, tahu putih, tahu kuning, tahu goreng, tempe kedelai, tofu, tempeh"),
    _cat("minyak-goreng", "Minyak goreng", "Cooking oil", "pangan", "10437 10423", "liter", True,
         "minyak goreng, migor, minyak sawit, minyak curah, minyak kelapa, minyakita, bimoli, "
         "cooking oil"),
    _cat("gula", "Gula pasir dan gula merah", "Sugar and palm sugar",
         "pangan", "10721 10722 46331", "kg", True,
         "gula, gula pasir, gula merah, gula aren, gula jawa, gula semut, sugar, palm sugar"),
    _cat("mie", "Mi dan bihun", "Noodles", "pangan", "10740", "kg", True,
         "mi, mie basah, mie kering, mie telur, bihun, soun, kwetiau, noodles, indomie, "
         "mi instan, mie instan"),
    _cat("kopi-bubuk", "Kopi bubuk", "Ground coffee", "pangan", "10761", "kg", True,
         "kopi, kopi bubuk, bubuk kopi, coffee, kopi robusta, kopi arabika, kopi sachet"),
    # --- air-es: drinking water, ice and a camp's other utilities ---------------------------
    _cat("air-minum-kemasan", "Air minum dalam kemasan (AMDK)", "Bottled drinking water",
         "air-es", "11051 46334", "liter", True,
         "amdk, air minum kemasan, air mineral, air kemasan, aqua, aqua galon, le minerale, "
         "air botol, air gelas, air mineral botol, air mineral galon, bottled water, "
         "mineral water, air club, vit"),
    _cat("air-isi-ulang", "Air minum isi ulang (depot)", "Refill-depot drinking water",
         "air-es", "11052", "liter", True,
         "air isi ulang, depot air, depot air minum, damiu, air refill, refill water, air ro, "
         "air depot, depot isi ulang, galon isi ulang"),
    _cat("es-batu", "Es batu dan es balok", "Ice cubes and block ice", "air-es", "35302", "kg",
         True,
         "es batu, es balok, balok es, es kristal, es tube, es curah, ice, ice cube, "
         "ice block, pabrik es, es bato"),
    _cat("air-bersih", "Air bersih (mobil tangki)", "Clean water by tanker", "air-es",
         "36001", "m3", False,
         "air bersih, air tangki, mobil tangki air, truk air, suplai air, clean water, "
         "water supply, pdam"),
    _cat("gas-lpg", "Gas elpiji (LPG)", "LPG cooking gas", "air-es", "47772 47302", "kg", False,
         "lpg, elpiji, gas lpg, gas melon, tabung gas, isi ulang gas, bright gas, refill gas, "
         "gas masak, agen lpg"),
    # --- kemasan: packaging ----------------------------------------------------------------
    _cat("kotak-kemasan-kertas", "Kotak dan kemasan kertas", "Paper and paperboard boxes",
         "kemasan", "17022", "pcs", True,
         "kotak kemasan kertas, kotak nasi, kotak nasi kertas, kotak kue, kotak makan kertas, "
         "kotak kertas, kemasan kertas, paper lunch box, paper bag, kantong kertas, "
         "food pail, box nasi"),
    _cat("kardus", "Kardus (karton gelombang)", "Corrugated cartons", "kemasan",
         "17022 17021", "pcs", True,
         "dus, dos, kardos, kerdus, karton, karton box, box karton, carton box, "
         "corrugated box, kardus polos, kardus packing, cardboard box, shipping box"),
    _cat("lembaran-karton", "Kertas dan karton lembaran", "Kraft paper and board sheets",
         "kemasan", "17021", "kg", True,
         "kertas kraft, kraft paper, duplex, kertas duplex, chipboard, kertas bungkus, "
         "kertas payung, kertas gelombang, papan kertas, board paper"),
    _cat("kertas-nasi", "Kertas nasi (pembungkus makanan)", "Food wrapping paper", "kemasan",
         "17099", "lembar", True,
         "kertas nasi, kertas bungkus nasi, bungkus nasi, kertas minyak, kertas burger, "
         "food wrapping paper, kertas laminasi, wrap paper, burger wrap"),
    _cat("kemasan-plastik", "Kantong dan kemasan plastik", "Plastic bags and packaging",
         "kemasan", "22220", "pcs", False,
         "kemasan plastik, kantong plastik, plastik kresek, kresek, plastic bag, "
         "standing pouch, plastik klip, plastik es, plastik bening, plastik pe, plastik pp, "
         "kantong sampah, botol plastik"),
    _cat("wadah-makanan-plastik", "Wadah makanan plastik sekali pakai",
         "Disposable plastic food containers", "kemasan", "22220", "pcs", False,
         "thinwall, mika, styrofoam, sterofoam, gelas plastik, cup plastik, food container, "
         "kotak makan plastik, sendok plastik, sedotan, mangkok plastik"),
    _cat("plastik-gulung", "Plastik wrap (stretch film)", "Stretch and cling film", "kemasan",
         "22220 22291", "roll", False,
         "stretch film, plastik wrap, plastik wrapping, wrapping, cling wrap, pallet wrap, "
         "shrink wrap, plastik stretch"),
    _cat("karung", "Karung", "Sacks", "kemasan", "13926 22220 13925", "pcs", False,
         "karung, sak, karung plastik, karung beras, karung bagor, karung goni, karung pp, "
         "karung tepung, karung bekas, woven bag, sack"),
    _cat("karung-jumbo", "Karung jumbo (jumbo bag)", "Bulk bags (FIBC)", "kemasan",
         "22220 13926", "pcs", False,
         "jumbo bag, big bag, fibc, bulk bag, karung jumbo, jumbo sak, jumbo bag bekas"),
    _cat("palet-kayu", "Palet kayu", "Wooden pallets", "kemasan", "16230", "pcs", True,
         "palet, pallet, palet kayu, pallet kayu, wooden pallet, palet bekas, papan muat, "
         "skid kayu"),
    _cat("peti-kayu", "Peti dan krat kayu", "Wooden crates and cases", "kemasan", "16230", "pcs",
         True,
         "peti kayu, krat kayu, crate, wooden crate, kotak kayu, packing kayu, peti packing"),
    _cat("tali-tambang", "Tali dan tambang", "Rope and twine", "kemasan", "13941", "roll", False,
         "tali, tambang, tali tambang, tali rafia, rafia, tali pp, tali nilon, tali kapal, "
         "tali plastik, rope"),
    _cat("jasa-pengepakan", "Jasa pengepakan dan parsel", "Packing and hamper services",
         "kemasan", "82920", "pcs", False,
         "jasa packing, jasa pengepakan, repacking, kemas ulang, pengemasan ulang, "
         "packing barang, parsel, hampers, jasa kemas"),
    # --- logam-mesin: metalwork, machinery, parts and repair --------------------------------
    _cat("baut-mur", "Baut dan mur", "Bolts and nuts", "logam-mesin", "25952", "pcs", False,
         "baut, mur, bolt, nut, baut mur, mur baut, sekrup, screw, ring plat, washer, "
         "baut hitam, baut roofing, dynabolt, anchor bolt, fastener"),
    _cat("paku", "Paku", "Nails", "logam-mesin", "25952", "kg", False,
         "paku beton, paku kayu, paku seng, paku payung, paku reng, paku tembak, nail, nails"),
    _cat("jasa-bubut", "Jasa bubut dan permesinan", "Lathe work and machining",
         "logam-mesin", "25920", "jam", False,
         "bubut, jasa bubut, bengkel bubut, turning, lathe, machining, cnc, milling, frais, "
         "skrap, bubut as, bubut poros, machine shop, jasa frais"),
    _cat("jasa-las", "Jasa las", "Welding services", "logam-mesin", "25920 33119", "jam", False,
         "las, jasa las, tukang las, bengkel las, welding, welder, las listrik, las argon, "
         "las karbit, las keliling, las stainless, las aluminium, smaw"),
    _cat("sandblast-coating", "Sandblasting, galvanis dan pengecatan logam",
         "Blasting, galvanising and metal coating", "logam-mesin", "25920", "m2", False,
         "sandblasting, sandblast, sand blasting, blasting, galvanis, hot dip galvanize, "
         "powder coating, coating, pengecatan besi, cat besi, anti karat, penyepuhan, "
         "chrome plating, galvanizing, hot dip galvanizing, hdg"),
    _cat("fabrikasi-baja", "Fabrikasi struktur baja", "Structural steel fabrication",
         "logam-mesin", "25113 25119 25111", "kg", False,
         "fabrikasi, fabrikasi baja, steel fabrication, struktur baja, konstruksi baja, "
         "rangka baja, steel structure, konstruksi besi, platform baja, jembatan baja, "
         "hanggar baja"),
    _cat("pagar-teralis", "Pagar, teralis dan kanopi besi", "Railings, grilles and canopies",
         "logam-mesin", "25111", "m2", False,
         "pagar besi, teralis, tralis, kanopi, canopy, pintu besi, pintu pagar, railing, "
         "pintu harmonika, folding gate, rolling door, baja ringan, fence gate, steel fence"),
    _cat("tangki-logam", "Tangki dan bejana logam", "Metal tanks and vessels",
         "logam-mesin", "25120", "pcs", False,
         "tangki, tangki air, tandon, tandon air, water tank, tangki solar, tangki bbm, "
         "tangki stainless, storage tank, pressure vessel, bejana tekan, silo"),
    _cat("cor-logam", "Pengecoran logam", "Metal castings", "logam-mesin", "24310 24320", "kg",
         False,
         "pengecoran, pengecoran besi, cor logam, cor besi, cor kuningan, cor aluminium, "
         "coran, casting, foundry, besi cor, cast iron"),
    _cat("barang-kawat", "Barang dari kawat (bronjong, seling)", "Wire goods (gabions, slings)",
         "logam-mesin", "25951", "pcs", False,
         "kawat, bronjong, kawat bronjong, gabion, kawat duri, wire mesh, kawat harmonika, "
         "pagar kawat, kasa kawat, seling, wire rope, sling baja, wiremesh"),
    _cat("perkakas-tangan", "Perkakas tangan", "Hand tools", "logam-mesin",
         "25932 25931 25934", "pcs", False,
         "perkakas, perkakas tangan, hand tools, parang, golok, linggis, cangkul, sekop, "
         "palu, martil, kunci pas, tang, obeng, gergaji, kunci ring, krisbow"),
    _cat("peralatan-dapur-logam", "Peralatan dapur dan katering dari logam",
         "Metal kitchen and catering equipment", "logam-mesin", "25992", "pcs", False,
         "peralatan dapur, alat masak, peralatan katering, panci, wajan, kuali, dandang, "
         "ompreng, food tray, tray stainless, nampan, baki, rantang"),
    _cat("suku-cadang-mesin", "Suku cadang mesin", "Engine and machine parts",
         "logam-mesin", "28113", "pcs", False,
         "suku cadang mesin, sparepart mesin, spare part mesin, part mesin, komponen mesin, "
         "engine parts, piston, ring piston, blok mesin, klep, karburator, spare part diesel"),
    _cat("bantalan-roda-gigi", "Bearing, roda gigi dan elemen penggerak",
         "Bearings, gears and drive elements", "logam-mesin", "28140", "pcs", False,
         "bearing, laher, klaher, roda gigi, gear, gir, sprocket, pulley, puli, bushing, "
         "gearbox, coupling, rantai mesin"),
    _cat("alat-angkat", "Alat angkat dan pemindah", "Lifting and handling equipment",
         "logam-mesin", "28160", "pcs", False,
         "alat angkat, chain block, lever block, hoist, takel, katrol, overhead crane, "
         "gantry crane, hand pallet, dongkrak, lifting equipment, troli barang"),
    _cat("suku-cadang-kendaraan", "Suku cadang kendaraan", "Vehicle spare parts",
         "logam-mesin", "29300 45301 45302", "pcs", False,
         "suku cadang kendaraan, sparepart mobil, spare part truk, sparepart kendaraan, "
         "onderdil, onderdel, suku cadang truk, kampas rem, knalpot, radiator, auto parts, "
         "leaf spring, spare parts, sparepart truk, per daun, filter oli"),
    _cat("karoseri", "Karoseri dan bak truk", "Truck bodies and trailers", "logam-mesin",
         "29200", "pcs", False,
         "karoseri, karoseri truk, bak truk, bak besi, dump body, bodi truk, trailer, "
         "box truk besi, tangki truk, truck body, body truck"),
    _cat("servis-mesin", "Servis dan perbaikan mesin", "Machinery repair and maintenance",
         "logam-mesin", "33121 33122", "jam", False,
         "servis mesin, service mesin, perbaikan mesin, reparasi mesin, repair mesin, "
         "overhaul, turun mesin, maintenance mesin, perawatan mesin, bengkel mesin, "
         "servis pompa, servis kompresor, servis genset, machine repair, "
         "preventive maintenance, genset servis, machine maintenance"),
    _cat("gulung-dinamo", "Gulung dinamo (rewinding motor dan generator)",
         "Motor and generator rewinding", "logam-mesin", "33141", "pcs", False,
         "gulung dinamo, dinamo, rewinding, rewinding motor, lilit dinamo, servis dinamo, "
         "gulung motor listrik, gulung trafo, gulung spul, servis elektromotor, "
         "electric motor repair"),
    _cat("bengkel-kendaraan", "Bengkel mobil dan truk", "Car and truck repair", "logam-mesin",
         "45201", "jam", False,
         "bengkel, bengkel mobil, bengkel truk, servis mobil, servis truk, reparasi mobil, "
         "tune up, spooring, balancing, ganti oli, tambal ban, ketok magic, car repair"),
    _cat("panel-listrik", "Panel listrik", "Electrical panels and switchboards", "logam-mesin",
         "27120", "pcs", False,
         "panel listrik, panel distribusi, box panel, lemari panel, mdp, sdp, lvmdp, "
         "switchboard, control panel, panel kontrol, panel ats, ats amf"),
    _cat("perlengkapan-kabel", "Perlengkapan kabel dan listrik", "Wiring accessories",
         "logam-mesin", "27330", "pcs", False,
         "skun, sepatu kabel, cable lug, terminal kabel, cable tie, kabel ties, klem kabel, "
         "stop kontak, saklar, fitting lampu, steker, colokan, penangkal petir"),
    _cat("gas-industri", "Gas industri (oksigen, asetilen, argon)",
         "Industrial gases (oxygen, acetylene, argon)", "logam-mesin", "20112", "pcs", False,
         "oksigen, o2, tabung oksigen, gas oksigen, isi ulang oksigen, asetilen, acetylene, "
         "gas argon, co2, nitrogen, gas las, industrial gas, oxygen, isi oksigen"),
    # --- karet-plastik: rubber and plastic goods --------------------------------------------
    _cat("karet-industri", "Barang karet industri", "Industrial rubber goods", "karet-plastik",
         "22192", "pcs", True,
         "karet industri, seal karet, rubber seal, o-ring, oring, gasket karet, packing karet, "
         "conveyor belt, belt conveyor, fan belt, v-belt, karet fender, rubber fender, "
         "lembaran karet, engine mounting"),
    _cat("sarung-tangan-karet", "Sarung tangan karet", "Rubber gloves", "karet-plastik",
         "22199", "pasang", True,
         "sarung tangan karet, glove karet, rubber gloves, sarung tangan nitril, "
         "sarung tangan kimia, sarung tangan listrik, sarung tangan latex, "
         "sarung tangan cuci, chemical gloves"),
    _cat("vulkanisir-ban", "Vulkanisir ban", "Tyre retreading", "karet-plastik", "22112", "pcs",
         True,
         "vulkanisir, vulkanisir ban, ban vulkanisir, vulkanisir ban truk, retread, "
         "retreading, ban bekas vulkanisir, tire retreading"),
    _cat("pipa-plastik", "Pipa dan selang plastik", "Plastic pipes and hoses", "karet-plastik",
         "22230", "pcs", False,
         "pipa pvc, paralon, pipa paralon, pipa hdpe, pipa pe, pipa ppr, pipa air, pvc pipe, "
         "hdpe pipe, fitting pvc, selang, selang air, wavin, rucika"),
    _cat("terpal", "Terpal", "Tarpaulins", "karet-plastik", "22291 13929", "pcs", False,
         "terpal, tarpaulin, terpal plastik, terpal truk, terpal kanvas, plastik terpal, "
         "tenda terpal, canvas"),
    _cat("wadah-plastik", "Ember, krat dan wadah plastik", "Plastic buckets, crates and bins",
         "karet-plastik", "22292 22220", "pcs", False,
         "ember, ember plastik, keranjang plastik, krat plastik, tong sampah, tempat sampah, "
         "kontainer plastik, drum plastik, jerigen, jerry can, bak plastik, bucket"),
    # --- sandang-apd: clothing, textiles and personal protective equipment ------------------
    _cat("seragam-kerja", "Seragam dan pakaian kerja", "Workwear and uniforms", "sandang-apd",
         "14111", "pcs", False,
         "seragam, seragam kerja, seragam karyawan, wearpack, werpak, coverall, katelpak, "
         "baju kerja, pakaian kerja, kemeja kerja, celana kerja, uniform, work uniform, "
         "konveksi"),
    _cat("kaos", "Kaos dan polo", "T-shirts and polo shirts", "sandang-apd", "14301", "pcs", True,
         "kaos oblong, t-shirt, tshirt, kaos polo, polo shirt, kaos kerah, kaos seragam, "
         "kaos katun, kaos lengan panjang, jersey, kaus, kaus polo, kaus oblong"),
    _cat("jahit-pakaian", "Jahit pakaian sesuai pesanan", "Tailoring to order", "sandang-apd",
         "14120 95291", "pcs", False,
         "jahit, penjahit, tukang jahit, tailor, jasa jahit, jahit baju, jahit seragam, "
         "jahitan, vermak, permak, made to measure, tailoring"),
    _cat("bordir", "Bordir logo dan emblem", "Embroidery of logos and badges", "sandang-apd",
         "14302 13922", "pcs", False,
         "bordir, bordiran, bordir logo, logo bordir, bordir komputer, bordir seragam, "
         "embroidery, sulam, emblem, badge bordir, patch bordir"),
    _cat("sablon-kaos", "Sablon kaos", "Screen printing on garments", "sandang-apd", "13133",
         "pcs", False,
         "sablon, sablon kaos, sablon manual, sablon plastisol, sablon rubber, dtf, "
         "sablon dtf, screen printing, cetak kaos, printing kaos"),
    _cat("sarung-tangan-kain", "Sarung tangan kain", "Textile work gloves", "sandang-apd",
         "14131", "pasang", True,
         "sarung tangan, glove, gloves, sarung tangan kain, sarung tangan benang, "
         "sarung tangan katun, sarung tangan bintik, sarung tangan rajut, "
         "sarung tangan kerja, cotton gloves, work gloves, glove katun"),
    _cat("sarung-tangan-kulit", "Sarung tangan kulit (las)", "Leather and welding gloves",
         "sandang-apd", "15122", "pasang", True,
         "sarung tangan kulit, sarung tangan las, glove kulit, glove las, leather gloves, "
         "welding gloves, sarung tangan welder"),
    _cat("sepatu-safety", "Sepatu safety", "Safety footwear", "sandang-apd", "15203", "pasang",
         False,
         "sepatu safety, sepatu sefty, safety shoes, safety boots, sepatu boot, sepatu boots, "
         "boot, sepatu pengaman, sepatu proyek, sepatu kerja, sepatu baja, steel toe, "
         "ap boots, sepatu kings, sepatu tambang"),
    _cat("helm-safety", "Helm safety", "Safety helmets", "sandang-apd", "32904", "pcs", False,
         "helm proyek, helm safety, safety helmet, hard hat, helm kerja, helm pelindung, "
         "helmet proyek, helm msa, topi proyek, helm tambang, helm k3"),
    _cat("rompi-safety", "Rompi safety", "High-visibility vests", "sandang-apd", "32904 14111",
         "pcs", False,
         "rompi, rompi safety, rompi proyek, rompi scotlight, rompi reflektor, rompi jaring, "
         "rompi k3, safety vest, vest, hi-vis vest"),
    _cat("apd-lainnya", "Alat pelindung diri lainnya", "Other personal protective equipment",
         "sandang-apd", "32904", "pcs", False,
         "apd, alat pelindung diri, ppe, masker, respirator, kacamata safety, safety glasses, "
         "goggles, earplug, ear muff, body harness, full body harness, face shield, apron las, "
         "pelampung, life jacket, kacamata las"),
    _cat("majun", "Majun (kain lap)", "Cotton wiping rags", "sandang-apd", "13929", "kg", True,
         "majun, kain majun, majun putih, majun warna, kain lap, lap, lap mesin, kain perca, "
         "perca, rags, cotton waste"),
    _cat("sprei-handuk", "Sprei, handuk dan linen", "Bed linen and towels", "sandang-apd",
         "13921", "pcs", True,
         "sprei, seprai, sarung bantal, handuk, selimut, bed cover, gorden, taplak, linen, "
         "towel, bed sheets, bedsheet"),
    # --- furnitur: furniture and bedding ---------------------------------------------------
    _cat("furnitur-kayu", "Furnitur kayu", "Wooden furniture", "furnitur", "31001", "pcs", True,
         "mebel, meubel, mebel kayu, meubelair, furnitur, furniture kayu, lemari kayu, "
         "lemari pakaian, meja kayu, kursi kayu, ranjang kayu, dipan, tempat tidur kayu, "
         "wooden furniture, wardrobe, meja kantor"),
    _cat("furnitur-logam", "Furnitur logam", "Metal furniture", "furnitur", "31004", "pcs", False,
         "furniture besi, furnitur besi, ranjang besi, tempat tidur besi, ranjang susun, "
         "ranjang tingkat, bunk bed, loker, locker, lemari loker, lemari besi, meja besi, "
         "kursi besi, filing cabinet, metal furniture"),
    _cat("furnitur-plastik", "Furnitur plastik", "Plastic furniture", "furnitur", "31003", "pcs",
         False,
         "kursi plastik, meja plastik, kursi napolly, napolly, kursi lipat plastik, "
         "plastic chair, rak plastik, lemari plastik"),
    _cat("rak-logam", "Rak besi dan rak gudang", "Steel shelving and racking", "furnitur",
         "31004", "pcs", False,
         "rak besi, rak gudang, rak siku, rak siku lubang, rak susun, rak barang, rak boltless, "
         "steel rack, racking, shelving"),
    _cat("kasur-bantal", "Kasur, bantal dan guling", "Mattresses and pillows", "furnitur",
         "13923 31009", "pcs", True,
         "kasur, kasur busa, kasur lipat, kasur kapuk, spring bed, springbed, matras, bantal, "
         "guling, mattress, pillow"),
    # --- bahan-bangunan: construction materials and building work ---------------------------
    _cat("batu-bata", "Batu bata merah", "Clay bricks", "bahan-bangunan", "23921", "pcs", False,
         "batu bata, bata, bata merah, batu merah, bata press, bata tanah liat, bata ekspos, "
         "brick, red brick"),
    _cat("batako-paving", "Batako dan paving block", "Concrete blocks and paving",
         "bahan-bangunan", "23953", "pcs", False,
         "batako, paving, paving block, paving stone, conblock, kanstin, grass block, "
         "bata beton, bata ringan, hebel"),
    _cat("buis-beton", "Buis beton dan beton pracetak", "Concrete pipes and precast units",
         "bahan-bangunan", "23953", "pcs", False,
         "buis beton, gorong-gorong, u-ditch, uditch, box culvert, pipa beton, precast, "
         "beton pracetak, saluran beton, cover ditch, culvert"),
    _cat("beton-siap-pakai", "Beton siap pakai (ready mix)", "Ready-mixed concrete",
         "bahan-bangunan", "23957", "m3", False,
         "ready mix, readymix, beton ready mix, beton cor, cor beton, concrete, truk molen, "
         "molen, mortar instan, semen instan, ready mixed concrete"),
    _cat("pasir", "Pasir", "Sand", "bahan-bangunan", "08104 46634", "m3", False,
         "pasir, pasir beton, pasir cor, pasir pasang, pasir urug, pasir halus, pasir kasar, "
         "pasir sungai, sand, river sand"),
    _cat("batu-split", "Batu split dan kerikil", "Crushed stone and gravel", "bahan-bangunan",
         "08101 08103 46634", "m3", False,
         "batu split, split, batu pecah, batu belah, kerikil, koral, gravel, batu kali, "
         "batu gunung, abu batu, agregat, base course, crushed stone"),
    _cat("sirtu-timbunan", "Tanah urug dan sirtu", "Fill earth and pit-run gravel",
         "bahan-bangunan", "08105 08103", "m3", False,
         "sirtu, tanah urug, tanah uruk, urugan, timbunan, tanah timbun, material timbunan, "
         "tanah merah, fill material"),
    _cat("karung-pasir", "Karung pasir (sandbag)", "Sandbags", "bahan-bangunan", "13926 08104",
         "pcs", False,
         "karung pasir, sandbag, sand bag, sandbags, karung urug, geobag, tanggul karung, "
         "sand bags"),
    _cat("kayu-gergajian", "Kayu gergajian (balok, papan)", "Sawn timber", "bahan-bangunan",
         "16101", "m3", True,
         "kayu, kayu balok, balok kayu, papan kayu, papan, kaso, usuk, reng, kayu olahan, "
         "kayu bangunan, kayu ulin, kayu meranti, sawn timber, balok, ulin"),
    _cat("kusen-pintu", "Kusen, pintu dan jendela kayu", "Wooden door and window joinery",
         "bahan-bangunan", "16221", "pcs", True,
         "kusen, kusen kayu, kusen pintu, pintu kayu, daun pintu, jendela kayu, daun jendela, "
         "pintu panel, list profil, wooden door"),
    _cat("renovasi-bangunan", "Renovasi dan perbaikan bangunan", "Building repair and renovation",
         "bahan-bangunan", "41011 41013 43309", "m2", False,
         "renovasi, renovasi bangunan, tukang bangunan, borongan bangunan, jasa tukang, "
         "perbaikan gedung, perbaikan rumah, pemeliharaan gedung, bangun rumah, bedah rumah, "
         "kontraktor bangunan, building renovation, atap bocor, perbaikan atap"),
    _cat("pengecatan-bangunan", "Pengecatan bangunan", "Building painting", "bahan-bangunan",
         "43303", "m2", False,
         "pengecatan, pengecatan gedung, pengecatan rumah, cat tembok, cat dinding, tukang cat, "
         "jasa cat, painting, pengecatan interior, pengecatan eksterior"),
    # --- logistik: transport, storage and handling -----------------------------------------
    _cat("angkutan-truk", "Angkutan barang dengan truk", "Road freight by truck", "logistik",
         "49431", "trip", False,
         "angkutan truk, truk, truck, trucking, ekspedisi, angkutan barang, cdd, cde, engkel, "
         "fuso, tronton, dump truck, dumptruck, pickup, wingbox"),
    _cat("angkutan-khusus", "Angkutan barang khusus (lowbed, tangki)",
         "Special road haulage (low-loaders, tankers)", "logistik", "49432", "trip", False,
         "lowbed, low bed, trailer lowbed, self loader, truk tangki, mobil tangki, tanker, "
         "angkutan alat berat, mobilisasi alat berat, towing, truk derek, angkutan b3, "
         "car carrier"),
    _cat("sewa-truk", "Sewa truk tanpa sopir", "Truck hire without driver", "logistik", "77100",
         "hari", False,
         "sewa truk, rental truk, truck rental, sewa truk harian, sewa truk bulanan, "
         "sewa dump truck, sewa fuso, sewa tronton, lepas kunci truk"),
    _cat("sewa-kendaraan", "Sewa kendaraan (mobil, double cabin)", "Vehicle rental",
         "logistik", "77100 49422", "hari", False,
         "sewa mobil, rental mobil, rental, car rental, sewa kendaraan, lepas kunci, sewa lv, "
         "light vehicle, double cabin, sewa hilux, hilux, strada, sewa innova, "
         "sewa mobil bulanan, avanza, sewa avanza"),
    _cat("antar-jemput-karyawan", "Bus antar jemput karyawan", "Staff shuttle buses",
         "logistik", "49216", "trip", False,
         "antar jemput karyawan, bus karyawan, jemputan, bus jemputan, shuttle, shuttle bus, "
         "angkutan karyawan, elf, hiace, minibus, employee transport"),
    _cat("antar-jemput-laut", "Angkutan penumpang laut (speedboat, longboat)",
         "Passenger boats and crew transfer", "logistik", "50218 50112", "trip", False,
         "speedboat, speed boat, longboat, long boat, ketinting, taksi laut, crew boat, "
         "perahu motor, kapal penumpang, kapal cepat, angkutan penyeberangan, "
         "antar jemput laut"),
    _cat("angkutan-laut", "Angkutan barang laut", "Sea freight", "logistik",
         "50131 50135 50133", "ton", False,
         "angkutan laut, kapal barang, kapal kargo, tongkang, barge, lct, kapal lct, "
         "landing craft, kapal pelra, pelayaran rakyat, kapal layar motor, klm, kapal kayu, "
         "sea freight, shipping"),
    _cat("jasa-pengurusan-transportasi", "Jasa pengurusan transportasi (EMKL, forwarder)",
         "Freight forwarding", "logistik", "52291 52293", "ton", False,
         "emkl, jpt, freight forwarder, forwarder, forwarding, freight forwarding, "
         "ekspedisi muatan kapal, pengurusan barang, pengurusan dokumen pengiriman"),
    _cat("kurir", "Kurir dan kiriman paket", "Courier and parcels", "logistik", "53201", "kg",
         False,
         "kurir, jasa kurir, courier, paket, kirim paket, pengiriman paket, ekspedisi paket, "
         "jne, jnt, tiki, j t"),
    _cat("gudang", "Gudang dan penyimpanan", "Warehousing", "logistik", "52101", "m2", False,
         "gudang, sewa gudang, gudang sewa, warehouse, warehousing, pergudangan, "
         "gudang penyimpanan, penyimpanan barang, tempat penyimpanan, storage"),
    _cat("gudang-pendingin", "Gudang pendingin (cold storage)", "Cold storage", "logistik",
         "52102", "kg", False,
         "cold storage, coldstorage, gudang pendingin, gudang beku, blast freezer, freezer, "
         "chiller, ruang pendingin, penyimpanan dingin, frozen storage"),
    _cat("bongkar-muat", "Bongkar muat barang", "Cargo handling", "logistik", "52240", "ton",
         False,
         "bongkar muat, tkbm, pbm, buruh angkut, kuli angkut, buruh pelabuhan, porter, "
         "stevedoring, cargo handling, loading unloading, muat barang, bongkar barang"),
    # --- akomodasi: worker housing ---------------------------------------------------------
    _cat("mess-pekerja", "Mess, asrama dan kos pekerja", "Worker dormitories and boarding houses",
         "akomodasi", "55900", "orang", False,
         "mess, mes, mess karyawan, asrama, barak, kos, kost, kosan, indekos, dormitory, dorm, "
         "pondokan, boarding house, camp karyawan, kamar kos"),
    _cat("rumah-sewa", "Rumah sewa dan kontrakan", "Rented houses", "akomodasi", "68111", "kamar",
         False,
         "rumah sewa, sewa rumah, rumah kontrakan, kontrakan, kontrakan petak, rumah petak, "
         "kontrak rumah, paviliun, rumah dinas, rented house, house rent, house for rent"),
    _cat("hotel-penginapan", "Hotel dan penginapan", "Hotels and guest houses", "akomodasi",
         "55120 55110 55130", "kamar", False,
         "hotel, hotel melati, penginapan, losmen, wisma, guest house, guesthouse, homestay, "
         "motel, inn"),
    # --- jasa: services --------------------------------------------------------------------
    _cat("laundry", "Laundry (binatu)", "Laundry", "jasa", "96200", "kg", False,
         "binatu, penatu, laundry kiloan, laundri, londri, cuci baju, cuci pakaian, "
         "cuci setrika, setrika, dry clean, dry cleaning, laundry seragam, laundry karyawan"),
    _cat("kebersihan-gedung", "Jasa kebersihan gedung (cleaning service)",
         "Building cleaning services", "jasa", "81210", "orang", False,
         "cleaning service, cleaning, cs, jasa kebersihan, petugas kebersihan, "
         "tenaga kebersihan, janitor, cleaner, housekeeping, office boy, ob, "
         "outsourcing cleaning"),
    _cat("kebersihan-industri", "Jasa kebersihan industri", "Industrial cleaning", "jasa",
         "81290", "jam", False,
         "industrial cleaning, cleaning industri, hydrojet, water jet, "
         "high pressure cleaning, cuci mesin industri, pembersihan saluran, vacuum truck, "
         "cuci tangki, pembersihan cerobong"),
    _cat("kuras-tandon", "Kuras dan cuci tangki air", "Water tank cleaning", "jasa", "81290",
         "pcs", False,
         "kuras toren, cuci toren, kuras tandon, kuras tangki, cuci tangki air, kuras bak, "
         "pembersihan tangki air, water tank cleaning, cuci tandon"),
    _cat("pengendalian-hama", "Pengendalian hama", "Pest control", "jasa", "81290", "m2", False,
         "pest control, fogging, semprot nyamuk, basmi rayap, anti rayap, termite control, "
         "basmi tikus, basmi kecoa, pembasmi hama, fumigasi"),
    _cat("pertamanan", "Perawatan taman", "Grounds and garden maintenance", "jasa", "81300",
         "m2", False,
         "taman, perawatan taman, potong rumput, babat rumput, tukang kebun, landscape, "
         "landscaping, gardening, penghijauan, grass cutting"),
    _cat("jasa-keamanan", "Jasa keamanan (satpam)", "Security guard services", "jasa", "80100",
         "orang", False,
         "satpam, security, sekuriti, security guard, guard, jasa satpam, jasa security, "
         "tenaga keamanan, penjagaan, pengamanan, bujp, outsourcing security"),
    _cat("pemasangan-cctv", "Pemasangan CCTV dan alarm", "CCTV and alarm installation", "jasa",
         "43213 80200", "pcs", False,
         "cctv, pasang cctv, instalasi cctv, kamera cctv, kamera pengawas, ip camera, alarm, "
         "access control, absensi fingerprint"),
    _cat("percetakan", "Percetakan", "Printing", "jasa", "18111", "lembar", False,
         "cetak, print, offset, cetak offset, cetak brosur, brosur, nota, cetak nota, "
         "kartu nama, kop surat, formulir, cetak buku, stiker, cetak stiker"),
    _cat("spanduk-baliho", "Spanduk, baliho dan banner", "Banners and billboards", "jasa",
         "18111", "m2", False,
         "spanduk, baliho, banner, x-banner, mmt, flexi, umbul-umbul, backdrop, billboard, "
         "digital printing, cetak spanduk, cetak mmt"),
    _cat("papan-nama", "Papan nama dan rambu", "Signs and signboards", "jasa", "32909", "pcs",
         False,
         "papan nama, papan reklame, papan petunjuk, papan informasi, plang, signage, "
         "sign board, neon box, huruf timbul, acrylic sign, rambu, rambu k3, rambu safety, "
         "safety sign"),
    _cat("fotokopi", "Fotokopi dan penjilidan", "Photocopying and binding", "jasa", "82190",
         "lembar", False,
         "fotocopy, foto copy, fotokopian, copy dokumen, jilid, penjilidan, print dokumen, "
         "scan dokumen, laminating"),
    _cat("instalasi-listrik", "Instalasi listrik", "Electrical installation", "jasa", "43211",
         "jam", False,
         "instalasi listrik, tukang listrik, jasa listrik, instalatir, elektrikal, wiring, "
         "electrician, electrical installation, instalasi penerangan"),
    _cat("instalasi-pipa", "Instalasi pipa air (plambing)", "Plumbing", "jasa", "43221", "jam",
         False,
         "plumbing, plambing, ledeng, tukang ledeng, instalasi air, instalasi pipa air, "
         "perpipaan, saluran air"),
    _cat("servis-ac", "Servis dan pemasangan AC", "Air-conditioner service and installation",
         "jasa", "43224 33121", "pcs", False,
         "servis ac, service ac, cuci ac, pasang ac, bongkar pasang ac, perbaikan ac, "
         "maintenance ac, tukang ac, ac split, isi freon, freon"),
    _cat("sumur-bor", "Sumur bor", "Borehole drilling", "jasa", "42207", "pcs", False,
         "sumur bor, bor sumur, bor air, pengeboran sumur, sumur dalam, sumur artesis, "
         "deep well, pompa sumur"),
    _cat("isi-ulang-apar", "Isi ulang dan servis APAR", "Fire extinguisher refill and service",
         "jasa", "33121 28199", "pcs", False,
         "apar, isi ulang apar, refill apar, servis apar, alat pemadam api ringan, "
         "pemadam api, tabung pemadam, fire extinguisher"),
    _cat("sewa-alat-berat", "Sewa alat berat tanpa operator",
         "Construction-machinery hire without operator", "jasa", "77393", "jam", False,
         "sewa alat berat, alat berat, sewa excavator, excavator, ekskavator, beko, backhoe, "
         "bulldozer, dozer, loader, wheel loader, grader, setum, vibro roller, forklift"),
    _cat("alat-berat-operator", "Sewa alat berat dengan operator (crane)",
         "Construction-machinery hire with operator (cranes)", "jasa", "43905", "jam", False,
         "alat berat dengan operator, sewa alat berat plus operator, include operator, crane, "
         "sewa crane, rental crane, mobile crane, crawler crane, truck crane, derek, "
         "plus operator, dengan operator"),
    _cat("sewa-genset", "Sewa genset dan kompresor", "Generator and compressor hire", "jasa",
         "77395 77399", "hari", False,
         "sewa genset, rental genset, genset, generator, generator set, sewa generator, "
         "diesel generator, sewa kompresor, sewa lampu tower, light tower"),
    _cat("sewa-perancah", "Sewa dan pasang perancah (scaffolding)", "Scaffolding hire and erection",
         "jasa", "43902 77393", "hari", False,
         "scaffolding, scaffold, steiger, perancah, andang, sewa scaffolding, sewa steiger, "
         "pasang scaffolding, main frame scaffolding"),
    _cat("sewa-tenda-pesta", "Sewa tenda dan alat pesta", "Marquee and event equipment hire",
         "jasa", "77291", "hari", False,
         "sewa tenda, tenda pesta, terop, tratak, tenda sarnafil, sewa kursi, sound system, "
         "sewa sound system, dekorasi panggung, alat pesta, party tent, tent rental"),
    _cat("pelatihan-kerja", "Pelatihan kerja dan K3", "Technical and safety training", "jasa",
         "78421 85497", "orang", False,
         "pelatihan, pelatihan kerja, pelatihan k3, pelatihan las, pelatihan operator, "
         "training, diklat, kursus, bimtek, sertifikasi operator, sio"),
    _cat("penyediaan-tenaga-kerja", "Penyediaan tenaga kerja (alih daya)",
         "Temporary labour supply", "jasa", "78200", "orang", False,
         "outsourcing, alih daya, tenaga kerja harian, buruh harian, tenaga harian lepas, thl, "
         "tenaga kontrak, manpower, man power supply, penyalur tenaga kerja, helper"),
    _cat("pemeriksaan-kesehatan", "Pemeriksaan kesehatan pekerja (MCU)",
         "Workers' medical check-ups", "jasa", "86105 86903", "orang", False,
         "mcu, medical check up, medical checkup, cek kesehatan, tes kesehatan, klinik, "
         "laboratorium klinik, cek darah, tes narkoba, rontgen, medical check"),
    # --- limbah: waste (ordinary and hazardous kept apart) -----------------------------------
    _cat("limbah-non-b3", "Pengangkutan sampah dan limbah non-B3",
         "Non-hazardous waste collection", "limbah", "38110", "kg", False,
         "sampah, angkut sampah, pengangkutan sampah, limbah non b3, limbah domestik, "
         "sampah domestik, sampah kantin, sampah organik, sampah kering, sisa makanan, "
         "food waste, garbage, waste collection"),
    _cat("limbah-b3", "Pengumpulan limbah B3", "Hazardous (B3) waste collection", "limbah",
         "38120", "kg", False,
         "limbah b3, b3, limbah berbahaya, hazardous waste, oli bekas, used oil, aki bekas, "
         "filter oli bekas, majun bekas, majun terkontaminasi, lampu bekas, kemasan b3, "
         "limbah medis"),
    _cat("pengolahan-limbah-b3", "Pengolahan dan pemusnahan limbah B3",
         "Hazardous waste treatment and disposal", "limbah", "38220", "kg", False,
         "pengolahan limbah b3, pemusnahan limbah b3, treatment limbah b3, "
         "penimbunan limbah b3, landfill b3, insinerator, incinerator, pemusnahan"),
    _cat("besi-tua", "Besi tua dan skrap logam", "Scrap metal", "limbah", "38301 46696", "kg",
         False,
         "besi tua, besi bekas, besi rongsok, scrap, scrap besi, scrap metal, rongsok, rosok, "
         "barang bekas, potongan besi"),
    _cat("daur-ulang-plastik", "Daur ulang plastik", "Plastic recycling", "limbah", "38302", "kg",
         False,
         "daur ulang plastik, plastik bekas, botol bekas, gelas plastik bekas, pet bekas, "
         "cacahan plastik, biji plastik daur ulang, recycle plastik, plastic recycling, "
         "pengepul, gelas bekas"),
    _cat("kompos", "Kompos", "Compost", "limbah", "38212", "kg", True,
         "kompos, pupuk kompos, kompos organik, pupuk organik, compost"),
    _cat("sedot-tinja", "Sedot WC dan septic tank", "Septic tank emptying", "limbah", "37011",
         "m3", False,
         "sedot wc, sedot tinja, sedot septic tank, sedot septik, penyedotan tinja, "
         "kuras septic tank, septic tank, limbah tinja, toilet portable"),
)


def _sub(source: str, target: str, factor: float = 1.0) -> Relation:
    return Relation(source, target, "substitutes", factor)


def _rel(source: str, target: str) -> Relation:
    return Relation(source, target, "related", None)


RELATIONS: tuple[Relation, ...] = (
    # --- substitutes: an offer in the source can fill a need in the target ------------------
    _sub("katering-acara", "katering-kontrak"),
    _sub("katering-kontrak", "katering-acara"),
    _sub("air-minum-kemasan", "air-isi-ulang"),  # not the reverse: AMDK needs SNI and BPOM MD
    _sub("kardus", "kotak-kemasan-kertas"),
    _sub("alat-berat-operator", "sewa-alat-berat"),  # not the reverse: no operator included
    _sub("hotel-penginapan", "rumah-sewa"),
    _sub("jahit-pakaian", "seragam-kerja"),
    _sub("sarung-tangan-kulit", "sarung-tangan-kain"),  # heavier protection than asked for
    _sub("roti", "kue-basah"),  # a roti manis fills a snack-box slot
    _sub("percetakan", "fotokopi"),
    _sub("renovasi-bangunan", "pengecatan-bangunan"),
    _sub("pasir", "sirtu-timbunan"),  # pasir urug serves as fill
    # --- related: same process, materials or workshop --------------------------------------
    # food
    _rel("katering-kontrak", "warung-makan"),
    _rel("katering-acara", "warung-makan"),
    _rel("roti", "kue-kering"),
    _rel("kue-kering", "keripik-kerupuk"),
    _rel("kue-basah", "keripik-kerupuk"),
    _rel("daging-sapi", "ternak-sapi"),
    _rel("daging-sapi", "daging-kambing"),
    _rel("daging-sapi", "olahan-daging"),
    _rel("daging-ayam", "olahan-daging"),
    _rel("daging-ayam", "telur-ayam"),
    _rel("ikan-segar", "ikan-olahan"),
    _rel("sayur-daun", "sayur-buah"),
    _rel("sayur-buah", "umbi-umbian"),
    _rel("umbi-umbian", "bawang"),
    _rel("bawang", "bumbu-rempah"),
    _rel("cabai", "sayur-buah"),
    _rel("cabai", "bumbu-rempah"),
    _rel("buah-segar", "sayur-buah"),
    # water, ice and gas
    _rel("air-isi-ulang", "es-batu"),
    _rel("air-isi-ulang", "air-bersih"),
    _rel("es-batu", "gudang-pendingin"),
    _rel("gas-lpg", "gas-industri"),
    _rel("isi-ulang-apar", "gas-industri"),
    # packaging
    _rel("kotak-kemasan-kertas", "kertas-nasi"),
    _rel("kotak-kemasan-kertas", "wadah-makanan-plastik"),
    _rel("kardus", "lembaran-karton"),
    _rel("kemasan-plastik", "wadah-makanan-plastik"),
    _rel("kemasan-plastik", "plastik-gulung"),
    _rel("karung", "karung-jumbo"),
    _rel("karung", "karung-pasir"),
    _rel("karung", "terpal"),
    _rel("karung", "tali-tambang"),
    _rel("palet-kayu", "peti-kayu"),
    _rel("palet-kayu", "kayu-gergajian"),
    _rel("jasa-pengepakan", "peti-kayu"),
    # metalwork and machinery
    _rel("baut-mur", "paku"),
    _rel("paku", "barang-kawat"),
    _rel("jasa-bubut", "jasa-las"),
    _rel("jasa-bubut", "suku-cadang-mesin"),
    _rel("jasa-bubut", "cor-logam"),
    _rel("jasa-las", "fabrikasi-baja"),
    _rel("jasa-las", "sandblast-coating"),
    _rel("fabrikasi-baja", "pagar-teralis"),
    _rel("fabrikasi-baja", "tangki-logam"),
    _rel("fabrikasi-baja", "karoseri"),
    _rel("pagar-teralis", "barang-kawat"),
    _rel("bantalan-roda-gigi", "suku-cadang-mesin"),
    _rel("suku-cadang-mesin", "suku-cadang-kendaraan"),
    _rel("suku-cadang-kendaraan", "bengkel-kendaraan"),
    _rel("bengkel-kendaraan", "karoseri"),
    _rel("servis-mesin", "gulung-dinamo"),
    _rel("servis-mesin", "jasa-bubut"),
    _rel("servis-mesin", "bengkel-kendaraan"),
    _rel("gulung-dinamo", "instalasi-listrik"),
    _rel("alat-angkat", "alat-berat-operator"),
    _rel("instalasi-listrik", "panel-listrik"),
    _rel("instalasi-listrik", "perlengkapan-kabel"),
    _rel("instalasi-listrik", "servis-ac"),
    _rel("instalasi-listrik", "pemasangan-cctv"),
    _rel("instalasi-pipa", "sumur-bor"),
    _rel("instalasi-pipa", "pipa-plastik"),
    # rubber
    _rel("karet-industri", "sarung-tangan-karet"),
    _rel("karet-industri", "vulkanisir-ban"),
    # clothing and protective equipment
    _rel("sarung-tangan-karet", "sarung-tangan-kain"),
    _rel("sarung-tangan-karet", "sarung-tangan-kulit"),
    _rel("seragam-kerja", "bordir"),
    _rel("seragam-kerja", "kaos"),
    _rel("seragam-kerja", "rompi-safety"),
    _rel("seragam-kerja", "majun"),  # rags are a konveksi's offcuts
    _rel("kaos", "sablon-kaos"),
    _rel("jahit-pakaian", "sprei-handuk"),
    _rel("jahit-pakaian", "laundry"),  # laundries take in small alterations
    _rel("helm-safety", "apd-lainnya"),
    _rel("sepatu-safety", "apd-lainnya"),
    _rel("rompi-safety", "apd-lainnya"),
    # furniture
    _rel("furnitur-kayu", "furnitur-logam"),
    _rel("furnitur-kayu", "kayu-gergajian"),
    _rel("furnitur-kayu", "kusen-pintu"),
    _rel("furnitur-logam", "rak-logam"),
    _rel("furnitur-logam", "furnitur-plastik"),
    _rel("furnitur-logam", "kasur-bantal"),
    _rel("kasur-bantal", "sprei-handuk"),
    # construction
    _rel("batu-bata", "batako-paving"),
    _rel("batako-paving", "buis-beton"),
    _rel("beton-siap-pakai", "pasir"),
    _rel("beton-siap-pakai", "batu-split"),
    _rel("pasir", "batu-split"),
    _rel("batu-split", "sirtu-timbunan"),
    _rel("kayu-gergajian", "kusen-pintu"),
    _rel("kusen-pintu", "renovasi-bangunan"),
    _rel("sewa-perancah", "sewa-alat-berat"),
    _rel("sewa-genset", "sewa-alat-berat"),
    # transport and storage
    _rel("sewa-truk", "angkutan-truk"),
    _rel("angkutan-truk", "angkutan-khusus"),
    _rel("angkutan-truk", "bongkar-muat"),
    _rel("angkutan-truk", "kurir"),
    _rel("sewa-truk", "sewa-kendaraan"),
    _rel("sewa-kendaraan", "antar-jemput-karyawan"),
    _rel("antar-jemput-karyawan", "antar-jemput-laut"),
    _rel("angkutan-laut", "bongkar-muat"),
    _rel("angkutan-laut", "jasa-pengurusan-transportasi"),
    _rel("gudang", "gudang-pendingin"),
    _rel("gudang", "bongkar-muat"),
    # housing and services
    _rel("mess-pekerja", "rumah-sewa"),
    _rel("mess-pekerja", "hotel-penginapan"),
    _rel("kebersihan-gedung", "kebersihan-industri"),
    _rel("kebersihan-gedung", "pengendalian-hama"),
    _rel("kebersihan-gedung", "pertamanan"),
    _rel("kebersihan-gedung", "penyediaan-tenaga-kerja"),
    _rel("kebersihan-industri", "kuras-tandon"),
    _rel("jasa-keamanan", "pemasangan-cctv"),
    _rel("percetakan", "spanduk-baliho"),
    _rel("spanduk-baliho", "papan-nama"),
    # waste: B3 and non-B3 are never joined
    _rel("limbah-b3", "pengolahan-limbah-b3"),
    _rel("limbah-non-b3", "daur-ulang-plastik"),
    _rel("limbah-non-b3", "besi-tua"),
    _rel("limbah-non-b3", "kompos"),
    _rel("limbah-non-b3", "sedot-tinja"),
)

#: Every KBLI 2020 code used above, with a short Indonesian title in the project's own words.
KBLI_TITLES: dict[str, str] = {
    "01131": "Budidaya sayuran daun",
    "01132": "Budidaya buah semusim (semangka, melon)",
    "01133": "Budidaya sayuran buah",
    "01134": "Budidaya sayuran umbi dan bawang",
    "01135": "Budidaya umbi palawija (singkong, ubi jalar, talas)",
    "01220": "Budidaya buah tropis dan subtropis",
    "01230": "Budidaya jeruk",
    "01281": "Kebun lada (merica)",
    "01283": "Budidaya cabai",
    "01285": "Budidaya tanaman obat rimpang (jahe, kunyit)",
    "01289": "Budidaya rempah, tanaman aromatik dan obat lainnya",
    "01411": "Pembiakan dan penggemukan sapi potong",
    "01442": "Pembiakan dan penggemukan kambing potong",
    "01461": "Peternakan ayam ras pedaging",
    "01462": "Peternakan ayam ras petelur",
    "03111": "Penangkapan ikan bersirip di laut",
    "03221": "Budidaya ikan air tawar di kolam",
    "08101": "Penggalian batu bangunan dan batu hias",
    "08103": "Penggalian kerikil dan sirtu",
    "08104": "Galian pasir",
    "08105": "Penggalian tanah urug dan tanah liat",
    "10110": "Pemotongan hewan dan pengemasan daging selain unggas",
    "10120": "Pemotongan dan pengemasan daging unggas",
    "10130": "Pengolahan dan pengawetan daging dan unggas",
    "10211": "Pengasinan dan pengeringan ikan",
    "10212": "Pengasapan dan pemanggangan ikan",
    "10216": "Olahan daging ikan lumat dan surimi",
    "10217": "Pendinginan dan pengesan ikan",
    "10391": "Pembuatan tempe kedelai",
    "10392": "Pembuatan tahu kedelai",
    "10423": "Pembuatan minyak goreng kelapa",
    "10437": "Pembuatan minyak goreng sawit",
    "10631": "Penggilingan padi dan penyosohan beras",
    "10710": "Pembuatan roti, kue dan produk bakeri",
    "10721": "Pembuatan gula pasir",
    "10722": "Pembuatan gula merah",
    "10740": "Pembuatan mi, makaroni dan sejenisnya",
    "10761": "Pengolahan kopi",
    "10772": "Pembuatan bumbu masak dan penyedap",
    "10792": "Pembuatan kue basah",
    "10794": "Pembuatan kerupuk, keripik dan peyek",
    "11051": "Pembuatan air minum dalam kemasan",
    "11052": "Depot air minum isi ulang",
    "13133": "Pencetakan kain dengan kasa (sablon)",
    "13921": "Barang jadi tekstil rumah tangga (sprei, handuk, gorden)",
    "13922": "Barang jadi tekstil bersulam dan badge",
    "13923": "Pembuatan bantal, guling dan sejenisnya",
    "13925": "Pembuatan karung goni",
    "13926": "Pembuatan karung selain goni",
    "13929": "Barang jadi tekstil lainnya (terpal, kain lap)",
    "13941": "Pembuatan tali dan tambang",
    "14111": "Konveksi pakaian jadi dari kain",
    "14120": "Penjahitan pakaian sesuai pesanan",
    "14131": "Konveksi perlengkapan pakaian dari kain (sarung tangan, topi)",
    "14301": "Pakaian jadi rajutan (kaos)",
    "14302": "Pakaian jadi bordir dan sulaman",
    "15122": "Barang kulit untuk keperluan teknik dan industri",
    "15203": "Pembuatan sepatu kerja dan sepatu pengaman industri",
    "16101": "Penggergajian kayu",
    "16221": "Barang bangunan dari kayu (kusen, pintu, jendela)",
    "16230": "Pembuatan wadah kayu (peti, palet)",
    "17021": "Pembuatan kertas dan karton bergelombang",
    "17022": "Pembuatan kemasan dan kotak dari kertas dan karton",
    "17099": "Barang lain dari kertas dan karton",
    "18111": "Percetakan umum",
    "20112": "Pembuatan gas industri",
    "22112": "Vulkanisir ban",
    "22192": "Barang karet untuk keperluan industri",
    "22199": "Barang karet lainnya (termasuk sarung tangan karet nonmedis)",
    "22220": "Barang plastik untuk kemasan",
    "22230": "Pembuatan pipa dan selang plastik",
    "22291": "Barang plastik lembaran",
    "22292": "Perlengkapan rumah tangga dari plastik",
    "23921": "Pembuatan batu bata tanah liat",
    "23953": "Barang semen dan kapur untuk konstruksi (batako, paving, buis)",
    "23957": "Pembuatan mortar dan beton siap pakai",
    "24310": "Pengecoran besi dan baja",
    "24320": "Pengecoran logam selain besi dan baja",
    "25111": "Barang logam siap pasang untuk bangunan (pagar, teralis)",
    "25113": "Konstruksi baja berat siap pasang",
    "25119": "Barang logam siap pasang untuk konstruksi lainnya",
    "25120": "Pembuatan tangki, tandon dan bejana logam",
    "25920": "Jasa pengerjaan logam (bubut, las, pelapisan)",
    "25931": "Alat potong dan perkakas tangan pertanian",
    "25932": "Alat potong dan perkakas tangan pertukangan",
    "25934": "Pembuatan peralatan umum dari logam",
    "25951": "Barang dari kawat (kawat duri, jaring, pegas)",
    "25952": "Pembuatan paku, mur dan baut",
    "25992": "Peralatan dapur dan meja dari logam",
    "27120": "Pembuatan panel dan peralatan pengendali listrik",
    "27330": "Pembuatan perlengkapan kabel dan instalasi listrik",
    "28113": "Komponen dan suku cadang mesin penggerak",
    "28140": "Pembuatan bearing, roda gigi dan elemen penggerak",
    "28160": "Pembuatan alat angkat dan pemindah",
    "28199": "Mesin keperluan umum lainnya (termasuk pemadam api)",
    "29200": "Karoseri, trailer dan semi trailer",
    "29300": "Suku cadang dan aksesori kendaraan roda empat atau lebih",
    "31001": "Pembuatan furnitur kayu",
    "31003": "Pembuatan furnitur plastik",
    "31004": "Pembuatan furnitur logam",
    "31009": "Pembuatan furnitur lainnya (kasur, matras)",
    "32904": "Pembuatan alat pelindung keselamatan kerja",
    "32909": "Pengolahan lainnya (papan nama, papan reklame)",
    "33119": "Reparasi barang logam lainnya (termasuk las keliling)",
    "33121": "Reparasi mesin keperluan umum",
    "33122": "Reparasi mesin keperluan khusus",
    "33141": "Reparasi motor listrik, generator dan trafo",
    "35302": "Pembuatan es",
    "36001": "Penjernihan dan penyaluran air minum",
    "37011": "Pengumpulan air limbah tidak berbahaya (sedot tinja)",
    "38110": "Pengumpulan sampah dan limbah tidak berbahaya",
    "38120": "Pengumpulan limbah berbahaya (B3)",
    "38212": "Pembuatan kompos dari sampah organik",
    "38220": "Pengolahan dan pembuangan limbah berbahaya",
    "38301": "Daur ulang barang logam",
    "38302": "Daur ulang barang bukan logam",
    "41011": "Pembangunan dan renovasi gedung hunian",
    "41013": "Pembangunan gedung industri",
    "42207": "Pengeboran sumur air tanah",
    "43211": "Pemasangan instalasi listrik",
    "43213": "Pemasangan instalasi elektronika (CCTV, alarm)",
    "43221": "Pemasangan saluran air dan plambing",
    "43224": "Pemasangan pendingin udara dan ventilasi",
    "43303": "Pengecatan bangunan",
    "43309": "Penyelesaian akhir bangunan lainnya",
    "43902": "Pemasangan perancah",
    "43905": "Penyewaan alat konstruksi beserta operator",
    "45201": "Bengkel reparasi mobil",
    "45301": "Grosir suku cadang mobil",
    "45302": "Toko eceran suku cadang mobil",
    "46311": "Grosir beras",
    "46312": "Grosir buah-buahan",
    "46313": "Grosir sayuran",
    "46321": "Grosir daging sapi",
    "46322": "Grosir daging ayam",
    "46323": "Grosir daging lainnya",
    "46324": "Grosir hasil olahan perikanan",
    "46325": "Grosir telur",
    "46331": "Grosir gula dan kembang gula",
    "46332": "Grosir roti",
    "46334": "Grosir minuman non alkohol (air kemasan)",
    "46634": "Grosir semen, pasir dan batu",
    "46696": "Grosir barang bekas dan skrap",
    "47302": "Agen eceran bahan bakar dan LPG",
    "47772": "Eceran gas elpiji",
    "49216": "Angkutan bus khusus (antar jemput karyawan)",
    "49422": "Angkutan sewa dengan sopir",
    "49431": "Angkutan truk untuk barang umum",
    "49432": "Angkutan truk untuk barang khusus",
    "50112": "Angkutan penumpang di perairan pelabuhan",
    "50131": "Angkutan laut barang umum dalam negeri",
    "50133": "Angkutan laut barang khusus dalam negeri",
    "50135": "Pelayaran rakyat",
    "50218": "Angkutan penyeberangan penumpang dalam kabupaten/kota",
    "52101": "Pergudangan",
    "52102": "Gudang pendingin (cold storage)",
    "52240": "Bongkar muat barang",
    "52291": "Jasa pengurusan transportasi",
    "52293": "Ekspedisi muatan kapal laut",
    "53201": "Jasa kurir",
    "55110": "Hotel berbintang",
    "55120": "Hotel non-bintang (melati)",
    "55130": "Pondok wisata (homestay)",
    "55900": "Akomodasi jangka panjang (asrama, mess, kos)",
    "56101": "Usaha restoran",
    "56102": "Warung dan rumah makan",
    "56210": "Katering untuk acara tertentu",
    "56290": "Katering berdasarkan kontrak berjangka",
    "68111": "Sewa dan jual beli properti milik sendiri atau sewaan",
    "77100": "Sewa mobil, bus dan truk tanpa sopir",
    "77291": "Sewa perlengkapan pesta",
    "77393": "Sewa alat konstruksi tanpa operator",
    "77395": "Sewa mesin tambang dan pembangkit listrik tanpa operator",
    "77399": "Sewa mesin dan peralatan lainnya tanpa operator",
    "78200": "Penyediaan tenaga kerja waktu tertentu",
    "78421": "Pelatihan kerja teknik oleh swasta",
    "80100": "Jasa keamanan swasta",
    "80200": "Jasa sistem keamanan (alarm, kunci)",
    "81210": "Kebersihan umum gedung",
    "81290": "Kebersihan bangunan dan industri lainnya",
    "81300": "Perawatan taman",
    "82190": "Fotokopi dan penyiapan dokumen",
    "82920": "Jasa pengepakan",
    "85497": "Kursus teknik swasta",
    "86105": "Klinik swasta",
    "86903": "Laboratorium dan penunjang kesehatan",
    "95291": "Vermak pakaian",
    "96200": "Binatu (laundry)",
}

_BY_CODE: dict[str, Category] = {c.code: c for c in CATEGORIES}


def _index_by_kbli() -> dict[str, tuple[Category, ...]]:
    """Categories per KBLI code: those with it as primary code first, then in table order."""
    index: dict[str, list[Category]] = {}
    for position in range(max(len(c.kbli) for c in CATEGORIES)):
        for c in CATEGORIES:
            if position < len(c.kbli):
                index.setdefault(c.kbli[position], []).append(c)
    return {code: tuple(found) for code, found in index.items()}


_BY_KBLI: dict[str, tuple[Category, ...]] = _index_by_kbli()


def category(code: str) -> Category:
    """The category with this code; raises :class:`NotFound` when there is none."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise NotFound("category", code) from None


def categories_by_kbli(kbli: str) -> tuple[Category, ...]:
    """Categories carrying this KBLI code, primary holders first; empty when none does."""
    return _BY_KBLI.get(kbli.strip(), ())

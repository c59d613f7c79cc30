"""What it costs to carry one canonical unit of a category one kilometre.

The matching engine adds transport to every offer's price: ``rate × km`` per unit, with the km
from the road and sea graph. The rate here is a unit's shipping weight times one blended
freight rate, :data:`IDR_PER_KG_KM`:

- Rp 2 per kg per km sits between full-truckload trucking on the Trans-Sulawesi (about
  Rp 1,000 a kg from Makassar to Morowali, some 900 km: Rp 1.1/kg·km) and the small lots an IKM
  sends by pick-up or colt diesel (a 1-tonne pick-up at Rp 6,000–8,000 a km, half full on
  average: Rp 12–16/kg·km over short runs). Sea freight from Surabaya (a 20-ft container of
  about 20 t for Rp 25–35 million over some 1,500 km) is about Rp 1/kg·km. One rate for all
  modes is a simplification; the logistics graph already makes sea routes long where they are.
- Weights are per canonical unit, shipped (with packaging): a boxed meal about 0.6 kg, an egg
  65 g, a litre of water 1 kg, a brick 2.5 kg, a cement block 10 kg. Counted goods (``pcs``)
  take the weight of their category where it is listed below, else 0.5 kg.
- Services delivered at the park (hours of machining, rented days, housing, cleaning per
  person, trips a truck makes) carry no per-unit transport: how far the provider travels is
  what its delivery radius limits. Services that move goods (laundry, waste collection) carry
  the weight of what they move.

These are planning figures, not quotes: they decide which of two offers lands cheaper, and a
park that knows its own freight costs should replace them.
"""

from __future__ import annotations

from catalog.taxonomy import CATEGORIES, Category

__all__ = ["IDR_PER_KG_KM", "shipping_weight_kg", "transport_rates"]

#: Blended freight, rupiah per kg per km.
IDR_PER_KG_KM = 2.0

#: Shipping weight of one canonical unit, by unit; units of services are not shipped.
_UNIT_WEIGHT_KG: dict[str, float] = {
    "kg": 1.0, "liter": 1.0, "butir": 0.065, "porsi": 0.6, "lembar": 0.005, "roll": 5.0,
    "pasang": 0.8, "m3": 1_500.0, "ekor": 350.0, "pcs": 0.5,
    "jam": 0.0, "m2": 0.0, "trip": 0.0, "hari": 0.0, "orang": 0.0, "kamar": 0.0, "ton": 0.0,
}

#: Where a category's unit weighs something other than its unit's default.
_CATEGORY_WEIGHT_KG: dict[str, float] = {
    # food by the piece
    "roti": 0.08, "kue-basah": 0.05,
    # packaging
    "kotak-kemasan-kertas": 0.02, "kardus": 0.3, "kemasan-plastik": 0.01,
    "wadah-makanan-plastik": 0.02, "karung": 0.1, "karung-jumbo": 2.5, "palet-kayu": 20.0,
    "peti-kayu": 15.0, "jasa-pengepakan": 0.0,
    # metal and machine parts
    "baut-mur": 0.05, "tangki-logam": 80.0, "barang-kawat": 2.0, "perkakas-tangan": 1.0,
    "peralatan-dapur-logam": 2.0, "suku-cadang-mesin": 2.0, "bantalan-roda-gigi": 1.0,
    "alat-angkat": 30.0, "suku-cadang-kendaraan": 2.0, "karoseri": 0.0, "gulung-dinamo": 0.0,
    "panel-listrik": 40.0, "perlengkapan-kabel": 1.0, "gas-industri": 60.0,
    # rubber and plastic
    "karet-industri": 1.0, "vulkanisir-ban": 0.0, "pipa-plastik": 3.0, "terpal": 5.0,
    "wadah-plastik": 1.0,
    # clothing and protective equipment
    "seragam-kerja": 0.6, "kaos": 0.25, "jahit-pakaian": 0.5, "bordir": 0.0, "sablon-kaos": 0.0,
    "helm-safety": 0.4, "rompi-safety": 0.2, "apd-lainnya": 0.3, "sprei-handuk": 1.0,
    "sarung-tangan-karet": 0.1, "sarung-tangan-kain": 0.08, "sarung-tangan-kulit": 0.2,
    "sepatu-safety": 1.5,
    # furniture and building materials
    "furnitur-kayu": 25.0, "furnitur-logam": 25.0, "furnitur-plastik": 5.0, "rak-logam": 30.0,
    "kasur-bantal": 10.0, "batu-bata": 2.5, "batako-paving": 10.0, "buis-beton": 150.0,
    "karung-pasir": 25.0, "kusen-pintu": 30.0, "papan-nama": 5.0,
    "beton-siap-pakai": 2_400.0, "pasir": 1_500.0, "batu-split": 1_500.0,
    "sirtu-timbunan": 1_700.0, "kayu-gergajian": 700.0,
    # services counted by the piece, by the kg or by the m3: done on site
    "kuras-tandon": 0.0, "pemasangan-cctv": 0.0, "servis-ac": 0.0, "sumur-bor": 0.0,
    "isi-ulang-apar": 0.0, "kurir": 0.0, "gudang-pendingin": 0.0, "sedot-tinja": 0.0,
    "air-bersih": 1_000.0, "percetakan": 0.005, "fotokopi": 0.005,
}


def shipping_weight_kg(category: Category) -> float:
    """The shipping weight of one canonical unit of ``category`` (0 for a service)."""
    if category.code in _CATEGORY_WEIGHT_KG:
        return _CATEGORY_WEIGHT_KG[category.code]
    return _UNIT_WEIGHT_KG.get(category.unit, 0.0)


def transport_rates(categories: tuple[Category, ...] = CATEGORIES,
                    idr_per_kg_km: float = IDR_PER_KG_KM) -> dict[str, float]:
    """Rupiah per canonical unit per km, by category code."""
    return {c.code: shipping_weight_kg(c) * idr_per_kg_km for c in categories}

"""Transport rates: shipping weight of a canonical unit times the blended freight rate."""

from __future__ import annotations

import pytest

from catalog.taxonomy import CATEGORIES, category
from catalog.transport import IDR_PER_KG_KM, shipping_weight_kg, transport_rates


def test_every_category_has_a_non_negative_rate() -> None:
    """One rate per category of the taxonomy, none negative."""
    rates = transport_rates()
    assert set(rates) == {c.code for c in CATEGORIES}
    assert min(rates.values()) >= 0


@pytest.mark.parametrize(("code", "kg"), [("sayur-daun", 1.0), ("telur-ayam", 0.065),
                                          ("katering-kontrak", 0.6), ("batako-paving", 10.0),
                                          ("beton-siap-pakai", 2_400.0)])
def test_goods_weigh_what_a_unit_ships_at(code: str, kg: float) -> None:
    """A kg of vegetables weighs a kg, an egg 65 g, a boxed meal 0.6 kg, a cement block 10 kg,
    a m³ of ready-mix 2.4 t."""
    assert shipping_weight_kg(category(code)) == kg
    assert transport_rates()[code] == pytest.approx(kg * IDR_PER_KG_KM)


@pytest.mark.parametrize("code", ["jasa-las", "mess-pekerja", "angkutan-truk", "sewa-alat-berat"])
def test_services_done_at_the_park_carry_no_transport(code: str) -> None:
    """Welding hours, dormitory beds, truck trips and rented machines are not shipped."""
    assert transport_rates()[code] == 0.0

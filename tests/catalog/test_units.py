"""Unit conversion into a category's canonical unit."""

from __future__ import annotations

from fractions import Fraction

import pytest

from catalog.exceptions import IncompatibleUnit, UnknownUnit
from catalog.units import CANONICAL_UNITS, UNIT_ALIASES, UNITS, convert_quantity, resolve_unit


@pytest.mark.parametrize(
    ("quantity", "unit", "canonical", "expected"),
    [
        (2, "ton", "kg", 2000),
        (3, "kwintal", "kg", 300),
        (500, "gram", "kg", Fraction(1, 2)),
        (5, "lusin", "pasang", 60),
        (2, "kodi", "pcs", 40),
        (1, "gros", "pcs", 144),
        (10, "galon", "liter", 190),
        (2, "rim", "lembar", 1000),
        (1500, "kg", "ton", Fraction(3, 2)),
        (2, "hari", "jam", 48),
        (1, "m3", "liter", 1000),
        (7, "btr", "butir", 7),
        (4, "Rit", "trip", 4),
    ],
)
def test_converts_within_a_dimension(quantity: int, unit: str, canonical: str,
                                     expected: Fraction) -> None:
    """Units people type convert exactly to the canonical unit (ton→kg, lusin→12, galon→19 L)."""
    assert convert_quantity(quantity, unit, canonical) == expected


@pytest.mark.parametrize(("unit", "canonical"), [
    ("kg", "porsi"), ("liter", "kg"), ("jam", "trip"), ("butir", "porsi"), ("rim", "pcs"),
    ("porsi", "pasang"), ("orang", "kamar"),
])
def test_incompatible_unit_is_a_clear_error(unit: str, canonical: str) -> None:
    """A unit of another dimension, or another counted thing, cannot be converted."""
    with pytest.raises(IncompatibleUnit) as raised:
        convert_quantity(1, unit, canonical)
    assert raised.value.field == "unit"
    assert unit in raised.value.render("en")
    assert canonical in raised.value.render("id")


def test_unknown_unit_names_the_unit() -> None:
    """A unit in no table is an error that quotes what was typed."""
    with pytest.raises(UnknownUnit, match="ember"):
        resolve_unit("ember")


def test_generic_counts_convert_to_any_counted_unit() -> None:
    """pcs, buah and lusin count anything: 1 lusin of gloves is 12 pasang, of eggs 12 butir."""
    assert convert_quantity(1, "buah", "porsi") == 1
    assert convert_quantity(1, "lusin", "butir") == 12


def test_resolve_ignores_case_and_spaces() -> None:
    """'  KG ', 'Kilo' and 'kg' are the same unit."""
    assert resolve_unit("  KG ") == resolve_unit("Kilo") == UNITS["kg"]
    assert resolve_unit("Meter  Kubik") == UNITS["m3"]


def test_every_alias_and_canonical_unit_resolves() -> None:
    """The alias table points only at known units, and every canonical unit is a unit."""
    assert all(code in UNITS for code in UNIT_ALIASES.values())
    assert set(UNITS) >= CANONICAL_UNITS

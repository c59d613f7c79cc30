"""Properties that must hold for every input, checked with Hypothesis."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from catalog.imports import parse_number
from catalog.normalise import clean_name
from catalog.units import UNITS, convert_quantity


def indonesian(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@given(st.integers(min_value=0, max_value=10**15))
def test_indonesian_thousands_read_back_exactly(n: int) -> None:
    """Any whole number written with '.' between thousands ('1.250.000') reads back exactly."""
    assert parse_number(indonesian(n)) == n
    assert parse_number(f"Rp {indonesian(n)},-") == n


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=99))
def test_indonesian_decimal_comma_reads_back(whole: int, cents: int) -> None:
    """'1.500,25' is 1500.25: ',' is the decimal mark after '.'-grouped thousands."""
    assert parse_number(f"{indonesian(whole)},{cents:02d}") == float(f"{whole}.{cents:02d}")


_SAME_DIMENSION = [(a, b) for a in UNITS.values() for b in UNITS.values()
                   if a.dimension == b.dimension and a.counts is None and b.counts is None]


@given(st.sampled_from(_SAME_DIMENSION),
       st.fractions(min_value=0, max_value=10**6, max_denominator=1000))
def test_conversion_there_and_back_is_exact(pair: tuple, quantity: Fraction) -> None:
    """Converting a quantity to another unit of its dimension and back gives it exactly."""
    a, b = pair
    assert convert_quantity(convert_quantity(quantity, a.code, b.code), b.code, a.code) == quantity


@given(st.text(max_size=200))
def test_cleaning_is_idempotent_and_ascii(name: str) -> None:
    """Cleaning never fails, yields lower-case ASCII words, and cleaning twice changes nothing."""
    cleaned = clean_name(name)
    assert cleaned.isascii()
    assert cleaned == cleaned.lower()
    assert clean_name(cleaned) == cleaned

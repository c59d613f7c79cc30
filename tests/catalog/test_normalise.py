"""The cheap stages of product-name normalisation: cleaning, exact alias, alias phrase."""

from __future__ import annotations

import pytest

from catalog.normalise import Normaliser, clean_name

NORMALISER = Normaliser.from_categories([
    ("katering-kontrak", "Katering kontrak", "Contract catering", ["nasbox", "nasi kotak"]),
    ("sarung-tangan-kain", "Sarung tangan kain", "Textile gloves", ["sarung tangan"]),
    ("sarung-tangan-karet", "Sarung tangan karet", "Rubber gloves", ["sarung tangan karet"]),
    ("kardus", "Kardus", "Cardboard boxes", ["kardos", "dus", "dos"]),
])


@pytest.mark.parametrize(("raw", "cleaned"), [
    ("Nasbox Ayam 500 porsi", "nasbox ayam"),
    ("1 dus isi 48 gelas", "gelas"),
    ("KARDOS uk. 40x30", "kardos"),
    ("Café  Kopí", "cafe kopi"),
    ("dus", "dus"),
    ("   ", ""),
])
def test_cleaning_drops_quantities_units_and_packing(raw: str, cleaned: str) -> None:
    """Quantities, units and packing words say how much, not what: they are removed."""
    assert clean_name(raw) == cleaned


def test_exact_alias_is_auto_with_full_score() -> None:
    """A name that is an alias, once cleaned, is decided at once."""
    result = NORMALISER.normalise("Kardos 100 pcs")
    assert (result.category_code, result.score, result.status, result.method) == (
        "kardus", 100, "auto", "exact")


def test_longest_alias_phrase_wins() -> None:
    """'sarung tangan karet nitril' is rubber gloves, not just any gloves."""
    assert NORMALISER.normalise("Sarung Tangan Karet nitril").category_code == (
        "sarung-tangan-karet")


def test_short_alias_in_long_name_needs_review() -> None:
    """An alias covering little of a long name is a guess for a person to confirm."""
    result = NORMALISER.normalise("nasbox ayam bakar sambal matah plus es teh manis")
    assert result.category_code == "katering-kontrak"
    assert result.status == "review"


@pytest.mark.parametrize("name", ["", "   ", "jual pulsa", "asdfgh"])
def test_names_without_alias_are_unknown(name: str) -> None:
    """Blank names and names of nothing in the taxonomy are unknown, not errors."""
    result = NORMALISER.normalise(name)
    assert (result.category_code, result.status) == (None, "unknown")


def test_very_long_name_is_handled() -> None:
    """A 10,000-character name is normalised without error."""
    assert NORMALISER.normalise("nasi kotak " + "x" * 10_000).category_code == "katering-kontrak"


def test_empty_vocabulary_knows_nothing() -> None:
    """A normaliser with no vocabulary answers unknown instead of failing."""
    result = Normaliser({}).normalise("kardos bekas")
    assert (result.category_code, result.status) == (None, "unknown")

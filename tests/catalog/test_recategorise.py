"""A category chosen by a person: the row takes it as confirmed, with its quantities and prices
converted into the category's unit, or is refused and left as it was."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from catalog.exceptions import InvalidValue
from catalog.models import Need, Offer
from catalog.recategorise import recategorise
from catalog.store import load_taxonomy


@pytest.fixture
def categories(session: Session) -> Session:
    """A database holding the project's taxonomy."""
    load_taxonomy(session=session)
    return session


def _offer(category: str | None, capacity: int, price: int, min_order: int = 0) -> Offer:
    return Offer(product_name="air tandon", category_code=category, category_score=72,
                 category_status="review", category_method="fuzzy", capacity=capacity,
                 period="hari", unit_typed="liter", unit_price_idr=price, min_order=min_order,
                 delivery_radius_km=50)


def _need(category: str | None, quantity: int, ceiling: int | None, unit: str = "liter"
          ) -> Need:
    return Need(park_id=1, product_name="air tangki mess", category_code=category,
                category_score=72, category_status="review", category_method="fuzzy",
                quantity=quantity, period="sekali", unit_typed=unit, min_lot=1_500,
                due_date=dt.date(2026, 12, 1), max_unit_price_idr=ceiling)


def test_same_unit_keeps_the_quantities(categories: Session) -> None:
    """Vegetables corrected to another vegetable category (both kg) change only the
    category, which is confirmed by a person."""
    need = _need("sayur-daun", 800, 9_000, unit="kg")
    changes = recategorise(need, "sayur-buah", session=categories)
    assert (need.category_code, need.category_status, need.category_method,
            need.category_score) == ("sayur-buah", "confirmed", "person", 100)
    assert (need.quantity, need.max_unit_price_idr) == (800, 9_000)
    assert changes["category_code"] == ("sayur-daun", "sayur-buah")
    assert "quantity" not in changes


def test_a_need_is_converted_rounding_quantities_up(categories: Session) -> None:
    """A need of 30,500 litres corrected to clean water by the m3 asks for 31 m3, its minimum
    lot of 1,500 litres becomes 2 m3, and its ceiling of Rp 50 per litre Rp 50,000 per m3."""
    need = _need("air-minum-kemasan", 30_500, 50)
    changes = recategorise(need, "air-bersih", session=categories)
    assert (need.quantity, need.min_lot, need.max_unit_price_idr) == (31, 2, 50_000)
    assert changes["quantity"] == (30_500, 31)


def test_an_offer_is_converted_rounding_capacity_down(categories: Session) -> None:
    """Capacity of 1,500 litres becomes 1 m3 (never promise more), a minimum order of 200
    litres 1 m3, and Rp 100 per litre Rp 100,000 per m3."""
    offer = _offer("air-minum-kemasan", 1_500, 100, min_order=200)
    recategorise(offer, "air-bersih", session=categories)
    assert (offer.capacity, offer.min_order, offer.unit_price_idr) == (1, 1, 100_000)


def test_an_incompatible_unit_is_refused_and_changes_nothing(categories: Session) -> None:
    """Kilograms of vegetables cannot become portions of catering: the problem names
    ``category_code`` and the row keeps its category and status."""
    need = _need("sayur-daun", 800, None, unit="kg")
    with pytest.raises(InvalidValue) as refused:
        recategorise(need, "katering-kontrak", session=categories)
    assert refused.value.field == "category_code"
    assert refused.value.reason.key == "incompatible_unit"
    assert (need.category_code, need.category_status) == ("sayur-daun", "review")


def test_less_than_one_unit_after_conversion_is_refused(categories: Session) -> None:
    """500 litres of capacity is less than one m3: refused, nothing changed."""
    offer = _offer("air-minum-kemasan", 500, 100)
    with pytest.raises(InvalidValue) as refused:
        recategorise(offer, "air-bersih", session=categories)
    assert refused.value.reason.key == "too_small_after_conversion"
    assert (offer.capacity, offer.category_code) == (500, "air-minum-kemasan")


def test_an_unknown_category_is_refused(categories: Session) -> None:
    """A category that is not in the taxonomy names ``category_code``."""
    with pytest.raises(InvalidValue) as refused:
        recategorise(_offer("air-minum-kemasan", 500, 100), "tidak-ada", session=categories)
    assert (refused.value.field, refused.value.reason.key) == ("category_code",
                                                                "unknown_category")


def test_a_row_without_a_category_counts_in_its_typed_unit(categories: Session) -> None:
    """A row the normaliser placed nowhere holds its quantities in the unit as typed: litres
    given the m3 category are converted from litres."""
    need = _need(None, 2_000, None)
    recategorise(need, "air-bersih", session=categories)
    assert (need.category_code, need.quantity) == ("air-bersih", 2)

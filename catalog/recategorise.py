"""Putting an offer or a need in the category a person chose (the agency's review).

Quantities and prices are stored in the canonical unit of the row's category
(:mod:`catalog.units`), so a new category whose unit differs means converting them, exactly as
an entry in that unit would have been: capacity rounds down (never promise more than the owner
said), a need's quantity and minimum amounts round up, prices per unit to the nearest rupiah. A
category counted in a unit the row's quantities cannot be expressed in (catering by the kilo)
is refused, naming ``category_code``; the row is then left as it was.

Nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from sqlalchemy.orm import Session

from catalog.exceptions import InvalidValue
from catalog.messages import message
from catalog.models import Category, Need, Offer
from catalog.units import conversion_factor

__all__ = ["PERSON_SCORE", "recategorise"]

#: The score of a category a person chose.
PERSON_SCORE = 100

_FIELD = "category_code"


def _round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def _factor(source: str, new_unit: str, code: str) -> Fraction:
    """How many ``new_unit`` one stored ``source`` unit is."""
    if source == new_unit:
        return Fraction(1)
    try:
        return conversion_factor(source, new_unit)
    except InvalidValue:
        raise InvalidValue(_FIELD, message("incompatible_unit", value=source,
                                           canonical=new_unit, category=code)) from None


def _converted(row: Offer | Need, factor: Fraction, source: str, new_unit: str
               ) -> dict[str, Any]:
    if factor == 1:
        return {}
    if isinstance(row, Offer):
        before, after = row.capacity, math.floor(row.capacity * factor)
        values: dict[str, Any] = {
            "capacity": after, "min_order": math.ceil(row.min_order * factor),
            "unit_price_idr": _round_half_up(row.unit_price_idr / factor)}
    else:
        before, after = row.quantity, math.ceil(row.quantity * factor)
        values = {"quantity": after, "min_lot": math.ceil(row.min_lot * factor),
                  "max_unit_price_idr": (None if row.max_unit_price_idr is None
                                         else _round_half_up(row.max_unit_price_idr / factor))}
    if after < 1:
        raise InvalidValue(_FIELD, message("too_small_after_conversion", value=before,
                                           unit=source, canonical=new_unit))
    return values


def recategorise(row: Offer | Need, category_code: str, *, session: Session
                 ) -> dict[str, tuple[Any, Any]]:
    """Put ``row`` in ``category_code`` as confirmed by a person, converting its quantities and
    prices into the category's unit; returns what changed as column → (before, after).

    Raises :class:`InvalidValue` on ``category_code`` for a category that does not exist or
    whose unit the row's quantities cannot be converted into; ``row`` is unchanged then.
    """
    category = session.get(Category, category_code)
    if category is None:
        raise InvalidValue(_FIELD, message("unknown_category", value=category_code))
    old = session.get(Category, row.category_code) if row.category_code else None
    # A row without a category holds its quantities in the unit as typed.
    source = old.unit if old is not None else row.unit_typed
    factor = _factor(source, category.unit, category_code)
    values = {**_converted(row, factor, source, category.unit), "category_code": category_code,
              "category_score": PERSON_SCORE, "category_status": "confirmed",
              "category_method": "person"}
    changes = {column: (getattr(row, column), value) for column, value in values.items()
               if getattr(row, column) != value}
    for column, (_before, after) in changes.items():
        setattr(row, column, after)
    session.flush()
    return changes

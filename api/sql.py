"""Small SQL helpers shared by the resources' query functions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import InstrumentedAttribute

__all__ = ["icontains"]


def icontains(column: InstrumentedAttribute[Any], needle: str) -> ColumnElement[bool]:
    """``column`` contains ``needle``, ignoring case; ``%`` and ``_`` in it are literal.

    ``lower()`` on both sides rather than ``ILIKE`` so SQLite and PostgreSQL agree.
    """
    return func.lower(column).contains(needle.casefold().strip(), autoescape=True)

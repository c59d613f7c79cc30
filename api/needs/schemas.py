"""The wire format of needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, Field

from api.pagination import Page
from catalog.models import Need

__all__ = ["NeedOut", "NeedPage", "NeedStatus"]

NeedStatus = Literal["draft", "open", "closed", "cancelled"]


class NeedOut(BaseModel):
    """A need: quantity per period in the category's canonical ``unit``, and its rules."""

    id: int
    park_id: int
    park_code: str = Field(examples=["IMIP"])
    product_name: str = Field(examples=["nasi kotak pekerja shift pagi"])
    category_code: str | None
    category_status: str
    category_score: int
    quantity: int
    unit: str | None = Field(examples=["porsi"], description="Satuan kanonik / canonical unit")
    unit_typed: str
    period: str = Field(examples=["hari"])
    due_date: dt.date
    max_unit_price_idr: int | None
    split_allowed: bool
    min_lot: int
    max_suppliers: int | None
    max_distance_km: int | None
    status: NeedStatus
    required_certificates: list[str] = Field(examples=[["HALAL", "HYGIENE"]])

    @classmethod
    def of(cls, need: Need, units: Mapping[str, str]) -> NeedOut:
        return cls(
            id=need.id, park_id=need.park_id, park_code=need.park.code,
            product_name=need.product_name, category_code=need.category_code,
            category_status=need.category_status, category_score=need.category_score,
            quantity=need.quantity,
            unit=units.get(need.category_code) if need.category_code else None,
            unit_typed=need.unit_typed, period=need.period, due_date=need.due_date,
            max_unit_price_idr=need.max_unit_price_idr, split_allowed=need.split_allowed,
            min_lot=need.min_lot, max_suppliers=need.max_suppliers,
            max_distance_km=need.max_distance_km,
            status=need.status,
            required_certificates=sorted(c.kind for c in need.required_certificates),
        )


class NeedPage(Page[NeedOut]):
    """A page of needs."""

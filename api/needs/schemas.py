"""The wire format of needs: what a park buyer posts, changes and reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.pagination import Page
from api.writes import etag
from catalog.models import Need

__all__ = ["CertificateKind", "NeedIn", "NeedOut", "NeedPage", "NeedPatch", "NeedStatus",
           "Period"]

NeedStatus = Literal["draft", "open", "closed", "cancelled"]
Period = Literal["hari", "minggu", "bulan", "sekali"]
CertificateKind = Literal["NIB", "HALAL", "PIRT", "BPOM_MD", "SNI", "ISO9001", "SMK3",
                          "HYGIENE"]


class NeedIn(BaseModel):
    """A new need, as the procurement team writes it: the product in its own words, how much
    per period in the unit it counts in, by when, and the rules suppliers must keep. The park
    is the one in the path; a new need is ``open``."""

    model_config = ConfigDict(extra="forbid")

    product_name: str = Field(min_length=1, max_length=300,
                              examples=["nasi kotak pekerja shift pagi"])
    quantity: float = Field(gt=0, le=1e12, examples=[5000])
    unit: str = Field(min_length=1, max_length=30, examples=["porsi"])
    due_date: dt.date = Field(examples=["2026-12-15"])
    period: Period = "hari"
    category_code: str | None = Field(
        default=None, max_length=60,
        description="Kategori bila sudah tahu (tetap dicek normaliser). / The category, if "
                    "known (the normaliser still checks it).")
    required_certificates: list[CertificateKind] = Field(default_factory=list, max_length=8,
                                                         examples=[["HALAL", "HYGIENE"]])
    max_unit_price_idr: int | None = Field(default=None, gt=0, le=10**12,
                                           description="per ``unit`` / per ``unit``")
    split: bool = True
    min_lot: float = Field(default=0, ge=0, le=1e12, description="dalam ``unit`` / in ``unit``")
    max_suppliers: int | None = Field(default=None, ge=1, le=10_000)
    max_distance_km: int | None = Field(default=None, ge=1, le=20_000)


class NeedPatch(BaseModel):
    """Changes to a need. ``quantity``, ``min_lot`` and ``max_unit_price_idr`` are in the
    need's canonical ``unit`` (shown when it is read); a new ``product_name`` is normalised
    again, and must stay in a category of the same unit. A field left out stays as it is;
    ``null`` clears ``max_unit_price_idr``, ``max_suppliers`` or ``max_distance_km`` and is
    refused for the fields every need has."""

    model_config = ConfigDict(extra="forbid")

    # Fields every need has may be left out but not emptied: not nullable, and their default
    # is never seen (the route reads ``model_dump(exclude_unset=True)``).
    product_name: Annotated[str, Field(default=None, min_length=1, max_length=300)]
    quantity: Annotated[int, Field(default=None, gt=0, le=10**12)]
    due_date: Annotated[dt.date, Field(default=None)]
    period: Annotated[Period, Field(default=None)]
    required_certificates: list[CertificateKind] | None = Field(default=None, max_length=8)
    max_unit_price_idr: int | None = Field(default=None, gt=0, le=10**12)
    split: Annotated[bool, Field(default=None)]
    min_lot: Annotated[int, Field(default=None, ge=0, le=10**12)]
    max_suppliers: int | None = Field(default=None, ge=1, le=10_000)
    max_distance_km: int | None = Field(default=None, ge=1, le=20_000)


class NeedOut(BaseModel):
    """A need: quantity per period in the category's canonical ``unit``, its rules, and what
    the normaliser made of its product name (``category_code``, ``category_score`` 0–100,
    ``category_status`` auto, review, unknown or confirmed)."""

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
    etag: str = Field(description="Untuk If-Match saat mengubah / for If-Match when changing")

    @classmethod
    def of(cls, need: Need, units: Mapping[str, str]) -> NeedOut:
        return cls.listed(need, [c.kind for c in need.required_certificates],
                          park_code=need.park.code,
                          unit=units.get(need.category_code) if need.category_code else None)

    @classmethod
    def listed(cls, need: Any, certificates: Sequence[str], *, park_code: str,
               unit: str | None) -> NeedOut:
        """A need from anything with its columns as attributes (a :class:`Need`, or a row of
        a list), its required certificates, its park's code and its category's unit."""
        return cls(
            id=need.id, park_id=need.park_id,
            park_code=park_code,
            product_name=need.product_name, category_code=need.category_code,
            category_status=need.category_status, category_score=need.category_score,
            quantity=need.quantity,
            unit=unit,
            unit_typed=need.unit_typed, period=need.period, due_date=need.due_date,
            max_unit_price_idr=need.max_unit_price_idr, split_allowed=need.split_allowed,
            min_lot=need.min_lot, max_suppliers=need.max_suppliers,
            max_distance_km=need.max_distance_km,
            status=need.status,
            required_certificates=sorted(certificates),
            etag=etag("need", need.id, need.version),
        )


class NeedPage(Page[NeedOut]):
    """A page of needs."""

"""The wire format of the taxonomy."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.pagination import Page
from catalog.models import Category, CategoryRelation

__all__ = ["AliasOut", "CategoryDetail", "CategoryOut", "CategoryPage", "KbliOut",
           "RelationOut"]


class CategoryOut(BaseModel):
    """A category: its names, sector, canonical unit and KBLI codes (primary first)."""

    code: str = Field(examples=["katering-kontrak"])
    name_id: str = Field(examples=["Katering kontrak"])
    name_en: str = Field(examples=["Contract catering"])
    sector: str = Field(examples=["pangan"])
    unit: str = Field(examples=["porsi"], description="Satuan kanonik / canonical unit")
    agro: bool
    kbli: list[str] = Field(examples=[["56290"]])

    @classmethod
    def of(cls, category: Category) -> CategoryOut:
        return cls(code=category.code, name_id=category.name_id, name_en=category.name_en,
                   sector=category.sector, unit=category.unit, agro=category.agro,
                   kbli=[k.kbli for k in category.kbli])


class KbliOut(BaseModel):
    """A KBLI 2020 five-digit code with its title."""

    code: str = Field(examples=["56290"])
    title: str
    primary: bool


class AliasOut(BaseModel):
    """A word people use for the category, and who taught it."""

    alias: str = Field(examples=["nasbox"])
    source: str = Field(examples=["taxonomy"])


class RelationOut(BaseModel):
    """An edge of the capability graph: ``source`` substitutes for, or relates to, ``target``."""

    source: str
    target: str
    kind: Literal["substitutes", "related"]
    factor: float | None

    @classmethod
    def of(cls, relation: CategoryRelation) -> RelationOut:
        return cls(source=relation.source_code, target=relation.target_code,
                   kind=relation.kind,
                   factor=relation.factor)


class CategoryDetail(CategoryOut):
    """A category with KBLI titles, aliases, and relations in both directions."""

    kbli_codes: list[KbliOut]
    aliases: list[AliasOut]
    relations: list[RelationOut]


class CategoryPage(Page[CategoryOut]):
    """A page of categories."""

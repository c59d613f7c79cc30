"""The wire format of normalising and of the review queue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.i18n import Language
from api.pagination import Page
from api.review.queries import CategoryInfo, QueueItem
from catalog.normalise import Alternative, Normalisation

__all__ = ["AlternativeOut", "NormaliseIn", "NormaliseOut", "NormalisedOut", "ReviewIn",
           "ReviewItemOut", "ReviewPage", "ReviewResult"]

#: The most names one request may normalise.
MAX_NAMES = 1000

ProductName = Annotated[str, Field(max_length=300)]


def _name(info: CategoryInfo | None, language: Language) -> str | None:
    if info is None:
        return None
    return info.name_en if language == "en" else info.name_id


class NormaliseIn(BaseModel):
    """Product names as people type them, up to 1,000 at once."""

    model_config = ConfigDict(extra="forbid")

    names: list[ProductName] = Field(min_length=1, max_length=MAX_NAMES,
                                     examples=[["nasbox ayam 500 porsi", "sepatu sefty"]])


class AlternativeOut(BaseModel):
    """A runner-up category and its score."""

    category: str = Field(examples=["katering-acara"])
    category_name: str | None
    score: int

    @classmethod
    def of(cls, alternative: Alternative, categories: Mapping[str, CategoryInfo],
           language: Language) -> AlternativeOut:
        return cls(category=alternative.category_code,
                   category_name=_name(categories.get(alternative.category_code), language),
                   score=alternative.score)


class NormalisedOut(BaseModel):
    """What the normaliser decided for one name: the category with its KBLI codes (primary
    first), a score 0–100, a status (``auto``: used without asking; ``review``: a person
    should confirm; ``unknown``: no category), the stage that decided (``method``) and up to
    three runners-up."""

    input: str
    category: str | None = Field(examples=["katering-kontrak"])
    category_name: str | None
    kbli: list[str] = Field(examples=[["56290"]])
    score: int
    status: Literal["auto", "review", "unknown"]
    method: str = Field(examples=["alias"], description="person | exact | alias | fuzzy | none")
    alternatives: list[AlternativeOut]

    @classmethod
    def of(cls, result: Normalisation, categories: Mapping[str, CategoryInfo],
           language: Language) -> NormalisedOut:
        info = categories.get(result.category_code) if result.category_code else None
        status: Literal["auto", "review", "unknown"] = (
            "auto" if result.status == "auto" else
            "review" if result.status == "review" else "unknown")
        return cls(input=result.text, category=result.category_code,
                   category_name=_name(info, language),
                   kbli=list(info.kbli) if info else [], score=result.score, status=status,
                   method=result.method,
                   alternatives=[AlternativeOut.of(a, categories, language)
                                 for a in result.alternatives])


class NormaliseOut(BaseModel):
    """One answer per name, in the order asked."""

    items: list[NormalisedOut]


class ReviewItemOut(BaseModel):
    """An offer or need whose product name the normaliser was unsure of: where it comes from,
    the category it suggested (``null`` when none) with its score, status and method, and the
    runners-up a person may pick instead."""

    id: str = Field(examples=["offer-12"], description="offer-<id> | need-<id>")
    kind: Literal["offer", "need"]
    name: str = Field(examples=["rantangan makan siang"])
    unit_typed: str = Field(examples=["porsi"])
    enterprise_id: int | None
    enterprise_name: str | None
    park_id: int | None
    park_code: str | None
    district_name: str | None = Field(examples=["Bahodopi"])
    category: str | None
    category_name: str | None
    unit: str | None = Field(description="Satuan kategori / the category's unit")
    score: int
    status: str = Field(examples=["review"])
    method: str
    alternatives: list[AlternativeOut]

    @classmethod
    def of(cls, item: QueueItem, alternatives: list[Alternative],
           categories: Mapping[str, CategoryInfo], language: Language) -> ReviewItemOut:
        info = categories.get(item.category_code) if item.category_code else None
        return cls(id=item.item_id, kind=item.kind, name=item.name, unit_typed=item.unit_typed,
                   enterprise_id=item.enterprise_id, enterprise_name=item.enterprise_name,
                   park_id=item.park_id, park_code=item.park_code,
                   district_name=item.district_name, category=item.category_code,
                   category_name=_name(info, language), unit=info.unit if info else None,
                   score=item.score, status=item.status, method=item.method,
                   alternatives=[AlternativeOut.of(a, categories, language)
                                 for a in alternatives])


class ReviewPage(Page[ReviewItemOut]):
    """A page of the review queue."""


class ReviewIn(BaseModel):
    """A person's answer: ``confirm`` the suggested category (``category_code`` may be left
    out, or must be the suggestion), or ``correct`` it to ``category_code``."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["confirm", "correct"]
    category_code: str | None = Field(default=None, min_length=1, max_length=60,
                                      examples=["katering-kontrak"])


class ReviewResult(ReviewItemOut):
    """The item after the answer (status ``confirmed``), and the cleaned name the normaliser
    learned (``null`` when the name has no words to learn)."""

    action: Literal["confirm", "correct"]
    taught: str | None = Field(examples=["rantangan makan siang"])

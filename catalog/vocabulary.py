"""The normaliser's vocabulary in the database, and what people teach it.

:func:`load_normaliser` builds a :class:`~catalog.normalise.Normaliser` from the stored
taxonomy (aliases, names, codes, the titles of the primary KBLI codes), the names people
confirmed (aliases with ``source = 'person'``) and the suggestions they rejected.
:func:`confirm_category` and :func:`reject_category` record a person's answer, so it wins from
then on and the same question is never asked twice. Functions take ``session=`` and never
commit.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from catalog.exceptions import InvalidValue, NotFound
from catalog.messages import message
from catalog.models import (
    CatalogMeta,
    Category,
    CategoryAlias,
    CategoryKbli,
    NormalisationRejection,
)
from catalog.normalise import Normaliser, Thresholds, clean_name

__all__ = ["PERSON", "VOCABULARY_VERSION", "confirm_category", "load_normaliser",
           "reject_category", "vocabulary_version"]

#: ``CategoryAlias.source`` of names a person confirmed.
PERSON = "person"


def load_normaliser(*, session: Session, thresholds: Thresholds | None = None) -> Normaliser:
    """A normaliser over the stored vocabulary and everything people taught it."""
    vocabulary: dict[str, str] = {}
    learned: dict[str, str] = {}
    for alias, code, source in session.execute(
            select(CategoryAlias.alias, CategoryAlias.category_code, CategoryAlias.source)
            .order_by(CategoryAlias.category_code, CategoryAlias.alias)):
        if source == PERSON:
            learned[alias] = code
        else:
            vocabulary.setdefault(alias, code)
    for code, name_id, name_en in session.execute(
            select(Category.code, Category.name_id, Category.name_en).order_by(Category.code)):
        for text in (name_id, name_en, code.replace("-", " ")):
            vocabulary.setdefault(text, code)
    for code, title in session.execute(
            select(CategoryKbli.category_code, CategoryKbli.title)
            .where(CategoryKbli.position == 0).order_by(CategoryKbli.category_code)):
        vocabulary.setdefault(title, code)
    rejected = session.execute(
        select(NormalisationRejection.name_key, NormalisationRejection.category_code)).all()
    return Normaliser(vocabulary, learned=learned,
                      rejected=[(name, code) for name, code in rejected],
                      thresholds=thresholds)


def _key_and_category(name: str, category_code: str, *, session: Session) -> str:
    key = clean_name(name)
    if not key:
        raise InvalidValue("name", message("required"))
    if session.get(Category, category_code) is None:
        raise NotFound("category", category_code)
    return key


def confirm_category(name: str, category_code: str, *, session: Session) -> str:
    """A person says ``name`` is ``category_code``: stored as an alias that wins from now on.

    Returns the cleaned name that was stored. A rejection of the same pair is withdrawn.
    """
    key = _key_and_category(name, category_code, session=session)
    existing = session.get(CategoryAlias, key)
    if existing is None:
        session.add(CategoryAlias(alias=key, category_code=category_code, source=PERSON))
    else:
        existing.category_code = category_code
        existing.source = PERSON
    session.execute(delete(NormalisationRejection).where(
        NormalisationRejection.name_key == key,
        NormalisationRejection.category_code == category_code))
    _bump_version(session=session)
    session.flush()
    return key


def reject_category(name: str, category_code: str, *, session: Session) -> str:
    """A person says ``name`` is *not* ``category_code``: never suggested for it again.

    Returns the cleaned name that was stored. A confirmation of the same pair is withdrawn.
    """
    key = _key_and_category(name, category_code, session=session)
    if session.get(NormalisationRejection, (key, category_code)) is None:
        session.add(NormalisationRejection(name_key=key, category_code=category_code))
    session.execute(delete(CategoryAlias).where(
        CategoryAlias.alias == key, CategoryAlias.category_code == category_code,
        CategoryAlias.source == PERSON))
    _bump_version(session=session)
    session.flush()
    return key


#: The catalog_meta key counting what people taught the normaliser.
VOCABULARY_VERSION = "vocabulary_version"


def vocabulary_version(*, session: Session) -> int:
    """How many times people taught the normaliser: a normaliser built at another version is
    out of date."""
    row = session.get(CatalogMeta, VOCABULARY_VERSION)
    return int(row.value) if row is not None else 0


def _bump_version(*, session: Session) -> None:
    row = session.get(CatalogMeta, VOCABULARY_VERSION)
    if row is None:
        session.add(CatalogMeta(key=VOCABULARY_VERSION, value="1"))
    else:
        row.value = str(int(row.value) + 1)

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
from catalog.models import Category, CategoryAlias, CategoryKbli, NormalisationRejection
from catalog.normalise import Normaliser, Thresholds, clean_name

__all__ = ["PERSON", "confirm_category", "load_normaliser", "reject_category"]

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
    session.flush()
    return key

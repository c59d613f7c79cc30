"""What people teach the normaliser is stored, wins from then on, and is never asked again."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from catalog.exceptions import InvalidValue, NotFound
from catalog.store import load_taxonomy
from catalog.vocabulary import confirm_category, load_normaliser, reject_category


@pytest.fixture
def taught(session: Session) -> Session:
    """A database holding the project's taxonomy."""
    load_taxonomy(session=session)
    return session


def test_stored_vocabulary_normalises_like_the_taxonomy(taught: Session) -> None:
    """The normaliser built from the database knows the taxonomy's trade terms."""
    result = load_normaliser(session=taught).normalise("kardos uk 40x30")
    assert (result.category_code, result.status) == ("kardus", "auto")


def test_confirmation_wins_from_then_on(taught: Session) -> None:
    """A name a person confirmed is decided by that answer, cleaned like any name."""
    key = confirm_category("Ransum Shift Malam 500 porsi", "katering-kontrak", session=taught)
    assert key == "ransum shift malam"
    result = load_normaliser(session=taught).normalise("RANSUM SHIFT MALAM")
    assert (result.category_code, result.method, result.status, result.score) == (
        "katering-kontrak", "person", "auto", 100)


def test_rejected_suggestion_is_never_made_again(taught: Session) -> None:
    """After a person rejects a suggestion for a name, another category (or none) comes."""
    before = load_normaliser(session=taught).normalise("kardos")
    assert before.category_code == "kardus"
    reject_category("kardos", "kardus", session=taught)
    after = load_normaliser(session=taught).normalise("Kardos")
    assert after.category_code != "kardus"
    assert all(a.category_code != "kardus" for a in after.alternatives)


def test_confirming_withdraws_an_earlier_rejection(taught: Session) -> None:
    """Changing one's mind works both ways: a confirmation undoes a rejection of the pair."""
    reject_category("kardos", "kardus", session=taught)
    confirm_category("kardos", "kardus", session=taught)
    assert load_normaliser(session=taught).normalise("kardos").category_code == "kardus"


def test_rejecting_withdraws_an_earlier_confirmation(taught: Session) -> None:
    """Rejecting a confirmed pair removes the learned alias."""
    confirm_category("ransum", "katering-acara", session=taught)
    reject_category("ransum", "katering-acara", session=taught)
    assert load_normaliser(session=taught).normalise("ransum").category_code != "katering-acara"


def test_teaching_an_unknown_category_is_not_found(taught: Session) -> None:
    """A category that is not in the taxonomy is a NotFound naming it."""
    with pytest.raises(NotFound, match="bukan-kategori"):
        confirm_category("kardos", "bukan-kategori", session=taught)


def test_teaching_a_blank_name_is_refused(taught: Session) -> None:
    """A name that cleans to nothing cannot be taught."""
    with pytest.raises(InvalidValue):
        reject_category(" 500 - ", "kardus", session=taught)

"""The app's cached normaliser follows what is committed, never a request's uncommitted
teaching."""

from __future__ import annotations

from types import SimpleNamespace

from api.context import normaliser
from catalog.db import make_engine, make_sessionmaker, session_scope
from catalog.vocabulary import confirm_category, vocabulary_version

NAME = "kerupuk ikan teri balado"


def test_a_lesson_rolled_back_does_not_stay_in_the_cache(catalog_url: str) -> None:
    engine = make_engine(catalog_url)
    try:
        state = SimpleNamespace(sessionmaker=make_sessionmaker(engine))
        with state.sessionmaker() as session:
            before = normaliser(state, session=session).normalise(NAME)
        assert before.category_code != "jasa-las"
        with state.sessionmaker() as session:
            confirm_category(NAME, "jasa-las", session=session)
            normaliser(state, session=session)  # asked while the lesson is not committed
            session.rollback()
        # Another lesson, committed, takes the version number the rolled-back one had.
        with session_scope(state.sessionmaker) as session:
            confirm_category("sambal roa botol", "sayur-daun", session=session)
        with state.sessionmaker() as session:
            version = vocabulary_version(session=session)
            later = normaliser(state, session=session)
        assert later.normalise(NAME).category_code == before.category_code
        assert later.normalise("sambal roa botol").category_code == "sayur-daun"
        assert state.normaliser[0] == version
    finally:
        engine.dispose()


def test_a_committed_lesson_is_learned(catalog_url: str) -> None:
    engine = make_engine(catalog_url)
    try:
        state = SimpleNamespace(sessionmaker=make_sessionmaker(engine))
        with state.sessionmaker() as session:
            normaliser(state, session=session)
        with session_scope(state.sessionmaker) as session:
            confirm_category(NAME, "jasa-las", session=session)
        with state.sessionmaker() as session:
            assert normaliser(state, session=session).normalise(NAME).category_code == "jasa-las"
    finally:
        engine.dispose()

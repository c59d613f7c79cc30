"""The catalog context writes are checked against, with one normaliser per process.

Building the normaliser reads the whole vocabulary (some 2,200 aliases, tens of ms); it is
kept on the app and built again only when people have taught the normaliser since
(``catalog.vocabulary.vocabulary_version`` counts every confirmation and rejection, in the
database, so every worker process of a deployment notices).
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from sqlalchemy.orm import Session

from catalog.normalise import Normaliser
from catalog.store import CatalogContext
from catalog.vocabulary import load_normaliser, vocabulary_version

__all__ = ["catalog_context", "normaliser"]

_lock = threading.Lock()


def normaliser(state: Any, *, session: Session) -> Normaliser:
    """The app's normaliser, built again if the vocabulary changed.

    ``session`` (the request's) only tells whether the cached one is current. A new one is
    built from what is committed, in a session of its own: a request that taught the
    normaliser and is then rolled back must not leave its lesson in the cache. The version is
    read before the vocabulary, so a lesson committed in between makes the cached one look
    old (built again next time), never newer than it is.
    """
    version = vocabulary_version(session=session)
    cached = getattr(state, "normaliser", None)
    if cached is not None and cached[0] == version:
        built: Normaliser = cached[1]
        return built
    with _lock:
        with state.sessionmaker() as committed:
            committed_version = vocabulary_version(session=committed)
            cached = getattr(state, "normaliser", None)
            if cached is not None and cached[0] == committed_version:
                fresh: Normaliser = cached[1]
            else:
                fresh = load_normaliser(session=committed)
                state.normaliser = (committed_version, fresh)
        return fresh


def catalog_context(state: Any, *, session: Session,
                    today: dt.date | None = None) -> CatalogContext:
    """:class:`CatalogContext` with the app's normaliser."""
    loaded = CatalogContext.load(session=session, today=today, normaliser=normaliser(
        state, session=session))
    return loaded

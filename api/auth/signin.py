"""Signing in with a username and password: the one use case behind ``POST /api/v1/auth/token``
and the sign-in form of the pages (``POST /masuk``).

Both check the account the same way and count failed attempts against the same limit; they
differ only in how they hand the token over (a JSON body, an HttpOnly cookie) and how they say
what went wrong (a problem, a message in the form).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from api.auth.accounts import (
    LoginLimit,
    authenticate,
    failures_left,
    record_attempt,
    refresh_hash,
)
from api.auth.principal import app_secret_key
from api.auth.security import make_token
from api.settings import Settings
from catalog.db import session_scope

__all__ = ["BadSignIn", "SignInLocked", "SignedIn", "sign_in"]


class BadSignIn(Exception):
    """The username or the password is wrong (which one is not said)."""


class SignInLocked(Exception):
    """Too many failed sign-ins for this username or client: try again in ``seconds``."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"too many failed sign-ins; retry in {seconds} s")
        self.seconds = seconds


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A signed short-lived token for the account, and when it expires."""

    account_id: int
    role: str
    token: str
    expires: dt.datetime
    issued: dt.datetime

    @property
    def seconds(self) -> int:
        return int((self.expires - self.issued).total_seconds())


def sign_in(username: str, password: str, client: str, *, state: Any, settings: Settings,
            now: dt.datetime | None = None) -> SignedIn:
    """A token for ``username`` if ``password`` is its password; raises :class:`SignInLocked`
    when too many attempts failed within the window, :class:`BadSignIn` otherwise.

    ``state`` is the app's state (its session factories and signing key). The attempt is
    written in a transaction of its own, kept whatever the outcome; no write lock is held
    while the password is checked."""
    now = now or dt.datetime.now(dt.UTC)
    with session_scope(state.sessionmaker) as session:
        wait = failures_left(username, client,
                             LoginLimit(settings.login_attempts, settings.login_window_s),
                             session=session, now=now)
        account = None if wait else authenticate(username, password, session=session)
        signed_in = (account.id, account.role) if account is not None else None
    if wait:
        raise SignInLocked(wait)
    with session_scope(state.write_sessionmaker) as session:
        record_attempt(username, client, signed_in is not None, session=session, now=now)
        if signed_in is not None:
            refresh_hash(signed_in[0], password, session=session)
    if signed_in is None:
        raise BadSignIn(username)
    token, expires = make_token(signed_in[0], signed_in[1], secret=app_secret_key(state),
                                minutes=settings.token_minutes, now=now)
    return SignedIn(account_id=signed_in[0], role=signed_in[1], token=token, expires=expires,
                    issued=now)

"""Who is asking: the principal of a request, read from its token or API key.

Every route under ``/api/v1`` (but ``/auth/token``) needs one. A request without credentials,
or with a wrong, expired or revoked one, gets 401 with ``WWW-Authenticate: Bearer``; a role
that may not do what the route does gets 403 (:func:`require`). What each role may *see* is
decided in the queries (``api/scope.py``), not here.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import Headers

from api.auth.accounts import stored_secret_key
from api.auth.security import read_token, same_hash, split_key
from api.deps import READ_METHODS, SessionDep
from api.errors import ApiProblem
from catalog.db import session_scope
from catalog.models import Account, AccountEnterprise, ApiKey

__all__ = ["CurrentPrincipal", "Principal", "Role", "account_id_of", "load_principal",
           "require"]

Role = Literal["park_buyer", "ikm_owner", "agency", "admin"]


@dataclass(frozen=True)
class Principal:
    """An account, with what its role binds it to."""

    account_id: int
    username: str
    role: Role
    park_id: int | None = None
    province_id: int | None = None
    enterprise_ids: frozenset[int] = frozenset()

    @property
    def tenant(self) -> str:
        """Whose queue a run of this principal goes to."""
        if self.role == "park_buyer":
            return f"park:{self.park_id}"
        if self.role == "agency":
            return f"province:{self.province_id}"
        if self.role == "ikm_owner":
            return f"account:{self.account_id}"
        return "admin"


def load_principal(account_id: int, *, session: Session) -> Principal | None:
    """The principal of an active account, or ``None`` — one query, on every request."""
    rows = session.execute(
        select(Account.id, Account.username, Account.role, Account.park_id,
               Account.province_id, AccountEnterprise.enterprise_id)
        .outerjoin(AccountEnterprise, AccountEnterprise.account_id == Account.id)
        .where(Account.id == account_id, Account.active.is_(True))).all()
    if not rows:
        return None
    first = rows[0]
    return Principal(account_id=first.id, username=first.username,
                     role=first.role,
                     park_id=first.park_id, province_id=first.province_id,
                     enterprise_ids=frozenset(row.enterprise_id for row in rows
                                              if row.enterprise_id is not None))


def _unauthorised(key: str) -> ApiProblem:
    return ApiProblem(401, "unauthorised", key, headers={"WWW-Authenticate": "Bearer"})


def _credential(request: Request | Headers) -> str | None:
    headers = request.headers if isinstance(request, Request) else request
    header = headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    key = headers.get("x-api-key", "").strip()
    return key or None


def _from_key(key: str, *, session: Session) -> int | None:
    prefix = split_key(key)
    if prefix is None:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None or row.revoked_at is not None or not same_hash(row.secret_hash, key):
        return None
    return row.account_id


_secret_lock = threading.Lock()


def app_secret_key(state: Any) -> str:
    """The app's signing key: the configured one, else the one kept in the database (made the
    first time), read once."""
    if state.secret_key is None:
        with _secret_lock:
            if state.secret_key is None:
                configured = state.settings.secret_key
                if configured:
                    state.secret_key = configured
                else:
                    with session_scope(state.write_sessionmaker) as session:
                        state.secret_key = stored_secret_key(session=session)
    secret: str = state.secret_key
    return secret


def secret_key(request: Request) -> str:
    return app_secret_key(request.app.state)


def _account_id(credential: str, *, session: Session, secret: str) -> int | None:
    if split_key(credential) is not None:
        return _from_key(credential, session=session)
    token = read_token(credential, secret=secret)
    return token.account_id if token else None


def _principal_of(credential: str, request: Request, *, session: Session) -> Principal | None:
    account_id = _account_id(credential, session=session, secret=secret_key(request))
    return load_principal(account_id, session=session) if account_id is not None else None


def account_id_of(headers: Headers, *, sessions: sessionmaker[Session],
                  secret: str) -> int | None:
    """The account the credentials in ``headers`` belong to, if they are valid (for code
    that runs before the route, such as the idempotency middleware)."""
    credential = _credential(headers)
    if credential is None:
        return None
    with sessions() as session:
        account_id = _account_id(credential, session=session, secret=secret)
        account = session.get(Account, account_id) if account_id is not None else None
        return account.id if account is not None and account.active else None


def current_principal(request: Request, session: SessionDep) -> Principal:
    """The principal of the request (401 if there is none).

    A reading request reads it in its own transaction; a writing one in a short read
    transaction of its own, so that its write transaction (which on SQLite takes the write
    lock at its first statement) begins in the route, not while, say, an upload arrives."""
    credential = _credential(request)
    if credential is None:
        raise _unauthorised("detail.no_credentials")
    if request.method in READ_METHODS:
        principal = _principal_of(credential, request, session=session)
    else:
        with request.app.state.sessionmaker() as reading:
            principal = _principal_of(credential, request, session=reading)
    if principal is None:
        raise _unauthorised("detail.bad_token")
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets only ``roles`` through (403 for the others)."""
    allowed = frozenset(roles)

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in allowed:
            raise ApiProblem(403, "forbidden", "detail.forbidden_role",
                             params={"role": principal.role})
        return principal

    return check

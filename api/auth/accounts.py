"""Accounts: made, signed in to, given API keys. Functions take ``session=`` and never commit
(but :func:`record_attempt`, which writes in its own transaction so that a failed sign-in is
counted even though its request fails)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from api.auth.security import NewKey, check_password, hash_password, make_key, needs_rehash
from catalog.models import (
    Account,
    AccountEnterprise,
    ApiKey,
    CatalogMeta,
    Enterprise,
    LoginAttempt,
    Offer,
    Park,
    Region,
)

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "LoginLimit",
    "authenticate",
    "create_account",
    "create_demo_accounts",
    "create_key",
    "failures_left",
    "record_attempt",
    "refresh_hash",
    "stored_secret_key",
]

#: The password of every demo account (the README lists them).
DEMO_PASSWORD = "simpul-demo"


@cache
def _dummy_hash() -> str:
    """A hash to check against when the username does not exist, so that a sign-in takes as
    long either way and does not tell which usernames exist."""
    return hash_password(secrets.token_urlsafe(16))


def create_account(username: str, password: str, role: str, *, session: Session,
                   display_name: str | None = None, park_id: int | None = None,
                   province_id: int | None = None,
                   enterprise_ids: Iterable[int] = ()) -> Account:
    """A new account (the database checks that a park buyer has a park and the agency a
    province)."""
    account = Account(username=username, display_name=display_name or username,
                      password_hash=hash_password(password), role=role, park_id=park_id,
                      province_id=province_id, active=True)
    session.add(account)
    session.flush()
    for enterprise_id in enterprise_ids:
        session.add(AccountEnterprise(account_id=account.id, enterprise_id=enterprise_id))
    session.flush()
    return account


def authenticate(username: str, password: str, *, session: Session) -> Account | None:
    """The active account with this username and password, else ``None`` (in the same time
    either way). Nothing is written: see :func:`refresh_hash`."""
    account = session.scalar(select(Account).where(Account.username == username))
    if account is None or not account.active:
        check_password(_dummy_hash(), password)
        return None
    return account if check_password(account.password_hash, password) else None


def refresh_hash(account_id: int, password: str, *, session: Session) -> None:
    """Replace a hash made with outdated parameters, after a successful sign-in."""
    account = session.get(Account, account_id)
    if account is not None and needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)


@dataclass(frozen=True)
class LoginLimit:
    """How many failed sign-ins are allowed per username (and 5× that per client address)
    within ``window_s`` seconds."""

    attempts: int
    window_s: int


def failures_left(username: str, client: str, limit: LoginLimit, *, session: Session,
                  now: dt.datetime) -> int:
    """Seconds until a sign-in may be tried again, 0 when it may be now."""
    since = now - dt.timedelta(seconds=limit.window_s)
    for column, value, allowed in ((LoginAttempt.username, username, limit.attempts),
                                   (LoginAttempt.client, client, 5 * limit.attempts)):
        failed = session.execute(
            select(func.count(), func.min(LoginAttempt.at))
            .where(column == value, LoginAttempt.at > since,
                   LoginAttempt.succeeded.is_(False))).one()
        if failed[0] >= allowed:
            oldest = failed[1]
            if oldest.tzinfo is None:  # SQLite hands back naive datetimes
                oldest = oldest.replace(tzinfo=dt.UTC)
            return max(1, int((oldest - since).total_seconds()) + 1)
    return 0


def record_attempt(username: str, client: str, succeeded: bool, *, session: Session,
                   now: dt.datetime) -> None:
    """Keep a sign-in attempt (the caller commits it whatever the sign-in's outcome)."""
    session.execute(insert(LoginAttempt).values(username=username[:60], client=client[:64],
                                                at=now, succeeded=succeeded))


def create_key(account_id: int, name: str, *, session: Session) -> tuple[ApiKey, NewKey]:
    """A new API key for the account: the row, and the key (shown once)."""
    new = make_key()
    row = ApiKey(account_id=account_id, name=name, prefix=new.prefix,
                 secret_hash=new.secret_hash)
    session.add(row)
    session.flush()
    return row, new


def stored_secret_key(*, session: Session) -> str:
    """The signing key kept in the database, made on first use."""
    row = session.get(CatalogMeta, "secret_key")
    if row is None:
        row = CatalogMeta(key="secret_key", value=secrets.token_urlsafe(48))
        session.add(row)
        session.flush()
    return row.value


# --- the demo ------------------------------------------------------------------------------


def _first_enterprise(district_bps_code: str, category: str, *, session: Session) -> int:
    found = session.scalar(
        select(Enterprise.id).join(Region, Enterprise.district_id == Region.id)
        .where(Region.bps_code == district_bps_code,
               Enterprise.id.in_(select(Offer.enterprise_id)
                                 .where(Offer.category_code == category)))
        .order_by(Enterprise.id).limit(1))
    if found is None:
        raise LookupError(f"The demo has no {category} IKM in {district_bps_code}.")
    return found


#: The demo's accounts: username, display name, role.
DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("pengadaan.imip", "Pengadaan IMIP", "park_buyer"),
    ("pengadaan.ihip", "Pengadaan IHIP", "park_buyer"),
    ("ikm.katering-bahodopi", "Katering di Bahodopi", "ikm_owner"),
    ("ikm.las-bungku", "Bengkel las di Bungku", "ikm_owner"),
    ("dinas.sulteng", "Disperindag Sulawesi Tengah", "agency"),
    ("admin", "Admin Simpul", "admin"),
)


def create_demo_accounts(*, session: Session) -> list[Account]:
    """The demo's accounts (:data:`DEMO_ACCOUNTS`), all with :data:`DEMO_PASSWORD`: IMIP's
    and IHIP's procurement, the first caterer of the demo in Bahodopi (near IMIP), the first
    welding shop in Bungku (Bungku Tengah), the Central Sulawesi industry agency, an admin."""
    park = dict(session.execute(select(Park.code, Park.id)).all())
    province = session.scalar(select(Region.id).where(Region.bps_code == "72"))
    bound: dict[str, dict[str, object]] = {
        "pengadaan.imip": {"park_id": park["IMIP"]},
        "pengadaan.ihip": {"park_id": park["IHIP"]},
        "ikm.katering-bahodopi": {"enterprise_ids": [
            _first_enterprise("7203021", "katering-kontrak", session=session)]},
        "ikm.las-bungku": {"enterprise_ids": [
            _first_enterprise("7203030", "jasa-las", session=session)]},
        "dinas.sulteng": {"province_id": province},
        "admin": {},
    }
    return [create_account(username, DEMO_PASSWORD, role, display_name=name, session=session,
                           **bound[username])  # type: ignore[arg-type]
            for username, name, role in DEMO_ACCOUNTS]

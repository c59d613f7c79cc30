"""Passwords, tokens and API keys.

- Passwords are hashed with argon2id (``argon2-cffi``'s defaults, which follow RFC 9106's
  second recommendation); a hash made with older parameters is re-hashed at the next sign-in.
- Tokens are JWTs signed with HS256 (``PyJWT``), short-lived (``SIMPUL_TOKEN_MINUTES``, 30 by
  default), carrying the account id and role; the account is read again on every request, so
  a deactivated account or a changed binding takes effect at once.
- API keys are ``smp_<prefix>_<secret>``: the prefix finds the row, and only a SHA-256 of the
  whole key is stored (the secret is 32 random bytes, so a fast hash is enough; there is no
  password to guess). The key is shown once, when it is made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = [
    "API_KEY_PREFIX",
    "NewKey",
    "Token",
    "check_password",
    "hash_key",
    "hash_password",
    "make_key",
    "make_token",
    "needs_rehash",
    "read_token",
    "split_key",
]

API_KEY_PREFIX = "smp_"
_ALGORITHM = "HS256"
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``."""
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` is the one ``password_hash`` was made from."""
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with parameters weaker than today's."""
    return bool(_hasher.check_needs_rehash(password_hash))


@dataclass(frozen=True)
class Token:
    """What a valid token says."""

    account_id: int
    role: str
    expires: dt.datetime


def make_token(account_id: int, role: str, *, secret: str, minutes: int,
               now: dt.datetime | None = None) -> tuple[str, dt.datetime]:
    """A signed token for the account, and when it expires."""
    issued = now or dt.datetime.now(dt.UTC)
    expires = issued + dt.timedelta(minutes=minutes)
    claims: dict[str, Any] = {"sub": str(account_id), "role": role, "iat": issued,
                              "exp": expires, "iss": "simpul"}
    return jwt.encode(claims, secret, algorithm=_ALGORITHM), expires


def read_token(token: str, *, secret: str) -> Token | None:
    """The token's claims if it is ours, unaltered and not expired; ``None`` otherwise."""
    try:
        claims = jwt.decode(token, secret, algorithms=[_ALGORITHM], issuer="simpul",
                            options={"require": ["sub", "exp", "iat"]})
        return Token(account_id=int(claims["sub"]), role=str(claims["role"]),
                     expires=dt.datetime.fromtimestamp(int(claims["exp"]), dt.UTC))
    except (jwt.PyJWTError, KeyError, ValueError):
        return None


@dataclass(frozen=True)
class NewKey:
    """A key just made: the whole key (shown once), its prefix and the hash to store."""

    key: str
    prefix: str
    secret_hash: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def make_key() -> NewKey:
    """A new API key."""
    prefix = secrets.token_hex(6)
    key = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(key=key, prefix=prefix, secret_hash=hash_key(key))


def split_key(key: str) -> str | None:
    """The prefix of something shaped like one of our keys, else ``None``."""
    if not key.startswith(API_KEY_PREFIX):
        return None
    prefix, _, secret = key[len(API_KEY_PREFIX):].partition("_")
    return prefix if len(prefix) == 12 and secret else None


def same_hash(stored: str, key: str) -> bool:
    """Constant-time comparison of a stored key hash with a presented key."""
    return hmac.compare_digest(stored, hash_key(key))

"""``/api/v1/auth/token`` (OAuth2 password flow), ``/api/v1/me`` and ``/api/v1/auth/keys``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select

from api.auth import signin
from api.auth.accounts import create_key
from api.auth.principal import CurrentPrincipal
from api.auth.schemas import KeyCreated, KeyIn, KeyOut, Me, TokenOut
from api.deps import SessionDep, SettingsDep
from api.errors import BAD_BODY_RESPONSES, ApiProblem, problem_content
from api.pagination import IdPath
from catalog.exceptions import NotFound
from catalog.models import ApiKey, Park, Region

__all__ = ["public_router", "router"]

#: Routes without a principal: signing in.
public_router = APIRouter(tags=["auth"])
router = APIRouter(tags=["auth"])


@public_router.post("/auth/token", summary="Masuk / Sign in (OAuth2 password flow)",
                    responses={
                        401: problem_content("Nama atau kata sandi salah / Wrong username or "
                                             "password"),
                        429: problem_content("Terlalu banyak percobaan gagal / Too many "
                                             "failed attempts")})
def sign_in(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()],
            settings: SettingsDep) -> TokenOut:
    """A short-lived bearer token for ``username`` and ``password`` (form fields). Too many
    failed attempts for one username within the window answer 429 with ``Retry-After``."""
    client = request.client.host if request.client else "unknown"
    try:
        signed_in = signin.sign_in(form.username, form.password, client,
                                   state=request.app.state, settings=settings)
    except signin.SignInLocked as locked:
        raise ApiProblem(429, "too-many-sign-ins", "detail.login_locked",
                         params={"seconds": locked.seconds},
                         headers={"Retry-After": str(locked.seconds)}) from None
    except signin.BadSignIn:
        raise ApiProblem(401, "bad-sign-in", "detail.bad_login",
                         headers={"WWW-Authenticate": "Bearer"}) from None
    return TokenOut(access_token=signed_in.token, expires_in=signed_in.seconds)


@router.get("/me", summary="Siapa saya / Who am I")
def me(principal: CurrentPrincipal, session: SessionDep) -> Me:
    park_code = (session.scalar(select(Park.code).where(Park.id == principal.park_id))
                 if principal.park_id else None)
    province = (session.execute(select(Region.bps_code, Region.name)
                                .where(Region.id == principal.province_id)).first()
                if principal.province_id else None)
    return Me(account_id=principal.account_id, username=principal.username,
              role=principal.role, park_id=principal.park_id, park_code=park_code,
              enterprise_ids=(sorted(principal.enterprise_ids)
                              if principal.role == "ikm_owner" else None),
              province=province[0] if province else None,
              province_name=province[1] if province else None)


def _key_out(row: ApiKey) -> KeyOut:
    return KeyOut(id=row.id, name=row.name, prefix=row.prefix, created_at=row.created_at,
                  revoked=row.revoked_at is not None)


@router.get("/auth/keys", summary="Kunci API saya / My API keys")
def list_keys(principal: CurrentPrincipal, session: SessionDep) -> list[KeyOut]:
    rows = session.scalars(select(ApiKey).where(ApiKey.account_id == principal.account_id)
                           .order_by(ApiKey.id))
    return [_key_out(row) for row in rows]


@router.post("/auth/keys", status_code=status.HTTP_201_CREATED, responses=BAD_BODY_RESPONSES,
             summary="Buat kunci API / Make an API key")
def make_key(body: KeyIn, principal: CurrentPrincipal, session: SessionDep) -> KeyCreated:
    """A long-lived key acting as this account; the key itself is shown only in this
    answer."""
    row, new = create_key(principal.account_id, body.name, session=session)
    session.refresh(row)
    return KeyCreated(**_key_out(row).model_dump(), key=new.key)


@router.delete("/auth/keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Cabut kunci API / Revoke an API key")
def revoke_key(key_id: IdPath, principal: CurrentPrincipal, session: SessionDep) -> None:
    row = session.scalar(select(ApiKey).where(ApiKey.id == key_id,
                                              ApiKey.account_id == principal.account_id))
    if row is None:
        raise NotFound("api_key", key_id)
    if row.revoked_at is None:
        row.revoked_at = dt.datetime.now(dt.UTC)

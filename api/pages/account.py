"""``/``: signing in (and what Simpul is, with the catalog's counts); ``POST /masuk`` signs in,
``POST /keluar`` signs out.

Signing in runs :func:`api.auth.signin.sign_in`, the use case behind ``POST
/api/v1/auth/token``: the same account check, the same limit on failed attempts. The token it
makes goes into the sign-in cookie (:mod:`api.pages.session`), and the browser is sent to the
page it wanted or its role's start page (:mod:`api.pages.navigation`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from api.auth import signin
from api.auth.principal import Principal
from api.deps import SessionDep, SettingsDep
from api.home.queries import CatalogCounts, catalog_counts
from api.home.texts import PAGE_TEXTS as LANDING_TEXTS
from api.i18n import page_language
from api.pages.forms import FormDep
from api.pages.navigation import home_of, home_of_role
from api.pages.rendering import PageRoute, redirect, render
from api.pages.session import (
    SignInRequired,
    check_csrf,
    clear_session_cookie,
    optional_principal,
    safe_next,
    set_session_cookie,
)
from api.pages.texts import page_text

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)

#: The longest username and password the form passes on (the API's accounts are shorter).
_MAX_FIELD = 200


def _landing(request: Request, *, counts: CatalogCounts, principal: Principal | None,
             status_code: int = 200, username: str = "", error: str | None = None,
             notice: str | None = None, next_path: str | None = None) -> Response:
    language = page_language(request)
    return render(request, "login.html", {
        "home": LANDING_TEXTS[language],
        "counts": counts,
        "username": username,
        "error": error,
        "notice": notice,
        "next_path": next_path or "",
    }, principal=principal, status_code=status_code, switch_path="/")


def _notice(request: Request) -> str | None:
    language = page_language(request)
    for flag, key in (("expired", "login.expired"), ("needed", "login.needed"),
                      ("signed_out", "login.signed_out")):
        if request.query_params.get(flag):
            return page_text(key, language)
    return None


def _principal_or_expired(request: Request, session: SessionDep
                          ) -> Principal | SignInRequired | None:
    # On the sign-in page an expired cookie is not an error: the page says so and signs in.
    try:
        return optional_principal(request, session)
    except SignInRequired as expired:
        return expired


@router.get("/")
def sign_in_page(request: Request, session: SessionDep,
                 principal: Annotated[Principal | SignInRequired | None,
                                      Depends(_principal_or_expired)]) -> Response:
    """The sign-in form and what Simpul is; someone signed in goes to its start page."""
    next_path = safe_next(request.query_params.get("next"))
    if isinstance(principal, Principal):
        home = home_of(principal)
        if home != "/":
            return redirect(request, next_path or home)
    expired = isinstance(principal, SignInRequired)
    response = _landing(
        request, counts=catalog_counts(session=session),
        principal=principal if isinstance(principal, Principal) else None,
        notice=page_text("login.expired", page_language(request)) if expired
        else _notice(request), next_path=next_path)
    if expired:
        clear_session_cookie(response, request)
    return response


def _counts(request: Request) -> CatalogCounts:
    # The sign-in POST holds no request session (the use case owns its transactions).
    with request.app.state.sessionmaker() as session:
        return catalog_counts(session=session)


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value[:_MAX_FIELD] if isinstance(value, str) else ""


@router.post("/masuk")
def sign_in(request: Request, settings: SettingsDep, form: FormDep) -> Response:
    """Sign in from the form: a cookie and off to the start page, or the form again with what
    went wrong and the username kept. (A plain ``def``: checking a password takes tens of
    milliseconds of CPU, and the database, off the event loop.)"""
    check_csrf(request, form)
    username = _field(form, "username").strip()
    password = _field(form, "password")
    next_path = safe_next(_field(form, "next"))
    language = page_language(request)

    def again(key: str, status_code: int, **params: Any) -> Response:
        return _landing(request, counts=_counts(request), principal=None,
                        status_code=status_code, username=username,
                        error=page_text(key, language, **params), next_path=next_path)

    if not username or not password:
        return again("login.missing", 422)
    client = request.client.host if request.client else "unknown"
    try:
        signed_in = signin.sign_in(username, password, client, state=request.app.state,
                                   settings=settings)
    except signin.SignInLocked as locked:
        response = again("login.locked", 429, seconds=locked.seconds)
        response.headers["Retry-After"] = str(locked.seconds)
        return response
    except signin.BadSignIn:
        return again("login.bad", 422)
    response = redirect(request, next_path or home_of_role(signed_in.role))
    set_session_cookie(response, request, signed_in)
    return response


@router.post("/keluar")
def sign_out(request: Request, form: FormDep) -> Response:
    """Forget the sign-in cookie. (The token itself, short-lived, is not revocable: the cookie
    was its only copy.)"""
    check_csrf(request, form)
    response = redirect(request, "/?signed_out=1")
    clear_session_cookie(response, request)
    return response

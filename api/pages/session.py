"""Who is signed in to the pages, and the forms' CSRF tokens.

* **Sign-in cookie** (``simpul_session``): the same signed short-lived token the API hands out
  (:func:`api.auth.signin.sign_in`), kept in an HttpOnly, SameSite=Lax cookie (``Secure`` over
  HTTPS) that lives as long as the token. Each page reads the account again
  (:func:`api.auth.principal.load_principal`), so a deactivated account stops at once. The API
  never reads this cookie: it takes only ``Authorization`` and ``X-API-Key`` headers, so a
  page's cookie cannot be ridden into the API from another site.
* **CSRF** (signed double submit): a random nonce in an HttpOnly cookie (``simpul_csrf``), and
  in every form that POSTs a hidden field holding HMAC-SHA256(app secret, nonce). A POST is
  accepted only when the field matches the cookie's nonce: another site can neither read the
  nonce nor, without the app's secret, make the field for a nonce it planted.

Nothing here decides what a principal may see: that is :mod:`api.scope`, through the same
query functions the API calls.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.responses import Response

from api.auth.principal import Principal, Role, app_secret_key, load_principal
from api.auth.security import read_token
from api.auth.signin import SignedIn
from api.deps import READ_METHODS, SessionDep

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "SESSION_COOKIE",
    "CsrfRefused",
    "PageForbidden",
    "PagePrincipal",
    "SignInRequired",
    "check_csrf",
    "clear_session_cookie",
    "csrf_token",
    "optional_principal",
    "page_principal",
    "page_roles",
    "safe_next",
    "set_csrf_cookie",
    "set_session_cookie",
]

SESSION_COOKIE = "simpul_session"
CSRF_COOKIE = "simpul_csrf"
CSRF_FIELD = "csrf_token"
_CSRF_CONTEXT = b"simpul-pages-csrf:"


class SignInRequired(Exception):
    """The page needs a signed-in person; ``expired`` when a sign-in cookie was there but is
    no longer valid (expired, altered, its account deactivated)."""

    def __init__(self, *, expired: bool, next_path: str | None = None) -> None:
        super().__init__("sign-in required" + (" (expired)" if expired else ""))
        self.expired = expired
        self.next_path = next_path


class PageForbidden(Exception):
    """The principal's role may not open this page."""


class CsrfRefused(Exception):
    """A POST without the form's CSRF token, or with a wrong one."""


# --- the sign-in cookie --------------------------------------------------------------------


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, signed_in: SignedIn) -> None:
    """Keep the token in the sign-in cookie, for as long as the token is valid."""
    response.set_cookie(SESSION_COOKIE, signed_in.token, max_age=signed_in.seconds,
                        path="/", httponly=True, samesite="lax", secure=_secure(request))


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=_secure(request))


def _principal_from_cookie(request: Request, session: Any) -> Principal | None:
    token = read_token(request.cookies[SESSION_COOKIE], secret=app_secret_key(request.app.state))
    return load_principal(token.account_id, session=session) if token is not None else None


def optional_principal(request: Request, session: SessionDep) -> Principal | None:
    """The signed-in principal, or ``None`` when nobody is signed in; :class:`SignInRequired`
    (``expired``) when the cookie is there but no longer valid.

    A reading request reads the account in its own transaction; a writing one in a short read
    transaction of its own, as the API's :func:`~api.auth.principal.current_principal` does,
    so that the write transaction begins in the route."""
    if not request.cookies.get(SESSION_COOKIE):
        return None
    if request.method in READ_METHODS:
        principal = _principal_from_cookie(request, session)
    else:
        with request.app.state.sessionmaker() as reading:
            principal = _principal_from_cookie(request, reading)
    if principal is None:
        raise SignInRequired(expired=True, next_path=_next_of(request))
    request.state.principal = principal
    return principal


def _next_of(request: Request) -> str | None:
    if request.method not in READ_METHODS:
        return None
    path = request.url.path
    return f"{path}?{request.url.query}" if request.url.query else path


def page_principal(principal: Annotated[Principal | None, Depends(optional_principal)],
                   request: Request) -> Principal:
    """The signed-in principal; :class:`SignInRequired` when nobody is."""
    if principal is None:
        raise SignInRequired(expired=False, next_path=_next_of(request))
    return principal


PagePrincipal = Annotated[Principal, Depends(page_principal)]


def page_roles(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency letting only ``roles`` open a page (:class:`PageForbidden` otherwise)."""
    allowed = frozenset(roles)

    async def check(principal: PagePrincipal) -> Principal:
        if principal.role not in allowed:
            raise PageForbidden(principal.role)
        return principal

    return check


def safe_next(value: str | None) -> str | None:
    """``value`` if it is a path of this site (``/kebutuhan/3``), else ``None``: a sign-in
    never sends anyone to another site."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    return value


# --- CSRF ----------------------------------------------------------------------------------


def _signature(nonce: str, secret: str) -> str:
    return hmac.new(secret.encode(), _CSRF_CONTEXT + nonce.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The CSRF field for this browser's forms. A browser without the cookie gets a new nonce
    (``request.state.csrf_nonce``), which :func:`api.pages.rendering.render` sets as the
    cookie of the response."""
    nonce = getattr(request.state, "csrf_nonce", None) or request.cookies.get(CSRF_COOKIE)
    if not nonce:
        nonce = secrets.token_urlsafe(32)
        request.state.csrf_nonce = nonce
    return _signature(nonce, app_secret_key(request.app.state))


def set_csrf_cookie(response: Response, request: Request) -> None:
    """Send the nonce :func:`csrf_token` made for this request, if it made one."""
    nonce = getattr(request.state, "csrf_nonce", None)
    if nonce:
        response.set_cookie(CSRF_COOKIE, nonce, path="/", httponly=True, samesite="lax",
                            secure=_secure(request))


def check_csrf(request: Request, form: Mapping[str, Any]) -> None:
    """:class:`CsrfRefused` unless the form's CSRF field signs the browser's nonce."""
    nonce = request.cookies.get(CSRF_COOKIE)
    sent = form.get(CSRF_FIELD)
    if not nonce or not isinstance(sent, str) or not sent:
        raise CsrfRefused("missing")
    if not hmac.compare_digest(sent, _signature(nonce, app_secret_key(request.app.state))):
        raise CsrfRefused("wrong")

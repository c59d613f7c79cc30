"""Rendering a page, and the one place where errors become pages.

:func:`render` fills a template of ``api/templates/pages/`` with what every page needs (the
language and its texts, the switch to the other language on the same page, the CSRF field,
the signed-in principal and its menu, number and date formats) and sends it with the headers
every page carries: ``Content-Language``, ``Cache-Control: no-store`` (pages show one
person's data), and a Content-Security-Policy that lets nothing load from elsewhere.

:class:`PageRoute` is the route class of every page router. Errors the API answers with a
problem+json become a page in the reader's language instead: not found or out of scope → 404
page (exactly as the API's 404: the same query functions raise it), a role that may not →
403, a refused CSRF token → 403 with a "reload the form" message, nobody signed in or an
expired sign-in → back to ``/`` with a message and the page to come back to, a busy database →
503, anything unexpected → 500, logged, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Coroutine, Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from api.auth.principal import Principal
from api.errors import ApiProblem
from api.i18n import LANGUAGE_COOKIE, Language, format_count, page_language, text
from api.pages.navigation import menu_for
from api.pages.session import (
    CSRF_FIELD,
    CsrfRefused,
    PageForbidden,
    SignInRequired,
    clear_session_cookie,
    csrf_token,
    set_csrf_cookie,
)
from api.pages.texts import page_text, texts_for
from catalog.exceptions import NotFound

__all__ = ["PageRoute", "error_page", "format_day", "format_idr", "format_number", "redirect",
           "render"]

logger = logging.getLogger(__name__)

#: Nothing loads from anywhere but this site; no inline script; forms post only here.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                           "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                           "frame-ancestors 'none'; base-uri 'self'; object-src 'none'")
#: The last resort, when even the error page cannot be rendered.
_BARE_ERROR = ("<!doctype html><html lang=\"id\"><meta charset=\"utf-8\"><title>Simpul</title>"
               "<p>Terjadi kesalahan; sudah dicatat. Coba lagi nanti.</p>"
               "<p lang=\"en\">Something went wrong; it has been logged. Try again later.</p>"
               "<p><a href=\"/\">Simpul</a></p></html>")
_MONTHS = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def format_number(value: float | None, language: Language, digits: int = 0) -> str:
    """``12345`` as ``12.345`` (id) or ``12,345`` (en); ``digits`` decimals for floats."""
    if value is None:
        return "—"
    if digits == 0:
        return format_count(round(value), language)
    grouped = f"{value:,.{digits}f}"
    if language == "id":
        grouped = grouped.replace(",", "_").replace(".", ",").replace("_", ".")
    return grouped


def format_idr(value: int | None, language: Language) -> str:
    """Rupiah as people write them: ``Rp25.000`` (id) or ``Rp25,000`` (en)."""
    return "—" if value is None else f"Rp{format_count(value, language)}"


def format_day(value: dt.date | dt.datetime | None, language: Language) -> str:
    """``1 Des 2026`` (id) or ``1 Dec 2026`` (en)."""
    if value is None:
        return "—"
    return f"{value.day} {_MONTHS[language][value.month - 1]} {value.year}"


def _switch_url(request: Request, language: Language, path: str | None) -> str:
    """The same page in the other language: its path and query, ``lang`` replaced."""
    other = "en" if language == "id" else "id"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    query.append(("lang", other))
    root = request.scope.get("root_path", "")
    return f"{root}{path or request.url.path}?{urlencode(query)}"


def _templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def _finish(response: Response, request: Request, language: Language) -> Response:
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Cookie"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.query_params.get("lang") == language:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600,
                            samesite="lax", httponly=True)
    set_csrf_cookie(response, request)
    return response


def render(request: Request, template: str, context: Mapping[str, Any] | None = None, *,
           principal: Principal | None = None, status_code: int = 200,
           switch_path: str | None = None, fragment: bool = False) -> Response:
    """``template`` (under ``pages/``) rendered for ``request``.

    Every template sees ``lang``, ``t`` (the page texts), ``switch_url``, ``csrf_field`` and
    ``csrf_token``, ``principal`` and ``menu``, ``root`` and the formats ``n(value, digits=0)``,
    ``idr(value)`` and ``day(date)``. ``switch_path`` is the page the language switch leads
    to, when it is not this one (a form answered by a POST). A ``fragment`` (a piece of a
    page fetched by script) gets the same context."""
    language = page_language(request)
    values: dict[str, Any] = {
        "lang": language,
        "t": texts_for(language),
        "switch_url": _switch_url(request, language, switch_path),
        "other_lang": "en" if language == "id" else "id",
        "csrf_field": CSRF_FIELD,
        # Called by the forms that need it: a page without a form (an error page while the
        # database is down) never touches the app's secret.
        "csrf_token": lambda: csrf_token(request),
        "principal": principal,
        "menu": menu_for(principal),
        "root": request.scope.get("root_path", ""),
        "path": request.url.path,
        "n": lambda value, digits=0: format_number(value, language, digits),
        "idr": lambda value: format_idr(value, language),
        "day": lambda value: format_day(value, language),
        "fragment": fragment,
    }
    values.update(context or {})
    response = _templates(request).TemplateResponse(request, f"pages/{template}", values,
                                                     status_code=status_code)
    return _finish(response, request, language)


def redirect(request: Request, path: str) -> RedirectResponse:
    """303 to ``path`` of this site (after a POST, the browser GETs it)."""
    root = request.scope.get("root_path", "")
    response = RedirectResponse(f"{root}{path}", status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def error_page(request: Request, status_code: int, message: str, *,
               principal: Principal | None = None) -> Response:
    """A page saying what went wrong, in the reader's language, with the way back."""
    return render(request, "error.html", {"status": status_code, "message": message},
                  principal=principal, status_code=status_code)


def _sign_in_again(request: Request, required: SignInRequired) -> Response:
    query: dict[str, str] = {"expired" if required.expired else "needed": "1"}
    if required.next_path and required.next_path != "/":
        query["next"] = required.next_path
    response = redirect(request, f"/?{urlencode(query)}")
    if required.expired:
        clear_session_cookie(response, request)
    return response


def page_for_error(request: Request, error: Exception) -> Response:
    """The page that answers ``error`` (see the module docstring)."""
    language = page_language(request)
    principal = getattr(request.state, "principal", None)

    def say(key: str, status_code: int) -> Response:
        return error_page(request, status_code, page_text(key, language), principal=principal)

    if isinstance(error, SignInRequired):
        return _sign_in_again(request, error)
    if isinstance(error, NotFound | RequestValidationError):
        # A malformed id in a path is as not-found as an id out of scope.
        return say("error.not_found", 404)
    if isinstance(error, PageForbidden):
        return say("error.forbidden", 403)
    if isinstance(error, CsrfRefused):
        return say("error.csrf", 403)
    if isinstance(error, ApiProblem):
        if error.status == 403:
            return say("error.forbidden", 403)
        return error_page(request, error.status,
                          text(error.detail_key, language, **error.params),
                          principal=principal)
    if isinstance(error, StarletteHTTPException):
        key = {404: "error.not_found", 403: "error.forbidden"}.get(error.status_code,
                                                                    "error.internal")
        return say(key, error.status_code)
    if isinstance(error, OperationalError):
        logger.warning("Database error on page %s: %s", request.url.path,
                       str(error).splitlines()[0])
        response = say("error.unavailable", 503)
        response.headers["Retry-After"] = "1"
        return response
    if isinstance(error, IntegrityError):
        return say("error.conflict", 409)
    logger.error("Unhandled error on page %s %s", request.method, request.url.path,
                 exc_info=error)
    return say("error.internal", 500)


class PageRoute(APIRoute):
    """A page's route: its errors are pages (:func:`page_for_error`), never problem+json.

    The handler wraps the whole request (dependencies, the route, the session's commit), so a
    failure anywhere in it, a commit included, still answers with a page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as error:  # every error becomes a page, logged when unexpected
                try:
                    return page_for_error(request, error)
                except Exception as failure:  # rendering the error page failed too
                    logger.error("Error page failed on %s", request.url.path,
                                 exc_info=failure)
                    return HTMLResponse(_BARE_ERROR, status_code=500)

        return page_handler

"""Every error the API returns, as an RFC 9457 problem (``application/problem+json``).

This is the one place where errors become HTTP: request validation (422, naming each field),
the catalog's :class:`~catalog.exceptions.NotFound` (404) and
:class:`~catalog.exceptions.InvalidValue` / :class:`~catalog.store.InvalidRecord` (422, naming
each field), HTTP errors raised by routes or by routing itself, the database failing under a
request (503 with ``Retry-After`` when it cannot be reached or a transaction could not be
serialised; 409 when a write collides with another made at the same moment), and, as a last
resort, anything unexpected (500, logged, without a traceback to the client). Text is in
Bahasa Indonesia unless the request asks for English (``?lang=en`` or ``Accept-Language: en``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.i18n import TEXTS, Language, negotiate_language, text
from catalog.exceptions import InvalidValue, NotFound
from catalog.store import InvalidRecord

__all__ = [
    "BAD_BODY_RESPONSES",
    "PROBLEM_JSON",
    "PROBLEM_RESPONSES",
    "SIGNED_IN_RESPONSES",
    "ApiProblem",
    "FieldProblem",
    "Problem",
    "install_error_handlers",
    "problem_content",
    "problem_response",
]

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
_TYPE_PREFIX = "urn:simpul:problem:"
_TITLE_KEYS = {
    400: "title.bad_request", 401: "title.unauthorised", 403: "title.forbidden",
    404: "title.not_found", 405: "title.method_not_allowed", 406: "title.not_acceptable",
    409: "title.conflict", 412: "title.precondition_failed", 413: "title.too_large",
    415: "title.unsupported_media", 422: "title.validation",
    428: "title.precondition_required", 429: "title.too_many", 500: "title.internal",
    503: "title.unavailable",
}
_LOCATIONS = frozenset({"query", "path", "header", "cookie", "body"})


class ApiProblem(Exception):
    """A problem a route answers with on purpose: ``status``, a short ``problem_type``, the
    text ``detail_key`` of :data:`api.i18n.TEXTS` with its ``params``, optional field problems
    (pairs of field and text key) and headers."""

    def __init__(self, status: int, problem_type: str, detail_key: str, *,
                 params: dict[str, Any] | None = None,
                 fields: Sequence[tuple[str, str]] = (),
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {problem_type}: {detail_key}")
        self.status = status
        self.problem_type = problem_type
        self.detail_key = detail_key
        self.params = params or {}
        self.fields = tuple(fields)
        self.headers = headers or {}


class FieldProblem(BaseModel):
    """One field (or query parameter) and what is wrong with it."""

    field: str = Field(examples=["limit"])
    message: str = Field(examples=["harus paling banyak 500; tertulis 100000"])


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = Field(default="about:blank", examples=["urn:simpul:problem:not-found"])
    title: str = Field(examples=["Tidak ditemukan"])
    status: int = Field(examples=[404])
    detail: str | None = Field(default=None, examples=["IKM '999' tidak ditemukan."])
    instance: str | None = Field(default=None, examples=["/api/v1/enterprises/999"])
    errors: list[FieldProblem] | None = None


def problem_content(description: str) -> dict[str, Any]:
    """A problem answer of a route, for its ``responses``: ``{status: problem_content(...)}``."""
    return {"model": Problem, "description": description,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


#: The problems every API route may answer with, for the OpenAPI document.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: problem_content("Tidak ditemukan / Not found"),
    422: problem_content("Permintaan tidak valid / Invalid request"),
}
#: And those of every route that needs a signed-in principal.
SIGNED_IN_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: problem_content("Perlu masuk / Authentication required"),
    403: problem_content("Akses ditolak / Forbidden"),
}
#: And those of every route that takes a JSON body: one that is not JSON at all (not UTF-8,
#: cut short) is refused before validation.
BAD_BODY_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: problem_content("Isi bukan JSON / The body is not JSON"),
}


def _language(request: Request) -> Language:
    settings = getattr(request.app.state, "settings", None)
    default: Language = settings.lang if settings is not None else "id"
    return negotiate_language(request, default)


def problem_response(request: Request, *, status: int, problem_type: str | None = None,
                     detail: str | None = None, errors: Sequence[FieldProblem] | None = None,
                     headers: dict[str, str] | None = None,
                     language: Language | None = None) -> JSONResponse:
    """A problem+json response in the request's language; ``problem_type`` is a short name
    (``not-found``) that becomes ``urn:simpul:problem:not-found``."""
    language = language or _language(request)
    title_key = _TITLE_KEYS.get(status)
    title = text(title_key, language) if title_key else HTTPStatus(status).phrase
    problem = Problem(
        type=f"{_TYPE_PREFIX}{problem_type}" if problem_type else "about:blank",
        title=title, status=status, detail=detail, instance=request.url.path,
        errors=list(errors) if errors is not None else None,
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_JSON,
        headers={**(headers or {}), "Content-Language": language, "Vary": "Accept-Language"},
    )


# --- request validation --------------------------------------------------------------------


def _field_name(location: Sequence[int | str]) -> str:
    parts = list(location)
    if len(parts) > 1 and parts[0] in _LOCATIONS:
        parts = parts[1:]
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "request"


def _reason(error: dict[str, Any], language: Language) -> str:
    key = f"v.{error.get('type', '')}"
    if "input" in error and error["input"] is None and key != "v.missing":
        # A field that may be left out but not emptied (a PATCH's), sent as null: pydantic
        # would say it is not an integer (or a string, a date, ...).
        key = "v.null"
    params = {"input": error.get("input"), **(error.get("ctx") or {})}
    if language == "id" and isinstance(params.get("expected"), str):
        # pydantic joins the choices in English: "'a', 'b' or 'c'".
        params["expected"] = params["expected"].replace(" or ", " atau ")
    try:
        if key in TEXTS:
            return text(key, language, **params)
    except (KeyError, IndexError, ValueError):
        pass
    if language == "en" and error.get("msg"):
        return str(error["msg"])
    return text("v.other", language, input=params["input"])


def validation_problems(errors: Sequence[Any], language: Language) -> list[FieldProblem]:
    """Pydantic errors as ``{field, message}`` in ``language``."""
    return [FieldProblem(field=_field_name(e.get("loc", ())), message=_reason(e, language))
            for e in errors]


async def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    language = _language(request)
    problems = validation_problems(exc.errors(), language)
    return problem_response(request, status=422, problem_type="validation",
                            detail=text("detail.validation", language, count=len(problems)),
                            errors=problems, language=language)


# --- domain errors -------------------------------------------------------------------------


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NotFound)
    language = _language(request)
    kind_key = f"kind.{exc.kind}"
    kind = text(kind_key, language) if kind_key in TEXTS else exc.kind
    return problem_response(request, status=404, problem_type="not-found",
                            detail=text("detail.not_found", language, kind=kind, key=exc.key),
                            language=language)


async def _invalid_value(request: Request, exc: Exception) -> JSONResponse:
    language = _language(request)
    if isinstance(exc, InvalidRecord):
        invalid = exc.problems
    else:
        assert isinstance(exc, InvalidValue)
        invalid = [exc]
    problems = [FieldProblem(field=p.field, message=p.reason.render(language)) for p in invalid]
    return problem_response(request, status=422, problem_type="invalid-value",
                            detail=text("detail.invalid_value", language, count=len(problems)),
                            errors=problems, language=language)


async def _api_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)
    language = _language(request)
    errors = [FieldProblem(field=name, message=text(key, language, **exc.params))
              for name, key in exc.fields] or None
    return problem_response(request, status=exc.status, problem_type=exc.problem_type,
                            detail=text(exc.detail_key, language, **exc.params),
                            errors=errors, headers=exc.headers, language=language)


# --- HTTP and the last resort --------------------------------------------------------------


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    language = _language(request)
    detail: str | None
    if exc.status_code == 404 and exc.detail == HTTPStatus.NOT_FOUND.phrase:
        detail = text("detail.no_route", language, path=request.url.path)
    elif exc.status_code == 405 and exc.detail == HTTPStatus.METHOD_NOT_ALLOWED.phrase:
        detail = text("detail.method_not_allowed", language, method=request.method,
                      path=request.url.path)
    elif exc.detail == HTTPStatus(exc.status_code).phrase:
        detail = None
    else:
        detail = str(exc.detail)
    return problem_response(request, status=exc.status_code, detail=detail,
                            headers=dict(exc.headers or {}), language=language)


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # Unreachable, a lock not granted in time, a serialisation failure or deadlock: the
    # transaction was rolled back whole, and the same request may simply be sent again.
    logger.warning("Database error on %s %s: %s", request.method, request.url.path,
                   str(exc).splitlines()[0])
    language = _language(request)
    return problem_response(request, status=503, problem_type="database-unavailable",
                            detail=text("detail.database_busy", language),
                            headers={"Retry-After": "1"}, language=language)


async def _write_conflict(request: Request, exc: Exception) -> JSONResponse:
    # The checks before a write passed, yet a constraint refused it: another write committed
    # the same thing (a NIB, say) in between. Nothing of this request was written.
    logger.warning("Write conflict on %s %s: %s", request.method, request.url.path,
                   str(exc).splitlines()[0])
    language = _language(request)
    return problem_response(request, status=409, problem_type="write-conflict",
                            detail=text("detail.write_conflict", language), language=language)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.error("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    language = _language(request)
    return problem_response(request, status=500, problem_type="internal",
                            detail=text("detail.internal", language), language=language)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers above on ``app``."""
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(ApiProblem, _api_problem)
    app.add_exception_handler(InvalidValue, _invalid_value)
    app.add_exception_handler(InvalidRecord, _invalid_value)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(IntegrityError, _write_conflict)
    app.add_exception_handler(Exception, _unexpected)

"""``POST /api/v1/imports``: IKM with their offers and certificates from a CSV or XLSX file.

Who: the agency (IKM of its own province) and the admin; other roles get 403. The upload is
streamed to a temporary file and never held whole in memory; past ``max_import_bytes`` it is
refused with 413. The file goes through :func:`catalog.imports.import_enterprises`: every row
is checked before anything is written.

Answers:

* 200: the import's summary (rows, IKM, what was created and updated; on a dry run what would
  be written, nothing written); with ``only_valid_rows`` the skipped IKM's problems too;
* 422 ``import-rejected``: the file has problems and nothing was written: each problem with
  its row (as the spreadsheet numbers it), column and reason, in ``problems`` (and as
  ``errors`` naming ``rows[<row>].<column>``), the first 1,000 of ``problem_count``;
* 422 ``unreadable-file``: not UTF-8, not a real workbook, empty;
* 413, 415 (not multipart, not ``.csv``/``.xlsx``), 400 (a broken multipart body).

A written import is audited (action ``import``, the file's name, size and SHA-256, and what
was written).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.auth.principal import Principal, require
from api.deps import LanguageDep, SessionDep, SettingsDep
from api.errors import PROBLEM_JSON, ApiProblem, FieldProblem, Problem
from api.i18n import Language, text
from api.imports.schemas import ImportOptions, ImportOut, ImportProblemOut, WriteSummaryOut
from api.imports.scope import ScopeProblem, outside_province
from api.imports.upload import FILE_FIELD, Upload, received_upload
from api.writes import audit
from catalog.exceptions import FileTooLarge, ImportRejected, RowProblem, UnreadableFile
from catalog.imports import COLUMNS, ImportReport, import_enterprises

__all__ = ["router"]

router = APIRouter(tags=["imports"])

Importer = Annotated[Principal, Depends(require("agency", "admin"))]

#: Problems listed in one answer; ``problem_count`` counts them all.
MAX_LISTED = 1000

_PROBLEM = {"content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Multipart rusak / Broken multipart body", **_PROBLEM},
    413: {"description": "File terlalu besar / File too large", **_PROBLEM},
    415: {"description": "Bukan CSV atau XLSX / Not CSV or XLSX", **_PROBLEM},
    422: {"description": "File bermasalah, tidak ada yang ditulis / Problems, nothing written",
          **_PROBLEM},
}
_FLAG = {"type": "boolean", "default": False}
_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {"multipart/form-data": {
    "schema": {"type": "object", "required": [FILE_FIELD], "properties": {
        FILE_FIELD: {"type": "string", "format": "binary",
                     "description": "File .csv atau .xlsx (format: docs/import-format.md)"},
        "dry_run": {**_FLAG, "description": "Periksa saja / check, write nothing"},
        "only_valid_rows": {**_FLAG, "description": "Tulis IKM yang valid / write the valid "
                                                    "IKM, skip the others"},
        "ignore_unknown_columns": {**_FLAG, "description": "Abaikan kolom yang tidak "
                                                           "dikenal / ignore unknown columns"},
    }}}}}}


@dataclass(frozen=True, slots=True)
class _Listed:
    row: int
    column: str
    reason: str


@dataclass(frozen=True, slots=True)
class _Rejection:
    problems: list[_Listed]


_COLUMN_ORDER = {name: index for index, name in enumerate(COLUMNS)}


def _listed(problems: Sequence[RowProblem], scope: Sequence[ScopeProblem],
            language: Language) -> list[_Listed]:
    found = [_Listed(p.row, p.column, p.reason.render(language)) for p in problems]
    found += [_Listed(p.row, p.column, text(p.text_key, language, value=p.value))
              for p in scope]
    return sorted(found, key=lambda p: (p.row, _COLUMN_ORDER.get(p.column, len(COLUMNS)),
                                        p.column))


def _options(fields: dict[str, str]) -> ImportOptions:
    try:
        return ImportOptions.model_validate(fields)
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors()]) from None


def _import(upload: Upload, options: ImportOptions, principal: Principal, *,
            session: Session, max_bytes: int, language: Language) -> ImportOut | _Rejection:
    """The import in a savepoint of the request's transaction, rolled back unless it wrote
    on purpose: a rejected file leaves nothing behind, whatever was read or flushed."""
    savepoint = session.begin_nested()
    try:
        outcome = _attempt(upload, options, principal, session=session, max_bytes=max_bytes,
                           language=language)
    except BaseException:
        savepoint.rollback()
        raise
    if isinstance(outcome, _Rejection):
        savepoint.rollback()
    else:
        savepoint.commit()
    return outcome


def _attempt(upload: Upload, options: ImportOptions, principal: Principal, *,
             session: Session, max_bytes: int, language: Language) -> ImportOut | _Rejection:
    common: dict[str, Any] = {"session": session, "max_bytes": max_bytes,
                              "ignore_unknown_columns": options.ignore_unknown_columns,
                              "today": dt.date.today()}
    try:
        scope = (outside_province(upload.path, principal.province_id, session=session,
                                  max_bytes=max_bytes,
                                  ignore_unknown_columns=options.ignore_unknown_columns)
                 if principal.role == "agency" else [])
        if scope:
            # Refused whole, with every other problem of the file too, so that one round of
            # corrections is enough.
            checked = import_enterprises(upload.path, dry_run=True, **common)
            return _Rejection(_listed(checked.problems, scope, language))
        report: ImportReport = import_enterprises(
            upload.path, dry_run=options.dry_run, only_valid_rows=options.only_valid_rows,
            **common)
    except ImportRejected as rejected:
        return _Rejection(_listed(rejected.problems, [], language))
    except FileTooLarge:
        raise ApiProblem(413, "too-large", "detail.upload_too_large",
                         params={"limit": max_bytes}) from None
    except UnreadableFile as error:
        raise ApiProblem(422, "unreadable-file", "detail.import_unreadable",
                         params={"file": upload.filename,
                                 "reason": error.reason.render(language)}) from None
    if report.problems and (not options.only_valid_rows or report.valid_rows == 0):
        return _Rejection(_listed(report.problems, [], language))
    summary = WriteSummaryOut.of(report.summary) if report.summary is not None else None
    problems = _listed(report.problems, [], language)
    if report.written:
        audit(principal, "import", "import", upload.sha256[:16], {
            "file": upload.filename, "bytes": upload.size, "sha256": upload.sha256,
            "rows": report.rows, "enterprises": report.enterprises,
            "valid_rows": report.valid_rows, "only_valid_rows": options.only_valid_rows,
            "problems": len(problems), **(summary.model_dump() if summary else {})},
            session=session)
    return ImportOut(
        file=upload.filename, bytes=upload.size, dry_run=options.dry_run,
        only_valid_rows=options.only_valid_rows, rows=report.rows,
        enterprises=report.enterprises, valid_rows=report.valid_rows, written=report.written,
        summary=summary,
        problems=[ImportProblemOut(row=p.row, column=p.column, reason=p.reason)
                  for p in problems[:MAX_LISTED]],
        problem_count=len(problems))


def _rejected(request: Request, rejection: _Rejection, filename: str,
              language: Language) -> JSONResponse:
    listed = rejection.problems[:MAX_LISTED]
    problem = Problem(
        type="urn:simpul:problem:import-rejected", title=text("title.validation", language),
        status=422, instance=request.url.path,
        detail=text("detail.import_rejected", language, count=len(rejection.problems),
                    file=filename),
        errors=[FieldProblem(field=f"rows[{p.row}].{p.column}",
                             message=text("import.row_problem", language, row=p.row,
                                          column=p.column, reason=p.reason))
                for p in listed])
    body = {**problem.model_dump(exclude_none=True),
            "problems": [{"row": p.row, "column": p.column, "reason": p.reason}
                         for p in listed],
            "problem_count": len(rejection.problems)}
    return JSONResponse(body, status_code=422, media_type=PROBLEM_JSON,
                        headers={"Content-Language": language, "Vary": "Accept-Language"})


@router.post("/imports", response_model=ImportOut, responses=_RESPONSES,
             openapi_extra=_BODY, summary="Impor IKM dari CSV/XLSX / Import IKM")
async def post_import(request: Request, principal: Importer, session: SessionDep,
                      settings: SettingsDep, language: LanguageDep) -> Any:
    """Import IKM from a ``.csv`` or ``.xlsx`` file (form field ``file``, the format of
    ``docs/import-format.md``), with ``dry_run``, ``only_valid_rows`` and
    ``ignore_unknown_columns``. Nothing is written unless every row is valid, or, with
    ``only_valid_rows``, the IKM without problems; the agency imports only IKM of its
    province."""
    max_bytes = settings.max_import_bytes
    async with received_upload(request, max_bytes=max_bytes) as upload:
        options = _options(upload.fields)
        outcome = await run_in_threadpool(_import, upload, options, principal,
                                          session=session, max_bytes=max_bytes,
                                          language=language)
    if isinstance(outcome, _Rejection):
        return _rejected(request, outcome, upload.filename, language)
    return outcome

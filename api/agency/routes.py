"""``/api/v1/agency/...``: gaps, sentra candidates, interventions and the report workbook.

Who: the agency (its province) and the admin (everything); other roles get 403. Gaps and
interventions come from the latest match run that succeeded (409 before any has); sentra
candidates are read from the catalog and enriched with that run's unmet demand when there is
one. Rupiah figures from the prices of fewer than three IKM are withheld (``null``,
``suppressed: true``); see ``docs/api-agency.md``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from api.agency import queries
from api.agency.paging import GroupPageDep, next_offset_cursor
from api.agency.queries import RunInfo
from api.agency.report import XLSX_MEDIA_TYPE
from api.agency.schemas import (
    GapOut,
    GapPage,
    InterventionList,
    InterventionOut,
    RunOut,
    SentraOut,
    SentraPage,
)
from api.agency.usecases import build_report
from api.auth.principal import Principal, require
from api.deps import LanguageDep, SessionDep
from api.errors import PROBLEM_JSON, ApiProblem
from api.matchrun import HORIZON_DAYS

__all__ = ["router"]

router = APIRouter(prefix="/agency", tags=["agency"])

Agency = Annotated[Principal, Depends(require("agency", "admin"))]

_NO_RUN: dict[int | str, dict[str, Any]] = {409: {
    "description": "Belum ada pencocokan yang selesai / No run has finished",
    "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}}

ParkFilter = Annotated[str | None, Query(max_length=20, description="Kode kawasan, mis. IMIP")]
CategoryFilter = Annotated[str | None, Query(max_length=60,
                                             description="Kode kategori, mis. katering-kontrak")]


def _run(session: Session) -> RunInfo:
    run = queries.latest_run(session=session)
    if run is None:
        raise ApiProblem(409, "no-run", "detail.no_run")
    return run


@router.get("/gaps", summary="Kesenjangan pasokan / Supply gaps", responses=_NO_RUN)
def get_gaps(principal: Agency, session: SessionDep, language: LanguageDep,
             page: GroupPageDep, park: ParkFilter = None,
             category: CategoryFilter = None) -> GapPage:
    """Per park × category of the latest run: demand over the horizon (units, and rupiah at
    each need's unit value), what was served and by local IKM (units, rupiah), and the unmet
    units and rupiah by reason. Ordered by park code, then category."""
    run = _run(session)
    cells, total = queries.gaps(run.id, principal, session=session, park=park,
                                category=category, limit=page.limit, offset=page.offset)
    return GapPage(items=[GapOut.of(c, language) for c in cells], total=total,
                   limit=page.limit, offset=page.offset, run=RunOut.of(run),
                   next_cursor=next_offset_cursor(page, len(cells), total))


@router.get("/sentra", summary="Calon sentra IKM / Sentra IKM candidates")
def get_sentra(
    principal: Agency, session: SessionDep, language: LanguageDep, page: GroupPageDep,
    category: CategoryFilter = None,
    level: Annotated[Literal["kecamatan", "desa"] | None, Query(
        description="kecamatan atau desa (bawaan keduanya) / kecamatan or desa (both)")
    ] = None,
    regency: Annotated[str | None, Query(
        max_length=13, description="Kode BPS kabupaten/kota, mis. 7203")] = None,
) -> SentraPage:
    """At least five IKM actively offering one category in one kecamatan or one desa (PP
    29/2018), the largest first, with their capacity over the horizon and the unmet demand of
    that category at the parks of their province in the latest run."""
    run = queries.latest_run(session=session)
    candidates, total = queries.sentra_candidates(
        principal, session=session, run=run, category=category, level=level, regency=regency,
        limit=page.limit, offset=page.offset)
    horizon = run.horizon_days if run is not None else HORIZON_DAYS
    return SentraPage(items=[SentraOut.of(c, horizon, language) for c in candidates],
                      total=total, limit=page.limit, offset=page.offset,
                      run=RunOut.of(run) if run is not None else None,
                      next_cursor=next_offset_cursor(page, len(candidates), total))


@router.get("/interventions", summary="Intervensi / Interventions", responses=_NO_RUN)
def get_interventions(principal: Agency, session: SessionDep,
                      language: LanguageDep) -> InterventionList:
    """The latest run's interventions for groups of IKM (a category in a kabupaten), by rank:
    a certificate every IKM of the group obtains, or more capacity, with the demand it would
    unlock (estimated; confirmed by matching again for the best)."""
    run = _run(session)
    items = queries.interventions(run.id, principal, session=session)
    return InterventionList(run=RunOut.of(run),
                            items=[InterventionOut.of(i, language) for i in items])


@router.get("/report.xlsx", summary="Laporan Excel / Excel report", response_class=Response,
            responses={200: {"content": {XLSX_MEDIA_TYPE: {}},
                             "description": "Buku kerja Excel / Excel workbook"}})
def get_report(principal: Agency, session: SessionDep, language: LanguageDep) -> Response:
    """A workbook with the sheets Ringkasan (summary), Kesenjangan (gaps), Sentra and
    Intervensi (interventions), headers in the reader's language, the same scope and
    withholding as the JSON answers. Without a finished run the gaps and interventions sheets
    are empty and the summary says so."""
    report = build_report(principal, language, session=session)
    return Response(content=report.content, media_type=XLSX_MEDIA_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{report.filename}"',
        "Content-Language": language, "Vary": "Accept-Language"})

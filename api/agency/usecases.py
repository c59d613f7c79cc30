"""What building the agency's report does, whoever asks: the API (``GET
/api/v1/agency/report.xlsx``) and the agency's pages (``/dinas/laporan.xlsx``) run this one
function, so the workbook's scope, run and withholding are one rule for both."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.agency import queries
from api.agency.report import ReportData, report_filename, report_workbook
from api.auth.principal import Principal
from api.i18n import Language
from catalog.models import Region

__all__ = ["Report", "agency_scope", "build_report"]


@dataclass(frozen=True, slots=True)
class Report:
    """A built workbook and the file name to save it as."""

    content: bytes
    filename: str


def agency_scope(principal: Principal, *, session: Session) -> tuple[str | None, str | None]:
    """The province's name and BPS code, or ``None`` for the admin's every province."""
    if principal.role != "agency":
        return None, None
    row = session.execute(select(Region.name, Region.bps_code)
                          .where(Region.id == principal.province_id)).first()
    return (row.name, row.bps_code) if row is not None else (None, None)


def build_report(principal: Principal, language: Language, *, session: Session,
                 now: dt.datetime | None = None) -> Report:
    """The workbook of the principal's scope from the current run (Ringkasan, Kesenjangan,
    Sentra, Intervensi); without a finished run the gaps and interventions sheets are empty
    and the summary says so."""
    run = queries.latest_run(session=session)
    name, code = agency_scope(principal, session=session)
    gaps = queries.gaps(run.id, principal, session=session)[0] if run is not None else []
    items = queries.interventions(run.id, principal, session=session) if run is not None \
        else []
    sentra, _total = queries.sentra_candidates(principal, session=session, run=run)
    now = now or dt.datetime.now(dt.UTC)
    content = report_workbook(ReportData(scope_name=name, run=run, gaps=gaps, sentra=sentra,
                                         interventions=items, generated_at=now), language)
    return Report(content, report_filename(code, now.date(), language))

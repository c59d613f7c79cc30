"""The agency's report as an Excel workbook: summary, gaps, sentra candidates, interventions.

The same scope and the same confidentiality rule as the JSON answers: a withheld figure is an
empty cell, and the row says so in its last column. Headers are in the reader's language.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from api.agency.queries import (
    GapCell,
    Intervention,
    RunInfo,
    SentraCandidate,
)
from api.agency.texts import certificate_name, reason_name, report_text
from api.i18n import Language
from api.matchrun import HORIZON_DAYS
from matching import REASONS

__all__ = ["XLSX_MEDIA_TYPE", "ReportData", "report_filename", "report_workbook"]

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything one report shows, already scoped and suppressed."""

    scope_name: str | None  # the province, or None for every province
    run: RunInfo | None
    gaps: Sequence[GapCell]
    sentra: Sequence[SentraCandidate]
    interventions: Sequence[Intervention]
    generated_at: dt.datetime


def report_filename(scope_code: str | None, today: dt.date, language: Language) -> str:
    stem = "simpul-agency-report" if language == "en" else "simpul-laporan-dinas"
    return f"{stem}-{scope_code or 'semua'}-{today.isoformat()}.xlsx"


def _category_name(name_id: str | None, name_en: str | None, language: Language) -> str | None:
    return name_en if language == "en" else name_id


class _Sheet:
    """A write-only sheet with a bold header row and sensible column widths."""

    def __init__(self, workbook: Workbook, title: str, headers: Sequence[str],
                 widths: Sequence[int] | None = None) -> None:
        self.sheet = workbook.create_sheet(title)
        for index, header in enumerate(headers, 1):
            width = widths[index - 1] if widths else max(12, min(len(header) + 2, 40))
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        cells = []
        for header in headers:
            cell = WriteOnlyCell(self.sheet, value=header)
            cell.font = bold
            cells.append(cell)
        self.sheet.append(cells)

    def row(self, values: Iterable[Any]) -> None:
        self.sheet.append(list(values))


def _withheld(flag: bool, language: Language) -> str:
    return report_text("yes" if flag else "no", language)


def _summary(workbook: Workbook, data: ReportData, language: Language) -> None:
    def say(key: str) -> str:
        return report_text(key, language)

    sheet = _Sheet(workbook, say("sheet.summary"), [say("title"), ""], widths=[48, 40])
    shown_cells = [c for c in data.gaps if not c.suppressed]
    unmet_shown = sum(u.idr for c in data.gaps for u in c.unmet if u.idr is not None)
    rows: list[tuple[str, Any]] = [
        (say("scope"), data.scope_name or say("all_provinces")),
        (say("generated"), data.generated_at.replace(tzinfo=None, microsecond=0)),
    ]
    if data.run is None:
        rows.append((say("run"), say("no_run")))
    else:
        finished = data.run.finished_at
        rows += [
            (say("run"), data.run.id),
            (say("run_finished"),
             finished.replace(tzinfo=None, microsecond=0) if finished else None),
            (say("horizon_days"), data.run.horizon_days),
            (say("cells"), len(data.gaps)),
            (say("cells_withheld"), len(data.gaps) - len(shown_cells)),
            # Sums of the figures shown only: a total over withheld figures would give them
            # away by difference.
            (say("unmet_idr_shown"), unmet_shown),
            (say("local_idr_shown"), sum(c.local_idr or 0 for c in data.gaps)),
            (say("intervention_count"), len(data.interventions)),
        ]
    rows += [(say("sentra_count"), len(data.sentra)),
             (say("rule"), say("rule_text"))]
    for row in rows:
        sheet.row(row)


def _gaps(workbook: Workbook, cells: Sequence[GapCell], language: Language) -> None:
    def say(key: str) -> str:
        return report_text(key, language)

    reasons = sorted({u.reason for c in cells for u in c.unmet},
                     key=lambda r: (REASONS.index(r) if r in REASONS else len(REASONS), r))
    headers = [say("park"), say("park_name"), say("category"), say("category_name"),
               say("unit"), say("demand_units"), say("demand_idr"), say("served_units"),
               say("local_units"), say("local_idr"), say("unmet_units")]
    for reason in reasons:
        name = reason_name(reason, language)
        headers += [f"{name} ({say('unit').lower()})", f"{name} (Rp)"]
    headers.append(say("withheld"))
    sheet = _Sheet(workbook, say("sheet.gaps"), headers)
    for cell in cells:
        by_reason = {u.reason: u for u in cell.unmet}
        values: list[Any] = [
            cell.park_code, cell.park_name, cell.category.code,
            _category_name(cell.category.name_id, cell.category.name_en, language),
            cell.category.unit, cell.demand_units, cell.demand_idr, cell.served_units,
            cell.local_units, cell.local_idr, cell.unmet_units]
        for reason in reasons:
            figure = by_reason.get(reason)
            values += [figure.units if figure else None, figure.idr if figure else None]
        withheld = cell.suppressed or any(u.suppressed for u in cell.unmet)
        values.append(_withheld(withheld, language))
        sheet.row(values)


def _sentra(workbook: Workbook, candidates: Sequence[SentraCandidate], language: Language,
            horizon_days: int) -> None:
    def say(key: str) -> str:
        return report_text(key, language)

    sheet = _Sheet(workbook, say("sheet.sentra"), [
        say("level"), say("regency"), say("district_code"), say("district"), say("village"),
        say("category"), say("category_name"), say("unit"), say("enterprises"),
        f"{say('capacity')} ({horizon_days})", say("unmet_units"), say("unmet_idr"),
        say("withheld")])
    for item in candidates:
        sheet.row([
            say(f"level.{item.level}"), item.regency_name, item.district_bps_code,
            item.district_name, item.village, item.category.code,
            _category_name(item.category.name_id, item.category.name_en, language),
            item.category.unit, item.enterprises, item.capacity, item.unmet_units,
            item.unmet_idr, _withheld(item.suppressed, language)])


def _interventions(workbook: Workbook, items: Sequence[Intervention],
                   language: Language) -> None:
    def say(key: str) -> str:
        return report_text(key, language)

    sheet = _Sheet(workbook, say("sheet.interventions"), [
        say("rank"), say("kind"), say("category"), say("category_name"), say("unit"),
        say("regency"), say("certificate"), say("capacity_percent"), say("enterprises"),
        say("estimated_units"), say("estimated_idr"), say("confirmed_units"),
        say("confirmed_idr"), say("withheld")])
    for item in items:
        kind_key = f"kind.{item.kind}"
        sheet.row([
            item.rank, say(kind_key) if kind_key in _KINDS else item.kind, item.category.code,
            _category_name(item.category.name_id, item.category.name_en, language),
            item.category.unit, item.regency_name,
            certificate_name(item.certificate_kind, language) if item.certificate_kind
            else None,
            item.capacity_percent, item.enterprises, item.estimated_units, item.estimated_idr,
            item.confirmed_units, item.confirmed_idr, _withheld(item.suppressed, language)])


_KINDS = frozenset({"kind.certificate", "kind.capacity"})


def report_workbook(data: ReportData, language: Language) -> bytes:
    """The workbook's bytes: sheets summary, gaps, sentra and interventions."""
    workbook = Workbook(write_only=True)
    _summary(workbook, data, language)
    _gaps(workbook, data.gaps, language)
    horizon = data.run.horizon_days if data.run is not None else 0
    _sentra(workbook, data.sentra, language, horizon or HORIZON_DAYS)
    _interventions(workbook, data.interventions, language)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

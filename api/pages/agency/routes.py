"""The agency's pages under ``/dinas``, for the agency (its province) and the admin
(everything), as the API's ``require("agency", "admin")`` of ``/agency``, ``/review`` and
``POST /runs``.

Every figure comes from the functions the API's routes call, so a page shows exactly what the
API shows the same principal, withheld rupiah included: ``api.agency.queries`` (gaps, sentra
candidates, interventions, the current run), ``api.agency.places`` (the map's points),
``api.agency.usecases.build_report`` (the workbook), ``api.review.usecases`` (the queue and
its answers) and ``api.runs.usecases.start_run`` (queueing, with the tenant's limit).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.responses import Response

from api.agency import queries
from api.agency.places import Place, places
from api.agency.queries import GapCell
from api.agency.report import XLSX_MEDIA_TYPE
from api.agency.texts import certificate_name, reason_name
from api.agency.usecases import agency_scope, build_report
from api.auth.principal import Principal
from api.deps import SessionDep, SettingsDep
from api.errors import ApiProblem
from api.i18n import Language, page_language, text
from api.pages.agency import charts
from api.pages.forms import FormDep, FormState, validate
from api.pages.rendering import PageRoute, format_number, redirect, render
from api.pages.session import check_csrf, page_roles
from api.pages.texts import page_text
from api.pagination import IdPath
from api.review import queries as review_queries
from api.review import usecases as review
from api.review.schemas import ReviewIn, ReviewItemOut
from api.runs import queries as runs_queries
from api.runs.schemas import RunIn
from api.runs.usecases import start_run
from api.scope import parks_visible
from catalog.exceptions import InvalidValue, NotFound
from catalog.models import Category, IdempotencyRecord, MatchRun, Park
from matching import REASONS

__all__ = ["router"]

router = APIRouter(prefix="/dinas", include_in_schema=False, route_class=PageRoute)

#: The roles of ``/agency``, ``/review`` (and, of those, ``POST /runs``) in the API.
Agency = Annotated[Principal, Depends(page_roles("agency", "admin"))]

#: Rows per page of the sentra table and the review queue.
SENTRA_PAGE = 50
REVIEW_PAGE = 20
#: Runs listed on the runs page (the newest).
RECENT_RUNS = 10
#: Points of the map labelled by name: beyond this many kecamatan only the kabupaten are.
LABELLED_DISTRICTS = 40
#: The run form's fields.
RUN_FIELDS = ("horizon_days", "time_limit_s", "seed")
#: The run form's own key (hex of a UUID), kept with the run it started.
_FORM_KEY = re.compile(r"[0-9a-f]{32}")
_FORM_KEY_PREFIX = "page-run-form:"

ParkCode = Annotated[str | None, Query(alias="kawasan", max_length=20)]
OffsetQuery = Annotated[int, Query(alias="mulai", ge=0, le=2**31 - 1)]
ItemPath = Annotated[str, Path(max_length=30)]


def _category_name(category: queries.CategoryName, language: Language) -> str:
    name = category.name_en if language == "en" else category.name_id
    return name or category.code


def _region_name(principal: Principal, session: Session) -> str | None:
    """The agency's province (``None`` for an admin: every province)."""
    return agency_scope(principal, session=session)[0]


# --- the dashboard -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShareRow:
    """A park × category of the dashboard's first table."""

    cell: GapCell
    category_name: str
    elsewhere_units: int

    @property
    def local_percent(self) -> int | None:
        if self.cell.demand_units <= 0:
            return None
        return round(100 * self.cell.local_units / self.cell.demand_units)


def _visible_parks(principal: Principal, session: Session) -> list[tuple[str, str]]:
    return [(code, name) for code, name in session.execute(
        select(Park.code, Park.name).where(parks_visible(principal)).order_by(Park.code))]


@router.get("")
def agency_home(request: Request, principal: Agency) -> Response:
    """``/dinas`` is the dashboard."""
    return redirect(request, "/dinas/dasbor")


@router.get("/dasbor")
def dashboard(request: Request, principal: Agency, session: SessionDep,
              park: ParkCode = None) -> Response:
    """Per park × category of the current run: the share of demand local IKM served (a chart
    and its table) and the unmet units by reason (a chart and its table), from
    :func:`api.agency.queries.gaps` (what ``GET /agency/gaps`` answers), withheld rupiah
    included."""
    language = page_language(request)
    run = queries.latest_run(session=session)
    parks = _visible_parks(principal, session)
    chosen = park if park in {code for code, _ in parks} else None
    cells = (queries.gaps(run.id, principal, session=session, park=chosen)[0]
             if run is not None else [])
    rows = [ShareRow(cell, _category_name(cell.category, language),
                     max(cell.served_units - cell.local_units, 0)) for cell in cells]

    def label(row: ShareRow) -> str:
        return f"{row.cell.park_code} · {row.category_name}"

    def n(value: float | None) -> str:
        return format_number(value, language)

    shares = charts.share_bars(
        (label(r), page_text("agency.local_note", language, percent=r.local_percent or 0),
         r.cell.local_units, r.elsewhere_units, r.cell.unmet_units) for r in rows)
    unmet_rows = [r for r in rows if r.cell.unmet_units > 0]
    reasons = charts.reason_bars(
        (label(r), page_text("agency.unmet_note", language, units=n(r.cell.unmet_units),
                             unit=r.cell.category.unit or ""),
         [(u.reason, u.units) for u in r.cell.unmet]) for r in unmet_rows)
    seen_reasons = {u.reason for r in unmet_rows for u in r.cell.unmet}
    legend = [(reason, reason_name(reason, language), charts.REASON_COLOURS.get(reason))
              for reason in (*REASONS, *sorted(seen_reasons - set(REASONS)))
              if reason in seen_reasons]
    return render(request, "agency_dashboard.html", {
        "run": run, "rows": rows, "unmet_rows": unmet_rows, "shares": shares,
        "reasons": reasons, "legend": legend, "share_colours": charts.SHARE_COLOURS,
        "parks": parks, "park": chosen, "scope_name": _region_name(principal, session),
        "reason_name": lambda reason: reason_name(reason, language),
    }, principal=principal)


# --- the map -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MapPoint:
    """A point drawn on the map: where, its label and tooltip, how many things it stands for,
    and where its label is written (``None``: no room, the tooltip and table have it)."""

    x: float
    y: float
    label: str
    title: str
    count: int = 1
    text: charts.Label | None = None


@dataclass(frozen=True, slots=True)
class DistrictRow:
    """A kecamatan of the map's table."""

    code: str
    name: str
    regency: str
    enterprises: int
    parks: tuple[str, ...]
    sentra: int


def _point(projection: charts.Projection, place: Place, count: int = 1, *,
           label: str | None = None) -> MapPoint:
    x, y = projection.point(place.latitude, place.longitude)
    return MapPoint(x, y, label or place.name, place.name, count)


def _labelled(projection: charts.Projection, groups: list[tuple[list[MapPoint], float]]
              ) -> list[list[MapPoint]]:
    """The groups' points with their labels placed, the first group's first."""
    flat = [(point, size) for points, size in groups for point in points]
    spots = charts.place_labels([(p.x, p.y, p.label, size) for p, size in flat],
                                width=projection.width, height=projection.height)
    placed = iter(spots)
    return [[MapPoint(p.x, p.y, p.label, p.title, p.count, next(placed)) for p in points]
            for points, _ in groups]


@router.get("/peta")
def map_page(request: Request, principal: Agency, session: SessionDep) -> Response:
    """The IKM, parks and sentra candidates of the province on an equirectangular map fitted
    to its bounding box, with its kabupaten and kecamatan as labelled centroids (the catalog
    holds no boundaries), a legend, and the same figures per kecamatan in a table."""
    found = places(principal, session=session)
    run = queries.latest_run(session=session)
    candidates, _total = queries.sentra_candidates(principal, session=session, run=run)
    projection = charts.project(((p.latitude, p.longitude) for p in found.all), margin=0.1)
    sentra_by_district = Counter(c.district_bps_code for c in candidates)
    districts = {d.key: d for d in found.districts}
    at_place = Counter((round(e.latitude, 3), round(e.longitude, 3)) for e in found.enterprises)
    first_at: dict[tuple[float, float], Place] = {}
    for e in found.enterprises:
        first_at.setdefault((round(e.latitude, 3), round(e.longitude, 3)), e)
    enterprise_points = [_point(projection, place, at_place[key])
                         for key, place in first_at.items()]
    sentra_points = [_point(projection, districts[code], count)
                     for code, count in sorted(sentra_by_district.items()) if code in districts]
    # A park by its code (IMIP), its name in the tooltip: names are long. Parks are labelled
    # first, then kabupaten, then kecamatan (when there are few enough), where there is room.
    label_districts = len(found.districts) <= LABELLED_DISTRICTS
    parks, regencies, district_points = _labelled(projection, [
        ([_point(projection, p, label=p.key) for p in found.parks], 11),
        ([_point(projection, r) for r in found.regencies], 12),
        ([_point(projection, d) for d in found.districts] if label_districts else [], 10)])
    if not label_districts:
        district_points = [_point(projection, d) for d in found.districts]
    regency_of = {}
    district_codes = [d.key for d in found.districts]
    regency_names = {r.key: r.name for r in found.regencies}
    for code in district_codes:
        # A kecamatan's BPS code begins with its kabupaten's four digits.
        regency_of[code] = regency_names.get(code[:4], "")
    enterprises_in = Counter(e.district for e in found.enterprises)
    parks_in: dict[str | None, list[str]] = {}
    for p in found.parks:
        parks_in.setdefault(p.district, []).append(p.key)
    table = [DistrictRow(d.key, d.name, regency_of.get(d.key, ""), enterprises_in[d.key],
                         tuple(parks_in.get(d.key, ())), sentra_by_district[d.key])
             for d in found.districts]
    return render(request, "agency_map.html", {
        "projection": projection,
        "regencies": regencies, "districts": district_points, "parks": parks,
        "enterprises": enterprise_points, "sentra": sentra_points,
        "enterprise_count": len(found.enterprises), "park_count": len(found.parks),
        "sentra_count": len(candidates), "table": table,
        "scope_name": _region_name(principal, session),
    }, principal=principal)


# --- sentra candidates and interventions ---------------------------------------------------


@router.get("/sentra")
def sentra_page(request: Request, principal: Agency, session: SessionDep,
                offset: OffsetQuery = 0) -> Response:
    """The sentra candidates, the largest first, as ``GET /agency/sentra`` lists them."""
    language = page_language(request)
    run = queries.latest_run(session=session)
    candidates, total = queries.sentra_candidates(principal, session=session, run=run,
                                                  limit=SENTRA_PAGE, offset=offset)
    return render(request, "agency_sentra.html", {
        "run": run, "candidates": candidates, "total": total, "offset": offset,
        "next_offset": offset + SENTRA_PAGE if offset + SENTRA_PAGE < total else None,
        "previous_offset": max(offset - SENTRA_PAGE, 0) if offset else None,
        "category_name": lambda c: _category_name(c, language),
    }, principal=principal)


@router.get("/intervensi")
def interventions_page(request: Request, principal: Agency, session: SessionDep) -> Response:
    """The current run's interventions by rank, as ``GET /agency/interventions``."""
    language = page_language(request)
    run = queries.latest_run(session=session)
    items = queries.interventions(run.id, principal, session=session) if run else []
    return render(request, "agency_interventions.html", {
        "run": run, "items": items,
        "category_name": lambda c: _category_name(c, language),
        "certificate_name": lambda kind: certificate_name(kind, language),
    }, principal=principal)


# --- the report ----------------------------------------------------------------------------


@router.get("/laporan.xlsx")
def report(request: Request, principal: Agency, session: SessionDep) -> Response:
    """The workbook ``GET /agency/report.xlsx`` answers, for the signed-in browser."""
    language = page_language(request)
    built = build_report(principal, language, session=session)
    return Response(content=built.content, media_type=XLSX_MEDIA_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{built.filename}"',
        "Content-Language": language, "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})


# --- the review queue ----------------------------------------------------------------------


def _review_page(request: Request, principal: Principal, session: Session, *,
                 after: str | None, errors: dict[str, str] | None = None,
                 answered: ReviewItemOut | None = None, status_code: int = 200) -> Response:
    language = page_language(request)
    key = review_queries.parse_item_id(after) if after else None
    queue = review.review_page(principal, state=request.app.state, session=session,
                               language=language, limit=REVIEW_PAGE, after=key)
    return render(request, "agency_review.html", {
        "queue": queue, "after": after if key else None, "errors": errors or {},
        "answered": answered,
    }, principal=principal, status_code=status_code, switch_path="/dinas/tinjauan")


@router.get("/tinjauan")
def review_queue(request: Request, principal: Agency, session: SessionDep,
                 after: Annotated[str | None, Query(alias="setelah", max_length=20)] = None,
                 answered: Annotated[str | None, Query(alias="dijawab", max_length=20)] = None
                 ) -> Response:
    """The unsure offers and needs of ``GET /review``, each with a button confirming the
    suggestion, one per runner-up, and a link to pick any category."""
    done = None
    key = review_queries.parse_item_id(answered) if answered else None
    if key is not None:
        try:
            item = review_queries.queue_item(key, principal, session=session)
        except NotFound:
            item = None
        if item is not None:
            done = ReviewItemOut.of(item, [], review_queries.category_info(
                [item.category_code], session=session), page_language(request))
    return _review_page(request, principal, session, after=after, answered=done)


def _categories(session: Session, language: Language) -> list[tuple[str, str]]:
    name = Category.name_en if language == "en" else Category.name_id
    return [(code, label) for code, label in session.execute(
        select(Category.code, name).order_by(name))]


def _item_page(request: Request, principal: Principal, session: Session, item_id: str, *,
               form: FormState | None = None, status_code: int = 200) -> Response:
    language = page_language(request)
    key = review_queries.parse_item_id(item_id)
    if key is None:
        raise NotFound("review", item_id)
    item = review_queries.queue_item(key, principal, session=session)
    shown = ReviewItemOut.of(item, [], review_queries.category_info(
        [item.category_code], session=session), language)
    return render(request, "agency_review_item.html", {
        "item": shown, "categories": _categories(session, language),
        "form": form or FormState(values={"category_code": item.category_code or ""}),
    }, principal=principal, status_code=status_code,
        switch_path=f"/dinas/tinjauan/{item_id}")


@router.get("/tinjauan/{item_id}")
def review_item(request: Request, principal: Agency, session: SessionDep,
                item_id: ItemPath) -> Response:
    """One item with every category to choose from (an item of another province: 404)."""
    return _item_page(request, principal, session, item_id)


def _answer_errors(error: ApiProblem | InvalidValue, language: Language) -> dict[str, str]:
    if isinstance(error, InvalidValue):
        return {"category_code": error.reason.render(language)}
    return {name: text(key, language, **error.params) for name, key in error.fields}


@router.post("/tinjauan/{item_id}")
def answer_review(request: Request, principal: Agency, session: SessionDep,
                  form_data: FormDep, item_id: ItemPath) -> Response:
    """Confirm or correct one item with ``api.review.usecases.answer_item`` (what ``POST
    /review/{item_id}`` does); back to the queue saying what changed, or the form again (422)
    with the message at the category."""
    check_csrf(request, form_data)
    language = page_language(request)
    form = FormState.of(form_data, ("action", "category_code", "from"))
    data = {"action": form.values["action"]}
    if form.values["category_code"]:
        data["category_code"] = form.values["category_code"]
    body, errors = validate(ReviewIn, data, language)
    from_item = form.values["from"] == "item"
    if body is not None:
        try:
            review.answer_item(principal, item_id, body, session=session, language=language)
        except (ApiProblem, InvalidValue) as refused:
            if isinstance(refused, ApiProblem) and refused.status != 422:
                raise
            session.rollback()
            errors = _answer_errors(refused, language)
        else:
            return redirect(request, f"/dinas/tinjauan?dijawab={item_id}")
    form.add(errors)
    if from_item:
        return _item_page(request, principal, session, item_id, form=form, status_code=422)
    # The queue again, the message at the item's buttons (an unseen item is 404 first).
    key = review_queries.parse_item_id(item_id)
    if key is None:
        raise NotFound("review", item_id)
    review_queries.queue_item(key, principal, session=session)
    message = next(iter(form.errors.values()), "")
    return _review_page(request, principal, session, after=None,
                        errors={item_id: message}, status_code=422)


# --- match runs ----------------------------------------------------------------------------


def _runs_page(request: Request, principal: Principal, session: Session, form: FormState, *,
               limit_message: str | None = None, status_code: int = 200) -> Response:
    return render(request, "agency_runs.html", {
        "form": form, "runs": runs_queries.newest_runs(RECENT_RUNS, session=session),
        "limit_message": limit_message,
        "current_id": runs_queries.current_run_id(session=session),
        "tenant": principal.tenant,
    }, principal=principal, status_code=status_code, switch_path="/dinas/pencocokan")


@router.get("/pencocokan")
def runs_page(request: Request, principal: Agency, session: SessionDep) -> Response:
    """The form starting a match run, and the newest runs with their status. The form
    carries a key of its own (``form_key``): sending it twice (a double click, a reload of
    the answer) starts one run."""
    return _runs_page(request, principal, session,
                      FormState(values={"horizon_days": "30", "time_limit_s": "",
                                        "seed": "0", "form_key": uuid.uuid4().hex}))


def _run_of_form(principal: Principal, key: str, session: Session) -> str | None:
    """Where the run started by the form with ``key`` is, if it was started."""
    record = session.get(IdempotencyRecord, (principal.account_id, _FORM_KEY_PREFIX + key))
    return json.loads(record.response_headers or "{}").get("location") if record else None


def _remember_form(principal: Principal, key: str, location: str, session: Session) -> None:
    """Record, in the run's own transaction, that the form with ``key`` started the run at
    ``location`` (the API's idempotency table, under a key no API client can send)."""
    session.add(IdempotencyRecord(
        account_id=principal.account_id, key=_FORM_KEY_PREFIX + key, method="POST",
        path="/dinas/pencocokan", request_hash=hashlib.sha256(key.encode()).hexdigest(),
        status_code=303, response_body="", response_headers=json.dumps({"location": location})))
    session.flush()


@router.post("/pencocokan")
def post_run(request: Request, principal: Agency, session: SessionDep, settings: SettingsDep,
             form_data: FormDep) -> Response:
    """Queue a run with :func:`api.runs.usecases.start_run` (what ``POST /runs`` does, with
    the tenant's limit) and follow it; the form again with the reason otherwise (422 for a
    wrong field, 429 at the limit)."""
    check_csrf(request, form_data)
    language = page_language(request)
    form = FormState.of(form_data, (*RUN_FIELDS, "form_key"))
    key = form.values.get("form_key", "")
    if not _FORM_KEY.fullmatch(key):
        key = form.values["form_key"] = uuid.uuid4().hex  # an old page: a key from now on
    started = _run_of_form(principal, key, session)
    if started is not None:
        return redirect(request, started)
    wanted, errors = validate(RunIn, {k: v for k, v in form.values.items()
                                      if v and k in RUN_FIELDS}, language)
    form.add(errors)
    if wanted is None:
        return _runs_page(request, principal, session, form, status_code=422)
    try:
        run = start_run(principal, wanted, state=request.app.state, settings=settings,
                        session=session)
        location = f"/dinas/pencocokan/{run.id}"
        _remember_form(principal, key, location, session)
    except runs_queries.RunLimitReached as limit:
        session.rollback()
        message = page_text("agency.run_limit", language, count=limit.count)
        return _runs_page(request, principal, session, form, limit_message=message,
                          status_code=429)
    except IntegrityError:
        # The same form, sent twice at once: the other request started the run.
        session.rollback()
        started = _run_of_form(principal, key, session)
        if started is None:
            raise
        return redirect(request, started)
    return redirect(request, location)


def _run_context(run: MatchRun, session: Session) -> dict[str, Any]:
    finished = run.status in ("succeeded", "failed")
    return {"run": run, "finished": finished,
            "current": run.id == runs_queries.current_run_id(session=session)}


@router.get("/pencocokan/{run_id}")
def run_page(request: Request, principal: Agency, session: SessionDep,
             run_id: IdPath) -> Response:
    """A run's status and progress; with script the status part is fetched again every
    second until the run ends, without it a link reloads the page."""
    run = runs_queries.get_run(run_id, session=session)
    return render(request, "agency_run.html", _run_context(run, session), principal=principal)


@router.get("/pencocokan/{run_id}/status")
def run_status(request: Request, principal: Agency, session: SessionDep,
               run_id: IdPath) -> Response:
    """The status part of a run's page, as a fragment (what the script fetches)."""
    run = runs_queries.get_run(run_id, session=session)
    return render(request, "_agency_run_status.html", _run_context(run, session),
                  principal=principal, fragment=True)

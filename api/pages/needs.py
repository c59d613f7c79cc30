"""The park buyer's pages, "Kebutuhan": the park's needs with how much of each is covered, a
form to post a need with live category suggestions, and each need with its suppliers and the
reasons for what is unmet.

Every read and write goes through the functions the API's routes call — ``api.needs.queries``
(scoped by :mod:`api.scope`), :func:`api.needs.usecases.post_need`, ``api.runs.queries`` for
the current run's results, the app's normaliser (:func:`api.context.normaliser`) — so a page
shows exactly what the API would show the same principal: another park's need is not found
here either. The agency and admins read these pages too (the API lets them read needs); the
agency, as in the API, sees no rupiah per allocation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from api.agency.texts import certificate_name, reason_name
from api.auth.principal import Principal
from api.context import normaliser
from api.deps import SessionDep, SettingsDep
from api.i18n import Language, page_language
from api.needs import queries as needs_queries
from api.needs import usecases
from api.needs.schemas import CertificateKind, NeedIn, Period
from api.pages.forms import FormDep, FormState, record_errors, validate
from api.pages.rendering import PageRoute, redirect, render
from api.pages.session import PagePrincipal, check_csrf, page_roles
from api.pages.texts import page_text
from api.pagination import MAX_ID, IdPath, PageRequest
from api.review.queries import CategoryInfo, category_info
from api.review.schemas import NormalisedOut
from api.runs import queries as runs_queries
from api.scope import parks_visible
from catalog.exceptions import NotFound
from catalog.models import Category, Park
from catalog.store import InvalidRecord

__all__ = ["router"]

router = APIRouter(prefix="/kebutuhan", include_in_schema=False, route_class=PageRoute)

#: The roles that may read needs and post them, as in ``api/needs/routes.py``.
Readers = Annotated[Principal, Depends(page_roles("park_buyer", "agency", "admin"))]
Writers = Annotated[Principal, Depends(page_roles("park_buyer", "admin"))]

#: Needs per page of the list.
PAGE_SIZE = 50
#: The form's fields, in the order their errors are listed.
FIELDS = ("park_id", "product_name", "quantity", "unit", "period", "due_date",
          "category_code", "max_unit_price_idr", "split", "min_lot", "max_suppliers",
          "max_distance_km")
PERIODS: tuple[str, ...] = Period.__args__  # type: ignore[attr-defined]
CERTIFICATES: tuple[str, ...] = CertificateKind.__args__  # type: ignore[attr-defined]
#: Catalog problems named by the record's fields, shown at the form's.
_RENAMED = {"split_allowed": "split", "park_code": "park_id",
            "required_certificates": "certificates"}


def _category_name(info: CategoryInfo | None, language: Language) -> str | None:
    if info is None:
        return None
    return info.name_en if language == "en" else info.name_id


# --- the list ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NeedLine:
    """A need as the list shows it."""

    id: int
    product_name: str
    park_code: str
    category_name: str | None
    quantity: int
    unit: str
    period: str
    due_date: dt.date
    status: str
    coverage: runs_queries.NeedCoverage | None

    @property
    def percent(self) -> int | None:
        if self.coverage is None or self.coverage.quantity <= 0:
            return None
        return min(100, round(100 * self.coverage.served / self.coverage.quantity))


def _current_run(session: Session) -> Any:
    run_id = runs_queries.current_run_id(session=session)
    return runs_queries.get_run(run_id, session=session) if run_id is not None else None


@router.get("")
def list_needs(request: Request, principal: Readers, session: SessionDep,
               after: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None) -> Response:
    """The needs the principal may see, by id, each with how much the current run covered."""
    language = page_language(request)
    rows, total = needs_queries.list_needs(principal, session=session,
                                           page=PageRequest(limit=PAGE_SIZE, after=after))
    run = _current_run(session)
    coverage = (runs_queries.need_coverage(run.id, principal, [r.id for r in rows],
                                           session=session) if run is not None else {})
    categories = category_info([r.category_code for r in rows], session=session)
    lines = [NeedLine(
        id=r.id, product_name=r.product_name, park_code=r.park_code,
        category_name=_category_name(categories.get(r.category_code), language),
        quantity=r.quantity, unit=r.unit or r.unit_typed, period=r.period, due_date=r.due_date,
        status=r.status, coverage=coverage.get(r.id)) for r in rows]
    return render(request, "needs_list.html", {
        "needs": lines, "total": total, "run": run, "after": after,
        "next_after": rows[-1].id if len(rows) == PAGE_SIZE else None,
        "may_post": principal.role in ("park_buyer", "admin"),
        "show_park": principal.role != "park_buyer",
    }, principal=principal)


# --- suggestions ---------------------------------------------------------------------------


def suggest(request: Request, name: str, *, session: Session) -> NormalisedOut | None:
    """What the normaliser makes of ``name`` (as ``POST /api/v1/normalise`` answers it), or
    ``None`` for a blank name."""
    if not name.strip():
        return None
    result = normaliser(request.app.state, session=session).normalise(name[:300])
    codes = [result.category_code, *(a.category_code for a in result.alternatives)]
    return NormalisedOut.of(result, category_info(codes, session=session),
                            page_language(request))


@router.get("/saran")
def suggestion(request: Request, principal: PagePrincipal, session: SessionDep,
               product_name: Annotated[str, Query(max_length=300)] = "") -> Response:
    """The suggestion for a product name, as a piece of the form (fetched as one types)."""
    return render(request, "_suggestion.html",
                  {"suggestion": suggest(request, product_name, session=session)},
                  principal=principal, fragment=True)


# --- the form ------------------------------------------------------------------------------


def _categories(session: Session, language: Language) -> list[tuple[str, str, str]]:
    name = Category.name_en if language == "en" else Category.name_id
    return [(code, label, unit) for code, label, unit in session.execute(
        select(Category.code, name, Category.unit).order_by(name))]


def _parks(principal: Principal, session: Session) -> list[tuple[int, str, str]]:
    return [(row.id, row.code, row.name) for row in session.execute(
        select(Park.id, Park.code, Park.name).where(parks_visible(principal))
        .order_by(Park.code))]


def _form_page(request: Request, principal: Principal, session: Session, form: FormState, *,
               status_code: int = 200) -> Response:
    language = page_language(request)
    return render(request, "need_form.html", {
        "form": form,
        "suggestion": suggest(request, form.values.get("product_name", ""), session=session),
        "categories": _categories(session, language),
        "parks": _parks(principal, session),
        "periods": PERIODS,
        "certificates": [(kind, certificate_name(kind, language)) for kind in CERTIFICATES],
    }, principal=principal, status_code=status_code)


@router.get("/baru")
def new_need(request: Request, principal: Writers, session: SessionDep) -> Response:
    """An empty form: every day, may be split, the park of the buyer."""
    form = FormState(values={"period": "hari", "split": "on",
                             "park_id": str(principal.park_id or "")})
    return _form_page(request, principal, session, form)


def _need_data(form: FormState) -> dict[str, Any]:
    """The form as ``NeedIn`` reads it: an empty field is left out (so a required one is
    "required", an optional one takes its default)."""
    data: dict[str, Any] = {name: value for name, value in form.values.items()
                            if value and name not in ("park_id", "split")}
    data["split"] = bool(form.values.get("split"))
    data["required_certificates"] = form.choices.get("certificates", [])
    return data


def _park_of(principal: Principal, form: FormState, language: Language) -> int | None:
    if principal.role == "park_buyer":
        return principal.park_id
    value = form.values.get("park_id", "")
    if value.isdigit() and 0 < int(value) <= MAX_ID:
        return int(value)
    form.add({"park_id": page_text("needs.invalid_park", language)})
    return None


@router.post("/baru")
def post_need(request: Request, principal: Writers, session: SessionDep,
              form_data: FormDep) -> Response:
    """Post the need, or show the form again: with the suggestion for the name when asked to
    check it or another category was picked, with a message at each field that needs
    correcting otherwise. Nothing is written unless every field is right."""
    check_csrf(request, form_data)
    language = page_language(request)
    form = FormState.of(form_data, FIELDS, multiple=("certificates",))
    picked = form_data.get("pick")
    if isinstance(picked, str) and picked:
        form.values["category_code"] = picked[:60]
    if picked or form_data.get("action") == "check":
        return _form_page(request, principal, session, form)
    park_id = _park_of(principal, form, language)
    body, errors = validate(NeedIn, _need_data(form), language,
                            renamed={"required_certificates": "certificates"})
    form.add(errors)
    if body is None or park_id is None:
        return _form_page(request, principal, session, form, status_code=422)
    try:
        need = usecases.post_need(principal, park_id, body, state=request.app.state,
                                  session=session)
    except InvalidRecord as invalid:
        session.rollback()
        form.add(record_errors(invalid, language, renamed=_RENAMED, fields=FIELDS[1:]))
        return _form_page(request, principal, session, form, status_code=422)
    except NotFound as missing:
        if missing.kind != "park":
            raise
        session.rollback()
        form.add({"park_id": page_text("needs.invalid_park", language)})
        return _form_page(request, principal, session, form, status_code=422)
    return redirect(request, f"/kebutuhan/{need.id}?baru=1")


# --- one need ------------------------------------------------------------------------------


@router.get("/{need_id}")
def need_page(request: Request, principal: Readers, session: SessionDep,
              settings: SettingsDep, need_id: IdPath) -> Response:
    """A need, its rules, what the current run allocated to it and why the rest is unmet."""
    language = page_language(request)
    need = needs_queries.get_need(need_id, principal, session=session)
    category = (category_info([need.category_code], session=session).get(need.category_code)
                if need.category_code else None)
    run = _current_run(session)
    coverage = allocations = unmet = None
    allocation_total = 0
    if run is not None:
        coverage = runs_queries.need_coverage(run.id, principal, [need.id],
                                              session=session).get(need.id)
        allocations, allocation_total = runs_queries.list_allocations(
            run.id, principal, session=session,
            page=PageRequest(limit=settings.page_size_max), need_id=need.id)
        unmet_rows, _ = runs_queries.list_unmet(run.id, principal, session=session,
                                                page=PageRequest(limit=1), need_id=need.id)
        unmet = [(reason_name(reason, language), units)
                 for reason, units in (unmet_rows[0].reasons.items() if unmet_rows else ())]
    return render(request, "need_detail.html", {
        "need": need,
        "category": category,
        "category_name": _category_name(category, language),
        "unit": category.unit if category else need.unit_typed,
        "certificates": [certificate_name(c.kind, language)
                         for c in sorted(need.required_certificates, key=lambda c: c.kind)],
        "run": run, "coverage": coverage, "allocations": allocations,
        "allocation_total": allocation_total, "unmet": unmet,
        # As the API's views: the park and an admin see what each IKM costs, the agency not.
        "show_rupiah": principal.role in ("park_buyer", "admin"),
        "created": bool(request.query_params.get("baru")),
    }, principal=principal)

"""The IKM owner's pages: "Peluang" (``/peluang``), what each of its IKM won in the current
run and its near misses with the one change that would win each, in plain words; and "IKM
saya" (``/ikm``), each IKM's profile, offers and certificates (with expiry warnings), with
forms to change the profile and an offer, and to add an offer or a certificate.

Every read and write goes through the functions the API's routes call —
``api.enterprises.queries`` (``own=True``: the owner's own IKM, every IKM for an admin),
``api.runs.queries.visible_enterprise`` + ``enterprise_opportunities`` for the current run,
:mod:`api.enterprises.usecases` for the writes — so a page shows and changes exactly what the
API would for the same principal: another owner's IKM or offer is not found here either.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from api.agency.texts import certificate_name
from api.auth.principal import Principal
from api.deps import SessionDep
from api.enterprises import queries as enterprise_queries
from api.enterprises import usecases
from api.enterprises.schemas import (
    CertificateIn,
    CertificateOut,
    EnterpriseOwn,
    EnterprisePatch,
    OfferIn,
    OfferPatch,
)
from api.errors import ApiProblem
from api.i18n import Language, format_count, page_language, text
from api.matchrun import PERIOD_DAYS
from api.needs.schemas import CertificateKind
from api.pages.forms import FormDep, FormState, record_errors, validate
from api.pages.rendering import PageRoute, format_idr, redirect, render
from api.pages.session import check_csrf, page_roles
from api.pages.texts import PAGE_TEXTS, page_text
from api.pagination import MAX_ID, IdPath, PageRequest
from api.review.queries import category_info
from api.runs import queries as runs_queries
from api.taxonomy.queries import category_units
from api.writes import etag
from catalog.exceptions import NotFound
from catalog.models import Enterprise, MatchRun, Offer, RunNearMiss
from catalog.store import InvalidRecord

__all__ = ["Change", "OfferFacts", "change_in_words", "ikm_router", "plain_number", "router"]

router = APIRouter(prefix="/peluang", include_in_schema=False, route_class=PageRoute)
ikm_router = APIRouter(prefix="/ikm", include_in_schema=False, route_class=PageRoute)

#: Who may open these pages, as ``require("ikm_owner", "admin")`` of the API's IKM writes.
Owners = Annotated[Principal, Depends(page_roles("ikm_owner", "admin"))]

#: IKM per page (an owner has a few; an admin pages through all of them).
PAGE_SIZE = 20
#: A certificate ending within this many days is flagged (as ``CertificateOut.expires_soon``).
EXPIRY_WARNING_DAYS = 60
OFFER_PERIODS = ("hari", "minggu", "bulan")
CERTIFICATES: tuple[str, ...] = CertificateKind.__args__  # type: ignore[attr-defined]

PROFILE_FIELDS = ("name", "nib", "village", "address", "owner_name", "owner_phone",
                  "owner_email", "workers")
_PROFILE_OPTIONAL = ("nib", "village", "address", "owner_name", "owner_phone", "owner_email")
OFFER_FIELDS = ("unit_price_idr", "capacity", "lead_time_days", "delivery_radius_km")
NEW_OFFER_FIELDS = ("product_name", "quantity", "unit", "unit_price_idr", "period",
                    "lead_time_days", "delivery_radius_km")
CERTIFICATE_FIELDS = ("kind", "number", "issuer", "valid_until")

#: A whole number as people write it: ``24500``, ``24.500``, ``24,500``, ``Rp 24.500``.
_GROUPED = re.compile(r"^(?:rp\.?\s*)?(\d{1,3}(?:[.,\u00a0 ]\d{3})+|\d+)$", re.IGNORECASE)


def plain_number(value: str) -> str:
    """``value`` without thousands separators or a leading "Rp" when it is a whole number
    written with them (``"Rp 24.500"`` → ``"24500"``); anything else as it is, for the
    model to judge (``"24,5"`` stays and is refused as not whole)."""
    found = _GROUPED.match(value.strip())
    return re.sub(r"\D", "", found.group(1)) if found else value


# --- the one change, in words --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfferFacts:
    """What the words for a near miss need of the offer that missed it, as it is now: its
    canonical unit, period, price, lead time and delivery radius."""

    unit: str
    period: str = "hari"
    unit_price_idr: int | None = None
    lead_time_days: int | None = None
    delivery_radius_km: int | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """The one change that would win a near miss: what to do, and why it was missed."""

    action: str
    reason: str


def _join(names: Sequence[str], language: Language) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {page_text('owner.and', language)} {names[-1]}"


def _certificates_change(kinds: Sequence[str], held: Collection[str],
                         language: Language) -> str:
    obtain = [certificate_name(k, language) for k in kinds if k not in held]
    renew = [certificate_name(k, language) for k in kinds if k in held]
    if obtain and renew:
        return page_text("owner.change_both", language,
                         obtain=page_text("owner.change_obtain", language,
                                          names=_join(obtain, language)),
                         renew=page_text("owner.change_renew_then", language,
                                         names=_join(renew, language)))
    if renew:
        return page_text("owner.change_renew", language, names=_join(renew, language))
    return page_text("owner.change_obtain", language, names=_join(obtain, language))


def change_in_words(miss: RunNearMiss, offer: OfferFacts, *, horizon_days: int,
                    held: Collection[str], language: Language) -> Change:
    """The change stored with a near miss (only the field of its ``kind`` is set) as a
    sentence an owner acts on, with the reason it was missed.

    * ``price``: the new unit price, per the offer's unit ("Turunkan harga ke Rp24.500 per
      porsi (sekarang Rp25.000)");
    * ``certificate``: the kinds to obtain, or to renew when the IKM holds one of that kind
      that has expired or ends too soon (``held``: the kinds it has any certificate of);
    * ``capacity``: the units the run needed over its horizon, as capacity per the offer's own
      period, rounded up (a run counts ``capacity × horizon / period`` units, rounded down);
    * ``lead_time``: the days to deliver sooner; ``radius``: the delivery radius to reach,
      rounded up to a whole km."""
    def n(value: int) -> str:
        return format_count(value, language)

    details: list[str] = []
    if miss.kind == "price" and miss.unit_price_idr is not None:
        action = page_text("owner.change_price", language,
                           price=format_idr(miss.unit_price_idr, language), unit=offer.unit)
        if offer.unit_price_idr is not None:
            details.append(page_text("owner.change_price_now", language,
                                     price=format_idr(offer.unit_price_idr, language)))
    elif miss.kind == "certificate" and miss.certificates:
        action = _certificates_change(miss.certificates.split(","), held, language)
    elif miss.kind == "capacity" and miss.added_capacity is not None:
        days = PERIOD_DAYS.get(offer.period) or 1
        per_period = math.ceil(miss.added_capacity * days / max(horizon_days, 1))
        action = page_text("owner.change_capacity", language, quantity=n(per_period),
                           unit=offer.unit, period=page_text(f"period.{offer.period}", language))
    elif miss.kind == "lead_time" and miss.days_to_cut is not None:
        action = page_text("owner.change_lead_time", language, days=n(miss.days_to_cut))
        now = offer.lead_time_days
        if now is not None and now >= miss.days_to_cut:
            details.append(page_text("owner.change_lead_time_to", language, now=n(now),
                                     to=n(now - miss.days_to_cut)))
    elif miss.kind == "radius" and miss.radius_km is not None:
        action = page_text("owner.change_radius", language, km=n(math.ceil(miss.radius_km)))
        if offer.delivery_radius_km is not None:
            details.append(page_text("owner.change_radius_now", language,
                                     km=n(offer.delivery_radius_km)))
    else:  # a row whose change is missing says at least why it was missed
        action = ""
    if details:
        action = f"{action} ({'; '.join(details)})"
    reason_key = f"owner.why_{miss.rule}"
    reason = page_text(reason_key, language) if reason_key in PAGE_TEXTS else miss.rule
    return Change(action=action, reason=reason)


# --- what each IKM won and nearly won ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WonLine:
    """A need the IKM won (in part or whole), as the page shows it."""

    need: str
    park_code: str | None
    park_name: str | None
    offer: str
    quantity: int
    unit: str
    landed_unit_cost_idr: int
    km: float
    local: bool


@dataclass(frozen=True, slots=True)
class NearLine:
    """A near miss with its change in words."""

    need: str
    park_code: str | None
    park_name: str | None
    offer: str
    change: Change
    at_stake_idr: int
    allocated: int
    unit: str


@dataclass(frozen=True, slots=True)
class CertificateLine:
    """A certificate with its state today: valid, ending within the warning days, expired."""

    certificate: CertificateOut
    name: str
    state: str  # "valid", "soon" or "expired"
    days_left: int | None


@dataclass(frozen=True, slots=True)
class IkmOpportunities:
    """One IKM's section of "Peluang"."""

    id: int
    name: str
    district: str
    won: list[WonLine]
    near: list[NearLine]
    warnings: list[CertificateLine]


def certificate_lines(enterprise: Enterprise, language: Language,
                      today: dt.date) -> list[CertificateLine]:
    """The IKM's certificates as the API's own view has them (``CertificateOut``), each with
    its state; by id."""
    lines = []
    for certificate in sorted(enterprise.certificates, key=lambda c: c.id):
        out = CertificateOut.of(certificate, today)
        state = "expired" if not out.valid else "soon" if out.expires_soon else "valid"
        days_left = (out.valid_until - today).days if out.valid_until else None
        lines.append(CertificateLine(out, certificate_name(out.kind, language), state,
                                     days_left))
    return lines


def _need_name(names: Mapping[int, str], need_id: int, language: Language) -> str:
    return names.get(need_id) or page_text("owner.deleted_need", language, id=need_id)


def _ikm_opportunities(enterprise: Enterprise, principal: Principal, run: MatchRun | None,
                       language: Language, *, session: Session,
                       today: dt.date) -> IkmOpportunities:
    warnings = [line for line in certificate_lines(enterprise, language, today)
                if line.state != "valid"]
    district = enterprise.district.name
    if run is None:
        return IkmOpportunities(enterprise.id, enterprise.name, district, [], [], warnings)
    name = runs_queries.visible_enterprise(enterprise.id, principal, session=session)
    found = runs_queries.enterprise_opportunities(enterprise.id, name, run.id, session=session)
    offers = {o.id: o for o in enterprise.offers}
    units = category_units([*found.need_categories.values(),
                            *(o.category_code for o in enterprise.offers)], session=session)

    def need_unit(need_id: int) -> str:
        return units.get(found.need_categories.get(need_id, ""), "")

    def offer_name(offer_id: int) -> str:
        offer = offers.get(offer_id)
        return offer.product_name if offer else page_text("owner.deleted_offer", language,
                                                          id=offer_id)

    held = {c.kind for c in enterprise.certificates}
    won = [WonLine(
        need=_need_name(found.need_names, w.need_id, language), park_code=w.park_code,
        park_name=found.park_names.get(w.park_id), offer=offer_name(w.offer_id),
        quantity=w.quantity, unit=need_unit(w.need_id),
        landed_unit_cost_idr=w.landed_unit_cost_idr, km=w.km, local=w.local)
        for w in found.won]
    near = []
    for miss in found.near_misses:
        offer = offers.get(miss.offer_id)
        facts = OfferFacts(
            unit=(units.get(offer.category_code or "", offer.unit_typed) if offer
                  else need_unit(miss.need_id)),
            period=offer.period if offer else "hari",
            unit_price_idr=offer.unit_price_idr if offer else None,
            lead_time_days=offer.lead_time_days if offer else None,
            delivery_radius_km=offer.delivery_radius_km if offer else None)
        near.append(NearLine(
            need=_need_name(found.need_names, miss.need_id, language),
            park_code=found.park_codes.get(miss.park_id),
            park_name=found.park_names.get(miss.park_id), offer=offer_name(miss.offer_id),
            change=change_in_words(miss, facts, horizon_days=found.run.horizon_days,
                                   held=held, language=language),
            at_stake_idr=miss.at_stake_idr, allocated=miss.allocated,
            unit=need_unit(miss.need_id)))
    return IkmOpportunities(enterprise.id, enterprise.name, district, won, near, warnings)


def _current_run(session: Session) -> MatchRun | None:
    run_id = runs_queries.current_run_id(session=session)
    return runs_queries.get_run(run_id, session=session) if run_id is not None else None


def _render_opportunities(request: Request, principal: Principal, session: Session,
                          enterprises: Sequence[Enterprise], *, total: int,
                          next_after: int | None, single: bool = False) -> Response:
    language = page_language(request)
    run = _current_run(session)
    today = dt.date.today()
    sections = [_ikm_opportunities(e, principal, run, language, session=session, today=today)
                for e in enterprises]
    return render(request, "owner_opportunities.html", {
        "run": run, "sections": sections, "total": total, "next_after": next_after,
        "single": single}, principal=principal)


@router.get("")
def opportunities(request: Request, principal: Owners, session: SessionDep,
                  after: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None) -> Response:
    """Each of the principal's IKM (by id) with what it won and nearly won."""
    rows, total = enterprise_queries.list_enterprises(
        principal, session=session, page=PageRequest(limit=PAGE_SIZE, after=after), own=True)
    return _render_opportunities(
        request, principal, session, rows, total=total,
        next_after=rows[-1].id if len(rows) == PAGE_SIZE else None)


@router.get("/{enterprise_id}")
def opportunities_of(request: Request, principal: Owners, session: SessionDep,
                     enterprise_id: IdPath) -> Response:
    """One IKM of the principal's with what it won and nearly won; another's is not found."""
    enterprise = enterprise_queries.get_enterprise(enterprise_id, principal, session=session,
                                                   own=True)
    return _render_opportunities(request, principal, session, [enterprise], total=1,
                                 next_after=None, single=True)


# --- the IKM: profile, offers, certificates ------------------------------------------------


def _own(enterprise_id: int, principal: Principal, session: Session) -> Enterprise:
    return enterprise_queries.get_enterprise(enterprise_id, principal, session=session,
                                             own=True)


@ikm_router.get("")
def my_ikm(request: Request, principal: Owners, session: SessionDep,
           after: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None) -> Response:
    """The principal's IKM; an owner of one goes straight to it."""
    rows, total = enterprise_queries.list_enterprises(
        principal, session=session, page=PageRequest(limit=PAGE_SIZE, after=after), own=True)
    if total == 1 and after is None:
        return redirect(request, f"/ikm/{rows[0].id}")
    language = page_language(request)
    today = dt.date.today()
    return render(request, "owner_ikm_list.html", {
        "enterprises": [(e, sum(line.state != "valid"
                                for line in certificate_lines(e, language, today)))
                        for e in rows],
        "total": total, "next_after": rows[-1].id if len(rows) == PAGE_SIZE else None,
    }, principal=principal)


@ikm_router.get("/{enterprise_id}")
def ikm_page(request: Request, principal: Owners, session: SessionDep,
             enterprise_id: IdPath) -> Response:
    """The IKM in the owner's view of the API (``EnterpriseOwn``): profile, offers with
    prices, certificates with their state."""
    language = page_language(request)
    enterprise = _own(enterprise_id, principal, session)
    today = dt.date.today()
    units = category_units((o.category_code for o in enterprise.offers), session=session)
    view = EnterpriseOwn.of(enterprise, units, today)
    categories = category_info([o.category_code for o in view.offers], session=session)
    return render(request, "owner_ikm.html", {
        "ikm": view, "size_class": enterprise.size_class,
        "category_names": {code: (info.name_en if language == "en" else info.name_id)
                           for code, info in categories.items()},
        "certificates": certificate_lines(enterprise, language, today),
        "saved": request.query_params.get("disimpan"),
    }, principal=principal)


# --- forms ---------------------------------------------------------------------------------


def _required(form: FormState, names: Sequence[str], language: Language) -> dict[str, str]:
    """A "required" message for each of ``names`` left empty."""
    return {name: text("v.missing", language) for name in names
            if not form.values.get(name)}


def _stale(form: FormState, error: ApiProblem) -> bool:
    """Whether ``error`` says the object changed since the form was shown; if so the form
    takes the current ETag, so that saving again (after checking) goes through."""
    if error.status != 412:
        return False
    form.values["etag"] = error.headers.get("ETag", "")
    return True


# profile


def _profile_page(request: Request, principal: Principal, enterprise: Enterprise,
                  form: FormState, *, status_code: int = 200, stale: bool = False
                  ) -> Response:
    return render(request, "owner_profile_form.html", {
        "ikm": enterprise, "form": form, "stale": stale}, principal=principal,
        status_code=status_code)


@ikm_router.get("/{enterprise_id}/profil")
def edit_profile(request: Request, principal: Owners, session: SessionDep,
                 enterprise_id: IdPath) -> Response:
    """The profile form, filled with the IKM as it is."""
    enterprise = _own(enterprise_id, principal, session)
    values = {name: "" if getattr(enterprise, name) is None else str(getattr(enterprise, name))
              for name in PROFILE_FIELDS}
    values["etag"] = etag("enterprise", enterprise.id, enterprise.version)
    return _profile_page(request, principal, enterprise, FormState(values=values))


@ikm_router.post("/{enterprise_id}/profil")
def save_profile(request: Request, principal: Owners, session: SessionDep,
                 enterprise_id: IdPath, form_data: FormDep) -> Response:
    """Change the profile through the API's use case (``PATCH /enterprises/{id}``): an empty
    optional field clears it; name and workers are required. The form comes back (422) with
    a message at each field to correct, or (409) when someone changed the IKM meanwhile."""
    check_csrf(request, form_data)
    language = page_language(request)
    form = FormState.of(form_data, (*PROFILE_FIELDS, "etag"))
    enterprise = _own(enterprise_id, principal, session)
    errors = _required(form, ("name", "workers"), language)
    data: dict[str, Any] = {name: form.values[name] or None for name in _PROFILE_OPTIONAL}
    data |= {name: plain_number(form.values[name]) if name == "workers" else form.values[name]
             for name in ("name", "workers") if form.values.get(name)}
    body, invalid = validate(EnterprisePatch, data, language)
    form.add(errors)
    form.add(invalid)
    if body is None or form.errors:
        return _profile_page(request, principal, enterprise, form, status_code=422)
    try:
        usecases.change_enterprise(principal, enterprise.id, body,
                                   if_match=form.values["etag"], state=request.app.state,
                                   session=session)
    except InvalidRecord as error:
        session.rollback()
        form.add(record_errors(error, language, fields=PROFILE_FIELDS))
        return _profile_page(request, principal, _own(enterprise_id, principal, session), form,
                             status_code=422)
    except ApiProblem as error:
        session.rollback()
        if error.fields:  # a value the catalog refuses, such as another IKM's NIB
            form.add({name: text(key, language, **error.params) for name, key in error.fields})
            return _profile_page(request, principal, _own(enterprise_id, principal, session),
                                 form, status_code=error.status)
        if not _stale(form, error):
            raise
        return _profile_page(request, principal, _own(enterprise_id, principal, session), form,
                             status_code=409, stale=True)
    return redirect(request, f"/ikm/{enterprise.id}?disimpan=profil")


# offers


def _offer_page(request: Request, principal: Principal, enterprise: Enterprise,
                form: FormState, *, offer: Offer | None = None, unit: str | None = None,
                status_code: int = 200, stale: bool = False) -> Response:
    return render(request, "owner_offer_form.html", {
        "ikm": enterprise, "form": form, "offer": offer, "unit": unit,
        "periods": OFFER_PERIODS, "stale": stale}, principal=principal,
        status_code=status_code)


def _offer_of(enterprise: Enterprise, offer_id: int, principal: Principal,
              session: Session) -> Offer:
    """The offer, if it is the principal's (the API's rule) and of this IKM; else NotFound."""
    offer = enterprise_queries.get_offer(offer_id, principal, session=session)
    if offer.enterprise_id != enterprise.id:
        raise NotFound("offer", offer_id)
    return offer


@ikm_router.get("/{enterprise_id}/penawaran/baru")
def new_offer(request: Request, principal: Owners, session: SessionDep,
              enterprise_id: IdPath) -> Response:
    """An empty offer form: per day, delivered in a day within 100 km."""
    enterprise = _own(enterprise_id, principal, session)
    form = FormState(values={"period": "hari", "lead_time_days": "1",
                             "delivery_radius_km": "100"})
    return _offer_page(request, principal, enterprise, form)


@ikm_router.post("/{enterprise_id}/penawaran/baru")
def add_offer(request: Request, principal: Owners, session: SessionDep,
              enterprise_id: IdPath, form_data: FormDep) -> Response:
    """Add the offer through the API's use case (``POST /enterprises/{id}/offers``): the
    name is normalised, the quantity and price converted into the category's unit."""
    check_csrf(request, form_data)
    language = page_language(request)
    form = FormState.of(form_data, NEW_OFFER_FIELDS)
    enterprise = _own(enterprise_id, principal, session)
    numbers = ("quantity", "unit_price_idr", "lead_time_days", "delivery_radius_km")
    data = {name: plain_number(value) if name in numbers else value
            for name, value in form.values.items() if value}
    body, errors = validate(OfferIn, data, language)
    form.add(errors)
    if body is None:
        return _offer_page(request, principal, enterprise, form, status_code=422)
    try:
        usecases.add_offer(principal, enterprise.id, body, state=request.app.state,
                           session=session)
    except InvalidRecord as error:
        session.rollback()
        form.add(record_errors(error, language, fields=NEW_OFFER_FIELDS))
        return _offer_page(request, principal, _own(enterprise_id, principal, session), form,
                           status_code=422)
    return redirect(request, f"/ikm/{enterprise.id}?disimpan=penawaran")


@ikm_router.get("/{enterprise_id}/penawaran/{offer_id}")
def edit_offer(request: Request, principal: Owners, session: SessionDep,
               enterprise_id: IdPath, offer_id: IdPath) -> Response:
    """The offer's form: price, capacity, lead time, radius, active."""
    enterprise = _own(enterprise_id, principal, session)
    offer = _offer_of(enterprise, offer_id, principal, session)
    values = {name: str(getattr(offer, name)) for name in OFFER_FIELDS}
    values["active"] = "on" if offer.active else ""
    values["etag"] = etag("offer", offer.id, offer.version)
    return _offer_page(request, principal, enterprise, FormState(values=values), offer=offer,
                       unit=_unit_of(offer, session))


def _unit_of(offer: Offer, session: Session) -> str:
    unit: str = category_units([offer.category_code], session=session).get(
        offer.category_code or "", offer.unit_typed)
    return unit


@ikm_router.post("/{enterprise_id}/penawaran/{offer_id}")
def save_offer(request: Request, principal: Owners, session: SessionDep,
               enterprise_id: IdPath, offer_id: IdPath, form_data: FormDep) -> Response:
    """Change the offer through the API's use case (``PATCH /offers/{id}``); every number
    is required, in the category's unit."""
    check_csrf(request, form_data)
    language = page_language(request)
    form = FormState.of(form_data, (*OFFER_FIELDS, "active", "etag"))
    enterprise = _own(enterprise_id, principal, session)
    offer = _offer_of(enterprise, offer_id, principal, session)
    unit = _unit_of(offer, session)
    errors = _required(form, OFFER_FIELDS, language)
    data: dict[str, Any] = {name: plain_number(form.values[name]) for name in OFFER_FIELDS
                            if form.values.get(name)}
    data["active"] = bool(form.values.get("active"))
    body, invalid = validate(OfferPatch, data, language)
    form.add(errors)
    form.add(invalid)

    def again(status_code: int, *, stale: bool = False) -> Response:
        current = _own(enterprise_id, principal, session)
        return _offer_page(request, principal, current, form,
                           offer=_offer_of(current, offer_id, principal, session), unit=unit,
                           status_code=status_code, stale=stale)

    if body is None or form.errors:
        return again(422)
    try:
        usecases.change_offer(principal, offer.id, body, if_match=form.values["etag"],
                              state=request.app.state, session=session)
    except InvalidRecord as error:
        session.rollback()
        form.add(record_errors(error, language, renamed={"quantity": "capacity"},
                               fields=OFFER_FIELDS))
        return again(422)
    except ApiProblem as error:
        if not _stale(form, error):
            raise
        session.rollback()
        return again(409, stale=True)
    return redirect(request, f"/ikm/{enterprise.id}?disimpan=penawaran")


# certificates


def _certificate_page(request: Request, principal: Principal, enterprise: Enterprise,
                      form: FormState, *, status_code: int = 200) -> Response:
    language = page_language(request)
    return render(request, "owner_certificate_form.html", {
        "ikm": enterprise, "form": form,
        "kinds": [(kind, certificate_name(kind, language)) for kind in CERTIFICATES],
    }, principal=principal, status_code=status_code)


@ikm_router.get("/{enterprise_id}/sertifikat/baru")
def new_certificate(request: Request, principal: Owners, session: SessionDep,
                    enterprise_id: IdPath) -> Response:
    """An empty certificate form."""
    enterprise = _own(enterprise_id, principal, session)
    return _certificate_page(request, principal, enterprise, FormState())


@ikm_router.post("/{enterprise_id}/sertifikat/baru")
def add_certificate(request: Request, principal: Owners, session: SessionDep,
                    enterprise_id: IdPath, form_data: FormDep) -> Response:
    """Add the certificate through the API's use case (``POST
    /enterprises/{id}/certificates``); the same kind and number twice is said at the
    number."""
    check_csrf(request, form_data)
    language = page_language(request)
    form = FormState.of(form_data, CERTIFICATE_FIELDS)
    enterprise = _own(enterprise_id, principal, session)
    data = {name: value for name, value in form.values.items() if value}
    body, errors = validate(CertificateIn, data, language)
    form.add(errors)
    if body is None:
        return _certificate_page(request, principal, enterprise, form, status_code=422)
    try:
        usecases.add_certificate(principal, enterprise.id, body, session=session)
    except InvalidRecord as error:
        session.rollback()
        form.add(record_errors(error, language, fields=CERTIFICATE_FIELDS))
        return _certificate_page(request, principal, _own(enterprise_id, principal, session),
                                 form, status_code=422)
    except ApiProblem as error:
        if error.status != 409:
            raise
        session.rollback()
        form.add({"number": text(error.detail_key, language, **error.params)})
        return _certificate_page(request, principal, _own(enterprise_id, principal, session),
                                 form, status_code=422)
    return redirect(request, f"/ikm/{enterprise.id}?disimpan=sertifikat")

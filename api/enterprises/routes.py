"""``/api/v1/enterprises``: read-only."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import SessionDep
from api.enterprises import queries
from api.enterprises.schemas import (
    CertificateOut,
    EnterpriseDetail,
    EnterpriseOut,
    EnterprisePage,
    OfferOut,
    SizeClass,
)
from api.pagination import IdPath, PageDep
from api.taxonomy.queries import category_units

__all__ = ["router"]

router = APIRouter(prefix="/enterprises", tags=["enterprises"])


@router.get("", summary="Daftar IKM / List IKM")
def list_enterprises(
    session: SessionDep,
    page: PageDep,
    district_bps_code: Annotated[str | None, Query(
        max_length=13, description="Kode BPS kecamatan. / BPS code of the kecamatan.")] = None,
    regency_bps_code: Annotated[str | None, Query(
        max_length=13, description="Kode BPS kabupaten/kota. / BPS code of the regency.")
    ] = None,
    category: Annotated[str | None, Query(
        max_length=60, description="Kategori yang ditawarkan. / Category offered.")] = None,
    size_class: Annotated[SizeClass | None, Query(description="mikro, kecil, menengah, besar")
    ] = None,
    sentra: Annotated[str | None, Query(
        max_length=120, description="Bagian nama sentra. / Part of the sentra's name.")] = None,
    q: Annotated[str | None, Query(
        max_length=100, description="Cari di nama IKM dan nama produk. / Search IKM and "
        "product names.")] = None,
) -> EnterprisePage:
    rows, total = queries.list_enterprises(
        session=session, page=page, district_bps_code=district_bps_code,
        regency_bps_code=regency_bps_code, category=category, size_class=size_class,
        sentra=sentra, q=q)
    return EnterprisePage(items=[EnterpriseOut.of(e) for e in rows], total=total,
                          limit=page.limit, offset=page.offset)


@router.get("/{enterprise_id}", summary="Satu IKM / One IKM")
def get_enterprise(session: SessionDep, enterprise_id: IdPath) -> EnterpriseDetail:
    enterprise = queries.get_enterprise(enterprise_id, session=session)
    units = category_units((o.category_code for o in enterprise.offers),
                                   session=session)
    today = dt.date.today()
    return EnterpriseDetail(
        **EnterpriseOut.of(enterprise).model_dump(),
        address=enterprise.address, owner_name=enterprise.owner_name,
        offers=[OfferOut.of(o, units) for o in sorted(enterprise.offers, key=lambda o: o.id)],
        certificates=[CertificateOut.of(c, today)
                      for c in sorted(enterprise.certificates, key=lambda c: c.id)],
    )

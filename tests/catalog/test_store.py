"""Validating records and writing them: conversion, rules, and no duplicates on re-import."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.models import Category, CategoryAlias, Certificate, Enterprise, Need, Offer, Region
from catalog.records import (
    CertificateRecord,
    EnterpriseRecord,
    NeedRecord,
    OfferRecord,
    ParkRecord,
    RegionRecord,
)
from catalog.store import (
    CatalogContext,
    InvalidRecord,
    catalog_contents,
    holds_user_data,
    load_parks,
    load_regions,
    mark_contents,
    prepare_enterprise,
    prepare_need,
    size_class,
    write_enterprises,
    write_needs,
)

TODAY = dt.date(2026, 11, 22)
REGIONS = [
    RegionRecord("72", "72", "province", "provinsi", "Sulawesi Tengah", None, -1.43, 121.44),
    RegionRecord("7203", "72.06", "regency", "kabupaten", "Morowali", "72", -2.55, 121.97),
    RegionRecord("7203010", "72.06.10", "district", "kecamatan", "Bahodopi", "7203",
                 -2.82, 122.15),
    RegionRecord("7203040", "72.06.04", "district", "kecamatan", "Bungku Tengah", "7203",
                 -2.55, 121.97),
]
CATEGORIES = [
    ("katering-kontrak", "Katering kontrak", "Contract catering", "porsi", ["nasbox", "catering"]),
    ("sepatu-safety", "Sepatu keselamatan", "Safety footwear", "pasang", ["sepatu safety"]),
    ("sayur-daun", "Sayuran daun", "Leafy vegetables", "kg", ["sayur", "sayur mayur"]),
]


@pytest.fixture
def context(session: Session) -> CatalogContext:
    """Bahodopi and Bungku Tengah, three categories and the IMIP park."""
    load_regions(REGIONS, session=session)
    for code, name_id, name_en, unit, aliases in CATEGORIES:
        session.add(Category(code=code, name_id=name_id, name_en=name_en, sector="pangan",
                             unit=unit, agro=True,
                             aliases=[CategoryAlias(alias=a, source="taxonomy") for a in aliases]))
    session.flush()
    load_parks([ParkRecord("IMIP", "Indonesia Morowali Industrial Park", "PT IMIP", "7203010",
                           -2.81, 122.16, 87_000)], session=session)
    return CatalogContext.load(session=session, today=TODAY)


def caterer(**changes: object) -> EnterpriseRecord:
    base = EnterpriseRecord(
        name="Katering Bu Ani", district_bps_code="7203010", latitude=-2.82, longitude=122.15,
        workers=6, investment_idr=150_000_000, legal_form="UD", nib="9120001234567",
        village="Fatufia",
        offers=(OfferRecord("nasbox 500 porsi", 500, "porsi", 25_000),),
        certificates=(CertificateRecord("HALAL", "ID31110000123", "BPJPH", dt.date(2028, 1, 1)),),
    )
    fields = {name: getattr(base, name) for name in base.__slots__}  # type: ignore[attr-defined]
    return EnterpriseRecord(**{**fields, **changes})  # type: ignore[arg-type]


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize(("workers", "investment", "expected"), [
    (1, 20_000_000, "mikro"),
    (4, 999_999_999, "mikro"),
    (5, 100_000_000, "kecil"),
    (19, 999_999_999, "kecil"),
    (19, 1_000_000_000, "menengah"),
    (20, 100_000_000, "menengah"),
    (120, 15_000_000_000, "menengah"),
    (20, 15_000_000_001, "besar"),
])
def test_size_class_follows_permenperin_64_2016(workers: int, investment: int,
                                                expected: str) -> None:
    """Small is ≤ 19 workers and < Rp1 bn; medium up to Rp15 bn; micro is small with ≤ 4."""
    assert size_class(workers, investment) == expected


def test_offer_is_stored_in_canonical_units_and_price(context: CatalogContext) -> None:
    """5 lusin of safety shoes at Rp540.000 a lusin is 60 pasang at Rp45.000 a pasang."""
    record = caterer(offers=(OfferRecord("sepatu safety", 5, "lusin", 540_000,
                                         min_order=1),))
    prepared = prepare_enterprise(record, context)
    offer = prepared.offers[0]
    assert (offer["category_code"], offer["capacity"], offer["unit_price_idr"]) == (
        "sepatu-safety", 60, 45_000)
    assert offer["min_order"] == 12
    assert offer["unit_typed"] == "lusin"


def test_capacity_rounds_down_and_need_rounds_up(context: CatalogContext) -> None:
    """An owner's 1.5 kg is 1 kg of capacity; a park's 1.5 kg need is 2 kg to find."""
    offer = prepare_enterprise(caterer(offers=(OfferRecord("sayur", 1.5, "kg", 10_000),)),
                               context).offers[0]
    need = prepare_need(NeedRecord("IMIP", "sayur mayur", 1.5, "kg", TODAY), context)
    assert offer["capacity"] == 1
    assert need.row["quantity"] == 2


def test_every_problem_is_reported_with_its_field(context: CatalogContext) -> None:
    """A record with several faults lists them all, each naming its field."""
    record = caterer(nib="12345", district_bps_code="9999999", workers=-1,
                     offers=(OfferRecord("nasbox", -3, "porsi", 25_000),
                             OfferRecord("sayur", 10, "porsi", 5_000)))
    with pytest.raises(InvalidRecord) as raised:
        prepare_enterprise(record, context)
    fields = {problem.field for problem in raised.value.problems}
    assert fields == {"nib", "district_bps_code", "workers", "offers[0].quantity",
                      "offers[1].unit"}


def test_incompatible_unit_names_the_category(context: CatalogContext) -> None:
    """Catering sold by the kg is refused, and the message says porsi is the category's unit."""
    with pytest.raises(InvalidRecord) as raised:
        prepare_enterprise(caterer(offers=(OfferRecord("nasbox", 10, "kg", 1),)), context)
    problem = raised.value.problems[0]
    assert problem.field == "offers[0].unit"
    assert "porsi" in problem.render("en")
    assert "katering-kontrak" in problem.render("en")


def test_unrecognised_product_asks_for_a_category(context: CatalogContext) -> None:
    """A product name no alias covers is a problem on product_name, not a guess."""
    with pytest.raises(InvalidRecord) as raised:
        prepare_enterprise(caterer(offers=(OfferRecord("jual pulsa", 1, "pcs", 1),)), context)
    assert raised.value.problems[0].field == "offers[0].product_name"


def test_written_enterprise_has_offers_and_certificates(session: Session,
                                                        context: CatalogContext) -> None:
    """Writing a prepared IKM stores it with its size class, offers and certificates."""
    summary = write_enterprises([prepare_enterprise(caterer(), context)], session=session)
    assert (summary.enterprises_created, summary.offers_created,
            summary.certificates_created) == (1, 1, 1)
    enterprise = session.scalars(select(Enterprise)).one()
    assert enterprise.size_class == "kecil"
    assert enterprise.offers[0].category_status == "auto"
    assert enterprise.district.name == "Bahodopi"


def test_rewriting_same_nib_updates_instead_of_duplicating(session: Session,
                                                           context: CatalogContext) -> None:
    """The same NIB twice is one IKM, updated, even if its name was spelt differently."""
    write_enterprises([prepare_enterprise(caterer(), context)], session=session)
    summary = write_enterprises(
        [prepare_enterprise(caterer(name="KATERING BU ANI (Fatufia)", workers=8), context)],
        session=session)
    assert (summary.enterprises_created, summary.enterprises_updated) == (0, 1)
    assert count(session, Enterprise) == 1
    assert count(session, Offer) == 1
    assert session.scalars(select(Enterprise.workers)).one() == 8


def test_same_name_in_same_desa_without_nib_is_the_same_ikm(session: Session,
                                                             context: CatalogContext) -> None:
    """With no NIB, an IKM is recognised by its name within the same desa."""
    write_enterprises([prepare_enterprise(caterer(nib=None), context)], session=session)
    write_enterprises([prepare_enterprise(caterer(nib=None, name="katering  bu ani"), context)],
                      session=session)
    assert count(session, Enterprise) == 1


def test_same_name_in_another_desa_is_another_ikm(session: Session,
                                                  context: CatalogContext) -> None:
    """Two 'Katering Bu Ani' in different desa are two IKM."""
    write_enterprises([prepare_enterprise(caterer(nib=None), context),
                       prepare_enterprise(caterer(nib=None, village="Labota"), context)],
                      session=session)
    assert count(session, Enterprise) == 2


def test_same_name_in_same_desa_with_other_nib_is_another_ikm(session: Session,
                                                              context: CatalogContext) -> None:
    """Two NIBs that differ are two IKM even when their names and desa agree."""
    write_enterprises([prepare_enterprise(caterer(), context)], session=session)
    write_enterprises([prepare_enterprise(caterer(nib="9120009999999"), context),
                       prepare_enterprise(caterer(nib="9120008888888"), context)],
                      session=session)
    assert count(session, Enterprise) == 3


def test_over_long_text_is_a_problem_not_a_database_error(context: CatalogContext) -> None:
    """A phone number or product name longer than its column is reported by field."""
    record = caterer(owner_phone="0" * 31,
                     offers=(OfferRecord("nasbox " + "x" * 300, 1, "porsi", 1),))
    with pytest.raises(InvalidRecord) as raised:
        prepare_enterprise(record, context)
    assert {p.field for p in raised.value.problems} == {"owner_phone",
                                                        "offers[0].product_name"}


def test_reimport_adds_new_offers_and_keeps_old_ones(session: Session,
                                                     context: CatalogContext) -> None:
    """Re-importing with another product adds it; nothing already stored is deleted."""
    write_enterprises([prepare_enterprise(caterer(), context)], session=session)
    second = caterer(offers=(OfferRecord("sayur mayur", 200, "kg", 12_000),),
                     certificates=(CertificateRecord("PIRT", "P-IRT 2067203010123"),))
    summary = write_enterprises([prepare_enterprise(second, context)], session=session)
    assert (summary.offers_created, summary.certificates_created) == (1, 1)
    assert count(session, Offer) == 2
    assert count(session, Certificate) == 2


def test_repeated_rows_in_one_batch_merge(session: Session, context: CatalogContext) -> None:
    """The same IKM on two rows of one batch becomes one IKM with both offers."""
    first = caterer()
    second = caterer(offers=(OfferRecord("sayur", 100, "kg", 9_000),), certificates=())
    write_enterprises([prepare_enterprise(first, context), prepare_enterprise(second, context)],
                      session=session)
    assert count(session, Enterprise) == 1
    assert count(session, Offer) == 2


def test_need_is_converted_and_keeps_its_rules(session: Session,
                                               context: CatalogContext) -> None:
    """A need of 2 ton of vegetables at most Rp15.000.000/ton is 2000 kg at most Rp15.000/kg."""
    record = NeedRecord("IMIP", "sayur mayur campur", 2, "ton", TODAY + dt.timedelta(days=7),
                        required_certificates=("HALAL", "HALAL", "HYGIENE"),
                        max_unit_price_idr=15_000_000, split_allowed=False, min_lot=0.5,
                        max_suppliers=3)
    write_needs([prepare_need(record, context)], session=session)
    need = session.scalars(select(Need)).one()
    assert (need.quantity, need.max_unit_price_idr, need.min_lot) == (2000, 15_000, 500)
    assert sorted(r.kind for r in need.required_certificates) == ["HALAL", "HYGIENE"]
    assert need.category_code == "sayur-daun"
    assert need.split_allowed is False


def test_need_rules_are_checked(context: CatalogContext) -> None:
    """Unknown park, min lot above quantity and an unknown certificate are each reported."""
    record = NeedRecord("XXX", "sayur", 10, "kg", TODAY, min_lot=20,
                        required_certificates=("HALAL", "KOSHER"))
    with pytest.raises(InvalidRecord) as raised:
        prepare_need(record, context)
    assert {p.field for p in raised.value.problems} == {
        "park_code", "min_lot", "required_certificates[1]"}


def test_regions_load_with_parents_in_any_order(session: Session) -> None:
    """Children listed before their parents still find them; both codes are kept."""
    load_regions(list(reversed(REGIONS)), session=session)
    bahodopi = session.scalars(select(Region).where(Region.bps_code == "7203010")).one()
    assert bahodopi.kemendagri_code == "72.06.10"
    assert bahodopi.parent is not None
    assert bahodopi.parent.bps_code == "7203"
    load_regions(REGIONS, session=session)
    assert count(session, Region) == len(REGIONS)


def test_writing_ikm_marks_the_database_as_holding_user_data(session: Session,
                                                             context: CatalogContext) -> None:
    """Once IKM are written the database holds user data, unless it is marked as the demo."""
    assert holds_user_data(session=session)  # the IMIP park of the fixture is data already
    mark_contents("demo", session=session)
    assert not holds_user_data(session=session)
    write_enterprises([prepare_enterprise(caterer(), context)], session=session)
    assert catalog_contents(session=session) == "user"
    assert holds_user_data(session=session)


def test_stated_category_goes_through_the_normaliser_too(context: CatalogContext) -> None:
    """A stated category wins; when the normaliser agrees, its provenance is kept."""
    agreeing = OfferRecord("nasbox", 10, "porsi", 20_000, category_code="katering-kontrak")
    disagreeing = OfferRecord("nasbox", 10, "kg", 9_000, category_code="sayur-daun")
    first = prepare_enterprise(caterer(offers=(agreeing,)), context).offers[0]
    second = prepare_enterprise(caterer(offers=(disagreeing,)), context).offers[0]
    assert (first["category_code"], first["category_method"], first["category_status"]) == (
        "katering-kontrak", "exact", "auto")
    assert (second["category_code"], second["category_method"]) == ("sayur-daun", "given")

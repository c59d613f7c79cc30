"""catalog.snapshot: the catalog as numpy arrays, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from catalog import snapshot
from catalog.models import (
    CERTIFICATE_KINDS,
    PERIODS,
    Category,
    Certificate,
    Enterprise,
    Need,
    NeedCertificate,
    Offer,
    Park,
    Region,
)
from catalog.snapshot import (
    NEVER_EXPIRES,
    NO_CEILING,
    NO_LIMIT,
    UNCATEGORISED,
    OfferArrays,
    certificate_bit,
    epoch_day,
    load_need_arrays,
    load_offer_arrays,
)

# --- a small named instance: two kecamatan of Morowali, three IKM, one park ---------------


@dataclass(frozen=True)
class Morowali:
    """Ids of the rows of the instance, by the name a reader can follow."""

    bahodopi: int
    bungku_tengah: int
    park: int
    caterer: int  # Katering Ibu Sari, Bahodopi: HALAL valid, HYGIENE expired, NIB
    welder: int  # Bengkel Las Bungku: NIB and SNI
    water_depot: int  # Depot Air Fatufia: no certificates
    dormant: int  # Tahu Pak Darto: only an inactive offer, a HALAL certificate
    welding_offer: int
    nasbox_offer: int
    water_offer: int
    snack_offer: int  # the caterer's, inactive
    tofu_offer: int  # the dormant IKM's, inactive
    unsorted_offer: int  # the welder's, no category
    catering_need: int
    water_need: int
    bolts_need: int  # closed


HALAL_UNTIL = dt.date(2026, 6, 30)
HYGIENE_UNTIL = dt.date(2024, 12, 31)
SNI_UNTIL = dt.date(2030, 1, 31)


def _region(session: Session, name: str, bps: str, kemendagri: str, lat: float,
            lon: float) -> Region:
    region = Region(level="district", name=name, kind="kecamatan", bps_code=bps,
                    kemendagri_code=kemendagri, latitude=lat, longitude=lon)
    session.add(region)
    return region


def _enterprise(session: Session, name: str, district: Region, lat: float, lon: float,
                certificates: list[tuple[str, str, dt.date | None]]) -> Enterprise:
    enterprise = Enterprise(
        name=name, name_key=name.casefold(), legal_form="perorangan", district=district,
        village_key="", latitude=lat, longitude=lon, workers=4, investment_idr=50_000_000,
        size_class="mikro",
        certificates=[Certificate(kind=kind, number=number, valid_until=until)
                      for kind, number, until in certificates])
    session.add(enterprise)
    return enterprise


def _offer(session: Session, enterprise: Enterprise, name: str, category: str | None,
           capacity: int, price: int, *, period: str = "hari", min_order: int = 0,
           lead_time: int = 1, radius: int = 100, active: bool = True) -> Offer:
    offer = Offer(enterprise=enterprise, product_name=name, category_code=category,
                  capacity=capacity, period=period, unit_typed="unit", unit_price_idr=price,
                  min_order=min_order, lead_time_days=lead_time, delivery_radius_km=radius,
                  active=active)
    session.add(offer)
    # Flush one by one so offer ids follow the order of the calls, not of the enterprises.
    session.flush()
    return offer


@pytest.fixture
def morowali(session: Session) -> Morowali:
    for code, unit in [("catering_contract", "porsi"), ("water_bottled", "l"),
                       ("machining_welding", "jam"), ("fasteners", "pcs")]:
        session.add(Category(code=code, name_id=code, name_en=code, sector="test", unit=unit,
                             agro=False))
    bahodopi = _region(session, "Bahodopi", "7203060", "72.06.06", -2.83, 122.17)
    bungku = _region(session, "Bungku Tengah", "7203040", "72.06.04", -2.55, 121.97)
    session.flush()
    caterer = _enterprise(session, "Katering Ibu Sari", bahodopi, -2.81, 122.16, [
        ("HALAL", "ID31110000123", HALAL_UNTIL), ("HYGIENE", "SLHS-17", HYGIENE_UNTIL),
        ("NIB", "9120000000001", None)])
    welder = _enterprise(session, "Bengkel Las Bungku", bungku, -2.54, 121.96, [
        ("SNI", "SNI-07-2052", SNI_UNTIL), ("NIB", "9120000000002", None)])
    depot = _enterprise(session, "Depot Air Fatufia", bahodopi, -2.80, 122.15, [])
    dormant = _enterprise(session, "Tahu Pak Darto", bungku, -2.56, 121.98, [
        ("HALAL", "ID31110000999", SNI_UNTIL)])
    session.flush()
    welding = _offer(session, welder, "jasa las", "machining_welding", 160, 150_000,
                     period="minggu", lead_time=3, radius=80)
    nasbox = _offer(session, caterer, "nasbox ayam", "catering_contract", 500, 25_000,
                    min_order=50, radius=60)
    water = _offer(session, depot, "air galon", "water_bottled", 3_800, 316, period="hari",
                   lead_time=0, radius=30)
    snack = _offer(session, caterer, "snack box", "catering_contract", 200, 12_000,
                   active=False)
    tofu = _offer(session, dormant, "tahu", "catering_contract", 100, 5_000, active=False)
    unsorted = _offer(session, welder, "barang lain-lain", None, 10, 1_000, period="bulan")
    park = Park(code="IMIP", name="Indonesia Morowali Industrial Park", operator="PT IMIP",
                region_id=bahodopi.id, gate_latitude=-2.83, gate_longitude=122.16,
                workers=87_000)
    session.add(park)
    session.flush()
    catering_need = Need(park=park, product_name="nasi kotak", category_code="catering_contract",
                         quantity=30_000, period="hari", unit_typed="porsi",
                         due_date=dt.date(2025, 3, 1), max_unit_price_idr=28_000,
                         split_allowed=True, min_lot=500, max_suppliers=20,
                         max_distance_km=90, status="open",
                         required_certificates=[NeedCertificate(kind="HALAL"),
                                                NeedCertificate(kind="HYGIENE")])
    water_need = Need(park=park, product_name="AMDK galon", category_code="water_bottled",
                      quantity=50_000, period="minggu", unit_typed="l",
                      due_date=dt.date(2025, 4, 15), split_allowed=False, min_lot=0,
                      status="open", required_certificates=[NeedCertificate(kind="SNI")])
    bolts_need = Need(park=park, product_name="baut M12", category_code="fasteners",
                      quantity=1_000, period="sekali", unit_typed="pcs",
                      due_date=dt.date(2025, 1, 10), status="closed")
    session.add_all([catering_need, water_need, bolts_need])
    session.flush()
    return Morowali(
        bahodopi=bahodopi.id, bungku_tengah=bungku.id, park=park.id, caterer=caterer.id,
        welder=welder.id, water_depot=depot.id, dormant=dormant.id, welding_offer=welding.id,
        nasbox_offer=nasbox.id, water_offer=water.id, snack_offer=snack.id,
        tofu_offer=tofu.id, unsorted_offer=unsorted.id, catering_need=catering_need.id,
        water_need=water_need.id, bolts_need=bolts_need.id)


def _position(offers: OfferArrays, offer_id: int) -> int:
    return int(np.flatnonzero(offers.offer_id == offer_id)[0])


def _mask(*kinds: str) -> int:
    result = 0
    for kind in kinds:
        result |= certificate_bit(kind)
    return result


# --- offers --------------------------------------------------------------------------------


def test_offer_arrays_line_up_with_the_offer_rows(session: Session, morowali: Morowali) -> None:
    """Element i of every per-offer array describes the i-th active offer by id."""
    offers = load_offer_arrays(session=session)

    assert offers.offer_id.tolist() == [morowali.welding_offer, morowali.nasbox_offer,
                                        morowali.water_offer, morowali.unsorted_offer]
    welding = _position(offers, morowali.welding_offer)
    assert offers.enterprise_id[welding] == morowali.welder
    assert offers.category_codes[offers.category[welding]] == "machining_welding"
    assert offers.district_id[welding] == morowali.bungku_tengah
    assert (offers.latitude[welding], offers.longitude[welding]) == (-2.54, 121.96)
    assert offers.capacity[welding] == 160
    assert offers.unit_price_idr[welding] == 150_000
    assert offers.min_order[welding] == 0
    assert offers.lead_time_days[welding] == 3
    assert offers.delivery_radius_km[welding] == 80
    assert PERIODS[offers.period[welding]] == "minggu"
    nasbox = _position(offers, morowali.nasbox_offer)
    assert offers.enterprise_id[nasbox] == morowali.caterer
    assert offers.district_id[nasbox] == morowali.bahodopi
    assert offers.min_order[nasbox] == 50
    assert PERIODS[offers.period[nasbox]] == "hari"


def test_offer_arrays_have_the_declared_dtypes(session: Session, morowali: Morowali) -> None:
    """Each column has the dtype the engine is written against."""
    offers = load_offer_arrays(session=session)

    assert {item.name: getattr(offers, item.name).dtype for item in fields(offers)
            if item.name != "category_codes"} == _OFFER_DTYPES


def test_inactive_offers_are_left_out(session: Session, morowali: Morowali) -> None:
    """An inactive offer is not in the snapshot unless asked for with ``active_only=False``."""
    active = load_offer_arrays(session=session)
    everything = load_offer_arrays(session=session, active_only=False)

    assert morowali.snack_offer not in active.offer_id
    assert morowali.tofu_offer not in active.offer_id
    assert everything.offer_id.tolist() == sorted(
        [morowali.welding_offer, morowali.nasbox_offer, morowali.water_offer,
         morowali.snack_offer, morowali.tofu_offer, morowali.unsorted_offer])


def test_category_index_decodes_to_the_offer_category_code(session: Session,
                                                           morowali: Morowali) -> None:
    """``category_codes[category[i]]`` is the category code stored on offer i."""
    offers = load_offer_arrays(session=session)

    decoded = {int(offer_id): offers.category_codes[index]
               for offer_id, index in zip(offers.offer_id, offers.category, strict=True)
               if index != UNCATEGORISED}
    assert decoded == {morowali.welding_offer: "machining_welding",
                       morowali.nasbox_offer: "catering_contract",
                       morowali.water_offer: "water_bottled"}
    assert offers.category_codes == ("catering_contract", "fasteners", "machining_welding",
                                     "water_bottled")


def test_offer_without_category_is_marked_uncategorised(session: Session,
                                                       morowali: Morowali) -> None:
    """An offer the normaliser could not place gets the ``UNCATEGORISED`` index, not 0."""
    offers = load_offer_arrays(session=session)

    assert offers.category[_position(offers, morowali.unsorted_offer)] == UNCATEGORISED


def test_enterprise_index_points_at_the_offer_enterprise(session: Session,
                                                         morowali: Morowali) -> None:
    """``enterprise_ids[enterprise_index[i]]`` is the enterprise of offer i."""
    offers = load_offer_arrays(session=session)

    assert offers.enterprise_ids.tolist() == sorted(
        [morowali.caterer, morowali.welder, morowali.water_depot])
    assert np.array_equal(offers.enterprise_ids[offers.enterprise_index], offers.enterprise_id)


def test_certificate_validity_is_encoded_in_days(session: Session, morowali: Morowali) -> None:
    """Expiry dates become days since 1970-01-01, and a certificate without one never
    expires."""
    offers = load_offer_arrays(session=session)

    caterer = int(np.searchsorted(offers.enterprise_ids, morowali.caterer))
    start, end = offers.certificate_offsets[caterer], offers.certificate_offsets[caterer + 1]
    held = {CERTIFICATE_KINDS[kind]: int(until) for kind, until in zip(
        offers.certificate_kind[start:end], offers.certificate_valid_until[start:end],
        strict=True)}
    assert held == {"HALAL": epoch_day(HALAL_UNTIL), "HYGIENE": epoch_day(HYGIENE_UNTIL),
                    "NIB": NEVER_EXPIRES}
    assert epoch_day(dt.date(1970, 1, 2)) == 1


def test_expired_certificate_does_not_count(session: Session, morowali: Morowali) -> None:
    """On a day past its ``valid_until`` a certificate is not in the mask; on that day it is."""
    offers = load_offer_arrays(session=session)
    caterer = int(np.searchsorted(offers.enterprise_ids, morowali.caterer))

    last_day = offers.certificate_mask(HYGIENE_UNTIL)[caterer]
    day_after = offers.certificate_mask(HYGIENE_UNTIL + dt.timedelta(days=1))[caterer]

    assert last_day == _mask("HALAL", "HYGIENE", "NIB")
    assert day_after == _mask("HALAL", "NIB")


def test_certificate_without_expiry_counts_forever(session: Session,
                                                   morowali: Morowali) -> None:
    """A NIB (no ``valid_until``) is valid in 2100, when every dated certificate has lapsed."""
    offers = load_offer_arrays(session=session)

    masks = offers.certificate_mask(dt.date(2100, 1, 1))

    assert masks.tolist() == [_mask("NIB") if id_ != morowali.water_depot else 0
                              for id_ in offers.enterprise_ids.tolist()]


def test_holds_certificate_per_offer(session: Session, morowali: Morowali) -> None:
    """``holds_certificate`` answers for each offer from its enterprise's valid certificates."""
    offers = load_offer_arrays(session=session)

    halal = offers.holds_certificate("HALAL", dt.date(2025, 3, 1))
    sni = offers.holds_certificate("SNI", dt.date(2025, 3, 1))

    holders = offers.offer_id[halal].tolist()
    assert holders == [morowali.nasbox_offer]
    assert offers.offer_id[sni].tolist() == [morowali.welding_offer, morowali.unsorted_offer]


def test_certificates_of_enterprises_without_loaded_offers_are_left_out(
        session: Session, morowali: Morowali) -> None:
    """The certificate table holds only enterprises that have an offer in the snapshot."""
    active = load_offer_arrays(session=session)
    everything = load_offer_arrays(session=session, active_only=False)

    assert morowali.dormant not in active.enterprise_ids
    assert len(active.certificate_kind) == 5  # caterer 3, welder 2, depot 0
    assert morowali.dormant in everything.enterprise_ids
    assert len(everything.certificate_kind) == 6


def test_certificate_rows_are_grouped_by_enterprise(session: Session,
                                                    morowali: Morowali) -> None:
    """``certificate_offsets`` and ``certificate_enterprise_index`` describe the same groups."""
    offers = load_offer_arrays(session=session, active_only=False)

    counts = np.diff(offers.certificate_offsets)
    assert np.array_equal(np.repeat(np.arange(len(offers.enterprise_ids)), counts),
                          offers.certificate_enterprise_index)
    assert offers.certificate_offsets[-1] == len(offers.certificate_kind)


def test_small_chunks_give_the_same_arrays(session: Session, morowali: Morowali) -> None:
    """Streaming one row at a time builds the same snapshot as one big chunk."""
    whole = load_offer_arrays(session=session, active_only=False)
    streamed = load_offer_arrays(session=session, active_only=False, chunk_size=1)
    whole_needs = load_need_arrays(session=session, open_only=False)
    streamed_needs = load_need_arrays(session=session, open_only=False, chunk_size=1)

    for item in fields(whole):
        assert np.array_equal(getattr(whole, item.name), getattr(streamed, item.name)), item.name
    for item in fields(whole_needs):
        assert np.array_equal(getattr(whole_needs, item.name),
                              getattr(streamed_needs, item.name)), item.name


def test_chunk_size_must_be_positive(session: Session) -> None:
    """A chunk size of zero is refused with a message naming it."""
    with pytest.raises(ValueError, match="chunk_size must be positive"):
        load_offer_arrays(session=session, chunk_size=0)


def test_snapshot_arrays_are_read_only(session: Session, morowali: Morowali) -> None:
    """A snapshot cannot be changed in place by the code that reads it."""
    offers = load_offer_arrays(session=session)

    with pytest.raises(ValueError, match="read-only"):
        offers.capacity[0] = 1


def test_empty_catalog_gives_empty_arrays_of_the_declared_dtypes(session: Session) -> None:
    """With no rows both loaders return zero-length arrays with the usual dtypes."""
    offers = load_offer_arrays(session=session)
    needs = load_need_arrays(session=session)

    assert len(offers) == 0
    assert len(needs) == 0
    assert offers.category_codes == ()
    assert offers.certificate_offsets.tolist() == [0]
    assert {item.name: getattr(offers, item.name).dtype for item in fields(offers)
            if item.name != "category_codes"} == _OFFER_DTYPES
    assert {item.name: getattr(needs, item.name).dtype for item in fields(needs)
            if item.name != "category_codes"} == _NEED_DTYPES
    assert offers.certificate_mask(dt.date(2025, 1, 1)).shape == (0,)


# --- needs ---------------------------------------------------------------------------------


def test_need_arrays_carry_the_required_certificates_as_a_mask(session: Session,
                                                               morowali: Morowali) -> None:
    """Bit k of ``required_certificates`` is set when the need requires
    ``CERTIFICATE_KINDS[k]``."""
    needs = load_need_arrays(session=session, open_only=False)

    by_id = dict(zip(needs.need_id.tolist(), needs.required_certificates.tolist(), strict=True))
    assert by_id == {morowali.catering_need: _mask("HALAL", "HYGIENE"),
                     morowali.water_need: _mask("SNI"), morowali.bolts_need: 0}


def test_need_mask_against_offer_mask_finds_eligible_suppliers(session: Session,
                                                               morowali: Morowali) -> None:
    """``required & ~held == 0`` selects offers whose enterprise holds every required kind:
    the caterer fails the catering need once its hygiene certificate has lapsed."""
    offers = load_offer_arrays(session=session)
    needs = load_need_arrays(session=session)
    catering = int(np.flatnonzero(needs.need_id == morowali.catering_need)[0])
    required = needs.required_certificates[catering]

    before = offers.offer_certificate_mask(HYGIENE_UNTIL)
    after = offers.offer_certificate_mask(dt.date(2025, 3, 1))

    assert offers.offer_id[(required & ~before) == 0].tolist() == [morowali.nasbox_offer]
    assert offers.offer_id[(required & ~after) == 0].tolist() == []


def test_need_arrays_keep_only_open_needs(session: Session, morowali: Morowali) -> None:
    """A closed need is left out unless asked for with ``open_only=False``."""
    needs = load_need_arrays(session=session)

    assert needs.need_id.tolist() == [morowali.catering_need, morowali.water_need]


def test_need_arrays_line_up_with_the_need_rows(session: Session, morowali: Morowali) -> None:
    """Element i of every per-need array describes the i-th need, limits it does not set
    becoming the no-limit sentinels."""
    needs = load_need_arrays(session=session)
    catering, water = 0, 1

    assert needs.park_id.tolist() == [morowali.park, morowali.park]
    assert needs.region_id.tolist() == [morowali.bahodopi, morowali.bahodopi]
    assert (needs.latitude[catering], needs.longitude[catering]) == (-2.83, 122.16)
    assert needs.category_codes[needs.category[catering]] == "catering_contract"
    assert needs.category_codes[needs.category[water]] == "water_bottled"
    assert needs.quantity.tolist() == [30_000, 50_000]
    assert [PERIODS[p] for p in needs.period] == ["hari", "minggu"]
    assert needs.due_date.tolist() == [epoch_day(dt.date(2025, 3, 1)),
                                       epoch_day(dt.date(2025, 4, 15))]
    assert needs.max_unit_price_idr.tolist() == [28_000, NO_CEILING]
    assert needs.split_allowed.tolist() == [True, False]
    assert needs.min_lot.tolist() == [500, 0]
    assert needs.max_suppliers.tolist() == [20, NO_LIMIT]
    assert needs.max_distance_km.tolist() == [90, NO_LIMIT]


_OFFER_DTYPES = {
    "offer_id": np.int64, "enterprise_id": np.int64, "enterprise_index": np.int32,
    "category": np.int32, "district_id": np.int32, "latitude": np.float64,
    "longitude": np.float64, "capacity": np.int64, "unit_price_idr": np.int64,
    "min_order": np.int64, "lead_time_days": np.int32, "delivery_radius_km": np.int32,
    "period": np.int8, "enterprise_ids": np.int64, "certificate_offsets": np.int64,
    "certificate_enterprise_index": np.int32, "certificate_kind": np.int8,
    "certificate_valid_until": np.int32,
}
_NEED_DTYPES = {
    "need_id": np.int64, "park_id": np.int32, "region_id": np.int32, "latitude": np.float64,
    "longitude": np.float64, "category": np.int32, "quantity": np.int64, "period": np.int8,
    "due_date": np.int32, "max_unit_price_idr": np.int64, "split_allowed": np.bool_,
    "min_lot": np.int64, "max_suppliers": np.int32, "max_distance_km": np.int32,
    "required_certificates": np.int16,
}


def test_loading_leaves_the_planner_settings_as_they_were(session: Session,
                                                          morowali: Morowali) -> None:
    """The PostgreSQL planner hint the loader sets for its cursors is undone afterwards."""
    if session.connection().dialect.name != "postgresql":
        pytest.skip("only PostgreSQL plans cursors for a fraction of their rows")
    before = session.scalar(text("SELECT current_setting('cursor_tuple_fraction')"))

    load_offer_arrays(session=session)
    load_need_arrays(session=session)

    assert session.scalar(text("SELECT current_setting('cursor_tuple_fraction')")) == before


@pytest.mark.parametrize("counted", [0, 1, 100])
def test_rows_counted_wrong_still_load_exactly(session: Session, morowali: Morowali,
                                               monkeypatch: pytest.MonkeyPatch,
                                               counted: int) -> None:
    """When rows come or go between the count and the read, the arrays grow or shrink to the
    rows actually read."""
    expected = load_offer_arrays(session=session, active_only=False, chunk_size=2)
    monkeypatch.setattr(snapshot, "_count", lambda *_args: counted)

    offers = load_offer_arrays(session=session, active_only=False, chunk_size=2)

    for item in fields(offers):
        assert np.array_equal(getattr(offers, item.name), getattr(expected, item.name))

"""The agency's reports: gaps, sentra candidates, interventions and the workbook; who may read
them, what stays outside the agency's province, and which rupiah figures are withheld."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.app import create_app
from catalog.db import make_engine, make_sessionmaker, session_scope
from catalog.models import (
    Enterprise,
    MatchRun,
    Need,
    Park,
    Region,
    RunAllocation,
    RunIntervention,
    RunNeed,
    RunUnmet,
)
from catalog.records import EnterpriseRecord, NeedRecord, OfferRecord, ParkRecord, RegionRecord
from catalog.store import (
    CatalogContext,
    load_parks,
    load_regions,
    prepare_enterprise,
    prepare_need,
    write_enterprises,
    write_needs,
)

from .conftest import TODAY, headers_for
from .conftest import test_settings as app_settings

#: The landed unit cost of each grower's vegetables.
GROWER_COST = {1: 8_500, 2: 9_000, 3: 9_500}

#: Names that belong to East Java: none of them may reach the agency of Central Sulawesi.
OUTSIDE = ("Jawa Timur", "Gresik", "Manyar", "JIIPE", "Katering Gresik")

EAST_JAVA = [
    RegionRecord("35", "35", "province", "provinsi", "Jawa Timur", None, -7.5, 112.5),
    RegionRecord("3525", "35.25", "regency", "kabupaten", "Gresik", "35", -7.16, 112.65),
    RegionRecord("3525100", "35.25.10", "district", "kecamatan", "Manyar", "3525",
                 -7.12, 112.6),
]


def _grower(name: str) -> EnterpriseRecord:
    return EnterpriseRecord(name, "7203021", -2.87, 122.19, workers=3,
                            investment_idr=20_000_000, village="Labota",
                            offers=(OfferRecord(f"sayur kangkung {name}", 50, "kg", 8_000,
                                                category_code="sayur-daun"),))


def _gresik_caterer(index: int) -> EnterpriseRecord:
    return EnterpriseRecord(f"Katering Gresik {index}", "3525100", -7.12, 112.6, workers=5,
                            investment_idr=40_000_000, village="Roomo",
                            offers=(OfferRecord("nasi kotak pabrik", 400, "porsi", 22_000,
                                                category_code="katering-kontrak"),))


def _ids(session: Session, model: Any, column: Any) -> dict[str, int]:
    return dict(session.execute(select(column, model.id)).all())


def seed_reports(url: str) -> None:
    """East Java with a park and five caterers; three growers in Bahodopi; a price ceiling on
    IHIP's welding need, three vegetable needs and a catering need at IHIP; and match runs:
    an older and a newer succeeded one (the newer is current) and a failed one after them."""
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        load_regions(EAST_JAVA, session=session)
        load_parks([ParkRecord("JIIPE", "Java Integrated Industrial and Port Estate",
                               "PT BKMS", "3525100", -7.1, 112.6)], session=session)
        context = CatalogContext.load(session=session, today=TODAY)
        write_enterprises([prepare_enterprise(r, context) for r in (
            *(_grower(f"Tani Labota {i}") for i in (1, 2, 3)),
            *(_gresik_caterer(i) for i in range(1, 6)))], session=session)
        write_needs([prepare_need(record, context) for record in (
            NeedRecord("JIIPE", "katering pekerja pelabuhan", 2_000, "porsi",
                       dt.date(2026, 12, 1), category_code="katering-kontrak"),
            NeedRecord("IHIP", "katering mess ihip", 2_000, "porsi", dt.date(2026, 12, 1),
                       category_code="katering-kontrak"),
            *(NeedRecord("IHIP", f"sayur mess blok {block}", 100, "kg", dt.date(2026, 12, 1),
                         category_code="sayur-daun") for block in "ABC"))], session=session)
        needs = _ids(session, Need, Need.product_name)
        parks = _ids(session, Park, Park.code)
        firms = _ids(session, Enterprise, Enterprise.name)
        regencies = _ids(session, Region, Region.bps_code)
        las = session.get(Need, needs["jasa las perbaikan conveyor"])
        assert las is not None
        las.max_unit_price_idr = 200_000
        now = dt.datetime(2026, 11, 22, 8, tzinfo=dt.UTC)
        runs = [MatchRun(status=status, tenant="admin", created_at=now, finished_at=now,
                         horizon_days=30) for status in ("succeeded", "succeeded", "failed")]
        session.add_all(runs)
        session.flush()
        old, current = runs[0].id, runs[1].id
        catering, vegetables = needs["nasi kotak shift pagi"], needs["sayur daun dapur umum"]
        welding, port = needs["jasa las perbaikan conveyor"], needs["katering pekerja pelabuhan"]
        imip, ihip, jiipe = parks["IMIP"], parks["IHIP"], parks["JIIPE"]
        session.add_all([
            # The older run: everything unmet; it must not be what the agency reads.
            RunNeed(run_id=old, need_id=catering, park_id=imip,
                    category_code="katering-kontrak", quantity=1, served=0, local=0,
                    landed_cost_idr=0, unit_value_idr=1),
            # IMIP catering: two caterers served, the rest lacks a Halal certificate.
            RunNeed(run_id=current, need_id=catering, park_id=imip,
                    category_code="katering-kontrak", quantity=150_000, served=18_000,
                    local=18_000, landed_cost_idr=18_000 * 26_000, unit_value_idr=26_500),
            RunAllocation(run_id=current, need_id=catering, park_id=imip, offer_id=1,
                          enterprise_id=firms["Katering Bu Ani"], quantity=9_000,
                          landed_unit_cost_idr=25_500, km=5, local=True),
            RunAllocation(run_id=current, need_id=catering, park_id=imip, offer_id=2,
                          enterprise_id=firms["Katering Dua"], quantity=9_000,
                          landed_unit_cost_idr=26_500, km=5, local=True),
            RunUnmet(run_id=current, need_id=catering, park_id=imip,
                     reason="certificate_missing", quantity=132_000),
            # IMIP vegetables: three growers served (valued at the dearest one's landed cost),
            # the rest is more than anyone grows.
            RunNeed(run_id=current, need_id=vegetables, park_id=imip,
                    category_code="sayur-daun", quantity=30_000, served=3_000, local=3_000,
                    landed_cost_idr=1_000 * 27_000, unit_value_idr=9_500),
            *(RunAllocation(run_id=current, need_id=vegetables, park_id=imip, offer_id=10 + i,
                            enterprise_id=firms[f"Tani Labota {i}"], quantity=1_000,
                            landed_unit_cost_idr=GROWER_COST[i], km=3, local=True)
              for i in (1, 2, 3)),
            RunUnmet(run_id=current, need_id=vegetables, park_id=imip,
                     reason="no_offer_in_category", quantity=20_000),
            RunUnmet(run_id=current, need_id=vegetables, park_id=imip,
                     reason="capacity_taken", quantity=7_000),
            # IHIP vegetables: three needs, each served and valued by another grower.
            *(row for i, block in ((1, "A"), (2, "B"), (3, "C")) for row in (
                RunNeed(run_id=current, need_id=needs[f"sayur mess blok {block}"],
                        park_id=ihip, category_code="sayur-daun", quantity=3_000, served=500,
                        local=500, landed_cost_idr=500 * GROWER_COST[i],
                        unit_value_idr=GROWER_COST[i]),
                RunAllocation(run_id=current, need_id=needs[f"sayur mess blok {block}"],
                              park_id=ihip, offer_id=10 + i,
                              enterprise_id=firms[f"Tani Labota {i}"], quantity=500,
                              landed_unit_cost_idr=GROWER_COST[i], km=30, local=True),
                RunUnmet(run_id=current, need_id=needs[f"sayur mess blok {block}"],
                         park_id=ihip, reason="capacity_taken", quantity=2_500))),
            # IHIP catering: nothing served; valued at the cheapest caterer's price.
            RunNeed(run_id=current, need_id=needs["katering mess ihip"], park_id=ihip,
                    category_code="katering-kontrak", quantity=60_000, served=0, local=0,
                    landed_cost_idr=0, unit_value_idr=25_000),
            RunUnmet(run_id=current, need_id=needs["katering mess ihip"], park_id=ihip,
                     reason="capacity_taken", quantity=60_000),
            # IHIP welding: one workshop, but the need is valued at the park's own ceiling.
            RunNeed(run_id=current, need_id=welding, park_id=ihip, category_code="jasa-las",
                    quantity=343, served=171, local=171, landed_cost_idr=171 * 160_000,
                    unit_value_idr=200_000),
            RunAllocation(run_id=current, need_id=welding, park_id=ihip, offer_id=20,
                          enterprise_id=firms["Bengkel Las Maju"], quantity=171,
                          landed_unit_cost_idr=160_000, km=4, local=True),
            RunUnmet(run_id=current, need_id=welding, park_id=ihip, reason="capacity_taken",
                     quantity=172),
            # JIIPE (East Java): served by Gresik caterers, out of the agency's sight.
            RunNeed(run_id=current, need_id=port, park_id=jiipe,
                    category_code="katering-kontrak", quantity=60_000, served=60_000,
                    local=60_000, landed_cost_idr=60_000 * 23_000, unit_value_idr=23_000),
            *(RunAllocation(run_id=current, need_id=port, park_id=jiipe, offer_id=30 + i,
                            enterprise_id=firms[f"Katering Gresik {i}"], quantity=12_000,
                            landed_unit_cost_idr=23_000, km=8, local=True)
              for i in range(1, 6)),
            RunIntervention(run_id=current, rank=1, kind="certificate",
                            category_code="katering-kontrak", regency_id=regencies["7203"],
                            certificate_kind="HALAL", enterprises=4, estimated_units=36_000,
                            estimated_idr=36_000 * 26_000, confirmed_units=30_000,
                            confirmed_idr=30_000 * 26_000),
            RunIntervention(run_id=current, rank=2, kind="capacity",
                            category_code="sayur-daun", regency_id=regencies["7203"],
                            capacity_percent=50, enterprises=2, estimated_units=2_000,
                            estimated_idr=2_000 * 9_000),
            RunIntervention(run_id=current, rank=3, kind="certificate",
                            category_code="katering-kontrak", regency_id=regencies["3525"],
                            certificate_kind="HALAL", enterprises=5, estimated_units=1_000,
                            estimated_idr=1_000 * 23_000),
        ])
    engine.dispose()


@pytest.fixture
def reports(catalog_url: str) -> Iterator[TestClient]:
    """A client (without credentials) of the app on the seeded catalog with the reports'
    data and match runs."""
    seed_reports(catalog_url)
    with TestClient(create_app(app_settings(catalog_url))) as client:
        yield client


@pytest.fixture
def no_run(catalog_url: str) -> Iterator[TestClient]:
    """A client of the app on the seeded catalog, before any run has finished."""
    with TestClient(create_app(app_settings(catalog_url))) as client:
        yield client


def _get(client: TestClient, path: str, username: str, **headers: str) -> Any:
    response = client.get(path, headers={**headers_for(client, username), **headers})
    assert response.status_code == 200, response.text
    return response.json()


def _cell(body: Any, park: str, category: str) -> Any:
    [cell] = [c for c in body["items"] if c["park_code"] == park and c["category"] == category]
    return cell


ENDPOINTS = ["/api/v1/agency/gaps", "/api/v1/agency/sentra", "/api/v1/agency/interventions",
             "/api/v1/agency/report.xlsx"]


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(("username", "status"), [
    ("agency.sulteng", 200), ("admin", 200), ("buyer.imip", 403), ("buyer.ihip", 403),
    ("owner.ani", 403), ("owner.las", 403)])
def test_only_the_agency_and_the_admin_read_the_reports(reports: TestClient, path: str,
                                                        username: str, status: int) -> None:
    """Every agency endpoint answers the agency and the admin; the other roles get a 403
    problem."""
    response = reports.get(path, headers=headers_for(reports, username))
    assert response.status_code == status, response.text
    if status == 403:
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_reports_need_a_signed_in_principal(reports: TestClient, path: str) -> None:
    """Without credentials every agency endpoint is 401."""
    assert reports.get(path).status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/agency/gaps", "/api/v1/agency/sentra",
                                  "/api/v1/agency/interventions"])
def test_the_agency_sees_nothing_outside_its_province(reports: TestClient, path: str) -> None:
    """No park, kabupaten, kecamatan or IKM of East Java appears in the agency's answers,
    while the admin's answers hold them (so the test data is really there)."""
    agency = reports.get(path, headers=headers_for(reports, "agency.sulteng")).text
    admin = reports.get(path, headers=headers_for(reports, "admin")).text
    for name in OUTSIDE:
        assert name not in agency, (path, name)
    assert any(name in admin for name in OUTSIDE), path


def test_the_report_workbook_holds_nothing_outside_the_province(reports: TestClient) -> None:
    """Not one cell of the agency's workbook names East Java, its park or its IKM."""
    response = reports.get("/api/v1/agency/report.xlsx",
                           headers=headers_for(reports, "agency.sulteng"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    text = " ".join(str(value) for sheet in workbook.worksheets
                    for row in sheet.iter_rows(values_only=True) for value in row)
    for name in OUTSIDE:
        assert name not in text, name
    assert "Sulawesi Tengah" in text


def test_gaps_come_from_the_latest_succeeded_run(reports: TestClient) -> None:
    """The gaps are those of the newest run that succeeded (not an older one, not a failed
    one after it), per park × category, with demand, service and unmet units by reason."""
    body = _get(reports, "/api/v1/agency/gaps", "agency.sulteng")
    assert body["total"] == 5
    assert [(c["park_code"], c["category"]) for c in body["items"]] == [
        ("IHIP", "jasa-las"), ("IHIP", "katering-kontrak"), ("IHIP", "sayur-daun"),
        ("IMIP", "katering-kontrak"), ("IMIP", "sayur-daun")]
    vegetables = _cell(body, "IMIP", "sayur-daun")
    assert vegetables["demand_units"] == 30_000
    assert vegetables["served_units"] == vegetables["local_units"] == 3_000
    assert vegetables["unmet_units"] == 27_000
    assert [(u["reason"], u["units"]) for u in vegetables["unmet"]] == [
        ("no_offer_in_category", 20_000), ("capacity_taken", 7_000)]
    assert vegetables["unmet"][0]["reason_name"] == "Tidak ada IKM yang membuat produk ini"
    assert body["run"]["horizon_days"] == 30


def test_rupiah_from_three_ikm_are_shown(reports: TestClient) -> None:
    """IHIP's vegetable needs were served by three growers, each need valued at another
    grower's landed cost: local supply, demand and unmet demand show their rupiah."""
    vegetables = _cell(_get(reports, "/api/v1/agency/gaps", "agency.sulteng"),
                       "IHIP", "sayur-daun")
    costs = sum(GROWER_COST.values())
    assert vegetables["local_idr"] == 500 * costs
    assert vegetables["demand_idr"] == 3_000 * costs
    assert [(u["reason"], u["idr"]) for u in vegetables["unmet"]] == [
        ("capacity_taken", 2_500 * costs)]
    assert vegetables["suppressed"] is False
    assert vegetables["unmet"][0]["suppressed"] is False


def test_rupiah_from_fewer_than_three_ikm_are_withheld(reports: TestClient) -> None:
    """Served by two caterers, IMIP's catering cell withholds the rupiah of local supply, and
    of demand and unmet demand too (valued at the dearer caterer's landed cost); units stay."""
    catering = _cell(_get(reports, "/api/v1/agency/gaps", "admin"), "IMIP", "katering-kontrak")
    assert catering["local_idr"] is None
    assert catering["demand_idr"] is None
    assert catering["suppressed"] is True
    assert catering["local_units"] == 18_000
    [unmet] = catering["unmet"]
    assert (unmet["units"], unmet["idr"], unmet["suppressed"]) == (132_000, None, True)


def test_a_value_set_by_one_ikm_is_withheld_though_three_served(reports: TestClient) -> None:
    """IMIP's one vegetable need is valued at the dearest grower's landed cost: the rupiah of
    local supply (three growers) are shown, those of demand and unmet demand (one grower's
    price times known units) are withheld."""
    vegetables = _cell(_get(reports, "/api/v1/agency/gaps", "agency.sulteng"),
                       "IMIP", "sayur-daun")
    assert vegetables["local_idr"] == 1_000 * sum(GROWER_COST.values())
    assert vegetables["demand_idr"] is None
    assert [u["idr"] for u in vegetables["unmet"]] == [None, None]
    assert vegetables["suppressed"] is True


def test_a_value_from_the_cheapest_price_is_withheld(reports: TestClient) -> None:
    """Nothing was served to IHIP's catering need, so it is valued at the cheapest price a
    caterer asks: one IKM's price, withheld; nothing served means no local rupiah to hide."""
    catering = _cell(_get(reports, "/api/v1/agency/gaps", "agency.sulteng"),
                     "IHIP", "katering-kontrak")
    assert catering["demand_idr"] is None
    assert catering["local_idr"] == 0
    assert catering["unmet"][0]["idr"] is None


def test_a_value_at_the_parks_own_ceiling_is_not_an_ikm_price(reports: TestClient) -> None:
    """One workshop served IHIP's welding: its rupiah of local supply is withheld, but demand
    and unmet demand valued at the park's own price ceiling are shown."""
    welding = _cell(_get(reports, "/api/v1/agency/gaps", "agency.sulteng"), "IHIP", "jasa-las")
    assert welding["local_idr"] is None
    assert welding["demand_idr"] == 343 * 200_000
    assert welding["unmet"][0]["idr"] == 172 * 200_000
    assert welding["suppressed"] is True


def test_gaps_filter_by_park_and_category_and_page(reports: TestClient) -> None:
    """``park`` and ``category`` narrow the cells; pages follow ``next_cursor``."""
    imip = _get(reports, "/api/v1/agency/gaps?park=IMIP", "agency.sulteng")
    assert {c["park_code"] for c in imip["items"]} == {"IMIP"}
    assert imip["total"] == 2
    assert _get(reports, "/api/v1/agency/gaps?park=IHIP&category=jasa-las",
                "agency.sulteng")["total"] == 1
    vegetables = _get(reports, "/api/v1/agency/gaps?category=sayur-daun", "agency.sulteng")
    assert [c["category"] for c in vegetables["items"]] == ["sayur-daun", "sayur-daun"]
    first = _get(reports, "/api/v1/agency/gaps?limit=3", "agency.sulteng")
    assert len(first["items"]) == 3
    second = _get(reports, f"/api/v1/agency/gaps?limit=3&cursor={first['next_cursor']}",
                  "agency.sulteng")
    assert [(c["park_code"], c["category"]) for c in second["items"]] == [
        ("IMIP", "katering-kontrak"), ("IMIP", "sayur-daun")]
    assert second["next_cursor"] is None


def test_a_park_outside_the_province_filters_to_nothing(reports: TestClient) -> None:
    """Asking the agency's gaps for JIIPE (East Java) finds nothing, not JIIPE's cells."""
    body = _get(reports, "/api/v1/agency/gaps?park=JIIPE", "agency.sulteng")
    assert body["items"] == []
    assert body["total"] == 0


@pytest.mark.parametrize("path", ["/api/v1/agency/gaps", "/api/v1/agency/interventions"])
def test_before_any_run_gaps_and_interventions_are_409(no_run: TestClient, path: str) -> None:
    """Without a finished run the run's reports are a 409 problem saying so."""
    response = no_run.get(path, headers=headers_for(no_run, "agency.sulteng"))
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "Belum ada pencocokan yang selesai."


def test_sentra_candidates_at_both_levels(reports: TestClient) -> None:
    """Five caterers in Bahodopi, all in desa Fatufia, are a candidate at kecamatan and at
    desa level, with their capacity over the horizon and IMIP's unmet catering; three growers
    are not enough."""
    body = _get(reports, "/api/v1/agency/sentra", "agency.sulteng")
    assert body["total"] == 2
    kecamatan, desa = body["items"]
    assert (kecamatan["level"], desa["level"]) == ("kecamatan", "desa")
    for item in body["items"]:
        assert item["category"] == "katering-kontrak"
        assert item["district_name"] == "Bahodopi"
        assert item["regency_name"] == "Morowali"
        assert item["enterprises"] == 5
        assert item["capacity"] == 5 * 300 * 30
        # IMIP's and IHIP's unmet catering, valued at one caterer's cost or price each.
        assert item["unmet_units"] == 132_000 + 60_000
        assert item["unmet_idr"] is None
        assert item["suppressed"] is True
    assert kecamatan["village"] is None
    assert desa["village"] == "Fatufia"


def test_sentra_filters_and_the_admin_sees_every_province(reports: TestClient) -> None:
    """``level`` picks one level; the admin also sees Manyar's caterers, whose unmet demand
    at JIIPE is none."""
    desa = _get(reports, "/api/v1/agency/sentra?level=desa", "agency.sulteng")
    assert [i["level"] for i in desa["items"]] == ["desa"]
    admin = _get(reports, "/api/v1/agency/sentra?level=kecamatan", "admin")
    manyar = [i for i in admin["items"] if i["district_name"] == "Manyar"]
    assert len(manyar) == 1
    assert (manyar[0]["unmet_units"], manyar[0]["unmet_idr"]) == (0, 0)
    assert _get(reports, "/api/v1/agency/sentra?category=sayur-daun", "admin")["total"] == 0


def test_sentra_without_a_run_still_lists_candidates(no_run: TestClient) -> None:
    """Before any run the candidates are listed; their unmet demand is unknown (null)."""
    body = _get(no_run, "/api/v1/agency/sentra", "agency.sulteng")
    assert body["run"] is None
    assert body["total"] == 2
    assert body["items"][0]["unmet_units"] is None
    assert body["items"][0]["suppressed"] is False


def test_interventions_with_names_ranked_and_withheld(reports: TestClient) -> None:
    """Interventions come by rank with category, kabupaten and certificate names; the rupiah
    of a group of fewer than three IKM are withheld."""
    body = _get(reports, "/api/v1/agency/interventions", "agency.sulteng")
    assert [i["rank"] for i in body["items"]] == [1, 2]
    halal, capacity = body["items"]
    assert halal["regency_name"] == "Morowali"
    assert halal["certificate_name"] == "Sertifikat Halal (BPJPH)"
    assert halal["category_name"] == "Katering kontrak (kantin kawasan)"
    assert (halal["estimated_units"], halal["estimated_idr"]) == (36_000, 36_000 * 26_000)
    assert (halal["confirmed_units"], halal["confirmed_idr"]) == (30_000, 30_000 * 26_000)
    assert (capacity["capacity_percent"], capacity["estimated_idr"]) == (50, None)
    assert capacity["suppressed"] is True
    english = _get(reports, "/api/v1/agency/interventions?lang=en", "agency.sulteng")
    assert english["items"][0]["certificate_name"] == "Halal certificate (BPJPH)"


def test_report_is_a_workbook_with_the_four_sheets(reports: TestClient) -> None:
    """The report is an XLSX attachment with a filename, the sheets Ringkasan, Kesenjangan,
    Sentra and Intervensi, Indonesian headers, and withheld figures left empty."""
    response = reports.get("/api/v1/agency/report.xlsx",
                           headers=headers_for(reports, "agency.sulteng"))
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="simpul-laporan-dinas-72-')
    assert disposition.endswith('.xlsx"')
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Ringkasan", "Kesenjangan", "Sentra", "Intervensi"]
    gaps = list(workbook["Kesenjangan"].iter_rows(values_only=True))
    header = gaps[0]
    assert header[:3] == ("Kawasan", "Nama kawasan", "Kategori")
    rows = {(row[0], row[2]): dict(zip(header, row, strict=True)) for row in gaps[1:]}
    assert set(rows) == {("IHIP", "jasa-las"), ("IHIP", "katering-kontrak"),
                         ("IHIP", "sayur-daun"), ("IMIP", "katering-kontrak"),
                         ("IMIP", "sayur-daun")}
    assert rows["IMIP", "katering-kontrak"]["Dari IKM lokal (Rp)"] is None
    assert rows["IMIP", "katering-kontrak"]["Ditahan (< 3 IKM)"] == "ya"
    assert rows["IMIP", "sayur-daun"]["Dari IKM lokal (Rp)"] == 1_000 * 27_000
    ihip = rows["IHIP", "sayur-daun"]
    assert ihip["Kebutuhan (Rp)"] == 3_000 * 27_000
    assert ihip["Kapasitas IKM sudah terpakai (Rp)"] == 3 * 2_500 * 9_000
    assert ihip["Ditahan (< 3 IKM)"] == "tidak"
    sentra = list(workbook["Sentra"].iter_rows(values_only=True))
    assert len(sentra) == 3
    interventions = list(workbook["Intervensi"].iter_rows(values_only=True))
    assert [row[0] for row in interventions[1:]] == [1, 2]


def test_report_speaks_english_when_asked(reports: TestClient) -> None:
    """With ``Accept-Language: en`` (or ``?lang=en``) sheets and headers are in English."""
    for headers, query in (({"Accept-Language": "en"}, ""), ({}, "?lang=en")):
        response = reports.get(f"/api/v1/agency/report.xlsx{query}",
                               headers={**headers_for(reports, "admin"), **headers})
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == ["Summary", "Gaps", "Sentra", "Interventions"]
        assert next(workbook["Gaps"].iter_rows(values_only=True))[0] == "Park"
        assert "simpul-agency-report-semua-" in response.headers["content-disposition"]


def test_report_before_any_run_says_so(no_run: TestClient) -> None:
    """Before any run the workbook still opens: the summary says no run has finished and the
    sentra sheet lists the candidates."""
    response = no_run.get("/api/v1/agency/report.xlsx",
                          headers=headers_for(no_run, "agency.sulteng"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = list(workbook["Ringkasan"].iter_rows(values_only=True))
    assert ("Pencocokan", "Belum ada pencocokan yang selesai") in summary
    assert len(list(workbook["Sentra"].iter_rows(values_only=True))) == 3
    assert len(list(workbook["Kesenjangan"].iter_rows(values_only=True))) == 1


@pytest.mark.parametrize(("query", "field"), [("limit=0", "limit"), ("cursor=x", "cursor"),
                                              ("level=provinsi", "level")])
def test_bad_parameters_are_422_naming_them(reports: TestClient, query: str,
                                            field: str) -> None:
    """A bad paging or filter parameter is a 422 problem naming it."""
    response = reports.get(f"/api/v1/agency/sentra?{query}",
                           headers=headers_for(reports, "admin"))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]

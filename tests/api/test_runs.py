"""Match runs over HTTP, with the worker's job executed in this process: queueing, limits, the
views of each role (no other tenant's data anywhere), failures and supersession; on SQLite and
PostgreSQL. Worker processes and the dispatcher are in ``test_runs_worker.py``."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text, update

from api.app import create_app
from api.matchrun import run_match
from api.runs.dispatcher import RESTART_ERROR, fail_interrupted_runs
from api.runs.worker import HOLD_DIR_VARIABLE, execute_run, snapshot_sessionmaker
from api.settings import Settings
from catalog.db import make_engine, make_sessionmaker, session_scope
from catalog.models import (
    AuditEvent,
    Enterprise,
    MatchRun,
    Need,
    Park,
    RunAllocation,
    RunIntervention,
    RunNearMiss,
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

from .conftest import headers_for
from .conftest import test_settings as app_settings

RESULT_TABLES = (RunNeed, RunAllocation, RunUnmet, RunNearMiss, RunIntervention)
#: A province of its own, with a park and an IKM of its own: the agency of Central Sulawesi
#: must see nothing of it.
JAVA = [
    RegionRecord("35", "35", "province", "provinsi", "Jawa Timur", None, -7.5, 112.5),
    RegionRecord("3525", "35.25", "regency", "kabupaten", "Gresik", "35", -7.15, 112.6),
    RegionRecord("3525100", "35.25.10", "district", "kecamatan", "Manyar", "3525", -7.1, 112.6),
]
JIIPE = ParkRecord("JIIPE", "Java Integrated Industrial and Port Estate", "PT BKMS",
                   "3525100", -7.1, 112.6)
KARDUS = EnterpriseRecord("Kardus Gresik Jaya", "3525100", -7.1, 112.6, workers=12,
                          investment_idr=500_000_000,
                          offers=(OfferRecord("kardus packing", 5_000, "pcs", 4_321,
                                              category_code="kardus"),))
#: Each IKM's price, to look for in bodies that must not show it.
PRICES = {"Katering Bu Ani": "25000", "Bengkel Las Maju": "150000",
          "Kardus Gresik Jaya": "4321"}


def prepare_run_catalog(url: str) -> None:
    """The seeded catalog made ready to match today: every need due in 30 days, the IHIP
    welding need open (so each Morowali park wins something), and a park and IKM in East Java
    with a need it wins."""
    due = dt.date.today() + dt.timedelta(days=30)
    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            load_regions(JAVA, session=session)
            load_parks([JIIPE], session=session)
            context = CatalogContext.load(session=session)
            write_enterprises([prepare_enterprise(KARDUS, context)], session=session)
            write_needs([prepare_need(NeedRecord("JIIPE", "kardus kemasan produk", 3_000, "pcs",
                                                 due, category_code="kardus"), context)],
                        session=session)
            session.execute(update(Need).values(due_date=due))
            session.execute(update(Need).where(Need.product_name.like("jasa las%"))
                            .values(status="open"))
    finally:
        engine.dispose()


@pytest.fixture
def runs_url(catalog_url: str) -> str:
    """The seeded catalog prepared by :func:`prepare_run_catalog`."""
    prepare_run_catalog(catalog_url)
    return catalog_url


@pytest.fixture
def api(runs_url: str) -> Iterator[TestClient]:
    """A client of the app without a dispatcher: runs stay queued until a test executes them."""
    with TestClient(create_app(app_settings(runs_url))) as client:
        yield client


def queue(client: TestClient, username: str = "admin", **body: Any) -> int:
    """Queue a run as ``username``; its id."""
    response = client.post("/api/v1/runs", json=body or None,
                           headers=headers_for(client, username))
    assert response.status_code == 202, response.text
    return int(response.json()["id"])


def execute(url: str, run_id: int) -> str:
    """Execute run ``run_id`` in this process, as its worker would."""
    engine = make_engine(url)
    try:
        return execute_run(run_id, engine=engine)
    finally:
        engine.dispose()


def ids_of(url: str) -> dict[str, int]:
    """Ids of the parks, IKM and needs of the prepared catalog, by code or name."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            found = dict(session.execute(select(Park.code, Park.id)).all())
            found |= dict(session.execute(select(Enterprise.name, Enterprise.id)).all())
            found |= dict(session.execute(select(Need.product_name, Need.id)).all())
            return found
    finally:
        engine.dispose()


def result_counts(url: str, run_id: int) -> dict[str, int]:
    """Rows of each result table belonging to run ``run_id``."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return {model.__tablename__: session.scalar(
                select(func.count()).select_from(model).where(model.run_id == run_id)) or 0
                for model in RESULT_TABLES}
    finally:
        engine.dispose()


def stored_run(url: str, run_id: int) -> MatchRun:
    """The run's row as it is in the database now."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            run = session.get(MatchRun, run_id)
            assert run is not None
            return run
    finally:
        engine.dispose()


def get(client: TestClient, path: str, username: str) -> Any:
    return client.get(f"/api/v1{path}", headers=headers_for(client, username))


@pytest.fixture
def finished(api: TestClient, runs_url: str) -> tuple[TestClient, int]:
    """A run queued by the admin and executed: the client and the run's id."""
    run_id = queue(api)
    assert execute(runs_url, run_id) == "succeeded"
    return api, run_id


# --- queueing ------------------------------------------------------------------------------


def test_post_answers_202_with_location_and_never_runs_in_the_request(
        api: TestClient, runs_url: str) -> None:
    """POST /runs answers 202 with the queued run and its Location; nothing is executed (no
    dispatcher, so the run stays queued with no results); the audit log records the run."""
    response = api.post("/api/v1/runs", json={"seed": 7, "time_limit_s": 5, "horizon_days": 7},
                        headers=headers_for(api, "buyer.imip"))
    assert response.status_code == 202
    body = response.json()
    assert response.headers["location"] == f"/api/v1/runs/{body['id']}"
    assert (body["status"], body["progress"], body["phase"]) == ("queued", 0, "queued")
    assert (body["seed"], body["time_limit_s"], body["horizon_days"]) == (7, 5.0, 7)
    assert body["mine"] is True
    assert body["current"] is False
    assert body["figures"] is None
    assert stored_run(runs_url, body["id"]).status == "queued"
    assert sum(result_counts(runs_url, body["id"]).values()) == 0
    engine = make_engine(runs_url)
    with make_sessionmaker(engine)() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "run")).one()
    engine.dispose()
    assert (event.username, event.object_type, event.object_id) == (
        "buyer.imip", "run", str(body["id"]))
    assert json.loads(event.changes) == {"seed": 7, "time_limit_s": 5.0, "horizon_days": 7}


def test_an_empty_body_takes_the_service_defaults(api: TestClient) -> None:
    """Without a body a run takes seed 0, the configured time limit and 30 days."""
    response = api.post("/api/v1/runs", headers=headers_for(api, "agency.sulteng"))
    assert response.status_code == 202, response.text
    body = response.json()
    assert (body["seed"], body["time_limit_s"], body["horizon_days"]) == (
        0, Settings().run_time_limit_s, 30)


def test_ikm_owners_may_not_queue_runs(api: TestClient) -> None:
    """Queueing a run is for parks, the agency and admins: an IKM owner gets 403."""
    response = api.post("/api/v1/runs", json={}, headers=headers_for(api, "owner.ani"))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("body", "field"), [
    ({"status": "succeeded"}, "status"),
    ({"time_limit_s": 0}, "time_limit_s"),
    ({"time_limit_s": 100_000}, "time_limit_s"),
    ({"horizon_days": 0}, "horizon_days"),
    ({"seed": -1}, "seed"),
    ({"seed": "nol"}, "seed"),
])
def test_bad_run_bodies_are_422_naming_the_field(api: TestClient, body: dict[str, Any],
                                                 field: str) -> None:
    """Unknown fields and values out of bounds are refused, naming the field; nothing is
    queued."""
    response = api.post("/api/v1/runs", json=body, headers=headers_for(api, "admin"))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert get(api, "/runs", "admin").json()["total"] == 0


def test_a_tenant_may_have_only_so_many_runs_queued_or_running(api: TestClient,
                                                               runs_url: str) -> None:
    """The third run of one park while two are queued or running is 429 (problem+json);
    another park is a tenant of its own; a finished run frees its place."""
    first, second = queue(api, "buyer.imip"), queue(api, "buyer.imip")
    refused = api.post("/api/v1/runs", json={}, headers=headers_for(api, "buyer.imip"))
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "urn:simpul:problem:run-limit"
    queue(api, "buyer.ihip")
    assert execute(runs_url, first) == "succeeded"
    queue(api, "buyer.imip")
    assert stored_run(runs_url, second).status == "queued"


def test_a_retried_post_queues_one_run(api: TestClient) -> None:
    """Two POSTs with one Idempotency-Key queue one run; the retry gets the first answer."""
    headers = {**headers_for(api, "buyer.imip"), "Idempotency-Key": "run-2026-12-01"}
    first = api.post("/api/v1/runs", json={"seed": 3}, headers=headers)
    retry = api.post("/api/v1/runs", json={"seed": 3}, headers=headers)
    assert (first.status_code, retry.status_code) == (202, 202)
    assert retry.json()["id"] == first.json()["id"]
    assert retry.headers["location"] == first.headers["location"]
    assert get(api, "/runs", "admin").json()["total"] == 1


def test_parallel_requests_cannot_pass_the_tenant_limit(api: TestClient) -> None:
    """Ten POSTs of one tenant at once queue exactly the limit (2); the others are 429."""
    headers = headers_for(api, "agency.sulteng")
    with ThreadPoolExecutor(10) as pool:
        codes = sorted(pool.map(lambda _: api.post("/api/v1/runs", json={},
                                                   headers=headers).status_code, range(10)))
    assert codes == [202, 202] + [429] * 8


# --- reading runs --------------------------------------------------------------------------


def test_every_role_reads_run_metadata_without_tenant_data(finished: tuple[TestClient, int]
                                                          ) -> None:
    """GET /runs and /runs/{id} answer every role with status, progress and solver figures,
    and nothing about whose run it is beyond ``mine``."""
    client, run_id = finished
    for username in ("buyer.imip", "owner.ani", "agency.sulteng", "admin"):
        body = get(client, f"/runs/{run_id}", username).json()
        assert (body["status"], body["progress"], body["phase"]) == ("succeeded", 100, "done")
        assert body["current"] is True
        assert body["mine"] is (username == "admin")
        assert "tenant" not in body
        assert "requested_by" not in body
        assert body["started_at"]
        assert body["finished_at"]
        assert body["error"] is None
        figures = body["figures"]
        assert figures["solver_status"] == "optimal"
        assert figures["candidates_complete"]
        assert figures["arcs"] >= 3
        assert figures["allocations"] == 3
        assert figures["units_served"] == figures["units_served_locally"] > 0
        assert {"load", "match", "match_solve", "near_misses"} <= set(figures["seconds"])
        listed = get(client, "/runs", username).json()
        assert [r["id"] for r in listed["items"]] == [run_id]


def test_runs_list_by_id_and_status(api: TestClient, runs_url: str) -> None:
    """Runs are listed oldest first; ``status`` filters; ``cursor`` walks on."""
    first, second = queue(api), queue(api)
    execute(runs_url, first)
    assert [r["id"] for r in get(api, "/runs", "admin").json()["items"]] == [first, second]
    assert [r["id"] for r in get(api, "/runs?status=queued", "admin").json()["items"]] == [
        second]
    page = get(api, "/runs?limit=1", "admin").json()
    assert page["next_cursor"] == str(first)
    assert [r["id"] for r in get(api, f"/runs?limit=1&cursor={first}", "admin").json()[
        "items"]] == [second]


def test_unknown_runs_are_404_and_unfinished_results_409(api: TestClient) -> None:
    """A run that does not exist is 404; the results of a queued run are 409, problem+json."""
    assert get(api, "/runs/999", "admin").status_code == 404
    run_id = queue(api)
    for path in ("allocations", "unmet"):
        response = get(api, f"/runs/{run_id}/{path}", "admin")
        assert response.status_code == 409
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "urn:simpul:problem:run-not-finished"
        assert get(api, f"/runs/999/{path}", "admin").status_code == 404


# --- who sees which allocations ------------------------------------------------------------

#: username → (view, IKM whose allocations it sees, names that must not appear anywhere).
ALLOCATION_VIEWS: dict[str, tuple[str, set[str], set[str]]] = {
    "admin": ("admin", {"Katering Bu Ani", "Bengkel Las Maju", "Kardus Gresik Jaya"}, set()),
    "buyer.imip": ("park", {"Katering Bu Ani"},
                   {"Bengkel Las Maju", "Kardus Gresik Jaya", "jasa las", "kardus kemasan"}),
    "buyer.ihip": ("park", {"Bengkel Las Maju"},
                   {"Katering", "Kardus Gresik Jaya", "nasi kotak", "kardus kemasan"}),
    "owner.ani": ("owner", {"Katering Bu Ani"},
                  {"Bengkel Las Maju", "Kardus Gresik Jaya", "jasa las", "kardus kemasan",
                   "Katering Dua", "IHIP", "JIIPE"}),
    "owner.las": ("owner", {"Bengkel Las Maju"},
                  {"Katering", "Kardus Gresik Jaya", "nasi kotak", "kardus kemasan", "IMIP",
                   "JIIPE"}),
    "agency.sulteng": ("agency", {"Katering Bu Ani", "Bengkel Las Maju"},
                       {"Kardus Gresik Jaya", "kardus kemasan", "JIIPE"}),
}


@pytest.mark.parametrize("username", sorted(ALLOCATION_VIEWS))
def test_allocations_are_filtered_for_each_role(finished: tuple[TestClient, int],
                                                runs_url: str, username: str) -> None:
    """Each role sees its own allocations only, in its own model: no other tenant's IKM,
    needs or parks anywhere in the body; rupiah only for the park paying and the IKM paid
    (and admins); the agency gets none."""
    client, run_id = finished
    view, enterprises, hidden = ALLOCATION_VIEWS[username]
    ids = ids_of(runs_url)
    response = get(client, f"/runs/{run_id}/allocations", username)
    assert response.status_code == 200
    body = response.json()
    assert body["view"] == view
    assert body["total"] == len(enterprises)
    assert {ids[name] for name in enterprises} == {a["enterprise_id"] for a in body["items"]}
    for name in hidden:
        assert name not in response.text
    for name, price in PRICES.items():
        if name not in enterprises or view == "agency":
            assert price not in response.text
    keys = set(body["items"][0])
    assert ("landed_unit_cost_idr" in keys) is (view != "agency")
    assert ("offer_id" in keys) is (view in ("admin", "owner"))
    assert ("enterprise_name" in keys) is (view != "owner")


def test_park_buyers_see_name_quantity_cost_and_local(finished: tuple[TestClient, int],
                                                      runs_url: str) -> None:
    """IMIP's buyer sees Katering Bu Ani serving its Halal need: 300 porsi a day for 30
    days at Rp 25,000 landed, local."""
    client, run_id = finished
    items = get(client, f"/runs/{run_id}/allocations", "buyer.imip").json()["items"]
    assert [(a["need_product_name"], a["enterprise_name"], a["quantity"],
             a["landed_unit_cost_idr"], a["local"]) for a in items] == [
        ("nasi kotak shift pagi", "Katering Bu Ani", 9_000, 25_000, True)]


HALAL, VEGETABLES, WELDING = ("nasi kotak shift pagi", "sayur daun dapur umum",
                              "jasa las perbaikan conveyor")
#: username → (needs whose unmet demand it sees, what must not appear in the body).
UNMET_VIEWS: dict[str, tuple[set[str], set[str]]] = {
    "admin": ({HALAL, VEGETABLES, WELDING}, set()),
    "buyer.imip": ({HALAL, VEGETABLES}, {WELDING, "IHIP", "JIIPE", "kardus"}),
    "buyer.ihip": ({WELDING}, {HALAL, VEGETABLES, "IMIP", "JIIPE", "kardus"}),
    "agency.sulteng": ({HALAL, VEGETABLES, WELDING}, {"JIIPE", "kardus"}),
}


@pytest.mark.parametrize("username", sorted(UNMET_VIEWS))
def test_unmet_demand_is_filtered_for_each_role(finished: tuple[TestClient, int],
                                                username: str) -> None:
    """Unmet needs are those of the reader's park (its province; everything for an admin),
    with reasons adding up to the unmet units; nothing of another park appears."""
    client, run_id = finished
    visible, hidden = UNMET_VIEWS[username]
    response = get(client, f"/runs/{run_id}/unmet", username)
    assert response.status_code == 200
    items = response.json()["items"]
    assert {u["need_product_name"] for u in items} == visible
    for unmet in items:
        assert sum(unmet["reasons"].values()) == unmet["unmet"] == (
            unmet["quantity"] - unmet["served"]) > 0
    for name in hidden:
        assert name not in response.text


def test_the_halal_need_is_unmet_for_the_missing_certificate(
        finished: tuple[TestClient, int]) -> None:
    """Four caterers without Halal: their capacity is certificate_missing; the rest has no
    IKM at all."""
    client, run_id = finished
    items = get(client, f"/runs/{run_id}/unmet", "buyer.imip").json()["items"]
    halal = next(u for u in items if u["need_product_name"] == "nasi kotak shift pagi")
    assert halal["reasons"] == {"certificate_missing": 4 * 9_000,
                                "no_offer_in_category": 150_000 - 5 * 9_000}


def test_ikm_owners_may_not_read_unmet_demand(finished: tuple[TestClient, int]) -> None:
    """Unmet demand is the parks' business: an IKM owner gets 403 (its near misses are in its
    opportunities)."""
    client, run_id = finished
    assert get(client, f"/runs/{run_id}/unmet", "owner.ani").status_code == 403


# --- opportunities -------------------------------------------------------------------------


def test_an_owner_sees_what_it_won_and_its_near_misses(finished: tuple[TestClient, int],
                                                       runs_url: str) -> None:
    """Katering Bu Ani won 9,000 porsi of IMIP's Halal need at Rp 25,000, and would win more
    with more capacity; nothing of any other IKM is in the body."""
    client, run_id = finished
    ids = ids_of(runs_url)
    response = get(client, f"/enterprises/{ids['Katering Bu Ani']}/opportunities", "owner.ani")
    assert response.status_code == 200
    body = response.json()
    assert body["view"] == "owner"
    assert body["run"]["id"] == run_id
    assert [(w["need_product_name"], w["park_code"], w["quantity"], w["landed_unit_cost_idr"],
             w["category_code"]) for w in body["won"]] == [
        ("nasi kotak shift pagi", "IMIP", 9_000, 25_000, "katering-kontrak")]
    assert [(m["kind"], m["rule"], m["need_product_name"]) for m in body["near_misses"]] == [
        ("capacity", "capacity_full", "nasi kotak shift pagi")]
    miss = body["near_misses"][0]
    assert miss["added_capacity"] > 0
    assert miss["at_stake_idr"] == 150_000 * 25_000
    assert miss["unit_price_idr"] is None
    assert miss["certificates"] is None
    for name in ("Katering Dua", "Bengkel Las Maju", "Kardus Gresik Jaya", "jasa las",
                 "150000", "4321"):
        assert name not in response.text


def test_near_misses_name_the_certificate_to_obtain(finished: tuple[TestClient, int],
                                                    runs_url: str) -> None:
    """A caterer without Halal misses the Halal need for that one certificate, by kind name."""
    client, _ = finished
    ids = ids_of(runs_url)
    body = get(client, f"/enterprises/{ids['Katering Dua']}/opportunities", "admin").json()
    assert body["won"] == []
    assert [(m["kind"], m["certificates"]) for m in body["near_misses"]] == [
        ("certificate", ["HALAL"])]


@pytest.mark.parametrize(("username", "enterprise", "status"), [
    ("owner.ani", "Katering Bu Ani", 200),
    ("owner.ani", "Bengkel Las Maju", 404),
    ("owner.las", "Katering Bu Ani", 404),
    ("agency.sulteng", "Katering Bu Ani", 200),
    ("agency.sulteng", "Kardus Gresik Jaya", 404),
    ("admin", "Kardus Gresik Jaya", 200),
    ("buyer.imip", "Katering Bu Ani", 403),
    ("buyer.imip", "Bengkel Las Maju", 403),
])
def test_opportunities_are_for_the_owner_the_agency_of_its_province_and_admins(
        finished: tuple[TestClient, int], runs_url: str, username: str, enterprise: str,
        status: int) -> None:
    """Another IKM's owner, or the agency of another province, is told the IKM is not found
    (out of scope, 404); a park buyer may not read opportunities at all (out of role, 403);
    errors are problem+json and show nothing of the IKM."""
    client, _ = finished
    response = get(client, f"/enterprises/{ids_of(runs_url)[enterprise]}/opportunities",
                   username)
    assert response.status_code == status
    if status != 200:
        assert response.headers["content-type"] == "application/problem+json"
        assert enterprise not in response.text
        assert "nasi kotak" not in response.text


def test_the_agency_sees_opportunities_without_rupiah(finished: tuple[TestClient, int],
                                                      runs_url: str) -> None:
    """The agency reads an IKM of its province in its own model: what it won and the kind of
    each near miss, but no price, landed cost or rupiah at stake."""
    client, _ = finished
    response = get(client, f"/enterprises/{ids_of(runs_url)['Katering Bu Ani']}/opportunities",
                   "agency.sulteng")
    body = response.json()
    assert body["view"] == "agency"
    assert [(w["quantity"], w["park_code"]) for w in body["won"]] == [(9_000, "IMIP")]
    assert [m["kind"] for m in body["near_misses"]] == ["capacity"]
    for key in ("landed_unit_cost_idr", "at_stake_idr", "unit_price_idr", "25000"):
        assert key not in response.text


def test_opportunities_before_any_run_are_409_and_unknown_ikm_404(api: TestClient,
                                                                  runs_url: str) -> None:
    """Without a succeeded run the answer is 409 (problem+json); an IKM that does not exist is
    404 whatever the runs."""
    ani = ids_of(runs_url)["Katering Bu Ani"]
    response = get(api, f"/enterprises/{ani}/opportunities", "owner.ani")
    assert response.status_code == 409
    assert response.json()["type"] == "urn:simpul:problem:no-run"
    assert get(api, "/enterprises/99999/opportunities", "admin").status_code == 404


# --- superseding, failing, equivalence -----------------------------------------------------


def test_a_newer_run_supersedes_and_older_results_stay(finished: tuple[TestClient, int],
                                                       runs_url: str) -> None:
    """After a second run succeeds, opportunities read it and it is ``current``; the first
    run's results are unchanged and still readable."""
    client, first = finished
    before = get(client, f"/runs/{first}/allocations", "admin").json()
    counts = result_counts(runs_url, first)
    second = queue(client)
    assert execute(runs_url, second) == "succeeded"
    ani = ids_of(runs_url)["Katering Bu Ani"]
    assert get(client, f"/enterprises/{ani}/opportunities", "owner.ani").json()[
        "run"]["id"] == second
    assert get(client, f"/runs/{second}", "admin").json()["current"] is True
    assert get(client, f"/runs/{first}", "admin").json()["current"] is False
    assert get(client, f"/runs/{first}/allocations", "admin").json() == before
    assert result_counts(runs_url, first) == counts


def test_the_worker_stores_what_run_match_finds(finished: tuple[TestClient, int],
                                                runs_url: str) -> None:
    """The allocations and unmet units the worker stored are those of ``run_match`` (the
    ``simpul match`` path) on the same catalog."""
    client, run_id = finished
    engine = make_engine(runs_url)
    try:
        with make_sessionmaker(engine)() as session:
            expected = run_match(session=session).to_dict()
    finally:
        engine.dispose()
    stored = get(client, f"/runs/{run_id}/allocations", "admin").json()["items"]
    assert sorted((a["need_id"], a["offer_id"], a["quantity"], a["landed_unit_cost_idr"])
                  for a in stored) == sorted(
        (a["need_id"], a["offer_id"], a["quantity"], a["landed_unit_cost"])
        for a in expected["allocations"])
    unmet = get(client, f"/runs/{run_id}/unmet", "admin").json()["items"]
    assert {u["need_id"]: u["reasons"] for u in unmet} == {
        u["need_id"]: u["reasons"] for u in expected["unmet"]}
    assert get(client, f"/runs/{run_id}", "admin").json()["figures"]["objective"] == (
        expected["objective"])


def test_an_engine_error_fails_the_run_with_its_message(api: TestClient,
                                                        runs_url: str) -> None:
    """A run the engine refuses (a time limit of 0, written past the API's checks) is failed
    with the engine's message, and nothing of it is stored."""
    run_id = queue(api)
    engine = make_engine(runs_url)
    with session_scope(make_sessionmaker(engine)) as session:
        session.execute(update(MatchRun).where(MatchRun.id == run_id).values(time_limit_s=0))
    engine.dispose()
    assert execute(runs_url, run_id) == "failed"
    body = get(api, f"/runs/{run_id}", "buyer.imip").json()
    assert (body["status"], body["phase"]) == ("failed", "failed")
    assert "time limit must be positive" in body["error"]
    assert body["finished_at"]
    assert sum(result_counts(runs_url, run_id).values()) == 0


def test_a_failure_while_saving_leaves_nothing_partial(api: TestClient, runs_url: str,
                                                       tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """An error after every result row was inserted, before the commit, rolls all of them
    back: the run is failed and has no rows in any result table."""
    monkeypatch.setenv(HOLD_DIR_VARIABLE, str(tmp_path))
    (tmp_path / "results.fail").touch()
    run_id = queue(api)
    assert execute(runs_url, run_id) == "failed"
    assert "InjectedFailure" in stored_run(runs_url, run_id).error  # type: ignore[operator]
    assert sum(result_counts(runs_url, run_id).values()) == 0


def test_a_run_taken_back_while_it_runs_writes_nothing(api: TestClient, runs_url: str,
                                                       tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """When a restarting service marks a run failed while its (orphaned) worker still runs,
    the worker stops at its next step and writes nothing; the run stays failed."""
    monkeypatch.setenv(HOLD_DIR_VARIABLE, str(tmp_path))
    (tmp_path / "snapshot.hold").touch()
    run_id = queue(api)
    outcome: list[str] = []
    worker = threading.Thread(target=lambda: outcome.append(execute(runs_url, run_id)))
    worker.start()
    wait_for_file(tmp_path / "snapshot.reached")
    engine = make_engine(runs_url)
    with session_scope(make_sessionmaker(engine, writes=True)) as session:
        assert fail_interrupted_runs(session=session) == [run_id]
    engine.dispose()
    (tmp_path / "snapshot.hold").unlink()
    worker.join(timeout=120)
    assert outcome == ["taken"]
    run = stored_run(runs_url, run_id)
    assert (run.status, run.error) == ("failed", RESTART_ERROR)
    assert sum(result_counts(runs_url, run_id).values()) == 0


def wait_for_file(path: Path, timeout_s: float = 120.0) -> None:
    """Wait until ``path`` exists (a worker reached a checkpoint)."""
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"{path.name} did not appear within {timeout_s} s")
        time.sleep(0.02)


def test_the_snapshot_is_read_only_and_repeatable(runs_url: str) -> None:
    """The worker's snapshot transaction does not see a need committed after its first read
    (PostgreSQL: REPEATABLE READ, READ ONLY; SQLite: one WAL read transaction)."""
    engine = make_engine(runs_url)
    try:
        with session_scope(snapshot_sessionmaker(engine)) as snapshot:
            before = snapshot.scalar(select(func.count()).select_from(Need))
            if engine.dialect.name == "postgresql":
                assert snapshot.scalar(text("SHOW transaction_isolation")) == "repeatable read"
                assert snapshot.scalar(text("SHOW transaction_read_only")) == "on"
            with session_scope(make_sessionmaker(engine, writes=True)) as writer:
                writer.execute(update(Need).where(Need.id == 1).values(quantity=1))
                context = CatalogContext.load(session=writer)
                write_needs([prepare_need(NeedRecord(
                    "IMIP", "telur ayam dapur", 2_500, "butir", dt.date.today(),
                    category_code="telur-ayam"), context)], session=writer)
            assert snapshot.scalar(select(func.count()).select_from(Need)) == before
            assert snapshot.scalar(select(Need.quantity).where(Need.id == 1)) != 1
        with make_sessionmaker(engine)() as fresh:
            assert fresh.scalar(select(func.count()).select_from(Need)) == (before or 0) + 1
    finally:
        engine.dispose()

"""The agency's pages under ``/dinas``: who may open them (the agency and the admin, as the
API), that they show what the API's agency endpoints show the same principal (its province
only, withheld rupiah withheld), the charts and the map drawn as inline SVG from the catalog's
coordinates, the review queue answered through the API's use case, match runs queued with the
tenant's limit, the XLSX report, English, and errors as pages. The chart and map geometry is
checked pure, without a database."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from api.app import create_app
from api.pages.agency import charts
from api.settings import Settings
from catalog.db import make_engine, make_sessionmaker
from catalog.models import AuditEvent, MatchRun, Need, Region

from ..api.conftest import headers_for
from ..api.test_review import seed_queue
from .conftest import csrf_of, sign_in

VIEWBOX = re.compile(r'<svg id="(?P<id>[a-z-]+)" viewBox="0 0 (?P<w>[\d.]+) (?P<h>[\d.]+)"')


def _db(url: str) -> Any:
    engine = make_engine(url)
    return engine, make_sessionmaker(engine)()


def _api(client: TestClient, path: str, username: str = "agency.sulteng") -> Any:
    response = client.get(f"/api/v1{path}", headers=headers_for(client, username))
    assert response.status_code == 200, response.text
    return response.json()


def _svg(html: str, svg_id: str) -> str:
    start = html.index(f'<svg id="{svg_id}"')
    return html[start:html.index("</svg>", start)]


@pytest.fixture
def agency(matched: TestClient) -> TestClient:
    """The agency of Central Sulawesi signed in, on a catalog with a finished run."""
    assert sign_in(matched, "agency.sulteng").status_code == 303
    return matched


# --- the geometry, pure ----------------------------------------------------------------------


def test_each_share_bar_fills_the_width_in_proportion() -> None:
    """A cell of 30 local, 10 from elsewhere and 60 unmet units is three segments of 30 %,
    10 % and 60 % of the chart's width, side by side; an empty segment is left out."""
    chart = charts.share_bars([("IMIP · katering", "30% lokal", 30, 10, 60),
                               ("IHIP · las", "0% lokal", 0, 0, 5)])
    first, second = chart.bars
    assert [(s.key, round(s.share, 2)) for s in first.segments] == [
        ("local", 0.3), ("elsewhere", 0.1), ("unmet", 0.6)]
    assert first.segments[1].x == pytest.approx(first.segments[0].width)
    assert sum(s.width for s in first.segments) == pytest.approx(charts.CHART_WIDTH)
    assert [s.key for s in second.segments] == ["unmet"]
    assert second.y > first.y + chart.bar_height
    assert chart.height >= second.y + chart.bar_height


def test_reason_bars_colour_each_reason_and_cut_long_labels() -> None:
    """Unmet units by reason are segments coloured per reason; a long label is cut with an
    ellipsis and kept whole beside it."""
    long = "IMIP · " + "Katering kontrak (kantin kawasan) untuk pekerja shift"
    chart = charts.reason_bars([(long, "", [("certificate_missing", 3), ("too_far", 1)])])
    (bar,) = chart.bars
    assert [s.colour for s in bar.segments] == [charts.REASON_COLOURS["certificate_missing"],
                                                charts.REASON_COLOURS["too_far"]]
    assert bar.label.endswith("…")
    assert len(bar.label) <= charts.LABEL_CHARACTERS
    assert bar.full_label == long


def test_the_projection_fits_the_bounding_box_north_up() -> None:
    """Every point lies inside the viewBox with a margin; north is up and east is right; a
    degree of longitude is shorter than one of latitude by the cosine of the latitude."""
    points = [(-2.87, 122.19), (-1.95, 121.45), (-2.55, 121.96), (-2.81, 122.16)]
    projection = charts.project(points)
    drawn = [projection.point(lat, lon) for lat, lon in points]
    for x, y in drawn:
        assert 0 < x < projection.width
        assert 0 < y < projection.height
    (bahodopi_x, bahodopi_y), (petasia_x, petasia_y) = drawn[0], drawn[1]
    assert petasia_y < bahodopi_y  # further north, higher up
    assert petasia_x < bahodopi_x  # further west, further left
    assert projection.scale_x == pytest.approx(
        projection.scale_y * 0.99904, rel=1e-3)  # cos(2.41°)


def test_one_place_is_a_map_too() -> None:
    """A single point (or none) is drawn in the middle of a map of the minimum size."""
    projection = charts.project([(-2.0, 121.0)])
    x, y = projection.point(-2.0, 121.0)
    assert x == pytest.approx(projection.width / 2, abs=0.1)
    assert y == pytest.approx(projection.height / 2, abs=0.1)
    assert charts.project([]).height >= 220


# --- who may open them -----------------------------------------------------------------------


def test_the_agency_starts_on_its_dashboard(matched: TestClient) -> None:
    """Signing in sends the agency to ``/dinas/dasbor``; its menu links the agency's pages."""
    response = sign_in(matched, "agency.sulteng")
    assert response.headers["location"] == "/dinas/dasbor"
    html = matched.get("/dinas/dasbor").text
    for path in ("/dinas/dasbor", "/dinas/peta", "/dinas/tinjauan", "/dinas/pencocokan",
                 "/kebutuhan"):
        assert f'href="{path}"' in html
    assert matched.get("/dinas", follow_redirects=False).headers["location"] == "/dinas/dasbor"


@pytest.mark.parametrize("username", ["buyer.imip", "owner.ani"])
@pytest.mark.parametrize("path", ["/dinas/dasbor", "/dinas/peta", "/dinas/sentra",
                                  "/dinas/intervensi", "/dinas/tinjauan", "/dinas/pencocokan",
                                  "/dinas/laporan.xlsx"])
def test_other_roles_get_a_forbidden_page(client: TestClient, username: str,
                                          path: str) -> None:
    """A park buyer and an IKM owner get a 403 page, as the API's ``/agency`` answers 403."""
    sign_in(client, username)
    response = client.get(path)
    assert response.status_code == 403
    assert "Peran Anda tidak bisa membuka halaman ini." in response.text


def test_nobody_signed_in_is_sent_to_sign_in(client: TestClient) -> None:
    """Without a sign-in the page sends the browser to ``/`` and back afterwards."""
    response = client.get("/dinas/peta", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/?needed=1&next=%2Fdinas%2Fpeta"


# --- the dashboard ---------------------------------------------------------------------------


def test_the_dashboard_shows_the_apis_gaps_with_the_same_withholding(
        agency: TestClient) -> None:
    """Every park × category of ``GET /agency/gaps`` is a bar of each chart and a row of the
    tables, with its units; a rupiah figure the API withholds is "ditahan" here, one it shows
    is shown."""
    gaps = _api(agency, "/agency/gaps")
    html = agency.get("/dinas/dasbor").text
    shares = _svg(html, "share-chart")
    assert "<title id=\"share-title\">" in shares
    assert "<desc id=\"share-desc\">" in shares
    assert shares.count('<g class="bar">') == gaps["total"] == len(gaps["items"])
    unmet_cells = [c for c in gaps["items"] if c["unmet_units"] > 0]
    assert _svg(html, "unmet-chart").count('<g class="bar">') == len(unmet_cells)
    table = html[html.index('id="share-table"'):html.index("</table>",
                                                              html.index('id="share-table"'))]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    assert len(rows) == len(gaps["items"])
    for cell, row in zip(gaps["items"], rows, strict=True):
        assert f"<td>{cell['park_code']}</td>" in row
        assert f"{cell['demand_units']:,}".replace(",", ".") in row
        withheld = row.count('class="withheld"')
        assert withheld == (cell["demand_idr"] is None) + (cell["local_idr"] is None)
    reasons = {u["reason_name"] for c in unmet_cells for u in c["unmet"]}
    for name in reasons:
        assert name in html
    assert "Sertifikat yang diminta tidak dimiliki atau kedaluwarsa" in html
    assert "JIIPE" not in html  # a park of East Java


def test_the_admin_sees_every_province_and_may_filter_by_park(matched: TestClient) -> None:
    """The admin's dashboard holds the parks of every province (JIIPE in East Java); the
    park filter narrows it to one, as the API's ``park=``."""
    sign_in(matched, "admin")
    html = matched.get("/dinas/dasbor").text
    assert "JIIPE · " in _svg(html, "share-chart")
    only = matched.get("/dinas/dasbor?kawasan=JIIPE").text
    bars = _svg(only, "share-chart")
    assert bars.count('<g class="bar">') == _api(matched, "/agency/gaps?park=JIIPE",
                                                 "admin")["total"]
    assert "IMIP · " not in bars


def test_before_any_run_the_dashboard_says_so(client: TestClient) -> None:
    """Without a finished run (the API's 409) the dashboard and the interventions say no run
    has finished and link to starting one; the sentra table still answers."""
    sign_in(client, "agency.sulteng")
    for path in ("/dinas/dasbor", "/dinas/intervensi"):
        response = client.get(path)
        assert response.status_code == 200
        assert "Belum ada pencocokan yang selesai." in response.text
        assert 'href="/dinas/pencocokan"' in response.text
        assert "<svg id=\"share-chart\"" not in response.text
    assert "Bahodopi" in client.get("/dinas/sentra").text


def test_the_dashboard_in_english(agency: TestClient) -> None:
    """``?lang=en`` gives the dashboard in English, reasons and categories included."""
    html = agency.get("/dinas/dasbor?lang=en").text
    assert '<html lang="en">' in html
    assert "Local share of park demand" in html
    assert "A required certificate is missing or expired" in html
    assert "Contract catering" in html


# --- the map ---------------------------------------------------------------------------------


def test_the_map_draws_the_provinces_places_inside_its_box(agency: TestClient) -> None:
    """Kabupaten, kecamatan, parks, IKM and sentra candidates of Central Sulawesi are drawn
    inside the viewBox, labelled, with a legend and the same figures in a table; nothing of
    East Java, and nothing loaded from elsewhere (no tiles)."""
    html = agency.get("/dinas/peta").text
    svg = _svg(html, "map")
    box = VIEWBOX.search(html[html.index('<svg id="map"'):])
    assert box is not None
    width, height = float(box["w"]), float(box["h"])
    for x, y in re.findall(r'<circle cx="([\d.-]+)" cy="([\d.-]+)"', svg):
        assert 0 <= float(x) <= width
        assert 0 <= float(y) <= height
    for name in ("Morowali", "Morowali Utara", "Bahodopi", "Bungku Tengah", "Petasia Timur",
                 "IMIP", "IHIP"):
        assert f">{name}</text>" in svg, name
    assert '<title id="map-title">' in svg
    assert '<desc id="map-desc">' in svg
    sentra = _api(agency, "/agency/sentra")
    assert svg.count('class="m-sentra"') == len({c["district_bps_code"]
                                                 for c in sentra["items"]})
    assert "IKM (7)" in html  # not Kardus Gresik Jaya, in East Java
    assert "Kawasan industri (2)" in html
    table = html[html.index('id="map-table"'):]
    assert re.search(r"<td>Bahodopi</td><td>Morowali</td><td class=\"num\">5</td>\s*"
                     r"<td>IMIP</td><td class=\"num\">\d+</td>", table)
    assert "Manyar" not in html
    assert "JIIPE" not in html
    assert "http" not in svg


# --- sentra and interventions ----------------------------------------------------------------


def test_the_sentra_table_is_the_apis(agency: TestClient) -> None:
    """The candidates of ``GET /agency/sentra`` in its order, with capacity, unmet units and
    the unmet rupiah withheld where the API withholds them."""
    sentra = _api(agency, "/agency/sentra")
    html = agency.get("/dinas/sentra").text
    table = html[html.index('id="sentra-table"'):]
    rows = re.findall(r"<tr>(.*?)</tr>", table[:table.index("</table>")], re.S)[1:]
    assert len(rows) == sentra["total"] > 0
    for item, row in zip(sentra["items"], rows, strict=True):
        assert item["district_name"] in row
        assert f"{item['capacity']:,}".replace(",", ".") in row
        assert ('class="withheld"' in row) == item["suppressed"]


def test_the_interventions_are_the_apis_by_rank(agency: TestClient) -> None:
    """The interventions of ``GET /agency/interventions``, by rank, withheld alike."""
    items = _api(agency, "/agency/interventions")["items"]
    html = agency.get("/dinas/intervensi").text
    if not items:
        assert "tidak menemukan intervensi" in html
        return
    table = html[html.index('id="interventions-table"'):]
    rows = re.findall(r"<tr>(.*?)</tr>", table[:table.index("</table>")], re.S)[1:]
    assert [int(re.search(r'<td class="num">(\d+)</td>', r)[1]) for r in rows] == [  # type: ignore[index]
        i["rank"] for i in items]
    for item, row in zip(items, rows, strict=True):
        assert item["regency_name"] in row
        assert ('class="withheld"' in row) == (item["estimated_idr"] is None)


# --- the report ------------------------------------------------------------------------------


def test_the_report_is_the_apis_workbook(agency: TestClient) -> None:
    """``/dinas/laporan.xlsx`` with the sign-in cookie is the workbook of ``GET
    /agency/report.xlsx``: the same sheets and the same rows (in English with ``lang=en``)."""
    page = agency.get("/dinas/laporan.xlsx")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="simpul-laporan-dinas-72-' in page.headers["content-disposition"]
    api = agency.get("/api/v1/agency/report.xlsx", headers=headers_for(agency, "agency.sulteng"))
    ours, theirs = (load_workbook(io.BytesIO(r.content)) for r in (page, api))
    assert ours.sheetnames == theirs.sheetnames == ["Ringkasan", "Kesenjangan", "Sentra",
                                                   "Intervensi"]
    for name in ours.sheetnames[1:]:
        assert list(ours[name].values) == list(theirs[name].values), name
    english = load_workbook(io.BytesIO(agency.get("/dinas/laporan.xlsx?lang=en").content))
    assert english.sheetnames[0] == "Summary"


# --- the review queue ------------------------------------------------------------------------


@pytest.fixture
def reviewing(client: TestClient, pages_url: str) -> tuple[TestClient, dict[str, int]]:
    """The agency signed in on the seeded catalog with unsure offers and needs (of Central
    Sulawesi and of East Java), and their ids by name."""
    ids = seed_queue(pages_url)
    sign_in(client, "agency.sulteng")
    return client, ids


def _answer(client: TestClient, item: str, **fields: str) -> Any:
    token = csrf_of(client.get("/dinas/tinjauan").text)
    return client.post(f"/dinas/tinjauan/{item}", data={"csrf_token": token, **fields},
                       follow_redirects=False)


def test_the_queue_is_the_apis_for_the_province(
        reviewing: tuple[TestClient, dict[str, int]]) -> None:
    """The queue lists the items of ``GET /review`` in order, each with its suggestion and
    buttons to confirm it or move it to a runner-up; nothing of East Java."""
    client, _ids = reviewing
    queue = _api(client, "/review?limit=20")
    html = client.get("/dinas/tinjauan").text
    listed = re.findall(r'<li class="queue-item" id="item-([a-z]+-\d+)">', html)
    assert listed == [item["id"] for item in queue["items"]]
    assert "Konfirmasi: Sayuran daun" in html
    assert "Pindah ke " in html
    for outside in ("galon pelabuhan", "nasi box gresik"):
        assert outside not in html


def test_confirming_in_the_page_is_the_apis_confirmation(
        reviewing: tuple[TestClient, dict[str, int]], pages_url: str) -> None:
    """"Konfirmasi" confirms the suggestion as ``POST /review/{id}`` does: the need takes it
    with status confirmed, method person, an audit event; back to the queue saying so, and
    the item has left it."""
    client, ids = reviewing
    item = f"need-{ids['sayur campur dapur']}"
    response = _answer(client, item, action="confirm")
    assert response.status_code == 303
    assert response.headers["location"] == f"/dinas/tinjauan?dijawab={item}"
    html = client.get(response.headers["location"]).text
    assert "Tersimpan: “sayur campur dapur” kini berkategori Sayuran daun." in html
    assert f'id="item-{item}"' not in html
    engine, session = _db(pages_url)
    try:
        need = session.get(Need, ids["sayur campur dapur"])
        assert (need.category_code, need.category_status, need.category_method) == (
            "sayur-daun", "confirmed", "person")
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "confirm", AuditEvent.object_id == str(need.id))) == 1
    finally:
        session.close()
        engine.dispose()
    assert item not in [i["id"] for i in _api(client, "/review")["items"]]


def test_correcting_to_another_category_converts_the_unit(
        reviewing: tuple[TestClient, dict[str, int]], pages_url: str) -> None:
    """A correction from the item's page moves water by the litre to clean water by the
    cubic metre, converting the quantity as the API does."""
    client, ids = reviewing
    item = f"need-{ids['air tangki mess']}"
    page = client.get(f"/dinas/tinjauan/{item}").text
    assert '<label for="category_code">Kategori yang benar</label>' in page
    response = _answer(client, item, action="correct", category_code="air-bersih", **{
        "from": "item"})
    assert response.status_code == 303
    engine, session = _db(pages_url)
    try:
        need = session.get(Need, ids["air tangki mess"])
        assert (need.category_code, need.quantity, need.max_unit_price_idr) == (
            "air-bersih", 30, 50_000)
    finally:
        session.close()
        engine.dispose()


def test_a_correction_that_cannot_be_made_is_said_and_changes_nothing(
        reviewing: tuple[TestClient, dict[str, int]], pages_url: str) -> None:
    """Vegetables by the kilogram cannot become catering portions: the item's form again
    (422) with the catalog's message at the category, the choice kept, nothing written."""
    client, ids = reviewing
    item = f"need-{ids['sayur campur dapur']}"
    response = _answer(client, item, action="correct", category_code="katering-kontrak",
                       **{"from": "item"})
    assert response.status_code == 422
    assert re.search(r'id="category_code"[^>]*aria-describedby="category_code-hint '
                     r'category_code-error"', response.text)
    assert '<option value="katering-kontrak" selected>' in response.text
    assert "Ada 1 isian yang perlu diperbaiki." in response.text
    engine, session = _db(pages_url)
    try:
        need = session.get(Need, ids["sayur campur dapur"])
        assert (need.category_code, need.category_status) == ("sayur-daun", "review")
    finally:
        session.close()
        engine.dispose()


def test_another_provinces_item_is_a_not_found_page(
        reviewing: tuple[TestClient, dict[str, int]]) -> None:
    """JIIPE's need is not found for the agency of Central Sulawesi, to open or to answer,
    as the API answers 404 for it."""
    client, ids = reviewing
    item = f"need-{ids['galon pelabuhan']}"
    assert client.get(f"/dinas/tinjauan/{item}").status_code == 404
    response = _answer(client, item, action="confirm")
    assert response.status_code == 404
    assert "tidak ditemukan, atau bukan bagian Anda" in response.text
    assert client.post(f"/api/v1/review/{item}", json={"action": "confirm"},
                       headers=headers_for(client, "agency.sulteng")).status_code == 404
    assert client.get("/dinas/tinjauan/enterprise-1").status_code == 404


def test_an_answer_without_the_forms_token_is_refused(
        reviewing: tuple[TestClient, dict[str, int]], pages_url: str) -> None:
    """A POST without the CSRF field is a 403 page and changes nothing."""
    client, ids = reviewing
    response = client.post(f"/dinas/tinjauan/need-{ids['sayur campur dapur']}",
                           data={"action": "confirm"})
    assert response.status_code == 403
    assert "Formulir ini kedaluwarsa" in response.text
    engine, session = _db(pages_url)
    try:
        assert session.get(Need, ids["sayur campur dapur"]).category_status == "review"
    finally:
        session.close()
        engine.dispose()


# --- match runs ------------------------------------------------------------------------------


def _start(client: TestClient, **fields: str) -> Any:
    token = csrf_of(client.get("/dinas/pencocokan").text)
    return client.post("/dinas/pencocokan", data={"csrf_token": token, **fields},
                       follow_redirects=False)


def test_starting_a_run_queues_it_for_the_province(agency: TestClient,
                                                   pages_url: str) -> None:
    """The form queues a run as ``POST /runs`` does (the province's tenant, audited) and
    leads to its page, whose status part the script polls; without script a link reloads."""
    response = _start(agency, horizon_days="14", time_limit_s="", seed="3")
    assert response.status_code == 303
    path = response.headers["location"]
    run_id = int(path.rsplit("/", 1)[1])
    engine, session = _db(pages_url)
    try:
        run = session.get(MatchRun, run_id)
        province = session.scalar(select(Region.id).where(Region.bps_code == "72"))
        assert (run.status, run.horizon_days, run.seed, run.tenant) == (
            "queued", 14, 3, f"province:{province}")
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "run", AuditEvent.object_id == str(run_id))) == 1
    finally:
        session.close()
        engine.dispose()
    html = agency.get(path).text
    assert f'data-poll="/dinas/pencocokan/{run_id}/status"' in html
    assert 'src="/static/agency.js"' in html
    assert "Muat ulang untuk melihat kemajuan" in html
    part = agency.get(f"{path}/status")
    assert part.status_code == 200
    assert part.text.lstrip().startswith('<div id="run-status"')
    assert "Menunggu giliran" in part.text
    assert "<html" not in part.text


def test_the_same_run_form_sent_twice_starts_one_run(agency: TestClient,
                                                    pages_url: str) -> None:
    """A double click (the form sent again with its key) leads to the run the first one
    started; a form shown again starts another."""
    def runs() -> int:
        engine, session = _db(pages_url)
        try:
            return session.scalar(select(func.count()).select_from(MatchRun)) or 0
        finally:
            session.close()
            engine.dispose()

    before = runs()
    page = agency.get("/dinas/pencocokan").text
    key = re.search(r'name="form_key" value="([0-9a-f]{32})"', page)
    assert key is not None
    data = {"csrf_token": csrf_of(page), "form_key": key.group(1), "horizon_days": "14"}
    first = agency.post("/dinas/pencocokan", data=data, follow_redirects=False)
    again = agency.post("/dinas/pencocokan", data=data, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert runs() == before + 1
    other = _start(agency)
    assert other.status_code == 303
    assert other.headers["location"] != first.headers["location"]


def test_the_tenants_limit_is_said_in_words(agency: TestClient) -> None:
    """With ``SIMPUL_RUNS_PER_TENANT`` (2) runs of the province queued, a third is refused
    (429, as the API's run-limit) with the reason in the page and the form as typed."""
    for _ in range(2):
        assert _start(agency).status_code == 303
    response = _start(agency, horizon_days="21")
    assert response.status_code == 429
    assert ("Sudah ada 2 pencocokan antre atau berjalan untuk wilayah Anda; tunggu sampai "
            "selesai, lalu coba lagi.") in response.text
    assert 'value="21"' in response.text
    api = agency.post("/api/v1/runs", headers=headers_for(agency, "agency.sulteng"))
    assert api.status_code == 429


def test_a_wrong_run_field_is_named(agency: TestClient) -> None:
    """A horizon of 0 days is 422 with the API's message next to the field."""
    response = _start(agency, horizon_days="0")
    assert response.status_code == 422
    assert '<span class="error" id="horizon_days-error">' in response.text
    assert 'value="0"' in response.text


def test_a_finished_run_says_so_and_an_unknown_one_is_not_found(agency: TestClient) -> None:
    """The finished run's status part has no poll and links to the dashboard; a run that does
    not exist is a 404 page."""
    run_id = _api(agency, "/runs")["items"][-1]["id"]
    part = agency.get(f"/dinas/pencocokan/{run_id}/status").text
    assert "data-poll" not in part
    assert "Pencocokan selesai." in part
    assert 'href="/dinas/dasbor"' in part
    assert agency.get("/dinas/pencocokan/999999").status_code == 404


def test_the_runs_page_lists_the_newest_first(agency: TestClient) -> None:
    """The newest runs are listed first, the current one marked."""
    _start(agency)
    html = agency.get("/dinas/pencocokan").text
    ids = [int(i) for i in re.findall(r'<a href="/dinas/pencocokan/(\d+)">', html)]
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == 2
    assert "terkini" in html


def test_the_run_limit_is_the_services_setting(pages_url: str) -> None:
    """With ``runs_per_tenant=1`` the second run is already refused."""
    settings = Settings(database_url=pages_url, run_dispatcher=False, runs_per_tenant=1)
    with TestClient(create_app(settings)) as client:
        sign_in(client, "agency.sulteng")
        assert _start(client).status_code == 303
        assert _start(client).status_code == 429

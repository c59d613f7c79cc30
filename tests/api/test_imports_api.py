"""Importing IKM through ``POST /api/v1/imports``: who may, what a dry run, a bad file and an
oversized upload do (write nothing), what a good file writes, and that the agency cannot
import into, or overwrite an IKM of, another province."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from api.settings import Settings
from catalog.db import make_engine, make_sessionmaker, session_scope
from catalog.models import AuditEvent, Enterprise, Offer, Region
from catalog.records import RegionRecord
from catalog.store import load_regions

from .conftest import headers_for

HEADER = "Nama IKM,NIB,Kode Kecamatan,Produk,Kategori,Kapasitas,Satuan,Harga (Rp)\n"
GOOD = "Katering Baru,,7203021,nasi kotak ayam,katering-kontrak,200,porsi,24000\n"
NEGATIVE = "Katering Minus,,7203021,nasi kotak,katering-kontrak,-5,porsi,25000\n"
NOWHERE = "Bengkel Entah,,9999999,las pagar,jasa-las,10,jam,100000\n"
GRESIK_NIB = "3525000000001"
EAST_JAVA = [
    RegionRecord("35", "35", "province", "provinsi", "Jawa Timur", None, -7.5, 112.5),
    RegionRecord("3525", "35.25", "regency", "kabupaten", "Gresik", "35", -7.16, 112.65),
    RegionRecord("3525100", "35.25.10", "district", "kecamatan", "Manyar", "3525",
                 -7.12, 112.6),
]


def seed_east_java(url: str) -> None:
    """Gresik's kecamatan Manyar and one IKM there, with a NIB."""
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        load_regions(EAST_JAVA, session=session)
        manyar = session.scalar(select(Region.id).where(Region.bps_code == "3525100"))
        session.add(Enterprise(name="Katering Gresik Jaya", name_key="katering gresik jaya",
                               nib=GRESIK_NIB, legal_form="UD", district_id=manyar,
                               latitude=-7.12, longitude=112.6, workers=6,
                               investment_idr=50_000_000, size_class="kecil"))
    engine.dispose()


def _client(url: str, **settings: Any) -> TestClient:
    return TestClient(create_app(Settings(database_url=url, run_dispatcher=False, **settings)))


@pytest.fixture
def importing(catalog_url: str) -> Iterator[TestClient]:
    """A client of the app on the seeded catalog with an IKM in East Java."""
    seed_east_java(catalog_url)
    with _client(catalog_url) as client:
        yield client


def _post(client: TestClient, content: bytes | str, *, username: str = "admin",
          name: str = "ikm.csv", media: str = "text/csv", **fields: str) -> Any:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post("/api/v1/imports", files={"file": (name, data, media)}, data=fields,
                       headers=headers_for(client, username))


def _count(client: TestClient, model: Any = Enterprise) -> int:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with make_sessionmaker(engine)() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _audits(client: TestClient) -> list[AuditEvent]:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with make_sessionmaker(engine)() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "import")))


def _problem(response: Any) -> Any:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


@pytest.mark.parametrize(("username", "status"), [
    ("agency.sulteng", 200), ("admin", 200), ("buyer.imip", 403), ("buyer.ihip", 403),
    ("owner.ani", 403), ("owner.las", 403)])
def test_only_the_agency_and_the_admin_import(importing: TestClient, username: str,
                                              status: int) -> None:
    """The agency and the admin may import; the other roles get 403 and nothing is written."""
    before = _count(importing)
    response = _post(importing, HEADER + GOOD, username=username)
    assert response.status_code == status, response.text
    assert _count(importing) == before + (1 if status == 200 else 0)


def test_a_good_file_writes_summarises_and_is_audited(importing: TestClient) -> None:
    """A clean file is written: rows, IKM and what was created, and an audit event naming the
    file; importing it again updates rather than duplicates."""
    before = _count(importing)
    body = _post(importing, HEADER + GOOD).json()
    assert (body["rows"], body["enterprises"], body["valid_rows"], body["written"]) == (
        1, 1, 1, True)
    assert body["summary"]["enterprises_created"] == 1
    assert body["summary"]["offers_created"] == 1
    assert (body["problems"], body["problem_count"], body["dry_run"]) == ([], 0, False)
    assert _count(importing) == before + 1
    [event] = _audits(importing)
    changes = json.loads(event.changes)
    assert (event.username, changes["file"], changes["enterprises_created"]) == (
        "admin", "ikm.csv", 1)
    again = _post(importing, HEADER + GOOD).json()
    assert (again["summary"]["enterprises_created"], again["summary"]["offers_created"]) == (
        0, 0)
    assert _count(importing) == before + 1


def test_a_dry_run_writes_nothing(importing: TestClient) -> None:
    """``dry_run`` checks the file and answers what it holds, writing nothing, not even an
    audit event."""
    before, offers = _count(importing), _count(importing, Offer)
    body = _post(importing, HEADER + GOOD, dry_run="true").json()
    assert (body["dry_run"], body["written"], body["summary"], body["rows"]) == (
        True, False, None, 1)
    assert (_count(importing), _count(importing, Offer)) == (before, offers)
    assert _audits(importing) == []


@pytest.mark.parametrize("dry_run", ["false", "true"])
def test_a_bad_file_writes_nothing_and_names_each_row(importing: TestClient,
                                                      dry_run: str) -> None:
    """A file with bad rows is a 422 problem listing each row, column and reason, and nothing
    of it is written (the good row neither), on a dry run too."""
    before = _count(importing)
    problem = _problem(_post(importing, HEADER + GOOD + NEGATIVE + NOWHERE, dry_run=dry_run))
    assert problem["type"] == "urn:simpul:problem:import-rejected"
    assert [(p["row"], p["column"]) for p in problem["problems"]] == [
        (3, "Kapasitas"), (4, "Kode Kecamatan")]
    assert all(p["reason"] for p in problem["problems"])
    assert problem["problem_count"] == 2
    assert [e["field"] for e in problem["errors"]] == ["rows[3].Kapasitas",
                                                       "rows[4].Kode Kecamatan"]
    assert "tidak ada yang ditulis" in problem["detail"]
    assert _count(importing) == before
    assert _audits(importing) == []


def test_problems_speak_english_when_asked(importing: TestClient) -> None:
    """With ``Accept-Language: en`` the problem and its reasons are in English."""
    response = importing.post(
        "/api/v1/imports", files={"file": ("ikm.csv", (HEADER + NEGATIVE).encode(), "text/csv")},
        headers={**headers_for(importing, "admin"), "Accept-Language": "en"})
    problem = _problem(response)
    assert "nothing was written" in problem["detail"]
    assert problem["errors"][0]["message"].startswith("row 2, Kapasitas:")


def test_only_valid_rows_writes_the_good_ikm_and_lists_the_rest(importing: TestClient) -> None:
    """With ``only_valid_rows`` the valid IKM are written and the skipped rows listed; a file
    with no valid IKM at all is still refused."""
    before = _count(importing)
    body = _post(importing, HEADER + GOOD + NOWHERE, only_valid_rows="true").json()
    assert (body["written"], body["valid_rows"], body["rows"]) == (True, 1, 2)
    assert [(p["row"], p["column"]) for p in body["problems"]] == [(3, "Kode Kecamatan")]
    assert _count(importing) == before + 1
    _problem(_post(importing, HEADER + NOWHERE, only_valid_rows="true"))
    assert _count(importing) == before + 1


def test_an_xlsx_file_imports(importing: TestClient) -> None:
    """An Excel workbook with the same columns is read as well as a CSV."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "IKM"
    for line in (HEADER + GOOD).splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    body = _post(importing, buffer.getvalue(), name="ikm.xlsx",
                 media="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                 ).json()
    assert body["summary"]["enterprises_created"] == 1


def test_an_unreadable_file_is_422_naming_it(importing: TestClient) -> None:
    """A text file named .xlsx is a 422 problem saying it cannot be read."""
    problem = _problem(_post(importing, "bukan excel", name="palsu.xlsx",
                             media="application/octet-stream"))
    assert problem["type"] == "urn:simpul:problem:unreadable-file"
    assert "palsu.xlsx" in problem["detail"]


def test_a_file_over_the_limit_is_413_and_writes_nothing(catalog_url: str) -> None:
    """An upload over ``max_import_bytes`` is a 413 problem, whether its length is declared or
    it streams without one; nothing is written."""
    big = HEADER + GOOD * 50
    with _client(catalog_url, max_import_bytes=1000) as client:
        before = _count(client)
        declared = _post(client, big)
        assert declared.status_code == 413, declared.text
        assert declared.headers["content-type"] == "application/problem+json"
        assert "1000" in declared.json()["detail"]
        boundary = "simpul-uji"
        payload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                   f"filename=\"ikm.csv\"\r\nContent-Type: text/csv\r\n\r\n").encode() + (
            (big * 2000).encode()) + f"\r\n--{boundary}--\r\n".encode()

        def chunks() -> Iterator[bytes]:
            for start in range(0, len(payload), 65_536):
                yield payload[start:start + 65_536]

        streamed = client.post(
            "/api/v1/imports", content=chunks(),
            headers={**headers_for(client, "admin"),
                     "Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert streamed.status_code == 413, streamed.text
        small = _post(client, HEADER + GOOD)
        assert small.status_code == 200, small.text
        assert _count(client) == before + 1


@pytest.mark.parametrize(("kwargs", "status", "field"), [
    ({"name": "ikm.txt", "media": "text/plain"}, 415, None),
    ({"dry_run": "perhaps"}, 422, "dry_run"),
    ({"overwrite": "true"}, 422, "overwrite"),
])
def test_bad_uploads_are_problems(importing: TestClient, kwargs: dict[str, str], status: int,
                                  field: str | None) -> None:
    """A file that is not CSV or XLSX is 415; a bad or unknown option is 422 naming it."""
    response = _post(importing, HEADER + GOOD, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if field is not None:
        assert [e["field"] for e in response.json()["errors"]] == [field]


def test_a_body_without_a_file_is_a_problem(importing: TestClient) -> None:
    """JSON instead of multipart is 415; multipart without ``file`` is 422 naming it."""
    headers = headers_for(importing, "admin")
    assert importing.post("/api/v1/imports", json={"file": "x"},
                          headers=headers).status_code == 415
    response = importing.post("/api/v1/imports", data={"dry_run": "true"},
                              files={"other": ("x.csv", b"x", "text/csv")}, headers=headers)
    assert response.status_code == 422, response.text
    assert "file" in [e["field"] for e in response.json()["errors"]]


def test_the_agency_imports_only_into_its_province(importing: TestClient) -> None:
    """An agency file with a kecamatan of East Java, or the NIB of an East Java IKM, is
    refused whole, naming those rows; the East Java IKM stays as it was; the admin may
    import there."""
    before = _count(importing)
    manyar = "Katering Manyar,,3525100,nasi kotak,katering-kontrak,100,porsi,20000\n"
    by_name = ("Nama IKM,Kecamatan,Produk,Kategori,Kapasitas,Satuan,Harga (Rp)\n"
               "Katering Nama,Manyar,nasi kotak,katering-kontrak,100,porsi,20000\n")
    stolen = (f"Katering Curian,{GRESIK_NIB},7203021,nasi kotak,katering-kontrak,100,porsi,"
              "20000\n")
    problem = _problem(_post(importing, HEADER + GOOD + manyar + stolen,
                             username="agency.sulteng"))
    assert [(p["row"], p["column"]) for p in problem["problems"]] == [
        (3, "Kode Kecamatan"), (4, "NIB")]
    assert "di luar provinsi Anda" in problem["problems"][0]["reason"]
    named = _problem(_post(importing, by_name, username="agency.sulteng"))
    assert [(p["row"], p["column"]) for p in named["problems"]] == [(2, "Kecamatan")]
    assert _count(importing) == before
    engine = importing.app.state.engine  # type: ignore[attr-defined]
    with make_sessionmaker(engine)() as session:
        gresik = session.scalar(select(Enterprise).where(Enterprise.nib == GRESIK_NIB))
        assert gresik is not None
        assert gresik.name == "Katering Gresik Jaya"
    admin = _post(importing, HEADER + manyar)
    assert admin.status_code == 200, admin.text
    assert _count(importing) == before + 1


def test_an_idempotent_upload_streams_replays_and_is_bounded(catalog_url: str) -> None:
    """With an ``Idempotency-Key`` the upload is kept for the retry (on disk past a mebibyte,
    in chunks): the retry gets the first answer and writes nothing more. A body past the limit
    is refused with 413 before anything is claimed, so the key stays free."""
    rows = "".join(f"Katering Besar {n},,7203021,nasi kotak ayam {n} " + "x" * 80
                   + ",katering-kontrak,200,porsi,24000\n" for n in range(12_000))
    content = (HEADER + rows).encode()
    assert len(content) > 1024 * 1024
    with _client(catalog_url, max_import_bytes=len(content) + 10) as client:
        before = _count(client)
        # A retry sends the same bytes: the same multipart boundary too.
        headers = {**headers_for(client, "admin"), "Idempotency-Key": "unggah-besar",
                   "Content-Type": "multipart/form-data; boundary=simpul-uji"}
        first = client.post("/api/v1/imports", files={"file": ("ikm.csv", content, "text/csv")},
                            headers=headers)
        again = client.post("/api/v1/imports", files={"file": ("ikm.csv", content, "text/csv")},
                            headers=headers)
        assert first.status_code == 200, first.text
        assert again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
        assert _count(client) == before + 12_000
    with _client(catalog_url, max_import_bytes=1000) as client:
        headers = {**headers_for(client, "admin"), "Idempotency-Key": "unggah-kebesaran"}
        refused = client.post("/api/v1/imports",
                              files={"file": ("ikm.csv", content, "text/csv")}, headers=headers)
        assert refused.status_code == 413, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert "1000" in refused.json()["detail"]
        small = client.post("/api/v1/imports",
                            files={"file": ("ikm.csv", HEADER + GOOD, "text/csv")},
                            headers=headers)
        assert small.status_code == 200, small.text

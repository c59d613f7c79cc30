"""The ``simpul`` command line: migrations, demo, import, export, fixtures, languages."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from api.cli import app
from catalog.db import make_engine
from catalog.models import Enterprise, Need

IMPORT_HEADER = "Nama IKM,Kode Kecamatan,Produk,Kategori,Kapasitas,Satuan,Harga (Rp)\n"
GOOD_ROW = "Katering Baru,7203021,nasi kotak ayam,katering-kontrak,200,porsi,24000\n"


@pytest.fixture
def runner() -> CliRunner:
    """A runner of the typer app that captures its output."""
    return CliRunner()


@pytest.fixture
def use_database(monkeypatch: pytest.MonkeyPatch, database_url: str) -> str:
    """SIMPUL_DATABASE_URL points at the test database; messages default to Indonesian."""
    monkeypatch.setenv("SIMPUL_DATABASE_URL", database_url)
    monkeypatch.delenv("SIMPUL_LANG", raising=False)
    return database_url


@pytest.fixture
def use_catalog(use_database: str, catalog_url: str) -> str:
    """As ``use_database``, with the small seeded catalog of the conftest."""
    return catalog_url


def count(url: str, model: type) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(model)) or 0
    finally:
        engine.dispose()


def test_db_upgrade_migrates_an_empty_database(runner: CliRunner, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """`simpul db upgrade` creates the schema in a new SQLite file and prints the revision."""
    url = f"sqlite:///{tmp_path / 'baru.db'}"
    monkeypatch.setenv("SIMPUL_DATABASE_URL", url)
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Skema basis data pada revisi" in result.output
    assert count(url, Enterprise) == 0


def test_db_upgrade_is_idempotent(runner: CliRunner, use_database: str) -> None:
    """Upgrading a database already at the newest revision changes nothing and succeeds."""
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "(terbaru)" in result.output


def test_unreachable_database_is_one_line_without_traceback(
        runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database that cannot be reached exits 2 with one message, not a traceback."""
    monkeypatch.setenv("SIMPUL_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    result = runner.invoke(app, ["--lang", "en", "db", "upgrade"])
    assert result.exit_code == 2
    assert "The database cannot be used" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_demo_builds_a_fresh_catalog_repeatably(runner: CliRunner, use_database: str) -> None:
    """`simpul demo --no-serve` builds ≥400 IKM and ≥60 needs, and rebuilds its own demo alike."""
    counts = []
    for _ in range(2):
        result = runner.invoke(app, ["demo", "--no-serve"])
        assert result.exit_code == 0, result.output
        assert "Basis data demo siap." in result.output
        assert "Kandidat sentra IKM" in result.output
        counts.append((count(use_database, Enterprise), count(use_database, Need)))
    assert counts[0] == counts[1]
    enterprises, needs = counts[0]
    assert enterprises >= 400
    assert needs >= 60


def test_demo_refuses_to_delete_data_that_is_not_the_demo(runner: CliRunner,
                                                          use_catalog: str) -> None:
    """A database holding imported IKM is not wiped by `simpul demo`: exit 1, data kept."""
    before = count(use_catalog, Enterprise)
    result = runner.invoke(app, ["demo", "--no-serve"])
    assert result.exit_code == 1
    assert "bukan data demo" in result.output
    assert "--force" in result.output
    assert count(use_catalog, Enterprise) == before


def test_demo_with_force_replaces_data(runner: CliRunner, use_catalog: str) -> None:
    """`simpul demo --force` replaces a database holding other data with the demo."""
    result = runner.invoke(app, ["demo", "--no-serve", "--force"])
    assert result.exit_code == 0, result.output
    assert count(use_catalog, Enterprise) >= 400
    # The seeded catalog's IKM are gone: the demo starts from an empty database.
    assert "Bengkel Las Maju" not in result.output


def test_import_of_bad_file_lists_problems_and_writes_nothing(
        runner: CliRunner, use_catalog: str, tmp_path: Path) -> None:
    """A file with bad rows exits 1, lists row and column of each problem, writes nothing."""
    path = tmp_path / "ikm.csv"
    path.write_text(IMPORT_HEADER + GOOD_ROW
                    + "Katering Minus,7203021,nasi kotak,katering-kontrak,-5,porsi,25000\n"
                    + "Bengkel Entah,9999999,las pagar,jasa-las,10,jam,100000\n",
                    encoding="utf-8")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1, result.output
    assert "tidak ada yang ditulis" in result.output
    lines = result.output.splitlines()
    assert any("3" in line and "Kapasitas" in line for line in lines), result.output
    assert any("4" in line and "Kode Kecamatan" in line for line in lines), result.output
    assert count(use_catalog, Enterprise) == 7


def test_import_of_good_file_writes_and_summarises(runner: CliRunner, use_catalog: str,
                                                   tmp_path: Path) -> None:
    """A clean file exits 0, is committed, and a dry run before it writes nothing."""
    path = tmp_path / "ikm.csv"
    path.write_text(IMPORT_HEADER + GOOD_ROW, encoding="utf-8")
    dry = runner.invoke(app, ["import", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "tidak ada yang ditulis" in dry.output
    assert count(use_catalog, Enterprise) == 7
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 IKM diimpor" in result.output
    assert count(use_catalog, Enterprise) == 8


def test_import_only_valid_rows_skips_the_bad_ones(runner: CliRunner, use_catalog: str,
                                                   tmp_path: Path) -> None:
    """--only-valid-rows writes the valid IKM, lists the problems and exits 0."""
    path = tmp_path / "ikm.csv"
    path.write_text(IMPORT_HEADER + GOOD_ROW
                    + "Bengkel Entah,9999999,las pagar,jasa-las,10,jam,100000\n",
                    encoding="utf-8")
    result = runner.invoke(app, ["import", str(path), "--only-valid-rows"])
    assert result.exit_code == 0, result.output
    assert "Kode Kecamatan" in result.output
    assert "1 baris dengan masalah dilewati" in result.output
    assert count(use_catalog, Enterprise) == 8


def test_import_of_missing_file_names_it_and_exits_2(runner: CliRunner, use_database: str,
                                                     tmp_path: Path) -> None:
    """A file that does not exist: one line naming it, exit 2, no traceback."""
    missing = tmp_path / "tidak-ada.xlsx"
    result = runner.invoke(app, ["import", str(missing)])
    assert result.exit_code == 2
    assert str(missing) in result.output
    assert "file tidak ditemukan" in result.output
    assert "Traceback" not in result.output


def test_import_of_unreadable_file_exits_2(runner: CliRunner, use_catalog: str,
                                           tmp_path: Path) -> None:
    """A file that is not what its name says (.xlsx holding text) exits 2 naming it."""
    fake = tmp_path / "palsu.xlsx"
    fake.write_text("bukan excel", encoding="utf-8")
    result = runner.invoke(app, ["import", str(fake)])
    assert result.exit_code == 2
    assert str(fake) in result.output
    assert "Traceback" not in result.output


def test_import_of_too_large_file_exits_2(runner: CliRunner, use_catalog: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A file over SIMPUL_MAX_IMPORT_BYTES is refused before it is read."""
    monkeypatch.setenv("SIMPUL_MAX_IMPORT_BYTES", "10")
    path = tmp_path / "ikm.csv"
    path.write_text(IMPORT_HEADER + GOOD_ROW, encoding="utf-8")
    result = runner.invoke(app, ["--lang", "en", "import", str(path)])
    assert result.exit_code == 2
    assert "over the limit of 10 bytes" in result.output


@pytest.mark.parametrize("how", ["option", "environment"])
def test_english_by_option_or_environment(runner: CliRunner, use_catalog: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """--lang en and SIMPUL_LANG=en both switch messages, problems included, to English."""
    path = tmp_path / "ikm.csv"
    path.write_text(IMPORT_HEADER + "Bengkel Entah,9999999,las,jasa-las,10,jam,100000\n",
                    encoding="utf-8")
    if how == "environment":
        monkeypatch.setenv("SIMPUL_LANG", "en")
        arguments = ["import", str(path)]
    else:
        arguments = ["--lang", "en", "import", str(path)]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 1
    assert "nothing was written" in result.output
    assert "unknown kecamatan '9999999'" in result.output
    assert "tidak ada yang ditulis" not in result.output


def test_bad_language_setting_is_reported(runner: CliRunner,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """SIMPUL_LANG=fr exits 2 naming the setting."""
    monkeypatch.setenv("SIMPUL_LANG", "fr")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "SIMPUL_LANG" in result.output


def test_export_writes_the_chosen_formats(runner: CliRunner, use_catalog: str,
                                          tmp_path: Path) -> None:
    """`simpul export` writes CSV and Excel by default, only CSV with --format csv."""
    both = tmp_path / "semua"
    result = runner.invoke(app, ["export", "--out", str(both)])
    assert result.exit_code == 0, result.output
    assert {p.suffix for p in both.iterdir()} == {".csv", ".xlsx"}
    only_csv = tmp_path / "csv"
    result = runner.invoke(app, ["export", "--out", str(only_csv), "--format", "csv"])
    assert result.exit_code == 0, result.output
    files = sorted(only_csv.iterdir())
    assert files
    assert all(p.suffix == ".csv" for p in files)
    ikm = next(p for p in files if "ikm" in p.name)
    with ikm.open(encoding="utf-8-sig") as handle:
        names = {row["Nama IKM"] for row in csv.DictReader(handle, delimiter=";")}
    assert "Bengkel Las Maju" in names


def test_fixtures_generate_writes_the_asked_numbers(runner: CliRunner, tmp_path: Path) -> None:
    """`simpul fixtures generate` writes N IKM to the import file and M needs to the CSV."""
    out = tmp_path / "sintetis"
    result = runner.invoke(app, ["fixtures", "generate", "--enterprises", "120", "--needs",
                                 "15", "--seed", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with (out / "ikm.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len({(r["Nama IKM"], r["Kode Kecamatan"], r["Desa"]) for r in rows}) == 120
    with (out / "kebutuhan.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 15


def test_generated_file_imports_into_the_demo(runner: CliRunner, use_database: str,
                                              tmp_path: Path) -> None:
    """A generated Excel file imports cleanly into the demo catalog (same regions)."""
    out = tmp_path / "sintetis"
    generated = runner.invoke(app, ["fixtures", "generate", "--enterprises", "40", "--needs",
                                    "0", "--out", str(out), "--format", "xlsx"])
    assert generated.exit_code == 0, generated.output
    assert runner.invoke(app, ["demo", "--no-serve"]).exit_code == 0
    before = count(use_database, Enterprise)
    result = runner.invoke(app, ["import", str(out / "ikm.xlsx")])
    assert result.exit_code == 0, result.output
    assert "40 IKM diimpor" in result.output
    # A generated IKM with the name of a demo IKM in the same desa updates that one.
    assert before < count(use_database, Enterprise) <= before + 40

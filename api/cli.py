"""The ``simpul`` command line.

Messages are in Bahasa Indonesia; ``--lang en`` (before the command) or ``SIMPUL_LANG=en``
switches to English. The database is ``SIMPUL_DATABASE_URL`` (a SQLite file ``simpul.db`` in
the working directory by default). A command never shows a traceback: errors of the catalog,
of the file system and of the database are caught here, at the boundary, printed as one
message and turned into an exit code (1: the input was refused; 2: a file or the database
could not be used).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from api.i18n import format_count
from api.settings import Settings, get_settings
from catalog.db import make_engine, make_sessionmaker, session_scope
from catalog.exceptions import (
    CatalogError,
    DatabaseHoldsUserData,
    FileTooLarge,
    ImportRejected,
    InvalidValue,
    NotFound,
    RowProblem,
    UnreadableFile,
)
from catalog.messages import Language
from catalog.models import Category
from catalog.normalise import Normalisation, Normaliser
from catalog.store import InvalidRecord, WriteSummary

if TYPE_CHECKING:
    from api.usecases import CatalogSummary

__all__ = ["app", "main"]

T = TypeVar("T")

#: How many problems an import lists before it says "and N more".
PROBLEMS_SHOWN = 200

#: How many sentra candidates the demo summary lists (the largest first).
SENTRA_SHOWN = 20

#: key -> (Indonesian, English)
TEXTS: dict[str, tuple[str, str]] = {
    "database": ("Basis data: {url}", "Database: {url}"),
    "revision": ("Skema basis data pada revisi {revision} (terbaru).",
                 "Database schema at revision {revision} (the newest)."),
    "not_up_to_date": (
        "Skema basis data belum terbaru (revisi {current}, terbaru {head}); jalankan "
        "`simpul db upgrade`.",
        "The database schema is not up to date (revision {current}, newest {head}); run "
        "`simpul db upgrade`."),
    "building_demo": ("Membangun basis data demo baru (seed {seed})…",
                      "Building a fresh demo database (seed {seed})…"),
    "demo_ready": ("Basis data demo siap.", "The demo database is ready."),
    "serving": ("Simpul berjalan di http://{host}:{port}/ (dokumentasi API di /docs). "
                "Tekan Ctrl+C untuk berhenti.",
                "Simpul is running at http://{host}:{port}/ (API docs at /docs). "
                "Press Ctrl+C to stop."),
    "summary": ("Ringkasan katalog", "Catalog summary"),
    "what": ("Isi", "What"),
    "count": ("Jumlah", "Count"),
    "regions": ("wilayah", "regions"),
    "links": ("ruas jalan dan laut", "road and sea links"),
    "categories": ("kategori", "categories"),
    "parks": ("kawasan industri", "industrial parks"),
    "enterprises": ("IKM", "IKM"),
    "offers": ("penawaran", "offers"),
    "certificates": ("sertifikat", "certificates"),
    "expired_certificates": ("sertifikat kedaluwarsa", "expired certificates"),
    "needs": ("kebutuhan", "needs"),
    "by_regency": ("IKM per kabupaten/kota dan skala usaha",
                   "IKM by regency and size class"),
    "regency": ("Kabupaten/kota", "Regency"),
    "total": ("Jumlah", "Total"),
    "needs_by_park": ("Kebutuhan per kawasan", "Needs by park"),
    "park": ("Kawasan", "Park"),
    "needs_header": ("Kebutuhan", "Needs"),
    "more_sentra": ("… dan {count} kandidat lagi.", "… and {count} more candidates."),
    "sentra": ("Kandidat sentra IKM (≥ {minimum} IKM satu kategori di satu kecamatan)",
               "Sentra IKM candidates (≥ {minimum} IKM of one category in one kecamatan)"),
    "district": ("Kecamatan", "Kecamatan"),
    "category": ("Kategori", "Category"),
    "no_sentra": ("Belum ada kandidat sentra.", "No sentra candidates yet."),
    "reading": ("Membaca {file}", "Reading {file}"),
    "rows_read": ("baris", "rows"),
    "row": ("Baris", "Row"),
    "column": ("Kolom", "Column"),
    "problem": ("Masalah", "Problem"),
    "problems_in": ("Masalah di {file}", "Problems in {file}"),
    "more_problems": ("… dan {count} masalah lagi.", "… and {count} more problems."),
    "rejected": ("{file}: {count} masalah; tidak ada yang ditulis.",
                 "{file}: {count} problem(s); nothing was written."),
    "dry_run_clean": (
        "Uji coba: {rows} baris, {enterprises} IKM, semua valid; tidak ada yang ditulis "
        "(--dry-run).",
        "Dry run: {rows} rows, {enterprises} IKM, all valid; nothing was written (--dry-run)."),
    "dry_run_problems": (
        "Uji coba: {rows} baris, {valid} baris valid, {count} masalah; tidak ada yang ditulis "
        "(--dry-run).",
        "Dry run: {rows} rows, {valid} valid rows, {count} problem(s); nothing was written "
        "(--dry-run)."),
    "imported": ("{file}: {rows} baris, {enterprises} IKM diimpor.",
                 "{file}: {rows} rows, {enterprises} IKM imported."),
    "skipped": ("{count} baris dengan masalah dilewati (--only-valid-rows); IKM-nya tidak "
                "ditulis sama sekali.",
                "{count} row(s) with problems skipped (--only-valid-rows); their IKM were not "
                "written at all."),
    "created": ("dibuat", "created"),
    "updated": ("diperbarui", "updated"),
    "exporting": ("Mengekspor katalog ke {directory}…", "Exporting the catalog to {directory}…"),
    "exported": ("Ditulis: {file}", "Written: {file}"),
    "generating": ("Membuat data sintetis", "Generating synthetic data"),
    "generated": ("Ditulis: {file} ({count} {what})", "Written: {file} ({count} {what})"),
    "data_rows": ("— {rows} baris data", "— {rows} data rows"),
    "file_error": ("{file}: {reason}", "{file}: {reason}"),
    "not_a_file": ("bukan file", "is not a file"),
    "missing_file": ("file tidak ditemukan", "file not found"),
    "database_error": ("Basis data tidak bisa dipakai ({url}): {reason}",
                       "The database cannot be used ({url}): {reason}"),
    "database_hint": ("Sudahkah menjalankan `simpul db upgrade`?",
                      "Have you run `simpul db upgrade`?"),
    "bad_url": ("SIMPUL_DATABASE_URL tidak valid: {url}", "SIMPUL_DATABASE_URL is not valid: "
                "{url}"),
    "bad_settings": ("Pengaturan SIMPUL_* tidak valid: {reason}",
                     "The SIMPUL_* settings are not valid: {reason}"),
    "not_found": ("{kind} '{key}' tidak ditemukan.", "{kind} '{key}' was not found."),
    "normalise_usage": (
        "Pakai: simpul normalise NAMA... | simpul normalise confirm NAMA KATEGORI | "
        "simpul normalise reject NAMA KATEGORI | simpul normalise --format jsonl [--file F]",
        "Usage: simpul normalise NAME... | simpul normalise confirm NAME CATEGORY | "
        "simpul normalise reject NAME CATEGORY | simpul normalise --format jsonl [--file F]"),
    "taught_confirm": ("Tersimpan: '{name}' adalah {category}; berlaku mulai sekarang.",
                       "Stored: '{name}' is {category}; it applies from now on."),
    "taught_reject": ("Tersimpan: '{name}' bukan {category}; tidak akan disarankan lagi.",
                      "Stored: '{name}' is not {category}; it will not be suggested again."),
    "not_utf8_line": ("{file}, baris {line}: bukan teks UTF-8; baris ini dilewati.",
                      "{file}, line {line}: not UTF-8 text; this line was skipped."),
    "input": ("Masukan", "Input"),
    "score": ("Skor", "Score"),
    "status": ("Status", "Status"),
    "method": ("Metode", "Method"),
    "alternatives": ("Alternatif", "Alternatives"),
    "bad_problem": ("{file}: masalah tidak valid di {path}: {message}",
                    "{file}: the problem is not valid at {path}: {message}"),
    "written": ("Ditulis: {file}", "Written: {file}"),
    "demo_accounts": ("Akun demo (kata sandi: {password})",
                      "Demo accounts (password: {password})"),
    "username": ("Nama pengguna", "Username"),
    "role": ("Peran", "Role"),
    "who": ("Siapa", "Who"),
    "role_park_buyer": ("pengadaan kawasan", "park procurement"),
    "role_ikm_owner": ("pemilik IKM", "IKM owner"),
    "role_agency": ("dinas perindustrian", "industry agency"),
    "role_admin": ("admin", "admin"),
    "match_summary": ("Hasil pencocokan ({days} hari)", "Match result ({days} days)"),
    "demand_units": ("unit dibutuhkan", "units needed"),
    "served_units": ("unit dilayani IKM", "units served by IKM"),
    "local_units": ("unit dari IKM sekabupaten", "units from IKM in the same kabupaten"),
    "landed_cost": ("biaya sampai di kawasan", "landed cost"),
    "unmet_units": ("unit belum terlayani", "units unmet"),
    "unmet_by_reason": ("Unit belum terlayani menurut sebab", "Unmet units by reason"),
    "reason": ("Sebab", "Reason"),
    "reason_no_offer_in_category": ("tidak ada IKM di kategori ini (cukup kapasitas)",
                                    "no IKM in the category (with the capacity)"),
    "reason_certificate_missing": ("sertifikat tidak ada atau kedaluwarsa",
                                   "certificate missing or expired"),
    "reason_too_far": ("terlalu jauh", "too far"),
    "reason_too_slow": ("tidak sempat sebelum tenggat", "too slow for the due date"),
    "reason_over_price_ceiling": ("di atas harga maksimal", "over the price ceiling"),
    "reason_capacity_taken": ("kapasitas terpakai kebutuhan lain",
                              "capacity taken by other needs"),
    "reason_lot_rules": ("aturan lot, pemasok tunggal atau batas pemasok",
                         "lot, single-source or supplier-limit rules"),
    "reason_no_eligible_offer": ("tidak ada penawaran yang memenuhi",
                                 "no eligible offer"),
    "solved": ("{status}: objektif {objective}; {allocated} unit dialokasikan, {unmet} unit "
               "tidak terpenuhi. Hasil ditulis ke {file}.",
               "{status}: objective {objective}; {allocated} units allocated, {unmet} units "
               "unmet. Result written to {file}."),
}


def say(key: str, language: Language, /, **params: Any) -> str:
    """The CLI text ``key`` in ``language``."""
    indonesian, english = TEXTS[key]
    return (english if language == "en" else indonesian).format(**params)


class Lang(StrEnum):
    """Languages of messages."""

    id = "id"
    en = "en"


class ExportFormat(StrEnum):
    """File formats of the export."""

    xlsx = "xlsx"
    csv = "csv"


class NormaliseFormat(StrEnum):
    """How `simpul normalise` writes its answers."""

    table = "table"
    jsonl = "jsonl"


class FixtureFormat(StrEnum):
    """File formats of a generated import file."""

    csv = "csv"
    xlsx = "xlsx"


@dataclass(frozen=True)
class State:
    """What every command needs: settings, language and where to print."""

    settings: Settings
    lang: Language
    out: Console
    err: Console

    def say(self, key: str, /, **params: Any) -> str:
        return say(key, self.lang, **params)

    def fail(self, text: str, code: int) -> NoReturn:
        # soft_wrap: a long path stays on one line, whole, for people and for grep.
        self.err.print(escape(text), soft_wrap=True, style="bold red")
        raise typer.Exit(code)


app = typer.Typer(
    name="simpul",
    help="Simpul: mempertemukan IKM dengan kebutuhan kawasan industri. "
         "/ Joining small industries (IKM) to industrial-park procurement.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Basis data. / The database.", no_args_is_help=True)
fixtures_app = typer.Typer(help="Data uji dan demo. / Test and demo data.",
                           no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(fixtures_app, name="fixtures")


@app.callback()
def _global_options(
    ctx: typer.Context,
    lang: Lang | None = typer.Option(
        None, "--lang", help="Bahasa pesan (id atau en); bawaan SIMPUL_LANG atau id. "
                             "/ Language of messages."),
) -> None:
    out, err = Console(), Console(stderr=True)
    try:
        settings = get_settings()
    except ValidationError as error:
        language: Language = "en" if lang is Lang.en else "id"
        reasons = "; ".join(f"SIMPUL_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
                            for e in error.errors())
        err.print(escape(say("bad_settings", language, reason=reasons)), soft_wrap=True,
                  style="bold red")
        raise typer.Exit(2) from None
    chosen: Language = lang.value if lang is not None else settings.lang
    ctx.obj = State(settings=settings, lang=chosen, out=out, err=err)


def _state(ctx: typer.Context) -> State:
    state = ctx.find_object(State)
    assert state is not None, "the callback sets the state"
    return state


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _render(error: CatalogError, language: Language) -> str:
    if isinstance(error, InvalidRecord):
        return "; ".join(p.render(language) for p in error.problems)
    if isinstance(error, NotFound):
        return say("not_found", language, kind=error.kind, key=error.key)
    if isinstance(error, InvalidValue | UnreadableFile | FileTooLarge | ImportRejected
                  | DatabaseHoldsUserData):
        return error.render(language)
    return str(error)


@contextmanager
def _reported(state: State) -> Iterator[None]:
    """Turn the errors a command may meet into one line and an exit code."""
    try:
        yield
    except (UnreadableFile, FileTooLarge) as error:
        state.fail(error.render(state.lang), 2)
    except CatalogError as error:
        state.fail(_render(error, state.lang), 1)
    except FileNotFoundError as error:
        state.fail(state.say("file_error", file=error.filename or "?",
                             reason=state.say("missing_file")), 2)
    except OSError as error:
        state.fail(state.say("file_error", file=error.filename or "?",
                             reason=error.strerror or str(error)), 2)
    except ArgumentError:
        state.fail(state.say("bad_url", url=state.settings.database_url), 2)
    except SQLAlchemyError as error:
        state.fail(state.say("database_error", url=_safe_url(state.settings.database_url),
                             reason=_first_line(error)) + " " + state.say("database_hint"), 2)


@contextmanager
def _engine(state: State) -> Iterator[Engine]:
    engine = make_engine(state.settings.database_url)
    try:
        yield engine
    finally:
        engine.dispose()


# --- db ------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Mutakhirkan skema basis data ke revisi terbaru. / Migrate the schema to the newest."""
    from api.usecases import upgrade

    state = _state(ctx)
    with _reported(state), _engine(state) as engine:
        state.out.print(escape(state.say("database", url=_safe_url(state.settings.database_url))),
                        soft_wrap=True)
        revision = upgrade(engine)
        state.out.print(state.say("revision", revision=revision.current), soft_wrap=True)


# --- demo and serve ------------------------------------------------------------------------


def _summary_tables(state: State, summary: CatalogSummary) -> None:
    from api.usecases import SENTRA_MINIMUM

    say_ = state.say
    totals = Table(title=say_("summary"), title_justify="left")
    totals.add_column(say_("what"))
    totals.add_column(say_("count"), justify="right")
    for key in ("regions", "links", "categories", "parks", "enterprises", "offers",
                "certificates", "expired_certificates", "needs"):
        totals.add_row(say_(key), format_count(getattr(summary, key), state.lang))
    state.out.print(totals)

    sizes = Table(title=say_("by_regency"), title_justify="left")
    sizes.add_column(say_("regency"))
    size_names = list(summary.by_regency[0].by_size) if summary.by_regency else []
    for name in size_names:
        sizes.add_column(name, justify="right")
    sizes.add_column(say_("total"), justify="right")
    sizes.show_footer = True
    for regency in summary.by_regency:
        sizes.add_row(regency.name, *(str(regency.by_size[n]) for n in size_names),
                      str(regency.total))
    sizes.columns[0].footer = say_("total")
    for index, name in enumerate(size_names, start=1):
        sizes.columns[index].footer = str(sum(r.by_size[name] for r in summary.by_regency))
    sizes.columns[-1].footer = str(summary.enterprises)
    state.out.print(sizes)

    parks = Table(title=say_("needs_by_park"), title_justify="left")
    parks.add_column(say_("park"))
    parks.add_column(say_("needs_header"), justify="right")
    for code, count in summary.needs_by_park:
        parks.add_row(code, str(count))
    state.out.print(parks)

    if summary.sentra_candidates:
        sentra = Table(title=say_("sentra", minimum=SENTRA_MINIMUM), title_justify="left")
        for header in ("regency", "district", "category", "enterprises"):
            sentra.add_column(say_(header), justify="right" if header == "enterprises"
                              else "left")
        for candidate in summary.sentra_candidates[:SENTRA_SHOWN]:
            sentra.add_row(candidate.regency, candidate.district, candidate.category_code,
                           str(candidate.enterprises))
        state.out.print(sentra)
        hidden = len(summary.sentra_candidates) - SENTRA_SHOWN
        if hidden > 0:
            state.out.print(say_("more_sentra", count=hidden))
    else:
        state.out.print(say_("no_sentra"))


def _serve(state: State, host: str | None, port: int | None, workers: int = 1) -> None:
    import uvicorn

    from api.app import create_app

    settings = state.settings.model_copy(update={"lang": state.lang})
    host = host or settings.host
    port = port or settings.port
    state.out.print(state.say("serving", host=host, port=port), soft_wrap=True)
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port)
        return
    # Each worker process builds the app from the environment; of them, the holder of the
    # dispatcher lock dispatches runs (api/runs/leadership.py).
    os.environ["SIMPUL_LANG"] = settings.lang
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers)


@app.command("demo")
def demo(
    ctx: typer.Context,
    serve: bool = typer.Option(True, "--serve/--no-serve",
                               help="Jalankan server sesudahnya. / Serve afterwards."),
    host: str | None = typer.Option(None, help="Alamat server (bawaan 127.0.0.1)."),
    port: int | None = typer.Option(None, min=1, max=65535, help="Port (bawaan 8000)."),
    seed: int = typer.Option(0, help="Benih data demo. / Seed of the demo data."),
    force: bool = typer.Option(
        False, "--force",
        help="Hapus juga basis data yang berisi data bukan demo. / Also replace a database "
             "that holds data other than the demo."),
) -> None:
    """Bangun basis data demo BARU (demo lama dihapus), lalu jalankan server.
    / Build a FRESH demo database (an old demo is deleted), then serve.

    Basis data yang berisi data sendiri (hasil impor) tidak dihapus tanpa --force.
    / A database holding your own data (imported) is not deleted without --force."""
    from api.usecases import build_demo_database

    state = _state(ctx)
    with _reported(state):
        state.out.print(escape(state.say("database", url=_safe_url(state.settings.database_url))),
                        soft_wrap=True)
        state.out.print(state.say("building_demo", seed=seed))
        with _engine(state) as engine:
            summary = build_demo_database(engine, seed=seed, today=dt.date.today(),
                                          force=force)
        _summary_tables(state, summary)
        _accounts_table(state)
        state.out.print(state.say("demo_ready"), style="bold green")
        if serve:
            _serve(state, host, port)


def _accounts_table(state: State) -> None:
    from api.auth.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

    table = Table(title=state.say("demo_accounts", password=DEMO_PASSWORD))
    table.add_column(state.say("username"))
    table.add_column(state.say("role"))
    table.add_column(state.say("who"))
    for username, name, role in DEMO_ACCOUNTS:
        table.add_row(username, state.say(f"role_{role}"), name)
    state.out.print(table)


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: str | None = typer.Option(None, help="Alamat server (bawaan 127.0.0.1)."),
    port: int | None = typer.Option(None, min=1, max=65535, help="Port (bawaan 8000)."),
    workers: int = typer.Option(1, min=1, max=64,
                                help="Proses web (satu per inti). / Web processes (one per "
                                     "core)."),
) -> None:
    """Jalankan server web dan API. / Run the web and API server."""
    from api.usecases import database_revision

    state = _state(ctx)
    with _reported(state):
        with _engine(state) as engine:
            revision = database_revision(engine)
        if not revision.up_to_date:
            state.err.print(state.say("not_up_to_date", current=revision.current or "-",
                                      head=revision.head or "-"), soft_wrap=True,
                            style="yellow")
        _serve(state, host, port, workers)


# --- import --------------------------------------------------------------------------------


def _problem_table(state: State, problems: list[RowProblem], file: str) -> None:
    table = Table(title=state.say("problems_in", file=escape(file)), title_justify="left")
    table.add_column(state.say("row"), justify="right")
    table.add_column(state.say("column"))
    table.add_column(state.say("problem"))
    for problem in problems[:PROBLEMS_SHOWN]:
        table.add_row(str(problem.row), escape(problem.column),
                      escape(problem.reason.render(state.lang)))
    state.out.print(table)
    if len(problems) > PROBLEMS_SHOWN:
        state.out.print(state.say("more_problems", count=len(problems) - PROBLEMS_SHOWN))


def _write_table(state: State, summary: WriteSummary) -> None:
    table = Table(show_header=True)
    table.add_column("")
    table.add_column(state.say("created"), justify="right")
    table.add_column(state.say("updated"), justify="right")
    table.add_row(state.say("enterprises"), format_count(summary.enterprises_created, state.lang),
                  format_count(summary.enterprises_updated, state.lang))
    table.add_row(state.say("offers"), format_count(summary.offers_created, state.lang),
                  format_count(summary.offers_updated, state.lang))
    table.add_row(state.say("certificates"), format_count(summary.certificates_created, state.lang),
                  format_count(summary.certificates_updated, state.lang))
    state.out.print(table)


def _progress(console: Console) -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                    transient=True)


@app.command("import")
def import_file(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="File IKM (.xlsx atau .csv). / IKM file."),
    dry_run: bool = typer.Option(False, "--dry-run",
                                 help="Periksa saja, jangan tulis. / Check, write nothing."),
    only_valid_rows: bool = typer.Option(
        False, "--only-valid-rows",
        help="Tulis IKM yang valid, lewati yang bermasalah. / Write the valid IKM, skip the "
             "others."),
    ignore_unknown_columns: bool = typer.Option(
        False, "--ignore-unknown-columns",
        help="Abaikan kolom yang tidak dikenal. / Ignore unknown columns."),
) -> None:
    """Impor IKM dari file Excel atau CSV; semua baris diperiksa dulu.
    / Import IKM from an Excel or CSV file; every row is checked first."""
    from catalog.imports import import_enterprises

    state = _state(ctx)
    with _reported(state):
        if not file.exists():
            state.fail(state.say("file_error", file=str(file), reason=state.say("missing_file")),
                       2)
        if not file.is_file():
            state.fail(state.say("file_error", file=str(file), reason=state.say("not_a_file")),
                       2)
        with _engine(state) as engine:
            session = make_sessionmaker(engine)()
            try:
                with _progress(state.err) as progress:
                    task = progress.add_task(escape(state.say("reading", file=file.name)),
                                             total=None)
                    try:
                        report = import_enterprises(
                            file, session=session, dry_run=dry_run,
                            only_valid_rows=only_valid_rows,
                            max_bytes=state.settings.max_import_bytes,
                            ignore_unknown_columns=ignore_unknown_columns,
                            today=dt.date.today(),
                            progress=lambda rows: progress.update(task, completed=rows))
                    except ImportRejected as rejected:
                        session.rollback()
                        progress.stop()
                        _problem_table(state, rejected.problems, str(file))
                        state.fail(state.say("rejected", file=str(file),
                                             count=len(rejected.problems)), 1)
                # The command owns the transaction: commit only a write that succeeded.
                if report.written:
                    session.commit()
                else:
                    session.rollback()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()
        if report.problems:
            _problem_table(state, report.problems, str(file))
        if dry_run:
            if report.problems:
                state.fail(state.say("dry_run_problems", rows=report.rows,
                                     valid=report.valid_rows, count=len(report.problems)), 1)
            state.out.print(state.say("dry_run_clean", rows=report.rows,
                                      enterprises=report.enterprises), soft_wrap=True)
            return
        state.out.print(escape(state.say("imported", file=str(file), rows=report.rows,
                                         enterprises=report.enterprises)), soft_wrap=True)
        if report.problems:
            state.out.print(state.say("skipped", count=report.rows - report.valid_rows),
                            soft_wrap=True)
        if report.summary is not None:
            _write_table(state, report.summary)


# --- export --------------------------------------------------------------------------------


@app.command("export")
def export(
    ctx: typer.Context,
    out: Path = typer.Option(Path("ekspor"), "--out", help="Folder tujuan. / Output folder."),
    formats: list[ExportFormat] | None = typer.Option(
        None, "--format", help="xlsx dan/atau csv (bawaan keduanya). / xlsx and/or csv."),
) -> None:
    """Ekspor katalog ke Excel dan/atau CSV. / Export the catalog to Excel and/or CSV."""
    from catalog.exports import export_catalog

    state = _state(ctx)
    chosen = tuple(dict.fromkeys(f.value for f in formats)) if formats else ("xlsx", "csv")
    with _reported(state), _engine(state) as engine:
        state.out.print(escape(state.say("exporting", directory=str(out))), soft_wrap=True)
        with session_scope(make_sessionmaker(engine)) as session:
            written = export_catalog(out, session=session, formats=chosen)
        for path in written:
            state.out.print(escape(state.say("exported", file=str(path))), soft_wrap=True)


# --- fixtures ------------------------------------------------------------------------------


def _advancing(items: Iterable[T], progress: Progress, task: Any) -> Iterator[T]:
    """``items``, advancing ``task`` as they are consumed (in steps, to keep it cheap)."""
    pending = 0
    for item in items:
        yield item
        pending += 1
        if pending == 1000:
            progress.advance(task, pending)
            pending = 0
    progress.advance(task, pending)


@fixtures_app.command("generate")
def fixtures_generate(
    ctx: typer.Context,
    enterprises: int = typer.Option(1000, "--enterprises", min=0,
                                    help="Banyaknya IKM. / Number of IKM."),
    needs: int = typer.Option(100, "--needs", min=0,
                              help="Banyaknya kebutuhan. / Number of needs."),
    seed: int = typer.Option(0, "--seed", help="Benih acak. / Random seed."),
    out: Path = typer.Option(Path("data-sintetis"), "--out",
                             help="Folder tujuan. / Output folder."),
    file_format: FixtureFormat = typer.Option(
        FixtureFormat.csv, "--format", help="Format file IKM. / Format of the IKM file."),
) -> None:
    """Buat file impor IKM dan CSV kebutuhan sintetis (mengalir, sampai jutaan IKM).
    / Write a synthetic IKM import file and needs CSV (streaming, up to millions of IKM)."""
    from fixtures.synthetic import (
        generate_dataset,
        write_import_csv,
        write_import_xlsx,
        write_needs_csv,
    )

    state = _state(ctx)
    with _reported(state):
        out.mkdir(parents=True, exist_ok=True)
        enterprise_records, need_records = generate_dataset(enterprises, needs, seed,
                                                            today=dt.date.today())
        enterprise_path = out / f"ikm.{file_format.value}"
        needs_path = out / "kebutuhan.csv"
        writer = write_import_xlsx if file_format is FixtureFormat.xlsx else write_import_csv
        with _progress(state.err) as progress:
            task = progress.add_task(state.say("generating"), total=enterprises + needs)
            rows = writer(_advancing(enterprise_records, progress, task), enterprise_path)
            write_needs_csv(_advancing(need_records, progress, task), needs_path)
        state.out.print(escape(state.say("generated", file=str(enterprise_path),
                                         count=format_count(enterprises, state.lang), what="IKM")
                               + " " + state.say("data_rows",
                                                 rows=format_count(rows, state.lang))),
                        soft_wrap=True)
        state.out.print(escape(state.say("generated", file=str(needs_path),
                                         count=format_count(needs, state.lang),
                                         what=state.say("needs"))),
                        soft_wrap=True)


# --- normalise -----------------------------------------------------------------------------

_NORMALISE_CHUNK = 50_000


def _normaliser(state: State) -> Normaliser:
    """The normaliser over the database's vocabulary (with what people taught it) when the
    database exists and holds the taxonomy; the project's taxonomy otherwise."""
    from catalog.vocabulary import load_normaliser

    url = make_url(state.settings.database_url)
    if url.get_backend_name() == "sqlite" and (
            not url.database or url.database == ":memory:" or not Path(url.database).exists()):
        return Normaliser.from_taxonomy()
    with _engine(state) as engine:
        if "category" not in inspect(engine).get_table_names():
            return Normaliser.from_taxonomy()
        with make_sessionmaker(engine)() as session:
            if session.scalar(select(func.count()).select_from(Category)) == 0:
                return Normaliser.from_taxonomy()
            return load_normaliser(session=session)


def _answer(result: Normalisation, language: Language) -> dict[str, Any]:
    from catalog import taxonomy

    spec = taxonomy.category(result.category_code) if result.category_code else None
    return {
        "input": result.text,
        "category": result.category_code,
        "category_name": (spec.name_en if language == "en" else spec.name_id) if spec else None,
        "kbli": list(spec.kbli) if spec else [],
        "score": result.score,
        "status": result.status,
        "method": result.method,
        "alternatives": [{"category": a.category_code, "score": a.score}
                         for a in result.alternatives],
    }


def _lines(stream: BinaryIO) -> Iterator[tuple[int, str | None]]:
    """(line number, text) per line; text ``None`` for a line that is not UTF-8."""
    for number, raw in enumerate(stream, start=1):
        try:
            yield number, raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            yield number, None


def _normalise_stream(state: State, normaliser: Normaliser, stream: BinaryIO,
                      source: str) -> int:
    """One JSON object per input line, in order; a line that is not UTF-8 gets an object with
    its error, is reported on standard error, and the rest goes on. Returns the bad lines."""
    bad = 0
    lines = _lines(stream)
    while chunk := list(itertools.islice(lines, _NORMALISE_CHUNK)):
        names = [text for _number, text in chunk if text is not None]
        results = iter(normaliser.normalise_many(names))
        for number, text in chunk:
            if text is None:
                bad += 1
                message = state.say("not_utf8_line", file=source, line=number)
                state.err.print(escape(message), soft_wrap=True, style="bold red")
                record: dict[str, Any] = {"input": None, "line": number, "error": message}
            else:
                record = _answer(next(results), state.lang)
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return bad


def _normalise_table(state: State, results: list[Normalisation]) -> None:
    table = Table(show_lines=False)
    for key in ("input", "category", "score", "status", "method", "alternatives"):
        table.add_column(state.say(key), justify="right" if key == "score" else "left")
    for result in results:
        answer = _answer(result, state.lang)
        category = (f"{answer['category']}\n{answer['category_name']} "
                    f"(KBLI {', '.join(answer['kbli'])})" if answer["category"] else "-")
        table.add_row(escape(result.text), escape(category), str(result.score), result.status,
                      result.method, escape(", ".join(f"{a.category_code} {a.score}"
                                                      for a in result.alternatives)))
    state.out.print(table)


@app.command("normalise")
def normalise(
    ctx: typer.Context,
    words: list[str] | None = typer.Argument(
        None, metavar="NAMA... | confirm NAMA KATEGORI | reject NAMA KATEGORI",
        help="Nama produk, atau confirm/reject. / Product names, or confirm/reject."),
    output_format: NormaliseFormat = typer.Option(
        NormaliseFormat.table, "--format",
        help="table, atau jsonl (satu objek JSON per baris). / table, or jsonl."),
    file: Path | None = typer.Option(
        None, "--file", help="Baca nama dari file, satu per baris (jsonl). / Read names "
                             "from a file, one per line."),
) -> None:
    """Normalisasi nama produk ke kategori dan KBLI; ajari dengan confirm/reject.
    / Normalise product names to categories and KBLI; teach it with confirm/reject."""
    state = _state(ctx)
    words = words or []
    with _reported(state):
        if words and words[0] in ("confirm", "reject"):
            if len(words) != 3:
                state.fail(state.say("normalise_usage"), 2)
            _teach(state, words[0], words[1], words[2])
            return
        normaliser = _normaliser(state)
        if words:
            results = normaliser.normalise_many(words)
            if output_format is NormaliseFormat.jsonl:
                for result in results:
                    sys.stdout.write(json.dumps(_answer(result, state.lang),
                                                ensure_ascii=False) + "\n")
            else:
                _normalise_table(state, results)
            return
        if output_format is not NormaliseFormat.jsonl and file is None:
            state.fail(state.say("normalise_usage"), 2)
        if file is not None:
            with file.open("rb") as stream:
                bad = _normalise_stream(state, normaliser, stream, str(file))
        else:
            bad = _normalise_stream(state, normaliser, sys.stdin.buffer, "stdin")
        if bad:
            raise typer.Exit(1)


def _teach(state: State, verb: str, name: str, category: str) -> None:
    from catalog.vocabulary import confirm_category, reject_category

    teach = confirm_category if verb == "confirm" else reject_category
    with _engine(state) as engine, session_scope(make_sessionmaker(engine)) as session:
        key = teach(name, category, session=session)
    state.out.print(escape(state.say(f"taught_{verb}", name=key, category=category)),
                    soft_wrap=True)


# --- solve ---------------------------------------------------------------------------------


@app.command("solve")
def solve_problem(
    ctx: typer.Context,
    problem_file: Path = typer.Argument(..., metavar="PROBLEM.json",
                                        help="File masalah (JSON). / The problem file (JSON)."),
    out: Path | None = typer.Option(
        None, "--out", help="Tulis hasil ke file ini (bawaan: stdout). / Write the result "
                            "here (default: standard output)."),
    time_limit: float = typer.Option(30.0, "--time-limit", min=0.001,
                                     help="Batas waktu (detik). / Time limit (seconds)."),
    seed: int = typer.Option(0, "--seed", help="Benih acak. / Random seed."),
) -> None:
    """Alokasikan kebutuhan ke penawaran dari file masalah (bentuk eksplisit atau domain).
    / Allocate demands to offers from a problem file (explicit or domain form)."""
    from matching import (
        InvalidProblem,
        Market,
        MatchParams,
        SolveParams,
        match,
        match_to_dict,
        read_problem,
        result_to_dict,
        solve,
    )

    state = _state(ctx)
    with _reported(state):
        try:
            problem = read_problem(problem_file)
        except InvalidProblem as error:
            state.fail(state.say("bad_problem", file=str(problem_file), path=error.path,
                                 message=error.message), 2)
        # Every core: large independent components are solved side by side.
        params = SolveParams(time_limit_s=time_limit, processes=os.cpu_count() or 1)
        if isinstance(problem, Market):
            matched = match(problem, MatchParams(solve=params), seed=seed)
            result, content = matched.result, match_to_dict(matched)
        else:
            result = solve(problem, params, seed=seed)
            content = result_to_dict(result)
        text = json.dumps(content, indent=2, ensure_ascii=False) + "\n"
        if out is None:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        out.write_text(text, encoding="utf-8")
        state.err.print(escape(state.say(
            "solved", status=result.status, objective=result.objective,
            allocated=int(result.allocation_quantity.sum()), unmet=result.unmet_quantity(),
            file=str(out))), soft_wrap=True)


@app.command("match")
def match_catalog(
    ctx: typer.Context,
    out: Path | None = typer.Option(
        None, "--out", help="Tulis hasil (JSON) ke file ini. / Write the result (JSON) here."),
    time_limit: float = typer.Option(30.0, "--time-limit", min=0.001,
                                     help="Batas waktu solver (detik). / Solver time limit "
                                          "(seconds)."),
    seed: int = typer.Option(0, "--seed", help="Benih acak. / Random seed."),
    horizon_days: int = typer.Option(30, "--horizon-days", min=1,
                                     help="Hari yang direncanakan. / Days planned."),
) -> None:
    """Cocokkan semua kebutuhan terbuka dengan penawaran IKM di basis data.
    / Match every open need to the IKM offers in the database."""
    from api.matchrun import run_match
    from matching import MatchParams, SolveParams

    state = _state(ctx)
    with _reported(state), _engine(state) as engine, \
            make_sessionmaker(engine)() as session:
        run = run_match(session=session, params=MatchParams(
            solve=SolveParams(time_limit_s=time_limit, processes=os.cpu_count() or 1)),
            seed=seed, horizon_days=horizon_days)
        content = run.to_dict()
        _match_tables(state, run)
        if out is not None:
            out.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n",
                           encoding="utf-8")
            state.err.print(escape(state.say("written", file=str(out))), soft_wrap=True)


def _match_tables(state: State, run: Any) -> None:
    matched = run.matched
    needs = matched.market.needs
    served = matched.served
    local = sum(a.quantity for a in matched.allocations() if a.local)
    total = int(needs.quantity.sum())
    table = Table(title=state.say("match_summary", days=run.index.horizon_days))
    table.add_column(state.say("what"))
    table.add_column(state.say("count"), justify="right")
    rows = [
        ("status", matched.result.status),
        ("needs", format_count(len(needs), state.lang)),
        ("demand_units", format_count(total, state.lang)),
        ("served_units", format_count(int(served.sum()), state.lang)),
        ("local_units", format_count(local, state.lang)),
        ("landed_cost", "Rp " + format_count(matched.landed_cost(), state.lang)),
        ("unmet_units", format_count(total - int(served.sum()), state.lang)),
    ]
    for key, value in rows:
        table.add_row(state.say(key), value)
    state.out.print(table)
    reasons: dict[str, int] = {}
    for unmet in matched.unmet:
        for reason, quantity in unmet.reasons.items():
            reasons[reason] = reasons.get(reason, 0) + quantity
    if reasons:
        why = Table(title=state.say("unmet_by_reason"))
        why.add_column(state.say("reason"))
        why.add_column(state.say("count"), justify="right")
        for reason, quantity in sorted(reasons.items(), key=lambda item: -item[1]):
            why.add_row(state.say(f"reason_{reason}"), format_count(quantity, state.lang))
        state.out.print(why)


def main() -> None:
    """The ``simpul`` console script."""
    app(prog_name="simpul")

"""A match run on the catalog: snapshot → market → match, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from api.cli import app
from api.matchrun import run_match
from catalog.db import make_engine, make_sessionmaker, session_scope
from catalog.models import Offer, Park

from .conftest import TODAY

#: The seeded Halal need: 5,000 porsi a day, over the 30-day horizon.
HALAL_NEED = 5_000 * 30
#: Each caterer: 300 porsi a day.
CATERER = 300 * 30


def _run(url: str) -> dict[str, object]:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return run_match(session=session, today=TODAY).to_dict()
    finally:
        engine.dispose()


def _unmet(content: dict[str, object], need_id: int) -> dict[str, int]:
    for item in content["unmet"]:  # type: ignore[attr-defined]
        if item["need_id"] == need_id:
            return dict(item["reasons"])
    return {}


def test_only_the_caterer_with_halal_serves_the_halal_need(catalog_url: str) -> None:
    """Katering Bu Ani (Halal valid) serves its whole capacity over the horizon, locally; the
    four caterers without Halal are certificate_missing for their capacity; the rest has no
    IKM at all."""
    content = _run(catalog_url)
    halal = [a for a in content["allocations"] if a["need_id"] == 1]  # type: ignore[attr-defined]
    assert [(a["enterprise_id"], a["quantity"], a["local"], a["landed_unit_cost"])
            for a in halal] == [(1, CATERER, True, 25_000)]
    assert _unmet(content, 1) == {"certificate_missing": 4 * CATERER,
                                  "no_offer_in_category": HALAL_NEED - 5 * CATERER}


def test_grower_without_a_road_is_too_far_and_closed_needs_take_no_part(
        catalog_url: str) -> None:
    """No link reaches Petasia Timur in the seeded catalog: the vegetables are too_far; the
    closed welding need is not matched."""
    content = _run(catalog_url)
    assert _unmet(content, 2) == {"too_far": 200 * 30, "no_offer_in_category": 1_000 * 30
                                  - 200 * 30}
    need_ids = {a["need_id"] for a in content["allocations"]}  # type: ignore[attr-defined]
    need_ids |= {u["need_id"] for u in content["unmet"]}  # type: ignore[attr-defined]
    assert 3 not in need_ids


def test_weekly_capacity_is_scaled_to_the_horizon(catalog_url: str) -> None:
    """40 welding hours a week are 171 hours in 30 days (rounded down)."""
    engine = make_engine(catalog_url)
    try:
        with make_sessionmaker(engine)() as session:
            run = run_match(session=session, today=TODAY)
            welder = session.scalar(select(Offer.id).where(Offer.category_code == "jasa-las"))
    finally:
        engine.dispose()
    row = run.index.offer_id.tolist().index(welder)
    assert int(run.market.offers.capacity[row]) == 40 * 30 // 7


def test_park_policy_becomes_the_local_discount(catalog_url: str) -> None:
    """A park's local_preference_percent is the discount of its needs."""
    engine = make_engine(catalog_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            session.execute(update(Park).where(Park.code == "IMIP")
                            .values(local_preference_percent=12))
        with make_sessionmaker(engine)() as session:
            run = run_match(session=session, today=TODAY)
    finally:
        engine.dispose()
    assert run.market.needs.local_discount_percent.tolist() == [12, 12]


def test_simpul_match_prints_the_summary_and_writes_the_file(
        catalog_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`simpul match --out` prints served and unmet units by reason in Indonesian and writes
    the result JSON."""
    monkeypatch.setenv("SIMPUL_DATABASE_URL", catalog_url)
    monkeypatch.delenv("SIMPUL_LANG", raising=False)
    out = tmp_path / "hasil.json"
    result = CliRunner().invoke(app, ["match", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "unit dilayani IKM" in result.output
    assert "sertifikat tidak ada atau kedaluwarsa" in result.output
    content = json.loads(out.read_text(encoding="utf-8"))
    assert content["horizon_days"] == 30
    assert content["stats"]["candidates_complete"] is True

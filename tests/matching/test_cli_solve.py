"""`simpul solve`: result JSON on standard output or in --out, exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app

PROBLEM = {"offers": [{"id": "o1", "capacity": 120}],
           "demands": [{"id": "d1", "quantity": 50, "unmet_penalty": 100000}],
           "arcs": [{"offer": "o1", "demand": "d1", "unit_cost": 2750}]}


@pytest.fixture
def problem_file(tmp_path: Path) -> Path:
    """The documented example as a problem file."""
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(PROBLEM), encoding="utf-8")
    return path


def test_solve_prints_result_json(problem_file: Path) -> None:
    """Without --out the result JSON goes to standard output."""
    result = CliRunner().invoke(app, ["solve", str(problem_file), "--seed", "0",
                                      "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "optimal"
    assert data["objective"] == 137500


def test_solve_writes_out_file(problem_file: Path, tmp_path: Path) -> None:
    """--out writes the result file."""
    out = tmp_path / "result.json"
    result = CliRunner().invoke(app, ["solve", str(problem_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["allocations"] == [
        {"offer": "o1", "demand": "d1", "quantity": 50}]


@pytest.mark.parametrize(("change", "path"), [
    ({"arcs": [{"offer": "o9", "demand": "d1", "unit_cost": 1}]}, "$.arcs[0].offer"),
    ({"demands": [{"id": "d1", "quantity": -3, "unmet_penalty": 1}]}, "$.demands[0].quantity"),
    ({"offers": [{"id": "o1", "capacity": 1}, {"id": "o1", "capacity": 2}]}, "$.offers[1].id"),
    ({"demands": [{"id": "d1", "quantity": 3}]}, "$.demands[0].unmet_penalty"),
])
def test_bad_problem_exits_2_naming_the_path(tmp_path: Path, change: dict[str, object],
                                             path: str) -> None:
    """Unknown id, negative quantity, duplicate id, missing field: exit 2 and the JSON path."""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**PROBLEM, **change}), encoding="utf-8")
    result = CliRunner().invoke(app, ["--lang", "en", "solve", str(bad)])
    assert result.exit_code == 2
    assert path in result.output


def test_not_json_exits_2(tmp_path: Path) -> None:
    """A file that is not JSON: exit 2 at $."""
    bad = tmp_path / "bad.json"
    bad.write_text("not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["--lang", "en", "solve", str(bad)])
    assert result.exit_code == 2
    assert "$" in result.output


def test_missing_file_exits_2(tmp_path: Path) -> None:
    """A missing problem file: exit 2."""
    result = CliRunner().invoke(app, ["--lang", "en", "solve", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "not found" in result.output


DOMAIN_EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "domain-problem.json"


def test_solve_takes_the_domain_form() -> None:
    """The documented domain example is matched: allocations carry their landed cost, unmet
    units their domain reasons."""
    result = CliRunner().invoke(app, ["solve", str(DOMAIN_EXAMPLE)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["allocations"][0]["landed_unit_cost"] == 24_000
    assert data["unmet"][0]["reasons"] == {"certificate_missing": 1000}


def test_bad_domain_problem_exits_2_naming_the_path(tmp_path: Path) -> None:
    """A need due on a day that is not a date: exit 2, the JSON path named."""
    data = json.loads(DOMAIN_EXAMPLE.read_text(encoding="utf-8"))
    data["needs"][0]["due_date"] = "minggu depan"
    path = tmp_path / "masalah.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(app, ["solve", str(path)])
    assert result.exit_code == 2
    assert "$.needs[0].due_date" in result.output

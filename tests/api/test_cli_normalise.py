"""`simpul normalise`: a table, JSON lines in order, clear errors, and learning from people."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app


@pytest.fixture
def runner() -> CliRunner:
    """A runner of the typer app that captures its output."""
    return CliRunner()


@pytest.fixture
def use_catalog(monkeypatch: pytest.MonkeyPatch, catalog_url: str) -> str:
    """SIMPUL_DATABASE_URL points at the small seeded catalog (taxonomy loaded)."""
    monkeypatch.setenv("SIMPUL_DATABASE_URL", catalog_url)
    monkeypatch.delenv("SIMPUL_LANG", raising=False)
    return catalog_url


def jsonl(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_names_print_a_table_with_category_and_kbli(runner: CliRunner, use_catalog: str) -> None:
    """NAME... prints each name's category, KBLI, score, status and method."""
    result = runner.invoke(app, ["normalise", "kardos uk 40x30", "jual pulsa"])
    assert result.exit_code == 0, result.output
    assert "kardus" in result.output
    assert "17022" in result.output
    assert "unknown" in result.output


def test_jsonl_reads_standard_input_and_keeps_order(runner: CliRunner, use_catalog: str) -> None:
    """--format jsonl writes one object per input line, in order, with every field."""
    names = ["aqua galon 19 liter", "", "sepatu sefty", "asdfgh"]
    result = runner.invoke(app, ["normalise", "--format", "jsonl"],
                           input="\n".join(names) + "\n")
    assert result.exit_code == 0, result.output
    records = jsonl(result.output)
    assert [r["input"] for r in records] == names
    assert set(records[0]) >= {"input", "category", "category_name", "kbli", "score", "status",
                               "method", "alternatives"}
    assert records[0]["category"] == "air-minum-kemasan"
    assert records[0]["kbli"][0] == "11051"  # type: ignore[index]
    assert (records[1]["status"], records[3]["status"]) == ("unknown", "unknown")


def test_a_line_that_is_not_utf8_is_named_and_nothing_else_is_lost(
        runner: CliRunner, use_catalog: str, tmp_path: Path) -> None:
    """A bad line is reported with its number, exit 1, and every other line is answered."""
    path = tmp_path / "nama.txt"
    path.write_bytes(b"kardos\nsayur \xe9\xff\nnasbox ayam\n")
    result = runner.invoke(app, ["normalise", "--format", "jsonl", "--file", str(path)])
    assert result.exit_code == 1
    records = jsonl(result.output)
    assert [r.get("category") for r in records] == ["kardus", None, "katering-acara"]
    assert records[1]["line"] == 2
    assert "baris 2" in result.output


def test_confirmation_is_stored_and_wins(runner: CliRunner, use_catalog: str) -> None:
    """`confirm NAME CATEGORY` is remembered: the name is then decided by the person."""
    taught = runner.invoke(app, ["normalise", "confirm", "rantangan makan siang",
                                 "katering-kontrak"])
    assert taught.exit_code == 0, taught.output
    result = runner.invoke(app, ["normalise", "--format", "jsonl"],
                           input="Rantangan makan siang 200 porsi\n")
    record = jsonl(result.output)[0]
    assert (record["category"], record["method"], record["status"]) == (
        "katering-kontrak", "person", "auto")


def test_rejection_is_stored_and_not_suggested_again(runner: CliRunner,
                                                     use_catalog: str) -> None:
    """`reject NAME CATEGORY` is remembered: that category is not suggested for the name."""
    assert runner.invoke(app, ["normalise", "reject", "kardos", "kardus"]).exit_code == 0
    record = jsonl(runner.invoke(app, ["normalise", "--format", "jsonl"],
                                 input="kardos\n").output)[0]
    assert record["category"] != "kardus"


def test_teaching_an_unknown_category_fails_clearly(runner: CliRunner, use_catalog: str) -> None:
    """A category that does not exist is a one-line error naming it, exit 1."""
    result = runner.invoke(app, ["normalise", "confirm", "kardos", "bukan-kategori"])
    assert result.exit_code == 1
    assert "bukan-kategori" in result.output
    assert "Traceback" not in result.output


def test_wrong_use_shows_the_usage(runner: CliRunner, use_catalog: str) -> None:
    """`confirm` without a category, or no names in table mode, prints the usage, exit 2."""
    for arguments in (["normalise", "confirm", "kardos"], ["normalise"]):
        result = runner.invoke(app, arguments)
        assert result.exit_code == 2
        assert "simpul normalise confirm" in result.output

"""Problem files in, result files out; every bad input names its JSON path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from matching import (
    InvalidProblem,
    Market,
    market_from_dict,
    match,
    match_to_dict,
    problem_from_dict,
    read_problem,
    result_to_dict,
    solve,
)
from matching.io import write_result

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "problem.schema.json"

EXAMPLE: dict[str, Any] = {
    "offers": [{"id": "o1", "capacity": 120, "min_order": 0}],
    "demands": [{"id": "d1", "quantity": 50, "split": True, "min_lot": 0,
                 "max_suppliers": None, "unmet_penalty": 100000}],
    "arcs": [{"offer": "o1", "demand": "d1", "unit_cost": 2750, "capacity_use": 1}],
}


def _changed(base: dict[str, Any], change: str, value: Any) -> dict[str, Any]:
    """``base`` with one value changed (dotted path; ``value=...`` deletes it if present)."""
    data = copy.deepcopy(base)
    *parents, last = change.split(".")
    target: Any = data
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    if value is ...:
        target.pop(last, None)
    else:
        target[last] = value
    return data


def _with(change: str, value: Any) -> dict[str, Any]:
    """EXAMPLE with one value changed."""
    return _changed(EXAMPLE, change, value)


def test_example_reads_and_solves() -> None:
    """The documented example is read and solved to the documented answer."""
    result = solve(problem_from_dict(EXAMPLE))
    assert result_to_dict(result)["allocations"] == [{"offer": "o1", "demand": "d1",
                                                      "quantity": 50}]
    assert result.objective == 50 * 2750


def test_optional_fields_default() -> None:
    """min_order, split, min_lot, max_suppliers and capacity_use may be left out."""
    data = {"offers": [{"id": "o1", "capacity": 5}],
            "demands": [{"id": "d1", "quantity": 3, "unmet_penalty": 10}],
            "arcs": [{"offer": "o1", "demand": "d1", "unit_cost": 2}]}
    problem = problem_from_dict(data)
    assert problem.is_plain_flow
    assert problem.demands[0].max_suppliers is None


@pytest.mark.parametrize(("data", "path"), [
    (_with("arcs.0.offer", "o9"), "$.arcs[0].offer"),
    (_with("arcs.0.demand", "d9"), "$.arcs[0].demand"),
    (_with("demands.0.quantity", -3), "$.demands[0].quantity"),
    (_with("offers.0.capacity", -1), "$.offers[0].capacity"),
    (_with("arcs.0.unit_cost", -1), "$.arcs[0].unit_cost"),
    (_with("demands.0.unmet_penalty", ...), "$.demands[0].unmet_penalty"),
    (_with("offers.0.id", ...), "$.offers[0].id"),
    (_with("arcs.0.unit_cost", "2750"), "$.arcs[0].unit_cost"),
    (_with("demands.0.quantity", 2.5), "$.demands[0].quantity"),
    (_with("demands.0.split", "no"), "$.demands[0].split"),
    (_with("arcs", ...), "$.arcs"),
    (_with("offers", {}), "$.offers"),
    (_with("offers.0.colour", "red"), "$.offers[0].colour"),
    ({**EXAMPLE, "offers": EXAMPLE["offers"] * 2}, "$.offers[1].id"),
    ({**EXAMPLE, "arcs": EXAMPLE["arcs"] * 2}, "$.arcs[1]"),
    ([], "$"),
])
def test_bad_input_names_its_json_path(data: Any, path: str) -> None:
    """Unknown ids, negatives, missing fields, wrong types, duplicates: the path is named."""
    with pytest.raises(InvalidProblem) as caught:
        problem_from_dict(data)
    assert caught.value.path == path


def test_file_that_is_not_json_is_invalid_at_the_root(tmp_path: Path) -> None:
    """A file that is not JSON fails at $."""
    bad = tmp_path / "bad.json"
    bad.write_text("{offers: ", encoding="utf-8")
    with pytest.raises(InvalidProblem) as caught:
        read_problem(bad)
    assert caught.value.path == "$"


def test_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    """A missing file is an OSError for the caller, not an InvalidProblem."""
    with pytest.raises(FileNotFoundError):
        read_problem(tmp_path / "nope.json")


def test_result_file_round_trips(tmp_path: Path) -> None:
    """write_result writes the documented shape."""
    out = tmp_path / "result.json"
    write_result(solve(problem_from_dict(EXAMPLE)), out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == {"status", "objective", "allocations", "unmet", "stats"}
    assert data["status"] == "optimal"
    assert data["objective"] == 137500


def _check(value: Any, schema: dict[str, Any]) -> None:
    """A small structural check of the schema keywords the problem schema uses."""
    kinds = schema.get("type")
    if kinds is not None:
        names = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
        allowed = kinds if isinstance(kinds, list) else [kinds]
        ok = any((isinstance(value, int) and not isinstance(value, bool)) if k == "integer"
                 else isinstance(value, names[k]) for k in allowed)
        assert ok, (value, kinds)
    if isinstance(value, dict):
        assert set(schema.get("required", [])) <= set(value)
        if schema.get("additionalProperties") is False:
            assert set(value) <= set(schema["properties"])
        for key, item in value.items():
            _check(item, schema["properties"][key])
    if isinstance(value, list) and "items" in schema:
        for item in value:
            _check(item, schema["items"])
    if isinstance(value, int) and not isinstance(value, bool) and "minimum" in schema:
        assert value >= schema["minimum"]


def test_example_matches_the_schema() -> None:
    """The documented example satisfies the explicit form of docs/problem.schema.json."""
    _check(EXAMPLE, json.loads(SCHEMA.read_text(encoding="utf-8"))["$defs"]["explicit"])


def test_schema_required_fields_match_the_reader() -> None:
    """Fields the schema requires are exactly those whose absence the reader refuses."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))["$defs"]["explicit"]
    assert set(schema["required"]) == {"offers", "demands", "arcs"}
    for section in ("offers", "demands", "arcs"):
        item_schema = schema["properties"][section]["items"]
        for field in item_schema["properties"]:
            data = _with(f"{section}.0.{field}", ...)
            if field in item_schema["required"]:
                with pytest.raises(InvalidProblem, match="Missing required field"):
                    problem_from_dict(data)
            else:
                problem_from_dict(data)


# --- the domain form -----------------------------------------------------------------------

DOMAIN_EXAMPLE_FILE = SCHEMA.parent / "examples" / "domain-problem.json"
DOMAIN: dict[str, Any] = json.loads(DOMAIN_EXAMPLE_FILE.read_text(encoding="utf-8"))


def _domain_with(change: str, value: Any) -> dict[str, Any]:
    """DOMAIN with one value changed."""
    return _changed(DOMAIN, change, value)


def test_both_documented_examples_satisfy_the_schema() -> None:
    """The explicit example and docs/examples/domain-problem.json validate against
    docs/problem.schema.json (JSON Schema 2020-12), each against exactly one form."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(EXAMPLE)
    validator.validate(DOMAIN)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**EXAMPLE, "needs": []})


def test_domain_example_reads_as_a_market_and_matches() -> None:
    """The domain example: the Bahodopi caterer (local, Halal and hygiene) and the Palu one
    serve IMIP's canteen; the Bungku caterer has no hygiene certificate."""
    market = read_problem(DOMAIN_EXAMPLE_FILE)
    assert isinstance(market, Market)
    content = match_to_dict(match(market))
    assert [(a["offer"], a["quantity"], a["local"]) for a in content["allocations"]] == [
        ("katering-bahodopi", 6000, True), ("katering-palu", 5000, False)]
    assert content["unmet"] == [
        {"demand": "imip-kantin-blok-a", "quantity": 1000,
         "reasons": {"certificate_missing": 1000}},
        {"demand": "imip-snack-shift-malam", "quantity": 20000,
         "reasons": {"no_offer_in_category": 20000}}]
    assert content["stats"]["candidates_complete"] is True


@pytest.mark.parametrize(("change", "value", "path"), [
    ("offers.0.category", "nasi-goreng", "$.offers[0].category"),
    ("offers.1.place", "mars", "$.offers[1].place"),
    ("needs.0.park", "mars", "$.needs[0].park"),
    ("needs.0.due_date", "8 Desember", "$.needs[0].due_date"),
    ("needs.0.quantity", -5, "$.needs[0].quantity"),
    ("needs.0.quantity", ..., "$.needs[0].quantity"),
    ("offers.0.capacity", 2.5, "$.offers[0].capacity"),
    ("offers.0.certificates.0.valid_until", "2027-13-01",
     "$.offers[0].certificates[0].valid_until"),
    ("offers.0.certificates.0.kind", "", "$.offers[0].certificates[0].kind"),
    ("needs.0.required_certificates", ["HALAL", 7], "$.needs[0].required_certificates[1]"),
    ("links.0.mode", "air", "$.links[0].mode"),
    ("links.0.from", "mars", "$.links[0]"),
    ("needs.0.colour", "red", "$.needs[0].colour"),
    ("today", ..., "$.today"),
    ("places", "fatufia", "$.places"),
])
def test_bad_domain_input_names_its_json_path(change: str, value: Any, path: str) -> None:
    """Unknown categories and places, bad dates, negatives, wrong types: the path is named."""
    with pytest.raises(InvalidProblem) as caught:
        market_from_dict(_domain_with(change, value))
    assert caught.value.path == path


def test_duplicate_offer_id_in_the_domain_form_is_named() -> None:
    """Two offers with one id: the second is named."""
    data = copy.deepcopy(DOMAIN)
    data["offers"][1]["id"] = data["offers"][0]["id"]
    with pytest.raises(InvalidProblem) as caught:
        market_from_dict(data)
    assert caught.value.path == "$.offers[1].id"


def test_domain_schema_required_fields_match_the_reader() -> None:
    """Fields the domain schema requires are exactly those whose absence the reader refuses."""
    domain = json.loads(SCHEMA.read_text(encoding="utf-8"))["$defs"]["domain"]
    for section in ("offers", "needs", "categories", "links"):
        item_schema = domain["properties"][section]["items"]
        for field in item_schema["properties"]:
            data = _domain_with(f"{section}.0.{field}", ...)
            if field in item_schema["required"]:
                with pytest.raises(InvalidProblem, match="Missing required field"):
                    market_from_dict(data)
            else:
                market_from_dict(data)

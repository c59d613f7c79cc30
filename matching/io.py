"""Problem files (JSON, explicit arcs) in, result files out.

Every error is an :class:`~matching.exceptions.InvalidProblem` naming the JSON path of the
value to fix (``$.arcs[3].offer``). The format is described in ``docs/matching.md`` and
``docs/problem.schema.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from matching.exceptions import InvalidProblem
from matching.problem import Demand, Offer, Problem, _is_integer
from matching.result import Result

__all__ = ["problem_from_dict", "read_problem", "result_to_dict", "write_result"]

_OFFER_FIELDS = {"id": (str, True), "capacity": (int, True), "min_order": (int, False)}
_DEMAND_FIELDS = {"id": (str, True), "quantity": (int, True), "split": (bool, False),
                  "min_lot": (int, False), "max_suppliers": (int, False),
                  "unmet_penalty": (int, True)}
_ARC_FIELDS = {"offer": (str, True), "demand": (str, True), "unit_cost": (int, True),
               "capacity_use": (int, False)}
_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false"}


def _fields(item: object, path: str, spec: dict[str, tuple[type, bool]],
            nullable: frozenset[str] = frozenset()) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise InvalidProblem(path, f"Expected an object; got {_kind(item)}.")
    unknown = sorted(set(item) - set(spec))
    if unknown:
        raise InvalidProblem(f"{path}.{unknown[0]}", f"Unknown field '{unknown[0]}'; the "
                                                     f"fields are {', '.join(spec)}.")
    values: dict[str, Any] = {}
    for name, (kind, required) in spec.items():
        if name not in item:
            if required:
                raise InvalidProblem(f"{path}.{name}", f"Missing required field '{name}'.")
            continue
        value = item[name]
        if value is None and name in nullable:
            values[name] = None
            continue
        ok = (_is_integer(value) if kind is int else isinstance(value, kind))
        if not ok:
            raise InvalidProblem(f"{path}.{name}", f"'{name}' must be {_TYPE_NAMES[kind]}; "
                                                   f"got {_kind(value)} {value!r}.")
        values[name] = value
    return values


def _kind(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "an integer", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _list(data: dict[str, Any], name: str) -> list[Any]:
    if name not in data:
        raise InvalidProblem(f"$.{name}", f"Missing required field '{name}'.")
    value = data[name]
    if not isinstance(value, list):
        raise InvalidProblem(f"$.{name}", f"'{name}' must be an array; got {_kind(value)}.")
    return value


def problem_from_dict(data: object) -> Problem:
    """The problem described by a parsed problem file (explicit form)."""
    if not isinstance(data, dict):
        raise InvalidProblem("$", f"A problem file holds an object; got {_kind(data)}.")
    unknown = sorted(set(data) - {"offers", "demands", "arcs"})
    if unknown:
        raise InvalidProblem(f"$.{unknown[0]}", f"Unknown field '{unknown[0]}'; a problem has "
                                                "offers, demands and arcs (the domain form is "
                                                "not supported yet).")
    offers, demands = [], []
    for i, item in enumerate(_list(data, "offers")):
        path = f"$.offers[{i}]"
        try:
            offers.append(Offer(**_fields(item, path, _OFFER_FIELDS)))
        except InvalidProblem as error:
            raise error.under(path) from None
    for i, item in enumerate(_list(data, "demands")):
        path = f"$.demands[{i}]"
        try:
            demands.append(Demand(**_fields(item, path, _DEMAND_FIELDS,
                                            frozenset({"max_suppliers"}))))
        except InvalidProblem as error:
            raise error.under(path) from None
    raw = _list(data, "arcs")
    columns = _arc_columns(raw)
    if columns is None:
        # Something is off: check arc by arc to name the exact JSON path.
        arcs = [_fields(item, f"$.arcs[{k}]", _ARC_FIELDS) for k, item in enumerate(raw)]
        columns = ([a["offer"] for a in arcs], [a["demand"] for a in arcs],
                   [a["unit_cost"] for a in arcs], [a.get("capacity_use", 1) for a in arcs])
    return Problem.from_arrays(offers, demands, *columns)


_ARC_KEY_SETS = frozenset({frozenset({"offer", "demand", "unit_cost"}),
                           frozenset({"offer", "demand", "unit_cost", "capacity_use"})})


def _arc_columns(raw: list[Any]) -> tuple[list[str], list[str], Any, Any] | None:
    """The arcs as columns when every arc is well formed, checked a column at a time (an arc
    list of 320,000 objects is the bulk of a large file); ``None`` when any arc is not, so the
    caller can find it and name its path."""
    if not all(type(item) is dict for item in raw):
        return None
    if not {frozenset(item) for item in raw} <= _ARC_KEY_SETS:
        return None
    offer_ids = [item["offer"] for item in raw]
    demand_ids = [item["demand"] for item in raw]
    costs = [item["unit_cost"] for item in raw]
    uses = [item.get("capacity_use", 1) for item in raw]
    if not ({type(v) for v in offer_ids} | {type(v) for v in demand_ids}) <= {str}:
        return None
    if not ({type(v) for v in costs} | {type(v) for v in uses}) <= {int}:
        return None  # bool is its own type, so true/false is refused here too
    try:
        return offer_ids, demand_ids, np.array(costs, dtype=np.int64), np.array(
            uses, dtype=np.int64)
    except OverflowError:
        return None


def read_problem(path: str | Path) -> Problem:
    """Read and validate a problem file. A missing file raises ``FileNotFoundError``."""
    text = Path(path).read_bytes()
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidProblem("$", f"The file is not valid JSON: {error}.") from None
    return problem_from_dict(data)


def result_to_dict(result: Result) -> dict[str, Any]:
    """The result file's content."""
    return {
        "status": result.status,
        "objective": result.objective,
        "allocations": [{"offer": o, "demand": d, "quantity": q}
                        for o, d, q in result.allocations()],
        "unmet": [{"demand": u.demand, "quantity": u.quantity, "reasons": dict(u.reasons)}
                  for u in result.unmet],
        "stats": {**result.stats.as_dict(), "allocation_cost": result.allocation_cost,
                  "unmet_cost": result.unmet_cost},
    }


def write_result(result: Result, path: str | Path) -> None:
    """Write the result file (UTF-8 JSON, indented)."""
    Path(path).write_text(json.dumps(result_to_dict(result), indent=2, ensure_ascii=False)
                          + "\n", encoding="utf-8")

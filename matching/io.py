"""Problem files (JSON) in, result files out.

A problem file has one of two forms (``docs/matching.md``, ``docs/problem.schema.json``):

* **explicit**: ``offers``, ``demands`` and the ``arcs`` between them, with their costs; read
  into a :class:`~matching.Problem` and solved as it is;
* **domain**: ``categories``, ``places`` and ``links``, ``offers`` with category, place,
  capacity, price and certificates, ``needs`` with their park, due date and rules; read into a
  :class:`~matching.market.Market`, whose eligibility and costs are worked out by
  :func:`~matching.market.match`.

Every error is an :class:`~matching.exceptions.InvalidProblem` naming the JSON path of the
value to fix (``$.arcs[3].offer``, ``$.needs[0].due_date``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from matching.candidates import (
    NEVER_EXPIRES,
    NO_CERTIFICATE,
    NO_PRICE_CEILING,
    NeedTable,
    OfferTable,
)
from matching.exceptions import InvalidProblem
from matching.graphs import LINK_MODES, CapabilityGraph, LogisticsGraph, _index_names
from matching.market import Market, MatchResult, default_unmet_penalty
from matching.problem import Demand, Offer, Problem, _is_integer
from matching.result import Result

__all__ = ["market_from_dict", "match_to_dict", "problem_from_dict", "read_problem",
           "result_to_dict", "write_result"]

_OFFER_FIELDS = {"id": (str, True), "capacity": (int, True), "min_order": (int, False)}
_DEMAND_FIELDS = {"id": (str, True), "quantity": (int, True), "split": (bool, False),
                  "min_lot": (int, False), "max_suppliers": (int, False),
                  "unmet_penalty": (int, True)}
_ARC_FIELDS = {"offer": (str, True), "demand": (str, True), "unit_cost": (int, True),
               "capacity_use": (int, False)}
_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", float: "a number",
               list: "an array", dt.date: "a date (YYYY-MM-DD)"}


def _fields(item: object, path: str, spec: Mapping[str, tuple[type, bool]],
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
        if kind is dt.date:
            value = _date(value, f"{path}.{name}")
        elif kind is float:
            if not _is_number(value):
                raise InvalidProblem(f"{path}.{name}", f"'{name}' must be a number; got "
                                                       f"{_kind(value)} {value!r}.")
        elif not (_is_integer(value) if kind is int else isinstance(value, kind)):
            raise InvalidProblem(f"{path}.{name}", f"'{name}' must be {_TYPE_NAMES[kind]}; "
                                                   f"got {_kind(value)} {value!r}.")
        values[name] = value
    return values


def _is_number(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _date(value: object, path: str) -> dt.date:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidProblem(path, f"Expected a date as YYYY-MM-DD; got {_kind(value)} {value!r}.")


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
        raise InvalidProblem(f"$.{unknown[0]}", f"Unknown field '{unknown[0]}'; a problem in "
                                                "the explicit form has offers, demands and "
                                                "arcs (the domain form has needs instead of "
                                                "demands and arcs).")
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


def read_problem(path: str | Path) -> Problem | Market:
    """Read and validate a problem file: a :class:`Problem` in the explicit form, a
    :class:`Market` in the domain form (the one with ``needs``). A missing file raises
    ``FileNotFoundError``."""
    text = Path(path).read_bytes()
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidProblem("$", f"The file is not valid JSON: {error}.") from None
    if isinstance(data, dict) and "needs" in data:
        return market_from_dict(data)
    return problem_from_dict(data)


# --- the domain form -----------------------------------------------------------------------

_DOMAIN_KEYS = frozenset({"today", "categories", "substitutes", "related", "places", "links",
                          "offers", "needs"})
_CATEGORY_FIELDS = {"code": (str, True), "transport_rate": (float, False)}
_SUBSTITUTE_FIELDS = {"offer_category": (str, True), "need_category": (str, True),
                      "factor": (float, True)}
_RELATED_FIELDS = {"a": (str, True), "b": (str, True)}
_LINK_FIELDS = {"from": (str, True), "to": (str, True), "mode": (str, True),
                "km": (float, True), "hours": (float, True)}
_DOMAIN_OFFER_FIELDS = {"id": (str, True), "category": (str, True), "place": (str, True),
                        "locality": (str, False), "capacity": (int, True),
                        "unit_price": (int, True), "min_order": (int, False),
                        "lead_time_days": (int, False), "delivery_radius_km": (float, False),
                        "certificates": (list, False)}
_CERTIFICATE_FIELDS = {"kind": (str, True), "valid_until": (dt.date, False)}
_NEED_FIELDS = {"id": (str, True), "category": (str, True), "park": (str, True),
                "locality": (str, False), "quantity": (int, True), "due_date": (dt.date, True),
                "required_certificates": (list, False), "max_unit_price": (int, False),
                "max_distance_km": (float, False), "split": (bool, False),
                "min_lot": (int, False), "max_suppliers": (int, False),
                "unmet_penalty": (int, False), "local_preference_percent": (int, False)}


def _items(data: dict[str, Any], name: str, spec: Mapping[str, tuple[type, bool]], *,
           required: bool = True, nullable: frozenset[str] = frozenset()
           ) -> list[dict[str, Any]]:
    if name not in data and not required:
        return []
    return [_fields(item, f"$.{name}[{k}]", spec, nullable)
            for k, item in enumerate(_list(data, name))]


def _known(index: dict[str, int], value: str, path: str, what: str) -> int:
    if value not in index:
        raise InvalidProblem(path, f"Unknown {what} '{value}'; it is not among the {what}s.")
    return index[value]


def market_from_dict(data: object) -> Market:
    """The market described by a parsed problem file in the domain form."""
    if not isinstance(data, dict):
        raise InvalidProblem("$", f"A problem file holds an object; got {_kind(data)}.")
    unknown = sorted(set(data) - _DOMAIN_KEYS)
    if unknown:
        raise InvalidProblem(f"$.{unknown[0]}", f"Unknown field '{unknown[0]}'; a problem in "
                                                f"the domain form has "
                                                f"{', '.join(sorted(_DOMAIN_KEYS))}.")
    if "today" not in data:
        raise InvalidProblem("$.today", "Missing required field 'today' (YYYY-MM-DD): the day "
                                        "the match is for.")
    today = _date(data["today"], "$.today")
    categories = _items(data, "categories", _CATEGORY_FIELDS)
    category_at = _index_names([c["code"] for c in categories], "categories")
    substitutes = _items(data, "substitutes", _SUBSTITUTE_FIELDS, required=False)
    related = _items(data, "related", _RELATED_FIELDS, required=False)
    capability = CapabilityGraph.build(
        [c["code"] for c in categories],
        [(s["offer_category"], s["need_category"], float(s["factor"])) for s in substitutes],
        [(r["a"], r["b"]) for r in related])
    places = _list(data, "places")
    place_at = _index_names(places, "places")
    links = _items(data, "links", _LINK_FIELDS, required=False)
    for k, link in enumerate(links):
        if link["mode"] not in LINK_MODES:
            raise InvalidProblem(f"$.links[{k}].mode", f"A link's mode is one of "
                                                       f"{', '.join(LINK_MODES)}; got "
                                                       f"'{link['mode']}'.")
    logistics = LogisticsGraph.build(places, [(ln["from"], ln["to"], ln["mode"], ln["km"],
                                               ln["hours"]) for ln in links])
    offers = _items(data, "offers", _DOMAIN_OFFER_FIELDS,
                    nullable=frozenset({"delivery_radius_km", "locality"}))
    needs = _items(data, "needs", _NEED_FIELDS,
                   nullable=frozenset({"max_unit_price", "max_distance_km", "max_suppliers",
                                       "unmet_penalty", "locality"}))

    kinds: dict[str, int] = {}
    localities: dict[str, int] = {}

    def kind_bit(kind: object, path: str) -> int:
        if not isinstance(kind, str) or not kind:
            raise InvalidProblem(path, f"A certificate kind must be a non-empty string; got "
                                       f"{_kind(kind)}.")
        if kind not in kinds:
            if len(kinds) == 63:
                raise InvalidProblem(path, "At most 63 certificate kinds are supported.")
            kinds[kind] = len(kinds)
        return kinds[kind]

    def locality(value: str | None, unknown: int) -> int:
        # An offer and a need are local to each other when they name the same locality.
        return unknown if value is None else localities.setdefault(value, len(localities))

    held: list[dict[int, int]] = []
    for k, offer in enumerate(offers):
        valid: dict[int, int] = {}
        for c, item in enumerate(offer.get("certificates", [])):
            path = f"$.offers[{k}].certificates[{c}]"
            certificate = _fields(item, path, _CERTIFICATE_FIELDS, frozenset({"valid_until"}))
            bit = kind_bit(certificate["kind"], f"{path}.kind")
            until = certificate.get("valid_until")
            day = NEVER_EXPIRES if until is None else _epoch(until)
            valid[bit] = max(valid.get(bit, NO_CERTIFICATE), day)
        held.append(valid)
    required: list[int] = []
    for k, need in enumerate(needs):
        mask = 0
        for c, kind in enumerate(need.get("required_certificates", [])):
            mask |= 1 << kind_bit(kind, f"$.needs[{k}].required_certificates[{c}]")
        required.append(mask)

    n_kinds = max(1, len(kinds))
    valid_until = np.full((len(offers), n_kinds), NO_CERTIFICATE, dtype=np.int32)
    for k, valid in enumerate(held):
        for bit, day in valid.items():
            valid_until[k, bit] = day
    offer_columns: dict[str, Any] = {
        "id": np.array([o["id"] for o in offers], dtype=object),
        "category": [_known(category_at, o["category"], f"$.offers[{k}].category", "category")
                  for k, o in enumerate(offers)],
        "node": [_known(place_at, o["place"], f"$.offers[{k}].place", "place")
              for k, o in enumerate(offers)],
        "kabupaten": [locality(o.get("locality"), -1) for o in offers],
        "capacity": [o["capacity"] for o in offers],
        "unit_price": [o["unit_price"] for o in offers],
        "min_order": [o.get("min_order", 0) for o in offers],
        "lead_time_days": [o.get("lead_time_days", 0) for o in offers],
        "delivery_radius_km": [math.inf if o.get("delivery_radius_km") is None
                            else o["delivery_radius_km"] for o in offers],
        "certificates_valid_until": valid_until}
    offer_table = OfferTable(**offer_columns)
    need_category = [_known(category_at, n["category"], f"$.needs[{k}].category", "category")
                     for k, n in enumerate(needs)]
    park_node = [_known(place_at, n["park"], f"$.needs[{k}].park", "place")
                 for k, n in enumerate(needs)]
    ceiling = [NO_PRICE_CEILING if n.get("max_unit_price") is None else n["max_unit_price"]
               for n in needs]
    rate = np.array([c.get("transport_rate", 0.0) for c in categories], dtype=np.float64)
    parks = sorted(set(park_node))
    km, _ = logistics.shortest_from([places[p] for p in parks])
    finite = km[np.isfinite(km)]
    default = default_unmet_penalty(need_category, ceiling, offer_table.category,
                                    offer_table.unit_price, capability.substitution_matrix(),
                                    rate, float(finite.max()) if len(finite) else 0.0)
    need_columns: dict[str, Any] = {
        "id": np.array([n["id"] for n in needs], dtype=object), "category": need_category,
        "park_node": park_node, "kabupaten": [locality(n.get("locality"), -2) for n in needs],
        "quantity": [n["quantity"] for n in needs],
        "due_day": [_epoch(n["due_date"]) for n in needs], "today": _epoch(today),
        "required_certificates": required, "max_unit_price": ceiling,
        "max_distance_km": [math.inf if n.get("max_distance_km") is None
                         else n["max_distance_km"] for n in needs],
        "split": [n.get("split", True) for n in needs], "min_lot": [n.get("min_lot", 0)
                                                               for n in needs],
        "max_suppliers": [n.get("max_suppliers") or 0 for n in needs],
        "unmet_penalty": [int(default[k]) if n.get("unmet_penalty") is None
                       else n["unmet_penalty"] for k, n in enumerate(needs)],
        "local_discount_percent": [n.get("local_preference_percent", 0) for n in needs]}
    return Market(offer_table, NeedTable(**need_columns), capability, logistics, rate)


def _epoch(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def match_to_dict(matched: MatchResult) -> dict[str, Any]:
    """The result file of a problem in the domain form: as :func:`result_to_dict`, with each
    allocation's landed cost, distance and whether it is local, the domain reasons of every
    unmet unit, and how the candidates were found."""
    result = matched.result
    base = result_to_dict(result)
    base["allocations"] = [
        {"offer": a.offer, "demand": a.need, "quantity": a.quantity,
         "landed_unit_cost": a.landed_unit_cost, "km": round(a.km, 3), "local": a.local}
        for a in matched.allocations()]
    base["unmet"] = [{"demand": u.demand, "quantity": u.quantity, "reasons": dict(u.reasons)}
                     for u in matched.unmet]
    stats = matched.stats
    base["landed_cost"] = matched.landed_cost()
    base["stats"].update({"pricing_rounds": stats.rounds, "candidates_complete": stats.complete,
                          "lp_objective": stats.lp_objective, "lp_bound": stats.lp_bound,
                          "first_arcs": stats.first_arcs, "phase_seconds": stats.seconds})
    return base


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

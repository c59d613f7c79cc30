"""The API against its own OpenAPI document, property-based (schemathesis).

For each role — a park buyer, an IKM owner, the agency, the admin and someone not signed in —
every operation of ``/openapi.json`` gets requests generated from its schema, valid ones and
ones that break it, and every answer is checked: no server error, a status code the
operation documents, the content type documented for that status, and a body that conforms
to its documented schema.

Each role works on a freshly seeded catalog of its own; the operations run one after another
on it, so later ones also meet what earlier ones wrote (or deleted). Generation is seeded per
operation, without an example database: a CI run sends the same requests every time.

The operations are driven with Hypothesis over ``APIOperation.as_strategy`` and reported as
pytest subtests, rather than through ``schemathesis.pytest.from_fixture(...).parametrize()``:
that loader (schemathesis 4.32) sets ``request.node._nodeid``, which pytest 9.2 no longer has.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.runs.worker import execute_run
from catalog.db import make_engine

from .conftest import headers_for, seed_catalog
from .conftest import test_settings as app_settings

#: The account each role signs in as (``None``: no credentials at all).
ROLES: dict[str, str | None] = {
    "park_buyer": "buyer.imip",
    "ikm_owner": "owner.ani",
    "agency": "agency.sulteng",
    "admin": "admin",
    "anonymous": None,
}
#: Ids and codes of the seeded catalog (and of what earlier operations create: runs, API
#: keys), so that requests get past "not found" to the routes' work and their refusals.
KNOWN: dict[str, list[object]] = {
    "park_id": [1, 2],  # IMIP (buyer.imip's), IHIP
    "need_id": [1, 2, 3],  # IMIP's two, IHIP's closed one
    "enterprise_id": [1, 6, 7],  # owner.ani's Katering Bu Ani, a welder, a grower
    "offer_id": [1, 6, 7],
    "run_id": [1, 2],
    "key_id": [1],
    "item_id": ["need-2", "offer-6"],  # both waiting for review
    "code": ["katering-kontrak", "jasa-las"],
    "bps_code": ["72", "7203021"],
}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
#: Examples per operation and role: enough to get past each route's validation to its work
#: and to its refusals, few enough for CI (five roles, two backends).
MAX_EXAMPLES = 20
HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES, database=None, deadline=None, print_blob=False,
    # No explain phase: schemathesis' own report (with a curl line) says what failed.
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    # Requests to a database-backed app are slow next to Hypothesis' expectations, and
    # a strict schema (unknown fields refused, closed enums) filters many draws away.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)


@pytest.fixture(params=list(ROLES))
def role(request: pytest.FixtureRequest) -> str:
    """Each role in turn."""
    return str(request.param)


@pytest.fixture
def app(database_url: str) -> FastAPI:
    """The app on a freshly seeded catalog with one finished match run (run 1), so that the
    results, opportunities and the agency's figures answer with what they hold, not 409."""
    seed_catalog(database_url)
    made = create_app(app_settings(database_url))
    with TestClient(made) as client:
        queued = client.post("/api/v1/runs", json={"time_limit_s": 20},
                             headers=headers_for(client, "admin"))
        assert queued.status_code == 202, queued.text
    engine = make_engine(database_url)
    try:
        assert execute_run(int(queued.json()["id"]), engine=engine) == "succeeded"
    finally:
        engine.dispose()
    return made


@pytest.fixture
def credentials(app: FastAPI, role: str) -> dict[str, str]:
    """The ``Authorization`` header of ``role`` (none for the anonymous reader)."""
    username = ROLES[role]
    if username is None:
        return {}
    # In a lifespan of its own, over before schemathesis starts the app for the run.
    with TestClient(app) as client:
        return headers_for(client, username)


@pytest.fixture
def api_schema(app: FastAPI, credentials: dict[str, str]) -> Iterator[schemathesis.BaseSchema]:
    """The app's OpenAPI document as the app serves it; requests go to the app in-process."""
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app)
    try:
        yield loaded
    finally:
        # schemathesis keeps an app's lifespan (engine, pool) running between requests; end
        # it while the database is still there.
        asgi.shutdown_lifespans()


def test_every_answer_conforms_to_the_schema(api_schema: schemathesis.BaseSchema,
                                             credentials: dict[str, str],
                                             subtests: pytest.Subtests) -> None:
    """Whatever is sent, by whichever role: no 5xx, and a documented status, content type
    and body."""
    keys = (f"schemathesis-{n}" for n in itertools.count())

    def send(case: schemathesis.Case) -> None:
        headers = dict(credentials)
        if case.method.upper() == "POST":
            # A fresh key per request, or a retry of a shrunk example would be a replay.
            headers["Idempotency-Key"] = next(keys)
        if case.method.upper() == "PATCH" and "If-Match" not in (case.headers or {}):
            # "*" matches any version (RFC 9110): the change itself runs, not only the 428.
            headers["If-Match"] = "*"
        case.call_and_validate(headers=headers, checks=CHECKS)

    operations = []
    for result in api_schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # an operation the document describes wrongly
        operations.append(result.ok())
    assert len(operations) > 40, "the schema lost operations"
    for operation in operations:
        with subtests.test(operation=operation.label):
            conforms = seed(zlib.crc32(operation.label.encode()))(
                HYPOTHESIS(given(_cases(operation))(send)))
            conforms()


def _cases(operation: schemathesis.APIOperation) -> st.SearchStrategy[schemathesis.Case]:
    """Valid and invalid requests mixed, as schemathesis' own fuzzing phase draws them (an
    operation with nothing to break, such as /healthz, gets valid ones only), and the
    examples of its schema; half of them at ids that exist."""
    cases = st.one_of([*(operation.as_strategy(generation_mode=mode) for mode in GenerationMode),
                       *operation.get_strategies_from_examples()])
    known = {name: st.sampled_from(KNOWN[name])
             for name in re.findall(r"{(\w+)}", operation.path) if name in KNOWN}
    if not known:
        return cases
    return st.one_of(cases, st.tuples(cases, st.fixed_dictionaries(known)).map(_at_known))


def _at_known(drawn: tuple[schemathesis.Case, dict[str, object]]) -> schemathesis.Case:
    case, path_parameters = drawn
    case.path_parameters = {**(case.path_parameters or {}), **path_parameters}
    return case

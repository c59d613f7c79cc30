"""The API under load: demo data on SQLite and on PostgreSQL, 64 clients at once for 30 s.

Set-up, not measured, per backend: a fresh database (a new SQLite file; a new database on the
PostgreSQL server of ``SIMPUL_BENCH_POSTGRES_URL``) holding the demo (``build_demo_database``,
as ``simpul demo`` builds it), served by ``uvicorn`` with ``--workers`` web processes, as in
production (one of them dispatches match runs). One match run is queued through the API and
awaited, so that the IKM have opportunities to read. Every client signs in once
(``POST /auth/token``) as one of the demo's two park buyers and two IKM owners.

Measured, per backend, each client sending its next request as soon as it has the answer to
the last one (a closed loop), over one keep-alive connection of its own. The clients are
``aiohttp`` (its C parser spends about 0.2 ms of CPU per request; ``httpx`` spent 1.5 ms,
enough to make the load generator the bottleneck on the same two cores):

* **baseline** — ``GET /healthz`` (no database, no credentials) for ``--baseline-seconds``:
  what this server and this load generator manage with nothing behind a request, on the same
  machine in the same run;
* **mix** — for ``--seconds``: 90 % reads, 10 % writes. A buyer reads its park's needs (first
  page, ``GET /parks/{id}/needs``); an owner reads its IKM's opportunities
  (``GET /enterprises/{id}/opportunities``). A buyer's write posts a need (with an
  ``Idempotency-Key``) and its next write changes that need (``PATCH`` with ``If-Match``); an
  owner's write posts an offer, then changes its price. Every write is one the client owns, so
  no write is refused for another's (no 412 by design); any answer other than the expected
  2xx, and any timeout, is an error.

Reported per backend and kind of request: requests, requests per second, latency p50, p95 and
p99 (ms), errors. Targets on 2 cores: at least 500 requests/s, p99 at most 150 ms, no errors.

    .venv/bin/python benchmarks/api_bench.py [--clients 64] [--seconds 30]
        [--baseline-seconds 10] [--workers 2] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import numpy as np
from _support import (
    DEFAULT_POSTGRES_URL,
    ROOT,
    fresh_postgres_database,
    machine_info,
    postgres_problem,
    write_json,
)
from rich.console import Console
from rich.table import Table

RPS_TARGET = 500.0
P99_TARGET_MS = 150.0
API = "/api/v1"
PASSWORD = "simpul-demo"
BUYERS = ("pengadaan.imip", "pengadaan.ihip")
OWNERS = ("ikm.katering-bahodopi", "ikm.las-bungku")


# --- the service -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def build_demo(url: str) -> None:
    from api.usecases import build_demo_database
    from catalog.db import make_engine

    engine = make_engine(url)
    try:
        build_demo_database(engine, seed=0, today=dt.date.today(), force=True)
    finally:
        engine.dispose()


@contextmanager
def serving(url: str, workers: int) -> Iterator[str]:
    """``uvicorn`` serving the app on ``url``'s database; yields the base URL."""
    port = _free_port()
    environment = {**os.environ, "SIMPUL_DATABASE_URL": url, "SIMPUL_RUN_TIME_LIMIT_S": "10"}
    command = [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
               "--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, env=environment, cwd=ROOT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None:
                raise RuntimeError(f"The server exited with status {server.returncode}.")
            if time.monotonic() > deadline:
                raise RuntimeError("The server did not answer /healthz within 60 s.")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- the clients ----------------------------------------------------------------------------


@dataclass
class Account:
    username: str
    headers: dict[str, str]
    #: The park of a buyer, or the first IKM of an owner.
    park_id: int | None = None
    enterprise_id: int | None = None
    #: What a new need or offer of this account is made of (taken from its own records).
    template: dict[str, Any] = field(default_factory=dict)


def sign_in(base: str, username: str) -> Account:
    with httpx.Client(base_url=base, timeout=30) as client:
        token = client.post(f"{API}/auth/token",
                            data={"username": username, "password": PASSWORD})
        token.raise_for_status()
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        me = client.get(f"{API}/me", headers=headers).json()
        account = Account(username, headers)
        if me["role"] == "park_buyer":
            account.park_id = me["park_id"]
            need = _categorised(client.get(f"{API}/parks/{account.park_id}/needs",
                                           params={"limit": 100}, headers=headers))
            account.template = {"product_name": need["product_name"], "unit": need["unit"],
                                "period": need["period"]}
        elif me["role"] == "ikm_owner":
            account.enterprise_id = me["enterprise_ids"][0]
            offer = _categorised(client.get(f"{API}/enterprises/{account.enterprise_id}/offers",
                                            params={"limit": 100}, headers=headers))
            account.template = {"product_name": offer["product_name"], "unit": offer["unit"],
                                "period": offer["period"],
                                "unit_price_idr": offer["unit_price_idr"]}
    return account


def _categorised(response: httpx.Response) -> dict[str, Any]:
    """The first record of a list whose category (and so unit) is known."""
    response.raise_for_status()
    found = next((item for item in response.json()["items"] if item["unit"]), None)
    if found is None:
        raise RuntimeError(f"No categorised record at {response.request.url}.")
    return dict(found)


def run_match(base: str) -> dict[str, Any]:
    """Queue a match run as the admin and wait for it (the opportunities come from it)."""
    admin = sign_in(base, "admin")
    with httpx.Client(base_url=base, timeout=30, headers=admin.headers) as client:
        run = client.post(f"{API}/runs", json={}).json()
        deadline = time.monotonic() + 600
        while run["status"] not in ("succeeded", "failed"):
            if time.monotonic() > deadline:
                raise RuntimeError(f"Run {run['id']} did not finish within 600 s.")
            time.sleep(0.5)
            run = client.get(f"{API}/runs/{run['id']}").json()
    if run["status"] != "succeeded":
        raise RuntimeError(f"The match run failed: {run['error']}")
    return dict(run)


@dataclass
class Tally:
    """Latencies (s) and errors by kind of request."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)

    def record(self, kind: str, started: float, ok: bool, why: str = "") -> None:
        self.latencies[kind].append(time.perf_counter() - started)
        if not ok:
            self.errors[kind] += 1
            if len(self.examples) < 5:
                self.examples.append(f"{kind}: {why}")


class Client:
    """One simulated user: one account, one keep-alive connection, a closed loop."""

    def __init__(self, http: aiohttp.ClientSession, account: Account, rng: random.Random,
                 write_share: float, due: str) -> None:
        self.http = http
        self.account = account
        self.rng = rng
        self.write_share = write_share
        self.due = due
        #: The record this client made and may change next: (path, ETag).
        self.mine: tuple[str, str] | None = None

    async def call(self, tally: Tally, kind: str, method: str, path: str, expected: int,
                   **kwargs: Any) -> tuple[Mapping[str, str], bytes] | None:
        started = time.perf_counter()
        try:
            async with self.http.request(method, path, **kwargs) as response:
                body = await response.read()
                status = response.status
                headers = response.headers.copy()  # case-insensitive
        except (aiohttp.ClientError, TimeoutError) as error:
            tally.record(kind, started, False, type(error).__name__)
            return None
        ok = status == expected
        tally.record(kind, started, ok, f"{status} {body[:160].decode(errors='replace')}")
        return (headers, body) if ok else None

    async def step(self, tally: Tally) -> None:
        account = self.account
        headers = account.headers
        if self.rng.random() >= self.write_share:
            if account.park_id is not None:
                await self.call(tally, "read: park needs", "GET",
                                f"{API}/parks/{account.park_id}/needs", 200, headers=headers)
            else:
                await self.call(tally, "read: opportunities", "GET",
                                f"{API}/enterprises/{account.enterprise_id}/opportunities",
                                200, headers=headers)
            return
        if self.mine is not None:
            path, etag = self.mine
            change: dict[str, Any] = ({"quantity": self.rng.randint(1, 10_000)}
                                      if account.park_id is not None else
                                      {"unit_price_idr": self.rng.randint(1_000, 100_000)})
            answer = await self.call(tally, "write: patch", "PATCH", path, 200, json=change,
                                     headers={**headers, "If-Match": etag})
            # Half the time the next write changes the same record again, else a new one.
            self.mine = ((path, answer[0]["ETag"])
                         if answer is not None and self.rng.random() < 0.5 else None)
            return
        template = account.template
        body: dict[str, Any] = {**template, "quantity": self.rng.randint(1, 10_000)}
        if account.park_id is not None:
            body["due_date"] = self.due
            path = f"{API}/parks/{account.park_id}/needs"
        else:
            path = f"{API}/enterprises/{account.enterprise_id}/offers"
        answer = await self.call(tally, "write: post", "POST", path, 201, json=body,
                                 headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
        if answer is not None:
            self.mine = (answer[0]["Location"], answer[0]["ETag"])


async def load(base: str, accounts: list[Account], *, clients: int, seconds: float,
               write_share: float, only: str | None, seed: int) -> tuple[Tally, float]:
    """``clients`` clients for ``seconds``; ``only="healthz"`` sends nothing but that."""
    tally = Tally()
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    stop = time.perf_counter() + seconds
    timeout = aiohttp.ClientTimeout(total=30)

    async def one(index: int) -> None:
        account = accounts[index % len(accounts)]
        connector = aiohttp.TCPConnector(limit=1)
        async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as http:
            client = Client(http, account, random.Random(seed * 10_007 + index),
                            write_share, due)
            while time.perf_counter() < stop:
                if only == "healthz":
                    await client.call(tally, "baseline: /healthz", "GET", "/healthz", 200)
                else:
                    await client.step(tally)

    started = time.perf_counter()
    await asyncio.gather(*(one(index) for index in range(clients)))
    return tally, time.perf_counter() - started


# --- figures --------------------------------------------------------------------------------


def summarise(tally: Tally, elapsed: float) -> list[dict[str, Any]]:
    rows = []
    kinds = sorted(tally.latencies)
    everything = [x for kind in kinds for x in tally.latencies[kind]]
    for kind, values in [*((k, tally.latencies[k]) for k in kinds), ("all", everything)]:
        if not values:
            continue
        latencies = np.asarray(values) * 1000
        rows.append({
            "kind": kind, "requests": len(values),
            "requests_per_s": round(len(values) / elapsed, 1),
            "p50_ms": round(float(np.percentile(latencies, 50)), 1),
            "p95_ms": round(float(np.percentile(latencies, 95)), 1),
            "p99_ms": round(float(np.percentile(latencies, 99)), 1),
            "errors": (sum(tally.errors.values()) if kind == "all"
                       else tally.errors.get(kind, 0)),
        })
    return rows


def bench_backend(name: str, url: str, args: argparse.Namespace,
                  console: Console) -> dict[str, Any]:
    console.print(f"[bold]{name}[/]: building the demo database …")
    started = time.perf_counter()
    build_demo(url)
    built_s = time.perf_counter() - started
    with serving(url, args.workers) as base:
        run = run_match(base)
        accounts = [sign_in(base, username) for username in (*BUYERS, *OWNERS)]
        console.print(f"  demo built in {built_s:.1f} s; run {run['id']} "
                      f"{run['status']}; baseline {args.baseline_seconds:g} s, "
                      f"mix {args.seconds:g} s with {args.clients} clients …")
        base_tally, base_s = asyncio.run(load(
            base, accounts, clients=args.clients, seconds=args.baseline_seconds,
            write_share=0, only="healthz", seed=args.seed))
        tally, elapsed = asyncio.run(load(
            base, accounts, clients=args.clients, seconds=args.seconds,
            write_share=args.write_share, only=None, seed=args.seed))
    rows = summarise(tally, elapsed)
    overall = rows[-1]
    return {
        "backend": name, "demo_build_s": round(built_s, 1), "seconds": round(elapsed, 1),
        "baseline": summarise(base_tally, base_s)[-1], "rows": rows,
        "error_examples": tally.examples + base_tally.examples,
        "meets_targets": bool(overall["requests_per_s"] >= RPS_TARGET
                              and overall["p99_ms"] <= P99_TARGET_MS
                              and overall["errors"] == 0),
    }


def show(results: list[dict[str, Any]], console: Console) -> None:
    table = Table(title=f"API under load (targets: ≥ {RPS_TARGET:g} requests/s, "
                        f"p99 ≤ {P99_TARGET_MS:g} ms, no errors)")
    for column in ("backend", "requests", "requests/s", "p50 ms", "p95 ms", "p99 ms",
                   "errors"):
        table.add_column(column, justify="left" if column == "backend" else "right")
    for result in results:
        for row in [result["baseline"] | {"kind": "baseline: /healthz"}, *result["rows"]]:
            table.add_row(f"{result['backend']} · {row['kind']}", f"{row['requests']:,}",
                          f"{row['requests_per_s']:,.1f}", f"{row['p50_ms']:.1f}",
                          f"{row['p95_ms']:.1f}", f"{row['p99_ms']:.1f}", str(row["errors"]),
                          style="bold" if row["kind"] == "all" else None)
        table.add_section()
    console.print(table)
    for result in results:
        verdict = "[green]met[/]" if result["meets_targets"] else "[red]NOT met[/]"
        console.print(f"{result['backend']}: targets {verdict}")
        for example in result["error_examples"]:
            console.print(f"  error: {example}", markup=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    parser.add_argument("--write-share", type=float, default=0.10)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="uvicorn worker processes (default: one per core)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    console = Console()
    results = []
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory(prefix="simpul-api-bench-") as folder:
                url = f"sqlite:///{Path(folder) / 'simpul.db'}"
                results.append(bench_backend("SQLite", url, args, console))
        elif backend == "postgresql":
            problem = postgres_problem(args.postgres_url)
            if problem is not None:
                console.print(f"[yellow]PostgreSQL skipped[/]: {problem}")
                continue
            with fresh_postgres_database(args.postgres_url, "simpul_api_bench") as url:
                results.append(bench_backend("PostgreSQL", url, args, console))
        else:
            parser.error(f"unknown backend {backend!r} (sqlite, postgresql)")
    show(results, console)
    path = write_json("api_bench.json", {
        "machine": machine_info(), "clients": args.clients, "seconds": args.seconds,
        "write_share": args.write_share, "workers": args.workers,
        "targets": {"requests_per_s": RPS_TARGET, "p99_ms": P99_TARGET_MS, "errors": 0},
        "results": results})
    console.print(f"written: {path}")


if __name__ == "__main__":
    main()

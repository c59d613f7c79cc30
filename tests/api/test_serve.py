"""``simpul serve --workers N``: several web processes on one database, as in production."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from .conftest import PASSWORD


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_two_worker_processes_serve_the_api(catalog_url: str) -> None:
    """Two workers answer; a token signed by one is accepted by the other (the key is shared
    through the database), and errors keep the language the command was given."""
    port = _free_port()
    environment = {**os.environ, "SIMPUL_DATABASE_URL": catalog_url}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("simpul")), "--lang", "en", "serve",
         "--port", str(port), "--workers", "2"], env=environment, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "no answer from /healthz within 60 s"
            time.sleep(0.2)
        token = httpx.post(f"{base}/api/v1/auth/token",
                           data={"username": "buyer.imip", "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        # Fresh connections: the requests spread over both processes.
        answers = [httpx.get(f"{base}/api/v1/me", headers=headers) for _ in range(20)]
        assert {answer.status_code for answer in answers} == {200}
        missing = httpx.get(f"{base}/api/v1/needs/999999", headers=headers)
        assert missing.status_code == 404
        assert missing.headers["content-language"] == "en"
    finally:
        server.terminate()
        server.wait(timeout=30)

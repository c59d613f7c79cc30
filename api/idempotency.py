"""``Idempotency-Key`` for every POST under ``/api/v1``: a retry gets the first answer and
creates nothing; the same key with another request is refused (422).

How, as an ASGI middleware around the app (so it sees the whole answer, whichever route):

1. A POST with the header and valid credentials is *claimed*: a row of
   :class:`~catalog.models.IdempotencyRecord` (account, key, a SHA-256 of method, path, query,
   content type and body) is inserted in its own short transaction. The primary key (account,
   key) makes the claim atomic on both backends: of twenty retries at once, one inserts and the
   others find its row.
2. The one that claimed runs the request; its answer (status, body, the headers a client needs:
   ``Location``, ``ETag``, ``Content-Type``, ``Content-Language``) is stored on the row. An
   answer of 500 or more, or an exception, removes the claim so that a retry runs afresh.
3. A request that finds a row: another body → 422 naming ``Idempotency-Key``; an answer stored
   → that answer, with ``Idempotent-Replayed: true``; still being answered → it waits (up to
   :data:`WAIT_S`) for the answer, then 409 if there is none yet.

Keys belong to an account: two accounts may use the same key. Requests without the header, or
without valid credentials (the route answers 401), pass through untouched. The body is hashed
as it arrives and kept in a spooled temporary file (in memory up to :data:`SPOOL_BYTES`), never
whole in memory; a body past the largest upload there can be (``max_import_bytes`` and room for
the multipart envelope) is refused with 413 before anything is claimed.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth.principal import account_id_of, app_secret_key
from api.errors import FieldProblem, problem_response
from api.i18n import negotiate_language, text
from api.imports.upload import OVERHEAD_BYTES
from catalog.db import session_scope
from catalog.models import IdempotencyRecord

T = TypeVar("T")

__all__ = ["SPOOL_BYTES", "WAIT_S", "IdempotencyMiddleware"]

#: How long a retry waits for the first request's answer.
WAIT_S = 30.0
#: Bodies up to this size stay in memory while the request runs; larger ones go to disk.
SPOOL_BYTES = 1024 * 1024
_REPLAY_CHUNK = 64 * 1024
_POLL_S = 0.05
_KEPT_HEADERS = ("content-type", "content-language", "location", "etag")


def _valid(key: str) -> bool:
    return 0 < len(key) <= 200 and key.isprintable() and key.strip() == key


class IdempotencyMiddleware:
    """See the module docstring; ``prefix`` is the API's path prefix."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "POST"
                or not scope["path"].startswith(self.prefix)):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get("idempotency-key")
        if key is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if not _valid(key):
            await self._refuse(request, scope, receive, send, 422, "validation",
                               "detail.validation", field_key="v.idempotency_key")
            return
        app_state = scope["app"].state
        settings = getattr(app_state, "settings", None)
        limit = (settings.max_import_bytes if settings else 50 * 1024 * 1024) + OVERHEAD_BYTES
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            digest = await _read_body(receive, scope, headers, spool, limit)
            if digest is None:
                await self._refuse(request, scope, receive, send, 413, "too-large",
                                   "detail.upload_too_large",
                                   params={"limit": limit - OVERHEAD_BYTES})
                return
            await self._answer(app_state, scope, headers, key, request,
                               _replaying(spool), send, digest)

    async def _answer(self, app_state: Any, scope: Scope, headers: Headers, key: str,
                      request: Request, replay: Receive, send: Send, digest: str) -> None:
        secret = await run_in_threadpool(app_secret_key, app_state)
        account_id = await run_in_threadpool(
            account_id_of, headers, sessions=app_state.sessionmaker, secret=secret)
        if account_id is None:
            await self.app(scope, replay, send)
            return
        outcome = await self._claim(app_state, account_id, key, scope, digest)
        if outcome == "claimed":
            await self._run(app_state, account_id, key, scope, replay, send)
        elif outcome == "mismatch":
            await self._refuse(request, scope, replay, send, 422, "idempotency-mismatch",
                               "detail.idempotency_mismatch",
                               field_key="detail.idempotency_mismatch")
        elif outcome == "busy":
            await self._refuse(request, scope, replay, send, 409, "idempotency-busy",
                               "detail.idempotency_busy")
        else:
            await _send_stored(outcome, send)

    async def _claim(self, state: Any, account_id: int, key: str, scope: Scope,
                     digest: str) -> Any:
        """``claimed``, ``mismatch``, ``busy`` or the stored row's answer."""
        deadline = time.monotonic() + WAIT_S
        while True:
            found = await _writing(state, _claim_or_read, state.write_sessionmaker,
                                   state.sessionmaker, account_id, key,
                                   scope["method"], scope["path"], digest)
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                return "busy"
            await anyio.sleep(_POLL_S)

    async def _run(self, state: Any, account_id: int, key: str, scope: Scope,
                   receive: Receive, send: Send) -> None:
        answer: dict[str, Any] = {"status": 500, "headers": [], "body": b""}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                answer["headers"] = message.get("headers", [])
            elif message["type"] == "http.response.body":
                answer["body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, receive, capture)
        except BaseException:
            await _writing(state, _release, state.write_sessionmaker, account_id, key)
            raise
        if answer["status"] >= 500:
            await _writing(state, _release, state.write_sessionmaker, account_id, key)
            return
        kept = {name.decode("latin-1").lower(): value.decode("latin-1")
                for name, value in answer["headers"]
                if name.decode("latin-1").lower() in _KEPT_HEADERS}
        await _writing(state, _store, state.write_sessionmaker, account_id, key,
                       answer["status"], answer["body"], kept)

    async def _refuse(self, request: Request, scope: Scope, receive: Receive, send: Send,
                      status: int, problem_type: str, detail_key: str,
                      field_key: str | None = None,
                      params: dict[str, Any] | None = None) -> None:
        settings = getattr(scope["app"].state, "settings", None)
        language = negotiate_language(request, settings.lang if settings else "id")
        errors = ([FieldProblem(field="Idempotency-Key", message=text(field_key, language))]
                  if field_key else None)
        detail = text(detail_key, language, count=1) if detail_key == "detail.validation" \
            else text(detail_key, language, **(params or {}))
        response = problem_response(request, status=status, problem_type=problem_type,
                                    detail=detail, errors=errors, language=language)
        await response(scope, receive, send)


async def _writing(state: Any, function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in the thread pool, through the app's write gate (SQLite)."""
    gate = getattr(state, "write_gate", None)
    if gate is None:
        return await run_in_threadpool(function, *args)
    async with gate.held():
        return await run_in_threadpool(function, *args)


async def _read_body(receive: Receive, scope: Scope, headers: Headers, spool: Any,
                     limit: int) -> str | None:
    """Copy the body into ``spool`` and return the request's digest (method, path, query,
    content type and body); ``None`` once the body is past ``limit`` bytes (what is left of
    it is not read)."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    digest = hashlib.sha256()
    for part in (scope["method"], scope["path"], scope.get("query_string", b"").decode(),
                 headers.get("content-type", "")):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    seen = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        seen += len(chunk)
        if seen > limit:
            return None
        digest.update(chunk)
        spool.write(chunk)
        if not message.get("more_body", False):
            break
    spool.seek(0)
    return digest.hexdigest()


def _replaying(spool: Any) -> Receive:
    """The body in ``spool`` again, in chunks, as the server would have sent it."""
    done = False

    async def receive() -> Message:
        nonlocal done
        if done:
            await anyio.sleep_forever()  # as a real client would: nothing more comes
        chunk = spool.read(_REPLAY_CHUNK)
        more = len(chunk) == _REPLAY_CHUNK and spool.read(1) != b""
        if more:
            spool.seek(-1, 1)
        done = not more
        return {"type": "http.request", "body": chunk, "more_body": more}

    return receive


def _claim_or_read(writes: Any, reads: Any, account_id: int, key: str, method: str,
                   path: str, digest: str) -> Any:
    try:
        with session_scope(writes) as session:
            session.add(IdempotencyRecord(account_id=account_id, key=key, method=method,
                                          path=path, request_hash=digest))
        return "claimed"
    except IntegrityError:
        pass
    with session_scope(reads) as session:
        row = session.get(IdempotencyRecord, (account_id, key))
        if row is None:
            return None  # released meanwhile: claim again
        if row.request_hash != digest:
            return "mismatch"
        if row.status_code is None:
            return None  # still being answered
        return {"status": row.status_code, "body": row.response_body or "",
                "headers": json.loads(row.response_headers or "{}")}


def _store(writes: Any, account_id: int, key: str, status: int, body: bytes,
           headers: dict[str, str]) -> None:
    with session_scope(writes) as session:
        session.execute(update(IdempotencyRecord)
                        .where(IdempotencyRecord.account_id == account_id,
                               IdempotencyRecord.key == key)
                        .values(status_code=status, response_body=body.decode("utf-8"),
                                response_headers=json.dumps(headers)))


def _release(writes: Any, account_id: int, key: str) -> None:
    with session_scope(writes) as session:
        session.execute(delete(IdempotencyRecord)
                        .where(IdempotencyRecord.account_id == account_id,
                               IdempotencyRecord.key == key,
                               IdempotencyRecord.status_code.is_(None)))


async def _send_stored(stored: dict[str, Any], send: Send) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1"))
               for name, value in stored["headers"].items()]
    headers.append((b"idempotent-replayed", b"true"))
    body = stored["body"].encode("utf-8")
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": stored["status"], "headers": headers})
    await send({"type": "http.response.body", "body": body})

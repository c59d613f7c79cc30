"""What every write through the API does: the audit log and optimistic concurrency.

- :func:`audit` appends one :class:`~catalog.models.AuditEvent` (who, when, what changed) in
  the write's own transaction: the log and the data it describes commit together or not at
  all. Nothing ever updates or deletes an audit row.
- Entities that can be changed (needs, enterprises, offers) carry a ``version`` that every
  write through the API increments. Their ``ETag`` is ``"<kind>-<id>-v<version>"``; a ``PATCH``
  must send it back in ``If-Match`` (428 without it) and is refused with 412 when it is stale,
  so one person's change is never lost under another's (:func:`check_version`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import Header, Response

from api.auth.principal import Principal
from api.errors import ApiProblem, problem_content
from catalog.models import AuditEvent

__all__ = ["CHANGE_RESPONSES", "REMOVAL_RESPONSES", "IfMatch", "audit", "check_version",
           "etag", "set_etag"]

IfMatch = Annotated[str | None, Header(
    alias="If-Match", description="ETag yang terakhir dibaca / the ETag last read")]

_STALE = problem_content("Sudah diubah orang lain sejak dibaca / Changed since it was read")
#: What :func:`check_version` answers, for the ``responses`` of a ``PATCH`` (``If-Match``
#: required) and of a ``DELETE`` (``If-Match`` checked when sent).
CHANGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    412: _STALE, 428: problem_content("Perlu If-Match / If-Match required")}
REMOVAL_RESPONSES: dict[int | str, dict[str, Any]] = {412: _STALE}


def etag(kind: str, key: int, version: int) -> str:
    return f'"{kind}-{key}-v{version}"'


def set_etag(response: Response, kind: str, key: int, version: int) -> None:
    response.headers["ETag"] = etag(kind, key, version)


def check_version(if_match: str | None, kind: str, key: int, version: int) -> None:
    """428 without ``If-Match``, 412 when it does not name the current version (``*``, any
    version, is accepted as RFC 9110 says)."""
    current = etag(kind, key, version)
    if if_match is None or not if_match.strip():
        raise ApiProblem(428, "if-match-required", "detail.if_match_required")
    offered = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in offered and current not in offered:
        raise ApiProblem(412, "stale", "detail.stale", params={"etag": current},
                         headers={"ETag": current})


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple | list | set | frozenset):
        return [_plain(v) for v in value]
    return value


def audit(principal: Principal, action: str, object_type: str, object_id: object,
          changes: dict[str, Any], *, session: Any) -> None:
    """Append an audit event for a write of ``principal`` (in the caller's transaction)."""
    session.add(AuditEvent(
        at=dt.datetime.now(dt.UTC), account_id=principal.account_id,
        username=principal.username, action=action, object_type=object_type,
        object_id=str(object_id),
        changes=json.dumps({k: _plain(v) for k, v in changes.items()}, ensure_ascii=False,
                           sort_keys=True)))

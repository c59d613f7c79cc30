"""Value types that the wire formats of several resources share."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator

__all__ = ["UtcDateTime", "as_utc"]


def as_utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` with its UTC offset: the database columns hold UTC, and SQLite hands them
    back without one (an RFC 3339 ``date-time`` must have it)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


#: A moment as the API writes it: ISO 8601 with an offset (``2026-11-22T08:00:00Z``).
UtcDateTime = Annotated[dt.datetime, AfterValidator(as_utc)]

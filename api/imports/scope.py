"""What an agency may import: IKM of its own province, and nothing that would change an IKM
of another one.

The importer recognises an IKM already in the catalog by its NIB before anything else, so a
row carrying the NIB of an IKM in East Java would update that IKM, moving it into Central
Sulawesi. Before the agency's file is imported, every row is read once more: a row whose
kecamatan (by code, or by a name that is unique) lies in another province, or whose NIB
belongs to an IKM in another province, is a problem of that row and the file is refused whole.
Rows whose kecamatan is unknown are left to the importer, which reports them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.scope import districts_of_province
from catalog.imports import RawValue, read_rows
from catalog.models import Enterprise, Region
from catalog.store import name_key

__all__ = ["ScopeProblem", "outside_province"]

_CODE = "Kode Kecamatan"
_NAME = "Kecamatan"
_NIB = "NIB"
_PREFIX = re.compile(r"^(?:kecamatan|kec\.?)\s+", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class ScopeProblem:
    """A row the agency may not import: the cell, and the text key saying why."""

    row: int
    column: str
    text_key: str
    value: str


def _text(value: RawValue) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _nib(value: RawValue) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return _SPACES.sub("", value) or None
    return None  # the importer reports what cannot be a NIB


def _foreign_nibs(nibs: Iterable[str], province_id: int | None, *,
                  session: Session) -> set[str]:
    wanted = sorted(set(nibs))
    found: set[str] = set()
    own = districts_of_province(province_id)
    for start in range(0, len(wanted), _CHUNK):
        found.update(nib for nib in session.scalars(
            select(Enterprise.nib).where(Enterprise.nib.in_(wanted[start:start + _CHUNK]),
                                         Enterprise.district_id.not_in(own)))
            if nib is not None)
    return found


def outside_province(path: Path, province_id: int | None, *, session: Session,
                     max_bytes: int, ignore_unknown_columns: bool = False
                     ) -> list[ScopeProblem]:
    """The rows of ``path`` that lie in, or would change an IKM of, another province.

    Raises what :func:`catalog.imports.read_rows` raises for a file that cannot be read.
    """
    own = set(session.scalars(select(Region.bps_code)
                              .where(Region.id.in_(districts_of_province(province_id)))))
    by_name: dict[str, list[str]] = {}
    every: set[str] = set()
    for district_code, district_name in session.execute(
            select(Region.bps_code, Region.name).where(Region.level == "district")):
        every.add(district_code)
        by_name.setdefault(name_key(district_name), []).append(district_code)
    problems: list[ScopeProblem] = []
    nib_rows: dict[str, list[int]] = {}
    for number, row in read_rows(path, max_bytes=max_bytes,
                                 ignore_unknown_columns=ignore_unknown_columns):
        code = _text(row.get(_CODE))
        name = _text(row.get(_NAME))
        if code is not None:
            if code in every and code not in own:
                problems.append(ScopeProblem(number, _CODE, "import.district_outside_province",
                                             code))
        elif name is not None:
            codes = by_name.get(name_key(_PREFIX.sub("", name)), [])
            if len(codes) == 1 and codes[0] not in own:
                problems.append(ScopeProblem(number, _NAME, "import.district_outside_province",
                                             name))
        nib = _nib(row.get(_NIB))
        if nib is not None:
            nib_rows.setdefault(nib, []).append(number)
    for nib in sorted(_foreign_nibs(nib_rows, province_id, session=session)):
        problems.extend(ScopeProblem(number, _NIB, "import.nib_outside_province", nib)
                        for number in nib_rows[nib])
    return sorted(problems, key=lambda p: (p.row, p.column))

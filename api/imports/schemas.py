"""The wire format of imports: the options sent beside the file, and what an import did."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from catalog.store import WriteSummary

__all__ = ["ImportOptions", "ImportOut", "ImportProblemOut", "WriteSummaryOut"]


class ImportOptions(BaseModel):
    """The form fields beside ``file``."""

    model_config = ConfigDict(extra="forbid")

    dry_run: bool = Field(default=False, description="Periksa saja / check, write nothing")
    only_valid_rows: bool = Field(
        default=False, description="Tulis IKM yang valid, lewati yang bermasalah / write the "
                                   "valid IKM, skip the others whole")
    ignore_unknown_columns: bool = Field(
        default=False, description="Abaikan kolom yang tidak dikenal / ignore unknown columns")


class ImportProblemOut(BaseModel):
    """A problem of one row, as the spreadsheet numbers it, and one column."""

    row: int = Field(examples=[5])
    column: str = Field(examples=["Harga (Rp)"])
    reason: str = Field(examples=["'dua puluh ribu' bukan angka"])


class WriteSummaryOut(BaseModel):
    """What was written: IKM, offers and certificates created and updated."""

    enterprises_created: int
    enterprises_updated: int
    offers_created: int
    offers_updated: int
    certificates_created: int
    certificates_updated: int

    @classmethod
    def of(cls, summary: WriteSummary) -> WriteSummaryOut:
        return cls(enterprises_created=summary.enterprises_created,
                   enterprises_updated=summary.enterprises_updated,
                   offers_created=summary.offers_created,
                   offers_updated=summary.offers_updated,
                   certificates_created=summary.certificates_created,
                   certificates_updated=summary.certificates_updated)


class ImportOut(BaseModel):
    """What an import found and did. ``rows`` counts the file's data rows, ``enterprises`` the
    IKM they describe, ``valid_rows`` the rows of IKM without problems; ``summary`` is what
    was written (``null`` on a dry run). With ``only_valid_rows`` the skipped IKM's problems
    are listed (at most 1,000; ``problem_count`` counts them all)."""

    file: str = Field(examples=["data-ikm-morowali.xlsx"])
    bytes: int
    dry_run: bool
    only_valid_rows: bool
    rows: int
    enterprises: int
    valid_rows: int
    written: bool
    summary: WriteSummaryOut | None
    problems: list[ImportProblemOut]
    problem_count: int

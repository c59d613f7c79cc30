"""Errors of the catalog, each with a message a person can act on.

``api/`` maps them to HTTP problems and CLI messages in one place; the classes carry the
fields those need (``field``, ``row``, ``value``) so no one parses the message.
"""

from __future__ import annotations

from catalog.messages import Language, Message, message

__all__ = [
    "CatalogError",
    "DatabaseHoldsUserData",
    "FileTooLarge",
    "ImportRejected",
    "IncompatibleUnit",
    "InvalidValue",
    "NotFound",
    "RowProblem",
    "UnknownUnit",
    "UnreadableFile",
]


class CatalogError(Exception):
    """Base class of every error the catalog raises on purpose."""


class NotFound(CatalogError):
    """A record asked for by id does not exist."""

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} '{key}' not found.")
        self.kind = kind
        self.key = key


class InvalidValue(CatalogError):
    """A value that breaks a rule of the domain; ``field`` names where it came from."""

    def __init__(self, field: str, reason: Message) -> None:
        super().__init__(f"{field}: {reason.render('en')}")
        self.field = field
        self.reason = reason

    def render(self, language: Language = "id") -> str:
        return f"{self.field}: {self.reason.render(language)}"


class UnknownUnit(InvalidValue):
    """A unit that is in no unit table."""

    def __init__(self, unit: str) -> None:
        super().__init__("unit", message("unknown_unit", value=unit))
        self.unit = unit


class IncompatibleUnit(InvalidValue):
    """A unit that cannot be converted into the category's canonical unit."""

    def __init__(self, unit: str, canonical: str, category: str = "") -> None:
        super().__init__("unit", message("incompatible_unit", value=unit, canonical=canonical,
                                         category=category or "-"))
        self.unit = unit
        self.canonical = canonical


class RowProblem:
    """One problem of one row of an imported file (row number as a spreadsheet shows it)."""

    __slots__ = ("column", "reason", "row")

    def __init__(self, row: int, column: str, reason: Message) -> None:
        self.row = row
        self.column = column
        self.reason = reason

    def render(self, language: Language = "id") -> str:
        row = "baris" if language == "id" else "row"
        return f"{row} {self.row}, {self.column}: {self.reason.render(language)}"

    def __repr__(self) -> str:
        return f"RowProblem(row={self.row}, column={self.column!r}, reason={self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RowProblem) and (self.row, self.column, self.reason) == (
            other.row, other.column, other.reason)

    def __hash__(self) -> int:
        return hash((self.row, self.column, self.reason))


class ImportRejected(CatalogError):
    """An import file with problems; nothing of it was written."""

    def __init__(self, path: str, problems: list[RowProblem]) -> None:
        super().__init__(f"{path}: {len(problems)} problem(s); nothing was written.")
        self.path = path
        self.problems = problems

    def render(self, language: Language = "id") -> str:
        head = (f"{self.path}: {len(self.problems)} masalah; tidak ada yang ditulis."
                if language == "id" else str(self))
        return "\n".join([head, *(p.render(language) for p in self.problems)])


class UnreadableFile(CatalogError):
    """A file that cannot be read as the format it claims (not UTF-8, not XLSX, empty)."""

    def __init__(self, path: str, reason: Message, row: int | None = None) -> None:
        super().__init__(f"{path}: {reason.render('en')}")
        self.path = path
        self.reason = reason
        self.row = row

    def render(self, language: Language = "id") -> str:
        return f"{self.path}: {self.reason.render(language)}"


class FileTooLarge(CatalogError):
    """A file larger than the configured limit."""

    def __init__(self, path: str, size: int, limit: int) -> None:
        self.reason = message("file_too_large", size=size, limit=limit)
        super().__init__(f"{path}: {self.reason.render('en')}")
        self.path = path
        self.size = size
        self.limit = limit

    def render(self, language: Language = "id") -> str:
        return f"{self.path}: {self.reason.render(language)}"


class DatabaseHoldsUserData(CatalogError):
    """Refusing to replace a database that holds data which is not demo data."""

    def __init__(self, url: str) -> None:
        self.reason = message("holds_user_data", url=url)
        super().__init__(self.reason.render("en"))
        self.url = url

    def render(self, language: Language = "id") -> str:
        return self.reason.render(language)

"""Errors of the matching engine.

``InvalidProblem`` carries a JSON path (``$.arcs[3].offer``) so that whoever reads a problem
file can point at the value to fix; the dataclasses of :mod:`matching.problem` raise it with a
path relative to the object being built, and :mod:`matching.io` prefixes the file's path.
"""

from __future__ import annotations

__all__ = ["InvalidProblem", "MatchingError"]


class MatchingError(Exception):
    """Base class of the errors of the matching engine."""


class InvalidProblem(MatchingError):
    """A problem (or a problem file) that cannot be solved as given."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message

    def under(self, prefix: str) -> InvalidProblem:
        """The same error with its path placed under ``prefix`` (``$.offers[2]``)."""
        if self.path.startswith("$"):
            return self
        return InvalidProblem(f"{prefix}.{self.path}" if self.path else prefix, self.message)

"""InvalidProblem carries a JSON path and places itself under a prefix."""

from __future__ import annotations

from matching import InvalidProblem, MatchingError


def test_invalid_problem_names_its_path() -> None:
    """The path and message are kept apart and joined in str()."""
    error = InvalidProblem("$.arcs[3].offer", "Unknown offer.")
    assert isinstance(error, MatchingError)
    assert (error.path, error.message) == ("$.arcs[3].offer", "Unknown offer.")
    assert str(error) == "$.arcs[3].offer: Unknown offer."


def test_relative_path_is_placed_under_a_prefix() -> None:
    """A field-relative path becomes absolute under its object; an absolute one stays."""
    assert InvalidProblem("capacity", "x").under("$.offers[2]").path == "$.offers[2].capacity"
    assert InvalidProblem("$.arcs[0]", "x").under("$.offers[2]").path == "$.arcs[0]"

"""Result: cost(), is_feasible(), allocations() and a readable summary()."""

from __future__ import annotations

from matching import Arc, Demand, Offer, Problem, Result, solve


def _result() -> Result:
    problem = Problem.from_arcs([Offer("o1", 10)], [Demand("d1", 12, unmet_penalty=5)],
                                [Arc("o1", "d1", 2)])
    return solve(problem)


def test_cost_is_allocation_plus_unmet_penalties() -> None:
    """cost() = objective = allocation cost + unmet cost."""
    result = _result()
    assert result.cost() == result.objective == 20 + 10
    assert (result.allocation_cost, result.unmet_cost) == (20, 10)


def test_optimal_result_is_feasible() -> None:
    """is_feasible() holds for an optimal result."""
    assert _result().is_feasible()


def test_allocations_list_ids_and_quantities() -> None:
    """allocations() gives (offer id, demand id, quantity) tuples."""
    assert _result().allocations() == [("o1", "d1", 10)]


def test_summary_names_status_objective_and_reasons() -> None:
    """summary() mentions the status, the objective and the unmet reasons."""
    text = _result().summary()
    assert "optimal" in text
    assert "30" in text
    assert "capacity_taken 2" in text

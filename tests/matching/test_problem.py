"""Problem, Offer, Demand: validated where built, with index arrays beside the arcs."""

from __future__ import annotations

import numpy as np
import pytest

from matching import Arc, Demand, InvalidProblem, Offer, Problem


def test_arcs_become_aligned_index_arrays() -> None:
    """from_arcs maps ids to int32 indices and keeps costs as int64, in arc order."""
    problem = Problem.from_arcs([Offer("o1", 5), Offer("o2", 5)],
                                [Demand("d1", 3, unmet_penalty=9)],
                                [Arc("o2", "d1", 4), Arc("o1", "d1", 6, capacity_use=2)])
    assert problem.arc_offer.dtype == np.int32
    assert problem.arc_offer.tolist() == [1, 0]
    assert problem.arc_demand.tolist() == [0, 0]
    assert problem.arc_unit_cost.dtype == np.int64
    assert problem.arc_capacity_use.tolist() == [1, 2]
    assert not problem.arc_offer.flags.writeable


def test_demand_quantity_must_be_positive() -> None:
    """A negative quantity is refused with a message naming the demand."""
    with pytest.raises(InvalidProblem,
                       match="Demand quantity must be positive; got -3 for demand 'd1'"):
        Demand("d1", -3, unmet_penalty=1)


def test_offer_capacity_must_be_non_negative() -> None:
    """A negative capacity is refused."""
    with pytest.raises(InvalidProblem, match="capacity must be non-negative"):
        Offer("o1", -1)


def test_quantities_must_be_integers() -> None:
    """Floats and booleans are not quantities."""
    with pytest.raises(InvalidProblem, match="must be an integer"):
        Offer("o1", 2.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidProblem, match="must be an integer"):
        Demand("d1", True, unmet_penalty=1)


def test_max_suppliers_must_be_at_least_one() -> None:
    """A supplier limit of 0 is refused (None means no limit)."""
    with pytest.raises(InvalidProblem, match="must be positive"):
        Demand("d1", 3, max_suppliers=0, unmet_penalty=1)


def test_unknown_offer_in_arc_is_refused_with_its_path() -> None:
    """An arc naming an unknown offer fails at $.arcs[k].offer."""
    with pytest.raises(InvalidProblem) as caught:
        Problem.from_arcs([Offer("o1", 5)], [Demand("d1", 3, unmet_penalty=9)],
                          [Arc("o1", "d1", 1), Arc("o9", "d1", 1)])
    assert caught.value.path == "$.arcs[1].offer"


def test_duplicate_ids_are_refused() -> None:
    """Two offers with one id fail at the second one's id."""
    with pytest.raises(InvalidProblem) as caught:
        Problem.from_arcs([Offer("o1", 5), Offer("o1", 6)], [], [])
    assert caught.value.path == "$.offers[1].id"


def test_duplicate_arcs_are_refused() -> None:
    """Two arcs for one (offer, demand) pair fail at the later arc."""
    with pytest.raises(InvalidProblem) as caught:
        Problem.from_arcs([Offer("o1", 5)], [Demand("d1", 3, unmet_penalty=9)],
                          [Arc("o1", "d1", 1), Arc("o1", "d1", 2)])
    assert caught.value.path == "$.arcs[1]"


def test_negative_unit_cost_is_refused() -> None:
    """Costs are non-negative integers."""
    with pytest.raises(InvalidProblem) as caught:
        Problem.from_arcs([Offer("o1", 5)], [Demand("d1", 3, unmet_penalty=9)],
                          [Arc("o1", "d1", -1)])
    assert caught.value.path == "$.arcs[0].unit_cost"


def test_capacity_use_below_one_is_refused() -> None:
    """capacity_use is at least 1."""
    with pytest.raises(InvalidProblem) as caught:
        Problem.from_arcs([Offer("o1", 5)], [Demand("d1", 3, unmet_penalty=9)],
                          [Arc("o1", "d1", 1, capacity_use=0)])
    assert caught.value.path == "$.arcs[0].capacity_use"


def test_objective_beyond_int64_is_refused() -> None:
    """Costs × quantities that could overflow the solvers are refused up front."""
    with pytest.raises(InvalidProblem, match="integer range"):
        Problem.from_arcs([Offer("o1", 5)], [Demand("d1", 2**40, unmet_penalty=2**30)], [])


def test_plain_flow_is_recognised() -> None:
    """Only splittable demands without lot rules and capacity use 1 count as plain flow."""
    demands = [Demand("d1", 3, unmet_penalty=9)]
    assert Problem.from_arcs([Offer("o1", 5)], demands, [Arc("o1", "d1", 1)]).is_plain_flow
    assert not Problem.from_arcs([Offer("o1", 5, min_order=2)], demands,
                                 [Arc("o1", "d1", 1)]).is_plain_flow

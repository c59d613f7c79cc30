"""Diagnosis: every unmet unit gets reasons from the fixed vocabulary, with quantities."""

from __future__ import annotations

from matching import REASONS, Arc, Demand, Offer, Problem, solve


def test_vocabulary_is_fixed() -> None:
    """The reasons are the eight of the domain, in one tuple."""
    assert REASONS == ("no_offer_in_category", "certificate_missing", "too_far", "too_slow",
                       "over_price_ceiling", "capacity_taken", "lot_rules",
                       "no_eligible_offer")


def test_demand_without_arcs_has_no_eligible_offer() -> None:
    """No arc: all unmet units are no_eligible_offer."""
    result = solve(Problem.from_arcs([Offer("o1", 5)], [Demand("d1", 4, unmet_penalty=9)], []))
    assert result.unmet[0].reasons == {"no_eligible_offer": 4}


def test_full_offers_give_capacity_taken() -> None:
    """Offers used up by a dearer-to-leave demand: the rest is capacity_taken."""
    problem = Problem.from_arcs([Offer("o1", 10)],
                                [Demand("d1", 8, unmet_penalty=100),
                                 Demand("d2", 8, unmet_penalty=50)],
                                [Arc("o1", "d1", 1), Arc("o1", "d2", 1)])
    result = solve(problem)
    assert [(u.demand, u.quantity, u.reasons) for u in result.unmet] == [
        ("d2", 6, {"capacity_taken": 6})]


def test_capacity_left_but_blocked_is_lot_rules() -> None:
    """Room left on the arcs but a minimum lot blocks it: lot_rules for up to the room."""
    problem = Problem.from_arcs([Offer("o1", 7)], [Demand("d1", 10, min_lot=8, unmet_penalty=9)],
                                [Arc("o1", "d1", 1)])
    result = solve(problem)
    assert result.unmet[0].reasons == {"lot_rules": 7, "capacity_taken": 3}


def test_room_only_on_dear_arcs_is_over_price_ceiling() -> None:
    """Room left only on arcs costing at least the penalty: over_price_ceiling."""
    problem = Problem.from_arcs([Offer("o1", 4), Offer("o2", 3)],
                                [Demand("d1", 10, unmet_penalty=9)],
                                [Arc("o1", "d1", 1), Arc("o2", "d1", 12)])
    result = solve(problem)
    assert result.unmet[0].reasons == {"over_price_ceiling": 3, "capacity_taken": 3}


def test_reason_quantities_add_up_to_the_unmet_quantity() -> None:
    """Each demand's reason quantities sum to its unmet quantity."""
    problem = Problem.from_arcs([Offer("o1", 7), Offer("o2", 2)],
                                [Demand("d1", 10, split=False, unmet_penalty=9),
                                 Demand("d2", 5, unmet_penalty=9),
                                 Demand("d3", 2, unmet_penalty=1)],
                                [Arc("o1", "d1", 1), Arc("o2", "d2", 1)])
    for unmet in solve(problem).unmet:
        assert sum(unmet.reasons.values()) == unmet.quantity
        assert set(unmet.reasons) <= set(REASONS)

"""Interventions for groups of IKM (category × kabupaten): a certificate or more capacity,
estimated from the matched market and confirmed by matching again; near misses per offer."""

from __future__ import annotations

import pytest

from matching import (
    NEVER_EXPIRES,
    MatchingError,
    capacity_value_by_group,
    capacity_values,
    match,
    rank_interventions,
)

from .test_market import AMDK, HALAL, MOROWALI, NASI, PALU, PALU_KOTA, market


def test_missing_halal_of_a_group_is_the_certificate_intervention() -> None:
    """Two Bungku caterers of 30 without Halal, a Halal need of 50: getting Halal unlocks 50
    units (estimate and confirmation agree), at their landed cost of Rp1,053."""
    matched = match(market([{"capacity": 30}, {"capacity": 30}],
                           [{"quantity": 50, "required_certificates": 1 << HALAL}]))
    [first, *_] = rank_interventions(matched, confirm=1)
    assert (first.kind, first.category, first.kabupaten, first.certificate) == (
        "certificate", NASI, MOROWALI, HALAL)
    assert first.offers == ("o0", "o1")
    assert (first.estimated_units, first.estimated_rupiah) == (50, 50 * 1053)
    assert (first.confirmed_units, first.confirmed_rupiah) == (50, 50 * 1053)


def test_full_group_is_the_capacity_intervention() -> None:
    """A caterer of 20 against a need of 40: +50% capacity unlocks 10 units."""
    matched = match(market([{"capacity": 20}], [{"quantity": 40}]))
    [first] = rank_interventions(matched, confirm=1, capacity_percent=50)
    assert (first.kind, first.capacity_percent, first.offers) == ("capacity", 50, ("o0",))
    assert first.estimated_units == first.confirmed_units == 10
    assert first.confirmed_rupiah == 10 * 1053


def test_confirmed_interventions_come_first_by_units_unlocked() -> None:
    """The Palu water makers lack nothing but capacity; the Bungku caterers lack Halal: the
    larger confirmed unlock ranks first, the unconfirmed follow."""
    matched = match(market(
        [{"capacity": 30}, {"category": AMDK, "node": PALU, "kabupaten": PALU_KOTA,
                            "capacity": 5, "lead_time_days": 0}],
        [{"quantity": 30, "required_certificates": 1 << HALAL},
         {"category": AMDK, "quantity": 10, "due_day": 20_010}]))
    ranked = rank_interventions(matched, confirm=2)
    confirmed = [r.confirmed_units for r in ranked if r.confirmed_units is not None]
    assert confirmed == sorted(confirmed, reverse=True)
    assert ranked[0].kind == "certificate"


def test_nothing_blocked_means_no_intervention() -> None:
    """A need served in full leaves nothing to unlock."""
    matched = match(market([{"valid_until": NEVER_EXPIRES}], [{}]))
    assert rank_interventions(matched) == []


def test_capacity_value_is_summed_by_category_and_kabupaten() -> None:
    """Two full Bungku caterers facing unmet demand: their LP values add up in one group."""
    matched = match(market([{"capacity": 3}, {"capacity": 3}], [{"quantity": 10}]))
    values = capacity_values(matched.problem)
    by_group = capacity_value_by_group(matched, values)
    assert by_group == {(NASI, MOROWALI): pytest.approx(float(values.offer_value.sum()))}
    assert by_group[(NASI, MOROWALI)] > 0


def test_near_misses_of_a_matched_market() -> None:
    """The caterer without Halal is told which certificate would win the need."""
    matched = match(market([{}], [{"required_certificates": 1 << HALAL}]))
    [miss] = matched.near_misses()
    assert (miss.offer, miss.need, miss.kind, miss.certificates) == ("o0", "n0", "certificate",
                                                                     (HALAL,))


def test_arguments_are_checked() -> None:
    """A capacity step of 0% is refused."""
    matched = match(market([{}], [{}]))
    with pytest.raises(MatchingError, match="capacity_percent"):
        rank_interventions(matched, capacity_percent=0)

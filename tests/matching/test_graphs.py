"""Capability graph (who serves which category, and how well) and logistics graph (km, hours)."""

from __future__ import annotations

import numpy as np
import pytest

from matching.exceptions import InvalidProblem
from matching.graphs import CapabilityGraph, LogisticsGraph

CATEGORIES = ("nasi_kotak", "kue_kotak", "roti", "amdk")


@pytest.fixture
def capability() -> CapabilityGraph:
    """Boxed cakes stand in for half a boxed meal; bread for boxed cakes; AMDK is unrelated."""
    return CapabilityGraph.build(CATEGORIES,
                                 substitutes=[("kue_kotak", "nasi_kotak", 0.5),
                                              ("roti", "kue_kotak", 1.0)],
                                 related=[("nasi_kotak", "amdk")])


@pytest.fixture
def morowali() -> LogisticsGraph:
    """Fatufia (IMIP), Bungku by road, Kolonodale by a long road or a shorter, slower sea link."""
    return LogisticsGraph.build(
        ["fatufia", "bungku", "kolonodale", "banggai"],
        [("fatufia", "bungku", "road", 53.0, 1.5),
         ("bungku", "kolonodale", "road", 250.0, 6.0),
         ("bungku", "kolonodale", "sea", 120.0, 10.0)])


def test_category_serves_itself_and_direct_substitutes(capability: CapabilityGraph) -> None:
    """servable_by: the category itself at 1.0 plus each direct substitute with its factor."""
    assert capability.servable_by("nasi_kotak") == {"nasi_kotak": 1.0, "kue_kotak": 0.5}


def test_substitution_chains_are_not_followed(capability: CapabilityGraph) -> None:
    """Bread substitutes for cakes and cakes for meals, but bread does not serve meals."""
    assert "roti" not in capability.servable_by("nasi_kotak")


def test_related_is_symmetric_and_never_serves(capability: CapabilityGraph) -> None:
    """Related categories are neighbours both ways and do not make an offer servable."""
    assert capability.related("amdk") == frozenset({"nasi_kotak"})
    assert capability.related("nasi_kotak") == frozenset({"amdk"})
    assert "amdk" not in capability.servable_by("nasi_kotak")


def test_substitution_matrix_holds_factors_by_offer_then_need(
        capability: CapabilityGraph) -> None:
    """[offer, need] = factor, 1 on the diagonal, 0 elsewhere, in the order asked for."""
    matrix = capability.substitution_matrix(["nasi_kotak", "kue_kotak", "roti"])
    assert matrix.tolist() == [[1.0, 0.0, 0.0], [0.5, 1.0, 0.0], [0.0, 1.0, 1.0]]


@pytest.mark.parametrize("factor", [0, -0.5, 1.5, float("nan")])
def test_factor_outside_zero_one_is_refused(factor: float) -> None:
    """A substitution factor must be in (0, 1]."""
    with pytest.raises(InvalidProblem, match=r"factor must be in \(0, 1\]"):
        CapabilityGraph.build(CATEGORIES, [("kue_kotak", "nasi_kotak", factor)], [])


def test_unknown_category_is_refused_with_its_path() -> None:
    """A substitute naming an unknown category points at its entry."""
    with pytest.raises(InvalidProblem) as error:
        CapabilityGraph.build(CATEGORIES, [("kue_kotak", "nasi_kotak", 0.5),
                                           ("sate", "nasi_kotak", 0.5)], [])
    assert error.value.path == "$.substitutes[1]"


def test_sea_link_shorter_than_road_is_used(morowali: LogisticsGraph) -> None:
    """Fatufia → Kolonodale goes by sea (53 + 120 km), with the hours of that route."""
    km, hours = morowali.shortest_from(["fatufia"])
    kolonodale = morowali.index["kolonodale"]
    assert km[0, kolonodale] == pytest.approx(173.0)
    assert hours[0, kolonodale] == pytest.approx(11.5)


def test_hours_follow_the_km_shortest_path_not_the_fastest() -> None:
    """A faster but longer road does not lower the hours of the shortest route."""
    graph = LogisticsGraph.build(["a", "b"], [("a", "b", "road", 10.0, 5.0),
                                              ("a", "b", "sea", 12.0, 1.0)])
    km, hours = graph.shortest_from(["a"])
    assert (km[0, 1], hours[0, 1]) == (10.0, 5.0)


def test_unreachable_node_is_infinite(morowali: LogisticsGraph) -> None:
    """No link to Banggai: km and hours are inf; a node to itself is 0."""
    km, hours = morowali.shortest_from(["fatufia", "banggai"])
    banggai = morowali.index["banggai"]
    assert np.isinf(km[0, banggai])
    assert np.isinf(hours[0, banggai])
    assert km[1, banggai] == 0.0
    assert np.isinf(km[1, 0])
    assert km.shape == (2, 4)


def test_links_are_undirected(morowali: LogisticsGraph) -> None:
    """The distance matrix over all nodes is symmetric."""
    km, _ = morowali.shortest_from(morowali.nodes)
    assert np.array_equal(km, km.T)


def test_unknown_mode_is_refused() -> None:
    """A link mode other than road or sea is refused, naming the link."""
    with pytest.raises(InvalidProblem, match="mode must be one of road, sea") as error:
        LogisticsGraph.build(["a", "b"], [("a", "b", "air", 10.0, 1.0)])
    assert error.value.path == "$.links[0]"


def test_unknown_source_is_refused(morowali: LogisticsGraph) -> None:
    """shortest_from from an unknown node names it instead of raising a KeyError."""
    with pytest.raises(InvalidProblem, match="Unknown node 'palu'"):
        morowali.shortest_from(["palu"])

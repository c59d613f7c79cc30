"""The capability graph (which category can serve which) and the logistics graph (road and sea).

Both are built from plain tuples, keep their networkx graph to themselves and hand out ids,
dicts and numpy arrays only: networkx never leaves this module.

Capability: ``substitutes`` are triples ``(offer_category, need_category, factor)``: one unit
of ``offer_category`` covers ``factor`` units of a need for ``need_category``, with
``0 < factor <= 1`` (a substitute never covers more than the original; the integer rule for the
solver is in :mod:`matching.candidates`). Substitution chains are **not** followed: if A
substitutes for B and B for C, A does not serve C unless a triple says so, because a factor
that holds for one pair says nothing about the next and a buyer agreed to each pair on its own.
``related`` pairs are undirected and only informative (near misses, reports); they never make
an offer eligible.

Logistics: links ``(a, b, mode, km, hours)`` are undirected, ``mode`` is ``"road"`` or
``"sea"``. Where several links join the same two nodes the shortest (then the fastest) is kept.
:meth:`LogisticsGraph.shortest_from` runs Dijkstra on km once per source; the hours reported are
those **along the km-shortest path** (ties on km broken by fewer hours), since transport is paid
per km and that is the route a supplier quotes; unreachable nodes get ``inf`` in both.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

from matching.exceptions import InvalidProblem

__all__ = ["LINK_MODES", "CapabilityGraph", "LogisticsGraph"]

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.int32]

#: The transport modes a logistics link may have.
LINK_MODES = ("road", "sea")


def _index_names(names: Sequence[str], what: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        if not isinstance(name, str) or not name:
            raise InvalidProblem(f"$.{what}[{position}]",
                                 f"A {what[:-1]} must be a non-empty string; got {name!r}.")
        if name in index:
            raise InvalidProblem(f"$.{what}[{position}]",
                                 f"Duplicate {what[:-1]} '{name}' (also at "
                                 f"$.{what}[{index[name]}]); names must be unique.")
        index[name] = position
    return index


def _known(index: Mapping[str, int], name: object, path: str, what: str) -> str:
    if not isinstance(name, str) or name not in index:
        raise InvalidProblem(path, f"Unknown {what} {name!r}; it is not among the {what}s "
                                   f"given to the graph.")
    return name


@dataclass(frozen=True, eq=False)
class CapabilityGraph:
    """Categories, who substitutes for whom (with a factor) and which are related."""

    categories: tuple[str, ...]
    index: Mapping[str, int]
    _substitutes: Any = field(repr=False)  # nx.DiGraph: offer category -> need category
    _related: Any = field(repr=False)  # nx.Graph

    @classmethod
    def build(cls, categories: Sequence[str], substitutes: Iterable[tuple[str, str, float]],
              related: Iterable[tuple[str, str]]) -> CapabilityGraph:
        """A validated capability graph; ``substitutes`` are ``(offer, need, factor)``."""
        names = tuple(categories)
        index = _index_names(names, "categories")
        substitute_graph = nx.DiGraph()
        substitute_graph.add_nodes_from(names)
        for k, (offer, need, factor) in enumerate(substitutes):
            path = f"$.substitutes[{k}]"
            _known(index, offer, path, "category")
            _known(index, need, path, "category")
            if offer == need:
                raise InvalidProblem(path, f"Category '{offer}' cannot substitute for itself; "
                                           f"it always serves its own needs with factor 1.")
            if (isinstance(factor, bool) or not isinstance(factor, int | float)
                    or not 0 < factor <= 1):
                raise InvalidProblem(path, f"Substitution factor must be in (0, 1]; got "
                                           f"{factor!r} for '{offer}' serving '{need}'.")
            if substitute_graph.has_edge(offer, need):
                raise InvalidProblem(path, f"'{offer}' serving '{need}' is given twice; give "
                                           f"each pair one factor.")
            substitute_graph.add_edge(offer, need, factor=float(factor))
        related_graph = nx.Graph()
        related_graph.add_nodes_from(names)
        for k, (a, b) in enumerate(related):
            path = f"$.related[{k}]"
            _known(index, a, path, "category")
            _known(index, b, path, "category")
            if a != b:
                related_graph.add_edge(a, b)
        return cls(names, MappingProxyType(index), substitute_graph, related_graph)

    def servable_by(self, need_category: str) -> dict[str, float]:
        """Offer categories that serve ``need_category``, each with its factor.

        The category itself (factor 1.0) and its direct substitutes; chains are not followed.
        """
        _known(self.index, need_category, "category", "category")
        servable = {need_category: 1.0}
        for offer, _, factor in self._substitutes.in_edges(need_category, data="factor"):
            servable[offer] = factor
        return servable

    def related(self, category: str) -> frozenset[str]:
        """Categories related to ``category`` (not including itself)."""
        _known(self.index, category, "category", "category")
        return frozenset(self._related.neighbors(category))

    def substitution_matrix(self, categories: Sequence[str] | None = None) -> FloatArray:
        """``[offer, need]`` = factor with which ``offer`` serves ``need``, 0 if it cannot.

        Rows and columns follow ``categories`` (the graph's own order by default); the diagonal
        is 1.0, every category serving itself.
        """
        names = self.categories if categories is None else tuple(categories)
        position = {name: k for k, name in enumerate(names)}
        for k, name in enumerate(names):
            _known(self.index, name, f"$.categories[{k}]", "category")
        matrix = np.eye(len(names), dtype=np.float64)
        for offer, need, factor in self._substitutes.edges(data="factor"):
            if offer in position and need in position:
                matrix[position[offer], position[need]] = factor
        matrix.flags.writeable = False
        return matrix


@dataclass(frozen=True, eq=False)
class LogisticsGraph:
    """Places (region nodes, parks, ports) joined by road and sea links."""

    nodes: tuple[str, ...]
    index: Mapping[str, int]
    _graph: Any = field(repr=False)  # nx.Graph with km, hours, mode on each edge

    @classmethod
    def build(cls, nodes: Sequence[str],
              links: Iterable[tuple[str, str, str, float, float]]) -> LogisticsGraph:
        """A validated undirected graph; ``links`` are ``(a, b, mode, km, hours)``."""
        names = tuple(nodes)
        index = _index_names(names, "nodes")
        graph = nx.Graph()
        graph.add_nodes_from(names)
        for k, (a, b, mode, km, hours) in enumerate(links):
            path = f"$.links[{k}]"
            _known(index, a, path, "node")
            _known(index, b, path, "node")
            if a == b:
                raise InvalidProblem(path, f"A link must join two different nodes; got '{a}' "
                                           f"to itself.")
            if mode not in LINK_MODES:
                raise InvalidProblem(path, f"Link mode must be one of {', '.join(LINK_MODES)}; "
                                           f"got {mode!r} for '{a}'–'{b}'.")
            if not _finite_number(km) or km <= 0:
                raise InvalidProblem(path, f"Link length must be a positive number of km; got "
                                           f"{km!r} for '{a}'–'{b}'.")
            if not _finite_number(hours) or hours < 0:
                raise InvalidProblem(path, f"Link time must be a non-negative number of hours; "
                                           f"got {hours!r} for '{a}'–'{b}'.")
            if graph.has_edge(a, b):
                kept = graph.edges[a, b]
                if (kept["km"], kept["hours"]) <= (km, hours):
                    continue
            graph.add_edge(a, b, km=float(km), hours=float(hours), mode=mode)
        return cls(names, MappingProxyType(index), graph)

    def node_indices(self, names: Sequence[str]) -> IndexArray:
        """Positions of ``names`` among :attr:`nodes`."""
        return np.array([self.index[_known(self.index, name, f"$.nodes[{k}]", "node")]
                         for k, name in enumerate(names)], dtype=np.int32)

    def shortest_from(self, sources: Sequence[str]) -> tuple[FloatArray, FloatArray]:
        """km and hours from each source to every node, shape ``(len(sources), n_nodes)``.

        One Dijkstra on km per source; hours are summed along the km-shortest path (ties on
        km: fewer hours). Unreachable: ``inf`` in both.
        """
        rows = self.node_indices(sources)
        km = np.full((len(rows), len(self.nodes)), np.inf)
        hours = np.full((len(rows), len(self.nodes)), np.inf)
        for row, source in enumerate(sources):
            predecessors, distance = nx.dijkstra_predecessor_and_distance(
                self._graph, source, weight="km")
            # km > 0 on every link, so each predecessor is settled strictly before its node.
            settled = sorted(distance, key=distance.__getitem__)
            time: dict[str, float] = {source: 0.0}
            for node in settled[1:]:
                time[node] = min(time[p] + self._graph.edges[p, node]["hours"]
                                 for p in predecessors[node])
            for node in settled:
                km[row, self.index[node]] = distance[node]
                hours[row, self.index[node]] = time[node]
        km.flags.writeable = False
        hours.flags.writeable = False
        return km, hours


def _finite_number(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))

"""The matching engine: capability and logistics graphs, OR-Tools allocation, diagnosis.

Pure by design: plain frozen dataclasses and numpy arrays in, a result object out. It imports
nothing from ``catalog`` or ``api`` and no database or web library (a test checks this), so it
can be used, tested and benchmarked on its own.
"""

from matching.candidates import (
    EXCLUSION_REASONS,
    NEVER_EXPIRES,
    NO_CERTIFICATE,
    NO_PRICE_CEILING,
    CandidateArcs,
    NeedTable,
    OfferTable,
    candidate_arcs,
    to_problem,
)
from matching.diagnosis import REASONS, diagnose
from matching.exceptions import InvalidProblem, MatchingError
from matching.graphs import LINK_MODES, CapabilityGraph, LogisticsGraph
from matching.io import problem_from_dict, read_problem, result_to_dict, write_result
from matching.near_misses import NEAR_MISS_KINDS, NearMiss, near_misses
from matching.problem import Arc, Demand, Offer, Problem
from matching.result import Result, Stats, Unmet
from matching.sensitivity import (
    CapacityValues,
    Intervention,
    by_group,
    capacity_values,
    rank_capacity_interventions,
)
from matching.solve import SolveParams, solve

__all__ = [
    "EXCLUSION_REASONS",
    "LINK_MODES",
    "NEAR_MISS_KINDS",
    "NEVER_EXPIRES",
    "NO_CERTIFICATE",
    "NO_PRICE_CEILING",
    "REASONS",
    "Arc",
    "CandidateArcs",
    "CapabilityGraph",
    "CapacityValues",
    "Demand",
    "Intervention",
    "InvalidProblem",
    "LogisticsGraph",
    "MatchingError",
    "NearMiss",
    "NeedTable",
    "Offer",
    "OfferTable",
    "Problem",
    "Result",
    "SolveParams",
    "Stats",
    "Unmet",
    "by_group",
    "candidate_arcs",
    "capacity_values",
    "diagnose",
    "near_misses",
    "problem_from_dict",
    "rank_capacity_interventions",
    "read_problem",
    "result_to_dict",
    "solve",
    "to_problem",
    "write_result",
]

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
    Exclusions,
    NeedTable,
    OfferTable,
    candidate_arcs,
    exclusions,
    price_arcs,
    to_problem,
)
from matching.diagnosis import REASONS, diagnose, diagnose_domain
from matching.duals import Duals, relaxation_duals
from matching.exceptions import InvalidProblem, MatchingError
from matching.graphs import LINK_MODES, CapabilityGraph, LogisticsGraph
from matching.interventions import Intervention as GroupIntervention
from matching.interventions import (
    capacity_value_by_group,
    rank_interventions,
)
from matching.io import (
    market_from_dict,
    match_to_dict,
    problem_from_dict,
    read_problem,
    result_to_dict,
    write_result,
)
from matching.market import (
    Allocation,
    Market,
    MatchParams,
    MatchResult,
    MatchStats,
    default_unmet_penalty,
    match,
)
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
    "Allocation",
    "Arc",
    "CandidateArcs",
    "CapabilityGraph",
    "CapacityValues",
    "Demand",
    "Duals",
    "Exclusions",
    "GroupIntervention",
    "Intervention",
    "InvalidProblem",
    "LogisticsGraph",
    "Market",
    "MatchParams",
    "MatchResult",
    "MatchStats",
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
    "capacity_value_by_group",
    "capacity_values",
    "default_unmet_penalty",
    "diagnose",
    "diagnose_domain",
    "exclusions",
    "market_from_dict",
    "match",
    "match_to_dict",
    "near_misses",
    "price_arcs",
    "problem_from_dict",
    "rank_capacity_interventions",
    "rank_interventions",
    "read_problem",
    "relaxation_duals",
    "result_to_dict",
    "solve",
    "to_problem",
    "write_result",
]

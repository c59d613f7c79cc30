"""The matching engine: capability and logistics graphs, OR-Tools allocation, diagnosis.

Pure by design: plain frozen dataclasses and numpy arrays in, a result object out. It imports
nothing from ``catalog`` or ``api`` and no database or web library (a test checks this), so it
can be used, tested and benchmarked on its own.
"""

from matching.diagnosis import REASONS, diagnose
from matching.exceptions import InvalidProblem, MatchingError
from matching.io import problem_from_dict, read_problem, result_to_dict, write_result
from matching.problem import Arc, Demand, Offer, Problem
from matching.result import Result, Stats, Unmet
from matching.solve import SolveParams, solve

__all__ = [
    "REASONS",
    "Arc",
    "Demand",
    "InvalidProblem",
    "MatchingError",
    "Offer",
    "Problem",
    "Result",
    "SolveParams",
    "Stats",
    "Unmet",
    "diagnose",
    "problem_from_dict",
    "read_problem",
    "result_to_dict",
    "solve",
    "write_result",
]

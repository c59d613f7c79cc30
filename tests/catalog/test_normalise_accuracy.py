"""How well the product-name normaliser does on names as people really type them.

The labelled development set, ``data/normalise_dev_set.tsv``, has one name a line (``name``,
``category``, ``kind``, tab-separated): a name as a park buyer or an IKM owner types it, the
taxonomy code a procurement officer reading :mod:`catalog.taxonomy` would file it under, or
``-`` for a name that belongs to no category, and what makes the name hard: ``plain``,
``typo``, ``english``, ``quantity`` (sizes, counts and packing inside the name), ``brand`` (a
brand used as a common noun), ``regional`` (Sulawesi, Bugis, Kaili or Javanese words),
``abbrev`` (CDD, APD, AMDK, B3…) or ``none`` (out of the taxonomy).

Top-1 accuracy is measured on the names that have a category; the precision of ``auto`` over
every name, since an ``auto`` answer is used without a person looking at it. Run with ``-s`` to
see the per-kind table and the score distribution of right and wrong answers.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from catalog.normalise import Normalisation, Normaliser
from catalog.taxonomy import CATEGORIES

DEV_SET = Path(__file__).resolve().parent / "data" / "normalise_dev_set.tsv"
NO_CATEGORY = "-"
KINDS = frozenset({"plain", "typo", "english", "quantity", "brand", "regional", "abbrev",
                   "none"})
STATUSES = frozenset({"auto", "review", "unknown"})
METHODS = frozenset({"exact", "alias", "fuzzy", "person", "none"})

MIN_ROWS = 360
MIN_IN_TAXONOMY = 300
MIN_CATEGORIES = 80
MIN_NONE = 40
MIN_TOP1 = 0.95
MIN_AUTO_PRECISION = 0.98
MIN_KIND_ROWS = 10
MIN_KIND_TOP1 = 0.85


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled name: ``expected`` is ``None`` for a name outside the taxonomy."""

    line: int
    name: str
    expected: str | None
    kind: str


Pair = tuple[Row, Normalisation]


def load_dev_set(path: Path = DEV_SET) -> list[Row]:
    """The rows of the development set, in file order."""
    header, *lines = path.read_text("utf-8").splitlines()
    assert header.split("\t") == ["name", "category", "kind"], f"bad header: {header!r}"
    rows = []
    for number, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        assert len(fields) == 3, f"line {number}: expected 3 tab-separated fields: {line!r}"
        name, category, kind = fields
        rows.append(Row(number, name, None if category == NO_CATEGORY else category, kind))
    return rows


def _miss(row: Row, result: Normalisation) -> str:
    return (f"  line {row.line}: {row.name!r} [{row.kind}] expected {row.expected or '-'}, "
            f"got {result.category_code or '-'} (score {result.score}, {result.status}, "
            f"{result.method})")


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return load_dev_set()


@pytest.fixture(scope="module")
def normaliser() -> Normaliser:
    return Normaliser.from_taxonomy()


@pytest.fixture(scope="module")
def pairs(rows: list[Row], normaliser: Normaliser) -> list[Pair]:
    results = normaliser.normalise_many([row.name for row in rows])
    assert len(results) == len(rows)
    return list(zip(rows, results, strict=True))


@pytest.fixture(scope="module")
def in_taxonomy(pairs: list[Pair]) -> list[Pair]:
    return [(row, result) for row, result in pairs if row.expected is not None]


def test_dev_set_is_large_varied_and_consistent(rows: list[Row]) -> None:
    """The set loads and is big and varied enough, and every expected code exists."""
    codes = {c.code for c in CATEGORIES}
    unknown_codes = [r for r in rows if r.expected is not None and r.expected not in codes]
    assert not unknown_codes, f"codes not in the taxonomy: {unknown_codes}"
    bad_kinds = [r for r in rows if r.kind not in KINDS or (r.kind == "none") != (
        r.expected is None)]
    assert not bad_kinds, f"kind missing, unknown or not matching the category: {bad_kinds}"
    duplicates = [n for n, k in Counter(r.name.casefold() for r in rows).items() if k > 1]
    assert not duplicates, f"duplicate names: {duplicates}"
    assert all(r.name == r.name.strip() and r.name for r in rows)
    assert len(rows) >= MIN_ROWS
    labelled = [r for r in rows if r.expected is not None]
    assert len(labelled) >= MIN_IN_TAXONOMY
    assert len({r.expected for r in labelled}) >= MIN_CATEGORIES
    assert len(rows) - len(labelled) >= MIN_NONE
    assert {"jual pulsa", "les privat", "asdfgh", "barang"} <= {
        r.name for r in rows if r.expected is None}


def test_results_follow_the_contract(pairs: list[Pair]) -> None:
    """Each result has a score in 0..100, a known status and method, and ranked runners-up."""
    for row, result in pairs:
        assert 0 <= result.score <= 100, _miss(row, result)
        assert result.status in STATUSES, _miss(row, result)
        assert result.method in METHODS, _miss(row, result)
        alternatives = [a.category_code for a in result.alternatives]
        assert result.category_code not in alternatives, _miss(row, result)
        scores = [a.score for a in result.alternatives]
        assert scores == sorted(scores, reverse=True), _miss(row, result)


def test_top1_accuracy_on_names_in_the_taxonomy(in_taxonomy: list[Pair]) -> None:
    """At least 95% of names that have a category get exactly that category first."""
    misses = [(row, result) for row, result in in_taxonomy
              if result.category_code != row.expected]
    accuracy = 1 - len(misses) / len(in_taxonomy)
    assert accuracy >= MIN_TOP1, (
        f"top-1 accuracy {accuracy:.1%} < {MIN_TOP1:.0%} "
        f"({len(misses)} misses of {len(in_taxonomy)}):\n"
        + "\n".join(_miss(row, result) for row, result in misses))


def test_auto_answers_are_precise(pairs: list[Pair]) -> None:
    """At least 98% of ``auto`` answers are right; ``auto`` on an out-of-taxonomy name is wrong."""
    auto = [(row, result) for row, result in pairs if result.status == "auto"]
    assert auto, "no name got an auto answer"
    wrong = [(row, result) for row, result in auto if result.category_code != row.expected]
    precision = 1 - len(wrong) / len(auto)
    assert precision >= MIN_AUTO_PRECISION, (
        f"auto precision {precision:.1%} < {MIN_AUTO_PRECISION:.0%} "
        f"({len(wrong)} wrong of {len(auto)} auto):\n"
        + "\n".join(_miss(row, result) for row, result in wrong))


def test_no_out_of_taxonomy_name_is_auto(pairs: list[Pair]) -> None:
    """A name that belongs to no category is never filed without a person confirming it."""
    offenders = [(row, result) for row, result in pairs
                 if row.expected is None and result.status == "auto"]
    assert not offenders, "out-of-taxonomy names decided auto:\n" + "\n".join(
        _miss(row, result) for row, result in offenders)


def test_accuracy_per_kind(pairs: list[Pair]) -> None:
    """Every kind of name with at least 10 labelled rows has top-1 accuracy of 85% or more."""
    by_kind: dict[str, list[Pair]] = defaultdict(list)
    for row, result in pairs:
        by_kind[row.kind].append((row, result))
    lines = [f"{'kind':<10} {'rows':>5} {'top-1':>7} {'auto':>6}"]
    failing = []
    for kind in sorted(by_kind):
        group = by_kind[kind]
        right = sum(result.category_code == row.expected for row, result in group)
        auto = sum(result.status == "auto" for _, result in group)
        accuracy = right / len(group)
        lines.append(f"{kind:<10} {len(group):>5} {accuracy:>7.1%} {auto / len(group):>6.0%}")
        if kind != "none" and len(group) >= MIN_KIND_ROWS and accuracy < MIN_KIND_TOP1:
            failing.append(kind)
    table = "\n".join(lines)
    print("\nTop-1 accuracy by kind (for 'none', the share left without a category):\n" + table)
    details = "\n".join(
        _miss(row, result) for kind in failing for row, result in by_kind[kind]
        if result.category_code != row.expected)
    assert not failing, (
        f"kinds below {MIN_KIND_TOP1:.0%} top-1: {failing}\n{table}\nmisses:\n{details}")


def test_scores_are_higher_for_right_answers(pairs: list[Pair]) -> None:
    """Documents (calibrates nothing) how scores of right and wrong proposals are distributed.

    Only results that propose a category count: a proposal is right when it is the expected
    category and wrong otherwise, including any category proposed for a name outside the
    taxonomy. The median score of right proposals must be above that of wrong ones.
    """
    right = [result.score for row, result in pairs
             if result.category_code is not None and result.category_code == row.expected]
    wrong = [result.score for row, result in pairs
             if result.category_code is not None and result.category_code != row.expected]
    assert right, "no right proposal at all"
    lines = [f"{'':<7} {'n':>5} {'min':>5} {'p10':>5} {'p25':>5} {'median':>6} {'p75':>5} "
             f"{'max':>5}"]
    for label, scores in (("right", right), ("wrong", wrong)):
        if len(scores) >= 2:
            deciles = statistics.quantiles(scores, n=20, method="inclusive")
            p10, p25, p75 = deciles[1], deciles[4], deciles[14]
        else:
            p10 = p25 = p75 = float(scores[0]) if scores else float("nan")
        median = statistics.median(scores) if scores else float("nan")
        low = min(scores, default=float("nan"))
        high = max(scores, default=float("nan"))
        lines.append(f"{label:<7} {len(scores):>5} {low:>5.0f} {p10:>5.0f} {p25:>5.0f} "
                     f"{median:>6.1f} {p75:>5.0f} {high:>5.0f}")
    by_status = Counter((result.status, result.category_code == row.expected)
                        for row, result in pairs)
    lines.append("status   right  wrong")
    lines.extend(f"{status:<7} {by_status[status, True]:>6} {by_status[status, False]:>6}"
                 for status in ("auto", "review", "unknown"))
    print("\nScores of proposed categories, right vs wrong:\n" + "\n".join(lines))
    if wrong:
        assert statistics.median(right) > statistics.median(wrong), "\n".join(lines)


HOLDOUT = Path(__file__).resolve().parent / "data" / "normalise_holdout.tsv"
#: The held-out set was written by someone who saw neither the normaliser nor the development
#: set, and nothing was tuned on it: lower bars for recall, the same ones for what is used
#: without asking.
MIN_HOLDOUT_TOP1 = 0.90


def test_held_out_names_generalise(normaliser: Normaliser) -> None:
    """On names nothing was tuned on: top-1 ≥ 90%, auto precision ≥ 98%, no outsider auto."""
    rows = load_dev_set(HOLDOUT)
    results = normaliser.normalise_many([row.name for row in rows])
    inside = [(row, r) for row, r in zip(rows, results, strict=True) if row.expected]
    top1 = sum(r.category_code == row.expected for row, r in inside) / len(inside)
    auto = [(row, r) for row, r in zip(rows, results, strict=True) if r.status == "auto"]
    wrong_auto = [(row.name, row.expected, r.category_code) for row, r in auto
                  if r.category_code != row.expected]
    assert top1 >= MIN_HOLDOUT_TOP1, f"held-out top-1 {top1:.1%}"
    assert len(auto) - len(wrong_auto) >= MIN_AUTO_PRECISION * len(auto), wrong_auto
    assert not [name for name, expected, _got in wrong_auto if expected is None]

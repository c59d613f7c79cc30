"""Product names as people type them, to taxonomy categories, with the reason for each answer.

A cascade, cheapest stage first; each name stops at the first stage that decides it:

1. **clean** (:func:`clean_name`): casefold, fold accents to ASCII, drop punctuation and the
   quantities, units and packing words beside a number ("1 dus isi 48", "500 porsi", "uk
   40x30"): they say how much, not what.
2. **person**: a name a person confirmed before (``simpul normalise confirm``) wins outright.
3. **exact**: the cleaned name is an alias, a category name or a KBLI title.
4. **alias**: the longest alias phrase found inside the name ("sarung tangan karet nitril"
   contains "sarung tangan karet"), looked up by word n-grams, not by scanning the vocabulary.
5. **fuzzy**: each word the vocabulary does not know is corrected to the closest known word
   ("sefty" → "safety", "kardos" → "kardus") with rapidfuzz over the whole word list at once,
   and stages 3–4 run again on the corrected name; what still finds nothing is compared whole
   against every vocabulary entry with ``token_sort_ratio`` (``process.cdist``, both cores).
6. **unknown** otherwise.

Every answer carries a score (0–100), a status and the runners-up. ``auto`` means confident
enough to use without asking; ``review`` means a person should confirm; ``unknown`` means no
category was found. The thresholds (:class:`Thresholds`) were calibrated on the labelled set in
``tests/catalog/data/normalise_dev_set.tsv``; ``docs/normalisation.md`` gives the figures.

A suggestion a person rejected for a name is never made again for that name, so the same
question is not asked twice. No stemmer is used: Sastrawi turns "pengemasan" into "emas".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from catalog.units import UNIT_ALIASES, UNITS

__all__ = [
    "Alternative",
    "Normalisation",
    "Normaliser",
    "Thresholds",
    "clean_name",
    "taxonomy_vocabulary",
]

_NON_WORD = re.compile(r"[^a-z0-9]+")
_NUMBER = re.compile(r"^\d+([.,x]\d+)*[a-z]{0,3}$")
#: Words that say how something is packed or counted, not what it is, when a number is next to
#: them ("1 dus isi 48", "500 porsi", "uk 40x30", "per kg"). Alone they may name the product
#: ("sayur buah", "pasang listrik"), so they are only dropped beside a quantity.
_MEASURE_WORDS = frozenset(
    {"dus", "dos", "box", "pack", "pak", "karton", "bal", "ikat", "sak", "zak", "pcs", "buah",
     "unit"}
) | frozenset(UNITS) | frozenset(a for a in UNIT_ALIASES if " " not in a)
_BEFORE_NUMBER = frozenset({"isi", "uk", "ukuran", "size", "kapasitas", "rp", "harga", "x"})
#: Longest alias phrase, in words, the n-gram look-up tries.
_MAX_PHRASE_WORDS = 5
#: Names are cut to this many characters before matching: a product is named in far fewer,
#: and a pasted paragraph must not cost more than a name.
_MAX_NAME_CHARS = 200
#: Evidence weights of the alias stage (see ``Normaliser._exact_or_alias``).
_HEAD_BONUS = 1.1
_LOOSE_WORD_WEIGHT = 0.5
_LOOSE_WORD_OWNERS = 3
#: Decisions a normaliser remembers before it starts afresh.
_CACHE_LIMIT = 200_000


@functools.lru_cache(maxsize=65_536)
def clean_name(name: str) -> str:
    """``name`` casefolded, folded to ASCII, without punctuation, quantities or units.

    ``"Nasbox Ayam 500 porsi"`` → ``"nasbox ayam"``; ``"1 dus isi 48 gelas"`` → ``"gelas"``;
    ``"sayur buah"`` stays as it is, since no quantity is next to "buah".
    """
    folded = unicodedata.normalize("NFKD", name[:_MAX_NAME_CHARS * 2].casefold())
    words = _NON_WORD.sub(" ", folded.encode("ascii", "ignore").decode()).split()
    drop = [False] * len(words)
    for i, word in enumerate(words):
        if not _NUMBER.match(word):
            continue
        drop[i] = True
        if i + 1 < len(words) and words[i + 1] in _MEASURE_WORDS:
            drop[i + 1] = True
        if i > 0 and words[i - 1] in _BEFORE_NUMBER:
            drop[i - 1] = True
    for i, word in enumerate(words[:-1]):
        # "per kg", "per porsi": a price basis, not the product.
        if word == "per" and words[i + 1] in _MEASURE_WORDS:
            drop[i] = drop[i + 1] = True
    kept = [w for w, dropped in zip(words, drop, strict=True) if not dropped]
    if not kept:
        kept = [w for w in words if not _NUMBER.match(w)]
    return " ".join(kept)[:_MAX_NAME_CHARS].strip()


@dataclass(frozen=True, slots=True)
class Alternative:
    """A runner-up category and its score."""

    category_code: str
    score: int


@dataclass(frozen=True, slots=True)
class Normalisation:
    """What the normaliser decided for one name, and why."""

    text: str
    category_code: str | None
    score: int  # 0..100
    status: str  # auto | review | unknown
    method: str  # person | exact | alias | fuzzy | none
    alternatives: tuple[Alternative, ...] = ()
    cleaned: str = ""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where scores turn into statuses; calibrated on the labelled development set."""

    #: An alias phrase covering this share of the name's words or more is ``auto``.
    alias_auto_coverage: float = 0.5
    #: Word correction: the smallest similarity (``fuzz.ratio``) to accept a corrected word.
    word_min_similarity: int = 80
    #: Whole-name fuzzy match: ``auto`` from this score, ``review`` from the next one.
    fuzzy_auto: int = 90
    fuzzy_review: int = 70
    #: A fuzzy winner this close to the runner-up of another category is only ``review``.
    fuzzy_margin: int = 5


@dataclass
class _Vocabulary:
    """Every text that names a category, cleaned: aliases, names, codes, KBLI titles."""

    exact: dict[str, str] = field(default_factory=dict)  # cleaned text -> category
    words: list[str] = field(default_factory=list)  # every word of every entry, once
    entries: list[str] = field(default_factory=list)  # for whole-name fuzzy matching
    entry_category: list[int] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


class Normaliser:
    """The cascade over one vocabulary; build it once and normalise many names."""

    def __init__(self, aliases: Mapping[str, str], *, learned: Mapping[str, str] | None = None,
                 rejected: Iterable[tuple[str, str]] = (),
                 thresholds: Thresholds | None = None) -> None:
        """``aliases``: text → category code (names and KBLI titles included); ``learned``:
        names a person confirmed → category; ``rejected``: (name, category) pairs a person
        turned down."""
        self.thresholds = thresholds or Thresholds()
        vocabulary = _Vocabulary()
        category_index: dict[str, int] = {}
        for text, code in aliases.items():
            key = clean_name(text)
            if not key or key in vocabulary.exact:
                continue
            vocabulary.exact[key] = code
            index = category_index.setdefault(code, len(category_index))
            vocabulary.entries.append(key)
            vocabulary.entry_category.append(index)
        vocabulary.categories = sorted(category_index, key=category_index.__getitem__)
        vocabulary.words = sorted({w for key in vocabulary.exact for w in key.split()})
        # Entries grouped by category, so the best entry per category is one reduceat.
        order = np.argsort(np.asarray(vocabulary.entry_category, dtype=np.int32), kind="stable")
        vocabulary.entries = [vocabulary.entries[i] for i in order]
        vocabulary.entry_category = [vocabulary.entry_category[i] for i in order]
        grouped = np.asarray(vocabulary.entry_category, dtype=np.int32)
        self._category_starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
        self._vocabulary = vocabulary
        self._known_words = frozenset(vocabulary.words)
        #: Which categories' vocabulary each word appears in: a word of few categories is
        #: evidence for them even outside a whole alias ("kasur" in "kasur mess karyawan").
        word_categories: dict[str, set[str]] = {}
        for text, code in vocabulary.exact.items():
            for word in text.split():
                word_categories.setdefault(word, set()).add(code)
        self._word_categories = {w: frozenset(c) for w, c in word_categories.items()}
        self._learned = {clean_name(name): code for name, code in (learned or {}).items()}
        self._rejected: dict[str, set[str]] = {}
        for name, code in rejected:
            self._rejected.setdefault(clean_name(name), set()).add(code)
        #: Decisions by cleaned name, so a batch primed with normalise_many is free to ask
        #: again one name at a time.
        self._decided: dict[str, Normalisation] = {}

    @classmethod
    def from_categories(cls, categories: Iterable[tuple[str, str, str, Iterable[str]]]
                        ) -> Normaliser:
        """From (code, name_id, name_en, aliases) tuples: names count as aliases too."""
        table: dict[str, str] = {}
        for code, name_id, name_en, aliases in categories:
            for alias in (*aliases, name_id, name_en, code.replace("-", " ")):
                table.setdefault(alias, code)
        return cls(table)

    @classmethod
    def from_taxonomy(cls, *, learned: Mapping[str, str] | None = None,
                      rejected: Iterable[tuple[str, str]] = (),
                      thresholds: Thresholds | None = None) -> Normaliser:
        """From the project's taxonomy (:mod:`catalog.taxonomy`), without a database."""
        return cls(taxonomy_vocabulary(), learned=learned, rejected=rejected,
                   thresholds=thresholds)

    # --- one name -------------------------------------------------------------------------

    def normalise(self, name: str) -> Normalisation:
        return self.normalise_many([name])[0]

    # --- many names -----------------------------------------------------------------------

    def normalise_many(self, names: Sequence[str]) -> list[Normalisation]:
        """Normalise ``names`` in order. Repeated names are decided once; the fuzzy stage runs
        only on what the cheap stages left, in one vectorised pass over all of them."""
        cleaned = [clean_name(name) for name in names]
        if len(self._decided) > _CACHE_LIMIT:
            # A new dict, not clear(): a call in another thread keeps the one it holds.
            self._decided = {}
        decided = self._decided
        pending: list[str] = []
        for key in dict.fromkeys(cleaned):
            if key in decided:
                continue
            found = self._cheap(key)
            if found is None:
                pending.append(key)
            else:
                decided[key] = found
        if pending:
            decided.update(self._fuzzy(pending))
        return [_with_text(decided[key], name) for name, key in zip(names, cleaned, strict=True)]

    # --- stages ---------------------------------------------------------------------------

    def _cheap(self, key: str) -> Normalisation | None:
        if not key:
            return Normalisation("", None, 0, "unknown", "none", (), key)
        learned = self._learned.get(key)
        if learned is not None:
            return Normalisation("", learned, 100, "auto", "person", (), key)
        words = key.split()
        if any(self._correctable(word) for word in words):
            # A word the vocabulary does not know may be a typo of one it does ("telor"):
            # correct it first, so a shorter alias elsewhere in the name does not win.
            exact = self._vocabulary.exact.get(key)
            if exact is not None and exact not in self._rejected.get(key, ()):
                return Normalisation("", exact, 100, "auto", "exact", (), key)
            return None
        return self._exact_or_alias(key, words)

    def _correctable(self, word: str) -> bool:
        return word not in self._known_words and len(word) >= 3 and not word.isdigit()

    def _exact_or_alias(self, key: str, words: list[str], *, corrected: bool = False
                        ) -> Normalisation | None:
        rejected = self._rejected.get(key, set())
        exact = self._vocabulary.exact
        code = exact.get(" ".join(words))
        if code is not None and code not in rejected:
            if corrected:
                return Normalisation("", code, 0, "", "fuzzy", (), key)
            return Normalisation("", code, 100, "auto", "exact", (), key)
        # Every alias phrase inside the name, longest first and not overlapping one already
        # taken. A category's evidence is the words its phrases cover, plus a share of each
        # remaining word that belongs to few categories' vocabulary, plus a bonus for the
        # first word: Indonesian puts the head noun first ("telur ayam negeri" is eggs,
        # "kasur mess karyawan" a mattress).
        taken = [False] * len(words)
        covered: dict[str, int] = {}
        evidence: dict[str, float] = {}
        for size in range(min(_MAX_PHRASE_WORDS, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                if any(taken[start:start + size]):
                    continue
                phrase_code = exact.get(" ".join(words[start:start + size]))
                if phrase_code is None or phrase_code in rejected:
                    continue
                taken[start:start + size] = [True] * size
                covered[phrase_code] = covered.get(phrase_code, 0) + size
                evidence[phrase_code] = evidence.get(phrase_code, 0.0) + size + (
                    _HEAD_BONUS if start == 0 else 0.0)
        if not covered:
            return None
        loose: list[frozenset[str]] = []
        for index, word in enumerate(words):
            if taken[index]:
                continue
            owners = self._word_categories.get(word, frozenset()) - rejected
            if 0 < len(owners) <= _LOOSE_WORD_OWNERS:
                loose.append(owners)
                for owner in owners:
                    evidence[owner] = evidence.get(owner, 0.0) + (
                        _LOOSE_WORD_WEIGHT + (_HEAD_BONUS if index == 0 else 0.0)) / len(owners)
        ranked = sorted(evidence, key=lambda c: -evidence[c])
        best_code = ranked[0]
        coverage = covered.get(best_code, 0) / len(words)
        score = round(75 + 20 * coverage)
        alternatives = tuple(Alternative(c, round(75 + 20 * covered.get(c, 0) / len(words)))
                             for c in ranked[1:4])
        unknown = sum(not taken[i] and words[i] not in self._known_words
                      for i in range(len(words)))
        close = len(ranked) > 1 and evidence[ranked[1]] >= evidence[best_code] - 0.5
        # A leftover word that belongs to another category's vocabulary makes it a question.
        foreign = any(best_code not in owners for owners in loose)
        confident = (coverage >= self.thresholds.alias_auto_coverage and not close
                     and not foreign and (unknown == 0 or coverage >= 2 / 3))
        status = "auto" if confident else "review"
        if corrected:
            return Normalisation("", best_code, score, status, "fuzzy", alternatives, key)
        return Normalisation("", best_code, score, status, "alias", alternatives, key)

    def _fuzzy(self, keys: list[str]) -> dict[str, Normalisation]:
        corrections = self._correct_words({w for key in keys for w in key.split()})
        results: dict[str, Normalisation] = {}
        whole: list[str] = []
        for key in keys:
            words = key.split()
            fixed = [corrections.get(w, (w, 100)) for w in words]
            changed = any(w != f for w, (f, _s) in zip(words, fixed, strict=True))
            found = self._exact_or_alias(key, [f for f, _s in fixed], corrected=changed)
            if found is not None:
                if changed:
                    # The alias stage's score, lowered by how far the words moved.
                    similarity = min(s for _f, s in fixed)
                    score = round((found.score or 100) * similarity / 100)
                    status = found.status or "auto"
                    if score < self.thresholds.fuzzy_auto:
                        status = "review"
                    found = Normalisation("", found.category_code, score, status, "fuzzy",
                                          found.alternatives, key)
                results[key] = found
                continue
            whole.append(key)
        if whole:
            results.update(self._whole_name(whole))
        return results

    def _correct_words(self, words: set[str]) -> dict[str, tuple[str, int]]:
        """Each unknown word of three letters or more → (closest known word, similarity)."""
        unknown = sorted(w for w in words if w not in self._known_words and len(w) >= 3
                         and not w.isdigit())
        if not unknown or not self._vocabulary.words:
            return {}
        scores = process.cdist(unknown, self._vocabulary.words, scorer=fuzz.ratio,
                               dtype=np.uint8, workers=-1,
                               score_cutoff=self.thresholds.word_min_similarity)
        best = scores.argmax(axis=1)
        corrections: dict[str, tuple[str, int]] = {}
        for row, word in enumerate(unknown):
            similarity = int(scores[row, best[row]])
            if similarity:
                corrections[word] = (self._vocabulary.words[best[row]], similarity)
        return corrections

    def _whole_name(self, keys: list[str], chunk: int = 2048) -> dict[str, Normalisation]:
        """Whole names against every vocabulary entry; the best entry per category counts."""
        thresholds = self.thresholds
        categories = self._vocabulary.categories
        results: dict[str, Normalisation] = {}
        if not categories:  # an empty vocabulary knows nothing
            return {key: Normalisation("", None, 0, "unknown", "none", (), key) for key in keys}
        for start in range(0, len(keys), chunk):
            part = keys[start:start + chunk]
            scores = process.cdist(part, self._vocabulary.entries, scorer=fuzz.token_sort_ratio,
                                   dtype=np.uint8, workers=-1)
            per_category = np.maximum.reduceat(scores, self._category_starts, axis=1)
            order = np.argsort(-per_category.astype(np.int16), axis=1, kind="stable")[:, :5]
            for row, key in enumerate(part):
                rejected = self._rejected.get(key, set())
                ranked = [(categories[c], int(per_category[row, c])) for c in order[row]
                          if categories[c] not in rejected]
                results[key] = self._decide_whole(key, ranked, thresholds)
        return results

    @staticmethod
    def _decide_whole(key: str, ranked: list[tuple[str, int]],
                      thresholds: Thresholds) -> Normalisation:
        if not ranked or ranked[0][1] < thresholds.fuzzy_review:
            alternatives = tuple(Alternative(c, s) for c, s in ranked[:3] if s > 0)
            return Normalisation("", None, ranked[0][1] if ranked else 0, "unknown", "none",
                                 alternatives, key)
        (code, score), rest = ranked[0], ranked[1:]
        margin = score - (rest[0][1] if rest else 0)
        auto = score >= thresholds.fuzzy_auto and margin >= thresholds.fuzzy_margin
        return Normalisation("", code, score, "auto" if auto else "review", "fuzzy",
                             tuple(Alternative(c, s) for c, s in rest[:3] if s > 0), key)


def _with_text(result: Normalisation, text: str) -> Normalisation:
    return Normalisation(text, result.category_code, result.score, result.status,
                         result.method, result.alternatives, result.cleaned)


def taxonomy_vocabulary() -> dict[str, str]:
    """Text → category code from the project's taxonomy: aliases first, then names, codes and
    the titles of each category's primary KBLI code."""
    from catalog import taxonomy

    table: dict[str, str] = {}
    for spec in taxonomy.CATEGORIES:
        for alias in spec.aliases:
            table.setdefault(alias, spec.code)
    for spec in taxonomy.CATEGORIES:
        for text in (spec.name_id, spec.name_en, spec.code.replace("-", " ")):
            table.setdefault(text, spec.code)
    for spec in taxonomy.CATEGORIES:
        if spec.kbli:
            table.setdefault(taxonomy.KBLI_TITLES[spec.kbli[0]], spec.code)
    return table

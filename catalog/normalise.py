"""Product names as people type them, to taxonomy categories.

This is the first, cheap part of the normalisation cascade: clean the name (casefold, fold
accents to ASCII, drop punctuation, quantities and units), then look for an exact alias, then
for the longest alias phrase inside the name. A name with no alias is ``unknown``; a fuzzy stage
and learning from people's corrections come on top of this.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from catalog.units import UNIT_ALIASES, UNITS

__all__ = ["Normalisation", "Normaliser", "clean_name"]

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


def clean_name(name: str) -> str:
    """``name`` casefolded, folded to ASCII, without punctuation, quantities or units.

    ``"Nasbox Ayam 500 porsi"`` → ``"nasbox ayam"``; ``"1 dus isi 48 gelas"`` → ``"gelas"``;
    ``"sayur buah"`` stays as it is, since no quantity is next to "buah".
    """
    folded = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode()
    words = _NON_WORD.sub(" ", folded).split()
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
    if kept:
        return " ".join(kept)
    return " ".join(w for w in words if not _NUMBER.match(w))


@dataclass(frozen=True, slots=True)
class Normalisation:
    """What the normaliser decided for one name."""

    text: str
    category_code: str | None
    score: int  # 0..100
    status: str  # auto | review | unknown
    method: str  # exact | alias | none


class Normaliser:
    """Exact and alias-phrase matching over a table of aliases (alias → category code)."""

    def __init__(self, aliases: Mapping[str, str]) -> None:
        self._exact: dict[str, str] = {}
        for alias, code in aliases.items():
            key = clean_name(alias)
            if key:
                self._exact.setdefault(key, code)
        # Longest phrases first, so "sarung tangan karet" wins over "sarung tangan".
        self._phrases = sorted(self._exact, key=lambda k: (-len(k.split()), -len(k)))

    @classmethod
    def from_categories(cls, categories: Iterable[tuple[str, str, str, Iterable[str]]]
                        ) -> Normaliser:
        """From (code, name_id, name_en, aliases) tuples: names count as aliases too."""
        table: dict[str, str] = {}
        for code, name_id, name_en, aliases in categories:
            for alias in (*aliases, name_id, name_en, code.replace("-", " ")):
                table.setdefault(alias, code)
        return cls(table)

    def normalise(self, name: str) -> Normalisation:
        cleaned = clean_name(name)
        if not cleaned:
            return Normalisation(name, None, 0, "unknown", "none")
        code = self._exact.get(cleaned)
        if code is not None:
            return Normalisation(name, code, 100, "auto", "exact")
        padded = f" {cleaned} "
        for phrase in self._phrases:
            if f" {phrase} " in padded:
                # A phrase that covers much of the name is safe to use; a short one inside a
                # long name is a guess a person should confirm.
                coverage = len(phrase.split()) / len(cleaned.split())
                score = round(75 + 20 * coverage)
                return Normalisation(name, self._exact[phrase], score,
                                     "auto" if score >= 85 else "review", "alias")
        return Normalisation(name, None, 0, "unknown", "none")

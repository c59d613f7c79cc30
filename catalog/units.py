"""Units of measure and conversion into a category's canonical unit.

Quantities are stored in the canonical unit of their category (``kg`` for vegetables, ``porsi``
for catering, ``pasang`` for safety shoes, ...). A unit typed by a person is first looked up in
:data:`UNIT_ALIASES` ("kilo", "btr", "ltr"), then converted through its dimension. Within the
``count`` dimension, generic units (pcs, buah, unit, biji) and multipliers (lusin = 12, kodi = 20,
gros = 144) convert to any counted unit, while specific counted units (porsi, butir, pasang,
lembar, ...) only convert to themselves: 500 porsi are never 500 butir. ``rim`` (500 sheets) is a
multiplier of ``lembar`` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from catalog.exceptions import IncompatibleUnit, UnknownUnit

__all__ = [
    "CANONICAL_UNITS",
    "UNIT_ALIASES",
    "Unit",
    "conversion_factor",
    "convert_quantity",
    "resolve_unit",
]


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit: its dimension and its size in the dimension's base unit."""

    code: str
    dimension: str
    factor: Fraction
    #: For counted units: the only canonical count unit it converts to (``rim`` → ``lembar``),
    #: ``None`` for generic counts and multipliers, which convert to any counted unit.
    counts: str | None = None


def _u(code: str, dimension: str, factor: int | str | Fraction = 1,
       counts: str | None = None) -> Unit:
    return Unit(code, dimension, Fraction(factor), counts)


_UNITS: tuple[Unit, ...] = (
    # mass, base kg
    _u("g", "mass", "1/1000"),
    _u("ons", "mass", "1/10"),
    _u("kg", "mass"),
    _u("kuintal", "mass", 100),
    _u("ton", "mass", 1000),
    # volume, base liter
    _u("ml", "volume", "1/1000"),
    _u("liter", "volume"),
    _u("galon", "volume", 19),  # the 19 L returnable jug every depot and AMDK brand fills
    _u("m3", "volume", 1000),
    # area and length
    _u("m2", "area"),
    _u("ha", "area", 10_000),
    _u("m", "length"),
    _u("km", "length", 1000),
    # time, base jam (calendar time: a rental day is 24 h, a month 30 days)
    _u("jam", "time"),
    _u("hari", "time", 24),
    _u("minggu", "time", 24 * 7),
    _u("bulan", "time", 24 * 30),
    # trips of a vehicle, people, rooms
    _u("trip", "trip"),
    _u("orang", "person"),
    _u("kamar", "room"),
    # counts: generic and multipliers
    _u("pcs", "count"),
    _u("lusin", "count", 12),
    _u("kodi", "count", 20),
    _u("gros", "count", 144),
    _u("rim", "count", 500, counts="lembar"),
    # counts: specific things, each only itself
    _u("porsi", "count", counts="porsi"),
    _u("butir", "count", counts="butir"),
    _u("ekor", "count", counts="ekor"),
    _u("pasang", "count", counts="pasang"),
    _u("lembar", "count", counts="lembar"),
    _u("set", "count", counts="set"),
    _u("roll", "count", counts="roll"),
)

UNITS: dict[str, Unit] = {u.code: u for u in _UNITS}

#: Units a category may use as its canonical unit.
CANONICAL_UNITS: frozenset[str] = frozenset(
    {"kg", "ton", "liter", "m3", "m2", "jam", "hari", "bulan", "trip", "orang", "kamar", "pcs",
     "porsi", "butir", "ekor", "pasang", "lembar", "set", "roll"}
)

#: How people write units, to the unit code.
UNIT_ALIASES: dict[str, str] = {
    "gr": "g", "gram": "g", "gram(s)": "g",
    "kilo": "kg", "kilogram": "kg", "kgs": "kg",
    "kwintal": "kuintal", "kw": "kuintal", "quintal": "kuintal",
    "t": "ton", "tonne": "ton", "tons": "ton",
    "l": "liter", "lt": "liter", "ltr": "liter", "litre": "liter", "liters": "liter",
    "gallon": "galon", "gln": "galon",
    "kubik": "m3", "meter kubik": "m3", "m³": "m3", "cbm": "m3", "kubikasi": "m3",
    "meter persegi": "m2", "m²": "m2", "meter": "m", "mtr": "m",
    "hour": "jam", "hours": "jam", "hr": "jam", "day": "hari", "days": "hari",
    "week": "minggu", "month": "bulan", "bln": "bulan",
    "rit": "trip", "ritase": "trip", "trips": "trip", "kali jalan": "trip",
    "org": "orang", "pekerja": "orang", "person": "orang", "people": "orang", "pax": "orang",
    "room": "kamar", "rooms": "kamar", "unit kamar": "kamar",
    "buah": "pcs", "bh": "pcs", "biji": "pcs", "unit": "pcs", "units": "pcs", "pc": "pcs",
    "piece": "pcs", "pieces": "pcs", "item": "pcs", "batang": "pcs", "btg": "pcs",
    "dozen": "lusin", "lsn": "lusin", "gross": "gros",
    "portion": "porsi", "prs": "porsi",
    "btr": "butir", "egg": "butir", "eggs": "butir",
    "ekr": "ekor", "head": "ekor",
    "psg": "pasang", "pair": "pasang", "pairs": "pasang",
    "lbr": "lembar", "sheet": "lembar", "sheets": "lembar", "helai": "lembar",
    "ream": "rim",
    "stel": "set", "setel": "set", "stell": "set",
    "rol": "roll", "gulung": "roll",
}


def resolve_unit(text: str) -> Unit:
    """The unit a person meant by ``text`` ("Kg", "ltr", "lusin").

    Raises :class:`UnknownUnit` when the text names no unit.
    """
    key = " ".join(text.strip().casefold().split())
    code = UNIT_ALIASES.get(key, key)
    try:
        return UNITS[code]
    except KeyError:
        raise UnknownUnit(text) from None


def conversion_factor(from_unit: str, to_unit: str) -> Fraction:
    """How many ``to_unit`` one ``from_unit`` is (``lusin`` → ``pasang`` is 12).

    Raises :class:`UnknownUnit` or :class:`IncompatibleUnit`.
    """
    source, target = resolve_unit(from_unit), resolve_unit(to_unit)
    if source.dimension != target.dimension:
        raise IncompatibleUnit(from_unit, target.code)
    # A specific counted unit (porsi, butir) converts only to itself, and rim only to lembar;
    # generic counts (pcs, lusin, kodi) convert to any counted unit.
    if source.dimension == "count" and source.counts is not None and source.counts != (
            target.counts or target.code):
        raise IncompatibleUnit(from_unit, target.code)
    return source.factor / target.factor


def convert_quantity(quantity: int | float | Fraction, from_unit: str, to_unit: str) -> Fraction:
    """``quantity`` of ``from_unit`` expressed in ``to_unit``, exactly."""
    return Fraction(quantity) * conversion_factor(from_unit, to_unit)

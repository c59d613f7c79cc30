"""Charts and the map as plain geometry, drawn by the templates as inline SVG.

Nothing here knows about the web or the database: the functions take the figures (from the
API's agency queries) and return coordinates in a fixed ``viewBox`` that the templates write
out as ``<rect>``, ``<circle>`` and ``<text>``. No chart library, no tiles: a page carries its
pictures in a few kilobytes and works on a closed network.

* :func:`share_bars` — one 100 % bar per park × category: served by local IKM, served from
  elsewhere, unmet (units differ between categories, so each bar is its own cell's shares);
* :func:`reason_bars` — one bar per park × category with unmet units, split by reason;
* :func:`project` — an equirectangular projection fitted to a bounding box;
* :func:`place_labels` — where the map's labels go so that they do not cover each other.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["CHART_WIDTH", "REASON_COLOURS", "Bar", "Chart", "Label", "Projection", "Segment",
           "place_labels", "project", "reason_bars", "share_bars"]

#: The charts' and the map's width in viewBox units; they scale to the screen.
CHART_WIDTH = 360
#: Each bar: its label's line, then the bar.
_LABEL_HEIGHT = 16
_BAR_HEIGHT = 18
_ROW_GAP = 12
_ROW_HEIGHT = _LABEL_HEIGHT + _BAR_HEIGHT + _ROW_GAP
#: A label longer than this is cut (with "…"), and shorter when the bar's note needs the
#: room; the whole label is the bar's tooltip, and in the table.
LABEL_CHARACTERS = 40
#: The width of an average character of the 12-unit sans-serif text, in viewBox units (a
#: little over half the font size): enough to keep labels apart without measuring them.
CHARACTER_WIDTH = 6.8

#: One colour per reason for unmet demand (``matching.REASONS`` order; Okabe–Ito, which
#: people with the common colour-vision deficiencies tell apart).
REASON_COLOURS: dict[str, str] = {
    "no_offer_in_category": "#d55e00",
    "certificate_missing": "#0072b2",
    "too_far": "#e69f00",
    "too_slow": "#cc79a7",
    "over_price_ceiling": "#009e73",
    "capacity_taken": "#56b4e9",
    "lot_rules": "#8c6d1f",
    "no_eligible_offer": "#6f6f6f",
}
#: Served by local IKM, served from elsewhere, unmet.
SHARE_COLOURS = {"local": "#1e6b2f", "elsewhere": "#6a9fc0", "unmet": "#c9cfd2"}


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a bar: what it stands for, its share (0–1), where it starts and how wide
    it is (viewBox units), its colour."""

    key: str
    share: float
    x: float
    width: float
    colour: str


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of a chart: its label, where its label and bar sit, and its segments."""

    label: str
    full_label: str
    note: str
    label_y: float
    y: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """Bars in a ``width`` × ``height`` viewBox, each ``bar_height`` tall."""

    bars: tuple[Bar, ...]
    width: int
    height: int
    bar_height: int


def _segments(parts: Sequence[tuple[str, int, str]], width: float) -> tuple[Segment, ...]:
    total = sum(value for _, value, _ in parts)
    if total <= 0:
        return ()
    found = []
    x = 0.0
    for key, value, colour in parts:
        if value <= 0:
            continue
        share = value / total
        found.append(Segment(key, share, round(x, 2), round(share * width, 2), colour))
        x += share * width
    return tuple(found)


def _chart(rows: Iterable[tuple[str, str, Sequence[tuple[str, int, str]]]]) -> Chart:
    bars = []
    for index, (label, note, parts) in enumerate(rows):
        top = index * _ROW_HEIGHT
        room = int((CHART_WIDTH - 10) / CHARACTER_WIDTH) - len(note)
        fits = max(min(LABEL_CHARACTERS, room), 8)
        short = label if len(label) <= fits else label[:fits - 1].rstrip() + "…"
        bars.append(Bar(short, label, note, top + _LABEL_HEIGHT - 4, top + _LABEL_HEIGHT,
                        _segments(parts, CHART_WIDTH)))
    height = max(len(bars) * _ROW_HEIGHT - _ROW_GAP, _BAR_HEIGHT)
    return Chart(tuple(bars), CHART_WIDTH, height, _BAR_HEIGHT)


def share_bars(cells: Iterable[tuple[str, str, int, int, int]]) -> Chart:
    """One bar per ``(label, note, local, elsewhere, unmet)``: the cell's demand split into
    units served by local IKM, by IKM from elsewhere, and unmet."""
    return _chart((label, note, (("local", local, SHARE_COLOURS["local"]),
                                 ("elsewhere", elsewhere, SHARE_COLOURS["elsewhere"]),
                                 ("unmet", unmet, SHARE_COLOURS["unmet"])))
                  for label, note, local, elsewhere, unmet in cells)


def reason_bars(cells: Iterable[tuple[str, str, Sequence[tuple[str, int]]]]) -> Chart:
    """One bar per ``(label, note, [(reason, units), …])``: a cell's unmet units split by
    reason."""
    return _chart((label, note, [(reason, units, REASON_COLOURS.get(reason, "#6f6f6f"))
                                 for reason, units in reasons])
                  for label, note, reasons in cells)


# --- the map -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Projection:
    """Longitude and latitude to viewBox coordinates: equirectangular (x scaled by the cosine
    of the middle latitude), fitted to a bounding box with a margin, north up."""

    west: float
    north: float
    scale_x: float
    scale_y: float
    offset_x: float
    offset_y: float
    width: int
    height: int

    def point(self, latitude: float, longitude: float) -> tuple[float, float]:
        x = self.offset_x + (longitude - self.west) * self.scale_x
        y = self.offset_y + (self.north - latitude) * self.scale_y
        return round(x, 1), round(y, 1)


def project(points: Iterable[tuple[float, float]], *, width: int = CHART_WIDTH,
            min_height: int = 220, max_height: int = 480, margin: float = 0.08,
            min_span_deg: float = 0.2) -> Projection:
    """The projection fitting ``points`` (latitude, longitude) into ``width`` and a height
    between ``min_height`` and ``max_height`` that keeps the box's shape where it can; a box
    narrower than ``min_span_deg`` is widened around its centre (one place is a map too)."""
    latitudes, longitudes = [], []
    for latitude, longitude in points:
        latitudes.append(latitude)
        longitudes.append(longitude)
    if not latitudes:
        latitudes, longitudes = [0.0], [0.0]
    south, north = min(latitudes), max(latitudes)
    west, east = min(longitudes), max(longitudes)
    if north - south < min_span_deg:
        middle = (north + south) / 2
        south, north = middle - min_span_deg / 2, middle + min_span_deg / 2
    if east - west < min_span_deg:
        middle = (east + west) / 2
        west, east = middle - min_span_deg / 2, middle + min_span_deg / 2
    squeeze = math.cos(math.radians((north + south) / 2))
    span_x = (east - west) * squeeze
    span_y = north - south
    inner_width = width * (1 - 2 * margin)
    height = round(min(max(inner_width * span_y / span_x / (1 - 2 * margin), min_height),
                       max_height))
    inner_height = height * (1 - 2 * margin)
    scale = min(inner_width / span_x, inner_height / span_y)
    offset_x = (width - span_x * scale) / 2
    offset_y = (height - span_y * scale) / 2
    return Projection(west=west, north=north, scale_x=scale * squeeze, scale_y=scale,
                      offset_x=offset_x, offset_y=offset_y, width=width, height=height)


@dataclass(frozen=True, slots=True)
class Label:
    """Where a point's label is written (``x``, ``y`` of its baseline, ``anchor`` as SVG's
    ``text-anchor``); ``None`` of :func:`place_labels` when no place around the point is
    free (the point keeps its tooltip, and the table has it)."""

    x: float
    y: float
    anchor: str


def _box(x: float, y: float, anchor: str, width: float, size: float
         ) -> tuple[float, float, float, float]:
    left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
    return left, y - size, left + width, y + size * 0.25


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]
              ) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(points: Sequence[tuple[float, float, str, float]], *, width: float,
                 height: float, gap: float = 6) -> list[Label | None]:
    """A place for each label of ``points`` (x, y, text, font size), in order of priority:
    right of its point, left, above, below — the first that stays inside the ``width`` ×
    ``height`` box and covers no label placed before it nor any point; ``None`` when none
    does."""
    placed: list[tuple[float, float, float, float]] = []
    marks = [(x - 3, y - 3, x + 3, y + 3) for x, y, _, _ in points]
    found: list[Label | None] = []
    for index, (x, y, text, size) in enumerate(points):
        text_width = len(text) * CHARACTER_WIDTH * size / 12
        chosen = None
        for candidate in (Label(x + gap, y + size * 0.35, "start"),
                          Label(x - gap, y + size * 0.35, "end"),
                          Label(x, y - gap, "middle"),
                          Label(x, y + gap + size, "middle")):
            box = _box(candidate.x, candidate.y, candidate.anchor, text_width, size)
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            if inside and not any(_overlaps(box, other) for other in placed) and not any(
                    _overlaps(box, mark) for i, mark in enumerate(marks) if i != index):
                chosen = candidate
                placed.append(box)
                break
        found.append(chosen)
    return found

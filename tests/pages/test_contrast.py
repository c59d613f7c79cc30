"""Readable contrast: every text colour of the pages' palette on each background it is used
on reaches WCAG AA (4.5:1), and the focus ring stands out from the page (3:1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "api" / "static"
VARIABLE = re.compile(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})")


def palette() -> dict[str, str]:
    """The colour variables of the stylesheets, with white."""
    colours = {"white": "#ffffff"}
    for sheet in ("simpul.css", "pages.css"):
        colours.update(VARIABLE.findall((STATIC / sheet).read_text()))
    return colours


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


#: (text, background) as the stylesheets pair them.
TEXT_ON = [("ink", "paper"), ("ink", "white"), ("muted", "paper"), ("muted", "white"),
           ("muted", "accent-soft"), ("white", "accent"), ("accent", "white"),
           ("accent", "paper"), ("accent", "accent-soft"), ("error", "error-soft"),
           ("error", "white"), ("ink", "accent-soft")]


@pytest.mark.parametrize(("text", "background"), TEXT_ON)
def test_text_is_readable_on_its_background(text: str, background: str) -> None:
    """Each text colour on its background is at least 4.5:1."""
    colours = palette()
    assert contrast(colours[text], colours[background]) >= 4.5, (text, background)


def test_the_focus_ring_stands_out() -> None:
    """The focus outline differs from the page and from white fields by at least 3:1."""
    colours = palette()
    for background in ("paper", "white"):
        assert contrast(colours["focus"], colours[background]) >= 3

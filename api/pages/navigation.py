"""Where each role goes: its start page after signing in, and the links of the menu.

This is the one place a new role's pages plug in. The owner's and the agency's pages add
their entries here, e.g.::

    ROLE_HOMES["ikm_owner"] = "/peluang"
    NAVIGATION += (NavItem("/peluang", "nav.opportunities", frozenset({"ikm_owner"})),)

(written into the tuples below, not at import elsewhere). A role without a start page lands
on ``/``, which greets it and links to the API documentation.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.auth.principal import Principal

__all__ = ["NAVIGATION", "ROLE_HOMES", "NavItem", "home_of", "home_of_role", "menu_for"]


@dataclass(frozen=True, slots=True)
class NavItem:
    """A menu link: its path, the text key (:mod:`api.pages.texts`) and who sees it."""

    path: str
    text_key: str
    roles: frozenset[str]


#: The menu, in order; each role sees the items naming it.
NAVIGATION: tuple[NavItem, ...] = (
    NavItem("/dinas/dasbor", "nav.agency_dashboard", frozenset({"agency", "admin"})),
    NavItem("/dinas/peta", "nav.agency_map", frozenset({"agency", "admin"})),
    NavItem("/dinas/tinjauan", "nav.agency_review", frozenset({"agency", "admin"})),
    NavItem("/dinas/pencocokan", "nav.agency_runs", frozenset({"agency", "admin"})),
    NavItem("/kebutuhan", "nav.needs", frozenset({"park_buyer", "agency", "admin"})),
    NavItem("/peluang", "owner.nav_opportunities", frozenset({"ikm_owner"})),
    NavItem("/ikm", "owner.nav_ikm", frozenset({"ikm_owner"})),
)

#: The page each role starts on after signing in.
ROLE_HOMES: dict[str, str] = {
    "park_buyer": "/kebutuhan",
    "ikm_owner": "/peluang",
    "agency": "/dinas/dasbor",
    "admin": "/kebutuhan",
}


def home_of_role(role: str) -> str:
    """The start page of ``role`` (``/`` when it has none yet)."""
    return ROLE_HOMES.get(role, "/")


def home_of(principal: Principal) -> str:
    """The start page of the principal's role."""
    return home_of_role(principal.role)


def menu_for(principal: Principal | None) -> list[NavItem]:
    """The menu links the principal sees (none for nobody)."""
    if principal is None:
        return []
    return [item for item in NAVIGATION if principal.role in item.roles]

"""The pages people use: server-rendered HTML, Bahasa Indonesia first, served by the same app.

* :mod:`api.pages.account` — ``/``: sign in (and what Simpul is); ``/masuk``, ``/keluar``.
* :mod:`api.pages.needs` — ``/kebutuhan``: the park buyer's needs.
* :mod:`api.pages.agency` — ``/dinas``: the agency's dashboard, map, sentra candidates,
  interventions, review queue, match runs and report.
* :mod:`api.pages.owner` — ``/peluang`` and ``/ikm``: the IKM owner's opportunities, profile,
  offers and certificates.

The foundation every role's pages build on:

* :mod:`api.pages.rendering` — :func:`~api.pages.rendering.render` a template of
  ``api/templates/pages/``; :class:`~api.pages.rendering.PageRoute`, the route class that turns
  every error into a page in the reader's language;
* :mod:`api.pages.session` — the sign-in cookie, ``PagePrincipal`` and ``page_roles(...)``,
  the CSRF token of forms;
* :mod:`api.pages.forms` — a posted form through the API's own pydantic model, errors per field;
* :mod:`api.pages.navigation` — each role's start page and menu;
* :mod:`api.pages.texts` — the words, in id and en.

``docs/pages.md`` says how to add a page for a role.
"""

from api.pages import account, agency, needs, owner

__all__ = ["routers"]

#: Every page router, in the order the app includes them.
routers = (account.router, needs.router, owner.router, owner.ikm_router, agency.router)

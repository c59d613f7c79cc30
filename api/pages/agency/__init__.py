"""The agency's pages, "Dinas": the dashboard (local share and unmet demand as charts), the
map, sentra candidates, interventions, the review queue, match runs and the report.

* :mod:`api.pages.agency.routes` — the routes under ``/dinas``;
* :mod:`api.pages.agency.charts` — the charts' and the map's geometry (pure, drawn as SVG by
  the templates).
"""

from api.pages.agency.routes import router

__all__ = ["router"]

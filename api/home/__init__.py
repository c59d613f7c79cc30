"""The landing content: what Simpul is and what the catalog holds (its counts and words). The
page showing them is ``/``, the sign-in page of :mod:`api.pages.account`."""

from api.home.queries import CatalogCounts, catalog_counts

__all__ = ["CatalogCounts", "catalog_counts"]

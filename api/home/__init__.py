"""The landing page: what Simpul is, what the catalog holds, where to go next."""

from api.home.routes import router

__all__ = ["router"]

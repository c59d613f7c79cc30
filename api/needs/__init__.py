"""Needs: what parks want to buy, in their own words, with their procurement rules."""

from api.needs.routes import park_router, router

__all__ = ["park_router", "router"]

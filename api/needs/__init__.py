"""Needs: what parks want to buy, in their own words, with their procurement rules."""

from api.needs.routes import router

__all__ = ["router"]

"""IKM: small and medium industries, with what they offer and the certificates they hold."""

from api.enterprises.routes import offer_router, router

__all__ = ["offer_router", "router"]

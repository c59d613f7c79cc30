"""IKM: small and medium industries, with what they offer and the certificates they hold."""

from api.enterprises.routes import router

__all__ = ["router"]

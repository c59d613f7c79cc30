"""Industrial parks (kawasan industri) that buy from IKM: IMIP, IHIP, ..."""

from api.parks.routes import router

__all__ = ["router"]

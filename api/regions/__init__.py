"""Regions: provinces, kabupaten/kota, kecamatan and desa, with BPS and Kemendagri codes."""

from api.regions.routes import router

__all__ = ["router"]

"""``/api/v1/imports``."""

from fastapi import APIRouter

router = APIRouter(tags=["imports"])

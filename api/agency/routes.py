"""``/api/v1/agency/...``."""

from fastapi import APIRouter

router = APIRouter(prefix="/agency", tags=["agency"])

"""``/api/v1/runs`` and ``/api/v1/enterprises/{id}/opportunities``."""

from fastapi import APIRouter

router = APIRouter(tags=["runs"])

"""``/api/v1/normalise`` and ``/api/v1/review``."""

from fastapi import APIRouter

router = APIRouter(tags=["review"])

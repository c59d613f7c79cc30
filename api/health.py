"""``/healthz``: is the app up and can it reach its database?"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.deps import EngineDep
from api.errors import PROBLEM_JSON, Problem, problem_response
from api.i18n import negotiate_language
from api.i18n import text as say

__all__ = ["Health", "router"]

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """All is well."""

    status: str = "ok"
    database: str = "ok"


@router.get(
    "/healthz", response_model=Health, summary="Kesehatan layanan / Health check",
    responses={503: {"model": Problem, "content": {PROBLEM_JSON: {}},
                     "description": "Basis data tidak bisa dihubungi / Database unreachable"}},
)
def healthz(request: Request, engine: EngineDep) -> Health | JSONResponse:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        logger.exception("Health check: the database cannot be reached")
        language = negotiate_language(request, request.app.state.settings.lang)
        return problem_response(request, status=503, problem_type="database-unavailable",
                                detail=say("detail.database_unavailable", language),
                                language=language)
    return Health()

"""``/``: the landing page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.deps import SessionDep
from api.home.queries import catalog_counts
from api.home.texts import PAGE_TEXTS
from api.i18n import LANGUAGE_COOKIE, format_count, page_language

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep) -> HTMLResponse:
    language = page_language(request)
    counts = catalog_counts(session=session)
    templates: Jinja2Templates = request.app.state.templates
    response = templates.TemplateResponse(
        request, "index.html",
        {
            "lang": language,
            "other_lang": "en" if language == "id" else "id",
            "t": PAGE_TEXTS[language],
            "counts": counts,
            "n": lambda value: format_count(value, language),
            "root": request.scope.get("root_path", ""),
        },
        headers={"Content-Language": language, "Vary": "Cookie"},
    )
    if "lang" in request.query_params:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600,
                            samesite="lax", httponly=True)
    return response

"""``/``: the landing page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.deps import LanguageDep, SessionDep
from api.home.queries import catalog_counts
from api.home.texts import PAGE_TEXTS
from api.i18n import format_count

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, language: LanguageDep) -> HTMLResponse:
    counts = catalog_counts(session=session)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, "index.html",
        {
            "lang": language,
            "other_lang": "en" if language == "id" else "id",
            "t": PAGE_TEXTS[language],
            "counts": counts,
            "n": lambda value: format_count(value, language),
            "root": request.scope.get("root_path", ""),
        },
        headers={"Content-Language": language, "Vary": "Accept-Language"},
    )

"""The review page: a FastAPI app over the registry, rendered on the server with Jinja2 templates.

Decisions are plain HTML forms that POST and redirect (so the page works without JavaScript); the
small static script only adds the keyboard keys. Every decision is recorded by
caseminer.curation.curate_fact, the function the review sheet's import records through.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from caseminer.curation import FACT_ACTIONS, CurationError, article_reference, curate_fact
from caseminer.db import session_scope
from caseminer.db.models import Article, PatientRow
from caseminer.review.pages import (
    article_summaries,
    article_text,
    fact_views,
    patients_of,
)

PACKAGE_DIR = Path(__file__).resolve().parent
# Decisions the page offers: adding a missed fact stays with the sheet (it names a new value).
PAGE_ACTIONS = tuple(action for action in FACT_ACTIONS if action != "add")


def _article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise HTTPException(status_code=404, detail=f"no article {article_id} in the registry")
    return article


def _patient(session: Session, patient_id: int) -> PatientRow:
    patient = session.get(PatientRow, patient_id)
    if patient is None:
        raise HTTPException(status_code=404, detail=f"no patient {patient_id} (re-extracted since?)")
    return patient


def _refuse_other_origins(request: Request) -> None:
    """A decision posted by another site's page (the browser names it in Origin) is refused: any page a
    curator visits could otherwise post to the local review server in the curator's name."""
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        raise HTTPException(status_code=403, detail="decisions are taken on the review page itself")


def create_app(engine: Engine, curator: str) -> FastAPI:
    """The review app over `engine`; every decision made on it is recorded as `curator`'s."""
    app = FastAPI(title="caseminer review", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=PACKAGE_DIR / "static"), name="static")
    templates = Jinja2Templates(directory=PACKAGE_DIR / "templates")
    templates.env.globals["curator"] = curator

    @app.get("/", response_class=HTMLResponse)
    def articles(request: Request) -> Response:
        with session_scope(engine) as session:
            summaries = article_summaries(session)
        return templates.TemplateResponse(request, "articles.html", {"articles": summaries})

    @app.get("/articles/{article_id}", response_class=HTMLResponse)
    def article(request: Request, article_id: int) -> Response:
        with session_scope(engine) as session:
            found = _article(session, article_id)
            context = {
                "article": found,
                "reference": article_reference(found),
                "patients": patients_of(session, article_id),
                "facts": [],
                "text": article_text(session, article_id),
            }
            return templates.TemplateResponse(request, "article.html", context)

    def patient_page(
        request: Request, patient_id: int, error: str | None = None, status: int = 200, at: str = ""
    ) -> Response:
        with session_scope(engine) as session:
            patient = _patient(session, patient_id)
            found = _article(session, patient.article_id)
            views = fact_views(session, patient_id)
            context = {
                "article": found,
                "reference": article_reference(found),
                "patient": patient,
                "patients": patients_of(session, found.id),
                "facts": views,
                "text": article_text(session, found.id, views),
                "actions": PAGE_ACTIONS,
                "error": error,
                "at": at,
            }
            return templates.TemplateResponse(request, "patient.html", context, status_code=status)

    @app.get("/patients/{patient_id}", response_class=HTMLResponse)
    def patient(request: Request, patient_id: int) -> Response:
        return patient_page(request, patient_id)

    @app.post("/patients/{patient_id}/facts/{key}")
    def decide(
        request: Request,
        patient_id: int,
        key: str,
        action: Annotated[str, Form()],
        correction: Annotated[str, Form()] = "",
        note: Annotated[str, Form()] = "",
        then: Annotated[str, Form()] = "",
    ) -> Response:
        """Record a decision about one fact of the patient, then show the page again at `then`."""
        _refuse_other_origins(request)
        try:
            with session_scope(engine) as session:
                views = {view.key: view for view in fact_views(session, _patient(session, patient_id).id)}
                if key not in views:
                    raise HTTPException(status_code=404, detail=f"no fact {key} of patient {patient_id}")
                if action not in PAGE_ACTIONS:
                    raise CurationError(f"unknown action {action!r} (one of {', '.join(PAGE_ACTIONS)})")
                curate_fact(session, views[key].fact, action, curator=curator,
                            correction=correction.strip() or None, note=note.strip() or None)  # fmt: skip
        except CurationError as error:
            return patient_page(request, patient_id, error=f"not recorded: {error}", status=422, at=key)
        anchor = f"#fact-{quote(then or key)}"
        return RedirectResponse(f"/patients/{patient_id}{anchor}", status_code=303)

    return app

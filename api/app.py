"""The FastAPI application factory; OpenAPI docs are served at ``/docs``."""

from __future__ import annotations

from celery import Celery
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api import (
    alerts,
    aspects,
    attribution,
    audience,
    authors,
    campaigns,
    health,
    keywords,
    mix,
    plan,
    posts,
    reports,
    segments,
)
from api.limits import RequestGuard, validation_error
from sensing import __version__
from sensing.config import Settings
from sensing.query import QuerySyntaxError
from sensing.store import Store, open_store


def create_app(settings: Settings, *, store: Store | None = None,
               celery: Celery | None = None) -> FastAPI:
    """An API over ``settings``' store and broker; tests pass their own store and app."""
    if celery is None:
        from workers.app import make_celery

        celery = make_celery(settings)
    app = FastAPI(title="Sensing", version=__version__,
                  description="Social listening for product launches: campaigns, search, "
                              "aggregations.")
    app.state.settings = settings
    app.state.store = store or open_store(settings)
    app.state.celery = celery
    # Every request: a bounded body, JSON that is JSON (api.limits); every 422: a preview of
    # the input, never the whole of it.
    app.add_middleware(RequestGuard, max_body_bytes=settings.api_max_body_bytes,
                       larger={segments.IMPORT_PATH: (settings.api_max_import_bytes,
                                                      "SENSING_API_MAX_IMPORT_BYTES")})
    app.add_exception_handler(RequestValidationError, validation_error)

    @app.exception_handler(QuerySyntaxError)
    async def _bad_query(_: Request, exc: QuerySyntaxError) -> JSONResponse:
        return JSONResponse(status_code=400, content={
            "detail": {"error": "query_syntax", "message": exc.message,
                       "position": exc.position, "explain": str(exc)}})

    app.include_router(health.router)
    app.include_router(campaigns.router)
    app.include_router(posts.router)
    app.include_router(authors.router)
    app.include_router(keywords.router)
    app.include_router(aspects.router)
    app.include_router(audience.router)
    app.include_router(segments.router)
    app.include_router(segments.campaign_router)
    app.include_router(plan.router)
    app.include_router(mix.router)
    app.include_router(attribution.router)
    app.include_router(alerts.router)
    app.include_router(reports.router)
    return app

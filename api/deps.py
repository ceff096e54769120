"""Request-scoped access to the app's long-lived store and Celery app."""

from __future__ import annotations

from celery import Celery
from fastapi import Request

from sensing.config import Settings
from sensing.store import Store


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_celery(request: Request) -> Celery:
    return request.app.state.celery


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings

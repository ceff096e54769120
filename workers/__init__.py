"""Orchestration: the Celery app, the batch task graph, retries, indexing and schedules.

Analysis itself lives in ``nlp/`` and ``vision/``; storage in ``sensing.store``. This package
only decides what runs where and makes every step safe to retry.
"""

"""The customer side: import and validation of customer files (``table``, ``customers``),
behaviour aggregates from event logs (``events``), the propensity model (``propensity``,
``metrics``, ``runs``), segments (``segmentation``), offer profiling (``offers``) and the
targeting table (``targeting``). Pure domain code over numpy and LightGBM: no store, no
Celery, no HTTP; the entry points and the API wire it.
"""

"""Turning signals into decisions. The customer side: import and validation of customer files
(``table``, ``customers``), behaviour aggregates from event logs (``events``), the propensity
model (``propensity``, ``metrics``, ``runs``), segments (``segmentation``), offer profiling
(``offers``), scoring a file end to end (``scoring``) and storing it (``imports``). The
campaign plan (``plan``, ``planner``), tracking links (``links``), attribution
(``attribution``) and the marketing-mix what-if (``mmm``). Pure domain code over numpy,
LightGBM, scipy and the store's interfaces: no Celery, no HTTP; the entry points and the API
wire it.
"""

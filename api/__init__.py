"""The HTTP surface: campaigns, analyst search, aggregations and health (FastAPI)."""

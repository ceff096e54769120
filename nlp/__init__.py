"""Text analysis: pure steps over batches of posts, assembled into a pipeline by config.
No store, no Celery: workers/ runs them."""

"""Text analysis: pure steps over batches of posts (``nlp/steps/``, one module each, found by
name through the ``sensing.analyses`` entry points) and the campaign analyses over a whole
conversation (related keywords, hashtag pairs). No store, no Celery, no vision: the analysis
framework (``analysis/``) runs them and workers/ schedules them."""

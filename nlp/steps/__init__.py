"""The built-in analysis steps; importing this package registers them."""

from nlp.steps import clean, dedupe, hashtags, langid, sentiment, spam

__all__ = ["clean", "dedupe", "hashtags", "langid", "sentiment", "spam"]

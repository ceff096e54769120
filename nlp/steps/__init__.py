"""The built-in analysis steps; importing this package registers them."""

from nlp.steps import (
    aspects,
    clean,
    dedupe,
    entities,
    hashtags,
    langid,
    relevance,
    sentiment,
    sentiment_lexicon,
    spam,
)
from vision import step as media  # the image step lives with the vision code it runs

__all__ = ["aspects", "clean", "dedupe", "entities", "hashtags", "langid", "media", "relevance",
           "sentiment", "sentiment_lexicon", "spam"]

"""Sensing's shared core: settings, the data contract, the campaign query language and the store.

Everything that more than one of ``crawlers/``, ``nlp/``, ``workers/`` and ``api/`` needs lives
here, so that those packages depend on this one and never on each other's internals.
"""

__version__ = "0.1.0"

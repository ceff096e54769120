"""The one Korean morphological analyser of a process: kiwipiepy's ``Kiwi``.

A ``Kiwi`` holds ~100 MB of language model and dictionaries and takes seconds to build, so
every module that reads Korean (entities and keywords, hashtag spacing) shares the instance
:func:`kiwi` returns instead of building its own. It is built on first use, so a process that
never meets Korean never pays for it. The model ships inside the ``kiwipiepy-model`` package:
nothing is downloaded.
"""

from __future__ import annotations

import warnings
from functools import cache

from kiwipiepy import Kiwi


@cache
def kiwi() -> Kiwi:
    """The shared, fully initialised analyser (single-threaded: a worker process is one of
    several on the machine, and parallelism comes from running more of them)."""
    with warnings.catch_warnings():
        # kiwipiepy warns that num_workers=0 changed meaning in 0.21; single-threaded is the
        # new meaning, and the one wanted here.
        warnings.simplefilter("ignore", DeprecationWarning)
        analyser = Kiwi(num_workers=0)
    analyser.tokenize("")  # Kiwi initialises lazily; pay the cost here, not on the first post
    return analyser

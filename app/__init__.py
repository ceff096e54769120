"""Entry points: the ``sensing`` command, the demo and the file commands. This package wires the
others together and nothing imports it."""

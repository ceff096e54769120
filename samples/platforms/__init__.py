"""The platforms the sample-sources server plays, one module each. Every module defines a
:class:`samples.server.Platform` subclass; the server finds them all by import."""

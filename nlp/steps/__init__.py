"""The built-in text analysis steps, one module each. They are found through the
``sensing.analyses`` entry points (``pyproject.toml``), so importing this package loads none
of them."""

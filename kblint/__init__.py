"""kblint: a content-quality linter for MDX/Markdown knowledge bases."""

# The single source of the version (pyproject reads it from here). A constant, not
# importlib.metadata: looking the distribution up costs ~60 ms at every start.
__version__ = "0.1.0"

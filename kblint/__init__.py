"""kblint: a content-quality linter for MDX/Markdown knowledge bases."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kblint")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0.0.0+unknown"

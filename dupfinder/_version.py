"""The installed version; it lives in pyproject.toml only."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dupfinder")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

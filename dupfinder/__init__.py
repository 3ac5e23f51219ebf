"""dupfinder: find syndicated wire copy in a news scrape, name the original, show the edits.

>>> import dupfinder
>>> result = dupfinder.scan("data/")          # doctest: +SKIP
>>> result.clusters[0].canonical.title        # doctest: +SKIP

The public names are imported on first use (PEP 562), so ``import dupfinder`` and
``dupfinder --help`` do not pay for numpy, rapidfuzz or the readers until they are needed.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

_PUBLIC = {
    "Article": "article",
    "Cluster": "result",
    "Diff": "diff",
    "DuplicateIdError": "errors",
    "DupfinderError": "errors",
    "Edit": "diff",
    "Embedded": "result",
    "BoilerplateLine": "result",
    "Index": "index",
    "InputError": "errors",
    "Member": "result",
    "MissingExtraError": "errors",
    "Params": "params",
    "RecordError": "errors",
    "ScanResult": "result",
    "Skipped": "readers",
    "Tuning": "tuning",
    "UsageError": "errors",
    "diff_articles": "diff",
    "scan": "pipeline",
}

__all__ = [
    "Article",
    "BoilerplateLine",
    "Cluster",
    "Diff",
    "DuplicateIdError",
    "DupfinderError",
    "Edit",
    "Embedded",
    "Index",
    "InputError",
    "Member",
    "MissingExtraError",
    "Params",
    "RecordError",
    "ScanResult",
    "Skipped",
    "Tuning",
    "UsageError",
    "__version__",
    "diff_articles",
    "scan",
]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'dupfinder' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from .article import Article
    from .diff import Diff, Edit, diff_articles
    from .errors import (
        DupfinderError,
        DuplicateIdError,
        InputError,
        MissingExtraError,
        RecordError,
        UsageError,
    )
    from .index import Index
    from .params import Params
    from .pipeline import scan
    from .readers import Skipped
    from .result import BoilerplateLine, Cluster, Embedded, Member, ScanResult
    from .tuning import Tuning

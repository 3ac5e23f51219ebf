"""dupfinder: find syndicated wire copy in a news scrape, name the original, show the edits.

>>> import dupfinder
>>> result = dupfinder.scan("data/")          # doctest: +SKIP
>>> result.clusters[0].canonical.title        # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

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
from .result import Cluster, Member, ScanResult

__all__ = [
    "Article",
    "Cluster",
    "Diff",
    "DuplicateIdError",
    "DupfinderError",
    "Edit",
    "InputError",
    "Member",
    "MissingExtraError",
    "Params",
    "RecordError",
    "ScanResult",
    "Index",
    "Skipped",
    "UsageError",
    "__version__",
    "diff_articles",
    "scan",
]

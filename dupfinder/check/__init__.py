"""The CI gate: compare a scan's clusters with an accepted baseline and a policy.

A baseline records accepted clusters by a fingerprint of their member ids (and the ids
themselves), so a cluster that gains a member is new, and the member it gained is named: the
articles of a new cluster that are in no accepted cluster are its *new articles*, each reported
with its id, outlet and ``file:line``. Baseline entries that match no current cluster are
*stale*; they are listed and ``--update-baseline`` drops them.

The configuration is the first ``dupfinder.toml``, or ``pyproject.toml`` with a
``[tool.dupfinder]`` table, found walking up from the working directory (as ruff does)::

    [tool.dupfinder]            # in pyproject.toml, or top level of dupfinder.toml
    allow = [
        "pa.example",                                   # copies of this wire are licensed
        ["herald.example", "echo.example"],             # these sites share their stories
    ]
    max-clusters = 50                                   # --max-clusters
    max-duplicate-ratio = 0.2                           # --max-duplicate-ratio

A cluster is allowed when its canonical (the wire original) comes from an outlet named alone,
or when all of its outlets belong to one listed group. Any other key is an error.

The package, one concern a module: ``fingerprints`` (naming a cluster by its members),
``config`` (finding and checking the configuration), ``locations`` (``file:line`` of an
article), ``baseline`` (the accepted clusters on disk), ``verdict`` (new clusters, new
articles, stale entries, the policy), ``text`` (scraped text made safe per output) and
``render`` (text, JSON, JUnit, GitHub).
"""

from .baseline import BASELINE_SCHEMA, Baseline
from .config import (
    CONFIG_KEYS,
    AllowList,
    Config,
    check_count,
    check_ratio,
    find_config,
    load_allow_list,
    load_config,
)
from .fingerprints import fingerprint
from .locations import Location, Locator, locate_file
from .render import FORMATS, REPORT_SCHEMA, render
from .verdict import NewCluster, Stale, Verdict, accept, evaluate, nothing_read, update_report

__all__ = [
    "BASELINE_SCHEMA", "CONFIG_KEYS", "FORMATS", "REPORT_SCHEMA", "AllowList", "Baseline",
    "Config", "Location", "Locator", "NewCluster", "Stale", "Verdict", "accept", "check_count",
    "check_ratio", "evaluate", "find_config", "fingerprint", "load_allow_list", "load_config",
    "locate_file", "nothing_read", "render", "update_report",
]

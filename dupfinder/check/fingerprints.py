"""Fingerprints: a cluster named by its member ids, so a cluster that gains a member is new."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from ..result import Cluster


def fingerprint(cluster: Cluster) -> str:
    return _fingerprint_of(m.id for m in cluster.members)


def _fingerprint_of(ids: Iterable[str]) -> str:
    text = "\n".join(sorted(ids))
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:24]

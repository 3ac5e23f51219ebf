"""What the index answers: a query's matches, the cluster it would join, an add's report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..article import Article
from ..readers import Skipped


@dataclass(frozen=True)
class Match:
    id: str
    outlet: str | None
    jaccard: float
    containment: float
    diff: Any = None

    def to_dict(self) -> dict[str, Any]:
        out = {"id": self.id, "outlet": self.outlet, "jaccard": round(self.jaccard, 4),
               "containment": round(self.containment, 4)}
        if self.diff is not None:
            out["edits"] = self.diff.summary()
        return out


@dataclass(frozen=True)
class QueryCluster:
    """The cluster a queried article would join, were it added."""

    canonical: str
    canonical_reason: str
    members: tuple[str, ...]  # canonical first, then by id; the queried article among them
    becomes_canonical: bool  # the new article would be the cluster's canonical
    was_canonical: str | None  # the canonical of the indexed cluster it joins, if any

    def to_dict(self) -> dict[str, Any]:
        return {"canonical": self.canonical, "canonical_reason": self.canonical_reason,
                "size": len(self.members), "members": list(self.members),
                "becomes_canonical": self.becomes_canonical,
                "previous_canonical": self.was_canonical}


@dataclass
class QueryResult:
    article: Article
    matches: list[Match]
    cluster: QueryCluster | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.article.id, "matches": [m.to_dict() for m in self.matches],
                "cluster": self.cluster.to_dict() if self.cluster else None}


@dataclass
class AddReport:
    added: int = 0
    replaced: int = 0
    skipped: list[Skipped] = field(default_factory=list)

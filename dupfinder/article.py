"""The article record every reader produces and every stage consumes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    """One scraped article.

    ``source`` is where it came from (``file:line`` or ``file#record``) so that errors and reports
    can point a user back at the input; ``published`` is ISO-8601 when it parsed, else as given.
    """

    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    source: str = ""

    def without_text(self) -> Article:
        """The same article with its text dropped (a large scan reads it again when needed);
        ``dataclasses.replace`` would do it at three times the cost, a million times."""
        return Article(self.id, "", self.title, self.outlet, self.url, self.published,
                       self.source)

    def to_dict(self) -> dict[str, str | None]:
        return {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "url": self.url,
            "published": self.published,
            "source": self.source,
        }

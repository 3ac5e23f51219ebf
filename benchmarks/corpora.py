"""Loaders for the real corpora in ../shared/data (read in place, never copied here).

Each returns a list of dicts with id, title, text, outlet and published, ready for
``dupfinder.scan``. ``available()`` says whether the shared folder is there.
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"


def available(*parts: str) -> bool:
    return DATA.joinpath(*parts).exists() if parts else DATA.exists()


def reuters(limit: int | None = None, min_words: int = 0) -> list[dict]:
    """Reuters-21578 stories with a body, in NEWID order."""
    out: list[dict] = []
    for path in sorted((DATA / "reuters21578").glob("reut2-*.sgm")):
        raw = path.read_text(encoding="latin-1")
        for m in re.finditer(r"<REUTERS(.*?)>(.*?)</REUTERS>", raw, re.S):
            newid = re.search(r'NEWID="(\d+)"', m.group(1)).group(1)  # type: ignore[union-attr]
            body = re.search(r"<BODY>(.*?)</BODY>", m.group(2), re.S)
            if not body:
                continue
            title = re.search(r"<TITLE>(.*?)</TITLE>", m.group(2), re.S)
            date = re.search(r"<DATE>(.*?)</DATE>", m.group(2), re.S)
            text = html.unescape(body.group(1)).replace("\x03", "").strip()
            if len(text.split()) < min_words:
                continue
            out.append({
                "id": newid,
                "title": html.unescape(title.group(1)).strip() if title else None,
                "text": text,
                "outlet": "reuters",
                "published": date.group(1).strip() if date else None,
            })
            if limit is not None and len(out) >= limit:
                return out
    return out


def bbc() -> list[dict]:
    out = []
    for path in sorted((DATA / "bbc_news").glob("*/*.txt")):
        lines = path.read_text(encoding="latin-1").splitlines()
        out.append({
            "id": f"{path.parent.name}/{path.name}",
            "title": lines[0].strip(),
            "text": "\n".join(lines[1:]).strip(),
            "outlet": "bbc",
        })
    return out


def syndication() -> list[dict]:
    """Both 2019 scrapes; paragraphs are joined by ' ### ' there, lines here."""
    csv.field_size_limit(2**31 - 1)
    out = []
    for name in ("census_articles.csv", "spotify_articles.csv"):
        with open(DATA / "syndication_2019" / name, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                paras = [p.strip() for p in row["text"].split(" ### ")]
                out.append({
                    "id": f"{name.split('_')[0]}-{row['id']}",
                    "title": paras[0] if paras else None,
                    "text": "\n".join(paras[1:]),
                    "outlet": row["publisher"],
                    "published": row["scrape_time"],
                })
    return out


def daily8_stories() -> list[dict]:
    """The seed aggregator page split into its stories: the main story and each related entry.

    A related entry is a block of: site name, age ("20 minutes ago"), "- site", headline, text.
    """
    lines = (SHARED / "seed" / "daily8_page.txt").read_text(encoding="utf-8").splitlines()
    lines = [line.rstrip() for line in lines]
    while lines and not lines[0].strip():
        lines.pop(0)
    end = lines.index("Hashtags")
    stories = [{"id": "main", "title": lines[0], "text": "\n".join(lines[1:end]),
                "outlet": "daily8"}]
    start = lines.index("Related Articles") + 1
    block: list[str] = []
    for line in lines[start:] + [""]:
        if line.strip():
            block.append(line)
            continue
        if len(block) >= 5 and block[2].startswith("- "):
            stories.append({"id": f"related-{len(stories)}", "outlet": block[0],
                            "title": block[3], "text": "\n".join(block[4:])})
        block = []
    return stories


SYNDICATION_FILES = {"census": "census_articles.csv", "spotify": "spotify_articles.csv"}


def syndication_path(prefix: str) -> Path:
    """The 2019 scrape file behind the ids ``f"{prefix}-{id}"`` (census or spotify)."""
    return DATA / "syndication_2019" / SYNDICATION_FILES[prefix]


def syndication_rows(*prefixes: str) -> list[dict]:
    """The 2019 scrapes as the files hold them: the CSV text untouched (headline as the first
    ' ### ' paragraph), ids as in ``syndication()``."""
    csv.field_size_limit(2**31 - 1)
    out = []
    for prefix in prefixes or tuple(SYNDICATION_FILES):
        with open(syndication_path(prefix), encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                out.append({"id": f"{prefix}-{row['id']}", "text": row["text"],
                            "outlet": row["publisher"], "published": row["scrape_time"]})
    return out


def flattened(docs: list[dict]) -> list[dict]:
    """The same articles with each text on one line (its non-blank lines joined by a space)."""
    return [dict(d, text=" ".join(line.strip() for line in d["text"].splitlines()
                                  if line.strip())) for d in docs]


def daily8() -> list[dict]:
    """The seed page scanned whole (id "page": the file's whole text) beside its stories."""
    page = {"id": "page", "title": None, "outlet": "daily8",
            "text": (SHARED / "seed" / "daily8_page.txt").read_text(encoding="utf-8")}
    return [page, *daily8_stories()]

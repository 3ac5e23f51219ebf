"""Write the sample corpus in every input format (fixtures for the equivalence tests)."""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
from pathlib import Path
from typing import Any


def page_html(r: dict[str, Any]) -> str:
    """An article page as a news site serves it: chrome around an <article>."""
    paras = "\n".join(f"<p>{html.escape(p)}</p>" for p in r["text"].split("\n"))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(r['title'])} | {html.escape(r['outlet'])}</title>
<meta property="og:site_name" content="{html.escape(r['outlet'])}">
<meta property="og:title" content="{html.escape(r['title'])}">
<meta property="article:published_time" content="{r['published']}">
<link rel="canonical" href="{html.escape(r['url'])}">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<main><article><h1>{html.escape(r['title'])}</h1>
{paras}
</article></main>
<footer><p>Contact us</p></footer>
</body></html>"""


def write_all(records: list[dict[str, Any]], root: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}
    root.mkdir(parents=True, exist_ok=True)
    out["jsonl"] = root / "c.jsonl"
    out["jsonl"].write_text("".join(json.dumps(r) + "\n" for r in records))
    out["jsonl.gz"] = root / "c.jsonl.gz"
    out["jsonl.gz"].write_bytes(gzip.compress(out["jsonl"].read_bytes()))
    out["csv"] = root / "c.csv"
    with open(out["csv"], "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq

        out["parquet"] = root / "c.parquet"
        pq.write_table(pa.Table.from_pylist(records), out["parquet"], row_group_size=10)
    except ImportError:
        pass
    folder = root / "newsplease"
    folder.mkdir(exist_ok=True)
    for r in records:
        (folder / f"{r['id']}.json").write_text(json.dumps({
            "maintext": r["text"], "title": r["title"], "url": r["url"],
            "source_domain": r["outlet"], "date_publish": r["published"],
        }))
    out["newsplease"] = folder
    pages = root / "pages"
    pages.mkdir(exist_ok=True)
    for r in records:
        (pages / f"{r['id']}.html").write_text(page_html(r), encoding="utf-8")
    out["html"] = pages
    try:
        out["warc.gz"] = write_warc(records, root / "c.warc.gz")
    except ImportError:
        pass
    return out


def write_warc(records: list[dict[str, Any]], path: Path, extra: bool = True) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=str(path).endswith(".gz"))
        for r in records:
            body = page_html(r).encode("utf-8")
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                r["url"], "response", payload=io.BytesIO(body), http_headers=http))
        if extra:
            # Records a crawl also holds, which are not articles.
            http = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                "https://gone.example/x", "response", payload=io.BytesIO(b"<html>gone</html>"),
                http_headers=http))
            http = StatusAndHeaders("200 OK", [("Content-Type", "image/png")],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                "https://img.example/a.png", "response", payload=io.BytesIO(b"\x89PNG...."),
                http_headers=http))
    return path

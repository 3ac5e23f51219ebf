"""HTML and WARC pages: the date is one the page states, never one guessed from its text.

htmldate (through trafilatura) turns a copyright footer "© 2025 ..." into 2025-01-01, and such a
guess would decide which copy is the earliest. The pages here are written by us.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import dupfinder
from dupfinder.article import Article
from dupfinder.readers import ReadContext, read_corpus

pytest.importorskip("trafilatura")

FOOTER = "<p>&copy; 2025 Riverside Media Group. All rights reserved.</p>"
PUBLISHED_META = '<meta property="article:published_time" content="2026-03-02T06:10:00Z">'
JSON_LD = """<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Council approves new river footbridge",
 "datePublished": "2026-02-14T09:30:00+00:00", "dateModified": "2026-02-20T11:00:00+00:00",
 "publisher": {"@type": "Organization", "name": "Riverside Gazette"}}
</script>"""


def page(head: str = "", byline: str = "", body: str = "", aside: str = "") -> str:
    """A local news page: masthead and navigation, an article of several paragraphs, a footer
    whose only year is the copyright line."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Council approves new river footbridge | Riverside Gazette</title>
<meta name="description" content="Councillors back a crossing between the market and the park.">
<meta property="og:site_name" content="Riverside Gazette">
<meta property="og:title" content="Council approves new river footbridge">
{head}
</head><body>
<header><a href="/">Riverside Gazette</a>
<nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/sport">Sport</a>
<a href="/weather">Weather</a></nav></header>
<main><article><h1>Council approves new river footbridge</h1>
{byline}
<p>The town council voted on Tuesday evening to approve a new pedestrian footbridge across the
river, ending a debate that has divided residents for more than a decade.</p>
<p>The bridge, which will link the market square with the park on the eastern bank, is expected
to cost around four million and will be funded partly by a regional transport grant.</p>
{body}
<p>Supporters said the crossing would cut walking times for hundreds of commuters and
schoolchildren, while opponents raised concerns about the loss of mature trees by the river.</p>
<p>Construction is due to begin next spring, subject to a final environmental review, and the
council said it would hold two public information evenings before work starts.</p>
</article>{aside}</main>
<footer><p><a href="/about">About us</a> <a href="/contact">Contact</a>
<a href="/privacy">Privacy</a></p>
{FOOTER}</footer>
</body></html>"""


def read(path: Path) -> list[Article]:
    return list(read_corpus([path], ReadContext()))


def write_page(tmp_path: Path, html: str, name: str = "footbridge.html") -> Path:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path


def write_warc(path: Path, pages: dict[str, str]) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=str(path).endswith(".gz"))
        for url, html in pages.items():
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(html.encode("utf-8")), http_headers=http))
    return path


def test_a_copyright_footer_is_no_date(tmp_path) -> None:
    result = dupfinder.scan([str(write_page(tmp_path, page()))])
    [article] = result.articles
    assert "footbridge" in article.text and "2025" not in article.text
    assert article.published is None


def test_published_time_meta_is_the_date(tmp_path) -> None:
    result = dupfinder.scan([str(write_page(tmp_path, page(head=PUBLISHED_META)))])
    [article] = result.articles
    assert article.published is not None and article.published[:10] == "2026-03-02"


def test_json_ld_date_published_is_kept(tmp_path) -> None:
    [article] = read(write_page(tmp_path, page(head=JSON_LD)))
    assert article.published is not None and article.published[:10] == "2026-02-14"


@pytest.mark.parametrize(("markup", "expected"), [
    ({"head": '<meta name="date" content="2026-03-05">'}, "2026-03-05"),
    ({"byline": '<p class="byline">By Jane Doe, <time datetime="2026-01-20T08:00:00Z">'
                '20 January 2026</time></p>'}, "2026-01-20"),
    ({"byline": '<p>By Jane Doe, <span itemprop="datePublished">1 February 2026</span></p>'},
     "2026-02-01"),
], ids=["meta-name-date", "time-in-article-header", "microdata"])
def test_dates_the_page_states_are_kept(tmp_path, markup, expected) -> None:
    [article] = read(write_page(tmp_path, page(**markup)))
    assert article.published is not None and article.published[:10] == expected


@pytest.mark.parametrize("markup", [
    {"body": "<p>The review, first published 2019-04-12, found the old crossing unsafe.</p>"},
    {"body": "<p>Updated 2026-03-02 10:00</p>"},
    {"aside": '<aside><h3>More local news</h3><ul><li><a href="/m">Market reopens</a> '
              '<span class="date">12 May 2024</span></li><li><a href="/f">Flood warning</a> '
              '<time datetime="2024-05-10T09:00:00Z">10 May</time></li></ul></aside>'},
    {"head": '<meta property="article:modified_time" content="2026-03-03T10:00:00Z">'},
    {"head": '<meta itemprop="copyrightYear" content="2025">'},
], ids=["iso-date-in-body", "timestamp-in-body", "related-links", "modified-only",
        "copyright-year-meta"])
def test_dates_guessed_from_other_text_are_no_date(tmp_path, markup) -> None:
    [article] = read(write_page(tmp_path, page(**markup)))
    assert article.published is None


def test_warc_footer_only_page_has_no_date(tmp_path) -> None:
    pytest.importorskip("warcio")
    warc = write_warc(tmp_path / "crawl.warc.gz", {
        "https://riverside.example/local/footbridge": page(),
        "https://riverside.example/local/footbridge-meta": page(head=PUBLISHED_META),
        "https://riverside.example/2026/03/04/footbridge": page(),
    })
    result = dupfinder.scan([str(warc)])
    dates = {a.id: a.published for a in result.articles}
    assert dates["https://riverside.example/local/footbridge"] is None
    assert (dates["https://riverside.example/local/footbridge-meta"] or "")[:10] == "2026-03-02"
    # a date in the URL path is the source's own statement
    assert dates["https://riverside.example/2026/03/04/footbridge"] == "2026-03-04"

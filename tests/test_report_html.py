"""Scraped text is hostile: the HTML report and notebook views render it as text.

The browser test runs headless Chromium (Debian package ``chromium``; ``.ci/run`` installs it)
on the written report and reads back the DOM it dumps.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import dupfinder
from tests.conftest import chromium

HOSTILE = (
    "<script>document.body.setAttribute('data-pwned', 'script')</script>\n"
    "Officials said the bridge would reopen on Friday after repairs to its deck and railings, "
    "and that traffic lights would control the single lane until the work was finished.\n"
    "<img src=x onerror=\"document.body.setAttribute('data-pwned', 'img')\">\n"
    "Engineers found corrosion in two of the supporting beams during a routine inspection last "
    "month, the council said in a statement, and closed the bridge as a precaution.\n"
    "<a href=\"javascript:document.body.setAttribute('data-pwned','link')\">more</a>\n"
    "</div></div></section><h1 id=\"injected\">broken layout</h1><div>\n"
    "Drivers have faced diversions of up to twelve miles while the crossing has been shut, and "
    "local businesses say trade has fallen by a third since the closure began."
)


def _corpus() -> list[dict]:
    return [
        {"id": "wire<script>", "title": "<script>alert(1)</script>Bridge to reopen",
         "outlet": "<b>wire</b>", "text": HOSTILE},
        {"id": "copy", "title": "Bridge <img src=x onerror=alert(2)> reopens", "outlet": "site",
         "text": HOSTILE + "\nA local paragraph added by the outlet about its readers."},
    ]


def test_report_escapes_everything_from_the_page() -> None:
    result = dupfinder.scan(_corpus(), min_shingles=5)
    assert len(result.clusters) == 1
    page = result.to_html()
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "<script" not in page.lower()
    assert "<img" not in page and '<h1 id="injected">' not in page
    assert "&lt;img src=x onerror=" in page
    for view in (result._repr_html_(), result.clusters[0]._repr_html_(),
                 result.clusters[0].diff("copy")._repr_html_()):
        assert "<script" not in view and "<img" not in view and 'id="injected"' not in view




def _dump_dom(browser: str, page: Path, profile: Path) -> str:
    proc = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=2000",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_report_in_a_real_browser_runs_no_injected_script(tmp_path) -> None:
    browser = chromium()
    result = dupfinder.scan(_corpus(), min_shingles=5)
    report = tmp_path / "report.html"
    result.to_html(report)
    dom = _dump_dom(browser, report, tmp_path / "profile")
    body = re.search(r"<body[^>]*>", dom)
    assert body is not None and "data-pwned" not in body.group(0)
    assert '<h1 id="injected">' not in dom  # as text it is &lt;h1 ...
    # The structure is intact: one wire original and one member block, and the markup of the
    # page shows as text.
    assert dom.count('class="canon"') == 1
    assert dom.count('class="member"') == 1
    assert "&lt;script&gt;document.body.setAttribute" in dom
    assert "&lt;/div&gt;&lt;/div&gt;&lt;/section&gt;&lt;h1 id=\"injected\"&gt;" in dom


def test_a_large_report_details_the_largest_clusters_and_points_to_the_json(tmp_path) -> None:
    import dupfinder
    from dupfinder.report_html import write_report
    from tests.conftest import sample_records

    result = dupfinder.scan(sample_records())
    assert len(result.clusters) == 5
    out = tmp_path / "report.html"
    write_report(result, out, detail=2, list_limit=4)
    page = out.read_text(encoding="utf-8")
    assert page.count('<h2 id="c') == 2  # two clusters with their edits
    assert 'href="#c1"' in page and 'href="#c3"' not in page  # c3 and c4 listed, not linked
    assert "1 more clusters not listed" in page
    assert "the JSON report (<code>--json</code>) has the edits of all 5" in page
    assert page.rstrip().endswith("</html>")
    # Without limits every cluster is shown, the same page as to_html() builds in memory.
    write_report(result, out)
    assert out.read_text(encoding="utf-8") == result.to_html()


def test_a_report_whose_diffs_are_made_on_workers_is_the_same_page(tmp_path,
                                                                   monkeypatch) -> None:
    import dupfinder.report_html as report_html
    from benchmarks.synthetic import generate

    result = dupfinder.scan(list(generate(1500, seed=5)))
    assert len(result.clusters) > 3 * 4
    monkeypatch.setattr(report_html, "DIFF_CHUNK", 4)  # several chunks, on two workers
    one, two = tmp_path / "one.html", tmp_path / "two.html"
    report_html.write_report(result, one, workers=1)
    report_html.write_report(result, two, workers=2)
    assert one.read_bytes() == two.read_bytes()
    assert one.read_text().count('class="member"') > 20

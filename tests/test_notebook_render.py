"""A notebook that shows a scan, executed and rendered by ``jupyter nbconvert`` as JupyterLab's
template does: the views render, and the index table is left-aligned although JupyterLab's CSS
right-aligns table cells. With headless Chromium, the alignment is read from the browser's
computed styles (a screenshot of the same page is how it was checked by eye)."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, chromium

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbconvert")
pytest.importorskip("ipykernel")
pytest.importorskip("jinja2")
pytest.importorskip("pandas")

CELLS = [
    f"import dupfinder\nresult = dupfinder.scan({str(SAMPLE)!r})\nresult",
    "result.clusters[2]",
    "{k: str(v) for k, v in result.to_pandas().dtypes.items()}",
]

# Reads back every index-table cell's computed alignment into the DOM that Chromium dumps.
PROBE = """<script>
document.body.setAttribute('data-align', JSON.stringify(Array.from(
  document.querySelectorAll('.dupfinder table th, .dupfinder table td')).map(
  c => [c.classList.contains('num') ? 'num' : 'text', getComputedStyle(c).textAlign])));
</script></body>"""


def _kernel() -> None:
    from jupyter_client.kernelspec import find_kernel_specs

    if "python3" not in find_kernel_specs():
        pytest.skip("no python3 Jupyter kernel installed (pip install ipykernel)")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    _kernel()
    folder = tmp_path_factory.mktemp("notebook")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    nbformat.write(nb, folder / "scan.ipynb")
    proc = subprocess.run(
        [sys.executable, "-m", "nbconvert", "--execute", "--to", "html",
         "--ExecutePreprocessor.timeout=120", str(folder / "scan.ipynb")],
        capture_output=True, text=True, timeout=300, cwd=folder)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return folder / "scan.html"


def test_views_render_in_an_executed_notebook(rendered) -> None:
    page = rendered.read_text(encoding="utf-8")
    assert "Traceback" not in page and "ename" not in page
    assert page.count('<div class="dupfinder">') >= 2  # the result and the cluster
    assert "dupfinder report" in page and "c3: " in page
    dtypes = re.search(r"\{'cluster'.*?\}", html.unescape(page), re.S)
    assert dtypes is not None
    text = dtypes.group(0)
    assert "'published': 'datetime64[" in text and "UTC]'" in text
    assert "'is_canonical': 'bool'" in text and "'words_kept': 'int64'" in text
    # The host's rule that right-aligns cells is on the page, and ours overrides it.
    assert ":not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td" in page
    assert "text-align: left !important" in page




def test_index_table_is_left_aligned_in_the_browser(rendered, tmp_path) -> None:
    browser = chromium()
    probed = tmp_path / "probed.html"
    probed.write_text(rendered.read_text(encoding="utf-8").replace("</body>", PROBE, 1),
                      encoding="utf-8")
    proc = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000",
         "--dump-dom", probed.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = re.search(r'data-align="([^"]*)"', proc.stdout)
    assert found is not None, proc.stdout[:2000]
    cells = json.loads(found.group(1).replace("&quot;", '"'))
    assert len(cells) >= 30  # header and five rows of the index, and the boilerplate table
    assert {align for kind, align in cells if kind == "text"} == {"left"}
    assert {align for kind, align in cells if kind == "num"} == {"right"}

"""The same articles in every input format give the same clusters."""

from __future__ import annotations

import pytest

import dupfinder
from tests.conftest import clusters_as_sets, sample_records
from tests.formats import write_all


def _by_url(result: dupfinder.ScanResult, records: list[dict]) -> set[frozenset[str]]:
    """Clusters as sets of sample ids, whatever id the format gave each article."""
    by_url = {r["url"]: r["id"] for r in records}
    by_file = {f"{r['id']}.html": r["id"] for r in records}
    out = set()
    for c in result.clusters:
        ids = set()
        for m in c.members:
            a = m.article
            ids.add(by_file.get(a.id) or by_url.get(a.id) or by_url.get(a.url or "") or a.id)
        out.add(frozenset(ids))
    return out


def test_every_format_gives_the_same_clusters(tmp_path) -> None:
    pytest.importorskip("trafilatura")
    records = sample_records()
    expected = clusters_as_sets(dupfinder.scan(records))
    files = write_all(records, tmp_path)
    assert {"parquet", "html", "warc.gz"} <= set(files), "install dupfinder[all] for this test"
    for name, path in files.items():
        result = dupfinder.scan(str(path))
        assert _by_url(result, records) == expected, name
        assert result.stats.articles == len(records), name


def test_warc_skips_and_counts_what_is_not_an_article(tmp_path) -> None:
    pytest.importorskip("warcio")
    pytest.importorskip("trafilatura")
    files = write_all(sample_records()[:3], tmp_path)
    result = dupfinder.scan(str(files["warc.gz"]))
    assert result.stats.articles == 3
    reasons = sorted(s.reason for s in result.skipped)
    assert reasons == ["HTTP status 404 for https://gone.example/x", "not HTML (image/png)"]
    assert result.articles[0].id == "https://pa.example/flood"
    assert result.articles[0].outlet == "pa.example"
    assert result.articles[0].published and result.articles[0].published.startswith("2026-03-02")


def test_html_page_title_site_and_date(tmp_path) -> None:
    pytest.importorskip("trafilatura")
    files = write_all(sample_records()[:2], tmp_path)
    result = dupfinder.scan(str(files["html"]))
    first = result.articles[0]
    assert first.id == "pa-flood.html"
    assert first.title == "Flood barriers raised as river reaches record level"
    assert first.outlet == "pa.example"
    assert first.url == "https://pa.example/flood"
    assert "Emergency flood barriers" in first.text and "Contact us" not in first.text


def test_missing_extra_names_the_pip_command(monkeypatch, tmp_path) -> None:
    import builtins

    real_import = builtins.__import__

    def fake_import(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    path = tmp_path / "x.parquet"
    path.write_bytes(b"PAR1")
    from tests.conftest import run

    out = run("scan", str(path))
    assert out.exit_code == 2
    assert "pip install 'dupfinder[parquet]'" in out.stderr

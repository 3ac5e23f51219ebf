"""The report as three Parquet tables, for corpora whose JSON report is too big for one file.

``DIR/clusters``, ``DIR/members`` and ``DIR/edits``, each a Parquet dataset (a folder of part
files, as Spark writes them; ``pyarrow.parquet.read_table(DIR/"members")`` reads one back):

- clusters: cluster_id, size, canonical, canonical_reason, embedded_in (ids)
- members: cluster_id, id, is_canonical, outlet, title, url, published, jaccard, containment,
  joined, boilerplate, words, headline_changed, words_kept, words_inserted, words_deleted,
  words_replaced, kinds (the JSON report's member fields, flattened)
- edits: cluster_id, id, kind, a_start, a_end, b_start, b_end, old, new (every member's named
  edits against its cluster's canonical, in token spans; ``dupfinder diff`` shows them)

With a SparkSession the tables are written by Spark (so DIR may be any path Spark writes to:
HDFS, S3, ...); without one, by pyarrow (the ``parquet`` extra).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import MissingExtraError
from .result import ScanResult

_SUMMARY = ("headline_changed", "words_kept", "words_inserted", "words_deleted", "words_replaced")


def tables(result: ScanResult, edits: bool = True) -> dict[str, Any]:
    """The clusters, members and edits tables (pyarrow), in report order."""
    try:
        import pyarrow as pa
    except ImportError as error:
        raise MissingExtraError("parquet", "--output-parquet") from error
    clusters: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    edit_rows: list[dict[str, Any]] = []
    if edits:
        result.load_texts()  # one read of a lean scan's inputs for every cluster's diffs
    for cluster in result.clusters:
        d = cluster.to_dict()
        clusters.append({"cluster_id": d["id"], "size": d["size"], "canonical": d["canonical"],
                         "canonical_reason": d["canonical_reason"],
                         "embedded_in": [e["id"] for e in d.get("embedded_in", [])]})
        for member, md in zip(cluster.members, d["members"]):
            summary = md.get("edits") or {}
            members.append({
                "cluster_id": d["id"], "id": md["id"], "is_canonical": md["id"] == d["canonical"],
                "outlet": md.get("outlet"), "title": md.get("title"), "url": md.get("url"),
                "published": md.get("published"), "jaccard": md.get("jaccard"),
                "containment": md.get("containment"), "joined": md.get("joined"),
                "boilerplate": member.boilerplate, "words": member.words,
                **{k: summary.get(k) for k in _SUMMARY},
                "kinds": list(summary.get("kinds") or []),
            })
            if edits and md["id"] != d["canonical"]:
                for e in cluster.diff(member).edits:
                    edit_rows.append({"cluster_id": d["id"], "id": md["id"], "kind": e.kind,
                                      "a_start": e.a_start, "a_end": e.a_end,
                                      "b_start": e.b_start, "b_end": e.b_end,
                                      "old": e.old, "new": e.new})
    schemas = {
        "clusters": pa.schema([("cluster_id", pa.string()), ("size", pa.int64()),
                               ("canonical", pa.string()), ("canonical_reason", pa.string()),
                               ("embedded_in", pa.list_(pa.string()))]),
        "members": pa.schema([("cluster_id", pa.string()), ("id", pa.string()),
                              ("is_canonical", pa.bool_()), ("outlet", pa.string()),
                              ("title", pa.string()), ("url", pa.string()),
                              ("published", pa.string()), ("jaccard", pa.float64()),
                              ("containment", pa.float64()), ("joined", pa.string()),
                              ("boilerplate", pa.bool_()), ("words", pa.int64()),
                              ("headline_changed", pa.bool_()), ("words_kept", pa.int64()),
                              ("words_inserted", pa.int64()), ("words_deleted", pa.int64()),
                              ("words_replaced", pa.int64()), ("kinds", pa.list_(pa.string()))]),
        "edits": pa.schema([("cluster_id", pa.string()), ("id", pa.string()),
                            ("kind", pa.string()), ("a_start", pa.int64()), ("a_end", pa.int64()),
                            ("b_start", pa.int64()), ("b_end", pa.int64()), ("old", pa.string()),
                            ("new", pa.string())]),
    }
    rows = {"clusters": clusters, "members": members, "edits": edit_rows}
    return {name: pa.Table.from_pylist(rows[name], schema=schemas[name]) for name in schemas}


def write_parquet(result: ScanResult, directory: str | Path, spark: Any = None) -> None:
    """Write the three tables under ``directory`` (replacing tables already there)."""
    made = tables(result)
    if spark is not None:
        for name, table in made.items():
            df = (spark.createDataFrame(table) if table.num_rows
                  else spark.createDataFrame([], _spark_schema(table)))
            df.coalesce(1).write.mode("overwrite").parquet(f"{str(directory).rstrip('/')}/{name}")
        return
    import shutil

    import pyarrow.parquet as pq

    root = Path(directory)
    for name, table in made.items():
        folder = root / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        pq.write_table(table, folder / "part-00000.parquet")


def _spark_schema(table: Any) -> Any:
    """A Spark schema for an (empty) Arrow table."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(table.schema)

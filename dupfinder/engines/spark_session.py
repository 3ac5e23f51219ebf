"""The Spark session the Spark engine runs on: found or started, and a local one's settings.

Apart from ``engines.spark`` (the stages on Spark: Arrow helpers, per-row stage functions,
``SparkEngine``, connected components) because this is a different concern: whether Spark can
run at all (pyspark, Java: ``check_available``), which session it runs in and how a local one
is configured (master, the JVM's heap and JIT, shuffle partitions), and reading a Spark
DataFrame's rows. Nothing here runs a stage. ``engines.spark`` re-exports every name, so
``engines.spark.session`` and the rest work as before; ``engines.spark.warm_up`` stays there,
since it runs the engine.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Iterator
from typing import Any

from ..errors import DupfinderError, MissingExtraError

INSTALL = "pip install 'dupfinder[spark]'"
# The JVM heap of a local session this module starts (it is the executor as well).
LOCAL_DRIVER_MEMORY = "6g"
# ... and its JIT: the client compiler only. A scan is a few dozen short Spark jobs, each with
# freshly generated code; the optimising compiler spent more CPU compiling them than it saved
# (JVM CPU of a 10k scan on local[2] about 11-13 -> 6-8 s).
LOCAL_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1"


class SparkUnavailable(DupfinderError):
    """pyspark or Java is missing: the message names the fix."""


def check_available() -> None:
    """Raise a one-line error naming the fix when pyspark or Java is missing."""
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as error:
        raise MissingExtraError("spark", "the Spark engine") from error
    java_home = os.environ.get("JAVA_HOME")
    java = (os.path.join(java_home, "bin", "java") if java_home else None) or shutil.which("java")
    if not java or not os.path.exists(java):
        raise SparkUnavailable(
            "the Spark engine needs Java 17 or later: install a JDK (for example "
            "apt-get install openjdk-17-jre-headless) or set JAVA_HOME; pyspark comes with "
            f"{INSTALL}")


def session(master: str | None = None, app: str = "dupfinder") -> Any:
    """The active SparkSession, or a new one (``master`` as given, else the one spark-submit
    set, else local[*])."""
    check_available()
    # pyspark warns about pandas 3 on every Arrow call; the engine uses Arrow only.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    local = master is None or master.startswith("local")
    if local:
        # Executors of a local master run this interpreter, so they see this environment.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app)
    if master is not None:
        builder = builder.master(master)
    elif not SparkConf().contains("spark.master"):
        builder = builder.master("local[*]")
    builder = (builder.config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true"))
    conf = SparkConf()
    if local:
        # 200 shuffle partitions cost a task each on every shuffle, for a few cores' worth of
        # work; the driver's JVM is the executor too, and receives every article's shingles
        # and tokens (about 5 KB an article), so Spark's 1 GB default is too small for 100k
        # articles; its JIT works for short jobs (LOCAL_JAVA_OPTIONS). On a cluster the
        # user's settings (or Spark's) stand.
        for key, value in (("spark.sql.shuffle.partitions", str(2 * (os.cpu_count() or 1))),
                           ("spark.driver.memory", LOCAL_DRIVER_MEMORY),
                           ("spark.driver.maxResultSize", "0"),
                           ("spark.driver.extraJavaOptions", LOCAL_JAVA_OPTIONS)):
            if not conf.contains(key):
                builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def is_spark_dataframe(obj: Any) -> bool:
    return type(obj).__name__ == "DataFrame" and type(obj).__module__.startswith("pyspark")


def records(df: Any) -> Iterator[dict[str, Any]]:
    """A Spark DataFrame's rows as dicts, in its partition order (the record numbers)."""
    for row in df.toLocalIterator():
        yield row.asDict(recursive=True)

"""The command line: a thin layer that builds a library call and reports its result.

Every library error becomes one line on stderr and exit 2; stdout carries only the requested
output (the table, or JSON with ``--json -``), so it can be piped.
"""

from __future__ import annotations

import functools
import gc
import os
import sys
import time
from collections.abc import Callable
from typing import Any, NoReturn

import click

from ._version import __version__
from .errors import DupfinderError
from .params import Params, resolve_workers
from .readers import FORMATS


class CommandError(click.ClickException):
    """A user-fixable problem: one line, exit 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        from .terminal import safe_line

        click.echo(f"dupfinder: error: {safe_line(self.format_message())}", err=True)


class Interrupted(click.ClickException):
    """Ctrl-C: one line, exit 130 (128 + SIGINT), as shells report it."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__("interrupted")

    def show(self, file: Any = None) -> None:
        # On a terminal, over a progress bar that was being drawn: its line is cleared first.
        clear = "\r\x1b[K" if sys.stderr.isatty() else ""
        click.echo(f"{clear}dupfinder: interrupted", err=True)


class BrokenPipe(click.ClickException):
    """The reader of stdout went away (``| head``): end quietly, exit 141 (128 + SIGPIPE)."""

    exit_code = 141

    def __init__(self) -> None:
        super().__init__("broken pipe")

    def show(self, file: Any = None) -> None:
        pass


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it at exit cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (tests), or closed
        pass


def _cli_message(error: DupfinderError) -> str:
    """The library's message, with a library keyword (``threshold=``) named by its flag."""
    from .errors import UsageError

    ctx = click.get_current_context(silent=True)
    if isinstance(error, UsageError) and error.option and ctx is not None:
        option = error.option
        for name in (option, f"{option}_field"):
            for param in ctx.command.params:
                if isinstance(param, click.Option) and param.name == name:
                    flag = max(param.opts, key=len)
                    return f"{flag} {error.detail}"
    return str(error)


def _fail_cleanly(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except KeyboardInterrupt as error:
            raise Interrupted() from error
        except BrokenPipeError as error:
            _silence_stdout()
            raise BrokenPipe() from error
        except DupfinderError as error:
            raise CommandError(_cli_message(error)) from error
        except KeyError as error:
            raise CommandError(str(error.args[0]) if error.args else "not found") from error
        except OSError as error:
            name = getattr(error, "filename", None)
            where = f"{name}: " if name else ""
            raise CommandError(f"{where}{error.strerror or error}") from error

    return wrapper


def _field_options(format_flag: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--*-field overrides and reader choices, shared by every command that reads a corpus.

    ``check`` uses --format for its report, so there the reader choice is --input-format.
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        return _apply_field_options(fn, format_flag)

    return decorate


def _apply_field_options(fn: Callable[..., Any], format_flag: str) -> Callable[..., Any]:
    options = [
        click.option("--id-field", help="Record field holding the article id."),
        click.option("--text-field", help="Record field holding the body text."),
        click.option("--title-field", help="Record field holding the headline."),
        click.option("--outlet-field", help="Record field holding the outlet or site."),
        click.option("--url-field", help="Record field holding the URL."),
        click.option("--date-field", help="Record field holding the publication date."),
        click.option(format_flag, "fmt", type=click.Choice(FORMATS),
                     help="Read every input as this format instead of going by file suffix "
                          "(stdin too; in folders, every file)."),
        click.option("--id-from", type=click.Choice(["id", "file+id"]), default="id",
                     show_default=True,
                     help="id: ids as the records give them; file+id: each id qualified by its "
                          "file (census.csv:604), for ids that repeat across files."),
        click.option("--encoding", metavar="NAME",
                     help="Encoding of files without a byte-order mark (default UTF-8; a BOM "
                          "decides: UTF-8, UTF-16, UTF-32)."),
        click.option("--delimiter", metavar="CHAR",
                     help="CSV delimiter ('tab' for a tab); default: read from the header line "
                          "among , ; tab |."),
        click.option("--exclude", metavar="GLOB", multiple=True,
                     help="Leave out files and folders matching GLOB (a name or a path inside "
                          "the folder) when walking folders; repeatable. Hidden ones always are."),
        click.option("--dayfirst", is_flag=True,
                     help="Read numeric dates day first (01/02/2019 is 1 February); the default "
                          "is month first, as US scrapes write them."),
        click.option("--on-error", type=click.Choice(["fail", "skip"]), default="fail",
                     show_default=True,
                     help="fail: stop at the first bad record (exit 2); skip: skip, count and "
                          "list bad records in the report."),
        click.option("--quiet", "-q", is_flag=True,
                     help="No progress or notes on stderr (never hides requested output)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


field_options = _field_options("--format")
check_field_options = _field_options("--input-format")


def match_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The parameters that decide what a copy is."""
    d = Params()
    options = [
        click.option("--threshold", type=float, default=d.threshold, show_default=True,
                     help="Jaccard of shingle sets at or above which two articles are copies."),
        click.option("--containment", type=float, default=d.containment, show_default=True,
                     help="Share of the shorter article found in the longer that makes it a "
                          "(trimmed) copy."),
        click.option("--shingle", type=int, default=d.shingle, show_default=True,
                     help="Words per shingle."),
        click.option("--num-perm", type=int, default=d.num_perm, show_default=True,
                     help="MinHash permutations."),
        click.option("--min-shingles", type=int, default=d.min_shingles, show_default=True,
                     help="Shortest article (in shingles) that containment alone can match."),
        click.option("--no-boilerplate", is_flag=True,
                     help="Do not learn and remove boilerplate lines."),
        click.option("--workers", type=int, default=0, show_default=True,
                     help="Worker processes; 0 uses every core. Output does not depend on it."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _params(opts: dict[str, Any]) -> Params:
    return Params(
        threshold=opts["threshold"], containment=opts["containment"], shingle=opts["shingle"],
        num_perm=opts["num_perm"], min_shingles=opts["min_shingles"],
        boilerplate=not opts["no_boilerplate"],
    )


def _stderr_progress(quiet: bool) -> tuple[Callable[[str], None] | None, Callable[[str], None]]:
    def note(message: str) -> None:
        if not quiet:
            from .terminal import safe_line

            click.echo(f"dupfinder: {safe_line(message)}", err=True)

    if quiet or not sys.stderr.isatty():
        return None, note
    from .progress import StderrProgress

    return StderrProgress(), note


def _reading(opts: dict[str, Any]) -> dict[str, Any]:
    """The reader options of a command that reads a corpus, as library keywords."""
    return {"id_from": opts["id_from"], "encoding": opts["encoding"],
            "delimiter": opts["delimiter"], "exclude": opts["exclude"],
            "dayfirst": opts["dayfirst"]}


def _flags() -> Any:
    """Within the block, the library's messages name this command's flags, not keywords."""
    from .fields import cli_flags

    command = click.get_current_context().command
    fmt = next((max(p.opts, key=len) for p in command.params if p.name == "fmt"), "--format")
    return cli_flags(format=fmt)


def _run_scan(paths: tuple[str, ...], opts: dict[str, Any], edits: bool = False) -> Any:
    from .pipeline import scan

    progress, note = _stderr_progress(opts["quiet"])
    if _ONE_SHOT:
        # The collector stays off for the rest of the process (the scan pauses it; the
        # reports are written next, and the process ends without tearing down,
        # ``_exit_now``): turned back on, its first pass walks every object the scan made,
        # 0.25 s at 100k articles, to free nothing. Not when the CLI runs inside another
        # program (a test's CliRunner), which goes on.
        gc.disable()
    with _flags():
        result = scan(
            list(paths), params=_params(opts), text=opts["text_field"], id=opts["id_field"],
            title=opts["title_field"], outlet=opts["outlet_field"], url=opts["url_field"],
            date=opts["date_field"], workers=opts["workers"], on_error=opts["on_error"],
            format=opts["fmt"], progress=progress, warn=note, **_reading(opts),
            engine=opts.get("engine") or "local", master=opts.get("master"), edits=edits,
        )
    if result.skipped:
        note(f"{len(result.skipped)} records skipped (listed in the JSON report)")
    return result


def _set_color(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    from .terminal import set_color_choice

    if value is not None:
        set_color_choice(value)


def color_option(default: str | None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--color, on the group (``dupfinder --color never diff ...``) and on commands that
    colour (``dupfinder diff ... --color never``)."""
    return click.option(
        "--color", type=click.Choice(["auto", "always", "never"]), default=default,
        expose_value=False, callback=_set_color, is_eager=True,
        help="Colour the output: auto (on a terminal, unless NO_COLOR is set), always or never.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dupfinder")
@color_option("auto")
def cli() -> None:
    """Find syndicated wire copy in a news scrape, name the original, show each outlet's edits."""


def _writing(opts: dict[str, Any], what: str, target: str) -> Callable[[int, int], None] | None:
    """On a terminal, say which report is being written (a stage of its own: a large HTML
    report takes a while) and return a per-cluster tick; never on stdout."""
    from .progress import StderrProgress

    progress, _ = _stderr_progress(opts["quiet"])
    if not isinstance(progress, StderrProgress):
        return None
    progress(f"writing the {what} to {'stdout' if target == '-' else target}")
    return progress.steps(f"writing the {what}")


def _one_stdout(**outputs: str | None) -> None:
    """At most one output may go to stdout (``-``)."""
    to_stdout = [f"--{name}" for name, target in outputs.items() if target == "-"]
    if len(to_stdout) > 1:
        raise CommandError(f"{' and '.join(to_stdout)} both write to stdout ('-'): "
                           "send all but one to a file")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "json_out", metavar="FILE|-", help="Write the JSON report (schema 1).")
@click.option("--html", "html_out", metavar="FILE|-", help="Write the HTML report.")
@click.option("--csv", "csv_out", metavar="FILE|-", help="Write one CSV row per clustered article.")
@click.option("--table", "show_table", is_flag=True,
              help="Print the table of clusters too when a report is written (to stderr when "
                   "stdout carries the report).")
@click.option("--boilerplate-report", is_flag=True,
              help="Print the units learned as chrome, with how many articles and outlets "
                   "carry each (to stderr when stdout carries the report).")
@click.option("--timings", is_flag=True,
              help="Print the seconds each stage took, writing the reports included, to "
                   "stderr at the end.")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local",
              show_default=True,
              help="Run the stages in this process and its workers, or on Apache Spark "
                   "(same results; needs the spark extra and Java).")
@click.option("--master", metavar="URL",
              help="Spark master for --engine spark: local[2], spark://host:7077, yarn "
                   "(default: the one spark-submit sets, else local[*]).")
@click.option("--output-parquet", "parquet_out", metavar="DIR",
              help="Write the clusters, members and edits as Parquet tables under DIR.")
@match_options
@field_options
@_fail_cleanly
def scan(paths: tuple[str, ...], json_out: str | None, html_out: str | None,
         csv_out: str | None, show_table: bool, boilerplate_report: bool,
         parquet_out: str | None, timings: bool, **opts: Any) -> None:
    """Cluster the copies in PATHS and print a table of clusters.

    PATHS are files (.jsonl, .json, .csv, .tsv, .txt, .parquet, .html, .warc, optionally .gz),
    folders (walked recursively), or - for JSON Lines on stdin. With --json, --csv, --html or
    --boilerplate-report only what is asked for is printed; --table adds the table.
    """
    _one_stdout(json=json_out, csv=csv_out, html=html_out)
    if opts["master"] and opts["engine"] != "spark":
        raise CommandError("--master needs --engine spark")
    # Edit summaries only for the reports that carry them.
    result = _run_scan(paths, opts, edits=bool(json_out or parquet_out))
    clock = [("writing the reports", time.perf_counter())]
    to_stdout = "-" in (json_out, csv_out, html_out)
    if parquet_out:
        from .report_parquet import write_parquet

        _writing(opts, "Parquet tables", parquet_out)
        spark = None
        if opts["engine"] == "spark":
            from .engines.spark import session

            spark = session(opts["master"])
        write_parquet(result, parquet_out, spark)
    if json_out:
        _writing(opts, "JSON report", json_out)
        result.to_json(json_out)
    if csv_out:
        _writing(opts, "CSV report", csv_out)
        result.to_csv(csv_out)
    if html_out:
        from .report_html import write_report

        write_report(result, html_out, progress=_writing(opts, "HTML report", html_out),
                     workers=resolve_workers(opts.get("workers")))
    # Human-readable views go to stdout, or to stderr when stdout carries a report.
    if show_table or not (json_out or csv_out or html_out or boilerplate_report or parquet_out):
        click.echo(result.table(), nl=False, err=to_stdout)
    if boilerplate_report:
        from .report_text import boilerplate_table

        click.echo(boilerplate_table(result), nl=False, err=to_stdout)
    if timings:
        from .report_text import timings_table

        stages = [*result.stats.stages,
                  (clock[0][0], round(time.perf_counter() - clock[0][1], 3))]
        click.echo(timings_table(stages), nl=False, err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--cluster", "cluster_id", metavar="ID", help="Show every member of this cluster.")
@click.option("--pair", nargs=2, metavar="ID_A ID_B", help="Show B's edits against A.")
@click.option("--json", "json_out", metavar="FILE|-", help="Write the edits as JSON.")
@click.option("--html", "html_out", metavar="FILE|-", help="Write the diff as an HTML page.")
@click.option("--text", "show_text", is_flag=True,
              help="Print the text view too when --json or --html is given (to stderr when "
                   "stdout carries JSON or HTML).")
@color_option(None)
@match_options
@field_options
@_fail_cleanly
def diff(paths: tuple[str, ...], cluster_id: str | None, pair: tuple[str, str] | None,
         json_out: str | None, html_out: str | None, show_text: bool, **opts: Any) -> None:
    """Show each member's edits against the canonical (or B's against A).

    With --json or --html only what is asked for is written; --text adds the text view.
    """
    from .diff_cli import run_diff

    if (cluster_id is None) == (pair is None):
        raise CommandError("give exactly one of --cluster ID or --pair ID_A ID_B")
    _one_stdout(json=json_out, html=html_out)
    result = _run_scan(paths, opts)
    _, note = _stderr_progress(opts["quiet"])
    run_diff(result, cluster_id, pair, json_out, html_out, show_text=show_text, note=note,
             writing=lambda what, target: _writing(opts, what, target))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--baseline", metavar="FILE",
              help="Accepted clusters (JSON). Clusters not in it fail the check.")
@click.option("--update-baseline", is_flag=True,
              help="Write every current cluster to --baseline (atomically), drop stale "
                   "entries, and pass.")
@click.option("--max-clusters", type=int, metavar="N",
              help="Fail when there are more clusters (config key max-clusters).")
@click.option("--max-duplicate-ratio", type=float, metavar="F",
              help="Fail when more than this share (0-1) of articles are copies of another "
                   "(config key max-duplicate-ratio).")
@click.option("--format", "out_format", type=click.Choice(["text", "json", "junit", "github"]),
              default="text", show_default=True, help="Report format (the exit code is the same).")
@click.option("--config", metavar="FILE",
              help="TOML file with the allow-list and limits (default: the first dupfinder.toml, "
                   "or pyproject.toml with [tool.dupfinder], walking up from here).")
@click.option("--exit-zero", is_flag=True, help="Report findings but exit 0.")
@match_options
@check_field_options
@_fail_cleanly
def check(paths: tuple[str, ...], baseline: str | None, update_baseline: bool,
          max_clusters: int | None, max_duplicate_ratio: float | None, out_format: str,
          config: str | None, exit_zero: bool, **opts: Any) -> None:
    """Gate a scrape in CI: exit 1 when clusters are not in the baseline or past a limit.

    Each new article (in no accepted cluster) is named with its id, outlet and file:line.
    Exit 0 when the policy holds, 1 when it does not, 2 on a usage or input error.
    """
    from . import check as gate

    if update_baseline and not baseline:
        raise CommandError("--update-baseline needs --baseline FILE to write")
    if max_duplicate_ratio is not None:
        gate.check_ratio(max_duplicate_ratio, "--max-duplicate-ratio")
    if max_clusters is not None:
        gate.check_count(max_clusters, "--max-clusters")
    settings = gate.load_config(config)
    if max_clusters is None:
        max_clusters = settings.max_clusters
    if max_duplicate_ratio is None:
        max_duplicate_ratio = settings.max_duplicate_ratio
    accepted = None if (update_baseline or not baseline) else gate.Baseline.load(baseline)
    result = _run_scan(paths, opts)
    if not result.stats.articles:
        raise CommandError(gate.nothing_read(paths, result))
    if update_baseline and baseline:
        old = gate.Baseline.previous(baseline)
        new_base = gate.accept(result, settings.allow)
        new_base.write(baseline)
        click.echo(gate.update_report(baseline, old, new_base, result), nl=False)
        return
    verdict = gate.evaluate(result, accepted, settings.allow, max_clusters, max_duplicate_ratio)
    click.echo(gate.render(verdict, out_format), nl=False)
    if verdict.failed and not exit_zero:
        sys.exit(1)


@cli.group()
def index() -> None:
    """A persistent index (one SQLite file) to match each day's scrape against past weeks."""


def _fields(opts: dict[str, Any]) -> Any:
    from .fields import FieldMap

    return FieldMap(id=opts["id_field"], text=opts["text_field"], title=opts["title_field"],
                    outlet=opts["outlet_field"], url=opts["url_field"], date=opts["date_field"])


def _open_index(db: str, opts: dict[str, Any] | None, workers: int | None = 1,
                keep_text: bool | None = None) -> Any:
    from .index import Index

    return Index(db, _params(opts) if opts is not None else None, workers=workers,
                 keep_text=keep_text)


@index.command("add")
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--replace/--no-replace", default=None,
              help="An id already indexed is replaced when it comes again from the same file "
                   "and refused from another file; --replace replaces it always, --no-replace "
                   "never.")
@click.option("--chunk", type=int, default=1000, show_default=True,
              help="Articles per transaction (a killed add keeps whole chunks only).")
@click.option("--no-text", "no_text", is_flag=True, default=None,
              help="For a new index: keep no texts (a smaller file); edit summaries come "
                   "from the stored tokens, and what needs the texts (diffs, relearn) reads "
                   "them again from the added files, which must stay.")
@match_options
@field_options
@_fail_cleanly
def index_add(db: str, paths: tuple[str, ...], replace: bool | None, chunk: int,
              no_text: bool | None, **opts: Any) -> None:
    """Add the articles in PATHS to the index DB (created with these parameters if new).

    The add that creates the index learns its boilerplate from all of its articles; later
    adds apply it (dupfinder index relearn learns it again from everything indexed).
    """
    explicit = _explicit_params(opts)
    with _open_index(db, opts if explicit else None, opts["workers"],
                     False if no_text else None) as idx:
        with _flags():
            report = idx.add(list(paths), replace=replace, chunk=chunk, fields=_fields(opts),
                             on_error=opts["on_error"], format=opts["fmt"], **_reading(opts))
    if not opts["quiet"]:
        click.echo(f"dupfinder: {report.added} added ({report.replaced} replaced), "
                   f"{len(report.skipped)} skipped", err=True)


@index.command("query")
@click.argument("db", type=click.Path(dir_okay=False, exists=True))
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "json_out", metavar="FILE|-", help="Write the matches as JSON.")
@click.option("--table", "show_table", is_flag=True,
              help="Print the match summary too when --json is given (to stderr with --json -).")
@click.option("--diff", "with_diff", is_flag=True, help="Add each match's edit summary.")
@click.option("--limit", type=int, default=20, show_default=True,
              help="Matches kept per article, best first.")
@match_options
@field_options
@_fail_cleanly
def index_query(db: str, paths: tuple[str, ...], json_out: str | None, show_table: bool,
                with_diff: bool, limit: int, **opts: Any) -> None:
    """Match the articles in PATHS against the index DB; verified exactly, best first.

    Each article is answered against the index alone (never its batch neighbours): its
    matches, the cluster it would join, that cluster's canonical, and whether the new
    article would become the canonical. Prints a summary, or with --json only the JSON
    (--table adds the summary).
    """
    import json as jsonlib

    from .result import _write
    from .terminal import safe_line

    explicit = _explicit_params(opts)
    with _open_index(db, opts if explicit else None, opts["workers"]) as idx:
        with _flags():
            results = idx.query(list(paths), limit=limit, with_diff=with_diff,
                                fields=_fields(opts), on_error=opts["on_error"],
                                format=opts["fmt"], **_reading(opts))
    if json_out:
        _writing(opts, "JSON matches", json_out)
        body = {"schema": 1, "queries": [r.to_dict() for r in results]}
        _write(json_out, jsonlib.dumps(body, indent=2, ensure_ascii=False) + "\n")
        if not show_table:
            return
    err = json_out == "-"
    for r in results:
        if r.matches:
            best = ", ".join(f"{safe_line(m.id)} (J {m.jaccard:.2f}, C {m.containment:.2f})"
                             for m in r.matches[:3])
            line = f"{safe_line(r.article.id)}: {len(r.matches)} matches: {best}"
            if r.cluster is not None:
                c = r.cluster
                line += (f"; joins a cluster of {len(c.members)}, canonical "
                         f"{safe_line(c.canonical)} ({c.canonical_reason})"
                         + (", the new article becomes the canonical"
                            if c.becomes_canonical else ""))
            click.echo(line, err=err)
    hit = sum(1 for r in results if r.matches)
    click.echo(f"{hit} of {len(results)} articles match the index", err=err)


@index.command("clusters")
@click.argument("db", type=click.Path(dir_okay=False, exists=True))
@click.option("--json", "json_out", metavar="FILE|-", help="Write the JSON report (as scan's).")
@click.option("--html", "html_out", metavar="FILE|-", help="Write the HTML report (as scan's).")
@click.option("--since", metavar="DATE",
              help="Only articles published (undated: added) on or after DATE (ISO).")
@click.option("--until", metavar="DATE", help="Only articles published before DATE (ISO).")
@click.option("--table", "show_table", is_flag=True,
              help="Print the table of clusters too when --json or --html is given.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or notes on stderr.")
@_fail_cleanly
def index_clusters(db: str, json_out: str | None, html_out: str | None, since: str | None,
                   until: str | None, show_table: bool, quiet: bool) -> None:
    """The clusters of everything in the index DB (or of a date range): the report scan gives
    for the same articles, kept up to date as articles are added and pruned."""
    _one_stdout(json=json_out, html=html_out)
    opts = {"quiet": quiet}
    with _open_index(db, None) as idx:
        with _flags():
            result = idx.clusters(since=since, until=until)
    if json_out:
        _writing(opts, "JSON report", json_out)
        result.to_json(json_out)
    if html_out:
        from .report_html import write_report

        write_report(result, html_out, progress=_writing(opts, "HTML report", html_out),
                     workers=resolve_workers(opts.get("workers")))
    if show_table or not (json_out or html_out):
        click.echo(result.table(), nl=False, err="-" in (json_out, html_out))


@index.command("relearn")
@click.argument("db", type=click.Path(dir_okay=False, exists=True))
@click.option("--workers", type=int, default=0, show_default=True,
              help="Worker processes; 0 uses every core.")
@_fail_cleanly
def index_relearn(db: str, workers: int) -> None:
    """Learn the boilerplate of the index DB again from every indexed article (as a scan of
    them would), and re-derive the articles whose shingles it changes."""
    with _open_index(db, None, workers) as idx:
        report = idx.relearn()
    click.echo(f"dupfinder: {report['boilerplate']} boilerplate lines learned from "
               f"{report['articles']} articles; {report['changed']} articles re-derived",
               err=True)


@index.command("prune")
@click.argument("db", type=click.Path(dir_okay=False, exists=True))
@click.option("--older-than", required=True, metavar="AGE",
              help="30m, 12h, 7d, 2w, or an ISO date: drop articles published before it.")
@_fail_cleanly
def index_prune(db: str, older_than: str) -> None:
    """Drop articles older than AGE from the index DB (undated ones by when they were added),
    with their keys, and cluster again what they were in."""
    with _open_index(db, None) as idx:
        dropped = idx.prune(older_than)
        left = idx.stats()
    click.echo(f"dupfinder: dropped {dropped} articles; {left['articles']} left, "
               f"{left['clusters']} clusters")


@index.command("stats")
@click.argument("db", type=click.Path(dir_okay=False, exists=True))
@_fail_cleanly
def index_stats(db: str) -> None:
    """Print what the index DB holds (JSON): articles, clusters, size on disk (per article, by
    part), dates, boilerplate (lines, digest), parameters and tuning."""
    import json as jsonlib

    with _open_index(db, None) as idx:
        click.echo(jsonlib.dumps(idx.stats(), indent=2))


def _explicit_params(opts: dict[str, Any]) -> bool:
    """Did the user set any matching parameter? (Only then is it checked against the index.)"""
    ctx = click.get_current_context()
    names = ("threshold", "containment", "shingle", "num_perm", "min_shingles", "no_boilerplate")
    return any(ctx.get_parameter_source(n) == click.core.ParameterSource.COMMANDLINE
               for n in names)


# Set by ``main``: this process is the command line, and ends with the command.
_ONE_SHOT = False


def main() -> None:
    global _ONE_SHOT
    _ONE_SHOT = True
    _plain_pages()
    from .stages import _numba

    # numba's own BLAS check imports SciPy's linear algebra, 0.2 s before a scan's first
    # kernel can run; no kernel multiplies matrices. Only here: in a program that uses numba
    # itself (a notebook), its ``np.dot`` would lose BLAS.
    _numba.WITHOUT_BLAS = True
    try:
        cli(prog_name="dupfinder")
    except KeyboardInterrupt:  # outside a command (while parsing options)
        click.echo("dupfinder: interrupted", err=True)
        sys.exit(130)
    except SystemExit as stop:
        # Output still buffered meets a closed pipe here, not in the interpreter's last flush
        # (which would print "Exception ignored ... BrokenPipeError").
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(141)
        if "pyspark" in sys.modules:
            raise  # its exit handlers stop the JVM
        _exit_now(stop.code)


def _plain_pages() -> None:
    """Stop numpy advising transparent huge pages for its large arrays (for this process and
    the workers it forks), unless the user set ``NUMPY_MADVISE_HUGEPAGE``.

    Where the kernel compacts memory to satisfy that advice at the first touch (THP
    ``defrag=madvise``, a common default), each fresh array costs four times as long to fill:
    at 100k articles a scan spent 1.3 s more in the kernel and 1 s more in all. The arrays of a
    scan are written once and read a few times, where huge pages save little."""
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        return
    import numpy as np

    for module in ("_core", "core"):  # numpy 2, numpy 1
        setter = getattr(getattr(getattr(np, module, None), "multiarray", None),
                         "_set_madvise_hugepage", None)
        if setter is not None:
            setter(False)
            return


def _exit_now(code: object) -> NoReturn:
    """End the process without tearing the interpreter down: after a large scan that is
    freeing millions of objects one by one (0.7 s at 100k articles), to no end. Every report
    is written and closed, every worker pool shut, by then; only the streams need a flush."""
    if isinstance(code, str):
        sys.stderr.write(code + "\n")
        code = 1
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 0)

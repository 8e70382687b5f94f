"""``govsim run``: run scenarios as seeded ensembles and write the comparison report.

`register` adds the subcommand to the `govsim` parser (govsim/cli.py). Scenario, parameter,
timeline and date mistakes propagate as their exceptions (`ScenarioError`, `ParameterError`,
`TimelineError`, `CalendarError`; all `ValueError`) for `govsim.cli.main` to print as one
paragraph; nothing is written in that case.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from govsim import argtypes
from govsim.model.calendar import MonthCalendar
from govsim.model.levers import WHERE_FORMS, LeverError, StrategyRule
from govsim.model.parameters import LEVERS
from govsim.scenarios.atomic import folder_refusal, path_problem, write_error
from govsim.scenarios.ensemble import DEFAULT_OUT, DEFAULT_REPLICATIONS, DEFAULT_SEED, run_ensemble
from govsim.scenarios.expectations import all_checks, tally
from govsim.scenarios.output_folder import INCOMPLETE, OutputFolderError
from govsim.scenarios.scenario import ScenarioError
from govsim.scenarios.summary import EnsembleData


def standard_set() -> tuple[str, ...]:
    """The scenarios `govsim run` runs when none are named (`scenarios.loader.STANDARD_SET`)."""
    from govsim.scenarios.loader import STANDARD_SET

    return tuple(STANDARD_SET)


STRATEGY_FORM = (
    "'WHERE: key=value, key=value', e.g. 'Borne: role=changer, dso_lobby=0.8' or "
    "'size_class <20k: start_early=1, start=2019-01' (start: from that month on)"
)


def parse_strategy_option(text: str) -> StrategyRule:
    """One ``--strategy`` value as a `StrategyRule` (the form of `STRATEGY_FORM`).

    Raises:
        ScenarioError: One paragraph naming the value and what is allowed.
    """

    def fail(problem: str, allowed: str) -> ScenarioError:
        return ScenarioError(f"--strategy {text!r}: {problem}. Allowed: {allowed}.")

    where, sep, rest = text.partition(":")
    if not sep or not where.strip() or not rest.strip():
        raise fail("is not of the form WHERE: key=value", STRATEGY_FORM)
    values: dict[str, Any] = {}
    for item in rest.split(","):
        key, eq, raw = item.partition("=")
        key, raw = key.strip(), raw.strip()
        if not eq or not key or not raw:
            raise fail(f"'{item.strip()}' is not key=value", STRATEGY_FORM)
        try:
            values[key] = float(raw)
        except ValueError:
            values[key] = raw
    start = values.pop("start", None)
    if start is not None and not values:
        raise fail("sets no choice besides 'start'", "any of " + ", ".join(LEVERS))
    try:
        rule = StrategyRule(where.strip(), values, None if start is None else str(start))
        rule.start_step(MonthCalendar())
        return rule
    except LeverError as exc:
        allowed = exc.allowed or f"where ({WHERE_FORMS}) and keys {', '.join(LEVERS)}"
        raise fail(exc.problem, allowed) from None


def plural(n: int, word: str) -> str:
    """``n`` and the English ``word``, with an s unless n is one ("1 run", "2 runs")."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def with_strategy(scenarios: list[str], rules: list[StrategyRule]) -> list[Any]:
    """The scenarios, with ``rules`` appended to each one's ``[[strategy]]`` rules."""
    if not rules:
        return scenarios
    from govsim.scenarios.loader import load_scenario

    out = []
    for ref in scenarios:
        scenario = load_scenario(ref)
        out.append(dataclasses.replace(scenario, strategy=(*scenario.strategy, *rules)))
    return out


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``govsim run`` to ``subparsers`` (from `ArgumentParser.add_subparsers`)."""
    names = ", ".join(standard_set())
    p = subparsers.add_parser(
        "run",
        help="run scenarios as seeded ensembles and write a comparison report",
        description="Run every scenario N times with common random numbers (replication i uses "
        "the same seed in every scenario), in parallel processes, and write to --out: the time "
        "series of every replication (series/*.parquet), a summary per scenario (median and "
        "5-95% band; summary.parquet, summary.csv), figures, a self-contained HTML report "
        "(report.html) and manifest.json (scenario files, seeds, parameters, versions, "
        "timings). Rerunning with the same arguments reproduces identical data files.",
    )
    p.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO",
        help=f"shipped scenario names or paths of scenario files (.toml); default: {names}",
    )
    p.add_argument(
        "--replications",
        "-n",
        type=argtypes.positive_int,
        default=DEFAULT_REPLICATIONS,
        help=f"replications per scenario (default {DEFAULT_REPLICATIONS})",
    )
    p.add_argument(
        "--seed",
        type=argtypes.seed,
        default=DEFAULT_SEED,
        help=f"root seed, 0 to 2**128 - 1 (default {DEFAULT_SEED})",
    )
    p.add_argument(
        "--workers",
        "-j",
        type=argtypes.positive_int,
        default=None,
        help="worker processes, at most the CPUs available (default: all of them; 1 runs in "
        "this process)",
    )
    p.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    p.add_argument(
        "--lang", choices=("nl", "en"), default="en", help="report language (default en)"
    )
    p.add_argument(
        "--municipalities",
        nargs="+",
        metavar="NAME",
        default=None,
        help="only these municipalities or provinces (CBS codes, names, province names; "
        "'Utrecht' is the province, 'municipality Utrecht' or GM0344 the city)",
    )
    p.add_argument(
        "--until",
        type=argtypes.month,
        default=None,
        help="last simulated month, 2013-01 to 2029-12 (default 2029-12)",
    )
    p.add_argument(
        "--strategy",
        action="append",
        default=[],
        metavar="RULE",
        help="the secretary's choices for a selection of municipalities, applied to every "
        "scenario after its own [[strategy]] tables: " + STRATEGY_FORM + "; repeatable "
        "(later rules win; docs/scenarios.md)",
    )
    p.add_argument(
        "--reference",
        default=None,
        help="scenario to compare against (default: baseline if run, else the first)",
    )
    p.add_argument(
        "--lessons",
        default=None,
        metavar="WHERE",
        help="also rank the seven lessons and the secretary's choices for WHERE against the "
        "reference scenario (as `govsim lessons WHERE`), in lessons.csv and the report",
    )
    p.add_argument(
        "--lessons-replications",
        type=argtypes.positive_int,
        default=None,
        metavar="N",
        help="paired replications per lesson (default: --replications)",
    )
    p.add_argument("--no-report", action="store_true", help="write the data files only")
    p.add_argument(
        "--force",
        action="store_true",
        help="write into a folder that holds files govsim did not write (they are kept)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_run)
    return p


def command_line(args: argparse.Namespace, scenarios: list[str], workers: int) -> list[str]:
    """The full ``govsim run`` command that reproduces this run (recorded in the manifest)."""
    cmd = ["govsim", "run", *scenarios]
    cmd += ["--replications", str(args.replications), "--seed", str(args.seed)]
    cmd += ["--workers", str(workers), "--out", str(args.out), "--lang", args.lang]
    if args.municipalities:
        cmd += ["--municipalities", *args.municipalities]
    if args.until:
        cmd += ["--until", args.until]
    for rule in getattr(args, "strategy", []):
        cmd += ["--strategy", rule]
    if args.reference:
        cmd += ["--reference", args.reference]
    if getattr(args, "lessons", None):
        cmd += ["--lessons", args.lessons]
        if args.lessons_replications:
            cmd += ["--lessons-replications", str(args.lessons_replications)]
    if args.no_report:
        cmd.append("--no-report")
    return cmd


def check_writable(out: str) -> None:
    """Refuse an ``--out`` whose folder cannot be made or written, before anything runs.

    An existing ``--out`` that is a file is left to `scenarios.output_folder.check_folder`.

    Raises:
        OutputFolderError: If a part of ``out`` stands in the way (a file, a symbolic link to
            nothing, a name too long; `scenarios.atomic.path_problem`) or the folder where
            writing starts is read-only.
    """
    if not out.strip():
        return  # left to check_folder: "--out must name a folder"
    refusal = folder_refusal(
        out, shown=f"--out {out}", allowed="a new or empty folder you may write into", file_ok=True
    )
    if refusal is not None:
        raise OutputFolderError(refusal)


def write_failure(exc: OSError, out: str) -> ScenarioError | None:
    """The one-paragraph error for ``exc`` raised while writing into ``out`` (None: not one).

    What the error means comes from `scenarios.atomic.WRITE_ERRORS` (`write_error`).

    The ensemble writes every file atomically and marks the folder incomplete while writing
    (`scenarios.output_folder`), so the message can say what was left behind.
    """
    start = write_error(exc, out)
    if start is None:
        return None
    try:
        marked = (Path(out) / INCOMPLETE).exists()
    except OSError:  # --out itself cannot be looked at
        marked = False
    if marked:
        left = (
            f"the files written so far are marked incomplete ({INCOMPLETE}) and are replaced "
            "by the next govsim run into this folder"
        )
    else:
        left = "nothing was written"
    return OutputFolderError(
        f"{start}; {left}. Allowed: a folder you may write into, on a device with free space "
        "(free some space or choose another --out and run again)"
    )


def cmd_run(args: argparse.Namespace) -> int:
    """Run ``govsim run`` with parsed arguments; print what was written.

    Raises:
        OutputFolderError: For an ``--out`` that cannot be written: read-only, a full disk or
            quota (checked before the runs where possible; otherwise when writing fails).
    """
    scenarios = list(args.scenarios) or list(standard_set())
    workers, capped = argtypes.capped_workers(args.workers, "run")
    if capped:
        print(capped, file=sys.stderr)
    rules = [parse_strategy_option(text) for text in args.strategy]
    check_writable(args.out)
    try:
        output = _run(args, scenarios, rules, workers)
    except OSError as exc:
        failure = write_failure(exc, args.out)
        if failure is None:
            raise
        raise failure from None
    timing = output.manifest["timings"]
    runs = len(timing["runs"])
    scenarios_run = len(output.data.scenarios)
    print(
        f"{plural(runs, 'run')} ({plural(scenarios_run, 'scenario')} × "
        f"{plural(args.replications, 'replication')}) in {timing['total_seconds']:.1f} s with "
        f"{min(workers, runs)} worker(s)"
    )
    print(f"data:     {output.out_dir / 'series'}, {output.out_dir / 'summary.parquet'}")
    print(f"manifest: {output.out_dir / 'manifest.json'}")
    expected = expectation_line(output.data)
    if expected:
        print(expected)
    if output.report is not None:
        print(f"report:   {output.report.resolve()}")
    return 0


def expectation_line(data: EnsembleData) -> str:
    """One line on the report's expectations against the model ("" when none are stated).

    Names every expectation the model disagrees with (`scenarios.expectations`).
    """
    pairs = all_checks(data)
    if not pairs:
        return ""
    count = tally([c for _, c in pairs])
    line = (
        f"expected: the report's {len(pairs)} expectations of these what-ifs: the model agrees "
        f"with {count['agrees']}, disagrees with {count['disagrees']}, no noticeable difference "
        f"for {count['unclear']}"
        + (
            f", not checked for {count['not_checked']} (their moment lies outside the run)"
            if count["not_checked"]
            else ""
        )
    )
    against = [
        f"{name}: {c.expectation.indicator} {c.expectation.direction}"
        for name, c in pairs
        if c.verdict == "disagrees"
    ]
    return line + (f" (disagrees: {'; '.join(against)})" if against else "")


def _run(args: argparse.Namespace, scenarios: list[str], rules: list[StrategyRule], workers: int):
    """`run_ensemble` with the command's arguments."""
    return run_ensemble(
        with_strategy(scenarios, rules),
        replications=args.replications,
        seed=args.seed,
        workers=workers,
        out_dir=args.out,
        lang=args.lang,
        municipalities=args.municipalities,
        until=args.until,
        reference=args.reference,
        progress=not args.no_progress,
        report=not args.no_report,
        command=command_line(args, scenarios, workers),
        force=args.force,
        lessons=args.lessons,
        lessons_replications=args.lessons_replications,
    )


def register_report(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``govsim report DIR`` (re-render a finished run's report; issue 17)."""
    p = subparsers.add_parser(
        "report",
        help="draw a finished run's report again from its stored data (e.g. in the other language)",
        description="Read the series and manifest of a finished `govsim run` folder, check them "
        "against the manifest's hashes, and write its figures and report.html again, in the "
        "language asked for. Nothing is simulated; the data files are not changed.",
    )
    p.add_argument("folder", metavar="DIR", help="the --out folder of a finished govsim run")
    p.add_argument(
        "--lang", choices=("nl", "en"), default="en", help="report language (default en)"
    )
    p.set_defaults(func=cmd_report)
    return p


def cmd_report(args: argparse.Namespace) -> int:
    """Run ``govsim report`` with parsed arguments; print the report's path."""
    from govsim.scenarios.rerender import rerender_report

    report = rerender_report(args.folder, args.lang)
    print(f"report:   {report.resolve()}")
    return 0


def check_csv(name: str) -> None:
    """Refuse a ``--csv`` that cannot be written as a file, before anything runs.

    Raises:
        OutputFolderError: For an empty name, a folder or a device (``/dev/null``: the file is
            written under a temporary name and renamed, which would replace it), or a path
            below a file.
    """
    path = Path(name)
    if not name.strip():
        raise OutputFolderError("--csv must name a CSV file; got an empty name")
    problem = path_problem(path, folder=False)
    if problem is not None:
        raise OutputFolderError(
            f"--csv {name} cannot be written: {problem}. Allowed: the name of a CSV file in a "
            "folder"
        )
    if path.exists() and not path.is_file():
        raise OutputFolderError(
            f"--csv {name} is a folder or a device, not a file. Allowed: the name of a new or "
            "existing CSV file (it is replaced)"
        )


def register_lessons(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``govsim lessons [WHERE]`` (the ranked lessons for a selection; issue 17)."""
    p = subparsers.add_parser(
        "lessons",
        help="what should we do next? the seven lessons and the secretary's choices, ranked "
        "for a municipality, region, province, size class or the country",
        description="Apply each lesson of report §5.5 and each role, stance and strategy "
        "choice to the municipalities of WHERE on top of a base scenario, run it with common "
        "random numbers against the base, and rank the choices on the Omgevingswet's "
        "transformation by 2029, transition at entry and the secretary's satisfaction at entry, "
        "with 5-95%% bands and rank bands from resampling the replications. A municipality is "
        "simulated with its youth-care region and judged on its own state.",
    )
    p.add_argument(
        "where",
        nargs="?",
        default="all",
        metavar="WHERE",
        help="a municipality ('Borne'), 'region NAME', 'province NAME', 'size_class <20k' or "
        "'all' (default)",
    )
    p.add_argument("--scenario", default="baseline", help="base scenario (default baseline)")
    p.add_argument(
        "--replications",
        "-n",
        type=argtypes.positive_int,
        default=10,
        help="paired replications per choice (default 10)",
    )
    p.add_argument(
        "--seed",
        type=argtypes.seed,
        default=DEFAULT_SEED,
        help=f"root seed (default {DEFAULT_SEED})",
    )
    p.add_argument(
        "--workers", "-j", type=argtypes.positive_int, default=None, help="worker processes"
    )
    p.add_argument("--lang", choices=("nl", "en"), default="en", help="language (default en)")
    p.add_argument("--csv", metavar="FILE", default=None, help="also write the table as CSV")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_lessons)
    return p


def cmd_lessons(args: argparse.Namespace) -> int:
    """Run ``govsim lessons`` with parsed arguments; print the ranking."""
    from govsim.model.levers import LeverError, parse_where
    from govsim.scenarios.advice import advise, render_text
    from govsim.scenarios.atomic import atomic_path
    from govsim.scenarios.loader import load_scenario

    try:
        parse_where(args.where)
    except LeverError as exc:
        raise ScenarioError(
            f"WHERE {args.where!r}: {exc.problem}. Allowed: {exc.allowed}."
        ) from None
    base = load_scenario(args.scenario)
    if args.csv is not None:
        check_csv(args.csv)
    workers, capped = argtypes.capped_workers(args.workers, "lessons")
    if capped:
        print(capped, file=sys.stderr)
    ranking = advise(
        base,
        args.where,
        replications=args.replications,
        seed=args.seed,
        workers=workers,
        progress=not args.no_progress,
    )
    if args.csv:
        with atomic_path(args.csv) as tmp:
            ranking.table.to_csv(tmp, index=False, float_format="%.6g")
    print(render_text(ranking, base, args.lang))
    return 0

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
from typing import Any

from govsim import argtypes
from govsim.model.levers import WHERE_FORMS, LeverError, StrategyRule
from govsim.model.parameters import LEVERS
from govsim.scenarios.ensemble import DEFAULT_OUT, DEFAULT_REPLICATIONS, DEFAULT_SEED, run_ensemble
from govsim.scenarios.scenario import ScenarioError


def standard_set() -> tuple[str, ...]:
    """The scenarios `govsim run` runs when none are named (`scenarios.loader.STANDARD_SET`)."""
    from govsim.scenarios.loader import STANDARD_SET

    return tuple(STANDARD_SET)


STRATEGY_FORM = (
    "'WHERE: key=value, key=value', e.g. 'Borne: role=changer, dso_lobby=0.8' or "
    "'size_class <20k: start_early=1'"
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
    try:
        return StrategyRule(where.strip(), values)
    except LeverError as exc:
        allowed = exc.allowed or f"where ({WHERE_FORMS}) and keys {', '.join(LEVERS)}"
        raise fail(exc.problem, allowed) from None


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
        help="only these municipalities or provinces (CBS codes, names, province names)",
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
    if args.no_report:
        cmd.append("--no-report")
    return cmd


def cmd_run(args: argparse.Namespace) -> int:
    """Run ``govsim run`` with parsed arguments; print what was written."""
    scenarios = list(args.scenarios) or list(standard_set())
    workers, capped = argtypes.capped_workers(args.workers, "run")
    if capped:
        print(capped, file=sys.stderr)
    rules = [parse_strategy_option(text) for text in args.strategy]
    output = run_ensemble(
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
    )
    timing = output.manifest["timings"]
    runs = len(timing["runs"])
    print(
        f"{runs} runs ({len(output.data.scenarios)} scenarios × {args.replications} "
        f"replications) in {timing['total_seconds']:.1f} s with {min(workers, runs)} worker(s)"
    )
    print(f"data:     {output.out_dir / 'series'}, {output.out_dir / 'summary.parquet'}")
    print(f"manifest: {output.out_dir / 'manifest.json'}")
    if output.report is not None:
        print(f"report:   {output.report.resolve()}")
    return 0


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

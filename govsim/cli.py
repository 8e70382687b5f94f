"""The `govsim` command line. Each subcommand has its own `--help`.

User mistakes (bad flags, parameters, dates, files) end in a one-paragraph message and exit
code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from govsim import argtypes, provenance
from govsim.model.calendar import CalendarError
from govsim.model.parameters import (
    CALIBRATED_PATH,
    CHOICES,
    PARAMETERS,
    ParameterError,
    calibrated_values,
    defaults,
)
from govsim.model.timeline import TimelineError
from govsim.scenarios.scenario import ScenarioError

USER_ERRORS: tuple[type[Exception], ...] = (
    ParameterError,
    TimelineError,
    CalendarError,
    ScenarioError,
)


WRITE_ERRNOS = (
    errno.ENOSPC,
    errno.EDQUOT,
    errno.EROFS,
    errno.EACCES,
    errno.EPERM,
    errno.ENOTDIR,
    errno.EISDIR,
    errno.ENOENT,
)
"""`OSError` numbers that mean a place the user named cannot be written (full, read-only, not
allowed, a file where a folder belongs, a system folder such as /proc that takes no new
entries): printed as one paragraph, like `USER_ERRORS`. Inputs that do not exist are refused
by name before this (scenario and spec files, --db, --resume)."""


class UserError(Exception):
    """A mistake in what the user asked for; printed as one paragraph, no traceback."""


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def one_paragraph(text: str) -> str:
    """``text`` on one line, its control characters shown escaped.

    A user's value in a message (a path, a name) may bring line breaks or terminal escapes;
    they are shown as Python writes them in a string (a line break as backslash-n).
    """
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


class _Parser(argparse.ArgumentParser):
    """An `argparse.ArgumentParser` whose usage errors stay one paragraph (`one_paragraph`).

    A subcommand (``strict``, set by `add_common_flags`) reports arguments it does not know
    itself, so the message names it (``govsim experiment run: error: ...``).
    """

    strict = False

    def error(self, message: str) -> NoReturn:
        super().error(one_paragraph(message))

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras and self.strict:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras


def write_error_message(exc: OSError) -> str:
    """One paragraph for an `OSError` of `WRITE_ERRNOS`: what failed where, what is needed."""
    reason = (exc.strerror or os.strerror(exc.errno or 0)).rstrip(".").lower()
    where = f"{exc.filename}: " if exc.filename else ""
    return (
        f"{where}{reason}. Allowed: files and folders you may write into, on a device with "
        "free space"
    )


def _cmd_baseline(args: argparse.Namespace) -> int:
    from govsim.baseline import run_baseline, table_text
    from govsim.scenarios.atomic import folder_refusal
    from govsim.scenarios.output_folder import OutputFolderError

    refusal = folder_refusal(  # before the run: a link to nothing, a file in the way, read-only
        args.out, shown=f"--out {args.out}", allowed="a folder (new or existing) you may write into"
    )
    if refusal is not None:
        raise OutputFolderError(refusal)
    table, written = run_baseline(args.seed, Path(args.out), args.lang)
    print(table_text(table, args.lang))
    print()
    for path in written:
        print(f"wrote {path}")
    return 0


def _cmd_params(args: argparse.Namespace) -> int:
    rows = [p for p in PARAMETERS.values() if p.calibratable or not args.calibratable]
    if args.levers:
        rows = [p for p in rows if p.lever]
    choices = [] if args.calibratable else list(CHOICES.values())
    used = defaults()  # what a run uses: the declared defaults with the calibrated set over them
    fitted = calibrated_values()
    if args.format == "csv":
        print("name,default,declared,calibrated,unit,low,high,lever,source")
        for p in rows:
            lever = "yes" if p.lever else "no"
            mark = "yes" if p.name in fitted else "no"
            print(
                f'{p.name},{used[p.name]},{p.default},{mark},"{p.unit}",{p.low},{p.high},'
                f'{lever},"{p.source}"'
            )
        for c in choices:
            print(
                f'{c.name},{c.default},{c.default},no,"one of: {" ".join(c.values)}",,,yes,'
                f'"{c.source}"'
            )
        return 0
    if fitted:
        print(f"default: the value a run uses; {len(fitted)} come from the calibrated set")
        print(f"({CALIBRATED_PATH.name}), the others are the declared values.\n")
    width = max(len(p.name) for p in [*rows, *choices])
    for p in rows:
        tag = "  (lever: [[strategy]])" if p.lever else ""
        if p.name in fitted:
            tag += f"  (calibrated; declared {p.default:g})"
        print(f"{p.name:<{width}}  {used[p.name]:>8.4g}  [{p.low:g}, {p.high:g}] {p.unit}{tag}")
        print(f"{'':<{width}}  {p.description}")
        print(f"{'':<{width}}  source: {p.source}")
    for c in choices:
        values = ", ".join(c.values)
        print(f"{c.name:<{width}}  {c.default:>8}  one of: {values}  (lever: [[strategy]])")
        print(f"{'':<{width}}  {c.description}")
        print(f"{'':<{width}}  source: {c.source}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = _Parser(
        prog="govsim",
        description="Agent-based simulation of governance change in Dutch municipalities "
        "(3D and Omgevingswet), after 'Leren Decentraliseren' (BMC/VGS 2018).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "baseline",
        help="one national baseline run: summary table and figure",
        description="Run the baseline timeline once for all 388 municipalities "
        "(2013-2029), print a summary table and write a figure of transition vs "
        "transformation per domain.",
    )
    p.add_argument(
        "--seed", type=argtypes.seed, default=20180101, help="random seed (default 20180101)"
    )
    p.add_argument("--out", default="out/baseline", help="output folder (default out/baseline)")
    p.add_argument("--lang", choices=("nl", "en"), default="en", help="label language")
    p.set_defaults(func=_cmd_baseline)

    p = sub.add_parser(
        "params",
        help="list the model's parameters with ranges and sources",
        description="List every declared parameter: the default a run uses (the calibrated "
        "value where there is one, with the declared value beside it), range, unit, source.",
    )
    p.add_argument("--calibratable", action="store_true", help="only free (to be calibrated) ones")
    p.add_argument(
        "--levers",
        action="store_true",
        help="only the secretary's choices (settable per municipality in [[strategy]] tables)",
    )
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.set_defaults(func=_cmd_params)

    for register in _registrars():
        register(sub)
    add_common_flags(parser)
    return parser


def _commands(parser: argparse.ArgumentParser, depth: int = 0):
    """``(command, depth)`` for every subcommand below ``parser``, at any depth."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                yield command, depth + 1
                yield from _commands(command, depth + 1)


def add_common_flags(parser: argparse.ArgumentParser) -> None:
    """``--version`` on ``parser`` and every command; ``-v``/``-q`` on every command.

    A subcommand of a subcommand (``experiment run``) takes them too; given there, they count
    as given to its parent (its flags leave the parent's value when not given). Every command
    reports arguments it does not know under its own name (`_Parser.strict`).
    """
    version = f"govsim {provenance.govsim_version()} ({provenance.code_label()})"
    parser.add_argument("--version", action="version", version=version)
    for command, depth in _commands(parser):
        command.strict = True  # type: ignore[attr-defined]
        command.add_argument("--version", action="version", version=version)
        nested = {} if depth == 1 else {"default": argparse.SUPPRESS}
        options = command._option_string_actions
        if "--verbose" not in options:
            command.add_argument(
                "-v",
                "--verbose",
                action="count",
                **({"default": 0} | nested),
                help="say more on stderr (-v: what is done, -vv: debugging detail)",
            )
        if "--quiet" not in options:  # calibrate brings its own
            command.add_argument(
                "-q",
                "--quiet",
                action="store_true",
                **({"default": False} | nested),
                help="no progress bars or messages on stderr",
            )


def apply_verbosity(args: argparse.Namespace) -> None:
    """Set the ``govsim`` loggers from ``-v``/``-q``; ``-q`` also turns progress bars off."""
    if args.quiet:
        level = logging.ERROR
        if hasattr(args, "no_progress"):
            args.no_progress = True
    else:
        level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    logger = logging.getLogger("govsim")
    logger.setLevel(level)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("govsim: %(message)s"))
        logger.addHandler(handler)


def _registrars() -> list[Callable[[Any], Any]]:
    """The subcommands contributed by the other packages (each module's ``register``)."""
    from govsim.experiments.calibration.cli import register as calibration
    from govsim.experiments.cli import register as experiment
    from govsim.file_schemas import register as schema
    from govsim.scenarios.cli import register as scenarios
    from govsim.scenarios.cli import register_lessons as lessons
    from govsim.scenarios.cli import register_report as report
    from govsim.viz.cli import register as viz

    return [scenarios, report, lessons, experiment, calibration, viz, schema]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    apply_verbosity(args)
    try:
        return func(args)
    except (UserError, *USER_ERRORS) as exc:
        print(f"govsim {args.command}: {one_paragraph(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C: no traceback; an experiment says what is kept
        said = str(exc) or "interrupted"
        print(f"govsim {args.command}: {one_paragraph(said)}", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (``govsim params | head``): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        if exc.errno not in WRITE_ERRNOS:
            raise
        print(f"govsim {args.command}: {one_paragraph(write_error_message(exc))}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

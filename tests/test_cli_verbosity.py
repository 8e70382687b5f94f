"""-v/-q on every command, and progress bars that appear in Jupyter (issue 17)."""

import argparse
import logging

import pytest

from govsim.cli import apply_verbosity, build_parser
from govsim.scenarios import runner


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_command_takes_verbose_and_quiet(name):
    options = _subcommands()[name]._option_string_actions
    assert "-q" in options and "--quiet" in options, name
    if name != "calibrate":  # calibrate's -q predates the common flags; it logs by itself
        assert "-v" in options and "--verbose" in options, name


def test_quiet_turns_progress_off_and_logging_down():
    args = build_parser().parse_args(["run", "baseline", "-q"])
    assert args.no_progress is False
    apply_verbosity(args)
    assert args.no_progress is True
    assert logging.getLogger("govsim").level == logging.ERROR


@pytest.mark.parametrize(
    ("flags", "level"), [([], "WARNING"), (["-v"], "INFO"), (["-vv"], "DEBUG")]
)
def test_verbose_raises_the_log_level(flags, level):
    args = build_parser().parse_args(["params", *flags])
    apply_verbosity(args)
    assert logging.getLevelName(logging.getLogger("govsim").level) == level


def test_progress_bars_show_in_a_notebook_and_not_in_a_pipe(monkeypatch):
    assert runner.in_notebook() is False  # pytest is no Jupyter kernel
    assert runner._progress_bar(3, True, "x").disable is True  # stderr is captured, no tty
    monkeypatch.setattr(runner, "in_notebook", lambda: True)
    bar = runner._progress_bar(3, True, "x")
    assert bar.disable is False
    bar.close()
    assert runner._progress_bar(3, False, "x").disable is True

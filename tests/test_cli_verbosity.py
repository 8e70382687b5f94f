"""-v/-q on every command, and progress bars that appear in Jupyter (issue 17)."""

import argparse
import logging

import pytest

from govsim.cli import apply_verbosity, build_parser, main
from govsim.scenarios import runner


def _subcommands(
    parser: argparse.ArgumentParser | None = None,
) -> dict[str, argparse.ArgumentParser]:
    """Every command by its words (``"experiment run"``), at any depth."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in (parser or build_parser())._actions:
        if isinstance(action, argparse._SubParsersAction):
            for word, command in action.choices.items():
                found[word] = command
                found |= {f"{word} {k}": v for k, v in _subcommands(command).items()}
    return found


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_command_takes_verbose_quiet_and_version(name):
    options = _subcommands()[name]._option_string_actions
    for flag in ("-q", "--quiet", "-v", "--verbose", "--version"):
        assert flag in options, (name, flag)


def test_the_experiment_commands_take_the_common_flags():
    """Before: `govsim experiment run SPEC --out D -q` gave 'govsim: error: unrecognized
    arguments: -q', and so -v on query, sensitivity and discover, and `govsim calibrate -v`."""
    parser = build_parser()
    args = parser.parse_args(["experiment", "run", "s.toml", "--out", "d", "-q"])
    assert args.quiet is True and args.verbose == 0
    args = parser.parse_args(
        ["experiment", "discover", "d", "--outcome", "o", "--threshold", "1", "-vv"]
    )
    assert args.verbose == 2 and args.quiet is False
    args = parser.parse_args(["experiment", "-v", "sensitivity", "d", "--outcome", "o"])
    assert args.verbose == 1  # the parent's flag stays when the subcommand has none
    assert parser.parse_args(["calibrate", "-v"]).verbose == 1


def test_calibrate_takes_verbose(capsys):
    # -v parsed, then the settings refused before anything runs (no sampling)
    assert main(["calibrate", "-v", "--resume", "--targets", "x", "--out", "o"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("govsim calibrate: --resume continues a stored run")
    assert "unrecognized" not in err


@pytest.mark.parametrize(
    ("argv", "prog"),
    [
        (["experiment", "run", "s.toml", "--out", "d", "--bogus"], "govsim experiment run"),
        (["experiment", "--bogus", "query", "d", "SELECT 1"], "govsim experiment"),
        (["params", "--bogus"], "govsim params"),
    ],
)
def test_a_wrong_flag_is_reported_by_its_command(argv, prog, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert f"{prog}: error: unrecognized arguments: --bogus" in err.splitlines()[-1]


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

"""Command-line values are checked where they enter (`govsim.argtypes`; issues 17 and 18)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from govsim import argtypes
from govsim.cli import main
from govsim.viz.cli import host_warning


def _error(capsys, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--seed", "-1"], "a seed is a whole number from 0 to 2**128 - 1"),
        (["run", "--seed", "9" * 400], "a seed is a whole number from 0 to 2**128 - 1"),
        (["run", "--seed", "seven"], "a seed is a whole number"),
        (["run", "--until", "2040-01"], "2040-01 lies outside the simulated months 2013-01"),
        (["run", "--until", "later"], "expected a month such as 2021-06"),
        (["run", "-j", "0"], "must be at least 1, got 0"),
        (["app", "--port", "99999"], "a port is a whole number from 1 to 65535; got 99999"),
        (["app", "--port", "-1"], "a port is a whole number from 1 to 65535; got -1"),
        (["baseline", "--seed", "-5"], "a seed is a whole number"),
        (["survey", "--seed", "-5"], "a seed is a whole number"),
        (["calibrate", "--procs", "0"], "must be at least 1, got 0"),
    ],
)
def test_a_bad_value_names_its_flag_and_the_allowed_range(capsys, argv, message):
    line = _error(capsys, argv)
    assert message in line and "argument" in line
    assert len(line) < 200  # a 400-digit seed is not echoed back


def test_the_largest_seed_is_accepted_and_one_more_is_not():
    assert argtypes.seed(str(argtypes.MAX_SEED)) == 2**128 - 1
    with pytest.raises(Exception, match="2\\*\\*128"):
        argtypes.seed(str(2**128))
    assert argtypes.month("2029-12") == "2029-12"


def test_more_workers_than_cpus_are_capped_with_a_message(monkeypatch):
    monkeypatch.setattr(argtypes, "available_cpus", lambda: 2)
    assert argtypes.capped_workers(100000, "run") == (
        2,
        "govsim run: -j 100000 is more than the 2 CPUs available; using 2",
    )
    assert argtypes.capped_workers(1, "run") == (1, None)
    assert argtypes.capped_workers(None, "run") == (2, None)


def test_govsim_run_caps_workers_and_says_so(tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["run", "baseline", "-n", "1", "-j", "100000", "--municipalities", "Utrecht"]
    assert main([*argv, "--until", "2014-06", "--out", str(out), "--no-report"]) == 0
    err = capsys.readouterr().err
    cpus = argtypes.available_cpus()
    assert f"-j 100000 is more than the {cpus} CPUs available; using {cpus}" in err


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_the_app_on_this_machine_needs_no_warning(host):
    assert host_warning(host, 8765) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "workshop.local"])
def test_the_app_on_the_network_is_announced(host):
    warning = host_warning(host, 8765)
    assert warning.startswith(f"govsim app: warning: --host {host} makes the app reachable")
    assert "port 8765" in warning


def test_every_command_has_version(capsys):
    for argv in (["--version"], ["run", "--version"], ["survey", "--version"]):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 0
        assert capsys.readouterr().out.startswith("govsim ")


def test_a_closed_pipe_ends_quietly():
    shell = f"{sys.executable} -m govsim params | head -n 1"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("default: the value a run uses")
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr

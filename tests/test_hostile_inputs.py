"""Hostile inputs end in one paragraph and exit code 2, never a traceback (issue 18, item 6).

Every case runs ``govsim.cli.main`` in this process and checks stderr: one paragraph naming the
input, the problem and what is allowed; no "Traceback"; and, where the command writes files,
that nothing was written (or that the folder is marked incomplete by the existing mechanism).
"""

from __future__ import annotations

import errno
import os
import types
from pathlib import Path

import pytest

import govsim.scenarios.atomic as atomic
from govsim.cli import main
from govsim.scenarios.loader import MAX_EXTENDS, load_scenario
from govsim.scenarios.output_folder import INCOMPLETE

HEADER = '[title]\nen = "T"\n[description]\nen = "D"\n'
QUICK_RUN = ["-n", "1", "-j", "1", "--municipalities", "Utrecht", "--until", "2013-03"]
QUICK_RUN += ["--no-report", "--no-progress"]
SPEC = """
[experiment]
scenario = "baseline"
municipalities = ["Utrecht"]

[design]
method = "factorial"

[[factors]]
name = "training_intensity"
levels = [0.2, 0.9]

[[outcomes]]
indicator = "transformation_physical"
date = "2013-06"
"""
DEEP = "[" * 50_000 + "]" * 50_000
INT64 = "-9223372036854775808 to 9223372036854775807"


def fails(capsys, argv: list[str]) -> str:
    """Run ``govsim argv``; check exit code 2 and one paragraph on stderr; return it."""
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's own usage error
        code = stop.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert err.strip() and "\n\n" not in err.strip(), err  # exactly one paragraph
    if not err.startswith("usage:"):  # not argparse's: one line, govsim's prefix
        command = " ".join(argv[:2]) if argv[0] == "experiment" else argv[0]
        assert err.startswith(f"govsim {command}: ") and err.count("\n") == 1, err
    return " ".join(err.split())


def scenario(path: Path, name: str, extends: str | None = None, body: str = "") -> Path:
    top = f'name = "{name}"\n' + (f'extends = "{extends}"\n' if extends else "")
    path.write_text(top + HEADER + body, encoding="utf-8")
    return path


def run_file(capsys, tmp_path: Path, file: Path) -> str:
    out = tmp_path / "out"
    message = fails(capsys, ["run", str(file), *QUICK_RUN, "--out", str(out)])
    assert not out.exists()
    return message


def experiment_file(capsys, tmp_path: Path, file: Path) -> str:
    out = tmp_path / "exp"
    message = fails(capsys, ["experiment", "run", str(file), "--out", str(out), "-j", "1"])
    assert not out.exists()
    return message


# ---------------------------------------------------------------------------- 1. TOML files
def test_a_scenario_file_nested_50000_deep_is_too_deeply_nested(capsys, tmp_path):
    file = scenario(tmp_path / "deep.toml", "deep", body=f"x = {DEEP}\n")
    message = run_file(capsys, tmp_path, file)
    assert f"Scenario file '{file}': is nested too deeply" in message
    assert "Allowed: arrays and tables nested at most 32 levels deep" in message


def test_an_experiment_spec_nested_50000_deep_is_too_deeply_nested(capsys, tmp_path):
    file = tmp_path / "deep.toml"
    file.write_text(SPEC + f"x = {DEEP}\n", encoding="utf-8")
    message = experiment_file(capsys, tmp_path, file)
    assert f"Experiment spec '{file}': is nested too deeply" in message


def test_a_table_header_50000_keys_deep_is_too_deeply_nested(capsys, tmp_path):
    # tomllib reads a dotted header without recursion; the check after it still refuses it
    file = scenario(tmp_path / "dotted.toml", "dotted", body="[" + ".".join(["a"] * 50_000) + "]\n")
    message = run_file(capsys, tmp_path, file)
    assert "is nested too deeply: field 'a' holds arrays or tables more than 32" in message


@pytest.mark.parametrize("digits", [400, 5000])
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("[parameters]\nstaff_floor = {n}\n", "parameters.staff_floor"),
        ("[dso]\ndelay_months = {n}\n", "dso.delay_months"),
        ('[[strategy]]\nwhere = "Utrecht"\ndso_lobby = {n}\n', "strategy[0].dso_lobby"),
        ('[[budget_shocks]]\ndate = 2015-01-01\ndomain = "social"\nsize = {n}\n', "size"),
    ],
)
def test_a_huge_integer_in_a_scenario_file_states_the_allowed_range(
    capsys, tmp_path, digits, body, field
):
    file = scenario(tmp_path / "big.toml", "big", body=body.format(n="9" * digits))
    message = run_file(capsys, tmp_path, file)
    assert f"Scenario file '{file}'" in message
    assert f"whole number of {digits:,} digits" in message and field in message
    assert f"Allowed: whole numbers from {INT64}" in message
    assert "9" * 100 not in message  # the number is not echoed


@pytest.mark.parametrize("digits", [400, 5000])
def test_a_huge_integer_in_an_experiment_spec_states_the_allowed_range(capsys, tmp_path, digits):
    file = tmp_path / "big.toml"
    text = SPEC.replace("[experiment]\n", f"[experiment]\nreplications = {'9' * digits}\n")
    file.write_text(text, encoding="utf-8")
    message = experiment_file(capsys, tmp_path, file)
    assert f"Experiment spec '{file}'" in message and "experiment.replications" in message
    assert f"whole number of {digits:,} digits" in message
    assert f"Allowed: whole numbers from {INT64}" in message


# ---------------------------------------------------------------------------- 1. the command line
@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["run", "--seed", "1" + "0" * 5000], "a seed is a whole number from 0 to 2**128 - 1"),
        (["run", "-n", "9" * 400], "must be a whole number from 1 to 1,000,000; got 999"),
        (["run", "-n", "9" * 5000], "must be a whole number from 1 to 1,000,000; got 999"),
        (["run", "-j", "-" + "9" * 5000], "must be at least 1, got -999"),
        (["experiment", "run", "x.toml", "--out", "o", "--chunk", "9" * 400], "1 to 1,000,000"),
        (["app", "--port", "9" * 5000], "a port is a whole number from 1 to 65535; got 999"),
    ],
)
def test_a_huge_number_on_the_command_line_states_the_allowed_range(capsys, argv, expected):
    message = fails(capsys, argv)
    assert "error: argument" in message and expected in message
    assert "characters)" in message  # cut, with its length said
    assert len(message.rsplit("error:", 1)[1]) < 200


@pytest.mark.parametrize(
    "flag",
    [
        "--population",
        "--generations",
        "--max-simulations",
        "--replications",
        "--polish-evaluations",
        "--run-id",
    ],
)
def test_a_huge_number_for_calibrate_states_the_allowed_size(capsys, tmp_path, flag):
    out = tmp_path / "cal"
    message = fails(capsys, ["calibrate", "--quick", "--out", str(out), flag, "9" * 400])
    assert f"argument {flag}: must be a whole number of at most 1,000,000; got 999" in message
    assert not out.exists()


# ---------------------------------------------------------------------------- 2. extends chains
def chain(folder: Path, files: int, cycle: bool = False) -> Path:
    folder.mkdir()
    for i in range(files):
        following = (i + 1) % files if cycle else i + 1
        scenario(
            folder / f"c{i}.toml", f"c{i}", f"c{following}.toml" if i < files - 1 or cycle else None
        )
    return folder / "c0.toml"


def test_an_extends_chain_of_250_files_is_refused_with_its_limit(capsys, tmp_path):
    first = chain(tmp_path / "chain", 250)
    message = run_file(capsys, tmp_path, first)
    assert (
        f"Scenario file '{first}': field 'extends' = 'c1.toml' starts a chain of more than 32"
        in message
    )
    assert "('c0.toml' extends 'c1.toml' extends 'c2.toml' extends ...)" in message
    assert "Allowed: at most 32 levels of extends" in message
    assert "RecursionError" not in message and message.count("Scenario file") == 1


def test_an_extends_chain_of_the_limit_loads(tmp_path):
    first = chain(tmp_path / "chain", MAX_EXTENDS + 1)  # 32 levels of extends
    assert load_scenario(first).name == "c0"


@pytest.mark.parametrize("files", [2, 250])
def test_an_extends_cycle_is_still_reported_as_a_cycle(capsys, tmp_path, files):
    first = chain(tmp_path / "cycle", files, cycle=True)
    message = run_file(capsys, tmp_path, first)
    assert f"Scenario file '{first}'" in message
    assert "makes a cycle: the scenario would extend itself" in message
    assert "Allowed: a base scenario that does not (indirectly) extend this file" in message


# ---------------------------------------------------------------------------- 3. govsim run --out
def test_run_out_that_is_a_file(capsys, tmp_path):
    out = tmp_path / "file"
    out.write_text("mine\n")
    message = fails(capsys, ["run", "baseline", *QUICK_RUN, "--out", str(out)])
    assert f"--out {out} is a file, not a folder; name a new or empty folder" in message
    assert out.read_text() == "mine\n"


def test_run_out_below_a_file(capsys, tmp_path):
    (tmp_path / "file").write_text("mine\n")
    out = tmp_path / "file" / "run"
    message = fails(capsys, ["run", "baseline", *QUICK_RUN, "--out", str(out)])
    assert f"--out {out} cannot be made: {tmp_path / 'file'} is a file, not a folder" in message


def test_run_out_in_a_read_only_folder_simulated(capsys, tmp_path, monkeypatch):
    # as root chmod 555 does not stop writes: let the access check say what it would say
    monkeypatch.setattr(atomic.os, "access", lambda path, mode: False)
    folder = tmp_path / "ro"
    folder.mkdir()
    message = fails(capsys, ["run", "baseline", *QUICK_RUN, "--out", str(folder / "run")])
    assert f"--out {folder / 'run'} cannot be written: {folder} is read-only" in message
    assert "Allowed: a new or empty folder you may write into" in message
    assert list(folder.iterdir()) == []


def failing_writer(monkeypatch, number: int) -> None:
    """Make the atomic writer of scenarios/atomic.py fail as a full or read-only disk would."""

    def mkstemp(**kwargs):
        raise OSError(number, os.strerror(number), str(Path(kwargs["dir"]) / ".file.tmp"))

    monkeypatch.setattr(atomic, "tempfile", types.SimpleNamespace(mkstemp=mkstemp))


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (errno.ENOSPC, "no space left on the device holding --out {out}"),
        (errno.EDQUOT, "the disk quota is used up on the device holding --out {out}"),
        (errno.EROFS, "--out {out} lies on a read-only file system"),
        (errno.EACCES, "no permission to write into --out {out}"),
        (errno.EPERM, "no permission to write into --out {out}"),
        (
            errno.ENAMETOOLONG,
            "--out {out} cannot be made: a name in it is longer than the file system allows",
        ),
        (errno.ENOTDIR, "--out {out} cannot be made: a part of it is a file, not a folder"),
        (
            errno.EEXIST,
            "--out {out} cannot be made: a part of it exists but is not a folder (a file, or a "
            "symbolic link to nothing)",
        ),
        (errno.ELOOP, "--out {out} cannot be made: it passes through a loop of symbolic links"),
    ],
)
def test_run_when_writing_fails_leaves_the_folder_marked_incomplete(
    capsys, tmp_path, monkeypatch, number, expected
):
    out = tmp_path / "run"
    failing_writer(monkeypatch, number)
    message = fails(capsys, ["run", "baseline", *QUICK_RUN, "--out", str(out)])
    assert message.startswith(f"govsim run: {expected.format(out=out)} (writing {out}")
    assert f"the files written so far are marked incomplete ({INCOMPLETE})" in message
    assert "Allowed: a folder you may write into, on a device with free space" in message
    assert (out / INCOMPLETE).exists() and not (out / "manifest.json").exists()
    assert not [p for p in out.rglob("*.tmp")]  # nothing half-written


def test_run_after_a_full_disk_recovers_the_folder(capsys, tmp_path, monkeypatch):
    out = tmp_path / "run"
    with monkeypatch.context() as patch:
        failing_writer(patch, errno.ENOSPC)
        fails(capsys, ["run", "baseline", *QUICK_RUN, "--out", str(out)])
    assert main(["run", "baseline", *QUICK_RUN, "--out", str(out)]) == 0
    assert (out / "manifest.json").exists() and not (out / INCOMPLETE).exists()


def test_run_into_a_finished_folder_that_fills_up_keeps_it(capsys, tmp_path, monkeypatch):
    out = tmp_path / "run"
    assert main(["run", "baseline", *QUICK_RUN, "--out", str(out)]) == 0
    capsys.readouterr()
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.suffix != ".lock"}
    failing_writer(monkeypatch, errno.ENOSPC)
    message = fails(capsys, ["run", "baseline", *QUICK_RUN, "--seed", "7", "--out", str(out)])
    assert "no space left on the device holding --out" in message
    for path, data in before.items():  # every earlier file as it was (atomic writes)
        assert path.read_bytes() == data


# ---------------------------------------------------------------------------- 4. survey --out
def test_survey_out_that_is_a_folder(capsys, tmp_path):
    message = fails(capsys, ["survey", "--municipalities", "Utrecht", "--out", str(tmp_path)])
    assert message == f"govsim survey: --out names the CSV file to write; {tmp_path} is a folder"


def test_survey_out_below_a_file(capsys, tmp_path):
    (tmp_path / "file").write_text("mine\n")
    out = tmp_path / "file" / "survey.csv"
    message = fails(capsys, ["survey", "--municipalities", "Utrecht", "--out", str(out)])
    assert f"--out {out} cannot be written: {tmp_path / 'file'} is a file, not a folder" in message
    assert "Allowed: the name of a CSV file in a folder" in message


def test_survey_out_empty_is_refused_not_ignored(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = fails(capsys, ["survey", "--municipalities", "Utrecht", "--out", ""])
    assert message == "govsim survey: --out must name the CSV file to write, got ''"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("noise", ["1e308", "inf", "nan", "0", "-0.1", "1.5"])
def test_survey_answer_noise_outside_its_range(capsys, noise):
    message = fails(capsys, ["survey", "--municipalities", "Utrecht", "--answer-noise", noise])
    assert f"argument --answer-noise: must be a number above 0 and at most 1; got {noise}" in (
        message
    )


def test_survey_on_a_full_disk_writes_nothing(capsys, tmp_path, monkeypatch):
    failing_writer(monkeypatch, errno.ENOSPC)
    out = tmp_path / "survey.csv"
    message = fails(capsys, ["survey", "--municipalities", "Utrecht", "--out", str(out)])
    assert message.startswith(f"govsim survey: {tmp_path / '.file.tmp'}: no space left on device")
    assert "Allowed: files and folders you may write into, on a device with free space" in message
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------- 4b. --out in the way
def tree(folder: Path) -> list[str]:
    """Every entry below ``folder``, symbolic links not followed."""
    found = []
    for top, folders, files in os.walk(folder):
        found += [os.path.relpath(os.path.join(top, name), folder) for name in folders + files]
    return sorted(found)


def blocked(tmp_path: Path, case: str) -> tuple[Path, str]:
    """A place below which nothing can be made, and what the message says about it."""
    if case == "dangling link":
        (tmp_path / "D").symlink_to(tmp_path / "nowhere" / "dir")
        return tmp_path / "D", (
            f"{tmp_path / 'D'} is a symbolic link to {tmp_path / 'nowhere' / 'dir'}, which does "
            "not exist"
        )
    if case == "link loop":
        (tmp_path / "L1").symlink_to(tmp_path / "L2")
        (tmp_path / "L2").symlink_to(tmp_path / "L1")
        return tmp_path / "L1", f"{tmp_path / 'L1'} is a symbolic link in a loop of symbolic links"
    if case == "file":
        (tmp_path / "F").write_text("mine\n")
        return tmp_path / "F", f"{tmp_path / 'F'} is a file, not a folder"
    assert case == "long name"
    return tmp_path / ("a" * 300), (
        f"its part '{'a' * 24}…' is a name of 300 bytes, more than the 255 this file system allows"
    )


def out_command(tmp_path: Path, command: str, out: Path) -> list[str]:
    """``govsim`` arguments that write ``out`` (the spec of an experiment in ``tmp_path``)."""
    if command == "run":
        return ["run", "baseline", *QUICK_RUN, "--out", str(out)]
    if command == "experiment":
        spec = tmp_path / "spec.toml"
        spec.write_text(SPEC, encoding="utf-8")
        return ["experiment", "run", str(spec), "-j", "1", "--out", str(out)]
    if command == "survey":
        return ["survey", "--municipalities", "Utrecht", "--out", str(out.with_suffix(".csv"))]
    assert command == "calibrate"
    return ["calibrate", "--quick", "--out", str(out)]


COMMANDS = ["run", "experiment", "survey", "calibrate"]


@pytest.mark.parametrize("case", ["dangling link", "link loop", "file", "long name"])
@pytest.mark.parametrize("command", COMMANDS)
def test_an_out_below_something_in_the_way_is_refused_and_makes_nothing(
    capsys, tmp_path, command, case
):
    place, reason = blocked(tmp_path, case)
    argv = out_command(tmp_path, command, place / "sub" / "x")
    before = tree(tmp_path)
    message = fails(capsys, argv)
    out = argv[argv.index("--out") + 1]
    assert f"--out {out} cannot be" in message or f"--out '{out}' cannot be" in message
    assert reason in message and "nothing was written" in message
    assert tree(tmp_path) == before


@pytest.mark.parametrize("command", ["run", "experiment", "calibrate"])
def test_an_out_that_is_a_dangling_link_is_refused_and_makes_nothing(capsys, tmp_path, command):
    place, reason = blocked(tmp_path, "dangling link")
    argv = out_command(tmp_path, command, place)
    before = tree(tmp_path)
    message = fails(capsys, argv)
    assert reason in message and "nothing was written" in message
    assert tree(tmp_path) == before and not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("command", ["experiment", "survey", "calibrate"])
def test_an_out_in_a_read_only_folder_is_refused_and_makes_nothing(
    capsys, tmp_path, monkeypatch, command
):
    # as root chmod 555 does not stop writes: let the access check say what it would say
    monkeypatch.setattr(atomic.os, "access", lambda path, mode: False)
    folder = tmp_path / "ro"
    folder.mkdir()
    argv = out_command(tmp_path, command, folder / "x")
    before = tree(tmp_path)
    message = fails(capsys, argv)
    assert f"{folder} is read-only for this user" in message
    assert str(folder / "x") in message and "nothing was written" in message
    assert tree(tmp_path) == before


def test_a_long_csv_name_is_written_under_a_temporary_name_that_fits(capsys, tmp_path):
    out = tmp_path / ("b" * 250 + ".csv")  # its temporary name must not grow past 255 bytes
    assert main(["survey", "--municipalities", "Utrecht", "--out", str(out)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


# ---------------------------------------------------------------------------- 5. --scheduler
@pytest.mark.parametrize(
    "address", ["garbage", "tcp://", "http://host:8786", "host:port", "host:0", "tcp://a b:1"]
)
def test_experiment_run_with_a_malformed_scheduler_address(capsys, tmp_path, address):
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "exp"
    message = fails(
        capsys, ["experiment", "run", str(spec), "--out", str(out), "--scheduler", address]
    )
    assert (
        "error: argument --scheduler: a Dask scheduler address is [SCHEME://]HOST:PORT" in message
    )
    assert "port from 1 to 65535, e.g. tcp://10.0.0.5:8786" in message
    assert f"got {address!r}" in message
    assert not out.exists()


def test_calibrate_with_a_malformed_scheduler_address(capsys, tmp_path):
    out = tmp_path / "cal"
    message = fails(capsys, ["calibrate", "--quick", "--out", str(out), "--scheduler", "garbage"])
    assert "argument --scheduler: a Dask scheduler address is [SCHEME://]HOST:PORT" in message
    assert not out.exists()


def test_calibrate_with_an_unreachable_scheduler_writes_nothing(capsys, tmp_path):
    out = tmp_path / "cal"
    argv = ["calibrate", "--quick", "--out", str(out), "--scheduler", "tcp://127.0.0.1:9"]
    message = fails(capsys, argv)
    assert message.startswith(
        "govsim calibrate: --scheduler: cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'"
    )
    assert "nothing was written" in message
    assert not out.exists()


def test_an_out_folder_under_proc_is_one_paragraph(capsys):
    message = fails(capsys, ["run", "baseline", "-n", "1", "--out", "/proc/govsim_nope"])
    assert "--out /proc/govsim_nope cannot be made: the folder above it refuses new" in message


# ---------------------------------------------------------------------------- 6. calibrate
def test_calibrate_with_an_unknown_municipality(capsys, tmp_path):
    out = tmp_path / "cal"
    argv = ["calibrate", "--quick", "--out", str(out), "--municipalities", "Utrecht", "Nowhere"]
    message = fails(capsys, argv)
    assert message == (
        "govsim calibrate: --municipalities: 'Nowhere' is not a 2017 municipality code "
        "(GMxxxx), municipality name or province; allowed: CBS codes (GM0344), municipality "
        "names (Borne), provinces (Overijssel), or 'municipality NAME' / 'province NAME' where a "
        "name is both (Utrecht, Groningen)"
    )
    assert not out.exists()


def test_calibrate_with_a_db_that_is_not_sqlite(capsys, tmp_path):
    db = tmp_path / "notes.txt"
    db.write_text("secret words in a text file\n")
    out = tmp_path / "cal"
    message = fails(capsys, ["calibrate", "--quick", "--out", str(out), "--db", str(db)])
    assert (
        f"--db {db} is not an SQLite database (it does not start with the SQLite header)" in message
    )
    assert "Allowed: the file of a pyabc history database" in message
    assert "secret" not in message
    assert not out.exists() and db.read_text() == "secret words in a text file\n"


def test_calibrate_with_a_db_that_is_a_folder(capsys, tmp_path):
    out = tmp_path / "cal"
    message = fails(capsys, ["calibrate", "--quick", "--out", str(out), "--db", str(tmp_path)])
    assert f"--db {tmp_path} is a folder" in message
    assert not out.exists()


def test_calibrate_with_no_replications_runs_nothing(capsys, tmp_path):
    out = tmp_path / "cal"
    message = fails(capsys, ["calibrate", "--quick", "--out", str(out), "--replications", "0"])
    assert message == "govsim calibrate: --replications must be at least 1, got 0"
    assert list(tmp_path.iterdir()) == []


def test_calibrate_with_out_that_is_a_file(capsys, tmp_path):
    out = tmp_path / "file"
    out.write_text("mine\n")
    message = fails(capsys, ["calibrate", "--quick", "--out", str(out)])
    assert f"--out {out} is a file, not a folder" in message
    assert out.read_text() == "mine\n"


@pytest.mark.parametrize("flags", [["--quick", "--resume"], ["--report-only"]])
def test_calibrate_a_stored_run_without_its_database_makes_nothing(capsys, tmp_path, flags):
    out = tmp_path / "new"
    message = fails(capsys, ["calibrate", *flags, "--out", str(out)])
    assert f"no calibration database at {out / 'calibration.db'}" in message
    assert f"{flags[-1]} needs the history database" in message
    assert "nothing was written" in message
    assert list(tmp_path.iterdir()) == []


def test_calibrate_quick_refuses_install_instead_of_ignoring_it(capsys, tmp_path):
    from govsim.experiments.calibration import cli as calibration_cli

    out = tmp_path / "cal"
    message = fails(capsys, ["calibrate", "--quick", "--install", "--out", str(out)])
    assert message.startswith("govsim calibrate: --quick never installs")
    assert "drop --install" in message
    assert list(tmp_path.iterdir()) == []
    parse = calibration_cli.build_parser().parse_args
    quick = parse(["calibrate", "--quick", "--no-install", "--out", str(out)])
    assert calibration_cli.pipeline_settings(quick).install is False
    full = parse(["calibrate", "--out", str(out)])  # installs unless --no-install
    assert calibration_cli.pipeline_settings(full).install is True
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------- 7. no contents
SECRET = "hunter2-do-not-print"


def test_extends_proc_self_environ_is_refused_without_its_contents(capsys, tmp_path):
    file = scenario(tmp_path / "env.toml", "env", "/proc/self/environ")
    message = run_file(capsys, tmp_path, file)
    assert "field 'extends' = '/proc/self/environ' names a file that is not a .toml file" in message
    assert os.environ.get("PATH", "/usr/bin") not in message


def test_a_toml_link_to_proc_self_environ_is_refused_without_its_contents(capsys, tmp_path):
    (tmp_path / "base.toml").symlink_to("/proc/self/environ")
    file = scenario(tmp_path / "env.toml", "env", "base.toml")
    message = run_file(capsys, tmp_path, file)
    assert "is not a TOML text file: it holds the control character U+0000" in message
    for value in os.environ.values():
        if len(value) > 6:
            assert value not in message


def test_a_text_file_named_as_a_scenario_is_not_quoted(capsys, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(f"password: {SECRET}\n")
    message = run_file(capsys, tmp_path, notes)
    assert f"Scenario file '{notes}': TOML syntax error at line 1, column 9" in message
    assert SECRET not in message and "password" not in message


def test_an_experiment_scenario_that_is_a_text_file_is_not_quoted(capsys, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(f"[{SECRET}]\n[{SECRET}]\n")  # "Cannot declare ('...',) twice"
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC.replace('"baseline"', f'"{notes}"'), encoding="utf-8")
    message = experiment_file(capsys, tmp_path, spec)
    assert f"Scenario file '{notes}': TOML syntax error at line 2" in message
    assert "Cannot declare a key twice" in message and SECRET not in message


def test_the_offending_line_of_a_named_toml_file_is_still_quoted(capsys, tmp_path):
    file = scenario(tmp_path / "mine.toml", "mine", body='[physical]\nentry = "2021-01-01\n')
    message = run_file(capsys, tmp_path, file)
    assert "(the line reads: 'entry = \"2021-01-01')" in message

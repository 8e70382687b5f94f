"""Experiment specs: valid specs load; broken specs give one clear error and write nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from experiments.cli import main as experiment_main
from experiments.design import design_size
from experiments.run import run_experiment
from experiments.spec import SpecError, load_spec, loads_spec

SPECS = Path(__file__).resolve().parent.parent / "experiments" / "specs"

GOOD = """
[experiment]
name = "good"
scenario = "baseline"
replications = 2
seed = 5
municipalities = ["Flevoland"]

[design]
method = "lhs"
samples = 8

[[factors]]
name = "training_intensity"
range = [0.2, 0.9]

[[factors]]
name = "lever.dso_delay_months"
range = [0, 24]

[[outcomes]]
indicator = "transformation_physical"
date = "2015-12"
"""


def write(tmp_path: Path, text: str, name: str = "spec.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_spec_loads(tmp_path):
    spec = load_spec(write(tmp_path, GOOD))
    assert spec.name == "good" and spec.replications == 2 and spec.seed == 5
    assert [f.name for f in spec.factors] == ["training_intensity", "dso_delay_months"]
    assert [f.kind for f in spec.factors] == ["parameter", "lever"]
    assert spec.factors[1].integer  # a whole-number lever
    assert spec.outcomes[0].name == "transformation_physical_2015"
    assert spec.until == "2015-12"  # runs stop at the last outcome when no series is kept
    assert spec.municipalities == ("Flevoland",)
    assert design_size(spec) == 8


@pytest.mark.parametrize("path", sorted(SPECS.glob("*.toml")), ids=lambda p: p.stem)
def test_example_specs_are_valid(path):
    spec = load_spec(path)
    assert spec.factors and spec.outcomes
    assert spec.design.method in ("factorial", "lhs", "sobol", "morris")


def test_example_specs_cover_every_design():
    methods = {load_spec(p).design.method for p in SPECS.glob("*.toml")}
    assert methods == {"factorial", "lhs", "sobol", "morris"}


def test_defaults_and_naming(tmp_path):
    text = GOOD.replace('name = "good"\n', "").replace('date = "2015-12"', 'date = "2015-06"')
    spec = load_spec(write(tmp_path, text, "my_study.toml"))
    assert spec.name == "my_study"
    assert spec.outcomes[0].name == "transformation_physical_2015_06"
    assert spec.common_random_numbers is True


# ---------------------------------------------------------------------------- broken specs
def replace_once(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


BROKEN: list[tuple[str, str, tuple[str, ...]]] = [
    # (id, spec text, fragments the message must contain)
    ("toml-syntax", replace_once(GOOD, "samples = 8", "samples = = 8"), ("line", "samples")),
    ("unknown-top-key", GOOD + "\n[outcome]\nx = 1\n", ("'outcome'", "did you mean 'outcomes'")),
    (
        "missing-scenario",
        replace_once(GOOD, 'scenario = "baseline"\n', ""),
        ("experiment.scenario", "missing"),
    ),
    (
        "unknown-scenario",
        replace_once(GOOD, '"baseline"', '"basline"'),
        ("experiment.scenario", "'basline'", "did you mean 'baseline'"),
    ),
    (
        "unknown-method",
        replace_once(GOOD, 'method = "lhs"', 'method = "latin"'),
        ("design.method", "'latin'", "'factorial', 'lhs', 'sobol', 'morris'"),
    ),
    (
        "unknown-factor",
        replace_once(GOOD, '"training_intensity"', '"training_intensty"'),
        ("factors[0].name", "'training_intensty'", "did you mean", "'training_intensity'"),
    ),
    (
        "range-outside-parameter",
        replace_once(GOOD, "[0.2, 0.9]", "[0.2, 1.5]"),
        ("factors[0].range[1]", "1.5", "from 0 to 1", "training_intensity"),
    ),
    (
        "range-reversed",
        replace_once(GOOD, "[0.2, 0.9]", "[0.9, 0.2]"),
        ("factors[0].range", "low < high"),
    ),
    (
        "levels-in-lhs",
        replace_once(GOOD, "range = [0.2, 0.9]", "levels = [0.2, 0.5, 0.9]"),
        ("factors[0].levels", "factorial", "range = [low, high]"),
    ),
    (
        "sobol-not-power-of-two",
        replace_once(GOOD, 'method = "lhs"\nsamples = 8', 'method = "sobol"\nsamples = 100'),
        ("design.samples", "100", "power of 2"),
    ),
    (
        "unknown-indicator",
        replace_once(GOOD, '"transformation_physical"', '"transformation_fysiek"'),
        ("outcomes[0].indicator", "'transformation_fysiek'", "indicator"),
    ),
    (
        "outcome-date-outside-period",
        replace_once(GOOD, '"2015-12"', '"2031-12"'),
        ("outcomes[0].date", "2031-12", "2013-01 to 2029-12"),
    ),
    (
        "zero-replications",
        replace_once(GOOD, "replications = 2", "replications = 0"),
        ("experiment.replications", "0", "from 1 to"),
    ),
    (
        "factor-twice",
        GOOD + '\n[[factors]]\nname = "param.training_intensity"\nrange = [0.1, 0.3]\n',
        ("factors[2].name", "varied twice"),
    ),
    (
        "integer-parameter-fraction",
        replace_once(
            GOOD,
            'name = "training_intensity"\nrange = [0.2, 0.9]',
            'name = "staff_floor"\nrange = [10, 20.5]',
        ),
        ("factors[0].range[1]", "20.5", "whole number"),
    ),
    (
        "triangular-without-peak",
        replace_once(GOOD, "range = [0.2, 0.9]", 'range = [0.2, 0.9]\ndistribution = "triangular"'),
        ("factors[0].peak", "missing", "triangular"),
    ),
    (
        "unknown-municipality",
        replace_once(GOOD, '["Flevoland"]', '["Atlantis"]'),
        ("experiment.municipalities[0]", "'Atlantis'", "province"),
    ),
    (
        "lever-out-of-range",
        replace_once(GOOD, "[0, 24]", "[0, 240]"),
        ("factors[1].range[1]", "240", "dso_delay_months", "0 to 120"),
    ),
    (
        "odd-morris-levels",
        replace_once(
            GOOD, 'method = "lhs"\nsamples = 8', 'method = "morris"\nsamples = 4\nlevels = 3'
        ),
        ("design.levels", "3", "even"),
    ),
    (
        "outcome-name-clash",
        replace_once(GOOD, 'date = "2015-12"', 'date = "2015-12"\nname = "training_intensity"'),
        ("outcomes[0].name", "factor 'training_intensity'"),
    ),
    ("no-factors", replace_once(GOOD, "[[factors]]", "[[factorz]]"), ("factorz",)),
]


@pytest.mark.parametrize("text, fragments", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_spec_gives_clear_error_and_writes_nothing(tmp_path, text, fragments):
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    message = str(info.value)
    assert "\n" not in message, "one paragraph"
    assert f"Experiment spec '{path}'" in message
    assert "Allowed:" in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    out = tmp_path / "out"
    with pytest.raises(SpecError):
        run_experiment(path, out, workers=1, progress=False)
    assert not out.exists()


def test_at_least_eight_kinds_of_mistakes():
    assert len({b[0] for b in BROKEN}) >= 8


def test_broken_spec_on_the_command_line_exit_2_no_traceback(tmp_path, capsys):
    path = write(tmp_path, replace_once(GOOD, "[0.2, 0.9]", "[0.2, 1.5]"))
    out = tmp_path / "out"
    code = experiment_main(["run", str(path), "--out", str(out), "--workers", "1"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.startswith("govsim experiment run: Experiment spec")
    assert "Traceback" not in captured.err and captured.err.count("\n") == 1
    assert not out.exists()


def test_broken_spec_subprocess_exit_code(tmp_path):
    path = write(tmp_path, replace_once(GOOD, 'method = "lhs"', 'method = "latin"'))
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "experiments.cli", "run", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "design.method" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


def test_missing_file_and_empty_text(tmp_path):
    with pytest.raises(SpecError, match="does not exist"):
        load_spec(tmp_path / "nope.toml")
    with pytest.raises(SpecError, match="empty"):
        loads_spec("  \n")


def test_scenario_path_relative_to_spec(tmp_path):
    scenario = tmp_path / "scen" / "late.toml"
    scenario.parent.mkdir()
    scenario.write_text(
        'name = "late"\nextends = "baseline"\n[title]\nen = "late"\n[description]\nen = "x"\n'
        "[dso]\ndelay_months = 12\n",
        encoding="utf-8",
    )
    spec = load_spec(write(tmp_path, replace_once(GOOD, '"baseline"', '"scen/late.toml"')))
    assert spec.scenario.name == "late"
    assert spec.scenario.timeline.dso_full.year == 2025


def test_sobol_needs_two_factors(tmp_path):
    text = GOOD.replace('method = "lhs"\nsamples = 8', 'method = "sobol"\nsamples = 8').replace(
        '[[factors]]\nname = "lever.dso_delay_months"\nrange = [0, 24]\n', ""
    )
    with pytest.raises(SpecError, match="at least two"):
        load_spec(write(tmp_path, text))


def test_broken_scenario_file_is_reported_through_the_spec(tmp_path):
    (tmp_path / "bad.toml").write_text('name = "bad"\n', encoding="utf-8")
    path = write(tmp_path, replace_once(GOOD, '"baseline"', '"bad.toml"'))
    with pytest.raises(SpecError) as info:
        load_spec(path)
    message = str(info.value)
    assert "experiment.scenario" in message and "bad.toml" in message and "title" in message
    assert message.count("Experiment spec") == 1


def test_docs_describe_every_key_and_lever():
    from experiments.levers import LEVERS
    from experiments.spec import (
        DESIGN_KEYS,
        DISTRIBUTIONS,
        EXPERIMENT_KEYS,
        FACTOR_KEYS,
        METHODS,
        OUTCOME_KEYS,
        SERIES_KEYS,
        STATISTICS,
    )

    text = (SPECS.parent.parent / "docs" / "experiments.md").read_text(encoding="utf-8")
    words = [*EXPERIMENT_KEYS, *DESIGN_KEYS, *FACTOR_KEYS, *OUTCOME_KEYS, *SERIES_KEYS]
    words += [*METHODS, *DISTRIBUTIONS, *STATISTICS, *LEVERS]
    missing = [w for w in words if w not in text]
    assert not missing, f"docs/experiments.md does not mention {missing}"
    for path in SPECS.glob("*.toml"):
        assert path.name in text


def test_the_format_example_in_the_docs_is_a_valid_spec():
    import re

    text = (SPECS.parent.parent / "docs" / "experiments.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(.*?)```", text, re.S).group(1)
    spec = loads_spec(block)
    assert [f.name for f in spec.factors] == ["dso_delay_months", "training_intensity"]
    assert spec.series is not None and len(spec.outcomes) == 2

"""Experiment specs: valid specs load; broken specs give one clear error and write nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from govsim.experiments.cli import main as experiment_main
from govsim.experiments.design import design_size
from govsim.experiments.run import run_experiment
from govsim.experiments.spec import SpecError, load_spec, loads_spec

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
        [sys.executable, "-m", "govsim.experiments.cli", "run", str(path), "--out", str(out)],
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
    from govsim.experiments.levers import LEVERS
    from govsim.experiments.spec import (
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


# ---------------------------------------------------------------------------- secretary's levers
LEVERS_SPEC = """
[experiment]
name = "levers"
scenario = "baseline"
municipalities = ["Utrecht"]

[design]
method = "factorial"

[[factors]]
name = "role"
levels = ["changer", "advocate"]

[[factors]]
name = "coach_college"
where = "size_class  <20k"
levels = [0, 1]

[[factors]]
name = "coach_college"
where = "size_class >=20k"
column = "coach_large"
levels = [0, 0.5]

[[factors]]
name = "start_early"
levels = [0.2]

[[outcomes]]
indicator = "transformation_social"
date = "2014-12"
"""


def test_where_and_categorical_factors_load(tmp_path):
    spec = load_spec(write(tmp_path, LEVERS_SPEC))
    role, small, large, early = spec.factors
    assert (role.name, role.key, role.kind, role.where) == ("role", "role", "choice", "all")
    assert role.levels == ("changer", "advocate") and role.categorical
    # the where's spaces are normalised, as a [[strategy]] rule does; the column says both
    assert (small.name, small.key, small.kind) == (
        "coach_college@size_class <20k",
        "coach_college",
        "parameter",
    )
    assert small.where == "size_class <20k" and small.levels == (0.0, 1.0)
    assert (large.name, large.key, large.where) == (
        "coach_large",
        "coach_college",
        "size_class >=20k",
    )
    # a numeric lever without where stays a national parameter value
    assert (early.name, early.key, early.kind, early.where) == (
        "start_early",
        "start_early",
        "parameter",
        None,
    )
    assert design_size(spec) == 2 * 2 * 2 * 1
    entry = small.as_dict()
    assert entry["key"] == "coach_college" and entry["where"] == "size_class <20k"
    assert role.as_dict()["levels"] == ["changer", "advocate"]
    assert spec.factor("coach_large") is large


def test_the_same_lever_for_disjoint_selections_and_nationally(tmp_path):
    text = LEVERS_SPEC + '\n[[factors]]\nname = "coach_college"\nlevels = [0.3]\n'
    spec = load_spec(write(tmp_path, text))
    assert [f.name for f in spec.factors][-1] == "coach_college"
    assert [f.where for f in spec.factors if f.key == "coach_college"] == [
        "size_class <20k",
        "size_class >=20k",
        None,
    ]


def _swap(old: str, new: str) -> str:
    return replace_once(LEVERS_SPEC, old, new)


EXTRA = '\n[[factors]]\nname = "{name}"\n{body}\n'

BROKEN_LEVERS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "where-on-a-plain-parameter",
        LEVERS_SPEC + EXTRA.format(name="training_intensity", body='where = "all"\nlevels = [0.5]'),
        ("factors[4].where", "'all'", "parameter 'training_intensity'", "coach_college", "role"),
    ),
    (
        "where-on-a-timeline-lever",
        LEVERS_SPEC + EXTRA.format(name="dso_delay_months", body='where = "Utrecht"\nlevels = [0]'),
        ("factors[4].where", "'Utrecht'", "timeline lever 'dso_delay_months'", "leave where out"),
    ),
    (
        "where-unknown-province",
        _swap('"size_class >=20k"', '"province Atlantis"'),
        ("factors[2].where", "'province Atlantis'", "'Atlantis' is not a province", "Groningen"),
    ),
    (
        "where-unknown-size-class",
        _swap('"size_class >=20k"', '"size_class <30k"'),
        ("factors[2].where", "'size_class <30k'", "is not a size class", "10k-20k"),
    ),
    (
        "where-unknown-municipality",
        _swap('"size_class >=20k"', '"Atlantis"'),
        ("factors[2].where", "'Atlantis'", "names no municipality", "province NAME"),
    ),
    (
        "where-not-a-text",
        _swap('"size_class >=20k"', "5"),
        ("factors[2].where", "5", "not a text", "size_class CLASS"),
    ),
    (
        "where-outside-the-experiment",
        _swap('"size_class >=20k"', '"province Groningen"'),
        ("factors[2].where", "'province Groningen'", "selects none", "['Utrecht']"),
    ),
    (
        "same-lever-same-selection",
        _swap('"size_class >=20k"', '"size <20k"'),
        ("factors[2].where", "'size <20k'", "same municipalities as factors[1]", "different where"),
    ),
    (
        "national-and-all-for-the-same-lever",
        replace_once(
            _swap('where = "size_class >=20k"\n', 'where = "all"\n'),
            'name = "start_early"',
            'name = "coach_college"',
        ),
        ("factors[3].name", "'coach_college'", "same municipalities as factors[2]"),
    ),
    (
        "choice-twice-for-all",
        LEVERS_SPEC + EXTRA.format(name="role", body='where = "all"\nlevels = ["executor"]'),
        ("factors[4].where", "'all'", "same municipalities as factors[0]"),
    ),
    (
        "column-clash",
        _swap('column = "coach_large"', 'column = "start_early"'),
        ("factors[3].name", "'start_early'", "factors[2] has already", "column"),
    ),
    (
        "column-not-a-name",
        _swap('column = "coach_large"', 'column = "Coach Large"'),
        ("factors[2].column", "'Coach Large'", "not a usable column name", "lower-case"),
    ),
    (
        "column-reserved",
        _swap('column = "coach_large"', 'column = "seed"'),
        ("factors[2].column", "'seed'", "fixed result column", "'run_id'"),
    ),
    (
        "choice-unknown-level",
        _swap('["changer", "advocate"]', '["changer", "advocat"]'),
        ("factors[0].levels[1]", "'advocat'", "did you mean 'advocate'", "'connector'"),
    ),
    (
        "choice-level-not-a-text",
        _swap('["changer", "advocate"]', '["changer", 1]'),
        ("factors[0].levels[1]", "1", "not a value of 'role'", "'drawn'"),
    ),
    (
        "choice-level-twice",
        _swap('["changer", "advocate"]', '["changer", "changer"]'),
        ("factors[0].levels[1]", "'changer'", "given twice"),
    ),
    (
        "choice-with-a-range",
        _swap('levels = ["changer", "advocate"]', "range = [0, 1]"),
        ("factors[0].range", "[0, 1]", "categorical choice 'role'", "levels = [...]"),
    ),
    (
        "choice-without-levels",
        _swap('levels = ["changer", "advocate"]\n', ""),
        ("factors[0].levels", "missing", "needs its levels", "'changer'"),
    ),
    (
        "choice-empty-levels",
        _swap('["changer", "advocate"]', "[]"),
        ("factors[0].levels", "is empty", "'advocate'"),
    ),
    (
        "choice-stance-unknown-level",
        _swap(
            'name = "role"\nlevels = ["changer", "advocate"]', 'name = "stance"\nlevels = ["boss"]'
        ),
        ("factors[0].levels[0]", "'boss'", "not a value of 'stance'", "'regisseur'", "'coach'"),
    ),
]


def _lhs(text: str, method: str) -> str:
    sampled = {
        "lhs": 'method = "lhs"\nsamples = 4',
        "sobol": 'method = "sobol"\nsamples = 4',
        "morris": 'method = "morris"\nsamples = 2',
    }[method]
    return (
        text.replace('method = "factorial"', sampled)
        .replace("levels = [0, 1]", "range = [0, 1]")
        .replace("levels = [0, 0.5]", "range = [0, 0.5]")
        .replace("levels = [0.2]", "range = [0.2, 0.4]")
    )


for _method in ("lhs", "sobol", "morris"):
    BROKEN_LEVERS.append(
        (
            f"choice-in-{_method}",
            _lhs(LEVERS_SPEC, _method),
            (
                "factors[0].name",
                "'role'",
                f"design.method = '{_method}' cannot sample",
                "categorical factors need a factorial design",
                "'changer'",
            ),
        )
    )


@pytest.mark.parametrize(
    "text, fragments", [b[1:] for b in BROKEN_LEVERS], ids=[b[0] for b in BROKEN_LEVERS]
)
def test_broken_lever_factor_gives_clear_error_and_writes_nothing(tmp_path, text, fragments):
    test_broken_spec_gives_clear_error_and_writes_nothing(tmp_path, text, fragments)


def test_sampled_where_factors_are_fine_without_choices(tmp_path):
    text = _lhs(LEVERS_SPEC, "lhs").replace(
        '[[factors]]\nname = "role"\nlevels = ["changer", "advocate"]\n', ""
    )
    spec = load_spec(write(tmp_path, text))
    assert [f.name for f in spec.factors] == [
        "coach_college@size_class <20k",
        "coach_large",
        "start_early",
    ]
    assert spec.factors[0].low == 0 and spec.factors[0].high == 1


def test_the_lessons_example_varies_roles_and_a_lever_for_small_municipalities():
    spec = load_spec(SPECS / "lessons_factorial.toml")
    role, coach = spec.factors
    assert role.kind == "choice" and role.where == "all" and len(role.levels) == 4
    assert (coach.key, coach.where, coach.name) == (
        "coach_college",
        "size_class <20k",
        "coach_small",
    )
    assert spec.municipalities == ("Groningen",) and design_size(spec) == 8


def test_docs_show_where_and_categorical_levels():
    import re

    text = (SPECS.parent.parent / "docs" / "experiments.md").read_text(encoding="utf-8")
    assert "lessons_factorial.toml" in text and '"coach_college@size_class <20k"' in text
    blocks = re.findall(r"```toml\n(.*?)```", text, re.S)
    example = next(b for b in blocks if b.startswith('[design]\nmethod = "factorial"'))
    spec = loads_spec(
        '[experiment]\nscenario = "baseline"\n'
        + example
        + '\n[[outcomes]]\nindicator = "transformation_social"\ndate = "2014-12"\n'
    )
    assert [f.name for f in spec.factors] == [
        "role",
        "coach_college@size_class <20k",
        "coach_large",
    ]


@pytest.mark.parametrize("path", sorted(SPECS.glob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_spec_range_holds_the_value_a_run_uses(path):
    """A factor's range contains the model's run default (the calibrated value where there is
    one, `defaults()`), inside the parameter's declared range; before: the Morris spec sampled
    adoption_rate in [0.02, 0.12] while every run uses the calibrated 0.187."""
    from govsim.model.parameters import PARAMETERS, defaults

    used = defaults()
    checked = 0
    for factor in load_spec(path).factors:
        if factor.kind != "parameter" or factor.key not in PARAMETERS:
            continue
        if factor.levels is not None:
            low, high = min(factor.levels), max(factor.levels)
        else:
            low, high = factor.low, factor.high
        declared = PARAMETERS[factor.key]
        assert low <= used[factor.key] <= high, (path.name, factor.name, used[factor.key])
        assert declared.low <= low <= high <= declared.high, (path.name, factor.name)
        checked += 1
    assert checked, f"{path.name} varies no model parameter: nothing was checked"

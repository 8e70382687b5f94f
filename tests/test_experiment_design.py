"""Designs (SALib), levers (scenarios.adjust), seeds and run ids of experiments."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest

from govsim.experiments.design import build_design, design_size
from govsim.experiments.levers import LEVERS, apply_levers, condition_text, split_factor_name
from govsim.experiments.run import outcome_values, plan, run_seeds
from govsim.experiments.spec import loads_spec
from govsim.model.parameters import PARAMETERS
from govsim.model.timeline import Timeline
from govsim.scenarios.runner import RunResult, replication_seeds


def spec_text(design: str, factors: str, replications: int = 1, extra: str = "") -> str:
    return f"""
[experiment]
scenario = "baseline"
replications = {replications}
seed = 11
municipalities = ["Flevoland"]
{extra}

[design]
{design}

{factors}

[[outcomes]]
indicator = "transformation_physical"
date = "2016-12"
"""


THREE_RANGES = """
[[factors]]
name = "training_intensity"
range = [0.2, 0.9]

[[factors]]
name = "dso_delay_months"
range = [0, 36]

[[factors]]
name = "physical_cooperation"
range = [0.0, 1.0]
"""


def test_factorial_is_the_full_product_first_factor_slowest():
    spec = loads_spec(
        spec_text(
            'method = "factorial"\nlevels = 3',
            """
[[factors]]
name = "dso_delay_months"
levels = [0, 12]

[[factors]]
name = "training_intensity"
range = [0.2, 0.8]
""",
        )
    )
    design = build_design(spec)
    expected = list(itertools.product([0, 12], [0.2, 0.5, 0.8]))
    assert design.n_points == design_size(spec) == 6
    np.testing.assert_allclose(design.values, np.array(expected, dtype=float))
    assert design.point(1) == {"dso_delay_months": 0, "training_intensity": 0.5}
    assert isinstance(design.point(1)["dso_delay_months"], int)


def test_factorial_whole_number_levels_from_a_range():
    spec = loads_spec(
        spec_text(
            'method = "factorial"\nlevels = 4',
            '[[factors]]\nname = "dso_delay_months"\nrange = [0, 10]\n',
        )
    )
    assert spec.factors[0].levels == (0.0, 3.0, 7.0, 10.0)


def test_lhs_stratifies_every_factor():
    spec = loads_spec(spec_text('method = "lhs"\nsamples = 20', THREE_RANGES))
    design = build_design(spec)
    assert design.values.shape == (20, 3)
    # one sample in each of the 20 equal-probability strata of each (uniform) factor
    for j, (lo, hi) in enumerate([(0.2, 0.9), (0, 36), (0.0, 1.0)]):
        strata = np.floor((design.raw[:, j] - lo) / (hi - lo) * 20).astype(int)
        assert sorted(strata) == list(range(20))
    # the whole-number lever is rounded for the model, raw keeps the sampler's values
    assert np.all(design.values[:, 1] == np.rint(design.values[:, 1]))
    assert not np.all(design.raw[:, 1] == np.rint(design.raw[:, 1]))


def test_designs_are_deterministic_and_seeded():
    text = spec_text('method = "lhs"\nsamples = 10', THREE_RANGES)
    a, b = build_design(loads_spec(text)), build_design(loads_spec(text))
    np.testing.assert_array_equal(a.raw, b.raw)
    c = build_design(loads_spec(text.replace("samples = 10", "samples = 10\nseed = 99")))
    assert not np.array_equal(a.raw, c.raw)


@pytest.mark.parametrize("second_order, per_n", [(False, 5), (True, 8)])
def test_sobol_size(second_order, per_n):
    text = spec_text(
        f'method = "sobol"\nsamples = 16\nsecond_order = {str(second_order).lower()}',
        THREE_RANGES,
    )
    spec = loads_spec(text)
    design = build_design(spec)
    assert design.n_points == design_size(spec) == 16 * per_n
    assert np.all((design.values[:, 0] >= 0.2) & (design.values[:, 0] <= 0.9))


def test_morris_trajectories_move_one_factor_per_step_on_the_grid():
    spec = loads_spec(spec_text('method = "morris"\nsamples = 5\nlevels = 4', THREE_RANGES))
    design = build_design(spec)
    assert design.n_points == design_size(spec) == 5 * 4
    unit = (design.raw - [0.2, 0, 0]) / [0.7, 36, 1.0]
    np.testing.assert_allclose(unit * 3, np.rint(unit * 3), atol=1e-9)  # 4-level grid
    for t in range(5):
        steps = np.diff(design.raw[t * 4 : (t + 1) * 4], axis=0)
        assert np.all((np.abs(steps) > 1e-12).sum(axis=1) == 1)


def test_distributions_go_through_salib():
    factors = """
[[factors]]
name = "training_intensity"
range = [0.2, 0.9]
distribution = "triangular"
peak = 0.8

[[factors]]
name = "adoption_rate"
range = [0.01, 0.5]
distribution = "loguniform"

[[factors]]
name = "learning_rate"
range = [0.0, 0.2]
distribution = "normal"
mean = 0.05
sd = 0.02
"""
    design = build_design(loads_spec(spec_text('method = "lhs"\nsamples = 400', factors)))
    ti, ar, lr = design.values.T
    assert 0.2 <= ti.min() and ti.max() <= 0.9 and np.median(ti) > 0.6  # mode at 0.8
    assert np.median(ar) < 0.15  # log-uniform: median sqrt(0.01 * 0.5) ~ 0.07
    assert 0.0 <= lr.min() and abs(lr.mean() - 0.05) < 0.005


# ---------------------------------------------------------------------------- levers
def test_lever_and_parameter_names_do_not_clash():
    assert not set(LEVERS) & set(PARAMETERS)
    assert split_factor_name("training_intensity") == ("parameter", "training_intensity")
    assert split_factor_name("param.training_intensity") == ("parameter", "training_intensity")
    assert split_factor_name("lever.dso_delay_months") == ("lever", "dso_delay_months")
    assert split_factor_name("lever.training_intensity") is None
    assert split_factor_name("param.dso_delay_months") is None


def test_levers_change_the_timeline_through_adjust():
    base = Timeline()
    late = apply_levers(base, {"dso_delay_months": 36})
    assert late.dso_full == dt.date(2027, 1, 1)
    assert late.physical.final_entry() == dt.date(2024, 1, 1)  # the DSO rule postpones entry
    coop = apply_levers(base, {"physical_cooperation": 0.6, "physical_joint_training": 0.2})
    (policy,) = coop.cooperation_policies
    assert (policy.domain, policy.start, policy.intensity, policy.training) == (
        "physical",
        base.physical.known,
        0.6,
        0.2,
    )
    short = apply_levers(base, {"physical_lead_months": 24})
    assert short.physical.final_entry() == dt.date(2018, 3, 1) and not short.physical.postponements
    both = apply_levers(base, {"physical_lead_months": 24, "dso_delay_months": 12})
    assert both.physical.final_entry() == dt.date(2022, 1, 1)
    assert apply_levers(base, {}) == base


def test_condition_text_in_dutch_and_english():
    full = dt.date(2024, 1, 1)
    en = condition_text("dso_delay_months", "lever", None, 12, "en", dso_full=full)
    nl = condition_text("dso_delay_months", "lever", None, 12, "nl", dso_full=full)
    assert en.startswith("the DSO is fully available by January 2025")
    assert nl.startswith("het DSO uiterlijk in januari 2025 volledig beschikbaar is")
    coop = condition_text("physical_cooperation", "lever", 0.6, None, "nl")
    assert coop == "regionale samenwerking fysiek domein ≥ 0,6"
    label = {"nl": "de trainingsintensiteit", "en": "training intensity"}
    assert (
        condition_text("training_intensity", "parameter", 0.4, 0.75, "en", label=label)
        == "training intensity between 0.4 and 0.75"
    )


# ---------------------------------------------------------------------------- seeds and tasks
def test_common_random_numbers_seeds_and_run_ids():
    spec = loads_spec(spec_text('method = "lhs"\nsamples = 4', THREE_RANGES, replications=3))
    p = plan(spec)
    assert p.n_runs == 12
    per_rep = replication_seeds(11, 3)
    for task in p.tasks:
        point, rep = divmod(task.key, 3)
        assert task.replication == rep
        assert task.seed == per_rep[rep] == p.seeds[task.key]
        values = p.design.point(point)
        assert task.overrides == {"training_intensity": values["training_intensity"]}
        delayed = apply_levers(Timeline(), {"dso_delay_months": values["dso_delay_months"]})
        assert task.scenario.timeline.dso_full == delayed.dso_full
        assert task.municipalities == ("Flevoland",) and task.until == "2016-12"


def test_independent_seeds_are_spawned_per_run():
    text = spec_text(
        'method = "lhs"\nsamples = 4', THREE_RANGES, 2, "common_random_numbers = false"
    )
    spec = loads_spec(text)
    seeds = run_seeds(spec, 4)
    children = np.random.SeedSequence(11).spawn(8)
    assert seeds.tolist() == [int(c.generate_state(1)[0]) for c in children]
    assert len(set(seeds.tolist())) == 8


def test_fingerprint_ignores_comments_but_not_settings():
    text = spec_text('method = "lhs"\nsamples = 4', THREE_RANGES)
    a = plan(loads_spec(text)).fingerprint
    assert plan(loads_spec("# a comment\n" + text)).fingerprint == a
    assert plan(loads_spec(text.replace("seed = 11", "seed = 12"))).fingerprint != a


def test_outcome_statistics():
    text = spec_text('method = "lhs"\nsamples = 2', THREE_RANGES).replace(
        '[[outcomes]]\nindicator = "transformation_physical"\ndate = "2016-12"\n',
        """
[[outcomes]]
indicator = "transition_social"
date = "2013-03"

[[outcomes]]
indicator = "transition_social"
statistic = "mean"
from = "2013-02"
date = "2013-04"

[[outcomes]]
indicator = "transition_social"
statistic = "max"
from = "2013-01"
date = "2013-03"
""",
    )
    spec = loads_spec(text)
    dates = np.array(["2013-01-01", "2013-02-01", "2013-03-01", "2013-04-01"], "datetime64[D]")
    result = RunResult(
        "baseline", 0, 1, 0, ("transition_social",), dates, np.array([[1.0], [2.0], [4.0], [9.0]])
    )
    assert outcome_values(spec, result) == {
        "transition_social_2013_03": 4.0,
        "transition_social_mean_2013_02_2013_04": 5.0,
        "transition_social_max_2013_01_2013_03": 4.0,
    }


# ---------------------------------------------------------------------------- secretary's levers
CHOICES_AND_WHERE = """
[[factors]]
name = "role"
levels = ["changer", "advocate", "executor"]

[[factors]]
name = "coach_college"
where = "Lelystad"
levels = [0, 1]

[[factors]]
name = "coach_college"
levels = [0.25]

[[factors]]
name = "training_intensity"
levels = [0.4]
"""


def test_categorical_factorial_holds_indices_and_gives_texts():
    spec = loads_spec(spec_text('method = "factorial"', CHOICES_AND_WHERE))
    design = build_design(spec)
    assert design.n_points == design_size(spec) == 6
    assert design.names == ("role", "coach_college@Lelystad", "coach_college", "training_intensity")
    # first factor slowest; the role is held as the index of its level
    np.testing.assert_array_equal(design.values[:, 0], [0, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(design.values[:, 1], [0, 1, 0, 1, 0, 1])
    assert design.point(3) == {
        "role": "advocate",
        "coach_college@Lelystad": 1.0,
        "coach_college": 0.25,
        "training_intensity": 0.4,
    }
    frame = design.frame()
    assert frame["role"].tolist() == [
        "changer",
        "changer",
        "advocate",
        "advocate",
        "executor",
        "executor",
    ]
    assert design.frame(raw=True)["role"].tolist() == frame["role"].tolist()
    assert frame["coach_college@Lelystad"].tolist() == [0.0, 1.0] * 3


def test_plan_turns_where_and_choices_into_strategy_rules_in_factor_order():
    spec = loads_spec(spec_text('method = "factorial"', CHOICES_AND_WHERE, replications=2))
    p = plan(spec)
    assert p.n_runs == 12
    task = p.tasks[3 * 2 + 1]  # point 3 (advocate, coach_college 1 in Lelystad), replication 1
    assert task.replication == 1
    assert [(r.where, dict(r.values)) for r in task.strategy] == [
        ("all", {"role": "advocate"}),
        ("Lelystad", {"coach_college": 1.0}),
    ]
    # the national coach_college and the plain parameter remain overrides; the rules are not
    assert task.overrides == {"coach_college": 0.25, "training_intensity": 0.4}
    assert task.scenario is spec.scenario  # no timeline lever: the base scenario itself
    assert task.rules()[-2:] == task.strategy  # after the scenario's own [[strategy]] rules
    roles = [t.strategy[0].values["role"] for t in p.tasks]
    assert roles == ["changer"] * 4 + ["advocate"] * 4 + ["executor"] * 4


def test_fingerprint_covers_where_and_levels():
    text = spec_text('method = "factorial"', CHOICES_AND_WHERE)
    a = plan(loads_spec(text)).fingerprint
    assert plan(loads_spec(text.replace('"Lelystad"', '"Almere"'))).fingerprint != a
    swapped = text.replace(
        '["changer", "advocate", "executor"]', '["advocate", "changer", "executor"]'
    )
    assert plan(loads_spec(swapped)).fingerprint != a
    assert plan(loads_spec("# comment\n" + text)).fingerprint == a


def test_choices_are_factor_names_of_their_own():
    from govsim.model.parameters import CHOICES

    for name in CHOICES:
        assert name not in PARAMETERS and name not in LEVERS
        assert split_factor_name(name) == ("choice", name)
    assert split_factor_name("lever.role") is None and split_factor_name("param.role") is None


def test_condition_text_for_choices_and_selections():
    en = condition_text("role", "choice", None, None, "en", where="all", levels=["changer"])
    assert en == "the secretary's role is changer"
    nl = condition_text(
        "role",
        "choice",
        None,
        None,
        "nl",
        where="province Utrecht",
        levels=["changer", "connector"],
    )
    assert nl == "de rol van de secretaris voor province Utrecht is veranderaar of verbinder"
    three = condition_text("stance", "choice", None, None, "en", levels=["a", "b", "c"])
    assert three == "the secretary's stance is a, b or c"
    lever = condition_text("coach_college", "parameter", 0.5, None, "en", where="size_class <20k")
    assert lever == "parameter coach_college for size_class <20k ≥ 0.5"
    label = {"nl": "coachen (klein)", "en": "coaching (small)"}
    assert (
        condition_text(
            "coach_college", "parameter", None, 0.25, "nl", where="size_class <20k", label=label
        )
        == "coachen (klein) ≤ 0,25"
    )

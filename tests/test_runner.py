"""The one runner (scenarios/runner.py): seeds, tasks, common random numbers, executors."""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import datetime as dt
import pickle

import numpy as np
import pytest

from govsim.model.calendar import CalendarError, MonthCalendar
from govsim.model.parameters import ParameterError
from govsim.model.timeline import Postponement, Timeline, TimelineError
from govsim.scenarios.loader import load_scenario
from govsim.scenarios.runner import (
    ALL_INDICATORS,
    Outputs,
    RunTask,
    batches,
    default_chunksize,
    make_tasks,
    replication_seeds,
    run_task,
    run_tasks,
)
from govsim.scenarios.scenario import Scenario

PROVINCE = ("Utrecht",)
SHORT = "2020-12"


def scenario(name: str, timeline: Timeline | None = None, **params) -> Scenario:
    return Scenario(
        name=name,
        title={"nl": name, "en": name},
        description={"nl": "", "en": ""},
        params=params,
        timeline=timeline or Timeline(),
    )


def dso_delay_timeline() -> Timeline:
    """DSO two years later, entry postponed to 2023 (announced 2020): a changed timeline."""
    base = Timeline()
    physical = dataclasses.replace(
        base.physical,
        postponements=(
            *base.physical.postponements,
            Postponement(dt.date(2020, 1, 1), dt.date(2023, 1, 1)),
        ),
    )
    return dataclasses.replace(base, physical=physical, dso_full=dt.date(2026, 1, 1))


def first_differing_step(a: Timeline, b: Timeline, calendar: MonthCalendar) -> int:
    """First step at which the compiled timelines differ (what the model can see)."""
    ca, cb = a.compile(calendar), b.compile(calendar)
    per_step = (
        "known",
        "entry_step",
        "postponements",
        "dso_availability",
        "election",
        "budget_shock",
        "cooperation_floor",
        "joint_training",
    )
    for k in range(calendar.n_steps + 1):
        if any(not np.array_equal(getattr(ca, f)[k], getattr(cb, f)[k]) for f in per_step):
            return k
    raise AssertionError("timelines do not differ")


# ---------------------------------------------------------------------------- seeds
def test_replication_seeds_follow_seed_sequence_spawn():
    seeds = replication_seeds(20180101, 5)
    expected = [int(ss.generate_state(1)[0]) for ss in np.random.SeedSequence(20180101).spawn(5)]
    assert seeds == expected
    assert len(set(seeds)) == 5
    assert replication_seeds(20180101, 8)[:5] == seeds  # more replications keep the first ones
    assert replication_seeds(20180102, 5) != seeds


def test_make_tasks_uses_common_random_numbers():
    a, b = scenario("a"), scenario("b")
    tasks = make_tasks([a, b], 3, seed=11, municipalities=PROVINCE)
    assert [(t.scenario.name, t.replication) for t in tasks] == [
        ("a", 0),
        ("b", 0),
        ("a", 1),
        ("b", 1),
        ("a", 2),
        ("b", 2),
    ]
    seeds = replication_seeds(11, 3)
    for t in tasks:
        assert t.seed == seeds[t.replication]
        assert t.municipalities == PROVINCE


def test_batches_and_chunksize():
    tasks = make_tasks([scenario("a")], 10, seed=1)
    parts = batches(tasks, 3)
    assert [len(p) for p in parts] == [3, 3, 3, 1]
    assert [t for p in parts for t in p] == tasks
    assert default_chunksize(100, 2) == 4
    assert default_chunksize(40, 2) == 2
    assert default_chunksize(10, 2) == 1
    assert default_chunksize(1, 8) == 1
    with pytest.raises(ValueError):
        batches(tasks, 0)


def test_batches_shrink_towards_the_end_for_the_workers():
    tasks = make_tasks([scenario("a")], 100, seed=1)
    parts = batches(tasks, 4, workers=2)
    sizes = [len(p) for p in parts]
    assert [t for p in parts for t in p] == tasks
    assert sizes[:10] == [4] * 10 and max(sizes) == 4
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[-4:] == [1, 1, 1, 1]  # the last runs go out one by one
    assert [len(p) for p in batches(tasks[:3], 4, workers=8)] == [1, 1, 1]


# ---------------------------------------------------------------------------- tasks and results
def test_task_pickles_and_result_is_plain_data():
    task = RunTask(
        scenario("a"),
        replication=0,
        seed=5,
        until="2016-06",
        municipalities=PROVINCE,
        outputs=Outputs(
            indicators=("transition_social", "dso_availability"),
            snapshot_dates=("2015-01-01", "end"),
            snapshot_columns=("transition_social",),
            dtype="float32",
        ),
        key={"point": 3},
    )
    assert pickle.loads(pickle.dumps(task)) == task
    result = run_task(task)
    assert result.columns == ("transition_social", "dso_availability")
    assert result.values.dtype == np.float32
    assert result.values.shape == (42, 2)  # Jan 2013 - Jun 2016
    assert str(result.dates[0]) == "2013-01-01" and str(result.dates[-1]) == "2016-06-01"
    assert result.key == {"point": 3}
    assert set(result.snapshots) == {"2015-01-01", "end"}
    snap = result.snapshots["end"]
    assert list(snap.columns) == ["code", "transition_social"]
    assert len(snap) == 26
    # the snapshot at the last month equals the national mean collected then
    assert snap["transition_social"].mean() == pytest.approx(float(result.values[-1, 0]), rel=1e-6)
    assert (
        snap["transition_social"].mean()
        > result.snapshots["2015-01-01"]["transition_social"].mean()
    )
    assert result.wall_time > 0
    restored = pickle.loads(pickle.dumps(result))
    np.testing.assert_array_equal(restored.values, result.values)
    assert result.frame().index[0].year == 2013


def test_default_outputs_are_every_indicator():
    result = run_task(RunTask(scenario("a"), 0, 1, until="2013-03", municipalities=PROVINCE))
    assert result.columns == ALL_INDICATORS
    assert result.values.shape == (3, len(ALL_INDICATORS))
    assert result.values.dtype == np.float64


def test_task_validation_names_the_problem():
    with pytest.raises(ParameterError, match="no_such_parameter"):
        RunTask(scenario("a", no_such_parameter=1.0), 0, 1).validate()
    with pytest.raises(ParameterError, match="Atlantis"):
        RunTask(scenario("a"), 0, 1, municipalities=("Atlantis",)).validate()
    with pytest.raises(ParameterError, match="not_an_indicator"):
        RunTask(scenario("a"), 0, 1, outputs=Outputs(indicators=("not_an_indicator",))).validate()
    with pytest.raises(CalendarError, match="outside the simulated months 2013-01 to 2029-12"):
        RunTask(scenario("a"), 0, 1, until="2012-06").validate()
    with pytest.raises(CalendarError):
        RunTask(scenario("a"), 0, 1, until="2020-13").validate()
    bad = dataclasses.replace(Timeline(), dso_full=dt.date(2018, 1, 1))
    with pytest.raises(TimelineError):
        RunTask(scenario("a", timeline=bad), 0, 1).validate()


# ---------------------------------------------------------------------------- common random numbers
def test_identical_scenarios_give_identical_replications():
    one = load_scenario("baseline")
    two = dataclasses.replace(one, name="copy_of_baseline", path=None)
    results = list(
        run_tasks(make_tasks([one, two], 2, seed=3, municipalities=PROVINCE, until=SHORT))
    )
    by = {(r.scenario, r.replication): r for r in results}
    for i in range(2):
        a, b = by[("baseline", i)].values, by[("copy_of_baseline", i)].values
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(by[("baseline", 0)].values, by[("baseline", 1)].values)


@pytest.mark.parametrize("shipped", [False, True])
def test_changed_scenario_differs_only_after_its_first_differing_event(shipped):
    if shipped:
        base, delayed = load_scenario("baseline"), load_scenario("dso_delay")
    else:
        base, delayed = scenario("baseline"), scenario("dso_delay", dso_delay_timeline())
    calendar = MonthCalendar()
    first = first_differing_step(base.timeline, delayed.timeline, calendar)
    assert calendar.date_of(first) == dt.date(2019, 7, 1)  # the DSO ramp starts to differ
    for seed in replication_seeds(9, 2):
        a = run_task(RunTask(base, 0, seed, municipalities=PROVINCE, until="2024-12"))
        b = run_task(RunTask(delayed, 0, seed, municipalities=PROVINCE, until="2024-12"))
        row = first - 1  # row k-1 holds the state after step k
        np.testing.assert_array_equal(a.values[:row], b.values[:row])
        assert a.series("dso_availability")[row] != b.series("dso_availability")[row]
        later = slice(row + 1, None)
        for name in ("transition_physical", "urgency_physical", "dso_connection"):
            assert not np.array_equal(a.series(name)[later], b.series(name)[later]), name
        # the social domain is not touched by the DSO before the change
        assert np.array_equal(
            a.series("transition_social")[:row], b.series("transition_social")[:row]
        )


# ---------------------------------------------------------------------------- executors
def test_any_executor_gives_the_in_process_results():
    tasks = make_tasks([scenario("a")], 3, seed=4, municipalities=PROVINCE, until="2016-12")
    local = {r.replication: r.values for r in run_tasks(tasks, progress=False)}
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        seen = list(run_tasks(tasks, executor=pool, workers=2, chunksize=2, progress=False))
    assert sorted(r.replication for r in seen) == [0, 1, 2]
    for r in seen:
        np.testing.assert_array_equal(r.values, local[r.replication])


def test_on_batch_sees_every_batch_and_errors_propagate():
    tasks = make_tasks([scenario("a")], 3, seed=4, municipalities=PROVINCE, until="2013-06")
    sizes: list[int] = []
    got = list(
        run_tasks(tasks, chunksize=2, progress=False, on_batch=lambda b: sizes.append(len(b)))
    )
    assert sizes == [2, 1] and len(got) == 3
    broken = [*tasks, RunTask(scenario("bad", no_such_parameter=1), 0, 1, until="2013-02")]
    with cf.ThreadPoolExecutor(max_workers=2) as pool, pytest.raises(ParameterError):
        list(run_tasks(broken, executor=pool, workers=2, chunksize=1, progress=False))


def test_dask_executor_path():
    import distributed

    tasks = make_tasks([scenario("a")], 2, seed=4, municipalities=PROVINCE, until="2014-12")
    local = {r.replication: r.values for r in run_tasks(tasks, progress=False)}
    with (
        distributed.Client(
            processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None
        ) as client,
        client.get_executor(pure=False) as executor,
    ):
        seen = list(run_tasks(tasks, executor=executor, workers=2, chunksize=1, progress=False))
    assert sorted(r.replication for r in seen) == [0, 1]
    for r in seen:
        np.testing.assert_array_equal(r.values, local[r.replication])

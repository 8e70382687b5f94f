"""The month as declared data: `model.schedule.MONTH` runs the step and documents ODD §3."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
from pathlib import Path

import numpy as np

from govsim import agents
from govsim.model import GovernanceModel, mechanisms, schedule

ROOT = Path(__file__).resolve().parent.parent
MODULES = tuple(
    importlib.import_module(f"govsim.model.mechanisms.{info.name}")
    for info in pkgutil.iter_modules(mechanisms.__path__)
)
"""Every mechanism module."""


def _script():
    spec = importlib.util.spec_from_file_location(
        "make_schedule_table", ROOT / "docs" / "make_schedule_table.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_odd_section_3_is_the_table_generated_from_the_schedule():
    script = _script()
    text = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    assert script.render() in text, (
        "docs/ODD.md §3 is out of date: run `.venv/bin/python docs/make_schedule_table.py`"
    )
    assert script.updated(text) == text


def test_the_rendered_table_reflects_its_input():
    script = _script()
    one = script.render(schedule.MONTH[:1])
    assert schedule.MONTH[0].name in one
    assert schedule.MONTH[-1].name not in one


def test_every_declared_function_exists_and_is_what_the_sub_step_calls():
    names = {n for m in MODULES for n, f in vars(m).items() if inspect.isfunction(f)}
    names |= {"college_mix", "talks_choices", "compute_indicators", "domain_mean"}
    for sub in schedule.MONTH:
        source = inspect.getsource(sub.run)
        for function in sub.functions:
            if "." in function:  # an agent method, Class.method
                cls, method = function.split(".")
                assert hasattr(getattr(agents, cls), method), function
                assert method in source, (sub.name, function)
            else:
                assert function in names, (sub.name, function)
                assert function in source or _called_by(sub, function), (sub.name, function)
        assert sub.patterns and sub.reads and sub.writes, sub.name


def _called_by(sub: schedule.SubStep, function: str) -> bool:
    """Whether ``function`` is called by a function the sub-step calls (one level down)."""
    for module in MODULES:
        for name in sub.functions:
            caller = getattr(module, name, None)
            if inspect.isfunction(caller) and function in inspect.getsource(caller):
                return True
    return False


def test_the_step_runs_the_sub_steps_in_order(monkeypatch):
    seen: list[str] = []
    month = tuple(
        schedule.SubStep(
            s.name,
            s.patterns,
            s.functions,
            s.reads,
            s.writes,
            (lambda run, name: lambda model, m: (seen.append(name), run(model, m)))(s.run, s.name),
        )
        for s in schedule.MONTH
    )
    monkeypatch.setattr("govsim.model.governance_model.MONTH", month)
    GovernanceModel(rng=1, municipalities=["Utrecht"]).run("2013-02")
    assert seen == [s.name for s in schedule.MONTH] * 2


def test_no_loose_arithmetic_in_the_step():
    """`GovernanceModel.step` only builds the month and runs the schedule."""
    source = inspect.getsource(GovernanceModel.step)
    assert "for sub in MONTH" in source
    for fragment in ("3.0 *", "secretary_steering_weight", "transition_rate"):
        assert fragment not in source
    # the step changes the model only through the sub-steps: one extra month, same numbers
    a = GovernanceModel(rng=2, municipalities=["Utrecht"]).run("2014-06")
    b = GovernanceModel(rng=2, municipalities=["Utrecht"]).run("2014-06")
    np.testing.assert_array_equal(a.state.instruments, b.state.instruments)

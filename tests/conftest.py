"""Shared fixtures: cached national baseline runs and quick province-subset models.

A national run (388 municipalities, 2013-2029) costs most of a second, so each baseline seed is
run once per session and shared by every test that reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings

from govsim.model import GovernanceModel

# No example database on disk (keeps the working tree clean), no per-example deadline (model
# runs vary in wall time on a shared machine).
settings.register_profile("govsim", database=None, deadline=None)
settings.load_profile("govsim")

PATTERN_SEEDS: tuple[int, ...] = (1, 2, 3, 4, 5)
"""Seeds of the national baseline runs used for the report's patterns (>= 5)."""

SURVEY_MONTH = "2017-08"
SMALL_PROVINCE = "Utrecht"
"""A province subset (26 municipalities) for model-level direction tests."""


@dataclass(frozen=True)
class BaselineRun:
    """One national baseline run, 2013-2029, with what tests need from it.

    Attributes:
        seed: The seed.
        model: The model after the full run.
        series: `national_series()` after the full run (204 rows).
        snapshot_survey: `snapshot()` in the survey month (2017-08).
        snapshot_end: `snapshot()` at the end of 2029.
        initial_desires: Copy of the secretaries' desired modes right after construction.
        initial_roles: Copy of the secretaries' roles right after construction.
    """

    seed: int
    model: GovernanceModel
    series: pd.DataFrame
    snapshot_survey: pd.DataFrame
    snapshot_end: pd.DataFrame
    initial_desires: np.ndarray
    initial_roles: np.ndarray


@cache
def baseline_run(seed: int) -> BaselineRun:
    """Run (once per session) the national baseline for ``seed``."""
    model = GovernanceModel(rng=seed)
    desires = model.secretaries.desires.copy()
    roles = model.secretaries.role.copy()
    model.run(until=SURVEY_MONTH)
    survey = model.snapshot()
    model.run()
    return BaselineRun(
        seed=seed,
        model=model,
        series=model.national_series(),
        snapshot_survey=survey,
        snapshot_end=model.snapshot(),
        initial_desires=desires,
        initial_roles=roles,
    )


BROWSER_FIXTURES = frozenset({"server", "page", "app_page", "browser_context", "solara_test"})
"""Fixtures that start the app's server or drive Chromium (tests/app_browser.py, the
``solara_test`` fixture of pytest-ipywidgets); a test in a module that imports from
tests/app_browser.py counts as a browser test too."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group the tests for pytest-xdist (`make test` runs ``-n auto --dist loadgroup``).

    Each test file stays on one worker, as with ``--dist loadfile`` (its module fixtures are
    built once), and every test that drives Chromium is in one group: one browser and app server
    at a time, beside the other workers' tests (with two workers and two browsers at once on
    two cores, a play/pause test waited 30 s for the app's answer and failed).
    """
    for item in items:
        browser = bool(BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())))
        module = getattr(item, "module", None)
        helpers = vars(module).values() if module is not None else ()
        browser = browser or any(getattr(v, "__module__", None) == "app_browser" for v in helpers)
        item.add_marker(pytest.mark.xdist_group("browser" if browser else item.path.name))


@pytest.fixture(autouse=True)
def _calibrated_values_read_afresh():
    """Forget the calibrated set read during a test (`parameters.calibrated_values` is cached):
    a test that points ``CALIBRATED_PATH`` elsewhere must not leave that set to the next test."""
    yield
    from govsim.model import parameters

    parameters.calibrated_values.cache_clear()


@pytest.fixture(scope="session")
def baseline() -> Callable[[int], BaselineRun]:
    """Return a function seed -> cached `BaselineRun`."""
    return baseline_run


@pytest.fixture(scope="session")
def baseline_runs() -> list[BaselineRun]:
    """The national baseline runs for every seed of `PATTERN_SEEDS`."""
    return [baseline_run(s) for s in PATTERN_SEEDS]


def province_model(
    seed: int,
    until: str | None = None,
    *,
    province: str = SMALL_PROVINCE,
    setup: Callable[[GovernanceModel], Any] | None = None,
    **overrides: Any,
) -> GovernanceModel:
    """Build a province-subset model, optionally change it with ``setup``, run it."""
    model = GovernanceModel(rng=seed, municipalities=[province], **overrides)
    if setup is not None:
        setup(model)
    return model.run(until=until)


@pytest.fixture(scope="session")
def run_province() -> Callable[..., GovernanceModel]:
    """Return `province_model` (seed, until, province=..., setup=..., **overrides)."""
    return province_model

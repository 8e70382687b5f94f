"""The seven lessons and the secretary's choices as paired interventions (report §5.5).

Each `Lesson` is one ``[[strategy]]`` rule (`model.levers`) applied to the municipalities of a
``where`` on top of a base scenario. `lesson_effects` runs the base and every lesson with common
random numbers (replication i uses the same seed in every variant, `scenarios.runner`) and
summarises, per lesson and `Outcome`, the paired difference to the base: median and 5-95% band
over the replications. docs/lessons.md is written from it by ``docs/make_lessons.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govsim.model.levers import StrategyRule
from govsim.model.parameters import CHOICES, PARAMETERS
from govsim.scenarios.runner import Outputs, RunTask, replication_seeds, run_tasks
from govsim.scenarios.scenario import Scenario
from govsim.scenarios.summary import paired_difference


@dataclass(frozen=True)
class Lesson:
    """One choice a secretary can make, as the lever values it sets.

    Attributes:
        name: Identifier (``lesson_1`` ... or the choice).
        values: Lever name -> value (a ``[[strategy]]`` table without ``where``).
        nl: Dutch label.
        en: English label.
        expects: What the report expects the choice to do (for comparing with the model).
    """

    name: str
    values: dict[str, Any]
    nl: str
    en: str
    expects: str

    @property
    def levers(self) -> tuple[str, ...]:
        """The lever names it sets."""
        return tuple(self.values)

    def source(self) -> str:
        """The report passage of its (first) lever."""
        key = next(iter(self.values))
        return CHOICES[key].source if key in CHOICES else PARAMETERS[key].source

    def mechanism(self) -> str:
        """What the lever does in the model (its declared description)."""
        key = next(iter(self.values))
        return CHOICES[key].description if key in CHOICES else PARAMETERS[key].description


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "lesson_1",
        {"transformation_first": 1.0},
        "1 Bezint eer ge begint: stuur vanaf het begin op de transformatie",
        "1 Think before you start: steer on the transformation from the start",
        "more transformation",
    ),
    Lesson(
        "lesson_2",
        {"link_organisation_change": 1.0},
        "2 Decentralisaties als katalysator: koppel aan de lopende organisatieverandering",
        "2 Decentralisations as catalyst: couple them to the organisation change under way",
        "more transformation",
    ),
    Lesson(
        "lesson_3",
        {"data_driven": 1.0},
        "3 Sluit aan bij de digitaliserende samenleving",
        "3 Connect with the digitalising society",
        "a better DSO connection and more prevention",
    ),
    Lesson(
        "lesson_4",
        {"start_early": 1.0},
        "4 Benut de beschikbare tijd: voorbereiden in plaats van afwachten",
        "4 Use the time available: prepare rather than wait",
        "less time pressure and more transformation",
    ),
    Lesson(
        "lesson_5",
        {"integrality": 1.0},
        "5 Stuur op integraliteit (maar niet te complex)",
        "5 Steer on integrality (but not too complex)",
        "more transformation, at a cost in complexity",
    ),
    Lesson(
        "lesson_6",
        {"coach_college": 1.0},
        "6 Coach het college",
        "6 Coach the college",
        "more attention of the college and steering on the role change",
    ),
    Lesson(
        "lesson_7",
        {"use_elections": 1.0},
        "7 Benut de verkiezingen",
        "7 Use the elections",
        "clear choices where to steer and where to let go",
    ),
    Lesson(
        "dso_lobby",
        {"dso_lobby": 1.0},
        "Lobby voor het DSO en werk aan de gemeentelijke lijn",
        "Lobby for the DSO and work on the municipal line",
        "a DSO connection sooner",
    ),
    Lesson(
        "changer",
        {"role": "changer"},
        "Rol: veranderaar",
        "Role: changer",
        "a role for the collaborative and responsive government (§3.2 improvement point)",
    ),
    Lesson(
        "connector",
        {"role": "connector"},
        "Rol: verbinder",
        "Role: connector",
        "a role for the collaborative and responsive government (§3.2 improvement point)",
    ),
    Lesson(
        "regisseur",
        {"stance": "regisseur"},
        "Houding: regisseur van de transitie",
        "Stance: director of the transition",
        "a firmer transition (§3.2 improvement point)",
    ),
    Lesson(
        "wait_for_dso",
        {"physical_strategy": "wait"},
        "Omgevingswet: afwachten tot rijksregels en DSO er zijn",
        "Omgevingswet: wait for the national rules and the DSO",
        "nothing lost while the frame is unclear (the waiting secretaries' view, §4.3)",
    ),
    Lesson(
        "front_run",
        {"physical_strategy": "front_run"},
        "Omgevingswet: voorlopen (lobbyen en experimenteren)",
        "Omgevingswet: front-run (lobby and experiment)",
        "a system that fits and an early start (the lobbying secretaries' view, §4.3)",
    ),
)
"""The lessons of §5.5, the DSO lobby, and the role, stance and strategy choices."""


@dataclass(frozen=True)
class Outcome:
    """One measure of a lesson's effect.

    Attributes:
        name: Column name.
        indicator: National indicator (`model.indicators`).
        date: Month (ISO) at which it is read.
        better: ``"higher"`` or ``"lower"``: which direction is better for the implementation.
        nl: Dutch label.
        en: English label.
    """

    name: str
    indicator: str
    date: str
    better: str
    nl: str
    en: str


OUTCOMES: tuple[Outcome, ...] = (
    Outcome(
        "transformation_physical_2029",
        "transformation_physical",
        "2029-12",
        "higher",
        "transformatie Omgevingswet 2029",
        "Omgevingswet transformation 2029",
    ),
    Outcome(
        "transformation_social_2029",
        "transformation_social",
        "2029-12",
        "higher",
        "transformatie 3D's 2029",
        "3D transformation 2029",
    ),
    Outcome(
        "transition_physical_2021",
        "transition_physical",
        "2021-01",
        "higher",
        "transitie Omgevingswet bij inwerkingtreding (2021)",
        "Omgevingswet transition at entry (2021)",
    ),
    Outcome(
        "on_schedule_physical_2021",
        "on_schedule_physical",
        "2021-01",
        "higher",
        "gemeenten op schema bij inwerkingtreding (2021)",
        "municipalities on schedule at entry (2021)",
    ),
    Outcome(
        "transition_social_2015",
        "transition_social",
        "2015-01",
        "higher",
        "transitie 3D's bij inwerkingtreding (2015)",
        "3D transition at entry (2015)",
    ),
    Outcome(
        "satisfaction_physical_2021",
        "satisfaction_physical",
        "2021-01",
        "higher",
        "tevredenheid Omgevingswet bij inwerkingtreding (2021)",
        "Omgevingswet satisfaction at entry (2021)",
    ),
)
"""What the lessons are judged on: transformation, transition on schedule and satisfaction."""


def variants(
    base: Scenario, where: str = "all", lessons: Sequence[Lesson] = LESSONS
) -> list[Scenario]:
    """The base scenario and, per lesson, the base with the lesson's rule added for ``where``."""
    out = [base]
    for lesson in lessons:
        rule = StrategyRule(where, lesson.values)
        out.append(dataclasses.replace(base, name=lesson.name, strategy=(*base.strategy, rule)))
    return out


def lesson_values(
    base: Scenario,
    *,
    where: str = "all",
    replications: int = 10,
    seed: int = 20180101,
    municipalities: Sequence[str] | None = None,
    workers: int = 1,
    lessons: Sequence[Lesson] = LESSONS,
    outcomes: Sequence[Outcome] = OUTCOMES,
    focus: Sequence[str] | None = None,
    progress: bool = False,
) -> dict[str, np.ndarray]:
    """Per variant (the base's name and every lesson's), array (replications, outcomes).

    Replication ``i`` uses the same seed in every variant (common random numbers), so
    ``values[lesson][i] - values[base][i]`` is a paired difference. The outcomes are the
    national indicators of the municipalities simulated, or, with ``focus`` (CBS codes), the
    mean over those municipalities of their own state (snapshots at the outcome dates).
    """
    scenarios = variants(base, where, lessons)
    seeds = replication_seeds(seed, replications)
    indicators = tuple(dict.fromkeys(o.indicator for o in outcomes))
    dates = tuple(dict.fromkeys(o.date + "-01" for o in outcomes))
    outputs = (
        Outputs(indicators=indicators)
        if focus is None
        else Outputs(indicators=indicators, snapshot_dates=dates, snapshot_columns=indicators)
    )
    tasks = [
        RunTask(
            scenario=s,
            replication=i,
            seed=sd,
            municipalities=None if municipalities is None else tuple(municipalities),
            outputs=outputs,
            key=(s.name, i),
        )
        for s in scenarios
        for i, sd in enumerate(seeds)
    ]
    out = {s.name: np.full((replications, len(outcomes)), np.nan) for s in scenarios}
    for result in run_tasks(tasks, workers=workers, progress=progress, desc="lessons"):
        name, i = result.key
        if focus is None:
            frame = result.frame()
            out[name][i] = [
                float(frame.loc[pd.Timestamp(o.date + "-01"), o.indicator]) for o in outcomes
            ]
        else:
            rows = []
            for o in outcomes:
                snap = result.snapshots[o.date + "-01"]
                rows.append(float(snap.loc[snap["code"].isin(focus), o.indicator].mean()))
            out[name][i] = rows
    return out


def lesson_effects(
    base: Scenario,
    *,
    where: str = "all",
    replications: int = 10,
    seed: int = 20180101,
    municipalities: Sequence[str] | None = None,
    workers: int = 1,
    lessons: Sequence[Lesson] = LESSONS,
    outcomes: Sequence[Outcome] = OUTCOMES,
    progress: bool = False,
) -> pd.DataFrame:
    """Paired effects of every lesson on every outcome, one row per (lesson, outcome).

    Columns: ``lesson``, ``outcome``, ``base`` (median of the base), ``median``, ``p05``,
    ``p95`` (of the per-replication differences lesson - base), ``better`` (share of
    replications where the lesson is better for the implementation).
    """
    values = lesson_values(
        base,
        where=where,
        replications=replications,
        seed=seed,
        municipalities=municipalities,
        workers=workers,
        lessons=lessons,
        outcomes=outcomes,
        progress=progress,
    )
    rows = []
    for lesson in lessons:
        for j, o in enumerate(outcomes):
            base_values = values[base.name][:, j]
            mine = values[lesson.name][:, j]
            diff = paired_difference(mine[None, :].T, base_values[None, :].T)
            sign = 1.0 if o.better == "higher" else -1.0
            rows.append(
                {
                    "lesson": lesson.name,
                    "outcome": o.name,
                    "base": float(np.median(base_values)),
                    "median": float(diff.median[0]),
                    "p05": float(diff.p05[0]),
                    "p95": float(diff.p95[0]),
                    "better": float(np.mean(sign * (mine - base_values) > 1e-12)),
                }
            )
    return pd.DataFrame(rows)

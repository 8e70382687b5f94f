"""Presets (the shipped scenarios) and the workshop sliders, turned into model inputs.

A slider the facilitator has not touched leaves each scenario as it is; a touched slider is an
*override* that applies to every run of the session (both runs when two scenarios are shown side
by side), at the next Reset. Parameter sliders take their ranges from `model.parameters`;
timeline sliders go through `scenarios.adjust`:

- lead time: `set_physical_lead_time` (months from the Omgevingswet being known to its entry),
- DSO delay: `delay_dso` (extra months on top of the scenario's DSO dates, with the
  postponement of the entry that follows),
- regional cooperation: `with_cooperation` (a policy of at least this intensity in the physical
  domain from the date the task is known).

"The secretary's choices" (report §5.5, the seven lessons; `model.levers`) are set nationally:
a slider per numeric lever (`LEVER_SLIDERS`, a declared parameter with ``lever=True``) and a
select per choice in `CHOICE_SELECTS` (role, stance, Omgevingswet strategy). A touched lever
slider sets the parameter and, like a chosen role, stance or strategy, goes into one
``StrategyRule("all", ...)`` appended to the scenario's own rules (`strategy_rules`), so it wins
over them everywhere. A select left at its first value ('drawn', 'chosen') is no override.
During a run, `choices_to_apply` gives the choices changed since they last applied, which
"Nu toepassen" adds as a dated rule from the next month (`viz.session.Session.apply_now`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govsim.model.levers import StrategyRule
from govsim.model.parameters import CHOICES, PARAMETERS, defaults
from govsim.model.timeline import Timeline
from govsim.scenarios import adjust
from govsim.scenarios.scenario import Scenario

BASELINE = "baseline"


SCENARIO_FILES_ENV = "GOVSIM_APP_SCENARIOS"
"""The scenario files the facilitator named (``govsim app --scenario FILE ...``), passed to the
server as absolute paths separated by `os.pathsep`."""


def shipped() -> list[str]:
    """Names of the shipped scenarios."""
    from govsim.scenarios.loader import shipped_scenarios

    return list(shipped_scenarios())


def facilitator_files() -> dict[str, Path]:
    """The facilitator's scenario files by menu key (the file name without ``.toml``)."""
    raw = os.environ.get(SCENARIO_FILES_ENV, "")
    files = [Path(p) for p in raw.split(os.pathsep) if p.strip()]
    return {path.stem: path for path in files}


def available() -> list[str]:
    """The app's menu: the shipped scenarios, then the facilitator's files."""
    names = shipped()
    return names + [key for key in facilitator_files() if key not in names]


def load(name: str) -> Scenario:
    """The scenario of menu key ``name``: a shipped scenario or a file the facilitator named.

    A key is never read as a path: a value sent by a browser cannot make the server open a
    file (issue 18).

    Raises:
        ValueError: For a key that is not on the menu, or a file that cannot be loaded.
    """
    from govsim.scenarios.loader import load_scenario

    if name in shipped():
        return load_scenario(name)
    files = facilitator_files()
    if name in files:
        return load_scenario(files[name])
    shown = name if len(str(name)) <= 40 else str(name)[:37] + "..."
    raise ValueError(f"'{shown}' is not on the scenario menu ({', '.join(available())})")


def short_title(scenario: Scenario, lang: str) -> str:
    """The scenario's title up to its colon ("Basis", "DSO-vertraging"), for labels and menus."""
    return scenario.label(lang).split(":")[0].strip()


@dataclass(frozen=True)
class SliderSpec:
    """One big slider.

    Attributes:
        key: Parameter name, or ``lead_time``, ``dso_delay``, ``cooperation``.
        low: Smallest value.
        high: Largest value.
        step: Slider step.
        integer: Whether values are whole numbers.
    """

    key: str
    low: float
    high: float
    step: float
    integer: bool = False

    @property
    def is_parameter(self) -> bool:
        """Whether the slider sets a model parameter (else it changes the timeline)."""
        return self.key in PARAMETERS


def _param(name: str, step: float = 0.05) -> SliderSpec:
    p = PARAMETERS[name]
    return SliderSpec(name, float(p.low), float(p.high), step)


SLIDERS: tuple[SliderSpec, ...] = (
    SliderSpec("lead_time", 6, adjust.MAX_LEAD_MONTHS, 1, integer=True),
    SliderSpec("dso_delay", 0, 48, 1, integer=True),
    SliderSpec("cooperation", 0.0, 1.0, 0.05),
    _param("regisseur_share"),
    _param("training_intensity"),
    _param("learning_by_doing_share"),
    _param("council_reopen_tendency"),
)
"""The sliders, in the order shown."""

LEVER_SLIDERS: tuple[SliderSpec, ...] = tuple(
    _param(p.name, 0.1) for p in PARAMETERS.values() if p.lever
)
"""One slider per numeric lever of the secretary (0-1, step 0.1), in the declared order."""

CHOICE_SELECTS: tuple[str, ...] = ("role", "stance", "physical_strategy")
"""The secretary's categorical choices offered as selects (`model.parameters.CHOICES`)."""

SLIDER_BY_KEY: dict[str, SliderSpec] = {s.key: s for s in (*SLIDERS, *LEVER_SLIDERS)}


def lead_time(timeline: Timeline) -> int:
    """Months from the Omgevingswet being known to its (final) entry into force."""
    physical = timeline.physical
    return adjust.months_between(physical.known, physical.final_entry())


def cooperation_level(timeline: Timeline) -> float:
    """The strongest regional cooperation policy of the physical domain (0 if none)."""
    levels = [p.intensity for p in timeline.cooperation_policies if p.domain == "physical"]
    return float(max(levels, default=0.0))


def scenario_value(scenario: Scenario, key: str) -> float:
    """The value a slider shows for ``scenario`` when the facilitator has not touched it."""
    if key == "lead_time":
        return float(lead_time(scenario.timeline))
    if key == "dso_delay":
        return 0.0
    if key == "cooperation":
        return cooperation_level(scenario.timeline)
    value = scenario.params.get(key, defaults()[key])
    for rule in scenario.strategy:  # a lever the scenario sets for every municipality
        if key in rule.values and rule.selector.kind == "all" and rule.start is None:
            value = rule.values[key]
    return float(value)


def choice_value(overrides: Mapping[str, Any] | None, key: str) -> str:
    """The value a choice select shows: the override, else the choice's default."""
    value = (overrides or {}).get(key)
    return str(value) if value in CHOICES[key].values else CHOICES[key].default


def set_choice(overrides: Mapping[str, Any], key: str, value: str | None) -> dict[str, Any]:
    """``overrides`` with choice ``key`` set to ``value`` (the default removes the override)."""
    out = dict(overrides)
    if value and value in CHOICES[key].values and value != CHOICES[key].default:
        out[key] = value
    else:
        out.pop(key, None)
    return out


CHOICE_KEYS: tuple[str, ...] = (*CHOICE_SELECTS, *(s.key for s in LEVER_SLIDERS))
"""The secretary's choices among the controls (selects and lever sliders)."""


def choices_to_apply(
    scenario: Scenario,
    overrides: Mapping[str, Any],
    applied: Mapping[str, Any],
    scope_changed: bool = False,
) -> dict[str, Any]:
    """The secretary's choices to apply during the run ("Nu toepassen"), by lever name.

    Those whose control changed since the choices last applied (``applied``: at the Reset or
    the last "Nu toepassen"); a control set back applies the scenario's value again (the
    default choice, the lever's national value). When the scope changed (all municipalities or
    one), every touched choice applies to the new scope, as a Reset would apply it.
    """
    out: dict[str, Any] = {}
    for key in CHOICE_KEYS:
        now = overrides.get(key)
        if now == applied.get(key) and not (scope_changed and now is not None):
            continue
        if key in CHOICES:
            out[key] = choice_value(overrides, key)
        else:
            out[key] = float(now) if now is not None else scenario_value(scenario, key)
    return out


def clamp(spec: SliderSpec, value: float) -> float:
    """``value`` inside the slider's range (and whole for integer sliders)."""
    value = min(max(float(value), spec.low), spec.high)
    return float(round(value)) if spec.integer else value


def model_inputs(
    scenario: Scenario, overrides: Mapping[str, Any] | None = None, where: str = "all"
) -> tuple[dict[str, Any], Timeline]:
    """Parameters and timeline for ``scenario`` with the touched sliders ``overrides``.

    With ``where`` other than ``all`` (the secretary's choices for one municipality) the lever
    sliders stay out of the national parameters: they reach the model only as that
    municipality's `strategy_rules`.

    Raises:
        ValueError: (`scenarios.adjust.AdjustError`, `model.parameters.ParameterError`) if an
            override does not fit the scenario, e.g. a lead time past the completion date.
    """
    params = dict(scenario.params)
    timeline = scenario.timeline
    overrides = dict(overrides or {})
    if "lead_time" in overrides:
        months = round(float(overrides["lead_time"]))
        if months != lead_time(timeline):
            timeline = adjust.set_physical_lead_time(timeline, months)
    if overrides.get("dso_delay"):
        timeline = adjust.delay_dso(timeline, round(float(overrides["dso_delay"])))
    if "cooperation" in overrides and overrides["cooperation"] > cooperation_level(timeline):
        timeline = adjust.with_cooperation(
            timeline, "physical", timeline.physical.known, float(overrides["cooperation"])
        )
    for key, value in overrides.items():
        if key in PARAMETERS and (where == "all" or not PARAMETERS[key].lever):
            params[key] = float(value)
    return params, timeline


def strategy_rules(
    scenario: Scenario, overrides: Mapping[str, Any] | None = None, where: str = "all"
) -> tuple[StrategyRule, ...]:
    """The scenario's ``[[strategy]]`` rules plus one rule for the touched choices.

    Touched lever sliders and selects not at their default go into ``StrategyRule(where, ...)``
    (``all``, or one municipality's CBS code such as ``GM0344``), appended last so it wins over
    the scenario's own rules; without any, the scenario's rules.

    Raises:
        ValueError: (`model.levers.LeverError`) for a value a lever does not allow.
    """
    values: dict[str, Any] = {}
    for key, value in (overrides or {}).items():
        if key in CHOICES:
            if value != CHOICES[key].default:
                values[key] = value
        elif key in PARAMETERS and PARAMETERS[key].lever:
            values[key] = float(value)
    if not values:
        return tuple(scenario.strategy)
    return (*scenario.strategy, StrategyRule(where or "all", values))

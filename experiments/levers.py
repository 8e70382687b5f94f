"""Scenario levers: experiment factors that change the timeline instead of a parameter.

An experiment factor is a model parameter (`model.parameters.PARAMETERS`), a timeline lever
declared here, or one of the secretary's categorical choices (`model.parameters.CHOICES`: role,
stance, social_strategy, physical_strategy). In a spec, a factor is named by its plain name
(``training_intensity``, ``dso_delay_months``, ``role``) or, to be explicit, with a prefix:
``param.training_intensity`` or ``lever.dso_delay_months``. No lever or choice shares a name
with a parameter, so plain names are never ambiguous.

The secretary's numeric levers (``coach_college``, ``start_early``, ...) are parameters; with a
``where`` in the spec, they and the choices become `model.levers.StrategyRule` s for a selection
of municipalities instead (`experiments.run.plan`).

Every lever is applied to the base scenario's timeline through `scenarios.adjust` (the one place
that knows how to move the DSO, set a lead time or add a cooperation policy), in a fixed order:

1. ``physical_lead_months``: `adjust.set_physical_lead_time` (entry into force N months after the
   Omgevingswet became known, no postponements: the "time_pressure" idea);
2. ``dso_delay_months``: `adjust.delay_dso` with ``postpone_entry=True`` (the DSO N months later
   than in the base scenario, with the postponement of the entry into force the DSO rule needs);
3. ``<domain>_cooperation`` and ``<domain>_joint_training``: one `adjust.with_cooperation`
   policy per domain from the date the domain's task became known (report §4.5: De6,
   Drechtsteden), with the given minimum cooperation intensity and joint training.

Levers also know how to say a condition on themselves in plain Dutch and English (used by
scenario discovery): ``dso_delay_months <= 12`` reads "the DSO is fully available by January
2025" on the baseline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govsim.model.parameters import CHOICES, PARAMETERS
from govsim.model.timeline import Timeline
from govsim.scenarios import adjust
from govsim.scenarios.report_text import MONTHS


@dataclass(frozen=True)
class Lever:
    """One timeline lever.

    Attributes:
        name: Factor name in specs (no prefix).
        low: Smallest allowed value.
        high: Largest allowed value.
        integer: Whether values are whole numbers (sampled values are rounded).
        unit: Unit of the value.
        label: Display names ``{"nl": ..., "en": ...}``.
        description: One line saying what the lever does.
    """

    name: str
    low: float
    high: float
    integer: bool
    unit: str
    label: dict[str, str]
    description: str


LEVERS: dict[str, Lever] = {
    lever.name: lever
    for lever in (
        Lever(
            "dso_delay_months",
            0,
            adjust.MAX_DELAY_MONTHS,
            True,
            "months",
            {"nl": "vertraging van het DSO (maanden)", "en": "DSO delay (months)"},
            "The DSO (start and full availability) this many months later than in the base "
            "scenario, with the postponement of the Omgevingswet that follows (adjust.delay_dso).",
        ),
        Lever(
            "physical_lead_months",
            1,
            adjust.MAX_LEAD_MONTHS,
            True,
            "months",
            {
                "nl": "voorbereidingstijd Omgevingswet (maanden)",
                "en": "Omgevingswet lead time (months)",
            },
            "The Omgevingswet enters into force this many months after it became known, never "
            "postponed (adjust.set_physical_lead_time; applied before the DSO delay).",
        ),
        Lever(
            "physical_cooperation",
            0.0,
            1.0,
            False,
            "0-1",
            {
                "nl": "regionale samenwerking fysiek domein",
                "en": "regional cooperation, physical domain",
            },
            "Minimum regional cooperation in the physical domain from March 2016 "
            "(adjust.with_cooperation; report §4.5).",
        ),
        Lever(
            "physical_joint_training",
            0.0,
            1.0,
            False,
            "0-1",
            {
                "nl": "gezamenlijke training fysiek domein",
                "en": "joint training, physical domain",
            },
            "Joint regional training added to training intensity in the physical domain from "
            "March 2016 (adjust.with_cooperation, training=...; report §4.5, De6).",
        ),
        Lever(
            "social_cooperation",
            0.0,
            1.0,
            False,
            "0-1",
            {
                "nl": "regionale samenwerking sociaal domein",
                "en": "regional cooperation, social domain",
            },
            "Minimum regional cooperation in the social domain from January 2013 "
            "(adjust.with_cooperation).",
        ),
        Lever(
            "social_joint_training",
            0.0,
            1.0,
            False,
            "0-1",
            {
                "nl": "gezamenlijke training sociaal domein",
                "en": "joint training, social domain",
            },
            "Joint regional training in the social domain from January 2013 "
            "(adjust.with_cooperation, training=...).",
        ),
    )
}
"""Every lever by name."""

CHOICE_LABELS: dict[str, dict[str, str]] = {
    "role": {"nl": "de rol van de secretaris", "en": "the secretary's role"},
    "stance": {"nl": "de opstelling van de secretaris", "en": "the secretary's stance"},
    "social_strategy": {
        "nl": "de strategie in het sociaal domein",
        "en": "the strategy in the social domain",
    },
    "physical_strategy": {
        "nl": "de strategie in het fysieke domein",
        "en": "the strategy in the physical domain",
    },
}
"""Display names of the secretary's categorical choices (`model.parameters.CHOICES`)."""

PARAM_PREFIX = "param."
LEVER_PREFIX = "lever."


def split_factor_name(name: str) -> tuple[str, str] | None:
    """``(kind, bare name)`` of a factor name; None if unknown.

    Kind is ``"parameter"``, ``"lever"`` (a timeline lever) or ``"choice"`` (a categorical
    choice of the secretary). ``"training_intensity"`` and ``"param.training_intensity"`` give
    ``("parameter", "training_intensity")``; ``"dso_delay_months"`` and
    ``"lever.dso_delay_months"`` give ``("lever", "dso_delay_months")``; ``"role"`` gives
    ``("choice", "role")``.
    """
    if name.startswith(PARAM_PREFIX):
        bare = name[len(PARAM_PREFIX) :]
        return ("parameter", bare) if bare in PARAMETERS else None
    if name.startswith(LEVER_PREFIX):
        bare = name[len(LEVER_PREFIX) :]
        return ("lever", bare) if bare in LEVERS else None
    if name in PARAMETERS:
        return ("parameter", name)
    if name in LEVERS:
        return ("lever", name)
    if name in CHOICES:
        return ("choice", name)
    return None


def is_secretary_lever(kind: str, name: str) -> bool:
    """Whether factor ``name`` of ``kind`` is a secretary's lever (may have a ``where``)."""
    return kind == "choice" or (kind == "parameter" and PARAMETERS[name].lever)


def bounds(kind: str, name: str) -> tuple[float, float, bool, str]:
    """Allowed ``(low, high, integer, unit)`` of a parameter or lever."""
    if kind == "lever":
        lever = LEVERS[name]
        return lever.low, lever.high, lever.integer, lever.unit
    param = PARAMETERS[name]
    return param.low, param.high, param.integer, param.unit


def apply_levers(timeline: Timeline, values: Mapping[str, Any]) -> Timeline:
    """The timeline with the lever ``values`` (bare names) applied in the documented order.

    Raises:
        scenarios.adjust.AdjustError: If an adjustment is impossible for these values (a
            `ValueError` naming the function, argument and allowed values).
        KeyError: For a name that is not a lever.
    """
    unknown = [k for k in values if k not in LEVERS]
    if unknown:
        raise KeyError(f"not levers: {', '.join(unknown)}")
    if "physical_lead_months" in values:
        timeline = adjust.set_physical_lead_time(timeline, int(values["physical_lead_months"]))
    if "dso_delay_months" in values:
        timeline = adjust.delay_dso(timeline, int(values["dso_delay_months"]))
    for domain in ("social", "physical"):
        coop, training = f"{domain}_cooperation", f"{domain}_joint_training"
        if coop in values or training in values:
            timeline = adjust.with_cooperation(
                timeline,
                domain,
                timeline.domain(domain).known,
                float(values.get(coop, 0.0)),
                float(values.get(training, 0.0)),
            )
    return timeline


# ---------------------------------------------------------------------------- plain language
def number_text(value: float, lang: str, integer: bool = False) -> str:
    """A number for a sentence: 2 decimals at most, decimal comma in Dutch."""
    text = f"{round(value):d}" if integer else f"{value:.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",") if lang == "nl" else text


def exact_number_text(value: float, lang: str) -> str:
    """A number the user gave (a threshold) as given, decimal comma in Dutch.

    Up to 6 significant digits, not rounded to 2 decimals as `number_text` does: 0.656 stays
    ``0,656``.
    """
    text = f"{float(value):.6g}"
    if text == "-0":
        text = "0"
    return text.replace(".", ",") if lang == "nl" else text


def month_text(date: dt.date, lang: str) -> str:
    """``"januari 2025"`` / ``"January 2025"``."""
    names = MONTHS["nl" if lang == "nl" else "en"]
    return f"{names[date.month - 1]} {date.year}"


def level_text(choice: str, level: str, lang: str) -> str:
    """A level of a secretary's choice in a sentence.

    In Dutch the project's Dutch names (``changer`` is ``veranderaar``, as in the app,
    `viz.i18n`); in English the level itself.
    """
    if lang != "nl" or choice not in CHOICES or level not in CHOICES[choice].values:
        return level
    from govsim.viz.i18n import choice_option

    return choice_option(choice, level, lang)


def _range_text(label: str, low: float | None, high: float | None, lang: str, integer: bool):
    lo = None if low is None else number_text(low, lang, integer)
    hi = None if high is None else number_text(high, lang, integer)
    if lo is not None and hi is not None:
        return f"{label} tussen {lo} en {hi}" if lang == "nl" else f"{label} between {lo} and {hi}"
    if lo is not None:
        return f"{label} ≥ {lo}"
    return f"{label} ≤ {hi}"


def condition_text(
    name: str,
    kind: str,
    low: float | None,
    high: float | None,
    lang: str,
    *,
    dso_full: dt.date | None = None,
    label: Mapping[str, str] | None = None,
    where: str | None = None,
    levels: Sequence[str] | None = None,
) -> str:
    """One condition of a scenario-discovery box in plain language.

    Args:
        name: Bare factor name (the parameter, lever or choice, not the column name).
        kind: ``"parameter"``, ``"lever"`` or ``"choice"``.
        low: Lower limit (None: not restricted from below).
        high: Upper limit (None: not restricted from above).
        lang: ``"nl"`` or ``"en"``.
        dso_full: Full DSO availability in the base scenario (turns DSO delays into dates).
        label: A spec's own label ``{"nl", "en"}`` for the factor.
        where: The selection of municipalities a secretary's lever was set for (None or
            ``"all"``: every municipality); named after the default label.
        levels: For a choice: the levels inside the box.
    """
    if kind == "choice":
        text = _label_text(name, kind, lang, label, where)
        values = [level_text(name, str(level), lang) for level in levels or ()]
        word = " of " if lang == "nl" else " or "
        shown = ", ".join(values[:-1]) + word + values[-1] if len(values) > 1 else "".join(values)
        return f"{text} is {shown}"
    integer = kind == "lever" and LEVERS[name].integer
    if kind == "parameter":
        integer = PARAMETERS[name].integer
    if name == "dso_delay_months" and dso_full is not None and label is None:
        first = None if low is None else adjust.add_months(dso_full, round(low))
        last = None if high is None else adjust.add_months(dso_full, round(high))
        if lang == "nl":
            if first and last:
                return (
                    f"het DSO tussen {month_text(first, lang)} en {month_text(last, lang)} "
                    f"volledig beschikbaar komt ({number_text(low, lang, True)}-"
                    f"{number_text(high, lang, True)} maanden vertraging)"
                )
            if last:
                return (
                    f"het DSO uiterlijk in {month_text(last, lang)} volledig beschikbaar is "
                    f"(≤ {number_text(high, lang, True)} maanden vertraging)"
                )
            return (
                f"het DSO pas in {month_text(first, lang)} of later volledig beschikbaar is "
                f"(≥ {number_text(low, lang, True)} maanden vertraging)"
            )
        if first and last:
            return (
                f"the DSO becomes fully available between {month_text(first, lang)} and "
                f"{month_text(last, lang)} ({number_text(low, lang, True)}-"
                f"{number_text(high, lang, True)} months' delay)"
            )
        if last:
            return (
                f"the DSO is fully available by {month_text(last, lang)} "
                f"(≤ {number_text(high, lang, True)} months' delay)"
            )
        return (
            f"the DSO is fully available only in {month_text(first, lang)} or later "
            f"(≥ {number_text(low, lang, True)} months' delay)"
        )
    text = _label_text(name, kind, lang, label, where)
    return _range_text(text, low, high, lang, integer)


def _label_text(
    name: str, kind: str, lang: str, label: Mapping[str, str] | None, where: str | None
) -> str:
    """A factor's name in a sentence: the spec's label, else the lever's (with the selection)."""
    if label is not None:
        return label.get(lang) or next(iter(label.values()))
    if kind == "lever":
        text = LEVERS[name].label[lang]
    elif kind == "choice":
        text = CHOICE_LABELS[name][lang]
    else:
        text = f"parameter {name}"
    if where is not None and where != "all":
        text += f" voor {where}" if lang == "nl" else f" for {where}"
    return text

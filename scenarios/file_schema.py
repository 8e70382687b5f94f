"""The scenario file format as a declarative model (docs/scenarios.md).

`ScenarioFile` declares every key of a scenario file: its type, allowed values and range (model
parameters and the secretary's levers take theirs from `model.parameters`) and a description
for the JSON Schema (``govsim schema scenario``). The rules inside one table are model
validators; what needs the base scenario (dates against inherited ones, the DSO rule) is
checked by `scenarios.loader` when it builds the `Scenario`.
"""

import datetime as dt
from typing import Annotated, Any, ClassVar, Self

from pydantic import AfterValidator, BeforeValidator, Field, create_model, model_validator

from govsim.model.levers import WHERE_FORMS, LeverError, parse_where
from govsim.model.parameters import CHOICES, LEVERS, PARAMETERS, Parameter, defaults
from govsim.model.timeline import Timeline
from govsim.scenarios import adjust
from govsim.scenarios.expectations import DIRECTIONS, MOMENTS
from govsim.scenarios.file_fields import (
    Table,
    UnknownKey,
    Wording,
    choice,
    date,
    flag,
    indicator,
    invalid,
    number,
    pattern_text,
    text,
    whole,
)
from govsim.scenarios.schema import (
    DOMAIN_NAMES,
    NAME_PATTERN,
    PERIOD_END,
    PERIOD_START,
    STANCES,
    quoted,
)

PERIOD_WHY = " (the simulated period: events outside it would never happen in a run)"
_SAYS = Wording("table", what=" with Dutch (nl) and English (en)")


def event_date(description: str) -> Any:
    """A date on which something happens in the run: inside the simulated period."""
    return date(description, low=PERIOD_START, high=PERIOD_END, why=PERIOD_WHY)


def _where(value: str) -> str:
    """A ``where`` the model can use (`model.levers.parse_where`)."""
    try:
        parse_where(value)
    except LeverError as exc:
        raise invalid(exc.problem, exc.allowed) from None
    return value


def _shipped_text(_table: Any) -> str:
    from govsim.scenarios.loader import shipped_scenarios

    return (
        f"a shipped scenario ({', '.join(shipped_scenarios())}) or the path of a .toml file "
        "relative to this file"
    )


def shipped_examples(schema: dict[str, Any]) -> None:
    """Add the shipped scenario names to a JSON Schema entry, for completion."""
    from govsim.scenarios.loader import shipped_scenarios

    schema["examples"] = shipped_scenarios()


Domain = choice(DOMAIN_NAMES, "domain", "The domain: 'social' (3D) or 'physical' (Omgevingswet).")
Share = number(0.0, 1.0, "share", "Share of the municipalities that make the choice.")


# ---------------------------------------------------------------------------- tables
class Texts(Table):
    """``[title]`` or ``[description]``: Dutch and/or English; a missing one copies the other."""

    nl: text("The Dutch text.") | None = None
    en: text("The English text.") | None = None

    empty: ClassVar[str] = '[{table}] with nl = "..." and en = "..."'

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not self.model_fields_set:
            raise invalid("is empty", self.empty)
        return self


class Postponement(Table):
    """One ``[[<domain>.postponements]]`` entry: a new entry date, announced on a date."""

    announced: event_date("When the postponement is announced.")
    new_entry: date("The new date of entry into force.")


class DomainTable(Table):
    """``[social]`` or ``[physical]``: the decentralisation's dates (docs/scenarios.md)."""

    known: (
        date(
            "When the task becomes known to the municipalities.",
            high=PERIOD_END,
            why=" (the task must become known within the simulated period)",
        )
        | None
    ) = None
    entry: date("Entry into force as first announced.") | None = None
    completion: date("When the transition is due to be complete.") | None = None
    rules_final: (
        date(
            "When the national rules become final.",
            why=" (when the national rules of this decentralisation become final)",
        )
        | None
    ) = None
    lead_time_months: (
        whole(
            1,
            adjust.MAX_LEAD_MONTHS,
            "months from the date the task is known to entry into force",
            "Sets entry this many months after known and removes all postponements.",
        )
        | None
    ) = None
    postponements: list[Postponement] | None = Field(
        None, description="Every postponement, in date order; [] for none (replaces the base's)."
    )

    @model_validator(mode="after")
    def _lead_time_alone(self) -> Self:
        if self.lead_time_months is None:
            return self
        for clash in ("entry", "postponements"):
            if clash in self.model_fields_set:
                raise invalid(
                    f"cannot be combined with {{table}}.{clash}: the lead time sets the entry "
                    "date itself and removes all postponements",
                    "either lead_time_months or {table}.entry with postponements",
                    at=("lead_time_months",),
                )
        return self


class Dso(Table):
    """``[dso]``: when the digital system (DSO) is available, or how much later than the base."""

    start: date("First month the DSO can be connected to.") | None = None
    full: date("When the DSO is fully available.") | None = None
    delay_months: (
        whole(
            0,
            adjust.MAX_DELAY_MONTHS,
            "months later than the base scenario's DSO dates",
            "Moves the base scenario's DSO dates this many months later.",
        )
        | None
    ) = None
    postpone_entry: flag("Postpone the Omgevingswet until the DSO is ready (default true).") = True
    announced: event_date("When a postponement for the DSO is announced.") | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        stated = self.model_fields_set
        if not stated:
            raise invalid("is empty", "[dso] with start and/or full, or delay_months")
        if "announced" in stated and not self.postpone_entry:
            raise invalid(
                "has no effect with postpone_entry = false",
                "dso.announced only together with postpone_entry = true",
                at=("announced",),
            )
        if self.delay_months is not None:
            for clash in ("start", "full"):
                if clash in stated:
                    raise invalid(
                        f"cannot be combined with dso.{clash}",
                        "either delay_months (relative to the base) or start/full dates",
                        at=("delay_months",),
                    )
        return self


class BudgetShock(Table):
    """One ``[[budget_shocks]]`` entry: a change in budget pressure on a date."""

    date: event_date("When the shock happens.")
    domain: Domain
    size: number(-1.0, 1.0, "change in budget pressure", "Change in budget pressure.")


class Cooperation(Table):
    """One ``[[cooperation]]`` entry: a regional cooperation policy from a date."""

    domain: Domain
    start: event_date("When the policy starts.")
    intensity: number(0.0, 1.0, "minimum cooperation", "Minimum cooperation it brings.")
    training: number(0.0, 1.0, "joint training", "Joint training it brings.") = 0.0


def _moment(value: str) -> str:
    """``at`` of an expectation: a named moment or a date inside the simulated period."""
    if value in MOMENTS:
        return value
    try:
        when = dt.date.fromisoformat(value)
    except ValueError:
        raise invalid("is neither a named moment nor a date YYYY-MM-DD") from None
    if not PERIOD_START <= when <= PERIOD_END:
        raise invalid("lies outside the simulated period")
    return when.isoformat()


AT_TEXT = (
    "'entry' (the scenario's entry into force of the Omgevingswet), 'reference_entry' (the "
    "reference scenario's), 'end' (the last simulated month) or a date YYYY-MM-DD from "
    f"{PERIOD_START.isoformat()} to {PERIOD_END.isoformat()}"
)


class Expect(Table):
    """One ``[[expect]]`` entry: what the report expects this what-if to change.

    The scenario report holds it against the model (`scenarios.expectations`).
    """

    indicator: indicator("The national indicator the report expects to change.")
    direction: choice(DIRECTIONS, "direction", "Higher or lower than the reference.")
    at: Annotated[
        str,
        BeforeValidator(lambda v: v.isoformat() if isinstance(v, dt.date) else v),
        Field(min_length=1, description="When: " + AT_TEXT + "."),
        Wording("text", AT_TEXT),
        AfterValidator(_moment),
    ]
    says: Annotated[Texts, Field(description="The expectation in words, nl and en."), _SAYS]
    source: text("The passage of the report it rests on: section and quotation.")


ELECTIONS: tuple[dt.date, ...] = Timeline().elections
"""The municipal elections of the simulated period (a scenario file cannot change them)."""


def _an_election(value: dt.date) -> dt.date:
    if value not in ELECTIONS:
        elections = ", ".join(e.isoformat() for e in ELECTIONS)
        raise invalid("is not a municipal election date", f"one of {elections}")
    return value


class Coalition(Table):
    """One ``[[coalition]]`` entry: a coalition's stance after a municipal election."""

    election: Annotated[
        date("A municipal election date."),
        AfterValidator(_an_election),
        Field(json_schema_extra={"enum": [e.isoformat() for e in ELECTIONS]}),
    ]
    domain: Domain
    stance: choice(STANCES, "stance", "'steer' or 'let_go'.")
    share: Share = 1.0


def _lever_field(name: str) -> tuple[Any, Any]:
    if name in CHOICES:
        c = CHOICES[name]
        return choice(c.values, name, c.description) | None, None
    p = PARAMETERS[name]
    return number(p.low, p.high, p.unit, p.description) | None, None


class _StrategyBase(Table):
    """One ``[[strategy]]`` entry: the secretary's choices for the municipalities ``where``."""

    where: Annotated[
        str,
        Field(min_length=1, description="The municipalities: " + WHERE_FORMS),
        Wording("text", WHERE_FORMS),
        AfterValidator(_where),
    ]
    start: (
        event_date(
            "The first month the choices apply (the day is ignored); without it, from the "
            "start of the run. A role or stance that starts then is taken up by the serving "
            "secretary."
        )
        | None
    ) = None

    @model_validator(mode="after")
    def _sets_something(self) -> Self:
        if self.model_fields_set <= {"where", "start"}:
            raise invalid(
                "sets no choice besides 'where'",
                f"'where' and at least one of {quoted(LEVERS)} (docs/scenarios.md)",
            )
        return self

    def values(self) -> dict[str, Any]:
        """The levers the rule sets, by name."""
        return {k: getattr(self, k) for k in LEVERS if k in self.model_fields_set}


StrategyRule = create_model(
    "StrategyRule",
    __base__=_StrategyBase,
    __module__=__name__,
    **{name: _lever_field(name) for name in LEVERS},
)


def _whole_value(value: float) -> float:
    """A whole number's value (an integer parameter may be written 20 or 20.0)."""
    if value != int(value):
        raise invalid("is not a whole number")
    return value


def _parameter_field(p: Parameter, default: float) -> tuple[Any, Any]:
    """The field of one parameter; ``default`` is what a run uses (the calibrated value)."""
    kind = "a whole number" if p.integer else "a number"
    low, high = (int(p.low), int(p.high)) if p.integer else (p.low, p.high)
    wording = Wording(
        "number",
        f"{kind} from {low} to {high} ({p.unit}); default {default:.4g}",
        problem="is not allowed for this parameter",
    )
    extra = {"type": "integer"} if p.integer else None
    field = Field(
        ge=p.low,
        le=p.high,
        description=f"{p.description} ({p.unit}; default {default:.4g})",
        json_schema_extra=extra,
    )
    metadata = (field, wording, *((AfterValidator(_whole_value),) if p.integer else ()))
    return Annotated[float, *metadata] | None, None


class _ParametersBase(Table):
    """``[parameters]``: model parameters to override, name = value (`govsim params`)."""

    unknown_key = UnknownKey(
        problem="is not a model parameter",
        allowed="the parameter names listed by `govsim params` (docs/parameters.md)",
    )

    def values(self) -> dict[str, Any]:
        """The parameters the file sets, by name, as the model takes them."""
        return {k: PARAMETERS[k].check(getattr(self, k)) for k in self.model_fields_set}


_RUN_DEFAULTS = defaults()
"""What a run uses (the calibrated set over the declared defaults): the default files state."""
Parameters = create_model(
    "Parameters",
    __base__=_ParametersBase,
    __module__=__name__,
    **{name: _parameter_field(p, _RUN_DEFAULTS[name]) for name, p in PARAMETERS.items()},
)


# ---------------------------------------------------------------------------- the file
_TEXTS = Wording("table", what=" with Dutch (nl) and English (en)")


class ScenarioFile(Table):
    """A scenario file: names and texts, parameter overrides, the timeline and strategy."""

    name: pattern_text(
        "Short identifier of the scenario, e.g. 'dso_delay'.",
        NAME_PATTERN.pattern,
        "lower-case letters, digits, '_' and '-', starting with a letter or digit, at most 64 "
        "characters, e.g. 'dso_delay'",
        "is not a valid scenario name",
    )
    extends: (
        Annotated[
            text("The base scenario: a shipped name or a .toml path.", _shipped_text),
            Field(json_schema_extra=shipped_examples),
        ]
        | None
    ) = None
    title: Annotated[Texts, Field(description="Display names, nl and en."), _TEXTS]
    description: Annotated[Texts, Field(description="One paragraph, nl and en."), _TEXTS]
    parameters: Annotated[
        Parameters | None,
        Field(description="Model parameter overrides (`govsim params`)."),
        Wording(
            problem="must be a table",
            allowed="[parameters] with lines name = value (names from `govsim params`)",
        ),
    ] = None
    social: DomainTable | None = Field(None, description="The 3D decentralisations (2015).")
    physical: DomainTable | None = Field(None, description="The Omgevingswet.")
    dso: Dso | None = Field(None, description="The digital system of the Omgevingswet.")
    budget_shocks: list[BudgetShock] | None = Field(
        None, description="Changes in budget pressure; [] for none (replaces the base's)."
    )
    cooperation: list[Cooperation] | None = Field(
        None, description="Regional cooperation policies; [] for none (replaces the base's)."
    )
    coalition: list[Coalition] | None = Field(
        None, description="Coalition stances after elections; [] for none (replaces the base's)."
    )
    strategy: list[StrategyRule] | None = Field(  # type: ignore[valid-type]
        None, description="The secretary's choices per municipality (added after the base's)."
    )
    expect: list[Expect] | None = Field(
        None,
        description="What the report expects this what-if to change, checked against the "
        "model in the report (not inherited from the base).",
    )


TOP_KEYS: tuple[str, ...] = tuple(ScenarioFile.model_fields)
REQUIRED_TOP: tuple[str, ...] = tuple(
    k for k, f in ScenarioFile.model_fields.items() if f.is_required()
)

"""The experiment spec format as a declarative model (docs/experiments.md).

`SpecFile` declares every key of an experiment spec: its type, allowed values and range, and a
description for the JSON Schema (``govsim schema experiment``). The rules inside one table are
model validators (the design's keys per method, an outcome's period). What depends on another
table or on the model is checked by `experiments.spec` when it builds the `Spec`: the scenario,
the municipalities, each factor's values against its parameter or lever and the design, column
names across factors and outcomes, and the number of runs. A factor's ``levels`` and ``range``
are declared for the JSON Schema but checked there, since what they allow depends on the factor.
"""

import datetime as dt
import difflib
import re
from typing import Annotated, Any, ClassVar, Self

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema, model_validator

from govsim.experiments.levers import LEVERS, split_factor_name
from govsim.model.calendar import MonthCalendar
from govsim.model.levers import WHERE_FORMS
from govsim.model.parameters import CHOICES, PARAMETERS
from govsim.scenarios.file_fields import (
    Table,
    Wording,
    choice,
    finite,
    flag,
    indicator,
    invalid,
    pattern_text,
    text,
    whole,
)
from govsim.scenarios.file_schema import Texts, shipped_examples
from govsim.scenarios.schema import MISSING, quoted

METHODS = ("factorial", "lhs", "sobol", "morris")
SAMPLED = ("lhs", "sobol", "morris")
DISTRIBUTIONS = ("uniform", "triangular", "normal", "loguniform")
STATISTICS = ("value", "mean", "min", "max")
EVERY = ("month", "quarter", "year")
RESERVED_COLUMNS = ("run_id", "point", "replication", "seed", "wall_time", "date")
COLUMN_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
MAX_REPLICATIONS = 10_000
MAX_LEVELS = 1_000
MAX_MORRIS_LEVELS = 100
MAX_SAMPLES = 1_000_000
CALENDAR = MonthCalendar()
_MONTH = re.compile(r"\d{4}-\d{2}(-\d{2})?")
_COLUMN_TEXT = "lower-case letters, digits and '_', starting with a letter, at most 63 characters"
_FACTOR_NAMES = (
    "a model parameter (`govsim params`, docs/parameters.md), a timeline lever ("
    + ", ".join(LEVERS)
    + ") or a choice of the secretary ("
    + ", ".join(CHOICES)
    + "), optionally written param.<name> or lever.<name>"
)
MUNICIPALITIES_TEXT = (
    "an array of 2017 municipality codes (GMxxxx), municipality names or province names, "
    'e.g. ["Utrecht"]'
)
"""What ``experiment.municipalities`` allows."""
_SAMPLES_WHAT = {
    "lhs": "number of points",
    "sobol": "base sample size N; runs = N × (factors + 2), or N × (2 × factors + 2) "
    "with second_order",
    "morris": "number of trajectories; runs = trajectories × (factors + 1)",
}
_WRONG_KEYS = {
    "factorial": ("samples", "second_order"),
    "lhs": ("levels", "second_order"),
    "sobol": ("levels",),
    "morris": ("second_order",),
}


def design_keys_text(method: str) -> str:
    """The keys ``[design]`` takes for ``method``."""
    return {
        "factorial": "for method = 'factorial': levels (levels for factors given as a range), seed",
        "lhs": "for method = 'lhs': samples (number of points), seed",
        "sobol": "for method = 'sobol': samples (base N, a power of 2), second_order, seed",
        "morris": "for method = 'morris': samples (trajectories), levels (even, default 4), seed",
    }[method]


# ---------------------------------------------------------------------------- field types
def _read_month(value: Any) -> Any:
    """A month as its first day: from a TOML date, ``"YYYY-MM"`` or ``"YYYY-MM-DD"``."""
    if isinstance(value, dt.datetime):
        raise invalid("has a time of day")
    if isinstance(value, str):
        written = value.strip()
        if not _MONTH.fullmatch(written):
            raise invalid("is not a month in the form YYYY-MM")
        try:
            value = dt.date.fromisoformat(written if len(written) == 10 else written + "-01")
        except ValueError:
            raise invalid("is not a real date") from None
    return value.replace(day=1) if isinstance(value, dt.date) else value


def month(description: str) -> Any:
    """A month of the simulated period (TOML date, ``"YYYY-MM"`` or ``"YYYY-MM-DD"``)."""
    first, last = CALENDAR.start, CALENDAR.end
    allowed = (
        f"a month YYYY-MM (or a date YYYY-MM-DD) of the simulated period, "
        f"{first.isoformat()[:7]} to {last.isoformat()[:7]}"
    )
    schema = {"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$", "description": description}
    return Annotated[
        dt.date,
        BeforeValidator(_read_month),
        Field(ge=first, le=last, description=description),
        WithJsonSchema(schema),
        Wording("month", allowed, out_of_range="lies outside the simulated period"),
    ]


def _no_repeats(allowed: str) -> AfterValidator:
    def check(values: list[str]) -> list[str]:
        for i, item in enumerate(values):
            if item in values[:i]:
                raise invalid("is given twice", allowed, at=(i,), value=item)
        return values

    return AfterValidator(check)


def names(description: str, allowed: str, item: Any = None) -> Any:
    """A non-empty array of non-empty texts without repeats (``item``: their own type)."""
    return Annotated[
        list[item or text("One entry.", allowed)],
        Field(min_length=1, description=description),
        Wording("array", allowed),
        _no_repeats(allowed),
    ]


def _known_factor(name: str) -> str:
    if split_factor_name(name) is None:
        bare = name.split(".", 1)[-1]
        close = difflib.get_close_matches(bare, [*PARAMETERS, *LEVERS, *CHOICES], n=3, cutoff=0.6)
        hint = f" (did you mean {quoted(close)}?)" if close else ""
        raise invalid(f"is neither a parameter nor a lever{hint}", _FACTOR_NAMES)
    return name


FACTOR_NAMES: tuple[str, ...] = (
    *PARAMETERS,
    *LEVERS,
    *CHOICES,
    *(f"param.{n}" for n in PARAMETERS),
    *(f"lever.{n}" for n in LEVERS),
)
"""Every name a factor may have (for editor completion)."""


def _not_reserved(column: str) -> str:
    if column in RESERVED_COLUMNS:
        raise invalid("is a fixed result column", f"any name but {quoted(RESERVED_COLUMNS)}")
    return column


Column = pattern_text(
    "Column name in the results.",
    COLUMN_PATTERN.pattern,
    _COLUMN_TEXT,
    "is not a usable column name",
    type_allowed="a non-empty text",
)
_NUMBER_OR_TEXT = {"anyOf": [{"type": "number"}, {"type": "string"}]}


# ---------------------------------------------------------------------------- tables
class Experiment(Table):
    """``[experiment]``: what is run (scenario, municipalities) and how often."""

    name: (
        pattern_text(
            "Experiment name (default: the file name).",
            r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
            "letters, digits, '_', '-' and '.', starting with a letter or digit, at most 64 "
            "characters",
            "is not a usable name",
            type_allowed="a non-empty text",
        )
        | None
    ) = None
    description: text("Free text.") | None = None
    scenario: Annotated[
        text(
            "The base scenario: a shipped name or the path of a scenario file (relative to the "
            "spec).",
            lambda _table: scenario_text(),
        ),
        Field(json_schema_extra=shipped_examples),
    ]
    replications: whole(1, MAX_REPLICATIONS, "runs per design point", "Runs per design point.") = 1
    seed: whole(0, 2**63 - 1, "root seed", "Root seed of the per-run seeds.") = 20180101
    common_random_numbers: flag("Replication r uses the same seed at every point.") = True
    municipalities: (
        names(
            "A subset: 2017 municipality codes, municipality names or provinces.",
            MUNICIPALITIES_TEXT,
        )
        | None
    ) = None
    until: month("Last simulated month (default: the last outcome's, or 2029-12).") | None = None


def scenario_text() -> str:
    """What ``experiment.scenario`` allows: a shipped scenario or a scenario file."""
    from govsim.scenarios.loader import shipped_scenarios

    return (
        f"a shipped scenario ({', '.join(shipped_scenarios())}) or the path of a scenario "
        ".toml file, relative to this spec"
    )


def _samples_text(table: Any) -> str:
    what = _SAMPLES_WHAT.get(table.get("method"), "")
    return f"a whole number from 2 to {MAX_SAMPLES}" + (f" ({what})" if what else "")


def _levels_text(table: Any) -> str:
    if table.get("method") == "morris":
        return f"a whole number from 2 to {MAX_MORRIS_LEVELS} (Morris grid levels)"
    return f"a whole number from 2 to {MAX_LEVELS} (levels for every factor given as a range)"


class Design(Table):
    """``[design]``: how the points are generated."""

    method: choice(METHODS, "design method", "factorial, lhs, sobol (Saltelli) or morris.")
    samples: (
        whole(
            2,
            MAX_SAMPLES,
            "",
            "LHS points, Sobol base N (a power of 2) or Morris trajectories.",
            _samples_text,
        )
        | None
    ) = None
    levels: (
        whole(
            2,
            MAX_LEVELS,
            "",
            "Factorial: levels for factors given as a range; Morris: grid levels (even).",
            _levels_text,
        )
        | None
    ) = None
    second_order: flag("Sobol: also sample for second-order indices.") = False
    seed: whole(0, 2**32 - 1, "sampler seed", "Seed of the sampler.") | None = None

    @model_validator(mode="before")
    @classmethod
    def _keys_for_method(cls, data: Any) -> Any:
        """Keys the method does not take, and samples where it needs them (before values)."""
        if not isinstance(data, dict) or set(data) - set(cls.model_fields):
            return data
        method = data.get("method")
        if method not in METHODS:
            return data
        for key in _WRONG_KEYS[method]:
            if key in data:
                raise invalid(
                    f"has no meaning for method = '{method}'",
                    design_keys_text(method),
                    at=(key,),
                    value=data[key],
                )
        if method in SAMPLED and "samples" not in data:
            raise invalid(
                f"method '{method}' needs it ({_SAMPLES_WHAT[method]})",
                design_keys_text(method),
                at=("samples",),
                value=MISSING,
            )
        return data

    @model_validator(mode="after")
    def _sampler_rules(self) -> Self:
        """Sobol samples a power of 2; Morris levels even, at most `MAX_MORRIS_LEVELS`."""
        if self.method == "sobol" and self.samples & (self.samples - 1):
            raise invalid(
                "is not a power of 2 (Sobol sequences lose their balance otherwise)",
                "a power of 2 such as 64, 128, 256, 512, 1024",
                at=("samples",),
            )
        if self.method == "morris" and self.levels is not None:
            if self.levels > MAX_MORRIS_LEVELS:
                raise invalid("is out of range", at=("levels",), value=self.levels)
            if self.levels % 2:
                raise invalid(
                    "is odd",
                    "an even number of Morris grid levels, e.g. 4 or 6",
                    at=("levels",),
                )
        return self


class Label(Texts):
    """A factor's display names: Dutch and/or English; a missing one copies the other."""

    empty: ClassVar[str] = 'label = { nl = "...", en = "..." }'


class Factor(Table):
    """One ``[[factors]]`` entry: a varied parameter, timeline lever or secretary's choice."""

    name: Annotated[
        text("A parameter, timeline lever or secretary's choice.", _FACTOR_NAMES),
        AfterValidator(_known_factor),
        Field(json_schema_extra={"enum": list(FACTOR_NAMES)}),
    ]
    where: (
        text("Municipalities a secretary's lever is set for: " + WHERE_FORMS, WHERE_FORMS) | None
    ) = None
    column: Annotated[Column, AfterValidator(_not_reserved)] | None = None
    levels: Annotated[
        Any,
        WithJsonSchema({"type": "array", "items": _NUMBER_OR_TEXT, "minItems": 1}),
        Field(description="Factorial levels: numbers, or texts for a choice."),
    ] = None
    range: Annotated[
        Any,
        WithJsonSchema(
            {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
        ),
        Field(description="[low, high] inside the parameter's or lever's allowed values."),
    ] = None
    distribution: (
        choice(DISTRIBUTIONS, "distribution", "How a sampled design draws from the range.") | None
    ) = None
    peak: finite("Mode of a triangular distribution.", "a number inside the range") | None = None
    mean: finite("Mean of a normal distribution.", "a number inside the range") | None = None
    sd: finite("Standard deviation of a normal distribution.", "a positive number") | None = None
    integer: flag("Round sampled values to whole numbers.") | None = None
    label: Annotated[Label, Wording("table")] | None = Field(
        None, description="Display names, nl and en."
    )


class Outcome(Table):
    """One ``[[outcomes]]`` entry: an indicator's value (or mean, min, max) at a month."""

    indicator: indicator("The national indicator.")
    date: month("Month of the value, or the last month of the period.")
    name: Column | None = None
    statistic: choice(STATISTICS, "statistic", "value, or mean/min/max over a period.") = "value"
    start: month("First month of the period (statistic mean, min or max).") | None = Field(
        None, alias="from"
    )

    @model_validator(mode="after")
    def _period(self) -> Self:
        """``from`` exactly for mean, min and max, and before ``date``."""
        if self.statistic == "value":
            if self.start is not None:
                raise invalid(
                    "has no meaning for statistic = 'value'",
                    "from = \"YYYY-MM\" only with statistic = 'mean', 'min' or 'max'",
                    at=("from",),
                )
            return self
        if self.start is None:
            raise invalid(
                f"statistic = '{self.statistic}' is taken over a period",
                'from = "YYYY-MM", the first month of the period',
                at=("from",),
                value=MISSING,
            )
        if self.start >= self.date:
            raise invalid(
                f"is not before the outcome's date ({self.date.isoformat()[:7]})",
                "a first month before date",
                at=("from",),
            )
        return self


_SERIES_ALLOWED = 'an array of indicator names, e.g. ["transformation_physical"]'


class Series(Table):
    """``[series]``: time series kept for every run."""

    indicators: names(
        "Indicators kept as time series.",
        _SERIES_ALLOWED,
        indicator("An indicator kept as a time series.", _SERIES_ALLOWED),
    )
    every: choice(EVERY, "interval", "month, quarter (Mar, Jun, Sep, Dec) or year (Dec).") = "month"


class SpecFile(Table):
    """An experiment spec: what to run, the design, the factors, what to record."""

    experiment: Annotated[Experiment, Field(description="What is run and how often.")]
    design: Annotated[Design, Field(description="How the points are generated.")]
    factors: Annotated[
        list[Factor],
        Field(min_length=1, description="The varied inputs, in order (design columns)."),
        Wording(
            "tables",
            'one [[factors]] table per varied input, each with name = "..."',
            empty="at least one [[factors]] entry",
        ),
    ]
    outcomes: Annotated[
        list[Outcome] | None,
        Field(description="Scalar outcomes of every run."),
        Wording("tables", "one [[outcomes]] table per outcome with indicator and date"),
    ] = None
    series: Series | None = Field(None, description="Time series kept for every run.")


def keys(table: type[Table]) -> tuple[str, ...]:
    """The keys of ``table`` as written in a spec."""
    return tuple(f.alias or name for name, f in table.model_fields.items())

"""Experiment specs: a TOML file saying what to vary, how to sample, what to record.

The format is documented in docs/experiments.md; copyable examples are in
experiments/specs/. In short::

    [experiment]
    name = "dso_cooperation"          # optional (default: the file name)
    scenario = "baseline"             # shipped scenario name or path of a scenario file
    replications = 2                  # runs per design point
    seed = 20180101                   # root seed of the per-run seeds
    municipalities = ["Utrecht"]      # optional subset (codes, names, provinces)

    [design]
    method = "lhs"                    # factorial | lhs | sobol | morris
    samples = 64                      # lhs: points; sobol: base N (2^k); morris: trajectories

    [[factors]]
    name = "dso_delay_months"         # a lever (experiments.levers) or a model parameter
    range = [0, 48]

    [[factors]]
    name = "training_intensity"
    range = [0.2, 0.9]
    distribution = "triangular"
    peak = 0.5

    [[factors]]
    name = "coach_college"            # a secretary's lever ...
    where = "size_class <20k"         # ... set for these municipalities only (a strategy rule)
    range = [0, 1]                    # column "coach_college@size_class <20k" (or column = "...")

    [[outcomes]]
    indicator = "transformation_physical"
    date = "2029-12"                  # value at this month -> column transformation_physical_2029

    [series]
    indicators = ["transformation_physical"]
    every = "year"

A factorial design may also vary the secretary's categorical choices (role, stance,
social_strategy, physical_strategy) with ``levels = ["changer", "advocate"]``; they apply to
every municipality unless a ``where`` says otherwise.

`load_spec` checks the whole file before anything runs: every mistake raises `SpecError` (a
`ValueError`) with one paragraph naming the file, the field (dotted path, array indices from 0),
the value found and what is allowed. Loading only reads files.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govsim.experiments.levers import (
    CHOICE_LABELS,
    LEVERS,
    bounds,
    is_secretary_lever,
    split_factor_name,
)
from govsim.model.calendar import MonthCalendar
from govsim.model.indicators import BY_NAME
from govsim.model.levers import WHERE_FORMS, LeverError, parse_where
from govsim.model.parameters import CHOICES, PARAMETERS, ParameterError
from govsim.scenarios.scenario import Scenario, ScenarioError
from govsim.scenarios.schema import (
    MISSING,
    Checker,
    bare_reason,
    field_at_line,
    join,
    one_line,
    parse_toml,
    quoted,
    quotes_lines,
    show,
    type_name,
)


class ExperimentError(ValueError):
    """A mistake in what an experiment command was asked to do (printed without traceback)."""


class SpecError(ExperimentError):
    """An unusable experiment spec; the message names file, field, value and what is allowed."""


TOP_KEYS = ("experiment", "design", "factors", "outcomes", "series")
EXPERIMENT_KEYS = (
    "name",
    "description",
    "scenario",
    "replications",
    "seed",
    "common_random_numbers",
    "municipalities",
    "until",
)
DESIGN_KEYS = ("method", "samples", "levels", "second_order", "seed")
METHODS = ("factorial", "lhs", "sobol", "morris")
SAMPLED = ("lhs", "sobol", "morris")
FACTOR_KEYS = (
    "name",
    "where",
    "column",
    "levels",
    "range",
    "distribution",
    "peak",
    "mean",
    "sd",
    "integer",
    "label",
)
DISTRIBUTIONS = ("uniform", "triangular", "normal", "loguniform")
DISTRIBUTION_KEYS = {"uniform": (), "triangular": ("peak",), "normal": ("mean", "sd")}
OUTCOME_KEYS = ("indicator", "date", "name", "statistic", "from")
STATISTICS = ("value", "mean", "min", "max")
SERIES_KEYS = ("indicators", "every")
EVERY = ("month", "quarter", "year")
RESERVED_COLUMNS = ("run_id", "point", "replication", "seed", "wall_time", "date")
SECRETARY_LEVERS = (*CHOICES, *(p.name for p in PARAMETERS.values() if p.lever))
"""Factor names that may carry a ``where``: the choices, then the numeric levers."""
COLUMN_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
MAX_REPLICATIONS = 10_000
MAX_RUNS = 1_000_000
MAX_LEVELS = 1_000
MAX_SAMPLES = 1_000_000
CALENDAR = MonthCalendar()


# ---------------------------------------------------------------------------- the spec
@dataclass(frozen=True)
class Factor:
    """One varied input.

    Attributes:
        name: Column name in the results (design and runs tables, SALib and PRIM): the spec's
            ``column``, else ``key@where`` if a ``where`` is written, else ``key``.
        kind: ``"parameter"``, ``"lever"`` (timeline lever, `experiments.levers`) or
            ``"choice"`` (a categorical choice of the secretary, `model.parameters.CHOICES`).
        levels: Values of a factorial design (None for sampled designs); texts for a choice.
        low: Lower end of the range (sampled designs; or factorial levels from a range).
        high: Upper end of the range.
        distribution: ``uniform``, ``triangular``, ``normal`` (truncated to the range) or
            ``loguniform``.
        peak: Mode of a triangular distribution.
        mean: Mean of a normal distribution.
        sd: Standard deviation of a normal distribution.
        integer: Values are whole numbers (sampled values are rounded).
        label: Optional display names ``{"nl": ..., "en": ...}``.
        key: The parameter, lever or choice the factor sets (default: ``name``).
        where: The municipalities a secretary's lever or choice is set for (a
            `model.levers.StrategyRule`; ``"all"`` for a choice without ``where``); None for a
            national parameter override or a timeline lever.
    """

    name: str
    kind: str
    levels: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    distribution: str = "uniform"
    peak: float | None = None
    mean: float | None = None
    sd: float | None = None
    integer: bool = False
    label: dict[str, str] | None = None
    key: str = ""
    where: str | None = None

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.name)

    @property
    def categorical(self) -> bool:
        """Whether the levels are texts (a choice) rather than numbers."""
        return self.kind == "choice"

    def salib(self) -> tuple[list[float], str]:
        """SALib ``bounds`` entry and ``dists`` name of this factor."""
        low, high = float(self.low), float(self.high)  # type: ignore[arg-type]
        if self.distribution == "triangular":
            return [low, high, (float(self.peak) - low) / (high - low)], "triang"  # type: ignore[arg-type]
        if self.distribution == "normal":
            return [low, high, float(self.mean), float(self.sd)], "truncnorm"  # type: ignore[arg-type]
        if self.distribution == "loguniform":
            return [low, high], "logunif"
        return [low, high], "unif"

    def display(self, lang: str = "en") -> str:
        """Display name in ``lang``: the spec's label, else the lever's or choice's, else name."""
        if self.label:
            return self.label.get(lang) or next(iter(self.label.values()))
        if self.kind == "lever":
            return LEVERS[self.key].label[lang]
        if self.kind == "choice" and self.where == "all":
            return CHOICE_LABELS[self.key][lang]
        return self.name

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the manifest."""
        out: dict[str, Any] = {
            "name": self.name,
            "key": self.key,
            "kind": self.kind,
            "integer": self.integer,
        }
        if self.where is not None:
            out["where"] = self.where
        if self.levels is not None:
            out["levels"] = list(self.levels)
        if self.low is not None:
            out["range"] = [self.low, self.high]
            out["distribution"] = self.distribution
        for key in ("peak", "mean", "sd"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.label:
            out["label"] = dict(self.label)
        return out


@dataclass(frozen=True)
class Outcome:
    """A scalar outcome of every run: an indicator's value (or mean/min/max) at a month.

    Attributes:
        name: Column name in the results.
        indicator: National indicator (`model.indicators`).
        date: Month (first day) of the value, or the last month of the period.
        statistic: ``value``, ``mean``, ``min`` or ``max``.
        start: First month of the period for mean/min/max (None for ``value``).
    """

    name: str
    indicator: str
    date: dt.date
    statistic: str = "value"
    start: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the manifest."""
        out = {
            "name": self.name,
            "indicator": self.indicator,
            "date": self.date.isoformat()[:7],
            "statistic": self.statistic,
        }
        if self.start is not None:
            out["from"] = self.start.isoformat()[:7]
        return out


@dataclass(frozen=True)
class SeriesSpec:
    """Time series kept for every run.

    Attributes:
        indicators: Indicator names.
        every: ``month``, ``quarter`` (Mar, Jun, Sep, Dec) or ``year`` (December).
    """

    indicators: tuple[str, ...]
    every: str = "month"

    def keeps(self, month: int) -> bool:
        """Whether rows of calendar month ``month`` (1-12) are kept."""
        if self.every == "year":
            return month == 12
        if self.every == "quarter":
            return month % 3 == 0
        return True


@dataclass(frozen=True)
class Design:
    """How the points are generated.

    Attributes:
        method: ``factorial``, ``lhs``, ``sobol`` or ``morris``.
        samples: LHS points, Sobol base sample N (power of 2) or Morris trajectories.
        levels: Factorial levels for factors given as a range; Morris grid levels.
        second_order: Sobol: also sample for second-order indices.
        seed: Seed of the sampler.
    """

    method: str
    samples: int | None = None
    levels: int | None = None
    second_order: bool = False
    seed: int = 0


@dataclass(frozen=True)
class Spec:
    """A checked experiment spec.

    Attributes:
        path: The spec file (None when read from text).
        text: The file's text.
        name: Experiment name.
        description: Free text.
        scenario_ref: The ``scenario`` field as written.
        scenario: The base scenario.
        replications: Runs per point.
        seed: Root seed of the per-run seeds.
        common_random_numbers: Replication ``r`` uses the same seed at every point.
        municipalities: Optional subset.
        until: Last simulated month as ISO text, or None for December 2029.
        design: The design.
        factors: The factors, in order (design columns); a secretary's lever may appear more
            than once, for different ``where`` selections.
        outcomes: Scalar outcomes.
        series: Time series to keep (None: none).
    """

    path: Path | None
    text: str
    name: str
    description: str
    scenario_ref: str
    scenario: Scenario
    replications: int
    seed: int
    common_random_numbers: bool
    municipalities: tuple[str, ...] | None
    until: str | None
    design: Design
    factors: tuple[Factor, ...]
    outcomes: tuple[Outcome, ...]
    series: SeriesSpec | None
    data: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def label(self) -> str:
        """How the spec is named in messages."""
        return str(self.path) if self.path is not None else "<text>"

    def factor(self, name: str) -> Factor:
        """The factor whose column is ``name``."""
        for f in self.factors:
            if f.name == name:
                return f
        raise KeyError(name)

    def outcome(self, name: str) -> Outcome:
        """The outcome named ``name``."""
        for o in self.outcomes:
            if o.name == name:
                return o
        raise KeyError(name)

    def indicators(self) -> tuple[str, ...]:
        """Every indicator a run must keep (outcomes, then series), without repeats."""
        names = [o.indicator for o in self.outcomes]
        if self.series is not None:
            names += list(self.series.indicators)
        return tuple(dict.fromkeys(names))


# ---------------------------------------------------------------------------- checks
class Check(Checker):
    """Typed reads of one spec's data (`scenarios.schema.Checker`); failures are `SpecError`."""

    kind = "Experiment spec"
    error = SpecError

    def finite_number(self, value: Any, field: str, allowed: str) -> float:
        """Any finite number (bounds are checked by the caller)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail_field(field, value, f"is a {type_name(value)}, not a number", allowed)
        if not math.isfinite(float(value)):
            self.fail_field(field, value, "is not a finite number", allowed)
        return float(value)

    def month(self, value: Any, field: str) -> dt.date:
        """A month of the simulated period (TOML date, ``YYYY-MM`` or ``YYYY-MM-DD``)."""
        first, last = CALENDAR.start, CALENDAR.end
        allowed = (
            f"a month YYYY-MM (or a date YYYY-MM-DD) of the simulated period, "
            f"{first.isoformat()[:7]} to {last.isoformat()[:7]}"
        )
        if isinstance(value, dt.datetime):
            self.fail_field(field, value, "has a time of day", allowed)
        if isinstance(value, dt.date):
            date = value
        elif isinstance(value, str):
            text = value.strip()
            if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", text):
                self.fail_field(field, value, "is not a month in the form YYYY-MM", allowed)
            try:
                date = dt.date.fromisoformat(text if len(text) == 10 else text + "-01")
            except ValueError:
                self.fail_field(field, value, "is not a real date", allowed)
        else:
            self.fail_field(field, value, f"is a {type_name(value)}, not a month", allowed)
        date = date.replace(day=1)
        if not first <= date <= last:
            self.fail_field(field, value, "lies outside the simulated period", allowed)
        return date

    def names(self, value: Any, field: str, allowed: str) -> list[str]:
        """A non-empty array of non-empty texts without repeats."""
        if not isinstance(value, list):
            self.fail_field(field, value, f"is a {type_name(value)}, not an array", allowed)
        if not value:
            self.fail_field(field, value, "is empty", allowed)
        out: list[str] = []
        for i, item in enumerate(value):
            text = self.string(item, join(field, i), allowed)
            if text in out:
                self.fail_field(join(field, i), item, "is given twice", allowed)
            out.append(text)
        return out


# ---------------------------------------------------------------------------- public API
def load_spec(path: str | Path) -> Spec:
    """Read and check the experiment spec at ``path``.

    Raises:
        SpecError: One paragraph naming the file, field, value and what is allowed.
    """
    where = Path(path)
    ck = Check(str(where))
    if not where.exists():
        ck.fail("the file does not exist", "the path of an experiment spec (.toml)")
    if not where.is_file():
        ck.fail("is not a file", "the path of an experiment spec (.toml)")
    try:
        text = where.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        ck.fail(f"is not UTF-8 text (byte {exc.start} cannot be decoded)", "a UTF-8 text file")
    except OSError as exc:
        ck.fail(f"cannot be read ({exc.strerror})", "a readable file")
    return loads_spec(text, path=where)


def loads_spec(text: str, *, path: str | Path | None = None) -> Spec:
    """Check an experiment spec given as text.

    Args:
        text: The TOML text.
        path: Where it came from: named in messages, and the folder of a relative scenario path.
    """
    where = Path(path) if path is not None else None
    ck = Check(str(where) if where is not None else "<text>")
    if not text.strip():
        ck.fail(
            "the file is empty",
            "a TOML file with [experiment], [design], [[factors]] and "
            "[[outcomes]] (docs/experiments.md)",
        )
    try:
        data = parse_toml(text, ck)
    except tomllib.TOMLDecodeError as exc:
        ck.fail(
            _syntax_problem(text, exc, quote=quotes_lines(ck.label)),
            "valid TOML: key = value, text in double quotes, "
            "tables as [name], repeated entries as [[name]] (docs/experiments.md)",
        )
    return _Builder(ck, where, text).build(data)


def _syntax_problem(text: str, exc: Exception, quote: bool = True) -> str:
    """The problem of a TOML syntax error; ``quote``: name the field and quote the line."""
    raw = one_line(str(exc))
    match = re.search(r"\(at line (\d+), column (\d+)\)", raw)
    reason = re.sub(r"\s*\(at line \d+, column \d+\)\s*", "", raw).rstrip(".")
    if not match:
        return f"TOML syntax error: {reason}"
    if not quote:
        where = f"at line {match.group(1)}, column {match.group(2)}"
        return f"TOML syntax error {where}: {bare_reason(reason)}"
    line = int(match.group(1))
    found = field_at_line(text, line)
    lines = text.splitlines()
    source = one_line(lines[line - 1]) if line <= len(lines) else ""
    in_field = f" in field '{found[0]}'" if found else ""
    return (
        f"TOML syntax error at line {line}, column {match.group(2)}{in_field}: {reason} "
        f"(the line reads: {show(source, 100)})"
    )


# ---------------------------------------------------------------------------- building
class _Builder:
    def __init__(self, ck: Check, path: Path | None, text: str) -> None:
        self.ck = ck
        self.path = path
        self.text = text

    def build(self, data: dict[str, Any]) -> Spec:
        ck = self.ck
        top = ck.table(data, "", TOP_KEYS, ("experiment", "design", "factors"))
        exp = ck.table(top["experiment"], "experiment", EXPERIMENT_KEYS, ("scenario",))
        default_name = self.path.stem if self.path is not None else "experiment"
        name = default_name
        if "name" in exp:
            name = ck.string(exp["name"], "experiment.name")
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name):
                ck.fail_field(
                    "experiment.name",
                    exp["name"],
                    "is not a usable name",
                    "letters, digits, '_', '-' and '.', starting with a letter or digit, at "
                    "most 64 characters",
                )
        description = (
            ck.string(exp["description"], "experiment.description")
            if ("description" in exp)
            else ""
        )
        ref, scenario = self.scenario(exp["scenario"])
        replications = 1
        if "replications" in exp:
            replications = ck.integer(
                exp["replications"],
                "experiment.replications",
                1,
                MAX_REPLICATIONS,
                "runs per design point",
            )
        seed = 20180101
        if "seed" in exp:
            seed = ck.integer(exp["seed"], "experiment.seed", 0, 2**63 - 1, "root seed")
        crn = True
        if "common_random_numbers" in exp:
            crn = ck.boolean(exp["common_random_numbers"], "experiment.common_random_numbers")
        municipalities = None
        if "municipalities" in exp:
            municipalities = self.municipalities(exp["municipalities"])

        design = self.design(top["design"], seed)
        factors = self.factors(top["factors"], design, municipalities)
        if design.method == "sobol" and len(factors) < 2:
            ck.fail_field(
                "factors",
                top["factors"],
                "has one factor, and Sobol indices of a single factor say nothing",
                "at least two [[factors]] for method = 'sobol' (or method = 'lhs' for one)",
            )
        outcomes = self.outcomes(top.get("outcomes", MISSING), factors)
        series = self.series(top["series"]) if "series" in top else None
        if not outcomes and series is None:
            ck.fail_field(
                "outcomes",
                MISSING,
                "an experiment must record something",
                "one or more [[outcomes]] entries (indicator and date) and/or a [series] table",
            )
        until = self.until(exp.get("until", MISSING), outcomes, series)

        spec = Spec(
            path=self.path,
            text=self.text,
            name=name,
            description=description,
            scenario_ref=ref,
            scenario=scenario,
            replications=replications,
            seed=seed,
            common_random_numbers=crn,
            municipalities=municipalities,
            until=until,
            design=design,
            factors=factors,
            outcomes=outcomes,
            series=series,
            data=data,
        )
        from govsim.experiments.design import design_size

        runs = design_size(spec) * replications
        if runs > MAX_RUNS:
            ck.fail(
                f"the experiment has {runs:,} runs ({design_size(spec):,} points × "
                f"{replications} replications)",
                f"at most {MAX_RUNS:,} runs: fewer samples, levels or replications",
            )
        return spec

    # -------------------------------------------------------------- experiment
    def scenario(self, value: Any) -> tuple[str, Scenario]:
        from govsim.scenarios.loader import load_scenario, shipped_scenarios

        ck = self.ck
        allowed = (
            f"a shipped scenario ({', '.join(shipped_scenarios())}) or the path of a scenario "
            ".toml file, relative to this spec"
        )
        ref = ck.string(value, "experiment.scenario", allowed)
        target: str | Path = ref
        if ref.lower().endswith(".toml") or "/" in ref or "\\" in ref:
            candidate = Path(ref)
            if not candidate.is_absolute() and self.path is not None:
                beside = self.path.parent / candidate
                candidate = beside if beside.exists() or not candidate.exists() else candidate
            if not candidate.is_file():
                ck.fail_field(
                    "experiment.scenario", value, "names a file that does not exist", allowed
                )
            target = candidate
        elif ref not in shipped_scenarios():
            close = difflib.get_close_matches(ref, shipped_scenarios(), n=2)
            hint = f" (did you mean {quoted(close)}?)" if close else ""
            ck.fail_field("experiment.scenario", value, f"is not a shipped scenario{hint}", allowed)
        try:
            return ref, load_scenario(target)
        except ScenarioError as exc:
            ck.fail_field("experiment.scenario", value, f"names a scenario file that fails. {exc}")

    def municipalities(self, value: Any) -> tuple[str, ...]:
        from govsim.model.governance_model import select_municipalities

        allowed = (
            "an array of 2017 municipality codes (GMxxxx), municipality names or province "
            'names, e.g. ["Utrecht"]'
        )
        names = self.ck.names(value, "experiment.municipalities", allowed)
        for i, item in enumerate(names):
            try:
                select_municipalities([item])
            except ParameterError:
                self.ck.fail_field(
                    join("experiment.municipalities", i),
                    item,
                    "is not a 2017 municipality code, municipality name or province",
                    allowed,
                )
        return tuple(names)

    def until(self, value: Any, outcomes: Sequence[Outcome], series: SeriesSpec | None):
        if value is MISSING:
            if series is not None:
                return None
            last = max(o.date for o in outcomes)
            return None if last >= CALENDAR.end else last.isoformat()[:7]
        date = self.ck.month(value, "experiment.until")
        late = [o for o in outcomes if o.date > date]
        if late:
            self.ck.fail_field(
                "experiment.until",
                value,
                f"ends the runs before outcome '{late[0].name}' ({late[0].date.isoformat()[:7]})",
                "a month on or after the last outcome date, or leave until out",
            )
        return None if date >= CALENDAR.end else date.isoformat()[:7]

    # -------------------------------------------------------------- design
    def design(self, value: Any, seed: int) -> Design:
        ck = self.ck
        table = ck.table(value, "design", DESIGN_KEYS, ("method",))
        method = ck.choice(table["method"], "design.method", METHODS, "design method")
        wrong = {
            "factorial": ("samples", "second_order"),
            "lhs": ("levels", "second_order"),
            "sobol": ("levels",),
            "morris": ("second_order",),
        }[method]
        for key in wrong:
            if key in table:
                ck.fail_field(
                    join("design", key),
                    table[key],
                    f"has no meaning for method = '{method}'",
                    _design_keys_text(method),
                )
        samples = levels = None
        if method in SAMPLED:
            what = {
                "lhs": "number of points",
                "sobol": "base sample size N; runs = N × (factors + 2), or N × (2 × factors + 2) "
                "with second_order",
                "morris": "number of trajectories; runs = trajectories × (factors + 1)",
            }[method]
            if "samples" not in table:
                ck.fail_field(
                    "design.samples",
                    MISSING,
                    f"method '{method}' needs it ({what})",
                    _design_keys_text(method),
                )
            samples = ck.integer(table["samples"], "design.samples", 2, MAX_SAMPLES, what)
            if method == "sobol" and samples & (samples - 1):
                ck.fail_field(
                    "design.samples",
                    table["samples"],
                    "is not a power of 2 (Sobol sequences lose their balance otherwise)",
                    "a power of 2 such as 64, 128, 256, 512, 1024",
                )
        if "levels" in table:
            if method == "morris":
                levels = ck.integer(table["levels"], "design.levels", 2, 100, "Morris grid levels")
                if levels % 2:
                    ck.fail_field(
                        "design.levels",
                        table["levels"],
                        "is odd",
                        "an even number of Morris grid levels, e.g. 4 or 6",
                    )
            else:
                levels = ck.integer(
                    table["levels"],
                    "design.levels",
                    2,
                    MAX_LEVELS,
                    "levels for every factor given as a range",
                )
        elif method == "morris":
            levels = 4
        second = False
        if "second_order" in table:
            second = ck.boolean(table["second_order"], "design.second_order")
        design_seed = seed
        if "seed" in table:
            design_seed = ck.integer(table["seed"], "design.seed", 0, 2**32 - 1, "sampler seed")
        return Design(method, samples, levels, second, design_seed)

    # -------------------------------------------------------------- factors
    def factors(
        self, value: Any, design: Design, municipalities: tuple[str, ...] | None
    ) -> tuple[Factor, ...]:
        ck = self.ck
        if not isinstance(value, list):
            ck.fail_field(
                "factors",
                value,
                f"is a {type_name(value)} but must be an array of tables",
                'one [[factors]] table per varied input, each with name = "..."',
            )
        if not value:
            ck.fail_field("factors", value, "is empty", "at least one [[factors]] entry")
        out: list[Factor] = []
        seen: dict[tuple, int] = {}
        for i, item in enumerate(value):
            at = join("factors", i)
            factor = self.factor(item, at, design, municipalities)
            # what the factor sets: a national value (no where, or where = "all") or a selection
            selection: tuple = ("all",)
            if factor.where is not None:
                parsed = parse_where(factor.where)
                selection = (parsed.kind, *parsed.values)
            same = seen.get((factor.key, selection))
            if same is not None:
                field_name = join(at, "where") if "where" in item else join(at, "name")
                shown = item["where"] if "where" in item else item["name"]
                if factor.where is None and out[same].where is None:
                    problem, allowed = (
                        "is varied twice",
                        "each parameter or lever at most once in [[factors]]",
                    )
                else:
                    problem = (
                        f"sets '{factor.key}' for the same municipalities as factors[{same}] "
                        "(is varied twice)"
                    )
                    allowed = (
                        "each lever at most once per selection: a different where for each "
                        "factor (e.g. 'size_class <20k' and 'size_class >=20k'); without where "
                        "a factor applies to all municipalities"
                    )
                ck.fail_field(field_name, shown, problem, allowed)
            clash = next((j for j, f in enumerate(out) if f.name == factor.name), None)
            if clash is not None:
                ck.fail_field(
                    join(at, "column") if "column" in item else join(at, "name"),
                    factor.name,
                    f"gives the result column '{factor.name}', which factors[{clash}] has already",
                    'a column = "..." of its own for one of them (lower-case letters, digits and '
                    "'_')",
                )
            seen[(factor.key, selection)] = i
            out.append(factor)
        return tuple(out)

    def factor(
        self, value: Any, where: str, design: Design, municipalities: tuple[str, ...] | None
    ) -> Factor:
        ck = self.ck
        table = ck.table(value, where, FACTOR_KEYS, ("name",))
        allowed_names = (
            "a model parameter (`govsim params`, docs/parameters.md), a timeline lever ("
            + ", ".join(LEVERS)
            + ") or a choice of the secretary ("
            + ", ".join(CHOICES)
            + "), optionally written param.<name> or lever.<name>"
        )
        raw = ck.string(table["name"], join(where, "name"), allowed_names)
        split = split_factor_name(raw)
        if split is None:
            bare = raw.split(".", 1)[-1]
            known = [*PARAMETERS, *LEVERS, *CHOICES]
            close = difflib.get_close_matches(bare, known, n=3, cutoff=0.6)
            hint = f" (did you mean {quoted(close)}?)" if close else ""
            ck.fail_field(
                join(where, "name"),
                table["name"],
                f"is neither a parameter nor a lever{hint}",
                allowed_names,
            )
        kind, name = split
        what = {"parameter": "parameter", "lever": "timeline lever", "choice": "choice"}[kind]
        what = f"{what} '{name}'"
        selection = None
        if "where" in table:
            selection = self.where(table["where"], join(where, "where"), kind, name, municipalities)
        elif kind == "choice":
            selection = "all"
        if "column" in table:
            column = ck.string(table["column"], join(where, "column"))
            if not COLUMN_PATTERN.match(column):
                ck.fail_field(
                    join(where, "column"),
                    table["column"],
                    "is not a usable column name",
                    "lower-case letters, digits and '_', starting with a letter, at most 63 "
                    "characters",
                )
            if column in RESERVED_COLUMNS:
                ck.fail_field(
                    join(where, "column"),
                    table["column"],
                    "is a fixed result column",
                    f"any name but {quoted(RESERVED_COLUMNS)}",
                )
        elif "where" in table:
            column = f"{name}@{selection}"
        else:
            column = name
        if name in RESERVED_COLUMNS:  # pragma: no cover - no parameter is named so
            ck.fail_field(join(where, "name"), raw, "clashes with a result column", "another name")
        label = self.label(table["label"], join(where, "label")) if "label" in table else None
        if kind == "choice":
            return self.choice_factor(table, where, design, name, column, selection, label)
        low, high, integer, unit = bounds(kind, name)
        if "integer" in table:
            wanted = ck.boolean(table["integer"], join(where, "integer"))
            if integer and not wanted:
                ck.fail_field(
                    join(where, "integer"),
                    table["integer"],
                    f"but {what} takes whole numbers",
                    "integer = true or leave it out",
                )
            integer = integer or wanted
        span = f"{_num(low, integer)} to {_num(high, integer)} ({unit})"

        def in_range(number_value: Any, field_name: str) -> float:
            kind_text = "whole numbers" if integer else "numbers"
            allowed = f"{kind_text} from {span}, the allowed values of {what}"
            number = ck.finite_number(number_value, field_name, allowed)
            if not low <= number <= high:
                ck.fail_field(
                    field_name, number_value, f"is outside the allowed values of {what}", allowed
                )
            if integer and number != int(number):
                ck.fail_field(
                    field_name, number_value, f"is not a whole number, but {what} is", allowed
                )
            return number

        has_levels, has_range = "levels" in table, "range" in table
        if has_levels and has_range:
            ck.fail_field(
                join(where, "levels"),
                table["levels"],
                "is given together with range",
                "either levels = [...] (factorial designs) or range = [low, high]",
            )
        levels = None
        lo = hi = None
        if design.method == "factorial":
            if has_levels:
                levels = self.levels(table["levels"], join(where, "levels"), in_range)
            elif has_range:
                lo, hi = self.range(table["range"], join(where, "range"), in_range)
                if design.levels is None:
                    ck.fail_field(
                        "design.levels",
                        MISSING,
                        f"factor '{raw}' is given as a range in a factorial design",
                        "levels = [...] for the factor, or design.levels = N to take N evenly "
                        "spaced levels over the range",
                    )
                levels = _even_levels(lo, hi, design.levels, integer)
                if len(levels) < design.levels:
                    ck.fail_field(
                        join(where, "range"),
                        table["range"],
                        f"holds fewer than {design.levels} different whole numbers",
                        "a wider range, fewer design.levels, or explicit levels = [...]",
                    )
            else:
                ck.fail_field(
                    join(where, "levels"),
                    MISSING,
                    "a factorial design needs levels",
                    f"levels = [...] with values from {span}, or range = [low, high] "
                    "with design.levels",
                )
            for key in ("distribution", "peak", "mean", "sd"):
                if key in table:
                    ck.fail_field(
                        join(where, key),
                        table[key],
                        "has no meaning in a factorial design",
                        "levels = [...] (or range with design.levels)",
                    )
            return Factor(
                column,
                kind,
                levels=levels,
                integer=integer,
                label=label,
                key=name,
                where=selection,
            )

        if has_levels:
            ck.fail_field(
                join(where, "levels"),
                table["levels"],
                f"has no meaning for design.method = '{design.method}' (levels are for "
                "factorial designs)",
                f"range = [low, high] with values from {span}",
            )
        if not has_range:
            ck.fail_field(
                join(where, "range"),
                MISSING,
                f"design.method = '{design.method}' samples every factor from a range",
                f"range = [low, high] with values from {span}",
            )
        lo, hi = self.range(table["range"], join(where, "range"), in_range)
        distribution = "uniform"
        if "distribution" in table:
            distribution = ck.choice(
                table["distribution"], join(where, "distribution"), DISTRIBUTIONS, "distribution"
            )
        needs = DISTRIBUTION_KEYS.get(distribution, ())
        for key in ("peak", "mean", "sd"):
            if key in table and key not in needs:
                ck.fail_field(
                    join(where, key),
                    table[key],
                    f"has no meaning for distribution = '{distribution}'",
                    _distribution_text(),
                )
            if key in needs and key not in table:
                ck.fail_field(
                    join(where, key),
                    MISSING,
                    f"distribution = '{distribution}' needs it",
                    _distribution_text(),
                )
        peak = mean = sd = None
        if distribution == "triangular":
            peak = ck.finite_number(table["peak"], join(where, "peak"), "a number inside the range")
            if not lo <= peak < hi:
                ck.fail_field(
                    join(where, "peak"),
                    table["peak"],
                    "lies outside the range",
                    f"a number from {_num(lo)} up to (not including) {_num(hi)}",
                )
        if distribution == "normal":
            mean = ck.finite_number(table["mean"], join(where, "mean"), "a number inside the range")
            if not lo <= mean <= hi:
                ck.fail_field(
                    join(where, "mean"),
                    table["mean"],
                    "lies outside the range",
                    f"a number from {_num(lo)} to {_num(hi)}",
                )
            sd = ck.finite_number(table["sd"], join(where, "sd"), "a positive number")
            if sd <= 0:
                ck.fail_field(
                    join(where, "sd"), table["sd"], "is not positive", "a standard deviation > 0"
                )
        if distribution == "loguniform" and lo <= 0:
            ck.fail_field(
                join(where, "range"),
                table["range"],
                "starts at or below 0, which a log-uniform distribution cannot",
                "a range with low > 0, or distribution = 'uniform'",
            )
        return Factor(
            column,
            kind,
            None,
            lo,
            hi,
            distribution,
            peak,
            mean,
            sd,
            integer,
            label,
            key=name,
            where=selection,
        )

    def where(
        self,
        value: Any,
        field_name: str,
        kind: str,
        name: str,
        municipalities: tuple[str, ...] | None,
    ) -> str:
        """A factor's ``where``: only for the secretary's levers; a usable selection."""
        ck = self.ck
        if not is_secretary_lever(kind, name):
            what = "timeline lever" if kind == "lever" else "parameter"
            ck.fail_field(
                field_name,
                value,
                f"has no meaning for {what} '{name}': only the secretary's levers can be set for "
                "a selection of municipalities",
                f"where only on {', '.join(SECRETARY_LEVERS)}; leave where out to vary '{name}' "
                "for all municipalities",
            )
        text = ck.string(value, field_name, WHERE_FORMS)
        try:
            selector = parse_where(text)
        except LeverError as exc:
            ck.fail_field(field_name, value, f"cannot be used: {exc.problem}", exc.allowed)
        from govsim.model.governance_model import select_municipalities

        chosen = select_municipalities(list(municipalities) if municipalities else None)
        if not selector.mask(chosen).any():
            ck.fail_field(
                field_name,
                value,
                "selects none of the experiment's municipalities (experiment.municipalities = "
                f"{list(municipalities) if municipalities else 'all'})",
                "a where that selects at least one of them, or more experiment.municipalities",
            )
        return selector.text

    def choice_factor(
        self,
        table: dict[str, Any],
        where: str,
        design: Design,
        name: str,
        column: str,
        selection: str | None,
        label: dict[str, str] | None,
    ) -> Factor:
        """A categorical factor: one of the secretary's choices, with text levels."""
        ck = self.ck
        values = CHOICES[name].values
        allowed_levels = f"levels = [...] with texts from {quoted(values)}"
        if design.method != "factorial":
            ck.fail_field(
                join(where, "name"),
                table["name"],
                f"is a categorical choice, which design.method = '{design.method}' cannot "
                "sample (SALib samples numbers from ranges)",
                f"categorical factors need a factorial design: design.method = 'factorial' with "
                f"{allowed_levels}",
            )
        for key in ("range", "distribution", "peak", "mean", "sd", "integer"):
            if key in table:
                ck.fail_field(
                    join(where, key),
                    table[key],
                    f"has no meaning for the categorical choice '{name}'",
                    allowed_levels,
                )
        if "levels" not in table:
            ck.fail_field(
                join(where, "levels"),
                MISSING,
                f"the categorical choice '{name}' needs its levels",
                allowed_levels,
            )
        value = table["levels"]
        field_name = join(where, "levels")
        if not isinstance(value, list):
            ck.fail_field(
                field_name, value, f"is a {type_name(value)}, not an array", allowed_levels
            )
        if not value:
            ck.fail_field(field_name, value, "is empty", allowed_levels)
        levels: list[str] = []
        for i, item in enumerate(value):
            at = join(field_name, i)
            if not isinstance(item, str) or item not in values:
                close = (
                    difflib.get_close_matches(item, values, n=2, cutoff=0.5)
                    if isinstance(item, str)
                    else []
                )
                hint = f" (did you mean {quoted(close)}?)" if close else ""
                ck.fail_field(at, item, f"is not a value of '{name}'{hint}", allowed_levels)
            if item in levels:
                ck.fail_field(at, item, "is given twice", "each level once")
            levels.append(item)
        return Factor(
            column, "choice", levels=tuple(levels), label=label, key=name, where=selection
        )

    def levels(self, value: Any, where: str, in_range) -> tuple[float, ...]:
        ck = self.ck
        if not isinstance(value, list):
            ck.fail_field(
                where,
                value,
                f"is a {type_name(value)}, not an array",
                "an array of values, e.g. [0, 12, 24]",
            )
        if not value:
            ck.fail_field(where, value, "is empty", "at least one value, e.g. [0, 12, 24]")
        out: list[float] = []
        for i, item in enumerate(value):
            number = in_range(item, join(where, i))
            if number in out:
                ck.fail_field(join(where, i), item, "is given twice", "each level once")
            out.append(number)
        return tuple(out)

    def range(self, value: Any, where: str, in_range) -> tuple[float, float]:
        ck = self.ck
        if not isinstance(value, list) or len(value) != 2:
            what = (
                f"an array of {len(value)}" if isinstance(value, list) else f"a {type_name(value)}"
            )
            ck.fail_field(
                where,
                value,
                f"is {what}, not [low, high]",
                "two numbers [low, high] with low < high",
            )
        lo = in_range(value[0], join(where, 0))
        hi = in_range(value[1], join(where, 1))
        if not lo < hi:
            ck.fail_field(
                where, value, "does not have low < high", "two numbers [low, high] with low < high"
            )
        return lo, hi

    def label(self, value: Any, where: str) -> dict[str, str]:
        table = self.ck.table(value, where, ("nl", "en"))
        if not table:
            self.ck.fail_field(where, value, "is empty", 'label = { nl = "...", en = "..." }')
        out = {k: self.ck.string(v, join(where, k)) for k, v in table.items()}
        for lang in ("nl", "en"):
            out.setdefault(lang, next(iter(out.values())))
        return out

    # -------------------------------------------------------------- outcomes and series
    def outcomes(self, value: Any, factors: Sequence[Factor]) -> tuple[Outcome, ...]:
        ck = self.ck
        if value is MISSING:
            return ()
        if not isinstance(value, list):
            ck.fail_field(
                "outcomes",
                value,
                f"is a {type_name(value)} but must be an array of tables",
                "one [[outcomes]] table per outcome with indicator and date",
            )
        out: list[Outcome] = []
        taken = {f.name: f"factor '{f.name}'" for f in factors}
        taken.update({c: "a fixed result column" for c in RESERVED_COLUMNS})
        for i, item in enumerate(value):
            where = join("outcomes", i)
            table = ck.table(item, where, OUTCOME_KEYS, ("indicator", "date"))
            indicator = self.indicator(table["indicator"], join(where, "indicator"))
            date = ck.month(table["date"], join(where, "date"))
            statistic = "value"
            if "statistic" in table:
                statistic = ck.choice(
                    table["statistic"], join(where, "statistic"), STATISTICS, "statistic"
                )
            start = None
            if statistic == "value" and "from" in table:
                ck.fail_field(
                    join(where, "from"),
                    table["from"],
                    "has no meaning for statistic = 'value'",
                    "from = \"YYYY-MM\" only with statistic = 'mean', 'min' or 'max'",
                )
            if statistic != "value":
                if "from" not in table:
                    ck.fail_field(
                        join(where, "from"),
                        MISSING,
                        f"statistic = '{statistic}' is taken over a period",
                        'from = "YYYY-MM", the first month of the period',
                    )
                start = ck.month(table["from"], join(where, "from"))
                if start >= date:
                    ck.fail_field(
                        join(where, "from"),
                        table["from"],
                        f"is not before the outcome's date ({date.isoformat()[:7]})",
                        "a first month before date",
                    )
            if "name" in table:
                name = ck.string(table["name"], join(where, "name"))
                if not COLUMN_PATTERN.match(name):
                    ck.fail_field(
                        join(where, "name"),
                        table["name"],
                        "is not a usable column name",
                        "lower-case letters, digits and '_', starting with a letter, at "
                        "most 63 characters",
                    )
            else:
                name = _outcome_name(indicator, date, statistic, start)
            if name in taken:
                ck.fail_field(
                    join(where, "name") if "name" in table else where,
                    name,
                    f"is already used by {taken[name]}",
                    'a name = "..." of its own for this outcome',
                )
            taken[name] = f"outcome {i}"
            out.append(Outcome(name, indicator, date, statistic, start))
        return tuple(out)

    def indicator(self, value: Any, where: str) -> str:
        allowed = "an indicator of model.indicators (e.g. 'transformation_physical')"
        name = self.ck.string(value, where, allowed)
        if name not in BY_NAME:
            close = difflib.get_close_matches(name, list(BY_NAME), n=3, cutoff=0.6)
            hint = f" (did you mean {quoted(close)}?)" if close else ""
            self.ck.fail_field(
                where,
                value,
                f"is not a model indicator{hint}",
                allowed + "; the list is in docs/experiments.md",
            )
        return name

    def series(self, value: Any) -> SeriesSpec:
        ck = self.ck
        table = ck.table(value, "series", SERIES_KEYS, ("indicators",))
        allowed = 'an array of indicator names, e.g. ["transformation_physical"]'
        names = ck.names(table["indicators"], "series.indicators", allowed)
        for i, name in enumerate(names):
            self.indicator(name, join("series.indicators", i))
        every = "month"
        if "every" in table:
            every = ck.choice(table["every"], "series.every", EVERY, "interval")
        return SeriesSpec(tuple(names), every)


# ---------------------------------------------------------------------------- helpers
def _num(value: float | None, integer: bool = False) -> str:
    if value is None:
        return "?"
    if integer or float(value).is_integer():
        return str(int(value))
    return f"{value:g}"


def _even_levels(low: float, high: float, n: int, integer: bool) -> tuple[float, ...]:
    step = (high - low) / (n - 1)
    values = [low + i * step for i in range(n)]
    if integer:
        values = [float(round(v)) for v in values]
    else:
        values = [float(f"{v:.12g}") for v in values]
    return tuple(dict.fromkeys(values))


def _outcome_name(indicator: str, date: dt.date, statistic: str, start: dt.date | None) -> str:
    if statistic == "value":
        if date.month == 12:
            return f"{indicator}_{date.year}"
        return f"{indicator}_{date.year}_{date.month:02d}"
    assert start is not None
    return f"{indicator}_{statistic}_{start.year}_{start.month:02d}_{date.year}_{date.month:02d}"


def _design_keys_text(method: str) -> str:
    return {
        "factorial": "for method = 'factorial': levels (levels for factors given as a range), seed",
        "lhs": "for method = 'lhs': samples (number of points), seed",
        "sobol": "for method = 'sobol': samples (base N, a power of 2), second_order, seed",
        "morris": "for method = 'morris': samples (trajectories), levels (even, default 4), seed",
    }[method]


def _distribution_text() -> str:
    return (
        "distribution = 'uniform' (default), 'triangular' with peak, 'normal' with mean and sd "
        "(truncated to the range) or 'loguniform' (range above 0)"
    )

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
the value found and what is allowed. Loading only reads files. The keys and their types, values
and ranges are declared in `experiments.spec_schema` (worded by `scenarios.file_errors`); this
module checks what spans tables (the scenario, the municipalities, outcome columns, the number
of runs), `experiments.spec_factors` each factor's values; the types are in
`experiments.spec_types`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from govsim.experiments import spec_schema as schema
from govsim.experiments.spec_factors import FactorReader
from govsim.experiments.spec_schema import (
    CALENDAR,
    DISTRIBUTIONS,
    EVERY,
    METHODS,
    RESERVED_COLUMNS,
    SAMPLED,
    STATISTICS,
)
from govsim.experiments.spec_types import Design, Factor, Outcome, SeriesSpec, Spec
from govsim.model.parameters import ParameterError
from govsim.scenarios.file_errors import fail_validation
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
)


class ExperimentError(ValueError):
    """A mistake in what an experiment command was asked to do (printed without traceback)."""


class SpecError(ExperimentError):
    """An unusable experiment spec; the message names file, field, value and what is allowed."""


TOP_KEYS = schema.keys(schema.SpecFile)
EXPERIMENT_KEYS = schema.keys(schema.Experiment)
DESIGN_KEYS = schema.keys(schema.Design)
FACTOR_KEYS = schema.keys(schema.Factor)
OUTCOME_KEYS = schema.keys(schema.Outcome)
SERIES_KEYS = schema.keys(schema.Series)
MAX_RUNS = 1_000_000
__all__ = [
    "DESIGN_KEYS",
    "DISTRIBUTIONS",
    "EVERY",
    "EXPERIMENT_KEYS",
    "FACTOR_KEYS",
    "MAX_RUNS",
    "METHODS",
    "OUTCOME_KEYS",
    "SAMPLED",
    "SERIES_KEYS",
    "STATISTICS",
    "TOP_KEYS",
    "Design",
    "ExperimentError",
    "Factor",
    "Outcome",
    "SeriesSpec",
    "Spec",
    "SpecError",
    "load_spec",
    "loads_spec",
]


# ---------------------------------------------------------------------------- checks
class Check(Checker):
    """Messages about one spec (`scenarios.schema.Checker`); failures are `SpecError`."""

    kind = "Experiment spec"
    error = SpecError


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
    """Turns a validated `spec_schema.SpecFile` into a `Spec`, with the checks across tables."""

    def __init__(self, ck: Check, path: Path | None, text: str) -> None:
        self.ck = ck
        self.path = path
        self.text = text

    def build(self, data: dict[str, Any]) -> Spec:
        ck = self.ck
        try:
            file = schema.SpecFile.model_validate(data)
        except ValidationError as exc:
            fail_validation(exc, schema.SpecFile, data, ck)
        exp = file.experiment
        default_name = self.path.stem if self.path is not None else "experiment"
        ref, scenario = self.scenario(exp.scenario)
        municipalities = None
        if exp.municipalities is not None:
            municipalities = self.municipalities(exp.municipalities)
        design = Design(
            file.design.method,
            file.design.samples,
            file.design.levels or (4 if file.design.method == "morris" else None),
            file.design.second_order,
            exp.seed if file.design.seed is None else file.design.seed,
        )
        raw_factors = data["factors"]
        factors = FactorReader(ck).factors(file.factors, raw_factors, design, municipalities)
        if design.method == "sobol" and len(factors) < 2:
            ck.fail_field(
                "factors",
                raw_factors,
                "has one factor, and Sobol indices of a single factor say nothing",
                "at least two [[factors]] for method = 'sobol' (or method = 'lhs' for one)",
            )
        outcomes = self.outcomes(file.outcomes or [], factors)
        series = None
        if file.series is not None:
            series = SeriesSpec(tuple(file.series.indicators), file.series.every)
        if not outcomes and series is None:
            ck.fail_field(
                "outcomes",
                MISSING,
                "an experiment must record something",
                "one or more [[outcomes]] entries (indicator and date) and/or a [series] table",
            )
        spec = Spec(
            path=self.path,
            text=self.text,
            name=exp.name or default_name,
            description=exp.description or "",
            scenario_ref=ref,
            scenario=scenario,
            replications=exp.replications,
            seed=exp.seed,
            common_random_numbers=exp.common_random_numbers,
            municipalities=municipalities,
            until=self.until(exp.until, data["experiment"].get("until"), outcomes, series),
            design=design,
            factors=factors,
            outcomes=outcomes,
            series=series,
            data=data,
        )
        from govsim.experiments.design import design_size

        runs = design_size(spec) * exp.replications
        if runs > MAX_RUNS:
            ck.fail(
                f"the experiment has {runs:,} runs ({design_size(spec):,} points × "
                f"{exp.replications} replications)",
                f"at most {MAX_RUNS:,} runs: fewer samples, levels or replications",
            )
        return spec

    # -------------------------------------------------------------- experiment
    def scenario(self, ref: str) -> tuple[str, Scenario]:
        """The base scenario: shipped, or a file beside the spec (or the working folder)."""
        from govsim.scenarios.loader import load_scenario, shipped_scenarios

        ck = self.ck
        allowed = schema.scenario_text()
        target: str | Path = ref
        if ref.lower().endswith(".toml") or "/" in ref or "\\" in ref:
            candidate = Path(ref)
            if not candidate.is_absolute() and self.path is not None:
                beside = self.path.parent / candidate
                candidate = beside if beside.exists() or not candidate.exists() else candidate
            if not candidate.is_file():
                ck.fail_field(
                    "experiment.scenario", ref, "names a file that does not exist", allowed
                )
            target = candidate
        elif ref not in shipped_scenarios():
            close = difflib.get_close_matches(ref, shipped_scenarios(), n=2)
            hint = f" (did you mean {quoted(close)}?)" if close else ""
            ck.fail_field("experiment.scenario", ref, f"is not a shipped scenario{hint}", allowed)
        try:
            return ref, load_scenario(target)
        except ScenarioError as exc:
            ck.fail_field("experiment.scenario", ref, f"names a scenario file that fails. {exc}")

    def municipalities(self, names: list[str]) -> tuple[str, ...]:
        """The subset, each a municipality code, municipality name or province of 2017."""
        from govsim.model.municipalities import select_municipalities

        for i, item in enumerate(names):
            try:
                select_municipalities([item])
            except ParameterError:
                self.ck.fail_field(
                    join("experiment.municipalities", i),
                    item,
                    "is not a 2017 municipality code, municipality name or province",
                    schema.MUNICIPALITIES_TEXT,
                )
        return tuple(names)

    def until(
        self,
        date: dt.date | None,
        written: Any,
        outcomes: Sequence[Outcome],
        series: SeriesSpec | None,
    ) -> str | None:
        """The last simulated month: ``until``, else the last outcome's (None: December 2029)."""
        if date is None:
            if series is not None:
                return None
            last = max(o.date for o in outcomes)
            return None if last >= CALENDAR.end else last.isoformat()[:7]
        late = [o for o in outcomes if o.date > date]
        if late:
            self.ck.fail_field(
                "experiment.until",
                written,
                f"ends the runs before outcome '{late[0].name}' ({late[0].date.isoformat()[:7]})",
                "a month on or after the last outcome date, or leave until out",
            )
        return None if date >= CALENDAR.end else date.isoformat()[:7]

    # -------------------------------------------------------------- outcomes
    def outcomes(
        self, entries: Sequence[schema.Outcome], factors: Sequence[Factor]
    ) -> tuple[Outcome, ...]:
        """The outcomes, each with a result column of its own."""
        out: list[Outcome] = []
        taken = {f.name: f"factor '{f.name}'" for f in factors}
        taken.update({c: "a fixed result column" for c in RESERVED_COLUMNS})
        for i, o in enumerate(entries):
            where = join("outcomes", i)
            name = o.name or _outcome_name(o.indicator, o.date, o.statistic, o.start)
            if name in taken:
                self.ck.fail_field(
                    join(where, "name") if o.name else where,
                    name,
                    f"is already used by {taken[name]}",
                    'a name = "..." of its own for this outcome',
                )
            taken[name] = f"outcome {i}"
            out.append(Outcome(name, o.indicator, o.date, o.statistic, o.start))
        return tuple(out)


# ---------------------------------------------------------------------------- helpers
def _outcome_name(indicator: str, date: dt.date, statistic: str, start: dt.date | None) -> str:
    if statistic == "value":
        if date.month == 12:
            return f"{indicator}_{date.year}"
        return f"{indicator}_{date.year}_{date.month:02d}"
    assert start is not None
    return f"{indicator}_{statistic}_{start.year}_{start.month:02d}_{date.year}_{date.month:02d}"

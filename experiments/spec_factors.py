"""The factors of an experiment spec, checked against their parameter, lever or choice.

`spec_schema.Factor` declares a factor's keys and types; what a factor's ``levels``, ``range``,
``where`` and distribution may hold depends on what it varies (its allowed values,
`experiments.levers.bounds`), on the design method and on the experiment's municipalities, so
`FactorReader` checks that here and builds the `spec_types.Factor`. Every mistake is one
paragraph of the spec's `Checker` (a `SpecError`).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Sequence
from typing import Any

from govsim.experiments import spec_schema as schema
from govsim.experiments.levers import bounds, is_secretary_lever, split_factor_name
from govsim.experiments.spec_types import Design, Factor
from govsim.model.levers import LeverError, parse_where
from govsim.model.parameters import CHOICES, PARAMETERS
from govsim.scenarios.schema import MISSING, Checker, a_type, join, quoted

DISTRIBUTION_KEYS = {"uniform": (), "triangular": ("peak",), "normal": ("mean", "sd")}
"""The keys each distribution needs."""
SECRETARY_LEVERS = (*CHOICES, *(p.name for p in PARAMETERS.values() if p.lever))
"""Factor names that may carry a ``where``: the choices, then the numeric levers."""
InRange = Callable[[Any, str], float]
"""Checks one value of a factor (the value, its field) and returns it as a number."""


class FactorReader:
    """Builds the factors of one spec; ``ck`` words its mistakes."""

    def __init__(self, ck: Checker) -> None:
        self.ck = ck

    def factors(
        self,
        entries: Sequence[schema.Factor],
        written: list[dict[str, Any]],
        design: Design,
        municipalities: tuple[str, ...] | None,
    ) -> tuple[Factor, ...]:
        """The factors; each lever at most once per selection, each column once."""
        ck = self.ck
        out: list[Factor] = []
        seen: dict[tuple, int] = {}
        for i, (entry, item) in enumerate(zip(entries, written, strict=True)):
            at = join("factors", i)
            factor = self.factor(entry, item, at, design, municipalities)
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
        self,
        t: schema.Factor,
        item: dict[str, Any],
        where: str,
        design: Design,
        municipalities: tuple[str, ...] | None,
    ) -> Factor:
        """One factor: its kind, selection and column, and values its parameter allows."""
        ck = self.ck
        kind, name = split_factor_name(t.name)  # type: ignore[misc]  # a known name (schema)
        what = {"parameter": "parameter", "lever": "timeline lever", "choice": "choice"}[kind]
        what = f"{what} '{name}'"
        selection = None
        if t.where is not None:
            selection = self.where(t.where, join(where, "where"), kind, name, municipalities)
        elif kind == "choice":
            selection = "all"
        column = t.column or (f"{name}@{selection}" if t.where is not None else name)
        label = None
        if t.label is not None:
            label = {
                lang: getattr(t.label, lang) for lang in ("nl", "en") if getattr(t.label, lang)
            }
            first = next(iter(label.values()))
            label = {lang: label.get(lang, first) for lang in ("nl", "en")}
        if kind == "choice":
            return self.choice_factor(item, where, design, name, column, selection, label)
        low, high, integer, unit = bounds(kind, name)
        if t.integer is not None:
            if integer and not t.integer:
                ck.fail_field(
                    join(where, "integer"),
                    t.integer,
                    f"but {what} takes whole numbers",
                    "integer = true or leave it out",
                )
            integer = integer or t.integer
        span = f"{_num(low, integer)} to {_num(high, integer)} ({unit})"

        def in_range(number_value: Any, field_name: str) -> float:
            kind_text = "whole numbers" if integer else "numbers"
            allowed = f"{kind_text} from {span}, the allowed values of {what}"
            number = self.finite_number(number_value, field_name, allowed)
            if not low <= number <= high:
                ck.fail_field(
                    field_name, number_value, f"is outside the allowed values of {what}", allowed
                )
            if integer and number != int(number):
                ck.fail_field(
                    field_name, number_value, f"is not a whole number, but {what} is", allowed
                )
            return number

        has_levels, has_range = "levels" in item, "range" in item
        if has_levels and has_range:
            ck.fail_field(
                join(where, "levels"),
                item["levels"],
                "is given together with range",
                "either levels = [...] (factorial designs) or range = [low, high]",
            )
        if design.method == "factorial":
            levels = self.factorial_levels(item, where, design, in_range, integer, span, t.name)
            return Factor(
                column, kind, levels=levels, integer=integer, label=label, key=name, where=selection
            )
        if has_levels:
            ck.fail_field(
                join(where, "levels"),
                item["levels"],
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
        lo, hi = self.range(item["range"], join(where, "range"), in_range)
        distribution = t.distribution or "uniform"
        self.distribution(t, item, where, distribution, lo, hi)
        return Factor(
            column,
            kind,
            None,
            lo,
            hi,
            distribution,
            t.peak,
            t.mean,
            t.sd,
            integer,
            label,
            key=name,
            where=selection,
        )

    def factorial_levels(
        self,
        item: dict[str, Any],
        where: str,
        design: Design,
        in_range: InRange,
        integer: bool,
        span: str,
        raw: str,
    ) -> tuple[float, ...]:
        """A numeric factor's levels in a factorial design: given, or spread over its range."""
        ck = self.ck
        if "levels" in item:
            levels = self.levels(item["levels"], join(where, "levels"), in_range)
        elif "range" in item:
            lo, hi = self.range(item["range"], join(where, "range"), in_range)
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
                    item["range"],
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
            if key in item:
                ck.fail_field(
                    join(where, key),
                    item[key],
                    "has no meaning in a factorial design",
                    "levels = [...] (or range with design.levels)",
                )
        return levels

    def distribution(
        self,
        t: schema.Factor,
        item: dict[str, Any],
        where: str,
        distribution: str,
        lo: float,
        hi: float,
    ) -> None:
        """The keys ``distribution`` needs (and no others), inside the range."""
        ck = self.ck
        needs = DISTRIBUTION_KEYS.get(distribution, ())
        for key in ("peak", "mean", "sd"):
            stated = getattr(t, key) is not None
            if stated and key not in needs:
                ck.fail_field(
                    join(where, key),
                    item[key],
                    f"has no meaning for distribution = '{distribution}'",
                    _distribution_text(),
                )
            if key in needs and not stated:
                ck.fail_field(
                    join(where, key),
                    MISSING,
                    f"distribution = '{distribution}' needs it",
                    _distribution_text(),
                )
        if t.peak is not None and not lo <= t.peak < hi:
            ck.fail_field(
                join(where, "peak"),
                item["peak"],
                "lies outside the range",
                f"a number from {_num(lo)} up to (not including) {_num(hi)}",
            )
        if t.mean is not None and not lo <= t.mean <= hi:
            ck.fail_field(
                join(where, "mean"),
                item["mean"],
                "lies outside the range",
                f"a number from {_num(lo)} to {_num(hi)}",
            )
        if t.sd is not None and t.sd <= 0:
            ck.fail_field(
                join(where, "sd"), item["sd"], "is not positive", "a standard deviation > 0"
            )
        if distribution == "loguniform" and lo <= 0:
            ck.fail_field(
                join(where, "range"),
                item["range"],
                "starts at or below 0, which a log-uniform distribution cannot",
                "a range with low > 0, or distribution = 'uniform'",
            )

    def where(
        self,
        text: str,
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
                text,
                f"has no meaning for {what} '{name}': only the secretary's levers can be set for "
                "a selection of municipalities",
                f"where only on {', '.join(SECRETARY_LEVERS)}; leave where out to vary '{name}' "
                "for all municipalities",
            )
        try:
            selector = parse_where(text)
        except LeverError as exc:
            ck.fail_field(field_name, text, f"cannot be used: {exc.problem}", exc.allowed)
        from govsim.model.governance_model import select_municipalities

        chosen = select_municipalities(list(municipalities) if municipalities else None)
        if not selector.mask(chosen).any():
            ck.fail_field(
                field_name,
                text,
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
            ck.fail_field(field_name, value, f"is {a_type(value)}, not an array", allowed_levels)
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

    def levels(self, value: Any, where: str, in_range: InRange) -> tuple[float, ...]:
        """A numeric factor's ``levels``: an array of different allowed values."""
        ck = self.ck
        if not isinstance(value, list):
            ck.fail_field(
                where,
                value,
                f"is {a_type(value)}, not an array",
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

    def range(self, value: Any, where: str, in_range: InRange) -> tuple[float, float]:
        """A numeric factor's ``range``: two allowed values ``[low, high]`` with low < high."""
        ck = self.ck
        if not isinstance(value, list) or len(value) != 2:
            what = f"an array of {len(value)}" if isinstance(value, list) else a_type(value)
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

    def finite_number(self, value: Any, field: str, allowed: str) -> float:
        """Any finite number (bounds are checked by the caller)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.ck.fail_field(field, value, f"is {a_type(value)}, not a number", allowed)
        if not math.isfinite(float(value)):
            self.ck.fail_field(field, value, "is not a finite number", allowed)
        return float(value)


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


def _distribution_text() -> str:
    return (
        "distribution = 'uniform' (default), 'triangular' with peak, 'normal' with mean and sd "
        "(truncated to the range) or 'loguniform' (range above 0)"
    )

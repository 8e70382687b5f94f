"""The secretary's choices per municipality: ``[[strategy]]`` rules resolved to arrays.

A scenario (or a model built in code) states the secretary's choices as an ordered list of
rules, each a ``where`` selection and values for some of the levers declared in
`model.parameters` (`LEVERS`: the choices role, stance and the strategy per domain; the numeric
levers of the seven lessons, report §5.5, and the DSO lobby, §4.3)::

    [[strategy]]
    where = "size_class <20k"    # or: "all", "province Utrecht", "region Twente", "GM0344", "Borne"
    role = "changer"
    coach_college = 0.7

Later rules win where they overlap. What no rule sets keeps its national value: a numeric
lever's parameter value (default 0: as the typical secretary of 2017 did), a choice's default
('drawn' role and stance, 'chosen' strategy). The model only reads the resolved `LeverArrays`.

A rule may say from which month it applies (``start = 2019-01-01``; without it, from the
start of the run). The secretary's choices are choices made during the transition, not only
before it (report §5.5: the lessons are what secretaries can still do; §1.8: a secretary takes
up a role), so a workshop can ask "what if we coach the college from now on?": the model
resolves the rules again in the month a dated rule starts (`active_rules`), and a role or
stance a starting rule sets is taken up by the secretary then serving
(`agents.secretary.SecretaryArrays.take_up`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govsim.model.calendar import CalendarError, MonthCalendar, parse_date
from govsim.model.municipalities import (
    SIZE_BOUNDS,
    SIZE_CLASSES,
    find_municipality,
    find_province,
    find_youth_region,
    load_municipalities,
)
from govsim.model.parameters import CHOICES, LEVERS, PARAMETERS, STRATEGIES, ParameterError

ROLE_NAMES: tuple[str, ...] = CHOICES["role"].values[1:]
"""The four roles in the order of `agents.secretary.ROLES` (a test keeps them equal)."""

SIZE_WORDS: dict[str, tuple[int, ...]] = {
    "<10k": (0,),
    "10k-20k": (1,),
    "20k-50k": (2,),
    "50k-100k": (3,),
    ">100k": (4,),
    **{name: (i,) for i, name in enumerate(SIZE_CLASSES)},
}
"""Size classes by the report's labels (appendix: <10k, 10-20k, 20-50k, 50-100k, >100k) and by
their code names; thresholds at the class bounds (``<20k``, ``>=50k``) select unions."""

WHERE_FORMS = (
    "'all'; 'province NAME' (e.g. 'province Utrecht'); 'size_class CLASS' with CLASS one of "
    "<10k, 10k-20k, 20k-50k, 50k-100k, >100k or a bound such as <20k, >=50k (bounds 10k, 20k, "
    "50k, 100k); 'region NAME' (a youth-care region, e.g. 'region Twente' or 'region JZ14'); "
    "or one municipality by CBS code ('GM0344') or name ('Borne', 'Den Haag')"
)
"""What a ``where`` may say (for messages)."""


class LeverError(ParameterError):
    """A ``[[strategy]]`` rule the model cannot use; the message says what is allowed.

    Attributes:
        problem: What is wrong (no trailing period).
        allowed: What is allowed instead (may be empty).
    """

    def __init__(self, problem: str, allowed: str = "") -> None:
        self.problem = problem
        self.allowed = allowed
        super().__init__(f"{problem}; allowed: {allowed}" if allowed else problem)


# ---------------------------------------------------------------------------- where
@dataclass(frozen=True)
class Selector:
    """A parsed ``where``: which municipalities a rule applies to.

    Attributes:
        text: The ``where`` as written.
        kind: ``all``, ``province``, ``size_class``, ``region`` or ``municipality``.
        values: Province names, size-class indices, region codes or the municipality's name.
    """

    text: str
    kind: str
    values: tuple[Any, ...] = ()

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Which rows of ``frame`` (a subset of `load_municipalities`) the rule applies to."""
        if self.kind == "all":
            return np.ones(len(frame), dtype=bool)
        column = {
            "province": "province",
            "size_class": "size_class",
            "region": "youth_region",
            "municipality": "name",
        }[self.kind]
        return frame[column].isin(self.values).to_numpy()


def _size_classes(spec: str) -> tuple[int, ...] | None:
    spec = spec.replace(" ", "").lower()
    if spec in SIZE_WORDS:
        return SIZE_WORDS[spec]
    bounds = [b // 1000 for b in SIZE_BOUNDS]
    match = re.fullmatch(r"(<=|<|>=|>)(\d+)k", spec)
    if match and int(match.group(2)) in bounds:
        bound = bounds.index(int(match.group(2))) + 1  # classes below the bound: 0 .. bound-1
        below = tuple(range(bound))
        return below if match.group(1).startswith("<") else tuple(range(bound, len(SIZE_CLASSES)))
    return None


def parse_where(text: object) -> Selector:
    """Parse a ``where`` (see `WHERE_FORMS`).

    Raises:
        LeverError: If it names no province, size class, region or municipality of 2017.
    """
    if not isinstance(text, str) or not text.strip():
        raise LeverError(f"where must be a text, got {text!r}", WHERE_FORMS)
    raw = " ".join(text.split())
    word, _, rest = raw.partition(" ")
    keyword = word.lower()
    if keyword == "all" and not rest:
        return Selector(raw, "all")
    if keyword == "province" and rest:
        province = find_province(rest)
        if province is None:
            known = ", ".join(sorted(load_municipalities()["province"].unique()))
            raise LeverError(
                f"'{rest}' is not a province", f"'province NAME' with NAME one of {known}"
            )
        return Selector(raw, "province", (province,))
    if keyword in ("size_class", "size") and rest:
        classes = _size_classes(rest)
        if classes is None:
            raise LeverError(
                f"'{rest}' is not a size class",
                "'size_class CLASS' with CLASS one of <10k, 10k-20k, 20k-50k, 50k-100k, >100k, "
                "or a bound <N or >=N with N one of 10k, 20k, 50k, 100k",
            )
        return Selector(raw, "size_class", classes)
    if keyword == "region" and rest:
        region = find_youth_region(rest)
        if region is None:
            raise LeverError(
                f"'{rest}' is not a youth-care region of 2017",
                "'region NAME' with the region's name (e.g. 'region Twente') or code JZ01-JZ42",
            )
        return Selector(raw, "region", (region,))
    name = find_municipality(raw)
    if name is None:
        raise LeverError(
            f"'{raw}' names no municipality of 2017 and is not a selection", WHERE_FORMS
        )
    return Selector(raw, "municipality", (name,))


# ---------------------------------------------------------------------------- rules
def check_lever(key: str, value: object) -> Any:
    """Return ``value`` for lever ``key`` if allowed, else raise `LeverError`."""
    if key in CHOICES:
        choice = CHOICES[key]
        if not isinstance(value, str) or value not in choice.values:
            raise LeverError(
                f"'{key}' = {value!r} is not allowed", "one of " + ", ".join(choice.values)
            )
        return value
    if key in PARAMETERS and PARAMETERS[key].lever:
        param = PARAMETERS[key]
        try:
            return param.check(value)
        except ParameterError:
            raise LeverError(
                f"'{key}' = {value!r} is not allowed",
                f"a number from {param.low:g} to {param.high:g} ({param.unit})",
            ) from None
    raise LeverError(f"unknown key '{key}'", "'where' and any of " + ", ".join(LEVERS))


@dataclass(frozen=True)
class StrategyRule:
    """One ``[[strategy]]`` rule: the choices ``values`` for the municipalities ``where``.

    Attributes:
        where: The selection as written (see `WHERE_FORMS`).
        values: Lever name -> value, checked.
        start: The first month the rule applies (the first day of that month); None: from the
            start of the run.
    """

    where: str
    values: Mapping[str, Any]
    start: dt.date | None = None

    def __post_init__(self) -> None:
        parse_where(self.where)
        for key, value in self.values.items():
            check_lever(key, value)
        if self.start is not None:
            try:
                first = parse_date(self.start).replace(day=1)
            except (CalendarError, TypeError):
                raise LeverError(
                    f"'start' = {self.start!r} is not a month", "a month such as 2019-01"
                ) from None
            object.__setattr__(self, "start", first)

    @property
    def selector(self) -> Selector:
        """The parsed ``where``."""
        return parse_where(self.where)

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any]) -> StrategyRule:
        """A rule from a mapping with ``where``, lever keys and an optional ``start``."""
        if "where" not in table:
            raise LeverError("a strategy rule needs 'where'", WHERE_FORMS)
        values = {k: v for k, v in table.items() if k not in ("where", "start")}
        if not values:
            raise LeverError(
                "a strategy rule sets no choice besides 'where'", "any of " + ", ".join(LEVERS)
            )
        return cls(str(table["where"]), values, table.get("start"))

    def to_mapping(self) -> dict[str, Any]:
        """The rule as a plain mapping (``where`` first, ``start`` as ISO text if set)."""
        start = {} if self.start is None else {"start": self.start.isoformat()}
        return {"where": self.where, **start, **self.values}

    def start_step(self, calendar: MonthCalendar) -> int:
        """The step from which the rule applies in ``calendar`` (1: from the start).

        Raises:
            LeverError: If ``start`` lies outside the simulated period.
        """
        if self.start is None:
            return 1
        step = calendar.step_of(self.start)
        if not 1 <= step <= calendar.n_steps:
            first, last = calendar.date_of(1), calendar.date_of(calendar.n_steps)
            raise LeverError(
                f"'start' = {self.start.isoformat()} lies outside the simulated period",
                f"a month from {first:%Y-%m} to {last:%Y-%m}",
            )
        return step


def as_rules(
    rules: Iterable[StrategyRule | Mapping[str, Any]] | StrategyRule | Mapping[str, Any] | None,
) -> tuple[StrategyRule, ...]:
    """Rules given as `StrategyRule` objects or mappings, as a tuple of `StrategyRule`.

    One rule alone (a mapping or a `StrategyRule`) is a list of one.

    Raises:
        LeverError: ``rules`` is neither a rule nor a list of rules, or a rule is unusable.
    """
    if rules is None:
        return ()
    if isinstance(rules, StrategyRule | Mapping):
        rules = [rules]
    if isinstance(rules, str | bytes) or not isinstance(rules, Iterable):
        raise LeverError(
            f"the secretary's choices must be a list of rules, got {type(rules).__name__} "
            f"{rules!r:.60}",
            "a list of mappings such as {'where': 'all', 'coach_college': 0.7}, or StrategyRule",
        )
    out = []
    for rule in rules:
        if not isinstance(rule, StrategyRule | Mapping):
            raise LeverError(
                f"a rule must be a mapping or a StrategyRule, got {type(rule).__name__} "
                f"{rule!r:.60}",
                "{'where': 'all', 'coach_college': 0.7}",
            )
        out.append(rule if isinstance(rule, StrategyRule) else StrategyRule.from_mapping(rule))
    return tuple(out)


class UnmatchedRuleWarning(UserWarning):
    """A rule whose ``where`` selects none of the municipalities simulated: it does nothing."""


def unmatched(rules: Iterable[StrategyRule], frame: pd.DataFrame) -> list[str]:
    """One sentence per rule of ``rules`` that selects no row of ``frame``, naming its ``where``.

    Such a rule is legal (a scenario's rule for a province, run on another province), but a
    rule meant for a place the run leaves out does nothing, silently; callers say so.
    """
    return [
        f"the rule for where = '{rule.where}' selects none of the {len(frame)} municipalities "
        "simulated, so it changes nothing"
        for rule in rules
        if not rule.selector.mask(frame).any()
    ]


def active_rules(
    rules: Sequence[StrategyRule], calendar: MonthCalendar, step: int
) -> tuple[StrategyRule, ...]:
    """The rules that apply in ``step`` (undated ones and those started by then), in order."""
    return tuple(r for r in rules if r.start_step(calendar) <= step)


# ---------------------------------------------------------------------------- arrays
NUMERIC_LEVERS: tuple[str, ...] = tuple(p.name for p in PARAMETERS.values() if p.lever)


@dataclass
class LeverArrays:
    """The secretary's choices per municipality, resolved from the rules.

    Attributes:
        values: Numeric lever name -> (M,) value in [0, 1].
        role: (M,) role index into `ROLE_NAMES`, or -1 where it is drawn.
        regisseur: (M,) 1 regisseur, 0 coach, -1 where the stance is drawn.
        strategy: (M, 2) fixed strategy index into `STRATEGIES` per domain, -1 where the
            municipality chooses.
    """

    values: dict[str, np.ndarray]
    role: np.ndarray
    regisseur: np.ndarray
    strategy: np.ndarray

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]

    @classmethod
    def resolve(
        cls,
        rules: Sequence[StrategyRule],
        frame: pd.DataFrame,
        params: Mapping[str, float],
    ) -> LeverArrays:
        """Apply ``rules`` in order to the municipalities of ``frame``; national values first."""
        n = len(frame)
        values = {name: np.full(n, float(params[name])) for name in NUMERIC_LEVERS}
        role = np.full(n, -1, dtype=np.int8)
        regisseur = np.full(n, -1, dtype=np.int8)
        strategy = np.full((n, 2), -1, dtype=np.int8)
        for rule in rules:
            rows = rule.selector.mask(frame)
            for key, value in rule.values.items():
                if key in values:
                    values[key][rows] = float(value)
                elif key == "role":
                    role[rows] = -1 if value == "drawn" else ROLE_NAMES.index(value)
                elif key == "stance":
                    regisseur[rows] = {"drawn": -1, "regisseur": 1, "coach": 0}[value]
                else:
                    d = 0 if key == "social_strategy" else 1
                    strategy[rows, d] = -1 if value == "chosen" else STRATEGIES.index(value)
        return cls(values, role, regisseur, strategy)

"""Validation helpers for scenario files: typed reads with one-paragraph errors.

Every check raises `ScenarioError` with a message of one paragraph (no line breaks) that names
the file, the field as a dotted path (``physical.postponements[1].new_entry``; array indices
count from 0), the value found and what is allowed. `Checker` carries the file's name so that the
helpers can say where the mistake is; the helpers never write anything.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from govsim.model.calendar import MonthCalendar
from govsim.scenarios.scenario import ScenarioError

SIMULATED = MonthCalendar()
"""The simulated period (Jan 2013 - Dec 2029) against which event dates are checked."""
PERIOD_START: dt.date = SIMULATED.start
PERIOD_END: dt.date = dt.date(
    SIMULATED.end.year,
    SIMULATED.end.month,
    _calendar.monthrange(SIMULATED.end.year, SIMULATED.end.month)[1],
)
PLAUSIBLE_START = dt.date(2000, 1, 1)
PLAUSIBLE_END = dt.date(2060, 12, 31)
"""Dates that may lie outside the simulated period (entry, completion, DSO) must still lie here:
catches typos such as 2201-01-01."""

DOMAIN_NAMES: tuple[str, ...] = ("social", "physical")
STANCES: tuple[str, ...] = ("steer", "let_go")
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")

MISSING = object()
"""Marker for an absent key."""


def one_line(text: str) -> str:
    """Collapse all whitespace (including line breaks) to single spaces."""
    return " ".join(str(text).split())


def show(value: Any, limit: int = 80) -> str:
    """A short one-line rendering of a value found in a file."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dt.datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, Mapping):
        text = "a table {" + ", ".join(str(k) for k in value) + "}"
    elif isinstance(value, list):
        text = repr(value)
    else:
        text = repr(value)
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def type_name(value: Any) -> str:
    """The TOML name of a value's type, for messages."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.datetime):
        return "date-time"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, dt.time):
        return "time"
    if isinstance(value, Mapping):
        return "table"
    if isinstance(value, list):
        return "array"
    return type(value).__name__


def join(path: str, key: str | int) -> str:
    """Dotted field path: ``join("physical", "entry")`` -> ``"physical.entry"``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def quoted(items: Iterable[Any]) -> str:
    """``a, b, c`` as ``'a', 'b', 'c'``."""
    return ", ".join(f"'{i}'" for i in items)


class Checker:
    """Typed reads of one file's data; every failure is an ``error`` naming the file.

    Scenario files use it as it is; other TOML inputs (experiment specs) subclass it with their
    own ``kind`` and ``error``.

    Args:
        label: How the file is named in messages (its path).
    """

    kind: str = "Scenario file"
    error: type[ValueError] = ScenarioError

    def __init__(self, label: str) -> None:
        self.label = label

    # ------------------------------------------------------------------ failures
    def message(self, problem: str, allowed: str = "") -> str:
        """One paragraph: file, problem, what is allowed."""
        text = f"{self.kind} '{self.label}': {problem}"
        text = text.rstrip(". ") + "."
        if allowed:
            text += f" Allowed: {allowed.rstrip('. ')}."
        return one_line(text)

    def fail(self, problem: str, allowed: str = "") -> NoReturn:
        """Raise ``error`` with a problem that is not tied to one field."""
        raise self.error(self.message(problem, allowed))

    def fail_field(self, field: str, value: Any, problem: str, allowed: str = "") -> NoReturn:
        """Raise ``error`` for ``field`` holding ``value`` (`MISSING`: absent)."""
        if value is MISSING:
            head = f"required field '{field}' is missing"
            problem = f"{head}; {problem}" if problem else head
        else:
            problem = f"field '{field}' = {show(value)} {problem}"
        raise self.error(self.message(problem, allowed))

    # ------------------------------------------------------------------ structure
    def table(
        self,
        value: Any,
        field: str,
        allowed: Iterable[str],
        required: Iterable[str] = (),
        what: str = "",
    ) -> dict[str, Any]:
        """Check that ``value`` is a table with only ``allowed`` keys and all ``required`` ones."""
        allowed = tuple(allowed)
        if not field:
            where = "the top level"
        elif field.endswith("]"):
            where = f"[[{field.rsplit('[', 1)[0]}]]"
        else:
            where = f"[{field}]"
        if not isinstance(value, Mapping):
            self.fail_field(
                field,
                value,
                f"is a {type_name(value)} but must be a table{what}",
                f"a table {where} with keys {quoted(allowed)}",
            )
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), list(allowed), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else " (check the spelling)"
                self.fail_field(
                    join(field, key),
                    value[key],
                    f"is not a known key{hint}",
                    f"keys in {where}: {quoted(allowed)}",
                )
        for key in required:
            if key not in value:
                self.fail_field(
                    join(field, key),
                    MISSING,
                    "",
                    f"{where} needs {quoted(required)}; optional: "
                    f"{quoted(k for k in allowed if k not in tuple(required)) or 'none'}",
                )
        return dict(value)

    def array_of_tables(self, value: Any, field: str, header: str) -> list[Any]:
        """Check that ``value`` is an array (``[[header]]`` entries or ``header = []``)."""
        if not isinstance(value, list):
            self.fail_field(
                field,
                value,
                f"is a {type_name(value)} but must be an array of tables",
                f"one [[{header}]] table per entry, or {field.rsplit('.', 1)[-1]} = [] for none",
            )
        return list(value)

    # ------------------------------------------------------------------ scalars
    def string(self, value: Any, field: str, allowed: str = "a non-empty text") -> str:
        """A non-empty string."""
        if not isinstance(value, str):
            self.fail_field(field, value, f"is a {type_name(value)}, not a text", allowed)
        if not value.strip():
            self.fail_field(field, value, "is empty", allowed)
        return value.strip()

    def name(self, value: Any, field: str = "name") -> str:
        """A scenario name: lower-case letters, digits, '_' and '-'."""
        allowed = (
            "lower-case letters, digits, '_' and '-', starting with a letter or digit, "
            "at most 64 characters, e.g. 'dso_delay'"
        )
        text = self.string(value, field, allowed)
        if not NAME_PATTERN.match(text):
            self.fail_field(field, value, "is not a valid scenario name", allowed)
        return text

    def boolean(self, value: Any, field: str) -> bool:
        """A TOML boolean."""
        if not isinstance(value, bool):
            self.fail_field(
                field, value, f"is a {type_name(value)}, not a boolean", "true or false"
            )
        return value

    def number(self, value: Any, field: str, low: float, high: float, unit: str = "") -> float:
        """A number (integer or float, not boolean) in [low, high]."""
        allowed = f"a number from {low} to {high}" + (f" ({unit})" if unit else "")
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail_field(field, value, f"is a {type_name(value)}, not a number", allowed)
        number = float(value)
        if math.isnan(number) or not low <= number <= high:
            self.fail_field(field, value, "is out of range", allowed)
        return number

    def integer(self, value: Any, field: str, low: int, high: int, unit: str = "") -> int:
        """A whole number (TOML integer) in [low, high]."""
        allowed = f"a whole number from {low} to {high}" + (f" ({unit})" if unit else "")
        if isinstance(value, bool) or not isinstance(value, int):
            kind = "a number with a fraction" if isinstance(value, float) else type_name(value)
            self.fail_field(field, value, f"is {kind}, not a whole number", allowed)
        if not low <= value <= high:
            self.fail_field(field, value, "is out of range", allowed)
        return int(value)

    def choice(self, value: Any, field: str, options: Iterable[str], what: str) -> str:
        """One of ``options`` (a string)."""
        options = tuple(options)
        allowed = f"one of {quoted(options)}"
        if not isinstance(value, str):
            self.fail_field(field, value, f"is a {type_name(value)}, not a {what}", allowed)
        if value not in options:
            close = difflib.get_close_matches(value, list(options), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.fail_field(field, value, f"is not a known {what}{hint}", allowed)
        return value

    def date(
        self,
        value: Any,
        field: str,
        *,
        low: dt.date = PLAUSIBLE_START,
        high: dt.date = PLAUSIBLE_END,
        why: str = "",
    ) -> dt.date:
        """An ISO date (TOML date or ``"YYYY-MM-DD"`` string) in [low, high]."""
        allowed = (
            f"a date YYYY-MM-DD (TOML date or quoted text) from {low.isoformat()} to "
            f"{high.isoformat()}{why}"
        )
        if isinstance(value, dt.datetime):
            self.fail_field(field, value, "has a time of day", allowed)
        if isinstance(value, dt.date):
            date = value
        elif isinstance(value, str):
            match = _ISO_DATE.match(value.strip())
            if not match:
                self.fail_field(field, value, "is not a date in the form YYYY-MM-DD", allowed)
            year, month, day = (int(g) for g in match.groups())
            if year < 1:
                self.fail_field(field, value, "is not a real date: there is no year 0", allowed)
            if not 1 <= month <= 12:
                self.fail_field(
                    field, value, f"is not a real date: there is no month {month}", allowed
                )
            last = _calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                self.fail_field(
                    field,
                    value,
                    f"is not a real date: {_calendar.month_name[month]} {year} has {last} days",
                    allowed,
                )
            date = dt.date(year, month, day)
        else:
            self.fail_field(field, value, f"is a {type_name(value)}, not a date", allowed)
        if not low <= date <= high:
            self.fail_field(field, value, "lies outside the allowed period", allowed)
        return date

    def event_date(self, value: Any, field: str) -> dt.date:
        """A date on which something happens in the run: inside the simulated period."""
        return self.date(
            value,
            field,
            low=PERIOD_START,
            high=PERIOD_END,
            why=" (the simulated period: events outside it would never happen in a run)",
        )


# ---------------------------------------------------------------------------- TOML syntax
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY_VALUE = re.compile(r"^\s*([A-Za-z0-9_.\-\"' ]+?)\s*=\s*(.*?)\s*$")
_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def field_at_line(text: str, line: int) -> tuple[str, str] | None:
    """Best-effort (field path, raw value) of a ``key = value`` on 1-based ``line`` of ``text``."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    table = ""
    counts: dict[str, int] = {}
    for raw in lines[: line - 1]:
        header = _HEADER.match(raw)
        if header:
            name = header.group(2).replace(" ", "")
            if header.group(1) == "[[":
                counts[name] = counts.get(name, -1) + 1
                table = f"{name}[{counts[name]}]"
            else:
                table = name
    match = _KEY_VALUE.match(lines[line - 1])
    if not match or lines[line - 1].lstrip().startswith(("#", "[")):
        return None
    key = match.group(1).strip().strip("\"'")
    value = match.group(2).split(" #", 1)[0].strip()
    return join(table, key), value


def syntax_error_message(checker: Checker, text: str, error: Exception) -> str:
    """One paragraph for a `tomllib.TOMLDecodeError`, with line, field and value where known."""
    raw = one_line(str(error))
    position = _POSITION.search(raw)
    reason = _POSITION.sub("", raw).rstrip(".")
    if "at end of document" in reason:
        reason = reason.replace("(at end of document)", "").strip()
        where = "at the end of the file"
        line = None
    elif position:
        line, column = int(position.group(1)), int(position.group(2))
        where = f"at line {line}, column {column}"
    else:
        where, line = "", None
    found = field_at_line(text, line) if line else None
    context = ""
    if line is not None:
        source = one_line(text.splitlines()[line - 1]) if line <= len(text.splitlines()) else ""
        context = f" (the line reads: {show(source, 100)})" if source else ""
    looks_like_date = bool(found and re.match(r"^\d{4}-\d{1,2}-\d{1,2}\b", found[1]))
    if reason.startswith("Invalid date or datetime") or looks_like_date:
        allowed = "a real calendar date YYYY-MM-DD, e.g. 2021-01-01 (no time of day)"
        if found:
            return checker.message(
                f"TOML error {where}: field '{found[0]}' = {found[1]} is not a real date",
                allowed,
            )
    else:
        allowed = (
            "valid TOML (docs/scenarios.md): key = value on one line, text in double quotes, "
            "dates as YYYY-MM-DD, tables as [name], repeated entries as [[name]], "
            "each key once per table"
        )
    field = f" in field '{found[0]}'" if found else ""
    return checker.message(f"TOML syntax error {where}{field}: {reason}{context}", allowed)

"""Reading TOML inputs and wording their mistakes: one-paragraph errors.

Every mistake raises `ScenarioError` (or an experiment spec's `SpecError`) with a message of one
paragraph (no line breaks) that names the file, the field as a dotted path
(``physical.postponements[1].new_entry``; array indices count from 0), the value found and what
is allowed. `Checker` carries the file's name so that messages can say where the mistake is;
`parse_toml` refuses what a TOML reader cannot take, `syntax_error_message` words a syntax error.
The types and ranges of the fields are declared in `scenarios.file_schema` and
`experiments.spec_schema`; `scenarios.file_errors` words their mistakes with these helpers.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import math
import re
import sys
import tomllib
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


def article(noun: str) -> str:
    """``noun`` with its indefinite article: ``an integer``, ``a string``."""
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def a_type(value: Any) -> str:
    """The TOML name of a value's type with its article, for messages (``an array``)."""
    return article(type_name(value))


def join(path: str, key: str | int) -> str:
    """Dotted field path: ``join("physical", "entry")`` -> ``"physical.entry"``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def quoted(items: Iterable[Any]) -> str:
    """``a, b, c`` as ``'a', 'b', 'c'``."""
    return ", ".join(f"'{i}'" for i in items)


class Checker:
    """Messages about one file; every failure is an ``error`` naming the file.

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


# ---------------------------------------------------------------------------- TOML reading
MAX_NESTING = 32
"""Deepest nesting of arrays and tables a file may have (a scenario file or spec needs 4)."""
TOML_INTEGERS = (-(2**63), 2**63 - 1)
"""The integers TOML allows (64-bit); a longer one is refused before any field sees it."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LONG_NUMBER = re.compile(r"[0-9][0-9_]{40,}")


def quotes_lines(label: str) -> bool:
    """Whether messages about the file ``label`` may quote its lines and keys.

    Only a ``.toml`` file (or text given as such, ``<text>``) is quoted: a message about any
    other file a scenario names (``extends = "/proc/self/environ"``) says what is wrong without
    showing its contents.
    """
    return label.lower().endswith(".toml") or label == "<text>"


def bare_reason(reason: str) -> str:
    """A tomllib error reason without the keys or characters it quotes from the file."""
    reason = re.sub(r" \(.*\)( twice)?$", r" a key\1", reason)
    return re.sub(r"(character|key) ('.*'|\".*\")$", r"\1", reason)


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def parse_toml(text: str, checker: Checker) -> dict[str, Any]:
    """``tomllib.loads(text)``, refusing what tomllib or the checks after it cannot take.

    Refused with one paragraph of ``checker``'s error that never quotes the text: control
    characters (a binary file or, e.g., ``/proc/self/environ``), arrays or tables nested deeper
    than `MAX_NESTING` (tomllib's recursion would fail), and integers outside `TOML_INTEGERS`
    (a 5,000-digit one exceeds Python's int-string conversion limit, a 400-digit one every
    field's range and ``float()``).

    Raises:
        tomllib.TOMLDecodeError: For a syntax error (the caller words it, with the line).
    """
    control = _CONTROL.search(text)
    if control:
        line, column = _line_column(text, control.start())
        checker.fail(
            f"is not a TOML text file: it holds the control character "
            f"U+{ord(control.group()):04X} at line {line}, column {column}",
            "a UTF-8 text file of TOML (tabs and line breaks are its only control characters)",
        )
    try:
        data = tomllib.loads(text)
    except RecursionError:
        checker.fail(
            "is nested too deeply: its arrays or inline tables lie inside each other more "
            "levels deep than a TOML reader follows",
            _nesting_allowed(),
        )
    except tomllib.TOMLDecodeError:
        raise
    except ValueError as exc:  # Python's int-string conversion limit (4300 digits)
        _fail_long_number(text, checker)
        checker.fail(f"cannot be read as TOML ({one_line(exc)[:120]})", "a valid TOML file")
    _check_nesting_and_integers(data, checker)
    return data


def _nesting_allowed() -> str:
    return (
        f"arrays and tables nested at most {MAX_NESTING} levels deep (a scenario file or "
        "experiment spec needs 4)"
    )


def _integers_allowed() -> str:
    low, high = TOML_INTEGERS
    return (
        f"whole numbers from {low} to {high} (TOML's 64-bit integers; each field states its "
        "own, smaller range)"
    )


def _fail_long_number(text: str, checker: Checker) -> None:
    """Fail for the first number of more than Python's limit of digits in ``text``."""
    limit = sys.get_int_max_str_digits() or 4300
    for match in _LONG_NUMBER.finditer(text):
        digits = len(match.group().replace("_", ""))
        if digits > limit:
            line, _ = _line_column(text, match.start())
            found = field_at_line(text, line) if quotes_lines(checker.label) else None
            where = f" in field '{found[0]}'" if found else ""
            checker.fail(
                f"holds a whole number of {digits:,} digits at line {line}{where}",
                _integers_allowed(),
            )


def _digits(value: int) -> str:
    """How many digits ``value`` has, without converting a huge one to text."""
    bits = abs(value).bit_length()
    if bits < 14_000:  # below Python's limit of 4300 digits
        return f"{len(str(abs(value))):,} digits"
    return f"about {int(bits * math.log10(2)) + 1:,} digits"


def _check_nesting_and_integers(data: Mapping[str, Any], checker: Checker) -> None:
    """Fail for nesting deeper than `MAX_NESTING` or an integer outside `TOML_INTEGERS`."""
    low, high = TOML_INTEGERS
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:  # iterative: a dotted table header can nest 50,000 deep without recursion
        field, value, depth = stack.pop()
        if depth > MAX_NESTING:
            top = field.split(".", 1)[0].split("[", 1)[0]
            checker.fail(
                f"is nested too deeply: field '{top}' holds arrays or tables more than "
                f"{MAX_NESTING} levels deep",
                _nesting_allowed(),
            )
        if isinstance(value, Mapping):
            stack.extend((join(field, str(k)), v, depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((join(field, i), v, depth + 1) for i, v in enumerate(value))
        elif isinstance(value, int) and not isinstance(value, bool) and not low <= value <= high:
            checker.fail(
                f"field '{field}' holds a whole number of {_digits(value)}, outside TOML's range",
                _integers_allowed(),
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
    quote = quotes_lines(checker.label)
    reason = reason if quote else bare_reason(reason)
    found = field_at_line(text, line) if line and quote else None
    context = ""
    if line is not None and quote:
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

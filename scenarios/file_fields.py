"""Field types of the declarative file schemas (scenario files, experiment specs).

Each helper returns an ``Annotated`` pydantic type that declares a field's type and range (they
end up in the exported JSON Schema, with the description) and carries a `Wording`: how a
message about a wrong value of that field words what is allowed. `scenarios.file_errors` reads
the wording when it turns a `pydantic.ValidationError` into one paragraph. A rule that a type
and range cannot say (one key excludes another, a date before another) is a model validator
raising `invalid`.

Sources: pydantic v2 `Annotated` field metadata and custom errors
(https://docs.pydantic.dev/latest/concepts/validators/,
https://docs.pydantic.dev/latest/errors/errors/#custom-errors).
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from govsim.scenarios.schema import PLAUSIBLE_END, PLAUSIBLE_START, quoted

RULE = "file_rule"
"""The pydantic error type of `invalid`: a rule with its own problem and allowed text."""
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Wording:
    """How messages about one field say what is wrong and what is allowed.

    Attributes:
        kind: What the field holds, named in a wrong-type message (``"is a string, not a
            number"``): ``text``, ``number``, ``whole number``, ``boolean``, ``date``, ``choice``,
            ``table``, ``array``, ``tables`` (an array of tables) or ``month``.
        allowed: The message's ``Allowed:`` text, or a function of the table that holds the field
            (as written in the file) giving it: for what is only known when the message is
            written (the shipped scenarios) or depends on the table's other keys.
        problem: A problem that replaces the worked-out one for every wrong value of the field.
        out_of_range: The problem of a value outside the field's range.
        invalid: The problem of a text that does not match the field's pattern.
        invalid_allowed: What is allowed instead of such a text (default: ``allowed``).
        empty: What is allowed instead of an empty array (default: ``allowed``).
        what: For a choice, what it is (``"domain"``); for a table, how its keys are described.
    """

    kind: str = ""
    allowed: str | Callable[[Mapping[str, Any]], str] = ""
    problem: str = ""
    out_of_range: str = "is out of range"
    invalid: str = ""
    invalid_allowed: str = ""
    empty: str = ""
    what: str = ""

    def allowed_text(self, table: Mapping[str, Any] | None = None) -> str:
        """The ``Allowed:`` text; ``table``: the table holding the field, as written."""
        return self.allowed(table or {}) if callable(self.allowed) else self.allowed


@dataclass(frozen=True)
class UnknownKey:
    """How a table words an unknown key, where it differs from the usual "is not a known key".

    Attributes:
        problem: E.g. ``"is not a model parameter"`` (a did-you-mean hint follows).
        allowed: The message's ``Allowed:`` text.
        candidates: At most this many close keys are suggested.
        cutoff: How close a key must be to be suggested (`difflib.get_close_matches`).
    """

    problem: str
    allowed: str
    candidates: int = 3
    cutoff: float = 0.6


NOT_GIVEN = object()
"""Marker of `invalid`'s ``value``: show what pydantic was given."""


class Table(BaseModel):
    """A TOML table of a file: no keys besides the declared ones, values as written (strict).

    Texts are stripped of surrounding white space; a subclass may set `unknown_key`.
    """

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)
    unknown_key: ClassVar[UnknownKey | None] = None


def invalid(
    problem: str, allowed: str = "", *, at: tuple[str | int, ...] = (), value: Any = NOT_GIVEN
) -> PydanticCustomError:
    """A broken rule, for a validator to raise; ``at`` and ``value`` name the field inside it.

    Args:
        problem: What is wrong, e.g. ``"cannot be combined with dso.start"``.
        allowed: What is allowed (default: the field's `Wording`).
        at: The field's path below the table the validator checks (``("announced",)``).
        value: The value to show (default: what pydantic was given there; `schema.MISSING`:
            the field is missing).
    """
    context = {"problem": problem, "allowed": allowed, "at": at, "value": value}
    return PydanticCustomError(RULE, "{problem}", context)


# ---------------------------------------------------------------------------- field types
def text(description: str, allowed: Any = "a non-empty text") -> Any:
    """A non-empty text (stripped of surrounding white space)."""
    return Annotated[str, Field(min_length=1, description=description), Wording("text", allowed)]


INDICATOR_TEXT = "an indicator of model.indicators (e.g. 'transformation_physical')"
"""What an indicator field allows (scenario expectations, experiment outcomes)."""


def _known_indicator(name: str) -> str:
    from govsim.model.indicators import BY_NAME

    if name not in BY_NAME:
        close = difflib.get_close_matches(name, list(BY_NAME), n=3, cutoff=0.6)
        hint = f" (did you mean {quoted(close)}?)" if close else ""
        raise invalid(
            f"is not a model indicator{hint}",
            INDICATOR_TEXT + "; the list is in docs/experiments.md",
        )
    return name


def _indicator_names(schema: dict[str, Any]) -> None:
    from govsim.model.indicators import BY_NAME

    schema["enum"] = list(BY_NAME)


def indicator(description: str, allowed: str = INDICATOR_TEXT) -> Any:
    """The name of a national indicator (`model.indicators`)."""
    return Annotated[
        text(description, allowed),
        AfterValidator(_known_indicator),
        Field(json_schema_extra=_indicator_names),
    ]


def pattern_text(
    description: str, pattern: str, allowed: str, problem: str, type_allowed: str = ""
) -> Any:
    """A non-empty text matching ``pattern``; ``problem`` says what a mismatch is.

    Args:
        description: For the JSON Schema.
        pattern: The regular expression the text must match.
        allowed: What a matching text is.
        problem: What a text that does not match is.
        type_allowed: What is allowed instead of a value that is no text (default: ``allowed``).
    """
    return Annotated[
        str,
        Field(min_length=1, pattern=pattern, description=description),
        Wording("text", type_allowed or allowed, invalid=problem, invalid_allowed=allowed),
    ]


def number(low: float, high: float, unit: str, description: str) -> Any:
    """A number (integer or float, not a boolean) from ``low`` to ``high``."""
    allowed = f"a number from {low} to {high}" + (f" ({unit})" if unit else "")
    return Annotated[
        float, Field(ge=low, le=high, description=description), Wording("number", allowed)
    ]


def whole(low: int, high: int, unit: str, description: str, allowed: Any = "") -> Any:
    """A whole number (a TOML integer) from ``low`` to ``high`` (``allowed``: other words)."""
    allowed = allowed or f"a whole number from {low} to {high}" + (f" ({unit})" if unit else "")
    return Annotated[
        int, Field(ge=low, le=high, description=description), Wording("whole number", allowed)
    ]


def finite(description: str, allowed: str) -> Any:
    """Any finite number (its bounds depend on other keys: a validator checks them)."""
    return Annotated[
        float, Field(allow_inf_nan=False, description=description), Wording("number", allowed)
    ]


def flag(description: str) -> Any:
    """A TOML boolean."""
    return Annotated[bool, Field(description=description), Wording("boolean", "true or false")]


def choice(options: tuple[str, ...], what: str, description: str) -> Any:
    """One of ``options`` (a text); ``what`` names it in messages (``"domain"``)."""
    allowed = f"one of {quoted(options)}"
    return Annotated[
        Literal[options],  # type: ignore[valid-type]
        Field(description=description),
        Wording("choice", allowed, what=what),
    ]


def _read_date(value: Any) -> Any:
    """A TOML date as it is, a ``"YYYY-MM-DD"`` text as a date; other values are left to fail."""
    if isinstance(value, dt.datetime):
        raise invalid("has a time of day")
    if not isinstance(value, str):
        return value
    match = _ISO_DATE.match(value.strip())
    if not match:
        raise invalid("is not a date in the form YYYY-MM-DD")
    year, month, day = (int(g) for g in match.groups())
    if year < 1:
        raise invalid("is not a real date: there is no year 0")
    if not 1 <= month <= 12:
        raise invalid(f"is not a real date: there is no month {month}")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise invalid(f"is not a real date: {calendar.month_name[month]} {year} has {last} days")
    return dt.date(year, month, day)


def date(
    description: str,
    *,
    low: dt.date = PLAUSIBLE_START,
    high: dt.date = PLAUSIBLE_END,
    why: str = "",
) -> Any:
    """An ISO date (TOML date or ``"YYYY-MM-DD"`` text) from ``low`` to ``high``."""
    allowed = (
        f"a date YYYY-MM-DD (TOML date or quoted text) from {low.isoformat()} to "
        f"{high.isoformat()}{why}"
    )
    return Annotated[
        dt.date,
        BeforeValidator(_read_date),
        Field(ge=low, le=high, description=description),
        Wording("date", allowed, out_of_range="lies outside the allowed period"),
    ]


# ---------------------------------------------------------------------------- JSON Schema
class FileJsonSchema(GenerateJsonSchema):
    """JSON Schema of a file format: optional keys are simply absent (TOML has no null)."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        """An optional value: the schema of the value itself."""
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        """A key with a default: the default is shown unless it is "absent" (None)."""
        json_schema = super().default_schema(schema)
        if json_schema.get("default", 0) is None:
            json_schema.pop("default")
        return json_schema


def json_schema(model: type[BaseModel], title: str, description: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a file format, with its title and ``$schema``."""
    out = _date_bounds(model.model_json_schema(schema_generator=FileJsonSchema))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": description,
        **{k: v for k, v in out.items() if k not in ("title", "description")},
    }


def _date_bounds(node: Any) -> Any:
    """``node`` with a date's bounds as ``formatMinimum``/``formatMaximum`` (not ``ge``/``le``)."""
    if isinstance(node, list):
        return [_date_bounds(v) for v in node]
    if not isinstance(node, dict):
        return node
    names = {"ge": "formatMinimum", "le": "formatMaximum"} if node.get("format") == "date" else {}
    return {names.get(k, k): _date_bounds(v) for k, v in node.items()}

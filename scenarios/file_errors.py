"""A `pydantic.ValidationError` of a file schema as today's one-paragraph message.

The message names the file, the field as a dotted path (``physical.postponements[1].new_entry``;
indices from 0), the value found (`scenarios.schema.show`), what is wrong and what is allowed,
with a did-you-mean hint for an unknown key or choice. Of several mistakes the first is reported,
in the order the hand-written checks had: table by table in the order of the format, and in a
table its unknown keys first, then its missing keys, then its values. The field's
`file_fields.Wording` supplies the words.

Source: the structure of pydantic's errors (type, loc, input, ctx),
https://docs.pydantic.dev/latest/errors/validation_errors/.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Mapping
from typing import Any, NoReturn

from pydantic import BaseModel, ValidationError

from govsim.scenarios.file_fields import NOT_GIVEN, RULE, Wording
from govsim.scenarios.schema import MISSING, Checker, a_type, article, join, quoted

Loc = tuple[str | int, ...]


def fail_validation(
    error: ValidationError, model: type[BaseModel], data: Mapping[str, Any], checker: Checker
) -> NoReturn:
    """Raise ``checker``'s error for the first mistake of ``error`` (``model`` given ``data``)."""
    details = error.errors(include_url=False)
    first = min(details, key=lambda d: _rank(tuple(d["loc"]), d["type"], model))
    field, value, problem, allowed = describe(first, model, data)
    checker.fail_field(field, value, problem, allowed)


def _rank(loc: Loc, kind: str, model: type[BaseModel]) -> tuple[int, ...]:
    """Where a mistake comes in the file's order: the index of each key in its table."""
    out = []
    for i, key in enumerate(loc):
        if i == len(loc) - 1 and kind in ("extra_forbidden", "missing"):
            out.append(-2 if kind == "extra_forbidden" else -1)
        elif isinstance(key, int):
            out.append(key)
        else:
            keys = _keys(resolve(model, loc[:i])[0])
            out.append(keys.index(key) if key in keys else len(keys))
    return tuple(out)


def describe(
    detail: Any, model: type[BaseModel], data: Mapping[str, Any]
) -> tuple[str, Any, str, str]:
    """(field path, value, problem, allowed) of one pydantic error of ``model`` given ``data``."""
    loc: Loc = tuple(detail["loc"])
    kind, value, ctx = detail["type"], detail["input"], detail.get("ctx") or {}
    if kind == "extra_forbidden":
        return _unknown_key(loc, value, model)
    if kind == "missing":
        return _missing(loc, model)
    table = path(loc)
    if kind == RULE and ctx.get("at"):
        loc = (*loc, *ctx["at"])
    if kind == RULE:
        value = (
            ctx["value"] if ctx.get("value", NOT_GIVEN) is not NOT_GIVEN else _written(data, loc)
        )
    node, wording = resolve(model, loc)
    field, holder = path(loc), _holder(data, loc)
    if wording.problem:
        return field, value, wording.problem, wording.allowed_text(holder)
    if kind == RULE:
        allowed = ctx.get("allowed") or wording.allowed_text(holder)
        return (
            field,
            value,
            ctx["problem"].replace("{table}", table),
            allowed.replace("{table}", table),
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        where = header(field)
        keys = quoted(_keys(node))
        allowed = wording.allowed_text(holder) or f"a table {where} with keys {keys}"
        return field, value, f"is {a_type(value)} but must be a table{wording.what}", allowed
    if kind in ("list_type", "tuple_type"):
        if wording.kind == "tables" or _is_model(_item(node)):
            default = f"one [[{field}]] table per entry, or {loc[-1]} = [] for none"
            problem = f"is {a_type(value)} but must be an array of tables"
            return field, value, problem, wording.allowed_text(holder) or default
        return field, value, f"is {a_type(value)}, not an array", wording.allowed_text(holder)
    allowed = wording.allowed_text(holder)
    if kind == "too_short" and wording.empty:
        allowed = wording.empty
    if kind == "string_pattern_mismatch" and wording.invalid_allowed:
        allowed = wording.invalid_allowed
    return field, value, _value_problem(kind, value, wording), allowed


def _value_problem(kind: str, value: Any, wording: Wording) -> str:
    """The problem of a wrong scalar (type, range, choice, pattern, emptiness)."""
    if kind == "literal_error":
        if not isinstance(value, str):
            return f"is {a_type(value)}, not {article(wording.what)}"
        options = [o.strip("'") for o in _literal_options(wording)]
        close = difflib.get_close_matches(value, options, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"is not a known {wording.what}{hint}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return wording.out_of_range
    if kind in ("string_too_short", "too_short"):
        return "is empty"
    if kind == "finite_number":
        return "is not a finite number"
    if kind == "string_pattern_mismatch":
        return wording.invalid
    if wording.kind == "whole number":
        found = "a number with a fraction" if isinstance(value, float) else a_type(value)
        return f"is {found}, not a whole number"
    noun = {"text": "text", "choice": wording.what}.get(wording.kind, wording.kind or "value")
    return f"is {a_type(value)}, not {article(noun)}"


def _literal_options(wording: Wording) -> list[str]:
    text = wording.allowed_text().removeprefix("one of ")
    return [o.strip() for o in text.split(",")]


def _unknown_key(loc: Loc, value: Any, model: type[BaseModel]) -> tuple[str, Any, str, str]:
    parent, _ = resolve(model, loc[:-1])
    keys = _keys(parent)
    key, field = str(loc[-1]), path(loc)
    custom = getattr(parent, "unknown_key", None)
    if custom is not None:
        close = difflib.get_close_matches(key, keys, n=custom.candidates, cutoff=custom.cutoff)
        hint = f" (did you mean {quoted(close)}?)" if close else ""
        return field, value, f"{custom.problem}{hint}", custom.allowed
    close = difflib.get_close_matches(key, keys, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else " (check the spelling)"
    where = header(path(loc[:-1]))
    return field, value, f"is not a known key{hint}", f"keys in {where}: {quoted(keys)}"


def _missing(loc: Loc, model: type[BaseModel]) -> tuple[str, Any, str, str]:
    parent, _ = resolve(model, loc[:-1])
    _, wording = resolve(model, loc)
    if wording.problem:
        return path(loc), MISSING, wording.problem, wording.allowed_text()
    keys = _keys(parent)
    required = [k for k in keys if _field(parent, k).is_required()]
    optional = quoted(k for k in keys if k not in required) or "none"
    where = header(path(loc[:-1]))
    return path(loc), MISSING, "", f"{where} needs {quoted(required)}; optional: {optional}"


# ---------------------------------------------------------------------------- the model's tree
def _written(data: Mapping[str, Any], loc: Loc) -> Any:
    """The value at ``loc`` as written in ``data`` (`MISSING` if there is none)."""
    node: Any = data
    for key in loc:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return MISSING
    return node


def _holder(data: Mapping[str, Any], loc: Loc) -> Mapping[str, Any]:
    """The innermost table of ``data`` that holds the field at ``loc`` (as written)."""
    holder, node = data, data
    for key in loc[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, Mapping):
            holder = node
    return holder


def path(loc: Loc) -> str:
    """Dotted field path of a pydantic location: ``("a", 0, "b")`` -> ``"a[0].b"``."""
    out = ""
    for key in loc:
        out = join(out, key)
    return out


def header(field: str) -> str:
    """How the table at ``field`` is written in TOML: ``[a]``, ``[[a.b]]`` or the top level."""
    if not field:
        return "the top level"
    if field.endswith("]"):
        return f"[[{field.rsplit('[', 1)[0]}]]"
    return f"[{field}]"


def resolve(model: type[BaseModel], loc: Loc) -> tuple[Any, Wording]:
    """The type at ``loc`` inside ``model`` and its `Wording` (an empty one if it has none)."""
    node: Any = model
    metadata: list[Any] = []
    for key in loc:
        node, _ = _unwrap(node, [])
        if isinstance(key, int):
            node, metadata = _item(node), []
        elif _is_model(node):
            field = _field(node, key)
            if field is None:
                return None, Wording()
            node, metadata = field.annotation, list(field.metadata)
        else:  # a mapping of names to values
            args = typing.get_args(node)
            node, metadata = (args[1] if len(args) == 2 else Any), []
    node, metadata = _unwrap(node, metadata)
    wording = next((m for m in metadata if isinstance(m, Wording)), Wording())
    return node, wording


def _unwrap(node: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    """``node`` without ``Annotated`` and ``| None``, with the metadata collected on the way."""
    while True:
        if typing.get_origin(node) is typing.Annotated:
            metadata = [*metadata, *node.__metadata__]
            node = typing.get_args(node)[0]
        elif typing.get_origin(node) in (typing.Union, types.UnionType):
            kept = [a for a in typing.get_args(node) if a is not type(None)]
            node = kept[0]
        else:
            return node, metadata


def _item(node: Any) -> Any:
    args = typing.get_args(node)
    return args[0] if args else Any


def _is_model(node: Any) -> bool:
    return isinstance(node, type) and issubclass(node, BaseModel)


def _keys(model: Any) -> list[str]:
    """The keys of the table ``model``, as written in a file (aliases)."""
    if not _is_model(model):
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _field(model: type[BaseModel], key: str | int) -> Any:
    for name, f in model.model_fields.items():
        if (f.alias or name) == key:
            return f
    return None

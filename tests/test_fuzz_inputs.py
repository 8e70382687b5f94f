"""Generated hostile inputs end in exit code 2, one paragraph and nothing written (issue 18).

Hypothesis builds three families of broken input, each at least 1,000 cases per run:

- scenario files: a shipped scenario made invalid on purpose (a wrong type, an out-of-range
  number, an unknown key, a bad date, a missing required key, a huge integer, deep nesting, a
  bad ``extends``, broken TOML syntax, control characters, bytes that are not UTF-8), given to
  ``govsim run``, ``govsim lessons --scenario`` or ``govsim app --scenario``;
- experiment specs: a shipped spec (made cheap: one province, a few months) made invalid the
  same way, given to ``govsim experiment run``;
- argument lists: a valid command of every subcommand with one value replaced by a hostile one
  (negative, huge or 400-digit numbers, empty or unknown text, months outside 2013-2029,
  missing or wrong paths, unknown flags, SQL that would write).

Every mutation is invalid by construction (the strategies never produce a value the command
accepts), so no case starts a simulation or a server. Each case runs `govsim.cli.main` in this
process, in a working folder shared by the family's cases, and must end with exit code 2, one
paragraph on stderr without a traceback, and no file created, changed or removed in that folder
(nor in the experiment folder a query or analysis reads). The cases found the defects tested at
the end of this file.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import json
import logging
import math
import re
import string
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_hostile_inputs import QUICK_RUN, SPEC

import govsim.experiments
import govsim.scenarios
from govsim.cli import build_parser, main
from govsim.model.indicators import BY_NAME
from govsim.model.levers import LeverError, parse_where
from govsim.model.parameters import CHOICES, LEVERS, PARAMETERS
from govsim.model.timeline import Timeline

SCENARIO_FILES = Path(govsim.scenarios.__file__).parent / "files"
SPEC_FILES = Path(govsim.experiments.__file__).parent / "specs"
SHIPPED = tuple(sorted(p.stem for p in SCENARIO_FILES.glob("*.toml")))
BROKEN = 'name = "broken"\n\x01\n'
"""A scenario file with a control character: refused by every reader."""
EXAMPLES = {"scenario": 1000, "spec": 1000, "cli": 1000}
"""Generated cases per family and run (each at least 1,000, as issue 18 asks)."""


# ---------------------------------------------------------------------------- running
def invoke(argv: list[str]) -> tuple[Any, str]:
    """Run ``govsim argv`` in this process; return (exit code, stderr)."""
    err, out = io.StringIO(), io.StringIO()
    logger = logging.getLogger("govsim")
    handlers = list(logger.handlers)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            try:
                code: Any = main(argv)
            except SystemExit as stop:  # argparse's usage errors
                code = stop.code
    finally:
        logger.handlers[:] = handlers  # a handler made here must not keep our StringIO
    return code, err.getvalue()


def listing(folder: Path) -> list[tuple[str, int, int]]:
    """Every path below ``folder`` with its size and modification time."""
    rows = []
    for path in folder.rglob("*"):
        info = path.lstat()
        rows.append((str(path.relative_to(folder)), info.st_size, info.st_mtime_ns))
    return sorted(rows)


USAGE_LAST = re.compile(r"^govsim( [a-z]+)*: error: \S")
MESSAGE = re.compile(r"^govsim [a-z]+( [a-z]+)?: \S")
WARNING = re.compile(r"^govsim [a-z ]+: (warning: |-j \d+ is more than the \d+ CPUs)")


def assert_one_paragraph(err: str) -> None:
    """stderr holds one error paragraph: argparse's usage error or one govsim line."""
    assert "Traceback" not in err, err
    text = err.strip()
    assert text and "\n\n" not in text, err
    lines = [line for line in text.splitlines() if not WARNING.match(line)]
    if lines[0].startswith("usage:"):
        assert USAGE_LAST.match(lines[-1]), err
        assert all(line.startswith(("usage:", " ")) for line in lines[:-1]), err
    else:
        assert len(lines) == 1 and MESSAGE.match(lines[0]), err


def assert_refused(argv: list[str], folders: list[Path]) -> None:
    """``govsim argv`` exits with 2, one paragraph, and leaves ``folders`` as they were."""
    before = [listing(folder) for folder in folders]
    code, err = invoke(argv)
    assert code == 2, f"exit code {code!r} for {argv!r}; stderr: {err[-3000:]}"
    assert_one_paragraph(err)
    assert [listing(folder) for folder in folders] == before, f"{argv!r} wrote files"


def working_folder(base: Path) -> Path:
    """The working folder of a family's cases, with the files a case may name.

    Every case leaves it as it was (that is what is checked), so the cases share it: a broken
    scenario, a folder named .toml, a valid spec, a file, an empty folder, a user's folder.
    """
    folder = Path(tempfile.mkdtemp(dir=base))
    (folder / "broken.toml").write_text(BROKEN)
    (folder / "adir.toml").mkdir()
    (folder / "adir").mkdir()
    (folder / "afile").write_text("mine\n")
    (folder / "user").mkdir()
    (folder / "user" / "notes.txt").write_text("mine\n")
    (folder / "spec.toml").write_text(SPEC)
    return folder


@pytest.fixture(autouse=True, scope="module")
def no_server() -> Iterator[None]:
    """`govsim app` must refuse every case before it starts a server.

    `govsim.cli.main` builds its parser once here rather than once per case (building it takes
    more time than most cases; parsing does not change it).
    """

    def refuse(*args: Any, **kwargs: Any) -> int:
        raise AssertionError(f"govsim app started a server: {args}")

    parser = build_parser()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("govsim.viz.cli.subprocess.call", refuse)
        patch.setattr("govsim.cli.build_parser", lambda: parser)
        yield


# ---------------------------------------------------------------------------- TOML writing
@dataclass(frozen=True)
class Raw:
    """TOML written as it is where a value belongs (a huge integer, deep nesting)."""

    text: str


BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL must be escaped too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_key(key: str) -> str:
    return key if BARE_KEY.match(key) else toml_string(key)


def toml_value(value: Any) -> str:
    """``value`` as an inline TOML value."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no TOML for {value!r}")


def toml_document(data: dict[str, Any]) -> str:
    """``data`` as a TOML file: top-level keys, then [tables], then [[arrays of tables]]."""
    lines, tables, arrays = [], [], []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append((key, value))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            arrays.append((key, value))
        else:
            lines.append(f"{toml_key(key)} = {toml_value(value)}")
    for key, table in tables:
        lines.append(f"[{toml_key(key)}]")
        lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in table.items()]
    for key, entries in arrays:
        for entry in entries:
            lines.append(f"[[{toml_key(key)}]]")
            lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in entry.items()]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- bad values
def _not_midnight(value: dt.datetime) -> bool:
    return value.time() != dt.time(0)


KINDS: dict[str, st.SearchStrategy[Any]] = {
    "bool": st.booleans(),
    "int": st.integers(-(2**63), 2**63 - 1),
    "float": st.floats(),
    "str": st.text(max_size=12),
    "date": st.dates(),
    "datetime": st.datetimes().filter(_not_midnight),
    "time": st.times(),
    "list": st.lists(st.integers(-3, 3) | st.text(max_size=4), max_size=3),
    "table": st.dictionaries(st.text(max_size=4), st.integers(-3, 3), max_size=3),
}
ANY_VALUE = st.one_of(*KINDS.values())
HUGE = st.integers(19, 400).map(lambda n: Raw("9" * n))
"""A whole number beyond TOML's 64-bit integers (9,999,999,999,999,999,999 and longer)."""
DEEP = st.integers(40, 200).map(lambda n: Raw("[" * n + "]" * n))
"""Arrays nested deeper than any reader allows (32)."""
UNIVERSAL = HUGE | DEEP
"""Refused wherever they stand, before any field is read."""
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTHISH = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
BLANK = st.text(alphabet=" \t\n\r\u3000\u2003", max_size=4)


def other_than(*kinds: str) -> st.SearchStrategy[Any]:
    """Values of every TOML type but ``kinds`` (and the always refused ones)."""
    return st.one_of(*(s for k, s in KINDS.items() if k not in kinds), UNIVERSAL)


def bad_int(low: int, high: int) -> st.SearchStrategy[Any]:
    outside = [st.integers(-(2**63), low - 1)]
    if high < 2**63 - 1:
        outside.append(st.integers(high + 1, 2**63 - 1))
    return st.one_of(other_than("int"), *outside)


def bad_number(low: float, high: float) -> st.SearchStrategy[Any]:
    return st.one_of(
        other_than("int", "float"),
        st.floats(max_value=low, exclude_max=True),
        st.floats(min_value=high, exclude_min=True),
        st.just(math.nan),
        st.integers(-(2**63), math.ceil(low) - 1),
        st.integers(math.floor(high) + 1, 2**63 - 1),
    )


def bad_choice(options: tuple[str, ...]) -> st.SearchStrategy[Any]:
    return other_than("str") | st.text(max_size=12).filter(lambda s: s.strip() not in options)


BAD_DATE = st.one_of(
    other_than("date", "str"),
    st.text(max_size=12).filter(lambda s: not ISO_DATE.match(s.strip())),
    st.builds(
        "{:04d}-{:02d}-{:02d}".format, st.integers(2000, 2060), st.integers(13, 99), st.just(1)
    ),
    st.dates(max_value=dt.date(1999, 12, 31)),
    st.dates(min_value=dt.date(2061, 1, 1)),
)
"""Never a date from 2000 to 2060 (every date field's range lies inside it)."""
BAD_MONTH = st.one_of(
    other_than("date", "str"),
    st.text(max_size=12).filter(lambda s: not MONTHISH.match(s.strip())),
    st.builds(
        "{:04d}-{:02d}".format, st.integers(1000, 2012) | st.integers(2030, 9999), st.just(6)
    ),
)
"""Never a month of the simulated period 2013-2029."""
BAD_TEXT = other_than("str") | BLANK
BAD_BOOL = other_than("bool")
BAD_NAME = other_than("str") | st.text(max_size=70).filter(lambda s: not NAME.fullmatch(s.strip()))


def _not_a_where(text: str) -> bool:
    try:
        parse_where(text)
    except LeverError:
        return True
    return False


BAD_WHERE = other_than("str") | BLANK | st.text(max_size=20).filter(_not_a_where)
NOT_SHIPPED = st.text(min_size=1, max_size=20).filter(
    lambda s: (
        bool(s.strip())
        and s.strip() not in SHIPPED
        and not s.strip().lower().endswith(".toml")
        and "/" not in s
        and "\\" not in s
    )
)
BAD_EXTENDS = st.one_of(
    other_than("str"),
    BLANK,
    NOT_SHIPPED,
    st.text(alphabet=string.ascii_letters, min_size=1, max_size=8).map(lambda s: f"dir/{s}.txt"),
    st.text(alphabet=string.ascii_letters, min_size=1, max_size=8).map(lambda s: f"no/{s}.toml"),
    st.sampled_from(["case.toml", "./case.toml", "broken.toml", "adir.toml"]),
)
"""Refused bases: no text, no shipped name, not a .toml file, missing, itself, broken."""
NUMERIC_LEVERS = tuple(name for name in LEVERS if name not in CHOICES)
ELECTIONS = Timeline().elections


# ---------------------------------------------------------------------------- mutations
FieldPath = tuple[str, ...]


@dataclass(frozen=True)
class Family:
    """How to break one kind of TOML file.

    Attributes:
        slots: (field path, refused value); ``"*"`` in a path is an entry of an array.
        tables: Path of each table -> the keys it allows (any other key is refused).
        required: Paths whose removal is refused.
        templates: Array name -> a valid entry (made when a file has none to break).
    """

    slots: st.SearchStrategy[tuple[FieldPath, Any]]
    tables: dict[FieldPath, frozenset[str]]
    required: tuple[FieldPath, ...]
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)


def slot(path: str, bad: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[FieldPath, Any]]:
    return st.tuples(st.just(tuple(path.split("."))), bad)


def locate(draw: Callable[..., Any], data: dict[str, Any], path: FieldPath, family: Family):
    """The table holding the last key of ``path`` (made where missing); None: not a table."""
    node: Any = data
    for depth, part in enumerate(path[:-1]):
        if part == "*":
            if not isinstance(node, list):
                return None
            entries = [e for e in node if isinstance(e, dict)]
            if entries and draw(st.booleans()):
                node = draw(st.sampled_from(entries))
            else:
                node.append(copy.deepcopy(family.templates[path[depth - 1]]))
                node = node[-1]
            continue
        if not isinstance(node, dict):
            return None
        if part not in node:
            node[part] = [] if path[depth + 1] == "*" else {}
        node = node[part]
    return node if isinstance(node, dict) else None


def break_data(draw: Callable[..., Any], data: dict[str, Any], family: Family) -> None:
    """Apply one to three refused changes to ``data`` (at least one always applies)."""
    applied = 0
    for kind in draw(
        st.lists(st.sampled_from(["value", "key", "missing"]), min_size=1, max_size=3)
    ):
        if kind == "value":
            path, value = draw(family.slots)
            table = locate(draw, data, path, family)
            if table is not None:
                table[path[-1]] = value
                applied += 1
        elif kind == "key":
            path = draw(st.sampled_from(sorted(family.tables)))
            allowed = family.tables[path]
            table = locate(draw, data, (*path, "?"), family)
            if table is not None:
                unknown = st.text(min_size=1, max_size=12).filter(lambda k, a=allowed: k not in a)
                key = draw(unknown)
                table[key] = draw(ANY_VALUE)
                applied += 1
        else:
            path = draw(st.sampled_from(family.required))
            table = locate(draw, data, path, family)
            if table is not None:
                table.pop(path[-1], None)
                applied += 1
    if not applied:
        data["no such key"] = 1


BROKEN_LINES = (
    "= 1",
    "key =",
    "[unclosed",
    "[[unclosed]",
    "[]",
    'x = "unterminated',
    "x = 'unterminated",
    "x = 2013-02-30",
    "x = 2013-13-01",
    "x = 1__0",
    "x = [1, 2",
    "x = {a = 1",
    "x = 0x",
    "x = tru",
    "x = 1 2",
    "x. = 1",
    'x = "\\q"',
    "x = 01",
    "x = 1e",
)
"""Lines that are a TOML syntax error wherever they stand outside a multi-line string."""
CONTROL = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]
NOT_UTF8 = (b"\xff", b"\xfe", b"\xc0\xaf", b"\xf5\x80\x80\x80")


@st.composite
def broken_text(draw: Callable[..., Any], text: str, lines_safe: bool) -> bytes:
    """``text`` with a refused change: a broken line, a control character or non-UTF-8 bytes.

    ``lines_safe``: every line boundary lies outside a multi-line string (a generated file);
    otherwise a broken line goes only before the first or after the last line.
    """
    how = draw(st.sampled_from(["line", "control", "bytes", "empty"]))
    if how == "line":
        lines = text.split("\n")
        at = (
            draw(st.integers(0, len(lines)))
            if lines_safe
            else draw(st.sampled_from([0, len(lines)]))
        )
        lines.insert(at, draw(st.sampled_from(BROKEN_LINES)))
        return ("\n".join(lines) + "\n").encode()
    if how == "control":
        at = draw(st.integers(0, len(text)))
        return (text[:at] + draw(st.sampled_from(CONTROL)) + text[at:]).encode()
    if how == "bytes":
        raw = text.encode()
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.sampled_from(NOT_UTF8)) + raw[at:]
    comments = st.lists(st.text(alphabet=string.ascii_letters + " ", max_size=20), max_size=3)
    body = draw(BLANK | comments.map(lambda cs: "".join(f"# {c}\n" for c in cs)))
    return body.encode()


@dataclass(frozen=True)
class Case:
    """One generated case: the file's bytes and the command that reads it."""

    data: bytes
    argv: list[str]
    how: str


def broken_file(
    draw: Callable[..., Any], bases: dict[str, str], family: Family
) -> tuple[bytes, str]:
    """A file from ``bases`` (name -> text) broken by data changes and/or text changes."""
    name = draw(st.sampled_from(sorted(bases)))
    if draw(st.integers(0, 4)) == 0:  # the shipped text as it is, comments and all
        return draw(broken_text(bases[name], lines_safe=False)), f"{name}: text"
    data = tomllib.loads(bases[name])
    how = draw(st.sampled_from(["data", "data", "data", "text", "both"]))
    if how != "text":
        break_data(draw, data, family)
    text = toml_document(data)
    if how == "data":
        return text.encode(), f"{name}: data"
    return draw(broken_text(text, lines_safe=True)), f"{name}: {how}"


# ---------------------------------------------------------------------------- scenario files
DOMAIN_KEYS = ("known", "entry", "completion", "rules_final", "lead_time_months", "postponements")
SCENARIO_TABLES: dict[FieldPath, frozenset[str]] = {
    (): frozenset(
        (
            "name",
            "extends",
            "title",
            "description",
            "parameters",
            "social",
            "physical",
            "dso",
            "budget_shocks",
            "cooperation",
            "coalition",
            "strategy",
        )
    ),
    ("title",): frozenset(("nl", "en")),
    ("description",): frozenset(("nl", "en")),
    ("social",): frozenset(DOMAIN_KEYS),
    ("physical",): frozenset(DOMAIN_KEYS),
    ("physical", "postponements", "*"): frozenset(("announced", "new_entry")),
    ("dso",): frozenset(("start", "full", "delay_months", "postpone_entry", "announced")),
    ("parameters",): frozenset(PARAMETERS),
    ("budget_shocks", "*"): frozenset(("date", "domain", "size")),
    ("cooperation", "*"): frozenset(("domain", "start", "intensity", "training")),
    ("coalition", "*"): frozenset(("election", "domain", "stance", "share")),
    ("strategy", "*"): frozenset(("where", *LEVERS)),
}
NOT_A_TABLE = other_than("table")
NOT_AN_ARRAY = st.one_of(
    other_than("list"),
    st.lists(other_than("table", "list"), min_size=1, max_size=3),
)
"""Refused for an array of tables: no array (a table, a text, ...), or one of non-tables."""
DOMAINS = ("social", "physical")
NON_ELECTION = st.dates(dt.date(2013, 1, 1), dt.date(2029, 12, 31)).filter(
    lambda d: d not in ELECTIONS
)


def _parameter_slot(name: str) -> st.SearchStrategy[tuple[FieldPath, Any]]:
    p = PARAMETERS[name]
    return st.tuples(st.just(("parameters", name)), bad_number(p.low, p.high))


def _lever_slot(name: str) -> st.SearchStrategy[tuple[FieldPath, Any]]:
    if name in CHOICES:
        bad = bad_choice(tuple(CHOICES[name].values))
    else:
        bad = bad_number(PARAMETERS[name].low, PARAMETERS[name].high)
    return st.tuples(st.just(("strategy", "*", name)), bad)


SCENARIO_SLOTS = st.one_of(
    slot("name", BAD_NAME),
    slot("extends", BAD_EXTENDS),
    st.tuples(st.sampled_from([("title",), ("description",)]), NOT_A_TABLE | st.builds(dict)),
    st.tuples(
        st.sampled_from([(t, lang) for t in ("title", "description") for lang in ("nl", "en")]),
        BAD_TEXT,
    ),
    st.tuples(st.sampled_from([("social",), ("physical",), ("parameters",)]), NOT_A_TABLE),
    slot("dso", NOT_A_TABLE | st.builds(dict)),
    st.tuples(
        st.sampled_from(
            [(d, k) for d in DOMAINS for k in ("known", "entry", "completion", "rules_final")]
        ),
        BAD_DATE,
    ),
    st.tuples(st.sampled_from([(d, "lead_time_months") for d in DOMAINS]), bad_int(1, 120)),
    st.tuples(st.sampled_from([(d, "postponements") for d in DOMAINS]), NOT_AN_ARRAY),
    st.tuples(
        st.sampled_from(
            [("physical", "postponements", "*", k) for k in ("announced", "new_entry")]
        ),
        BAD_DATE,
    ),
    st.tuples(st.sampled_from([("dso", k) for k in ("start", "full", "announced")]), BAD_DATE),
    slot("dso.delay_months", bad_int(0, 120)),
    slot("dso.postpone_entry", BAD_BOOL),
    st.sampled_from(sorted(PARAMETERS)).flatmap(_parameter_slot),
    st.tuples(
        st.sampled_from([(a,) for a in ("budget_shocks", "cooperation", "coalition", "strategy")]),
        NOT_AN_ARRAY,
    ),
    slot("budget_shocks.*.date", BAD_DATE),
    slot("budget_shocks.*.domain", bad_choice(DOMAINS)),
    slot("budget_shocks.*.size", bad_number(-1.0, 1.0)),
    slot("cooperation.*.domain", bad_choice(DOMAINS)),
    slot("cooperation.*.start", BAD_DATE),
    slot("cooperation.*.intensity", bad_number(0.0, 1.0)),
    slot("cooperation.*.training", bad_number(0.0, 1.0)),
    slot("coalition.*.election", BAD_DATE | NON_ELECTION),
    slot("coalition.*.domain", bad_choice(DOMAINS)),
    slot("coalition.*.stance", bad_choice(("steer", "let_go"))),
    slot("coalition.*.share", bad_number(0.0, 1.0)),
    slot("strategy.*.where", BAD_WHERE),
    st.sampled_from(LEVERS).flatmap(_lever_slot),
)
SCENARIO_FAMILY = Family(
    slots=SCENARIO_SLOTS,
    tables=SCENARIO_TABLES,
    required=tuple(
        tuple(p.split("."))
        for p in (
            "name",
            "title",
            "description",
            "physical.postponements.*.announced",
            "physical.postponements.*.new_entry",
            "budget_shocks.*.date",
            "budget_shocks.*.domain",
            "budget_shocks.*.size",
            "cooperation.*.domain",
            "cooperation.*.start",
            "cooperation.*.intensity",
            "coalition.*.election",
            "coalition.*.domain",
            "coalition.*.stance",
            "strategy.*.where",
        )
    ),
    templates={
        "postponements": {"announced": dt.date(2017, 7, 1), "new_entry": dt.date(2021, 1, 1)},
        "budget_shocks": {"date": dt.date(2015, 1, 1), "domain": "social", "size": 0.1},
        "cooperation": {"domain": "physical", "start": dt.date(2016, 3, 1), "intensity": 0.5},
        "coalition": {"election": dt.date(2018, 3, 21), "domain": "physical", "stance": "let_go"},
        "strategy": {"where": "Utrecht", "dso_lobby": 0.5},
    },
)
SCENARIO_TEXTS = {name: (SCENARIO_FILES / f"{name}.toml").read_text() for name in SHIPPED}
SCENARIO_COMMANDS = (
    ["run", "case.toml", *QUICK_RUN, "--out", "out"],
    ["lessons", "Utrecht", "--scenario", "case.toml", "-n", "1", "-j", "1", "--no-progress"],
    ["app", "--scenario", "case.toml", "--no-browser"],
)


@st.composite
def broken_scenarios(draw: Callable[..., Any]) -> Case:
    data, how = broken_file(draw, SCENARIO_TEXTS, SCENARIO_FAMILY)
    return Case(data, list(draw(st.sampled_from(SCENARIO_COMMANDS))), how)


def check_broken_files(folder: Path, cases: st.SearchStrategy[Case], examples: int) -> None:
    """Each generated file, named ``case.toml`` in ``folder``, is refused; every kind is seen."""
    seen: list[str] = []

    @settings(max_examples=examples)
    @given(case=cases)
    def check(case: Case) -> None:
        (folder / "case.toml").write_bytes(case.data)
        with contextlib.chdir(folder):
            assert_refused(case.argv, [folder])
        seen.append(case.how)

    check()
    assert len(seen) >= 1000
    assert {how.split(": ")[1] for how in seen} == {"text", "data", "both"}


def test_broken_scenario_files_exit_2_and_write_nothing(tmp_path_factory):
    folder = working_folder(tmp_path_factory.mktemp("scenarios"))
    check_broken_files(folder, broken_scenarios(), EXAMPLES["scenario"])


# ---------------------------------------------------------------------------- experiment specs
SPEC_TABLES: dict[FieldPath, frozenset[str]] = {
    (): frozenset(("experiment", "design", "factors", "outcomes", "series")),
    ("experiment",): frozenset(
        (
            "name",
            "description",
            "scenario",
            "replications",
            "seed",
            "common_random_numbers",
            "municipalities",
            "until",
        )
    ),
    ("design",): frozenset(("method", "samples", "levels", "second_order", "seed")),
    ("factors", "*"): frozenset(
        (
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
    ),
    ("outcomes", "*"): frozenset(("indicator", "date", "name", "statistic", "from")),
    ("series",): frozenset(("indicators", "every")),
}
FACTOR_NAMES = frozenset(
    (*PARAMETERS, *CHOICES, *LEVERS, "dso_delay_months", "physical_cooperation")
)
BAD_SCENARIO_REF = st.one_of(
    other_than("str"),
    BLANK,
    NOT_SHIPPED,
    st.text(alphabet=string.ascii_letters, min_size=1, max_size=8).map(lambda s: f"no/{s}.toml"),
    st.sampled_from(["broken.toml", "adir.toml"]),
)
NOWHERE = st.text(alphabet=string.ascii_letters, max_size=8).map(lambda s: f"Nowhere {s}")
SPEC_SLOTS = st.one_of(
    st.tuples(
        st.sampled_from([("experiment",), ("design",), ("series",)]),
        NOT_A_TABLE,
    ),
    st.tuples(st.sampled_from([("factors",), ("outcomes",)]), NOT_AN_ARRAY),
    slot("factors", st.builds(list)),
    slot("experiment.name", other_than("str")),
    slot("experiment.description", other_than("str")),
    slot("experiment.scenario", BAD_SCENARIO_REF),
    slot("experiment.replications", bad_int(1, 10**9)),
    slot("experiment.seed", bad_int(0, 2**63 - 1)),
    slot("experiment.common_random_numbers", BAD_BOOL),
    slot(
        "experiment.municipalities",
        other_than("list")
        | st.lists(NOWHERE, min_size=1, max_size=2)
        | st.lists(other_than("str"), min_size=1, max_size=2),
    ),
    slot("experiment.until", BAD_MONTH),
    slot("design.method", bad_choice(("factorial", "lhs", "sobol", "morris"))),
    slot("design.samples", other_than("int") | st.integers(-(2**63), 0)),
    slot("design.levels", other_than("int") | st.integers(-(2**63), 0)),
    slot("design.second_order", BAD_BOOL),
    slot("design.seed", bad_int(0, 2**32 - 1)),
    slot(
        "factors.*.name",
        other_than("str") | st.text(max_size=12).filter(lambda s: s.strip() not in FACTOR_NAMES),
    ),
    slot("factors.*.levels", other_than("list") | st.builds(list)),
    slot(
        "factors.*.range",
        other_than("list")
        | st.lists(st.floats(0, 1), max_size=1)
        | st.lists(st.floats(0, 1), min_size=3, max_size=4)
        | st.lists(st.text(max_size=3), min_size=2, max_size=2),
    ),
    slot("factors.*.distribution", bad_choice(("uniform", "triangular", "normal", "loguniform"))),
    slot("factors.*.integer", BAD_BOOL),
    slot(
        "outcomes.*.indicator",
        other_than("str") | st.text(max_size=12).filter(lambda s: s.strip() not in BY_NAME),
    ),
    slot("outcomes.*.date", BAD_MONTH),
    slot("outcomes.*.statistic", bad_choice(("value", "mean", "min", "max"))),
    slot("outcomes.*.name", other_than("str")),
    slot("series.every", bad_choice(("month", "quarter", "year"))),
    slot("series.indicators", other_than("list")),
)
SPEC_FAMILY = Family(
    slots=SPEC_SLOTS,
    tables=SPEC_TABLES,
    required=tuple(
        tuple(p.split("."))
        for p in ("experiment", "design", "factors", "design.method", "factors.*.name")
    ),
    templates={
        "factors": {"name": "training_intensity", "levels": [0.2, 0.9]},
        "outcomes": {"indicator": "transformation_physical", "date": "2013-06"},
    },
)


def cheap_spec(text: str) -> str:
    """A shipped spec made cheap to run: Utrecht, one replication, outcomes in 2013."""
    data = tomllib.loads(text)
    data["experiment"].update(replications=1, municipalities=["Utrecht"])
    design = data["design"]
    if "samples" in design:
        design["samples"] = 2
    data["outcomes"] = [{"indicator": "transformation_physical", "date": "2013-06"}]
    data.pop("series", None)
    return toml_document(data)


SPEC_TEXTS = {"minimal": SPEC} | {
    p.stem: cheap_spec(p.read_text()) for p in sorted(SPEC_FILES.glob("*.toml"))
}


@st.composite
def broken_specs(draw: Callable[..., Any]) -> Case:
    data, how = broken_file(draw, SPEC_TEXTS, SPEC_FAMILY)
    argv = ["experiment", "run", "case.toml", "--out", "exp", "-j", "1", "--no-progress"]
    return Case(data, argv, how)


def test_broken_experiment_specs_exit_2_and_write_nothing(tmp_path_factory):
    folder = working_folder(tmp_path_factory.mktemp("specs"))
    check_broken_files(folder, broken_specs(), EXAMPLES["spec"])


# ---------------------------------------------------------------------------- the bases load
def test_the_generated_bases_are_valid_so_each_mutation_is_what_breaks_them(tmp_path):
    from govsim.experiments.spec import load_spec
    from govsim.scenarios.loader import load_scenario

    for name, text in SCENARIO_TEXTS.items():
        data = tomllib.loads(text)
        assert tomllib.loads(toml_document(data)) == data
        file = tmp_path / f"{name}.toml"
        file.write_text(toml_document(data))
        assert load_scenario(file).name == name
    (tmp_path / "spec_dir").mkdir()
    for name, text in SPEC_TEXTS.items():
        file = tmp_path / "spec_dir" / f"{name}.toml"
        file.write_text(text)
        spec = load_spec(file)
        assert spec.municipalities == ("Utrecht",)
        assert spec.until == "2013-06"
    for line in BROKEN_LINES:
        with pytest.raises(tomllib.TOMLDecodeError):
            tomllib.loads(f'a = 1\n{line}\n[t]\nb = "x"\n')


# ---------------------------------------------------------------------------- argument lists
MORRIS = """
[experiment]
scenario = "baseline"
municipalities = ["Utrecht"]

[design]
method = "morris"
samples = 4
levels = 4

[[factors]]
name = "training_intensity"
range = [0.0, 1.0]

[[factors]]
name = "adoption_rate"
range = [0.02, 0.12]

[[outcomes]]
indicator = "transformation_physical"
date = "2013-06"
"""
OUTCOME = "transformation_physical_2013_06"
COMMANDS = (
    "baseline",
    "params",
    "run",
    "report",
    "lessons",
    "experiment run",
    "experiment query",
    "experiment sensitivity",
    "experiment discover",
    "survey",
    "calibrate",
    "app",
    "schema",
)
"""The subcommands whose argument lists are generated (and the command line without one)."""


@pytest.fixture(scope="module")
def experiment(tmp_path_factory) -> tuple[Path, float]:
    """A finished 12-run Morris experiment (Utrecht, to June 2013) and a threshold inside its
    outcome's range, for the commands that read an experiment."""
    import pandas as pd

    folder = tmp_path_factory.mktemp("experiment")
    (folder / "morris.toml").write_text(MORRIS)
    out = folder / "exp"
    argv = ["experiment", "run", str(folder / "morris.toml"), "--out", str(out), "-j", "1"]
    code, err = invoke([*argv, "--no-progress"])
    assert code == 0, err
    runs = pd.concat(pd.read_parquet(p) for p in sorted((out / "runs").glob("*.parquet")))
    assert len(runs) == 12
    return out, float(runs[OUTCOME].median())


def options_of(command: str) -> list[str]:
    """The option strings of ``govsim COMMAND`` (to make flags it does not have)."""
    parser = build_parser()
    for word in command.split():
        parser = parser._subparsers._group_actions[0].choices[word]  # type: ignore[union-attr]
    return list(parser._option_string_actions)


def unknown_flags(command: str) -> st.SearchStrategy[str]:
    """``--name`` flags that are no option of the command and abbreviate none."""
    options = options_of(command)
    names = st.text(alphabet=string.ascii_lowercase + "-", min_size=1, max_size=12)
    return names.map(lambda s: f"--{s}").filter(lambda f: not any(o.startswith(f) for o in options))


def _not_whole(text: str) -> bool:
    return not re.fullmatch(r"\s*[+-]?[\d_]+\s*", text)


def _not_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return True
    return False


def numbers(low: int | None = None, high: int | None = None) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(str)


LONG = st.integers(41, 400).map(lambda n: "9" * n)
"""A 41- to 400-digit number (beyond every flag's range)."""
NOT_WHOLE = st.text(max_size=12).filter(_not_whole)
NOT_FLOAT = st.text(max_size=12).filter(_not_float)
BAD_POSITIVE = NOT_WHOLE | numbers(high=0) | numbers(low=10**6 + 1) | LONG | LONG.map("-{}".format)
BAD_SEED = NOT_WHOLE | numbers(high=-1) | numbers(low=2**128) | LONG | LONG.map("-{}".format)
BAD_COUNT = NOT_WHOLE | numbers(high=-1) | numbers(low=10**6 + 1) | LONG
BAD_PORT = NOT_WHOLE | numbers(high=0) | numbers(low=65536) | LONG
BAD_MONTH_ARG = st.one_of(
    st.builds(
        "{:04d}-{:02d}".format,
        st.integers(1, 2012) | st.integers(2030, 9999),
        st.integers(1, 12),
    ),
    st.builds("{:04d}-{:02d}".format, st.integers(2013, 2029), st.integers(13, 99)),
    st.text(alphabet=string.ascii_letters + " ./,", max_size=10),
)
BAD_SCHEDULER = st.one_of(
    st.text(max_size=20).filter(lambda s: ":" not in s),
    st.builds("host:{}".format, st.just(0) | st.integers(65536, 99999)),
    st.sampled_from(["http://host:8786", "tcp://a b:1", "tcp://:8786", "host:port"]),
)
BAD_HOST = st.one_of(
    st.sampled_from(["", " ", "x..y", "-x", "host/path", "a@b", "[::1]", "a" * 254, "bad_host!"]),
    st.text(max_size=8).map("x y{}".format),
)
MISSING = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=8).map(
    "missing/{}".format
)
NOWHERE_NAME = st.text(alphabet=string.ascii_letters, max_size=8).map("Nowhere {}".format)
NOT_AN_OPTION = st.text(max_size=15).filter(lambda s: not s.startswith("-"))
BAD_SCENARIO_ARG = st.one_of(
    NOT_SHIPPED.filter(lambda s: not s.startswith("-")),
    MISSING.map("{}.toml".format),
    st.sampled_from(["broken.toml", "adir.toml", "afile", "adir", "user/notes.txt"]),
)
BAD_STRATEGY = st.one_of(
    st.text(max_size=15).filter(lambda s: ":" not in s),
    st.text(max_size=15).filter(lambda s: "=" not in s).map("Utrecht:{}".format),
    st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=10)
    .filter(lambda k: k not in LEVERS)
    .map("Utrecht: {}=1".format),
    st.floats(allow_nan=False)
    .filter(lambda x: not 0 <= x <= 1)
    .map("Utrecht: dso_lobby={}".format),
    st.sampled_from(["Utrecht: role=boss", "Utrecht: dso_lobby=much", "Nowhere x: dso_lobby=0.5"]),
)
WRITING_SQL = (
    "COPY (SELECT 1) TO 'copied.csv'",
    "COPY runs TO 'runs.csv'",
    "SELECT 1; COPY (SELECT 1) TO 'copied.csv'",
    "CREATE TABLE t AS SELECT 1",
    "ATTACH 'attached.db'",
    "EXPORT DATABASE 'exported'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "PRAGMA version",
    "CALL pragma_version()",
    "SELECT * FROM read_csv('afile')",
    "SELECT * FROM read_text('user/notes.txt')",
    "zz",
    "",
    ";",
)
"""SQL that `govsim experiment query` must refuse: it would write, change settings or read
files other than the experiment's (or it is no query at all)."""


def variant(
    base: list[str], flag: str, bad: st.SearchStrategy[str]
) -> st.SearchStrategy[list[str]]:
    """``base`` with the value of ``flag`` replaced by (or ``flag`` added with) a bad one."""

    def build(value: str) -> list[str]:
        argv = list(base)
        if flag in argv:
            argv[argv.index(flag) + 1] = value
        else:
            argv += [flag, value]
        return argv

    return bad.map(build)


def positional(base: list[str], index: int, bad: st.SearchStrategy[str]):
    """``base`` with the argument at ``index`` replaced by a bad one."""
    return bad.map(lambda value: [*base[:index], value, *base[index + 1 :]])


def command_cases(command: str, exp: str, threshold: float) -> st.SearchStrategy[list[str]]:
    """Hostile argument lists of one subcommand (``exp``: a finished experiment folder)."""
    choice = lambda options: st.text(max_size=10).filter(lambda s: s not in options)  # noqa: E731
    if command == "baseline":
        base = ["baseline", "--out", "out"]
        cases = [variant(base, "--seed", BAD_SEED), variant(base, "--lang", choice(("nl", "en")))]
    elif command == "params":
        base = ["params"]
        cases = [
            variant(["params"], "--format", choice(("table", "csv"))),
            NOT_AN_OPTION.map(lambda s: ["params", s]),
        ]
    elif command == "run":
        base = ["run", "baseline", *QUICK_RUN, "--out", "out"]
        cases = [
            variant(base, "-n", BAD_POSITIVE),
            variant(base, "-j", BAD_POSITIVE),
            variant(base, "--seed", BAD_SEED),
            variant(base, "--until", BAD_MONTH_ARG),
            variant(base, "--lang", choice(("nl", "en"))),
            variant(base, "--lessons-replications", BAD_POSITIVE),
            variant(base, "--strategy", BAD_STRATEGY),
            variant(base, "--reference", st.text(max_size=12).filter(lambda s: s != "baseline")),
            variant(base, "--lessons", st.text(max_size=15).filter(_not_a_where)),
            variant(base, "--municipalities", NOWHERE_NAME),
            variant(base, "--out", st.sampled_from(["", " ", "afile", "afile/sub", "user", exp])),
            positional(base, 1, BAD_SCENARIO_ARG),
        ]
    elif command == "report":
        dirs = MISSING | st.sampled_from(["afile", "adir", "user", "", exp])
        base = ["report", "user"]
        cases = [
            positional(["report", "user"], 1, dirs),
            variant(["report", "user"], "--lang", choice(("nl", "en"))),
        ]
    elif command == "lessons":
        base = ["lessons", "Utrecht", "--scenario", "baseline", "-n", "1", "-j", "1"]
        base += ["--no-progress"]
        cases = [
            positional(
                base,
                1,
                st.text(max_size=15).filter(_not_a_where).filter(lambda s: not s.startswith("-")),
            ),
            variant(base, "--scenario", BAD_SCENARIO_ARG),
            variant(base, "-n", BAD_POSITIVE),
            variant(base, "-j", BAD_POSITIVE),
            variant(base, "--seed", BAD_SEED),
            variant(base, "--lang", choice(("nl", "en"))),
            variant(base, "--csv", st.sampled_from(["", " ", "adir", "user", "afile/x.csv"])),
        ]
    elif command == "experiment run":
        base = ["experiment", "run", "spec.toml", "--out", "exp", "-j", "1", "--no-progress"]
        specs = MISSING | st.sampled_from(["adir", "afile", "broken.toml", "adir.toml"])
        cases = [
            variant(base, "-j", BAD_POSITIVE),
            variant(base, "--chunk", BAD_POSITIVE),
            variant(base, "--scheduler", BAD_SCHEDULER),
            st.just([*base, "--dask", "--scheduler", "tcp://127.0.0.1:8786"]),
            positional(base, 2, specs),
            variant(base, "--out", st.sampled_from(["", "afile", "afile/sub", exp])),
        ]
    elif command == "experiment query":
        base = ["experiment", "query", exp, "SELECT count(*) FROM runs"]
        cases = [
            positional(base, 2, MISSING | st.sampled_from(["afile", "adir", "user", ""])),
            positional(
                base, 3, st.sampled_from(WRITING_SQL) | st.text(max_size=20).map("zz {}".format)
            ),
            variant(base, "--format", choice(("table", "csv"))),
            variant(base, "--max-rows", BAD_POSITIVE),
        ]
    elif command == "experiment sensitivity":
        base = ["experiment", "sensitivity", exp, "--outcome", OUTCOME]
        levels = NOT_FLOAT | st.sampled_from(["nan", "inf", "-inf", "0", "1", "-0.5", "1.5"])
        cases = [
            positional(base, 2, MISSING | st.sampled_from(["afile", "adir", "user"])),
            variant(base, "--outcome", st.text(max_size=12).filter(lambda s: s != OUTCOME)),
            variant(base, "--method", choice(("morris",))),
            variant(base, "--conf-level", levels),
            variant(base, "--resamples", BAD_POSITIVE | st.just("1")),
            variant(base, "--seed", BAD_SEED),
        ]
    elif command == "experiment discover":
        base = ["experiment", "discover", exp, "--outcome", OUTCOME, "--threshold", f"{threshold}"]
        shares = NOT_FLOAT | st.sampled_from(["nan", "inf", "-inf", "-0.1", "1.5"])
        cases = [
            positional(base, 2, MISSING | st.sampled_from(["afile", "adir", "user"])),
            variant(base, "--outcome", st.text(max_size=12).filter(lambda s: s != OUTCOME)),
            variant(base, "--threshold", NOT_FLOAT | st.just("nan")),
            variant(base, "--min-coverage", shares),
            variant(base, "--peel-alpha", shares | st.sampled_from(["0", "0.6"])),
            variant(base, "--box", NOT_WHOLE | numbers(high=-1000) | numbers(low=1000)),
            st.just([*base, "--above", "--below"]),
        ]
    elif command == "survey":
        base = ["survey", "--municipalities", "Utrecht", "--out", "s.csv"]
        cases = [
            variant(base, "--seed", BAD_SEED),
            variant(base, "--date", BAD_MONTH_ARG),
            variant(base, "--sample", choice(("stratified", "all"))),
            variant(
                base,
                "--answer-noise",
                NOT_FLOAT | st.sampled_from(["-1", "0", "1.01", "1e308", "nan", "inf", "-inf"]),
            ),
            variant(base, "--out", st.just("")),
            variant(base, "--municipalities", NOWHERE_NAME),
            variant(base, "--out", st.sampled_from(["adir", "user", "afile/s.csv"])),
        ]
    elif command == "calibrate":
        base = ["calibrate", "--quick", "--out", "cal"]
        counts = ["--population", "--generations", "--max-simulations", "--replications"]
        counts += ["--polish-evaluations", "--run-id"]
        patterns = st.text(alphabet=string.ascii_lowercase, max_size=8).map("zz{}".format)
        cases = [
            *(variant(base, flag, BAD_COUNT) for flag in counts),
            variant(base, "--procs", BAD_POSITIVE),
            variant(base, "--seed", BAD_SEED),
            variant(base, "--scheduler", BAD_SCHEDULER),
            variant(base, "--weighting", choice(("margin", "binomial"))),
            variant(base, "--answers", choice(("expected", "sampled"))),
            variant(base, "--max-minutes", NOT_FLOAT | st.sampled_from(["0", "-1", "nan", "-inf"])),
            variant(base, "--municipalities", NOWHERE_NAME),
            variant(base, "--targets", patterns),
            variant(base, "--holdout", patterns),
            variant(base, "--db", st.sampled_from(["afile", "adir", "user"])),
            variant(base, "--out", st.sampled_from(["afile", "user/notes.txt"])),
            st.just([*base, "--resume", "--targets", "table_3"]),
        ]
    elif command == "app":
        base = ["app", "--no-browser"]
        files = MISSING.map("{}.toml".format) | st.sampled_from(
            ["adir.toml", "broken.toml", "afile", "user/notes.txt"]
        )
        cases = [
            variant(base, "--port", BAD_PORT),
            variant(base, "--host", BAD_HOST),
            variant(base, "--scenario", files),
        ]
    elif command == "schema":
        base = ["schema", "scenario", "--out", "scenario.schema.json"]
        cases = [
            positional(
                base, 1, NOT_AN_OPTION.filter(lambda s: s not in ("scenario", "experiment"))
            ),
            variant(base, "--out", st.sampled_from(["", "adir", "afile/s.json", "user"])),
            st.just(["schema"]),
        ]
    else:
        raise AssertionError(command)
    flags = unknown_flags(command).map(lambda flag: [*base, flag])
    return st.one_of(*cases, flags)


def test_hostile_argument_lists_exit_2_and_write_nothing(tmp_path_factory, experiment):
    exp, threshold = experiment
    folder = working_folder(tmp_path_factory.mktemp("arguments"))
    top = st.one_of(
        st.builds(list),
        NOT_AN_OPTION.filter(lambda s: s not in (*COMMANDS, "experiment", "schema")).map(
            lambda s: [s]
        ),
        unknown_flags("").map(lambda f: [f]),
    )
    per_command = [top, *(command_cases(c, str(exp), threshold) for c in COMMANDS)]
    argvs = st.sampled_from(range(len(per_command))).flatmap(per_command.__getitem__)
    seen: list[str] = []

    @settings(max_examples=EXAMPLES["cli"])
    @given(argv=argvs)
    def check(argv: list[str]) -> None:
        with contextlib.chdir(folder):
            assert_refused(argv, [folder, exp])
        seen.append(" ".join(argv[:2]) if argv[:1] == ["experiment"] else " ".join(argv[:1]))

    check()
    assert len(seen) >= 1000
    counts = {c: seen.count(c) for c in COMMANDS}
    assert min(counts.values()) >= 30, counts  # every command, about 1 case in 14


# ---------------------------------------------------------------------------- found by the cases
def refusal(argv: list[str], folders: list[Path]) -> str:
    """`assert_refused`, returning stderr's last line (the error)."""
    before = [listing(folder) for folder in folders]
    code, err = invoke(argv)
    assert code == 2, err
    assert_one_paragraph(err)
    assert [listing(folder) for folder in folders] == before
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "sql",
    ["COPY (SELECT 1) TO 'copied.csv'", "ATTACH 'attached.db'", "SELECT 1; EXPORT DATABASE 'x'"],
)
def test_a_query_that_would_write_is_refused(experiment, tmp_path, monkeypatch, sql):
    exp, _ = experiment
    monkeypatch.chdir(tmp_path)
    line = refusal(["experiment", "query", str(exp), sql], [tmp_path, exp])
    assert "statement, and `govsim experiment query` only reads" in line
    assert list(tmp_path.iterdir()) == []


def test_a_query_may_read_no_other_file_and_must_not_be_empty(experiment, tmp_path, monkeypatch):
    exp, _ = experiment
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.csv").write_text("password\nhunter2\n")
    line = refusal(["experiment", "query", str(exp), "SELECT * FROM 'secret.csv'"], [tmp_path])
    assert "file system operations are disabled" in line and "hunter2" not in line
    line = refusal(["experiment", "query", str(exp), " "], [tmp_path])
    assert "the query is empty" in line
    code, _ = invoke(["experiment", "query", str(exp), "SELECT count(*) AS n FROM runs"])
    assert code == 0  # a query still reads the experiment's own files


def test_one_resample_is_refused(experiment):
    exp, _ = experiment
    argv = ["experiment", "sensitivity", str(exp), "--outcome", OUTCOME, "--resamples", "1"]
    line = refusal(argv, [exp])
    assert line.endswith(
        "--resamples must be at least 2 for a bootstrap confidence interval, got 1"
    )


@pytest.mark.parametrize("host", ["", "a b", "x..y", "host/path"])
def test_a_host_that_is_no_address_is_refused_before_the_server_starts(host):
    line = refusal(["app", "--host", host, "--no-browser"], [])
    assert (
        "argument --host: a host is an IP address (127.0.0.1, ::1, 0.0.0.0) or a host name" in line
    )


def test_a_port_in_use_is_refused_before_the_server_starts():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = refusal(["app", "--port", str(port), "--no-browser"], [])
    assert line.startswith(f"govsim app: --host 127.0.0.1 --port {port}: the app cannot listen")
    assert "address already in use" in line


@pytest.mark.parametrize("flag", ["--replications", "--run-id", "--population"])
def test_a_negative_count_for_calibrate_is_refused_before_anything_runs(tmp_path, flag):
    # before: --replications -3 ran the whole calibration, then failed with a traceback
    line = refusal(["calibrate", "--quick", "--out", str(tmp_path / "cal"), flag, "-3"], [tmp_path])
    assert line.endswith(f"argument {flag}: must be 0 or more, got -3")


def test_a_line_break_in_a_value_stays_inside_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = refusal(["report", "no\n\nsuch\x1b[2J"], [tmp_path])
    assert line == (
        "govsim report: no\\n\\nsuch\\x1b[2J: no such folder (give the --out folder of a "
        "govsim run)"
    )
    line = refusal(["run", "baseline", "--reference", "a\nb", *QUICK_RUN, "--out", "o"], [tmp_path])
    assert "reference scenario 'a\\nb' is not among the scenarios run" in line
    line = refusal(["params", "x\ny"], [tmp_path])
    assert line == "govsim params: error: unrecognized arguments: x\\ny"


def test_run_lessons_names_the_value_it_refuses(tmp_path):
    argv = ["run", "baseline", *QUICK_RUN, "--out", str(tmp_path / "o"), "--lessons", "Nowhere"]
    line = refusal(argv, [tmp_path])
    assert line.startswith("govsim run: --lessons 'Nowhere': 'Nowhere' names no municipality")
    assert "Allowed: 'all'" in line


def test_experiment_run_out_below_a_file_is_refused_by_the_command(tmp_path):
    (tmp_path / "afile").write_text("mine\n")
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    argv = ["experiment", "run", str(spec), "--out", str(tmp_path / "afile" / "exp")]
    line = refusal(argv, [tmp_path])
    assert line.startswith("govsim experiment run: --out ")
    assert f"cannot be made: {tmp_path / 'afile'} is a file, not a folder" in line


@pytest.mark.parametrize("name", ["/dev/null", "", "adir", "afile/x.csv"])
def test_lessons_csv_that_is_no_file_is_refused_before_anything_runs(tmp_path, monkeypatch, name):
    from govsim.scenarios.cli import check_csv
    from govsim.scenarios.output_folder import OutputFolderError

    monkeypatch.chdir(tmp_path)
    (tmp_path / "adir").mkdir()
    (tmp_path / "afile").write_text("mine\n")
    with pytest.raises(OutputFolderError, match="--csv"):
        check_csv(name)  # /dev/null would be replaced by the rename of an atomic write
    check_csv("new.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir", "afile"]

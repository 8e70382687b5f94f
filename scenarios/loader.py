"""Scenario files (TOML) into `Scenario` objects; the format is documented in docs/scenarios.md.

A scenario is named by a shipped name (``"baseline"``, see `shipped_scenarios`) or by the path of
a ``.toml`` file. Files are checked completely before anything runs: every mistake is a
`ScenarioError` of one paragraph naming the file, the field (dotted path, indices from 0), the
value and what is allowed. Loading only reads files.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from govsim.model.levers import WHERE_FORMS, LeverError, StrategyRule, parse_where
from govsim.model.parameters import CHOICES, LEVERS, PARAMETERS, ParameterError, resolve_parameters
from govsim.model.timeline import DomainTimeline, Postponement, Timeline, TimelineError
from govsim.scenarios import adjust
from govsim.scenarios.scenario import Scenario, ScenarioError
from govsim.scenarios.schema import (
    DOMAIN_NAMES,
    MISSING,
    PERIOD_END,
    STANCES,
    Checker,
    join,
    one_line,
    parse_toml,
    quoted,
    show,
    syntax_error_message,
)

STANDARD_SET: tuple[str, ...] = (
    "baseline",
    "time_pressure",
    "dso_delay",
    "regional_cooperation",
    "as_it_happened",
)
"""The scenarios `make run` compares, in this order."""

FILES_DIR = Path(__file__).with_name("files")
"""Where the shipped scenario files live (package data)."""

TOP_KEYS = (
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
REQUIRED_TOP = ("name", "title", "description")
LANGUAGES = ("nl", "en")
DOMAIN_KEYS = (
    "known",
    "entry",
    "completion",
    "rules_final",
    "lead_time_months",
    "postponements",
)
POSTPONEMENT_KEYS = ("announced", "new_entry")
DSO_KEYS = ("start", "full", "delay_months", "postpone_entry", "announced")
SHOCK_KEYS = ("date", "domain", "size")
COOPERATION_KEYS = ("domain", "start", "intensity", "training")
COALITION_KEYS = ("election", "domain", "stance", "share")
STRATEGY_KEYS = ("where", *LEVERS)
MAX_EXTENDS = 32
"""Longest ``extends`` chain: a file, its base, the base's base, ... at most this many levels
(each level is read recursively; a longer chain is refused, or reported as the cycle it is)."""


# ---------------------------------------------------------------------------- public API
def shipped_scenarios() -> list[str]:
    """Names of the shipped scenarios: the standard set first (in its order), then the rest."""
    names = sorted(p.stem for p in FILES_DIR.glob("*.toml"))
    return [n for n in STANDARD_SET if n in names] + [n for n in names if n not in STANDARD_SET]


def shipped_path(name: str) -> Path:
    """Path of the shipped scenario ``name`` (raises `ScenarioError` for an unknown name)."""
    if name not in shipped_scenarios():
        raise ScenarioError(
            one_line(
                f"Unknown scenario '{name}': it is neither a shipped scenario nor a path to a "
                f".toml file. Allowed: one of {quoted(shipped_scenarios())}, or the path of "
                f"your own scenario file (e.g. my_scenario.toml; see docs/scenarios.md)."
            )
        )
    return FILES_DIR / f"{name}.toml"


def load_scenario(ref: str | Path) -> Scenario:
    """Load a scenario by shipped name (``"baseline"``) or from the path of a ``.toml`` file.

    Raises:
        ScenarioError: One paragraph naming the file, field, value and what is allowed.
    """
    return _load_path(_resolve(ref), ())


def loads_scenario(text: str, *, path: str | Path | None = None) -> Scenario:
    """Build a scenario from the text of a scenario file (e.g. one recorded in a manifest).

    Args:
        text: The TOML text.
        path: Where it came from: used in messages and to resolve a relative ``extends``.
    """
    where = Path(path) if path is not None else Path("<text>")
    return _from_text(text, where, ())


# ---------------------------------------------------------------------------- reading
def _looks_like_path(ref: str) -> bool:
    return ref.lower().endswith(".toml") or "/" in ref or "\\" in ref


def _resolve(ref: Any) -> Path:
    if isinstance(ref, Path):
        return ref
    if not isinstance(ref, str) or not ref.strip():
        raise ScenarioError(
            one_line(
                f"A scenario must be named by a shipped name or a path, got {show(ref)}. "
                f"Allowed: one of {quoted(shipped_scenarios())}, or the path of a .toml file."
            )
        )
    ref = ref.strip()
    return Path(ref) if _looks_like_path(ref) else shipped_path(ref)


def _load_path(path: Path, chain: tuple[Path, ...]) -> Scenario:
    checker = Checker(str(path))
    if not path.exists():
        checker.fail(
            "the file does not exist",
            f"a shipped scenario name ({', '.join(shipped_scenarios())}) or the path of an "
            "existing .toml file",
        )
    if not path.is_file():
        checker.fail("is not a file", "the path of a .toml scenario file")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        checker.fail(
            f"is not UTF-8 text (byte {exc.start} cannot be decoded)",
            "a text file saved as UTF-8",
        )
    except OSError as exc:
        checker.fail(f"cannot be read ({exc.strerror})", "a readable .toml file")
    return _from_text(text, path, chain)


def _from_text(text: str, path: Path, chain: tuple[Path, ...]) -> Scenario:
    checker = Checker(str(path))
    if not text.strip():
        checker.fail(
            "the file is empty",
            f"a TOML file with at least {quoted(REQUIRED_TOP)} (see docs/scenarios.md)",
        )
    try:
        data = parse_toml(text, checker)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(syntax_error_message(checker, text, exc)) from None
    if not data:
        checker.fail(
            "the file contains no settings (only comments or blank lines)",
            f"a TOML file with at least {quoted(REQUIRED_TOP)} (see docs/scenarios.md)",
        )
    return _Builder(checker, path, chain).build(data, text)


# ---------------------------------------------------------------------------- building
class _ChainTooLong(ScenarioError):
    """An ``extends`` chain beyond `MAX_EXTENDS`: passed up unwrapped to the first file."""

    def __init__(self, chain: tuple[Path, ...], cycle: bool) -> None:
        super().__init__("extends chain too long")
        self.chain = chain
        self.cycle = cycle


def _base_path(ref: str, path: Path) -> Path | None:
    """Where ``extends = ref`` in the file ``path`` points (None: not a shipped name or path)."""
    if _looks_like_path(ref):
        return (path.parent if path.name != "<text>" else Path.cwd()) / ref
    return FILES_DIR / f"{ref}.toml" if ref in shipped_scenarios() else None


def _follow_chain(start: Path, chain: tuple[Path, ...], limit: int = 10_000) -> bool:
    """Whether the ``extends`` chain from ``start`` comes back to a file of ``chain``.

    Reads only each file's ``extends`` (a file that cannot be read ends the chain: the loader
    reports it when it gets there); at most ``limit`` files.
    """
    seen, path = set(chain), start
    for _ in range(limit):
        here = path.resolve()
        if here in seen:
            return True
        seen.add(here)
        try:
            data = parse_toml(path.read_bytes().decode("utf-8-sig"), Checker(str(path)))
        except (OSError, ValueError):
            return False
        ref = data.get("extends")
        following = _base_path(ref.strip(), path) if isinstance(ref, str) else None
        if following is None or following.suffix.lower() != ".toml":
            return False
        path = following
    return False


class _Builder:
    """Reads one file's data into a `Scenario`, on top of its base (``extends``)."""

    def __init__(self, checker: Checker, path: Path, chain: tuple[Path, ...]) -> None:
        self.ck = checker
        self.path = path
        self.chain = chain
        self.base_name = "the baseline"

    def build(self, data: Mapping[str, Any], text: str) -> Scenario:
        ck = self.ck
        data = ck.table(data, "", TOP_KEYS, REQUIRED_TOP)
        name = ck.name(data["name"])
        title = self.texts(data["title"], "title")
        description = self.texts(data["description"], "description")
        base = self.base(data["extends"]) if "extends" in data else None
        params = dict(base.params) if base else {}
        params.update(self.parameters(data.get("parameters", MISSING)))
        timeline = base.timeline if base else Timeline()

        stated: dict[str, dict[str, Any]] = {}
        for domain in DOMAIN_NAMES:
            if domain in data:
                timeline, stated[domain] = self.domain(timeline, domain, data[domain])
        for domain, keys in stated.items():
            self.check_domain(timeline.domain(domain), domain, keys)
        if "dso" in data:
            timeline = self.dso(timeline, data["dso"])
        if "budget_shocks" in data:
            timeline = self.budget_shocks(timeline, data["budget_shocks"])
        if "cooperation" in data:
            timeline = self.cooperation(timeline, data["cooperation"])
        if "coalition" in data:
            timeline = self.coalition(timeline, data["coalition"])
        strategy = base.strategy if base else ()
        if "strategy" in data:
            strategy = (*strategy, *self.strategy(data["strategy"]))
        try:
            timeline.validate()
        except TimelineError as exc:
            ck.fail(
                f"the timeline is inconsistent: {exc}",
                "dates that follow each other as docs/scenarios.md describes",
            )
        return Scenario(
            name=name,
            title=title,
            description=description,
            params=params,
            timeline=timeline,
            strategy=strategy,
            source_text=text,
            path=self.path,
        )

    # -------------------------------------------------------------- texts and base
    def texts(self, value: Any, field: str) -> dict[str, str]:
        """``[title]``/``[description]``: ``nl`` and/or ``en``; a missing one copies the other."""
        table = self.ck.table(value, field, LANGUAGES, what=" with Dutch (nl) and English (en)")
        if not table:
            self.ck.fail_field(
                field, value, "is empty", f'[{field}] with nl = "..." and en = "..."'
            )
        out = {lang: self.ck.string(table[lang], join(field, lang)) for lang in table}
        for lang in LANGUAGES:
            out.setdefault(lang, next(iter(out.values())))
        return {lang: out[lang] for lang in LANGUAGES}

    def base(self, value: Any) -> Scenario:
        ck = self.ck
        shipped = shipped_scenarios()
        allowed = (
            f"a shipped scenario ({', '.join(shipped)}) or the path of a .toml file relative to "
            "this file"
        )
        ref = ck.string(value, "extends", allowed)
        if _looks_like_path(ref) and not ref.lower().endswith(".toml"):
            ck.fail_field("extends", value, "names a file that is not a .toml file", allowed)
        base_path = _base_path(ref, self.path)
        if base_path is None:
            close = difflib.get_close_matches(ref, shipped, n=2)
            hint = f" (did you mean {quoted(close)}?)" if close else ""
            ck.fail_field("extends", value, f"is not a shipped scenario{hint}", allowed)
        here = self.path.resolve() if self.path.name != "<text>" else self.path
        chain = (*self.chain, here)
        cycle = (
            "makes a cycle: the scenario would extend itself",
            "a base scenario that does not (indirectly) extend this file",
        )
        if base_path.resolve() in chain:
            ck.fail_field("extends", value, *cycle)
        if len(chain) > MAX_EXTENDS:
            raise _ChainTooLong(chain, _follow_chain(base_path, chain))
        try:
            base = _load_path(base_path, chain)
        except _ChainTooLong as exc:
            if self.chain:
                raise
            names = " extends ".join(f"'{p.name}'" for p in exc.chain[:3])
            what = f"({names} extends ...)"
            if exc.cycle:
                long_cycle = f"{cycle[0]} through a chain of more than {MAX_EXTENDS} files"
                ck.fail_field("extends", value, f"{long_cycle} {what}", cycle[1])
            ck.fail_field(
                "extends",
                value,
                f"starts a chain of more than {MAX_EXTENDS} levels of extends {what}",
                f"at most {MAX_EXTENDS} levels of extends (a file, its base, the base's base, "
                "...); let a file state more itself instead of extending one more file",
            )
        except ScenarioError as exc:
            raise ScenarioError(
                ck.message(
                    f"field 'extends' = {show(value)} names a base scenario that fails: {exc}"
                )
            ) from None
        self.base_name = f"'{ref}'"
        return base

    # -------------------------------------------------------------- parameters
    def parameters(self, value: Any) -> dict[str, Any]:
        if value is MISSING:
            return {}
        ck = self.ck
        if not isinstance(value, Mapping):
            ck.fail_field(
                "parameters",
                value,
                "must be a table",
                "[parameters] with lines name = value (names from `govsim params`)",
            )
        out: dict[str, Any] = {}
        for key, number in value.items():
            field = join("parameters", key)
            if key not in PARAMETERS:
                close = difflib.get_close_matches(key, list(PARAMETERS), n=3, cutoff=0.6)
                hint = f" (did you mean {quoted(close)}?)" if close else ""
                ck.fail_field(
                    field,
                    number,
                    f"is not a model parameter{hint}",
                    "the parameter names listed by `govsim params` (docs/parameters.md)",
                )
            param = PARAMETERS[key]
            try:
                resolve_parameters({key: number})
            except ParameterError:
                kind = "a whole number" if param.integer else "a number"
                low, high = (
                    (int(param.low), int(param.high)) if param.integer else (param.low, param.high)
                )
                ck.fail_field(
                    field,
                    number,
                    "is not allowed for this parameter",
                    f"{kind} from {low} to {high} ({param.unit}); default {param.default}",
                )
            out[key] = param.check(number)
        return out

    # -------------------------------------------------------------- domains
    def domain(
        self, timeline: Timeline, domain: str, value: Any
    ) -> tuple[Timeline, dict[str, Any]]:
        ck = self.ck
        table = ck.table(value, domain, DOMAIN_KEYS)
        old = timeline.domain(domain)
        known = old.known
        if "known" in table:
            known = ck.date(
                table["known"],
                join(domain, "known"),
                high=PERIOD_END,
                why=" (the task must become known within the simulated period)",
            )
        entry = ck.date(table["entry"], join(domain, "entry")) if "entry" in table else old.entry
        completion = old.completion
        if "completion" in table:
            completion = ck.date(table["completion"], join(domain, "completion"))
        postponements = old.postponements
        if "postponements" in table:
            postponements = self.postponements(table["postponements"], domain)
        rules = old.rules_final if old.rules_final is None else max(old.rules_final, known)
        if "rules_final" in table:
            field = join(domain, "rules_final")
            rules = ck.date(
                table["rules_final"],
                field,
                why=" (when the national rules of this decentralisation become final)",
            )
            if rules < known:
                ck.fail_field(
                    field,
                    table["rules_final"],
                    f"lies before the date the task is known ({known})",
                    f"{field} on or after {domain}.known",
                )
        updated = DomainTimeline(known, entry, postponements, completion, rules)
        timeline = timeline.with_domain(domain, updated)
        if "lead_time_months" in table:
            field = join(domain, "lead_time_months")
            for clash in ("entry", "postponements"):
                if clash in table:
                    ck.fail_field(
                        field,
                        table["lead_time_months"],
                        f"cannot be combined with {join(domain, clash)}: the lead time sets the "
                        "entry date itself and removes all postponements",
                        f"either lead_time_months or {domain}.entry with postponements",
                    )
            months = ck.integer(
                table["lead_time_months"],
                field,
                1,
                adjust.MAX_LEAD_MONTHS,
                "months from the date the task is known to entry into force",
            )
            try:
                timeline = adjust.set_lead_time(timeline, domain, months)
            except adjust.AdjustError as exc:
                ck.fail_field(field, months, exc.problem, exc.allowed)
        return timeline, table

    def postponements(self, value: Any, domain: str) -> tuple[Postponement, ...]:
        ck = self.ck
        field = join(domain, "postponements")
        out = []
        for i, item in enumerate(ck.array_of_tables(value, field, field)):
            where = join(field, i)
            table = ck.table(item, where, POSTPONEMENT_KEYS, POSTPONEMENT_KEYS)
            out.append(
                Postponement(
                    announced=ck.event_date(table["announced"], join(where, "announced")),
                    new_entry=ck.date(table["new_entry"], join(where, "new_entry")),
                )
            )
        return tuple(out)

    def check_domain(self, d: DomainTimeline, domain: str, stated: Mapping[str, Any]) -> None:
        """`DomainTimeline.validate` with the field that the file stated."""
        ck = self.ck
        own = "postponements" in stated
        inherited = (
            f" (the postponements come from {self.base_name}: state postponements = [] in "
            f"[{domain}] to drop them)"
            if d.postponements and not own
            else ""
        )

        def blame(*candidates: str) -> str:
            for key in candidates:
                if key in stated:
                    return join(domain, key)
            return join(domain, candidates[-1])

        def value_of(field: str) -> Any:
            node: Any = d
            for part in field.split(".")[1:]:
                name, _, index = part.partition("[")
                node = getattr(node, name)
                if index:
                    node = node[int(index.rstrip("]"))]
            return node

        def fail(field: str, problem: str, allowed: str) -> None:
            ck.fail_field(field, value_of(field), problem, allowed)

        if d.entry < d.known:
            fail(
                blame("entry", "known"),
                f"puts the entry into force ({d.entry}) before the date the task is known "
                f"({d.known})",
                f"{domain}.entry on or after {domain}.known",
            )
        current, previous = d.entry, d.known
        order = "postponements in date order, announced on or after the task is known"
        for i, p in enumerate(d.postponements):
            here = join(join(domain, "postponements"), i)
            if p.announced < previous and own:
                what = "the previous announcement" if i else "the date the task is known"
                fail(join(here, "announced"), f"comes before {what} ({previous})", order)
            if p.announced < previous:
                fail(
                    blame("known"),
                    f"lies after the announcement of postponement [{i}] on {p.announced}"
                    + inherited,
                    order,
                )
            if p.announced >= current and own:
                fail(
                    join(here, "announced"),
                    f"is not before the entry into force it postpones ({current})",
                    f"an announcement before {current}",
                )
            if p.announced >= current:
                fail(
                    blame("entry", "known"),
                    f"puts the entry into force ({current}) on or before the announcement of "
                    f"postponement [{i}] on {p.announced}" + inherited,
                    f"an entry date after {p.announced}, or other postponements",
                )
            if p.new_entry <= p.announced:
                fail(
                    join(here, "new_entry"),
                    f"is not after its announcement ({p.announced})",
                    f"a new entry date after {p.announced}",
                )
            current, previous = p.new_entry, p.announced
        if d.completion is not None and d.completion < current:
            if "completion" not in stated and own and d.postponements:
                last = join(join(domain, "postponements"), len(d.postponements) - 1)
                field = join(last, "new_entry")
            elif "completion" not in stated and "entry" in stated and not d.postponements:
                field = join(domain, "entry")
            else:
                field = join(domain, "completion")
            fail(
                field,
                f"puts completion ({d.completion}) before the final entry into force ({current})"
                + ("" if own else inherited),
                f"{domain}.completion on or after the final entry into force",
            )

    # -------------------------------------------------------------- DSO
    def dso(self, timeline: Timeline, value: Any) -> Timeline:
        ck = self.ck
        table = ck.table(value, "dso", DSO_KEYS)
        if not table:
            ck.fail_field("dso", value, "is empty", "[dso] with start and/or full, or delay_months")
        postpone = True
        if "postpone_entry" in table:
            postpone = ck.boolean(table["postpone_entry"], "dso.postpone_entry")
        announced = None
        if "announced" in table:
            if not postpone:
                ck.fail_field(
                    "dso.announced",
                    table["announced"],
                    "has no effect with postpone_entry = false",
                    "dso.announced only together with postpone_entry = true",
                )
            announced = ck.event_date(table["announced"], "dso.announced")
        if "delay_months" in table:
            for clash in ("start", "full"):
                if clash in table:
                    ck.fail_field(
                        "dso.delay_months",
                        table["delay_months"],
                        f"cannot be combined with dso.{clash}",
                        "either delay_months (relative to the base) or start/full dates",
                    )
            months = ck.integer(
                table["delay_months"],
                "dso.delay_months",
                0,
                adjust.MAX_DELAY_MONTHS,
                "months later than the base scenario's DSO dates",
            )
            try:
                return adjust.delay_dso(
                    timeline, months, postpone_entry=postpone, announced=announced
                )
            except adjust.AdjustError as exc:
                field = "dso.announced" if exc.argument == "announced" else "dso.delay_months"
                shown = announced if exc.argument == "announced" else months
                ck.fail_field(field, shown, exc.problem, exc.allowed)
        start = ck.date(table["start"], "dso.start") if "start" in table else timeline.dso_start
        full = ck.date(table["full"], "dso.full") if "full" in table else timeline.dso_full
        if full < start:
            field = "dso.full" if "full" in table else "dso.start"
            ck.fail_field(
                field,
                full if field == "dso.full" else start,
                f"puts full DSO availability ({full}) before its start ({start})",
                "dso.full on or after dso.start",
            )
        timeline = replace(timeline, dso_start=start, dso_full=full)
        if not postpone:
            return timeline
        try:
            return adjust.postpone_for_dso(timeline, announced=announced)
        except adjust.AdjustError as exc:
            field = "dso.announced" if exc.argument == "announced" else "dso.full"
            ck.fail_field(field, announced if announced else full, exc.problem, exc.allowed)

    # -------------------------------------------------------------- events and policies
    def entries(self, value: Any, field: str, keys: tuple[str, ...], required: tuple[str, ...]):
        items = self.ck.array_of_tables(value, field, field)
        for i, item in enumerate(items):
            yield join(field, i), self.ck.table(item, join(field, i), keys, required)

    def budget_shocks(self, timeline: Timeline, value: Any) -> Timeline:
        ck = self.ck
        timeline = replace(timeline, budget_shocks=())
        for where, t in self.entries(value, "budget_shocks", SHOCK_KEYS, SHOCK_KEYS):
            timeline = adjust.with_budget_shock(
                timeline,
                ck.event_date(t["date"], join(where, "date")),
                ck.choice(t["domain"], join(where, "domain"), DOMAIN_NAMES, "domain"),
                ck.number(t["size"], join(where, "size"), -1.0, 1.0, "change in budget pressure"),
            )
        return timeline

    def cooperation(self, timeline: Timeline, value: Any) -> Timeline:
        ck = self.ck
        timeline = replace(timeline, cooperation_policies=())
        required = ("domain", "start", "intensity")
        for where, t in self.entries(value, "cooperation", COOPERATION_KEYS, required):
            timeline = adjust.with_cooperation(
                timeline,
                ck.choice(t["domain"], join(where, "domain"), DOMAIN_NAMES, "domain"),
                ck.event_date(t["start"], join(where, "start")),
                ck.number(
                    t["intensity"], join(where, "intensity"), 0.0, 1.0, "minimum cooperation"
                ),
                ck.number(
                    t.get("training", 0.0), join(where, "training"), 0.0, 1.0, "joint training"
                ),
            )
        return timeline

    def strategy(self, value: Any) -> tuple[StrategyRule, ...]:
        """``[[strategy]]``: the secretary's choices per municipality (`model.levers`)."""
        ck = self.ck
        out = []
        for where, t in self.entries(value, "strategy", STRATEGY_KEYS, ("where",)):
            field = join(where, "where")
            selection = ck.string(t["where"], field, WHERE_FORMS)
            try:
                parse_where(selection)
            except LeverError as exc:
                ck.fail_field(field, t["where"], exc.problem, exc.allowed)
            values: dict[str, Any] = {}
            for key, item in t.items():
                if key == "where":
                    continue
                if key in CHOICES:
                    values[key] = ck.choice(item, join(where, key), CHOICES[key].values, key)
                else:
                    param = PARAMETERS[key]
                    values[key] = ck.number(
                        item, join(where, key), param.low, param.high, param.unit
                    )
            if not values:
                ck.fail_field(
                    where,
                    t,
                    "sets no choice besides 'where'",
                    f"'where' and at least one of {quoted(LEVERS)} (docs/scenarios.md)",
                )
            out.append(StrategyRule(selection, values))
        return tuple(out)

    def coalition(self, timeline: Timeline, value: Any) -> Timeline:
        ck = self.ck
        timeline = replace(timeline, coalition_choices=())
        elections = ", ".join(e.isoformat() for e in timeline.elections)
        required = ("election", "domain", "stance")
        for where, t in self.entries(value, "coalition", COALITION_KEYS, required):
            election = ck.date(t["election"], join(where, "election"))
            if election not in timeline.elections:
                ck.fail_field(
                    join(where, "election"),
                    t["election"],
                    "is not a municipal election date",
                    f"one of {elections}",
                )
            timeline = adjust.with_coalition_choice(
                timeline,
                election,
                ck.choice(t["domain"], join(where, "domain"), DOMAIN_NAMES, "domain"),
                ck.choice(t["stance"], join(where, "stance"), STANCES, "stance"),
                ck.number(t.get("share", 1.0), join(where, "share"), 0.0, 1.0, "share"),
            )
        return timeline

"""Scenario files (TOML) into `Scenario` objects; the format is documented in docs/scenarios.md.

A scenario is named by a shipped name (``"baseline"``, see `shipped_scenarios`) or by the path of
a ``.toml`` file. Files are checked completely before anything runs: every mistake is a
`ScenarioError` of one paragraph naming the file, the field (dotted path, indices from 0), the
value and what is allowed. Loading only reads files. The keys, their types, values and ranges
are declared in `scenarios.file_schema` (worded by `scenarios.file_errors`); this module follows
``extends`` and checks what needs the base scenario (dates against the inherited ones, the DSO
rule, the timeline as a whole).
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping, Set
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from govsim.model.levers import StrategyRule
from govsim.model.timeline import DomainTimeline, Postponement, Timeline, TimelineError
from govsim.scenarios import adjust
from govsim.scenarios.expectations import Expectation
from govsim.scenarios.file_errors import fail_validation
from govsim.scenarios.file_schema import (
    REQUIRED_TOP,
    DomainTable,
    Dso,
    ScenarioFile,
    Texts,
)
from govsim.scenarios.scenario import Scenario, ScenarioError
from govsim.scenarios.schema import (
    DOMAIN_NAMES,
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

LANGUAGES = ("nl", "en")
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
    """Turns one file's validated `ScenarioFile` into a `Scenario`, on top of its base."""

    def __init__(self, checker: Checker, path: Path, chain: tuple[Path, ...]) -> None:
        self.ck = checker
        self.path = path
        self.chain = chain
        self.base_name = "the baseline"

    def build(self, data: Mapping[str, Any], text: str) -> Scenario:
        ck = self.ck
        try:
            file = ScenarioFile.model_validate(data)
        except ValidationError as exc:
            fail_validation(exc, ScenarioFile, data, ck)
        base = self.base(file.extends) if file.extends is not None else None
        params = dict(base.params) if base else {}
        if file.parameters is not None:
            params.update(file.parameters.values())
        timeline = base.timeline if base else Timeline()

        stated: dict[str, DomainTable] = {}
        for domain in DOMAIN_NAMES:
            table = getattr(file, domain)
            if table is not None:
                timeline = self.domain(timeline, domain, table)
                stated[domain] = table
        for domain, table in stated.items():
            self.check_domain(timeline.domain(domain), domain, table.model_fields_set)
        if file.dso is not None:
            timeline = self.dso(timeline, file.dso)
        if file.budget_shocks is not None:
            timeline = replace(timeline, budget_shocks=())
            for s in file.budget_shocks:
                timeline = adjust.with_budget_shock(timeline, s.date, s.domain, s.size)
        if file.cooperation is not None:
            timeline = replace(timeline, cooperation_policies=())
            for c in file.cooperation:
                timeline = adjust.with_cooperation(
                    timeline, c.domain, c.start, c.intensity, c.training
                )
        if file.coalition is not None:
            timeline = replace(timeline, coalition_choices=())
            for c in file.coalition:
                timeline = adjust.with_coalition_choice(
                    timeline, c.election, c.domain, c.stance, c.share
                )
        strategy = base.strategy if base else ()
        if file.strategy is not None:
            rules = (StrategyRule(rule.where, rule.values(), rule.start) for rule in file.strategy)
            strategy = (*strategy, *rules)
        try:
            timeline.validate()
        except TimelineError as exc:
            ck.fail(
                f"the timeline is inconsistent: {exc}",
                "dates that follow each other as docs/scenarios.md describes",
            )
        expectations = tuple(
            Expectation(e.indicator, e.direction, e.at, self.texts(e.says), e.source)
            for e in file.expect or ()
        )
        return Scenario(
            name=file.name,
            title=self.texts(file.title),
            description=self.texts(file.description),
            params=params,
            timeline=timeline,
            strategy=strategy,
            expectations=expectations,
            source_text=text,
            path=self.path,
        )

    # -------------------------------------------------------------- texts and base
    @staticmethod
    def texts(table: Texts) -> dict[str, str]:
        """``[title]``/``[description]``: ``nl`` and/or ``en``; a missing one copies the other."""
        out = {lang: getattr(table, lang) for lang in LANGUAGES if getattr(table, lang)}
        first = next(iter(out.values()))
        return {lang: out.get(lang, first) for lang in LANGUAGES}

    def base(self, ref: str) -> Scenario:
        ck = self.ck
        shipped = shipped_scenarios()
        allowed = (
            f"a shipped scenario ({', '.join(shipped)}) or the path of a .toml file relative to "
            "this file"
        )
        if _looks_like_path(ref) and not ref.lower().endswith(".toml"):
            ck.fail_field("extends", ref, "names a file that is not a .toml file", allowed)
        base_path = _base_path(ref, self.path)
        if base_path is None:
            close = difflib.get_close_matches(ref, shipped, n=2)
            hint = f" (did you mean {quoted(close)}?)" if close else ""
            ck.fail_field("extends", ref, f"is not a shipped scenario{hint}", allowed)
        here = self.path.resolve() if self.path.name != "<text>" else self.path
        chain = (*self.chain, here)
        cycle = (
            "makes a cycle: the scenario would extend itself",
            "a base scenario that does not (indirectly) extend this file",
        )
        if base_path.resolve() in chain:
            ck.fail_field("extends", ref, *cycle)
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
                ck.fail_field("extends", ref, f"{long_cycle} {what}", cycle[1])
            ck.fail_field(
                "extends",
                ref,
                f"starts a chain of more than {MAX_EXTENDS} levels of extends {what}",
                f"at most {MAX_EXTENDS} levels of extends (a file, its base, the base's base, "
                "...); let a file state more itself instead of extending one more file",
            )
        except ScenarioError as exc:
            raise ScenarioError(
                ck.message(f"field 'extends' = {show(ref)} names a base scenario that fails: {exc}")
            ) from None
        self.base_name = f"'{ref}'"
        return base

    # -------------------------------------------------------------- domains
    def domain(self, timeline: Timeline, domain: str, table: DomainTable) -> Timeline:
        """The timeline with the dates ``[domain]`` states (the rest from the base)."""
        ck = self.ck
        stated = table.model_fields_set
        old = timeline.domain(domain)
        known = table.known if table.known is not None else old.known
        entry = table.entry if table.entry is not None else old.entry
        completion = table.completion if "completion" in stated else old.completion
        postponements = old.postponements
        if table.postponements is not None:
            postponements = tuple(
                Postponement(announced=p.announced, new_entry=p.new_entry)
                for p in table.postponements
            )
        rules = old.rules_final if old.rules_final is None else max(old.rules_final, known)
        if table.rules_final is not None:
            field = join(domain, "rules_final")
            rules = table.rules_final
            if rules < known:
                ck.fail_field(
                    field,
                    rules,
                    f"lies before the date the task is known ({known})",
                    f"{field} on or after {domain}.known",
                )
        updated = DomainTimeline(known, entry, postponements, completion, rules)
        timeline = timeline.with_domain(domain, updated)
        if table.lead_time_months is not None:
            months = table.lead_time_months
            try:
                timeline = adjust.set_lead_time(timeline, domain, months)
            except adjust.AdjustError as exc:
                ck.fail_field(join(domain, "lead_time_months"), months, exc.problem, exc.allowed)
        return timeline

    def check_domain(self, d: DomainTimeline, domain: str, stated: Set[str]) -> None:
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
    def dso(self, timeline: Timeline, table: Dso) -> Timeline:
        """The timeline with ``[dso]``'s dates or delay, and the DSO rule unless switched off."""
        ck = self.ck
        postpone, announced = table.postpone_entry, table.announced
        if table.delay_months is not None:
            months = table.delay_months
            try:
                return adjust.delay_dso(
                    timeline, months, postpone_entry=postpone, announced=announced
                )
            except adjust.AdjustError as exc:
                field = "dso.announced" if exc.argument == "announced" else "dso.delay_months"
                shown = announced if exc.argument == "announced" else months
                ck.fail_field(field, shown, exc.problem, exc.allowed)
        start = table.start if table.start is not None else timeline.dso_start
        full = table.full if table.full is not None else timeline.dso_full
        if full < start:
            field = "dso.full" if table.full is not None else "dso.start"
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

"""The exogenous timeline: laws, deadlines, postponements, the DSO, elections and policies.

Everything here is in dates; `Timeline.compile` turns it into per-step arrays for one calendar.
Scenario files (scenarios/) build a `Timeline`; the model never sees a scenario.

Baseline facts (report §1.1-§1.3, §4.3; DESIGN §2):
- 3D (social domain): decentralisation announced in the 2012 coalition agreement, so preparation
  runs from the start of the model (Jan 2013); laws adopted 2014; in force 1 Jan 2015.
- 3D national rules: the last of the three laws, the Wmo 2015, was adopted by the Senate on
  8 July 2014 (the Jeugdwet on 18 February 2014; DESIGN §2: "3D: laws adopted 2014"), and the
  municipalities' 2015 budgets followed in the May circular of 2014: part of the 3D work
  (contracts, budgets) could not be finished before July 2014.
- Omgevingswet (physical domain): adopted by the Senate in March 2016; entry planned
  1 Jan 2019; in July 2017 the minister of I&M told parliament that 2019 would not be met, and
  1 Jan 2021 was set later that year (Omgevingshuis, "Omgevingswet uitgesteld", 2017); the
  report has "twee jaar uitstel, tot 1-1-2021" (§1.1); completion by 2029. The model dates the
  postponement at its first announcement, July 2017.
- Omgevingswet national rules: the four general orders in council (AMvB's: Besluit activiteiten
  leefomgeving, Besluit kwaliteit leefomgeving, Besluit bouwwerken leefomgeving,
  Omgevingsbesluit) were published in the Staatsblad on 31 August 2018; before that the
  "rijkseisen" were uncertain (report Kader 10: "Onzekerheid ten aanzien rijkseisen").
- DSO: launch planned mid-2019, all original functions available in 2024 (report §4.3).
- Municipal elections: 19 Mar 2014, 21 Mar 2018, 16 Mar 2022, 18 Mar 2026.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np

from govsim.model.calendar import MonthCalendar

DOMAINS: tuple[str, str] = ("social", "physical")


class TimelineError(ValueError):
    """An inconsistent timeline (for example a postponement to before the current date)."""


def _domain_index(domain: str) -> int:
    if domain not in DOMAINS:
        raise TimelineError(f"domain must be one of {DOMAINS}, got '{domain}'")
    return DOMAINS.index(domain)


@dataclass(frozen=True)
class Postponement:
    """On ``announced``, the entry into force moves to ``new_entry`` (report Kader 10)."""

    announced: dt.date
    new_entry: dt.date


@dataclass(frozen=True)
class DomainTimeline:
    """Deadlines of one decentralisation.

    Attributes:
        known: Date from which municipalities know the task and can prepare.
        entry: Entry into force as first announced.
        postponements: Later announcements of a new entry date, in order.
        completion: Date by which implementation must be complete (None: at entry).
        rules_final: Date from which the national rules (laws, orders in council, budgets) are
            final, so that the part of the work that depends on them can be finished (None: when
            the task is known).
    """

    known: dt.date
    entry: dt.date
    postponements: tuple[Postponement, ...] = ()
    completion: dt.date | None = None
    rules_final: dt.date | None = None

    def rules_date(self) -> dt.date:
        """Date from which the national rules are final (the known date when not given)."""
        return self.rules_final if self.rules_final is not None else self.known

    def final_entry(self) -> dt.date:
        """Entry date after all postponements."""
        return self.postponements[-1].new_entry if self.postponements else self.entry

    def validate(self, name: str) -> None:
        """Raise `TimelineError` if dates contradict each other."""
        if self.entry < self.known:
            raise TimelineError(
                f"{name}: entry {self.entry} lies before the date the task is known ({self.known})"
            )
        current = self.entry
        last_announced = self.known
        for p in self.postponements:
            if p.announced < last_announced:
                raise TimelineError(
                    f"{name}: postponements must be in date order (announced {p.announced} "
                    f"comes before {last_announced})"
                )
            if p.announced >= current:
                raise TimelineError(
                    f"{name}: postponement announced {p.announced} comes after the entry into "
                    f"force it would postpone ({current})"
                )
            if p.new_entry <= p.announced:
                raise TimelineError(
                    f"{name}: postponement announced {p.announced} sets a new entry date "
                    f"{p.new_entry} that is not after the announcement"
                )
            current, last_announced = p.new_entry, p.announced
        if self.rules_final is not None and self.rules_final < self.known:
            raise TimelineError(
                f"{name}: the national rules become final on {self.rules_final}, before the "
                f"task is known ({self.known})"
            )
        if self.completion is not None and self.completion < current:
            raise TimelineError(
                f"{name}: completion {self.completion} lies before entry into force {current}"
            )


@dataclass(frozen=True)
class BudgetShock:
    """A change in budget pressure from ``date`` on (e.g. youth-care deficits; report §2.2)."""

    date: dt.date
    domain: str
    size: float


@dataclass(frozen=True)
class CooperationPolicy:
    """Regional cooperation of at least ``intensity`` from ``start`` (report §4.5, De6)."""

    domain: str
    start: dt.date
    intensity: float
    training: float = 0.0
    """Joint training: adds this much to training intensity where it applies (report §4.5)."""


@dataclass(frozen=True)
class CoalitionChoice:
    """At an election, coalitions choose to steer or to let go in a domain (report §5.5).

    Attributes:
        election: Date of the election at which the choice is made.
        domain: ``"social"`` or ``"physical"``.
        stance: ``"steer"`` (college steers, council keeps its grip) or ``"let_go"``.
        share: Share of municipalities whose coalition makes this choice.
    """

    election: dt.date
    domain: str
    stance: str
    share: float = 1.0


@dataclass(frozen=True)
class Timeline:
    """All exogenous events of a run (DESIGN §2, "Exogenous timeline")."""

    social: DomainTimeline = DomainTimeline(
        known=dt.date(2013, 1, 1), entry=dt.date(2015, 1, 1), rules_final=dt.date(2014, 7, 1)
    )
    physical: DomainTimeline = DomainTimeline(
        known=dt.date(2016, 3, 1),
        entry=dt.date(2019, 1, 1),
        postponements=(Postponement(dt.date(2017, 7, 1), dt.date(2021, 1, 1)),),
        completion=dt.date(2029, 12, 31),
        rules_final=dt.date(2018, 9, 1),
    )
    dso_start: dt.date = dt.date(2019, 7, 1)
    dso_full: dt.date = dt.date(2024, 1, 1)
    elections: tuple[dt.date, ...] = (
        dt.date(2014, 3, 19),
        dt.date(2018, 3, 21),
        dt.date(2022, 3, 16),
        dt.date(2026, 3, 18),
    )
    budget_shocks: tuple[BudgetShock, ...] = ()
    cooperation_policies: tuple[CooperationPolicy, ...] = ()
    coalition_choices: tuple[CoalitionChoice, ...] = field(default_factory=tuple)

    def domain(self, name: str) -> DomainTimeline:
        """Return the `DomainTimeline` of ``"social"`` or ``"physical"``."""
        _domain_index(name)
        return self.social if name == "social" else self.physical

    def with_domain(self, name: str, domain_timeline: DomainTimeline) -> Timeline:
        """Return a copy with one domain's deadlines replaced."""
        _domain_index(name)
        return replace(self, **{name: domain_timeline})

    def validate(self) -> None:
        """Raise `TimelineError` if the timeline contradicts itself."""
        self.social.validate("social")
        self.physical.validate("physical")
        if self.dso_full < self.dso_start:
            raise TimelineError(
                f"DSO full availability {self.dso_full} lies before its start {self.dso_start}"
            )
        for shock in self.budget_shocks:
            _domain_index(shock.domain)
        for policy in self.cooperation_policies:
            _domain_index(policy.domain)
            if not 0.0 <= policy.intensity <= 1.0:
                raise TimelineError(
                    f"cooperation intensity must be in [0, 1], got {policy.intensity}"
                )
            if not 0.0 <= policy.training <= 1.0:
                raise TimelineError(
                    f"cooperation training must be in [0, 1], got {policy.training}"
                )
        for choice in self.coalition_choices:
            _domain_index(choice.domain)
            if choice.stance not in ("steer", "let_go"):
                raise TimelineError(
                    f"coalition stance must be 'steer' or 'let_go', got '{choice.stance}'"
                )
            if choice.election not in self.elections:
                raise TimelineError(
                    f"coalition choice at {choice.election} does not match an election date "
                    f"({', '.join(d.isoformat() for d in self.elections)})"
                )

    def events(self) -> list[tuple[dt.date, str, str]]:
        """Return (date, domain, short English description) of every dated event, in order."""
        out: list[tuple[dt.date, str, str]] = []
        for name in DOMAINS:
            d = self.domain(name)
            out.append((d.known, name, "task known"))
            if d.rules_final is not None:
                out.append((d.rules_final, name, "national rules final"))
            out.append((d.entry, name, "entry into force (planned)"))
            for p in d.postponements:
                out.append((p.announced, name, f"postponement announced: entry {p.new_entry}"))
            if d.postponements:
                out.append((d.final_entry(), name, "entry into force"))
            if d.completion:
                out.append((d.completion, name, "completion required"))
        out.append((self.dso_start, "physical", "DSO launch"))
        out.append((self.dso_full, "physical", "DSO fully available"))
        out += [(e, "both", "municipal elections") for e in self.elections]
        out += [(s.date, s.domain, f"budget shock {s.size:+.2f}") for s in self.budget_shocks]
        out += [
            (p.start, p.domain, f"regional cooperation policy {p.intensity:.2f}")
            for p in self.cooperation_policies
        ]
        return sorted(out, key=lambda e: e[0])

    def compile(self, calendar: MonthCalendar) -> CompiledTimeline:
        """Turn the dates into per-step arrays for ``calendar``."""
        self.validate()
        return CompiledTimeline.build(self, calendar)


@dataclass(frozen=True)
class CompiledTimeline:
    """Per-step view of a `Timeline`; arrays are indexed by step (index 0 = before start).

    Attributes:
        known: (steps+1, 2) whether each domain's task is known.
        known_step: (2,) step from which each domain's task is known.
        rules_known: (steps+1, 2) whether each domain's national rules are final.
        entry_step: (steps+1, 2) the entry step as announced at each step.
        postponements: (steps+1, 2) number of postponements announced so far.
        completion_step: (2,) completion step per domain (entry step for the social domain).
        dso_availability: (steps+1,) national DSO availability in [0, 1].
        election: (steps+1,) whether a municipal election falls in the month.
        budget_shock: (steps+1, 2) budget-pressure change starting in each month.
        cooperation_floor: (steps+1, 2) minimum regional cooperation by policy.
        joint_training: (steps+1, 2) extra training intensity by policy.
        coalition: mapping step -> tuple of `CoalitionChoice` made at that election.
    """

    known: np.ndarray
    known_step: np.ndarray
    rules_known: np.ndarray
    entry_step: np.ndarray
    postponements: np.ndarray
    completion_step: np.ndarray
    dso_availability: np.ndarray
    election: np.ndarray
    budget_shock: np.ndarray
    cooperation_floor: np.ndarray
    joint_training: np.ndarray
    coalition: dict[int, tuple[CoalitionChoice, ...]]

    @classmethod
    def build(cls, timeline: Timeline, calendar: MonthCalendar) -> CompiledTimeline:
        """Compile ``timeline`` on ``calendar`` (see `Timeline.compile`)."""
        n = calendar.n_steps
        steps = np.arange(n + 1)
        known = np.zeros((n + 1, 2), dtype=bool)
        rules = np.zeros((n + 1, 2), dtype=bool)
        entry = np.zeros((n + 1, 2), dtype=np.int64)
        npost = np.zeros((n + 1, 2), dtype=np.int64)
        completion = np.zeros(2, dtype=np.int64)
        known_step = np.zeros(2, dtype=np.int64)
        for d, name in enumerate(DOMAINS):
            dom = timeline.domain(name)
            known_step[d] = calendar.step_of(dom.known)
            known[:, d] = steps >= known_step[d]
            rules[:, d] = steps >= calendar.step_of(dom.rules_date())
            entry[:, d] = calendar.step_of(dom.entry)
            for p in dom.postponements:
                at = steps >= calendar.step_of(p.announced)
                entry[at, d] = calendar.step_of(p.new_entry)
                npost[at, d] += 1
            final = calendar.step_of(dom.final_entry())
            completion[d] = calendar.step_of(dom.completion) if dom.completion else final
        s0, s1 = calendar.step_of(timeline.dso_start), calendar.step_of(timeline.dso_full)
        dso = np.clip((steps - s0 + 1) / max(s1 - s0 + 1, 1), 0.0, 1.0)
        election = np.isin(steps, [calendar.step_of(e) for e in timeline.elections])
        shock = np.zeros((n + 1, 2))
        for b in timeline.budget_shocks:
            k = calendar.step_of(b.date)
            if 1 <= k <= n:
                shock[k, _domain_index(b.domain)] += b.size
        floor = np.zeros((n + 1, 2))
        training = np.zeros((n + 1, 2))
        for p in timeline.cooperation_policies:
            d = _domain_index(p.domain)
            at = steps >= calendar.step_of(p.start)
            floor[at, d] = np.maximum(floor[at, d], p.intensity)
            training[at, d] = np.maximum(training[at, d], p.training)
        coalition: dict[int, tuple[CoalitionChoice, ...]] = {}
        for c in timeline.coalition_choices:
            k = calendar.step_of(c.election)
            coalition[k] = (*coalition.get(k, ()), c)
        return cls(
            known,
            known_step,
            rules,
            entry,
            npost,
            completion,
            dso,
            election,
            shock,
            floor,
            training,
            coalition,
        )


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _domain_to_mapping(d: DomainTimeline) -> dict[str, object]:
    return {
        "known": d.known.isoformat(),
        "entry": d.entry.isoformat(),
        "postponements": [
            {"announced": p.announced.isoformat(), "new_entry": p.new_entry.isoformat()}
            for p in d.postponements
        ],
        "completion": d.completion.isoformat() if d.completion else None,
        "rules_final": d.rules_final.isoformat() if d.rules_final else None,
    }


def _domain_from_mapping(m: dict) -> DomainTimeline:
    return DomainTimeline(
        known=dt.date.fromisoformat(m["known"]),
        entry=dt.date.fromisoformat(m["entry"]),
        postponements=tuple(
            Postponement(_date(p["announced"]), _date(p["new_entry"])) for p in m["postponements"]
        ),
        completion=_date(m["completion"]),
        rules_final=_date(m["rules_final"]),
    )


def timeline_to_mapping(timeline: Timeline) -> dict[str, object]:
    """The whole timeline as plain JSON values (ISO dates), e.g. for a run's manifest.

    `timeline_from_mapping` gives back an equal `Timeline`, so a stored run can be re-reported
    (``govsim report``) without its scenario files.
    """
    return {
        "social": _domain_to_mapping(timeline.social),
        "physical": _domain_to_mapping(timeline.physical),
        "dso_start": timeline.dso_start.isoformat(),
        "dso_full": timeline.dso_full.isoformat(),
        "elections": [d.isoformat() for d in timeline.elections],
        "budget_shocks": [
            {"date": s.date.isoformat(), "domain": s.domain, "size": s.size}
            for s in timeline.budget_shocks
        ],
        "cooperation_policies": [
            {
                "domain": p.domain,
                "start": p.start.isoformat(),
                "intensity": p.intensity,
                "training": p.training,
            }
            for p in timeline.cooperation_policies
        ],
        "coalition_choices": [
            {
                "election": c.election.isoformat(),
                "domain": c.domain,
                "stance": c.stance,
                "share": c.share,
            }
            for c in timeline.coalition_choices
        ],
    }


def timeline_from_mapping(m: dict) -> Timeline:
    """The `Timeline` that `timeline_to_mapping` wrote (raises KeyError/ValueError if broken)."""
    return Timeline(
        social=_domain_from_mapping(m["social"]),
        physical=_domain_from_mapping(m["physical"]),
        dso_start=dt.date.fromisoformat(m["dso_start"]),
        dso_full=dt.date.fromisoformat(m["dso_full"]),
        elections=tuple(dt.date.fromisoformat(d) for d in m["elections"]),
        budget_shocks=tuple(
            BudgetShock(dt.date.fromisoformat(s["date"]), s["domain"], float(s["size"]))
            for s in m["budget_shocks"]
        ),
        cooperation_policies=tuple(
            CooperationPolicy(
                p["domain"],
                dt.date.fromisoformat(p["start"]),
                float(p["intensity"]),
                float(p["training"]),
            )
            for p in m["cooperation_policies"]
        ),
        coalition_choices=tuple(
            CoalitionChoice(
                dt.date.fromisoformat(c["election"]), c["domain"], c["stance"], float(c["share"])
            )
            for c in m["coalition_choices"]
        ),
    )

"""Names, labels (Dutch and English) and computation of the model's national indicators.

This module is the one place where an indicator gets its name and its translation; the
DataCollector, the scenario report, the visualiser and the experiments all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from agents.secretary import MODES
from model.instruments import INSTRUMENTS
from model.municipalities import SIZE_CLASSES
from model.parameters import STRATEGIES
from model.timeline import DOMAINS

if TYPE_CHECKING:  # pragma: no cover
    from model.governance_model import GovernanceModel

TERMS: dict[str, tuple[str, str]] = {
    # domains
    "social": ("sociaal domein (3D)", "social domain (3D)"),
    "physical": ("fysiek domein (Omgevingswet)", "physical domain (Environment Act)"),
    "other": ("overig", "other"),
    # steering modes (Van der Steen et al. 2014)
    "legal": ("rechtmatig", "legal"),
    "performing": ("presterend", "performing"),
    "collaborative": ("samenwerkend", "collaborative"),
    "responsive": ("responsief", "responsive"),
    # size classes
    "lt10k": ("< 10.000 inw.", "< 10,000 inh."),
    "10k_20k": ("10.000-20.000 inw.", "10,000-20,000 inh."),
    "20k_50k": ("20.000-50.000 inw.", "20,000-50,000 inh."),
    "50k_100k": ("50.000-100.000 inw.", "50,000-100,000 inh."),
    "gt100k": ("> 100.000 inw.", "> 100,000 inh."),
    # quantities
    "transition": ("transitie", "transition"),
    "transformation": ("transformatie", "transformation"),
    "dominant": ("aandeel gemeenten met dominante sturing", "share of municipalities mainly"),
    "mix": ("gemiddeld sturingsgewicht", "mean steering weight"),
    "urgency": ("urgentie", "urgency"),
    "time_pressure": ("tijdsdruk", "time pressure"),
    "college_attention": ("aandacht college", "college attention"),
    "council_attention": ("aandacht raad", "council attention"),
    "council_steering": ("sturing door de raad", "council steering"),
    "staff_adoption": ("medewerkers die nieuw werken", "staff working the new way"),
    "participation": ("participerende inwoners", "citizens taking part"),
    "citizen_trust": ("vertrouwen van inwoners", "citizens' trust"),
    "council_trust": ("vertrouwen raad in inwoners", "council's trust in citizens"),
    "cooperation": ("regionale samenwerking", "regional cooperation"),
    "budget": ("budgetdruk", "budget pressure"),
    "satisfaction": ("tevredenheid secretaris", "secretary satisfaction"),
    "dso_connection": ("aansluiting DSO", "DSO connection"),
    "dso_availability": ("landelijke beschikbaarheid DSO", "national DSO availability"),
    "mode_changes": ("wisselingen dominante sturing", "dominant-mode changes"),
    "incidents": ("incidenten", "incidents"),
    "initiatives_blocked": (
        "geblokkeerde of heropende initiatieven",
        "initiatives blocked or reopened",
    ),
    "strategy": ("aandeel gemeenten met strategie", "share of municipalities with strategy"),
    "on_schedule": (
        "aandeel gemeenten met transitie op schema",
        "share of municipalities with the transition on schedule",
    ),
    "wait": ("afwachten", "wait"),
    "prepare": ("voorbereiden", "prepare"),
    "front_run": ("voorlopen", "front-run"),
    "instrument": ("voortgang instrument", "instrument progress"),
    "dso_preparation": (
        "voorbereiding DSO (gemeentelijke lijn)",
        "DSO preparation (municipal line)",
    ),
    "p10": ("10e percentiel van gemeenten", "10th percentile of municipalities"),
    "p50": ("mediaan van gemeenten", "median of municipalities"),
    "p90": ("90e percentiel van gemeenten", "90th percentile of municipalities"),
    **{i.name: (i.nl, i.en) for i in INSTRUMENTS},
}
"""Dutch and English labels of every term used in indicator names."""

UNITS: dict[str, str] = {
    "dominant": "share",
    "mix": "share",
    "staff_adoption": "share",
    "participation": "share",
    "mode_changes": "count",
    "incidents": "count",
    "initiatives_blocked": "share",
    "strategy": "share",
    "on_schedule": "share",
}

ON_SCHEDULE_TOLERANCE = 0.02
"""A municipality is on schedule when its transition is within this of the plan
(`model.mechanisms.transition.expected_transition`): rounding, not a judgement."""

PERCENTILES: tuple[str, ...] = ("p10", "p50", "p90")
"""Percentiles across municipalities that the national series carry for transition and
transformation (per domain and size class): heterogeneity is an output."""


@dataclass(frozen=True)
class Indicator:
    """One national time series collected every step."""

    name: str
    quantity: str
    parts: tuple[str, ...]

    def label(self, lang: str = "en") -> str:
        """Human-readable label in ``"nl"`` or ``"en"``."""
        i = 0 if lang == "nl" else 1
        head = TERMS[self.quantity][i]
        if self.quantity == "mode_changes":
            d, a, b = self.parts
            return f"{head}: {TERMS[a][i]} → {TERMS[b][i]} ({TERMS[d][i]})"
        parts = [p for p in self.parts if p not in PERCENTILES]
        stat = [p for p in self.parts if p in PERCENTILES]
        text = head if not parts else f"{head} — " + ", ".join(TERMS[p][i] for p in parts)
        return f"{text} ({TERMS[stat[0]][i]})" if stat else text

    @property
    def statistic(self) -> str:
        """``mean`` (or the national value) or the percentile (``p10``, ``p50``, ``p90``)."""
        last = self.parts[-1] if self.parts else ""
        return last if last in PERCENTILES else "mean"

    @property
    def unit(self) -> str:
        """Unit: ``share`` (0-1), ``index`` (0-1) or ``count``."""
        return UNITS.get(self.quantity, "index")


def _build() -> tuple[Indicator, ...]:
    out: list[Indicator] = []

    def add(quantity: str, *parts: str) -> None:
        out.append(Indicator("_".join((quantity, *parts)), quantity, parts))

    for d in DOMAINS:
        add("transition", d)
        add("transformation", d)
        for s in SIZE_CLASSES:
            add("transition", d, s)
            add("transformation", d, s)
        for q in ("transition", "transformation"):
            for stat in PERCENTILES:
                add(q, d, stat)
            for s in SIZE_CLASSES:
                for stat in PERCENTILES:
                    add(q, d, s, stat)
        for strat in STRATEGIES:
            add("strategy", d, strat)
        add("on_schedule", d)
        for mode in MODES:
            add("dominant", d, mode)
            add("mix", d, mode)
        for q in (
            "urgency",
            "time_pressure",
            "college_attention",
            "council_attention",
            "council_steering",
            "staff_adoption",
            "participation",
            "cooperation",
            "budget",
            "satisfaction",
            "incidents",
            "initiatives_blocked",
        ):
            add(q, d)
        for a in MODES:
            for b in MODES:
                if a != b:
                    add("mode_changes", d, a, b)
    for instrument in INSTRUMENTS:
        if instrument.name != "dso_connection":
            add("instrument", instrument.name)
    add("dso_preparation")
    add("staff_adoption", "other")
    add("citizen_trust")
    add("council_trust")
    add("dso_connection")
    add("dso_availability")
    return tuple(out)


INDICATORS: tuple[Indicator, ...] = _build()
BY_NAME: dict[str, Indicator] = {i.name: i for i in INDICATORS}


def label(name: str, lang: str = "en") -> str:
    """Label of indicator ``name`` (or of a single term) in ``lang``."""
    if name in BY_NAME:
        return BY_NAME[name].label(lang)
    return TERMS[name][0 if lang == "nl" else 1]


def compute_indicators(model: GovernanceModel) -> dict[str, float]:
    """Compute every indicator of `INDICATORS` for the model's current state."""
    s = model.state
    values: dict[str, float] = {}
    size = model.municipalities.size_class
    size_n = np.bincount(size, minlength=len(SIZE_CLASSES))
    adoption = model.team_adoption
    dominant = s.steering.argmax(axis=2)
    out = model.last_participation
    progress = np.column_stack([s.transition, s.transformation])  # (M, 4): T_s, T_p, F_s, F_p
    quantiles = _quantiles(progress, size, len(SIZE_CLASSES))
    known = model.compiled.known[model.steps] if model.steps else np.zeros(2, dtype=bool)
    strategy_share = [
        np.bincount(s.strategy[:, d], minlength=len(STRATEGIES)) / len(s.strategy) for d in range(2)
    ]
    for c, instrument in enumerate(INSTRUMENTS):
        if instrument.name != "dso_connection":
            values[f"instrument_{instrument.name}"] = float(s.instruments[:, c].mean())
    values["dso_preparation"] = float(s.dso_preparation.mean())
    for d, dom in enumerate(DOMAINS):
        for j, (q, arr) in enumerate(
            (("transition", s.transition[:, d]), ("transformation", s.transformation[:, d]))
        ):
            column = 2 * j + d
            values[f"{q}_{dom}"] = float(arr.mean())
            by_size = np.bincount(size, weights=arr, minlength=len(SIZE_CLASSES))
            by_size = by_size / np.maximum(size_n, 1)
            for k, cls in enumerate(SIZE_CLASSES):
                values[f"{q}_{dom}_{cls}"] = float(by_size[k])
            for i, stat in enumerate(PERCENTILES):
                values[f"{q}_{dom}_{stat}"] = float(quantiles[0][i, column])
                for k, cls in enumerate(SIZE_CLASSES):
                    values[f"{q}_{dom}_{cls}_{stat}"] = float(quantiles[k + 1][i, column])
        for i, strat in enumerate(STRATEGIES):
            values[f"strategy_{dom}_{strat}"] = float(strategy_share[d][i]) if known[d] else 0.0
        on_plan = s.transition[:, d] >= s.plan[d] - ON_SCHEDULE_TOLERANCE
        values[f"on_schedule_{dom}"] = float(on_plan.mean()) if known[d] else 0.0
        dom_share = np.bincount(dominant[:, d], minlength=4) / len(dominant)
        mix = s.steering[:, d, :].mean(axis=0)
        for k, mode in enumerate(MODES):
            values[f"dominant_{dom}_{mode}"] = float(dom_share[k])
            values[f"mix_{dom}_{mode}"] = float(mix[k])
        values[f"urgency_{dom}"] = float(s.urgency[d])
        values[f"time_pressure_{dom}"] = float(s.time_pressure[:, d].mean())
        values[f"college_attention_{dom}"] = float(model.colleges.attention[:, d].mean())
        values[f"council_attention_{dom}"] = float(model.councils.attention[:, d].mean())
        values[f"council_steering_{dom}"] = float(model.councils.steering[:, d].mean())
        values[f"staff_adoption_{dom}"] = float(adoption[:, d].mean())
        values[f"participation_{dom}"] = float(
            out.participants[:, d].sum() / max(out.citizens[:, d].sum(), 1)
        )
        values[f"cooperation_{dom}"] = float(s.cooperation[:, d].mean())
        values[f"budget_{dom}"] = float(s.budget[:, d].mean())
        values[f"satisfaction_{dom}"] = float(model.secretaries.satisfaction[:, d].mean())
        values[f"incidents_{dom}"] = float(s.incidents_total[d])
        values[f"initiatives_blocked_{dom}"] = float(
            out.blocked[:, d].sum() / max(out.initiatives[:, d].sum(), 1)
        )
        for a, ma in enumerate(MODES):
            for b, mb in enumerate(MODES):
                if a != b:
                    values[f"mode_changes_{dom}_{ma}_{mb}"] = float(s.mode_changes[d, a, b])
    values["staff_adoption_other"] = float(adoption[:, 2].mean())
    values["citizen_trust"] = float(model.citizens.trust.mean())
    values["council_trust"] = float(model.councils.trust_in_citizens.mean())
    values["dso_connection"] = float(s.dso_connection.mean())
    values["dso_availability"] = float(s.dso_availability)
    return values


_QUANTILE_LEVELS = np.array([0.1, 0.5, 0.9])


def _quantiles(values: np.ndarray, group: np.ndarray, n_groups: int) -> list[np.ndarray]:
    """10th, 50th and 90th percentile (3, k) of ``values`` (M, k), nationally and per group.

    The same numbers as ``np.quantile`` (its default, linear interpolation) from one sort of
    all groups at once. An empty group (a size class missing from a subset of municipalities)
    gives 0, as its mean does in the size-class indicators.
    """
    m = values.shape[0]
    out = [_sorted_quantiles(np.sort(values, axis=0), np.array([0]), np.array([m]))[0]]
    order = np.argsort(group, kind="stable")
    counts = np.bincount(group, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    # values in [0, 1]: adding 2 x group sorts by group first, then by value
    keyed = np.sort(values[order] + 2.0 * group[order][:, None], axis=0)
    keyed -= 2.0 * np.repeat(np.arange(n_groups), counts)[:, None]
    out += list(_sorted_quantiles(keyed, starts, counts))
    return out


def _sorted_quantiles(ordered: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Percentiles (groups, 3, k) of column-sorted rows, groups given by start and count."""
    pos = _QUANTILE_LEVELS[None, :] * np.maximum(counts - 1, 0)[:, None]
    low = np.floor(pos).astype(np.int64)
    frac = (pos - low)[..., None]
    high = np.minimum(low + 1, np.maximum(counts - 1, 0)[:, None])
    base = starts[:, None]
    last = len(ordered) - 1
    lo = ordered[np.minimum(base + low, last)]
    hi = ordered[np.minimum(base + high, last)]
    result = lo + frac * (hi - lo)
    result[counts == 0] = 0.0
    return result

"""Names, labels (Dutch and English) and computation of the model's national indicators.

This module is the one place where an indicator gets its name and its translation; the
DataCollector, the scenario report, the visualiser and the experiments all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from govsim.agents.modes import MODES
from govsim.model.instruments import INSTRUMENTS
from govsim.model.municipalities import SIZE_CLASSES
from govsim.model.parameters import STRATEGIES
from govsim.model.timeline import DOMAINS

if TYPE_CHECKING:  # pragma: no cover
    from govsim.model.governance_model import GovernanceModel

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

BETTER: dict[str, int] = {
    "transition": 1,
    "transformation": 1,
    "on_schedule": 1,
    "staff_adoption": 1,
    "participation": 1,
    "citizen_trust": 1,
    "council_trust": 1,
    "satisfaction": 1,
    "dso_connection": 1,
    "dso_preparation": 1,
    "instrument": 1,
    "cooperation": 1,
    "budget": -1,
    "incidents": -1,
    "initiatives_blocked": -1,
    "time_pressure": -1,
}
"""Which way is better for the implementation, per quantity: +1 higher, -1 lower. Quantities not
listed (urgency, attention, council steering, steering modes and their changes, strategies, the
national DSO availability) carry no judgement: the report describes them as conditions, not
goals (report §5: "geen blauwdruk"), so their differences are shown without a colour."""

MEANING: dict[str, tuple[str, str]] = {
    "transition": (
        "de nieuwe taken zijn ingericht: instrumenten, processen, budgetten (0 niets, 1 klaar)",
        "the new tasks are set up: instruments, processes, budgets (0 nothing, 1 done)",
    ),
    "transformation": (
        "er wordt anders gewerkt: integraal, vanuit de inwoner, met ruimte (0-1)",
        "the work is done differently: integrated, from the citizen's side, with room (0-1)",
    ),
    "on_schedule": (
        "aandeel gemeenten waarvan de transitie het plan volgt (binnen 0,02)",
        "share of municipalities whose transition keeps to the plan (within 0.02)",
    ),
    "dominant": (
        "aandeel gemeenten waar deze sturingsstijl de grootste is",
        "share of municipalities where this steering mode is the largest",
    ),
    "mix": (
        "gemiddeld gewicht van deze sturingsstijl in de mix van vier (som 1)",
        "mean weight of this steering mode in the mix of four (sums to 1)",
    ),
    "urgency": (
        "gevoelde urgentie in de organisatie (0-1)",
        "urgency felt in the organisation (0-1)",
    ),
    "time_pressure": (
        "druk van de naderende termijn (0-1)",
        "pressure of the approaching deadline (0-1)",
    ),
    "college_attention": (
        "aandacht van het college voor het domein (0-1)",
        "the college's attention to the domain (0-1)",
    ),
    "council_attention": (
        "aandacht van de raad voor het domein (0-1)",
        "the council's attention to the domain (0-1)",
    ),
    "council_steering": (
        "hoe sterk de raad op details stuurt (0-1)",
        "how strongly the council steers on detail (0-1)",
    ),
    "staff_adoption": (
        "aandeel medewerkers dat op de nieuwe manier werkt",
        "share of staff working the new way",
    ),
    "participation": (
        "aandeel inwoners dat meedoet (initiatieven, inspraak)",
        "share of citizens taking part (initiatives, consultation)",
    ),
    "citizen_trust": (
        "vertrouwen van inwoners in de gemeente (0-1)",
        "citizens' trust in the municipality (0-1)",
    ),
    "council_trust": (
        "vertrouwen van de raad in inwoners (0-1)",
        "the council's trust in citizens (0-1)",
    ),
    "cooperation": (
        "intensiteit van regionale samenwerking (0-1)",
        "intensity of regional cooperation (0-1)",
    ),
    "budget": ("budgetdruk (0 geen, 1 zwaar)", "budget pressure (0 none, 1 severe)"),
    "satisfaction": (
        "tevredenheid van de secretaris over de implementatie (0-1)",
        "the secretary's satisfaction with the implementation (0-1)",
    ),
    "dso_connection": (
        "gemiddelde aansluiting van gemeenten op het DSO (0-1)",
        "municipalities' mean connection to the DSO (0-1)",
    ),
    "dso_availability": (
        "landelijke beschikbaarheid van het DSO; invoer van het scenario (0-1)",
        "national availability of the DSO; an input of the scenario (0-1)",
    ),
    "dso_preparation": (
        "voorbereiding van de gemeentelijke aansluiting op het DSO (0-1)",
        "preparation of the municipal connection to the DSO (0-1)",
    ),
    "mode_changes": (
        "aantal wisselingen van dominante sturingsstijl per maand",
        "number of changes of dominant steering mode per month",
    ),
    "incidents": ("aantal incidenten per maand", "number of incidents per month"),
    "initiatives_blocked": (
        "aandeel initiatieven van inwoners dat wordt geblokkeerd of heropend",
        "share of citizens' initiatives blocked or reopened",
    ),
    "strategy": (
        "aandeel gemeenten met deze strategie (afwachten, voorbereiden, voorlopen)",
        "share of municipalities with this strategy (wait, prepare, front-run)",
    ),
    "instrument": (
        "voortgang van dit instrument van de transitie (0-1)",
        "progress of this instrument of the transition (0-1)",
    ),
}
"""What each quantity measures, in Dutch and English (the report's glossary)."""


def better(name: str) -> int:
    """+1 if higher is better for the implementation, -1 if lower is, 0 if no judgement.

    Percentiles across municipalities follow their quantity (`BETTER`).
    """
    quantity = BY_NAME[name].quantity if name in BY_NAME else name
    return BETTER.get(quantity, 0)


def meaning(name: str, lang: str = "en") -> str:
    """What indicator (or quantity) ``name`` measures, in ``lang`` (`MEANING`)."""
    quantity = BY_NAME[name].quantity if name in BY_NAME else name
    return MEANING[quantity][0 if lang == "nl" else 1]


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
    """Compute every indicator of `INDICATORS` for the model's current state.

    The national means of per-municipality quantities come from one reduction over a stacked
    (quantities, M) array, gathered by one concatenation (`_STACKED_NAMES`): numpy sums each
    contiguous row pairwise, as ``row.mean()`` does, so the values are the same to the bit as one
    mean per quantity. The numba backend computes the rest in one compiled pass
    (`model.fused.indicators`), to the same bits. A size class without municipalities (a run on
    a subset) has no mean and no percentiles: its indicators are NaN (missing), not 0.
    """
    s = model.state
    known = model.compiled.known[model.steps] if model.steps else np.zeros(2, dtype=bool)

    stacked = np.concatenate(  # rows in the order of `_STACKED_NAMES`
        [
            s.instruments.T[_STACKED_INSTRUMENTS],
            s.dso_preparation[None, :],
            s.transition.T,
            s.transformation.T,
            (s.transition >= s.plan - ON_SCHEDULE_TOLERANCE).T,
            s.time_pressure.T,
            model.colleges.attention.T,
            model.councils.attention.T,
            model.councils.steering.T,
            model.team_adoption.T,
            s.cooperation.T,
            s.budget.T,
            model.secretaries.satisfaction.T,
            model.councils.trust_in_citizens[None, :],
            s.dso_connection[None, :],
        ]
    )
    if model.backend == "numba":
        return _compiled_indicators(model, stacked, known)
    n = model.municipalities.n
    size = model.municipalities.size_class
    n_cls = len(SIZE_CLASSES)
    size_n = np.bincount(size, minlength=n_cls)
    out = model.last_participation
    values: dict[str, float] = dict(
        zip(_STACKED_NAMES, (stacked.sum(axis=1) / n).tolist(), strict=True)
    )

    progress = np.column_stack([s.transition, s.transformation])  # (M, 4): T_s, T_p, F_s, F_p
    by_size = np.bincount(
        (size[None, :] + n_cls * np.arange(4)[:, None]).ravel(),
        weights=progress.T.ravel(),
        minlength=4 * n_cls,
    )
    size_means = by_size.reshape(4, n_cls) / np.maximum(size_n, 1)
    size_means[:, size_n == 0] = np.nan  # a class without municipalities has no mean
    values.update(zip(_SIZE_KEYS, size_means.ravel().tolist(), strict=True))
    quantiles = np.stack(_quantiles(progress, size, n_cls))
    values.update(zip(_QUANTILE_KEYS, quantiles.ravel().tolist(), strict=True))
    n_strategies = len(STRATEGIES)
    strategy_count = np.bincount(
        (s.strategy + n_strategies * np.arange(2)[None, :]).ravel(), minlength=2 * n_strategies
    ).reshape(2, n_strategies)
    strategy_share = (strategy_count / n * known[:, None]).ravel()
    values.update(zip(_STRATEGY_KEYS, strategy_share.tolist(), strict=True))
    dominant = s.steering.argmax(axis=2) + 4 * np.arange(2)[None, :]
    dominant_share = np.bincount(dominant.ravel(), minlength=8) / n
    values.update(zip(_DOMINANT_KEYS, dominant_share.tolist(), strict=True))
    mix = s.steering.sum(axis=0) / n  # sum / count: what ``mean`` computes
    values.update(zip(_MIX_KEYS, mix.ravel().tolist(), strict=True))
    changes = s.mode_changes.ravel()[_OFF_DIAGONAL].astype(np.float64)
    values.update(zip(_CHANGE_KEYS, changes.tolist(), strict=True))
    participants = out.participants.sum(axis=0).tolist()
    citizens = out.citizens.sum(axis=0).tolist()
    initiatives = out.initiatives.sum(axis=0).tolist()
    blocked = out.blocked.sum(axis=0).tolist()
    for d, dom in enumerate(DOMAINS):
        if not known[d]:
            values[f"on_schedule_{dom}"] = 0.0
        values[f"urgency_{dom}"] = float(s.urgency[d])
        values[f"participation_{dom}"] = participants[d] / max(citizens[d], 1)
        values[f"incidents_{dom}"] = float(s.incidents_total[d])
        values[f"initiatives_blocked_{dom}"] = blocked[d] / max(initiatives[d], 1)
    values["citizen_trust"] = float(model.citizens.trust.mean())
    values["dso_availability"] = float(s.dso_availability)
    return {i.name: values[i.name] for i in INDICATORS}


def _compiled_indicators(
    model: GovernanceModel, stacked: np.ndarray, known: np.ndarray
) -> dict[str, float]:
    """`compute_indicators` in one compiled pass (`model.fused.indicators`): the same numbers."""
    from govsim.model.fused import indicators as fused_indicators  # numba: loaded when run

    s, out = model.state, model.last_participation
    row = np.empty(len(_ROW_NAMES))
    fused_indicators.indicator_row(
        stacked,
        np.column_stack([s.transition, s.transformation]),
        model.municipalities.size_class,
        len(SIZE_CLASSES),
        _QUANTILE_LEVELS,
        s.strategy,
        len(STRATEGIES),
        s.steering,
        s.mode_changes,
        out.participants,
        out.citizens,
        out.initiatives,
        out.blocked,
        known,
        _ON_SCHEDULE_ROWS,
        s.urgency,
        s.incidents_total,
        model.citizens.trust,
        float(s.dso_availability),
        row,
    )
    return dict(zip(INDICATOR_NAMES, row[_ROW_ORDER].tolist(), strict=True))


_STACKED_INSTRUMENTS = np.array(
    [c for c, instrument in enumerate(INSTRUMENTS) if instrument.name != "dso_connection"]
)
"""The instruments whose national mean is an indicator of its own (`compute_indicators`)."""
_STACKED_NAMES = [
    *(f"instrument_{INSTRUMENTS[c].name}" for c in _STACKED_INSTRUMENTS),
    "dso_preparation",
    *(
        f"{quantity}_{dom}"
        for quantity in (
            "transition",
            "transformation",
            "on_schedule",
            "time_pressure",
            "college_attention",
            "council_attention",
            "council_steering",
        )
        for dom in DOMAINS
    ),
    *(f"staff_adoption_{team}" for team in (*DOMAINS, "other")),
    *(
        f"{quantity}_{dom}"
        for quantity in ("cooperation", "budget", "satisfaction")
        for dom in DOMAINS
    ),
    "council_trust",
    "dso_connection",
]
"""The indicators that are national means of one quantity, in the rows of `compute_indicators`'s
stacked array."""

_PROGRESS = [(q, dom) for q in ("transition", "transformation") for dom in DOMAINS]
"""The four columns of the progress matrix in `compute_indicators`, (quantity, domain)."""
_SIZE_KEYS = [f"{q}_{dom}_{cls}" for q, dom in _PROGRESS for cls in SIZE_CLASSES]
_QUANTILE_KEYS = [
    f"{q}_{dom}_{stat}" if group == "" else f"{q}_{dom}_{group}_{stat}"
    for group in ("", *SIZE_CLASSES)
    for stat in PERCENTILES
    for q, dom in _PROGRESS
]
_STRATEGY_KEYS = [f"strategy_{dom}_{strat}" for dom in DOMAINS for strat in STRATEGIES]
_DOMINANT_KEYS = [f"dominant_{dom}_{mode}" for dom in DOMAINS for mode in MODES]
_MIX_KEYS = [f"mix_{dom}_{mode}" for dom in DOMAINS for mode in MODES]
_CHANGE_KEYS = [
    f"mode_changes_{dom}_{a}_{b}" for dom in DOMAINS for a in MODES for b in MODES if a != b
]
_OFF_DIAGONAL = np.array(
    [a != b for _ in DOMAINS for a in range(len(MODES)) for b in range(len(MODES))]
)


_QUANTILE_LEVELS = np.array([0.1, 0.5, 0.9])

_ROW_NAMES = [
    *_STACKED_NAMES,
    *_SIZE_KEYS,
    *_QUANTILE_KEYS,
    *_STRATEGY_KEYS,
    *_DOMINANT_KEYS,
    *_MIX_KEYS,
    *_CHANGE_KEYS,
    *(
        f"{quantity}_{dom}"
        for dom in DOMAINS
        for quantity in ("urgency", "participation", "incidents", "initiatives_blocked")
    ),
    "citizen_trust",
    "dso_availability",
]
"""The order in which `model.fused.indicators.indicator_row` fills its vector."""
INDICATOR_NAMES = [i.name for i in INDICATORS]
_ROW_ORDER = np.array([_ROW_NAMES.index(name) for name in INDICATOR_NAMES])
_ON_SCHEDULE_ROWS = np.array([_STACKED_NAMES.index(f"on_schedule_{dom}") for dom in DOMAINS])


def _quantiles(values: np.ndarray, group: np.ndarray, n_groups: int) -> list[np.ndarray]:
    """10th, 50th and 90th percentile (3, k) of ``values`` (M, k), nationally and per group.

    The same numbers as ``np.quantile`` (its default, linear interpolation) from one sort of
    all groups at once. An empty group (a size class missing from a subset of municipalities)
    gives NaN (missing), as its mean does in the size-class indicators.
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
    result[counts == 0] = np.nan
    return result

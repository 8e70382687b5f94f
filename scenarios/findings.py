"""The report's findings: what each scenario changes against the reference, as numbers.

Language-free: every `Finding` holds a template key (`scenarios.report_text.UI`), its values
(months, dates, medians and 5-95% bands of paired differences) and its tone (better, worse or
neutral for the implementation, from `model.indicators.better`, and only when the band
excludes zero). `scenarios.report_text.finding_sentence` turns one into a sentence.

What a scenario sets itself (its inputs: the national DSO availability, a cooperation floor, a
budget shock) is never reported as its finding: the findings are the model's answer, not the
question (issue 17: "the regional-cooperation card reports its own input as its finding").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from govsim.model.indicators import BY_NAME, better
from govsim.model.municipalities import SIZE_CLASSES
from govsim.model.timeline import DOMAINS
from govsim.scenarios.summary import EnsembleData

REACH_LEVEL = 0.9
"""The transition level whose date the findings compare ("90% of the transition done")."""
NOTICEABLE = 0.005
"""Differences smaller than this (on 0-1 indicators) count as no change."""
OUTCOMES: tuple[str, ...] = tuple(
    [
        f"{q}_{d}"
        for d in DOMAINS
        for q in (
            "transition",
            "transformation",
            "on_schedule",
            "staff_adoption",
            "participation",
            "satisfaction",
            "urgency",
            "council_steering",
            "cooperation",
            "budget",
        )
    ]
    + ["citizen_trust", "council_trust", "dso_connection"]
)
"""Indicators the "largest other change" finding may name (0-1 outcomes of the model)."""


@dataclass(frozen=True)
class Finding:
    """One finding: a template key, its values and its tone.

    Attributes:
        key: Template key in `scenarios.report_text.UI` (``f_...``).
        tone: ``"better"``, ``"worse"`` or ``"neutral"`` for the implementation.
        values: The template's values (numbers, ``datetime64`` months, labels' keys).
    """

    key: str
    tone: str = "neutral"
    values: dict[str, Any] = field(default_factory=dict)


def inputs_of(data: EnsembleData, name: str) -> set[str]:
    """Indicators scenario ``name`` sets itself (relative to the reference): not findings."""
    out = {"dso_availability"}
    mine, ref = data.scenario(name).timeline, data.scenario(data.reference).timeline
    if mine.cooperation_policies != ref.cooperation_policies:
        out |= {f"cooperation_{d}" for d in DOMAINS}
    if mine.budget_shocks != ref.budget_shocks:
        out |= {f"budget_{d}" for d in DOMAINS}
    return out


def months_to_reach(values: np.ndarray, level: float) -> np.ndarray:
    """Per replication (rows), the first month index where ``values`` >= ``level`` (NaN: never)."""
    hit = values >= level
    first = np.argmax(hit, axis=1).astype(float)
    first[~hit.any(axis=1)] = np.nan
    return first


def _band(values: np.ndarray) -> dict[str, float]:
    values = values[~np.isnan(values)]
    if not len(values):
        return {"median": np.nan, "low": np.nan, "high": np.nan}
    return {
        "median": float(np.median(values)),
        "low": float(np.quantile(values, 0.05)),
        "high": float(np.quantile(values, 0.95)),
    }


def tone(indicator: str, low: float, high: float, digits: int = 2) -> str:
    """``better``/``worse`` when the 5-95% band of a difference excludes zero, else neutral.

    The band is rounded as the report prints it (``digits``), so a band shown as ``-0.02 to
    +0.00`` is never coloured.
    """
    low, high = round(low, digits), round(high, digits)
    direction = better(indicator)
    if direction == 0 or not (low > 0 or high < 0):
        return "neutral"
    return "better" if (low > 0) == (direction > 0) else "worse"


def _reach(data: EnsembleData, name: str, domain: str) -> Finding | None:
    ind = f"transition_{domain}"
    if ind not in data.columns:
        return None
    mine = months_to_reach(data.column(name, ind), REACH_LEVEL)
    n = len(mine)
    never = int(np.isnan(mine).sum())
    values: dict[str, Any] = {
        "domain": domain,
        "level": REACH_LEVEL,
        "n": n,
        "never": never,
        "end": data.dates[-1],
    }
    median = _band(mine)["median"]
    values["date"] = None if np.isnan(median) else data.dates[round(median)]
    if name == data.reference:
        return Finding("f_ref_reach" if never < n else "f_ref_reach_never", "neutral", values)
    ref = months_to_reach(data.column(data.reference, ind), REACH_LEVEL)
    delay = _band(mine - ref)
    values.update(delta=delay["median"], low=delay["low"], high=delay["high"])
    if never == n:
        return Finding("f_reach_never", "worse" if np.isnan(ref).sum() < n else "neutral", values)
    if np.isnan(delay["median"]):
        return Finding("f_reach", "neutral", values)
    if delay["high"] < 0:
        mood = "better"
    elif delay["low"] > 0:
        mood = "worse"
    else:
        mood = "neutral"
    if max(abs(delay["low"]), abs(delay["high"])) < 1:
        return Finding("f_reach_same", "neutral", values)
    return Finding("f_reach", mood, values)


def _at(data: EnsembleData, name: str, ind: str, row: int) -> dict[str, float]:
    b = data.band(name, ind)
    out = {"value": float(b.median[row])}
    if name != data.reference:
        d = data.difference(name, ind)
        out.update(delta=float(d.median[row]), low=float(d.p05[row]), high=float(d.p95[row]))
    return out


def _entry_row(data: EnsembleData, name: str) -> int | None:
    return data.date_index(data.scenario(name).timeline.physical.final_entry().isoformat())


def _schedule(data: EnsembleData, name: str) -> Finding | None:
    row = _entry_row(data, name)
    if row is None or "on_schedule_physical" not in data.columns:
        return None
    values: dict[str, Any] = {
        "date": data.dates[row],
        **_at(data, name, "on_schedule_physical", row),
    }
    if name == data.reference:
        return Finding("f_ref_schedule", "neutral", values)
    return Finding(
        "f_schedule", tone("on_schedule_physical", values["low"], values["high"]), values
    )


def _transformation_end(data: EnsembleData, name: str) -> Finding | None:
    ind = "transformation_physical"
    if ind not in data.columns:
        return None
    row = len(data.dates) - 1
    values: dict[str, Any] = {
        "date": data.dates[row],
        "indicator": ind,
        **_at(data, name, ind, row),
    }
    if name == data.reference:
        return Finding("f_ref_level", "neutral", values)
    if max(abs(values["low"]), abs(values["high"])) < NOTICEABLE:
        return Finding("f_level_same", "neutral", values)
    return Finding("f_level", tone(ind, values["low"], values["high"]), values)


def _groups(data: EnsembleData, name: str) -> Finding | None:
    """Which size classes gain or lose most on the physical transition at entry.

    Only the size classes the run has municipalities in: an empty class (a run on a subset)
    has NaN indicators, and is left out. With fewer than two classes there is nothing to
    compare, and no finding.
    """
    row = _entry_row(data, name)
    columns = [f"transition_physical_{s}" for s in SIZE_CLASSES]
    if row is None or any(c not in data.columns for c in columns):
        return None
    if name == data.reference:
        p10, p90 = "transition_physical_p10", "transition_physical_p90"
        if p10 not in data.columns or p90 not in data.columns:
            return None
        return Finding(
            "f_ref_spread",
            "neutral",
            {
                "date": data.dates[row],
                "p10": float(data.band(name, p10).median[row]),
                "p90": float(data.band(name, p90).median[row]),
            },
        )
    diffs = {s: _at(data, name, f"transition_physical_{s}", row) for s in SIZE_CLASSES}
    present = [s for s in SIZE_CLASSES if not np.isnan(diffs[s]["delta"])]
    if len(present) < 2:
        return None
    order = sorted(present, key=lambda s: diffs[s]["delta"])
    low, high = order[0], order[-1]
    if max(abs(diffs[s]["delta"]) for s in present) < NOTICEABLE:
        return None
    values = {
        "date": data.dates[row],
        "worst": low,
        "worst_delta": diffs[low]["delta"],
        "worst_low": diffs[low]["low"],
        "worst_high": diffs[low]["high"],
        "best": high,
        "best_delta": diffs[high]["delta"],
    }
    return Finding("f_groups", "neutral", values)


def _largest_other(data: EnsembleData, name: str, skip: set[str]) -> Finding | None:
    found = []
    for ind in OUTCOMES:
        if ind in skip or ind not in data.columns or BY_NAME[ind].unit == "count":
            continue
        diff = data.difference(name, ind)
        row = int(np.argmax(np.abs(diff.median)))
        found.append((abs(float(diff.median[row])), ind, row, diff))
    if not found:
        return None
    size, ind, row, diff = max(found, key=lambda f: (f[0], f[1]))
    if size < NOTICEABLE:
        return None
    low, high = float(diff.p05[row]), float(diff.p95[row])
    values = {
        "indicator": ind,
        "date": data.dates[row],
        "delta": float(diff.median[row]),
        "low": low,
        "high": high,
    }
    return Finding("f_largest", tone(ind, low, high), values)


def findings(data: EnsembleData, name: str) -> list[Finding]:
    """Three to five findings for scenario ``name`` (the reference: its own course).

    For another scenario: when 90% of the physical (and, if it differs, the social) transition
    is reached and how many months earlier or later than the reference; the share on schedule
    at its entry into force; the physical transformation at the end; which size classes lose or
    gain most; and the largest change among the other outcomes (never the scenario's inputs).
    If nothing differs noticeably, one finding says so.
    """
    out: list[Finding | None] = []
    if name == data.reference:
        out += [_reach(data, name, "physical"), _reach(data, name, "social")]
        out += [_schedule(data, name), _groups(data, name), _transformation_end(data, name)]
        return [f for f in out if f is not None]
    skip = inputs_of(data, name) | {
        "transition_physical",
        "transformation_physical",
        "on_schedule_physical",
    }
    out.append(_reach(data, name, "physical"))
    social = _reach(data, name, "social")
    if social is not None and social.key != "f_reach_same":
        out.append(social)
        skip.add("transition_social")
    out += [_schedule(data, name), _transformation_end(data, name), _groups(data, name)]
    out.append(_largest_other(data, name, skip))
    kept = [f for f in out if f is not None]
    quiet = {"f_reach_same", "f_level_same"}
    if all(f.key in quiet or (f.tone == "neutral" and _small(f)) for f in kept):
        return [Finding("f_none", "neutral", {"eps": NOTICEABLE})]
    return kept[:5]


def _small(f: Finding) -> bool:
    """Whether a finding's difference is below `NOTICEABLE` (or has none)."""
    low, high = f.values.get("low"), f.values.get("high")
    if f.key == "f_groups":
        return (
            abs(f.values["worst_delta"]) < NOTICEABLE and abs(f.values["best_delta"]) < NOTICEABLE
        )
    if low is None or high is None or np.isnan(low) or np.isnan(high):
        return True
    limit = 1.0 if f.key.startswith("f_reach") else NOTICEABLE
    return max(abs(low), abs(high)) < limit

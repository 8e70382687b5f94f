"""Issue 14's acceptance, criterion by criterion: what it needs, what is measured, whether met.

docs/validation.md opens with this table (`experiments.calibration.validation`), so the answer
to "which of these do you reach, with the numbers" (issue 14) is generated with the gates, not
written by hand:

- the in-sample figure at the installed defaults: target figures inside the survey's margin,
  the median over the replication seeds (`acceptance.installed`, `acceptance.summarise`);
- the cross-domain and Table 5 hold-outs: the gates' median verdicts (their share inside and
  mean absolute error; the gates' own RMSE rule is theirs, not the issue's);
- the number of fitted values and the ABC of the installed record (its provenance:
  generations, final effective sample size over the population, wall time).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govsim.experiments.calibration.screen import MAX_FREE

if TYPE_CHECKING:  # pragma: no cover
    from govsim.experiments.calibration.validation import Gate

IN_SAMPLE_SHARE = 0.80
"""Share of the target figures inside the margin at the installed defaults (issue 14)."""
ABC_MIN_GENERATIONS = 8
"""Generations the ABC completes at least (issue 14)."""
ABC_MIN_ESS_SHARE = 0.30
"""Final effective sample size over the population, at least (issue 14)."""
ABC_MAX_MINUTES = 30.0
"""The ABC's wall time on the 2-core machine, at most (issue 14)."""


@dataclass(frozen=True)
class Criterion:
    """One acceptance criterion.

    Attributes:
        name: What is judged.
        needs: The issue's threshold, in words.
        measured: The measured figures, in words.
        met: Whether the threshold is reached.
    """

    name: str
    needs: str
    measured: str
    met: bool


def in_sample(summary: Mapping[str, Any], target_figures: int) -> Criterion:
    """The installed defaults' figures inside the margin (an `acceptance.summarise` outcome)."""
    inside = float(summary["inside_margin_median"])
    share = inside / target_figures
    by_seed = ", ".join(str(v) for v in summary["inside_margin_by_seed"])
    return Criterion(
        "in sample, at the installed defaults",
        f"≥ {IN_SAMPLE_SHARE:.0%} of the target figures inside the margin (median over the "
        "replication seeds)",
        f"{share:.0%}: {inside:g} of {target_figures} (by seed {by_seed}), RMSE "
        f"{summary['rmse_points_median']:.1f} points",
        share >= IN_SAMPLE_SHARE,
    )


def hold_out(gate: Gate, verdict: Mapping[str, Any]) -> Criterion:
    """A hold-out gate's median verdict against the issue's share (and mean absolute error)."""
    o = verdict["out_of_sample"]
    needs = f"≥ {gate.min_share:.0%} of the held-out figures inside" + (
        f", MAE ≤ {gate.max_mae:g} points" if gate.max_mae is not None else ""
    )
    met = o["share_inside"] >= gate.min_share and (
        gate.max_mae is None or o["mae_points"] <= gate.max_mae
    )
    return Criterion(
        f"hold-out: {gate.name}",
        needs,
        f"{o['share_inside']:.0%} of {o['figures']}, MAE {o['mae_points']:.1f} points",
        bool(met),
    )


def free_values(provenance: Mapping[str, Any]) -> Criterion:
    """The installed record's fitted values: its priors (model and instrument together)."""
    count = len(provenance["priors"])
    return Criterion(
        "free parameters",
        f"≤ {MAX_FREE} (model and instrument together)",
        f"{count}",
        count <= MAX_FREE,
    )


def abc(provenance: Mapping[str, Any]) -> Criterion:
    """The installed record's ABC: generations, final ESS share and wall time."""
    generations = int(provenance["generations"])
    ess_share = float(provenance["final_ess"]) / float(provenance["population_size"])
    minutes = float(provenance["abc_wall_time_seconds"]) / 60.0
    return Criterion(
        "ABC of the installed set",
        f"≥ {ABC_MIN_GENERATIONS} generations, final ESS ≥ {ABC_MIN_ESS_SHARE:.0%} of the "
        f"population, ≤ {ABC_MAX_MINUTES:g} minutes (2 cores)",
        f"{generations} generations, ESS {ess_share:.0%} of {provenance['population_size']}, "
        f"{minutes:.0f} minutes ({provenance['sampler']})",
        generations >= ABC_MIN_GENERATIONS
        and ess_share >= ABC_MIN_ESS_SHARE
        and minutes <= ABC_MAX_MINUTES,
    )


def criteria(
    summary: Mapping[str, Any],
    target_figures: int,
    record: Mapping[str, Any],
    gates: Sequence[tuple[Gate, Mapping[str, Any]]],
) -> list[Criterion]:
    """Every criterion: in sample, each held-out gate, the free count and the ABC.

    Args:
        summary: `acceptance.summarise` at the installed defaults.
        target_figures: How many target figures the summary counts over.
        record: The installed calibrated record (``model/data/calibrated_parameters.json``).
        gates: Each gate with its median verdict; gates that predict no held-out target
            figures (the inputs gate) are left out.
    """
    provenance = record["provenance"]
    held_out = [hold_out(g, v) for g, v in gates if g.out_group == "holdout"]
    return [in_sample(summary, target_figures), *held_out, free_values(provenance), abc(provenance)]


def ceiling_reach(screen: Path, record: Mapping[str, Any]) -> str:
    """What every declared prior free reaches from the installed set, or "" (no such run).

    Reads the ceiling runs in ``screen`` (``ceiling*.json``, `experiments.calibration.ceiling`)
    and takes the one that started from the installed record's values: the in-sample reach of
    the model's parameters, beyond the cap of 15, as a sentence with the file's name.
    """
    fitted = {**record["parameters"], **record["instrument"]}
    for path in sorted(screen.glob("ceiling*.json")):
        outcome = json.loads(path.read_text(encoding="utf-8"))
        start = outcome["installed"]["point"]
        if any(k not in start or float(start[k]) != float(v) for k, v in fitted.items()):
            continue
        a, b = outcome["installed"]["acceptance"], outcome["all_free"]["acceptance"]
        share = float(b["share_inside_margin_median"])
        verdict = (
            "the in-sample threshold is beyond the model's parameters, not only beyond the cap."
            if share < IN_SAMPLE_SHARE
            else "the in-sample threshold is within the model's parameters, beyond the cap."
        )
        return (
            f"Every declared prior free ({len(outcome['all_free']['point'])} values, the "
            f"local search from the installed set) puts {b['inside_margin_median']:g} target "
            f"figures inside ({share:.0%}; by seed "
            f"{', '.join(str(v) for v in b['inside_margin_by_seed'])}; from "
            f"{a['inside_margin_median']:g}; RMSE {b['rmse_points_median']:.1f} points; "
            f"[{path.name}]({screen.name}/{path.name})): {verdict}"
        )
    return ""


def section(
    items: Sequence[Criterion], record_label: str, command: str, reach: str = ""
) -> list[str]:
    """The Markdown lines of the acceptance table (a heading, a sentence, the table).

    ``reach``: `ceiling_reach`'s sentence, after the table when there is one.
    """
    met = sum(c.met for c in items)
    lines = [
        "## Issue 14's acceptance",
        "",
        f"{met} of {len(items)} criteria met. In sample: the installed defaults ({record_label}), "
        f"measured again here (`{command}`); hold-out: the gates below; free parameters and "
        "the ABC: the installed record's provenance.",
        "",
        "| criterion | needs | measured | met |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {c.name} | {c.needs} | {c.measured} | {'yes' if c.met else '**no**'} |" for c in items
    ]
    lines.append("")
    if reach:
        lines += [reach, ""]
    return lines

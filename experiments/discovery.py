"""Scenario discovery with PRIM (EMA Workbench): which factor ranges lead to an outcome?

``govsim experiment discover DIR --outcome NAME --threshold X [--above | --below]`` marks every
run whose outcome is at least (``--above``, default) or at most (``--below``) the threshold as a
case of interest and runs PRIM (`ema_workbench.analysis.prim.Prim`) on the factor values of
every run. PRIM peels the factor space into a sequence of ever smaller boxes (the peeling
trajectory), trading **coverage** (share of all cases of interest inside the box) for
**density** (share of the runs inside the box that are cases of interest). The chosen box is the
densest one whose coverage is at least ``--min-coverage`` (default 0.8), or the trajectory box
``--box I``. It is reported as a plain-language statement in Dutch and English, e.g.
"transformation ≥ 0.5 at the end of 2029 in 83% of runs where the DSO is fully available by
January 2025 and regional cooperation, physical domain ≥ 0.6".

Written to ``DIR/analysis/``: the trade-off plot with the chosen box and its limits (PNG), the
peeling trajectory (CSV) and the chosen box with the statements (JSON).

Compatibility with pandas 3 (EMA Workbench 3.0.0, pandas 3.1, numpy 2; checked by the tests):

- PRIM's pasting step along an *integer* column writes a float quantile (e.g. 12.5) into the
  int64 box-limits frame; pandas 2 upcast with a FutureWarning, pandas 3 raises ``TypeError``.
  Work-around, no patching and no pin: PRIM gets every factor as float64, and the box limits of
  whole-number factors (DSO delay, lead time, integer parameters) are rounded inwards (lower
  limit up, upper limit down), which keeps exactly the same runs inside the box.
- ``Prim`` calls ``DataFrame.drop(..., inplace=True)`` (a ``Pandas4Warning`` in pandas 3.1) and
  the package import warns that ipyparallel is missing; both warnings are silenced here.
- PRIM in 3.0 takes a boolean ``y`` (older versions' ``threshold`` keyword is gone), so the
  threshold is applied here.

Categorical factors (the secretary's choices in a factorial design, stored as texts) go to PRIM
as pandas categoricals, which it peels level by level; their box limit is the set of levels
kept (column ``levels``), and both ``restricted_*`` flags say whether that is fewer than all.

Pinning pandas below 3 is not an option (the project runs on pandas 3); if a future EMA
Workbench breaks further, `find_box` is the one place to adapt.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govsim.experiments.levers import (
    condition_text,
    exact_number_text,
    month_text,
    number_text,
)
from govsim.experiments.spec import ExperimentError
from govsim.experiments.store import ANALYSIS, ExperimentStore
from govsim.model.indicators import label as indicator_label
from govsim.scenarios.atomic import atomic_path, write_text


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence EMA Workbench's import warning and its pandas deprecation warnings."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*ipyparallel.*")
        warnings.filterwarnings("ignore", message=".*inplace.*", category=Warning)
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", category=ImportWarning)
        logger = logging.getLogger("EMA")
        level = logger.level
        logger.setLevel(logging.WARNING)
        try:
            yield
        finally:
            logger.setLevel(level)


@dataclass
class PrimBox:
    """PRIM's result on one data set.

    Attributes:
        trajectory: Peeling trajectory: coverage, density, mass, res_dim, n, k per box.
        chosen: Index of the chosen box on the trajectory.
        limits: Chosen box, one row per factor: ``low``, ``high`` (box), ``min``, ``max``
            (data), ``restricted_low``, ``restricted_high``, quasi-p values, and for a
            categorical factor ``levels``, the levels inside the box (NaN limits).
        n_runs: Number of runs.
        n_interest: Number of cases of interest.
    """

    trajectory: pd.DataFrame
    chosen: int
    limits: pd.DataFrame
    n_runs: int
    n_interest: int

    @property
    def stats(self) -> dict[str, float]:
        """Coverage, density, mass and number of restricted factors of the chosen box."""
        row = self.trajectory.loc[self.chosen]
        return {
            "coverage": float(row["coverage"]),
            "density": float(row["density"]),
            "mass": float(row["mass"]),
            "res_dim": int(row["res_dim"]),
        }

    def restricted(self) -> pd.DataFrame:
        """Rows of `limits` for the factors the box restricts."""
        mask = self.limits["restricted_low"] | self.limits["restricted_high"]
        return self.limits[mask]


def _categorical(column: pd.Series) -> bool:
    """Whether a factor column holds levels (texts, categoricals) rather than numbers."""
    return not pd.api.types.is_numeric_dtype(column)


def find_box(
    x: pd.DataFrame,
    y: np.ndarray,
    *,
    min_coverage: float = 0.8,
    box: int | None = None,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> PrimBox:
    """Run PRIM on factor values ``x`` and a boolean ``y``; choose a box on the trajectory.

    Args:
        x: One row per run, one column per factor (numbers, or texts for categorical ones).
        y: True for the cases of interest.
        min_coverage: Choose the densest box with at least this coverage.
        box: Choose this trajectory index instead.
        peel_alpha: Share peeled off per step.
        paste_alpha: Share pasted back per step.
        mass_min: Smallest box (share of all runs).

    Raises:
        ExperimentError: If no or every run is a case of interest, or ``box`` is off the
            trajectory.
    """
    y = np.asarray(y, dtype=bool)
    n_interest = int(y.sum())
    if n_interest == 0:
        raise ExperimentError(
            f"none of the {len(y)} runs meets the condition: PRIM needs cases of interest; "
            "choose another --threshold (or --above/--below)"
        )
    if n_interest == len(y):
        raise ExperimentError(
            f"all {len(y)} runs meet the condition, so there is nothing to tell apart; choose "
            "another --threshold (or --above/--below)"
        )
    data = x.reset_index(drop=True).copy()
    # EMA Workbench 3.0 + pandas 3: pasting along an integer column writes a float quantile into
    # an int64 frame, which pandas 3 refuses (TypeError). So PRIM sees every factor as float64,
    # and the limits of whole-number factors are rounded inwards afterwards.
    whole = {c for c in data.columns if pd.api.types.is_integer_dtype(data[c])}
    # categorical factors (texts) go to PRIM as pandas categoricals, levels in order of appearance
    order = {
        c: list(dict.fromkeys(data[c].astype(str))) for c in data.columns if _categorical(data[c])
    }
    for column in data.columns:
        if column in order:
            data[column] = pd.Categorical(data[column].astype(str), categories=order[column])
        else:
            data[column] = data[column].astype(np.float64)
    with _quiet():
        from ema_workbench.analysis import prim

        algorithm = prim.Prim(
            data, y, peel_alpha=peel_alpha, paste_alpha=paste_alpha, mass_min=mass_min
        )
        found = algorithm.find_box()
    trajectory = found.peeling_trajectory.copy()
    trajectory = trajectory[["coverage", "density", "mass", "res_dim", "n", "k"]]
    if box is not None:
        if not 0 <= box < len(trajectory):
            raise ExperimentError(
                f"--box {box} is not on the peeling trajectory (boxes 0 to {len(trajectory) - 1})"
            )
        chosen = box
    else:
        eligible = trajectory[trajectory["coverage"] >= min_coverage - 1e-12]
        if eligible.empty:
            eligible = trajectory.iloc[[0]]
        ranked = eligible.assign(_i=eligible.index).sort_values(
            ["density", "coverage", "res_dim", "_i"], ascending=[False, False, True, True]
        )
        chosen = int(ranked.index[0])
    lims = found.box_lims[chosen]
    init = algorithm.box_init
    qp = found.p_values[chosen] if chosen < len(found.p_values) else {}
    rows = []
    for column in data.columns:
        pvals = qp.get(column, [-1.0, -1.0])
        if column in order:
            kept = [v for v in order[column] if v in set(lims.loc[0, column])]
            restricted = len(kept) < len(order[column])
            rows.append(
                {
                    "factor": column,
                    "low": np.nan,
                    "high": np.nan,
                    "min": np.nan,
                    "max": np.nan,
                    "restricted_low": restricted,
                    "restricted_high": restricted,
                    "qp_low": float(pvals[0]) if pvals[0] >= 0 else np.nan,
                    "qp_high": float(pvals[1]) if pvals[1] >= 0 else np.nan,
                    "levels": kept,
                }
            )
            continue
        low, high = float(lims.loc[0, column]), float(lims.loc[1, column])
        dmin, dmax = float(init.loc[0, column]), float(init.loc[1, column])
        if column in whole:
            low = float(np.ceil(low - 1e-9)) + 0.0
            high = float(np.floor(high + 1e-9)) + 0.0
        rows.append(
            {
                "factor": column,
                "low": low,
                "high": high,
                "min": dmin,
                "max": dmax,
                "restricted_low": bool(low > dmin),
                "restricted_high": bool(high < dmax),
                "qp_low": float(pvals[0]) if pvals[0] >= 0 else np.nan,
                "qp_high": float(pvals[1]) if pvals[1] >= 0 else np.nan,
                "levels": None,
            }
        )
    limits = pd.DataFrame(rows)
    if not order:
        limits = limits.drop(columns="levels")
    return PrimBox(trajectory.reset_index(drop=True), chosen, limits, len(y), n_interest)


# ---------------------------------------------------------------------------- statements
def outcome_phrase(outcome: Mapping[str, Any], lang: str) -> str:
    """How an outcome (manifest entry) reads in a sentence: label and when."""
    name = indicator_label(outcome["indicator"], lang)
    date = dt.date.fromisoformat(outcome["date"] + "-01")
    stat = outcome.get("statistic", "value")
    if stat == "value":
        if date.month == 12:
            when = f"eind {date.year}" if lang == "nl" else f"at the end of {date.year}"
        else:
            when = f"in {month_text(date, lang)}"
        return f"{name} {when}"
    start = dt.date.fromisoformat(outcome["from"] + "-01")
    words = {
        "nl": {"mean": "gemiddelde", "min": "laagste", "max": "hoogste"},
        "en": {"mean": "mean", "min": "lowest", "max": "highest"},
    }[lang][stat]
    if lang == "nl":
        return f"{words} {name} van {month_text(start, lang)} tot en met {month_text(date, lang)}"
    return f"{words} {name} from {month_text(start, lang)} to {month_text(date, lang)}"


def _join(parts: Sequence[str], lang: str) -> str:
    word = " en " if lang == "nl" else " and "
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + word + parts[-1]


def statement(
    box: PrimBox,
    outcome: Mapping[str, Any],
    threshold: float,
    above: bool,
    lang: str,
    *,
    factors: Mapping[str, Mapping[str, Any]] | None = None,
    dso_full: dt.date | None = None,
) -> str:
    """The chosen box as one plain-language sentence in ``lang`` (``nl`` or ``en``).

    Args:
        box: PRIM's result.
        outcome: The outcome's manifest entry (indicator, date, statistic, from).
        threshold: The threshold.
        above: Cases of interest are at least (True) or at most (False) the threshold.
        lang: ``"nl"`` or ``"en"``.
        factors: Manifest entries of the factors by column name (key, kind, where, integer,
            label).
        dso_full: Full DSO availability in the base scenario.
    """
    factors = factors or {}
    stats = box.stats
    conditions = []
    for _, row in box.restricted().iterrows():
        info = factors.get(row["factor"], {})
        kind = info.get("kind", "parameter")
        levels = row.get("levels")
        if isinstance(levels, list | tuple):
            conditions.append(
                condition_text(
                    info.get("key", row["factor"]),
                    "choice",
                    None,
                    None,
                    lang,
                    label=info.get("label"),
                    where=info.get("where"),
                    levels=levels,
                )
                if kind == "choice"
                else f"{row['factor']} ∈ {{{', '.join(map(str, levels))}}}"
            )
            continue
        conditions.append(
            condition_text(
                info.get("key", row["factor"]),
                kind if kind in ("parameter", "lever") else "parameter",
                row["low"] if row["restricted_low"] else None,
                row["high"] if row["restricted_high"] else None,
                lang,
                dso_full=dso_full,
                label=info.get("label"),
                where=info.get("where"),
            )
            if info
            else _plain_condition(row, lang)
        )
    op = "≥" if above else "≤"
    head = f"{outcome_phrase(outcome, lang)} {op} {exact_number_text(threshold, lang)}"
    density = f"{stats['density']:.0%}"
    coverage = f"{stats['coverage']:.0%}"
    mass = f"{stats['mass']:.0%}"
    if lang == "nl":
        if not conditions:
            return (
                f"{head} in {density} van alle runs; geen voorwaarde op de factoren maakt dat "
                "aandeel groter."
            )
        return (
            f"{head} in {density} van de runs waarin {_join(conditions, lang)} (dekking "
            f"{coverage}: deze runs omvatten {coverage} van alle {box.n_interest} runs met deze "
            f"uitkomst; ze zijn {mass} van alle {box.n_runs} runs)."
        )
    if not conditions:
        return (
            f"{head} in {density} of all runs; no condition on the factors makes that share larger."
        )
    return (
        f"{head} in {density} of runs where {_join(conditions, lang)} (coverage {coverage}: "
        f"these runs hold {coverage} of all {box.n_interest} runs with this outcome; they are "
        f"{mass} of all {box.n_runs} runs)."
    )


def _plain_condition(row: pd.Series, lang: str) -> str:
    low = number_text(row["low"], lang) if row["restricted_low"] else None
    high = number_text(row["high"], lang) if row["restricted_high"] else None
    name = row["factor"]
    if low and high:
        return (
            f"{name} tussen {low} en {high}" if lang == "nl" else f"{name} between {low} and {high}"
        )
    return f"{name} ≥ {low}" if low else f"{name} ≤ {high}"


# ---------------------------------------------------------------------------- plot
def plot(box: PrimBox, title: str, path: Path) -> None:
    """Plot the coverage/density trade-off and the chosen box's limits, as PNG.

    Left: the peeling trajectory (colour: number of restricted factors), chosen box ringed.
    Right: the chosen box's limits relative to each factor's sampled range.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = box.trajectory
    limits = box.limits.sort_values(
        ["restricted_low", "restricted_high"], ascending=False, kind="stable"
    )
    fig, (ax1, ax2) = plt.subplots(
        1, 2, figsize=(12, max(4.5, 0.5 * len(limits) + 2)), width_ratios=[1.1, 1]
    )
    points = ax1.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=28)
    bar = fig.colorbar(points, ax=ax1, label="restricted factors")
    bar.set_ticks(range(int(t["res_dim"].min()), int(t["res_dim"].max()) + 1))
    c = t.loc[box.chosen]
    ax1.scatter(
        [c["coverage"]],
        [c["density"]],
        s=180,
        facecolors="none",
        edgecolors="red",
        linewidths=2,
        label=f"chosen box {box.chosen}",
    )
    ax1.set_xlabel("coverage (share of cases of interest inside the box)")
    ax1.set_ylabel("density (share of runs in the box that are of interest)")
    ax1.set_xlim(0, 1.05)
    ax1.set_ylim(0, 1.05)
    ax1.legend(loc="lower left")
    ax1.set_title("PRIM peeling trajectory: coverage vs density")
    for k, (_, row) in enumerate(limits.iterrows()):
        kept = row.get("levels")
        if isinstance(kept, list | tuple):  # a categorical factor: the levels inside the box
            restricted = row["restricted_low"] or row["restricted_high"]
            color = "#cc3311" if restricted else "#999999"
            ax2.plot([0, 1], [k, k], color=color, lw=6, solid_capstyle="butt")
            ax2.annotate(
                ", ".join(map(str, kept)),
                (0.5, k),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
            continue
        span = row["max"] - row["min"] or 1.0
        lo = (row["low"] - row["min"]) / span
        hi = (row["high"] - row["min"]) / span
        ax2.plot([0, 1], [k, k], color="lightgrey", lw=6, solid_capstyle="butt")
        color = "#cc3311" if row["restricted_low"] or row["restricted_high"] else "#999999"
        ax2.plot([lo, hi], [k, k], color=color, lw=6, solid_capstyle="butt")
        ax2.annotate(
            f"{row['low']:.3g}",
            (lo, k),
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
        ax2.annotate(
            f"{row['high']:.3g}",
            (hi, k),
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    ax2.set_yticks(range(len(limits)), limits["factor"])
    ax2.set_ylim(-0.7, len(limits) - 0.3)
    ax2.invert_yaxis()
    ax2.set_xlim(-0.05, 1.05)
    ax2.set_xlabel("position in the factor's sampled range (0 = min, 1 = max)")
    s = box.stats
    ax2.set_title(
        f"box {box.chosen}: coverage {s['coverage']:.2f}, density {s['density']:.2f}, "
        f"mass {s['mass']:.2f}"
    )
    fig.suptitle(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120)
    plt.close(fig)


# ---------------------------------------------------------------------------- from a store
@dataclass
class DiscoveryResult:
    """Scenario discovery on one outcome.

    Attributes:
        outcome: Outcome name.
        threshold: The threshold.
        above: Cases of interest are at least (True) or at most (False) the threshold.
        box: PRIM's result.
        statements: ``{"nl": ..., "en": ...}``.
        files: Files written.
    """

    outcome: str
    threshold: float
    above: bool
    box: PrimBox
    statements: dict[str, str]
    files: list[Path] = field(default_factory=list)


def _dso_full(manifest: Mapping[str, Any]) -> dt.date | None:
    for event in manifest.get("scenario", {}).get("events", []):
        if event.get("event") == "DSO fully available":
            return dt.date.fromisoformat(event["date"])
    return None


def discover(
    out_dir: str | Path,
    outcome: str,
    threshold: float,
    *,
    above: bool = True,
    min_coverage: float = 0.8,
    box: int | None = None,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
    write: bool = True,
) -> DiscoveryResult:
    """PRIM on the experiment in ``out_dir``: which factor ranges give the outcome?

    Cases of interest are runs with ``outcome`` ≥ ``threshold`` (``above``) or ≤ it; see the
    module docstring.

    Raises:
        ExperimentError: Unknown outcome, no runs, no or only cases of interest, bad options.
    """
    if not 0 <= min_coverage <= 1:
        raise ExperimentError(f"--min-coverage must lie between 0 and 1, got {min_coverage}")
    if not 0 < peel_alpha < 0.5:
        raise ExperimentError(f"--peel-alpha must lie between 0 and 0.5, got {peel_alpha}")
    store = ExperimentStore(out_dir)
    manifest = store.require_manifest()
    outcomes = {o["name"]: o for o in manifest.get("outcomes", [])}
    if outcome not in outcomes:
        raise ExperimentError(
            f"--outcome '{outcome}' is not an outcome of this experiment; its outcomes are: "
            f"{', '.join(outcomes) or 'none'}"
        )
    factors = {f["name"]: f for f in manifest["design"]["factors"]}
    runs = store.load_runs([*factors, outcome])
    runs = runs[np.isfinite(runs[outcome].to_numpy(dtype=np.float64))]
    if len(runs) < 10:
        raise ExperimentError(
            f"only {len(runs)} completed runs with a value of '{outcome}': PRIM needs more "
            "(run or resume the experiment first)"
        )
    values = runs[outcome].to_numpy(dtype=np.float64)
    y = values >= threshold if above else values <= threshold
    x = runs[list(factors)]
    try:
        found = find_box(
            x, y, min_coverage=min_coverage, box=box, peel_alpha=peel_alpha, mass_min=mass_min
        )
    except ExperimentError as exc:
        if y.any() and not y.all():
            raise
        quartiles = np.quantile(values, [0.25, 0.5, 0.75])
        raise ExperimentError(
            f"{exc}. '{outcome}' lies between {values.min():.4g} and {values.max():.4g} in "
            f"these runs (quartiles {', '.join(f'{q:.4g}' for q in quartiles)})"
        ) from None
    dso_full = _dso_full(manifest)
    statements = {
        lang: statement(
            found, outcomes[outcome], threshold, above, lang, factors=factors, dso_full=dso_full
        )
        for lang in ("nl", "en")
    }
    result = DiscoveryResult(outcome, threshold, above, found, statements)
    if write:
        folder = store.root / ANALYSIS
        side = "above" if above else "below"
        stem = f"discovery-{outcome}-{side}-{threshold:g}"
        png, csv, js = (folder / f"{stem}.{ext}" for ext in ("png", "csv", "json"))
        title = f"{manifest.get('name')}: {outcome} {'≥' if above else '≤'} {threshold:g}"
        plot(found, title, png)
        with atomic_path(csv) as tmp:
            found.trajectory.rename_axis("box").to_csv(
                tmp, float_format="%.6g", lineterminator="\n"
            )
        record = {
            "outcome": outcome,
            "threshold": threshold,
            "direction": side,
            "runs": found.n_runs,
            "cases_of_interest": found.n_interest,
            "chosen_box": found.chosen,
            **found.stats,
            "limits": json.loads(found.limits.to_json(orient="records")),
            "statement": statements,
            "settings": {
                "min_coverage": min_coverage,
                "box": box,
                "peel_alpha": peel_alpha,
                "mass_min": mass_min,
            },
        }
        write_text(js, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
        result.files += [png, csv, js]
    return result

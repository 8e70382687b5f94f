"""Sensitivity analysis of an experiment's outcome: Morris screening and Sobol indices (SALib).

``govsim experiment sensitivity DIR --outcome NAME [--method morris|sobol]``:

- **Morris** (design ``method = "morris"``): `SALib.analyze.morris` on the sampler's trajectories;
  per factor mu (mean elementary effect), mu* (mean absolute effect) with its bootstrap
  confidence interval, and sigma (spread: interactions or non-linearity). Elementary effects are
  changes of the outcome per whole range of the factor (SALib scales steps to 0-1), so mu* is
  comparable across factors.
- **Sobol** (design ``method = "sobol"``): `SALib.analyze.sobol`; first-order (S1) and total
  (ST) indices with bootstrap confidence intervals, and second-order (S2) indices if sampled.

With several replications per point, the analysis uses the mean outcome over a point's
replications. Results are printed, written as CSV and plotted as PNG in ``DIR/analysis/``.
The core functions `morris_table` and `sobol_table` take a SALib problem and arrays, so any
design (or a test function) goes through the same code.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govsim.experiments.spec import ExperimentError
from govsim.experiments.store import ANALYSIS, ExperimentStore
from govsim.scenarios.atomic import atomic_path

METHODS = ("morris", "sobol")


@dataclass
class SensitivityResult:
    """Indices of one outcome.

    Attributes:
        outcome: Outcome name.
        method: ``morris`` or ``sobol``.
        table: One row per factor (sorted by importance).
        second_order: Sobol S2 table (factor pairs), if sampled.
        files: Files written.
    """

    outcome: str
    method: str
    table: pd.DataFrame
    second_order: pd.DataFrame | None = None
    files: list[Path] = field(default_factory=list)

    def dominant(self) -> str:
        """The most influential factor (largest mu* or ST)."""
        return str(self.table.iloc[0]["factor"])


# ---------------------------------------------------------------------------- core
def morris_table(
    problem: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    *,
    levels: int = 4,
    conf_level: float = 0.95,
    resamples: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Morris indices (SALib) as a table sorted by mu*, with the mu* confidence interval."""
    from SALib.analyze import morris

    si = morris.analyze(
        _problem(problem),
        np.asarray(x, dtype=np.float64),
        np.asarray(y, dtype=np.float64),
        num_resamples=resamples,
        conf_level=conf_level,
        num_levels=levels,
        seed=seed,
    )
    table = pd.DataFrame(
        {
            "factor": list(problem["names"]),
            "mu": np.asarray(si["mu"], dtype=np.float64),
            "mu_star": np.asarray(si["mu_star"], dtype=np.float64),
            "mu_star_conf": np.asarray(si["mu_star_conf"], dtype=np.float64),
            "sigma": np.asarray(si["sigma"], dtype=np.float64),
        }
    )
    table["mu_star_low"] = table["mu_star"] - table["mu_star_conf"]
    table["mu_star_high"] = table["mu_star"] + table["mu_star_conf"]
    return table.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)


def sobol_table(
    problem: dict[str, Any],
    y: np.ndarray,
    *,
    second_order: bool = False,
    conf_level: float = 0.95,
    resamples: int = 1000,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Sobol indices (SALib): S1 and ST with confidence intervals, sorted by ST; S2 pairs."""
    from SALib.analyze import sobol

    d = int(problem["num_vars"])
    per_n = 2 * d + 2 if second_order else d + 2
    if len(y) == 0 or len(y) % per_n:
        raise ExperimentError(
            f"{len(y)} outcome values do not form a Saltelli sample of {d} factors "
            f"(N × {per_n} values{' with second order' if second_order else ''})"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        si = sobol.analyze(
            _problem(problem),
            np.asarray(y, dtype=np.float64),
            calc_second_order=second_order,
            num_resamples=resamples,
            conf_level=conf_level,
            seed=seed,
        )
    names = list(problem["names"])
    table = pd.DataFrame(
        {
            "factor": names,
            "S1": np.asarray(si["S1"], dtype=np.float64),
            "S1_conf": np.asarray(si["S1_conf"], dtype=np.float64),
            "ST": np.asarray(si["ST"], dtype=np.float64),
            "ST_conf": np.asarray(si["ST_conf"], dtype=np.float64),
        }
    )
    table = table.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)
    pairs = None
    if second_order:
        rows = []
        s2, s2c = np.asarray(si["S2"]), np.asarray(si["S2_conf"])
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                rows.append(
                    {
                        "factor_1": names[i],
                        "factor_2": names[j],
                        "S2": s2[i, j],
                        "S2_conf": s2c[i, j],
                    }
                )
        pairs = pd.DataFrame(rows)
    return table, pairs


def _problem(problem: dict[str, Any]) -> dict[str, Any]:
    out = {"num_vars": int(problem["num_vars"]), "names": list(problem["names"])}
    out["bounds"] = [list(b[:2]) for b in problem["bounds"]]
    return out


# ---------------------------------------------------------------------------- plots
def plot_morris(table: pd.DataFrame, title: str, path: Path) -> None:
    """Bar chart of mu* with confidence intervals and a mu*-sigma scatter, as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    order = table.iloc[::-1]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 0.45 * len(table) + 2.2))
    ax1.barh(
        order["factor"], order["mu_star"], xerr=order["mu_star_conf"], color="#4477aa", capsize=3
    )
    ax1.set_xlabel("μ* (mean |elementary effect| per whole range)")
    ax1.set_title("Morris μ* with confidence interval")
    ax2.scatter(table["mu_star"], table["sigma"], color="#cc6677")
    for _, row in table.iterrows():
        ax2.annotate(
            str(row["factor"]),
            (row["mu_star"], row["sigma"]),
            fontsize=8,
            xytext=(3, 3),
            textcoords="offset points",
        )
    top = float(max(table["mu_star"].max(), table["sigma"].max(), 1e-12))
    ax2.plot([0, top], [0, top], color="grey", lw=0.8, ls="--")
    ax2.set_xlabel("μ*")
    ax2.set_ylabel("σ")
    ax2.set_title("μ* against σ (σ > μ*: interactions or non-linearity)")
    fig.suptitle(title)
    fig.tight_layout()
    _save(fig, path)
    plt.close(fig)


def plot_sobol(table: pd.DataFrame, title: str, path: Path) -> None:
    """Grouped bars of S1 and ST with confidence intervals, as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.arange(len(table))
    fig, ax = plt.subplots(figsize=(max(5.0, 1.1 * len(table) + 2), 4.2))
    ax.bar(
        x - 0.2,
        table["S1"],
        0.4,
        yerr=table["S1_conf"],
        label="S1 (first order)",
        color="#4477aa",
        capsize=3,
    )
    ax.bar(
        x + 0.2,
        table["ST"],
        0.4,
        yerr=table["ST_conf"],
        label="ST (total)",
        color="#cc6677",
        capsize=3,
    )
    ax.set_xticks(x, table["factor"], rotation=30, ha="right")
    ax.set_ylabel("Sobol index")
    ax.axhline(0, color="black", lw=0.6)
    ax.legend()
    ax.set_title(title)
    fig.tight_layout()
    _save(fig, path)
    plt.close(fig)


def _save(fig: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False, float_format="%.6g", lineterminator="\n")


# ---------------------------------------------------------------------------- from a store
def outcome_by_point(store: ExperimentStore, manifest: dict[str, Any], outcome: str) -> np.ndarray:
    """Mean of ``outcome`` over each point's replications, in point order (all runs needed)."""
    names = [o["name"] for o in manifest.get("outcomes", [])]
    if outcome not in names:
        raise ExperimentError(
            f"--outcome '{outcome}' is not an outcome of this experiment; its outcomes are: "
            f"{', '.join(names) or 'none'}"
        )
    runs = store.load_runs(["point", outcome])
    total = int(manifest["counts"]["runs_total"])
    if len(runs) < total:
        raise ExperimentError(
            f"only {len(runs)} of {total} runs are complete: the analysis needs all of them. "
            "Resume with the same `govsim experiment run SPEC --out DIR`."
        )
    n_points = int(manifest["counts"]["points"])
    y = runs.groupby("point")[outcome].mean().reindex(range(n_points)).to_numpy()
    if np.isnan(y).any():
        bad = int(np.flatnonzero(np.isnan(y))[0])
        raise ExperimentError(
            f"outcome '{outcome}' is missing (NaN) at design point {bad}; the analysis needs a "
            "value at every point"
        )
    return y


def sensitivity(
    out_dir: str | Path,
    outcome: str,
    method: str | None = None,
    *,
    conf_level: float = 0.95,
    resamples: int = 1000,
    seed: int = 0,
    write: bool = True,
) -> SensitivityResult:
    """Morris or Sobol indices of ``outcome`` for the experiment in ``out_dir``.

    Args:
        out_dir: Experiment folder.
        outcome: Outcome name (a column of ``runs``).
        method: ``morris`` or ``sobol``; default: the design's method.
        conf_level: Confidence level of the bootstrap intervals.
        resamples: Bootstrap resamples.
        seed: Seed of the bootstrap.
        write: Write CSV and PNG files into ``out_dir/analysis``.

    Raises:
        ExperimentError: If the design does not fit the method, the outcome is unknown or runs
            are missing.
    """
    store = ExperimentStore(out_dir)
    manifest = store.require_manifest()
    design = manifest["design"]
    used = design["method"]
    method = method or (used if used in METHODS else None)
    if method not in METHODS:
        raise ExperimentError(
            f"sensitivity analysis needs a design with method = 'morris' or 'sobol'; this "
            f"experiment used '{used}'. Use `govsim experiment discover` or SQL queries for it, "
            "or run a Morris or Sobol spec"
        )
    if method != used:
        raise ExperimentError(
            f"--method {method} needs a design with method = '{method}', but this experiment "
            f"used '{used}': leave --method out or give --method {used}"
        )
    if not 0 < conf_level < 1:
        raise ExperimentError(f"--conf-level must lie between 0 and 1, got {conf_level}")
    y = outcome_by_point(store, manifest, outcome)
    problem = design["salib_problem"]
    raw = store.load_points(raw=True)
    x = raw[list(problem["names"])].to_numpy(dtype=np.float64)
    result = SensitivityResult(outcome, method, pd.DataFrame())
    if method == "morris":
        result.table = morris_table(
            problem,
            x,
            y,
            levels=int(design["levels"] or 4),
            conf_level=conf_level,
            resamples=resamples,
            seed=seed,
        )
    else:
        result.table, result.second_order = sobol_table(
            problem,
            y,
            second_order=bool(design["second_order"]),
            conf_level=conf_level,
            resamples=resamples,
            seed=seed,
        )
    if write:
        folder = store.root / ANALYSIS
        stem = f"sensitivity-{outcome}-{method}"
        title = f"{manifest.get('name')}: {method.capitalize()} indices of {outcome}"
        csv = folder / f"{stem}.csv"
        png = folder / f"{stem}.png"
        _write_csv(result.table, csv)
        result.files += [csv]
        if result.second_order is not None:
            s2 = folder / f"{stem}-second-order.csv"
            _write_csv(result.second_order, s2)
            result.files.append(s2)
        if method == "morris":
            plot_morris(result.table, title, png)
        else:
            plot_sobol(result.table, title, png)
        result.files.append(png)
    return result


def format_table(result: SensitivityResult) -> str:
    """The table for the terminal."""
    return result.table.to_string(index=False, float_format=lambda v: f"{v:.4f}")

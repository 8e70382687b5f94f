"""The national baseline run: a summary table and a transition-vs-transformation figure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from govsim.model.governance_model import GovernanceModel
from govsim.model.indicators import label
from govsim.model.timeline import DOMAINS, Timeline
from govsim.scenarios.atomic import atomic_path, write_text

KEY_DATES: tuple[tuple[str, dict[str, str]], ...] = (
    ("2015-01-01", {"nl": "3D's in werking", "en": "3D in force"}),
    ("2017-08-01", {"nl": "enquête 2017", "en": "survey 2017"}),
    ("2021-01-01", {"nl": "Omgevingswet in werking", "en": "Omgevingswet in force"}),
    ("2024-01-01", {"nl": "DSO compleet", "en": "DSO complete"}),
    ("2029-12-01", {"nl": "eind 2029", "en": "end 2029"}),
)
"""The summary's columns: a date and what happens then, in Dutch and English."""
MARKS: dict[str, dict[str, str]] = {
    "entry": {"nl": "inwerkingtreding", "en": "entry"},
    "postponed": {"nl": "uitstel", "en": "postponed"},
    "DSO": {"nl": "DSO", "en": "DSO"},
}
"""The figure's event marks, in Dutch and English."""
SUMMARY_INDICATORS: tuple[str, ...] = (
    "transition_{d}",
    "transformation_{d}",
    "staff_adoption_{d}",
    "urgency_{d}",
    "cooperation_{d}",
    "satisfaction_{d}",
    "dominant_{d}_legal",
    "dominant_{d}_performing",
    "dominant_{d}_collaborative",
    "dominant_{d}_responsive",
)


def summary_table(series: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Key indicators (rows) at the key dates (columns), both domains."""
    dates = [pd.Timestamp(d) for d, _ in KEY_DATES]
    rows = {}
    for d in DOMAINS:
        for pattern in SUMMARY_INDICATORS:
            name = pattern.format(d=d)
            rows[label(name, lang)] = series.loc[dates, name].to_numpy()
    rows[label("citizen_trust", lang)] = series.loc[dates, "citizen_trust"].to_numpy()
    return pd.DataFrame(rows, index=[f"{d[:7]} ({what[lang]})" for d, what in KEY_DATES]).T


def table_text(table: pd.DataFrame, lang: str = "en") -> str:
    """The summary as printed: two decimals, a decimal comma in Dutch."""
    point = "," if lang == "nl" else "."
    return table.to_string(float_format=lambda v: f"{v:.2f}".replace(".", point))


def plot_transition_transformation(
    series: pd.DataFrame, timeline: Timeline, path: Path, lang: str = "en"
) -> None:
    """Write a PNG: transition and transformation per domain, 2013-2029, events marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    for ax, d in zip(axes, DOMAINS, strict=True):
        for q, style in (("transition", "-"), ("transformation", "--")):
            ax.plot(series.index, series[f"{q}_{d}"], style, lw=2.2, label=label(q, lang))
        dom = timeline.domain(d)
        marks = [(dom.final_entry(), "entry")]
        marks += [(p.announced, "postponed") for p in dom.postponements]
        if d == "physical":
            marks.append((timeline.dso_full, "DSO"))
        for when, what in marks:
            ax.axvline(pd.Timestamp(when), color="grey", lw=0.8, ls=":")
            ax.text(  # inside the panel, at its foot: the title above stays clear
                pd.Timestamp(when),
                0.02,
                MARKS[what][lang],
                transform=ax.get_xaxis_transform(),
                rotation=90,
                va="bottom",
                ha="right",
                fontsize=8,
                color="grey",
            )
        ax.set_title(label(d, lang))
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("0-1")
    axes[0].legend(loc="lower right")
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)


def run_baseline(seed: int, out: Path, lang: str = "en") -> tuple[pd.DataFrame, list[Path]]:
    """Run the national baseline once; write series CSV, summary and figure into ``out``."""
    timeline = Timeline()
    model = GovernanceModel(rng=seed, timeline=timeline).run()
    series = model.national_series()
    table = summary_table(series, lang)
    out.mkdir(parents=True, exist_ok=True)
    written = [
        out / "national_series.csv",
        out / "summary.txt",
        out / "transition_transformation.png",
    ]
    with atomic_path(written[0]) as tmp:
        series.to_csv(tmp)
    header = (
        f"govsim baseline, seed {seed}, run {dt.datetime.now().isoformat(timespec='seconds')}\n"
    )
    write_text(written[1], header + table_text(table, lang) + "\n")
    plot_transition_transformation(series, timeline, written[2], lang)
    return table, written

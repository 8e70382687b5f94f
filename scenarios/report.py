"""The scenario comparison report: PNG figures and one self-contained HTML page.

The HTML embeds its figures as base64 PNG data URIs and its style inline: no external CSS,
scripts, fonts or images, so it opens offline and can be mailed as one file. The same figures
are saved as PNG files in ``out_dir/figures/``. Every label comes from
`model.indicators.label`; the few other words from `scenarios.report_text.UI`. The report holds
no timestamps, so rerunning an ensemble reproduces it byte for byte.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import math
import textwrap
from collections.abc import Sequence
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import numpy as np

from govsim.agents.modes import MODES
from govsim.model.indicators import label
from govsim.model.timeline import DOMAINS
from govsim.scenarios.atomic import atomic_path, will_write, write_text
from govsim.scenarios.findings import findings, inputs_of, tone
from govsim.scenarios.report_expectations import expectations_context
from govsim.scenarios.report_text import (
    choices_text,
    finding_sentence,
    month,
    number,
    scenario_text,
    settings_text,
    short_label,
    timeline_events,
    ui,
)
from govsim.scenarios.scenario import Scenario
from govsim.scenarios.summary import EnsembleData

REFERENCE_COLOUR = "#222222"
COLOURS: tuple[str, ...] = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)
RC = {
    "font.size": 14,
    "axes.titlesize": 15,
    "axes.labelsize": 14,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 13,
    "figure.titlesize": 18,
}
KEY_INDICATORS: tuple[str, ...] = (
    "transition_physical",
    "transformation_physical",
    "transition_physical_lt10k",
    "urgency_physical",
    "staff_adoption_physical",
    "mix_physical_legal",
    "cooperation_physical",
    "participation_physical",
    "dso_connection",
    "transition_social",
    "transformation_social",
    "citizen_trust",
)
"""Rows of the key-indicator table."""
TITLE_WIDTH = 34
"""Characters per line of a panel title."""
SURVEY_DATE = "2017-08-01"
FIXED_KEY_DATES: tuple[str, ...] = ("2024-01-01", "2029-12-01")


@dataclasses.dataclass(frozen=True)
class Figure:
    """One report figure: a grid of panels, each an indicator, with row and column titles."""

    name: str
    title: str
    grid: tuple[tuple[str | None, ...], ...]
    row_titles: tuple[str, ...]
    col_titles: tuple[str, ...]
    ylabel: str = "index"


def figures_spec() -> list[Figure]:
    """The report's figures (indicator names only; titles are UI keys or terms)."""
    doms = DOMAINS
    return [
        Figure(
            "transition_transformation",
            "fig_transition",
            tuple((f"transition_{d}", f"transformation_{d}") for d in doms),
            doms,
            ("transition", "transformation"),
        ),
        Figure(
            "steering_modes",
            "fig_steering",
            tuple(tuple(f"dominant_{d}_{m}" for m in MODES) for d in doms),
            doms,
            MODES,
            "share",
        ),
        Figure(
            "urgency_attention",
            "fig_urgency",
            tuple(
                (f"urgency_{d}", f"college_attention_{d}", f"council_attention_{d}") for d in doms
            ),
            doms,
            ("urgency", "college_attention", "council_attention"),
        ),
        Figure(
            "staff_adoption",
            "fig_staff",
            (("staff_adoption_social", "staff_adoption_physical", "staff_adoption_other"),),
            ("staff_adoption",),
            ("social", "physical", "other"),
            "share",
        ),
        Figure(
            "participation_trust",
            "fig_participation",
            (
                ("participation_social", "participation_physical"),
                ("citizen_trust", "council_trust"),
            ),
            ("participation", "citizen_trust"),
            ("social", "physical"),
        ),
        Figure(
            "regional_cooperation",
            "fig_cooperation",
            (("cooperation_social", "cooperation_physical", "mix_physical_legal"),),
            ("cooperation",),
            ("social", "physical", "mix_physical_legal"),
        ),
        Figure(
            "dso",
            "fig_dso",
            (("dso_availability", "dso_connection", "transition_physical_lt10k"),),
            ("physical",),
            ("dso_availability", "dso_connection", "transition_physical_lt10k"),
        ),
        Figure("map_change", "fig_map", (), (), ()),
        Figure(
            "heterogeneity",
            "fig_heterogeneity",
            tuple(
                tuple(f"{q}_physical_{p}" for p in ("p10", "p50", "p90"))
                for q in ("transition", "transformation")
            ),
            ("transition", "transformation"),
            ("p10", "p50", "p90"),
        ),
    ]


def y_top(largest: float) -> float:
    """Upper y limit of a 0-1 panel: 1, or less for small values (steps of 0.05, at least 0.05)."""
    return float(min(1.0, max(0.05, math.ceil(largest * 1.15 / 0.05) * 0.05)))


def colours(data: EnsembleData) -> dict[str, str]:
    """A colour per scenario: near-black for the reference, then a fixed palette."""
    out: dict[str, str] = {}
    i = 0
    for name in data.names:
        if name == data.reference:
            out[name] = REFERENCE_COLOUR
        else:
            out[name] = COLOURS[i % len(COLOURS)]
            i += 1
    return out


def drawing_order(data: EnsembleData) -> list[str]:
    """Scenario names with the reference last (drawn on top of the others)."""
    return [n for n in data.names if n != data.reference] + [data.reference]


MAP_COLUMN = "transition_physical"
"""What the map of the change shows: the physical transition at the reference's entry."""


def plot_change_map(data: EnsembleData, path: Path, lang: str = "en") -> bytes:
    """Small multiples: per scenario, each municipality's paired change against the reference.

    The colour is the median over replications of (scenario - reference) in `MAP_COLUMN` at
    the reference's entry into force (the first snapshot), red where it is worse for the
    implementation, blue where better; municipalities outside the run are grey.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    from govsim.viz.topo import load_shapes

    m = data.municipal
    others = [n for n in data.names if n != data.reference]
    cols = max(1, min(3, len(others)))
    rows = max(1, -(-len(others) // cols))
    shapes = load_shapes("municipalities")
    index = {c: i for i, c in enumerate(m.codes)} if m is not None else {}
    deltas = (
        {
            n: np.median(m.column(n, MAP_COLUMN) - m.column(data.reference, MAP_COLUMN), axis=0)
            for n in others
        }
        if m is not None
        else {}
    )
    limit = max([0.01, *(float(np.nanmax(np.abs(d))) for d in deltas.values())])
    cmap = plt.get_cmap("RdBu")
    norm = matplotlib.colors.Normalize(-limit, limit)
    with plt.rc_context(RC):
        fig, axes = plt.subplots(
            rows, cols, figsize=(5.2 * cols + 1.2, 6.0 * rows + 1.2), squeeze=False
        )
        for k in range(rows * cols):
            ax = axes[k // cols][k % cols]
            ax.set_axis_off()
            if k >= len(others):
                continue
            name = others[k]
            polys, colours_ = [], []
            for shape in shapes:
                i = index.get(shape.code)
                colour = "#dddddd" if i is None else cmap(norm(deltas[name][i]))
                for ring in shape.rings:
                    polys.append(ring)
                    colours_.append(colour)
            ax.add_collection(
                PolyCollection(polys, facecolors=colours_, edgecolors="#ffffff", linewidths=0.2)
            )
            ax.autoscale_view()
            if data.municipalities is not None:  # zoom to the municipalities run
                run = np.vstack([r for s in shapes if s.code in index for r in s.rings])
                pad = 0.05 * float(np.ptp(run, axis=0).max())
                ax.set_xlim(run[:, 0].min() - pad, run[:, 0].max() + pad)
                ax.set_ylim(run[:, 1].min() - pad, run[:, 1].max() + pad)
            ax.set_aspect("equal")
            ax.set_title(short_label(data.scenario(name), lang))
        when = month(m.dates[0], lang) if m is not None else ""
        title = ui("map_title", lang).format(
            label=label(MAP_COLUMN, lang),
            ref=short_label(data.scenario(data.reference), lang),
            date=when,
        )
        fig.suptitle(title, fontweight="bold")
        bar = fig.colorbar(
            matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap),
            ax=axes.ravel().tolist(),
            orientation="horizontal",
            fraction=0.05,
            pad=0.04,
        )
        bar.set_label(ui("map_unit", lang))
        bar.ax.xaxis.set_major_formatter(
            matplotlib.ticker.FuncFormatter(lambda v, _: number(v, lang, signed=True))
        )
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format="png", dpi=90, metadata={"Software": None})
        plt.close(fig)
    return path.read_bytes()


def missing(data: EnsembleData, indicator: str) -> bool:
    """Whether ``indicator`` has no value at all: not in the run, or NaN in every scenario.

    A size class without municipalities (a run on a subset) has NaN indicators throughout;
    the report leaves them out (no panel, no table row) rather than show them as zeros.
    """
    if indicator not in data.columns:
        return True
    return all(bool(np.isnan(data.column(n, indicator)).all()) for n in data.names)


def band_width(data: EnsembleData, spec: Figure) -> float:
    """The widest 5-95% band over the replications in any panel of a figure."""
    widths = [
        float(np.nanmax(b.p95 - b.p05))
        for row in spec.grid
        for ind in row
        if ind is not None and not missing(data, ind)
        for b in (data.band(n, ind) for n in data.names)
    ]
    return max(widths, default=0.0)


NARROW_BAND = 0.01
"""Bands narrower than this (on a 0-1 axis about 3 px at report size) hide inside the lines."""


def _by_domain(fig: Figure) -> bool:
    """Whether the figure's rows are the two domains (then columns are titled by term)."""
    return tuple(fig.row_titles) == DOMAINS


def _panel_title(fig: Figure, r: int, c: int, lang: str) -> str:
    if _by_domain(fig):
        return label(fig.col_titles[c], lang)
    parts = label(fig.grid[r][c], lang).replace("< ", "<\u00a0").replace("> ", ">\u00a0")
    return "\n".join(textwrap.fill(part, TITLE_WIDTH) for part in parts.split(" — "))


def _panel_domain(indicator: str) -> str | None:
    parts = indicator.split("_")
    for d in DOMAINS:
        if d in parts:
            return d
    return "physical" if indicator.startswith("dso") else None


def _day(when: Any) -> float:
    """A date as matplotlib's day number, what a date axis would convert it to."""
    import matplotlib.dates
    import pandas as pd

    return float(matplotlib.dates.date2num(pd.Timestamp(when)))


def year_ticks(dates: np.ndarray, every: int = 4) -> tuple[np.ndarray, list[str]]:
    """Day numbers and labels of 1 January of every ``every``-th year (``YearLocator(every)``).

    Fixed once per figure: a date locator would work them out again in every draw of every
    panel (a fifth of a figure's drawing time), for the same ticks.
    """
    import matplotlib.dates

    first, last = (int(str(d)[:4]) for d in (dates[0], dates[-1]))
    years = [y for y in range(first, last + 1) if y % every == 0]
    days = np.array([f"{y}-01-01" for y in years], dtype="datetime64[D]")
    return matplotlib.dates.date2num(days), [str(y) for y in years]


def _mark_events(ax, scenario: Scenario, domain: str, colour: str) -> None:
    dom = scenario.timeline.domain(domain)
    ax.axvline(_day(dom.final_entry()), color=colour, lw=1.4, ls="--", alpha=0.8)
    for p in dom.postponements:
        ax.plot(
            [_day(p.announced)],
            [1.0],
            marker="v",
            color=colour,
            markersize=9,
            transform=ax.get_xaxis_transform(),
            clip_on=False,
            zorder=5,
        )
    if domain == "physical":
        ax.axvline(_day(scenario.timeline.dso_full), color=colour, lw=1.2, ls=":")


def plot_figure(data: EnsembleData, fig_spec: Figure, path: Path, lang: str = "en") -> bytes:
    """Draw one figure (median lines, 5-95% bands, events) and save it as PNG; return the bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FixedFormatter, FixedLocator

    cols = colours(data)
    x = matplotlib.dates.date2num(data.dates.astype("datetime64[D]"))
    tick_days, tick_labels = year_ticks(data.dates)
    nrows, ncols = len(fig_spec.grid), max(len(r) for r in fig_spec.grid)
    width = 4.6 * ncols + 1.5
    names = [short_label(data.scenario(n), lang) for n in data.names]
    per_row = max(1, min(len(names), int(width // (0.11 * max(map(len, names)) + 1.0))))
    marks_per_row = 4 if width > 12 else 2
    legend_rows = -(-len(names) // per_row) + -(-4 // marks_per_row)
    legend_h = 0.38 * legend_rows + 0.15
    height = 3.9 * nrows + 1.0 + legend_h
    with plt.rc_context(RC):
        fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), squeeze=False, sharex=True)
        for r, row in enumerate(fig_spec.grid):
            for c in range(ncols):
                ax = axes[r][c]
                indicator = row[c] if c < len(row) else None
                if indicator is None or missing(data, indicator):
                    ax.set_visible(False)
                    continue
                domain = _panel_domain(indicator)
                top = 0.0
                for name in drawing_order(data):
                    b = data.band(name, indicator)
                    top = max(top, float(np.nanmax(b.p95)))
                    ref = name == data.reference
                    ax.fill_between(x, b.p05, b.p95, color=cols[name], alpha=0.15, lw=0)
                    # the reference is drawn last and thinner: visible where a scenario
                    # follows it exactly (e.g. "as it happened" until 2017)
                    ax.plot(
                        x,
                        b.median,
                        color=cols[name],
                        lw=1.6 if ref else 3.2,
                        zorder=4 if ref else 3,
                    )
                    if domain is not None:
                        _mark_events(ax, data.scenario(name), domain, cols[name])
                ax.set_title(_panel_title(fig_spec, r, c, lang), pad=14)
                ax.set_ylim(0, y_top(top))
                ax.set_xlim(x[0], x[-1])
                ax.grid(alpha=0.3)
                if c == 0 and _by_domain(fig_spec):
                    ax.set_ylabel(label(fig_spec.row_titles[r], lang).split(" (")[0])
                elif c == 0:
                    ax.set_ylabel(ui("share" if fig_spec.ylabel == "share" else "index", lang))
                ax.xaxis.set_major_locator(FixedLocator(tick_days))
                ax.xaxis.set_major_formatter(FixedFormatter(tick_labels))
        fig.suptitle(ui(fig_spec.title, lang), fontweight="bold")
        marks = [
            Patch(color="#888888", alpha=0.3),
            Line2D([], [], color="#555555", ls="--", lw=1.4),
            Line2D([], [], color="#555555", ls="", marker="v", markersize=9),
            Line2D([], [], color="#555555", ls=":", lw=1.2),
        ]
        mark_names = [
            ui(k, lang) for k in ("band", "legend_entry", "legend_postponed", "legend_dso")
        ]
        mark_h = (0.38 * -(-4 // marks_per_row) + 0.1) / height
        fig.legend(
            marks,
            mark_names,
            loc="lower center",
            ncol=marks_per_row,
            frameon=False,
            bbox_to_anchor=(0.5, 0.0),
            handlelength=2.2,
            fontsize=12,
        )
        fig.legend(
            [Line2D([], [], color=cols[n], lw=3.5) for n in data.names],
            names,
            loc="lower center",
            ncol=per_row,
            frameon=False,
            bbox_to_anchor=(0.5, mark_h),
        )
        fig.tight_layout(rect=(0, legend_h / height, 1, 1 - 0.5 / height))
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format="png", dpi=90, metadata={"Software": None})
        plt.close(fig)
    return path.read_bytes()


def key_dates(data: EnsembleData, scenario: Scenario) -> list[tuple[str, str | None]]:
    """(column header key, ISO date) of the table's key dates for one scenario."""
    entry = scenario.timeline.physical.final_entry().isoformat()
    return [
        ("survey", SURVEY_DATE),
        ("entry", entry),
        *((d[:7], d) for d in FIXED_KEY_DATES),
    ]


def _cell(data: EnsembleData, name: str, indicator: str, when: str, lang: str) -> str:
    row = data.date_index(when)
    if row is None:
        return "<td class='na'>–</td>"
    b = data.band(name, indicator)
    text = (
        f"<b>{number(b.median[row], lang)}</b> "
        f"<span class='q'>[{number(b.p05[row], lang)}–{number(b.p95[row], lang)}]</span>"
    )
    if name != data.reference:
        d = data.difference(name, indicator)
        low, high = float(d.p05[row]), float(d.p95[row])
        mood = tone(indicator, low, high)
        if indicator in inputs_of(data, name):
            mood = "input"
        lo, hi = number(low, lang, signed=True), number(high, lang, signed=True)
        band = "" if lo == hi else f" [{lo}; {hi}]"
        text += (
            f"<br><span class='d {mood}'>Δ {number(d.median[row], lang, signed=True)}{band}"
            + (f" <i>({html.escape(ui('input', lang))})</i>" if mood == "input" else "")
            + "</span>"
        )
    return f"<td>{text}</td>"


def key_table_html(data: EnsembleData, lang: str = "en") -> str:
    """The key-indicator table (indicators × scenarios, key dates as columns).

    An indicator without any value (`missing`: a size class the run has no municipality in)
    gets no row.
    """
    e = html.escape
    ref = data.scenario(data.reference)
    headers = [
        ui("survey", lang).format(date="2017-08"),
        f"{ui('entry', lang)} ({label('physical', lang).split(' (')[0]})",
        *(d[:7] for d in FIXED_KEY_DATES),
    ]
    out = ["<table class='key'>", "<thead><tr>"]
    out.append(f"<th>{e(ui('indicator', lang))} / {e(ui('scenario', lang))}</th>")
    out += [f"<th>{e(h)}</th>" for h in headers]
    out.append("</tr></thead><tbody>")
    for ind in KEY_INDICATORS:
        if missing(data, ind):  # not run, or an empty size class: no row
            continue
        out.append(
            f"<tr class='group'><th colspan='{len(headers) + 1}'>{e(label(ind, lang))}</th></tr>"
        )
        for s in data.scenarios:
            dates = key_dates(data, s)
            entry_text = s.timeline.physical.final_entry().isoformat()[:7]
            cells = "".join(_cell(data, s.name, ind, when, lang) for _, when in dates)
            ref_mark = f" <i>({e(ui('reference', lang))})</i>" if s.name == ref.name else ""
            out.append(
                f"<tr><td class='sc'>{e(short_label(s, lang))}{ref_mark}"
                f"<br><span class='q'>{e(ui('entry', lang))} {entry_text}</span></td>{cells}</tr>"
            )
    out.append("</tbody></table>")
    return "\n".join(out)


CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;max-width:1200px;
margin:2em auto;padding:0 1em;color:#1a1a1a;line-height:1.45;font-size:17px}
h1{font-size:2em;margin-bottom:.1em}h2{margin-top:2em;border-bottom:2px solid #ddd}
.sub{color:#555;margin-top:0}.meta{color:#444;font-size:.92em}
img{max-width:100%;height:auto;display:block;margin:1em 0}
.scen{border-left:6px solid #999;padding:.3em 1em;margin:1em 0;background:#fafafa}
.scen h3{margin:.2em 0}.scen ul{font-size:.9em;color:#333}
table.key{border-collapse:collapse;width:100%;font-size:.9em}
table.key td,table.key th{border:1px solid #ddd;padding:.35em .5em;vertical-align:top}
table.key thead th{background:#eee;position:sticky;top:0}
tr.group th{background:#f3f3f3;text-align:left}
td.sc{white-space:nowrap}.q{color:#666;font-size:.85em}.d{font-size:.88em}
.better{color:#1a7f37}.worse{color:#b42318}.neutral,.flat,.input{color:#555}
.na{color:#aaa;text-align:center}
ul.findings{padding-left:1.2em}ul.findings li{margin:.35em 0;list-style:none;position:relative}
ul.findings li::before{position:absolute;left:-1.2em;content:'•'}
ul.findings li.better::before{content:'▲'}ul.findings li.worse::before{content:'▼'}
ul.findings li.better,ul.findings li.worse,ul.findings li.neutral{color:#1a1a1a}
ul.findings li.better::before{color:#1a7f37}ul.findings li.worse::before{color:#b42318}
code{background:#f3f3f3;padding:0 .2em}
td.verdict{font-weight:600;white-space:nowrap}td.verdict.agrees{color:#1a7f37}
td.verdict.disagrees{color:#b42318;background:#fdecea}td.verdict.unclear{color:#555}
"""


def glossary_rows(lang: str = "en") -> list[dict[str, str]]:
    """One glossary row per quantity the report shows: label, meaning, unit, better-direction."""
    from govsim.model.indicators import BETTER, INDICATORS, MEANING, UNITS

    seen: list[str] = []
    for ind in INDICATORS:
        if ind.quantity not in seen:
            seen.append(ind.quantity)
    rows = []
    for quantity in seen:
        if quantity not in MEANING:
            continue
        direction = BETTER.get(quantity, 0)
        key = {1: "better_up", -1: "better_down", 0: "better_none"}[direction]
        rows.append(
            {
                "label": label(quantity, lang),
                "meaning": MEANING[quantity][0 if lang == "nl" else 1],
                "unit": ui(f"unit_{UNITS.get(quantity, 'index')}", lang),
                "direction": ("↑ " if direction > 0 else "↓ " if direction < 0 else "")
                + ui(key, lang),
                "cls": {1: "better", -1: "better", 0: "neutral"}[direction],
            }
        )
    return rows


def lessons_context(data: EnsembleData, lang: str = "en") -> dict[str, Any] | None:
    """The "what should we do next?" section (`scenarios.advice`), if the run ranked lessons."""
    if data.lessons is None:
        return None
    from govsim.scenarios.advice import RANKED_ON, reliability, sentence, word
    from govsim.scenarios.lessons import LESSONS, OUTCOMES

    outcomes = [o for o in OUTCOMES if o.name in RANKED_ON]
    names = {lesson.name: lesson for lesson in LESSONS}
    rows = []
    for _, row in data.lessons["table"].iterrows():
        lesson = names[row["lesson"]]
        cells = []
        for o in outcomes:
            lo, hi = float(row[f"{o.name}_p05"]), float(row[f"{o.name}_p95"])
            mood = tone(o.indicator, lo, hi, digits=3)
            cells.append(
                {
                    "value": number(float(row[o.name]), lang, True, 3),
                    "band": f"[{number(lo, lang, True, 3)}; {number(hi, lang, True, 3)}]",
                    "tone": mood,
                }
            )
        rows.append(
            {
                "rank": f"{row['rank']} ({row['rank_low']}-{row['rank_high']})",
                "label": lesson.nl if lang == "nl" else lesson.en,
                "cells": cells,
                "sentence": sentence(row, outcomes, lang),
            }
        )
    return {
        "title": ui("lessons_title", lang).format(where=data.lessons["where"]),
        "note": ui("lessons_note", lang).format(
            n=data.lessons["replications"],
            ref=short_label(data.scenario(data.reference), lang),
        )
        + " "
        + reliability(data.lessons["replications"], data.lessons["top_share"], lang),
        "headers": [word("rank", lang), word("lesson", lang)]
        + [o.nl if lang == "nl" else o.en for o in outcomes],
        "rows": rows,
    }


def _template():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("report.html.j2")


def render_html(
    data: EnsembleData,
    figures: Sequence[tuple[Figure, bytes]],
    lang: str = "en",
    code_version: str | None = None,
) -> str:
    """The whole report page as one string (jinja2 template ``templates/report.html.j2``).

    Findings first (`scenarios.findings`), then what the report expects of each what-if and
    what the model shows (`scenarios.report_expectations`), the headline figure, the
    key-indicator table,
    the other figures, the glossary, the scenarios and how the run was made.
    """
    from markupsafe import Markup

    cols = colours(data)
    ref_label = short_label(data.scenario(data.reference), lang)
    n_mun = data.municipalities
    where = (
        ui("all_municipalities", lang).format(n=388)
        if n_mun is None
        else ui("subset", lang).format(what=", ".join(n_mun))
    )
    order = [data.reference] + [n for n in data.names if n != data.reference]
    cards = [
        {
            "label": data.scenario(n).label(lang),
            "colour": cols[n],
            "reference": n == data.reference,
            "findings": [
                {"tone": f.tone, "text": finding_sentence(f, data, lang)} for f in findings(data, n)
            ],
        }
        for n in order
    ]
    figs = []
    for fig, png in figures:
        width = band_width(data, fig)
        note = (
            ui("narrow_band", lang).format(width=number(NARROW_BAND, lang))
            if fig.grid and width < NARROW_BAND
            else ""
        )
        uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        figs.append({"title": ui(fig.title, lang), "uri": uri, "note": note})
    scen = []
    for s in data.scenarios:
        scen.append(
            {
                "name": s.name,
                "label": s.label(lang),
                "colour": cols[s.name],
                "reference": s.name == data.reference,
                "description": s.description.get(lang, ""),
                "text": scenario_text(data, s.name, lang),
                "events": [text for _, text in timeline_events(s.timeline, lang)],
                "params": settings_text(s.params, lang),
                "choices": choices_text(s.strategy, lang),
            }
        )
    words = {
        k: ui(k, lang)
        for k in (
            "title",
            "subtitle",
            "findings",
            "reference",
            "table",
            "glossary",
            "glossary_note",
            "indicator",
            "meaning",
            "unit",
            "scenarios",
            "summary_text",
            "events",
            "params",
            "choices",
            "code_version",
        )
    }
    return _template().render(
        expectations=expectations_context(data, lang),
        lessons=lessons_context(data, lang),
        lang=lang,
        css=Markup(CSS),
        ui=words,
        where_line=ui("where_line", lang).format(
            where=where, n=len(data.seeds), seed=data.root_seed
        ),
        findings_note=ui("findings_note", lang).format(ref=ref_label),
        cards=cards,
        figures=figs,
        table_note=ui("table_note", lang).format(ref=ref_label),
        key_table=Markup(key_table_html(data, lang)),
        glossary=glossary_rows(lang),
        scenarios=scen,
        run_info=ui("run_info", lang).format(
            n=len(data.seeds), seed=data.root_seed, where=where, ref=ref_label
        ),
        code_version=code_version,
    )


def panels(spec: Figure) -> int:
    """Number of panels of a figure (what its drawing time grows with)."""
    return sum(cell is not None for row in spec.grid for cell in row)


def figure_data(data: EnsembleData, spec: Figure) -> EnsembleData:
    """Only the part of ``data`` that figure ``spec`` draws from (what a pool worker is sent).

    The indicators of its panels, and the per-municipality snapshots for the map only: a
    national ensemble's values are ~30 MB pickled, a figure's slice a tenth of that.
    """
    wanted = [c for c in data.columns if any(c in row for row in spec.grid)]
    index = [data.columns.index(c) for c in wanted]
    return dataclasses.replace(
        data,
        columns=tuple(wanted),
        values={n: np.ascontiguousarray(v[:, :, index]) for n, v in data.values.items()},
        municipal=data.municipal if spec.name == "map_change" else None,
    )


def draw_figure(data: EnsembleData, spec: Figure, path: Path, lang: str) -> bytes:
    """Draw one figure of the report into ``path``; return its PNG bytes."""
    if spec.name == "map_change":
        return plot_change_map(data, path, lang)
    return plot_figure(data, spec, path, lang)


@dataclasses.dataclass
class PendingFigures:
    """The report's figures, drawn or being drawn (`submit_figures`)."""

    specs: list[Figure]
    paths: list[Path]
    images: list[Future[bytes] | bytes]

    def drawn(self) -> list[tuple[Figure, bytes]]:
        """Every figure with its PNG bytes, in the report's order (waits for the drawing)."""
        images = [i.result() if isinstance(i, Future) else i for i in self.images]
        return list(zip(self.specs, images, strict=True))


def submit_figures(
    data: EnsembleData, out_dir: str | Path, lang: str = "en", executor: Executor | None = None
) -> PendingFigures:
    """Draw the report's figures into ``out_dir/figures``, here or in ``executor``'s processes.

    With an ``executor`` (the ensemble's local worker pool) this returns at once while the
    figures are drawn (the largest first, so that none is left for the end); each is the same
    PNG, to the byte, as drawn here.
    """
    fig_dir = Path(out_dir) / "figures"
    specs = [
        spec
        for spec in figures_spec()
        if spec.name != "map_change" or (data.municipal is not None and len(data.names) > 1)
    ]
    paths = [fig_dir / f"{spec.name}.png" for spec in specs]
    images: list[Future[bytes] | bytes]
    if executor is None:
        images = [draw_figure(data, s, p, lang) for s, p in zip(specs, paths, strict=True)]
    else:
        for path in paths:  # the workers write them: noted in the folder's journal here
            will_write(path)
        order = sorted(range(len(specs)), key=lambda i: -panels(specs[i]))
        jobs = {
            i: executor.submit(draw_figure, figure_data(data, specs[i]), specs[i], paths[i], lang)
            for i in order
        }
        images = [jobs[i] for i in range(len(specs))]
    return PendingFigures(specs, paths, images)


def finish_report(
    data: EnsembleData,
    out_dir: str | Path,
    figures: PendingFigures,
    lang: str = "en",
    code_version: str | None = None,
) -> tuple[Path, list[Path]]:
    """Write ``report.html`` around the figures; return (report, pngs)."""
    report = Path(out_dir) / "report.html"
    write_text(report, render_html(data, figures.drawn(), lang, code_version))
    return report, figures.paths


def write_report(
    data: EnsembleData,
    out_dir: str | Path,
    lang: str = "en",
    code_version: str | None = None,
    executor: Executor | None = None,
) -> tuple[Path, list[Path]]:
    """Write ``figures/*.png`` and ``report.html`` into ``out_dir``; return (report, pngs).

    With an ``executor``, the figures are drawn in its processes at the same time
    (`submit_figures`).
    """
    figures = submit_figures(data, out_dir, lang, executor)
    return finish_report(data, out_dir, figures, lang, code_version)

"""The scenario comparison report: PNG figures and one self-contained HTML page.

The HTML embeds its figures as base64 PNG data URIs and its style inline: no external CSS,
scripts, fonts or images, so it opens offline and can be mailed as one file. The same figures
are saved as PNG files in ``out_dir/figures/``. Every label comes from
`model.indicators.label`; the few other words from `scenarios.report_text.UI`. The report holds
no timestamps, so rerunning an ensemble reproduces it byte for byte.
"""

from __future__ import annotations

import base64
import html
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from govsim.agents.secretary import MODES
from govsim.model.indicators import label
from govsim.model.timeline import DOMAINS
from govsim.scenarios.atomic import atomic_path, write_text
from govsim.scenarios.report_text import number, scenario_text, short_label, timeline_events, ui
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


@dataclass(frozen=True)
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


def _mark_events(ax, scenario: Scenario, domain: str, colour: str) -> None:
    import pandas as pd

    dom = scenario.timeline.domain(domain)
    ax.axvline(pd.Timestamp(dom.final_entry()), color=colour, lw=1.4, ls="--", alpha=0.8)
    for p in dom.postponements:
        ax.plot(
            [pd.Timestamp(p.announced)],
            [1.0],
            marker="v",
            color=colour,
            markersize=9,
            transform=ax.get_xaxis_transform(),
            clip_on=False,
            zorder=5,
        )
    if domain == "physical":
        ax.axvline(pd.Timestamp(scenario.timeline.dso_full), color=colour, lw=1.2, ls=":")


def plot_figure(data: EnsembleData, fig_spec: Figure, path: Path, lang: str = "en") -> bytes:
    """Draw one figure (median lines, 5-95% bands, events) and save it as PNG; return the bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    cols = colours(data)
    x = pd.DatetimeIndex(data.dates)
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
                if indicator is None or indicator not in data.columns:
                    ax.set_visible(False)
                    continue
                domain = _panel_domain(indicator)
                top = 0.0
                for name in data.names:
                    b = data.band(name, indicator)
                    top = max(top, float(np.nanmax(b.p95)))
                    ax.fill_between(x, b.p05, b.p95, color=cols[name], alpha=0.15, lw=0)
                    ax.plot(x, b.median, color=cols[name], lw=2.4)
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
                ax.xaxis.set_major_locator(matplotlib.dates.YearLocator(4))
                ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%Y"))
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
        low, high = round(d.p05[row], 2), round(d.p95[row], 2)
        cls = "up" if low > 0 else "down" if high < 0 else "flat"
        text += (
            f"<br><span class='d {cls}'>Δ {number(d.median[row], lang, signed=True)} "
            f"[{number(d.p05[row], lang, signed=True)}; "
            f"{number(d.p95[row], lang, signed=True)}]</span>"
        )
    return f"<td>{text}</td>"


def key_table_html(data: EnsembleData, lang: str = "en") -> str:
    """The key-indicator table (indicators × scenarios, key dates as columns)."""
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
        if ind not in data.columns:
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
.up{color:#1a7f37}.down{color:#b42318}.flat{color:#666}.na{color:#aaa;text-align:center}
code{background:#f3f3f3;padding:0 .2em}
"""


def render_html(
    data: EnsembleData,
    figures: Sequence[tuple[Figure, bytes]],
    lang: str = "en",
    code_version: str | None = None,
) -> str:
    """The whole report page as one string."""
    e = html.escape
    cols = colours(data)
    ref_label = short_label(data.scenario(data.reference), lang)
    n_mun = data.municipalities
    where = (
        ui("all_municipalities", lang).format(n=388)
        if n_mun is None
        else ui("subset", lang).format(what=", ".join(n_mun))
    )
    parts = [
        "<!DOCTYPE html>",
        f"<html lang='{lang}'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{e(ui('title', lang))}</title><style>{CSS}</style></head><body>",
        f"<h1>{e(ui('title', lang))}</h1>",
        f"<p class='sub'>{e(ui('subtitle', lang))}</p>",
        "<p class='meta'>"
        + e(
            ui("run_info", lang).format(
                n=len(data.seeds), seed=data.root_seed, where=where, ref=ref_label
            )
        )
        + (
            f" {e(ui('code_version', lang))}: <code>{e(code_version)}</code>."
            if code_version
            else ""
        )
        + "</p>",
        f"<h2>{e(ui('scenarios', lang))}</h2>",
    ]
    for s in data.scenarios:
        events = "".join(f"<li>{e(text)}</li>" for _, text in timeline_events(s.timeline, lang))
        params = ", ".join(f"{k} = {v}" for k, v in sorted(s.params.items()))
        ref_mark = f" <i>({e(ui('reference', lang))})</i>" if s.name == data.reference else ""
        parts.append(
            f"<div class='scen' style='border-color:{cols[s.name]}'>"
            f"<h3>{e(s.label(lang))}{ref_mark} <span class='q'><code>{e(s.name)}</code></span></h3>"
            f"<p>{e(s.description.get(lang, ''))}</p>"
            f"<p><b>{e(ui('summary_text', lang))}:</b> {e(scenario_text(data, s.name, lang))}</p>"
            f"<details><summary>{e(ui('events', lang))}</summary><ul>{events}</ul>"
            + (f"<p class='q'>{e(ui('params', lang))}: {e(params)}</p>" if params else "")
            + "</details></div>"
        )
    parts.append(f"<h2>{e(ui('table', lang))}</h2>")
    parts.append(f"<p class='meta'>{e(ui('table_note', lang).format(ref=ref_label))}</p>")
    parts.append(key_table_html(data, lang))
    for fig, png in figures:
        uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        parts.append(f"<h2>{e(ui(fig.title, lang))}</h2>")
        parts.append(f"<img alt='{e(ui(fig.title, lang))}' src='{uri}'>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report(
    data: EnsembleData,
    out_dir: str | Path,
    lang: str = "en",
    code_version: str | None = None,
) -> tuple[Path, list[Path]]:
    """Write ``figures/*.png`` and ``report.html`` into ``out_dir``; return (report, pngs)."""
    out = Path(out_dir)
    fig_dir = out / "figures"
    drawn: list[tuple[Figure, bytes]] = []
    paths: list[Path] = []
    for spec in figures_spec():
        path = fig_dir / f"{spec.name}.png"
        drawn.append((spec, plot_figure(data, spec, path, lang)))
        paths.append(path)
    report = out / "report.html"
    write_text(report, render_html(data, drawn, lang, code_version))
    return report, paths

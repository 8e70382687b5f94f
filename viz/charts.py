"""Charts of the national series, with the timeline's events marked.

Eight panels on one Agg figure: transition and transformation per domain, dominant steering per
domain, staff working the new way, secretary satisfaction, trust, regional cooperation. With two
runs side by side, run B is drawn dashed over run A. Axes, event marks and legends are drawn
once into a background (blitting); each step only restores it and draws the lines and the "now"
mark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from govsim.agents.secretary import MODES
from govsim.model.timeline import Timeline
from govsim.viz import i18n
from govsim.viz.map_view import MODE_COLOURS, encode

TT_COLOURS = {"transition": "#0072B2", "transformation": "#D55E00"}
DOMAIN_COLOURS = {"social": "#882255", "physical": "#117733"}
TRUST_COLOURS = ("#332288", "#DDAA33")
EVENT_COLOURS = {"social": "#7a1fa2", "physical": "#1b7837", "both": "#777777"}


@dataclass(frozen=True)
class Line:
    """One line of a panel: indicator, colour and label key."""

    indicator: str
    colour: str
    label: tuple[str, str]
    """("term"|"text"|"indicator", key) for `i18n`."""


@dataclass(frozen=True)
class Panel:
    """One panel: title key, domain of its events (social, physical or None: all), lines."""

    title: str
    domain: str | None
    lines: tuple[Line, ...]


def _tt(domain: str) -> Panel:
    return Panel(
        f"panel_tt_{domain}",
        domain,
        tuple(
            Line(f"{q}_{domain}", TT_COLOURS[q], ("term", q))
            for q in ("transition", "transformation")
        ),
    )


def _steering(domain: str) -> Panel:
    return Panel(
        f"panel_steering_{domain}",
        domain,
        tuple(Line(f"dominant_{domain}_{m}", MODE_COLOURS[m], ("term", m)) for m in MODES),
    )


def _domains(title: str, quantity: str) -> Panel:
    return Panel(
        title,
        None,
        tuple(
            Line(f"{quantity}_{d}", DOMAIN_COLOURS[d], ("text", f"{d}_short"))
            for d in ("social", "physical")
        ),
    )


PANELS: tuple[Panel, ...] = (
    _tt("social"),
    _tt("physical"),
    _steering("social"),
    _steering("physical"),
    _domains("panel_staff", "staff_adoption"),
    _domains("panel_satisfaction", "satisfaction"),
    Panel(
        "panel_trust",
        None,
        (
            Line("citizen_trust", TRUST_COLOURS[0], ("text", "citizen_trust_line")),
            Line("council_trust", TRUST_COLOURS[1], ("text", "council_trust_line")),
        ),
    ),
    _domains("panel_cooperation", "cooperation"),
)
"""The chart panels, row by row (four rows of two)."""

CHART_INDICATORS: tuple[str, ...] = tuple(line.indicator for p in PANELS for line in p.lines)


def _line_label(line: Line, lang: str) -> str:
    kind, key = line.label
    if kind == "term":
        return i18n.term(key, lang)
    if kind == "indicator":
        return i18n.indicator(key, lang)
    return i18n.t(key, lang)


def year_fraction(date: dt.date) -> float:
    """A date as a decimal year (the charts' x axis)."""
    return date.year + (date.month - 1) / 12.0 + (date.day - 1) / 365.0


@dataclass(frozen=True)
class Event:
    """A dated timeline event for the charts and the event list."""

    date: dt.date
    domain: str
    tag: str
    text: str


def timeline_events(timeline: Timeline, lang: str) -> list[Event]:
    """The timeline's dated events with short tags and full descriptions in ``lang``."""
    out: list[Event] = []
    for domain in ("social", "physical"):
        d = timeline.domain(domain)
        name = i18n.term(domain, lang)
        tag = i18n.t("tag_3d" if domain == "social" else "tag_ow", lang)
        if d.postponements:
            out.append(Event(d.entry, domain, "", i18n.t("ev_entry_planned", lang, domain=name)))
        for p in d.postponements:
            out.append(
                Event(
                    p.announced,
                    domain,
                    i18n.t("tag_postponed", lang),
                    i18n.t("ev_postponed", lang, domain=name, date=i18n.month(p.new_entry)),
                )
            )
        out.append(Event(d.final_entry(), domain, tag, i18n.t("ev_entry", lang, domain=name)))
        if d.completion and d.completion != d.final_entry():
            out.append(Event(d.completion, domain, "", i18n.t("ev_completion", lang, domain=name)))
    tag = i18n.t("tag_dso", lang)
    out.append(Event(timeline.dso_start, "physical", tag, i18n.t("ev_dso_start", lang)))
    out.append(Event(timeline.dso_full, "physical", tag, i18n.t("ev_dso_full", lang)))
    out += [Event(e, "both", "", i18n.t("ev_election", lang)) for e in timeline.elections]
    for s in timeline.budget_shocks:
        name = i18n.term(s.domain, lang)
        out.append(
            Event(
                s.date,
                s.domain,
                i18n.t("tag_shock", lang),
                i18n.t("ev_shock", lang, domain=name, size=i18n.number(s.size, 2, lang, sign=True)),
            )
        )
    for p in timeline.cooperation_policies:
        name = i18n.term(p.domain, lang)
        out.append(
            Event(
                p.start,
                p.domain,
                i18n.t("tag_policy", lang),
                i18n.t(
                    "ev_cooperation", lang, domain=name, intensity=i18n.number(p.intensity, 2, lang)
                ),
            )
        )
    return sorted(out, key=lambda e: e.date)


def series_arrays(
    model: Any, names: Sequence[str], upto: int | None = None
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(x in decimal years, {indicator: values}) of what the model collected so far.

    Args:
        model: The model.
        names: Indicators.
        upto: Only the first ``upto`` months (a past month on the timeline); all if None.
    """
    collected = model.datacollector.model_vars
    k = len(collected[names[0]]) if names else 0
    k = k if upto is None else max(0, min(k, int(upto)))
    cal = model.calendar
    x = np.array([year_fraction(cal.date_of(s)) for s in range(1, k + 1)])
    return x, {n: np.asarray(collected[n][:k], dtype=np.float64) for n in names}


class ChartRenderer:
    """The national charts of one or two runs.

    Args:
        width: Figure width in inches.
        height: Figure height in inches.
        dpi: Resolution.
    """

    def __init__(self, *, width: float = 7.4, height: float = 12.0, dpi: int = 80) -> None:
        self.figure = Figure(figsize=(width, height), dpi=dpi, facecolor="white")
        self.canvas = FigureCanvasAgg(self.figure)
        self.axes = self.figure.subplots(4, 2, sharex=True)
        self.figure.subplots_adjust(
            left=0.07, right=0.975, top=0.9, bottom=0.03, hspace=0.74, wspace=0.2
        )
        self.key: tuple[Any, ...] | None = None
        self.lines: list[list[Any]] = []
        self.now_lines: list[Any] = []
        self.background: Any = None
        self._x_cache: dict[int, np.ndarray] = {}

    def _setup(
        self,
        timelines: Sequence[Timeline],
        names: Sequence[str],
        lang: str,
        start: float,
        end: float,
    ) -> None:
        """Draw the static parts (axes, titles, legends, events) and save the background."""
        self.lines = []
        self.now_lines = []
        for ax, panel in zip(self.axes.flat, PANELS, strict=True):
            ax.clear()
            ax.set_xlim(start, end)
            ax.set_ylim(0, 1)
            ax.set_title(
                i18n.t(panel.title, lang),
                fontsize=14.5,
                loc="left",
                fontweight="bold",
                pad=12 + 19 * ((len(panel.lines) + 1) // 2),
            )
            ax.tick_params(labelsize=12.5)
            ax.set_yticks([0, 0.5, 1], ["0", i18n.number(0.5, 1, lang), "1"])
            ax.set_xticks([2015, 2020, 2025])
            ax.grid(True, color="#e5e5e5", linewidth=0.8)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            for which, timeline in enumerate(timelines):
                for event in timeline_events(timeline, lang):
                    if panel.domain is not None and event.domain not in (panel.domain, "both"):
                        continue
                    if which == 1 and event in set(timeline_events(timelines[0], lang)):
                        continue
                    x = year_fraction(event.date)
                    if not start <= x <= end:
                        continue
                    style = ":" if event.domain == "both" else ("--" if which == 0 else "-.")
                    ax.axvline(
                        x,
                        color=EVENT_COLOURS[event.domain],
                        linestyle=style,
                        linewidth=1.1,
                        zorder=1,
                    )
                    if event.tag and panel.title.startswith("panel_tt"):
                        ax.text(
                            x,
                            1.0,
                            (" B:" if which else " ") + event.tag,
                            rotation=90,
                            va="top",
                            ha="right",
                            fontsize=10,
                            color=EVENT_COLOURS[event.domain],
                            zorder=2,
                        )
            panel_lines = []
            for run in range(len(names)):
                for line in panel.lines:
                    (artist,) = ax.plot(
                        [],
                        [],
                        color=line.colour,
                        linewidth=2.6 if run == 0 else 2.2,
                        linestyle="-" if run == 0 else "--",
                        label=_line_label(line, lang) if run == 0 else None,
                        animated=True,
                    )
                    panel_lines.append((run, line.indicator, artist))
            self.lines.append(panel_lines)
            ax.legend(
                loc="lower left",
                bbox_to_anchor=(0.0, 1.0),
                fontsize=11.5,
                frameon=False,
                ncol=2,
                handlelength=1.6,
                borderaxespad=0.2,
                columnspacing=1.0,
            )
            now = ax.axvline(start, color="#111111", linewidth=1.6, animated=True)
            self.now_lines.append(now)
        if len(names) > 1:
            self.figure.suptitle(
                i18n.t("overlay_note", lang, a=names[0], b=names[1]),
                fontsize=13,
                y=0.995,
            )
        else:
            self.figure.suptitle("")
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)

    def render(
        self,
        models: Sequence[Any],
        names: Sequence[str],
        lang: str,
        fmt: str = "png",
        upto: int | None = None,
    ) -> bytes:
        """Image (``png`` or ``jpeg``) of the charts for ``models`` up to their current month.

        ``upto`` cuts the lines at that many months (a past month on the timeline).
        """
        timelines = [m.timeline for m in models]
        cal = models[0].calendar
        start = year_fraction(cal.start)
        end = year_fraction(cal.date_of(cal.n_steps)) + 1 / 12
        key = (tuple(id(t) for t in timelines), tuple(names), lang, start, end)
        if key != self.key:
            self._setup(timelines, names, lang, start, end)
            self.key = key
        data = [series_arrays(m, CHART_INDICATORS, upto) for m in models]
        self.canvas.restore_region(self.background)
        x_now = data[0][0][-1] if len(data[0][0]) else start
        for ax, panel_lines, now in zip(self.axes.flat, self.lines, self.now_lines, strict=True):
            for run, indicator, artist in panel_lines:
                x, values = data[run]
                artist.set_data(x, values[indicator])
                ax.draw_artist(artist)
            now.set_xdata([x_now, x_now])
            ax.draw_artist(now)
        return encode(self.canvas, fmt)


def survey_png(
    observed: Any,
    simulated: Sequence[Any | None],
    names: Sequence[str],
    lang: str,
    *,
    dpi: int = 80,
    show_observed: bool = True,
) -> bytes:
    """Bars of the survey items: observed (grey) and each run's simulated answers, per domain.

    Args:
        observed: `viz.survey.observed()` (item, domain, percent).
        simulated: Per run, a frame like ``observed`` or None (not available yet).
        names: Run labels.
        lang: Label language.
        dpi: Resolution.
        show_observed: Draw the observed 2017 bars (off for a month outside the fieldwork:
            the 2017 answers say nothing about another month).
    """
    items = list(dict.fromkeys(observed["item"]))
    figure = Figure(figsize=(12.0, 0.55 * len(items) + 1.6), dpi=dpi, facecolor="white")
    canvas = FigureCanvasAgg(figure)
    axes = figure.subplots(1, 2, sharey=True)
    figure.subplots_adjust(left=0.3, right=0.975, top=0.86, bottom=0.1, wspace=0.08)
    series = [(i18n.t("survey_observed", lang), observed, "#555555", None)] if show_observed else []
    colours = ("#0072B2", "#D55E00")
    for k, (frame, name) in enumerate(zip(simulated, names, strict=True)):
        if frame is not None:
            label = f"{i18n.t('survey_simulated', lang)} — {name}"
            series.append((label, frame, colours[k % 2], "//" if k else None))
    height = 0.8 / max(len(series), 1)
    y = np.arange(len(items))
    for ax, domain in zip(axes, ("social", "physical"), strict=True):
        for k, (label, frame, colour, hatch) in enumerate(series):
            part = frame[frame["domain"] == domain].set_index("item")["percent"]
            values = [float(part.get(item, np.nan)) for item in items]
            bars = ax.barh(
                y - 0.4 + height * (k + 0.5),
                values,
                height=height * 0.95,
                color=colour,
                hatch=hatch,
                edgecolor="white",
                label=label,
            )
            ax.bar_label(bars, fmt="%.0f", fontsize=11, padding=2)
        ax.set_xlim(0, 100)
        ax.set_axisbelow(True)
        ax.set_title(i18n.term(domain, lang), fontsize=14, fontweight="bold", loc="left")
        ax.set_xlabel(i18n.t("survey_percent", lang), fontsize=12)
        ax.tick_params(labelsize=12)
        ax.grid(True, axis="x", color="#e5e5e5")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[0].set_yticks(y, [i18n.survey_item(item, lang) for item in items])
    axes[0].invert_yaxis()
    axes[0].legend(
        loc="lower left",
        bbox_to_anchor=(0.0, 1.07),
        ncol=max(len(series), 1),
        fontsize=12,
        frameon=False,
    )
    canvas.draw()
    return encode(canvas, "png")

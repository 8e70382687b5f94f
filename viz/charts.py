"""Charts of the national series, with the timeline's events marked.

Eight panels on one Agg figure: transition and transformation per domain, dominant steering per
domain, staff working the new way, secretary satisfaction, trust, regional cooperation. With two
runs side by side, run B is drawn dashed over run A. The figure is laid out for the size it is
shown at (`ChartRenderer.for_display`): 16 px text, titles and legends flowed above each panel
so they never overlap (`Box`), years on every panel, short event labels. Axes, event marks and
legends are drawn once into a background (blitting); each step only restores it and draws the
lines and the "now" mark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D

from govsim.agents.modes import MODES
from govsim.model.timeline import Timeline
from govsim.viz import i18n
from govsim.viz.map_view import MODE_COLOURS, encode

TT_COLOURS = {"transition": "#0072B2", "transformation": "#D55E00"}
DOMAIN_COLOURS = {"social": "#882255", "physical": "#117733"}
TRUST_COLOURS = ("#332288", "#DDAA33")
EVENT_COLOURS = {"social": "#7a1fa2", "physical": "#1b7837", "both": "#777777"}
FONT = 16.0
"""Size of every chart text in points: CSS pixels in the app (`ChartRenderer.for_display`)."""
LINE = 1.3 * FONT
"""Height of one line of titles, legends and event labels, in points."""
HANDLE = 18.0
"""Length of a legend line, in points."""
GAP = 4.0
"""Between a legend line and its text."""
SPACING = 10.0
"""Between two legend entries (and after the title)."""
PAD = 6.0
"""Around each panel."""


Item = tuple[str, str | None, float]
"""A title (colour None) or legend entry (its line's colour), with its width in points."""


@dataclass(frozen=True)
class Box:
    """Where a title, legend entry or event label lies, as fractions of the image.

    Attributes:
        panel: Index of the panel in `PANELS`.
        kind: ``title``, ``legend`` or ``event``.
        x0: Left edge, from the image's left.
        y0: Top edge, from the image's top.
        x1: Right edge.
        y1: Bottom edge.
    """

    panel: int
    kind: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        """Whether the two boxes share an area (touching edges do not count)."""
        return (
            self.x0 < other.x1 - 1e-9
            and other.x0 < self.x1 - 1e-9
            and self.y0 < other.y1 - 1e-9
            and other.y0 < self.y1 - 1e-9
        )


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
    """The national charts of one or two runs, laid out for the size they are shown at.

    The figure is drawn at ``dpi``; the app asks for 72 dpi times the screen's device-pixel
    ratio (`for_display`), so one point is one CSS pixel and every text is `FONT` px on screen.
    Each panel has its title and legend above its axes (flowed into lines that fit the panel,
    so they never overlap), its own years on the x axis, and short event labels inside the top
    of the axes (`EventLabel` placement: two levels, a label that fits neither is left out; the
    events tab lists them all). Where every title, legend entry and event label lies is kept in
    `boxes` (fractions of the image) for the app and the tests.

    Args:
        width: Figure width in inches.
        height: Figure height in inches.
        dpi: Resolution.
        note: Draw the "solid: A — dashed: B" note in the figure (exports); the app shows it
            as text above the image instead.
    """

    def __init__(
        self, *, width: float = 7.4, height: float = 12.0, dpi: float = 80, note: bool = True
    ) -> None:
        self.figure = Figure(figsize=(width, height), dpi=dpi, facecolor="white")
        self.canvas = FigureCanvasAgg(self.figure)
        self.columns = 4 if width > 1.6 * height else 2
        rows = len(PANELS) // self.columns
        self.axes = np.array(
            [self.figure.add_axes((0, 0, 1, 1)) for _ in PANELS], dtype=object
        ).reshape(rows, self.columns)
        self.note = note
        self.key: tuple[Any, ...] | None = None
        self.lines: list[list[Any]] = []
        self.now_lines: list[Any] = []
        self.boxes: list[Box] = []
        self._static: list[Any] = []
        self.background: Any = None

    @classmethod
    def for_display(cls, width_px: float, height_px: float, ratio: float = 1.0) -> ChartRenderer:
        """A renderer for ``width_px`` x ``height_px`` CSS pixels at device-pixel ``ratio``.

        One point is one CSS pixel, so the image is shown unscaled and its text is `FONT` px.
        """
        return cls(width=width_px / 72.0, height=height_px / 72.0, dpi=72.0 * ratio, note=False)

    @property
    def size(self) -> tuple[float, float]:
        """Figure size in points (1/72 inch; CSS pixels in the app)."""
        w, h = self.figure.get_size_inches()
        return float(w) * 72.0, float(h) * 72.0

    def text_width(self, text: str, bold: bool = False) -> float:
        """Width of ``text`` at `FONT` in points."""
        renderer = self.canvas.get_renderer()
        prop = FontProperties(size=FONT, weight="bold" if bold else "normal")
        w, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
        return float(w) * 72.0 / self.figure.dpi

    # ------------------------------------------------------------------ static parts
    def _clear_static(self) -> None:
        for artist in self._static:
            artist.remove()
        self._static = []
        self.boxes = []

    def _text(self, x: float, y: float, text: str, **kwargs: Any) -> None:
        """A figure text with its top-left corner at (x, y) points from the top-left."""
        w, h = self.size
        self._static.append(
            self.figure.text(x / w, 1 - y / h, text, va="top", ha="left", fontsize=FONT, **kwargs)
        )

    def _box(self, panel: int, kind: str, x0: float, y0: float, x1: float, y1: float) -> None:
        w, h = self.size
        self.boxes.append(Box(panel, kind, x0 / w, y0 / h, x1 / w, y1 / h))

    def _items(self, panel: Panel, lang: str, title: bool, legend: bool) -> list[Item]:
        """The title and/or legend entries of ``panel`` with their widths."""
        items: list[Item] = []
        if title:
            text = i18n.t(panel.title, lang)
            items.append((text, None, self.text_width(text, True)))
        if legend:
            for line in panel.lines:
                label = _line_label(line, lang)
                items.append((label, line.colour, HANDLE + GAP + self.text_width(label)))
        return items

    def _wrap(self, text: str, width: float) -> list[str]:
        """A bold title split at spaces into lines of at most ``width`` points.

        A single word wider than that stays whole.
        """
        lines: list[str] = []
        for word in text.split(" "):
            if lines and self.text_width(lines[-1] + " " + word, True) <= width:
                lines[-1] += " " + word
            else:
                lines.append(word)
        return lines

    def _flow(self, index: int, items: list[Item], x0: float, y0: float, width: float) -> int:
        """Draw ``items`` left to right in lines of ``width`` points; returns the lines used."""
        row, x = 0, 0.0
        w, h = self.size
        for text, colour, size in items:
            if x > 0 and x + size > width:
                row, x = row + 1, 0.0
            left, top = x0 + x, y0 + row * LINE
            if colour is None:
                parts = self._wrap(text, width)
                for k, part in enumerate(parts):
                    size = self.text_width(part, True)
                    y = top + k * LINE
                    self._text(left, y, part, fontweight="bold", color="#111111")
                    self._box(index, "title", left, y, left + size, y + LINE)
                row += len(parts) - 1
            else:
                mid = top + LINE / 2
                handle = Line2D(
                    [left / w, (left + HANDLE) / w],
                    [1 - mid / h, 1 - mid / h],
                    transform=self.figure.transFigure,
                    color=colour,
                    linewidth=3,
                )
                self.figure.add_artist(handle)
                self._static.append(handle)
                self._text(left + HANDLE + GAP, top, text, color="#111111")
                self._box(index, "legend", left, top, left + size, top + LINE)
            x += size + SPACING
        return row + 1 if items else 0

    def _headers(self, row: int, lang: str, band: float, cw: float, ch: float) -> int:
        """Titles and legends of one row of panels; returns the lines they take.

        Panels of a row with the same lines (both transition panels, both steering panels)
        share one legend across the row under their titles; others have their own.
        """
        first = row * self.columns
        panels = PANELS[first : first + self.columns]
        legends = {tuple((ln.colour, _line_label(ln, lang)) for ln in p.lines) for p in panels}
        shared = len(panels) > 1 and len(legends) == 1
        y0 = band + row * ch + 2
        used = []
        for c, panel in enumerate(panels):
            items = self._items(panel, lang, title=True, legend=not shared)
            used.append(self._flow(first + c, items, c * cw + PAD, y0, cw - 2 * PAD))
        lines = max(used)
        if shared:
            items = self._items(panels[0], lang, title=False, legend=True)
            width = self.columns * cw - 2 * PAD
            lines += self._flow(first, items, PAD, y0 + lines * LINE, width)
        return lines

    def _events(
        self,
        index: int,
        ax: Any,
        panel: Panel,
        timelines: Sequence[Timeline],
        lang: str,
        area: tuple[float, float, float, float],
    ) -> None:
        """Event lines on a panel and, on the transition panels, short labels inside its top."""
        start, end = ax.get_xlim()
        left, top, right, _ = area
        first = set(timeline_events(timelines[0], lang))
        labelled = [[], []]  # placed label spans per level
        for which, timeline in enumerate(timelines):
            for event in timeline_events(timeline, lang):
                if panel.domain is not None and event.domain not in (panel.domain, "both"):
                    continue
                shared = which == 0 or event in first
                if which == 1 and event in first:
                    continue
                x = year_fraction(event.date)
                if not start <= x <= end:
                    continue
                style = ":" if event.domain == "both" else ("--" if which == 0 else "-.")
                self._static.append(
                    ax.axvline(x, color=EVENT_COLOURS[event.domain], linestyle=style, linewidth=1.2)
                )
                if not (event.tag and panel.title.startswith("panel_tt")):
                    continue
                text = event.tag
                if len(timelines) > 1:
                    others = set(timeline_events(timelines[1 - which], lang))
                    if event not in others or not shared:
                        text = ("A: " if which == 0 else "B: ") + text
                x_pt = left + (x - start) / (end - start) * (right - left) + 2
                width = self.text_width(text, True) + 4
                if x_pt + width > right:
                    x_pt = right - width
                for level, spans in enumerate(labelled):
                    if all(x_pt + width + 8 <= a or b + 8 <= x_pt for a, b in spans):
                        spans.append((x_pt, x_pt + width))
                        y = top + 2 + level * LINE
                        self._text(
                            x_pt + 2,
                            y,
                            text,
                            color=EVENT_COLOURS[event.domain],
                            fontweight="bold",
                            fontstyle="italic" if which == 1 else "normal",
                            bbox={"facecolor": "white", "alpha": 0.85, "pad": 0.5, "lw": 0},
                            zorder=5,
                        )
                        self._box(index, "event", x_pt, y, x_pt + width, y + LINE)
                        break

    def _setup(
        self,
        timelines: Sequence[Timeline],
        names: Sequence[str],
        lang: str,
        start: float,
        end: float,
    ) -> None:
        """Draw the static parts (axes, titles, legends, events) and save the background."""
        self._clear_static()
        self.lines = []
        self.now_lines = []
        w, h = self.size
        band = 0.0
        if len(names) > 1 and self.note:
            self._text(PAD, 2, i18n.t("overlay_note", lang, a=names[0], b=names[1]))
            band = LINE + 4
        rows = len(PANELS) // self.columns
        cw, ch = w / self.columns, (h - band) / rows
        ytick = self.text_width(i18n.number(0.5, 1, lang)) + 10
        for ax in self.axes.flat:
            ax.clear()
        header_lines = [self._headers(r, lang, band, cw, ch) for r in range(rows)]
        for index, (ax, panel) in enumerate(zip(self.axes.flat, PANELS, strict=True)):
            r, c = divmod(index, self.columns)
            x0, y0 = c * cw + PAD, band + r * ch + 2
            lines = header_lines[r]
            left = x0 + ytick
            right = x0 + cw - 2 * PAD - self.text_width("2025") / 2
            top = y0 + lines * LINE + 6
            bottom = y0 + ch - LINE - 8
            ax.set_position(
                (left / w, 1 - bottom / h, max(right - left, 1) / w, max(bottom - top, 1) / h)
            )
            ax.set_xlim(start, end)
            ax.set_ylim(0, 1)
            ax.tick_params(labelsize=FONT, length=4, pad=2)
            ax.set_yticks([0, 0.5, 1], ["0", i18n.number(0.5, 1, lang), "1"])
            ax.set_xticks([2015, 2020, 2025], ["2015", "2020", "2025"])
            ax.grid(True, color="#e5e5e5", linewidth=0.8)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            self._events(index, ax, panel, timelines, lang, (left, top, right, bottom))
            panel_lines = []
            for run in range(len(names)):
                for line in panel.lines:
                    (artist,) = ax.plot(
                        [],
                        [],
                        color=line.colour,
                        linewidth=2.6 if run == 0 else 2.2,
                        linestyle="-" if run == 0 else "--",
                        animated=True,
                    )
                    panel_lines.append((run, line.indicator, artist))
            self.lines.append(panel_lines)
            now = ax.axvline(start, color="#111111", linewidth=1.6, animated=True)
            self.now_lines.append(now)
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
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(  # over the whole figure, so that three entries (2017, A and B) fit
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=max(len(series), 1),
        fontsize=12,
        frameon=False,
    )
    canvas.draw()
    return encode(canvas, "png")

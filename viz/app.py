"""The workshop app: a Solara page for a projector (``govsim app`` / ``solara run viz.app``).

Each browser tab gets its own `viz.session.Session` (``solara.use_memo`` in `App`), so two tabs
never share a model. The page follows the pattern of Mesa's SolaraViz (a controller that steps
the model and components that re-render on a counter) with components of our own: presets and
two runs side by side need a controller that builds models from scenario files, and SolaraViz's
module-level model would be shared between tabs.

Layout (docs/app.md): one screen of the viewport's height at 1280x720 and 1920x1080 — a header
(title, date, the full-screen map switch, language), a control column that scrolls on its own
(scenario, seed, Reset / Step / Play, speed and the speed achieved, the live monitors, the big
sliders and, folded under them, the secretary's choices), the timeline, the map and the
national charts drawn for their boxes (`viz.fit`), and the drill-down into one municipality in
a panel beside the map; below the screen, tabs with the 2017 survey, the timeline's events and
the export for the debrief. A reload keeps the tab's session (`viz.keep`).

On a projector (issue 16): Reset / Step / Play are disabled while a Reset runs and a click the
browser sent before it saw that is dropped (`AppState.reset`, `AppState.accepts`); changing the
preset asks before it discards a run (`AppState.request`), while the side-by-side switch and
scenario B keep run A and compute B up to its month (`AppState.compare_with`); Enter in the
seed field resets; the municipality search knows the common names ("Den Haag").

Also on a projector: a timeline slider over the months simulated shows any past month from
stored per-month values (`viz.timeline`, no re-simulation; Step and Play continue from the
latest month), big live monitors with a "what changed" line per Play stretch, the secretary's
choices nationally or for the selected municipality (from the next month while the run goes
on, "Nu toepassen", as a dated ``[[strategy]]`` rule; or from the start at the next Reset), the
survey panel at the current month (observed 2017 figures only in
the fieldwork) and a session saved to a file and opened again (`viz.saved`).
"""

from __future__ import annotations

import base64
import dataclasses
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import ipyvuetify as v
import reacton.core
import solara
import solara.lab
import traitlets

from govsim.model.levers import StrategyRule
from govsim.model.parameters import CHOICES
from govsim.viz import (
    drilldown,
    expectations,
    export,
    i18n,
    names,
    presets,
    saved,
    survey,
    timeline,
)
from govsim.viz.charts import ChartRenderer, survey_png, timeline_events
from govsim.viz.file_pick import FilePick
from govsim.viz.fit import FitImage, Size, reported_size
from govsim.viz.keep import KEEPER, Kept, TabId
from govsim.viz.map_view import BORDER_MAPS, MAP_INDICATORS, MapRenderer, map_label
from govsim.viz.pace import Pace, batch, slow
from govsim.viz.pagelang import PageLanguage
from govsim.viz.session import DEFAULT_SEED, MAX_SEED, SeedError, Session, parse_seed

DEFAULT_MAP = "transformation_social"
DEFAULT_SPEED = 6.0
MAX_SPEED = 12.0
MIN_PAUSE = 0.05
"""Seconds between two steps while playing, at least: clicks (Pause, the language) need a gap
between renders to get through."""
LIVE_FORMAT = "png"
"""Image format of the live map and charts: PNG drawn at the screen's device pixels (sharp
text; `viz.fit`)."""
MAP_SIZE = Size(480, 576)
"""The map's size until the browser reports its box (and in widget tests)."""
CHARTS_SIZE = Size(592, 960)
"""The charts' size until the browser reports their box."""
KEPT_SETTINGS: tuple[str, ...] = (
    "lang",
    "scenario",
    "compare",
    "scenario_b",
    "seed_text",
    "overrides",
    "applied",
    "speed",
    "map_indicator",
    "borders",
    "selected",
    "scope",
    "applied_scope",
    "presenter",
    "drill_open",
    "view_step",
)
"""The choices of a tab kept with its session across a reload (`viz.keep`)."""
DISCARD_CONFIRM_MONTHS = int(DEFAULT_SPEED)
"""From this many simulated months on, changing the preset or switching side by side on or off
asks first (`AppState.request`): a shorter run replays in under a second at the default speed."""
CONTROL_ID = re.compile(r"govsim-(?P<name>[a-z]+)-(?P<epoch>\d+)")
"""DOM id of a control button: its name and the reset epoch it was drawn in."""
MENU_PROPS = {"offsetY": True, "maxHeight": 560}
"""The scenario menus open below their field and are tall enough for the shipped presets at
1280x720 (Vuetify's default, 304 px, hides the seventh); more entries scroll."""

CSS = """
.govsim-app { font-size: 19px; color: #111; }
.govsim-app .v-label, .govsim-app .v-select__selection, .govsim-app input,
.govsim-app .v-list-item__title { font-size: 19px !important; color: #111 !important; }
.govsim-app .v-btn { font-size: 18px !important; font-weight: 700; letter-spacing: 0;
  text-transform: none; }
.govsim-app .v-btn:not(.v-btn--icon) { min-height: 44px; }
.govsim-buttons .v-btn { flex: 1 1 0; }
.govsim-app .v-card__title { font-size: 21px !important; font-weight: 700; padding: 8px 12px; }
.govsim-app .v-tab { font-size: 19px !important; font-weight: 700; letter-spacing: 0; }
.govsim-app .v-slider__thumb { width: 22px; height: 22px; left: -11px; }
.govsim-app .v-slider__thumb:before { left: -7px; top: -7px; }
.govsim-app .v-slider--horizontal .v-slider__track-container { height: 6px; }
.govsim-app .v-slider__thumb-label { font-size: 15px; font-weight: 700; }
.govsim-screen { height: 100vh; display: flex; flex-direction: column; gap: 6px;
  padding: 4px 12px 8px 12px; box-sizing: border-box; overflow: hidden; }
.govsim-header { flex: 0 0 auto; display: flex; align-items: center; gap: 16px; }
.govsim-header-title { flex: 1 1 auto; min-width: 0; }
.govsim-title { font-size: 26px; font-weight: 800; line-height: 1.1; color: #0b2e59; }
.govsim-subtitle { font-size: 16px; color: #333; }
.govsim-now { text-align: right; }
.govsim-date { font-size: 32px; font-weight: 800; color: #0b2e59; line-height: 1.05;
  font-variant-numeric: tabular-nums; }
.govsim-month { font-size: 16px; color: #333; }
.govsim-main { flex: 1 1 0; min-height: 0; display: grid; gap: 10px;
  grid-template-columns: 290px minmax(0, 1fr); }
.govsim-side { min-height: 0; overflow-y: auto; padding: 2px 4px 2px 2px; }
.govsim-side .v-card { margin-bottom: 8px; }
.govsim-side .v-card__text, .govsim-side .v-card > div { padding-top: 0; }
.govsim-stage { display: flex; flex-direction: column; min-height: 0; min-width: 0; gap: 6px; }
.govsim-views { flex: 1 1 0; min-height: 0; display: grid; gap: 10px; position: relative;
  grid-template-columns: minmax(0, 41fr) minmax(0, 59fr); }
.govsim-views-two { grid-template-columns: minmax(0, 45fr) minmax(0, 55fr); }
.govsim-views-two .govsim-drill { width: 55%; }
.govsim-mapcell, .govsim-chartcell { display: flex; flex-direction: column; min-height: 0;
  min-width: 0; }
.govsim-maprow { flex: 1 1 0; min-height: 0; display: flex; gap: 8px; }
.govsim-maprun { flex: 1 1 0; min-width: 0; min-height: 0; display: flex;
  flex-direction: column; }
.govsim-toolbar { display: flex; gap: 8px; align-items: flex-end; flex: 0 0 auto; }
.govsim-toolbar .v-input { margin-top: 0; padding-top: 4px; }
.govsim-toolbar .v-text-field__details, .govsim-toolbar .v-messages { display: none; }
.govsim-fit { position: relative; flex: 1 1 0; min-height: 0; min-width: 0; overflow: hidden; }
.govsim-fit .govsim-img { position: absolute; top: 0; left: 0; max-width: none; }
.govsim-legend-box { position: absolute; pointer-events: none; }
.govsim-img { display: block; }
.govsim-img-survey { width: 100%; height: auto; }
.govsim-chart-note { font-size: 16px; color: #111; flex: 0 0 auto; }
.govsim-drill { position: absolute; top: 0; right: 0; bottom: 0; width: 59%; z-index: 4;
  background: white; overflow-y: auto; padding: 6px 12px; border: 2px solid #0b3d91;
  border-radius: 6px; box-shadow: 0 4px 18px rgba(0, 0, 0, 0.25); }
.govsim-drill-closed { display: none; }
.govsim-drill-head { display: flex; align-items: center; justify-content: space-between; }
.govsim-drill-runs { display: flex; gap: 16px; }
.govsim-drill-run { flex: 1 1 0; min-width: 0; }
.govsim-presenter .govsim-side, .govsim-presenter .govsim-chartcell,
.govsim-presenter .govsim-below, .govsim-presenter .govsim-timeline,
.govsim-presenter .govsim-toolbar, .govsim-presenter .govsim-subtitle { display: none; }
.govsim-presenter .govsim-main, .govsim-presenter .govsim-views {
  grid-template-columns: minmax(0, 1fr); }
.govsim-presenter .govsim-drill { width: 45%; }
.govsim-below { padding: 8px 12px; }
.govsim-slider-label { font-size: 18px; font-weight: 600; margin-bottom: -6px; }
.govsim-slider-value { font-size: 18px; font-weight: 800; color: #0b2e59; }
.govsim-speed-achieved { font-size: 16px; color: #333; margin-top: -8px; }
.govsim-speed-slow { color: #a33600; font-weight: 700; }
.govsim-run-label { font-size: 18px; font-weight: 700; }
.govsim-hint { font-size: 16px; color: #333; }
.govsim-file-pick { min-height: 64px; border: 2px dashed #0b3d91; border-radius: 6px;
  margin: 8px 0; padding: 10px 12px; font-size: 17px; color: #0b2e59; cursor: pointer; }
.govsim-file-pick:hover, .govsim-file-pick:focus { background: #eef3fb; outline: none; }
.govsim-help { font-size: 15px; color: #444; line-height: 1.3; margin: 2px 0 10px 0; }
.govsim-choices { margin: 8px 0; }
.govsim-choices .v-expansion-panel-header { font-size: 20px; font-weight: 700; color: #0b2e59; }
.govsim-pending { font-size: 16px; font-weight: 700; color: #a33600; }
.govsim-apply-now { margin: 8px 0; font-size: 18px !important; max-width: 100%;
  height: auto !important; min-height: 44px; padding: 6px 12px !important; }
.govsim-apply-now .v-btn__content { white-space: normal; flex-shrink: 1; text-align: left;
  line-height: 1.25; }
.govsim-live-choices { font-size: 16px; margin: 4px 0 8px; }
.govsim-live-choices ul { margin: 2px 0 0 18px; padding: 0; }
.govsim-log { max-height: 420px; overflow-y: auto; font-size: 17px; line-height: 1.45; }
.govsim-log div { padding: 2px 0; border-bottom: 1px solid #eee; }
.govsim-section-title { font-size: 20px; font-weight: 800; color: #0b2e59; margin-top: 6px; }
.govsim-row { display: flex; align-items: center; gap: 10px; font-size: 17px; }
.govsim-row .govsim-row-label { flex: 0 0 55%; }
.govsim-row .govsim-row-text { flex: 0 0 22%; font-weight: 700; }
.govsim-events { font-size: 18px; line-height: 1.5; }
.govsim-expect-list { font-size: 18px; line-height: 1.45; }
.govsim-expect-list li { margin: 0.4em 0; }
.govsim-expect-list .govsim-source { color: #555; font-size: 15px; }
.govsim-expect.agrees b { color: #1a7f37; }
.govsim-expect.disagrees b { color: #b42318; }
.govsim-strip-title { font-size: 19px; font-weight: 800; color: #0b2e59; }
.govsim-timeline { flex: 0 0 auto; }
.govsim-timeline .v-input__slot { margin-bottom: 0; }
.govsim-timeline .v-messages { display: none; }
.govsim-timeline .v-btn:not(.v-btn--icon) { min-height: 36px; }
.govsim-monitors { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 10px; }
.govsim-monitor-value { font-size: 26px; font-weight: 800; color: #0b2e59;
  font-variant-numeric: tabular-nums; line-height: 1.05; }
.govsim-monitor-label { font-size: 15px; color: #333; line-height: 1.2; }
.govsim-changed { font-size: 16px; font-weight: 600; color: #111; margin-top: 4px; }
.govsim-muni-header { font-size: 22px; font-weight: 800; }
.govsim-control * { pointer-events: none; }
.govsim-error { overflow-wrap: anywhere; }
.govsim-seed .v-messages { font-size: 15px; line-height: 1.3; }
.v-dialog .v-card__title { font-size: 24px !important; font-weight: 800; color: #0b2e59;
  word-break: normal; }
.v-dialog .v-card__text { font-size: 19px !important; line-height: 1.4; color: #111 !important; }
.v-dialog .v-card__actions .v-btn { font-size: 18px !important; font-weight: 700;
  letter-spacing: 0; text-transform: none; min-height: 48px; }
"""
"""Projector styles. A control button's inner elements take no clicks, so a click's target is
the button itself and carries its id (`CONTROL_ID`)."""

THEME_PRIMARY = "#0b3d91"


IMAGE_TEMPLATE = """
<template>
  <img :src="src" :alt="alt" :class="['govsim-img', 'govsim-img-' + kind]" />
</template>
"""
"""A still image (the survey); the map and the charts are `viz.fit.FitImage`."""


class ImageWidget(v.VuetifyTemplate):
    """An ``<img>`` from a data URL."""

    template = traitlets.Unicode(IMAGE_TEMPLATE).tag(sync=True)
    src = traitlets.Unicode("").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    kind = traitlets.Unicode("").tag(sync=True)


def PngImage(src: str, alt: str = "", name: str = "") -> Any:
    """An image element (class ``govsim-img-<name>``)."""
    return ImageWidget.element(src=src, alt=alt, kind=name)


def data_url(image: bytes, fmt: str = "png") -> str:
    """An image as a ``data:`` URL (it travels over the app's own websocket)."""
    return f"data:image/{fmt};base64," + base64.b64encode(image).decode("ascii")


@cache
def scenario_titles() -> dict[str, dict[str, dict[str, str]]]:
    """Short and full titles of the shipped scenarios (loaded once per process)."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for name in presets.available():
        try:
            scenario = presets.load(name)
        except (ValueError, OSError):
            out[name] = {lang: {"short": name, "full": name} for lang in i18n.LANGS}
            continue
        out[name] = {
            lang: {"short": presets.short_title(scenario, lang), "full": scenario.label(lang)}
            for lang in i18n.LANGS
        }
    return out


def scenario_items(lang: str) -> list[dict[str, str]]:
    """Items of a scenario menu: ``{"text": short title, "value": name}``."""
    return [{"text": t[lang]["short"], "value": name} for name, t in scenario_titles().items()]


def scenario_items_by_name(lang: str) -> dict[str, str]:
    """Short title of each scenario on the menu."""
    return {item["value"]: item["text"] for item in scenario_items(lang)}


def scenario_hint(name: str, lang: str) -> str:
    """The full title of scenario ``name`` (shown under its menu)."""
    titles = scenario_titles().get(name)
    return titles[lang]["full"] if titles else name


def click_epoch(data: Any) -> int | None:
    """The reset epoch in the id of a clicked control button, or None if the click has none.

    ``data`` is the browser's click event as ipyvue sends it (``{"target": {"id": ...}}``); a
    click made from Python (tests) has no data.
    """
    target = data.get("target") if isinstance(data, dict) else None
    ident = target.get("id") if isinstance(target, dict) else None
    match = CONTROL_ID.fullmatch(ident) if isinstance(ident, str) else None
    return int(match["epoch"]) if match else None


@dataclass(frozen=True)
class Discard:
    """A change that starts the runs again, waiting for the facilitator's yes.

    Another scenario for run A and **Opnieuw** start again; the side-by-side switch and
    scenario B keep run A (`AppState.compare_with`).

    Attributes:
        what: ``scenario`` (another scenario for A) or ``reset`` (the Opnieuw button).
        value: The scenario name (``reset``: the scenario shown, unchanged).
    """

    what: str
    value: str | bool


@dataclass
class AppState:
    """What one browser session has chosen, as Solara reactive variables, and its `Session`."""

    session: Session
    lang: solara.Reactive[str]
    scenario: solara.Reactive[str]
    compare: solara.Reactive[bool]
    scenario_b: solara.Reactive[str]
    seed_text: solara.Reactive[str]
    overrides: solara.Reactive[dict[str, Any]]
    applied: solara.Reactive[dict[str, Any]]
    version: solara.Reactive[int]
    resets: solara.Reactive[int]
    running: solara.Reactive[bool]
    playing: solara.Reactive[bool]
    speed: solara.Reactive[float]
    error: solara.Reactive[tuple[str, dict[str, Any]] | None]
    map_indicator: solara.Reactive[str]
    borders: solara.Reactive[str]
    selected: solara.Reactive[str]
    busy: solara.Reactive[bool]
    epoch: solara.Reactive[int]
    discard: solara.Reactive[Discard | None]
    view_step: solara.Reactive[int | None]
    scope: solara.Reactive[str]
    applied_scope: solara.Reactive[str]
    presenter: solara.Reactive[bool]
    drill_open: solara.Reactive[bool]
    achieved: solara.Reactive[float | None]
    pace: Pace = field(default_factory=Pace)
    render_lock: Any = None
    """The page's render lock (reacton's, held while a render pass runs; `play_loop`)."""

    def t(self, key: str, **fields: Any) -> str:
        """Text ``key`` in the session's language."""
        return i18n.t(key, self.lang.value, **fields)

    # ------------------------------------------------------------------ reset
    def reset(self, live: Sequence[StrategyRule] = ()) -> bool:
        """Build the run(s) again from the chosen scenario(s), seed and sliders.

        ``live``: the dated choices of a saved session (`open_saved`); a Reset from the button
        starts without them (the choices then apply from the start, as the controls show).

        A bad seed or a slider that does not fit the scenario shows a message and keeps the
        current runs; it never raises. While it runs `busy` is set: the controls are drawn
        disabled (and sent to the browser) before the model is built, and their clicks are
        ignored; the `epoch` goes up, so a click the browser sent before it saw the disabled
        buttons is dropped afterwards (`accepts`) instead of being carried out late.
        """
        if self.busy.value:
            return False
        self.playing.set(False)
        try:
            parse_seed(self.seed_text.value)
        except SeedError as exc:
            self.error.set(("seed_invalid", {"text": exc.text}))
            return False
        self.busy.set(True)
        self.epoch.set(self.epoch.value + 1)
        try:
            return self._rebuild(live)
        finally:
            self.busy.set(False)

    def _rebuild(self, live: Sequence[StrategyRule]) -> bool:
        compare_with = self.scenario_b.value if self.compare.value else None
        try:
            self.session.reset(
                self.scenario.value,
                self.seed_text.value,
                self.overrides.value,
                compare_with,
                where=self.scope.value,
                live=live,
            )
        except SeedError as exc:  # pragma: no cover - checked in reset()
            self.error.set(("seed_invalid", {"text": exc.text}))
            return False
        except ValueError as exc:
            self.error.set(("reset_error", {"error": str(exc)}))
            return False
        self.error.set(None)
        self.view_step.set(None)
        self.achieved.set(None)  # the speed Play achieved belongs to the runs just discarded
        self.applied.set(dict(self.overrides.value))
        self.applied_scope.set(self.scope.value)
        self.resets.set(self.resets.value + 1)
        self.running.set(self.session.running)
        self.version.set(self.session.version)
        return True

    def error_text(self) -> str:
        """The message of the last failed Reset in the session's language ('' if none)."""
        if self.error.value is None:
            return ""
        key, fields = self.error.value
        if key == "seed_invalid":
            fields = {**fields, "max": i18n.integer(MAX_SEED, self.lang.value)}
        return self.t(key, **fields)

    # ------------------------------------------------------------------ controls
    def control_id(self, name: str) -> str:
        """DOM id of control button ``name`` in the current epoch (``govsim-step-3``)."""
        return f"govsim-{name}-{self.epoch.value}"

    def accepts(self, data: Any = None) -> bool:
        """Whether a control click counts: no Reset running, and not sent before the last one."""
        if self.busy.value:
            return False
        epoch = click_epoch(data)
        return epoch is None or epoch == self.epoch.value

    def click(self, action: Callable[[], Any]) -> Callable[..., None]:
        """An event handler that runs ``action`` for a click that `accepts` lets through."""

        def handler(_widget: Any = None, _event: str = "", data: Any = None) -> None:
            if self.accepts(data):
                action()

        return handler

    def toggle_play(self) -> None:
        """Play or pause; Play continues from the latest month and starts a new stretch."""
        if not self.playing.value:
            self.view_step.set(None)
            self.session.begin_stretch()
            self.pace.restart()
        self.playing.set(not self.playing.value)

    def toggle_compare(self, value: bool) -> None:
        """The side-by-side switch: one run or two; run A is kept (`compare_with`).

        B beside a scenario other than Basis is Basis while B is still the app's first choice
        (`_second_scenario`): the comparison a room asks for first, and the one the report's
        expectations are stated against.
        """
        if bool(value) != self.compare.value and not self.busy.value:
            first_choice = self.scenario_b.value == _second_scenario()
            if value and first_choice and self.scenario.value != presets.BASELINE:
                self.scenario_b.set(presets.BASELINE)
            self.compare.set(bool(value))
            self.compare_with(self.scenario_b.value if value else None)

    def choose_scenario_b(self, name: str) -> None:
        """Scenario B: computed up to run A's month beside it (`compare_with`)."""
        if self.busy.value or name == self.scenario_b.value:
            return
        self.scenario_b.set(name)
        if self.compare.value:
            self.compare_with(name)

    def compare_with(self, name: str | None) -> None:
        """Show ``name`` beside run A (simulated up to A's month) or A alone; nothing is lost.

        Buttons are disabled meanwhile (``busy``), as during a Reset; Play goes on after it.
        """
        self.busy.set(True)
        try:
            notes = self.session.set_comparison(name)
        finally:
            self.busy.set(False)
        if notes:
            self.error.set(("reset_error", {"error": "; ".join(notes)}))
        self.running.set(self.session.running)
        self.version.set(self.session.version)

    # ------------------------------------------------------------------ discarding a run
    def has_run_to_lose(self) -> bool:
        """Whether the runs went far enough that starting again needs a yes."""
        return self.session.steps >= DISCARD_CONFIRM_MONTHS

    def request(self, change: Discard) -> None:
        """Apply ``change`` now, or (with a run to lose) pause and ask first (`discard`)."""
        if self.busy.value:
            return
        if self.has_run_to_lose():
            self.playing.set(False)
            self.discard.set(change)
        else:
            self.apply(change)

    def apply(self, change: Discard) -> None:
        """Make ``change`` and start again."""
        if change.what == "scenario":
            self.scenario.set(str(change.value))
        self.reset()

    def ask_reset(self) -> None:
        """The Opnieuw button: start again, after a yes once the run has something to lose.

        A seed that is not one is said at once (`reset` keeps the runs); nothing is asked.
        """
        try:
            parse_seed(self.seed_text.value)
        except SeedError:
            self.reset()
            return
        self.request(Discard("reset", self.scenario.value))

    def confirm_discard(self) -> None:
        """The facilitator said yes: make the pending change."""
        change = self.discard.value
        self.discard.set(None)
        if change is not None:
            self.apply(change)

    def cancel_discard(self) -> None:
        """The facilitator said no: keep the run (the menus show its choices again)."""
        self.discard.set(None)

    def shown(self, what: str, current: Any) -> Any:
        """What a menu or switch shows: the pending change, else ``current``."""
        change = self.discard.value
        return change.value if change is not None and change.what == what else current

    def discard_text(self) -> str:
        """The question in the confirmation dialog."""
        change = self.discard.value
        if change is None:
            return ""
        session = self.session
        where = {"date": i18n.month(session.model.date), "step": session.steps}
        where["n"] = session.n_steps
        if change.what == "reset":
            return self.t("discard_text_reset", **where)
        title = scenario_items_by_name(self.lang.value).get(str(change.value), change.value)
        action = self.t(f"discard_{change.what}", name=title)
        return self.t("discard_text", action=action, **where)

    # ------------------------------------------------------------------ stepping
    def step(self, months: int = 1) -> bool:
        """Advance every run one month (Play on a slow machine: ``months``); True if they go on.

        From a past month on the timeline it continues from the latest month (and shows it).
        A Step while paused is a stretch of its own (the "what changed" line).
        """
        if self.view_step.value is not None:
            self.view_step.set(None)
        if not self.playing.value:
            self.session.begin_stretch()
        going = self.session.step(months)
        if going != self.running.value:
            self.running.set(going)
        self.version.set(self.session.version)
        return going

    def open_saved(self, data: bytes) -> bool:
        """Open a saved session: its scenario(s), seed and choices, replayed to its month.

        A file that is not a saved session shows a message and keeps the current runs.
        """
        try:
            record = saved.loads(data)
        except saved.SavedSessionError as exc:
            self.error.set(("saved_invalid", {"error": str(exc)}))
            return False
        self.scenario.set(record["scenario"])
        self.compare.set(record["compare_with"] is not None)
        if record["compare_with"] is not None:
            self.scenario_b.set(record["compare_with"])
        self.seed_text.set(record["seed"])
        self.overrides.set(record["overrides"])
        self.scope.set(record["where"])
        if not self.reset(record["live"]):
            return False
        self.session.step(min(record["step"], self.session.n_steps))
        self.running.set(self.session.running)
        self.version.set(self.session.version)
        return True

    @property
    def pending(self) -> bool:
        """Whether sliders, choices or their scope changed since the last Reset."""
        return (
            self.overrides.value != self.applied.value
            or self.scope.value != self.applied_scope.value
        )

    def choices_to_apply(self) -> dict[str, Any]:
        """The secretary's choices "Nu toepassen" would apply (`presets.choices_to_apply`)."""
        return presets.choices_to_apply(
            self.session.primary.scenario,
            self.overrides.value,
            self.applied.value,
            scope_changed=self.scope.value != self.applied_scope.value,
        )

    def can_apply_now(self) -> bool:
        """Whether "Nu toepassen" has something to apply and a month to apply it in."""
        return not self.busy.value and self.session.running and bool(self.choices_to_apply())

    def apply_now(self) -> bool:
        """Apply the changed secretary's choices from the next month, without starting again.

        The runs go on from where they are (side by side both); the choices join the run as a
        dated rule (`Session.apply_now`), so saving, reloading and switching side by side keep
        them. Afterwards the controls count as applied; other sliders still wait for a Reset.
        """
        values = self.choices_to_apply()
        if self.busy.value or not values:
            return False
        try:
            rule = self.session.apply_now(values, self.scope.value)
        except ValueError as exc:
            self.error.set(("reset_error", {"error": str(exc)}))
            return False
        if rule is None:
            return False
        keep = {k: v for k, v in self.applied.value.items() if k not in presets.CHOICE_KEYS}
        mine = {k: v for k, v in self.overrides.value.items() if k in presets.CHOICE_KEYS}
        self.applied.set({**keep, **mine})
        self.applied_scope.set(self.scope.value)
        self.error.set(None)
        self.version.set(self.session.version)
        return True

    def live_lines(self) -> list[str]:
        """The choices applied during the run, one line each, in the session's language."""
        model = self.session.model
        lang = self.lang.value
        lines = []
        for rule in self.session.live:
            if rule.where == "all":
                scope = self.t("choices_everywhere")
            else:
                row = drilldown.find_row(model, rule.where)
                scope = str(model.frame["name"].iloc[row]) if row is not None else rule.where
            parts = [
                f"{i18n.lever(k, lang)} {i18n.number(v, 1, lang)}"
                if k not in CHOICES
                else f"{self.t(f'choice_{k}')}: {i18n.choice_option(k, v, lang)}"
                for k, v in rule.values.items()
            ]
            lines.append(
                self.t(
                    "choices_live_line",
                    date=i18n.month(rule.start),
                    scope=scope,
                    what="; ".join(parts),
                )
            )
        return lines

    def set_scope(self, only_selected: bool) -> None:
        """The secretary's choices for the selected municipality only, or for all."""
        code = self.selected.value
        self.scope.set(code if only_selected and code else "all")

    def scope_label(self) -> str:
        """The label of the scope switch: which municipality, or that one must be picked."""
        model = self.session.model
        code = self.scope.value if self.scope.value != "all" else self.selected.value
        row = drilldown.find_row(model, code) if code else None
        if row is None:
            return self.t("choices_scope_none")
        return self.t("choices_scope_one", name=str(model.frame["name"].iloc[row]))

    @property
    def looking_back(self) -> bool:
        """Whether the views show a past month (the timeline is not at the latest month)."""
        step = self.view_step.value
        return step is not None and step < self.session.steps

    def shown_step(self) -> int:
        """The month (step) the map, charts and drill-down show."""
        return self.session.shown_step(self.view_step.value)

    def scrub(self, step: int | None) -> None:
        """Show month ``step`` from the stored months (None or the latest: follow the run)."""
        if step is None or int(step) >= self.session.steps:
            self.view_step.set(None)
        else:
            self.view_step.set(max(0, int(step)))

    def play_loop(self, cancel: threading.Event) -> None:
        """Step while playing, at the chosen speed (months per second) or as fast as it goes.

        The speed achieved is measured (`viz.pace`) and shown next to the slider.
        """
        months = 1
        while self.playing.value and not cancel.is_set():
            if not KEEPER.owns(self.session, self.pace):
                break  # the page was reloaded: the new page drives the session now
            wait_for_render(self.render_lock)
            if not self.playing.value or cancel.is_set():
                break  # paused while a click's render ran
            started = time.perf_counter()
            going = self.step(months)
            took = time.perf_counter() - started
            self.pace.tick(months)
            rate = self.pace.rate()
            if rate is not None and (
                self.achieved.value is None or abs(rate - self.achieved.value) >= 0.25
            ):
                self.achieved.set(round(rate, 1))
            if not going:
                self.playing.set(False)
                break
            wait = months / max(float(self.speed.value), 0.1) - (time.perf_counter() - started)
            cancel.wait(max(wait, MIN_PAUSE))
            months = batch(float(self.speed.value), took, MIN_PAUSE)

    def pick(self, code: str) -> None:
        """A municipality was picked (on the map or by name): show it beside the map."""
        self.selected.set(code)
        if code:
            self.drill_open.set(True)


RENDER_WAIT = 10.0
"""Seconds Play waits at most for another thread's render pass before its next step."""


def wait_for_render(lock: Any, timeout: float = RENDER_WAIT) -> None:
    """Wait until no render pass runs (the page's render lock is free), or ``timeout`` s.

    A click (Pause, the language, a slider) renders its change in the thread that received
    it; a step Play makes during that pass asks for another pass, which the clicking thread
    runs too. On a loaded machine a pass can take longer than Play's pause between steps,
    so the passes never end and reacton stops the page with "Too many renders triggered"
    (found by the browser test of Pause under load). Play therefore steps only while no
    pass runs: each of its steps adds at most one pass to another thread's render.
    """
    if lock is not None and lock.acquire(timeout=timeout):
        lock.release()


def restore(state: AppState, session_box: solara.Reactive[Any], kept: Kept) -> None:
    """Take over a tab's kept session after a reload: its runs and its choices (paused)."""
    state.playing.set(False)
    session_box.set(kept.session)
    for name, value in kept.settings.items():
        if name in KEPT_SETTINGS:
            getattr(state, name).set(value)
    state.resets.set(state.resets.value + 1)
    state.running.set(kept.session.running)
    state.version.set(kept.session.version)


@solara.component
def KeepSession(state: AppState, tab: str) -> None:
    """Keeps the tab's session and choices on the server while they change (`viz.keep`)."""
    values = {name: getattr(state, name).value for name in KEPT_SETTINGS}

    def save() -> None:
        if tab:
            KEEPER.put(tab, state.session, values, state.pace)

    solara.use_effect(save, [tab, id(state.session), repr(values)])


def new_session(municipalities: list[str] | None = None) -> Session:
    """A session started on the baseline with the default seed."""
    session = Session(municipalities)
    session.reset(presets.BASELINE, DEFAULT_SEED)
    return session


# ---------------------------------------------------------------------------- header
@solara.component
def Header(state: AppState) -> None:
    """Title, current month, the full-screen map switch and the language switch."""
    state.version.get()
    state.view_step.get()
    session = state.session
    view = session.view(state.shown_step())
    shown_date = view.date if view is not None else session.model.date
    with solara.Div(classes=["govsim-header"]):
        with solara.Div(classes=["govsim-header-title"]):
            solara.HTML(tag="div", unsafe_innerHTML=state.t("app_title"), classes=["govsim-title"])
            solara.HTML(
                tag="div", unsafe_innerHTML=state.t("app_subtitle"), classes=["govsim-subtitle"]
            )
        with solara.Div(classes=["govsim-now"]):
            solara.HTML(
                tag="div",
                unsafe_innerHTML=i18n.month(shown_date),
                classes=["govsim-date"],
            ).meta(ref="date")
            if state.looking_back:
                month = (
                    state.t("looking_back")
                    + " — "
                    + state.t("month_of", step=state.shown_step(), n=session.n_steps)
                )
            elif not session.running:
                month = state.t("finished")
            else:
                month = state.t("month_of", step=session.steps, n=session.n_steps)
            solara.HTML(tag="div", unsafe_innerHTML=month, classes=["govsim-month"]).meta(
                ref="month"
            )
        presenter = state.presenter.value
        solara.Button(
            state.t("presenter_off" if presenter else "presenter_on"),
            icon_name="mdi-fullscreen-exit" if presenter else "mdi-fullscreen",
            on_click=lambda: state.presenter.set(not state.presenter.value),
            color="primary",
            outlined=not presenter,
            classes=["govsim-presenter-toggle"],
        ).meta(ref="presenter")
        with solara.Row(gap="6px"):
            for code in i18n.LANGS:
                solara.Button(
                    code.upper(),
                    on_click=lambda code=code: state.lang.set(code),
                    color="primary",
                    outlined=state.lang.value != code,
                    classes=[f"govsim-lang-{code}"],
                ).meta(ref=f"lang_{code}")


# ---------------------------------------------------------------------------- controls
@solara.component
def ControlButton(
    state: AppState,
    name: str,
    label: str,
    icon: str,
    action: Callable[[], Any],
    *,
    disabled: bool = False,
    color: str = "primary",
) -> Any:
    """A Reset / Step / Play button: disabled while a Reset runs, stale clicks dropped.

    Its DOM id carries the reset epoch (`AppState.control_id`); the click handler lets a click
    through only if `AppState.accepts` it. A component of its own, so that the handler stays
    with the button's widget.
    """
    button = solara.v.Btn(
        children=[solara.v.Icon(left=True, children=[icon]), label],
        color=color,
        disabled=disabled or state.busy.value,
        class_=f"govsim-{name} govsim-control",
        attributes={"id": state.control_id(name)},
    )
    state.busy.get()
    state.epoch.get()
    solara.v.use_event(button, "click", state.click(action))
    return button


@solara.component
def SeedField(state: AppState) -> None:
    """The seed: typed freely, applied by Reset or by Enter in the field."""
    invalid = state.error.value is not None and state.error.value[0] == "seed_invalid"

    def enter(widget: Any, _event: str, _data: Any) -> None:
        state.seed_text.set("" if widget.v_model is None else str(widget.v_model))
        if state.accepts():
            state.reset()

    field = solara.v.TextField(
        label=state.t("seed"),
        v_model=state.seed_text.value,
        on_v_model=lambda value: state.seed_text.set("" if value is None else str(value)),
        hint=state.t("seed_hint"),
        error=invalid,
        class_="govsim-seed",
    )
    solara.v.use_event(field, "keyup.enter", enter)


def scenario_select(state: AppState, what: str, label: str, value: str) -> None:
    """A scenario menu; a choice goes through `AppState.request` (asks with a run to lose)."""

    def choose(name: str | None) -> None:
        if not name or name == value:
            return
        if what == "scenario_b":
            state.choose_scenario_b(name)
        else:
            state.request(Discard(what, name))

    css = "govsim-scenario" if what == "scenario" else "govsim-scenario-b"
    solara.v.Select(
        label=label,
        items=scenario_items(state.lang.value),
        v_model=state.shown(what, value),
        on_v_model=choose,
        menu_props=MENU_PROPS,
        class_=css,
    ).meta(ref=what)


@solara.component
def DiscardDialog(state: AppState) -> None:
    """Asks before another scenario for run A, or Opnieuw, discards the run."""
    state.discard.get()
    solara.lab.ConfirmationDialog(
        state.discard.value is not None,
        on_close=state.cancel_discard,
        title=state.t("discard_title"),
        content=state.discard_text(),
        ok=state.t("discard_ok"),
        on_ok=state.confirm_discard,
        cancel=state.t("discard_cancel"),
        on_cancel=state.cancel_discard,
        persistent=True,
        max_width=640,
    )


@solara.component
def Controls(state: AppState) -> None:
    """Scenario, seed, side by side, Reset / Step / Play-Pause and speed."""
    state.resets.get()
    state.busy.get()
    state.discard.get()
    lang = state.lang.value
    with solara.Card(state.t("presets")):
        scenario_select(state, "scenario", state.t("scenario"), state.scenario.value)
        solara.HTML(
            tag="div",
            unsafe_innerHTML=scenario_hint(state.scenario.value, lang),
            classes=["govsim-hint", "govsim-scenario-title"],
        )
        solara.Switch(
            label=state.t("side_by_side"),
            value=bool(state.shown("compare", state.compare.value)),
            on_value=state.toggle_compare,
            classes=["govsim-compare"],
        ).meta(ref="compare")
        if state.compare.value:
            scenario_select(state, "scenario_b", state.t("scenario_b"), state.scenario_b.value)
            solara.HTML(
                tag="div",
                unsafe_innerHTML=scenario_hint(state.scenario_b.value, lang),
                classes=["govsim-hint"],
            )
        SeedField(state).meta(ref="seed")
        with solara.Row(gap="8px", classes=["govsim-buttons"]):
            ControlButton(state, "reset", state.t("reset"), "mdi-restart", state.ask_reset).meta(
                ref="reset"
            )
            ControlButton(
                state,
                "step",
                state.t("step"),
                "mdi-step-forward",
                state.step,
                disabled=state.playing.value or not state.running.value,
            ).meta(ref="step")
        with solara.Row(gap="8px", classes=["govsim-buttons"]):
            playing = state.playing.value
            ControlButton(
                state,
                "play",
                state.t("pause") if playing else state.t("play"),
                "mdi-pause" if playing else "mdi-play",
                state.toggle_play,
                disabled=not state.running.value and not playing,
                color="secondary" if playing else "primary",
            ).meta(ref="play")
        with solara.Row(justify="space-between"):
            solara.HTML(
                tag="div", unsafe_innerHTML=state.t("speed"), classes=["govsim-slider-label"]
            )
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"{state.speed.value:.0f}",
                classes=["govsim-slider-value"],
            )
        with solara.Div(classes=["govsim-speed"]):
            solara.SliderFloat(
                "", value=state.speed, min=1.0, max=MAX_SPEED, step=1.0, thumb_label=False
            ).meta(ref="speed")
        SpeedAchieved(state)
        if state.error.value is not None:
            solara.Error(state.error_text(), classes=["govsim-error"]).meta(ref="error")
        for note in state.session.messages:
            solara.Warning(note)
    DiscardDialog(state)


@solara.component
def SpeedAchieved(state: AppState) -> None:
    """What Play delivered in its last stretch, next to what the slider asks (`viz.pace`)."""
    achieved = state.achieved.value
    if achieved is None:
        return
    asked = float(state.speed.value)
    text = state.t("speed_achieved", rate=i18n.number(achieved, 1, state.lang.value))
    classes = ["govsim-speed-achieved"] + (["govsim-speed-slow"] if slow(asked, achieved) else [])
    solara.HTML(tag="div", unsafe_innerHTML=text, classes=classes).meta(ref="speed_achieved")


def slider_row(
    spec: presets.SliderSpec,
    label: str,
    value: float,
    on_value: Callable[[float], None],
    digits: int = 2,
    help_text: str = "",
    lang: str = i18n.DEFAULT_LANG,
) -> None:
    """One labelled slider (label, value, slider, optional help line), ``ref`` slider_<key>."""
    shown = f"{value:.0f}" if spec.integer else i18n.number(value, digits, lang)
    with solara.Column(gap="0px", classes=[f"govsim-slider-{spec.key}"]):
        with solara.Row(justify="space-between"):
            solara.HTML(tag="div", unsafe_innerHTML=label, classes=["govsim-slider-label"]).meta(
                ref=f"label_{spec.key}"
            )
            solara.HTML(tag="div", unsafe_innerHTML=shown, classes=["govsim-slider-value"])
        if spec.integer:
            solara.SliderInt(
                "",
                value=int(value),
                min=int(spec.low),
                max=int(spec.high),
                step=int(spec.step),
                on_value=on_value,
                thumb_label=False,
            ).meta(ref=f"slider_{spec.key}")
        else:
            solara.SliderFloat(
                "",
                value=float(value),
                min=spec.low,
                max=spec.high,
                step=spec.step,
                on_value=on_value,
                thumb_label=False,
            ).meta(ref=f"slider_{spec.key}")
        if help_text:
            solara.HTML(tag="div", unsafe_innerHTML=help_text, classes=["govsim-help"])


@solara.component
def Sliders(state: AppState) -> None:
    """The big sliders and, folded under them, the secretary's choices.

    Changes apply at the next Reset (to both runs side by side).
    """
    state.resets.get()
    scenario = state.session.primary.scenario
    overrides = state.overrides.value

    def set_value(key: str, value: float) -> None:
        spec = presets.SLIDER_BY_KEY[key]
        state.overrides.set({**state.overrides.value, key: presets.clamp(spec, value)})

    with solara.Card(state.t("sliders")):
        solara.HTML(tag="div", unsafe_innerHTML=state.t("sliders_hint"), classes=["govsim-hint"])
        for spec in presets.SLIDERS:
            value = overrides.get(spec.key, presets.scenario_value(scenario, spec.key))
            label = state.t(f"slider_{spec.key}")
            slider_row(
                spec, label, value, lambda v, key=spec.key: set_value(key, v), lang=state.lang.value
            )
        SecretaryChoices(state)
        if state.pending:
            solara.HTML(
                tag="div", unsafe_innerHTML=state.t("sliders_pending"), classes=["govsim-pending"]
            ).meta(ref="pending")
        solara.Button(
            state.t("sliders_restore"),
            on_click=lambda: state.overrides.set({}),
            outlined=True,
            color="primary",
            disabled=not state.overrides.value,
        )


@solara.component
def SecretaryChoices(state: AppState) -> None:
    """The secretary's choices, folded: selects and a 0-1 slider per numeric lever.

    Role, stance and Omgevingswet strategy as selects, the levers of the seven lessons (report
    §5.5) and the DSO lobby as sliders; national or for the selected municipality, applied
    from the next month ("Nu toepassen", `ApplyNow`) or from the start at the next Reset.
    """
    state.resets.get()
    state.selected.get()
    state.scope.get()
    lang = state.lang.value
    scenario = state.session.primary.scenario
    overrides = state.overrides.value
    keys = (*presets.CHOICE_SELECTS, *(s.key for s in presets.LEVER_SLIDERS))
    changed = sum(key in overrides for key in keys)
    summary = state.t("choices")
    if changed:
        summary += " — " + state.t("choices_changed", n=changed)

    def set_value(key: str, value: float) -> None:
        spec = presets.SLIDER_BY_KEY[key]
        state.overrides.set({**state.overrides.value, key: presets.clamp(spec, value)})

    def set_choice(key: str, value: str | None) -> None:
        state.overrides.set(presets.set_choice(state.overrides.value, key, value))

    with solara.Div(classes=["govsim-choices"]):
        with solara.Details(summary, expand=False).meta(ref="choices"):
            solara.HTML(
                tag="div", unsafe_innerHTML=state.t("choices_hint"), classes=["govsim-hint"]
            )
            solara.Switch(
                label=state.scope_label(),
                value=state.scope.value != "all",
                on_value=state.set_scope,
                disabled=state.scope.value == "all" and not state.selected.value,
                classes=["govsim-choices-scope"],
            ).meta(ref="choices_scope")
            solara.HTML(
                tag="div", unsafe_innerHTML=state.t("choices_from_reset"), classes=["govsim-help"]
            )
            ApplyNow(state)
            for key in presets.CHOICE_SELECTS:
                values = CHOICES[key].values
                solara.v.Select(
                    label=state.t(f"choice_{key}"),
                    items=[{"text": i18n.choice_option(key, v, lang), "value": v} for v in values],
                    v_model=presets.choice_value(overrides, key),
                    on_v_model=lambda v, key=key: set_choice(key, v),
                    hide_details=True,
                    class_=f"govsim-choice-{key}",
                ).meta(ref=f"select_{key}")
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=state.t(f"choice_{key}_help"),
                    classes=["govsim-help"],
                )
            for spec in presets.LEVER_SLIDERS:
                value = overrides.get(spec.key, presets.scenario_value(scenario, spec.key))
                slider_row(
                    spec,
                    i18n.lever(spec.key, lang),
                    value,
                    lambda v, key=spec.key: set_value(key, v),
                    digits=1,
                    help_text=state.t(f"lever_{spec.key}_help"),
                    lang=lang,
                )


@solara.component
def ApplyNow(state: AppState) -> None:
    """The "Nu toepassen" button: the changed choices from the next month on, and what applied.

    The button names the month the choices start; it is disabled while a Reset runs, when no
    choice changed since they last applied, and when the run has no month left.
    """
    state.version.get()
    state.overrides.get()
    state.applied.get()
    state.busy.get()
    session = state.session
    start = session.model.calendar.date_of(session.steps + 1) if session.running else None
    solara.Button(
        state.t("choices_apply_now", date=i18n.month(start) if start else "—"),
        on_click=state.apply_now,
        color="primary",
        disabled=not state.can_apply_now(),
        classes=["govsim-apply-now"],
    ).meta(ref="apply_now")
    lines = state.live_lines()
    if lines:
        items = "".join(f"<li>{line}</li>" for line in lines)
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<b>{state.t('choices_applied_title')}</b><ul>{items}</ul>",
            classes=["govsim-live-choices"],
        ).meta(ref="live_choices")


# ---------------------------------------------------------------------------- timeline and monitors
@solara.component
def TimelineView(state: AppState) -> None:
    """A slider over the months simulated: the map, charts and drill-down show the chosen one.

    Stored months only (`viz.timeline`), no re-simulation. Step and Play continue from the
    latest month, and the label says so.
    """
    state.version.get()
    state.view_step.get()
    session = state.session
    latest = session.steps
    shown = state.shown_step()
    view = session.view(shown)
    date = i18n.month(view.date if view is not None else session.model.date)
    if state.looking_back:
        text = state.t("timeline_past", date=date, latest=i18n.month(session.model.date))
    else:
        text = state.t("timeline_live", date=date)
    with solara.Div(classes=["govsim-timeline"]):
        with solara.Row(gap="12px", style={"align-items": "center"}):
            solara.HTML(
                tag="div", unsafe_innerHTML=state.t("timeline"), classes=["govsim-strip-title"]
            )
            with solara.Column(style={"flex": "1 1 auto"}):
                solara.SliderInt(
                    "",
                    value=shown,
                    min=0,
                    max=max(latest, 1),
                    step=1,
                    on_value=state.scrub,
                    disabled=latest == 0 or state.playing.value,
                    thumb_label=False,
                ).meta(ref="timeline")
            solara.Button(
                state.t("timeline_to_live"),
                on_click=lambda: state.scrub(None),
                outlined=True,
                color="primary",
                disabled=not state.looking_back,
                classes=["govsim-to-live"],
            ).meta(ref="to_live")
        cls = ["govsim-pending"] if state.looking_back else ["govsim-hint"]
        solara.HTML(tag="div", unsafe_innerHTML=text, classes=cls).meta(ref="timeline_text")


def monitor_texts(view: timeline.MonthView | None, lang: str) -> list[tuple[str, str]]:
    """(label, big number) of each live monitor in ``view`` ("–" before the first month)."""
    out = []
    for key in timeline.MONITORS:
        value = view.monitors.get(key, float("nan")) if view is not None else float("nan")
        text = "–" if value != value else f"{i18n.number(100 * value, 0, lang)}%"
        out.append((i18n.t(f"monitor_{key}", lang), text))
    return out


def changed_text(state: AppState) -> str:
    """The "what changed" sentence of the current Play stretch (first run), or ''."""
    session = state.session
    with session.lock:
        run = session.primary
        start = run.months.at(session.stretch_start)
        end = run.months.at(None)
        if start is None or end is None or end.step <= start.step:
            return ""
        return timeline.what_changed(
            run.model.events,
            run.model.timeline,
            (start.step, start.date),
            (end.step, end.date),
            state.lang.value,
        )


@solara.component
def MonitorsView(state: AppState) -> None:
    """Big numbers of the shown month per run, and what changed in the last Play stretch."""
    state.version.get()
    state.view_step.get()
    session = state.session
    lang = state.lang.value
    shown = state.shown_step()
    labels = run_labels(state)
    with solara.Div(classes=["govsim-monitor-block"]):
        for i in range(len(session.runs)):
            if len(session.runs) > 1:
                solara.HTML(tag="div", unsafe_innerHTML=labels[i], classes=["govsim-run-label"])
            with solara.Div(classes=["govsim-monitors"]):
                for j, (label, text) in enumerate(monitor_texts(session.view(shown, i), lang)):
                    with solara.Div(classes=["govsim-monitor"]):
                        solara.HTML(
                            tag="div", unsafe_innerHTML=text, classes=["govsim-monitor-value"]
                        ).meta(ref=f"monitor_{i}_{j}")
                        solara.HTML(
                            tag="div", unsafe_innerHTML=label, classes=["govsim-monitor-label"]
                        )
        line = changed_text(state)
        if line:
            solara.HTML(tag="div", unsafe_innerHTML=line, classes=["govsim-changed"]).meta(
                ref="changed"
            )


# ---------------------------------------------------------------------------- map and charts
def run_labels(state: AppState) -> list[str]:
    """``A: title`` and ``B: title`` of the runs."""
    return export.run_labels(state.session, state.lang.value)


def size_setter(sizes: solara.Reactive[dict[int, Size]], key: int, default: Size) -> Any:
    """A resize handler that stores the size the browser reports for image ``key``."""

    def resized(data: Any) -> None:
        size = reported_size(data, default)
        if size is not None and sizes.value.get(key) != size:
            sizes.set({**sizes.value, key: size})

    return resized


@solara.component
def MapView(state: AppState) -> None:
    """The map(s) coloured by the chosen indicator, drawn for their box.

    A click picks a municipality; its details open beside the map (`DrillPanel`).
    """
    version = state.version.get()
    lang = state.lang.value
    session = state.session
    renderers: dict[int, MapRenderer] = solara.use_memo(dict, [])
    sizes = solara.use_reactive({})
    past = state.view_step.value if state.looking_back else None
    shown_sizes = [sizes.value.get(i, MAP_SIZE) for i in range(len(session.runs))]

    def render() -> list[str]:
        urls = []
        with session.lock:
            for i, run in enumerate(session.runs):
                codes = run.model.frame["code"].tolist()
                size = shown_sizes[i]
                renderer = renderers.get(i)
                if renderer is None or renderer.codes != codes or renderer.size != size:
                    renderer = MapRenderer.for_display(
                        codes, lang, size.width, size.height, size.ratio
                    )
                    renderer.size = size
                    renderers[i] = renderer
                renderer.configure(state.map_indicator.value, lang, state.borders.value)
                renderer.select(drilldown.find_row(run.model, state.selected.value))
                view = run.months.at(past) if past is not None else None
                if view is not None:
                    image = renderer.render_values(
                        view.map_values[state.map_indicator.value], LIVE_FORMAT
                    )
                else:
                    image = renderer.render(run.model, LIVE_FORMAT)
                urls.append(data_url(image, LIVE_FORMAT))
        return urls

    urls = solara.use_memo(
        render,
        [
            version,
            state.map_indicator.value,
            lang,
            state.borders.value,
            state.selected.value,
            past,
            tuple(shown_sizes),
            id(session),
        ],
    )

    def pick(run: int, where: dict) -> None:
        renderer = renderers.get(run)
        if renderer is None:
            return
        row = renderer.pick(float(where.get("x", -1)), float(where.get("y", -1)))
        if row is not None:
            state.pick(str(session.runs[run].model.frame["code"].iloc[row]))

    with solara.Div(classes=["govsim-mapcell"]):
        with solara.Div(classes=["govsim-toolbar"]):
            solara.v.Select(
                label=state.t("map_indicator"),
                items=[{"text": map_label(k, lang), "value": k} for k in MAP_INDICATORS],
                v_model=state.map_indicator.value,
                on_v_model=lambda v: state.map_indicator.set(v or DEFAULT_MAP),
                class_="govsim-map-indicator",
                style_="flex: 3 1 0; min-width: 0",
            ).meta(ref="map_indicator")
            solara.v.Select(
                label=state.t("borders"),
                items=[{"text": state.t("borders_none"), "value": ""}]
                + [{"text": state.t(f"borders_{b}"), "value": b} for b in BORDER_MAPS],
                v_model=state.borders.value,
                on_v_model=lambda v: state.borders.set(v or ""),
                class_="govsim-borders",
                style_="flex: 0 0 150px; min-width: 0",
            ).meta(ref="borders")
            button = solara.v.Btn(
                children=[solara.v.Icon(children=["mdi-magnify"])],
                icon=True,
                outlined=True,
                color="primary",
                class_="govsim-open-drill",
                attributes={"title": state.t("drill_open"), "aria-label": state.t("drill_open")},
            )
            solara.v.use_event(button, "click", lambda *_: state.drill_open.set(True))
        labels = run_labels(state)
        with solara.Div(classes=["govsim-maprow"]):
            for i, url in enumerate(urls):
                with solara.Div(classes=["govsim-maprun"]):
                    if len(urls) > 1:
                        solara.HTML(
                            tag="div", unsafe_innerHTML=labels[i], classes=["govsim-run-label"]
                        )
                    FitImage(
                        url,
                        shown_sizes[i],
                        alt=f"map {i}",
                        name=f"map-{i}",
                        clickable=True,
                        on_pick=lambda where, i=i: pick(i, where),
                        on_resize=size_setter(sizes, i, MAP_SIZE),
                    ).meta(ref=f"map_{i}")


@solara.component
def ChartsView(state: AppState) -> None:
    """The national charts of the run(s), drawn for their box.

    Events marked, run B dashed; the legend boxes are laid over the image (`viz.fit`).
    """
    version = state.version.get()
    lang = state.lang.value
    session = state.session
    sizes = solara.use_reactive({})
    size = sizes.value.get(0, CHARTS_SIZE)
    renderer: ChartRenderer = solara.use_memo(
        lambda: ChartRenderer.for_display(size.width, size.height, size.ratio), [size]
    )
    past = state.view_step.value if state.looking_back else None
    labels = run_labels(state)

    def render() -> tuple[str, list[dict[str, Any]]]:
        with session.lock:
            models = [r.model for r in session.runs]
            image = renderer.render(models, labels, lang, LIVE_FORMAT, upto=past)
            boxes = [dataclasses.asdict(b) for b in renderer.boxes]
            return data_url(image, LIVE_FORMAT), boxes

    url, boxes = solara.use_memo(
        render, [version, lang, past, renderer, tuple(labels), id(session)]
    )
    with solara.Div(classes=["govsim-chartcell"]):
        if len(labels) > 1:
            solara.HTML(
                tag="div",
                unsafe_innerHTML=state.t("overlay_note", a=labels[0], b=labels[1]),
                classes=["govsim-chart-note"],
            ).meta(ref="chart_note")
        FitImage(
            url,
            size,
            alt="charts",
            name="charts",
            boxes=boxes,
            on_resize=size_setter(sizes, 0, CHARTS_SIZE),
        ).meta(ref="charts")


# ---------------------------------------------------------------------------- tabs
@solara.component
def SectionView(section: drilldown.Section, run: int = 0) -> None:
    """One drill-down section: rows with a value and, for 0-1 values, a bar."""
    with solara.Column(gap="2px", classes=[f"govsim-section-{section.key}"]).meta(
        ref=f"section_{section.key}_{run}"
    ):
        solara.HTML(tag="div", unsafe_innerHTML=section.title, classes=["govsim-section-title"])
        for row in section.rows:
            with solara.Div(classes=["govsim-row"]):
                solara.HTML(tag="span", unsafe_innerHTML=row.label, classes=["govsim-row-label"])
                solara.HTML(
                    tag="span", unsafe_innerHTML=row.text, classes=["govsim-row-text"]
                ).meta(ref="row_text")
                if row.value is not None:
                    solara.v.ProgressLinear(
                        value=max(0.0, min(100.0, 100.0 * row.value)),
                        height=12,
                        color="primary",
                        background_color="#d8dde6",
                        style_="flex: 1 1 auto",
                    )


def municipality_items(all_names: list[str], query: str | None, current: str | None) -> list[str]:
    """The names the municipality search offers for the typed ``query``.

    Every name (sorted) when nothing is typed or the field shows the current choice; else the
    names `viz.names.search` finds (aliases, no accents or apostrophes needed), best first.
    """
    if not query or query == current:
        return sorted(all_names, key=names.sort_key)
    return names.search(query, all_names)


@solara.component
def MunicipalitySearch(
    state: AppState,
    items: list[str],
    current: str | None,
    query: solara.Reactive[str],
    on_choose: Callable[[str | None], None],
) -> Any:
    """The municipality field: the server filters the names as the facilitator types."""

    def typed(_widget: Any, _event: str, text: Any) -> None:
        query.set("" if text is None else str(text))

    search = solara.v.Autocomplete(
        label=state.t("pick_municipality"),
        placeholder=state.t("search_placeholder"),
        no_data_text=state.t("no_match", query=query.value),
        items=items,
        v_model=current,
        on_v_model=on_choose,
        no_filter=True,
        clearable=True,
        class_="govsim-municipality",
        style_="max-width: 520px",
        attributes={"persistent-placeholder": True},
    )
    solara.v.use_event(search, "update:search-input", typed)
    return search


@solara.component
def DrillPanel(state: AppState) -> None:
    """The drill-down beside the map: over the charts while open, closed with its button.

    Always drawn (hidden while closed), so the search keeps what was typed.
    """
    is_open = state.drill_open.value
    classes = ["govsim-drill"] + ([] if is_open else ["govsim-drill-closed"])
    with solara.Div(classes=classes).meta(ref="drill"):
        with solara.Div(classes=["govsim-drill-head"]):
            solara.HTML(
                tag="div", unsafe_innerHTML=state.t("tab_details"), classes=["govsim-strip-title"]
            )
            solara.Button(
                state.t("drill_close"),
                icon_name="mdi-close",
                on_click=lambda: state.drill_open.set(False),
                text=True,
                color="primary",
                classes=["govsim-drill-close"],
            ).meta(ref="drill_close")
        Drilldown(state)


@solara.component
def Drilldown(state: AppState) -> None:
    """Pick a municipality by name (or on the map) and see its actors and its events."""
    state.resets.get()
    model = state.session.model
    query = solara.use_reactive("")
    all_names = solara.use_memo(lambda: model.frame["name"].tolist(), [id(model.frame)])
    row = drilldown.find_row(model, state.selected.value)
    current = model.frame["name"].iloc[row] if row is not None else None
    items = municipality_items(all_names, query.value, current)

    def choose(name: str | None) -> None:
        found = drilldown.find_row(model, name) if name else None
        state.pick(str(model.frame["code"].iloc[found]) if found is not None else "")

    MunicipalitySearch(state, items, current, query, choose).meta(ref="municipality")
    if row is None:
        solara.HTML(tag="div", unsafe_innerHTML=state.t("no_municipality"), classes=["govsim-hint"])
    else:
        DrilldownBody(state)


def drilldown_view(
    run: Any, row: int, lang: str, past: int | None
) -> tuple[str, list[drilldown.Section], list[str]]:
    """Header, sections and event lines of municipality ``row`` in ``run``.

    At a past month (``past``) only what the timeline stores: the progress section and the
    events up to that month.
    """
    model = run.model
    view = run.months.at(past) if past is not None else None
    if view is None:
        sections = drilldown.sections(model, row, lang)
        return drilldown.header(model, row, lang), sections, drilldown.event_lines(model, row, lang)
    sections = [drilldown.past_progress(view.progress, row, lang)]
    lines = drilldown.event_lines(model, row, lang, upto=view.step)
    return drilldown.header(model, row, lang), sections, lines


@solara.component
def DrilldownBody(state: AppState) -> None:
    """The chosen municipality's actors and events in every run (refreshed every step)."""
    state.version.get()
    state.view_step.get()
    lang = state.lang.value
    session = state.session
    labels = run_labels(state)
    past = state.view_step.value if state.looking_back else None
    with session.lock:
        views = []
        for run in session.runs:
            r = drilldown.find_row(run.model, state.selected.value)
            if r is None:
                continue
            views.append(drilldown_view(run, r, lang, past))
    # always drawn (empty when live), so the widgets after it keep their places
    past_text = (
        state.t("drilldown_past", date=i18n.month(session.view(past).date))
        if past is not None
        else ""
    )
    solara.HTML(tag="div", unsafe_innerHTML=past_text, classes=["govsim-hint"]).meta(
        ref="drilldown_past"
    )
    # side by side: run A and run B in columns
    with solara.Div(classes=["govsim-drill-runs"]):
        for i, (head, sections, lines) in enumerate(views):
            with solara.Div(classes=["govsim-drill-run", f"govsim-drill-run-{i}"]):
                title = f"{labels[i]} — {head}" if len(views) > 1 else head
                solara.HTML(tag="div", unsafe_innerHTML=title, classes=["govsim-muni-header"]).meta(
                    ref=f"muni_header_{i}"
                )
                for section in sections:
                    SectionView(section, i)
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=state.t("event_log"),
                    classes=["govsim-section-title"],
                )
                text = "".join(f"<div>{ln}</div>" for ln in reversed(lines)) or state.t("no_events")
                solara.HTML(tag="div", unsafe_innerHTML=text, classes=["govsim-log"]).meta(
                    ref=f"log_{i}"
                )


def survey_now_note(state: AppState) -> str:
    """What the survey panel at the current month says about its month and the 2017 figures."""
    date = state.session.model.date
    first, last = survey.fieldwork()
    key = "survey_now_fieldwork" if survey.in_fieldwork(date) else "survey_now_outside"
    note = state.t(key, date=i18n.month(date), first=i18n.month(first), last=i18n.month(last))
    if state.looking_back:
        note += " " + state.t("survey_now_latest")
    return note


@solara.component
def SurveyView(state: AppState) -> None:
    """The survey panel: the 2017 survey month, or the secretaries asked in the current month.

    At the current month the observed 2017 figures are drawn only in the 2017 fieldwork
    (`viz.survey.in_fieldwork`, the rule of ``SimulatedSurvey.comparison``).
    """
    version = state.version.get()
    lang = state.lang.value
    session = state.session
    now = solara.use_reactive(False)
    answers = tuple(id(r.survey_answers) for r in session.runs)
    show_observed = not now.value or survey.in_fieldwork(session.model.date)

    def render() -> str:
        with session.lock:
            if now.value:
                simulated = [survey.interview_now(r) for r in session.runs]
            else:
                simulated = [survey.simulated(r.survey_answers) for r in session.runs]
        image = survey_png(
            survey.observed(), simulated, run_labels(state), lang, show_observed=show_observed
        )
        return data_url(image)

    key = [lang, answers, tuple(r.name for r in session.runs), now.value]
    url = solara.use_memo(render, key + ([version] if now.value else []))
    if now.value:
        note = survey_now_note(state)
    elif any(r.survey_answers is None for r in session.runs):
        note = state.t("survey_waiting", date=survey.SURVEY_MONTH)
    else:
        note = ""
    title = state.t("survey_now_title") if now.value else state.t("survey")
    solara.HTML(tag="div", unsafe_innerHTML=title, classes=["govsim-section-title"]).meta(
        ref="survey_title"
    )
    solara.Switch(
        label=state.t("survey_now_switch"),
        value=now,
        classes=["govsim-survey-now"],
    ).meta(ref="survey_now")
    if note:
        solara.HTML(tag="div", unsafe_innerHTML=note, classes=["govsim-hint"]).meta(
            ref="survey_note"
        )
    PngImage(src=url, alt="survey", name="survey").meta(ref="survey")


@solara.component
def EventsView(state: AppState) -> None:
    """The timeline's dated events in words (run B's where they differ)."""
    state.resets.get()
    lang = state.lang.value
    labels = run_labels(state)
    runs = state.session.runs
    for i, run in enumerate(runs):
        events = timeline_events(run.model.timeline, lang)
        if len(runs) > 1:
            solara.HTML(tag="div", unsafe_innerHTML=labels[i], classes=["govsim-section-title"])
        text = "".join(f"<div>{i18n.month(e.date)}: {e.text}</div>" for e in events)
        solara.HTML(tag="div", unsafe_innerHTML=text, classes=["govsim-events"])


@solara.component
def ExpectationsView(state: AppState) -> None:
    """The tab "What the report expects" (`viz.expectations.html_body`), refreshed every step."""
    state.version.get()
    state.resets.get()
    lang = state.lang.value
    with state.session.lock:
        body = expectations.html_body(state.session.runs, run_labels(state), lang)
    title = state.t("expect_title")
    solara.HTML(tag="div", unsafe_innerHTML=title, classes=["govsim-section-title"])
    solara.HTML(tag="div", unsafe_innerHTML=body, classes=["govsim-expect-list"]).meta(
        ref="expectations"
    )


def export_files(state: AppState) -> list[tuple[str, Callable[[], bytes], str, str]]:
    """The downloads of the export tab: (kind, make the bytes, file name, MIME type).

    Names, headers and captions follow the session's language (`viz.export`).
    """
    lang = state.lang.value
    session = state.session
    style = export.csv_style(lang)
    indicator = state.map_indicator.value
    borders = state.borders.value
    makers: dict[str, Callable[[], bytes]] = {
        "charts": lambda: export.charts_png(session, lang),
        "map": lambda: export.map_png(session, indicator, lang, borders),
        "series": lambda: export.series_csv(session, style),
        "snapshot": lambda: export.snapshot_csv(session, style),
        "events": lambda: export.events_csv(session, lang, style),
    }
    return [
        (
            kind,
            make,
            export.filename(session, kind, lang, indicator),
            MIME.get(kind, "text/csv"),
        )
        for kind, make in makers.items()
    ]


MIME = {"charts": "image/png", "map": "image/png"}
"""MIME type of a download other than CSV."""


def session_filename(session: Any, lang: str) -> str:
    """The saved session's file name in ``lang``, as the other downloads (`export.stem`).

    E.g. ``govsim_basis_toevalsgetal20180101_2013-05_sessie.json``.
    """
    return f"{export.stem(session, lang)}_{i18n.t('file_session', lang)}.json"


@solara.component
def OpenSession(state: AppState) -> None:
    """Save the session to a file, or open a saved one (dropped or chosen) at its month."""

    def dropped(file: dict[str, Any]) -> None:
        state.open_saved(file["data"])

    session = state.session
    solara.FileDownload(
        lambda: saved.dumps(session),
        filename=session_filename(session, state.lang.value),
        label=state.t("export_session"),
        mime_type="application/json",
    ).meta(ref="export_session")
    FilePick(label=state.t("session_open"), on_file=dropped, accept=".json").meta(
        ref="open_session"
    )
    solara.HTML(tag="div", unsafe_innerHTML=state.t("session_hint"), classes=["govsim-hint"])


@solara.component
def ExportView(state: AppState) -> None:
    """Downloads for the debrief, made in memory when clicked."""
    state.version.get()
    solara.HTML(tag="div", unsafe_innerHTML=state.t("export"), classes=["govsim-section-title"])
    with solara.Row(gap="12px", style={"flex-wrap": "wrap"}):
        for kind, make, name, mime in export_files(state):
            solara.FileDownload(
                make, filename=name, label=state.t(f"export_{kind}"), mime_type=mime
            ).meta(ref=f"export_{kind}")
    solara.HTML(tag="div", unsafe_innerHTML=state.t("export_hint"), classes=["govsim-hint"])
    OpenSession(state)


# ---------------------------------------------------------------------------- the page
@solara.component
def App(municipalities: list[str] | None = None) -> None:
    """The whole app for one browser session.

    Args:
        municipalities: Optional subset of municipalities (tests); all 388 by default.
    """
    fresh = solara.use_memo(lambda: new_session(municipalities), [])
    session_box = solara.use_reactive(None)
    session = session_box.value or fresh
    tab = solara.use_reactive("")
    state = AppState(
        session=session,
        lang=solara.use_reactive(i18n.DEFAULT_LANG),
        scenario=solara.use_reactive(presets.BASELINE),
        compare=solara.use_reactive(False),
        scenario_b=solara.use_reactive(_second_scenario()),
        seed_text=solara.use_reactive(str(DEFAULT_SEED)),
        overrides=solara.use_reactive({}),
        applied=solara.use_reactive({}),
        version=solara.use_reactive(session.version),
        resets=solara.use_reactive(0),
        running=solara.use_reactive(True),
        playing=solara.use_reactive(False),
        speed=solara.use_reactive(DEFAULT_SPEED),
        error=solara.use_reactive(None),
        map_indicator=solara.use_reactive(DEFAULT_MAP),
        borders=solara.use_reactive("provinces"),
        selected=solara.use_reactive(""),
        busy=solara.use_reactive(False),
        epoch=solara.use_reactive(0),
        discard=solara.use_reactive(None),
        view_step=solara.use_reactive(None),
        scope=solara.use_reactive("all"),
        applied_scope=solara.use_reactive("all"),
        presenter=solara.use_reactive(False),
        drill_open=solara.use_reactive(False),
        achieved=solara.use_reactive(None),
        pace=solara.use_memo(Pace, []),
        render_lock=reacton.core.get_render_context().thread_lock,
    )
    solara.use_thread(state.play_loop, dependencies=[state.playing.value], intrusive_cancel=False)

    def on_tab(tab_id: str) -> None:
        kept = KEEPER.take(tab_id, state.pace)
        if kept is not None and kept.session is not state.session:
            restore(state, session_box, kept)
        tab.set(tab_id)

    solara.Style(CSS)
    solara.Title(state.t("app_title"))
    classes = ["govsim-app", f"govsim-lang-{state.lang.value}"]
    classes += ["govsim-presenter"] if state.presenter.value else []
    with solara.Div(classes=classes):
        with solara.Div(classes=["govsim-screen"]):
            Header(state)
            with solara.Div(classes=["govsim-main"]):
                with solara.Div(classes=["govsim-side"]):
                    Controls(state)
                    with solara.Card(classes=["govsim-monitor-card"]):
                        MonitorsView(state)
                    Sliders(state)
                with solara.Div(classes=["govsim-stage"]):
                    TimelineView(state)
                    Views(state)
        with solara.Card(classes=["govsim-tabs", "govsim-below"]):
            with solara.lab.Tabs(lazy=True):
                with solara.lab.Tab(state.t("tab_survey")):
                    SurveyView(state)
                with solara.lab.Tab(state.t("events")):
                    EventsView(state)
                with solara.lab.Tab(state.t("tab_export")):
                    ExportView(state)
                with solara.lab.Tab(state.t("tab_expect")):
                    ExpectationsView(state)
        # invisible: the page's language, the tab's id, the kept session (viz.pagelang, viz.keep)
        PageLanguage(lang=state.lang.value)
        TabId(on_tab)
        KeepSession(state, tab.value)


@solara.component
def Views(state: AppState) -> None:
    """The map(s) and the charts side by side, the drill-down over the charts when open.

    With two runs the maps get half the width (two maps in the map column).
    """
    state.resets.get()
    two = ["govsim-views-two"] if len(state.session.runs) > 1 else []
    with solara.Div(classes=["govsim-views", *two]):
        MapView(state)
        ChartsView(state)
        DrillPanel(state)


def _second_scenario() -> str:
    names = presets.available()
    return next((n for n in names if n != presets.BASELINE), presets.BASELINE)


@solara.component
def Page() -> None:
    """Entry point for ``solara run viz.app``."""
    App()


solara.lab.theme.themes.light.primary = THEME_PRIMARY

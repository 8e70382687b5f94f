"""The workshop app: a Solara page for a projector (``govsim app`` / ``solara run viz.app``).

Each browser tab gets its own `viz.session.Session` (``solara.use_memo`` in `App`), so two tabs
never share a model. The page follows the pattern of Mesa's SolaraViz (a controller that steps
the model and components that re-render on a counter) with components of our own: presets and
two runs side by side need a controller that builds models from scenario files, and SolaraViz's
module-level model would be shared between tabs.

Layout: a header (title, date, language), a control column (scenario, seed, Reset / Step /
Play, speed, the big sliders and, folded under them, the secretary's choices), the map and the
national charts, and tabs with the drill-down into one municipality, the 2017 survey, the
timeline's events and the export for the debrief.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import ipyvuetify as v
import solara
import solara.lab
import traitlets

from govsim.model.parameters import CHOICES
from govsim.viz import drilldown, export, i18n, presets, survey
from govsim.viz.charts import ChartRenderer, survey_png, timeline_events
from govsim.viz.map_view import BORDER_MAPS, MAP_INDICATORS, MapRenderer, map_label
from govsim.viz.session import DEFAULT_SEED, SeedError, Session

DEFAULT_MAP = "transformation_social"
DEFAULT_SPEED = 6.0
MAX_SPEED = 12.0
MIN_PAUSE = 0.05
"""Seconds between two steps while playing, at least: clicks (Pause, the language) need a gap
between renders to get through."""
LIVE_FORMAT = "jpeg"
"""Image format of the live map and charts (encodes several times faster than PNG; the
exports are PNG)."""

CSS = """
.govsim-app { font-size: 19px; color: #111; }
.govsim-app .v-label, .govsim-app .v-select__selection, .govsim-app input,
.govsim-app .v-list-item__title { font-size: 19px !important; color: #111 !important; }
.govsim-app .v-btn { font-size: 18px !important; font-weight: 700; letter-spacing: 0;
  text-transform: none; }
.govsim-app .v-btn:not(.v-btn--icon) { min-height: 48px; }
.govsim-buttons .v-btn { flex: 1 1 0; }
.govsim-app .v-card__title { font-size: 23px !important; font-weight: 700; }
.govsim-app .v-tab { font-size: 19px !important; font-weight: 700; letter-spacing: 0; }
.govsim-app .v-slider__thumb { width: 22px; height: 22px; left: -11px; }
.govsim-app .v-slider__thumb:before { left: -7px; top: -7px; }
.govsim-app .v-slider--horizontal .v-slider__track-container { height: 6px; }
.govsim-app .v-slider__thumb-label { font-size: 15px; font-weight: 700; }
.govsim-title { font-size: 32px; font-weight: 800; line-height: 1.15; color: #0b2e59; }
.govsim-subtitle { font-size: 19px; color: #333; }
.govsim-date { font-size: 40px; font-weight: 800; color: #0b2e59;
  font-variant-numeric: tabular-nums; }
.govsim-month { font-size: 17px; color: #333; }
.govsim-slider-label { font-size: 18px; font-weight: 600; margin-bottom: -6px; }
.govsim-slider-value { font-size: 18px; font-weight: 800; color: #0b2e59; }
.govsim-img { width: 100%; height: auto; display: block; }
.govsim-run-label { font-size: 20px; font-weight: 700; }
.govsim-hint { font-size: 16px; color: #333; }
.govsim-help { font-size: 15px; color: #444; line-height: 1.3; margin: 2px 0 10px 0; }
.govsim-choices { margin: 8px 0; }
.govsim-choices .v-expansion-panel-header { font-size: 20px; font-weight: 700; color: #0b2e59; }
.govsim-pending { font-size: 17px; font-weight: 700; color: #a33600; }
.govsim-log { max-height: 420px; overflow-y: auto; font-size: 18px; line-height: 1.5; }
.govsim-log div { padding: 2px 0; border-bottom: 1px solid #eee; }
.govsim-section-title { font-size: 21px; font-weight: 800; color: #0b2e59; margin-top: 6px; }
.govsim-row { display: flex; align-items: center; gap: 10px; font-size: 17px; }
.govsim-row .govsim-row-label { flex: 0 0 55%; }
.govsim-row .govsim-row-text { flex: 0 0 22%; font-weight: 700; }
.govsim-events { font-size: 18px; line-height: 1.5; }
.govsim-muni-header { font-size: 24px; font-weight: 800; }
"""

THEME_PRIMARY = "#0b3d91"


IMAGE_TEMPLATE = """
<template>
  <img
    :src="src"
    :alt="alt"
    :class="['govsim-img', 'govsim-img-' + kind]"
    :style="clickable ? 'cursor: crosshair' : ''"
    @click="clickable && pick({x: $event.offsetX / $event.target.clientWidth,
                               y: $event.offsetY / $event.target.clientHeight})"
  />
</template>
"""
"""An image; a click reports where it fell, as fractions of the image's width and height."""


class ImageWidget(v.VuetifyTemplate):
    """An ``<img>`` from a data URL that reports clicks (the map) to Python."""

    template = traitlets.Unicode(IMAGE_TEMPLATE).tag(sync=True)
    src = traitlets.Unicode("").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    kind = traitlets.Unicode("").tag(sync=True)
    clickable = traitlets.Bool(False).tag(sync=True)
    pick_callback = traitlets.Any(None)

    def vue_pick(self, data: dict, buffers: Any = None) -> None:
        """Called by the browser on a click: ``{"x": fraction, "y": fraction}``."""
        if self.pick_callback is not None:
            self.pick_callback(data)


def PngImage(
    src: str,
    alt: str = "",
    name: str = "",
    clickable: bool = False,
    event_pick: Callable[[dict], None] | None = None,
) -> Any:
    """An image element (class ``govsim-img-<name>``); ``event_pick`` receives clicks."""
    return ImageWidget.element(
        src=src, alt=alt, kind=name, clickable=clickable, pick_callback=event_pick
    )


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


def scenario_hint(name: str, lang: str) -> str:
    """The full title of scenario ``name`` (shown under its menu)."""
    titles = scenario_titles().get(name)
    return titles[lang]["full"] if titles else name


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

    def t(self, key: str, **fields: Any) -> str:
        """Text ``key`` in the session's language."""
        return i18n.t(key, self.lang.value, **fields)

    def reset(self) -> bool:
        """Build the run(s) again from the chosen scenario(s), seed and sliders.

        A bad seed or a slider that does not fit the scenario shows a message and keeps the
        current runs; it never raises.
        """
        self.playing.set(False)
        compare_with = self.scenario_b.value if self.compare.value else None
        try:
            self.session.reset(
                self.scenario.value, self.seed_text.value, self.overrides.value, compare_with
            )
        except SeedError as exc:
            self.error.set(("seed_invalid", {"text": exc.text}))
            return False
        except ValueError as exc:
            self.error.set(("reset_error", {"error": str(exc)}))
            return False
        self.error.set(None)
        self.applied.set(dict(self.overrides.value))
        self.resets.set(self.resets.value + 1)
        self.running.set(self.session.running)
        self.version.set(self.session.version)
        return True

    def step(self) -> bool:
        """One month for every run; returns whether they can go on."""
        going = self.session.step()
        if going != self.running.value:
            self.running.set(going)
        self.version.set(self.session.version)
        return going

    def play_loop(self, cancel: threading.Event) -> None:
        """Step while playing, at the chosen speed (months per second)."""
        while self.playing.value and not cancel.is_set():
            started = time.perf_counter()
            going = self.step()
            if not going:
                self.playing.set(False)
                break
            wait = 1.0 / max(float(self.speed.value), 0.1) - (time.perf_counter() - started)
            cancel.wait(max(wait, MIN_PAUSE))


def new_session(municipalities: list[str] | None = None) -> Session:
    """A session started on the baseline with the default seed."""
    session = Session(municipalities)
    session.reset(presets.BASELINE, DEFAULT_SEED)
    return session


# ---------------------------------------------------------------------------- header
@solara.component
def Header(state: AppState) -> None:
    """Title, current month and the language switch."""
    state.version.get()
    session = state.session
    with solara.Row(justify="space-between", style={"align-items": "center", "flex-wrap": "wrap"}):
        with solara.Column(gap="0px"):
            solara.HTML(tag="div", unsafe_innerHTML=state.t("app_title"), classes=["govsim-title"])
            solara.HTML(
                tag="div", unsafe_innerHTML=state.t("app_subtitle"), classes=["govsim-subtitle"]
            )
        with solara.Column(gap="0px", align="end"):
            solara.HTML(
                tag="div",
                unsafe_innerHTML=i18n.month(session.model.date),
                classes=["govsim-date"],
            ).meta(ref="date")
            month = (
                state.t("finished")
                if not session.running
                else state.t("month_of", step=session.steps, n=session.n_steps)
            )
            solara.HTML(tag="div", unsafe_innerHTML=month, classes=["govsim-month"]).meta(
                ref="month"
            )
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
def Controls(state: AppState) -> None:
    """Scenario, seed, side by side, Reset / Step / Play-Pause and speed."""
    state.resets.get()
    lang = state.lang.value

    def choose(name: str | None) -> None:
        if name and name != state.scenario.value:
            state.scenario.set(name)
            state.reset()

    def choose_b(name: str | None) -> None:
        if name and name != state.scenario_b.value:
            state.scenario_b.set(name)
            if state.compare.value:
                state.reset()

    def toggle_compare(value: bool) -> None:
        state.compare.set(bool(value))
        state.reset()

    with solara.Card(state.t("presets")):
        solara.v.Select(
            label=state.t("scenario"),
            items=scenario_items(lang),
            v_model=state.scenario.value,
            on_v_model=choose,
            class_="govsim-scenario",
        ).meta(ref="scenario")
        solara.HTML(
            tag="div",
            unsafe_innerHTML=scenario_hint(state.scenario.value, lang),
            classes=["govsim-hint", "govsim-scenario-title"],
        )
        solara.Switch(
            label=state.t("side_by_side"),
            value=state.compare.value,
            on_value=toggle_compare,
            classes=["govsim-compare"],
        ).meta(ref="compare")
        if state.compare.value:
            solara.v.Select(
                label=state.t("scenario_b"),
                items=scenario_items(lang),
                v_model=state.scenario_b.value,
                on_v_model=choose_b,
                class_="govsim-scenario-b",
            ).meta(ref="scenario_b")
            solara.HTML(
                tag="div",
                unsafe_innerHTML=scenario_hint(state.scenario_b.value, lang),
                classes=["govsim-hint"],
            )
        solara.InputText(
            state.t("seed"),
            value=state.seed_text,
            continuous_update=True,
            classes=["govsim-seed"],
        ).meta(ref="seed")
        with solara.Row(gap="8px", classes=["govsim-buttons"]):
            solara.Button(
                state.t("reset"),
                on_click=state.reset,
                color="primary",
                icon_name="mdi-restart",
                classes=["govsim-reset"],
            ).meta(ref="reset")
            solara.Button(
                state.t("step"),
                on_click=state.step,
                color="primary",
                icon_name="mdi-step-forward",
                disabled=state.playing.value or not state.running.value,
                classes=["govsim-step"],
            ).meta(ref="step")
        with solara.Row(gap="8px", classes=["govsim-buttons"]):
            solara.Button(
                state.t("pause") if state.playing.value else state.t("play"),
                on_click=lambda: state.playing.set(not state.playing.value),
                color="secondary" if state.playing.value else "primary",
                icon_name="mdi-pause" if state.playing.value else "mdi-play",
                disabled=not state.running.value and not state.playing.value,
                classes=["govsim-play"],
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
        solara.SliderFloat(
            "", value=state.speed, min=1.0, max=MAX_SPEED, step=1.0, thumb_label=False
        ).meta(ref="speed")
        if state.error.value is not None:
            key, fields = state.error.value
            solara.Error(state.t(key, **fields), classes=["govsim-error"]).meta(ref="error")
        for note in state.session.messages:
            solara.Warning(note)


def slider_row(
    spec: presets.SliderSpec,
    label: str,
    value: float,
    on_value: Callable[[float], None],
    digits: int = 2,
    help_text: str = "",
) -> None:
    """One labelled slider (label, value, slider, optional help line), ``ref`` slider_<key>."""
    shown = f"{value:.0f}" if spec.integer else f"{value:.{digits}f}"
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
            slider_row(spec, label, value, lambda v, key=spec.key: set_value(key, v))
        SecretaryChoices(state)
        if state.overrides.value != state.applied.value:
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
    §5.5) and the DSO lobby as sliders; national, applied at the next Reset.
    """
    state.resets.get()
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
                )


# ---------------------------------------------------------------------------- map and charts
def run_labels(state: AppState) -> list[str]:
    """``A: title`` and ``B: title`` of the runs."""
    return export.run_labels(state.session, state.lang.value)


@solara.component
def MapView(state: AppState) -> None:
    """The map(s) coloured by the chosen indicator; a click picks a municipality."""
    version = state.version.get()
    lang = state.lang.value
    session = state.session
    renderers: dict[int, MapRenderer] = solara.use_memo(dict, [])

    def render() -> list[str]:
        urls = []
        with session.lock:
            for i, run in enumerate(session.runs):
                codes = run.model.frame["code"].tolist()
                renderer = renderers.get(i)
                if renderer is None or renderer.codes != codes:
                    renderer = renderers[i] = MapRenderer(codes, lang)
                renderer.configure(state.map_indicator.value, lang, state.borders.value)
                renderer.select(drilldown.find_row(run.model, state.selected.value))
                urls.append(data_url(renderer.render(run.model, LIVE_FORMAT), LIVE_FORMAT))
        return urls

    urls = solara.use_memo(
        render,
        [version, state.map_indicator.value, lang, state.borders.value, state.selected.value],
    )

    def pick(run: int, where: dict) -> None:
        renderer = renderers.get(run)
        if renderer is None:
            return
        row = renderer.pick(float(where.get("x", -1)), float(where.get("y", -1)))
        if row is not None:
            state.selected.set(str(session.runs[run].model.frame["code"].iloc[row]))

    with solara.Card(state.t("map")):
        with solara.Row(gap="12px", style={"flex-wrap": "wrap"}):
            solara.v.Select(
                label=state.t("map_indicator"),
                items=[{"text": map_label(k, lang), "value": k} for k in MAP_INDICATORS],
                v_model=state.map_indicator.value,
                on_v_model=lambda v: state.map_indicator.set(v or DEFAULT_MAP),
                class_="govsim-map-indicator",
                style_="min-width: 320px",
            ).meta(ref="map_indicator")
            solara.v.Select(
                label=state.t("borders"),
                items=[{"text": state.t("borders_none"), "value": ""}]
                + [{"text": state.t(f"borders_{b}"), "value": b} for b in BORDER_MAPS],
                v_model=state.borders.value,
                on_v_model=lambda v: state.borders.set(v or ""),
                class_="govsim-borders",
                style_="max-width: 240px",
            ).meta(ref="borders")
        labels = run_labels(state)
        with solara.Row(gap="8px"):
            for i, url in enumerate(urls):
                with solara.Column(gap="0px", style={"flex": "1 1 0", "min-width": "0"}):
                    if len(urls) > 1:
                        solara.HTML(
                            tag="div", unsafe_innerHTML=labels[i], classes=["govsim-run-label"]
                        )
                    PngImage(
                        src=url,
                        alt=f"map {i}",
                        name=f"map-{i}",
                        clickable=True,
                        event_pick=lambda where, i=i: pick(i, where),
                    ).meta(ref=f"map_{i}")
        solara.HTML(tag="div", unsafe_innerHTML=state.t("map_click_hint"), classes=["govsim-hint"])


@solara.component
def ChartsView(state: AppState) -> None:
    """The national charts of the run(s), events marked, run B dashed."""
    version = state.version.get()
    lang = state.lang.value
    session = state.session
    renderer: ChartRenderer = solara.use_memo(ChartRenderer, [])

    def render() -> str:
        with session.lock:
            models = [r.model for r in session.runs]
            image = renderer.render(models, run_labels(state), lang, LIVE_FORMAT)
            return data_url(image, LIVE_FORMAT)

    url = solara.use_memo(render, [version, lang])
    with solara.Card(state.t("charts")):
        PngImage(src=url, alt="charts", name="charts").meta(ref="charts")


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


@solara.component
def Drilldown(state: AppState) -> None:
    """Pick a municipality by name (or on the map) and see its actors and its events."""
    state.resets.get()
    model = state.session.model
    names = solara.use_memo(
        lambda: sorted(model.frame["name"].tolist(), key=str.lower), [id(model.frame)]
    )
    row = drilldown.find_row(model, state.selected.value)
    current = model.frame["name"].iloc[row] if row is not None else None

    def choose(name: str | None) -> None:
        found = drilldown.find_row(model, name) if name else None
        state.selected.set(str(model.frame["code"].iloc[found]) if found is not None else "")

    solara.v.Autocomplete(
        label=state.t("pick_municipality"),
        items=names,
        v_model=current,
        on_v_model=choose,
        clearable=True,
        class_="govsim-municipality",
        style_="max-width: 520px",
    ).meta(ref="municipality")
    if row is None:
        solara.HTML(tag="div", unsafe_innerHTML=state.t("no_municipality"), classes=["govsim-hint"])
    else:
        DrilldownBody(state)


@solara.component
def DrilldownBody(state: AppState) -> None:
    """The chosen municipality's actors and events in every run (refreshed every step)."""
    state.version.get()
    lang = state.lang.value
    session = state.session
    labels = run_labels(state)
    with session.lock:
        views = []
        for run in session.runs:
            r = drilldown.find_row(run.model, state.selected.value)
            if r is None:
                continue
            views.append(
                (
                    drilldown.header(run.model, r, lang),
                    drilldown.sections(run.model, r, lang),
                    drilldown.event_lines(run.model, r, lang),
                )
            )
    for i, (head, sections, lines) in enumerate(views):
        title = f"{labels[i]} — {head}" if len(views) > 1 else head
        solara.HTML(tag="div", unsafe_innerHTML=title, classes=["govsim-muni-header"]).meta(
            ref=f"muni_header_{i}"
        )
        with solara.ColumnsResponsive(default=12, medium=6, large=4):
            for section in sections:
                SectionView(section, i)
        solara.HTML(
            tag="div", unsafe_innerHTML=state.t("event_log"), classes=["govsim-section-title"]
        )
        text = "".join(f"<div>{line}</div>" for line in reversed(lines)) or state.t("no_events")
        solara.HTML(tag="div", unsafe_innerHTML=text, classes=["govsim-log"]).meta(ref=f"log_{i}")


@solara.component
def SurveyView(state: AppState) -> None:
    """Observed 2017 survey answers, and simulated ones once the model reached the survey month."""
    state.version.get()
    lang = state.lang.value
    session = state.session
    answers = tuple(id(r.survey_answers) for r in session.runs)

    def render() -> str:
        with session.lock:
            simulated = [survey.simulated(r.survey_answers) for r in session.runs]
        return data_url(survey_png(survey.observed(), simulated, run_labels(state), lang))

    url = solara.use_memo(render, [lang, answers, tuple(r.name for r in session.runs)])
    if any(r.survey_answers is None for r in session.runs):
        note = state.t("survey_waiting", date=survey.SURVEY_MONTH)
    else:
        note = ""
    solara.HTML(tag="div", unsafe_innerHTML=state.t("survey"), classes=["govsim-section-title"])
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
def ExportView(state: AppState) -> None:
    """Downloads for the debrief, made in memory when clicked."""
    state.version.get()
    lang = state.lang.value
    session = state.session
    stem = export.stem(session)
    solara.HTML(tag="div", unsafe_innerHTML=state.t("export"), classes=["govsim-section-title"])
    with solara.Row(gap="12px", style={"flex-wrap": "wrap"}):
        solara.FileDownload(
            lambda: export.charts_png(session, lang),
            filename=f"{stem}_charts.png",
            label=state.t("export_charts"),
            mime_type="image/png",
        )
        solara.FileDownload(
            lambda: export.map_png(session, state.map_indicator.value, lang, state.borders.value),
            filename=f"{stem}_map_{state.map_indicator.value}.png",
            label=state.t("export_map"),
            mime_type="image/png",
        )
        solara.FileDownload(
            lambda: export.series_csv(session),
            filename=f"{stem}_series.csv",
            label=state.t("export_series"),
            mime_type="text/csv",
        )
        solara.FileDownload(
            lambda: export.snapshot_csv(session),
            filename=f"{stem}_municipalities.csv",
            label=state.t("export_snapshot"),
            mime_type="text/csv",
        )
        solara.FileDownload(
            lambda: export.events_csv(session, lang),
            filename=f"{stem}_events.csv",
            label=state.t("export_events"),
            mime_type="text/csv",
        )


# ---------------------------------------------------------------------------- the page
@solara.component
def App(municipalities: list[str] | None = None) -> None:
    """The whole app for one browser session.

    Args:
        municipalities: Optional subset of municipalities (tests); all 388 by default.
    """
    session = solara.use_memo(lambda: new_session(municipalities), [])
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
    )
    solara.use_thread(state.play_loop, dependencies=[state.playing.value], intrusive_cancel=False)

    solara.Style(CSS)
    solara.Title(state.t("app_title"))
    with solara.Column(classes=["govsim-app"], style={"padding": "8px 16px"}):
        Header(state)
        with solara.ColumnsResponsive(default=12, large=[3, 9]):
            with solara.Column():
                Controls(state)
                Sliders(state)
            with solara.Column():
                with solara.ColumnsResponsive(default=12, large=[5, 7], xlarge=[5, 7]):
                    MapView(state)
                    ChartsView(state)
                with solara.Card(classes=["govsim-tabs"]):
                    with solara.lab.Tabs(lazy=True):
                        with solara.lab.Tab(state.t("tab_details")):
                            Drilldown(state)
                        with solara.lab.Tab(state.t("tab_survey")):
                            SurveyView(state)
                        with solara.lab.Tab(state.t("events")):
                            EventsView(state)
                        with solara.lab.Tab(state.t("tab_export")):
                            ExportView(state)


def _second_scenario() -> str:
    names = presets.available()
    return next((n for n in names if n != presets.BASELINE), presets.BASELINE)


@solara.component
def Page() -> None:
    """Entry point for ``solara run viz.app``."""
    App()


solara.lab.theme.themes.light.primary = THEME_PRIMARY

"""The projector layout without a browser (issue 16): charts drawn for their box, legends that
never overlap, years on every panel, 16 px text; the map's narrow legend; the achieved Play
speed; the sizes a browser reports; sessions kept across a reload.
"""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from govsim.viz import app as viz_app
from govsim.viz import i18n
from govsim.viz.charts import FONT, PANELS, ChartRenderer
from govsim.viz.fit import MAX_RATIO, Size, reported_size
from govsim.viz.keep import Keeper
from govsim.viz.map_view import MapRenderer
from govsim.viz.pace import MAX_BATCH, Pace, batch, slow
from govsim.viz.session import Session

SUBSET = ["Utrecht", "Amersfoort", "Zeist", "Houten", "Nieuwegein", "Woerden"]
CHART_BOXES = [(558, 578), (935, 938), (520, 554), (872, 914), (470, 578)]
"""The charts' boxes measured in the browser at 1280x720 and 1920x1080, with one and two runs,
and a narrower one (CSS px)."""


@pytest.fixture(scope="module")
def pair() -> Session:
    session = Session(SUBSET)
    session.reset("baseline", 3, compare_with="time_pressure")
    session.step(40)
    return session


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize(("width", "height"), CHART_BOXES)
def test_chart_legends_never_overlap_and_stay_inside(pair, lang, width, height):
    renderer = ChartRenderer.for_display(width, height, 1.0)
    image = renderer.render([r.model for r in pair.runs], ["A: x", "B: y"], lang, "png")
    assert image.startswith(b"\x89PNG")
    assert renderer.canvas.get_width_height() == (width, height)
    boxes = renderer.boxes
    assert {b.panel for b in boxes if b.kind == "title"} == set(range(len(PANELS)))
    assert sum(b.kind == "legend" for b in boxes) >= 12
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    for b in boxes:
        assert 0 <= b.x0 < b.x1 <= 1 and 0 <= b.y0 < b.y1 <= 1, b
    # every title and legend lies above its panel's axes (never on the lines)
    for b in boxes:
        if b.kind == "event":
            continue
        ax = renderer.axes.flat[b.panel]
        top = 1 - ax.get_position().y1
        assert b.y1 <= top + 1e-6, (b, top)


def test_every_panel_shows_its_years_and_16px_text(pair):
    renderer = ChartRenderer.for_display(558, 578, 2.0)
    renderer.render([pair.model], ["A"], "nl", "png")
    assert renderer.canvas.get_width_height() == (1116, 1156)  # device pixels, not upscaled
    assert renderer.figure.dpi == 144
    for ax in renderer.axes.flat:
        labels = ax.get_xticklabels()
        assert [t.get_text() for t in labels] == ["2015", "2020", "2025"]
        assert all(t.get_visible() and t.get_fontsize() == FONT for t in labels)
        assert all(t.get_fontsize() == FONT for t in ax.get_yticklabels())
        assert ax.get_position().height * 578 >= 40  # room for the lines
    sizes = {t.get_fontsize() for t in renderer.figure.texts}
    assert sizes == {FONT} and FONT >= 16


def test_event_labels_tell_a_from_b(pair):
    renderer = ChartRenderer.for_display(935, 938, 1.0)
    renderer.render([r.model for r in pair.runs], ["A: x", "B: y"], "nl", "png")
    labels = [t.get_text() for t in renderer.figure.texts if t.get_fontweight() == "bold"]
    events = [b for b in renderer.boxes if b.kind == "event"]
    assert events
    # the scenarios differ in the Omgevingswet's postponements: those labels name their run
    assert any(text.startswith("A: ") for text in labels)
    assert "3D" in labels  # an event both runs share has no prefix


def test_chart_layout_follows_the_box_shape(pair):
    wide = ChartRenderer.for_display(1600, 500, 1.0)
    wide.render([pair.model], ["A"], "nl", "png")
    assert wide.axes.shape == (2, 4)
    tall = ChartRenderer.for_display(558, 578, 1.0)
    assert tall.axes.shape == (4, 2)


def test_a_narrow_map_wraps_its_legend(pair):
    codes = pair.model.frame["code"].tolist()
    narrow = MapRenderer.for_display(codes, "nl", 190, 480)
    narrow.render(pair.model)
    title, *ticks = narrow.legend_texts()
    assert ticks == ["0,00", "0,50", "1,00"]
    assert "\n" in title and title.replace("\n", " ").startswith("transformatie")
    wide = MapRenderer.for_display(codes, "nl", 480, 576)
    wide.render(pair.model)
    assert len(wide.legend_texts()) == 6
    assert wide.canvas.get_width_height() == (480, 576)


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_pace_measures_the_months_per_second_delivered():
    clock = Clock()
    pace = Pace(clock)
    assert pace.rate() is None
    for _ in range(10):
        clock.now += 0.2
        pace.tick()
    assert pace.rate() == pytest.approx(5.0)
    assert slow(12.0, pace.rate()) and not slow(5.0, pace.rate()) and not slow(12.0, None)
    pace.restart()
    assert pace.rate() is None


def test_reported_sizes_are_checked_and_capped():
    default = Size(480, 576)
    assert reported_size({"w": 400, "h": 500, "dpr": 2}, default) == Size(400, 500, 2.0)
    assert reported_size({"w": 9999, "h": 500, "dpr": 9}, default) == Size(4000, 500, MAX_RATIO)
    assert reported_size({"w": 10, "h": 500}, default) is None
    assert reported_size({"w": "x"}, default) is None
    assert reported_size({"w": 400, "h": 500, "dpr": 0.5}, default) == Size(400, 500, 1.0)


def test_pace_forgets_steps_older_than_its_window():
    clock = Clock()
    pace = Pace(clock)
    for _ in range(20):  # 1 month per second for 20 s
        clock.now += 1.0
        pace.tick()
    for _ in range(40):  # then 10 per second for 4 s
        clock.now += 0.1
        pace.tick()
    assert pace.rate() == pytest.approx(10.0, rel=0.05)


def test_the_keeper_hands_a_session_to_the_reloaded_page():
    keeper = Keeper(limit=2)
    old_page, new_page = object(), object()
    session = object()
    keeper.put("tab-1", session, {"lang": "en"}, old_page)
    assert keeper.owns(session, old_page) and not keeper.owns(session, new_page)
    kept = keeper.take("tab-1", new_page)
    assert kept is not None and kept.session is session and kept.settings == {"lang": "en"}
    assert keeper.owns(session, new_page) and not keeper.owns(session, old_page)
    assert keeper.take("tab-2", new_page) is None
    assert keeper.owns(object(), old_page)  # a session nobody kept
    keeper.put("tab-2", object(), {}, new_page)
    keeper.put("tab-3", object(), {}, new_page)
    assert len(keeper) == 2 and keeper.take("tab-1", new_page) is None  # the oldest went


def test_the_kept_settings_are_reactive_fields_of_the_app():
    names = {f.name for f in dataclasses.fields(viz_app.AppState)}
    assert set(viz_app.KEPT_SETTINGS) <= names
    assert {"lang", "scenario", "seed_text", "overrides", "selected"} <= set(viz_app.KEPT_SETTINGS)


def test_play_simulates_several_months_per_redraw_when_a_redraw_is_slow():
    assert batch(6.0, took=0.05, pause=0.05) == 1  # 100 ms per redraw fits 167 ms per month
    assert batch(12.0, took=0.15, pause=0.05) == 3  # 200 ms per redraw: 3 months of 83 ms
    assert batch(12.0, took=2.0, pause=0.05) == MAX_BATCH
    clock = Clock()
    pace = Pace(clock)
    for _ in range(10):  # 3 months every 250 ms
        clock.now += 0.25
        pace.tick(3)
    assert pace.rate() == pytest.approx(12.0)

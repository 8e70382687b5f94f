"""Real-browser tests of the workshop app: Debian Chromium driven by Playwright.

The module starts the app as `govsim app` does (`viz.cli.app_command`, offline settings) on a
free port of 127.0.0.1, opens it in headless Chromium with a fresh profile, and works through
what a facilitator does: load, Step, Play/Pause, Reset with a bad seed, change the preset,
switch the language, pick a municipality by name and on the map, and run two scenarios side by
side. Every request the browser makes is recorded; none may leave 127.0.0.1. Screenshots are
saved under the test's output folder (printed at the end; kept by pytest's tmp_path rules).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from app_browser import (
    assert_chromium_present,
    browser,
    month,
    only_local,
    open_app,
    serve_app,
    wait_for_text,
)

from govsim.viz import presets
from govsim.viz.app import DISCARD_CONFIRM_MONTHS


@pytest.fixture(scope="module", autouse=True)
def _chromium_present() -> None:
    assert_chromium_present()


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("viz_browser")


@pytest.fixture(scope="module")
def server(output):
    yield from serve_app(output)


@pytest.fixture(scope="module")
def app_page(server):
    for context, requests in browser({"width": 1600, "height": 1000}):
        yield context.new_page(), requests


def src(page, name: str) -> str:
    return page.locator(f".govsim-img-{name}").get_attribute("src")


def visible(page, text: str) -> None:
    """Wait until an element with ``text`` is visible."""
    page.locator(f"text={text}").locator("visible=true").first.wait_for(state="visible")


def shoot(page, output: Path, name: str, element: str | None = None) -> None:
    """Save a screenshot of the viewport (scrolled to ``element``) and of the element itself."""
    if element is not None:
        target = page.locator(element).first
        target.scroll_into_view_if_needed()
        target.screenshot(path=output / f"{name}_element.png")
    page.screenshot(path=output / f"{name}.png")


def choose(page, select_class: str, text: str) -> None:
    """Pick ``text`` in a Vuetify select."""
    page.locator(f".{select_class} .v-select__slot").click()
    page.locator(".menuable__content__active .v-list-item", has_text=text).first.click()


@pytest.mark.timeout(150)
def test_load_step_and_redraw(server, app_page, output):
    page, requests = app_page
    open_app(page, server)
    assert page.locator(".govsim-title").inner_text() == "Leren decentraliseren — simulatie"
    assert month(page) == "maand 0 van 204"
    shoot(page, output, "01_loaded")
    map_before, charts_before = src(page, "map-0"), src(page, "charts")
    map_shot = page.locator(".govsim-img-map-0").screenshot()
    page.locator(".govsim-step").click()
    wait_for_text(page, ".govsim-month", r"^maand 1 van 204$")
    for k in (2, 3, 4, 5, 6):
        page.locator(".govsim-step").click()
        wait_for_text(page, ".govsim-month", rf"^maand {k} van 204$")
    assert page.locator(".govsim-date").inner_text().strip() == "2013-06"
    page.wait_for_timeout(300)
    assert src(page, "map-0") != map_before
    assert src(page, "charts") != charts_before
    assert page.locator(".govsim-img-map-0").screenshot() != map_shot
    shoot(page, output, "02_after_six_steps")
    # a second tab is a second session with its own model
    other = page.context.new_page()
    open_app(other, server)
    assert month(other) == "maand 0 van 204"
    other.locator(".govsim-step").click()
    wait_for_text(other, ".govsim-month", r"^maand 1 van 204$")
    other.close()
    page.wait_for_timeout(300)
    assert month(page) == "maand 6 van 204"
    assert only_local(requests) == []


@pytest.mark.timeout(150)
def test_play_pause_and_a_bad_seed(server, app_page, output):
    page, _ = app_page
    open_app(page, server)
    page.locator(".govsim-play").click()
    wait_for_text(page, ".govsim-play", r"(?i)pauze")
    wait_for_text(page, ".govsim-month", r"^maand ([4-9]|\d\d+) van 204$")
    shoot(page, output, "03_playing")
    page.locator(".govsim-play").click()
    wait_for_text(page, ".govsim-play", r"(?i)afspelen")
    page.wait_for_timeout(600)
    paused = month(page)
    page.wait_for_timeout(1200)
    assert month(page) == paused
    seed = page.locator(".govsim-seed input[type=text]")
    seed.fill("abc")
    page.locator(".govsim-reset").click()
    wait_for_text(page, ".govsim-error", r"niet 'abc'")
    assert month(page) == paused  # the model was kept
    shoot(page, output, "04_bad_seed")
    seed.fill("42")
    page.locator(".govsim-reset").click()
    if int(paused.split()[1]) >= DISCARD_CONFIRM_MONTHS:  # a run to lose: Opnieuw asks first
        dialog = page.locator(".v-dialog--active")
        dialog.wait_for()
        assert "Opnieuw beginnen zet haar terug op maand 0" in dialog.inner_text()
        dialog.locator(".v-btn", has_text="Ja, opnieuw beginnen").click()
    wait_for_text(page, ".govsim-month", r"^maand 0 van 204$")
    assert page.locator(".govsim-error").count() == 0


@pytest.mark.timeout(150)
def test_preset_language_and_drilldown(server, app_page, output):
    page, requests = app_page
    open_app(page, server)
    page.locator(".govsim-step").click()
    wait_for_text(page, ".govsim-month", r"^maand 1 van 204$")
    scenario = presets.load("dso_delay")
    choose(page, "govsim-scenario", presets.short_title(scenario, "nl"))
    wait_for_text(page, ".govsim-month", r"^maand 0 van 204$")
    assert presets.short_title(scenario, "nl") in page.locator(".govsim-scenario").inner_text()
    wait_for_text(page, ".govsim-scenario-title", re.escape(scenario.title["nl"]))
    # the DSO delay scenario's own postponement shows in the events tab
    page.get_by_role("tab", name=re.compile("gebeurtenissen", re.I)).click()
    wait_for_text(page, ".govsim-events", r"uitstel aangekondigd")
    shoot(page, output, "05_preset_dso_delay")
    # ... and what the report expects of it, with the passage
    page.get_by_role("tab", name=re.compile("verwachtingen rapport", re.I)).click()
    wait_for_text(page, ".govsim-expect-list", r"achilleshiel")
    # language
    page.locator(".govsim-lang-en").click()
    wait_for_text(page, ".govsim-step", r"(?i)^\W*step$")
    visible(page, "Levers for the room")
    visible(page, "Map colour")
    # drill-down by name
    page.locator(".govsim-open-drill").click()  # the drill-down opens beside the map
    box = page.locator(".govsim-municipality input[type=text]")
    box.click()
    box.fill("Utrecht")
    page.get_by_role("option", name="Utrecht", exact=True).click()
    header = wait_for_text(page, ".govsim-muni-header", r"^Utrecht \(Utrecht, ")
    assert "inhabitants" in header
    visible(page, "Municipal secretary")
    assert page.locator(".govsim-log").is_visible()
    shoot(page, output, "06_drilldown_utrecht_en", ".govsim-drill")
    # drill-down on the map: a click on the map picks another municipality
    box = page.locator(".govsim-img-map-0").bounding_box()  # in the north-east, not Utrecht
    page.locator(".govsim-img-map-0").click(
        position={"x": 0.72 * box["width"], "y": 0.3 * box["height"]}
    )
    other = wait_for_text(page, ".govsim-muni-header", r"^(?!Utrecht \(Utrecht)")
    assert "inhabitants" in other
    # back to Dutch: the drill-down follows
    page.locator(".govsim-lang-nl").click()
    wait_for_text(page, ".govsim-muni-header", r"inwoners\)$")
    visible(page, "Gemeentesecretaris")
    shoot(page, output, "07_map_pick_nl", ".govsim-drill")
    assert only_local(requests) == []


@pytest.mark.timeout(150)
def test_side_by_side(server, app_page, output):
    page, requests = app_page
    open_app(page, server)
    page.locator(".govsim-compare input").click(force=True)
    page.locator(".govsim-img-map-1").wait_for()
    choose(page, "govsim-scenario-b", presets.short_title(presets.load("time_pressure"), "nl"))
    page.wait_for_timeout(500)
    charts_before = src(page, "charts")
    maps_before = (src(page, "map-0"), src(page, "map-1"))
    for k in (1, 2, 3):
        page.locator(".govsim-step").click()
        wait_for_text(page, ".govsim-month", rf"^maand {k} van 204$")
    page.wait_for_timeout(300)
    assert (src(page, "map-0"), src(page, "map-1")) != maps_before
    assert src(page, "charts") != charts_before
    labels = page.locator(".govsim-run-label").all_inner_texts()
    assert labels[0].startswith("A: ") and labels[1].startswith("B: ")
    shoot(page, output, "08_side_by_side")
    page.get_by_role("tab", name=re.compile("enquête", re.I)).click()
    page.locator(".govsim-img-survey").wait_for()
    shoot(page, output, "09_survey_observed", ".govsim-tabs")
    print(f"\nscreenshots: {output}")
    assert only_local(requests) == [], only_local(requests)
    assert any(urlparse(u).hostname == "127.0.0.1" for u in requests)


@pytest.mark.timeout(150)
def test_a_saved_session_is_opened_from_the_file_chooser(server, app_page, output):
    """Save the session, start again, click the zone, choose the file: the run is back."""
    page, requests = app_page
    open_app(page, server)
    for k in (1, 2, 3):
        page.locator(".govsim-step").click()
        wait_for_text(page, ".govsim-month", rf"^maand {k} van 204$")
    page.get_by_role("tab", name=re.compile("export", re.I)).click()
    with page.expect_download() as download:
        page.get_by_text("Sessie bewaren (.json)").click()
    saved_file = output / download.value.suggested_filename
    download.value.save_as(saved_file)
    assert saved_file.name.endswith("_sessie.json")
    page.locator(".govsim-reset").click()
    wait_for_text(page, ".govsim-month", r"^maand 0 van 204$")
    zone = page.locator(".govsim-file-pick")
    assert "klik hier" in zone.inner_text()
    with page.expect_file_chooser() as chooser:
        zone.click()
    assert not chooser.value.is_multiple()
    chooser.value.set_files(saved_file)
    wait_for_text(page, ".govsim-month", r"^maand 3 van 204$")
    assert zone.inner_text().strip() == saved_file.name
    shoot(page, output, "10_session_opened", ".govsim-file-pick")
    assert only_local(requests) == []

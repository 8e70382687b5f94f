"""The workshop app on a projector (issue 16), in a real browser at 1280x720: Debian Chromium
driven by Playwright, the app started as `govsim app` starts it (as in test_viz_browser.py).

Checks what only a browser shows: Solara's loading screen in Dutch, the whole preset menu in
view, the municipality search by alias, Enter in the seed field, late clicks after a Reset not
carried out, the confirmation before a run is discarded, the downloads' names and contents, and
a secretary's choice applied during the run ("Nu toepassen").
"""

from __future__ import annotations

import io
import re
from pathlib import Path

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
from PIL import Image

from govsim.viz import presets

VIEWPORT = {"width": 1280, "height": 720}


@pytest.fixture(scope="module", autouse=True)
def _chromium_present() -> None:
    assert_chromium_present()


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("viz_projector")


@pytest.fixture(scope="module")
def server(output):
    yield from serve_app(output)


@pytest.fixture(scope="module")
def browser_context():
    yield from browser(VIEWPORT, accept_downloads=True)


@pytest.fixture
def page(browser_context):
    context, _ = browser_context
    page = context.new_page()
    yield page
    page.close()


def step_to(page, months: int) -> None:
    for k in range(1, months + 1):
        page.locator(".govsim-step").click()
        wait_for_text(page, ".govsim-month", rf"^maand {k} van 204$")


def open_menu(page, select_class: str):
    page.locator(f".{select_class} .v-select__slot").click()
    menu = page.locator(".menuable__content__active")
    menu.wait_for()
    page.wait_for_timeout(400)  # the menu's opening transition
    return menu


def choose(page, select_class: str, text: str) -> None:
    menu = open_menu(page, select_class)
    menu.locator(".v-list-item", has_text=text).first.click()


@pytest.mark.timeout(120)
def test_loading_screen_is_dutch(server, page):
    # hold the kernel's websocket: the loading screen stays up
    page.route_web_socket(re.compile(".*"), lambda ws: None)
    page.goto(server)
    page.locator("#loader h1").wait_for()
    shown = page.evaluate(
        "() => getComputedStyle(document.querySelector('#loader h1'), '::after').content"
    )
    assert shown == '"De simulatie wordt geladen…"'
    size = page.evaluate("() => getComputedStyle(document.querySelector('#loader h1')).fontSize")
    assert size == "0px"  # Solara's own "Loading app" is hidden
    assert page.title() == "Leren decentraliseren — simulatie"


@pytest.mark.timeout(150)
def test_every_preset_is_in_view_at_1280x720(server, page, output):
    open_app(page, server)
    menu = open_menu(page, "govsim-scenario")
    page.screenshot(path=output / "preset_menu.png")
    items = menu.locator(".v-list-item")
    assert items.count() == len(presets.available()) >= 7
    box = menu.bounding_box()
    assert box is not None and box["y"] + box["height"] <= VIEWPORT["height"]
    for i in range(items.count()):
        item = items.nth(i).bounding_box()
        assert item is not None
        assert (
            box["y"] - 1 <= item["y"] and item["y"] + item["height"] <= box["y"] + box["height"] + 1
        )
    hidden = menu.evaluate("el => el.scrollHeight - el.clientHeight")
    assert hidden <= 1, f"{hidden}px of the menu are scrolled away"
    last = presets.short_title(presets.load(presets.available()[-1]), "nl")
    items.filter(has_text=last).first.click()
    wait_for_text(page, ".govsim-scenario", re.escape(last))


@pytest.mark.timeout(150)
def test_search_by_alias_and_no_match(server, page, output):
    open_app(page, server)
    page.locator(".govsim-open-drill").click()  # the drill-down opens beside the map
    box = page.locator(".govsim-municipality input[type=text]")
    assert box.get_attribute("placeholder") == "Typ een naam, bijv. Den Haag of Den Bosch"
    box.click()
    box.fill("den haag")
    page.get_by_role("option", name="'s-Gravenhage", exact=True).click()
    wait_for_text(page, ".govsim-muni-header", r"^'s-Gravenhage \(Zuid-Holland, [\d.]+ inwoners\)$")
    box.click()
    box.fill("sudwest fryslan")
    page.get_by_role("option", name="Súdwest-Fryslân", exact=True).click()
    wait_for_text(page, ".govsim-muni-header", r"^Súdwest-Fryslân \(Friesland, ")
    box.click()
    box.fill("xyzzy")
    wait_for_text(page, ".menuable__content__active", r"^Geen gemeente gevonden voor 'xyzzy'\.$")
    page.screenshot(path=output / "search_no_match.png")


@pytest.mark.timeout(150)
def test_seed_enter_and_late_clicks(server, browser_context, page, output):
    _, requests = browser_context
    open_app(page, server)
    seed = page.locator(".govsim-seed input[type=text]")
    seed.fill("-1")
    seed.press("Enter")
    message = wait_for_text(page, ".govsim-error", r"niet '-1'")
    assert "van 0 tot en met 2^128 − 1 (340.282.366.920.938.463.463.374.607.431.768.211.455)" in (
        message
    )
    page.screenshot(path=output / "seed_error.png")
    step_to(page, 3)
    seed.fill("5")
    seed.press("Enter")
    wait_for_text(page, ".govsim-month", r"^maand 0 van 204$")
    assert page.locator(".govsim-error").count() == 0
    step_to(page, 3)
    # Reset, then Step twice before the page heard back: the Steps came from the old page
    page.evaluate(
        """() => {
            document.querySelector('.govsim-reset').click();
            document.querySelector('.govsim-step').click();
            document.querySelector('.govsim-step').click();
            document.querySelector('.govsim-play').click();
        }"""
    )
    wait_for_text(page, ".govsim-month", r"^maand 0 van 204$")
    page.wait_for_timeout(1500)
    assert month(page) == "maand 0 van 204"
    assert re.search(r"(?i)afspelen", page.locator(".govsim-play").inner_text())
    # the buttons work again afterwards
    page.locator(".govsim-step").click()
    wait_for_text(page, ".govsim-month", r"^maand 1 van 204$")
    assert only_local(requests) == []


@pytest.mark.timeout(150)
def test_a_run_is_discarded_only_after_a_yes_and_side_by_side_keeps_it(server, page, output):
    open_app(page, server)
    step_to(page, 7)
    time_pressure = presets.short_title(presets.load("time_pressure"), "nl")
    choose(page, "govsim-scenario", time_pressure)
    dialog = page.locator(".v-dialog--active")
    dialog.wait_for()
    text = dialog.inner_text()
    assert "Deze run weggooien?" in text
    assert f"Overstappen op scenario '{time_pressure}' begint opnieuw bij maand 0" in text
    page.screenshot(path=output / "discard_dialog.png")
    dialog.locator(".v-btn", has_text="Nee, deze run houden").click()
    dialog.wait_for(state="hidden")
    page.wait_for_timeout(500)
    assert month(page) == "maand 7 van 204"
    assert (
        presets.short_title(presets.load("baseline"), "nl")
        in page.locator(".govsim-scenario").inner_text()
    )
    # side by side keeps the run: B is computed up to month 7, nothing is asked
    page.locator(".govsim-compare input").click(force=True)
    page.locator(".govsim-img-map-1").wait_for()
    assert page.locator(".v-dialog--active").count() == 0
    assert month(page) == "maand 7 van 204"
    page.locator(".govsim-step").click()
    wait_for_text(page, ".govsim-month", r"^maand 8 van 204$")


@pytest.mark.timeout(180)
def test_downloads_are_dutch_and_explain_themselves(server, page, output):
    open_app(page, server)
    step_to(page, 2)
    page.get_by_role("tab", name=re.compile("export", re.I)).click()
    stem = "govsim_basis_toevalsgetal20180101_2013-02"
    with page.expect_download() as info:
        page.locator(".v-btn", has_text="Gemeenten nu (CSV)").click()
    download = info.value
    assert download.suggested_filename == f"{stem}_gemeenten.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    header, first = text.splitlines()[:2]
    assert header.startswith("\ufeffscenario;maand;CBS-code;gemeente;provincie;")
    assert first.startswith("Basis;2013-02;")
    with page.expect_download() as info:
        page.locator(".v-btn", has_text="Kaart (PNG)").click()
    download = info.value
    assert download.suggested_filename == f"{stem}_kaart_transformatie-sociaal-domein-3d.png"
    image = Image.open(io.BytesIO(Path(download.path()).read_bytes()))
    assert image.text["Title"] == "Kaart: transformatie — sociaal domein (3D)"
    assert (
        "Toevalsgetal (seed): 20180101 · maand 2013-02 (maand 2 van 204)"
        in (image.text["Description"])
    )
    image.save(output / "exported_map.png")


@pytest.mark.timeout(180)
def test_a_choice_applied_now_goes_on_from_the_month_reached(server, page, output):
    open_app(page, server)
    step_to(page, 4)
    page.locator(".govsim-choices .v-expansion-panel-header").click()
    button = page.locator(".govsim-apply-now")
    button.wait_for()
    assert button.inner_text().strip().lower() == "nu toepassen (vanaf 2013-05)"
    assert button.is_disabled()  # nothing changed yet
    menu = open_menu(page, "govsim-choice-stance")
    menu.locator(".v-list-item", has_text="coach").first.click()
    page.wait_for_timeout(300)
    assert button.is_enabled()
    button.click()
    live = page.locator(".govsim-live-choices")
    live.wait_for()
    assert re.search(r"vanaf 2013-05 — alle gemeenten: .*coach", live.inner_text())
    assert month(page) == "maand 4 van 204"  # the run went on where it was
    page.locator(".govsim-step").click()
    wait_for_text(page, ".govsim-month", r"^maand 5 van 204$")
    page.screenshot(path=output / "apply_now.png")
    assert button.is_disabled()

"""The projector layout in a real browser (issue 16): Debian chromium at 1280x720 (and
1920x1080), the app served by ``govsim app``, the fixtures of `test_viz_projector`.

Checks: the map, every chart panel and the controls inside the viewport without scrolling; the
images drawn at the screen's device pixels (PNG, not upscaled); legend boxes that never overlap,
with text of at least 16 px; a Step that changes what is shown; the full-screen map; the
drill-down beside the map; rapid Resets; the achieved Play speed; a reload that keeps the
session; no English in Dutch mode, Solara's connection texts included; every request on
127.0.0.1. Screenshots are saved under the module's output folder.
"""

from __future__ import annotations

import itertools
import re
import time

import pytest
import test_viz_projector as projector
from app_browser import only_local
from test_viz_projector import open_app, step_to, wait_for_text

# the projector tests' fixtures: the app served by `govsim app` and a headless chromium
chromium_present = projector._chromium_present
server = projector.server
output = projector.output
browser_context = projector.browser_context
page = projector.page

SETTLED = """() => [...document.querySelectorAll('.govsim-fit')].every(box => {
  const r = box.getBoundingClientRect();
  if (r.width < 1) return true;
  const img = box.querySelector('img');
  return img !== null && img.complete
    && Math.abs(img.naturalWidth - Math.floor(r.width) * devicePixelRatio) <= 1
    && Math.abs(img.naturalHeight - Math.floor(r.height) * devicePixelRatio) <= 1;
})"""
"""True once every visible image was drawn for its box (the browser reported the size)."""

ENGLISH = (
    "Step",
    "Reset",
    "Play",
    "Pause",
    "Speed",
    "Map",
    "Charts",
    "Timeline",
    "Municipality",
    "Loading",
    "Server disconnected",
    "Restoring session",
    "Please refresh",
    "Refresh now",
    "Cancel",
    "Back to now",
    "Big map",
    "Show all",
    "achieved",
    "Transition",
    "Transformation",
    "Social domain",
    "Physical domain",
)
"""English words and Solara texts that must not show while the app is in Dutch."""


def settle(page) -> None:
    page.wait_for_function(SETTLED, timeout=30_000)
    page.wait_for_timeout(300)


def inside(box: dict, width: int, height: int) -> bool:
    return (
        box["x"] >= -0.5
        and box["y"] >= -0.5
        and box["x"] + box["width"] <= width + 0.5
        and box["y"] + box["height"] <= height + 0.5
    )


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"] - 0.5
        and b["x"] < a["x"] + a["width"] - 0.5
        and a["y"] < b["y"] + b["height"] - 0.5
        and b["y"] < a["y"] + a["height"] - 0.5
    )


def check_one_screen(page, width: int, height: int) -> dict[str, dict]:
    """Everything the facilitator needs lies inside the viewport; no scrolling; sharp images."""
    scroll = page.evaluate(
        "() => [document.scrollingElement.scrollHeight, document.scrollingElement.clientHeight]"
    )
    boxes = {}
    for name in (
        ".govsim-img-map-0",
        ".govsim-img-charts",
        ".govsim-reset",
        ".govsim-step",
        ".govsim-play",
        ".govsim-scenario",
        ".govsim-seed",
        ".govsim-timeline",
        ".govsim-presenter-toggle",
    ):
        box = page.locator(name).first.bounding_box()
        assert box is not None and inside(box, width, height), (name, box)
        boxes[name] = box
    for kind in ("map-0", "charts"):
        src, natural, shown, ratio = page.evaluate(
            f"""() => {{
                const img = document.querySelector('.govsim-img-{kind}');
                return [img.src.slice(0, 22), [img.naturalWidth, img.naturalHeight],
                        [img.clientWidth, img.clientHeight], devicePixelRatio];
            }}"""
        )
        assert src == "data:image/png;base64,"
        assert natural == [round(shown[0] * ratio), round(shown[1] * ratio)], (kind, natural)
    legends = page.locator(".govsim-legend-box")
    legend_boxes = [legends.nth(i).bounding_box() for i in range(legends.count())]
    titles = page.locator(".govsim-legend-title").count()
    assert titles >= 8 and len(legend_boxes) >= 20
    for box in legend_boxes:
        assert box is not None and inside(box, width, height), box
        assert box["height"] >= 16  # one line of 16 px text
    for a, b in itertools.combinations(legend_boxes, 2):
        assert not overlap(a, b), (a, b)
    # the page itself does not scroll: the lower tabs are below, the screen is one viewport
    assert boxes[".govsim-img-charts"]["y"] + boxes[".govsim-img-charts"]["height"] <= height
    return {"scroll": scroll, **boxes}


@pytest.mark.timeout(240)
def test_one_screen_at_1280x720_and_1920x1080(server, browser_context, page, output):
    _, requests = browser_context
    open_app(page, server)
    settle(page)
    boxes = check_one_screen(page, 1280, 720)
    page.screenshot(path=output / "layout_1280x720.png")
    print(f"\n1280x720: { {k: v for k, v in boxes.items() if k != 'scroll'} }")
    # a Step changes the map and the charts on the screen
    map_shot = page.locator(".govsim-img-map-0").screenshot()
    charts_shot = page.locator(".govsim-img-charts").screenshot()
    for k in (1, 2, 3):
        page.locator(".govsim-step").click()
        wait_for_text(page, ".govsim-month", rf"^maand {k} van 204$")
    page.wait_for_timeout(500)
    assert page.locator(".govsim-img-map-0").screenshot() != map_shot
    assert page.locator(".govsim-img-charts").screenshot() != charts_shot
    # the full-screen map
    small = page.locator(".govsim-img-map-0").bounding_box()
    page.locator(".govsim-presenter-toggle").click()
    wait_for_text(page, ".govsim-presenter-toggle", r"Alles tonen")
    page.wait_for_function(
        "w => document.querySelector('.govsim-fit-map-0').clientWidth > 2 * w", arg=small["width"]
    )
    settle(page)
    big = page.locator(".govsim-img-map-0").bounding_box()
    print(f"presenter map: {big}")
    assert big["width"] >= 3 * small["width"] and big["height"] >= 1.15 * small["height"]
    assert inside(big, 1280, 720)
    assert not page.locator(".govsim-img-charts").is_visible()
    page.screenshot(path=output / "presenter_1280x720.png")
    page.locator(".govsim-presenter-toggle").click()
    settle(page)
    # the same page on a 1920x1080 projector
    page.set_viewport_size({"width": 1920, "height": 1080})
    settle(page)
    boxes = check_one_screen(page, 1920, 1080)
    page.screenshot(path=output / "layout_1920x1080.png")
    print(f"1920x1080: { {k: v for k, v in boxes.items() if k != 'scroll'} }")
    page.set_viewport_size({"width": 1280, "height": 720})
    assert only_local(requests) == []


@pytest.mark.timeout(240)
def test_side_by_side_drilldown_beside_the_map(server, page, output):
    open_app(page, server)
    page.locator(".govsim-compare input").click(force=True)
    page.locator(".govsim-img-map-1").wait_for()
    settle(page)
    check_one_screen(page, 1280, 720)
    assert (
        page.locator(".govsim-img-map-1").bounding_box()["x"]
        > (page.locator(".govsim-img-map-0").bounding_box()["x"])
    )
    page.locator(".govsim-img-map-0").click(position={"x": 100, "y": 200})
    page.locator(".govsim-drill").wait_for(state="visible")
    wait_for_text(page, ".govsim-muni-header", r"^A: ")
    drill = page.locator(".govsim-drill").bounding_box()
    assert inside(drill, 1280, 720)
    for i in (0, 1):
        assert not overlap(drill, page.locator(f".govsim-img-map-{i}").bounding_box())
    a = page.locator(".govsim-drill-run-0").bounding_box()
    b = page.locator(".govsim-drill-run-1").bounding_box()
    assert b["x"] >= a["x"] + a["width"] - 0.5 and abs(a["y"] - b["y"]) < 1  # two columns
    assert page.locator(".govsim-muni-header").nth(1).inner_text().startswith("B: ")
    page.screenshot(path=output / "drilldown_side_by_side_1280x720.png")
    page.locator(".govsim-drill-close").click()
    page.locator(".govsim-drill").wait_for(state="hidden")
    page.screenshot(path=output / "side_by_side_1280x720.png")


@pytest.mark.timeout(240)
def test_rapid_resets_leave_the_app_responsive(server, page, output):
    """25 Resets in a second leave the app answering as after one (stale clicks dropped).

    Judged against one Reset and Step timed on the same machine just before: 25 Resets
    carried out one after another would take about 25 times as long; the bound is the
    larger of 3 s and four times one, so a loaded machine does not fail it.
    """
    open_app(page, server)
    page.locator(".govsim-step").click()
    wait_for_text(page, ".govsim-month", r"^maand 1 van 204$")
    started = time.perf_counter()
    page.locator(".govsim-reset").click()
    wait_for_text(page, ".govsim-month", r"^maand 0 van 204$")
    page.locator(".govsim-step:not([disabled])").wait_for(timeout=10_000)
    page.locator(".govsim-step").click()
    wait_for_text(page, ".govsim-month", r"^maand 1 van 204$")
    one = time.perf_counter() - started
    page.evaluate(
        """async () => {
            for (let i = 0; i < 25; i++) {
                document.querySelector('.govsim-reset').click();
                await new Promise(r => setTimeout(r, 40));
            }
        }"""
    )
    clicked = time.perf_counter()
    wait_for_text(page, ".govsim-month", r"^maand 0 van 204$")
    page.locator(".govsim-step:not([disabled])").wait_for(timeout=10_000)
    page.locator(".govsim-step").click()
    wait_for_text(page, ".govsim-month", r"^maand 1 van 204$", timeout=10)
    responsive = time.perf_counter() - clicked
    print(f"\nresponsive {responsive:.2f} s after 25 Resets ({one:.2f} s after one)")
    assert responsive <= max(3.0, 4 * one)
    page.screenshot(path=output / "after_rapid_resets.png")


@pytest.mark.timeout(240)
def test_play_shows_the_speed_it_achieves(server, page, output):
    open_app(page, server)
    page.locator(".govsim-speed .v-slider__thumb-container").focus()
    for _ in range(6):
        page.keyboard.press("ArrowRight")  # 6 -> 12 months per second
    wait_for_text(page, ".govsim-slider-value", r"^12$")
    page.locator(".govsim-play").click()
    wait_for_text(page, ".govsim-speed-achieved", r"^gehaald: \d+(,\d)? per seconde$")
    # the months the browser shows in 3 seconds, counted in the browser
    seen = page.evaluate(
        """async () => {
            const month = () => document.querySelector('.govsim-month').innerText;
            const first = month();
            let last = first, changes = 0;
            const end = performance.now() + 3000;
            while (performance.now() < end) {
                await new Promise(r => setTimeout(r, 10));
                if (month() !== last) { last = month(); changes += 1; }
            }
            return [first, last, changes];
        }"""
    )
    text, slow_shown = page.evaluate(
        """() => {
            const el = document.querySelector('.govsim-speed-achieved');
            return [el.innerText, el.classList.contains('govsim-speed-slow')];
        }"""
    )
    page.screenshot(path=output / "playing_12_per_second.png")
    page.locator(".govsim-play").click()
    wait_for_text(page, ".govsim-play", r"(?i)afspelen")
    achieved = float(re.search(r"[\d,]+", text)[0].replace(",", "."))
    months = [int(re.search(r"maand (\d+)", m)[1]) for m in seen[:2]]
    in_browser = (months[1] - months[0]) / 3.0
    print(f"\nPlay at 12/s: shown '{text}', the browser saw {in_browser:.1f} months/s")
    assert 1.0 <= achieved <= 13.0
    # the label tells the truth (both measured over the last 3 s; the machine is shared)
    assert abs(achieved - in_browser) <= 0.4 * in_browser + 0.5
    assert slow_shown == (achieved < 0.9 * 12)
    # Opnieuw (after a yes: the run is long) discards the runs and the speed they achieved
    page.locator(".govsim-reset").click()
    dialog = page.locator(".v-dialog--active")
    dialog.wait_for()
    dialog.locator(".v-btn", has_text="Ja, opnieuw beginnen").click()
    wait_for_text(page, ".govsim-month", r"^maand 0 van 204$")
    page.locator(".govsim-speed-achieved").wait_for(state="detached", timeout=10_000)


@pytest.mark.timeout(240)
def test_dutch_mode_shows_no_english(server, browser_context, page, output):
    _, requests = browser_context
    open_app(page, server)
    settle(page)
    page.locator(".govsim-img-map-0").click(position={"x": 200, "y": 250})
    page.locator(".govsim-drill").wait_for(state="visible")
    # Solara's own connection overlays, as they show when the server goes away
    page.evaluate(
        """() => {
            const root = document.querySelector('.v-application').__vue__.$root;
            root.$data.wasConnected = true;
            root.$data.connectionStatus = 'closed';
            root.$data.remounting = true;
            root.$data.needsRefresh = true;
        }"""
    )
    page.wait_for_timeout(800)
    page.screenshot(path=output / "disconnected_nl.png")
    shown = page.evaluate(
        """() => {
            const out = [document.body.innerText];
            for (const el of document.querySelectorAll('body *')) {
                for (const pseudo of ['::before', '::after']) {
                    const c = getComputedStyle(el, pseudo).content;
                    if (c && c !== 'none' && c !== 'normal') out.push(c);
                }
            }
            return out.join('\\n');
        }"""
    )
    visible_text = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.childElementCount === 0 && el.textContent.trim()
                    && parseFloat(getComputedStyle(el).fontSize) > 0
                    && el.getClientRects().length > 0)
            .map(el => el.textContent.trim()).join('\\n')"""
    )
    assert "Geen verbinding met de server." in shown
    assert "Vernieuw de pagina" in shown
    found = [w for w in ENGLISH if re.search(rf"\b{w}\b", visible_text)]
    assert found == [], found
    assert only_local(requests) == []


@pytest.mark.timeout(240)
def test_a_reload_keeps_the_session(server, browser_context, page, output):
    _, requests = browser_context
    open_app(page, server)
    step_to(page, 3)
    page.locator(".govsim-lang-en").click()
    wait_for_text(page, ".govsim-month", r"^month 3 of 204$")
    page.reload()
    page.locator(".govsim-img-map-0").wait_for(timeout=60_000)
    wait_for_text(page, ".govsim-month", r"^month 3 of 204$")
    wait_for_text(page, ".govsim-date", r"^2013-03$")
    page.locator(".govsim-step").click()
    wait_for_text(page, ".govsim-month", r"^month 4 of 204$")
    page.screenshot(path=output / "after_reload.png")
    # another tab is another session
    other = page.context.new_page()
    other.goto(server)
    other.locator(".govsim-img-map-0").wait_for(timeout=60_000)
    other.wait_for_timeout(1000)
    assert other.locator(".govsim-month").inner_text().strip() == "maand 0 van 204"
    other.close()
    # a duplicated tab inherits the original's sessionStorage (its tab id): it gets a session
    # of its own while the original is open, and the original keeps its run
    tab = page.evaluate("() => window.sessionStorage.getItem('govsim-tab')")
    copy = page.context.new_page()
    copy.add_init_script(f"window.sessionStorage.setItem('govsim-tab', '{tab}')")
    copy.goto(server)
    copy.locator(".govsim-img-map-0").wait_for(timeout=60_000)
    copy.wait_for_timeout(1000)
    assert copy.locator(".govsim-month").inner_text().strip() == "maand 0 van 204"
    assert copy.evaluate("() => window.sessionStorage.getItem('govsim-tab')") != tab
    page.locator(".govsim-step").click()
    wait_for_text(page, ".govsim-month", r"^month 5 of 204$")
    copy.wait_for_timeout(500)
    assert copy.locator(".govsim-month").inner_text().strip() == "maand 0 van 204"
    copy.close()
    assert only_local(requests) == []

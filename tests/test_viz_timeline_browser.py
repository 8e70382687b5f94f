"""The timeline slider in a real browser (Debian chromium, 1280x720): issue 16.

Uses the launch pattern and fixtures of `test_viz_projector` (the app served by
``govsim app``, a headless chromium).
"""

from __future__ import annotations

import pytest
import test_viz_projector as projector
from test_viz_projector import open_app, step_to, wait_for_text

# the projector tests' fixtures: the app served by `govsim app` and a headless chromium
chromium_present = projector._chromium_present
server = projector.server
output = projector.output
browser_context = projector.browser_context
page = projector.page


@pytest.mark.timeout(180)
def test_the_timeline_slider_shows_a_past_month_in_the_browser(server, page, output):
    open_app(page, server)
    step_to(page, 4)
    wait_for_text(page, ".govsim-date", r"^2013-04$")
    live_map = page.locator(".govsim-img-map-0").get_attribute("src")
    thumb = page.locator(".govsim-timeline .v-slider__thumb-container")
    thumb.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    wait_for_text(page, ".govsim-date", r"^2013-02$")
    wait_for_text(page, ".govsim-month", r"^teruggekeken — maand 2 van 204$")
    text = wait_for_text(page, ".govsim-timeline .govsim-pending", r"Terugkijken: 2013-02")
    assert "vanaf de laatste maand (2013-04)" in text
    page.wait_for_function(
        "src => document.querySelector('.govsim-img-map-0').src !== src", arg=live_map
    )
    page.screenshot(path=str(output / "timeline_past.png"))
    # Step continues from the latest month
    page.locator(".govsim-step").click()
    wait_for_text(page, ".govsim-month", r"^maand 5 van 204$")
    wait_for_text(page, ".govsim-date", r"^2013-05$")
    value = page.locator(".govsim-monitor-value").first.inner_text().strip()
    assert value.endswith("%")
    wait_for_text(page, ".govsim-changed", r"^sinds 2013-04: ")
    page.screenshot(path=str(output / "timeline_live.png"), full_page=True)

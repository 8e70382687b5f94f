"""Shared pieces of the real-browser tests: the app served as `govsim app` serves it, and a
headless Debian Chromium driven by Playwright (test_viz_browser, test_viz_projector,
test_viz_timeline_browser). Every request the browser makes is recorded (`only_local`).
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from govsim.viz.cli import app_command, app_env

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = {"data", "blob", "about"}


def assert_chromium_present() -> None:
    """Fail (never skip) without the browser: `make test` and .ci/run install Debian chromium."""
    assert shutil.which("chromium") or Path(CHROMIUM).exists(), (
        "Debian chromium is missing: run `make test` (it installs it) or apt-get install chromium"
    )


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_app(output: Path) -> Iterator[str]:
    """Start the app as `govsim app` does on a free port; yield its URL; stop it."""
    port = free_port()
    log = (output / "server.log").open("w")
    proc = subprocess.Popen(
        app_command("127.0.0.1", port, open_browser=False),
        cwd=ROOT,
        env=app_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 90
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise RuntimeError(f"the app did not start; see {output / 'server.log'}")
        time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def browser(viewport: dict[str, int], **options: Any) -> Iterator[tuple[Any, list[str]]]:
    """A headless Chromium context with a fresh profile; yields (context, requested URLs)."""
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    profile = tempfile.mkdtemp(prefix="govsim-chromium-")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport=viewport,
            **options,
        )
        context.set_default_timeout(30_000)
        context.on("request", lambda r: requests.append(r.url))
        context.on("websocket", lambda ws: requests.append(ws.url))
        yield context, requests
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


def open_app(page: Any, url: str) -> None:
    """Load the app in a new session and wait until the map is drawn."""
    page.goto("about:blank")
    page.goto(url + "#new")  # a fresh session, not the one this tab kept (viz.keep)
    page.locator(".govsim-img-map-0").wait_for(timeout=60_000)
    page.locator(".govsim-img-charts").wait_for()


def month(page: Any) -> str:
    """The month counter as shown."""
    return page.locator(".govsim-month").inner_text().strip()


def wait_for_text(page: Any, selector: str, pattern: str, timeout: float = 30.0) -> str:
    """Wait until the first element of ``selector`` has text matching ``pattern``."""
    end = time.time() + timeout
    text = ""
    while time.time() < end:
        found = page.locator(selector)
        text = found.first.inner_text().strip() if found.count() else ""
        if re.search(pattern, text):
            return text
        time.sleep(0.1)
    state = page_state(page, selector)
    raise AssertionError(f"{selector}: {text!r} does not match {pattern!r}; {state}")


def page_state(page: Any, selector: str) -> str:
    """What the page showed when a wait failed: the element's HTML and the page's text (heads)."""
    found = page.locator(selector)
    count = found.count()
    html = found.first.evaluate("e => e.outerHTML")[:400] if count else "none"
    body = " ".join(page.locator("body").inner_text().split())[:3000]
    return f"{count} element(s); first: {html}; url {page.url}; page text: {body}"


def only_local(requests: list[str]) -> list[str]:
    """The requests that left 127.0.0.1 (none may)."""
    return [
        u
        for u in requests
        if urlparse(u).scheme not in LOCAL_SCHEMES and urlparse(u).hostname != "127.0.0.1"
    ]

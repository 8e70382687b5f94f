"""``govsim app``: start the workshop app (a Solara server) on this machine.

The server binds to 127.0.0.1 unless ``--host`` says otherwise (``--host 0.0.0.0`` shares it on
the room's network). It runs fully offline: Solara's front-end files come from the installed
``solara-assets`` package through Solara's own asset route, telemetry and the version check are
off, and every image is sent over the app's websocket.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from govsim import argtypes

APP_MODULE = "govsim.viz.app"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
ASSETS_DIR = Path(__file__).resolve().parent / "data"
"""Extra files for Solara's pages: ``custom.css`` puts the loading screen in Dutch."""
PAGE_TITLE = "Leren decentraliseren — simulatie"
"""The browser tab's title before the app sets its own (`viz.i18n` ``app_title``, Dutch)."""

OFFLINE_ENV: dict[str, str] = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_ASSETS_PROXY": "True",
    "SOLARA_THEME_SHOW_BANNER": "False",
    "SOLARA_ASSETS_EXTRA_LOCATIONS": str(ASSETS_DIR),
    "SOLARA_THEME_TITLE": PAGE_TITLE,
}
"""Solara settings for a room without internet: no telemetry, front-end files served locally;
and for a Dutch room: the loading screen's texts (`ASSETS_DIR`) and the page title."""


def app_command(
    host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, open_browser: bool = True
) -> list[str]:
    """The ``solara run`` command line that serves the app."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        APP_MODULE,
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-check-version",
        "--open" if open_browser else "--no-open",
    ]


def app_env(
    base: Mapping[str, str] | None = None, scenarios: list[Path] | None = None
) -> dict[str, str]:
    """Environment for the server: ``base`` (default: this process's) plus `OFFLINE_ENV`.

    ``scenarios``: the facilitator's scenario files, the only files the app's menu can open
    (`viz.presets.facilitator_files`).
    """
    from govsim.viz.presets import SCENARIO_FILES_ENV

    env = dict(os.environ if base is None else base)
    env.update(OFFLINE_ENV)
    env[SCENARIO_FILES_ENV] = os.pathsep.join(str(p.resolve()) for p in scenarios or [])
    return env


def scenario_files(paths: list[str]) -> list[Path]:
    """Check the facilitator's ``--scenario`` files: each loads as a scenario.

    Raises:
        ScenarioError: For a file that is missing or not a valid scenario (one paragraph).
    """
    from govsim.scenarios.loader import load_scenario
    from govsim.scenarios.scenario import ScenarioError

    files = []
    for text in paths:
        path = Path(text)
        if path.suffix.lower() != ".toml" or not path.is_file():
            raise ScenarioError(f"--scenario {text}: expected an existing scenario file (.toml)")
        load_scenario(path)
        files.append(path)
    return files


def host_warning(host: str, port: int) -> str | None:
    """The warning printed when the app binds to an address other machines can reach."""
    if argtypes.is_loopback(host):
        return None
    return (
        f"govsim app: warning: --host {host} makes the app reachable from the network; anyone "
        f"who can reach this machine on port {port} can use it (the default {DEFAULT_HOST} "
        "keeps it on this machine)"
    )


def check_address(host: str, port: int) -> None:
    """Refuse an address the server could not listen on, before it starts.

    Raises:
        UserError: For a host that names no address of this machine or a port in use (one
            paragraph, exit code 2, instead of the server's traceback).
    """
    from govsim.cli import UserError

    allowed = (
        "Allowed: an address of this machine (127.0.0.1, the default; 0.0.0.0 for the room's "
        f"network) and a free port (e.g. --port {DEFAULT_PORT + 1})"
    )
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UserError(
            f"--host {host}: names no address to listen on ({reason}). {allowed}"
        ) from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            raise UserError(
                f"--host {host} --port {port}: the app cannot listen there ({reason}). {allowed}"
            ) from None


def _cmd_app(args: argparse.Namespace) -> int:
    files = scenario_files(args.scenario)
    check_address(args.host, args.port)
    warning = host_warning(args.host, args.port)
    if warning:
        print(warning, file=sys.stderr)
    command = app_command(args.host, args.port, open_browser=not args.no_browser)
    print(f"govsim app: http://{args.host}:{args.port}  (Ctrl+C stops the server)", flush=True)
    try:
        return subprocess.call(command, env=app_env(scenarios=files))
    except KeyboardInterrupt:
        return 0


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``govsim app`` to the command line's subcommands."""
    p = subparsers.add_parser(
        "app",
        help="start the workshop app in the browser (Solara, offline)",
        description="Start the workshop visualiser: scenario presets, big sliders, a map of the "
        "388 municipalities, national charts, two scenarios side by side, drill-down, NL/EN. "
        "Binds to 127.0.0.1 by default; use --host 0.0.0.0 to share it on a local network.",
    )
    p.add_argument(
        "--host",
        type=argtypes.host,
        default=DEFAULT_HOST,
        help=f"address to bind: an IP address or host name (default {DEFAULT_HOST})",
    )
    p.add_argument(
        "--port", type=argtypes.port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    p.add_argument(
        "--no-browser", action="store_true", help="do not open a browser window on start"
    )
    p.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="FILE",
        help="also offer this scenario file in the app's menu (repeatable); the app opens no "
        "other files",
    )
    p.set_defaults(func=_cmd_app)
    return p

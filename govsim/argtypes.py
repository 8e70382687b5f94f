"""Argument types of the command line: each checks one kind of value and says what is allowed.

Argparse turns the `argparse.ArgumentTypeError` these raise into a one-line usage error
(exit code 2) that names the flag, so a bad seed, port, month or worker count never reaches the
code that would fail on it with a traceback (issue 18).
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import os
import re
from collections.abc import Callable

from govsim.model.seeds import MAX_SEED  # the one declared bound, re-exported for the flags

MAX_COUNT = 1_000_000
"""Largest count (replications, workers, chunk size, rows, resamples) a flag accepts."""
SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
"""Address schemes of a remote Dask scheduler."""
_SCHEDULER = re.compile(
    r"^(?:(?P<scheme>[A-Za-z]+)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s/:\[\]]+):(?P<port>\d{1,5})/?$"
)
_INPROC = re.compile(r"^inproc://[^\s/]+/\d+/\d+$")
"""A scheduler in this process (``inproc://host/pid/n``, as a test's in-process cluster has)."""
_MAX_DIGITS = 40
"""Longer numbers are not converted: every number a flag takes has fewer digits (and Python
refuses to convert more than 4300, `sys.get_int_max_str_digits`)."""
_TOO_LARGE = 10**_MAX_DIGITS
"""Stands for a number of more than `_MAX_DIGITS` digits: beyond every flag's range."""


def _shown(text: str) -> str:
    """``text`` for a message: at most 40 characters; a longer one is cut and its length said."""
    text = text.strip()
    return text if len(text) <= 40 else f"{text[:37]}... ({len(text)} characters)"


def _whole(text: str) -> int:
    """``text`` as an integer; a longer number than `_MAX_DIGITS` as ±`_TOO_LARGE`."""
    stripped = text.strip()
    if re.fullmatch(r"[+-]?[0-9]+", stripped) and len(stripped) > _MAX_DIGITS:
        return -_TOO_LARGE if stripped.startswith("-") else _TOO_LARGE
    try:
        return int(stripped)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {_shown(text)!r}") from None


def seed(text: str) -> int:
    """A random seed: a whole number from 0 to 2**128 - 1."""
    try:
        value = _whole(text)
    except argparse.ArgumentTypeError:
        value = -1
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"a seed is a whole number from 0 to 2**128 - 1 ({MAX_SEED}); got {_shown(text)}"
        )
    return value


def positive_int(text: str) -> int:
    """A count: a whole number from 1 to `MAX_COUNT`."""
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {_shown(text)}")
    if value > MAX_COUNT:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 1 to {MAX_COUNT:,}; got {_shown(text)}"
        )
    return value


def count(text: str) -> int:
    """A whole number from 0 to `MAX_COUNT` (the command checks a higher lower bound)."""
    value = _whole(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {_shown(text)}")
    if value > MAX_COUNT:
        raise argparse.ArgumentTypeError(
            f"must be a whole number of at most {MAX_COUNT:,}; got {_shown(text)}"
        )
    return value


def bounded_float(low: float, high: float, *, closed: bool = False) -> Callable[[str], float]:
    """A type for a finite number in ``(low, high]`` (``[low, high]`` when ``closed``).

    Args:
        low: The bound the number must lie above (e.g. 0 for a standard deviation), or may
            equal when ``closed``.
        high: The largest allowed number.
        closed: Whether ``low`` itself is allowed.
    """

    def parse(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            value = math.nan
        above = value >= low if closed else value > low
        if not (math.isfinite(value) and above and value <= high):
            lowest = f"from {low:g}" if closed else f"above {low:g}"
            raise argparse.ArgumentTypeError(
                f"must be a number {lowest} and at most {high:g}; got {_shown(text)}"
            )
        return value

    parse.__name__ = "number"  # argparse names the type in its messages
    return parse


def port(text: str) -> int:
    """A TCP port: a whole number from 1 to 65535."""
    value = _whole(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(
            f"a port is a whole number from 1 to 65535; got {_shown(text)}"
        )
    return value


_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def host(text: str) -> str:
    """An address to bind a server to: an IP address or a host name (RFC 1123)."""
    name = text.strip()
    try:
        ipaddress.ip_address(name)
        return name
    except ValueError:
        pass
    labels = name[:-1].split(".") if name.endswith(".") else name.split(".")
    if not name or len(name) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise argparse.ArgumentTypeError(
            "a host is an IP address (127.0.0.1, ::1, 0.0.0.0) or a host name of letters, "
            f"digits, '-' and '.' (localhost, workshop.local); got {_shown(text)!r}"
        )
    return name


def scheduler(text: str) -> str:
    """The address of a running Dask scheduler: ``[SCHEME://]HOST:PORT``.

    Only the form is checked here; whether a scheduler answers there is checked before anything
    is written (`experiments.run.check_scheduler`).
    """
    if _INPROC.match(text.strip()):
        return text.strip()
    match = _SCHEDULER.match(text.strip())
    scheme = (match.group("scheme") or "tcp").lower() if match else None
    if match is None or scheme not in SCHEDULER_SCHEMES or not 1 <= int(match["port"]) <= 65535:
        raise argparse.ArgumentTypeError(
            f"a Dask scheduler address is [SCHEME://]HOST:PORT with a scheme of "
            f"{', '.join(SCHEDULER_SCHEMES)} (default tcp) and a port from 1 to 65535, e.g. "
            f"tcp://10.0.0.5:8786; got {_shown(text)!r}"
        )
    return text.strip()


def month(text: str) -> str:
    """A month of the model's calendar (YYYY-MM, January 2013 to December 2029)."""
    from govsim.model.calendar import MonthCalendar, parse_date

    calendar = MonthCalendar()
    first, last = calendar.date_of(1), calendar.date_of(calendar.n_steps)
    try:
        date = parse_date(text).replace(day=1)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(
            f"expected a month such as 2021-06, got {text[:40]!r}"
        ) from None
    if not first <= date <= last:
        raise argparse.ArgumentTypeError(
            f"{date:%Y-%m} lies outside the simulated months {first:%Y-%m} to {last:%Y-%m}"
        )
    return text


def available_cpus() -> int:
    """The CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def capped_workers(requested: int | None, command: str) -> tuple[int, str | None]:
    """Worker processes to start, at most the CPUs available, and a message if capped."""
    cpus = available_cpus()
    if requested is None:
        return cpus, None
    if requested > cpus:
        return cpus, (
            f"govsim {command}: -j {requested} is more than the {cpus} CPUs available; using {cpus}"
        )
    return requested, None


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this machine (127.x, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip()).is_loopback
    except ValueError:
        return False

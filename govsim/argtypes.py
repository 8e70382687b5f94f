"""Argument types of the command line: each checks one kind of value and says what is allowed.

Argparse turns the `argparse.ArgumentTypeError` these raise into a one-line usage error
(exit code 2) that names the flag, so a bad seed, port, month or worker count never reaches the
code that would fail on it with a traceback (issue 18).
"""

from __future__ import annotations

import argparse
import ipaddress
import os

MAX_SEED = 2**128 - 1
"""Largest seed accepted: numpy's SeedSequence takes any non-negative integer, but a seed beyond
128 bits adds nothing to its entropy and a 400-digit one is a typo."""


def _whole(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text[:40]!r}") from None


def seed(text: str) -> int:
    """A random seed: a whole number from 0 to 2**128 - 1."""
    try:
        value = _whole(text) if len(text) <= 60 else -1
    except argparse.ArgumentTypeError:
        value = -1
    if not 0 <= value <= MAX_SEED:
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise argparse.ArgumentTypeError(
            f"a seed is a whole number from 0 to 2**128 - 1 ({MAX_SEED}); got {shown}"
        )
    return value


def positive_int(text: str) -> int:
    """A whole number >= 1."""
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def port(text: str) -> int:
    """A TCP port: a whole number from 1 to 65535."""
    value = _whole(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a whole number from 1 to 65535; got {value}")
    return value


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

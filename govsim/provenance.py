"""Provenance of every record govsim writes: code version, packages, machine, seeds.

One module for the ensemble manifest (`scenarios.ensemble`), the experiment store
(`experiments.run`), the calibration record and fit report (`experiments.calibration`) and the
generated docs (issue 14: "one provenance module for every written record"). The code counts as
changed ("dirty") when a file under a code folder differs from the commit or is new there: those
are the files that shape the numbers.
"""

from __future__ import annotations

import platform
import subprocess
from collections.abc import Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
"""The source tree (a git checkout in development; no git in an installed wheel)."""

CODE_DIRS: tuple[str, ...] = ("agents", "model", "experiments", "scenarios", "viz", "govsim")
"""Folders whose changes (including new, untracked files) make the code version dirty."""

PACKAGES: tuple[str, ...] = (
    "govsim",
    "mesa",
    "numpy",
    "numba",
    "pandas",
    "pyarrow",
    "duckdb",
    "matplotlib",
    "SALib",
    "pyabc",
    "ema_workbench",
    "dask",
    "distributed",
)
"""The installed packages that shape the results, recorded with their versions."""


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True, timeout=10
    ).stdout.strip()


@cache
def git_commit() -> dict[str, Any]:
    """The commit of the code and whether the code folders differ from it (nulls without git).

    Returns:
        ``{"commit": full sha or None, "dirty": bool or None}``.
    """
    try:
        head = _git("rev-parse", "HEAD")
        dirty = _git("status", "--porcelain", "--", *CODE_DIRS)
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": head or None, "dirty": bool(dirty)}


def code_label() -> str:
    """Short form for reports: ``"1a2b3c4d5e6f"``, ``"1a2b3c4d5e6f+dirty"`` or ``"unknown"``."""
    version = git_commit()
    if not version["commit"]:
        return "unknown"
    return version["commit"][:12] + ("+dirty" if version["dirty"] else "")


def govsim_version() -> str:
    """The package's version."""
    from govsim import __version__

    return __version__


def package_versions(names: Sequence[str] = PACKAGES) -> dict[str, str | None]:
    """Installed versions of ``names`` (None for a package that is not installed)."""
    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def code_record() -> dict[str, Any]:
    """The code block of a record: version, commit, dirty flag, Python and platform."""
    version = git_commit()
    return {
        "govsim_version": govsim_version(),
        "git_commit": version["commit"],
        "git_dirty": version["dirty"],
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


MODEL_CODE: tuple[str, ...] = ("govsim.model", "govsim.agents")
"""Packages whose source shapes a run's numbers (with `govsim.scenarios.runner`, which runs it,
and the model's data, the calibrated set among them): what `model_fingerprint` hashes."""


@cache
def model_fingerprint() -> str:
    """A hash of what makes a run's numbers here: the model's source, its data, numpy, numba.

    Two processes with the same fingerprint give the same run for the same task; a cluster's
    worker with another one (an older checkout, another calibrated set) would not
    (`experiments.run.check_cluster_code`). Content, not the git commit: an installed wheel
    has no git.
    """
    import hashlib
    import importlib

    from govsim.scenarios import runner

    digest = hashlib.sha256()
    files: list[tuple[str, Path]] = [("scenarios/runner.py", Path(runner.__file__))]
    for name in MODEL_CODE:
        folder = Path(importlib.import_module(name).__file__).parent
        files += [
            (f"{name}/{path.relative_to(folder).as_posix()}", path)
            for path in folder.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        ]
    for label, path in sorted(files):
        digest.update(f"{label}\n".encode())
        digest.update(path.read_bytes())
    versions = package_versions(("numpy", "numba"))
    digest.update(repr(sorted(versions.items())).encode())
    return digest.hexdigest()[:16]


def record(seeds: Any = None, packages: Sequence[str] = PACKAGES) -> dict[str, Any]:
    """A whole provenance block: ``{"code": ..., "packages": ..., "seeds": ...}``."""
    return {"code": code_record(), "packages": package_versions(packages), "seeds": seeds}

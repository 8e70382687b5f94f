"""Whether `govsim run` may write into a folder, its lock, and what it may remove there.

A folder is govsim's when it is new or empty, when its ``manifest.json`` is a govsim manifest,
or when it carries the mark of a govsim run that was stopped while writing (`INCOMPLETE`).
Anything else is refused before a simulation starts (issue 18: "`govsim run --out U` deletes
files in U that it did not write"); ``--force`` writes into it anyway but still removes only
files an earlier govsim manifest lists. One run at a time holds the folder's lock (`LOCK`,
flock, released by the OS if the process dies), so two runs into one folder cannot interleave.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from govsim.scenarios.atomic import journal
from govsim.scenarios.scenario import ScenarioError

MANIFEST = "manifest.json"
MARKER_KEY = "govsim_manifest"
"""The key that marks a manifest as govsim's."""
LOCK = ".govsim.lock"
INCOMPLETE = ".govsim-incomplete"
"""Written before the first output file and removed after the manifest: a folder that carries
it was left by a run that stopped while writing, and the next run recovers it. Below its first
line it lists, one per line, every file the run was about to put in place (`record_writing`),
so the next run may remove what a stopped run wrote even where no manifest lists it."""
INCOMPLETE_HEADER = "# a govsim run is writing or was stopped; the files it was putting in place:"
TEMP_FOLDERS = (".", "series", "figures")


class OutputFolderError(ScenarioError):
    """A folder govsim must not write into, or one another run is writing."""


def _manifest_files(out: Path) -> set[str] | None:
    """The files a govsim manifest in ``out`` lists, or None if there is no govsim manifest."""
    path = out / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or MARKER_KEY not in manifest:
        return None
    files = manifest.get("files", {})
    return {str(name) for name in files} if isinstance(files, dict) else set()


def stopped_run_files(out: Path) -> set[str] | None:
    """The files a stopped run noted in its incomplete-mark, or None if there is no mark."""
    try:
        lines = (out / INCOMPLETE).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return set()
    return {line for line in lines[1:] if line.strip() and not line.startswith("#")}


def check_folder(out_dir: str | Path, force: bool = False) -> set[str]:
    """Check that govsim may write into ``out_dir``; return the files it may replace there.

    Returns:
        The relative paths an earlier govsim run listed in its manifest (empty for a new or
        empty folder, a folder of a stopped run without a manifest, or ``force``).

    Raises:
        OutputFolderError: For an empty name, a file, or a folder holding files govsim did not
            write (without ``force``).
    """
    if not str(out_dir).strip():
        raise OutputFolderError("--out must name a folder; got an empty name")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"--out {out} is a file, not a folder; name a new or empty folder")
    if not out.exists():
        return set()
    entries = sorted(p.name for p in out.iterdir() if p.name != LOCK)
    if not entries:
        return set()
    listed = _manifest_files(out)
    stopped = stopped_run_files(out)
    if listed is not None:
        return listed | (stopped or set())
    if stopped is not None:
        return stopped
    if force:
        return set()
    if {"manifest.json", "spec.toml"} <= set(entries):  # `experiments.store`'s own files
        raise OutputFolderError(
            f"--out {out} is the folder of a batch experiment (govsim experiment run wrote it); "
            "a scenario run needs a new or empty folder of its own, or one an earlier govsim "
            "run wrote"
        )
    shown = ", ".join(entries[:3]) + (f" and {len(entries) - 3} more" if len(entries) > 3 else "")
    raise OutputFolderError(
        f"--out {out} holds files govsim did not write ({shown}); name a new or empty folder or "
        "one an earlier govsim run wrote, or add --force to write into it (govsim then "
        "replaces only its own files and removes nothing else)"
    )


@contextlib.contextmanager
def folder_lock(out_dir: str | Path) -> Iterator[None]:
    """Hold the folder's lock for a whole run (created with the folder if needed).

    Raises:
        OutputFolderError: If another process holds it.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise OutputFolderError(
                f"another govsim run (pid {holder}) is writing into {out}; wait for it to end "
                "or choose another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def clean_temporaries(out_dir: str | Path) -> list[Path]:
    """Remove the temporary files a killed run left (``.name.*.tmp``); call under the lock."""
    out, removed = Path(out_dir), []
    for sub in TEMP_FOLDERS:
        folder = out / sub
        if folder.is_dir():
            for path in folder.glob(".*.tmp"):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def mark_incomplete(out_dir: str | Path, stopped: set[str] = frozenset()) -> None:
    """Mark the folder as being written (before the first output file).

    Args:
        out_dir: The folder.
        stopped: Files an earlier stopped run noted, kept in the mark until this run completes
            (so a second stop still knows them).
    """
    lines = [INCOMPLETE_HEADER, *sorted(stopped)]
    (Path(out_dir) / INCOMPLETE).write_text("\n".join(lines) + "\n", encoding="utf-8")


@contextlib.contextmanager
def record_writing(out_dir: str | Path) -> Iterator[None]:
    """Within the block, note in the incomplete-mark each file put in place in ``out_dir``.

    Every file `scenarios.atomic.atomic_path` renames into the folder is appended to the mark
    (flushed to disk) before it appears, so a run killed at any moment leaves a mark that names
    every file it may have written.
    """
    out = Path(out_dir).resolve()
    mark = out / INCOMPLETE
    lock = threading.Lock()  # the Parquet files are written in threads

    def note(path: Path) -> None:
        target = path.resolve()
        if out in target.parents:
            with lock, open(mark, "a", encoding="utf-8") as handle:
                handle.write(target.relative_to(out).as_posix() + "\n")
                handle.flush()
                os.fsync(handle.fileno())

    with journal(note):
        yield


def mark_complete(out_dir: str | Path) -> None:
    """Remove the mark (after the manifest is written)."""
    (Path(out_dir) / INCOMPLETE).unlink(missing_ok=True)


def remove_stale(out_dir: str | Path, previous: set[str], keep: set[Path]) -> list[Path]:
    """Remove the files an earlier run listed that this run did not write again."""
    out = Path(out_dir).resolve()
    removed = []
    for name in sorted(previous):
        path = (out / name).resolve()
        if path.parent != out and out not in path.parents:
            continue  # a manifest entry outside the folder is never followed
        if path not in keep and path.is_file() and path.name != MANIFEST:
            path.unlink()
            removed.append(path)
    return removed

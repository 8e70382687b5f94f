"""Write files completely or not at all: to a temporary name, renamed when complete.

A caller may keep a journal of what is about to be renamed into place (`journal`): `govsim
run` notes each file in its folder's incomplete-mark before the file appears, so that the
files of a run killed while writing can be told from the user's (issue 18).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path

_JOURNAL: ContextVar[Callable[[Path], None] | None] = ContextVar("atomic_journal", default=None)
"""Called with each target path just before its temporary file is renamed to it."""

WRITE_ERRORS = {
    errno.ENOSPC: "no space left on the device holding --out {out}",
    errno.EDQUOT: "the disk quota is used up on the device holding --out {out}",
    errno.EROFS: "--out {out} lies on a read-only file system",
    errno.EACCES: "no permission to write into --out {out}",
    errno.EPERM: "no permission to write into --out {out}",
    errno.ENAMETOOLONG: "--out {out} cannot be made: a name in it is longer than the file "
    "system allows",
    errno.ENOTDIR: "--out {out} cannot be made: a part of it is a file, not a folder",
    errno.EEXIST: "--out {out} cannot be made: a part of it exists but is not a folder (a file, "
    "or a symbolic link to nothing)",
    errno.ELOOP: "--out {out} cannot be made: it passes through a loop of symbolic links",
    errno.EISDIR: "--out {out} cannot be written: a folder stands where a file must be",
    errno.ENOENT: "--out {out} cannot be made: the folder above it refuses new entries (a "
    "system folder such as /proc), or it vanished while being written",
}
"""What an `OSError` of these numbers while writing an output path means, as the start of a
message (`write_error`); the one place that turns such an error into words."""
NAME_MAX = 255
"""The longest file or folder name, in bytes, where the file system does not say."""


@contextlib.contextmanager
def journal(note: Callable[[Path], None]) -> Iterator[None]:
    """Within the block, call ``note(path)`` before every `atomic_path` rename to ``path``."""
    token = _JOURNAL.set(note)
    try:
        yield
    finally:
        _JOURNAL.reset(token)


def will_write(path: str | Path) -> None:
    """Note ``path`` in the journal now: another process will put it in place (a pool worker).

    A thread of this process carries the journal itself when it runs in a copy of the caller's
    context (`contextvars.copy_context`).
    """
    note = _JOURNAL.get()
    if note is not None:
        note(Path(path))


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success rename it to ``path``.

    If the block raises, the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    name = target.name
    while len(os.fsencode(name)) > NAME_MAX - 16:  # room for the dots, random part and .tmp
        name = name[:-1]
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)
        note = _JOURNAL.get()
        if note is not None:
            note(target)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def nearest_existing(path: str | Path) -> Path:
    """``path`` if it exists, else its nearest existing parent: where writing it would start.

    A file there means ``path`` cannot be made (a file stands where a folder must be); so does
    a symbolic link to nothing (it exists, as a link, and is not a folder). A name too long to
    look up counts as not existing.
    """
    probe = Path(path)
    while not _lexists(probe) and probe != probe.parent:
        probe = probe.parent
    return probe


def _lexists(path: Path) -> bool:
    """Whether ``path`` exists, a symbolic link counting as itself (no error: False)."""
    try:
        os.lstat(path)
    except (OSError, ValueError):
        return False
    return True


def _name_max(folder: Path) -> int:
    """The longest name, in bytes, the file system of the existing ``folder`` allows."""
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError):
        return NAME_MAX


def _too_long(name: str, limit: int) -> str | None:
    """Why ``name`` cannot be a file or folder name (None: it can)."""
    size = len(os.fsencode(name))
    if size <= limit:
        return None
    shown = name if len(name) <= 24 else name[:24] + "…"
    return (
        f"its part {shown!r} is a name of {size} bytes, more than the {limit} this file system "
        "allows"
    )


def _lookup_failure(where: Path, exc: OSError) -> str:
    """Why ``where`` cannot be looked at, from the `OSError` of looking."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"this user may not look into {where.parent}"
    if exc.errno == errno.ELOOP:
        return f"{where} is a symbolic link in a loop of symbolic links"
    if exc.errno == errno.ENAMETOOLONG:
        return f"the path up to {where} is longer than the file system allows"
    reason = (exc.strerror or os.strerror(exc.errno or 0)).rstrip(".").lower()
    return f"{where} cannot be looked at ({reason})"


def path_problem(path: str | Path, *, folder: bool) -> str | None:
    """What stands in the way of writing ``path``, as a phrase naming it; None if nothing does.

    Walks ``path`` from its root, without writing anything: a part above it that is a file, a
    symbolic link to nothing or in a loop of links, a name longer than the file system allows,
    a folder this user may not look into. ``path`` itself may exist; a file there is left to
    the caller (a file to be replaced, or a folder's own message), but for a folder a symbolic
    link to nothing is not (it cannot be made into a folder).

    Args:
        path: The file or folder to write (need not exist).
        folder: Whether ``path`` is a folder.

    Returns:
        A phrase such as ``"/a/b is a file, not a folder"``, to follow "--out X cannot be made:";
        None if the path can be made as far as its parts tell.
    """
    target = Path(path).absolute()
    parts = target.parts
    current = Path(parts[0])
    for index, name in enumerate(parts[1:], start=1):
        last = index == len(parts) - 1
        limit = _name_max(current)
        too_long = _too_long(name, limit)
        if too_long is not None:
            return too_long
        current = current / name
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            rest = (_too_long(other, limit) for other in parts[index + 1 :])
            return next((reason for reason in rest if reason is not None), None)
        except OSError as exc:
            return _lookup_failure(current, exc)
        if last and not folder:
            return None  # a file, or a link, that the rename replaces
        if stat.S_ISLNK(info.st_mode):
            try:
                info = os.stat(current)
            except FileNotFoundError:
                return (
                    f"{current} is a symbolic link to {os.readlink(current)}, which does not exist"
                )
            except OSError as exc:
                return _lookup_failure(current, exc)
        if not last and not stat.S_ISDIR(info.st_mode):
            return f"{current} is a file, not a folder"
    return None


def unwritable(path: str | Path, *, folder: bool) -> Path | None:
    """The existing folder where writing ``path`` starts, if this user may not write there.

    Call after `path_problem` found nothing. A read-only file system counts as not writable.

    Args:
        path: The file or folder to write (need not exist).
        folder: Whether ``path`` is a folder (its files are written inside it).

    Returns:
        That folder, or None if it may be written.
    """
    target = Path(path).absolute()
    probe = nearest_existing(target if folder else target.parent)
    return None if os.access(probe, os.W_OK | os.X_OK) else probe


def folder_refusal(
    path: str | Path, *, shown: str, allowed: str, file_ok: bool = False
) -> str | None:
    """Why an output folder cannot be made or written, as one paragraph; None if it can.

    The one check every command writing a folder makes before anything runs: a part of the
    path in the way (`path_problem`), the path itself a file (unless ``file_ok``: the caller
    says so itself), a read-only place (`unwritable`).

    Args:
        path: The folder (need not exist).
        shown: How the message names it, e.g. ``--out out/run``.
        allowed: What the message says is allowed instead.
        file_ok: Leave a file at ``path`` to the caller (None for it here).
    """
    target = Path(path).absolute()
    problem = path_problem(target, folder=True)
    if problem is not None:
        return f"{shown} cannot be made: {problem}; nothing was written. Allowed: {allowed}"
    if target.exists() and not target.is_dir():
        if file_ok:
            return None
        return f"{shown} is a file, not a folder; nothing was written. Allowed: {allowed}"
    probe = unwritable(target, folder=True)
    if probe is None:
        return None
    where = "it" if probe == target else str(probe)
    return (
        f"{shown} cannot be written: {where} is read-only for this user (or lies on a read-only "
        f"file system); nothing was written. Allowed: {allowed}"
    )


def write_error(exc: OSError, out: str | Path) -> str | None:
    """The start of the message for ``exc``, raised while writing ``--out out``.

    Args:
        exc: The error.
        out: The output path as the user named it.

    Returns:
        What went wrong where (`WRITE_ERRORS`, with the file being written), or None if ``exc``
        is not one of those errors.
    """
    start = WRITE_ERRORS.get(exc.errno or 0)
    if start is None:
        return None
    writing = f" (writing {exc.filename})" if exc.filename else ""
    return start.format(out=out) + writing


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")

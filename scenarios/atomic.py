"""Write files completely or not at all: to a temporary name, renamed when complete.

A caller may keep a journal of what is about to be renamed into place (`journal`): `govsim
run` notes each file in its folder's incomplete-mark before the file appears, so that the
files of a run killed while writing can be told from the user's (issue 18).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path

_JOURNAL: ContextVar[Callable[[Path], None] | None] = ContextVar("atomic_journal", default=None)
"""Called with each target path just before its temporary file is renamed to it."""


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
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
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

    A file there means ``path`` cannot be made (a file stands where a folder must be).
    """
    probe = Path(path)
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return probe


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")

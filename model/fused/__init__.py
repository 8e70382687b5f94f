"""Compiled cores of the month's sub-steps (issue 15): one numba loop per sub-step.

Each module fuses the numpy expressions of one or more mechanism functions (which stay the
reference and carry the report's sources) into one compiled pass over the municipalities. The
schedule (`model.schedule`) calls them when ``model.backend == "numba"``; both backends give
bit-identical runs (tests/test_fused.py, tests/test_kernels.py).

numba's on-disk cache (``cache=True``) is keyed on the kernel's own source file only: a kernel
that reads a constant of another module, or calls a kernel of another module, would keep the old
value after that module changed. So the cache of this package is dropped whenever any source of
the model or the agents changed (`drop_stale_caches`, run on import).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = (HERE.parent, HERE.parent.parent / "agents")
"""Folders whose Python sources the compiled kernels may depend on (model/ and agents/)."""
STAMP = HERE / "__pycache__" / "sources.sha256"


def sources_digest(folders: tuple[Path, ...] = SOURCES) -> str:
    """SHA-256 over the names and contents of every ``.py`` file under ``folders``."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def drop_stale_caches(stamp: Path = STAMP) -> bool:
    """Delete this package's numba cache files if the sources changed since they were written.

    Returns whether files were dropped. Does nothing where the folder is not writable (an
    installed package, whose sources do not change; numba then caches elsewhere).
    """
    current = sources_digest()
    try:
        if stamp.read_text() == current:
            return False
    except OSError:
        pass
    try:
        stamp.parent.mkdir(exist_ok=True)
        for cached in (*stamp.parent.glob("*.nbi"), *stamp.parent.glob("*.nbc")):
            cached.unlink(missing_ok=True)
        stamp.write_text(current)
    except OSError:
        return False
    return True


drop_stale_caches()

"""``govsim report DIR``: draw a finished run's report again from its stored data (issue 17).

Nothing is simulated: the series and the manifest (`scenarios.stored`) are read, checked
against the manifest's hashes, and the figures and ``report.html`` are written anew (e.g. in
the other language). The folder is locked and marked incomplete while the report is written;
the manifest, written last, lists the new report files with their hashes and the language.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from govsim.scenarios.atomic import write_text
from govsim.scenarios.output_folder import (
    MANIFEST,
    clean_temporaries,
    folder_lock,
    mark_complete,
    mark_incomplete,
    record_writing,
    remove_stale,
)
from govsim.scenarios.scenario import ScenarioError
from govsim.scenarios.stored import load_ensemble, read_manifest

REPORT_FILES = ("report.html", "figures/")
"""Manifest entries that belong to the report (and may be replaced by a new rendering)."""


def rerender_report(folder: str | Path, lang: str = "en") -> Path:
    """Write the report of the finished run in ``folder`` again, in ``lang``; return its path.

    Raises:
        StoredRunError: The folder is not a complete, consistent govsim run.
        ScenarioError: ``lang`` is not ``nl`` or ``en``.
        OutputFolderError: Another govsim process is writing into the folder.
    """
    if lang not in ("nl", "en"):
        raise ScenarioError(f"--lang must be 'nl' or 'en', got {lang!r}")
    from govsim.provenance import git_commit
    from govsim.scenarios.ensemble import _write_report

    out = Path(folder)
    read_manifest(out)  # fail before taking the lock (which creates the folder) if it is no run
    with folder_lock(out):
        data, manifest = load_ensemble(out)  # again, under the lock
        clean_temporaries(out)
        mark_incomplete(out)
        with record_writing(out):
            report, pngs = _write_report(data, out, lang, git_commit())
        written = {p.resolve() for p in [report, *pngs]}
        old_report = {name for name in manifest["files"] if name.startswith(REPORT_FILES)}
        remove_stale(out, old_report, written)
        files = {k: v for k, v in manifest["files"].items() if k not in old_report}
        for path in [*pngs, report]:
            files[str(path.relative_to(out))] = hashlib.sha256(path.read_bytes()).hexdigest()
        manifest["files"] = files
        manifest["arguments"]["lang"] = lang
        manifest["arguments"]["report"] = True
        with record_writing(out):
            write_text(out / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        mark_complete(out)
    return report

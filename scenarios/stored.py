"""Read a finished ``govsim run`` folder back into memory (`EnsembleData`), checked.

The folder's ``manifest.json`` names the scenarios (with their full timeline and strategy),
the seeds and the reference; ``series/<scenario>.parquet`` holds every replication. A folder
marked incomplete, a manifest that is not govsim's, or a series file whose hash differs from
the manifest's is refused with one paragraph (`StoredRunError`), so a re-rendered report
(``govsim report``) or a reloaded result (``govsim.load``) never mixes two runs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from govsim.model.levers import StrategyRule
from govsim.model.timeline import timeline_from_mapping
from govsim.scenarios.expectations import Expectation
from govsim.scenarios.output_folder import INCOMPLETE
from govsim.scenarios.scenario import Scenario, ScenarioError
from govsim.scenarios.summary import EnsembleData, MunicipalValues

SERIES_KEYS = ("scenario", "replication", "seed", "date")


class StoredRunError(ScenarioError):
    """A folder that is not a complete, consistent ``govsim run`` result."""


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The manifest of a complete ``govsim run`` folder.

    Raises:
        StoredRunError: No such folder, no or unreadable manifest, not govsim's, or the folder is
            marked incomplete (a run was interrupted while writing it).
    """
    root = Path(folder)
    if not root.is_dir():
        what = "is a file, not a folder" if root.exists() else "no such folder"
        raise StoredRunError(f"{root}: {what} (give the --out folder of a govsim run)")
    path = root / "manifest.json"
    if (root / INCOMPLETE).exists():
        raise StoredRunError(
            f"{root} is marked incomplete: a govsim run was interrupted while writing it. "
            "Run it again (govsim run --out with the same folder recovers it)."
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoredRunError(
            f"{root} holds no manifest.json: it is not the output folder of a govsim run"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StoredRunError(f"{path} cannot be read as a govsim manifest ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("govsim_manifest") != 1:
        raise StoredRunError(f"{path} is not a govsim run manifest (no 'govsim_manifest': 1)")
    return manifest


def _scenario(entry: dict[str, Any]) -> Scenario:
    for key in ("timeline", "expectations"):
        if key not in entry:
            raise StoredRunError(
                f"scenario '{entry.get('name')}' in the manifest has no stored {key}: the "
                "folder was written by an older govsim; run it again"
            )
    return Scenario(
        name=entry["name"],
        title=dict(entry["title"]),
        description=dict(entry["description"]),
        params=dict(entry["overrides"]),
        timeline=timeline_from_mapping(entry["timeline"]),
        strategy=tuple(StrategyRule.from_mapping(r) for r in entry["strategy"]),
        expectations=tuple(Expectation.from_mapping(e) for e in entry["expectations"]),
        source_text=entry.get("source_text") or "",
        path=Path(entry["path"]) if entry.get("path") else None,
    )


def _check_hash(root: Path, relative: str, manifest: dict[str, Any]) -> Path:
    path = root / relative
    expected = manifest.get("files", {}).get(relative)
    if not path.is_file():
        raise StoredRunError(f"{root}: {relative} is missing (the manifest lists it)")
    if expected != hashlib.sha256(path.read_bytes()).hexdigest():
        raise StoredRunError(
            f"{root}: {relative} does not match the manifest (changed after the run, or written "
            "by another run); run it again"
        )
    return path


def load_ensemble(folder: str | Path) -> tuple[EnsembleData, dict[str, Any]]:
    """The ensemble stored in ``folder`` and its manifest.

    Raises:
        StoredRunError: See `read_manifest`; also a missing or changed series file.
    """
    root = Path(folder)
    manifest = read_manifest(root)
    try:
        scenarios = [_scenario(e) for e in manifest["scenarios"]]
        arguments = manifest["arguments"]
        seeds = [int(r["seed"]) for r in manifest["seeds"]["replications"]]
    except (KeyError, TypeError, ValueError) as error:
        raise StoredRunError(f"{root}/manifest.json is incomplete or damaged ({error})") from None
    values: dict[str, np.ndarray] = {}
    dates = columns = None
    for s in scenarios:
        table = pq.read_table(_check_hash(root, f"series/{s.name}.parquet", manifest))
        names = tuple(c for c in table.column_names if c not in SERIES_KEYS)
        reps = table.column("replication").to_numpy()
        n_rep = len(seeds)
        if columns is None:
            columns = names
            first = reps == 0
            dates = table.column("date").to_numpy()[first].astype("datetime64[D]")
        if names != columns or len(reps) != n_rep * len(dates):
            raise StoredRunError(f"{root}: series/{s.name}.parquet does not fit the other series")
        flat = np.column_stack([table.column(c).to_numpy() for c in names])
        values[s.name] = flat.reshape(n_rep, len(dates), len(names)).astype(np.float64)
    municipalities = arguments.get("municipalities")
    municipal = None
    if "municipalities.parquet" in manifest.get("files", {}):
        municipal = _municipal(root, manifest, [s.name for s in scenarios], len(seeds))
    data = EnsembleData(
        scenarios=scenarios,
        reference=arguments["reference"],
        dates=dates,
        columns=columns,
        seeds=seeds,
        values=values,
        municipalities=tuple(municipalities) if municipalities is not None else None,
        root_seed=manifest["seeds"].get("root_seed"),
        municipal=municipal,
    )
    if "lessons.csv" in manifest.get("files", {}) and "lessons" in manifest:
        import pandas as pd

        table = pd.read_csv(_check_hash(root, "lessons.csv", manifest))
        data.lessons = {**manifest["lessons"], "table": table}
    return data, manifest


def _municipal(
    root: Path, manifest: dict[str, Any], names: list[str], n_rep: int
) -> MunicipalValues:
    table = pq.read_table(_check_hash(root, "municipalities.parquet", manifest))
    keys = ("scenario", "replication", "date", "code")
    columns = tuple(c for c in table.column_names if c not in keys)
    scen = table.column("scenario").to_numpy(zero_copy_only=False)
    first = scen == names[0]
    reps = table.column("replication").to_numpy()
    dates_all = table.column("date").to_numpy().astype("datetime64[D]")
    codes_all = table.column("code").to_numpy(zero_copy_only=False)
    mask = first & (reps == 0)
    dates = tuple(dict.fromkeys(str(d) for d in dates_all[mask]))
    codes = tuple(dict.fromkeys(str(c) for c in codes_all[mask]))
    flat = np.column_stack([table.column(c).to_numpy() for c in columns])
    shape = (n_rep, len(dates), len(codes), len(columns))
    values = {}
    for name in names:
        block = flat[scen == name]
        if block.shape[0] != np.prod(shape[:3]):
            raise StoredRunError(f"{root}: municipalities.parquet does not fit the series")
        values[name] = block.reshape(shape)
    return MunicipalValues(codes, dates, columns, values)

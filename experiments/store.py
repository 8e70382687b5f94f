"""The experiment store: a folder of Parquet chunk files, a manifest and the design.

Layout of an experiment folder ``DIR``::

    manifest.json          spec, code and package versions, seed root, sessions, times, counts
    spec.toml              the spec as it was read
    points.parquet         the design: point, one column per factor (values given to the model;
                           texts for categorical factors)
    design.parquet         the sampler's raw output (what the SALib analyses need)
    runs/part-*.parquet    one row per finished run: run_id, point, replication, seed, factors,
                           outcomes, wall_time
    series/part-*.parquet  (if the spec keeps series) one row per run and month: run_id, point,
                           replication, date, one column per indicator
    analysis/              sensitivity and discovery tables and figures
    .lock                  held (flock) by the process that is running the experiment

Commit protocol: each finished chunk of runs is written as ``series/part-X.parquet`` and then
``runs/part-X.parquet``, each to a temporary name (``.part-X.parquet.*.tmp``), flushed to disk
and renamed. A run is complete if and only if it is in a ``runs/part-*.parquet`` file: that
rename is the commit. A kill at any moment leaves either a complete, renamed file or a temporary
file (ignored, and removed by the next run) or a ``series`` part whose ``runs`` part is missing
(ignored, and removed by the next run). Run ids are deterministic (point × replications +
replication), so resuming skips exactly the committed runs.

`load_runs`, `load_series` and `load_points` load results as pandas DataFrames; `query` answers
SQL with DuckDB over views ``runs``, ``series`` and ``points``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from govsim.experiments.spec import ExperimentError, Spec
from govsim.scenarios.atomic import atomic_path, folder_refusal, write_error

MANIFEST = "manifest.json"
SPEC_COPY = "spec.toml"
POINTS = "points.parquet"
DESIGN = "design.parquet"
RUNS = "runs"
SERIES = "series"
ANALYSIS = "analysis"
QUARANTINE = "quarantine"
LOCK = ".lock"
PART_GLOB = "part-*.parquet"
OWN_ENTRIES = {MANIFEST, SPEC_COPY, POINTS, DESIGN, RUNS, SERIES, ANALYSIS, QUARANTINE, LOCK}
PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd"}
DUCKDB_TYPES = {
    "int64": "BIGINT",
    "int32": "INTEGER",
    "double": "DOUBLE",
    "date32[day]": "DATE",
    "string": "VARCHAR",
}


# ---------------------------------------------------------------------------- schemas
def runs_schema(spec: Spec) -> pa.Schema:
    """Columns of ``runs/part-*.parquet`` for ``spec``."""
    fields = [
        pa.field("run_id", pa.int64()),
        pa.field("point", pa.int64()),
        pa.field("replication", pa.int32()),
        pa.field("seed", pa.int64()),
    ]
    for f in spec.factors:
        kind = pa.string() if f.categorical else pa.int64() if f.integer else pa.float64()
        fields.append(pa.field(f.name, kind))
    fields += [pa.field(o.name, pa.float64()) for o in spec.outcomes]
    fields.append(pa.field("wall_time", pa.float64()))
    return pa.schema(fields)


def series_schema(spec: Spec) -> pa.Schema | None:
    """Columns of ``series/part-*.parquet`` (None if the spec keeps no series)."""
    if spec.series is None:
        return None
    fields = [
        pa.field("run_id", pa.int64()),
        pa.field("point", pa.int64()),
        pa.field("replication", pa.int32()),
        pa.field("date", pa.date32()),
    ]
    fields += [pa.field(name, pa.float64()) for name in spec.series.indicators]
    return pa.schema(fields)


def schema_columns(schema: pa.Schema | None) -> list[list[str]] | None:
    """``[[name, arrow type], ...]`` for the manifest."""
    if schema is None:
        return None
    return [[f.name, str(f.type)] for f in schema]


def _schema_from_columns(columns: Sequence[Sequence[str]]) -> pa.Schema:
    types = {
        "int64": pa.int64(),
        "int32": pa.int32(),
        "double": pa.float64(),
        "date32[day]": pa.date32(),
        "string": pa.string(),
    }
    return pa.schema([pa.field(name, types[kind]) for name, kind in columns])


# ---------------------------------------------------------------------------- files
def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_table(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` completely or not at all (temp name, fsync, rename)."""
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, **PARQUET_OPTIONS)
        _fsync_path(tmp)
    _fsync_path(path.parent)


def write_json(data: Any, path: Path) -> None:
    """Write ``data`` as indented JSON to ``path`` completely or not at all."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _fsync_path(tmp)


def _is_temp(path: Path) -> bool:
    return path.name.startswith(".") and path.name.endswith(".tmp")


# ---------------------------------------------------------------------------- the store
class ExperimentStore:
    """One experiment folder (see the module docstring for the layout).

    Args:
        root: The folder (need not exist yet).
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.runs_dir = self.root / RUNS
        self.series_dir = self.root / SERIES

    # -------------------------------------------------------------- state
    def manifest_path(self) -> Path:
        """Path of manifest.json."""
        return self.root / MANIFEST

    def has_experiment(self) -> bool:
        """Whether the folder holds (part of) an experiment."""
        return (self.root / MANIFEST).exists() or (self.root / POINTS).exists()

    def check_usable(self) -> None:
        """Raise `ExperimentError` if the folder cannot be made or written, or holds files not ours.

        A part of the path that stands in the way (a file, a symbolic link to nothing, a name
        too long: `scenarios.atomic.path_problem`) or a read-only place is named before
        anything is written.
        """
        refusal = folder_refusal(
            self.root,
            shown=f"--out '{self.root}'",
            allowed="a new folder, or an experiment's folder, you may write into",
        )
        if refusal is not None:
            raise ExperimentError(refusal)
        if not self.root.exists():
            return
        strangers = sorted(
            p.name for p in self.root.iterdir() if p.name not in OWN_ENTRIES and not _is_temp(p)
        )
        if strangers:
            shown = ", ".join(strangers[:5]) + (", ..." if len(strangers) > 5 else "")
            raise ExperimentError(
                f"--out '{self.root}' already exists and holds files that are not an "
                f"experiment's ({shown}); nothing was written. Give a new folder, or the folder "
                "of an earlier run of the same spec to resume it."
            )

    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or None if there is none yet."""
        path = self.manifest_path()
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ExperimentError(f"'{path}' cannot be read as JSON: {exc}") from None

    def incomplete_note(self) -> str | None:
        """A note if fewer runs are stored than the experiment has (None if all are, or unknown).

        Counted from the stored parts (their Parquet footers), not from the manifest, which a
        run killed between two chunks has not brought up to date.
        """
        manifest = self.read_manifest()
        total = (manifest or {}).get("counts", {}).get("runs_total")
        if not isinstance(total, int):
            return None
        try:
            stored = sum(pq.ParquetFile(part).metadata.num_rows for part in self.run_parts())
        except (OSError, pa.ArrowException):
            return None  # a damaged part: the query itself says so
        if stored >= total:
            return None
        return (
            f"note: {stored:,} of {total:,} runs are stored; the experiment is incomplete (run "
            "the same `govsim experiment run` command to finish it)"
        )

    def require_manifest(self) -> dict[str, Any]:
        """The manifest; `ExperimentError` if the folder holds no experiment."""
        manifest = self.read_manifest()
        if manifest is None:
            raise ExperimentError(
                f"'{self.root}' is not an experiment folder (no {MANIFEST}): give the --out "
                "folder of `govsim experiment run`"
            )
        return manifest

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write the manifest atomically."""
        write_json(manifest, self.manifest_path())

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the folder's lock (released by the OS if the process dies).

        Raises:
            ExperimentError: If another process is running this experiment.
        """
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            start = write_error(exc, self.root)
            if start is None:
                raise
            raise ExperimentError(f"{start}; nothing was written") from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
                raise ExperimentError(
                    f"another process (pid {holder}) is running the experiment in "
                    f"'{self.root}'; wait for it or stop it, then run again to resume"
                ) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            yield
        finally:
            os.close(fd)

    # -------------------------------------------------------------- parts
    def run_parts(self) -> list[Path]:
        """Committed ``runs`` parts, sorted by name."""
        if not self.runs_dir.exists():
            return []
        return sorted(self.runs_dir.glob(PART_GLOB))

    def series_parts(self) -> list[Path]:
        """``series`` parts whose ``runs`` part is committed, sorted by name."""
        if not self.series_dir.exists():
            return []
        committed = {p.name for p in self.run_parts()}
        return sorted(p for p in self.series_dir.glob(PART_GLOB) if p.name in committed)

    def clean(self) -> list[Path]:
        """Remove temporary files and uncommitted ``series`` parts; return what was removed.

        Only call this while holding `lock`: another process's temporary files are its work in
        progress.
        """
        removed: list[Path] = []
        for folder in (self.root, self.runs_dir, self.series_dir):
            if folder.exists():
                for path in folder.iterdir():
                    if _is_temp(path):
                        path.unlink(missing_ok=True)
                        removed.append(path)
        if self.series_dir.exists():
            committed = {p.name for p in self.run_parts()}
            for path in self.series_dir.glob(PART_GLOB):
                if path.name not in committed:
                    path.unlink(missing_ok=True)
                    removed.append(path)
        return removed

    def scan(self) -> tuple[np.ndarray, list[Path]]:
        """Completed run ids (sorted) and parts moved to quarantine because they are unreadable.

        Raises:
            ExperimentError: If a run id is in two parts (the folder was tampered with).
        """
        ids: list[np.ndarray] = []
        owner: dict[int, str] = {}
        quarantined: list[Path] = []
        for path in self.run_parts():
            try:
                column = pq.read_table(path, columns=["run_id"]).column("run_id").to_numpy()
            except (OSError, pa.ArrowException) as exc:
                quarantined += self._quarantine(path, exc)
                continue
            for run_id in column.tolist():
                if run_id in owner:
                    raise ExperimentError(
                        f"run {run_id} is stored twice, in runs/{owner[run_id]} and "
                        f"runs/{path.name}: the folder '{self.root}' was changed by hand; remove "
                        "one of the two files and run again"
                    )
                owner[run_id] = path.name
            ids.append(column)
        done = np.sort(np.concatenate(ids)) if ids else np.zeros(0, dtype=np.int64)
        return done.astype(np.int64), quarantined

    def _quarantine(self, path: Path, exc: Exception) -> list[Path]:
        target = self.root / QUARANTINE
        target.mkdir(exist_ok=True)
        moved = []
        for part in (path, self.series_dir / path.name):
            if part.exists():
                dest = target / f"{part.parent.name}-{part.name}"
                shutil.move(str(part), dest)
                moved.append(dest)
        (target / f"{path.name}.reason.txt").write_text(f"{exc}\n", encoding="utf-8")
        return moved

    def write_chunk(self, runs: pa.Table, series: pa.Table | None = None) -> str:
        """Commit one chunk of finished runs; returns the part's file name.

        The series part is written (and renamed) first, the runs part last: the runs part's
        rename is the commit.
        """
        ids = runs.column("run_id").to_numpy()
        name = f"part-{int(ids.min()):08d}-{int(ids.max()):08d}-{secrets.token_hex(4)}.parquet"
        if series is not None:
            self.series_dir.mkdir(parents=True, exist_ok=True)
            write_table(series, self.series_dir / name)
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        write_table(runs, self.runs_dir / name)
        return name

    # -------------------------------------------------------------- loading
    def _read(self, parts: Sequence[Path], schema: pa.Schema | None, columns=None) -> pa.Table:
        tables = []
        for path in parts:
            try:
                tables.append(pq.read_table(path, columns=columns))
            except (OSError, pa.ArrowException) as exc:
                raise ExperimentError(
                    f"'{path}' cannot be read ({exc}); run the experiment again to set it aside "
                    "and redo its runs"
                ) from None
        if tables:
            return pa.concat_tables(tables)
        if schema is None:
            return pa.table({})
        empty = schema.empty_table()
        return empty.select(columns) if columns else empty

    def _schema(self, key: str) -> pa.Schema | None:
        manifest = self.read_manifest() or {}
        columns = manifest.get("columns", {}).get(key)
        return _schema_from_columns(columns) if columns else None

    def load_runs(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Every completed run, one row each, ordered by ``run_id``."""
        cols = list(columns) if columns else None
        if cols is not None and "run_id" not in cols:
            cols = ["run_id", *cols]
        frame = self._read(self.run_parts(), self._schema("runs"), cols).to_pandas()
        frame = frame.sort_values("run_id", kind="stable").reset_index(drop=True)
        if columns and "run_id" not in columns:
            frame = frame.drop(columns="run_id")
        return frame

    def load_series(self, indicators: Sequence[str] | None = None) -> pd.DataFrame:
        """Kept time series of every completed run, ordered by ``run_id`` and date."""
        cols = None
        if indicators:
            cols = ["run_id", "point", "replication", "date", *indicators]
        table = self._read(self.series_parts(), self._schema("series"), cols)
        frame = table.to_pandas()
        if frame.empty and not len(frame.columns):
            return frame
        return frame.sort_values(["run_id", "date"], kind="stable").reset_index(drop=True)

    def load_points(self, raw: bool = False) -> pd.DataFrame:
        """The design points (``raw``: the sampler's output instead of the model's values)."""
        path = self.root / (DESIGN if raw else POINTS)
        if not path.exists():
            raise ExperimentError(f"'{self.root}' holds no {path.name}: not an experiment folder")
        return pq.read_table(path).to_pandas()

    # -------------------------------------------------------------- SQL
    def connect(self) -> Any:
        """An in-memory DuckDB connection with views ``runs``, ``series`` and ``points``."""
        import duckdb

        self.require_manifest()
        con = duckdb.connect()
        for view, parts, key in (
            ("runs", self.run_parts(), "runs"),
            ("series", self.series_parts(), "series"),
        ):
            if parts:
                files = ", ".join("'" + str(p.resolve()).replace("'", "''") + "'" for p in parts)
                try:
                    con.execute(f"CREATE VIEW {view} AS SELECT * FROM read_parquet([{files}])")
                except duckdb.Error as exc:  # a part cut short (a run killed while writing)
                    con.close()
                    message = " ".join(str(exc).split())[:300]
                    raise ExperimentError(
                        f"the {view} of '{self.root}' cannot be read ({message}); run the "
                        "experiment again to set the damaged file aside and redo its runs"
                    ) from None
            else:
                schema = self._schema(key)
                if schema is None:
                    continue
                con.register(f"_{view}_empty", schema.empty_table())
                con.execute(f"CREATE VIEW {view} AS SELECT * FROM _{view}_empty")
        points = self.root / POINTS
        if points.exists():
            path = "'" + str(points.resolve()).replace("'", "''") + "'"
            con.execute(f"CREATE VIEW points AS SELECT * FROM read_parquet({path})")
        return con

    def query(self, sql: str) -> pd.DataFrame:
        """Answer ``sql`` over the views ``runs``, ``series`` and ``points``, reading only.

        Only queries are answered (SELECT, WITH, FROM, VALUES, SHOW, DESCRIBE, SUMMARIZE,
        EXPLAIN), and DuckDB may then open no file but the experiment's own: a statement that
        would write (COPY, CREATE, ATTACH, EXPORT, INSTALL, SET, ...) or read other files is
        refused (issue 18).

        Raises:
            ExperimentError: For SQL DuckDB cannot answer (its message included), or SQL that
                is not a query.
        """
        import duckdb

        con = self.connect()
        try:
            views = self._views(con)
            self._read_only(con, sql, views)
            return con.execute(sql).df()
        except duckdb.Error as exc:
            message = " ".join(str(exc).split())
            raise ExperimentError(f"the query cannot be answered: {message}. {views}") from None
        finally:
            con.close()

    @staticmethod
    def _views(con: Any) -> str:
        """``"The views are runs, series and points"``: the views this experiment has.

        No ``series`` if its spec keeps none, no ``points`` before its design is written.
        """
        found = {row[0] for row in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
        names = [v for v in ("runs", "series", "points") if v in found]
        if not names:
            return "The experiment has no views yet"
        if len(names) == 1:
            return f"The only view is {names[0]}"
        return f"The views are {', '.join(names[:-1])} and {names[-1]}"

    def _read_only(self, con: Any, sql: str, views: str) -> None:
        """Refuse ``sql`` unless it only queries; then let DuckDB open only this folder's data.

        ``views`` names the experiment's views for the messages (`_views`).
        """
        import duckdb

        allowed = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
        try:
            statements = con.extract_statements(sql)
        except duckdb.Error:
            return  # a syntax error: DuckDB words it when it is executed
        if not statements:
            raise ExperimentError(
                'the query is empty: give one SQL query, e.g. "SELECT count(*) FROM runs" '
                f"({views[0].lower()}{views[1:]})"
            )
        for statement in statements:
            if statement.type not in allowed:
                kind = str(statement.type).rsplit(".", 1)[-1]
                article = "an" if kind[:1] in "AEIOU" else "a"
                raise ExperimentError(
                    f"the query is {article} {kind} statement, and `govsim experiment query` only "
                    "reads: it answers SELECT queries (also WITH, FROM, VALUES, DESCRIBE, "
                    f"SUMMARIZE, EXPLAIN) and writes nothing. {views}"
                )
        files = [*self.run_parts(), *self.series_parts(), self.root / POINTS]
        paths = ", ".join("'" + str(p.resolve()).replace("'", "''") + "'" for p in files)
        con.execute(f"SET allowed_paths = [{paths}]")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")


# ---------------------------------------------------------------------------- functions
def load_runs(out_dir: str | Path, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Completed runs of the experiment in ``out_dir`` as a DataFrame (one row per run)."""
    store = ExperimentStore(out_dir)
    store.require_manifest()
    return store.load_runs(columns)


def load_series(out_dir: str | Path, indicators: Sequence[str] | None = None) -> pd.DataFrame:
    """Kept time series of the completed runs (one row per run and month)."""
    store = ExperimentStore(out_dir)
    store.require_manifest()
    return store.load_series(indicators)


def load_points(out_dir: str | Path, raw: bool = False) -> pd.DataFrame:
    """The design points of the experiment in ``out_dir``."""
    return ExperimentStore(out_dir).load_points(raw)


def query(out_dir: str | Path, sql: str) -> pd.DataFrame:
    """Answer ``sql`` with DuckDB over the views ``runs``, ``series`` and ``points``."""
    return ExperimentStore(out_dir).query(sql)

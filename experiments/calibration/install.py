"""Install a finished calibration's record as the model's defaults.

A calibration run with ``--no-install`` leaves its record (``calibrated_parameters.json``) in
its report folder. This command installs such a record without running the calibration again:
the record must pass the pipeline's install checks (`pipeline.install_refusal`: the report's
patterns kept in national runs on the acceptance seeds, at most 15 fitted values, and a fit at
least as good as the installed set's where that set is itself a valid default); it is then
given the next version number and replaces ``model/data/calibrated_parameters.json``
atomically. Its report folder is left as it is.

Usage: ``python -m govsim.experiments.calibration.install RUN/calibrated_parameters.json``
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from govsim.experiments.calibration import acceptance as acc


class InstallError(ValueError):
    """The record cannot be read or must not be installed (the message says why)."""


def installable(path: Path) -> dict[str, Any]:
    """The record at ``path`` as it would be installed.

    Checked, with its national pattern check (computed here if the record lacks it) and the
    next version number.

    Raises:
        InstallError: The file is not a calibrated record, holds an invalid value, or fails an
            install check (`pipeline.install_refusal`).
    """
    from govsim.experiments.calibration.pipeline import (
        install_refusal,
        installed_record,
        pattern_check,
    )

    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
        acc.record_values(record, str(path))
        record["fit"]["target_figures"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InstallError(f"{path}: not a calibrated record with its fit ({exc})") from None
    record["fit"]["patterns_broken_by_seed"] = pattern_check(record)  # kept with the record
    refusal = install_refusal(record)
    if refusal is not None:
        raise InstallError(f"{path}: {refusal}")
    record["version"] = installed_record()[0] + 1
    return record


def main(argv: Sequence[str] | None = None) -> int:
    """Install the record named on the command line; one line on success or refusal."""
    from govsim.experiments.calibration.fit_report import write_json_atomic
    from govsim.model.parameters import CALIBRATED_PATH

    parser = argparse.ArgumentParser(
        prog="python -m govsim.experiments.calibration.install",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("record", type=Path, help="a calibration's calibrated_parameters.json")
    args = parser.parse_args(argv)
    try:
        record = installable(args.record)
    except InstallError as exc:
        print(f"govsim install: {exc}", file=sys.stderr)
        return 2
    write_json_atomic(CALIBRATED_PATH, record)
    print(f"installed version {record['version']} ({args.record}) in {CALIBRATED_PATH}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

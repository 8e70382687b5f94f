"""``govsim schema scenario|experiment``: the JSON Schema of a file format, for editors.

An editor that knows the schema (VS Code with Even Better TOML, JetBrains IDEs, taplo) completes
keys, shows each key's description and marks wrong values while a scenario file
(docs/scenarios.md) or an experiment spec (docs/experiments.md) is written. The schemas are
exported from the declarative models that check the files (`scenarios.file_schema`,
`experiments.spec_schema`), so they cannot drift apart. Checks across keys and files (dates in
order, ``extends``, a factor's values against its parameter) are only made by ``govsim``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

KINDS = ("scenario", "experiment")
"""The file formats that have a schema."""


def file_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``kind``: ``"scenario"`` or ``"experiment"``."""
    from govsim.scenarios.file_fields import json_schema

    if kind == "scenario":
        from govsim.scenarios.file_schema import ScenarioFile

        return json_schema(
            ScenarioFile,
            "govsim scenario file",
            "A scenario of govsim: names, parameter overrides, the timeline and the "
            "secretary's choices (TOML; docs/scenarios.md).",
        )
    if kind == "experiment":
        from govsim.experiments.spec_schema import SpecFile

        return json_schema(
            SpecFile,
            "govsim experiment spec",
            "A batch experiment of govsim: what to vary, how to sample, what to record "
            "(TOML; docs/experiments.md).",
        )
    raise ValueError(f"no schema for {kind!r}; allowed: {', '.join(KINDS)}")


def _cmd_schema(args: argparse.Namespace) -> int:
    from govsim.cli import UserError
    from govsim.scenarios.atomic import nearest_existing, write_text

    text = json.dumps(file_schema(args.kind), indent=2, ensure_ascii=False) + "\n"
    if args.out is None:
        print(text, end="")
        return 0
    out = Path(args.out)
    allowed = "Allowed: the name of a .json file in a folder you may write into"
    if out.is_dir():
        raise UserError(f"--out {out} is a folder, not a file. {allowed}")
    blocker = nearest_existing(out.parent)
    if not blocker.is_dir():
        raise UserError(
            f"--out {out} cannot be written: {blocker} is a file, not a folder. {allowed}"
        )
    write_text(out, text)  # a temporary name, renamed when complete
    print(f"wrote {out}")
    return 0


def register(sub: Any) -> None:
    """Add the ``schema`` subcommand to the `govsim` command line."""
    p = sub.add_parser(
        "schema",
        help="the JSON Schema of scenario files or experiment specs (for editors)",
        description="Print (or write) the JSON Schema of a scenario file or an experiment spec, "
        "for completion and checking in an editor, e.g. with Even Better TOML: "
        '#:schema ./scenario.schema.json as the first line of the file, or an "evenBetterToml.'
        'schema.associations" entry. govsim itself checks more (dates in order, extends, '
        "factors against their parameters).",
    )
    p.add_argument("kind", choices=KINDS, help="which file format")
    p.add_argument("--out", default=None, help="write the schema to this file (default: print it)")
    p.set_defaults(func=_cmd_schema)

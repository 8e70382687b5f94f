"""The examples in docstrings run as written (`python -m doctest` on the installed modules).

Every module of the package with a ``>>>`` example is found and run, so an example that
imports a name the package no longer has (``from model import ...`` instead of
``govsim.model``) fails here instead of in a reader's notebook.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys

PACKAGES = (
    "govsim",
    "govsim.model",
    "govsim.agents",
    "govsim.scenarios",
    "govsim.viz",
    "govsim.experiments",
)
"""The top packages (each folder of the repository is one: an editable install maps them)."""


def _modules() -> list[pkgutil.ModuleInfo]:
    infos = []
    for top in PACKAGES:
        package = importlib.import_module(top)
        infos += pkgutil.walk_packages(package.__path__, f"{top}.")
    return infos


def modules_with_examples() -> list[str]:
    """Every importable module of govsim whose source holds a ``>>>`` example."""
    found = []
    for info in _modules():
        if info.ispkg:
            continue
        spec = importlib.util.find_spec(info.name)
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            continue
        with open(spec.origin, encoding="utf-8") as source:
            if ">>>" in source.read():
                found.append(info.name)
    return sorted(found)


def test_the_examples_are_found():
    assert {
        "govsim.experiments.survey.observed",
        "govsim.experiments.survey.questionnaire",
    } <= set(modules_with_examples())


RUN = """
import doctest, importlib, json, sys
out = {}
for name in sys.argv[1:]:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    out[name] = [result.attempted, result.failed]
print(json.dumps(out))
"""


def test_the_examples_run_where_a_reader_runs_them(tmp_path):
    """In a fresh interpreter outside the repository: ``from model import ...`` would fail there
    (``python -m pytest`` in the repository puts its folders on the path)."""
    names = modules_with_examples()
    done = subprocess.run(
        [sys.executable, "-c", RUN, *names],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    for name in names:
        attempted, failed = results[name]
        assert attempted > 0, name
        assert failed == 0, f"{failed} of {attempted} examples of {name} fail:\n{done.stdout}"

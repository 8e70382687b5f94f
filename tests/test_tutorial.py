"""docs/tutorial.ipynb runs from top to bottom on this install (nbclient; issue 17)."""

import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_the_tutorial_is_the_one_its_script_writes():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_tutorial", DOCS / "make_tutorial.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = nbformat.read(DOCS / "tutorial.ipynb", as_version=4)
    assert [c.source for c in committed.cells] == [c.source for c in module.build().cells]


def test_the_tutorial_runs_and_shows_what_it_promises(tmp_path):
    nb = nbformat.read(DOCS / "tutorial.ipynb", as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    ).execute()
    outputs = {
        i: "".join(
            o.get("text", "") + "".join(str(v) for v in o.get("data", {}).values())
            for o in cell.get("outputs", [])
        )
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
    }
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    text = "\n".join(outputs.values())
    assert "baseline" in text and "dso_delay" in text
    assert "<table" in text  # the result's HTML view
    kinds = {kind for c in nb.cells for o in c.get("outputs", []) for kind in o.get("data", {})}
    assert "image/png" in kinds  # the figure
    assert "application/vnd.jupyter.widget-view+json" in kinds  # the progress bar
    assert "months later" in text
    assert "(True, True)" in text  # the pickled model is the same model
    # the lever of section 2 changes what it is said to change: starting early goes further
    plain, early = (
        float(re.search(rf"{name}\s+physical transition ([0-9.]+)", text).group(1))
        for name in ("as is", "start early")
    )
    assert early > plain + 0.005, (plain, early)

"""The wheel installs one package, ``govsim``, the card's folders as sub-packages (issue 17)."""

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_holds_only_the_govsim_package_and_its_data(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("govsim-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names} == {
        "govsim",
        wheel.name.split("-py")[0] + ".dist-info",
    }
    for needed in (
        "govsim/model/governance_model.py",
        "govsim/model/mechanisms/steering.py",
        "govsim/agents/staff.py",
        "govsim/scenarios/files/baseline.toml",
        "govsim/viz/data/gemeente_2017.topojson",
        "govsim/experiments/specs/sobol_study.toml",
        "govsim/experiments/survey/data/survey_2017.csv",
        "govsim/model/data/gemeenten_2017.csv",
        "govsim/model/data/calibrated_parameters.json",
    ):
        assert needed in names, needed
    assert not any(name.startswith(("model/", "agents/", "viz/", "tests/")) for name in names)


def test_a_mesa_tutorial_folder_does_not_shadow_the_model(tmp_path):
    """A user's own model.py and agents.py next to the notebook must not break govsim."""
    (tmp_path / "model.py").write_text("raise RuntimeError('the user model was imported')\n")
    (tmp_path / "agents.py").write_text("raise RuntimeError('the user agents were imported')\n")
    script = textwrap.dedent(
        """
        from govsim.model.governance_model import GovernanceModel
        m = GovernanceModel(rng=3, collect=False)
        m.run_for(2)
        print(type(m).__module__)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "govsim.model.governance_model"


def test_nothing_imported_the_card_folders_as_top_level_packages():
    """In this test process nothing reached ``model``/``viz``/... outside ``govsim.*``."""
    import govsim.model.governance_model  # noqa: F401  (at least the model is loaded)

    loose = sorted(
        name
        for name in sys.modules
        if name.split(".")[0] in {"model", "agents", "scenarios", "viz", "experiments"}
    )
    assert loose == []

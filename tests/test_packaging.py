"""The wheel installs one package, ``govsim``, the card's folders as sub-packages (issue 17)."""

import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    """The project's wheel, built once for this module (no dependencies, no isolation), and
    what the build printed."""
    folder = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
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
            str(folder),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = folder.glob("govsim-*.whl")
    return wheel, done.stdout + done.stderr


@pytest.fixture(scope="module")
def wheel(built) -> Path:
    """The project's wheel."""
    return built[0]


def test_the_build_does_not_warn_of_folders_missing_from_the_package_list(built):
    """Every folder that installs (data folders too) is declared: a fresh install is quiet."""
    assert "absent from the `packages` configuration" not in built[1]


def test_wheel_holds_only_the_govsim_package_and_its_data(wheel):
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


def test_a_clean_venv_outside_the_repo_runs_govsim_beside_a_users_model_py(wheel, tmp_path):
    """The wheel in a new venv (not the editable install), used from a Mesa-tutorial folder.

    The new venv reaches the dependencies through a path line to this venv's site-packages; the
    editable install's finder there is not activated (a path line in a .pth adds a folder to
    ``sys.path`` without processing that folder's own .pth files), so ``govsim`` can only come
    from the wheel.
    """
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    zipfile.ZipFile(wheel).extractall(purelib)  # a pure-Python wheel installs by unpacking
    (Path(purelib) / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    work = tmp_path / "notebook"
    work.mkdir()
    (work / "model.py").write_text("raise RuntimeError('the user model was imported')\n")
    (work / "agents.py").write_text("raise RuntimeError('the user agents were imported')\n")
    script = textwrap.dedent(
        """
        import govsim, govsim.model
        res = govsim.run(
            ["baseline", "dso_delay"], replications=2, seed=1, municipalities=["Borne"],
            until="2014-06", progress=False,
        )
        frame = res.to_frame(["transition_physical"])
        print(govsim.__file__)
        print(govsim.model.GovernanceModel.__module__)
        print(len(frame), sorted(frame["scenario"].unique()), frame["date"].dtype)
        """
    )
    done = subprocess.run(
        [str(python), "-c", script], cwd=work, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    where, module, summary = done.stdout.strip().splitlines()[-3:]
    assert Path(where).is_relative_to(Path(purelib)), where
    assert not Path(where).is_relative_to(ROOT)
    assert module == "govsim.model.governance_model"
    # 2 scenarios x 2 replications x 18 months (2013-01 .. 2014-06)
    assert summary == "72 ['baseline', 'dso_delay'] datetime64[ns]"


def test_nothing_imported_the_card_folders_as_top_level_packages():
    """In this test process nothing reached ``model``/``viz``/... outside ``govsim.*``."""
    import govsim.model.governance_model  # noqa: F401  (at least the model is loaded)

    loose = sorted(
        name
        for name in sys.modules
        if name.split(".")[0] in {"model", "agents", "scenarios", "viz", "experiments"}
    )
    assert loose == []

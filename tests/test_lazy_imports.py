"""`govsim.model` and `govsim.agents` load their names on first use (PEP 562)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest


@pytest.mark.parametrize("package", ["govsim.model", "govsim.agents"])
def test_every_exported_name_resolves_to_its_defining_module(package):
    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        where = importlib.import_module(module._WHERE[name])
        assert value is getattr(where, name)
    assert sorted(module.__all__) == sorted(module._WHERE)
    assert set(module.__all__) <= set(dir(module))
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        module.Nope  # noqa: B018


def test_the_mode_names_are_the_secretarys():
    from govsim.agents import modes, secretary

    assert secretary.MODES is modes.MODES and secretary.ROLES is modes.ROLES
    assert modes.MODES == ("legal", "performing", "collaborative", "responsive")


def test_the_command_lines_parsers_do_not_load_mesa_or_the_kernels():
    """``govsim --help``, and a pool command's parent process, need neither Mesa nor numba."""
    code = (
        "import sys\n"
        "from govsim.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "from govsim.model import MonthCalendar, PARAMETERS\n"
        "from govsim.agents import MODES\n"
        "import govsim.scenarios.ensemble, govsim.scenarios.report\n"
        "heavy = [m for m in ('mesa', 'numba', 'pyabc', 'matplotlib') if m in sys.modules]\n"
        "print(','.join(heavy) or 'none')\n"
        "from govsim.model import GovernanceModel\n"
        "print('mesa' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[-2:] == ["none", "True"]

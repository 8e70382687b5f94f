"""Keep docs/ODD.md and docs/parameters.md true to the code.

These tests fail when someone adds a mechanism, a parameter, a random stream, an agent type, an
agent behaviour or a named constant without documenting it.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import re
from pathlib import Path

import mesa
import pytest

from govsim import agents
from govsim.model.governance_model import STREAMS
from govsim.model.parameters import PARAMETERS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ODD = DOCS / "ODD.md"
PARAMETER_TABLE = DOCS / "parameters.md"
MECHANISMS = ROOT / "model" / "mechanisms"
AGENTS = ROOT / "agents"

ODD_HEADINGS = (
    "1 Purpose and patterns",
    "2 Entities, state variables and scales",
    "3 Process overview and scheduling",
    "4 Design concepts",
    "5 Initialisation",
    "6 Input data",
    "7 Submodels",
    "Deviations from the design note and why",
)


@pytest.fixture(scope="module")
def odd_text() -> str:
    return ODD.read_text(encoding="utf-8")


def _mentioned(name: str, text: str) -> bool:
    """Whether ``name`` occurs in ``text`` as a whole identifier (not inside a longer one)."""
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text) is not None


def _module_sources(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.py") if p.name != "__init__.py")


def _public_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    return [
        node.name
        for node in tree.body
        if isinstance(node, functions) and not node.name.startswith("_")
    ]


def _constants(path: Path) -> list[str]:
    """Module-level UPPER_CASE names assigned in ``path`` (named numbers and tables)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            elts = target.elts if isinstance(target, ast.Tuple) else [target]
            for elt in elts:
                if isinstance(elt, ast.Name) and re.fullmatch(r"[A-Z][A-Z0-9_]*", elt.id):
                    names.append(elt.id)
    return names


def _agent_classes() -> list[type]:
    return [
        obj
        for name in agents.__all__
        if inspect.isclass(obj := getattr(agents, name)) and issubclass(obj, mesa.Agent)
    ]


def _load_table_script():
    spec = importlib.util.spec_from_file_location(
        "make_parameter_table", DOCS / "make_parameter_table.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_odd_has_the_protocol_headings(odd_text: str) -> None:
    headings = [line.lstrip("#").strip() for line in odd_text.splitlines() if line.startswith("#")]
    for wanted in ODD_HEADINGS:
        assert any(wanted in h for h in headings), f"docs/ODD.md lacks the heading '{wanted}'"


def test_every_mechanism_function_is_in_the_odd(odd_text: str) -> None:
    modules = _module_sources(MECHANISMS)
    assert modules, "no mechanism modules found"
    missing = [
        f"{path.stem}.{name}"
        for path in modules
        for name in _public_functions(path)
        if not _mentioned(name, odd_text)
    ]
    assert not missing, f"mechanism functions not named in docs/ODD.md: {missing}"


def test_every_mechanism_module_is_in_the_odd(odd_text: str) -> None:
    missing = [p.name for p in _module_sources(MECHANISMS) if p.name not in odd_text]
    assert not missing, f"mechanism modules not named in docs/ODD.md: {missing}"


def test_every_random_stream_is_in_the_odd(odd_text: str) -> None:
    missing = [name for name in STREAMS if not _mentioned(name, odd_text)]
    assert not missing, f"random streams of STREAMS not named in docs/ODD.md: {missing}"


def test_every_agent_type_is_in_the_odd(odd_text: str) -> None:
    classes = _agent_classes()
    assert len(classes) >= 5, f"expected the five agent types, found {classes}"
    missing = [c.__name__ for c in classes if not _mentioned(c.__name__, odd_text)]
    assert not missing, f"agent classes not named in docs/ODD.md: {missing}"


def test_every_agent_behaviour_method_is_in_the_odd(odd_text: str) -> None:
    """Public methods defined on the agent classes (not properties) appear as Class.method."""
    missing = []
    for cls in _agent_classes():
        for klass in cls.__mro__:
            if klass in (mesa.Agent, object) or not issubclass(klass, mesa.Agent):
                continue
            for name, attr in vars(klass).items():
                if name.startswith("_") or not inspect.isfunction(attr):
                    continue
                if f"{klass.__name__}.{name}" not in odd_text:
                    missing.append(f"{klass.__name__}.{name}")
    assert not missing, f"agent methods not documented in docs/ODD.md: {sorted(set(missing))}"


def test_every_named_constant_is_in_the_odd(odd_text: str) -> None:
    """Named numbers in mechanisms and agents are assumptions or sources: all documented."""
    missing = [
        f"{path.parent.name}/{path.name}:{name}"
        for folder in (MECHANISMS, AGENTS)
        for path in _module_sources(folder)
        for name in _constants(path)
        if not _mentioned(name, odd_text)
    ]
    assert not missing, f"named constants not documented in docs/ODD.md: {missing}"


def test_every_parameter_is_in_the_odd(odd_text: str) -> None:
    missing = [name for name in PARAMETERS if not _mentioned(name, odd_text)]
    assert not missing, f"parameters not named in docs/ODD.md: {missing}"


def test_every_parameter_is_in_the_parameter_table() -> None:
    text = PARAMETER_TABLE.read_text(encoding="utf-8")
    missing = [name for name in PARAMETERS if f"`{name}`" not in text]
    assert not missing, f"parameters missing from docs/parameters.md: {missing}"


def test_parameter_table_is_up_to_date() -> None:
    script = _load_table_script()
    expected = script.render()
    actual = PARAMETER_TABLE.read_text(encoding="utf-8")
    assert actual == expected, (
        "docs/parameters.md is out of date: run `.venv/bin/python docs/make_parameter_table.py`"
    )


def test_parameter_table_render_reflects_its_input() -> None:
    """The renderer really reads the parameters it is given (so the check above can fail)."""
    script = _load_table_script()
    one = dict(list(PARAMETERS.items())[:1])
    text = script.render(one)
    (name,) = one
    assert f"`{name}`" in text
    assert all(f"`{other}`" not in text for other in list(PARAMETERS)[1:])


def test_the_readme_python_api_example_runs(tmp_path, monkeypatch) -> None:
    """The README's "Python API" blocks run as written and show what they say."""
    monkeypatch.chdir(tmp_path)  # the example saves into out/
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("```", 1)[0] for b in section.split("```python\n")[1:]]
    assert len(blocks) == 2
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    res, same = namespace["res"], namespace["same"]
    assert res.scenarios == ["baseline", "dso_delay"] and res.replications == 5
    assert (tmp_path / "out" / "dso" / "manifest.json").exists()
    assert same.to_frame().equals(res.to_frame())
    assert namespace["res"].difference("transition_physical", "dso_delay").min().min() < 0
    mine = namespace["mine"]
    snap = mine.snapshot().set_index("name")
    assert snap.loc["Borne", "strategy_physical"] == "wait"
    assert snap.loc["Borne", "secretary_role"] == "changer"
    assert snap["lever_coach_college"].eq(0.7).all()
    assert len(namespace["series"]) == namespace["model"].steps


@pytest.mark.parametrize(
    "table",
    ["[physical]\nentri = 2021-01-01\n", "[parameters]\ntransition_rate = 5\n"],
)
def test_the_error_examples_in_docs_scenarios_md_are_the_messages_given(table):
    """docs/scenarios.md shows real messages (wrapped for reading), not older wordings."""
    from govsim.scenarios.loader import loads_scenario
    from govsim.scenarios.scenario import ScenarioError

    head = 'name = "mine"\ntitle = {nl = "m", en = "m"}\ndescription = {nl = "d", en = "d"}\n'
    with pytest.raises(ScenarioError) as info:
        loads_scenario(head + table, path="mine.toml")
    shown = " ".join((DOCS / "scenarios.md").read_text(encoding="utf-8").split())
    assert " ".join(str(info.value).split()) in shown

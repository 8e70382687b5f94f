"""The declarative file schemas: exported JSON Schemas, `govsim schema`, the checks they make."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from govsim.cli import main
from govsim.experiments.spec import SpecError, loads_spec
from govsim.file_schemas import file_schema
from govsim.model.parameters import CHOICES, PARAMETERS
from govsim.scenarios.loader import FILES_DIR, loads_scenario
from govsim.scenarios.scenario import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "experiments" / "specs"
SCENARIO_TOP = ("name", "extends", "title", "description", "parameters", "social", "physical")
SCENARIO_TOP += ("dso", "budget_shocks", "cooperation", "coalition", "strategy", "expect")
SPEC_TOP = ("experiment", "design", "factors", "outcomes", "series")


def as_json(value: Any) -> Any:
    """TOML data as a JSON document has it: dates as ISO texts."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = file_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def toml_file(path: Path) -> Any:
    return as_json(tomllib.loads(path.read_text(encoding="utf-8")))


def docs_block(name: str, after: str = "") -> str:
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    return re.search(r"```toml\n(.*?)```", text.split(after, 1)[-1] if after else text, re.S).group(
        1
    )


# ---------------------------------------------------------------------------- shipped files
@pytest.mark.parametrize("path", sorted(FILES_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_file_validates_against_the_schema(path: Path) -> None:
    errors = [e.message for e in validator("scenario").iter_errors(toml_file(path))]
    assert not errors, errors


@pytest.mark.parametrize("path", sorted(SPECS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_experiment_spec_validates_against_the_schema(path: Path) -> None:
    errors = [e.message for e in validator("experiment").iter_errors(toml_file(path))]
    assert not errors, errors


def test_the_documented_examples_validate_against_the_schemas() -> None:
    scenario = tomllib.loads(docs_block("scenarios.md", "## Complete annotated example"))
    assert not list(validator("scenario").iter_errors(as_json(scenario)))
    spec = tomllib.loads(docs_block("experiments.md"))
    assert not list(validator("experiment").iter_errors(as_json(spec)))


# ---------------------------------------------------------------- the schemas say something
HEADER = 'name = "broken"\n[title]\nnl = "Kapot"\n[description]\nen = "A broken file."\n'
REJECTED_SCENARIOS = [
    HEADER + "[dso]\nfulll = 2025-01-01\n",  # unknown key
    HEADER + '[[cooperation]]\ndomain = "physical"\nstart = 2016-03-01\nintensity = 1.5\n',
    HEADER + '[[coalition]]\nelection = 2018-03-21\ndomain = "social"\nstance = "loslaten"\n',
    HEADER + "[parameters]\nstaff_floor = 500\n",  # the range of model.parameters
    HEADER + "[parameters]\nstaff_floor = 12.5\n",  # a whole number
    HEADER + "[physical]\nlead_time_months = 1.5\n",
    HEADER.replace('name = "broken"', 'name = "Mijn Scenario"'),
    HEADER + '[[strategy]]\nwhere = "all"\nrole = "king"\n',
    HEADER.replace('name = "broken"\n', ""),  # required
]


@pytest.mark.parametrize("text", REJECTED_SCENARIOS)
def test_the_scenario_schema_rejects_what_the_loader_rejects(text: str) -> None:
    assert list(validator("scenario").iter_errors(as_json(tomllib.loads(text))))
    with pytest.raises(ScenarioError):
        loads_scenario(text)


GOOD_SPEC = """
[experiment]
scenario = "baseline"
[design]
method = "lhs"
samples = 8
[[factors]]
name = "training_intensity"
range = [0.2, 0.9]
[[outcomes]]
indicator = "transformation_physical"
date = "2015-12"
"""
REJECTED_SPECS = [
    GOOD_SPEC.replace('method = "lhs"', 'method = "latin"'),
    GOOD_SPEC.replace("samples = 8", "samples = 8\nsampels = 3"),
    GOOD_SPEC.replace('"training_intensity"', '"training_intensty"'),
    GOOD_SPEC.replace('"transformation_physical"', '"transformation_fysiek"'),
    GOOD_SPEC.replace('scenario = "baseline"', 'scenario = "baseline"\nreplications = 0'),
    GOOD_SPEC.replace('date = "2015-12"', 'date = "2015/12"'),
    GOOD_SPEC.replace('scenario = "baseline"\n', ""),
]


def test_the_good_spec_is_valid() -> None:
    assert not list(validator("experiment").iter_errors(as_json(tomllib.loads(GOOD_SPEC))))
    assert loads_spec(GOOD_SPEC).factors[0].name == "training_intensity"


@pytest.mark.parametrize("text", REJECTED_SPECS)
def test_the_experiment_schema_rejects_what_the_loader_rejects(text: str) -> None:
    assert list(validator("experiment").iter_errors(as_json(tomllib.loads(text))))
    with pytest.raises(SpecError):
        loads_spec(text)


def test_parameter_ranges_and_choices_come_from_the_parameter_table() -> None:
    defs = file_schema("scenario")["$defs"]
    for name, p in PARAMETERS.items():
        entry = defs["Parameters"]["properties"][name]
        assert (entry["minimum"], entry["maximum"]) == (p.low, p.high), name
        assert entry["type"] == ("integer" if p.integer else "number"), name
        assert p.description in entry["description"]
    for name, c in CHOICES.items():
        assert defs["StrategyRule"]["properties"][name]["enum"] == list(c.values)


def test_every_key_has_a_description_and_no_null() -> None:
    for kind in ("scenario", "experiment"):
        schema = file_schema(kind)
        assert '"null"' not in json.dumps(schema)
        tables = [schema, *schema["$defs"].values()]
        for table in tables:
            for key, entry in table.get("properties", {}).items():
                assert "description" in entry or "$ref" in entry, (kind, key)


# ---------------------------------------------------------------------------- messages
def test_an_unknown_key_gets_a_did_you_mean_hint() -> None:
    with pytest.raises(ScenarioError) as info:
        loads_scenario(HEADER + "[dso]\nfulll = 2025-01-01\n")
    message = str(info.value)
    assert "field 'dso.fulll' = 2025-01-01 is not a known key (did you mean 'full'?)" in message
    assert "Allowed: keys in [dso]: 'start', 'full', 'delay_months'" in message
    with pytest.raises(SpecError) as info:
        loads_spec(GOOD_SPEC.replace("samples = 8", "samples = 8\nsampels = 3"))
    assert "field 'design.sampels' = 3 is not a known key (did you mean 'samples'?)" in str(
        info.value
    )


def test_the_first_mistake_in_the_file_order_is_reported() -> None:
    text = HEADER + "[physical]\nentry = 5\n[dso]\nfulll = 1\n"
    with pytest.raises(ScenarioError, match=r"'physical\.entry' = 5 is an integer, not a date"):
        loads_scenario(text)


def test_a_rule_inside_a_table_names_the_field_and_the_value_as_written() -> None:
    text = HEADER + '[dso]\nfull = 2025-01-01\npostpone_entry = false\nannounced = "2019-01-01"\n'
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text)
    assert "field 'dso.announced' = '2019-01-01' has no effect with postpone_entry = false" in str(
        info.value
    )


# ---------------------------------------------------------------------------- govsim schema
@pytest.mark.parametrize(("kind", "top"), [("scenario", SCENARIO_TOP), ("experiment", SPEC_TOP)])
def test_govsim_schema_prints_the_json_schema(kind: str, top: tuple[str, ...], capsys) -> None:
    assert main(["schema", kind]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert kind in schema["title"]
    assert tuple(schema["properties"]) == top
    assert schema["additionalProperties"] is False
    jsonschema.Draft202012Validator.check_schema(schema)


def test_govsim_schema_out_writes_the_file_atomically(tmp_path: Path, capsys) -> None:
    out = tmp_path / "editor" / "scenario.schema.json"
    assert main(["schema", "scenario", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out}"
    assert json.loads(out.read_text(encoding="utf-8")) == file_schema("scenario")
    assert [p.name for p in out.parent.iterdir()] == ["scenario.schema.json"]


def test_govsim_schema_out_a_folder_or_below_a_file_is_one_paragraph(tmp_path: Path, capsys):
    assert main(["schema", "experiment", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"govsim schema: --out {tmp_path} is a folder") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "file").write_text("x", encoding="utf-8")
    out = tmp_path / "file" / "sub" / "scenario.schema.json"
    assert main(["schema", "scenario", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"cannot be written: {tmp_path / 'file'} is a file, not a folder" in err
    assert err.count("\n") == 1 and "Allowed: the name of a .json file" in err
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('name = 5\n[title]\nen = "T"\n[description]\nen = "D"\n', "is an integer, not a text"),
        (HEADER + "[physical]\npostponements = 5\n", "is an integer but must be an array"),
        (HEADER + "[physical]\nentry = [2021]\n", "is an array, not a date"),
        ('dso = "soon"\n' + HEADER, "is a string but must be a table"),
    ],
)
def test_type_names_take_the_right_article(text: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text)
    message = str(info.value)
    assert expected in message
    assert not re.search(r"\ba (integer|array|[aeiou]\w*)\b", message), message

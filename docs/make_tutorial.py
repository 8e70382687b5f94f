"""Write docs/tutorial.ipynb (unexecuted) from the cells below: ``python docs/make_tutorial.py``.

The test suite executes the notebook (tests/test_tutorial.py), so every cell has to run on a
fresh install; keep the runs small (a few municipalities or replications).
"""

from pathlib import Path

import nbformat

CELLS: list[tuple[str, str]] = [
    (
        "md",
        """# govsim tutorial: a strategist's and a researcher's tour

govsim simulates how Dutch municipalities took on the 3D decentralisations (2015) and the
Omgevingswet, after the 2018 report *Leren Decentraliseren* of municipal secretaries. This
notebook shows the Python API; the command line (`govsim run`, `govsim lessons`,
`govsim experiment`) does the same at scale. Every run is seeded: the same seed gives the same
numbers, byte for byte.""",
    ),
    (
        "md",
        """## 1. The strategist: what if the national DSO system comes later?

`govsim.run` runs scenarios as an ensemble with **common random numbers**: replication *i*
has the same seed in every scenario, so differences are the scenario's, not chance's. The
shipped scenarios are listed by `govsim.scenario_names()`.""",
    ),
    (
        "code",
        """%matplotlib inline
import govsim

govsim.scenario_names()""",
    ),
    (
        "code",
        """result = govsim.run(
    ["baseline", "dso_delay"],
    replications=4,
    seed=2018,
    municipalities=["Utrecht"],  # a province: 26 municipalities, quick
)
result""",
    ),
    (
        "md",
        """The result shows itself as a small table (median and 5-95% band over replications
at the end of the period). `.plot()` draws the headline series: transition (the new tasks are done)
and transformation (the new way of working) in both domains.""",
    ),
    (
        "code",
        """fig = result.plot()
fig""",
    ),
    (
        "md",
        """**How many months later** does the physical transition reach 90% when the DSO
comes later? `.difference()` gives the paired difference against the reference (baseline) per month;
`.to_frame()` a tidy frame with real dates.""",
    ),
    (
        "code",
        """frame = result.to_frame(["transition_physical"])
median = frame.groupby(["scenario", "date"], observed=True)["value"].median().unstack(0)
reached = (median >= 0.9).idxmax()
months_later = (reached["dso_delay"].to_period("M") - reached["baseline"].to_period("M")).n
print(reached.dt.strftime("%Y-%m").to_dict(), "->", months_later, "months later")""",
    ),
    ("code", """result.difference("transition_physical", "dso_delay").loc["2022-01-01"]"""),
    (
        "md",
        """## 2. The secretary's choices as levers

A scenario can set the secretary's choices per municipality (`[[strategy]]` tables in a
scenario file, or `--strategy` on the command line). In Python, build the model directly:
here every municipality of the province starts early on the Omgevingswet. A bare "Utrecht"
selects the province in `municipalities=` (26 municipalities, the city among them) but only
the city in a rule's `where`, so the rule says `"province Utrecht"`; a rule that selects
none of the municipalities simulated warns that it changes nothing.""",
    ),
    (
        "code",
        """from govsim.model.governance_model import GovernanceModel

plain = GovernanceModel(rng=7, municipalities=["Utrecht"]).run("2020-12")
early = GovernanceModel(
    rng=7,
    municipalities=["Utrecht"],
    strategy=[{"where": "province Utrecht", "start_early": 1.0}],
).run("2020-12")
for name, m in (("as is", plain), ("start early", early)):
    print(f"{name:12s} physical transition {m.indicators['transition_physical']:.3f}")""",
    ),
    (
        "md",
        """## 3. The researcher: data, arrays and files

`.to_xarray()` gives one variable per indicator over (scenario, replication, date);
`.summary()` the medians and bands as a long table; `.save()` writes a folder that
`govsim report` and `govsim.load` read back (checked against its manifest's hashes).""",
    ),
    (
        "code",
        """ds = result.to_xarray()
ds["transformation_social"].sel(date="2017-08").mean("replication").to_series()""",
    ),
    (
        "code",
        """import tempfile
from pathlib import Path

folder = Path(tempfile.mkdtemp()) / "dso-run"
result.save(folder, report=False)
again = govsim.load(folder)
(again.to_frame() == result.to_frame()).all().all()""",
    ),
    (
        "md",
        """A model pickles (by replaying its recipe from its seed), so it can be sent to another
process; a model changed by hand between steps says so instead of pickling wrongly.""",
    ),
    (
        "code",
        """import pickle

copy = pickle.loads(pickle.dumps(plain))
same = copy.indicators["transition_physical"] == plain.indicators["transition_physical"]
copy.steps == plain.steps, same""",
    ),
    (
        "md",
        """## 4. A survey at any date

The 2017 survey of municipal secretaries can be fielded in the model at any month: a "virtual
monitor". Observed figures are shown only for the 2017 fieldwork.""",
    ),
    (
        "code",
        """from govsim.experiments.survey.simulate import simulate_survey

survey = simulate_survey(seed=1, date="2021-06", municipalities=["Utrecht"], sample="all")
survey.table.head()""",
    ),
]


def build() -> nbformat.NotebookNode:
    """The notebook, without outputs."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell(text) if kind == "md" else nbformat.v4.new_code_cell(text)
        for kind, text in CELLS
    ]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


if __name__ == "__main__":
    path = Path(__file__).with_name("tutorial.ipynb")
    nbformat.write(build(), path)
    print(f"wrote {path}")

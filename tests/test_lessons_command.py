"""`govsim lessons [WHERE]`: the lessons ranked for a selection (issue 17; scenarios/advice.py)."""

import numpy as np
import pandas as pd
import pytest

from govsim.cli import main
from govsim.model.municipalities import load_municipalities
from govsim.scenarios.advice import (
    FEW_REPLICATIONS,
    rank_lessons,
    reliability,
    sentence,
    simulated_set,
)
from govsim.scenarios.lessons import LESSONS, OUTCOMES

RANKED = tuple(
    o
    for o in OUTCOMES
    if o.name
    in ("transformation_physical_2029", "transition_physical_2021", "satisfaction_physical_2021")
)


def test_a_municipality_is_simulated_with_its_youth_care_region_and_judged_alone():
    frame = load_municipalities()
    simulated, focus = simulated_set("Borne")
    borne = frame[frame["name"] == "Borne"].iloc[0]
    region = frame[frame["youth_region"] == borne["youth_region"]]
    assert focus == [borne["code"]]
    assert sorted(simulated) == sorted(region["code"]) and len(simulated) > 1
    province, focus = simulated_set("province Utrecht")
    assert focus is None and len(province) == 26
    assert simulated_set("size_class <20k") == (None, None)
    assert simulated_set("all") == (None, None)


def _values(effects: dict[str, list[float]], n: int = 8) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    base = rng.uniform(0.3, 0.6, (n, len(RANKED)))
    out = {"baseline": base}
    for name, eff in effects.items():
        out[name] = base + np.asarray(eff) + rng.normal(0, 1e-5, (n, len(RANKED)))
    return out


def test_the_ranking_puts_clear_gains_first_ties_together_and_is_stable():
    lessons = LESSONS[:4]
    effects = {
        lessons[0].name: [-0.05, -0.05, -0.05],  # worse everywhere
        lessons[1].name: [0.04, 0.03, 0.02],  # better everywhere
        lessons[2].name: [0.0, 0.0, 0.0],
        lessons[3].name: [0.0, 0.0, 0.0],
    }
    table, top = rank_lessons(
        _values(effects), "baseline", lessons, RANKED, np.random.default_rng(1)
    )
    order = table["lesson"].tolist()
    assert order[0] == lessons[1].name and order[-1] == lessons[0].name
    ranks = dict(zip(table["lesson"], table["rank"], strict=True))
    assert ranks[lessons[2].name] == ranks[lessons[3].name] == 2  # a tie shares its rank
    assert top == 1.0
    row = table.iloc[0]
    assert row["transformation_physical_2029"] == pytest.approx(0.04, abs=1e-4)
    assert row["transformation_physical_2029_p05"] <= row["transformation_physical_2029"]
    assert sentence(row, RANKED, "en").startswith("improves Omgevingswet transformation 2029")
    assert "verslechtert" in sentence(table.iloc[-1], RANKED, "nl")


def test_the_command_ranks_every_choice_for_a_province(tmp_path, capsys):
    csv = tmp_path / "ranking.csv"
    code = main(["lessons", "province Utrecht", "-n", "2", "-j", "1", "--csv", str(csv), "-q"])
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("What should we do next? province Utrecht: 13 choices")
    assert "(26 municipalities simulated)" in out
    table = pd.read_csv(csv)
    assert len(table) == len(LESSONS) and table["rank"].min() == 1
    assert set(table["lesson"]) == {lesson.name for lesson in LESSONS}
    assert (table["rank_low"] <= table["rank"]).all() and (
        table["rank"] <= table["rank_high"]
    ).all()
    assert out.count("→ ") == len(LESSONS)
    # two replications: the order is not called stable, the command says to use more
    assert "Note: with 2 replication(s) per choice" in out and "stays first" not in out


def test_the_order_is_trusted_only_with_enough_replications():
    assert reliability(1, 1.0, "en").startswith("Note: with 1 replication(s)")
    assert reliability(FEW_REPLICATIONS - 1, 1.0, "nl").startswith("Let op: met 4 replicatie(s)")
    assert reliability(FEW_REPLICATIONS, 0.9, "en").startswith(
        "The first choice stays first in 90%"
    )
    assert reliability(10, 0.5, "en").startswith("Note: the order at the top is not stable")


def test_the_command_refuses_an_unknown_place_in_one_paragraph(capsys):
    assert main(["lessons", "Nowhere"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("govsim lessons: WHERE 'Nowhere'") and err.count("\n") == 1
    assert "Traceback" not in err


def test_a_run_with_lessons_puts_the_ranking_in_its_report_and_keeps_it(tmp_path):
    import govsim
    from govsim.scenarios.ensemble import run_ensemble
    from govsim.scenarios.rerender import rerender_report

    out = run_ensemble(
        ["baseline"],
        replications=2,
        seed=4,
        out_dir=tmp_path / "run",
        municipalities=["Utrecht"],
        progress=False,
        lessons="province Utrecht",
        lessons_replications=2,
    )
    assert "lessons.csv" in out.manifest["files"]
    assert out.manifest["lessons"]["where"] == "province Utrecht"
    page = out.report.read_text(encoding="utf-8")
    assert "What should we do next? (province Utrecht)" in page
    section = page.split("id='lessons'", 1)[1].split("</table>", 1)[0]
    assert section.count("<tr><td class='sc'>") == len(LESSONS)
    assert "with 2 replication(s) per choice" in section and "stays first" not in section
    back = govsim.load(out.out_dir)
    pd.testing.assert_frame_equal(
        back.data.lessons["table"], pd.read_csv(out.out_dir / "lessons.csv")
    )
    rerender_report(out.out_dir, "nl")
    assert "Wat moeten we nu doen? (province Utrecht)" in out.report.read_text(encoding="utf-8")

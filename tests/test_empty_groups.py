"""A size class without municipalities has missing (NaN) indicators, not zeros.

A run on a subset (``--municipalities Borne``, a province) lacks some of the report's five size
classes. Their means and percentiles do not exist: both backends give NaN for them, the real
value for the classes present, and the summaries, the findings ("by size"), the key table and
the figures leave them out. A national run has every class, so no NaN (and, unchanged, the
same bytes as before).
"""

from __future__ import annotations

import html
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from govsim.model import GovernanceModel
from govsim.model.indicators import INDICATOR_NAMES, PERCENTILES, compute_indicators, label
from govsim.model.municipalities import SIZE_CLASSES
from govsim.model.timeline import DOMAINS
from govsim.scenarios.ensemble import run_ensemble
from govsim.scenarios.findings import findings
from govsim.scenarios.report import figures_spec, key_table_html, missing, plot_figure
from govsim.scenarios.report_text import finding_sentence

QUANTITIES = ("transition", "transformation")


def size_class_names(cls: str) -> list[str]:
    """Every indicator of size class ``cls``: means and percentiles, per quantity and domain."""
    return [
        f"{q}_{d}_{cls}{suffix}"
        for q in QUANTITIES
        for d in DOMAINS
        for suffix in ("", *(f"_{p}" for p in PERCENTILES))
    ]


def present(model: GovernanceModel) -> list[str]:
    """The size classes ``model`` has municipalities in."""
    counts = np.bincount(model.municipalities.size_class, minlength=len(SIZE_CLASSES))
    return [cls for cls, n in zip(SIZE_CLASSES, counts, strict=True) if n]


@pytest.fixture(scope="module")
def flevoland() -> GovernanceModel:
    """Flevoland's six municipalities in 2019: none below 10,000 inhabitants."""
    model = GovernanceModel(rng=2, backend="numpy", municipalities=["Flevoland"], collect=False)
    return model.run("2019-01")


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_an_empty_size_class_is_nan_and_a_present_one_its_value(flevoland, backend):
    flevoland.backend = backend
    values = compute_indicators(flevoland)
    classes = present(flevoland)
    assert "lt10k" not in classes and len(classes) >= 2
    for cls in SIZE_CLASSES:
        names = size_class_names(cls)
        if cls not in classes:
            assert all(math.isnan(values[n]) for n in names), cls
            continue
        assert all(math.isfinite(values[n]) for n in names), cls
        members = flevoland.municipalities.size_class == SIZE_CLASSES.index(cls)
        for q in QUANTITIES:
            for d, dom in enumerate(DOMAINS):
                own = getattr(flevoland.state, q)[members, d]
                assert values[f"{q}_{dom}_{cls}"] == pytest.approx(own.mean(), abs=1e-12)
                for p, level in zip(PERCENTILES, (0.1, 0.5, 0.9), strict=True):
                    expected = np.quantile(own, level)
                    assert values[f"{q}_{dom}_{cls}_{p}"] == pytest.approx(expected, abs=1e-12)


def test_both_backends_give_the_same_bytes_with_the_nans_in_the_same_places(flevoland):
    rows = []
    for backend in ("numba", "numpy"):
        flevoland.backend = backend
        values = compute_indicators(flevoland)
        assert list(values) == INDICATOR_NAMES
        rows.append(np.array(list(values.values())))
    assert rows[0].tobytes() == rows[1].tobytes()
    assert np.isnan(rows[0]).sum() == len(size_class_names("lt10k"))


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_a_national_run_has_every_size_class(backend):
    model = GovernanceModel(rng=5, backend=backend).run("2015-06")
    series = model.national_series()
    names = [n for cls in SIZE_CLASSES for n in size_class_names(cls)]
    assert not series[names].isna().any().any()
    assert not series.isna().any().any()


@pytest.fixture(scope="module")
def borne(tmp_path_factory):
    """Two scenarios on Borne alone (20,000-50,000 inhabitants), report in Dutch."""
    return run_ensemble(
        ["baseline", "regional_cooperation"],
        replications=2,
        seed=3,
        out_dir=tmp_path_factory.mktemp("borne") / "run",
        lang="nl",
        municipalities=["Borne"],
        progress=False,
    )


def test_the_series_and_summary_of_a_subset_store_empty_classes_as_missing(borne):
    data = borne.data
    for name in data.names:
        for cls in SIZE_CLASSES:
            column = data.column(name, f"transition_physical_{cls}")
            assert np.isnan(column).all() == (cls != "20k_50k"), cls
    summary = pd.read_csv(borne.out_dir / "summary.csv")
    small = summary[summary["indicator"] == "transition_physical_lt10k"]
    assert len(small) and small[["median", "p05", "p95", "mean"]].isna().all().all()
    own = summary[summary["indicator"] == "transition_physical_20k_50k"]
    assert own[["median", "p05", "p95", "mean"]].notna().all().all()
    stored = pd.read_parquet(borne.out_dir / "series" / "baseline.parquet")
    assert stored["transition_physical_lt10k"].isna().all()


def test_the_report_of_a_subset_does_not_mention_an_empty_class(borne):
    data = borne.data
    assert missing(data, "transition_physical_lt10k")
    assert not missing(data, "transition_physical_20k_50k")
    for lang in ("nl", "en"):
        small = label("lt10k", lang)
        for name in data.names:
            found = findings(data, name)
            assert "f_groups" not in [f.key for f in found]  # one class: nothing to compare
            assert not any(small in finding_sentence(f, data, lang) for f in found)
        table = key_table_html(data, lang)
        assert label("transition_physical", lang) in table
        assert small not in table
    page = (borne.out_dir / "report.html").read_text(encoding="utf-8")
    assert html.escape(label("lt10k", "nl")) not in page and "10.000 inw" not in page


def test_the_figures_skip_an_empty_class_without_warnings(borne, tmp_path):
    spec = next(s for s in figures_spec() if s.name == "dso")
    assert any("transition_physical_lt10k" in row for row in spec.grid)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # np.nanmax of an all-NaN panel warns
        png = plot_figure(borne.data, spec, tmp_path / "dso.png", "nl")
    assert png.startswith(b"\x89PNG")


def test_by_size_names_only_the_classes_present(tmp_path):
    output = run_ensemble(
        ["baseline", "dso_delay"],
        replications=2,
        seed=3,
        out_dir=tmp_path / "run",
        municipalities=["Flevoland"],
        progress=False,
        report=False,
    )
    data = output.data
    groups = [f for f in findings(data, "dso_delay") if f.key == "f_groups"]
    assert groups, "a later DSO slows the physical transition of every class in Flevoland"
    values = groups[0].values
    # an empty class read as 0 would be "best" here (every present class loses)
    assert {values["worst"], values["best"]} <= set(SIZE_CLASSES) - {"lt10k"}
    assert values["worst_delta"] <= values["best_delta"] < 0
    for lang in ("nl", "en"):
        assert label("lt10k", lang) not in finding_sentence(groups[0], data, lang)

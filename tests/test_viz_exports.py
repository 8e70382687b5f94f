"""Exports of the workshop app for the debrief (issue 16): CSV files in the app's language
(``;`` and a decimal comma in Dutch, ``,`` and a point in English, labelled headers, values in
words, months as YYYY-MM) and PNG images that explain themselves (title, scenarios, seed, month,
indicator drawn into the image and stored in its text chunks); the map legend's title and unit."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from govsim.model.indicators import BY_NAME
from govsim.model.indicators import label as indicator_label
from govsim.viz import columns, export, i18n, presets
from govsim.viz.charts import ChartRenderer
from govsim.viz.map_view import MapRenderer, legend_title
from govsim.viz.session import Session

BOM = "\ufeff"
SNAKE = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")
MONTH = re.compile(r"^\d{4}-\d{2}$")


@pytest.fixture(scope="module")
def single() -> Session:
    session = Session(["Utrecht"])
    session.reset("baseline", 9, {"regisseur_share": 0.9, "dso_delay": 12, "role": "changer"})
    session.step(14)
    return session


@pytest.fixture(scope="module")
def pair() -> Session:
    session = Session(["Utrecht"])
    session.reset("baseline", 9, compare_with="time_pressure")
    session.step(14)
    return session


def text_of(data: bytes) -> str:
    return data.decode("utf-8")


def read(data: bytes, style: export.CsvStyle) -> pd.DataFrame:
    return pd.read_csv(
        io.StringIO(text_of(data).removeprefix(BOM)),
        sep=style.sep,
        decimal=style.decimal,
        dtype=str,
        keep_default_na=False,
    )


# ---------------------------------------------------------------------------- CSV layout
def test_dutch_csv_has_semicolons_a_decimal_comma_and_a_bom(single):
    style = export.csv_style("nl")
    assert (style.sep, style.decimal) == (";", ",")
    raw = text_of(export.series_csv(single, style))
    assert raw.startswith(BOM)
    header, first = raw.removeprefix(BOM).splitlines()[:2]
    assert header.split(";")[:3] == ["scenario", "toevalsgetal (seed)", "maand"]
    cells = first.split(";")
    assert cells[:3] == ["Basis", "9", "2013-01"]
    numbers = cells[3:]
    assert numbers and all(re.fullmatch(r"-?\d+(,\d+)?(e-?\d+)?", c) for c in numbers if c)
    assert any("," in c for c in numbers) and not any("." in c for c in numbers)
    frame = pd.read_csv(io.StringIO(raw.removeprefix(BOM)), sep=";", decimal=",")
    column = indicator_label("transition_social", "nl")
    expected = single.model.national_series()["transition_social"].to_numpy()
    assert np.allclose(frame[column].to_numpy(), expected)


def test_english_csv_has_commas_and_a_decimal_point(single):
    style = export.csv_style("en")
    assert (style.sep, style.decimal) == (",", ".")
    raw = text_of(export.series_csv(single, style)).removeprefix(BOM)
    frame = pd.read_csv(io.StringIO(raw))
    assert list(frame.columns[:3]) == ["scenario", "random seed", "month"]
    assert frame["scenario"].iloc[0] == "Baseline"
    column = indicator_label("transformation_physical", "en")
    expected = single.model.national_series()["transformation_physical"].to_numpy()
    assert np.allclose(frame[column].to_numpy(), expected)
    assert ";" not in raw.splitlines()[1]


def test_series_headers_are_the_indicator_labels(single):
    for lang in ("nl", "en"):
        frame = export.series_table(single, lang)
        localized = columns.localize(frame, lang, "series")
        for raw, shown in zip(frame.columns, localized.columns, strict=True):
            if raw in BY_NAME:
                assert shown == indicator_label(raw, lang), raw
        assert len(set(localized.columns)) == len(localized.columns)


def test_no_snake_case_header_is_left_and_headers_are_unique(single):
    for lang in ("nl", "en"):
        style = export.csv_style(lang)
        for make in (
            lambda s: export.series_csv(single, s),
            lambda s: export.snapshot_csv(single, s),
            lambda s: export.events_csv(single, s.lang or "nl", s),
        ):
            frame = read(make(style), style)
            left = [c for c in frame.columns if SNAKE.match(c)]
            assert left == [], (lang, left)
            assert len(set(frame.columns)) == len(frame.columns)


def test_snapshot_values_read_as_words_in_dutch(single):
    style = export.csv_style("nl")
    frame = read(export.snapshot_csv(single, style), style)
    assert set(frame["gemeente"]) >= {"Utrecht", "Amersfoort"}
    modes = {i18n.term(m, "nl") for m in ("legal", "performing", "collaborative", "responsive")}
    assert set(frame["dominante sturing — sociaal domein (3D)"]) <= modes
    assert set(frame["rol secretaris"]) == {"veranderaar"}  # the role override
    assert set(frame["secretaris is regisseur"]) <= {"ja", "nee"}
    strategies = {i18n.term(s, "nl") for s in ("wait", "prepare", "front_run")}
    assert set(frame["strategie — sociaal domein (3D)"]) <= strategies
    assert set(frame["grootteklasse"]) <= {
        "< 10.000 inw.",
        "10.000-20.000 inw.",
        "20.000-50.000 inw.",
        "50.000-100.000 inw.",
        "> 100.000 inw.",
    }
    assert set(frame["maand"]) == {"2014-02"}
    share = frame["transitie — sociaal domein (3D)"]
    assert share.str.contains(",").any() and not share.str.contains(r"\.").any()


def test_events_read_as_words_with_months(single):
    style = export.csv_style("nl")
    frame = read(export.events_csv(single, "nl", style), style)
    assert frame["maand"].map(MONTH.match).all()
    kinds = {i18n.t(f"kind_{k}", "nl") for k in ("mode_change", "strategy_change", "new_secretary")}
    assert set(frame["soort"]) <= kinds | {i18n.t("kind_election", "nl")}
    changes = frame[frame["soort"] == i18n.t("kind_strategy_change", "nl")]
    assert not changes.empty and set(changes["oorzaak"]) <= {
        i18n.strategy_cause(c, "nl")
        for c in ("task_known", "review", "postponement", "election", "new_secretary", "scenario")
    }
    assert frame["beschrijving"].str.match(r"^\d{4}-\d{2}: ").all()
    en = export.csv_style("en")
    frame = read(export.events_csv(single, "en", en), en)
    assert "change of strategy" in set(frame["kind"])
    assert frame["month"].map(MONTH.match).all()


def test_machine_csv_keeps_names_and_codes_and_writes_months(single):
    series = pd.read_csv(io.BytesIO(export.series_csv(single)), dtype={"date": str})
    assert list(series.columns[:3]) == ["scenario", "seed", "date"]
    assert series["date"].map(MONTH.match).all()
    assert set(series["scenario"]) == {"baseline"}
    events = pd.read_csv(io.BytesIO(export.events_csv(single, "en")), dtype={"date": str})
    assert events["date"].map(MONTH.match).all() and "strategy_change" in set(events["kind"])
    assert not export.series_csv(single).startswith(BOM.encode("utf-8"))


def test_two_runs_are_told_apart(pair):
    style = export.csv_style("nl")
    frame = read(export.snapshot_csv(pair, style), style)
    assert set(frame["scenario"]) == {"A: Basis", "B: Tijdsdruk"}


def test_a_seed_beyond_64_bits_is_written_whole():
    session = Session(["Utrecht"])
    seed = 2**128 - 1
    session.reset("baseline", seed)
    session.step(2)
    style = export.csv_style("nl")
    frame = read(export.series_csv(session, style), style)
    assert set(frame["toevalsgetal (seed)"]) == {str(seed)}


# ---------------------------------------------------------------------------- captions
def test_caption_of_the_map_names_everything_in_dutch(single):
    cap = export.caption(single, "nl", "transformation_social")
    assert cap.title == "Kaart: transformatie — sociaal domein (3D)"
    assert cap.lines == (
        "Scenario: " + presets.load("baseline").label("nl"),
        "Indicator: transformatie — sociaal domein (3D), index 0–1",
        "Toevalsgetal (seed): 9 · maand 2014-02 (maand 14 van 204)",
        "Gewijzigd: Aandeel secretarissen als regisseur (i.p.v. coach) = 0,90; "
        "Extra vertraging DSO (maanden) = 12; Rol van de secretaris = veranderaar",
        "Leren decentraliseren — simulatie (govsim)",
    )


def test_caption_of_the_charts_in_english_with_two_runs(pair):
    cap = export.caption(pair, "en")
    assert cap.title == "National trends"
    assert cap.lines[:2] == (
        "A: " + presets.load("baseline").label("en"),
        "B: " + presets.load("time_pressure").label("en"),
    )
    assert "Random seed: 9 · month 2014-02 (month 14 of 204)" in cap.lines
    assert "Levers and choices: as in the scenario" in cap.lines
    assert any(line.startswith("Indicators: ") for line in cap.lines)


def figure_texts(figure) -> str:
    return " ".join(t.get_text() for t in figure.texts).replace("\n", " ")


def words(text: str) -> list[str]:
    return text.replace("\n", " ").split()


def test_exported_map_draws_and_stores_its_caption(pair):
    figure, cap = export.map_figure(pair, "dominant_physical", "nl", "provinces")
    drawn = words(figure_texts(figure))
    assert words(cap.title) == drawn[: len(words(cap.title))]
    for line in cap.lines:
        assert " ".join(words(line)) in " ".join(drawn), line
    assert "A: Basis" in figure_texts(figure) and "B: Tijdsdruk" in figure_texts(figure)
    png = export.map_png(pair, "dominant_physical", "nl", "provinces")
    image = Image.open(io.BytesIO(png))
    assert image.text["Title"] == "Kaart: dominante sturing — fysiek domein (Omgevingswet)"
    assert "Toevalsgetal (seed): 9" in image.text["Description"]
    assert "B: " + presets.load("time_pressure").label("nl") in image.text["Description"]
    # two maps side by side, with a band of text above and below them
    single_map = MapRenderer(pair.model.frame["code"].tolist(), "nl", dpi=export.EXPORT_DPI)
    width, height = single_map.canvas.get_width_height()
    assert image.width > 2 * width and image.height > height + 100
    pixels = np.asarray(image.convert("L"))
    assert (pixels[:40] < 128).any()  # the title is drawn in the top band
    assert (pixels[-40:] < 128).any()  # the caption lines in the bottom band


def test_exported_charts_draw_their_caption(single):
    figure, cap = export.charts_figure(single, "en")
    drawn = " ".join(words(figure_texts(figure)))
    assert cap.title == "National trends" and drawn.startswith("National trends")
    assert "Random seed: 9 · month 2014-02 (month 14 of 204)" in drawn
    assert "Scenario: " + presets.load("baseline").label("en") in drawn
    image = Image.open(io.BytesIO(export.charts_png(single, "en")))
    assert image.text["Title"] == "National trends"
    assert image.text["Description"] == "\n".join(cap.lines)


# ---------------------------------------------------------------------------- legend and ticks
def test_map_legend_has_a_title_with_the_unit(single):
    model = single.model
    renderer = MapRenderer(model.frame["code"].tolist(), "nl")
    renderer.configure("transition_physical", "nl")
    renderer.render(model)
    assert renderer.legend_texts() == [
        "transitie — fysiek domein (Omgevingswet), index 0–1",
        "0,00",
        "0,25",
        "0,50",
        "0,75",
        "1,00",
    ]
    renderer.configure("citizen_trust", "en")
    assert renderer.legend_texts()[0] == "citizens' trust, index 0–1"
    assert renderer.legend_texts()[1:3] == ["0.00", "0.25"]
    renderer.configure("dominant_social", "nl")
    assert renderer.legend_texts() == [
        "dominante sturing — sociaal domein (3D)",
        "rechtmatig",
        "presterend",
        "samenwerkend",
        "responsief",
    ]
    assert legend_title("dominant_social", "en") == "dominant steering — social domain (3D)"


def test_chart_ticks_have_a_decimal_comma_in_dutch(single):
    renderer = ChartRenderer()
    renderer.render([single.model], ["A"], "nl")
    assert [t.get_text() for t in renderer.axes.flat[0].get_yticklabels()] == ["0", "0,5", "1"]
    renderer.render([single.model], ["A"], "en")
    assert [t.get_text() for t in renderer.axes.flat[0].get_yticklabels()] == ["0", "0.5", "1"]

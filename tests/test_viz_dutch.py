"""The workshop app in Dutch all the way (issue 16): names found by their common aliases, the
search field's placeholder and no-match text, numbers with a decimal comma, file names, and
Solara's loading screen. Unit tests of the functions plus widget tests (Solara, no browser)."""

from __future__ import annotations

import csv
from pathlib import Path

import ipyvuetify as v
import pytest
import solara
from app_widgets import render_app
from solara.components.file_download import FileDownloadWidget

from govsim.viz import cli, drilldown, export, i18n, names, presets
from govsim.viz.app import municipality_items
from govsim.viz.session import Session

ROOT = Path(__file__).resolve().parents[1]
MUNICIPALITIES = ROOT / "model" / "data" / "gemeenten_2017.csv"


def official_names() -> list[str]:
    with MUNICIPALITIES.open(encoding="utf-8") as f:
        return [row["statnaam"] for row in csv.DictReader(f)]


# ---------------------------------------------------------------------------- names
def test_fold_drops_case_accents_apostrophes_and_punctuation():
    assert names.fold("'s-Gravenhage") == "s gravenhage"
    assert names.fold("s-Gravenhage") == names.fold("'s-Gravenhage")
    assert names.fold("’s-Hertogenbosch") == "s hertogenbosch"
    assert names.fold("Súdwest-Fryslân") == "sudwest fryslan"
    assert names.fold("  SUDWEST   fryslan ") == "sudwest fryslan"
    assert names.fold("Bergen (NH.)") == "bergen nh"


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Den Haag", "'s-Gravenhage"),
        ("den haag", "'s-Gravenhage"),
        ("The Hague", "'s-Gravenhage"),
        ("s-Gravenhage", "'s-Gravenhage"),
        ("sgravenhage", "'s-Gravenhage"),
        ("'s-Gravenhage", "'s-Gravenhage"),
        ("Den Bosch", "'s-Hertogenbosch"),
        ("DEN BOSCH", "'s-Hertogenbosch"),
        ("s-Hertogenbosch", "'s-Hertogenbosch"),
        ("Sudwest-Fryslan", "Súdwest-Fryslân"),
        ("sudwest fryslan", "Súdwest-Fryslân"),
        ("Zuidwest-Friesland", "Súdwest-Fryslân"),
        ("Bergen NH", "Bergen (NH.)"),
        ("bergen (limburg)", "Bergen (L.)"),
        ("Nuenen", "Nuenen, Gerwen en Nederwetten"),
        ("utrecht", "Utrecht"),
    ],
)
def test_search_finds_official_names_and_common_aliases(typed, found):
    hits = names.search(typed, official_names())
    assert hits[0] == found
    assert names.resolve(typed, official_names()) == found


def test_search_ranks_and_refuses():
    everything = official_names()
    assert names.search("xyzzy", everything) == []
    assert names.search("", everything) == sorted(everything, key=names.sort_key)
    assert len(names.search("", everything)) == 388
    # a name that starts with the text comes before one that only contains it
    hits = names.search("utrecht", everything)
    assert hits[:2] == ["Utrecht", "Utrechtse Heuvelrug"]
    # "den" starts a word of "Den Helder" and of the alias "Den Haag"
    assert {"Den Helder", "'s-Gravenhage"} <= set(names.search("den", everything))
    # ambiguous or partial text resolves to nothing
    assert names.resolve("Bergen", everything) is None
    assert names.resolve("Gravenhage", everything) is None


def test_every_alias_names_a_municipality_of_2017_and_none_clashes():
    everything = official_names()
    folded = {names.fold(n): n for n in everything}
    for official, aliases in names.ALIASES.items():
        assert official in everything, official
        for alias in aliases:
            assert folded.get(names.fold(alias)) in (None, official), alias
    assert len(folded) == len(everything)  # folding keeps the 388 names apart
    assert len({key.replace(" ", "") for key in folded}) == len(everything)


def test_find_row_accepts_aliases():
    session = Session(["Zuid-Holland", "Noord-Brabant", "Friesland"])
    session.reset("baseline", 1)
    model = session.model
    haag = drilldown.find_row(model, "'s-Gravenhage")
    assert haag is not None
    assert drilldown.find_row(model, "Den Haag") == haag
    assert drilldown.find_row(model, "s-gravenhage") == haag
    bosch = drilldown.find_row(model, "Den Bosch")
    assert model.frame["name"].iloc[bosch] == "'s-Hertogenbosch"
    fryslan = drilldown.find_row(model, "Sudwest Fryslan")
    assert model.frame["name"].iloc[fryslan] == "Súdwest-Fryslân"
    assert drilldown.find_row(model, "Atlantis") is None
    assert drilldown.find_row(model, "") is None


def test_municipality_items_filter_only_while_typing():
    everything = official_names()
    assert municipality_items(everything, "", None) == sorted(everything, key=names.sort_key)
    # the field shows the current choice: every name again, as Vuetify does
    assert len(municipality_items(everything, "Utrecht", "Utrecht")) == 388
    assert municipality_items(everything, "den haag", "Utrecht") == ["'s-Gravenhage"]


# ---------------------------------------------------------------------------- numbers
def test_numbers_have_a_decimal_comma_in_dutch():
    assert i18n.number(0.25, 2, "nl") == "0,25"
    assert i18n.number(0.25, 2, "en") == "0.25"
    assert i18n.number(0.1, 2, "nl", sign=True) == "+0,10"
    assert i18n.number(-0.1, 1, "en", sign=True) == "-0.1"
    assert i18n.integer(1234567, "nl") == "1.234.567"
    assert i18n.integer(1234567, "en") == "1,234,567"


def test_drilldown_numbers_follow_the_language():
    session = Session(["Utrecht"])
    session.reset("baseline", 2)
    session.step(6)
    row = drilldown.find_row(session.model, "Utrecht")
    nl = {s.key: s for s in drilldown.sections(session.model, row, "nl")}
    en = {s.key: s for s in drilldown.sections(session.model, row, "en")}
    stance_nl = [r.text for r in nl["college"].rows if "(1)" in r.label]
    stance_en = [r.text for r in en["college"].rows if "(1)" in r.label]
    assert stance_nl and all("," in t and "." not in t for t in stance_nl)
    assert stance_en and all("." in t and "," not in t for t in stance_en)
    participation = [r.text for r in nl["citizens"].rows if r.text.endswith("%")]
    assert any("," in t for t in participation)
    assert drilldown.header(session.model, row, "nl").endswith(" inwoners)")
    assert "." in drilldown.header(session.model, row, "nl")  # 300.000+ inhabitants


# ---------------------------------------------------------------------------- file names
def test_export_file_names_are_dutch_in_dutch():
    session = Session(["Utrecht"])
    session.reset("dso_delay", 9, compare_with="time_pressure")
    session.step(14)
    assert export.filename(session, "charts", "nl") == (
        "govsim_dso-vertraging_vs_tijdsdruk_toevalsgetal9_2014-02_grafieken.png"
    )
    assert export.filename(session, "map", "nl", "dominant_social") == (
        "govsim_dso-vertraging_vs_tijdsdruk_toevalsgetal9_2014-02_"
        "kaart_dominante-sturing-sociaal-domein-3d.png"
    )
    assert export.filename(session, "series", "nl").endswith("_landelijke-reeksen.csv")
    assert export.filename(session, "snapshot", "nl").endswith("_gemeenten.csv")
    assert export.filename(session, "events", "nl").endswith("_gebeurtenissen.csv")
    assert export.filename(session, "charts", "en") == (
        "govsim_dso-delay_vs_time-pressure_seed9_2014-02_charts.png"
    )
    assert export.filename(session, "snapshot", "en").endswith("_municipalities.csv")
    # without a language: the menu keys, as before
    assert export.stem(session) == "govsim_dso_delay_vs_time_pressure_seed9_2014-02"


# ---------------------------------------------------------------------------- loading screen
def test_the_loading_screen_is_dutch():
    css = cli.ASSETS_DIR / "custom.css"
    text = css.read_text(encoding="utf-8")
    assert 'content: "De simulatie wordt geladen…"' in text
    assert 'content: "Gemaakt met "' in text
    assert cli.OFFLINE_ENV["SOLARA_ASSETS_EXTRA_LOCATIONS"] == str(cli.ASSETS_DIR)
    assert cli.OFFLINE_ENV["SOLARA_THEME_TITLE"] == i18n.t("app_title", "nl")
    # shipped in the wheel: the package data glob "data/*" covers files directly in viz/data
    assert css.parent.name == "data" and css.parent.parent.name == "viz"
    assert cli.app_env({})["SOLARA_ASSETS_EXTRA_LOCATIONS"] == str(cli.ASSETS_DIR)


# ---------------------------------------------------------------------------- widgets
@pytest.fixture
def rendered():
    """The whole app for one session: (render context, its Session)."""
    yield from render_app()


def search_widget(rc):
    return rc.find(meta_ref="municipality").widget


def type_into(rc, text: str) -> None:
    """What the browser sends while the facilitator types in the municipality field."""
    search_widget(rc).fire_event("update:search-input", text)


def test_municipality_search_in_dutch_and_english(rendered):
    rc, _ = rendered
    field = search_widget(rc)
    assert field.label == "Kies een gemeente"
    assert field.placeholder == "Typ een naam, bijv. Den Haag of Den Bosch"
    assert field.no_filter is True
    assert len(field.items) == 388
    type_into(rc, "den haag")
    assert search_widget(rc).items == ["'s-Gravenhage"]
    search_widget(rc).v_model = "'s-Gravenhage"
    header = rc.find(meta_ref="muni_header_0").widget.unsafe_innerHTML
    assert header.startswith("'s-Gravenhage (Zuid-Holland, ")
    assert header.endswith(" inwoners)")
    type_into(rc, "Sudwest-Fryslan")
    assert search_widget(rc).items[0] == "Súdwest-Fryslân"
    type_into(rc, "xyzzy")
    assert search_widget(rc).items == []
    assert search_widget(rc).no_data_text == "Geen gemeente gevonden voor 'xyzzy'."
    rc.find(meta_ref="lang_en").widget.click()
    assert search_widget(rc).no_data_text == "No municipality matches 'xyzzy'."
    assert search_widget(rc).placeholder == "Type a name, e.g. The Hague or Den Bosch"
    type_into(rc, "")
    assert len(search_widget(rc).items) == 388


def test_export_buttons_offer_dutch_file_names(rendered):
    rc, session = rendered
    rc.find(meta_ref="step").widget.click()
    rc.find(v.Tabs).widget.v_model = 2
    widgets = rc.find(FileDownloadWidget).widgets
    files = [w.filename for w in widgets if not w.filename.endswith(".json")]  # not the session
    stem = f"govsim_basis_toevalsgetal{session.primary.seed}_2013-01"
    assert files == [
        f"{stem}_grafieken.png",
        f"{stem}_kaart_transformatie-sociaal-domein-3d.png",
        f"{stem}_landelijke-reeksen.csv",
        f"{stem}_gemeenten.csv",
        f"{stem}_gebeurtenissen.csv",
    ]
    rc.find(meta_ref="lang_en").widget.click()
    files = [w.filename for w in rc.find(FileDownloadWidget).widgets]
    assert files[0] == f"govsim_baseline_seed{session.primary.seed}_2013-01_charts.png"
    assert files[2].endswith("_national-series.csv")


def slider_values(rc) -> list[str]:
    """The numbers shown beside the big sliders."""
    return [
        w.unsafe_innerHTML
        for w in rc.find(solara.widgets.HTML).widgets
        if (w.attributes or {}).get("class") == "govsim-slider-value"
    ]


def test_slider_values_have_a_decimal_comma_in_dutch(rendered):
    rc, session = rendered
    scenario = session.primary.scenario
    shares = [presets.scenario_value(scenario, s.key) for s in presets.SLIDERS if not s.integer]
    expected = [f"{v:.2f}" for v in shares]
    assert set(e.replace(".", ",") for e in expected) <= set(slider_values(rc))
    assert not any("." in text for text in slider_values(rc))
    rc.find(meta_ref="lang_en").widget.click()
    assert set(expected) <= set(slider_values(rc))
    assert not any("," in text for text in slider_values(rc))

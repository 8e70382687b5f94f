"""Protected controls of the workshop app (issue 16): the seed field (its range, stated in the
message, is the command line's; Enter applies it), Reset / Step / Play disabled while a Reset
runs and their late clicks dropped, and a confirmation before a run is discarded by a preset
change or the side-by-side switch. Widget tests in a Solara kernel context, no browser."""

from __future__ import annotations

import argparse
import time

import ipyvuetify as v
import pytest
from app_widgets import render_app

from govsim import argtypes
from govsim.viz import i18n, presets
from govsim.viz.app import DISCARD_CONFIRM_MONTHS, MENU_PROPS, click_epoch
from govsim.viz.session import MAX_SEED, SeedError, parse_seed

MAX_TEXT_NL = "340.282.366.920.938.463.463.374.607.431.768.211.455"
MAX_TEXT_EN = "340,282,366,920,938,463,463,374,607,431,768,211,455"


# ---------------------------------------------------------------------------- seed range
def cli_seed(text: str) -> int | None:
    try:
        return argtypes.seed(text)
    except argparse.ArgumentTypeError:
        return None


def app_seed(text: str) -> int | None:
    try:
        return parse_seed(text)
    except SeedError:
        return None


@pytest.mark.parametrize(
    "text",
    [
        "0",
        "42",
        " 20180101 ",
        "1_000",
        "9" * 23,
        str(2**64),
        str(2**128 - 1),
        str(2**128),
        "9" * 39,
        "9" * 45,
        "-1",
        "abc",
        "1.5",
        "",
    ],
)
def test_the_app_takes_the_seeds_the_command_line_takes(text):
    assert app_seed(text) == cli_seed(text)


def test_seed_limits():
    assert MAX_SEED == argtypes.MAX_SEED == 2**128 - 1
    assert parse_seed(str(2**128 - 1)) == 2**128 - 1
    with pytest.raises(SeedError, match=r"from 0 to 2\*\*128 - 1"):
        parse_seed(str(2**128))
    long = "9" * 500
    with pytest.raises(SeedError) as info:
        parse_seed(long)
    assert len(info.value.text) == 40 and info.value.text.endswith("...")
    assert i18n.integer(MAX_SEED, "nl") == MAX_TEXT_NL


def test_click_epoch_reads_the_button_id():
    assert click_epoch({"target": {"id": "govsim-step-3"}}) == 3
    assert click_epoch({"target": {"id": "govsim-reset-12"}}) == 12
    assert click_epoch({"target": {"id": ""}}) is None
    assert click_epoch({"target": {"id": "something-else"}}) is None
    assert click_epoch({"target": "Object"}) is None
    assert click_epoch(None) is None
    assert click_epoch({}) is None


# ---------------------------------------------------------------------------- widgets
@pytest.fixture
def rendered():
    """The whole app for one session: (render context, its Session)."""
    yield from render_app()


def widget(rc, ref: str):
    return rc.find(meta_ref=ref).widget


def month_text(rc) -> str:
    return widget(rc, "month").unsafe_innerHTML


def error_text(rc) -> str:
    return widget(rc, "error").children[0]


def press_enter(rc) -> None:
    """What the browser sends when Enter is released in the seed field."""
    widget(rc, "seed").fire_event("keyup.enter", {})


def advance(rc, session, months: int) -> None:
    """Simulate ``months`` months and let the page catch up (one Step click)."""
    session.step(months - 1)
    widget(rc, "step").click()
    assert session.steps == months


def test_a_bad_seed_states_the_allowed_range(rendered):
    rc, session = rendered
    model = session.model
    for bad in ("-1", str(2**128), "abc"):
        widget(rc, "seed").v_model = bad
        press_enter(rc)
        message = error_text(rc)
        assert "van 0 tot en met 2^128 − 1" in message, message
        assert f"({MAX_TEXT_NL})" in message
        assert f"niet '{bad}'" in message
        assert widget(rc, "seed").error is True
        assert session.model is model
    rc.find(meta_ref="lang_en").widget.click()
    message = error_text(rc)
    assert "from 0 to 2^128 − 1" in message and f"({MAX_TEXT_EN})" in message
    assert message.endswith("The model was not reset.")


def test_enter_in_the_seed_field_applies_it(rendered):
    rc, session = rendered
    widget(rc, "step").click()
    widget(rc, "seed").v_model = "77"
    assert session.primary.seed != 77  # typing alone changes nothing
    press_enter(rc)
    assert session.primary.seed == 77 and session.steps == 0
    rc.find(meta_ref="error").assert_empty()
    assert widget(rc, "seed").error is False
    widget(rc, "seed").v_model = str(2**128 - 1)
    press_enter(rc)
    assert session.primary.seed == 2**128 - 1
    assert month_text(rc) == "maand 0 van 204"


def test_controls_are_disabled_while_a_reset_runs(rendered, monkeypatch):
    rc, session = rendered
    seen = {}
    real = session.reset

    def watched(*args, **kwargs):
        seen["disabled"] = {n: widget(rc, n).disabled for n in ("reset", "step", "play")}
        seen["ids"] = {n: widget(rc, n).attributes["id"] for n in ("reset", "step", "play")}
        # clicks that arrive now are not carried out, now or later
        widget(rc, "step").click()
        widget(rc, "play").click()
        widget(rc, "reset").click()
        seen["calls"] = seen.get("calls", 0) + 1
        return real(*args, **kwargs)

    monkeypatch.setattr(session, "reset", watched)
    widget(rc, "step").click()
    assert {n: widget(rc, n).disabled for n in ("reset", "step", "play")} == dict.fromkeys(
        ("reset", "step", "play"), False
    )
    widget(rc, "reset").click()
    assert seen["disabled"] == {"reset": True, "step": True, "play": True}
    assert seen["calls"] == 1
    assert session.steps == 0
    assert widget(rc, "play").children[-1] == "Afspelen"  # Play was not queued either
    assert {n: widget(rc, n).disabled for n in ("reset", "step", "play")} == dict.fromkeys(
        ("reset", "step", "play"), False
    )
    # the buttons were drawn with the new epoch before the model was rebuilt
    assert seen["ids"] == {n: widget(rc, n).attributes["id"] for n in ("reset", "step", "play")}


def test_a_click_sent_before_the_reset_is_dropped(rendered):
    rc, session = rendered
    stale = widget(rc, "step").attributes["id"]
    assert click_epoch({"target": {"id": stale}}) is not None
    widget(rc, "reset").fire_event(
        "click", {"target": {"id": widget(rc, "reset").attributes["id"]}}
    )
    fresh = widget(rc, "step").attributes["id"]
    assert fresh != stale
    # a Step the browser sent before it saw the new buttons arrives after the reset
    widget(rc, "step").fire_event("click", {"target": {"id": stale}})
    widget(rc, "play").fire_event("click", {"target": {"id": stale.replace("step", "play")}})
    assert session.steps == 0 and widget(rc, "play").children[-1] == "Afspelen"
    # a click on the buttons as they are now counts
    widget(rc, "step").fire_event("click", {"target": {"id": fresh}})
    assert session.steps == 1
    assert month_text(rc) == "maand 1 van 204"


def test_a_short_run_is_discarded_without_asking(rendered):
    rc, session = rendered
    advance(rc, session, DISCARD_CONFIRM_MONTHS - 1)
    widget(rc, "scenario").v_model = "dso_delay"
    assert rc.find(v.Dialog).widget.v_model is False
    assert session.primary.name == "dso_delay" and session.steps == 0


def eventually(check, timeout: float = 5.0) -> None:
    """Wait until ``check()`` holds (a render from the Play thread may still be running)."""
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "condition not met in time"
        time.sleep(0.02)


def settled(session, timeout: float = 5.0) -> None:
    """Wait until the runs stop advancing (the Play thread ended its last step)."""
    end = time.monotonic() + timeout
    before = session.steps
    while True:
        time.sleep(0.4)
        if session.steps == before:
            return
        assert time.monotonic() < end, "the runs kept advancing"
        before = session.steps


def dialog_text(rc) -> str:
    return rc.find(v.Dialog).find(v.CardText).widget.children[0].children[0]


def dialog_button(rc, text: str):
    buttons = rc.find(v.Dialog).find(v.Btn).widgets
    return next(b for b in buttons if text in b.children)


def test_changing_the_preset_asks_before_discarding_a_run(rendered):
    rc, session = rendered
    advance(rc, session, 14)
    widget(rc, "play").click()  # playing when the facilitator picks another preset
    widget(rc, "scenario").v_model = "dso_delay"
    # the Play thread may be rendering a step: the dialog then opens when that render ends
    eventually(lambda: rc.find(v.Dialog).widget.v_model is True)
    assert not session.primary.name == "dso_delay"
    eventually(lambda: widget(rc, "play").children[-1] == "Afspelen")  # paused while asking
    settled(session)  # the Play thread's last step is done
    steps = session.steps
    title = presets.short_title(presets.load("dso_delay"), "nl")
    assert dialog_text(rc) == (
        f"De simulatie staat op {i18n.month(session.model.date)} (maand {steps} van 204). "
        f"Overstappen op scenario '{title}' begint opnieuw bij maand 0; wat deze run liet zien "
        "gaat verloren."
    )
    card = rc.find(v.Dialog).find(v.CardTitle).widget
    assert card.children == ["Deze run weggooien?"]
    # no: the run and the menu stay as they were
    dialog_button(rc, "Nee, deze run houden").click()
    eventually(lambda: rc.find(v.Dialog).widget.v_model is False)
    assert session.primary.name == "baseline" and session.steps == steps
    assert widget(rc, "scenario").v_model == "baseline"
    # yes: start again with the new preset
    widget(rc, "scenario").v_model = "dso_delay"
    assert widget(rc, "scenario").v_model == "dso_delay"
    dialog_button(rc, "Ja, opnieuw beginnen").click()
    eventually(lambda: rc.find(v.Dialog).widget.v_model is False)
    assert session.primary.name == "dso_delay" and session.steps == 0
    eventually(lambda: month_text(rc) == "maand 0 van 204")


def test_opnieuw_asks_before_discarding_a_run_and_not_before(rendered):
    rc, session = rendered
    advance(rc, session, DISCARD_CONFIRM_MONTHS - 1)
    widget(rc, "reset").click()  # five months: nothing to lose, no question
    assert rc.find(v.Dialog).widget.v_model is False and session.steps == 0
    advance(rc, session, 13)
    widget(rc, "reset").click()
    eventually(lambda: rc.find(v.Dialog).widget.v_model is True)
    assert session.steps == 13
    assert dialog_text(rc) == (
        f"De simulatie staat op {i18n.month(session.model.date)} (maand 13 van 204). Opnieuw "
        "beginnen zet haar terug op maand 0, met de keuzes op de knoppen; wat deze run liet "
        "zien gaat verloren."
    )
    dialog_button(rc, "Nee, deze run houden").click()
    eventually(lambda: rc.find(v.Dialog).widget.v_model is False)
    assert session.steps == 13 and session.primary.name == "baseline"
    seed = widget(rc, "seed").v_model
    widget(rc, "seed").v_model = "abc"  # not a seed: said at once, nothing asked, run kept
    widget(rc, "reset").click()
    assert rc.find(v.Dialog).widget.v_model is False and session.steps == 13
    rc.find(meta_ref="error").assert_single()
    widget(rc, "seed").v_model = seed
    widget(rc, "reset").click()
    eventually(lambda: rc.find(v.Dialog).widget.v_model is True)
    dialog_button(rc, "Ja, opnieuw beginnen").click()
    eventually(lambda: rc.find(v.Dialog).widget.v_model is False)
    assert session.steps == 0 and session.primary.name == "baseline"


def test_the_side_by_side_switch_keeps_run_a_and_computes_b_to_its_month(rendered):
    rc, session = rendered
    advance(rc, session, DISCARD_CONFIRM_MONTHS)
    run_a = session.primary
    widget(rc, "compare").v_model = True
    assert rc.find(v.Dialog).widget.v_model is not True  # nothing to lose: no question
    assert session.primary is run_a and session.steps == DISCARD_CONFIRM_MONTHS
    assert len(session.runs) == 2
    run_b = session.runs[1]
    assert run_b.model.steps == DISCARD_CONFIRM_MONTHS and run_b.seed == run_a.seed
    assert run_b.months.steps == run_a.months.steps == list(range(DISCARD_CONFIRM_MONTHS + 1))
    # another scenario B: B again up to A's month, A untouched
    widget(rc, "scenario_b").v_model = "let_go_2018"
    assert [r.name for r in session.runs] == ["baseline", "let_go_2018"]
    assert session.primary is run_a and session.runs[1].model.steps == DISCARD_CONFIRM_MONTHS
    rc.find(meta_ref="step").widget.click()
    assert [r.model.steps for r in session.runs] == [DISCARD_CONFIRM_MONTHS + 1] * 2
    # back to one scenario: A goes on where it was
    widget(rc, "compare").v_model = False
    assert session.runs == [run_a] and session.steps == DISCARD_CONFIRM_MONTHS + 1
    eventually(lambda: month_text(rc) == f"maand {DISCARD_CONFIRM_MONTHS + 1} van 204")


def test_side_by_side_beside_another_scenario_compares_with_basis(rendered):
    rc, session = rendered
    widget(rc, "compare").v_model = True  # A is Basis: B is the app's first other scenario
    assert [r.name for r in session.runs] == ["baseline", "time_pressure"]
    widget(rc, "compare").v_model = False
    widget(rc, "scenario").v_model = "dso_delay"  # month 0: nothing to lose, no question
    assert session.primary.name == "dso_delay"
    widget(rc, "compare").v_model = True  # A is not Basis: B is Basis
    assert [r.name for r in session.runs] == ["dso_delay", "baseline"]
    widget(rc, "scenario_b").v_model = "let_go_2018"  # a B the room chose stays chosen
    widget(rc, "compare").v_model = False
    widget(rc, "compare").v_model = True
    assert [r.name for r in session.runs] == ["dso_delay", "let_go_2018"]


def test_the_preset_menu_is_tall_enough_for_every_preset(rendered):
    rc, _ = rendered
    select = widget(rc, "scenario")
    assert len(select.items) == len(presets.available()) >= 7
    assert select.menu_props == MENU_PROPS
    assert MENU_PROPS["maxHeight"] >= 48 * len(select.items) + 16  # 48 px per item
    assert MENU_PROPS["offsetY"] is True

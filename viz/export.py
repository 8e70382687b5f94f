"""Files for the debrief, made in memory: the charts and maps (PNG) and the data (CSV).

Every function takes a `viz.session.Session` and returns bytes; the app offers them as downloads,
named by `filename` in the app's language.

- PNG: each image explains itself (`caption`): a title, the scenario(s), the indicator, the seed,
  the month and any changed levers are drawn around the picture (`framed_figure`) and stored in
  the file's text chunks (``Title``, ``Description``).
- CSV: `csv_style` gives the layout of the app's language: Dutch with ``;`` between fields and a
  decimal comma (as a Dutch Excel reads it), English with ``,`` and a decimal point; both with
  labelled headers and values in words (`viz.columns`) and a UTF-8 byte-order mark so that Excel
  shows ``Súdwest-Fryslân`` right. `MACHINE` (the default) keeps the model's column names and
  codes for scripts. Dates are ``YYYY-MM`` in every style.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from govsim.model.parameters import CHOICES
from govsim.viz import columns, i18n, names, presets
from govsim.viz.charts import ChartRenderer
from govsim.viz.map_view import MapRenderer, map_label, unit_label
from govsim.viz.session import Session

EXPORT_DPI = 110
TITLE_PT = 17.0
LABEL_PT = 14.0
LINE_PT = 12.0
MARGIN_PX = 18
GAP_PX = 16
CHAR_WIDTH = 0.56
"""Average character width as a fraction of the font size (for wrapping the caption lines)."""
LETTERS = ("A", "B")


# ---------------------------------------------------------------------------- file names
def slug(text: str) -> str:
    """``text`` as a file-name part: lowercase ASCII words joined by ``-`` (``dso-vertraging``)."""
    return names.fold(text).replace(" ", "-")


def stem(session: Session, lang: str | None = None) -> str:
    """File name stem: ``govsim_<scenario>[_vs_<scenario>]_<seed word><seed>_<YYYY-MM>``.

    Without ``lang`` the scenarios appear by their menu keys (``govsim_baseline_seed9_2014-02``);
    with it by their short titles in that language (``govsim_basis_toevalsgetal9_2014-02``).
    """
    date = i18n.month(session.model.date)
    if lang is None:
        runs = "_vs_".join(r.name for r in session.runs)
        return f"govsim_{runs}_seed{session.primary.seed}_{date}"
    runs = "_vs_".join(slug(presets.short_title(r.scenario, lang)) or r.name for r in session.runs)
    return f"govsim_{runs}_{i18n.t('file_seed', lang)}{session.primary.seed}_{date}"


def filename(session: Session, kind: str, lang: str, indicator: str | None = None) -> str:
    """Name of an exported file in ``lang``.

    Args:
        session: The session exported.
        kind: ``charts``, ``map``, ``series``, ``snapshot`` or ``events``.
        lang: Language of the words in the name.
        indicator: The map's indicator (``kind="map"``).
    """
    word = i18n.t(f"file_{kind}", lang)
    if kind == "map":
        word = f"{word}_{slug(map_label(indicator or '', lang))}"
    extension = "png" if kind in ("charts", "map") else "csv"
    return f"{stem(session, lang)}_{word}.{extension}"


def run_labels(session: Session, lang: str) -> list[str]:
    """``A: title`` (and ``B: title``) of the session's runs."""
    return [
        f"{LETTERS[i]}: {presets.short_title(run.scenario, lang)}"
        for i, run in enumerate(session.runs)
    ]


# ---------------------------------------------------------------------------- captions
@dataclass(frozen=True)
class Caption:
    """What an exported image shows, in words.

    Attributes:
        title: The headline (``Landelijk verloop``, ``Kaart: transitie — ...``).
        lines: Scenario(s), indicator, seed and month, changed levers, source.
    """

    title: str
    lines: tuple[str, ...]

    def text(self) -> str:
        """Title and lines, one per line."""
        return "\n".join((self.title, *self.lines))


def _override_value(key: str, value: Any, lang: str) -> str:
    if key in CHOICES:
        return i18n.choice_option(key, str(value), lang)
    spec = presets.SLIDER_BY_KEY.get(key)
    if spec is not None and spec.integer:
        return i18n.integer(round(float(value)), lang)
    return i18n.number(float(value), 2, lang)


def _override_label(key: str, lang: str) -> str:
    if key in CHOICES:
        return i18n.t(f"choice_{key}", lang)
    if f"slider_{key}" in i18n.STRINGS:
        return i18n.t(f"slider_{key}", lang)
    return i18n.lever(key, lang)


def levers_line(overrides: dict[str, Any], lang: str) -> str:
    """The sliders and choices the facilitator changed (``Gewijzigd: label = value; ...``)."""
    if not overrides:
        return i18n.t("caption_levers_none", lang)
    changes = "; ".join(
        f"{_override_label(key, lang)} = {_override_value(key, value, lang)}"
        for key, value in overrides.items()
    )
    return i18n.t("caption_levers", lang, changes=changes)


def caption(session: Session, lang: str, indicator: str | None = None) -> Caption:
    """The caption of the charts (``indicator=None``) or of the map of ``indicator``."""
    if indicator is None:
        title = i18n.t("charts", lang)
        shown = i18n.t("caption_indicators", lang)
    else:
        name = map_label(indicator, lang)
        title = i18n.t("caption_map", lang, indicator=name)
        unit = unit_label(indicator, lang)
        shown = i18n.t("caption_indicator", lang, name=f"{name}, {unit}" if unit else name)
    runs = session.runs
    if len(runs) == 1:
        scenarios = [i18n.t("caption_scenario", lang, title=runs[0].scenario.label(lang))]
    else:
        scenarios = [f"{LETTERS[i]}: {r.scenario.label(lang)}" for i, r in enumerate(runs)]
    when = i18n.t(
        "caption_seed_month",
        lang,
        seed=session.primary.seed,
        date=i18n.month(session.model.date),
        step=session.steps,
        n=session.n_steps,
    )
    lines = (*scenarios, shown, when, levers_line(session.primary.overrides, lang))
    return Caption(title, (*lines, i18n.t("caption_source", lang)))


# ---------------------------------------------------------------------------- images
def _pixels(points: float, dpi: int) -> float:
    return points * dpi / 72.0


def _wrap(lines: Sequence[str], width_px: float, points: float, dpi: int) -> list[str]:
    chars = max(20, int(width_px / (_pixels(points, dpi) * CHAR_WIDTH)))
    out: list[str] = []
    for line in lines:
        out.extend(textwrap.wrap(line, chars) or [""])
    return out


def framed_figure(
    images: Sequence[np.ndarray],
    cap: Caption,
    labels: Sequence[str] = (),
    dpi: int = EXPORT_DPI,
) -> Figure:
    """A figure with ``images`` side by side (pixel for pixel), the caption around them.

    The title goes above, a label above each image when ``labels`` are given, the caption's
    lines below.
    """
    widths = [img.shape[1] for img in images]
    height = max(img.shape[0] for img in images)
    width_px = sum(widths) + GAP_PX * (len(images) - 1) + 2 * MARGIN_PX
    title = _wrap([cap.title], width_px - 2 * MARGIN_PX, TITLE_PT, dpi)
    lines = _wrap(cap.lines, width_px - 2 * MARGIN_PX, LINE_PT, dpi)
    title_px = len(title) * 1.3 * _pixels(TITLE_PT, dpi)
    label_px = 1.5 * _pixels(LABEL_PT, dpi) if labels else 0.0
    header_px = MARGIN_PX + title_px + label_px + MARGIN_PX / 2
    line_px = 1.45 * _pixels(LINE_PT, dpi)
    footer_px = MARGIN_PX / 2 + len(lines) * line_px + MARGIN_PX
    total_px = header_px + height + footer_px
    figure = Figure(figsize=(width_px / dpi, total_px / dpi), dpi=dpi, facecolor="white")
    x_left = MARGIN_PX / width_px
    figure.text(
        x_left,
        1 - MARGIN_PX / total_px,
        "\n".join(title),
        ha="left",
        va="top",
        fontsize=TITLE_PT,
        fontweight="bold",
        color="#0b2e59",
    )
    x = float(MARGIN_PX)
    for i, image in enumerate(images):
        figure.figimage(image, xo=int(x), yo=int(footer_px + height - image.shape[0]))
        if labels:
            figure.text(
                x / width_px,
                (footer_px + height + 0.3 * _pixels(LABEL_PT, dpi)) / total_px,
                labels[i],
                ha="left",
                va="bottom",
                fontsize=LABEL_PT,
                fontweight="bold",
            )
        x += image.shape[1] + GAP_PX
    for k, line in enumerate(lines):
        y = footer_px - MARGIN_PX / 2 - k * line_px
        figure.text(x_left, y / total_px, line, ha="left", va="top", fontsize=LINE_PT)
    return figure


def figure_png(figure: Figure, cap: Caption) -> bytes:
    """PNG of ``figure`` with the caption in its ``Title`` and ``Description`` text chunks."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    info = PngInfo()
    info.add_itxt("Title", cap.title)
    info.add_itxt("Description", "\n".join(cap.lines))
    info.add_itxt("Software", "govsim")
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _canvas_pixels(canvas: FigureCanvasAgg) -> np.ndarray:
    return np.array(canvas.buffer_rgba())


def charts_figure(session: Session, lang: str) -> tuple[Figure, Caption]:
    """The national charts at export resolution, framed with their caption."""
    with session.lock:
        renderer = ChartRenderer(dpi=EXPORT_DPI)
        renderer.render([r.model for r in session.runs], run_labels(session, lang), lang)
        pixels = _canvas_pixels(renderer.canvas)
        cap = caption(session, lang)
    return framed_figure([pixels], cap), cap


def map_figure(
    session: Session, indicator: str, lang: str, borders: str = ""
) -> tuple[Figure, Caption]:
    """The map of every run (side by side, labelled A and B), framed with its caption."""
    with session.lock:
        images = []
        for run in session.runs:
            model = run.model
            renderer = MapRenderer(model.frame["code"].tolist(), lang, dpi=EXPORT_DPI)
            renderer.configure(indicator, lang, borders)
            renderer.update(model)
            renderer.draw()
            images.append(_canvas_pixels(renderer.canvas))
        cap = caption(session, lang, indicator)
        labels = run_labels(session, lang) if len(session.runs) > 1 else []
    return framed_figure(images, cap, labels), cap


def charts_png(session: Session, lang: str) -> bytes:
    """The national charts with their caption (title, scenarios, seed, month, indicators)."""
    return figure_png(*charts_figure(session, lang))


def map_png(session: Session, indicator: str, lang: str, borders: str = "") -> bytes:
    """The map(s) coloured by ``indicator`` with their caption."""
    return figure_png(*map_figure(session, indicator, lang, borders))


# ---------------------------------------------------------------------------- tables
@dataclass(frozen=True)
class CsvStyle:
    """How a CSV export is written.

    Attributes:
        lang: Language of headers and values; None keeps the model's names and codes.
        sep: Field separator.
        decimal: Decimal mark.
        bom: Whether the file starts with a UTF-8 byte-order mark (for Excel).
    """

    lang: str | None
    sep: str
    decimal: str
    bom: bool


MACHINE = CsvStyle(None, ",", ".", False)
"""The model's column names and codes, ``,`` and ``.``: for scripts."""


def csv_style(lang: str) -> CsvStyle:
    """The CSV layout of the app's language: ``;`` and ``,`` in Dutch, ``,`` and ``.`` else."""
    if lang == "nl":
        return CsvStyle("nl", ";", ",", True)
    return CsvStyle(lang, ",", ".", True)


def _scenario_names(session: Session, lang: str | None) -> dict[int, str]:
    """Per run index, the value of its ``scenario`` column."""
    if lang is None:
        return {i: r.name for i, r in enumerate(session.runs)}
    titles = {i: presets.short_title(r.scenario, lang) for i, r in enumerate(session.runs)}
    if len(session.runs) > 1:
        return {i: f"{LETTERS[i]}: {title}" for i, title in titles.items()}
    return titles


def _months(values: Any) -> list[str]:
    return [i18n.month(v) for v in values]


def write_csv(frame: pd.DataFrame, style: CsvStyle, table: str) -> bytes:
    """``frame`` as CSV bytes in ``style`` (labelled and in words unless `MACHINE`)."""
    if style.lang is not None:
        frame = columns.localize(frame, style.lang, table)
    out = io.StringIO()
    frame.to_csv(out, index=False, sep=style.sep, decimal=style.decimal)
    text = ("\ufeff" if style.bom else "") + out.getvalue()
    return text.encode("utf-8")


def series_table(session: Session, lang: str | None = None) -> pd.DataFrame:
    """National series of every run so far: one row per run and month."""
    scenario = _scenario_names(session, lang)
    with session.lock:
        frames = []
        for i, run in enumerate(session.runs):
            frame = run.model.national_series().reset_index()
            frame["date"] = _months(frame["date"])
            frame.insert(0, "seed", str(run.seed))
            frame.insert(0, "scenario", scenario[i])
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def snapshot_table(session: Session, lang: str | None = None) -> pd.DataFrame:
    """Every municipality now (`GovernanceModel.snapshot`), one row per run and municipality."""
    scenario = _scenario_names(session, lang)
    with session.lock:
        frames = []
        for i, run in enumerate(session.runs):
            frame = run.model.snapshot()
            frame.insert(0, "date", i18n.month(run.model.date))
            frame.insert(0, "scenario", scenario[i])
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def events_table(session: Session, lang: str, style_lang: str | None = None) -> pd.DataFrame:
    """Every logged event so far with its plain-language sentence in ``lang``."""
    scenario = _scenario_names(session, style_lang)
    with session.lock:
        frames = []
        for i, run in enumerate(session.runs):
            frame = run.model.event_log()
            frame.insert(0, "scenario", scenario[i])
            frame["text"] = [i18n.event_sentence(row, lang) for row in frame.to_dict("records")]
            frame["date"] = _months(frame["date"])
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def series_csv(session: Session, style: CsvStyle = MACHINE) -> bytes:
    """National series of every run so far: one row per run and month."""
    return write_csv(series_table(session, style.lang), style, "series")


def snapshot_csv(session: Session, style: CsvStyle = MACHINE) -> bytes:
    """Every municipality now, one row per run and municipality."""
    return write_csv(snapshot_table(session, style.lang), style, "snapshot")


def events_csv(session: Session, lang: str, style: CsvStyle = MACHINE) -> bytes:
    """Every logged event so far with its plain-language sentence in ``lang``."""
    return write_csv(events_table(session, lang, style.lang), style, "events")

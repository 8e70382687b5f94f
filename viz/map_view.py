"""The map of the 388 municipalities of 2017, coloured by one indicator.

The figure is built once (a matplotlib `PolyCollection` of every municipality's rings, holes
included, on an Agg canvas); each step only sets the face colours and redraws, which keeps a
redraw to a few milliseconds. `MapRenderer.pick` turns a click on the image into a municipality.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import Normalize, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.path import Path
from PIL import Image

from govsim.agents.modes import MODES
from govsim.model.indicators import BY_NAME
from govsim.viz import i18n
from govsim.viz.topo import border_lines, load_shapes

CONTINUOUS: tuple[str, ...] = (
    "transition_social",
    "transformation_social",
    "transition_physical",
    "transformation_physical",
    "citizen_trust",
    "cooperation_social",
    "cooperation_physical",
)
CATEGORICAL: tuple[str, ...] = ("dominant_social", "dominant_physical")
MAP_INDICATORS: tuple[str, ...] = (
    "transition_social",
    "transformation_social",
    "transition_physical",
    "transformation_physical",
    "dominant_social",
    "dominant_physical",
    "citizen_trust",
    "cooperation_social",
    "cooperation_physical",
)
"""Indicators the map can show, in menu order."""

MODE_COLOURS: dict[str, str] = {
    "legal": "#0072B2",
    "performing": "#E69F00",
    "collaborative": "#009E73",
    "responsive": "#CC79A7",
}
"""Steering modes in the Okabe-Ito palette (readable with colour-vision deficiencies)."""
CMAP = mpl.colormaps["viridis"]
MISSING = "#d0d0d0"
BORDER_MAPS = ("provinces", "youth_regions")
LEGEND_BAND = 86.0
"""Height of the legend band under the map, in points (CSS pixels in the app)."""
BAR = (38.0, 14.0)
"""Bottom and height of the colour bar in the legend band, in points; its title sits between
it and the map, its tick labels under it."""
LEGEND_FONT = 14.0
"""Legend text size in points at export; the app draws it at `DISPLAY_FONT` CSS px."""
DISPLAY_FONT = 16.0
NARROW = 400.0
"""A map narrower than this (points; two maps side by side on a laptop) wraps its legend title,
shows three colour-bar ticks and one column of steering modes, in a taller legend band."""
NARROW_BAND = 122.0
"""Height of the legend band of a narrow map, in points."""


def map_area(height_pt: float, narrow: bool = False) -> tuple[float, float, float, float]:
    """Where the map lies on a figure ``height_pt`` points high (left, bottom, width, height)."""
    band = min((NARROW_BAND if narrow else LEGEND_BAND) / height_pt, 0.45)
    return (0.0, band, 1.0, 1.0 - band)


def legend_area(height_pt: float, narrow: bool = False) -> tuple[float, float, float, float]:
    """Where the colour bar lies on a figure ``height_pt`` points high."""
    bottom, size = BAR
    left = 0.14 if narrow else 0.08
    return (left, bottom / height_pt, 1 - 2 * left, size / height_pt)


def map_label(key: str, lang: str) -> str:
    """Menu label of a map indicator."""
    if key.startswith("dominant_"):
        domain = key.split("_", 1)[1]
        return f"{i18n.t('dominant_mode', lang)} — {i18n.term(domain, lang)}"
    return i18n.indicator(key, lang)


def unit_label(key: str, lang: str) -> str | None:
    """Unit of a continuous map indicator (``index 0–1``); None for the dominant modes.

    The unit is the indicator's (`model.indicators.Indicator.unit`); every continuous map
    indicator lies between 0 and 1, the colour scale's range.
    """
    if key in CATEGORICAL:
        return None
    unit = BY_NAME[key].unit if key in BY_NAME else "index"
    return i18n.t(f"unit_{unit}", lang)


def legend_title(key: str, lang: str) -> str:
    """Title of the map legend: the indicator and, for a colour scale, its unit."""
    unit = unit_label(key, lang)
    return map_label(key, lang) if unit is None else f"{map_label(key, lang)}, {unit}"


def municipality_values(model: Any, key: str) -> np.ndarray:
    """Per-municipality values of map indicator ``key`` (category index for dominant modes)."""
    st = model.state
    if key in CATEGORICAL:
        d = 0 if key.endswith("social") else 1
        return st.steering[:, d, :].argmax(axis=1)
    if key == "citizen_trust":
        cit = model.citizens
        n = model.municipalities.n
        counts = np.bincount(cit.municipality, minlength=n)
        return np.bincount(cit.municipality, weights=cit.trust, minlength=n) / np.maximum(counts, 1)
    quantity, domain = key.rsplit("_", 1)
    d = 0 if domain == "social" else 1
    return np.asarray(getattr(st, quantity))[:, d]


def encode(canvas: FigureCanvasAgg, fmt: str = "png") -> bytes:
    """Image bytes of a drawn Agg canvas.

    ``png`` (fast compression) for exports and tests; ``jpeg`` (quality 90, no chroma
    subsampling) for the live views, which encodes several times faster than PNG.
    """
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    image = image.convert("RGB")
    out = io.BytesIO()
    if fmt == "jpeg":
        image.save(out, format="JPEG", quality=90, subsampling=0)
    elif fmt == "png":
        image.save(out, format="PNG", compress_level=1)
    else:
        raise ValueError(f"image format must be 'png' or 'jpeg', got '{fmt}'")
    return out.getvalue()


def _compound(rings: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    verts, codes = [], []
    for ring in rings:
        verts.append(ring)
        c = np.full(len(ring), Path.LINETO, dtype=Path.code_type)
        c[0] = Path.MOVETO
        c[-1] = Path.CLOSEPOLY
        codes.append(c)
    return np.concatenate(verts), np.concatenate(codes)


class MapRenderer:
    """A map figure for the municipalities of one model.

    Args:
        codes: CBS codes of the model's municipalities, in model row order.
        lang: Label language.
        width: Figure width in inches.
        height: Figure height in inches.
        dpi: Resolution.
    """

    def __init__(
        self,
        codes: Sequence[str],
        lang: str = i18n.DEFAULT_LANG,
        *,
        width: float = 6.0,
        height: float = 7.2,
        dpi: float = 80,
        font: float = LEGEND_FONT,
    ) -> None:
        self.codes = list(codes)
        self.font = font
        self.narrow = width * 72.0 < NARROW
        self.size: Any = None
        """The display size it was made for (set by the app)."""
        self.lang = ""
        self.indicator = ""
        self.borders = ""
        self.selected: int | None = None
        shapes = {s.code: s for s in load_shapes("municipalities")}
        self.shapes = [shapes.get(code) for code in self.codes]
        others = [s for code, s in shapes.items() if code not in set(self.codes)]
        self.figure = Figure(figsize=(width, height), dpi=dpi, facecolor="white")
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_axes(map_area(height * 72.0, self.narrow))
        self.ax.set_axis_off()
        self.ax.set_aspect("equal")
        self.paths: list[Path | None] = []
        verts, codes_ = [], []
        for shape in self.shapes:
            if shape is None:
                self.paths.append(None)
                verts.append(np.zeros((1, 2)))
                codes_.append(np.array([Path.MOVETO], dtype=Path.code_type))
                continue
            v, c = _compound(shape.rings)
            self.paths.append(Path(v, c))
            verts.append(v)
            codes_.append(c)
        if others:
            background = PolyCollection([], facecolors=MISSING, edgecolors="white", linewidths=0.3)
            background.set_verts_and_codes(*zip(*[_compound(s.rings) for s in others], strict=True))
            self.ax.add_collection(background)
        self.collection = PolyCollection([], edgecolors="white", linewidths=0.35, animated=True)
        self.collection.set_verts_and_codes(verts, codes_)
        self.ax.add_collection(self.collection)
        self.border_collection = LineCollection([], colors="#222222", linewidths=1.2, animated=True)
        self.ax.add_collection(self.border_collection)
        self.highlight = PolyCollection(
            [], facecolors="none", edgecolors="#e00000", linewidths=3.5, animated=True
        )
        self.ax.add_collection(self.highlight)
        every = np.concatenate([r for s in shapes.values() for r in s.rings])
        (x0, y0), (x1, y1) = every.min(axis=0), every.max(axis=0)
        pad = 0.01 * (x1 - x0)
        self.ax.set_xlim(x0 - pad, x1 + pad)
        self.ax.set_ylim(y0 - pad, y1 + pad)
        self._bboxes = np.array(
            [p.get_extents().bounds if p is not None else (np.nan,) * 4 for p in self.paths]
        )
        self.legend_ax = self.figure.add_axes(legend_area(height * 72.0, self.narrow))
        self.legend_ax.set_axis_off()
        self.figure.text(
            0.99, 0.005, i18n.t("map_attribution", lang), ha="right", va="bottom", fontsize=11
        )
        self.norm = Normalize(0.0, 1.0)
        self.background: Any = None
        self.configure(MAP_INDICATORS[1], lang)

    @classmethod
    def for_display(
        cls, codes: Sequence[str], lang: str, width_px: float, height_px: float, ratio: float = 1.0
    ) -> MapRenderer:
        """A map for ``width_px`` x ``height_px`` CSS pixels at device-pixel ``ratio``.

        Shown unscaled (sharp), its legend in `DISPLAY_FONT` px.
        """
        return cls(
            codes,
            lang,
            width=width_px / 72.0,
            height=height_px / 72.0,
            dpi=72.0 * ratio,
            font=DISPLAY_FONT,
        )

    # ------------------------------------------------------------------ settings
    def configure(self, indicator: str, lang: str, borders: str = "") -> None:
        """Choose the indicator, language and region borders (rebuilds the legend if changed)."""
        if indicator not in MAP_INDICATORS:
            raise ValueError(f"unknown map indicator '{indicator}'")
        if (indicator, lang) != (self.indicator, self.lang):
            self.indicator, self.lang = indicator, lang
            self._legend()
            self._attribution(i18n.t("map_attribution", lang))
            self.background = None
        if borders != self.borders:
            self.borders = borders
            lines = list(border_lines(borders)) if borders in BORDER_MAPS else []
            self.border_collection.set_segments(lines)

    def _attribution(self, text: str) -> None:
        """The map's source, in the bottom-right corner, made smaller where it would not fit."""
        label = self.figure.texts[0]
        label.set_text(text)
        label.set_fontsize(11)
        width = self.figure.get_size_inches()[0] * self.figure.dpi
        drawn = label.get_window_extent(self.canvas.get_renderer()).width
        if drawn > 0.98 * width:
            label.set_fontsize(11 * 0.98 * width / drawn)

    def _legend(self) -> None:
        for legend in list(self.figure.legends):
            legend.remove()
        self.legend_ax.clear()
        self.legend_ax.set_axis_off()
        title = legend_title(self.indicator, self.lang)
        if self.narrow:
            width = self.figure.get_size_inches()[0] * 72.0
            title = textwrap.fill(title, max(12, int(width / (0.55 * self.font))))
        if self.indicator in CATEGORICAL:
            handles = [
                Patch(facecolor=MODE_COLOURS[m], edgecolor="none", label=i18n.term(m, self.lang))
                for m in MODES
            ]
            self.figure.legend(
                handles=handles,
                title=title,
                title_fontsize=self.font,
                loc="lower center",
                bbox_to_anchor=(0.5, 0.03),
                ncol=1 if self.narrow else 2,
                fontsize=self.font,
                frameon=False,
                handlelength=1.4,
                columnspacing=1.2,
                borderaxespad=0.0,
            )
        else:
            self.legend_ax.set_axis_on()
            gradient = np.linspace(0, 1, 256)[None, :]
            self.legend_ax.imshow(gradient, aspect="auto", cmap=CMAP, extent=(0, 1, 0, 1))
            self.legend_ax.set_yticks([])
            ticks = [0, 0.5, 1.0] if self.narrow else [0, 0.25, 0.5, 0.75, 1.0]
            self.legend_ax.set_xticks(ticks, [i18n.number(x, 2, self.lang) for x in ticks])
            self.legend_ax.tick_params(labelsize=self.font)
            self.legend_ax.set_title(title, fontsize=self.font, loc="center", pad=6)
            for side in ("top", "right", "left"):
                self.legend_ax.spines[side].set_visible(False)

    def legend_texts(self) -> list[str]:
        """Texts of the legend: its title, then the category or tick labels (for tests)."""
        if self.indicator in CATEGORICAL:
            legend = self.figure.legends[0]
            return [legend.get_title().get_text(), *(t.get_text() for t in legend.get_texts())]
        ticks = [t.get_text() for t in self.legend_ax.get_xticklabels()]
        return [self.legend_ax.get_title(), *ticks]

    def select(self, row: int | None) -> None:
        """Outline municipality ``row`` (None: no outline)."""
        self.selected = row
        path = self.paths[row] if row is not None and 0 <= row < len(self.paths) else None
        if path is None:
            self.highlight.set_verts([])
        else:
            self.highlight.set_verts_and_codes([path.vertices], [path.codes])

    # ------------------------------------------------------------------ drawing
    def colours(self, values: np.ndarray) -> np.ndarray:
        """RGBA face colours for the indicator's values."""
        if self.indicator in CATEGORICAL:
            table = np.array([to_rgba(MODE_COLOURS[m]) for m in MODES])
            return table[np.asarray(values, dtype=np.int64)]
        rgba = CMAP(self.norm(np.asarray(values, dtype=np.float64)))
        rgba[~np.isfinite(values)] = to_rgba(MISSING)
        return rgba

    def update(self, model: Any) -> None:
        """Recolour from ``model``'s current state."""
        self.collection.set_facecolors(self.colours(municipality_values(model, self.indicator)))

    def render_values(self, values: np.ndarray, fmt: str = "png") -> bytes:
        """Recolour from stored per-municipality ``values`` (a past month), draw, encode."""
        self.collection.set_facecolors(self.colours(np.asarray(values)))
        self.draw()
        return encode(self.canvas, fmt)

    def draw(self) -> None:
        """Draw: the static parts once into a saved background, then the coloured map on it."""
        if self.background is None:
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(self.background)
        for artist in (self.collection, self.border_collection, self.highlight):
            self.ax.draw_artist(artist)

    def render(self, model: Any, fmt: str = "png") -> bytes:
        """Recolour from ``model``, draw, and return the image (``png`` or ``jpeg``)."""
        self.update(model)
        self.draw()
        return encode(self.canvas, fmt)

    # ------------------------------------------------------------------ picking
    def pick(self, fx: float, fy: float) -> int | None:
        """The municipality row under a click, or None outside every municipality.

        Args:
            fx: Click position as a fraction of the image width, from the left.
            fy: Click position as a fraction of the image height, from the top.
        """
        if self.canvas.get_renderer() is None:  # pragma: no cover - always drawn before a click
            self.canvas.draw()
        width, height = self.canvas.get_width_height()
        x, y = self.ax.transData.inverted().transform((fx * width, (1.0 - fy) * height))
        b = self._bboxes
        inside = (
            (b[:, 0] <= x) & (x <= b[:, 0] + b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 1] + b[:, 3])
        )
        hits = [
            int(i)
            for i in np.flatnonzero(inside)
            if self.paths[i] is not None and self.paths[i].contains_point((x, y))
        ]
        if not hits:
            return None
        # an enclave lies inside its neighbour's outer ring: prefer the smallest hit
        return min(hits, key=lambda i: b[i, 2] * b[i, 3])

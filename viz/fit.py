"""An image drawn for the box it is shown in: sharp, never scaled (issue 16, projector).

`FitImage` is an ``<img>`` inside a box whose size the page layout decides (a CSS grid cell).
The browser reports the box's size in CSS pixels and its device-pixel ratio whenever it changes
(a ``ResizeObserver``, debounced); the app then draws the map or the charts at exactly that many
device pixels and shows the image at the box's CSS size, so a text drawn at 16 points is 16 CSS
pixels on the screen and nothing is upscaled. The chart's legend boxes can be laid over the
image as empty ``<div class="govsim-legend-box">`` elements, so a browser test can measure them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import ipyvuetify as v
import traitlets

MIN_SIDE = 120
"""A box smaller than this (px) is not reported: the page is still being laid out."""
MAX_SIDE = 4000
"""A reported side is capped here (px)."""
MAX_RATIO = 3.0
"""A reported device-pixel ratio is capped here (a 4K projector at 200 % is 2)."""

TEMPLATE = """
<template>
  <div ref="box" :class="['govsim-fit', 'govsim-fit-' + kind]">
    <img
      v-if="src"
      :src="src"
      :alt="alt"
      :class="['govsim-img', 'govsim-img-' + kind]"
      :style="{width: width + 'px', height: height + 'px', cursor: clickable ? 'crosshair' : ''}"
      @click="clickable && pick({x: $event.offsetX / $event.target.clientWidth,
                                 y: $event.offsetY / $event.target.clientHeight})"
    />
    <div
      v-for="(b, i) in boxes"
      :key="i"
      :class="['govsim-legend-box', 'govsim-legend-' + b.kind]"
      :data-panel="b.panel"
      :style="{left: (b.x0 * width) + 'px', top: (b.y0 * height) + 'px',
               width: ((b.x1 - b.x0) * width) + 'px', height: ((b.y1 - b.y0) * height) + 'px'}"
    ></div>
  </div>
</template>
<script>
module.exports = {
  mounted() {
    const report = () => {
      const box = this.$refs.box;
      if (!box) return;
      const r = box.getBoundingClientRect();
      const w = Math.floor(r.width), h = Math.floor(r.height);
      const dpr = window.devicePixelRatio || 1;
      if (w === this.lastW && h === this.lastH && dpr === this.lastDpr) return;
      this.lastW = w; this.lastH = h; this.lastDpr = dpr;
      this.resize({w: w, h: h, dpr: dpr});
    };
    this.observer = new ResizeObserver(() => {
      clearTimeout(this.timer);
      this.timer = setTimeout(report, 150);
    });
    this.observer.observe(this.$refs.box);
    report();
  },
  beforeDestroy() {
    if (this.observer) this.observer.disconnect();
    clearTimeout(this.timer);
  },
};
</script>
"""


@dataclass(frozen=True)
class Size:
    """The box an image is drawn for.

    Attributes:
        width: Width in CSS pixels.
        height: Height in CSS pixels.
        ratio: The screen's device-pixel ratio (device pixels per CSS pixel).
    """

    width: int
    height: int
    ratio: float = 1.0


def reported_size(data: Any, default: Size) -> Size | None:
    """The size a browser reported (``{"w", "h", "dpr"}``), capped; None if too small or bad."""
    try:
        w, h = int(data["w"]), int(data["h"])
        ratio = float(data.get("dpr", 1.0))
    except (KeyError, TypeError, ValueError):
        return None
    if w < MIN_SIDE or h < MIN_SIDE or not ratio > 0:
        return None
    return Size(min(w, MAX_SIDE), min(h, MAX_SIDE), min(max(ratio, 1.0), MAX_RATIO))


class FitImageWidget(v.VuetifyTemplate):
    """The widget behind `FitImage`."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    src = traitlets.Unicode("").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    kind = traitlets.Unicode("").tag(sync=True)
    clickable = traitlets.Bool(False).tag(sync=True)
    width = traitlets.Float(0).tag(sync=True)
    height = traitlets.Float(0).tag(sync=True)
    boxes = traitlets.List(traitlets.Dict()).tag(sync=True)
    pick_callback = traitlets.Any(None)
    resize_callback = traitlets.Any(None)

    def vue_pick(self, data: dict, buffers: Any = None) -> None:
        """Called by the browser on a click: ``{"x": fraction, "y": fraction}``."""
        if self.pick_callback is not None:
            self.pick_callback(data)

    def vue_resize(self, data: dict, buffers: Any = None) -> None:
        """Called by the browser when its box changes: ``{"w", "h", "dpr"}``."""
        if self.resize_callback is not None:
            self.resize_callback(data)


def FitImage(
    src: str,
    size: Size,
    *,
    alt: str = "",
    name: str = "",
    boxes: Sequence[dict[str, Any]] = (),
    clickable: bool = False,
    on_pick: Callable[[dict], None] | None = None,
    on_resize: Callable[[dict], None] | None = None,
) -> Any:
    """An image drawn for ``size`` (class ``govsim-img-<name>`` in a ``govsim-fit-<name>`` box).

    Args:
        src: The image as a data URL.
        size: The size it was drawn for (shown at ``size.width`` x ``size.height`` CSS px).
        alt: Alternative text.
        name: Suffix of its CSS classes.
        boxes: Legend boxes to lay over it (``panel``, ``kind``, ``x0``.. ``y1`` as fractions).
        clickable: Whether a click reports where it fell (``on_pick``).
        on_pick: Receives ``{"x", "y"}`` fractions of a click.
        on_resize: Receives the box's ``{"w", "h", "dpr"}`` when it changes.
    """
    return FitImageWidget.element(
        src=src,
        alt=alt,
        kind=name,
        clickable=clickable,
        width=float(size.width),
        height=float(size.height),
        boxes=list(boxes),
        pick_callback=on_pick,
        resize_callback=on_resize,
    )

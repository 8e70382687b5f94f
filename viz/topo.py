"""A small TopoJSON decoder (numpy only) for the maps in `viz/data/`.

TopoJSON stores shared borders once as *arcs*: quantized integer points, delta-encoded, turned
into longitude/latitude by the file's ``transform`` (scale and translate). A polygon ring is a list
of arc indices; a negative index ``~i`` means arc ``i`` reversed. Consecutive arcs of a ring share
their end points, so each arc after the first drops its first point.

The maps are projected with a plain equirectangular projection scaled by cos(52°), which keeps
the shape of the Netherlands right at the scale of a projector.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"
"""The copied map files (see `viz/data/README.md` for source and licence)."""

MAPS: dict[str, tuple[str, str]] = {
    "municipalities": ("gemeente_2017.topojson", "gemeente_2017"),
    "provinces": ("provincie_2017.topojson", "provincie_2017"),
    "youth_regions": ("jeugdzorgregio_2017.topojson", "jeugdzorgregio_2017"),
}
"""Map name -> (file in `DATA_DIR`, TopoJSON object name)."""

LAT0_COS = math.cos(math.radians(52.0))


@dataclass(frozen=True)
class Shape:
    """One geometry of a TopoJSON object, projected.

    Attributes:
        code: The ``statcode`` property (GMxxxx, PVxx, JZxx).
        name: The ``statnaam`` property.
        rings: Closed rings (k, 2) in projected coordinates; exterior rings and holes alike
            (TopoJSON winds holes the other way, so a non-zero fill leaves them open).
        arcs: Indices of the arcs the geometry uses (for borders).
    """

    code: str
    name: str
    rings: tuple[np.ndarray, ...]
    arcs: tuple[int, ...]


def project(lonlat: np.ndarray) -> np.ndarray:
    """Project (n, 2) lon/lat degrees to the map's plane coordinates."""
    out = np.asarray(lonlat, dtype=np.float64).copy()
    out[:, 0] *= LAT0_COS
    return out


def decode_arcs(topology: dict[str, Any]) -> list[np.ndarray]:
    """Decode every arc of ``topology`` to an (n, 2) array of projected coordinates."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = np.asarray(arc, dtype=np.float64).reshape(-1, 2)
        if transform is not None:
            points = np.cumsum(points, axis=0)
            points = points * np.asarray(transform["scale"]) + np.asarray(transform["translate"])
        arcs.append(project(points))
    return arcs


def ring_points(indices: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    """Stitch the arcs of one ring into a closed (k, 2) array."""
    parts = []
    for n, index in enumerate(indices):
        arc = arcs[~index][::-1] if index < 0 else arcs[index]
        parts.append(arc if n == 0 else arc[1:])
    return np.concatenate(parts, axis=0)


def _polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["arcs"]]
    if kind == "MultiPolygon":
        return list(geometry["arcs"])
    return []


@cache
def load_shapes(map_name: str) -> tuple[Shape, ...]:
    """Decode the geometries of one of `MAPS` (cached for the process)."""
    filename, obj = MAPS[map_name]
    topology = json.loads((DATA_DIR / filename).read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    shapes = []
    for geometry in topology["objects"][obj]["geometries"]:
        props = geometry.get("properties", {})
        rings: list[np.ndarray] = []
        used: list[int] = []
        for polygon in _polygons(geometry):
            for ring in polygon:
                rings.append(ring_points(ring, arcs))
                used += [i if i >= 0 else ~i for i in ring]
        shapes.append(
            Shape(
                code=str(props.get("statcode", geometry.get("id", ""))),
                name=str(props.get("statnaam", "")),
                rings=tuple(rings),
                arcs=tuple(sorted(set(used))),
            )
        )
    return tuple(shapes)


@cache
def border_lines(map_name: str) -> tuple[np.ndarray, ...]:
    """Every arc used by a geometry of ``map_name``, once (the region borders)."""
    filename, _ = MAPS[map_name]
    topology = json.loads((DATA_DIR / filename).read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    used = sorted({i for shape in load_shapes(map_name) for i in shape.arcs})
    return tuple(arcs[i] for i in used)

"""The 388 Dutch municipalities of 2017 with their regions and size classes.

Data: `model/data/gemeenten_2017.csv` (CBS boundaries and population, see
`model/data/README.md` for sources, licence and caveats). Population is CBS 1 Jan 2016 for the
same borders; Groningen and Slochteren have no same-border figure and use their 2016-border
figures (200,952 and 15,698) from the source column. Size classes follow the report's appendix
(<10k, 10-20k, 20-50k, 50-100k, >100k); with these figures they come out 23/98/189/47/31
against the report's 22/96/191/48/31 (one year of population growth).

The 29 omgevingsdiensten (physical domain's regional bodies) have no public map here, so they are
**synthetic**: contiguous clusters of municipalities built per province by a deterministic
k-means on centroids, with per-province counts close to the real split of the 29 services.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from govsim.model.parameters import ParameterError

DATA_DIR = Path(__file__).parent / "data"
SIZE_CLASSES: tuple[str, ...] = ("lt10k", "10k_20k", "20k_50k", "50k_100k", "gt100k")
SIZE_BOUNDS: tuple[int, ...] = (10_000, 20_000, 50_000, 100_000)
REPORT_SIZE_COUNTS: tuple[int, ...] = (22, 96, 191, 48, 31)
"""Municipalities per size class in 2017 according to the report's appendix."""

# Synthetic omgevingsdienst clusters per province (29 in all). The real 29 services are split
# roughly like this across the provinces (one service may straddle a border; assumption).
OD_PER_PROVINCE: dict[str, int] = {
    "Groningen": 1,
    "Fryslân": 1,
    "Drenthe": 1,
    "Overijssel": 2,
    "Flevoland": 1,
    "Gelderland": 6,
    "Utrecht": 2,
    "Noord-Holland": 3,
    "Zuid-Holland": 6,
    "Zeeland": 1,
    "Noord-Brabant": 3,
    "Limburg": 2,
}


def size_class_of(population: np.ndarray) -> np.ndarray:
    """Return the report's size class index (0-4) for each population figure."""
    return np.searchsorted(np.asarray(SIZE_BOUNDS), np.asarray(population), side="right")


def _kmeans(points: np.ndarray, k: int, iterations: int = 50) -> np.ndarray:
    """Deterministic k-means (farthest-point initialisation from the first point)."""
    if k <= 1 or len(points) <= k:
        return np.zeros(len(points), dtype=np.int64) if k <= 1 else np.arange(len(points))
    centres = [points[0]]
    for _ in range(1, k):
        dist = np.min([np.sum((points - c) ** 2, axis=1) for c in centres], axis=0)
        centres.append(points[int(np.argmax(dist))])
    c = np.array(centres)
    labels = np.zeros(len(points), dtype=np.int64)
    for _ in range(iterations):
        labels = np.argmin(((points[:, None, :] - c[None]) ** 2).sum(axis=2), axis=1)
        new = np.array(
            [points[labels == j].mean(axis=0) if np.any(labels == j) else c[j] for j in range(k)]
        )
        if np.allclose(new, c):
            break
        c = new
    return labels


def _od_clusters(frame: pd.DataFrame) -> np.ndarray:
    labels = np.zeros(len(frame), dtype=np.int64)
    offset = 0
    for province in sorted(frame["province_name"].unique()):
        rows = np.flatnonzero(frame["province_name"].to_numpy() == province)
        lat = frame["centroid_lat"].to_numpy()[rows]
        lon = frame["centroid_lon"].to_numpy()[rows] * np.cos(np.radians(52.2))
        k = OD_PER_PROVINCE.get(province, 1)
        labels[rows] = _kmeans(np.column_stack([lon, lat]), k) + offset
        offset += k
    return labels


def _fill_missing_population(frame: pd.DataFrame) -> pd.Series:
    pop = frame["population_2017"].copy()
    for i in np.flatnonzero(pop.isna().to_numpy()):
        match = re.search(r"was (\d+)", str(frame["population_source"].iloc[i]))
        if match is None:
            raise ValueError(f"no population figure for {frame['statnaam'].iloc[i]}")
        pop.iloc[i] = float(match.group(1))
    return pop.astype(np.int64)


@cache
def load_municipalities() -> pd.DataFrame:
    """Return one row per municipality with regions, size class and synthetic OD cluster.

    Columns: ``code``, ``name``, ``province``, ``youth_region``, ``youth_region_name``,
    ``od_cluster`` (0-28, synthetic), ``lon``, ``lat``, ``area_km2``, ``population``,
    ``population_imputed`` (True for Groningen and Slochteren), ``size_class`` (0-4).
    The frame is cached; callers must not modify it.
    """
    raw = pd.read_csv(DATA_DIR / "gemeenten_2017.csv", encoding="utf-8")
    frame = pd.DataFrame(
        {
            "code": raw["statcode"],
            "name": raw["statnaam"],
            "province": raw["province_name"],
            "youth_region": raw["youth_region_code"],
            "youth_region_name": raw["youth_region_name"],
            "lon": raw["centroid_lon"],
            "lat": raw["centroid_lat"],
            "area_km2": raw["area_km2"],
            "population": _fill_missing_population(raw),
            "population_imputed": raw["population_2017"].isna(),
        }
    )
    frame["size_class"] = size_class_of(frame["population"].to_numpy())
    frame["od_cluster"] = _od_clusters(raw)
    return frame


@dataclass(frozen=True)
class MunicipalityArrays:
    """Per-municipality arrays used in the hot loop (index = row of `load_municipalities`).

    Attributes:
        population: Inhabitants.
        size_class: Report size class 0-4.
        youth_region: Youth-care region index (social-domain cooperation).
        od_cluster: Synthetic omgevingsdienst index (physical-domain cooperation).
        province: Province index.
        n_youth_regions: Number of youth-care regions.
        n_od_clusters: Number of synthetic omgevingsdiensten.
    """

    population: np.ndarray
    size_class: np.ndarray
    youth_region: np.ndarray
    od_cluster: np.ndarray
    province: np.ndarray
    n_youth_regions: int
    n_od_clusters: int

    @property
    def n(self) -> int:
        """Number of municipalities."""
        return len(self.population)

    def region_of(self, domain: int) -> tuple[np.ndarray, int]:
        """Region index and count for a domain (0 social: youth region, 1 physical: OD)."""
        if domain == 0:
            return self.youth_region, self.n_youth_regions
        return self.od_cluster, self.n_od_clusters

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> MunicipalityArrays:
        """Build the arrays from (a subset of) `load_municipalities`."""
        youth = pd.factorize(frame["youth_region"], sort=True)[0]
        od = pd.factorize(frame["od_cluster"], sort=True)[0]
        province = pd.factorize(frame["province"], sort=True)[0]
        return cls(
            population=frame["population"].to_numpy(dtype=np.float64),
            size_class=frame["size_class"].to_numpy(dtype=np.int64),
            youth_region=youth.astype(np.int64),
            od_cluster=od.astype(np.int64),
            province=province.astype(np.int64),
            n_youth_regions=int(youth.max()) + 1,
            n_od_clusters=int(od.max()) + 1,
        )


NAME_ALIASES: dict[str, str] = {
    "den haag": "'s-Gravenhage",
    "the hague": "'s-Gravenhage",
    "den bosch": "'s-Hertogenbosch",
    "s-hertogenbosch": "'s-Hertogenbosch",
    "hertogenbosch": "'s-Hertogenbosch",
    "s-gravenhage": "'s-Gravenhage",
    "nuenen": "Nuenen, Gerwen en Nederwetten",
    "bergen nh": "Bergen (NH.)",
    "bergen noord-holland": "Bergen (NH.)",
    "bergen l": "Bergen (L.)",
    "bergen limburg": "Bergen (L.)",
    "sudwest friesland": "Súdwest-Fryslân",
}
"""Common names of municipalities whose official 2017 name differs (matched after `normalise`)."""

PROVINCE_ALIASES: dict[str, str] = {"fryslan": "Friesland", "fryslân": "Friesland"}
"""Other names of provinces (matched after `normalise`)."""


def normalise(text: str) -> str:
    """Lower case, accents and punctuation dropped, single spaces.

    For matching names typed by people ("Súdwest-Fryslân" and "sudwest fryslan" match;
    "'s-Gravenhage" and "s gravenhage").
    """
    plain = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    plain = re.sub(r"[^a-z0-9]+", " ", plain)
    return " ".join(plain.split())


@cache
def _name_index() -> dict[str, str]:
    frame = load_municipalities()
    index = {normalise(name): name for name in frame["name"]}
    for alias, official in NAME_ALIASES.items():
        index.setdefault(normalise(alias), official)
    return index


def find_municipality(text: str) -> str | None:
    """The official 2017 name of the municipality ``text`` names (code, name or alias), or None.

    Codes are ``GMxxxx``; names match without regard to case, accents or punctuation, and common
    names ("Den Haag", "Den Bosch") find the official one.
    """
    frame = load_municipalities()
    code = str(text).strip().upper()
    if code in set(frame["code"]):
        return str(frame.loc[frame["code"] == code, "name"].iloc[0])
    return _name_index().get(normalise(text))


def find_province(text: str) -> str | None:
    """The province ``text`` names (case, accents and 'Fryslân' allowed), or None."""
    key = normalise(text)
    for province in load_municipalities()["province"].unique():
        if normalise(province) == key:
            return str(province)
    alias = PROVINCE_ALIASES.get(key)
    return alias


def find_youth_region(text: str) -> str | None:
    """The code (``JZxx``) of the youth-care region ``text`` names (code or name), or None."""
    frame = load_municipalities()
    key = normalise(text)
    for code, name in zip(frame["youth_region"], frame["youth_region_name"], strict=True):
        if normalise(code) == key or normalise(name) == key:
            return str(code)
    return None


SELECTION_FORMS = (
    "CBS codes (GM0344), municipality names (Borne), provinces (Overijssel), or "
    "'municipality NAME' / 'province NAME' where a name is both (Utrecht, Groningen)"
)
"""What a municipality selection may hold (for messages)."""


def select_municipalities(selection: Sequence[str] | str | None) -> pd.DataFrame:
    """Rows of `load_municipalities` for CBS codes, names or province names (None: all 388).

    A name that is both a municipality and a province (Utrecht, Groningen) selects the province,
    which holds the municipality; ``"municipality Utrecht"`` (or its code, GM0344) selects only
    the city, ``"province Utrecht"`` only the province. One text alone is a selection of one.

    Raises:
        ParameterError: If an item matches no municipality or province, or the selection is
            empty.
    """
    frame = load_municipalities()
    if selection is None:
        return frame
    items = [selection] if isinstance(selection, str) else list(selection)
    if not items:
        raise ParameterError(
            f"the selection of municipalities is empty; give at least one: {SELECTION_FORMS} "
            "(or None for all 388)"
        )
    keep = np.zeros(len(frame), dtype=bool)
    for item in items:
        text = " ".join(str(item).split())
        word, _, rest = text.partition(" ")
        name = province = None
        if word.lower() in ("municipality", "gemeente") and rest:
            name = find_municipality(rest)
        elif word.lower() in ("province", "provincie") and rest:
            province = find_province(rest)
        else:
            name, province = find_municipality(text), find_province(text)
        match = (frame["name"] == name) | (frame["province"] == province)
        if not match.any():
            raise ParameterError(
                f"'{item}' is not a 2017 municipality code (GMxxxx), municipality name or "
                f"province; allowed: {SELECTION_FORMS}"
            )
        keep |= match.to_numpy()
    return frame[keep].reset_index(drop=True)

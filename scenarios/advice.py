"""``govsim lessons [WHERE]``: "what should we do next?", answered by paired runs (issue 17).

For a municipality, a youth-care region, a province, a size class or the whole country, every
lesson of report §5.5 and the role, stance and strategy choices (`scenarios.lessons.LESSONS`)
is applied to the municipalities of WHERE on top of a base scenario and run with common random
numbers against it. A municipality is simulated with its youth-care region (its neighbours
shape its cooperation), and judged on its own state; larger selections on their national
indicators. The lessons are ranked on three outcomes of the Omgevingswet, the domain still
ahead in 2018: transformation by 2029, transition at entry into force (how far on schedule)
and the secretary's satisfaction at entry. The ranking's stability is shown by resampling the
replications (bootstrap): each lesson's 5-95% range of ranks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from govsim.model.levers import parse_where
from govsim.model.municipalities import load_municipalities
from govsim.scenarios.lessons import LESSONS, OUTCOMES, Lesson, Outcome, lesson_values
from govsim.scenarios.report_text import number
from govsim.scenarios.scenario import Scenario

RANKED_ON: tuple[str, ...] = (
    "transformation_physical_2029",
    "transition_physical_2021",
    "satisfaction_physical_2021",
)
"""The outcomes the ranking uses (`scenarios.lessons.OUTCOMES` names)."""
BOOTSTRAP = 400
"""Resamples of the replications for the rank bands."""
PRECISION = 1e-3
"""Effects are ranked at the precision they are printed with."""
NOISE = 1e-4
"""Effects whose band lies within this of zero count as no effect."""
FEW_REPLICATIONS = 5
"""Below this many replications the bands and resamples say little of chance: the ranking
says so instead of calling its order stable."""


@dataclass(frozen=True)
class Ranking:
    """The ranked lessons for one WHERE.

    Attributes:
        where: The selection as given.
        simulated: The municipalities simulated (None: all 388).
        focus: CBS codes the outcomes are read over (None: national indicators of the run).
        replications: Replications per variant.
        table: One row per lesson: ``rank``, ``rank_low``, ``rank_high``, ``lesson`` and per
            outcome ``<name>``, ``<name>_p05``, ``<name>_p95`` (paired effect, median and band).
        top_share: Share of bootstrap resamples in which the first lesson stays first.
        outcomes: The outcomes ranked on.
    """

    where: str
    simulated: list[str] | None
    focus: list[str] | None
    replications: int
    table: pd.DataFrame
    top_share: float
    outcomes: tuple[Outcome, ...]


def simulated_set(where: str) -> tuple[list[str] | None, list[str] | None]:
    """(municipalities to simulate, CBS codes to read outcomes over) for a WHERE.

    A municipality is simulated with the other municipalities of its youth-care region and
    judged on itself; a region or province is simulated alone; a size class or ``all`` needs
    the whole country.
    """
    selector = parse_where(where)
    frame = load_municipalities()
    if selector.kind == "municipality":
        row = frame[frame["name"] == selector.values[0]].iloc[0]
        region = frame[frame["youth_region"] == row["youth_region"]]
        return list(region["code"]), [str(row["code"])]
    if selector.kind in ("region", "province"):
        mask = selector.mask(frame)
        return list(frame.loc[mask, "code"]), None
    return None, None


def _ranks(effects: np.ndarray) -> np.ndarray:
    """Rank (1 = best) per lesson from effects (lessons, outcomes): mean of per-outcome ranks.

    Effects are compared at the printed precision (`PRECISION`): choices whose effects print
    alike share a rank (ties get the best rank of the group).
    """
    from scipy.stats import rankdata

    rounded = np.round(effects / PRECISION) * PRECISION
    per_outcome = rankdata(-rounded, axis=0, method="average")
    return rankdata(np.round(per_outcome.mean(axis=1), 9), method="min").astype(int)


def rank_lessons(
    values: dict[str, np.ndarray],
    base: str,
    lessons: Sequence[Lesson],
    outcomes: Sequence[Outcome],
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, float]:
    """The ranking table and the bootstrap share of the first lesson staying first."""
    keep = [i for i, o in enumerate(outcomes) if o.name in RANKED_ON]
    sign = np.array([1.0 if outcomes[i].better == "higher" else -1.0 for i in keep])
    diffs = np.stack([values[lesson.name][:, keep] - values[base][:, keep] for lesson in lessons])
    medians = np.median(diffs, axis=1) * sign
    ranks = _ranks(medians)
    n = diffs.shape[1]
    boot = np.empty((BOOTSTRAP, len(lessons)), dtype=int)
    for b in range(BOOTSTRAP):
        pick = rng.integers(0, n, n)
        boot[b] = _ranks(np.median(diffs[:, pick], axis=1) * sign)
    first = int(np.argmin(ranks))
    rows = []
    for k, lesson in enumerate(lessons):
        row = {
            "rank": int(ranks[k]),
            "rank_low": int(np.quantile(boot[:, k], 0.05)),
            "rank_high": int(np.quantile(boot[:, k], 0.95)),
            "lesson": lesson.name,
        }
        for j, i in enumerate(keep):
            d = diffs[k, :, j]
            row[outcomes[i].name] = float(np.median(d))
            row[f"{outcomes[i].name}_p05"] = float(np.quantile(d, 0.05))
            row[f"{outcomes[i].name}_p95"] = float(np.quantile(d, 0.95))
        rows.append(row)
    table = pd.DataFrame(rows).sort_values(["rank", "lesson"]).reset_index(drop=True)
    return table, float(np.mean(boot[:, first] == 1))


def advise(
    base: Scenario,
    where: str = "all",
    *,
    replications: int = 10,
    seed: int = 20180101,
    workers: int = 1,
    lessons: Sequence[Lesson] = LESSONS,
    progress: bool = False,
) -> Ranking:
    """Run every lesson for ``where`` against ``base`` and rank them (see the module doc).

    Raises:
        LeverError: ``where`` names no municipality, region, province or size class.
    """
    simulated, focus = simulated_set(where)
    outcomes = tuple(o for o in OUTCOMES if o.name in RANKED_ON)
    values = lesson_values(
        base,
        where=where,
        replications=replications,
        seed=seed,
        municipalities=simulated,
        workers=workers,
        lessons=lessons,
        outcomes=outcomes,
        focus=focus,
        progress=progress,
    )
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    table, top = rank_lessons(values, base.name, lessons, outcomes, rng)
    return Ranking(where, simulated, focus, replications, table, top, outcomes)


def number3(value: float, lang: str) -> str:
    """An effect as the command prints it: signed, three decimals (`report_text.number`)."""
    return number(value, lang, signed=True, digits=3)


WORDS: dict[str, tuple[str, str]] = {
    "improves": ("verbetert", "improves"),
    "worsens": ("verslechtert", "worsens"),
    "nothing": (
        "verandert in het model geen van de uitkomsten buiten het toeval",
        "changes none of the outcomes beyond chance in the model",
    ),
    "rank": ("rang", "rank"),
    "lesson": ("keuze", "choice"),
    "stable": (
        "De eerste keuze staat in {share} van de herbemonsteringen bovenaan; rangbanden: 5-95%.",
        "The first choice stays first in {share} of the resamples; rank bands: 5-95%.",
    ),
    "unstable": (
        "Let op: de volgorde bovenaan is niet stabiel (de eerste staat maar in {share} van de "
        "herbemonsteringen bovenaan); meer replicaties (-n) maken haar scherper.",
        "Note: the order at the top is not stable (the first stays first in only {share} of "
        "the resamples); more replications (-n) sharpen it.",
    ),
    "few": (
        "Let op: met {reps} replicatie(s) per keuze zeggen de banden en de herbemonsteringen "
        "weinig over het toeval; neem -n 10 of meer voordat u op deze volgorde bouwt.",
        "Note: with {reps} replication(s) per choice the bands and resamples say little about "
        "chance; use -n 10 or more before relying on this order.",
    ),
    "header": (
        "Wat moeten we nu doen? {where}: {n} keuzes, elk {reps} gepaarde replicaties tegen "
        "'{base}'{sim}.",
        "What should we do next? {where}: {n} choices, each {reps} paired replications against "
        "'{base}'{sim}.",
    ),
    "sim_region": (
        " (gesimuleerd met de {k} gemeenten van de jeugdzorgregio)",
        " (simulated with the {k} municipalities of its youth-care region)",
    ),
    "sim_subset": (" ({k} gemeenten gesimuleerd)", " ({k} municipalities simulated)"),
}
"""The command's words, Dutch and English."""


def reliability(replications: int, top_share: float, lang: str = "en") -> str:
    """How far the order can be trusted: too few replications, stable or not stable."""
    if replications < FEW_REPLICATIONS:
        return word("few", lang).format(reps=replications)
    share = f"{round(100 * top_share)}%"
    return word("stable" if top_share >= 0.8 else "unstable", lang).format(share=share)


def word(key: str, lang: str) -> str:
    """A word or template of `WORDS` in ``lang``."""
    return WORDS[key][0 if lang == "nl" else 1]


def sentence(row: pd.Series, outcomes: Sequence[Outcome], lang: str = "en") -> str:
    """One plain sentence: what the choice improves and worsens (bands clear of zero)."""
    gains, losses = [], []
    for o in outcomes:
        sign = 1.0 if o.better == "higher" else -1.0
        low, high = sorted((sign * row[f"{o.name}_p05"], sign * row[f"{o.name}_p95"]))
        name = o.nl if lang == "nl" else o.en
        value = number3(row[o.name], lang)
        if low > NOISE:
            gains.append(f"{name} ({value})")
        elif high < -NOISE:
            losses.append(f"{name} ({value})")
    parts = []
    if gains:
        parts.append(f"{word('improves', lang)} " + ", ".join(gains))
    if losses:
        parts.append(f"{word('worsens', lang)} " + ", ".join(losses))
    return "; ".join(parts) if parts else word("nothing", lang)


def render_text(ranking: Ranking, base: Scenario, lang: str = "en") -> str:
    """The ranking as plain text for a terminal: one block per choice, best first."""
    labels = {lesson.name: lesson for lesson in LESSONS}
    if ranking.focus is not None:
        sim = word("sim_region", lang).format(k=len(ranking.simulated or []))
    elif ranking.simulated is not None:
        sim = word("sim_subset", lang).format(k=len(ranking.simulated))
    else:
        sim = ""
    lines = [
        word("header", lang).format(
            where=ranking.where,
            n=len(ranking.table),
            reps=ranking.replications,
            base=base.label(lang),
            sim=sim,
        ),
        "",
    ]
    for _, row in ranking.table.iterrows():
        lesson = labels[row["lesson"]]
        band = f"{row['rank_low']}-{row['rank_high']}"
        lines.append(f"{row['rank']:>2}. ({band:>5}) {lesson.nl if lang == 'nl' else lesson.en}")
        cells = []
        for o in ranking.outcomes:
            lo, hi = number3(row[f"{o.name}_p05"], lang), number3(row[f"{o.name}_p95"], lang)
            cells.append(
                f"{o.nl if lang == 'nl' else o.en} {number3(row[o.name], lang)} [{lo}; {hi}]"
            )
        lines.append("            " + " · ".join(cells))
        lines.append("            → " + sentence(row, ranking.outcomes, lang))
    lines += ["", reliability(ranking.replications, ranking.top_share, lang)]
    return "\n".join(lines)

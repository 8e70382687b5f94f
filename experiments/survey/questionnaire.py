"""The virtual questionnaire: interview the simulated secretaries in a simulated month.

The 2017 survey was sent to every municipal secretary on 29 June 2017 and fielded July-September
2017; 126 of the 388 secretaries responded (3 / 31 / 64 / 14 / 14 by size class, report
Bijlage 2). `interview` asks the same items with the same answer categories of a model run to
the survey month (2017-08), for a stratified sample mirroring that response or for all
municipalities, and returns one row per item, domain, answer category and source table, in the
layout of ``data/survey_2017.csv``. How each item is answered is documented in
`experiments.survey.items`. A model built and run for a survey comes from
`experiments.survey.simulate.simulate_survey`, at the survey month or at any other.

Example:
    >>> from govsim.model import GovernanceModel
    >>> from govsim.experiments.survey.questionnaire import interview, SURVEY_MONTH
    >>> model = GovernanceModel(rng=1).run(until=SURVEY_MONTH)
    >>> table = interview(model, sample="stratified", rng=7)
    >>> int(table.n.max())
    126
"""

from __future__ import annotations

import datetime as dt
import json
import math
import numbers
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from govsim.experiments.survey.items import (
    BINARY,
    DOMAINS,
    FIVE,
    INSTRUMENT_DEFAULTS,
    ITEMS,
    LIKERT_CUTS,
    READ_WITH,
    THREE,
    Item,
    SurveyState,
)
from govsim.experiments.survey.observed import MARGIN_OF_ERROR_90, load_observed, margin_of_error
from govsim.model.municipalities import SIZE_CLASSES
from govsim.model.parameters import CALIBRATED_PATH

if TYPE_CHECKING:  # pragma: no cover
    from govsim.model.governance_model import GovernanceModel

SURVEY_MONTH = "2017-08"
"""Month the model is run to before the interview (middle of the fieldwork)."""
FIELDWORK: tuple[dt.date, dt.date] = (dt.date(2017, 7, 1), dt.date(2017, 9, 1))
"""First and last month of the fieldwork (report Bijlage 2: sent 29 June 2017, reminders 4 and
6 July; fielded July-September)."""

SAMPLES: tuple[str, ...] = ("stratified", "all")

COLUMNS: tuple[str, ...] = (
    "item",
    "domain",
    "category",
    "source_table",
    "role",
    "percent",
    "n",
)
"""Columns of an interview result."""


def response_quota() -> dict[str, int]:
    """Respondents per size class in the real survey (3 / 31 / 64 / 14 / 14 = 126).

    Read from the input rows ``response_size_class`` of the survey data file.
    """
    obs = load_observed()
    rows = obs[obs["item"] == "response_size_class"].set_index("category")
    return {c: int(rows.loc[c, "n"]) for c in SIZE_CLASSES}


def instrument_settings() -> dict[str, float]:
    """The instrument's free settings: the calibrated ones where a calibration supplied them.

    Returns:
        ``{"answer_noise": ..., "importance_noise": ..., "satisfaction_noise": ...,
        "change_noise": ..., "emphasis_scale": ...}`` from the
        ``instrument`` record of
        ``model/data/calibrated_parameters.json`` where present, else the declared defaults.
    """
    settings = dict(INSTRUMENT_DEFAULTS)
    if CALIBRATED_PATH.exists():
        record = json.loads(CALIBRATED_PATH.read_text(encoding="utf-8"))
        settings.update(calibrated_instrument(record.get("instrument", {})))
    return settings


def calibrated_instrument(values: Mapping[str, float]) -> dict[str, float]:
    """The instrument settings of a calibrated record (its other entries are left out)."""
    return {k: float(v) for k, v in values.items() if k in INSTRUMENT_DEFAULTS}


def check_asked_month(model: GovernanceModel) -> None:
    """Raise ValueError unless ``model`` has simulated at least one month.

    The questionnaire can be fielded in any simulated month (`experiments.survey.simulate`);
    the 2017 figures compare only with the fieldwork months (`FIELDWORK`).
    """
    if model.steps < 1:
        raise ValueError(
            "the questionnaire asks a model that has simulated at least one month: run it "
            f"first, e.g. model.run(until='{SURVEY_MONTH}')"
        )


def categorise(latent: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Five-point answers (1-5; 0 where the item is not asked) from latent scores and noise."""
    score = latent + noise
    codes = 1 + np.searchsorted(np.asarray(LIKERT_CUTS), score, side="right")
    return np.where(np.isnan(latent), 0, codes).astype(np.int8)


def noise_sd(
    item: Item,
    state: SurveyState,
    answer_noise: float,
    satisfaction_noise: float | None = None,
    change_noise: float | None = None,
    importance_noise: float | None = None,
) -> np.ndarray:
    """Answer-noise standard deviation (2,) of ``item`` per domain (see `answer_codes`)."""
    sd = np.full(2, answer_noise, dtype=np.float64)
    if item.scale == "likert" and satisfaction_noise is not None:
        sd = np.where(state.in_force, satisfaction_noise, answer_noise).astype(np.float64)
    for name, own in (("change_noise", change_noise), ("importance_noise", importance_noise)):
        if own is not None and READ_WITH[name] & set(item.tables):
            sd = np.full(2, own, dtype=np.float64)
    return sd


def _asked_latent(item: Item, state: SurveyState, rows: np.ndarray) -> np.ndarray:
    """Latent scores (R, 2) of the respondents ``rows``; NaN where the item is not asked."""
    latent = np.asarray(item.latent(state), dtype=np.float64)[rows]
    if latent.shape != (len(rows), 2):
        raise ValueError(f"item '{item.item}' gives latent shape {latent.shape}")
    missing = np.ones(2, dtype=bool)
    missing[[DOMAINS.index(d) for d in item.domains]] = False
    latent[:, missing] = np.nan
    return latent


def answer_codes(
    state: SurveyState,
    rows: np.ndarray,
    rng: np.random.Generator,
    answer_noise: float,
    satisfaction_noise: float | None = None,
    change_noise: float | None = None,
    importance_noise: float | None = None,
) -> dict[str, np.ndarray]:
    """Five-point answers of the respondents ``rows`` to every item.

    Args:
        state: The survey state of the model.
        rows: Municipality rows of the respondents.
        rng: Generator for the answer noise (one normal draw per respondent, item and domain,
            in the order of `ITEMS`).
        answer_noise: Standard deviation of the answer noise on the latent scale.
        satisfaction_noise: The same for Table 3's satisfaction (``likert``) items in a domain
            whose decentralisation is in force; ``answer_noise`` when None.
        change_noise: The same for Table 5's needed-change items; ``answer_noise`` when None.
        importance_noise: The same for the appendix table's items (and Table 2, which repeats
            it); ``answer_noise`` when None.

    Returns:
        Item id -> (R, 2) int8 codes 1-5 (0: item not asked for that domain).
    """
    out: dict[str, np.ndarray] = {}
    for item in ITEMS:
        latent = _asked_latent(item, state, rows)
        sd = noise_sd(item, state, answer_noise, satisfaction_noise, change_noise, importance_noise)
        out[item.item] = categorise(latent, rng.normal(0.0, 1.0, latent.shape) * sd[None, :])
    return out


def answer_probabilities(
    state: SurveyState,
    rows: np.ndarray,
    answer_noise: float,
    satisfaction_noise: float | None = None,
    change_noise: float | None = None,
    importance_noise: float | None = None,
) -> dict[str, np.ndarray]:
    """Probability of each five-point answer of the respondents ``rows``, over the answer noise.

    The expectation of `answer_codes` over its normal answer noise, in closed form: a
    respondent with latent score L and noise sd s answers category k with probability
    Phi((c_k - L) / s) - Phi((c_{k-1} - L) / s) for the category bounds c of `LIKERT_CUTS`
    (c_0 = -inf, c_5 = +inf); with s = 0 the answer is certain. Tabulated, it gives the shares
    an interview returns on average over its answer noise, without that noise (used by the
    calibration, whose distance would otherwise compare survey figures blurred by a fresh draw
    of every respondent's answers).

    Returns:
        Item id -> (R, 2, 5) probabilities of the answers 1-5 (NaN where not asked).
    """
    from scipy.special import ndtr

    cuts = np.asarray(LIKERT_CUTS, dtype=np.float64)
    out: dict[str, np.ndarray] = {}
    for item in ITEMS:
        latent = _asked_latent(item, state, rows)
        sd = noise_sd(item, state, answer_noise, satisfaction_noise, change_noise, importance_noise)
        # P(answer <= k) = P(score < c_k); without noise exactly as `categorise` (a score on a
        # bound goes up)
        noisy = sd[None, :, None] > 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (cuts[None, None, :] - latent[..., None]) / sd[None, :, None]
        exact = (latent[..., None] < cuts[None, None, :]).astype(np.float64)
        below = np.where(noisy, ndtr(z), exact)
        cdf = np.concatenate(
            [np.zeros((*latent.shape, 1)), below, np.ones((*latent.shape, 1))], axis=2
        )
        probs = np.diff(cdf, axis=2)
        probs[np.isnan(latent)] = np.nan
        out[item.item] = probs
    return out


def _categories(item: Item, table: str) -> tuple[tuple[str, ...], list[np.ndarray]]:
    """Categories of ``item`` in ``table`` and the five-point codes that fall in each."""
    if table == "appendix_importance":
        return THREE, [np.array([1, 2]), np.array([3]), np.array([4, 5])]
    if table == "table_3":
        return FIVE, [np.array([k]) for k in range(1, 6)]
    return BINARY, [np.array([4, 5]), np.array([1, 2, 3])]


def tabulate(answers: Mapping[str, np.ndarray], weights: np.ndarray | None = None) -> pd.DataFrame:
    """Percentages per item, domain, table and category from five-point answers.

    Args:
        answers: Per item, either the answers of `answer_codes` ((R, 2) codes 1-5, 0 where not
            asked) or the answer probabilities of `answer_probabilities` ((R, 2, 5), NaN where
            not asked; the result is then the expected shares).
        weights: Optional weight per respondent (e.g. response-composition weights).

    Returns:
        A frame with `COLUMNS`; ``n`` is the number of respondents asked.
    """
    records: list[tuple[Any, ...]] = []
    for item in ITEMS:
        probs = answers[item.item]
        if probs.ndim == 2:  # codes: each answer is certain
            probs = np.where(probs[..., None] > 0, probs[..., None] == np.arange(1, 6), np.nan)
        w = np.ones(len(probs)) if weights is None else np.asarray(weights, dtype=np.float64)
        for d, domain in enumerate(DOMAINS):
            if domain not in item.domains:
                continue
            asked = ~np.isnan(probs[:, d, :]).any(axis=1)
            share_of = probs[asked, d, :]
            total = w[asked].sum()
            for table in item.tables:
                cats, groups = _categories(item, table)
                for cat, group in zip(cats, groups, strict=True):
                    mass = share_of[:, group - 1].sum(axis=1)
                    share = float(w[asked] @ mass) / total if total > 0 else np.nan
                    records.append(
                        (item.item, domain, cat, table, item.role, 100.0 * share, int(asked.sum()))
                    )
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    return frame


def sample_respondents(
    size_class: np.ndarray,
    sample: str,
    rng: np.random.Generator,
    quota: Mapping[str, int] | None = None,
) -> np.ndarray:
    """Rows of the municipalities interviewed.

    Args:
        size_class: Size class (0-4) of every municipality of the model.
        sample: ``"stratified"`` (the real response per size class, drawn without replacement
            within each class; a class with fewer municipalities than its quota, as in a
            province subset, is interviewed in full) or ``"all"``.
        rng: Generator for the draw.
        quota: Respondents per size class (default: `response_quota`).

    Returns:
        Sorted municipality rows.
    """
    if sample not in SAMPLES:
        raise ValueError(f"sample must be one of {SAMPLES}, got '{sample}'")
    if sample == "all":
        return np.arange(len(size_class))
    quota = response_quota() if quota is None else quota
    chosen = []
    for c, name in enumerate(SIZE_CLASSES):
        pool = np.flatnonzero(size_class == c)
        take = min(int(quota[name]), len(pool))
        chosen.append(rng.choice(pool, size=take, replace=False))
    return np.sort(np.concatenate(chosen)).astype(np.int64)


def response_weights(size_class: np.ndarray, quota: Mapping[str, int] | None = None) -> np.ndarray:
    """Weight per municipality so that the classes count as in the real response.

    The report's percentages are shares of the 126 respondents, whose size classes differ from
    the 388 municipalities (small ones answered less often). Interviewing all municipalities
    and weighting each by quota / class size gives the expected value of a stratified sample
    without its sampling noise; this is what the calibration compares with.
    """
    quota = response_quota() if quota is None else quota
    counts = np.bincount(size_class, minlength=len(SIZE_CLASSES)).astype(np.float64)
    q = np.array([quota[name] for name in SIZE_CLASSES], dtype=np.float64)
    per_class = np.divide(q, counts, out=np.zeros_like(q), where=counts > 0)
    return per_class[size_class]


def _rng(rng: Any) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _finite(value: object) -> bool:
    """Whether ``value`` is a finite real number (not a bool, a text or None)."""
    return (
        not isinstance(value, bool)
        and isinstance(value, numbers.Real)
        and math.isfinite(float(value))
    )


def interview(
    model: GovernanceModel,
    sample: str = "stratified",
    rng: Any = None,
    *,
    answer_noise: float | None = None,
    emphasis_scale: float | None = None,
    weighting: str = "none",
    satisfaction_noise: float | None = None,
    change_noise: float | None = None,
    importance_noise: float | None = None,
    expected: bool = False,
) -> pd.DataFrame:
    """Interview the simulated secretaries of ``model`` in the month it stands at.

    Args:
        model: A model run to the month asked (the 2017 survey's: `SURVEY_MONTH`).
        sample: ``"stratified"`` (126 respondents, 3 / 31 / 64 / 14 / 14 by size class) or
            ``"all"`` (every municipality of the model).
        rng: Seed or Generator for the sample and the answer noise.
        answer_noise: Answer-noise standard deviation (default: `instrument_settings`).
        satisfaction_noise: Answer-noise standard deviation of Table 3's satisfaction items
            (default: `instrument_settings`).
        change_noise: Answer-noise standard deviation of Table 5's needed-change items
            (default: `instrument_settings`).
        importance_noise: Answer-noise standard deviation of the appendix table's importance
            items (default: `instrument_settings`).
        emphasis_scale: Emphasis scale of the steering-based items (default:
            `instrument_settings`; see `experiments.survey.items.EMPHASIS_SCALE`).
        weighting: ``"none"`` (each respondent counts once) or ``"response"`` (weight the size
            classes as in the real response; see `response_weights`).
        expected: Return the shares expected over the answer noise (`answer_probabilities`)
            instead of those of one draw of it; the sample is drawn either way.

    Returns:
        One row per item, domain, category and source table (`COLUMNS`). Percentages of each
        item, domain and table sum to 100.

    Raises:
        ValueError: If the model has not simulated a month or an argument is invalid.
    """
    check_asked_month(model)
    if weighting not in ("none", "response"):
        raise ValueError(f"weighting must be 'none' or 'response', got '{weighting}'")
    settings = instrument_settings()
    noise = settings["answer_noise"] if answer_noise is None else answer_noise
    scale = settings["emphasis_scale"] if emphasis_scale is None else emphasis_scale
    sat_noise = settings["satisfaction_noise"] if satisfaction_noise is None else satisfaction_noise
    chg_noise = settings["change_noise"] if change_noise is None else change_noise
    imp_noise = settings["importance_noise"] if importance_noise is None else importance_noise
    for name, value in (
        ("answer_noise", noise),
        ("satisfaction_noise", sat_noise),
        ("change_noise", chg_noise),
        ("importance_noise", imp_noise),
    ):
        if not _finite(value) or not value >= 0.0:
            raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    if not _finite(scale) or not scale > 0.0:
        raise ValueError(f"emphasis_scale must be a finite number > 0, got {scale!r}")
    sample_rng, noise_rng = _rng(rng).spawn(2)
    state = SurveyState.from_model(model, scale)
    rows = sample_respondents(state.size_class, sample, sample_rng)
    weights = response_weights(state.size_class)[rows] if weighting == "response" else None
    if expected:
        probs = answer_probabilities(state, rows, noise, sat_noise, chg_noise, imp_noise)
        return tabulate(probs, weights)
    codes = answer_codes(state, rows, noise_rng, noise, sat_noise, chg_noise, imp_noise)
    return tabulate(codes, weights)


def compare(simulated: pd.DataFrame, observed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Simulated vs observed per item, domain, category and table.

    Args:
        simulated: An `interview` result (or a frame with the same key columns and a
            ``percent`` column).
        observed: Observed figures (default: `load_observed`).

    Returns:
        The simulated rows with ``observed`` (NaN where the report has no figure),
        ``difference`` (simulated - observed), ``margin`` (the report's 6.1 points),
        ``margin_p`` (90% margin at the observed share, n = 126 of N = 388) and ``within``
        (|difference| <= margin; NA without an observed figure). The reference row (the
        text's 91%) is appended with the simulated share of categories 4 + 5.
    """
    obs = load_observed() if observed is None else observed
    keys = ["item", "domain", "category", "source_table"]
    right = obs[[*keys, "percent"]].rename(columns={"percent": "observed"})
    out = simulated.merge(right, on=keys, how="left")
    ref = obs[obs["role"] == "reference"]
    extra = []
    for row in ref.itertuples(index=False):
        base = str(row.item).removesuffix("_text")
        cats = str(row.category).split("_")
        sel = (
            (simulated["item"] == base)
            & (simulated["domain"] == row.domain)
            & simulated["category"].isin(cats)
        )
        if sel.any():
            extra.append(
                {
                    "item": row.item,
                    "domain": row.domain,
                    "category": row.category,
                    "source_table": row.source_table,
                    "role": "reference",
                    "percent": float(simulated.loc[sel, "percent"].sum()),
                    "n": int(simulated.loc[sel, "n"].max()),
                    "observed": float(row.percent),
                }
            )
    if extra:
        out = pd.concat([out, pd.DataFrame(extra)], ignore_index=True)
    out["difference"] = out["percent"] - out["observed"]
    out["margin"] = MARGIN_OF_ERROR_90
    out["margin_p"] = [
        margin_of_error(p=min(max(v / 100.0, 0.0), 1.0)) if pd.notna(v) else np.nan
        for v in out["observed"]
    ]
    within = out["difference"].abs() <= out["margin"]
    out["within"] = within.astype("boolean").mask(out["observed"].isna())
    return out


def format_comparison(table: pd.DataFrame) -> str:
    """Plain-text table of a `compare` result, targets first, then inputs and references."""
    lines = []
    order = {"target": 0, "input": 1, "reference": 2}
    view = table.assign(_o=table["role"].map(order)).sort_values(
        ["_o", "source_table", "item", "domain"], kind="stable"
    )
    for role, group in view.groupby("_o", sort=True):
        name = {0: "TARGETS", 1: "INPUTS (initialise the model; never fit)", 2: "REFERENCE"}[role]
        lines.append(name)
        lines.append(
            f"{'table':<20} {'item':<34} {'domain':<9} {'category':<11} "
            f"{'sim':>6} {'obs':>6} {'diff':>6}  in±6.1"
        )
        for r in group.itertuples(index=False):
            obs = "" if pd.isna(r.observed) else f"{r.observed:6.1f}"
            # rounded first, then + 0.0: a difference under 0.05 prints +0.0, never -0.0
            diff = "" if pd.isna(r.difference) else f"{round(r.difference, 1) + 0.0:+6.1f}"
            ok = "" if pd.isna(r.within) else ("yes" if r.within else "NO")
            lines.append(
                f"{r.source_table:<20} {r.item:<34} {r.domain:<9} {r.category:<11} "
                f"{r.percent:6.1f} {obs:>6} {diff:>6}  {ok}"
            )
        lines.append("")
    targets = table[(table["role"] == "target") & table["observed"].notna()]
    targets = targets[targets["source_table"] != "table_2"]
    if len(targets):
        share = float(targets["within"].astype(bool).mean())
        lines.append(
            f"target figures within the survey's margin of error (±{MARGIN_OF_ERROR_90}): "
            f"{int(targets['within'].astype(bool).sum())} of {len(targets)} ({100 * share:.0f}%); "
            "Table 2 repeats the appendix and is not counted twice"
        )
    return "\n".join(lines)

"""Files for the debrief, made in memory: the charts and maps (PNG) and the data (CSV).

Every function takes a `viz.session.Session` and returns bytes; the app offers them as downloads.
"""

from __future__ import annotations

import io

import pandas as pd

from govsim.viz import i18n, presets
from govsim.viz.charts import ChartRenderer
from govsim.viz.map_view import MapRenderer
from govsim.viz.session import Session

EXPORT_DPI = 110


def stem(session: Session) -> str:
    """File name stem: ``govsim_<scenario>[_vs_<scenario>]_seed<seed>_<YYYY-MM>``."""
    names = "_vs_".join(r.name for r in session.runs)
    date = i18n.month(session.model.date)
    return f"govsim_{names}_seed{session.primary.seed}_{date}"


def run_labels(session: Session, lang: str) -> list[str]:
    """``A: title`` (and ``B: title``) of the session's runs."""
    letters = ("A", "B")
    return [
        f"{letters[i]}: {presets.short_title(run.scenario, lang)}"
        for i, run in enumerate(session.runs)
    ]


def charts_png(session: Session, lang: str) -> bytes:
    """The national charts at export resolution."""
    with session.lock:
        renderer = ChartRenderer(dpi=EXPORT_DPI)
        return renderer.render([r.model for r in session.runs], run_labels(session, lang), lang)


def map_png(session: Session, indicator: str, lang: str, borders: str = "", run: int = 0) -> bytes:
    """The map of run ``run`` coloured by ``indicator``."""
    with session.lock:
        model = session.runs[run].model
        renderer = MapRenderer(model.frame["code"].tolist(), lang, dpi=EXPORT_DPI)
        renderer.configure(indicator, lang, borders)
        return renderer.render(model)


def _csv(frame: pd.DataFrame) -> bytes:
    out = io.StringIO()
    frame.to_csv(out, index=False)
    return out.getvalue().encode("utf-8")


def series_csv(session: Session) -> bytes:
    """National series of every run so far: one row per run and month."""
    with session.lock:
        frames = []
        for run in session.runs:
            frame = run.model.national_series().reset_index()
            frame.insert(0, "seed", run.seed)
            frame.insert(0, "scenario", run.name)
            frames.append(frame)
    return _csv(pd.concat(frames, ignore_index=True))


def snapshot_csv(session: Session) -> bytes:
    """Every municipality now (`GovernanceModel.snapshot`), one row per run and municipality."""
    with session.lock:
        frames = []
        for run in session.runs:
            frame = run.model.snapshot()
            frame.insert(0, "date", i18n.month(run.model.date))
            frame.insert(0, "scenario", run.name)
            frames.append(frame)
    return _csv(pd.concat(frames, ignore_index=True))


def events_csv(session: Session, lang: str) -> bytes:
    """Every logged event so far with its plain-language sentence in ``lang``."""
    with session.lock:
        frames = []
        for run in session.runs:
            frame = run.model.event_log()
            frame.insert(0, "scenario", run.name)
            frame["text"] = [i18n.event_sentence(row, lang) for row in frame.to_dict("records")]
            frames.append(frame)
    return _csv(pd.concat(frames, ignore_index=True))

"""`Result`: an ensemble of scenario runs in memory, for notebooks and scripts (issue 17).

What `govsim.run` returns and `govsim.load` reads back. It wraps the same `EnsembleData`
that ``govsim run`` writes and reports on, and adds what a notebook wants: tidy frames with
``datetime64`` dates, an ``xarray`` view, a quick ``.plot()``, a short repr and an HTML repr,
and ``save()`` into a ``govsim run`` folder (which ``govsim report`` and `govsim.load` read).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from govsim.model.indicators import BY_NAME, label
from govsim.scenarios.summary import EnsembleData

if TYPE_CHECKING:  # pragma: no cover
    import xarray
    from matplotlib.figure import Figure

DEFAULT_PLOT = (
    "transition_social",
    "transformation_social",
    "transition_physical",
    "transformation_physical",
)
"""What ``Result.plot()`` draws when no indicators are named: the report's headline series."""

SUMMARY_MONTH = "2029-12"
"""The month the short repr and the HTML repr summarise (the end of the model's period)."""


def _check_lang(lang: object) -> None:
    """Refuse a language the labels and the report are not written in."""
    if lang not in ("nl", "en"):
        raise ValueError(f"lang must be 'nl' or 'en', got {lang!r}")


@dataclass
class Result:
    """Seeded replications of one or more scenarios (common random numbers across scenarios).

    Attributes:
        data: The ensemble (`govsim.scenarios.summary.EnsembleData`).
        arguments: How it was made: ``replications``, ``seed``, ``until``, ``municipalities``.
        timings: Seconds per run (what a ``govsim run`` manifest records).
        source: The folder it was loaded from or saved to (None: only in memory).
    """

    data: EnsembleData
    arguments: dict[str, Any] = field(default_factory=dict)
    timings: list[dict[str, Any]] = field(default_factory=list)
    source: Path | None = None

    # --- what it holds -----------------------------------------------------------------------
    @property
    def scenarios(self) -> list[str]:
        """Scenario names, in the order run."""
        return self.data.names

    @property
    def reference(self) -> str:
        """The scenario that differences are taken against (``baseline`` when run)."""
        return self.data.reference

    @property
    def indicators(self) -> tuple[str, ...]:
        """Every indicator name (``govsim.model.indicators``)."""
        return self.data.columns

    @property
    def dates(self) -> pd.DatetimeIndex:
        """The simulated months (first day of each month)."""
        return pd.DatetimeIndex(self.data.dates.astype("datetime64[ns]"), name="date")

    @property
    def seeds(self) -> list[int]:
        """Seed of every replication (the same in every scenario)."""
        return list(self.data.seeds)

    @property
    def replications(self) -> int:
        """Replications per scenario."""
        return len(self.data.seeds)

    def _check(self, indicators: Sequence[str] | str) -> list[str]:
        """``indicators`` as a list (one name alone is a list of one), every one known."""
        if isinstance(indicators, str):
            indicators = [indicators]
        unknown = [i for i in indicators if i not in self.data.columns]
        if unknown:
            raise KeyError(
                f"unknown indicator(s) {', '.join(unknown)}; see Result.indicators "
                f"(e.g. {', '.join(DEFAULT_PLOT[:2])})"
            )
        return list(indicators)

    # --- frames ------------------------------------------------------------------------------
    def to_frame(self, indicators: Sequence[str] | None = None, wide: bool = False) -> pd.DataFrame:
        """Every replication as a tidy frame.

        Args:
            indicators: Only these (default: all).
            wide: One column per indicator instead of ``indicator``/``value`` columns.

        Returns:
            Columns ``scenario`` (categorical, in run order), ``replication``, ``seed``,
            ``date`` (``datetime64[ns]``), then ``indicator``, ``value`` (or one column each).
        """
        chosen = self._check(indicators) if indicators is not None else list(self.indicators)
        cols = [self.data.columns.index(i) for i in chosen]
        n_rep, n_dates = self.replications, len(self.data.dates)
        frames = []
        for name in self.scenarios:
            block = self.data.values[name][:, :, cols].reshape(n_rep * n_dates, len(cols))
            frame = pd.DataFrame(block, columns=chosen)
            frame.insert(0, "date", np.tile(self.dates.values, n_rep))
            frame.insert(0, "seed", np.repeat(np.asarray(self.seeds, dtype=np.int64), n_dates))
            frame.insert(0, "replication", np.repeat(np.arange(n_rep), n_dates))
            frame.insert(0, "scenario", name)
            frames.append(frame)
        wide_frame = pd.concat(frames, ignore_index=True)
        wide_frame["scenario"] = pd.Categorical(wide_frame["scenario"], categories=self.scenarios)
        if wide:
            return wide_frame
        long = wide_frame.melt(
            id_vars=["scenario", "replication", "seed", "date"],
            value_vars=chosen,
            var_name="indicator",
            value_name="value",
        )
        long["indicator"] = pd.Categorical(long["indicator"], categories=chosen)
        return long.sort_values(["scenario", "indicator", "replication", "date"], kind="stable")[
            ["scenario", "indicator", "replication", "seed", "date", "value"]
        ].reset_index(drop=True)

    def summary(self, indicators: Sequence[str] | None = None) -> pd.DataFrame:
        """Median, 5% and 95% quantiles and mean over replications, per scenario and month."""
        frame = self.data.summary()
        if indicators is not None:
            frame = frame[frame["indicator"].isin(self._check(indicators))]
        frame = frame.assign(date=pd.to_datetime(frame["date"]).astype("datetime64[ns]"))
        return frame.reset_index(drop=True)

    def difference(self, indicator: str, scenario: str) -> pd.DataFrame:
        """``scenario`` minus the reference, paired by replication: median and 5-95% per month."""
        self._check([indicator])
        if scenario not in self.scenarios:
            raise KeyError(f"no scenario '{scenario}' in this result ({', '.join(self.scenarios)})")
        b = self.data.difference(scenario, indicator)
        return pd.DataFrame(
            {"median": b.median, "p05": b.p05, "p95": b.p95, "mean": b.mean}, index=self.dates
        )

    def to_xarray(self) -> xarray.Dataset:
        """An ``xarray.Dataset``: one variable per indicator over (scenario, replication, date)."""
        import xarray as xr

        stacked = np.stack([self.data.values[n] for n in self.scenarios])
        variables = {
            name: (
                ("scenario", "replication", "date"),
                stacked[:, :, :, j],
                {"long_name": label(name, "en"), "units": BY_NAME[name].unit}
                if name in BY_NAME
                else {},
            )
            for j, name in enumerate(self.indicators)
        }
        return xr.Dataset(
            variables,
            coords={
                "scenario": self.scenarios,
                "replication": np.arange(self.replications),
                "seed": ("replication", np.asarray(self.seeds, dtype=np.int64)),
                "date": self.dates.values,
            },
            attrs={"reference": self.reference, "root_seed": self.arguments.get("seed", "")},
        )

    # --- pictures ----------------------------------------------------------------------------
    def plot(
        self,
        indicators: Sequence[str] | None = None,
        *,
        lang: str = "en",
        band: bool = True,
        columns: int = 2,
    ) -> Figure:
        """Median over replications per scenario, with the 5-95% band; one panel per indicator.

        Args:
            indicators: What to draw (default `DEFAULT_PLOT`).
            lang: Label language, ``"en"`` or ``"nl"``.
            band: Shade the 5-95% band of the replications.
            columns: Panels per row.

        Returns:
            A matplotlib Figure (shown inline in a notebook).
        """
        from matplotlib.figure import Figure

        _check_lang(lang)
        if isinstance(columns, bool) or not isinstance(columns, int) or columns < 1:
            raise ValueError(f"columns must be a whole number of at least 1, got {columns!r}")
        chosen = self._check(indicators or DEFAULT_PLOT)
        rows = -(-len(chosen) // columns)
        width = min(columns, len(chosen))
        fig = Figure(figsize=(5.2 * width, 3.4 * rows), layout="constrained")
        axes = fig.subplots(rows, width, squeeze=False, sharex=True)
        dates = self.dates
        for k, name in enumerate(chosen):
            ax = axes[k // width][k % width]
            for s in self.scenarios:
                b = self.data.band(s, name)
                (line,) = ax.plot(dates, b.median, lw=1.8, label=s)
                if band and self.replications > 1:
                    ax.fill_between(dates, b.p05, b.p95, color=line.get_color(), alpha=0.18, lw=0)
            ax.set_title(label(name, lang), fontsize=10)
            ax.grid(alpha=0.3)
            ax.tick_params(labelbottom=True)
        for k in range(len(chosen), rows * width):
            axes[k // width][k % width].set_visible(False)
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4))
        seeds = f"{self.replications} replication(s), seed {self.arguments.get('seed', '?')}"
        word = "mediaan en 5-95%" if lang == "nl" else "median and 5-95%"
        fig.suptitle(f"govsim: {word} — {seeds}", fontsize=11)
        return fig

    # --- files -------------------------------------------------------------------------------
    def save(
        self, folder: str | Path, *, report: bool = True, lang: str = "en", force: bool = False
    ) -> Path:
        """Write this result as a ``govsim run`` folder (series, summary, report, manifest).

        The folder rules of ``govsim run`` apply: a new, empty or govsim-written folder
        (``force`` keeps files govsim did not write). `govsim.load` and ``govsim report`` read it.
        """
        from govsim.scenarios.ensemble import write_ensemble

        _check_lang(lang)
        args = {
            "replications": self.replications,
            "seed": self.arguments.get("seed", self.data.root_seed),
            "workers": self.arguments.get("workers", 1),
            "lang": lang,
            "municipalities": self.data.municipalities,
            "until": self.arguments.get("until"),
            "chunksize": None,
            "executor": None,
            "report": report,
            "command": ["govsim.Result.save", str(folder)],
        }
        output = write_ensemble(folder, self.data, self.timings, args, force=force)
        self.source = output.out_dir
        return output.out_dir

    # --- reprs -------------------------------------------------------------------------------
    def _headline(self) -> list[tuple[str, str, dict[str, str]]]:
        """(scenario, indicator, {'median','band'}) at `SUMMARY_MONTH` (or the last month)."""
        row = self.data.date_index(SUMMARY_MONTH)
        row = len(self.data.dates) - 1 if row is None else row
        out = []
        for s in self.scenarios:
            for name in DEFAULT_PLOT:
                if name in self.data.columns:
                    b = self.data.band(s, name)
                    out.append(
                        (
                            s,
                            name,
                            {
                                "median": f"{b.median[row]:.2f}",
                                "band": f"{b.p05[row]:.2f}–{b.p95[row]:.2f}",
                            },
                        )
                    )
        return out

    def _month(self) -> str:
        row = self.data.date_index(SUMMARY_MONTH)
        row = len(self.data.dates) - 1 if row is None else row
        return str(self.data.dates[row])[:7]

    def __repr__(self) -> str:
        first, last = str(self.data.dates[0])[:7], str(self.data.dates[-1])[:7]
        where = (
            "all 388 municipalities"
            if self.data.municipalities is None
            else (f"{len(self.data.municipalities)} selection(s)")
        )
        return (
            f"<govsim.Result: {len(self.scenarios)} scenario(s) ({', '.join(self.scenarios)}) × "
            f"{self.replications} replication(s), {first} to {last}, {where}, "
            f"{len(self.indicators)} indicators; .to_frame(), .plot(), .save(folder)>"
        )

    def _repr_html_(self) -> str:
        e = html.escape
        month = self._month()
        head = "".join(f"<th>{e(label(n, 'en'))}</th>" for n in DEFAULT_PLOT)
        rows = []
        table: dict[str, dict[str, dict[str, str]]] = {}
        for s, name, cell in self._headline():
            table.setdefault(s, {})[name] = cell
        for s in self.scenarios:
            ref = " (reference)" if s == self.reference else ""
            cells = "".join(
                f"<td>{table[s][n]['median']} <small>({table[s][n]['band']})</small></td>"
                for n in DEFAULT_PLOT
                if n in table[s]
            )
            rows.append(f"<tr><th>{e(s)}{ref}</th>{cells}</tr>")
        return (
            "<div><b>govsim.Result</b>: "
            f"{len(self.scenarios)} scenario(s) × {self.replications} replication(s), "
            f"{e(str(self.data.dates[0])[:7])} to {e(str(self.data.dates[-1])[:7])}, "
            f"seed {e(str(self.arguments.get('seed', self.data.root_seed)))}."
            f"<table><caption>median (5–95%) in {e(month)}</caption>"
            f"<tr><th>scenario</th>{head}</tr>{''.join(rows)}</table>"
            "<small>.to_frame() · .summary() · .to_xarray() · .plot() · .save(folder)</small>"
            "</div>"
        )

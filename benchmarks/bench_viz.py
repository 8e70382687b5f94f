"""Benchmark: one step of the national model plus the redraw of the app's map and charts.

Measures, per step, what the workshop app does when Step is pressed or Play runs: one monthly
step of every run (`viz.session.Session.step`), then the map recoloured and drawn on its cached
Agg canvas and the charts redrawn (blitting), each encoded as the app sends it (JPEG for the
live views; PNG figures are printed too, as the exports use PNG). The Solara/websocket overhead
is not included. Medians over ``--steps`` steps from the survey month (2017-08) on, at default
agent density, one run and two runs side by side.

Usage: python benchmarks/bench_viz.py [--steps 50] [--json]
Target (issue 5): <= 100 ms per step plus redraw, one run, on the project machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from govsim.viz.charts import ChartRenderer
from govsim.viz.map_view import MapRenderer
from govsim.viz.session import Session

TARGET_MS = 100.0
START = 55
"""Steps run before timing (to 2017-07): the charts then carry 4.5 years of lines."""


def measure(compare: bool, steps: int, fmt: str) -> dict[str, float]:
    """Median milliseconds of step, map and charts for one run (or two side by side)."""
    session = Session()
    session.reset("baseline", 20180101, compare_with="baseline" if compare else None)
    session.step(START)
    maps = [MapRenderer(r.model.frame["code"].tolist(), "nl") for r in session.runs]
    for m in maps:
        m.configure("transformation_social", "nl", "provinces")
    charts = ChartRenderer()
    names = [r.name for r in session.runs]
    charts.render([r.model for r in session.runs], names, "nl", fmt)  # first full draw
    for m, r in zip(maps, session.runs, strict=True):
        m.render(r.model, fmt)
    t_step, t_map, t_chart, t_total = [], [], [], []
    for _ in range(steps):
        t0 = time.perf_counter()
        session.step()
        t1 = time.perf_counter()
        for m, r in zip(maps, session.runs, strict=True):
            m.render(r.model, fmt)
        t2 = time.perf_counter()
        charts.render([r.model for r in session.runs], names, "nl", fmt)
        t3 = time.perf_counter()
        t_step.append(t1 - t0)
        t_map.append(t2 - t1)
        t_chart.append(t3 - t2)
        t_total.append(t3 - t0)
    return {
        "step_ms": 1000 * statistics.median(t_step),
        "map_ms": 1000 * statistics.median(t_map),
        "charts_ms": 1000 * statistics.median(t_chart),
        "total_ms": 1000 * statistics.median(t_total),
    }


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50, help="timed steps (default 50)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    rows = []
    for compare in (False, True):
        for fmt in ("jpeg", "png"):
            row = {"runs": 2 if compare else 1, "format": fmt, **measure(compare, args.steps, fmt)}
            rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"median over {args.steps} steps from 2017-08, national model (388 municipalities)")
    print(f"{'runs':>4} {'image':>5} {'step':>8} {'map':>8} {'charts':>8} {'total':>8}")
    for r in rows:
        print(
            f"{r['runs']:>4} {r['format']:>5} {r['step_ms']:>6.1f}ms {r['map_ms']:>6.1f}ms "
            f"{r['charts_ms']:>6.1f}ms {r['total_ms']:>6.1f}ms"
        )
    live = rows[0]["total_ms"]
    verdict = "meets" if live <= TARGET_MS else "MISSES"
    print(
        f"one run, as the app draws it: {live:.1f} ms per step + redraw ({verdict} the "
        f"{TARGET_MS:.0f} ms target)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

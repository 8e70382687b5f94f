"""The workshop visualiser: a Solara app for a projector (DESIGN §5; `govsim app`).

Modules: `app` (the page), `session` (per-session model state), `presets` (scenarios and
sliders), `map_view` and `topo` (the map), `charts` (national series and survey bars),
`drilldown`, `timeline` (the months simulated, kept small to scrub; the monitors and the
"what changed" line), `saved` (a session saved to a file and replayed; `file_pick`, the box
that opens it, dropped or chosen), `names` (finding a municipality by what people type:
aliases, no accents), `export` and `columns` (the
debrief's files, their headers and values in words), `survey` (adapter to the 2017 survey
data), `i18n` (every UI text), `cli` (`govsim app`); for the projector (docs/app.md): `fit`
(images drawn for the box they are shown in), `pace` (the Play speed achieved), `keep` (a tab's
session kept across a reload) and `pagelang` (the page's language for Solara's own texts).

Start it with ``govsim app`` (binds to 127.0.0.1:8765; ``--host 0.0.0.0`` shares it on a LAN) or
``python -m solara run viz.app --production``; it needs no internet. Speed:
``python benchmarks/bench_viz.py``.
"""

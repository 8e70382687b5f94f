"""Calibration of govsim to the 2017 survey of municipal secretaries (issue 3, DESIGN §4).

- `experiments.calibration.priors`: the free parameters, their priors and reasons;
- `experiments.calibration.distance`: simulated vs observed survey figures, weighted by the
  survey's sampling error; target selection (``--targets`` / ``--holdout``);
- `experiments.calibration.abc`: pyabc ABC-SMC with its SQLite history (multicore or Dask
  sampler, resume);
- `experiments.calibration.polish`: the seeded local search after the ABC;
- `experiments.calibration.fit_report`: the fit report (Markdown, PNG, CSV);
- `experiments.calibration.acceptance`: the acceptance figure as the median over replication
  seeds (issue 14's measure), also for the installed defaults (``python -m ...acceptance``);
- `experiments.calibration.screen`: the Morris screen that chose the free parameters;
- `experiments.calibration.pipeline`: ``run(settings) -> Outcome``, the whole calibration;
- `experiments.calibration.cli`: ``govsim survey`` and ``govsim calibrate`` (flags to settings).

The virtual questionnaire itself is `experiments.survey.questionnaire`.
"""

"""Calibration of govsim to the 2017 survey of municipal secretaries (issue 3, DESIGN §4).

- `experiments.calibration.priors`: the free parameters, their priors and reasons;
- `experiments.calibration.distance`: simulated vs observed survey figures, weighted by the
  survey's sampling error; target selection (``--targets`` / ``--holdout``);
- `experiments.calibration.abc`: pyabc ABC-SMC with its SQLite history (multicore or Dask
  sampler, resume);
- `experiments.calibration.fit_report`: the fit report (Markdown, PNG, CSV);
- `experiments.calibration.cli`: ``govsim survey`` and ``govsim calibrate``.

The virtual questionnaire itself is `experiments.survey.questionnaire`.
"""

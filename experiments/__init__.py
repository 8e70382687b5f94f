"""Experiments: calibration, sweeps and analyses built on scenarios/ and model/."""

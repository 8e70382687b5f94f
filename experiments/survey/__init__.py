"""Observed 2017 survey figures (Leren Decentraliseren, BMC/VGS 2018) for calibration."""

"""The shipped scenario files (``*.toml``), read by `scenarios.loader` (package data)."""

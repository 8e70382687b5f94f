"""govsim: the command-line entry point (`govsim`). The model lives in `model/` and `agents/`."""

__version__ = "0.1.0"

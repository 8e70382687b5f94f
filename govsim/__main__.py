"""Allow `python -m govsim`."""

from govsim.cli import main

raise SystemExit(main())

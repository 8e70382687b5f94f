"""Allow `python -m govsim`."""

from govsim.launch import main

raise SystemExit(main())

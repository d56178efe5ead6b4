"""``python -m skspiral``: the command line (see :mod:`skspiral.tools.cli`)."""

from .tools.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

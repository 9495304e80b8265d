"""Allow ``python -m darksocial``."""

from darksocial.cli import main

raise SystemExit(main())

"""`python -m riskcore ...`: the headless twin of the dashboard."""

from riskcore.cli import main

raise SystemExit(main())

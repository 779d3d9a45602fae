"""RiskLens core: data reading, leakage-proof datasets, models, runs, explanations, reports.

Never imports streamlit: the dashboard and the CLI are both thin layers over this package.
"""

__version__ = "0.1.0"

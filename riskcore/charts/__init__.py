"""Plotly figure factories: pure functions of run results, so pages stay thin and charts testable.

Nothing here imports streamlit or tensorflow. Every string a user sees comes from a `labels`
argument laid over English defaults, so the UI passes one translated dict to every function.
This face holds the charts of a run's results (`from riskcore import charts;
charts.roc_curves(...)`); the other families are modules of the package, each drawing on base
only (scenarios also on compare's palette):

    base       colours, the template, DEFAULT_LABELS, figure / message / reference helpers
    results    training curves, ROC / PR / KS, calibration, distributions, timelines, PSI
    explain    SHAP importance, beeswarm, waterfall, dependence (the Explain page)
    compare    runs and tuning trials side by side
    scenarios  what-if scenario results
    monitor    a watched folder's drift and scores over time
"""

from riskcore.charts.base import COLOURS, DEFAULT_LABELS, SEQUENCE, TEMPLATE
from riskcore.charts.results import (
    PSI_BANDS,
    PSI_CUTS,
    TRAINING_METRICS,
    calibration_curve,
    confusion_matrix,
    ks_curve,
    lift_chart,
    metric_comparison,
    pr_curves,
    predicted_vs_actual,
    psi_bars,
    residuals,
    risk_timeline,
    riskiest_table_frame,
    roc_curves,
    score_distribution,
    training_curves,
)

__all__ = [
    "COLOURS",
    "DEFAULT_LABELS",
    "PSI_BANDS",
    "PSI_CUTS",
    "SEQUENCE",
    "TEMPLATE",
    "TRAINING_METRICS",
    "calibration_curve",
    "confusion_matrix",
    "ks_curve",
    "lift_chart",
    "metric_comparison",
    "pr_curves",
    "predicted_vs_actual",
    "psi_bars",
    "residuals",
    "risk_timeline",
    "riskiest_table_frame",
    "roc_curves",
    "score_distribution",
    "training_curves",
]

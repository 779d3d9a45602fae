"""Plotly figure factories: pure functions of run results, so pages stay thin and charts testable.

Nothing here imports streamlit or tensorflow. Every string a user sees comes from a `labels`
argument laid over English defaults, so the UI passes one translated dict to every function.
This face holds the charts of a run's results (`from riskcore import charts;
charts.roc_curves(...)`); the other families are modules of the package, each drawing on base
only (scenarios also on compare's palette):

    base       colours, the template, DEFAULT_LABELS, figure / message / reference helpers
    results    training curves, ROC / PR / KS, calibration, distributions, timelines, PSI;
               each curve from raw arrays (roc_curves) or from a run's summary (roc_chart)
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
    calibration_chart,
    calibration_curve,
    confusion_matrix,
    distribution_chart,
    gains_chart,
    ks_chart,
    ks_curve,
    lift_chart,
    metric_comparison,
    pr_chart,
    pr_curves,
    predicted_vs_actual,
    psi_bars,
    residuals,
    risk_timeline,
    roc_chart,
    roc_curves,
    score_distribution,
    training_curves,
)
from riskcore.summaries import riskiest_table_frame

__all__ = [
    "COLOURS",
    "DEFAULT_LABELS",
    "PSI_BANDS",
    "PSI_CUTS",
    "SEQUENCE",
    "TEMPLATE",
    "TRAINING_METRICS",
    "calibration_chart",
    "calibration_curve",
    "confusion_matrix",
    "distribution_chart",
    "gains_chart",
    "ks_chart",
    "ks_curve",
    "lift_chart",
    "metric_comparison",
    "pr_chart",
    "pr_curves",
    "predicted_vs_actual",
    "psi_bars",
    "residuals",
    "risk_timeline",
    "riskiest_table_frame",
    "roc_chart",
    "roc_curves",
    "score_distribution",
    "training_curves",
]

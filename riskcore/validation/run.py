"""Validate a run: every check of the policy on its test split (or on new, out-of-time data),
assembled into one typed result, stored with the run as validation.json.

The result keeps its tables as DataFrames (grades, Hosmer-Lemeshow groups, periods, folds,
stability, migration, segments; for a quantile run the VaR / ES backtests) and each check names
the table that draws its chart, so the Validate page, the report and `python -m riskcore
validate` show the same numbers. A quantile (VaR / ES) run is gated by its backtests
(riskcore.validation.quantile); the classification checks are listed as skipped.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from riskcore.bootstrap import Resampling
from riskcore.errors import RunStoreError
from riskcore.store import Run, RunStore
from riskcore.validation import checks as C
from riskcore.validation import policy as P
from riskcore.validation import quantile as Q
from riskcore.validation.calibration import portfolio
from riskcore.validation.discrimination import (
    auc_interval,
    auto_freq,
    fold_table,
    period_labels,
    period_table,
)
from riskcore.validation.errors import ValidateError
from riskcore.validation.grades import assign, equal_count_bounds, grade_table
from riskcore.validation.segments import decision_threshold, segment_labels, segment_table
from riskcore.validation.stability import migration_matrix, psi_table
from riskcore.validation.wording import Phrase, reasoned, word

VALIDATION_FILE = "validation.json"
VERSION = 1
EXIT_RED = 3  # `validate` exits with this when any check is red


@dataclass
class Sample:
    """The rows being validated: time (may be NaT), entity, y_true (NaN when not known yet),
    score (calibrated PD) and rank (the raw score, which ranking metrics use), and for a
    quantile run the model's var_<level> / es_<level>; beside them the inputs at each row for
    PSI and the primary-file rows they come from (for segments)."""

    rows: pd.DataFrame
    features: pd.DataFrame | None
    source: pd.DataFrame | None
    kind: str  # "test" (the run's own test split) or "new_data"
    note: Phrase | None = None  # why inputs or source rows are missing


@dataclass
class ValidationResult:
    run_id: str
    data: dict  # what was validated: kind, rows, with_outcome, from, to
    policy: P.Policy
    checks: list[C.Check]
    grades: pd.DataFrame
    scale: dict  # method, bounds, source
    portfolio: dict
    hosmer_lemeshow: pd.DataFrame
    periods: pd.DataFrame
    period_info: dict  # freq, overall_roc_auc
    folds: pd.DataFrame
    stability: pd.DataFrame
    migration: pd.DataFrame  # counts, from_grade x to_grade
    migration_info: dict
    segments: pd.DataFrame
    segment_info: dict  # column, kind, threshold
    skipped: list[dict] = field(default_factory=list)  # checks not run: name, reason
    created: str = ""
    backtests: pd.DataFrame = field(default_factory=pd.DataFrame)  # quantile runs: level, scope

    @property
    def quantile(self) -> bool:
        """A VaR / ES run's validation: backtest checks, no grades or calibration tables."""
        return self.data.get("task") == "quantile"

    @property
    def light(self) -> str:
        return P.worst(c.light for c in self.checks)

    @property
    def exit_code(self) -> int:
        return EXIT_RED if self.light == "red" else 0

    def counts(self) -> dict[str, int]:
        return {light: sum(c.light == light for c in self.checks) for light in P.LIGHTS}

    def checks_table(self) -> pd.DataFrame:
        """name, label, value, threshold, light, detail: the table the CLI and page show."""
        return pd.DataFrame(
            [
                {
                    "name": c.name,
                    "label": c.label,
                    "value": c.value,
                    "threshold": c.threshold_text(),
                    "light": c.light,
                    "detail": c.detail,
                }
                for c in self.checks
            ],
            columns=["name", "label", "value", "threshold", "light", "detail"],
        )

    def to_json(self) -> dict:
        labels = list(self.migration.index)
        return {
            "version": VERSION,
            "run_id": self.run_id,
            "created": self.created,
            "data": self.data,
            "light": self.light,
            "summary": self.counts(),
            "checks": [c.to_dict() for c in self.checks],
            "skipped": self.skipped,
            "grades": _records(self.grades),
            "scale": self.scale,
            "portfolio": _clean(self.portfolio),
            "hosmer_lemeshow": _records(self.hosmer_lemeshow),
            "periods": {**_clean(self.period_info), "rows": _records(self.periods)},
            "folds": _records(self.folds),
            "stability": _records(self.stability),
            "migration": {
                **_clean(self.migration_info),
                "grades": [int(g) for g in labels],
                "counts": self.migration.to_numpy().tolist(),
            },
            "segments": {**_clean(self.segment_info), "rows": _records(self.segments)},
            "policy": self.policy.to_dict(),
            **({"backtests": _records(self.backtests)} if self.quantile else {}),
        }

    @classmethod
    def from_json(cls, data: dict) -> ValidationResult:
        """Back from validation.json (e.g. for the report), without recomputing anything."""
        migration = data.get("migration") or {}
        grades = migration.get("grades", [])
        matrix = pd.DataFrame(
            migration.get("counts") or np.zeros((len(grades), len(grades)), int),
            index=pd.Index(grades, name="from_grade"),
            columns=pd.Index(grades, name="to_grade"),
        )
        periods = dict(data.get("periods") or {})
        segments = dict(data.get("segments") or {})
        return cls(
            run_id=data.get("run_id", ""),
            data=data.get("data", {}),
            policy=P.parse_policy(data.get("policy") or {}, "validation.json"),
            checks=[C.Check.from_dict(c) for c in data.get("checks", [])],
            grades=pd.DataFrame(data.get("grades", [])),
            scale=data.get("scale", {}),
            portfolio=data.get("portfolio", {}),
            hosmer_lemeshow=pd.DataFrame(data.get("hosmer_lemeshow", [])),
            periods=pd.DataFrame(periods.pop("rows", [])),
            period_info=periods,
            folds=pd.DataFrame(data.get("folds", [])),
            stability=pd.DataFrame(data.get("stability", [])),
            migration=matrix,
            migration_info={k: v for k, v in migration.items() if k not in ("grades", "counts")},
            segments=pd.DataFrame(segments.pop("rows", [])),
            segment_info=segments,
            skipped=data.get("skipped", []),
            created=data.get("created", ""),
            backtests=pd.DataFrame(data.get("backtests", [])),
        )


def _clean(value):
    """JSON-ready: NaN and infinities become None, numpy scalars plain numbers."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [_clean(row) for row in frame.to_dict("records")]


# ---- the rows to validate ------------------------------------------------------------------------
def _ordered_primary(run: Run, primary: pd.DataFrame) -> pd.DataFrame:
    """Primary rows in the panel's order (by entity, then time): the index `row` refers to."""
    from riskcore.dataset import order_rows

    return order_rows(primary, run.config)


def run_sample(run: Run) -> Sample:
    """The run's own test split, its inputs rebuilt from the saved data (no model needed)."""
    from riskcore.scoring import saved_inputs
    from riskcore.train import feature_frame

    p = run.predictions
    test = p[p["split"] == "test"].reset_index(drop=True) if "split" in p else p.iloc[:0]
    if test.empty:
        raise ValidateError(f"run {run.run_id} has no test predictions to validate")
    rows = _rows(test, _extra(run))
    if Q.is_quantile(run):  # its checks read the stored backtests: no inputs to rebuild
        return Sample(rows, None, None, "test", word("skip.var_backtests"))
    if "row" not in test:
        return Sample(rows, None, None, "test", word("skip.no_panel_row"))
    try:
        frames = run.inputs()
    except RunStoreError as exc:
        return Sample(rows, None, None, "test", Phrase("skip.store", {"text": str(exc)}))
    index = test["row"].to_numpy(dtype=int)
    source = _ordered_primary(run, frames["primary"]).iloc[index].reset_index(drop=True)
    if "preprocessor" not in run.state:
        return Sample(rows, None, source, "test", word("skip.no_preprocessing"))
    saved = saved_inputs(run, frames["primary"], frames.get("macro"), frames.get("sentiment"))
    return Sample(rows, feature_frame(saved.panel, index), source, "test")


def new_data_sample(
    run: Run,
    primary: pd.DataFrame,
    macro: pd.DataFrame | None = None,
    sentiment: pd.DataFrame | None = None,
) -> Sample:
    """Out-of-time data scored with the saved run (riskcore.scoring.score: no refit)."""
    from riskcore.scoring import score
    from riskcore.train import feature_frame

    scored = score(run, primary, macro, sentiment)
    features = feature_frame(scored.panel, scored.ends)
    source = _ordered_primary(run, primary).iloc[scored.ends].reset_index(drop=True)
    return Sample(_rows(scored.predictions, _extra(run)), features, source, "new_data")


def _extra(run: Run) -> list[str]:
    """The columns a sample carries beside the score: a quantile run's VaR and ES."""
    return Q.model_columns(run) if Q.is_quantile(run) else []


def _rows(frame: pd.DataFrame, extra: list[str] = ()) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "time": pd.to_datetime(frame["time"]) if "time" in frame else pd.NaT,
            "entity": frame["entity"].astype(str) if "entity" in frame else "",
            "y_true": pd.to_numeric(frame["y_true"], errors="coerce"),
            "score": frame["score"].astype(float),
        }
    )
    rank = frame["score_raw"] if "score_raw" in frame else frame["score"]
    out["rank"] = rank.astype(float).to_numpy()
    for column in extra:
        if column in frame:
            out[column] = frame[column].astype(float).to_numpy()
    return out.reset_index(drop=True)


# ---- the validation ------------------------------------------------------------------------------
def _scale(run: Run, policy: P.GradesPolicy, scores: np.ndarray) -> dict:
    if policy.method == "equal_count":
        return {
            "method": "equal_count",
            "bounds": equal_count_bounds(scores, policy.count),
            "source": "equal_count",
        }
    if policy.bounds:
        return {"method": "bounds", "bounds": list(policy.bounds), "source": "policy"}
    saved = (run.json(VALIDATION_FILE) or {}).get("scale") or {}
    if saved.get("method") == "bounds" and saved.get("source") in ("policy", "run"):
        try:
            bounds = P.GradesPolicy(bounds=saved.get("bounds")).bounds
        except ValueError:  # a hand-edited file: fall back to the default scale
            bounds = None
        if bounds:
            return {"method": "bounds", "bounds": bounds, "source": "run"}
    return {"method": "bounds", "bounds": list(P.DEFAULT_BOUNDS), "source": "default"}


def validate_run(
    run: Run,
    policy: P.Policy | None = None,
    sample: Sample | None = None,
    segment: str | None = None,
    threshold: float | None = None,
) -> ValidationResult:
    """Every enabled check of `policy` (default Policy()) on `sample` (default: the test split)."""
    policy = policy or P.Policy()
    if Q.is_quantile(run):
        return _validate_quantile(run, policy, sample or run_sample(run), segment)
    _check_request(run, threshold)
    sample = sample or run_sample(run)
    rows = sample.rows
    known, lab = _labelled(rows)
    y, pd_, rank = (lab[c].to_numpy(float) for c in ("y_true", "score", "rank"))
    checks: list[C.Check] = []
    skipped: list[dict] = []
    has_time = rows["time"].notna().all()
    cross_sectional = run.config.cross_sectional or not has_time

    # discriminatory power, overall
    if sample.kind == "test":
        entry = run.metrics.scores("model")
        overall = entry.get("roc_auc", math.nan)
        gini, gini_ci = entry.get("gini", 2 * overall - 1), entry.get("gini_ci")
        where = word("where.test")
    else:
        boot = _resampling(run, lab["time"].to_numpy() if has_time else None, policy)()
        overall, lo, hi = auc_interval(y, rank, boot)
        gini, gini_ci = 2 * overall - 1, [2 * lo - 1, 2 * hi - 1]
        where = Phrase("where.new_rows", {"n": int(y.size)})
    if policy.test_gini.enabled:
        checks.append(C.gini_check(gini, gini_ci, policy.test_gini, where))
    if policy.comparator.enabled:
        from riskcore.verdict import decide

        checks.append(C.comparator_check(decide(run.metrics)))

    # calibration: grades and portfolio
    scale, grades, summary, hl_table = _calibration_checks(run, y, pd_, policy, checks)

    # discriminatory power over time
    freq, periods = _periods(rows, lab, overall, policy, cross_sectional, checks, skipped)
    folds = fold_table(run.metrics) if sample.kind == "test" else fold_table({})

    # stability
    stability = _stability_checks(run, sample, freq, policy, checks, skipped)
    size = len(scale["bounds"]) + 1
    migration, migration_info = _migration(rows, scale["bounds"], size, policy, cross_sectional)

    # segments
    column = segment or policy.segments.column
    by_time = has_time and not cross_sectional
    segments, segment_info = _segment_checks(
        run, sample, known, column, threshold, policy, by_time, checks, skipped
    )
    return ValidationResult(
        run_id=run.run_id,
        data=_data_facts(sample, known, y, has_time),
        policy=policy,
        checks=checks,
        grades=grades,
        scale={**scale, "grades": size},
        portfolio=summary,
        hosmer_lemeshow=hl_table,
        periods=periods,
        period_info={"freq": freq, "overall_roc_auc": overall},
        folds=folds,
        stability=stability,
        migration=migration,
        migration_info=migration_info,
        segments=segments,
        segment_info=segment_info,
        skipped=skipped,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _validate_quantile(
    run: Run, policy: P.Policy, sample: Sample, segment: str | None
) -> ValidationResult:
    """A VaR / ES run: the backtest checks, and empty classification tables (the page, the CLI
    and the report show what there is). A decision threshold has no meaning here."""
    checks, skipped, backtests, data = Q.assess(run, sample.rows, sample.kind, policy, segment)
    return ValidationResult(
        run_id=run.run_id,
        data=data,
        policy=policy,
        checks=checks,
        grades=pd.DataFrame(),
        scale={},
        portfolio={},
        hosmer_lemeshow=pd.DataFrame(),
        periods=pd.DataFrame(columns=["period"]),
        period_info={},
        folds=pd.DataFrame(),
        stability=pd.DataFrame(columns=["period", "feature", "psi", "reading", "n"]),
        migration=pd.DataFrame(
            index=pd.Index([], name="from_grade"), columns=pd.Index([], name="to_grade")
        ),
        migration_info=reasoned(word("skip.var_migration"), entities=0),
        segments=pd.DataFrame(),
        segment_info={"column": None},
        skipped=skipped,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        backtests=backtests,
    )


def _check_request(run: Run, threshold: float | None) -> None:
    """ValidateError for a threshold outside (0, 1) or a run that is neither a classification
    nor a quantile run (those go to _validate_quantile before this)."""
    if threshold is not None and not 0.0 < threshold < 1.0:
        raise ValidateError(f"the decision threshold must be between 0 and 1, got {threshold}")
    if not run.metrics.classification:
        raise ValidateError(
            f"run {run.run_id} is a {run.metrics.task} run; validation (grades, "
            "calibration, discrimination) needs a classification run, or a quantile (VaR / ES) "
            "run for the backtest checks"
        )


def _segment_checks(
    run: Run,
    sample: Sample,
    known: np.ndarray,
    column: str | None,
    threshold: float | None,
    policy: P.Policy,
    by_time: bool,
    checks: list[C.Check],
    skipped: list[dict],
) -> tuple[pd.DataFrame, dict]:
    """The segment table and its facts, and the adverse-impact check (skipped without a column)."""
    if not column:
        if policy.adverse_impact.enabled:
            skipped.append(reasoned(word("skip.no_segment_column"), name="adverse_impact"))
        return pd.DataFrame(), {"column": column}
    segments, segment_info = _segments(run, sample, known, column, threshold, policy, by_time)
    if policy.adverse_impact.enabled:
        checks.append(C.adverse_impact_check(segments, policy.adverse_impact, segment_info))
    return segments, segment_info


def _labelled(rows: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """The mask of rows with a known outcome and those rows; ValidateError when they are none
    or hold one class only."""
    known = rows["y_true"].notna().to_numpy()
    if not known.any():
        raise ValidateError(
            f"none of the {len(rows)} rows has a known outcome yet; validate data whose "
            "target column is filled in"
        )
    lab = rows[known].reset_index(drop=True)
    y = lab["y_true"].to_numpy(float)
    if not 0 < y.sum() < y.size:
        raise ValidateError(
            f"the {y.size} rows with a known outcome hold only one class "
            f"({'events' if y.sum() else 'non-events'}); discrimination and calibration tests "
            "need both"
        )
    return known, lab


def _calibration_checks(
    run: Run, y: np.ndarray, pd_: np.ndarray, policy: P.Policy, checks: list[C.Check]
) -> tuple[dict, pd.DataFrame, dict, pd.DataFrame]:
    """The master scale, the per-grade table, the portfolio tests and their checks."""
    scale = _scale(run, policy.grades, pd_)
    grades = grade_table(y, pd_, scale["bounds"], policy.grades)
    if policy.grades.enabled:
        checks.append(C.grades_check(grades, policy.grades))
    summary, hl_table = portfolio(y, pd_, policy.hosmer_lemeshow.groups)
    if policy.hosmer_lemeshow.enabled:
        checks.append(C.hosmer_lemeshow_check(summary, policy.hosmer_lemeshow))
    if policy.spiegelhalter.enabled:
        checks.append(C.spiegelhalter_check(summary, policy.spiegelhalter))
    return scale, grades, summary, hl_table


def _periods(
    rows: pd.DataFrame,
    lab: pd.DataFrame,
    overall: float,
    policy: P.Policy,
    cross_sectional: bool,
    checks: list[C.Check],
    skipped: list[dict],
) -> tuple[str | None, pd.DataFrame]:
    """ROC-AUC per period (the frequency and the table) and the discrimination check."""
    per = policy.periods
    if cross_sectional:
        if policy.discrimination.enabled:
            skipped.append(reasoned(word("skip.cross_sectional"), name="discrimination"))
        return None, pd.DataFrame(columns=["period"])
    freq = auto_freq(rows["time"]) if per.freq == "auto" else per.freq
    y, rank = lab["y_true"].to_numpy(float), lab["rank"].to_numpy(float)
    periods = period_table(lab["time"], y, rank, freq, overall, per.min_rows, per.n_boot, per.seed)
    if policy.discrimination.enabled:
        checks.append(C.discrimination_check(periods, overall, policy.discrimination))
    return freq, periods


def _stability_checks(
    run: Run,
    sample: Sample,
    freq: str | None,
    policy: P.Policy,
    checks: list[C.Check],
    skipped: list[dict],
) -> pd.DataFrame:
    """PSI per period of the score and the inputs, and their checks."""
    stability = _stability(run, sample, freq, skipped)
    if stability is None:
        return pd.DataFrame(columns=["period", "feature", "psi", "reading", "n"])
    min_rows = policy.periods.min_rows
    if policy.score_psi.enabled:
        checks.append(C.score_psi_check(stability, policy.score_psi, min_rows))
    if policy.input_psi.enabled and (stability["feature"] != "score").any():
        checks.append(C.input_psi_check(stability, policy.input_psi, min_rows))
    elif policy.input_psi.enabled:
        skipped.append(reasoned(sample.note or word("skip.no_inputs"), name="input_psi"))
    return stability


def _data_facts(sample: Sample, known: np.ndarray, y: np.ndarray, has_time: bool) -> dict:
    """What was validated: kind, rows, rows with an outcome, events and the date range."""
    rows = sample.rows
    times = rows["time"] if has_time else None
    return {
        "kind": sample.kind,
        "rows": len(rows),
        "with_outcome": int(known.sum()),
        "events": int(y.sum()),
        "from": times.min().date().isoformat() if times is not None else None,
        "to": times.max().date().isoformat() if times is not None else None,
    }


def _resampling(run: Run, times: np.ndarray | None, policy: P.Policy):
    """A factory of the resampling of some rows (a mask of `times`, all by default): blocks
    of dates, as the run's own test intervals, or rows for cross-sectional data."""
    per = policy.periods
    if times is None or run.config.cross_sectional:
        return lambda mask=None: Resampling(None, 1, per.n_boot, per.seed)
    horizon = run.config.horizon

    def make(mask=None):
        t = times if mask is None else times[mask]
        return Resampling.by_date(t, horizon, per.n_boot, per.seed)

    return make


def _stability(run: Run, sample: Sample, freq: str | None, skipped: list) -> pd.DataFrame | None:
    path = run.path / "reference.csv"
    if not path.exists():
        skipped.append(reasoned(word("skip.no_reference"), name="score_psi"))
        return None
    reference = pd.read_csv(path)
    current = (
        sample.features.assign(score=sample.rows["score"].to_numpy())
        if sample.features is not None
        else pd.DataFrame({"score": sample.rows["score"].to_numpy()})
    )
    if sample.features is None:
        reference = reference[["score"]]
    labels = period_labels(sample.rows["time"], freq) if freq else None
    return psi_table(reference, current, labels)


def _migration(rows: pd.DataFrame, bounds, size: int, policy: P.Policy, cross_sectional: bool):
    if cross_sectional or rows["entity"].nunique() < 2:
        empty = pd.DataFrame(
            0,
            index=pd.Index(range(1, size + 1), name="from_grade"),
            columns=pd.Index(range(1, size + 1), name="to_grade"),
        )
        return empty, reasoned(word("skip.no_panel"), entities=0)
    grades = assign(rows["score"].to_numpy(float), bounds)
    return migration_matrix(
        rows["time"], rows["entity"], grades, size, policy.migration.start, policy.migration.end
    )


def _segments(run, sample, known, column, threshold, policy, by_date):
    config = run.config
    if column == config.data.target.column:
        raise ValidateError(
            f"'{column}' is the target; segment by a column that describes the rows instead"
        )
    if sample.source is None:
        raise ValidateError(
            f"cannot segment by '{column}': "
            + (sample.note.say() if sample.note else "the run has no saved inputs")
        )
    if column not in sample.source.columns:
        listed = ", ".join(c for c in sample.source.columns if not str(c).startswith("_"))
        raise ValidateError(
            f"segment column '{column}' is not in the primary data; choose one of: {listed}"
        )
    seg = policy.segments
    labels, kind = segment_labels(sample.source[column][known], column, seg.bins, seg.max_levels)
    cut = threshold if threshold is not None else seg.threshold
    cut = cut if cut is not None else decision_threshold(run.predictions)
    rows = sample.rows[known].reset_index(drop=True)
    factory = _resampling(run, rows["time"].to_numpy() if by_date else None, policy)
    table = segment_table(
        labels, rows["y_true"], rows["score"], rows["rank"], cut, seg.min_rows, factory
    )
    return table, {"column": column, "kind": kind, "threshold": float(cut)}


# ---- storing -------------------------------------------------------------------------------------
def save_validation(store: RunStore, result: ValidationResult) -> None:
    """validation.json in the run folder (written then renamed), for the page and the report."""
    store.add_files(result.run_id, {VALIDATION_FILE: result.to_json()})


def load_validation(run: Run) -> ValidationResult | None:
    data = run.json(VALIDATION_FILE)
    return ValidationResult.from_json(data) if data else None


def write_result(path: str | Path, result: ValidationResult) -> None:
    """The same JSON as validation.json, written beside `path` and renamed into place."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    text = json.dumps(result.to_json(), indent=2, ensure_ascii=False)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ValidateError(
            f"cannot write '{path}' ({exc.strerror or exc}); choose a writable path with --out"
        ) from None

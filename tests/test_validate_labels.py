"""The Validate page's words and numbers, without a run: chart titles from each chart's own key
(the check's title for an old validation.json), counts with separators, migration shares as
percentages with counts, PSI readings and the per-period table in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from riskcore.validation import checks as C
from ui import i18n
from ui import validate_widgets as V

CHECKS_SOURCE = Path(C.__file__)
TITLES = ["grades", "calibration", "roc_auc_by_period", "score_psi_by_period"]
LEVEL_COLUMNS = ["breach_rate", "kupiec_p", "christoffersen_p", "conditional_coverage_p", "es_z2"]


@pytest.fixture(params=["en", "zh"])
def lang(request, monkeypatch) -> str:
    monkeypatch.setattr(i18n, "language", lambda: request.param)
    monkeypatch.setattr(V, "language", lambda: request.param)  # imported by name there
    return request.param


def test_every_chart_title_key_of_the_checks_is_translated() -> None:
    source = Path(CHECKS_SOURCE).read_text(encoding="utf-8")
    keys = set(re.findall(r'"title": "([a-z_]+)"', source))
    keys |= {f"{c}_by_scope" for c in LEVEL_COLUMNS}
    assert {*TITLES, "input_psi_by_period", "adverse_impact_ratio"} <= keys
    missing = sorted(k for k in keys if f"validate.chart.{k}" not in i18n.TEXT)
    assert not missing, missing


def test_a_chart_is_titled_by_what_it_draws_and_an_old_file_by_its_check(lang) -> None:
    spec = {"kind": "line", "title": "roc_auc_by_period", "x": "period", "y": "roc_auc"}
    new = C.Check("discrimination", 1.0, 2.0, "amber", chart=spec)
    old = C.Check("discrimination", 1.0, 2.0, "amber", chart={"kind": "line"})
    assert V.chart_title(new) == i18n.t("validate.chart.roc_auc_by_period")
    assert V.chart_title(new) != V.check_title(new)
    assert V.chart_title(old) == V.check_title(old)  # validation.json before chart titles
    interval = C.Check("test_gini", 0.4, 0.2, "green", chart={"kind": "interval"})
    assert V.chart_title(interval) == V.check_title(interval)
    chart = C._level_chart("0.01", "kupiec_p", 0.01)
    kupiec = C.Check("var_kupiec", 0.5, 0.01, "green", chart=chart, level="0.01")
    assert "99%" in V.chart_title(kupiec)


def test_counts_have_thousands_separators_and_measures_three_decimals() -> None:
    assert V._count(2772) == "2,772" and V._count(995.0) == "995" and V._count(None) == "–"
    assert V._fixed(0.885) == "0.885" and V._fixed(0.8345) == "0.835"


def test_migration_shares_read_as_percentages_with_counts(lang) -> None:
    info = {"entities": 12, "stable": 0.75, "downgraded": 1 / 6, "stable_count": 9}
    stable, down = V.share_text(info, "stable"), V.share_text(info, "downgraded")
    assert stable == ("75% (9)" if lang == "en" else "75%（9 个）")
    assert down.startswith("17%") and "2" in down  # the count from the share (older files)
    assert "0.1666" not in down and V.share_text(info, "upgraded") == "–"


def test_the_psi_and_period_tables_in_the_page_language(lang) -> None:
    score = pd.DataFrame(
        {
            "period": ["all", "2024-01"],
            "psi": [0.0989, 0.30641],
            "reading": ["stable", "major shift"],
            "n": [2772, 144],
        }
    )
    psi = V.psi_frame(score)
    readings = list(psi[i18n.t("validate.col.reading")])
    assert readings == (["stable", "major shift"] if lang == "en" else ["稳定", "显著偏移"])
    assert list(psi[i18n.t("validate.col.psi")]) == ["0.099", "0.306"]
    assert list(psi[i18n.t("validate.col.n")]) == ["2,772", "144"]
    periods = pd.DataFrame(
        {
            "period": ["2024-01"],
            "n": [1444],
            "events": [10],
            "roc_auc": [0.8345],
            "roc_auc_lo": [0.885],
            "roc_auc_hi": [0.9],
            "flagged": [True],
        }
    )
    frame = V.periods_frame(periods)
    assert not {"lower", "upper", "roc_auc_lo", "flagged"} & set(frame.columns)
    assert list(frame.iloc[0])[1:6] == ["1,444", "10", "0.835", "0.885", "0.900"]
    assert frame.iloc[0, -1] == ("yes" if lang == "en" else "是")


def test_master_scale_terms_are_words_in_both_languages() -> None:
    """The scale's caption on the page and in the PDF said "bounds", "default", "jeffreys"."""
    from riskcore.validation.terms import scale_term

    assert scale_term("method", "bounds", "zh") == "固定 PD 边界"
    assert scale_term("source", "default") == "the default scale"
    assert scale_term("test", "binomial", "zh") == "二项"  # its side is the policy's, not a name
    assert scale_term("source", "a file of one's own") == "a file of one's own"  # as stored

"""Run store: atomic writes, generated ids, and ids that cannot escape the runs folder."""

from __future__ import annotations

import pandas as pd
import pytest

from riskcore.errors import RunStoreError
from riskcore.store import RUN_ID, RunStore


def test_a_run_appears_only_when_fully_written(tmp_path) -> None:
    store = RunStore(tmp_path)
    with store.writer() as w:
        w.write_json("meta.json", {"created": "now", "files": [{"name": "a.csv"}]})
        w.write_json(
            "metrics.json", {"task": "classification", "test": {"model": {"roc_auc": 0.7}}}
        )
        w.write_csv("predictions.csv", pd.DataFrame({"time": ["2024-01-01"], "entity": ["A"]}))
        assert store.ids() == []  # still in the temporary folder
        run_id = w.run_id
    assert RUN_ID.match(run_id)
    assert store.ids() == [run_id]
    row = store.list()[0]
    assert (row["data"], row["roc_auc"], row["task"]) == ("a.csv", 0.7, "classification")
    assert store.load(run_id).predictions["entity"].tolist() == ["A"]


def test_a_crash_while_writing_leaves_no_run(tmp_path) -> None:
    store = RunStore(tmp_path)
    with pytest.raises(ZeroDivisionError), store.writer() as w:
        w.write_json("meta.json", {})
        _ = 1 / 0
    assert store.ids() == []
    assert list(store.root.iterdir()) == []


@pytest.mark.parametrize(
    "bad", ["../etc", "/etc/passwd", "..", "20240101-000000-abcdef/../../x", "", "a" * 300]
)
def test_ids_from_users_cannot_escape(tmp_path, bad) -> None:
    with pytest.raises(RunStoreError, match="not a run id"):
        RunStore(tmp_path).load(bad)


def test_unknown_run_and_unwritable_folder(tmp_path) -> None:
    with pytest.raises(RunStoreError, match="not found"):
        RunStore(tmp_path).load("20240101-000000-abcdef")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(RunStoreError, match="RISKCORE_HOME"), RunStore(blocker).writer():
        pass


def test_delete_and_clean_temporary(tmp_path) -> None:
    store = RunStore(tmp_path)
    with store.writer() as w:
        w.write_json("meta.json", {})
    (store.root / ".tmp-20240101-000000-abcdef").mkdir()
    assert store.clean_temporary() == 1
    store.delete(w.run_id)
    assert store.ids() == []


def test_scores_are_stored_with_nine_digits_and_read_back_as_floats(tmp_path) -> None:
    """Score columns lose only digits a float32 model never had; other columns are as given."""
    import numpy as np

    scores = np.array([0.04084831371621367, 1.0, np.nan, 0.0, 1 / 3, 2.5e-12])
    frame = pd.DataFrame(
        {"y_true": [0.123456789012345, 1.0, 0.0, 1.0, 0.0, 1.0], "score": scores, "row": range(6)}
    )
    store = RunStore(tmp_path)
    with store.writer() as w:
        w.write_csv("predictions.csv", frame)
    back = store.load(w.run_id).predictions
    assert back["score"].dtype == np.float64 and back["y_true"].dtype == np.float64
    np.testing.assert_allclose(back["score"], scores, rtol=1e-9)
    assert back["score"].isna().tolist() == [False, False, True, False, False, False]
    assert back["y_true"].tolist() == frame["y_true"].tolist()  # not a score: all 17 digits
    text = (store.root / w.run_id / "predictions.csv").read_text()
    assert "0.0408483137," in text and "1.0," in text


def test_inputs_are_stored_as_zstd_parquet(tmp_path) -> None:
    import pyarrow.parquet as pq

    store = RunStore(tmp_path)
    frame = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=50), "x": range(50)})
    with store.writer() as w:
        w.write_inputs({"primary": frame, "macro": None})
    run = store.load(w.run_id)
    path = run.path / "inputs" / "primary.parquet"
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"
    assert run.inputs()["primary"].equals(frame) and run.inputs()["macro"] is None
    assert set(run.manifest) == {"inputs/primary.parquet"}

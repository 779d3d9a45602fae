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

"""The run store against files an attacker (or a crash) left in a shared runs folder: damaged
JSON, links out of the folder, FIFOs, files changed or added after the save, leftovers of
killed saves, a full or read-only disk, a user over quota. One parametrized case per attack;
tiny runs written through RunStore.writer(), no training."""

from __future__ import annotations

import errno
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from riskcore import store as store_module
from riskcore.access import Principal
from riskcore.cli import main
from riskcore.errors import LimitError, RunStoreError
from riskcore.store import MANIFEST_FILE, TMP_PREFIX, RunStore
from tests.browser_support import TINY_CONFIG

STATE = {
    "preprocessor": {
        "columns": {"sequence": ["ret_1d", "volume"], "macro": [], "sentiment": [], "static": []},
        "categorical": [],
        "numeric": {
            "ret_1d": {"median": 0.0, "mean": 0.0, "std": 1.0, "indicator": False},
            "volume": {"median": 5.0, "mean": 5.5, "std": 2.0, "indicator": False},
        },
        "levels": {},
        "min_level_share": 0.01,
    },
    "inputs": ["sequence"],
}


def fake_run(store: RunStore, owner: str | None = None, state: dict | None = None) -> str:
    """A run as train writes one, minus the model: meta, metrics, config, state, predictions."""
    with store.writer() as w:
        w.write_json("meta.json", {"created": "now", "files": [{"name": "a.csv"}], "owner": owner})
        w.write_json(
            "metrics.json", {"task": "classification", "test": {"model": {"roc_auc": 0.7}}}
        )
        w.write_json("config.json", TINY_CONFIG)
        w.write_json("preprocessing.json", STATE if state is None else state)
        w.write_csv("predictions.csv", pd.DataFrame({"time": ["2024-01-01"], "score": [0.25]}))
        return w.run_id


def _edit_json(path: Path, change: Callable[[dict], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture
def store(tmp_path) -> RunStore:
    return RunStore(tmp_path)


def test_a_fake_run_is_sealed_and_loads(store) -> None:
    run = store.load(fake_run(store))
    manifest = json.loads((run.path / MANIFEST_FILE).read_text())
    assert set(manifest) == {
        "meta.json",
        "metrics.json",
        "config.json",
        "preprocessing.json",
        "predictions.csv",
    }
    assert run.verified and run.config.window == 10
    assert run.state["preprocessor"]["numeric"]["volume"]["std"] == 2.0
    assert run.predictions["score"].tolist() == [0.25]


# ---- listing survives a damaged run -------------------------------------------------------------
def _corrupt_meta(path: Path) -> None:
    (path / "meta.json").write_text("{not json", encoding="utf-8")


def _corrupt_meta_old_run(path: Path) -> None:  # a run saved before manifests existed
    (path / MANIFEST_FILE).unlink()
    _corrupt_meta(path)


def _metrics_test_5(path: Path) -> None:
    (path / MANIFEST_FILE).unlink()
    _edit_json(path / "metrics.json", lambda m: m.update(test=5))


def _meta_not_a_dict(path: Path) -> None:
    (path / MANIFEST_FILE).unlink()
    (path / "meta.json").write_text("[1, 2, 3]", encoding="utf-8")


def _run_folder_links_to_etc(path: Path) -> None:
    shutil.rmtree(path)
    path.symlink_to("/etc")


def _file_links_out(path: Path) -> None:
    (path / "predictions.csv").unlink()
    (path / "predictions.csv").symlink_to("/etc/passwd")


def _meta_links_out(path: Path) -> None:
    (path / "meta.json").unlink()
    (path / "meta.json").symlink_to("/etc/hostname")


def _manifest_links_out(path: Path) -> None:
    (path / MANIFEST_FILE).unlink()
    (path / MANIFEST_FILE).symlink_to("/etc/passwd")


def _fifo_inside(path: Path) -> None:  # a reader of a FIFO would wait forever
    (path / "predictions.csv").unlink()
    os.mkfifo(path / "predictions.csv")


LISTING_ATTACKS = {
    "corrupt meta.json": (_corrupt_meta, "meta.json changed"),
    "corrupt meta.json, old run": (_corrupt_meta_old_run, "meta.json is not valid JSON"),
    'metrics "test": 5': (_metrics_test_5, "'test'"),
    "meta.json not a dict": (_meta_not_a_dict, "meta.json"),
    "run folder links to /etc": (_run_folder_links_to_etc, "symbolic link"),
    "file links to /etc/passwd": (_file_links_out, "'predictions.csv' is a symbolic link"),
    "meta.json links out": (_meta_links_out, "'meta.json' is a symbolic link"),
    "manifest.json links out": (_manifest_links_out, "'manifest.json' is a symbolic link"),
    "FIFO inside": (_fifo_inside, "'predictions.csv' is not a regular file"),
}


@pytest.mark.parametrize("attack", list(LISTING_ATTACKS))
def test_one_damaged_run_is_skipped_and_the_rest_listed(store, attack) -> None:
    damage, reason = LISTING_ATTACKS[attack]
    good, bad = fake_run(store), fake_run(store)
    damage(store.root / bad)
    assert store.ids() == [good]
    assert [r["run_id"] for r in store.list()] == [good]
    assert [run_id for run_id, _ in store.skipped] == [bad]
    assert reason in store.skipped[0][1] and bad in store.skipped[0][1]
    with pytest.raises(RunStoreError, match=bad) as caught:  # and loading it says why
        run = store.load(bad)
        _ = run.meta, run.metrics, run.predictions
    assert "Traceback" not in str(caught.value)


@pytest.mark.parametrize("attack", ["corrupt meta.json", "run folder links to /etc"])
def test_cli_runs_warns_about_the_skipped_run_and_lists_the_rest(
    tmp_path, monkeypatch, capsys, attack
) -> None:
    store = RunStore(tmp_path)
    good, bad = fake_run(store), fake_run(store)
    LISTING_ATTACKS[attack][0](store.root / bad)
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    assert main(["runs"]) == 0
    out, err = capsys.readouterr()
    assert good in out and bad not in out
    assert f"warning: skipped run {bad}: " in err
    assert "Traceback" not in err


def test_a_file_named_like_a_run_is_ignored(store) -> None:
    good = fake_run(store)
    (store.root / "20240101-000000-abcdef").write_text("not a folder")
    assert store.ids() == [good] and store.skipped == []
    with pytest.raises(RunStoreError, match="not found"):
        store.load("20240101-000000-abcdef")


def test_a_linked_sharing_list_shares_nothing(store) -> None:
    run_id = fake_run(store, owner="alice")
    (store.root / run_id / "access.json").symlink_to("/etc/passwd")
    assert store.shared_with(run_id) == []
    assert RunStore(store.root.parent, Principal(user="bob", teams=frozenset({"root"}))).ids() == []


def test_a_linked_run_folder_is_never_followed(store) -> None:
    bad = fake_run(store)
    _run_folder_links_to_etc(store.root / bad)
    with pytest.raises(RunStoreError, match="symbolic link"):
        store.load(bad)
    assert store.usage(None) == 0  # nor counted
    assert RunStore(store.root.parent, Principal(user="eve")).ids() == []
    assert store.delete(bad) == 0  # the link goes, /etc stays
    assert not os.path.lexists(store.root / bad) and Path("/etc/passwd").exists()


# ---- files changed after the save: the manifest -------------------------------------------------
def _window_changed(path: Path) -> None:
    _edit_json(path / "config.json", lambda c: c.update(window=100_000))


def _std_zero(path: Path) -> None:
    _edit_json(
        path / "preprocessing.json",
        lambda s: s["preprocessor"]["numeric"]["volume"].update(std=0),
    )


def _mean_nan(path: Path) -> None:
    _edit_json(
        path / "preprocessing.json",
        lambda s: s["preprocessor"]["numeric"]["volume"].update(mean="NaN"),
    )


def _extra_file(path: Path) -> None:
    (path / "evil.json").write_text("{}", encoding="utf-8")


def _extra_input(path: Path) -> None:
    (path / "inputs").mkdir()
    pd.DataFrame({"x": [1]}).to_parquet(path / "inputs" / "primary.parquet")


def _missing_file(path: Path) -> None:
    (path / "predictions.csv").unlink()


def _predictions_edited(path: Path) -> None:
    pd.DataFrame({"time": ["2024-01-01"], "score": [0.99]}).to_csv(
        path / "predictions.csv", index=False
    )


MANIFEST_ATTACKS = {
    "config.json window changed": (_window_changed, "config.json changed", "config"),
    "preprocessing std 0": (_std_zero, "preprocessing.json changed", "state"),
    'preprocessing mean "NaN"': (_mean_nan, "preprocessing.json changed", "state"),
    "extra file": (_extra_file, "evil.json added", "config"),
    "extra input": (_extra_input, "inputs/primary.parquet added", "inputs"),
    "missing file": (_missing_file, "predictions.csv missing", "predictions"),
    "predictions edited": (_predictions_edited, "predictions.csv changed", "predictions"),
}


def _use(run, what: str) -> None:
    if what == "inputs":
        run.inputs()
    else:
        getattr(run, what)


@pytest.mark.parametrize("attack", list(MANIFEST_ATTACKS))
def test_a_file_changed_after_the_save_is_caught_before_use(store, attack) -> None:
    damage, fragment, used = MANIFEST_ATTACKS[attack]
    run_id = fake_run(store)
    damage(store.root / run_id)
    run = store.load(run_id)
    for what in ("config", "state", "predictions", "history", "inputs", used):
        with pytest.raises(RunStoreError) as caught:
            _use(run, what)
        assert str(caught.value) == (
            f"run {run_id} was modified after it was saved ({fragment}); retrain it or restore "
            "the file"
        )


def test_the_model_is_not_loaded_from_a_modified_run(store) -> None:
    run_id = fake_run(store)
    _extra_file(store.root / run_id)
    with pytest.raises(RunStoreError, match=r"evil\.json added"):
        store.load(run_id).load_model()


def test_a_damaged_manifest_is_an_error_naming_it(store) -> None:
    run_id = fake_run(store)
    (store.root / run_id / MANIFEST_FILE).write_text('{"config.json": 5}', encoding="utf-8")
    with pytest.raises(RunStoreError, match=f"run {run_id}: manifest.json is damaged"):
        _ = store.load(run_id).config


def test_a_run_without_a_manifest_still_loads(store) -> None:
    run_id = fake_run(store)
    (store.root / run_id / MANIFEST_FILE).unlink()
    run = store.load(run_id)
    assert run.verified is False and run.config.window == 10 and len(run.predictions) == 1


def test_hashing_happens_once_per_run_object(store, monkeypatch) -> None:
    run = store.load(fake_run(store))
    calls: list[Path] = []
    real = store_module.sha256_of
    monkeypatch.setattr(store_module, "sha256_of", lambda p, w="run": calls.append(p) or real(p))
    _ = run.config, run.state, run.predictions, run.history, run.json("x.json")
    assert len(calls) == 5  # each sealed file once


# ---- preprocessing saved damaged (no manifest to catch it) --------------------------------------
def _state_with(**volume) -> dict:
    state = json.loads(json.dumps(STATE))
    state["preprocessor"]["numeric"]["volume"].update(volume)
    return state


@pytest.mark.parametrize(
    ("volume", "fragment"),
    [
        ({"std": 0}, "feature 'volume' has std 0 (must be > 0)"),
        ({"std": -1.0}, "feature 'volume' has std -1.0"),
        ({"mean": "NaN"}, "feature 'volume' has mean 'NaN' (not a number)"),
        ({"median": None}, "feature 'volume' has median None"),
        ({"std": float("inf")}, "feature 'volume' has std inf"),
        ({"mean": True}, "feature 'volume' has mean True"),
    ],
)
def test_a_damaged_scaling_is_an_error_naming_the_file_and_feature(store, volume, fragment) -> None:
    run_id = fake_run(store, state=_state_with(**volume))
    with pytest.raises(RunStoreError) as caught:
        _ = store.load(run_id).state
    message = str(caught.value)
    assert f"run {run_id}: preprocessing.json" in message and fragment in message
    assert "retrain" in message


def test_a_state_without_scaling_for_a_feature_is_an_error(store) -> None:
    state = json.loads(json.dumps(STATE))
    del state["preprocessor"]["numeric"]["volume"]
    run_id = fake_run(store, state=state)
    with pytest.raises(RunStoreError, match="feature 'volume' has no scaling"):
        _ = store.load(run_id).state


# ---- a server killed mid-save -------------------------------------------------------------------
def _as_leftover(store: RunStore, run_id: str, age_s: float = 7200) -> Path:
    """The run moved back into its temporary folder: what a kill just before the rename
    leaves."""
    tmp = store.root / f"{TMP_PREFIX}{run_id}"
    os.rename(store.root / run_id, tmp)
    os.utime(tmp, (time.time() - age_s, time.time() - age_s))
    return tmp


def test_a_complete_temporary_folder_is_recovered(store) -> None:
    kept, saved = fake_run(store), fake_run(store)
    tmp = _as_leftover(store, saved)
    assert store.ids() == [kept]
    assert store.recover_temporary(older_than_s=3600) == (1, 0)
    assert not tmp.exists() and sorted(store.ids()) == sorted([kept, saved])
    assert store.load(saved).config.window == 10


def test_an_incomplete_or_tampered_temporary_folder_is_removed(store) -> None:
    tampered = fake_run(store)
    _extra_file(store.root / tampered)
    _as_leftover(store, tampered)
    half = store.root / f"{TMP_PREFIX}20240101-000000-abcdef"  # killed before its manifest
    half.mkdir()
    (half / "meta.json").write_text("{}")
    os.utime(half, (time.time() - 7200, time.time() - 7200))
    assert store.recover_temporary(older_than_s=3600) == (0, 2)
    assert list(store.root.iterdir()) == [] and store.ids() == []


def test_a_recent_temporary_folder_is_spared(store) -> None:
    saving = fake_run(store)
    tmp = _as_leftover(store, saving, age_s=0)
    assert store.recover_temporary(older_than_s=3600) == (0, 0)
    assert store.clean_temporary(older_than_s=3600) == 0 and tmp.exists()
    assert store.recover_temporary() == (1, 0)  # unless asked to take everything


def test_a_leftover_never_overwrites_a_run_of_its_id(store) -> None:
    run_id = fake_run(store)
    shutil.copytree(store.root / run_id, store.root / f"{TMP_PREFIX}{run_id}")
    assert store.recover_temporary() == (0, 1)
    assert store.load(run_id).verified


# ---- a full or read-only store -------------------------------------------------------------------
def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["rename", "write"])
def test_add_files_on_a_full_disk_leaves_no_temporary_file(store, monkeypatch, where) -> None:
    run_id = fake_run(store)
    before = sorted(p.name for p in (store.root / run_id).iterdir())
    if where == "rename":
        monkeypatch.setattr(store_module.os, "replace", _no_space)
    else:
        monkeypatch.setattr(Path, "write_bytes", _no_space)
    with pytest.raises(RunStoreError) as caught:
        store.add_files(run_id, {"explanations.json": {"rows": [1]}})
    message = str(caught.value)
    assert run_id in message and "No space left on device" in message
    assert "free disk space" in message
    monkeypatch.undo()
    left = sorted(p.name for p in (store.root / run_id).iterdir() if p.name != ".lock")
    assert left == before
    assert store.load(run_id).verified  # the manifest was not touched


def test_add_files_into_a_folder_that_cannot_be_written(store) -> None:
    """As root, chmod blocks nothing; a folder where the lock file goes blocks the write."""
    run_id = fake_run(store)
    run = store.load(run_id)
    shutil.rmtree(run.path)
    run.path.mkdir()
    (run.path / ".lock").mkdir()  # the lock cannot be opened: the folder is as good as read-only
    with pytest.raises(RunStoreError, match=f"could not store explanations.json with run {run_id}"):
        store.add_files(run_id, {"explanations.json": {}})


def test_added_files_are_sealed(store) -> None:
    run_id = fake_run(store)
    store.add_files(run_id, {"explanations.json": {"rows": [1]}, "scenarios.json": {"v": 1}})
    run = store.load(run_id)
    assert run.verified and run.json("explanations.json") == {"rows": [1]}
    assert {"explanations.json", "scenarios.json"} <= set(run.manifest)
    _edit_json(run.path / "explanations.json", lambda e: e.update(rows=[2]))
    with pytest.raises(RunStoreError, match=r"\(explanations.json changed\)"):
        store.load(run_id).json("explanations.json")


@pytest.mark.parametrize("name", ["config.json", "meta.json", "manifest.json", "access.json"])
def test_add_files_cannot_replace_what_the_save_wrote(store, name) -> None:
    run_id = fake_run(store)
    with pytest.raises(RunStoreError, match="not a valid artefact name"):
        store.add_files(run_id, {name: {}})


def test_check_writable_run_fails_before_the_expensive_work(store, monkeypatch) -> None:
    run_id = fake_run(store)
    store.check_writable_run(run_id)
    assert not [p for p in (store.root / run_id).iterdir() if p.name.startswith(".probe")]
    monkeypatch.setattr(Path, "write_bytes", _no_space)
    with pytest.raises(RunStoreError, match=f"results cannot be stored with run {run_id}"):
        store.check_writable_run(run_id)


def test_cli_explain_on_a_full_store_fails_before_shap(tmp_path, monkeypatch, capsys) -> None:
    from riskcore import explain

    store = RunStore(tmp_path)
    run_id = fake_run(store)
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    monkeypatch.setattr(Path, "write_bytes", _no_space)
    monkeypatch.setattr(explain, "explain_run", lambda *a, **k: pytest.fail("SHAP ran"))
    assert main(["explain", run_id, "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: results cannot be stored with run") and "\n" not in err


def test_explanation_task_on_a_full_store_fails_before_shap(store, monkeypatch) -> None:
    from riskcore import explain

    run_id = fake_run(store)
    monkeypatch.setattr(Path, "write_bytes", _no_space)
    monkeypatch.setattr(explain, "explain_run", lambda *a, **k: pytest.fail("SHAP ran"))
    payload = {"home": str(store.root.parent), "run_id": run_id}
    with pytest.raises(RunStoreError, match="results cannot be stored"):
        explain.explanation_task(payload, lambda event: None)


# ---- quota -------------------------------------------------------------------------------------
@pytest.fixture
def tiny_quota(tmp_path, monkeypatch) -> None:
    settings = tmp_path / "risklens.toml"
    settings.write_text("[limits]\nquota_mb_per_user = 0.001\n", encoding="utf-8")  # ~1 KB
    monkeypatch.setenv("RISKLENS_SETTINGS", str(settings))


def test_a_user_over_quota_cannot_save_another_run(tmp_path, tiny_quota) -> None:
    alice = RunStore(tmp_path, principal=Principal(user="alice"))
    first = fake_run(alice, owner="alice")  # under quota when it started
    assert alice.usage("alice") > 1024 and alice.usage("bob") == 0
    with pytest.raises(LimitError) as caught, alice.writer():
        pytest.fail("the writer started")
    message = str(caught.value)
    assert "MB" in message and "of the 0.001 MB each user may keep" in message
    assert "delete runs you no longer need (Results page or " in message
    assert "`python -m riskcore runs --delete RUN`" in message
    with pytest.raises(LimitError):
        alice.check_writable()
    with pytest.raises(LimitError):
        alice.check_writable_run(first)
    assert [p.name for p in alice.root.iterdir()] == [first]  # nothing half-started
    RunStore(tmp_path, principal=Principal(user="bob")).check_writable()  # bob has room
    fake_run(RunStore(tmp_path))  # no quota in single-user mode and for CLI runs
    alice.delete(first)
    alice.check_writable()  # room again


def test_training_over_quota_fails_before_training(tmp_path, tiny_quota) -> None:
    from riskcore.config import parse_config
    from riskcore.train import train_run

    alice = RunStore(tmp_path, principal=Principal(user="alice"))
    fake_run(alice, owner="alice")
    events: list[dict] = []
    with pytest.raises(LimitError):
        train_run(parse_config(TINY_CONFIG), pd.DataFrame(), store=alice, emit=events.append)
    assert events == []


# ---- deleting from the CLI ---------------------------------------------------------------------
def test_cli_runs_delete(tmp_path, monkeypatch, capsys) -> None:
    store = RunStore(tmp_path)
    run_id, kept = fake_run(store), fake_run(store)
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    assert main(["runs", "--delete", run_id]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"deleted run {run_id} (") and "MB freed" in out
    assert store.ids() == [kept]
    assert main(["runs", "--delete", run_id]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["runs", "--delete", "../etc"]) == 2
    assert "is not a run id" in capsys.readouterr().err

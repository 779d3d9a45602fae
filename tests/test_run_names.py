"""Run names: stored in meta.json, renamed safely, one label everywhere; runs named by path."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from riskcore.cli import main
from riskcore.errors import RunStoreError
from riskcore.store import MAX_NAME_CHARS, RunStore, check_run_name, new_run_id, run_label
from tests.browser_support import ROOT
from ui.i18n import TEXT


@pytest.fixture
def named(tiny_run, copy_run):
    """A copy of the session's tiny run in a home of its own."""
    run = copy_run(tiny_run)
    return RunStore(run.path.parent.parent), run.run_id


def test_the_label_is_name_and_date_or_the_run_id() -> None:
    meta = {"name": "LSTM 64", "created": "2026-12-03T14:05:09+00:00"}
    assert run_label(meta, "20261203-140509-abcdef") == "LSTM 64 · 2026-12-03 14:05"
    assert run_label({"created": "2026-12-03T14:05:09+00:00"}, "20261203-140509-abcdef") == (
        "20261203-140509-abcdef"
    )
    assert run_label({"name": None, "created": "x"}, "20261203-140509-abcdef").startswith("2026")
    assert run_label({"name": "only"}, "") == "only"


def test_names_are_tidied_and_bad_ones_refused() -> None:
    assert check_run_name("  LSTM   64\n") == "LSTM 64"
    assert check_run_name("   ") is None and check_run_name(None) is None
    assert check_run_name("市场 风险") == "市场 风险"
    with pytest.raises(RunStoreError, match=f"at most {MAX_NAME_CHARS}"):
        check_run_name("x" * (MAX_NAME_CHARS + 1))
    with pytest.raises(RunStoreError, match="control characters"):
        check_run_name("a\x00b")


def test_rename_reseals_meta_and_shows_in_the_listing(named) -> None:
    store, run_id = named
    assert store.rename(run_id, "  Q4   review ") == "Q4 review"
    run = store.load(run_id)
    assert run.verified  # meta.json changed and the manifest says so: nothing looks tampered
    assert run.meta["name"] == "Q4 review"
    assert run_label(run) == f"Q4 review · {run_label(run.meta)[-16:]}"
    row = store.list()[0]
    assert (row["name"], row["label"]) == ("Q4 review", run_label(run))
    assert store.rename(run_id, "") is None
    assert run_label(store.load(run_id)) == run_id


def test_rename_does_not_bless_a_changed_meta_file(named) -> None:
    store, run_id = named
    meta = store.root / run_id / "meta.json"
    data = json.loads(meta.read_text(encoding="utf-8"))
    data["device"] = "GPU: planted"
    meta.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RunStoreError, match="modified after it was saved"):
        store.rename(run_id, "laundered")


def test_a_run_saved_before_names_still_loads_and_lists(tmp_path) -> None:
    store = RunStore(tmp_path)
    with store.writer() as w:
        w.write_json("meta.json", {"created": "2026-01-02T03:04:05+00:00", "files": []})
        w.write_json("metrics.json", {"task": "classification", "test": {}})
        run_id = w.run_id
    assert run_label(store.load(run_id)) == run_id
    assert store.list()[0]["name"] == "" and store.list()[0]["label"] == run_id
    store.rename(run_id, "old one")
    assert store.load(run_id).meta["name"] == "old one"


def test_a_run_is_named_by_its_id_or_its_folder_inside_the_runs_folder(named, tmp_path) -> None:
    store, run_id = named
    folder = store.root / run_id
    assert store.resolve(run_id) == run_id
    assert store.resolve(str(folder)) == run_id
    assert store.resolve(str(folder) + "/") == run_id
    here = os.getcwd()
    try:
        os.chdir(store.root.parent)
        assert store.resolve(f"runs/{run_id}") == run_id
        assert store.resolve(f"./runs/../runs/{run_id}") == run_id
    finally:
        os.chdir(here)
    outside = tmp_path / "elsewhere" / new_run_id()
    shutil.copytree(folder, outside)
    link = store.root / new_run_id()
    link.symlink_to(outside, target_is_directory=True)
    for bad in (str(outside), str(link), str(store.root), "../etc", f"{folder}/inputs", "x"):
        with pytest.raises(RunStoreError, match="is not a run id"):
            store.resolve(bad)


def test_cli_names_renames_and_takes_the_printed_folder(named, capsys, monkeypatch) -> None:
    store, run_id = named
    monkeypatch.setenv("RISKCORE_HOME", str(store.root.parent))
    folder = str(store.root / run_id)
    assert main(["rename", folder, "流动性 压力"]) == 0
    assert "流动性 压力" in capsys.readouterr().out
    assert main(["runs"]) == 0
    assert "流动性 压力" in capsys.readouterr().out
    out = store.root.parent / "r.csv"
    assert main(["report", folder, "--format", "csv", "--out", str(out)]) == 0
    assert out.stat().st_size > 0 and run_id in capsys.readouterr().err
    code = main(["report", str(store.root.parent), "--format", "csv", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and "is not a run id" in err
    assert main(["rename", run_id, "y" * 200]) == 2
    assert "at most 80" in capsys.readouterr().err


def test_the_run_picker_shows_the_name(named, monkeypatch) -> None:
    store, run_id = named
    store.rename(run_id, "Named run")
    monkeypatch.setenv("RISKCORE_HOME", str(store.root.parent))
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not app.exception, app.exception
    (picker,) = [b for b in app.sidebar.selectbox if b.key == "run_picker"]
    assert picker.options[0].startswith("Named run · 20")


def _rename_page(home: str, run_id: str) -> None:
    """The sidebar's rename control alone (AppTest draws the sidebar on the first run only)."""
    import streamlit as st

    from riskcore.store import RunStore
    from ui.sidebar import _rename_control

    st.session_state.setdefault("lang_picker", "zh")
    _rename_control(RunStore(home), run_id)


def test_a_run_is_renamed_from_the_sidebar_in_chinese(named) -> None:
    store, run_id = named
    store.rename(run_id, "Named run")
    app = AppTest.from_function(_rename_page, args=(str(store.root.parent), run_id)).run()
    assert not app.exception, app.exception
    box = app.text_input[0]
    assert (box.label, box.value) == (TEXT["sidebar.rename_label"][1], "Named run")
    box.input("流动性压力")
    next(b for b in app.button if b.label == TEXT["sidebar.rename_save"][1]).click().run()
    assert not app.exception, app.exception
    assert store.load(run_id).meta["name"] == "流动性压力"
    app.text_input[0].input("z" * 81)
    next(b for b in app.button if b.label == TEXT["sidebar.rename_save"][1]).click().run()
    assert any("at most 80" in e.value for e in app.error)
    assert store.load(run_id).meta["name"] == "流动性压力"


def test_the_train_form_takes_a_name_and_refuses_a_long_one(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RISKCORE_HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    app.button(key="sample_market").click().run()
    app.switch_page("pages/train.py").run()
    assert not app.exception, app.exception
    name = app.text_input(key="train_run_name")
    assert name.label == TEXT["train.name"][0]
    name.input("x" * 81).run()
    assert any("at most 80" in e.value for e in app.error)
    start = next(b for b in app.button if b.label == TEXT["train.start"][0])
    assert start.disabled
    app.text_input(key="train_run_name").input("LSTM 64").run()
    assert not app.error
    assert not next(b for b in app.button if b.label == TEXT["train.start"][0]).disabled

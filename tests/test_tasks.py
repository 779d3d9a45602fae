"""Worker tasks and their typed payloads (riskcore.tasks): one list, checked in the parent."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

from riskcore import tasks as T
from riskcore.errors import RiskcoreError
from riskcore.jobs import JobManager

ROOT = Path(__file__).resolve().parents[1]
TASK_STRING = re.compile(r"""["'](riskcore(?:\.\w+)+:\w+_task)["']""")
FRAME = pd.DataFrame({"date": ["2024-01-01"], "x": [1.0]})
RUN_ID = "20260101-120000-a1b2c3"


def _sources(*folders: str) -> list[Path]:
    return [p for f in folders for p in sorted((ROOT / f).rglob("*.py"))]


def test_every_task_string_in_the_code_is_listed() -> None:
    used = {
        m.group(1)
        for path in _sources("ui", "pages", "riskcore")
        if path.name != "tasks.py"
        for m in TASK_STRING.finditer(path.read_text(encoding="utf-8"))
    }
    assert used <= set(T.BY_PATH), f"not in riskcore/tasks.py: {used - set(T.BY_PATH)}"
    assert set(T.TASKS) == {
        "training",
        "explanation",
        "scenario",
        "attribution",
        "tuning",
        "monitor",
    }


def test_the_ui_submits_only_listed_tasks_with_payloads_built_through_them() -> None:
    """Every jobs_panel.submit(kind, TASK, payload) names a constant bound to riskcore.tasks."""
    calls = 0
    for path in _sources("ui", "pages"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bound = {
            node.targets[0].id: ast.unparse(node.value)
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "jobs_panel.submit":
                calls += 1
                task = ast.unparse(node.args[1])
                assert bound.get(task, task).startswith("tasks."), f"{path.name}: {task}"
                name = bound.get(task, task).removeprefix("tasks.")
                assert getattr(T, name) in T.TASKS.values()
    assert calls >= 5  # train, explain, scenario, attribution, tune


@pytest.mark.parametrize("task", list(T.TASKS.values()), ids=list(T.TASKS))
def test_each_task_function_exists_and_reads_only_fields_of_its_payload(task) -> None:
    module, _, name = task.path.partition(":")
    path = ROOT / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = ROOT / module.replace(".", "/") / "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    assert [a.arg for a in fn.args.args] == ["payload", "emit"]
    read = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "payload":
            read.add(ast.literal_eval(node.slice))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "payload.get":
            read.add(ast.literal_eval(node.args[0]))
    assert read and read <= set(task.model.model_fields), read - set(task.model.model_fields)


def test_a_payload_is_built_through_its_task_with_defaults_filled_in() -> None:
    payload = T.TRAINING.payload(config='{"task": "classification"}', primary=FRAME)
    assert payload["primary"] is FRAME  # the frame itself, not a copy
    assert (payload["macro"], payload["sources"], payload["home"], payload["owner"]) == (
        None,
        [],
        None,
        None,
    )
    explain = T.EXPLANATION.payload(run_id=RUN_ID, how="entity", entity="A")
    assert (explain["n"], explain["background"]) == (300, 100)
    assert T.check_payload("tests.job_tasks:echo", {"anything": 1}) == {"anything": 1}


@pytest.mark.parametrize(
    ("task", "fields", "words"),
    [
        (T.TRAINING, {"primary": FRAME}, ["training", "lacks 'config'"]),
        (T.TRAINING, {"config": "{}", "primary": "prices.csv"}, ["'primary'", "DataFrame", "str"]),
        (T.EXPLANATION, {"run_id": RUN_ID, "n": "many"}, ["explanation", "'n'", "integer"]),
        (T.EXPLANATION, {"run_id": RUN_ID, "how": "loudest"}, ["'how'", "latest"]),
        (T.SCENARIO, {"run_id": RUN_ID, "scenarios": []}, ["scenario", "'scenarios'"]),
        (T.SCENARIO, {"run_id": RUN_ID, "scenarios": [{}], "threshold": 2}, ["'threshold'"]),
        (T.ATTRIBUTION, {"run_id": RUN_ID, "scenario": {}}, ["lacks 'entity'"]),
        (T.TUNING, {"run_id": RUN_ID, "space": "{}", "trials": 5}, ["unknown field 'trials'"]),
        (T.TUNING, {"space": "{}"}, ["tuning", "lacks 'run_id'"]),
    ],
)
def test_a_payload_that_does_not_match_is_a_clear_error(task, fields, words) -> None:
    with pytest.raises(T.PayloadError) as info:
        task.payload(**fields)
    message = str(info.value)
    assert isinstance(info.value, RiskcoreError)
    for word in words:
        assert word in message, message


def test_a_bad_payload_is_refused_in_the_parent_and_no_worker_sees_it() -> None:
    manager = JobManager(warm=False, preload=())
    try:
        for task in (T.TRAINING, T.TRAINING.path):  # by task or by its "module:function"
            with pytest.raises(T.PayloadError, match="lacks 'primary'"):
                manager.submit(task, {"config": "{}", "owner": "me"}, owner="me")
        with pytest.raises(T.PayloadError, match="'n'"):
            manager.submit(T.EXPLANATION.path, {"run_id": RUN_ID, "n": [3]})
        assert manager.jobs() == [] and manager.jobs(owner="me") == []
        assert manager._workers == []  # nothing was started, nothing was sent
    finally:
        manager.shutdown()


def test_payload_choices_are_the_ones_the_tasks_accept() -> None:
    from typing import get_args

    from riskcore.explain import HOW
    from riskcore.scenarios.apply import WHICH

    assert get_args(T.ExplanationPayload.model_fields["how"].annotation) == HOW
    for model in (T.ScenarioPayload, T.AttributionPayload):
        assert get_args(model.model_fields["which"].annotation) == WHICH

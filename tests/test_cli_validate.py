"""`python -m riskcore validate`: the policy gate's exit codes (0 green or amber, 3 red, 2 a user
error) on a tiny trained credit run, validation.json stored with the run, --out, new data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from riskcore.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
NO_RED = {  # every red threshold off: the gate cannot close
    "test_gini": {"red_below": None},
    "comparator": {"enabled": False},
    "grades": {"red_below": None},
    "hosmer_lemeshow": {"red_below": None},
    "spiegelhalter": {"red_below": None},
    "discrimination": {"red_above": None},
    "score_psi": {"red_above": None},
    "adverse_impact": {"red_above": None},
}
DATA = ["--data", str(SAMPLE / "credit_payments.csv"), "--macro", str(SAMPLE / "credit_macro.csv")]


@pytest.fixture(scope="module")
def credit(credit_run, copy_run) -> tuple[Path, Path]:
    """A home of its own holding a copy of the session's tiny credit run (trained by the CLI
    on a slice of the sample borrowers), and the run's folder there: validate stores in it."""
    run = copy_run(credit_run)
    return run.path.parent.parent, run.path


def _validate(args: list[str], capsys, home: Path, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.setenv("RISKCORE_HOME", str(home))
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _policy(tmp_path: Path, policy: dict) -> str:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy))
    return str(path)


def test_no_red_check_exits_0_and_stores_validation_json(
    credit, capsys, monkeypatch, tmp_path
) -> None:
    home, run_dir = credit
    out_file = tmp_path / "results.json"
    code, out, err = _validate(
        [run_dir.name, "--policy", _policy(tmp_path, NO_RED), "--segment", "product",
         "--out", str(out_file)],
        capsys, home, monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    for name in ("test_gini", "grades", "hosmer_lemeshow", "score_psi", "adverse_impact"):
        assert name in out
    assert "master scale" in out and "Jeffreys p" in out
    stored = json.loads((run_dir / "validation.json").read_text())
    written = json.loads(out_file.read_text())
    assert stored["checks"] == written["checks"] and stored["grades"] == written["grades"]
    assert {c["light"] for c in stored["checks"]} <= {"green", "amber"}
    assert all({"name", "value", "threshold", "light"} <= set(c) for c in stored["checks"])
    assert len(stored["grades"]) == 7
    assert stored["data"]["kind"] == "test"
    assert stored["segments"]["column"] == "product"
    assert {r["segment"] for r in stored["segments"]["rows"]} == {"auto", "card", "personal_loan"}
    assert stored["periods"]["rows"] and stored["stability"] and stored["migration"]["counts"]
    assert stored["policy"]["comparator"]["enabled"] is False


def test_a_red_check_exits_3(credit, capsys, monkeypatch, tmp_path) -> None:
    home, run_dir = credit
    strict = {"test_gini": {"red_below": 0.99, "amber_below": 0.99}}
    code, _, err = _validate(
        [run_dir.name, "--policy", _policy(tmp_path, strict)], capsys, home, monkeypatch
    )
    assert code == 3
    assert "RED" in err and "exit 3" in err
    stored = json.loads((run_dir / "validation.json").read_text())
    gini = next(c for c in stored["checks"] if c["name"] == "test_gini")
    assert gini["light"] == "red" and gini["threshold"] == 0.99


def test_the_default_policy_gates_by_its_lights(credit, capsys, monkeypatch) -> None:
    home, run_dir = credit
    code, _, err = _validate([run_dir.name], capsys, home, monkeypatch)
    stored = json.loads((run_dir / "validation.json").read_text())
    assert code == (3 if stored["light"] == "red" else 0), err
    assert stored["policy"]["name"] == "default"


@pytest.mark.parametrize(
    ("policy", "named"),
    [
        ({"score_psi": {"red_abov": 0.3}}, "score_psi.red_abov: unknown key"),
        ({"grades": {"bounds": [0.2, 0.1]}}, "grades.bounds"),
        ({"test_gini": {"red_below": "high"}}, "test_gini.red_below"),
    ],
)
def test_a_malformed_policy_exits_2_naming_the_key(
    credit, capsys, monkeypatch, tmp_path, policy, named
) -> None:
    home, run_dir = credit
    code, _, err = _validate(
        [run_dir.name, "--policy", _policy(tmp_path, policy)], capsys, home, monkeypatch
    )
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: invalid validation policy")
    assert named in lines[0] and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--segment", "nope"], "segment column 'nope' is not in the primary data"),
        (["--segment", "default_12m"], "is the target"),
        (["--threshold", "2"], "between 0 and 1"),
        (["--macro", "m.csv"], "--macro and --sentiment go with --data"),
        (["--policy", "missing.json"], "policy file 'missing.json' not found"),
    ],
)
def test_user_errors_exit_2(credit, capsys, monkeypatch, args, message) -> None:
    home, run_dir = credit
    code, _, err = _validate([run_dir.name, *args], capsys, home, monkeypatch)
    assert code == 2 and err.startswith("error: ") and message in err


def test_an_unknown_run_exits_2(credit, capsys, monkeypatch) -> None:
    home, _ = credit
    code, _, err = _validate(["20200101-000000-abcdef"], capsys, home, monkeypatch)
    assert code == 2 and "not found" in err


def test_out_of_time_data_is_scored_and_not_stored_with_the_run(
    credit, capsys, monkeypatch, tmp_path
) -> None:
    home, run_dir = credit
    before = (run_dir / "validation.json").read_text()
    out_file = tmp_path / "oot.json"
    code, _, err = _validate(
        [run_dir.name, *DATA, "--policy", _policy(tmp_path, NO_RED), "--out", str(out_file)],
        capsys, home, monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out_file.read_text())
    assert result["data"]["kind"] == "new_data"
    test_rows = json.loads((run_dir / "metrics.json").read_text())["rows"]["test"]
    assert result["data"]["with_outcome"] > test_rows  # every labelled sample of the file
    assert (run_dir / "validation.json").read_text() == before

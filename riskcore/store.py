"""The run registry on disk: $RISKCORE_HOME/runs/<run_id>/.

A run is written into a hidden temporary folder and renamed into place, so a crash never leaves
half a run. Run ids are generated (UTC time + random hex), never built from user text, and every
id coming back from a user is checked against that pattern before it touches the disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from riskcore.access import LOCAL, Principal
from riskcore.artefacts import ArtefactError, RunMeta, RunMetrics
from riskcore.errors import RunStoreError

RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")
TMP_PREFIX = ".tmp-"
# predictions.csv: each model's calibrated score (a probability for classification runs); the
# raw score beside it as raw_column(model). Runs saved before calibration have only these.
SCORE_COLUMNS = {
    "model": "score",
    "logistic": "score_logistic",
    "gbm": "score_gbm",
    "benchmark": "score_benchmark",
}


def raw_column(model: str) -> str:
    """The column of a model's score before calibration."""
    return f"{SCORE_COLUMNS[model]}_raw"


def default_home() -> Path:
    return Path(os.environ.get("RISKCORE_HOME", ".")).expanduser()


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "model_dump"):  # a pydantic model (a typed payload or event)
        return obj.model_dump(mode="json")
    if hasattr(obj, "item"):
        return obj.item()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    return str(obj)


class RunWriter:
    """Files of a run being written; only visible in the store once the writer closes cleanly."""

    def __init__(self, path: Path, run_id: str) -> None:
        self.path = path
        self.run_id = run_id

    def write_json(self, name: str, obj: Any) -> None:
        text = json.dumps(obj, indent=2, ensure_ascii=False, default=_json_default)
        (self.path / name).write_text(text, encoding="utf-8")

    def write_csv(self, name: str, frame: pd.DataFrame) -> None:
        frame.to_csv(self.path / name, index=False)

    def write_inputs(self, frames: dict[str, pd.DataFrame | None]) -> None:
        """The training inputs as Parquet, so explanations, scenarios and reports of this run
        never ask for the files again (and never see a different version of them)."""
        folder = self.path / "inputs"
        folder.mkdir()
        for role, frame in frames.items():
            if frame is not None:
                frame.to_parquet(folder / f"{role}.parquet", index=False)

    def save_model(self, model: Any, name: str = "model.keras") -> None:
        model.save(self.path / name)


@dataclass
class Run:
    """A finished run; files are read on first use."""

    run_id: str
    path: Path

    def _json(self, name: str) -> Any:
        p = self.path / name
        return json.loads(p.read_text(encoding="utf-8")) if p.exists() else None

    @cached_property
    def config(self):
        from riskcore.config import parse_config

        return parse_config((self.path / "config.json").read_bytes(), f"run {self.run_id}")

    def _artefact(self, name: str, view: Any) -> Any:
        try:
            return view.load(self._json(name), name)
        except (ArtefactError, ValueError) as exc:  # a JSON syntax error is a ValueError too
            raise RunStoreError(
                f"run {self.run_id}: {exc}; the run is damaged, retrain it"
            ) from None

    @cached_property
    def meta(self) -> RunMeta:
        """meta.json, validated once (riskcore.artefacts.RunMeta; still a dict)."""
        return self._artefact("meta.json", RunMeta)

    @cached_property
    def metrics(self) -> RunMetrics:
        """metrics.json, validated once (riskcore.artefacts.RunMetrics; still a dict)."""
        return self._artefact("metrics.json", RunMetrics)

    @cached_property
    def state(self) -> dict:
        return self._json("preprocessing.json") or {}

    @cached_property
    def history(self) -> pd.DataFrame:
        return _read_csv(self.path / "history.csv")

    @cached_property
    def predictions(self) -> pd.DataFrame:
        frame = _read_csv(self.path / "predictions.csv")
        if "time" in frame and frame["time"].notna().any():
            frame["time"] = pd.to_datetime(frame["time"])
        if "entity" in frame:
            frame["entity"] = frame["entity"].astype("string").fillna("").astype(str)
        return frame

    def inputs(self) -> dict[str, pd.DataFrame | None]:
        """The frames the run was trained on, by role (primary, macro, sentiment)."""
        folder = self.path / "inputs"
        out: dict[str, pd.DataFrame | None] = {}
        for role in ("primary", "macro", "sentiment"):
            path = folder / f"{role}.parquet"
            out[role] = pd.read_parquet(path) if path.exists() else None
        if out["primary"] is None:
            raise RunStoreError(
                f"run {self.run_id} has no saved inputs (it predates them); upload the data "
                "again or retrain the run"
            )
        return out

    def calibrator(self, model: str = "model"):
        """How this run turns the model's raw scores into probabilities (identity for
        regression runs and runs saved before calibration existed)."""
        from riskcore.calibration import Calibrator

        return Calibrator.from_dict((self.state.get("calibration") or {}).get(model))

    def json(self, name: str) -> Any:
        """Any other JSON artefact of the run (explanations, scenarios), or None."""
        return self._json(name)

    def load_model(self):
        """The Keras model, loaded with safe_mode so no code from the file can run."""
        import keras

        try:
            return keras.saving.load_model(self.path / "model.keras", safe_mode=True, compile=False)
        except Exception as exc:  # a broken or hostile file is the user's problem to fix
            reason = " ".join(str(exc).split())  # Keras dumps whole configs over many lines
            reason = reason if len(reason) <= 160 else reason[:157] + "..."
            raise RunStoreError(
                f"run {self.run_id}: model.keras cannot be loaded safely ({reason}); "
                "retrain the run"
            ) from None


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path) if path.exists() else pd.DataFrame()


class RunStore:
    """All runs under one folder; safe to share between the dashboard and CLI jobs."""

    def __init__(self, home: str | Path | None = None, principal: Principal = LOCAL) -> None:
        self.root = (Path(home) if home is not None else default_home()) / "runs"
        self.principal = principal  # whose reads and writes these are (riskcore.access)

    def _ensure_root(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RunStoreError(
                f"cannot create the runs folder '{self.root}' ({exc.strerror}); set "
                "RISKCORE_HOME to a writable folder"
            ) from None

    def check_writable(self) -> None:
        """Fail before a long training, not after it, when runs cannot be saved here.

        Creates and removes a probe folder the way writer() would (mkdir alone is not proof:
        root passes chmod checks, and a read-only mount only fails on the first write).
        """
        self._ensure_root()
        probe = self.root / f"{TMP_PREFIX}probe-{secrets.token_hex(4)}"
        try:
            probe.mkdir()
            (probe / "probe").write_bytes(b"x")
        except OSError as exc:
            raise RunStoreError(
                f"the runs folder '{self.root}' is not writable ({exc.strerror or exc}); free "
                "disk space, fix its permissions, or set RISKCORE_HOME to a writable folder"
            ) from None
        finally:
            shutil.rmtree(probe, ignore_errors=True)

    def path(self, run_id: str) -> Path:
        """The folder of an existing run; rejects anything that is not a generated id."""
        if not isinstance(run_id, str) or not RUN_ID.fullmatch(run_id):  # "$" allows a "\n"
            raise RunStoreError(
                f"{run_id!r} is not a run id (they look like 20260101-120000-a1b2c3); "
                "list them with `python -m riskcore runs`"
            )
        path = self.root / run_id
        if not path.is_dir():
            raise RunStoreError(
                f"run '{run_id}' not found in {self.root}; list them with `python -m riskcore runs`"
            )
        return path

    def load(self, run_id: str) -> Run:
        return Run(run_id, self.path(run_id))

    @contextlib.contextmanager
    def writer(self) -> Iterator[RunWriter]:
        """Write a run into a temporary folder and rename it into place when all went well."""
        self._ensure_root()
        run_id = new_run_id()
        tmp = self.root / f"{TMP_PREFIX}{run_id}"
        try:
            tmp.mkdir()
            yield RunWriter(tmp, run_id)
            os.replace(tmp, self.root / run_id)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise RunStoreError(
                f"could not save the run in '{self.root}' ({exc.strerror or exc}); free disk "
                "space or set RISKCORE_HOME to a writable folder. Nothing was saved."
            ) from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def add_files(self, run_id: str, files: dict[str, Any]) -> None:
        """Add JSON artefacts to a finished run atomically (each file written then renamed)."""
        path = self.path(run_id)
        for name, obj in files.items():
            if "/" in name or name.startswith("."):
                raise RunStoreError(f"'{name}' is not a valid artefact name")
            tmp = path / f".{name}.tmp"
            tmp.write_text(
                json.dumps(obj, indent=2, ensure_ascii=False, default=_json_default), "utf-8"
            )
            os.replace(tmp, path / name)

    def ids(self, owner: str | None = None) -> list[str]:
        """Run ids, newest first; temporary folders of unfinished runs are ignored.

        With `owner`, only the runs whose meta.json records that owner (the opaque id of the
        dashboard session that trained them), so a shared store does not mix users' runs.
        """
        if not self.root.is_dir():
            return []
        names = [p.name for p in self.root.iterdir() if p.is_dir() and RUN_ID.match(p.name)]
        if owner is not None:
            names = [n for n in names if self.owner(n) == owner]
        return sorted(names, reverse=True)

    def owner(self, run_id: str) -> str | None:
        """The dashboard session that created the run; None for CLI runs and older runs."""
        try:
            meta = json.loads((self.path(run_id) / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        owner = meta.get("owner") if isinstance(meta, dict) else None
        return owner if isinstance(owner, str) else None

    def list(self, ids: list[str] | None = None) -> list[dict]:
        """One summary row per run for tables: id, created, data, task, headline metric."""
        rows = []
        for run_id in self.ids() if ids is None else ids:
            run = self.load(run_id)
            meta, metrics = run.meta, run.metrics
            test = metrics.scores("model")
            rows.append(
                {
                    "run_id": run_id,
                    "created": meta.created,
                    "data": meta.file_names,
                    "task": metrics.get("task", ""),
                    "target": meta.target or "",
                    "roc_auc": test.get("roc_auc"),
                    "rmse": test.get("rmse"),
                    "device": meta.device,
                }
            )
        return rows

    def delete(self, run_id: str) -> None:
        shutil.rmtree(self.path(run_id))

    def clean_temporary(self, older_than_s: float = 0.0) -> int:
        """Remove leftovers of runs that crashed while being written; returns how many.

        older_than_s spares folders changed more recently: on a shared store another process
        (a CLI job on a GPU box) may be writing one right now.
        """
        if not self.root.is_dir():
            return 0
        cutoff = time.time() - older_than_s
        stale = [
            p
            for p in self.root.iterdir()
            if p.name.startswith(TMP_PREFIX) and (older_than_s <= 0 or _mtime(p) < cutoff)
        ]
        for p in stale:
            shutil.rmtree(p, ignore_errors=True)
        return len(stale)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0

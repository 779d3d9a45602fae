"""Watch a folder: score each new data file with a saved run, track drift, raise alerts.

For the scheduled batch an engineer would otherwise script around `score`: a terminal's export
job drops CSV or Excel files into a folder; each new (or changed) file is read, scored with the
run's saved preprocessing and model, and its drift against the training data measured (PSI of
every input and of the score). Results go to `<out>/<file stem>.scores.csv`, one JSON line per
file (with every PSI, so drift can be followed over time) to `<out>/watch-log.jsonl`; an entity
whose latest score crosses the threshold (at or above it now, below it or unseen before) is
appended to `<out>/alerts.csv`. A file that cannot be read or scored is logged and skipped; the
watch goes on. What was processed is remembered by content hash, and each entity's last score,
in `<out>/watch-state.json`, so a restarted watch neither scores a file twice nor repeats an
alert. The default `<out>` is `$RISKCORE_HOME/monitor/<run id>/`, where the Monitor page looks.

The Monitor page scores an uploaded file the same way, without the CLI: monitor_task (a worker
job: scoring loads the Keras model, never in the server) saves the upload in `<out>/uploads/`
and hands it to a Watcher of that folder, so the page's files, drift and alerts join the
watch's record and state.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from riskcore.csvfile import read_csv, write_csv
from riskcore.errors import DataFileError, RiskcoreError
from riskcore.store import Run, RunStore

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
STATE_FILE = "watch-state.json"
LOG_FILE = "watch-log.jsonl"
ALERTS_FILE = "alerts.csv"
ALERT_COLUMNS = ["detected_at", "file", "time", "entity", "score", "previous_score", "threshold"]
SETTLE_S = 2.0  # a file changed more recently than this may still be being copied
UPLOADS = "uploads"  # the Monitor page's inbox inside a monitor folder
_UNSAFE = re.compile(r"[^\w.\-]+")  # characters an upload's name may not bring to the disk


@dataclass
class Outcome:
    """What happened to one file; one line of watch-log.jsonl."""

    file: str
    sha256: str
    at: str
    rows: int = 0
    data_to: str | None = None  # the latest date in the file: drift is followed along it
    scores: str = ""
    mean_score: float | None = None
    score_psi: float | None = None
    psi: dict[str, float] = field(default_factory=dict)  # every input and the score
    drifted: dict[str, float] = field(default_factory=dict)  # PSI >= the alert level
    crossed: list[str] = field(default_factory=list)  # entities that crossed the threshold
    error: str = ""


def monitor_folder(store: RunStore, run_id: str) -> Path:
    """Where a run's watch writes by default, and where the Monitor page reads."""
    return store.root.parent / "monitor" / store.path(run_id).name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Watcher:
    """Scores the new files of one folder with one run; call `scan()` as often as wanted."""

    def __init__(
        self,
        run: Run,
        folder: str | Path,
        out: str | Path,
        macro: pd.DataFrame | None = None,
        sentiment: pd.DataFrame | None = None,
        psi_alert: float = 0.25,
        threshold: float = 0.5,
    ) -> None:
        self.run = run
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise DataFileError(
                f"watch folder '{folder}' does not exist; create it or fix the path"
            )
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.macro, self.sentiment = macro, sentiment
        self.psi_alert, self.threshold = psi_alert, threshold
        path = self.out / STATE_FILE
        state = json.loads(path.read_text()) if path.exists() else {}
        self.seen: dict[str, str] = state.get("files", {})
        self.last: dict[str, float] = state.get("entities", {})
        self._model = None

    def pending(self, now: float | None = None) -> dict[Path, str]:
        """Data files that are new or changed since they were scored, and no longer growing,
        with their content hash (read once: it also keys the log and the state)."""
        now = time.time() if now is None else now
        files = sorted(
            p
            for p in self.folder.iterdir()
            if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
        )
        settled = [p for p in files if now - p.stat().st_mtime >= SETTLE_S]
        hashes = {p: _sha256(p) for p in settled}
        return {p: h for p, h in hashes.items() if self.seen.get(p.name) != h}

    def scan(self, now: float | None = None) -> list[Outcome]:
        """Score every pending file; returns what happened to each."""
        return [self._process(path, sha) for path, sha in self.pending(now).items()]

    def process(self, path: Path) -> Outcome:
        """Score one file of the folder now, new or not (an analyst asked for it)."""
        return self._process(path, _sha256(path))

    def _process(self, path: Path, sha256: str) -> Outcome:
        from riskcore.io import read_table
        from riskcore.scoring import score

        outcome = Outcome(path.name, sha256, datetime.now(UTC).isoformat(timespec="seconds"))
        try:
            frame, _ = read_table(path)
            if self._model is None:
                self._model = self.run.load_model()
            scored = score(self.run, frame, self.macro, self.sentiment, model=self._model)
        except RiskcoreError as exc:
            outcome.error = str(exc)
        else:
            target = self.out / f"{path.stem}.scores.csv"
            write_csv(scored.predictions, target)
            drift = scored.drift.set_index("feature")["psi"]
            outcome.rows = len(scored.predictions)
            if "time" in scored.predictions:
                outcome.data_to = str(pd.Timestamp(scored.predictions["time"].max()).date())
            outcome.scores = str(target)
            outcome.mean_score = float(scored.predictions["score"].mean())
            outcome.score_psi = float(drift.get("score", float("nan")))
            outcome.psi = {str(k): round(float(v), 4) for k, v in drift.items()}
            outcome.drifted = {k: v for k, v in outcome.psi.items() if v >= self.psi_alert}
            outcome.crossed = self._crossings(outcome, scored.predictions)
        self._record(outcome)
        return outcome

    def _crossings(self, outcome: Outcome, predictions: pd.DataFrame) -> list[str]:
        """Entities whose latest score is at or above the threshold and was not before."""
        timed = "time" in predictions
        ordered = predictions.sort_values("time") if timed else predictions
        latest = ordered.groupby("entity", sort=False).tail(1)
        rows = []
        for row in latest.itertuples():
            entity, score = str(row.entity), float(row.score)
            before = self.last.get(entity)
            if score >= self.threshold and (before is None or before < self.threshold):
                when = row.time if timed else None
                rows.append([outcome.at, outcome.file, when, entity, score, before, self.threshold])
            self.last[entity] = score
        if rows:
            path = self.out / ALERTS_FILE
            frame = pd.DataFrame(rows, columns=ALERT_COLUMNS)
            write_csv(frame, path, append=True)
        return [r[3] for r in rows]

    def _record(self, outcome: Outcome) -> None:
        self.seen[outcome.file] = outcome.sha256
        with (self.out / LOG_FILE).open("a", encoding="utf-8") as log:
            log.write(json.dumps(asdict(outcome), ensure_ascii=False) + "\n")
        tmp = self.out / f".{STATE_FILE}.tmp"
        state = {"files": self.seen, "entities": self.last}
        tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
        tmp.replace(self.out / STATE_FILE)

    def forever(self, interval: float, report: Callable[[Outcome], None]) -> None:
        """Scan every `interval` seconds until interrupted (Ctrl+C, SIGTERM via the caller)."""
        while True:
            for outcome in self.scan():
                report(outcome)
            time.sleep(interval)


# ---- scoring an upload (the Monitor page's worker job) --------------------------------------
def upload_name(name: str) -> str:
    """The file name an upload is saved under: its base name, with characters other than
    letters, digits, "_", "-" and "." replaced (a hidden or empty name gets a prefix)."""
    base = _UNSAFE.sub("_", Path(str(name).replace("\\", "/")).name).strip("._") or "upload"
    suffix = Path(str(name)).suffix.lower()
    return base if suffix in SUFFIXES and base.lower().endswith(suffix) else f"{base}.csv"


def monitor_task(payload: dict, emit: Callable[[dict], None]) -> dict:
    """Worker-process entry (riskcore.jobs): score an uploaded file with a run, as `watch`
    would have had the file arrived in its folder. Payload: run_id, name and data (the
    upload), optional macro / sentiment as {"name", "data"}, threshold, psi_alert and the
    job's identity (home, owner...). Returns the file's Outcome as a dict."""
    from riskcore.io import read_table

    store = RunStore.for_job(payload)
    run = store.load(payload["run_id"])
    out = monitor_folder(store, run.run_id)
    inbox = out / UPLOADS
    inbox.mkdir(parents=True, exist_ok=True)
    context = {}
    for role, upload in (("macro", payload.get("macro")), ("sentiment", payload.get("sentiment"))):
        if upload:
            emit({"type": "stage", "stage": "reading"})
            context[role] = read_table(upload["data"], name=upload["name"])[0]
    path = inbox / upload_name(payload["name"])
    path.write_bytes(payload["data"])
    watcher = Watcher(
        run,
        inbox,
        out,
        context.get("macro"),
        context.get("sentiment"),
        psi_alert=float(payload.get("psi_alert", 0.25)),
        threshold=float(payload.get("threshold", 0.5)),
    )
    emit({"type": "stage", "stage": "scoring"})
    return asdict(watcher.process(path))


# ---- reading a monitor back (the Monitor page) ---------------------------------------------
@dataclass
class Monitor:
    """A watch's record: one row per file (with its PSIs) and the threshold alerts."""

    log: pd.DataFrame  # file, at, when, rows, mean_score, score_psi, psi (dict), error ...
    alerts: pd.DataFrame  # ALERT_COLUMNS

    @property
    def drift(self) -> pd.DataFrame:
        """Long table of PSI per scored file: when, file, feature, psi (the score included)."""
        ok = self.log[self.log["error"] == ""] if "error" in self.log else self.log
        rows = [
            {"when": r.when, "file": r.file, "feature": k, "psi": v}
            for r in ok.itertuples()
            for k, v in (r.psi or {}).items()
        ]
        return pd.DataFrame(rows, columns=["when", "file", "feature", "psi"])


def load_monitor(folder: str | Path) -> Monitor | None:
    """The watch output in `folder`, or None when no watch has written there yet."""
    folder = Path(folder)
    log_path = folder / LOG_FILE
    if not log_path.exists():
        return None
    lines = log_path.read_text(encoding="utf-8").splitlines()
    log = pd.DataFrame([json.loads(line) for line in lines if line.strip()])
    log["at"] = pd.to_datetime(log["at"])
    # files are followed along the data's own dates; a file without dates by when it was scored
    scanned = log["at"].dt.tz_localize(None)
    log["when"] = pd.to_datetime(log["data_to"]).fillna(scanned) if "data_to" in log else scanned
    alerts_path = folder / ALERTS_FILE
    alerts = read_csv(alerts_path) if alerts_path.exists() else pd.DataFrame(columns=ALERT_COLUMNS)
    return Monitor(log, alerts)

"""Watch a folder: score each new data file with a saved run, track drift, raise alerts.

For the scheduled batch an engineer would otherwise script around `score`: a terminal's export
job drops CSV or Excel files into a folder; each new (or changed) file is read, scored with the
run's saved preprocessing and model, and its drift against the training data measured (PSI of
every input and of the score). Results go to `<out>/<file stem>.scores.csv`, one JSON line per
file goes to `<out>/watch-log.jsonl`, and a file whose PSI reaches the alert level prints an
`alert:` line on stderr. A file that cannot be read or scored is logged and skipped; the watch
goes on. What was processed is remembered by content hash in `<out>/watch-state.json`, so a
restarted watch does not score a file twice.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from riskcore.errors import DataFileError, RiskcoreError
from riskcore.store import Run

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
STATE_FILE = "watch-state.json"
LOG_FILE = "watch-log.jsonl"
SETTLE_S = 2.0  # a file changed more recently than this may still be being copied


@dataclass
class Outcome:
    """What happened to one file; one line of watch-log.jsonl."""

    file: str
    sha256: str
    at: str
    rows: int = 0
    scores: str = ""
    mean_score: float | None = None
    score_psi: float | None = None
    drifted: dict[str, float] = field(default_factory=dict)  # PSI >= the alert level
    error: str = ""

    @property
    def alert(self) -> bool:
        return bool(self.drifted)


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
        out: str | Path | None = None,
        macro: pd.DataFrame | None = None,
        sentiment: pd.DataFrame | None = None,
        psi_alert: float = 0.25,
    ) -> None:
        self.run = run
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise DataFileError(
                f"watch folder '{folder}' does not exist; create it or fix the path"
            )
        self.out = Path(out) if out else self.folder / "scored"
        self.out.mkdir(parents=True, exist_ok=True)
        self.macro, self.sentiment = macro, sentiment
        self.psi_alert = psi_alert
        state = self.out / STATE_FILE
        self.seen: dict[str, str] = json.loads(state.read_text()) if state.exists() else {}
        self._model = None

    def pending(self, now: float | None = None) -> list[Path]:
        """Data files that are new or changed since they were scored, and no longer growing."""
        now = time.time() if now is None else now
        files = sorted(
            p
            for p in self.folder.iterdir()
            if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
        )
        return [
            p
            for p in files
            if now - p.stat().st_mtime >= SETTLE_S and self.seen.get(p.name) != _sha256(p)
        ]

    def scan(self, now: float | None = None) -> list[Outcome]:
        """Score every pending file; returns what happened to each."""
        return [self._process(path) for path in self.pending(now)]

    def _process(self, path: Path) -> Outcome:
        from riskcore.io import read_table
        from riskcore.scoring import score

        outcome = Outcome(path.name, _sha256(path), datetime.now(UTC).isoformat(timespec="seconds"))
        try:
            frame, _ = read_table(path)
            if self._model is None:
                self._model = self.run.load_model()
            scored = score(self.run, frame, self.macro, self.sentiment, model=self._model)
        except RiskcoreError as exc:
            outcome.error = str(exc)
        else:
            target = self.out / f"{path.stem}.scores.csv"
            scored.predictions.to_csv(target, index=False)
            drift = scored.drift.set_index("feature")["psi"]
            outcome.rows = len(scored.predictions)
            outcome.scores = str(target)
            outcome.mean_score = float(scored.predictions["score"].mean())
            outcome.score_psi = float(drift.get("score", float("nan")))
            outcome.drifted = {
                str(k): round(float(v), 4) for k, v in drift.items() if v >= self.psi_alert
            }
        self._record(outcome)
        return outcome

    def _record(self, outcome: Outcome) -> None:
        self.seen[outcome.file] = outcome.sha256
        with (self.out / LOG_FILE).open("a", encoding="utf-8") as log:
            log.write(json.dumps(asdict(outcome), ensure_ascii=False) + "\n")
        tmp = self.out / f".{STATE_FILE}.tmp"
        tmp.write_text(json.dumps(self.seen, indent=1), encoding="utf-8")
        tmp.replace(self.out / STATE_FILE)

    def forever(self, interval: float, report: Callable[[Outcome], None]) -> None:
        """Scan every `interval` seconds until interrupted (Ctrl+C, SIGTERM via the caller)."""
        while True:
            for outcome in self.scan():
                report(outcome)
            time.sleep(interval)

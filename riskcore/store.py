"""The run registry on disk: $RISKCORE_HOME/runs/<run_id>/.

A run is written into a hidden temporary folder and renamed into place, so a crash never leaves
half a run. Run ids are generated (UTC time + random hex), never built from user text, and every
id coming back from a user is checked against that pattern before it touches the disk.

A shared store is also a place others can write to, so the store trusts no file it reads:
every read and write asks riskcore.access whether this principal may (a run another user may
not read is "not found", exactly like a missing one), a run's files are sealed by
manifest.json (sha256 of each, written last) and checked before they are used, symbolic links
and special files are never followed, and one damaged run is skipped when listing, not fatal.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import stat
import time
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from riskcore.access import LOCAL, Principal
from riskcore.artefacts import ArtefactError, RunMeta, RunMetrics
from riskcore.errors import AccessError, LimitError, RunStoreError

log = logging.getLogger(__name__)

RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")
TMP_PREFIX = ".tmp-"
MANIFEST_FILE = "manifest.json"  # {relative path: sha256} of every data file, written last
ACCESS_FILE = "access.json"  # {"shared_with": [team, ...]}: changes after the save, not sealed
LOCK_FILE = ".lock"  # serialises add_files' manifest updates between processes
PROTECTED = {"config.json", "meta.json", "metrics.json", "preprocessing.json"}
CHUNK = 1 << 20  # files are hashed in 1 MB reads: a model never sits in memory twice
MB = 1024 * 1024
INPUTS_COMPRESSION = {"compression": "zstd", "compression_level": 9}
CSV_DIGITS = "%.9g"  # score columns of CSVs: 9 significant digits (float32 holds ~7)
# predictions.csv: each model's calibrated score (a probability for classification runs); the
# raw score beside it as raw_column(model). Runs saved before calibration have only these.
SCORE_COLUMNS = {
    "model": "score",
    "logistic": "score_logistic",
    "gbm": "score_gbm",
    "benchmark": "score_benchmark",
}
SPREAD_COLUMN = "model_sd"  # a seed ensemble's spread across its networks, per prediction
MAX_NAME_CHARS = 80  # a run's name: short enough for a picker, a chart legend and a report


def check_run_name(name: str | None) -> str | None:
    """A user's name for a run, tidied (spaces collapsed); None when blank. RunStoreError for
    one that is too long or holds control characters (a name lands in tables, files, PDFs)."""
    if name is None:
        return None
    if not isinstance(name, str):
        raise RunStoreError(f"a run name must be text, got {type(name).__name__}")
    tidy = " ".join(name.split())
    if not tidy:
        return None
    if any(unicodedata.category(c).startswith("C") for c in tidy):
        raise RunStoreError(
            f"the run name {tidy!r} holds control characters; use letters, digits and spaces"
        )
    if len(tidy) > MAX_NAME_CHARS:
        raise RunStoreError(
            f"the run name '{tidy[:40]}...' has {len(tidy)} characters; use at most "
            f"{MAX_NAME_CHARS}"
        )
    return tidy


def run_label(run: Run | Mapping[str, Any], run_id: str = "") -> str:
    """How a run is called wherever people pick or compare runs (run picker, Compare, the
    report, `runs`): "name · 2026-12-03 14:05" (created, UTC), or the run id when it has no
    name. `run` is a Run or its meta.json (then pass `run_id` for the fallback)."""
    if isinstance(run, Run):
        meta: Mapping[str, Any] = run.meta
        run_id = run_id or run.run_id
    else:
        meta = run
    name = meta.get("name")
    if not isinstance(name, str) or not name.strip():
        return run_id or _created_text(meta.get("created"))
    created = _created_text(meta.get("created"))
    return f"{name.strip()} · {created}" if created else name.strip()


def _created_text(created: Any) -> str:
    """meta.json's ISO "created" (UTC) as "2026-12-03 14:05"; "" when absent or malformed."""
    if not isinstance(created, str):
        return ""
    try:
        when = datetime.fromisoformat(created)
    except ValueError:
        return ""
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return f"{when:%Y-%m-%d %H:%M}"


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


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, indent=2, ensure_ascii=False, default=_json_default).encode("utf-8")


# ---- reading files that others may have planted -----------------------------------------------
@contextlib.contextmanager
def _open_regular(path: Path, what: str) -> Iterator[int]:
    """A file descriptor of a regular file; never through a symbolic link, never a FIFO or a
    device (a reader would hang on one). FileNotFoundError passes through."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise RunStoreError(
                f"{what}: '{path.name}' is a symbolic link; links in the runs folder are never "
                "followed, remove it or restore the run from a copy"
            ) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise RunStoreError(
                f"{what}: '{path.name}' is not a regular file; remove it or retrain the run"
            )
        yield fd
    finally:
        os.close(fd)


def _read_bytes(path: Path, what: str) -> bytes | None:
    """The file's bytes, or None when it does not exist."""
    try:
        with _open_regular(path, what) as fd:
            return b"".join(iter(lambda: os.read(fd, CHUNK), b""))
    except FileNotFoundError:
        return None


# Options whose default changed after runs were saved without them: what those runs used.
SAVED_BEFORE = {("model", "wide"): False}


def _as_saved(raw: bytes) -> dict | bytes:
    """A saved config with the options it predates filled in as they were then, so a run
    saved before wide and deep became the default is not described as wide."""
    try:
        data = json.loads(raw)
    except ValueError:
        return raw  # parse_config names the error
    if not isinstance(data, dict):
        return raw
    for (section, key), value in SAVED_BEFORE.items():
        part = data.setdefault(section, {})
        if isinstance(part, dict):
            part.setdefault(key, value)
    return data


def sha256_of(path: Path, what: str = "run") -> str:
    """The file's sha256, streamed in CHUNK reads."""
    digest = hashlib.sha256()
    with _open_regular(path, what) as fd:
        while block := os.read(fd, CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _sealed(rel: str) -> bool:
    """Whether a file belongs in the manifest: hidden files (locks, temporary files of
    add_files) are read by nothing; the manifest and the sharing list change after a save."""
    return not any(part.startswith(".") for part in rel.split("/")) and rel not in (
        MANIFEST_FILE,
        ACCESS_FILE,
    )


def data_files(folder: Path, what: str) -> dict[str, Path]:
    """Every sealed file under a run folder by relative path ("inputs/primary.parquet").

    A symbolic link or a special file anywhere is a RunStoreError naming it: nothing in a run
    is ever read through a link.
    """
    out: dict[str, Path] = {}
    pending = [(folder, "")]
    while pending:
        current, prefix = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                rel = f"{prefix}{entry.name}"
                if entry.name.startswith("."):
                    continue
                if entry.is_symlink():
                    raise RunStoreError(
                        f"{what}: '{rel}' is a symbolic link; links in the runs folder are "
                        "never followed, remove it or restore the run from a copy"
                    )
                if entry.is_dir(follow_symlinks=False):
                    pending.append((Path(entry.path), f"{rel}/"))
                elif entry.is_file(follow_symlinks=False):
                    if _sealed(rel):
                        out[rel] = Path(entry.path)
                else:
                    raise RunStoreError(
                        f"{what}: '{rel}' is not a regular file; remove it or retrain the run"
                    )
    return out


def manifest_of(folder: Path, what: str = "run") -> dict[str, str]:
    """{relative path: sha256} of every data file of a run folder."""
    return {rel: sha256_of(p, what) for rel, p in sorted(data_files(folder, what).items())}


def _read_manifest(folder: Path, what: str) -> dict[str, str] | None:
    """The saved manifest; None for runs saved before manifests existed."""
    raw = _read_bytes(folder / MANIFEST_FILE, what)
    if raw is None:
        return None
    try:
        manifest = json.loads(raw)
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in manifest.items()
    ):
        raise RunStoreError(
            f"{what}: {MANIFEST_FILE} is damaged (not an object of file names and hashes); "
            "retrain the run or restore the file"
        )
    return manifest


def folder_size(folder: Path) -> int:
    """Bytes of the files under a folder; links are counted as links, never followed."""
    total = 0
    for current, dirs, files in os.walk(folder, followlinks=False):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(current, d))]:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(current, name)).st_size
    return total


def _compact_scores(frame: pd.DataFrame) -> pd.DataFrame:
    """Score columns (float64) as text with CSV_DIGITS significant digits instead of 17: the
    scores come from a float32 model, so the extra digits only cost disk (a quarter of a
    run). Read back, a column is float64 again (".0" keeps whole numbers floats)."""
    columns = [
        c for c in frame.columns if str(c).startswith("score") and frame[c].dtype == np.float64
    ]
    if not columns:
        return frame
    out = frame.copy(deep=False)
    for col in columns:
        values = frame[col].to_numpy()
        text = np.char.mod(CSV_DIGITS, values)
        whole = np.isfinite(values) & (np.char.find(text, ".") < 0) & (np.char.find(text, "e") < 0)
        shown = text.astype(object)
        shown[whole] = np.char.add(text[whole], ".0")
        shown[np.isnan(values)] = ""
        out[col] = shown
    return out


class RunWriter:
    """Files of a run being written; only visible in the store once the writer closes cleanly."""

    def __init__(self, path: Path, run_id: str) -> None:
        self.path = path
        self.run_id = run_id

    def write_json(self, name: str, obj: Any) -> None:
        (self.path / name).write_bytes(_dumps(obj))

    def write_csv(self, name: str, frame: pd.DataFrame) -> None:
        _compact_scores(frame).to_csv(self.path / name, index=False)

    def write_inputs(self, frames: dict[str, pd.DataFrame | None]) -> None:
        """The training inputs as Parquet (zstd), so explanations, scenarios and reports of
        this run never ask for the files again (and never see a different version of them)."""
        folder = self.path / "inputs"
        folder.mkdir()
        for role, frame in frames.items():
            if frame is not None:
                frame.to_parquet(folder / f"{role}.parquet", index=False, **INPUTS_COMPRESSION)

    def save_model(self, model: Any, name: str = "model.keras") -> None:
        model.save(self.path / name)

    def seal(self) -> None:
        """manifest.json, the last file before the rename: a folder that has one is complete."""
        manifest = manifest_of(self.path, f"run {self.run_id}")
        (self.path / MANIFEST_FILE).write_bytes(_dumps(manifest))


@dataclass
class Run:
    """A finished run; files are read on first use, and checked against its manifest (once
    per Run object) before any of them is used."""

    run_id: str
    path: Path
    _digests: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    _raw: dict[str, bytes | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )  # meta.json and metrics.json as read: listing reads and hashes each once

    @property
    def _what(self) -> str:
        return f"run {self.run_id}"

    @cached_property
    def files(self) -> dict[str, Path]:
        """The run's data files by relative path; RunStoreError for a link or special file."""
        return data_files(self.path, self._what)

    @cached_property
    def manifest(self) -> dict[str, str] | None:
        """manifest.json; None for runs saved before manifests existed (nothing to check)."""
        return _read_manifest(self.path, self._what)

    def _hash(self, name: str) -> str:
        if name not in self._digests:
            raw = self._raw.get(name)
            self._digests[name] = (
                hashlib.sha256(raw).hexdigest()
                if raw is not None
                else sha256_of(self.files[name], self._what)
            )
        return self._digests[name]

    def check_file(self, name: str) -> None:
        """One file as it was saved: cheap enough for listing (meta.json, metrics.json)."""
        files, manifest = self.files, self.manifest
        if manifest is None:
            return
        how = None
        if name in manifest and name not in files:
            how = "missing"
        elif name in files and name not in manifest:
            how = "added"
        elif name in files and self._hash(name) != manifest[name]:
            how = "changed"
        if how:
            raise RunStoreError(
                f"run {self.run_id} was modified after it was saved ({name} {how}); retrain it "
                "or restore the file"
            )

    @cached_property
    def verified(self) -> bool:
        """Every file as it was saved (none changed, missing or added); True when checked,
        False for a run without a manifest. Raises RunStoreError naming the first file."""
        names = set(self.files) | set(self.manifest or {})
        for name in sorted(names):
            self.check_file(name)
        return self.manifest is not None

    def _read(self, name: str, whole: bool = True) -> bytes | None:
        """A file's bytes, read once and checked against the manifest: the whole run when
        `whole`, else this file alone (cheap enough for listing)."""
        if name in self._raw:
            raw = self._raw[name]
        else:
            raw = _read_bytes(self.path / name, self._what) if name in self.files else None
        if whole:  # big artefacts (explanations) are not kept: their callers cache them
            _ = self.verified
        else:
            self._raw[name] = raw
            self.check_file(name)
        return raw

    def recorded_owner(self) -> str | None:
        """The owner meta.json records, unchecked (None when unreadable): enough to decide
        whether to look closer."""
        try:
            meta = json.loads(self._read("meta.json", whole=False) or b"{}")
        except (ValueError, RunStoreError):
            return None
        owner = meta.get("owner") if isinstance(meta, dict) else None
        return owner if isinstance(owner, str) else None

    def _json(self, name: str, whole: bool = True) -> Any:
        raw = self._read(name, whole)
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except ValueError:  # also a UnicodeDecodeError
            raise RunStoreError(
                f"run {self.run_id}: {name} is not valid JSON; the run is damaged, retrain it"
            ) from None

    @cached_property
    def config(self):
        from riskcore.config import parse_config

        raw = self._read("config.json")
        if raw is None:
            raise RunStoreError(f"run {self.run_id} has no config.json; retrain the run")
        return parse_config(_as_saved(raw), f"run {self.run_id}")

    @property
    def quantile_levels(self) -> tuple[float, ...]:
        """A quantile run's VaR levels, ascending (0.01 first); empty for other tasks. The one
        place Results, Explain, Scenarios, Validate and the report read them from."""
        config = self.config
        if config.task != "quantile":
            return ()
        return tuple(config.quantiles)  # RunConfig keeps them sorted and distinct

    def _artefact(self, name: str, view: Any) -> Any:
        try:
            return view.load(self._json(name, whole=False), name)
        except ArtefactError as exc:
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
        """preprocessing.json; its scaling checked, so a planted std of 0 or a mean of "NaN"
        is an error naming the feature, never scores that are all the same."""
        from riskcore.preprocess import check_state

        state = self._json("preprocessing.json") or {}
        if not isinstance(state, dict):
            raise RunStoreError(
                f"run {self.run_id}: preprocessing.json is not a JSON object; retrain the run"
            )
        if "preprocessor" in state:
            check_state(state["preprocessor"], f"run {self.run_id}: preprocessing.json")
        return state

    def _csv(self, name: str) -> pd.DataFrame:
        _ = self.verified
        path = self.path / name
        if name not in self.files:
            return pd.DataFrame()
        try:
            return pd.read_csv(path)
        except (ValueError, OSError) as exc:  # ParserError, EmptyDataError, UnicodeDecodeError
            raise RunStoreError(
                f"run {self.run_id}: {name} cannot be read ({exc}); retrain the run"
            ) from None

    @cached_property
    def history(self) -> pd.DataFrame:
        return self._csv("history.csv")

    @cached_property
    def predictions(self) -> pd.DataFrame:
        frame = self._csv("predictions.csv")
        if "time" in frame and frame["time"].notna().any():
            frame["time"] = pd.to_datetime(frame["time"])
        if "entity" in frame:
            frame["entity"] = frame["entity"].astype("string").fillna("").astype(str)
        return frame

    def inputs(self) -> dict[str, pd.DataFrame | None]:
        """The frames the run was trained on, by role (primary, macro, sentiment)."""
        _ = self.verified
        out: dict[str, pd.DataFrame | None] = {}
        for role in ("primary", "macro", "sentiment"):
            rel = f"inputs/{role}.parquet"
            try:
                out[role] = pd.read_parquet(self.files[rel]) if rel in self.files else None
            except (ValueError, OSError) as exc:  # pyarrow's ArrowInvalid is a ValueError
                raise RunStoreError(
                    f"run {self.run_id}: {rel} cannot be read ({exc}); retrain the run"
                ) from None
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
        """Any other JSON artefact of the run (explanations, scenarios), or None.

        Read from disk on every call and checked against the manifest as it is now: these are
        added after the save (RunStore.add_files), and a Run object is kept for long (the
        dashboard caches it), so what it saw at first is not what is there now."""
        if name in PROTECTED:
            return self._json(name)
        _ = self.verified  # the run as saved, once
        raw = _read_bytes(self.path / name, self._what)
        if raw is None:
            return None
        manifest = _read_manifest(self.path, self._what)
        if manifest is not None and manifest.get(name) != hashlib.sha256(raw).hexdigest():
            how = "added" if name not in manifest else "changed"
            raise RunStoreError(
                f"run {self.run_id} was modified after it was saved ({name} {how}); retrain it "
                "or restore the file"
            )
        try:
            return json.loads(raw)
        except ValueError:
            raise RunStoreError(
                f"run {self.run_id}: {name} is not valid JSON; the run is damaged, retrain it"
            ) from None

    def load_model(self):
        """The Keras model, loaded with safe_mode so no code from the file can run."""
        import keras

        _ = self.verified
        try:
            return keras.saving.load_model(self.path / "model.keras", safe_mode=True, compile=False)
        except Exception as exc:  # a broken or hostile file is the user's problem to fix
            reason = " ".join(str(exc).split())  # Keras dumps whole configs over many lines
            reason = reason if len(reason) <= 160 else reason[:157] + "..."
            raise RunStoreError(
                f"run {self.run_id}: model.keras cannot be loaded safely ({reason}); "
                "retrain the run"
            ) from None


class Recovery(NamedTuple):
    """What recover_temporary did with the temporary folders it looked at."""

    recovered: int  # complete saves (manifest present and verified) moved into place
    removed: int  # debris of saves that crashed before their manifest, removed


def _stage(path: Path, data: bytes) -> Path:
    """The data in a hidden temporary file beside `path`, for a rename over it; nothing is
    left behind when the write fails. OSError passes through for the caller to word."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_bytes(data)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = _stage(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on a run folder, so that two jobs adding files to one run (an
    explanation and a scenario) never lose each other's manifest entry."""
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _teams(value: Any) -> list[str]:
    if not isinstance(value, dict) or not isinstance(value.get("shared_with"), list):
        return []
    return sorted({t for t in value["shared_with"] if isinstance(t, str) and t})


class RunStore:
    """All runs under one folder; safe to share between the dashboard and CLI jobs, and
    between users: every path asks riskcore.access whether `principal` may read or change."""

    def __init__(self, home: str | Path | None = None, principal: Principal = LOCAL) -> None:
        self.root = (Path(home) if home is not None else default_home()) / "runs"
        self.principal = principal  # whose reads and writes these are (riskcore.access)
        self.skipped: list[tuple[str, str]] = []  # (run id, why) of the last ids() / list()

    @classmethod
    def for_job(cls, payload: Any) -> RunStore:
        """The store a worker task opens: the payload's home, read and written as the job's
        owner (riskcore.tasks.principal_of), so a job may do only what its user may."""
        from riskcore.tasks import principal_of

        return cls(payload.get("home"), principal=principal_of(payload))

    def _ensure_root(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RunStoreError(
                f"cannot create the runs folder '{self.root}' ({exc.strerror}); set "
                "RISKCORE_HOME to a writable folder"
            ) from None

    # ---- limits and writability --------------------------------------------------------------
    def check_writable(self) -> None:
        """Fail before a long training, not after it, when runs cannot be saved here: the
        user's quota, then a probe folder created and removed the way writer() would (mkdir
        alone is not proof: root passes chmod checks, a read-only mount fails on the write)."""
        self.check_quota(self.principal.user)
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

    def check_writable_run(self, run_id: str) -> None:
        """Fail before an explanation or a scenario, not after it, when its results could not
        be stored with the run: access, the quota, then a probe file in the run's folder."""
        path = self._changeable(run_id)
        self.check_quota(self.principal.user)
        probe = path / f".probe-{secrets.token_hex(4)}"
        try:
            probe.write_bytes(b"x")
        except OSError as exc:
            raise RunStoreError(
                f"results cannot be stored with run {run_id}: its folder '{path}' is not "
                f"writable ({exc.strerror or exc}); free disk space or fix its permissions"
            ) from None
        finally:
            with contextlib.suppress(OSError):
                probe.unlink()

    def usage(self, owner: str | None) -> int:
        """Bytes on disk of the runs that `owner` owns (meta.json), links not followed."""
        if not self.root.is_dir():
            return 0
        total = 0
        for folder in self.root.iterdir():
            real = not folder.is_symlink() and folder.is_dir()
            if RUN_ID.fullmatch(folder.name) and real and self._owner_at(folder) == owner:
                total += folder_size(folder)
        return total

    def check_quota(self, owner: str | None) -> None:
        """LimitError when `owner`'s runs already fill the server's per-user quota; nobody's
        quota is checked in single-user mode and for CLI runs (owner None)."""
        if owner is None:
            return
        from riskcore.settings import server_settings

        limit_mb = server_settings().limits.quota_mb_per_user
        used = self.usage(owner)
        if used >= limit_mb * MB:
            raise LimitError(
                f"your runs use {_mb(used)} MB of the {limit_mb:,g} MB each user may keep on "
                "this server; delete runs you no longer need (Results page or "
                "`python -m riskcore runs --delete RUN`)"
            )

    # ---- finding runs and asking who may see them ---------------------------------------------
    def _not_found(self, run_id: str) -> str:
        return f"run '{run_id}' not found in {self.root}; list them with `python -m riskcore runs`"

    def _owner_at(self, folder: Path) -> str | None:
        """The owner meta.json records; None when there is none or it cannot be read."""
        try:
            meta = json.loads(_read_bytes(folder / "meta.json", folder.name) or b"{}")
        except (OSError, ValueError, RunStoreError):
            return None
        owner = meta.get("owner") if isinstance(meta, dict) else None
        return owner if isinstance(owner, str) else None

    def _shared_at(self, folder: Path) -> list[str]:
        """The teams access.json shares the run with; none when it is absent or unreadable
        (a damaged sharing list shares nothing)."""
        try:
            return _teams(json.loads(_read_bytes(folder / ACCESS_FILE, folder.name) or b"{}"))
        except (OSError, ValueError, RunStoreError):
            return []

    def _folder(self, run_id: str) -> Path:
        """The folder of a well-formed, existing run id, whoever owns it."""
        if not isinstance(run_id, str) or not RUN_ID.fullmatch(run_id):  # "$" allows a "\n"
            raise RunStoreError(
                f"{run_id!r} is not a run id (they look like 20260101-120000-a1b2c3); "
                "list them with `python -m riskcore runs`"
            )
        path = self.root / run_id
        if path.is_symlink():
            raise RunStoreError(
                f"run '{run_id}' in {self.root} is a symbolic link; links in the runs folder are "
                "never followed, remove it"
            )
        if not path.is_dir():
            raise RunStoreError(self._not_found(run_id))
        return path

    def path(self, run_id: str) -> Path:
        """The folder of a run this principal may read; rejects anything that is not a
        generated id. Another user's run is "not found", exactly like a missing one."""
        path = self._folder(run_id)
        if not self.principal.can_read(self._owner_at(path), self._shared_at(path)):
            raise AccessError(self._not_found(run_id))
        return path

    def _changeable(self, run_id: str) -> Path:
        """The folder of a run this principal may change (its own; an admin's: any)."""
        path = self.path(run_id)
        if not self.principal.can_write(self._owner_at(path)):
            raise AccessError(
                f"run '{run_id}' belongs to another user; only its owner or an admin may change, "
                "share or delete it"
            )
        return path

    def resolve(self, ref: str) -> str:
        """The run id of `ref`: a run id, or the path of a run folder inside this store's runs
        folder (what `train` prints, relative or absolute, with or without a trailing slash).
        Anything else (another folder, a link, a path that only ends in a run id) is a
        RunStoreError: a path never takes a command outside the runs folder."""
        if isinstance(ref, str) and RUN_ID.fullmatch(ref):
            return ref
        where = Path(os.path.abspath(os.path.expanduser(str(ref))))  # no link followed yet
        if (
            RUN_ID.fullmatch(where.name)
            and os.path.realpath(where.parent) == os.path.realpath(self.root)
            and not where.is_symlink()
        ):
            return where.name
        raise RunStoreError(
            f"{str(ref)!r} is not a run id (like 20260101-120000-a1b2c3) or a run folder in "
            f"{self.root}; list the runs with `python -m riskcore runs`"
        )

    def rename(self, run_id: str, name: str | None) -> str | None:
        """Give a run a name (None or blank: remove it); the owner or an admin only. meta.json
        is rewritten with the name and resealed in the manifest, after checking that it is as
        saved (a rename never blesses a changed file). Returns the name now set."""
        name = check_run_name(name)
        path = self._changeable(run_id)
        what = f"run {run_id}"
        try:
            with _locked(path):
                run = Run(run_id, path)
                run.check_file("meta.json")
                meta = {**run.meta.to_dict(), "name": name}
                raw = _dumps(meta)
                manifest = _read_manifest(path, what)
                if manifest is not None:
                    manifest["meta.json"] = hashlib.sha256(raw).hexdigest()
                    _write_atomic(path / MANIFEST_FILE, _dumps(manifest))
                _write_atomic(path / "meta.json", raw)
        except OSError as exc:
            raise RunStoreError(
                f"could not rename run {run_id} ({exc.strerror or exc}); fix the permissions "
                f"of '{path}'"
            ) from None
        return name

    def load(self, run_id: str) -> Run:
        """A run this principal may read; a link or special file in it is a RunStoreError now,
        a changed file one on first use of its artefacts (Run.verified)."""
        run = Run(run_id, self.path(run_id))
        _ = run.files
        return run

    def owner(self, run_id: str) -> str | None:
        """Who trained the run (meta.json); None for CLI runs and older runs."""
        return self._owner_at(self.path(run_id))

    def shared_with(self, run_id: str) -> list[str]:
        """The teams that may read the run besides its owner (access.json)."""
        return self._shared_at(self.path(run_id))

    # ---- writing ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def writer(self) -> Iterator[RunWriter]:
        """Write a run into a temporary folder, seal it (manifest.json, the last file) and
        rename it into place when all went well; over the user's quota nothing starts."""
        self.check_quota(self.principal.user)
        self._ensure_root()
        run_id = new_run_id()
        tmp = self.root / f"{TMP_PREFIX}{run_id}"
        try:
            tmp.mkdir()
            writer = RunWriter(tmp, run_id)
            yield writer
            writer.seal()
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
        """Add JSON artefacts to a finished run atomically (each file written then renamed),
        and add them to its manifest (runs saved without one stay without one)."""
        path = self._changeable(run_id)
        for name in files:
            if (
                not isinstance(name, str)
                or not name
                or any(c in name for c in "/\\\0")
                or name.startswith(".")
                or name in PROTECTED | {MANIFEST_FILE, ACCESS_FILE}
            ):
                raise RunStoreError(f"'{name}' is not a valid artefact name")
        data = {name: _dumps(obj) for name, obj in files.items()}
        staged: list[tuple[Path, Path]] = []  # all written before any is renamed into place
        try:
            with _locked(path):
                manifest = _read_manifest(path, f"run {run_id}")
                for name, raw in data.items():
                    staged.append((_stage(path / name, raw), path / name))
                    if manifest is not None:
                        manifest[name] = hashlib.sha256(raw).hexdigest()
                if manifest is not None:
                    target = path / MANIFEST_FILE
                    staged.append((_stage(target, _dumps(manifest)), target))
                for tmp, target in staged:
                    os.replace(tmp, target)
        except OSError as exc:
            for tmp, _ in staged:
                with contextlib.suppress(OSError):
                    tmp.unlink()
            raise RunStoreError(
                f"could not store {', '.join(data)} with run {run_id} in '{path}' "
                f"({exc.strerror or exc}); free disk space or fix the folder's permissions"
            ) from None

    def share(self, run_id: str, teams: list[str]) -> list[str]:
        """Let these teams read the run (an empty list: private again); the owner or an admin
        only, and a user shares only with teams of their own. Returns the teams now set."""
        path = self._changeable(run_id)
        if not isinstance(teams, list | tuple) or not all(
            isinstance(t, str) and t.strip() for t in teams
        ):
            raise AccessError(f"teams to share run '{run_id}' with must be a list of team names")
        wanted = sorted({t.strip() for t in teams})
        who = self.principal
        foreign = [t for t in wanted if t not in who.teams]
        if foreign and not (who.local or who.admin):
            mine = ", ".join(sorted(who.teams)) or "none"
            raise AccessError(
                f"run '{run_id}' can be shared only with your own teams ({mine}), not with "
                f"{', '.join(foreign)}"
            )
        try:
            _write_atomic(path / ACCESS_FILE, _dumps({"shared_with": wanted}))
        except OSError as exc:
            raise RunStoreError(
                f"could not share run {run_id} ({exc.strerror or exc}); fix the permissions "
                f"of '{path}'"
            ) from None
        return wanted

    def delete(self, run_id: str) -> int:
        """Remove a run this principal may change; returns the bytes freed. A link planted in
        the runs folder is removed itself (by an admin or in single-user mode), never followed."""
        link = self.root / run_id
        if RUN_ID.fullmatch(str(run_id)) and link.is_symlink() and self.principal.lists_all:
            link.unlink()
            return 0
        path = self._changeable(run_id)
        size = folder_size(path)
        try:
            shutil.rmtree(path)
        except OSError as exc:
            raise RunStoreError(
                f"could not delete run {run_id} ({exc.strerror or exc}); fix the permissions "
                f"of '{path}'"
            ) from None
        return size

    # ---- listing ------------------------------------------------------------------------------
    def _skip(self, run_id: str, reason: str, visible: bool) -> None:
        """A run that cannot be listed: logged for the server, and in `skipped` for whoever
        may read it (a damaged run of another user is not announced to everyone)."""
        log.warning("skipped run %s: %s", run_id, reason)
        if visible:
            self.skipped.append((run_id, reason))

    def _readable(self, run_id: str) -> Run | None:
        """The run when this principal may read it and it is intact enough to list (no links,
        meta.json and metrics.json as saved and well-formed); None otherwise."""
        try:
            path = self._folder(run_id)
        except RunStoreError as exc:
            if (self.root / run_id).is_symlink():
                self._skip(run_id, str(exc), self.principal.lists_all)
            return None  # deleted meanwhile, or a file that only looks like a run
        run = Run(run_id, path)
        if not self.principal.can_read(run.recorded_owner(), self._shared_at(path)):
            return None  # another user's run (or one whose owner cannot be read): not listed
        try:
            _ = run.files, run.meta, run.metrics
        except RunStoreError as exc:
            self._skip(run_id, str(exc), True)
            return None
        return run

    def _runs(self, ids: list[str] | None = None, owner: str | None = None) -> list[Run]:
        self.skipped = []
        if ids is None:
            names = [p.name for p in self.root.iterdir()] if self.root.is_dir() else []
            ids = sorted((n for n in names if RUN_ID.fullmatch(n)), reverse=True)
        runs = [run for run in map(self._readable, ids) if run is not None]
        if owner is not None:
            runs = [r for r in runs if r.meta.owner == owner]
        return runs

    def ids(self, owner: str | None = None) -> list[str]:
        """Ids of the runs this principal may read, newest first. Temporary folders of
        unfinished saves are ignored; a damaged run is skipped (see `skipped`), not fatal.

        With `owner`, only the runs whose meta.json records that owner.
        """
        return [run.run_id for run in self._runs(owner=owner)]

    def list(self, ids: list[str] | None = None) -> list[dict]:
        """One summary row per run for tables: id, name and label (run_label), whether it was
        stopped early, created, data, task, headline metric; runs that cannot be read are
        skipped as in ids()."""
        rows = []
        for run in self._runs(ids):
            meta, metrics = run.meta, run.metrics
            test = metrics.scores("model")
            rows.append(
                {
                    "run_id": run.run_id,
                    "name": meta.get("name") or "",
                    "label": run_label(meta, run.run_id),
                    "stopped_early": bool(meta.get("stopped_early")),
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

    # ---- leftovers of crashed saves ------------------------------------------------------------
    def _complete(self, folder: Path) -> bool:
        """Whether a temporary folder holds a whole run: its manifest (written last) exists
        and every file is as it lists, and no run of its id exists yet."""
        run_id = folder.name.removeprefix(TMP_PREFIX)
        if not RUN_ID.fullmatch(run_id) or folder.is_symlink() or not folder.is_dir():
            return False
        if os.path.lexists(self.root / run_id):
            return False
        try:
            manifest = _read_manifest(folder, f"run {run_id}")
            return manifest is not None and manifest == manifest_of(folder, f"run {run_id}")
        except (RunStoreError, OSError):
            return False

    def recover_temporary(self, older_than_s: float = 0.0) -> Recovery:
        """Finish the saves that a killed process left complete (renamed into place) and
        remove the other leftovers; returns how many of each.

        older_than_s spares folders changed more recently: on a shared store another process
        (a CLI job on a GPU box) may be writing one right now.
        """
        if not self.root.is_dir():
            return Recovery(0, 0)
        cutoff = time.time() - older_than_s
        recovered = removed = 0
        for folder in sorted(self.root.iterdir()):
            if not folder.name.startswith(TMP_PREFIX):
                continue
            if older_than_s > 0 and _mtime(folder) >= cutoff:
                continue
            if self._complete(folder):
                with contextlib.suppress(OSError):
                    os.replace(folder, self.root / folder.name.removeprefix(TMP_PREFIX))
                    recovered += 1
                    log.warning("recovered run %s from an interrupted save", folder.name)
                    continue
            if folder.is_symlink() or not folder.is_dir():
                with contextlib.suppress(OSError):
                    folder.unlink()
            else:
                shutil.rmtree(folder, ignore_errors=True)
            removed += 1
        return Recovery(recovered, removed)

    def clean_temporary(self, older_than_s: float = 0.0) -> int:
        """Remove leftovers of runs that crashed while being written; returns how many. A save
        that was complete when its process died is finished instead (recover_temporary)."""
        return self.recover_temporary(older_than_s).removed


def _mb(size: int) -> str:
    mb = size / MB
    return f"{mb:,.1f}" if mb >= 0.1 else f"{mb:.2g}"


def _mtime(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return 0.0

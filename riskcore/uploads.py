"""Read an upload in a child process with a memory and a time limit.

The dashboard is one server process for every user. A 1 MB workbook whose shared strings expand
to a gigabyte, or a sheet that makes openpyxl fill millions of rows, parsed in that process takes
it (and every session) down. Here riskcore.io.read_table runs in a fresh child: its address space
is capped at limits.upload_memory_mb (RLIMIT_AS) and it is killed after limits.upload_seconds.
The child hands back the frame as an Arrow IPC file (object columns as tagged JSON) and the load
report as JSON: the parent never unpickles anything. A RiskcoreError in the child is raised again
in the parent as the same class with the same message.

Every upload goes to the child, small CSVs too: a 100 KB header of 20,000 commas is a frame of
20,000 columns, so size alone does not show that a file is cheap. The child costs one interpreter
start plus `import pandas, pyarrow, riskcore.io`: 0.9-2.8 s an upload on the shared 2-core
development box (bench/bench_bombs.py; samples shipped with the app are read in-process).

Run as `python -m riskcore.uploads FOLDER` only by read_upload.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path

import numpy as np
import pandas as pd

from riskcore.errors import LimitError, RiskcoreError
from riskcore.io import DEFAULT_MAX_BYTES, LoadReport, check_size, read_table

READ_OPTIONS = {"max_bytes", "on_bad_lines", "date_format"}
ROOT = Path(__file__).resolve().parent.parent
# malloc arenas, BLAS and Arrow pools reserve address space per thread; RLIMIT_AS counts it.
CHILD_ENV = {
    "MALLOC_ARENA_MAX": "2",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "ARROW_DEFAULT_MEMORY_POOL": "system",
}
# Children at once, server-wide: the server's worst case is CHILDREN x upload_memory_mb. A third
# upload waits for a slot (at most upload_seconds).
CHILDREN = 2
CHILD_SLOTS = threading.BoundedSemaphore(CHILDREN)
UPLOAD, REQUEST, RESULT, FRAME, STDERR = (
    "upload",
    "request.json",
    "result.json",
    "frame.arrow",
    "stderr.txt",
)


def read_upload(name: str, data: bytes, **read_options: object) -> tuple[pd.DataFrame, LoadReport]:
    """read_table(data, name=name, **read_options), parsed in a limited child process.

    Raises what read_table raises (DataFileError...), or LimitError naming the file and the
    limit when the child runs out of memory or time.
    """
    from riskcore.settings import server_settings  # not imported by the child

    unknown = set(read_options) - READ_OPTIONS
    if unknown:
        raise TypeError(f"read_upload() got unknown options {sorted(unknown)}")
    limits = server_settings().limits
    check_size(len(data), name, int(read_options.get("max_bytes", DEFAULT_MAX_BYTES)))
    with tempfile.TemporaryDirectory(prefix="risklens-upload-") as folder:
        work = Path(folder)
        (work / UPLOAD).write_bytes(data)
        request = {
            "name": name,
            "options": read_options,
            "memory_mb": limits.upload_memory_mb,
            "seconds": limits.upload_seconds,
        }
        (work / REQUEST).write_text(json.dumps(request), encoding="utf-8")
        with CHILD_SLOTS:
            returncode = _run_child(work, limits.upload_seconds)
        if returncode is None:
            raise _limit_error(name, f"the {limits.upload_seconds:g} s time limit")
        if returncode == -signal.SIGXCPU:  # its own CPU cap, should the parent miss the time
            raise _limit_error(name, f"the {limits.upload_seconds:g} s time limit")
        return _collect(work, name, returncode, limits.upload_memory_mb)


def _limit_error(name: str, limit: str) -> LimitError:
    return LimitError(
        f"{name} could not be read within {limit} for reading an upload: the file is too big or "
        "malformed to read safely; save it as CSV or split it into smaller files"
    )


def _run_child(work: Path, seconds: float) -> int | None:
    """The child's exit status, or None when it ran past `seconds` and was killed."""
    env = os.environ | CHILD_ENV
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    command = [sys.executable, "-m", "riskcore.uploads", str(work)]
    with (work / STDERR).open("wb") as stderr:
        child = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # a signal meant for the server does not reach it, and back
        )
        try:
            return child.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return None
        finally:  # also when the session's script is stopped (Streamlit raises in its thread)
            if child.poll() is None:
                child.kill()
                child.wait()


def _collect(
    work: Path, name: str, returncode: int, memory_mb: int
) -> tuple[pd.DataFrame, LoadReport]:
    """The child's frame and report, or its error raised here."""
    memory = _limit_error(name, f"the {memory_mb:,} MB memory limit")
    result_path = work / RESULT
    if not result_path.exists():
        if returncode < 0 or (returncode == 1 and _ran_out(work)):  # a signal, or out of memory
            raise memory
        raise RuntimeError(f"the upload reader exited with {returncode}: {_stderr_tail(work)}")
    result = json.loads(result_path.read_text(encoding="utf-8"))
    if result["status"] == "memory":
        raise memory
    if result["status"] == "error":
        raise _error_class(result["class"])(result["message"])
    if result["status"] != "ok":
        raise RuntimeError(f"the upload reader failed: {result.get('traceback', result)}")
    return _read_frame(work / FRAME, result["frame"]), LoadReport.from_dict(result["report"])


def _error_class(qualified: str) -> type[RiskcoreError]:
    """The RiskcoreError subclass named "module:Class" by the child, looked up, not trusted."""
    module_name, _, class_name = qualified.partition(":")
    module = sys.modules.get(module_name) if module_name.startswith("riskcore.") else None
    found = getattr(module, class_name, None) if module is not None else None
    if isinstance(found, type) and issubclass(found, RiskcoreError):
        return found
    return RiskcoreError


def _ran_out(work: Path) -> bool:
    tail = _stderr_tail(work)
    return "MemoryError" in tail or "bad_alloc" in tail or "Cannot allocate memory" in tail


def _stderr_tail(work: Path) -> str:
    try:
        return (work / STDERR).read_bytes()[-2000:].decode("utf-8", errors="replace").strip()
    except OSError:
        return ""


# ---- the frame across the process boundary -------------------------------------------------
def _write_frame(frame: pd.DataFrame, path: Path) -> dict:
    """Arrow IPC for typed columns; object columns (an Excel column mixing numbers, text and
    dates) as tagged JSON values, which Arrow cannot hold and which must come back unchanged."""
    import pyarrow as pa
    import pyarrow.ipc

    mixed = [str(c) for c, dtype in frame.dtypes.items() if dtype == np.dtype(object)]
    typed = frame.drop(columns=mixed)
    table = pa.Table.from_pandas(typed, preserve_index=False)
    with pa.OSFile(str(path), "wb") as sink, pyarrow.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return {
        "order": [str(c) for c in frame.columns],
        "rows": len(frame),
        "mixed": {c: [_tag(v) for v in frame[c].tolist()] for c in mixed},
    }


def _read_frame(path: Path, meta: dict) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.ipc

    with pa.OSFile(str(path), "rb") as source:  # read, not mapped: the folder is deleted next
        table = pyarrow.ipc.open_file(source).read_all()
    # Column by column, freeing Arrow's copy as it goes: the server holds the frame only once.
    frame = table.to_pandas(split_blocks=True, self_destruct=True)
    del table
    if frame.shape[1] == 0:
        frame = pd.DataFrame(index=pd.RangeIndex(meta["rows"]))
    for position, name in enumerate(meta["order"]):  # in order, so each lands where it was
        if name in meta["mixed"]:
            values = [_untag(v) for v in meta["mixed"][name]]
            frame.insert(position, name, pd.Series(values, index=frame.index, dtype=object))
    return frame


def _tag(value: object) -> list:
    """A JSON form that keeps the type of what openpyxl and pandas put in object columns."""
    if value is None:
        return ["none"]
    if value is pd.NaT:
        return ["nat"]
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, int):
        return ["int", int(value)]
    if isinstance(value, float):
        return ["float", repr(float(value))]  # NaN and inf survive as text
    if isinstance(value, str):
        return ["str", value]
    if isinstance(value, pd.Timestamp):
        return ["timestamp", value.isoformat(), value.unit]
    if isinstance(value, dt.datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, dt.date):
        return ["date", value.isoformat()]
    if isinstance(value, dt.time):
        return ["time", value.isoformat()]
    if isinstance(value, pd.Timedelta):
        return ["timedelta64", int(value.value), value.unit]
    if isinstance(value, dt.timedelta):
        return ["timedelta", value.days, value.seconds, value.microseconds]
    return ["str", str(value)]  # no other type comes out of read_table; text reads the same


def _untag(tagged: list) -> object:
    kind, *args = tagged
    match kind:
        case "none":
            return None
        case "nat":
            return pd.NaT
        case "bool" | "int" | "str":
            return args[0]
        case "float":
            return float(args[0])
        case "timestamp":
            return pd.Timestamp(args[0]).as_unit(args[1])
        case "datetime":
            return dt.datetime.fromisoformat(args[0])
        case "date":
            return dt.date.fromisoformat(args[0])
        case "time":
            return dt.time.fromisoformat(args[0])
        case "timedelta64":
            return pd.Timedelta(args[0], unit="ns").as_unit(args[1])
        case "timedelta":
            return dt.timedelta(days=args[0], seconds=args[1], microseconds=args[2])
    raise ValueError(f"unknown tagged value {kind!r}")


# ---- the child -----------------------------------------------------------------------------
def _limit_resources(memory_mb: int, seconds: float) -> None:
    """Cap the address space (imports are done) and CPU time, in case the parent is gone."""
    cap = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    cpu = math.ceil(seconds) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def _caused_by_memory(exc: BaseException) -> bool:
    """io turns parser failures into DataFileError; one caused by running out of memory is not
    about the file's content."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _child(folder: str) -> int:
    work = Path(folder)
    request = json.loads((work / REQUEST).read_text(encoding="utf-8"))
    import pyarrow.ipc  # noqa: F401 - imported before the cap, like pandas

    with (work / UPLOAD).open("rb") as upload:
        if upload.read(4) == b"PK\x03\x04":  # a workbook: its reader's imports are no upload
            import openpyxl  # noqa: F401

    _limit_resources(request["memory_mb"], request.get("seconds", 3600))
    try:
        frame, report = read_table(work / UPLOAD, name=request["name"], **request["options"])
        result = {"status": "ok", "frame": _write_frame(frame, work / FRAME)}
        result["report"] = report.to_dict()
    except MemoryError:
        result = {"status": "memory"}
    except RiskcoreError as exc:
        qualified = f"{type(exc).__module__}:{type(exc).__qualname__}"
        result = {"status": "error", "class": qualified, "message": str(exc)}
        if _caused_by_memory(exc):
            result = {"status": "memory"}
    except Exception:
        result = {"status": "crash", "traceback": traceback.format_exc()}
    partial = work / (RESULT + ".part")
    partial.write_text(json.dumps(result), encoding="utf-8")
    partial.replace(work / RESULT)  # all or nothing: the parent reads it only once complete
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1]))

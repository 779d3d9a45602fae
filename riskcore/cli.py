"""Command-line interface: the same core as the UI, headless.

Exit codes: 0 done, 2 a user error (one `error: ...` line on stderr, no traceback), 1 a bug.
Heavy imports (TensorFlow) happen inside the commands that need them, so `inspect` and `runs`
start fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from riskcore.errors import RiskcoreError


def _cmd_inspect(args: argparse.Namespace) -> int:
    from riskcore.io import read_table

    _, report = read_table(args.file)
    print(report.to_text())
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"inspect": _cmd_inspect}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m riskcore",
        description="RiskLens: train, score, explain and report financial risk models.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("inspect", help="show how a CSV / TSV / XLSX file is read")
    p.add_argument("file", help="path of the file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its usage message
        return 2 if exc.code not in (0, None) else 0
    try:
        return COMMANDS[args.command](args)
    except RiskcoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 2

"""Server settings: the limits and sharing rules a deployment sets once, for every user.

Read from the TOML file named by RISKLENS_SETTINGS, else `risklens.toml` in RISKCORE_HOME,
else the defaults below (sized for a 2-core laptop). A user can change none of them: they come
from the server's environment, never from a session, a config or an upload.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import Field

from riskcore.errors import ConfigError
from riskcore.parsing import Strict, parse_model

SETTINGS_ENV = "RISKLENS_SETTINGS"
SETTINGS_FILE = "risklens.toml"


class Limits(Strict):
    """What one job, one user or one upload may cost the server."""

    max_job_hours: float = Field(1.0, gt=0, le=24 * 30)  # estimated and enforced per job
    throughput: float = Field(
        1.5e10, gt=0
    )  # training FLOP/s (6 per weight, sample, time step): riskcore.cost, bench/bench_cost.py
    max_queued_per_user: int = Field(3, ge=1, le=100)
    quota_mb_per_user: float = Field(2048.0, gt=0)  # disk used by a user's runs
    upload_memory_mb: int = Field(2048, ge=64)  # the parsing child's address-space cap
    upload_seconds: float = Field(120.0, gt=0)  # the parsing child's wall-clock cap
    max_cells: int = Field(50_000_000, ge=1000)  # rows x columns a workbook may declare
    max_unzipped_mb: float = Field(1024.0, gt=0)  # a workbook's declared uncompressed size


class Sharing(Strict):
    """Who sees whose runs when sign-in is on."""

    admins: list[str] = Field(
        default_factory=list
    )  # identities (e-mail or subject) that may see and delete every run
    admin_group: str | None = None  # or: a value of the groups claim that makes one an admin
    identity_claim: str = "email"  # the ID-token claim that names a user ("sub" if absent)
    group_claim: str = "groups"  # the ID-token claim that lists a user's teams
    teams: dict[str, list[str]] = Field(
        default_factory=dict
    )  # team name -> identities, for providers without groups


class ServerSettings(Strict):
    limits: Limits = Limits()
    sharing: Sharing = Sharing()


def settings_path() -> Path:
    named = os.environ.get(SETTINGS_ENV)
    if named:
        return Path(named).expanduser()
    return Path(os.environ.get("RISKCORE_HOME", ".")).expanduser() / SETTINGS_FILE


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> ServerSettings:
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"server settings '{path}' cannot be read ({exc}); fix the file or unset {SETTINGS_ENV}"
        ) from None
    return parse_model(ServerSettings, raw, "server settings", ConfigError, path)


def server_settings() -> ServerSettings:
    """The settings in force now (re-read when the file changes); defaults without a file."""
    path = settings_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        if os.environ.get(SETTINGS_ENV):
            raise ConfigError(
                f"server settings '{path}' (named by {SETTINGS_ENV}) does not exist; create it "
                f"or unset {SETTINGS_ENV}"
            ) from None
        return ServerSettings()
    return _load(str(path), mtime)

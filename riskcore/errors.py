"""Errors a user can cause.

Each carries a message that names the file, column, field or value and says what to do, so the
UI can show it with st.error and the CLI can print it as one `error: ...` line and exit 2.
Anything that is not a RiskcoreError is a bug.
"""


class RiskcoreError(Exception):
    """Base class of every error a user can cause."""


class DataFileError(RiskcoreError):
    """A file could not be read as a table (missing, empty, binary, HTML, corrupt, too big)."""


class ConfigError(RiskcoreError):
    """A RunConfig or scenario is malformed or holds an impossible value."""


class DataValidationError(RiskcoreError):
    """The data does not fit the config (unknown column, bad value, too little history...)."""


class RunStoreError(RiskcoreError):
    """A run id that does not exist, escapes the runs folder, or cannot be written."""


class JobError(RiskcoreError):
    """A background job died, was cancelled, or failed with a user-facing error."""


class TuningError(RiskcoreError):
    """A hyperparameter search space is malformed, or no trial of a search could finish."""


class AccessError(RunStoreError):
    """A run that the signed-in user may not read or change; worded like a missing run, so
    that a guessed id tells nobody whether another user's run exists."""


class LimitError(RiskcoreError):
    """A job, an upload or a user's disk use over a limit the server sets."""

"""Errors a user can cause while validating a run (RiskcoreError subclasses, shown as one line)."""

from riskcore.errors import ConfigError, RiskcoreError


class PolicyError(ConfigError):
    """A validation policy file is unreadable, malformed, or holds an impossible value."""


class ValidateError(RiskcoreError):
    """Validation cannot run on this run or data (a regression run, no outcomes, an unknown
    segment column, an output file that cannot be written)."""

"""Model validation: master scale and per-grade tests, portfolio calibration, discrimination and
stability over time, segments and adverse impact, all gated by a policy (`validate`).

    from riskcore.validation import load_policy, validate_run, save_validation
    result = validate_run(run, load_policy("sample_data/validation_policy.json"))
    result.checks_table(); result.grades; result.exit_code  # 3 when any check is red
"""

from riskcore.validation.checks import Check
from riskcore.validation.errors import PolicyError, ValidateError
from riskcore.validation.policy import DEFAULT_BOUNDS, Policy, load_policy, parse_policy
from riskcore.validation.run import (
    EXIT_RED,
    VALIDATION_FILE,
    Sample,
    ValidationResult,
    load_validation,
    new_data_sample,
    run_sample,
    save_validation,
    validate_run,
    write_result,
)

__all__ = [
    "DEFAULT_BOUNDS",
    "EXIT_RED",
    "VALIDATION_FILE",
    "Check",
    "Policy",
    "PolicyError",
    "Sample",
    "ValidateError",
    "ValidationResult",
    "load_policy",
    "load_validation",
    "new_data_sample",
    "parse_policy",
    "run_sample",
    "save_validation",
    "validate_run",
    "write_result",
]

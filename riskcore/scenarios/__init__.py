"""What-if scenarios on a saved run: shocks and historical replays, scored by the run's own model.

The run's saved preprocessing and model are applied, never refitted. This face holds what
callers use (`from riskcore.scenarios import parse_scenario, run_scenarios`); the modules
behind it depend on each other one way only, each on those above it:

    spec     the scenario file (Scenario, Shock, Replay), parsing and the checks against a run
    results  ScenarioResult, its summary, and scenarios.json stored with the run
    apply    the unshocked inputs prepared once, the edits, the one scoring path
    presets  named shocks and the worst-period replay, bound to one of the run's inputs
    tables   the shock editor's rows, scenario JSON files, summary tables (the page's)
    jobs     the worker-process tasks that run scenarios and their SHAP attribution

Comparing runs side by side is riskcore.compare's.
"""

from riskcore.scenarios.apply import (
    WHICH,
    Edit,
    ScenarioInputs,
    apply_scenario,
    prepare_inputs,
    run_scenarios,
    scenario_edits,
    shocked_inputs,
)
from riskcore.scenarios.presets import (
    PRESETS,
    build_preset,
    guess_column,
    preset_problem,
    worst_period,
)
from riskcore.scenarios.results import (
    SCENARIOS_FILE,
    ScenarioResult,
    load_scenarios,
    save_scenarios,
)
from riskcore.scenarios.spec import (
    NO_NEWS,
    Replay,
    Scenario,
    Shock,
    load_scenario,
    parse_scenario,
    shockable_features,
    validate_scenario,
)

__all__ = [
    "NO_NEWS",
    "PRESETS",
    "SCENARIOS_FILE",
    "WHICH",
    "Edit",
    "Replay",
    "Scenario",
    "ScenarioInputs",
    "ScenarioResult",
    "Shock",
    "apply_scenario",
    "build_preset",
    "guess_column",
    "load_scenario",
    "load_scenarios",
    "parse_scenario",
    "prepare_inputs",
    "preset_problem",
    "run_scenarios",
    "save_scenarios",
    "scenario_edits",
    "shockable_features",
    "shocked_inputs",
    "validate_scenario",
    "worst_period",
]

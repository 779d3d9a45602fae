"""Worker-process tasks of the Scenarios page (riskcore.jobs "module:function" entries:
"riskcore.scenarios.jobs:scenario_task", "riskcore.scenarios.jobs:attribution_task").

They touch the Keras model, so they never run in the Streamlit server process. Each reads the
run and its saved inputs from the run store (no re-upload), and the scenario task stores its
results with the run (scenarios.json), so the page, the report and a restarted server all read
the same results.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from riskcore.errors import DataValidationError, RiskcoreError
from riskcore.quantiles import level_key
from riskcore.scenarios.apply import prepare_inputs, run_scenarios, shocked_inputs
from riskcore.scenarios.results import save_scenarios
from riskcore.scenarios.spec import parse_scenario
from riskcore.store import RunStore

Emit = Callable[[dict], None]
ATTRIBUTION_SAMPLES = 32  # an entity's most recent predictions explained (SHAP cost is linear)


class AttributionUnavailable(RiskcoreError):
    """The SHAP attribution of scenario changes is not part of this installation."""


def scenario_task(payload: dict, emit: Emit) -> list[str]:
    """Run several scenarios over one run's data and store them with the run.

    payload: home, run_id, scenarios (list of scenario dicts), which ("test" | "latest" |
    "all"), threshold (for the stored summaries). Returns the scenario names, in order.
    Whether the results can be stored is checked before any scenario runs.
    """
    store = RunStore.for_job(payload)
    store.check_writable_run(payload["run_id"])
    run = store.load(payload["run_id"])
    scenarios = [parse_scenario(s, s.get("name", "")) for s in payload["scenarios"]]
    emit({"type": "stage", "stage": "preparing"})
    frames = run.inputs()
    emit({"type": "stage", "stage": "scenarios", "done": 0, "total": len(scenarios)})
    results = run_scenarios(
        run,
        scenarios,
        frames["primary"],
        frames["macro"],
        frames["sentiment"],
        which=payload.get("which", "test"),
    )
    emit({"type": "stage", "stage": "saving"})
    save_scenarios(store, run.run_id, results, float(payload.get("threshold", 0.5)))
    return [r.name for r in results]


def attribution_task(payload: dict, emit: Emit) -> dict:
    """Which shocked inputs moved one entity's score: SHAP of scenario minus base.

    payload: home, run_id, scenario (dict), entity, which. The entity's most recent
    ATTRIBUTION_SAMPLES predictions are explained; contributions are their mean (per sample
    they add up to the score change: integrated gradients from the unshocked input). For a
    quantile run the change of the VaR at every level is explained (return units), under
    "levels" by level; "contributions" is then the lowest level's.
    """
    try:
        from riskcore.explain import scenario_attribution, var_head
    except ImportError:
        raise AttributionUnavailable(
            "explaining a scenario with SHAP needs riskcore.explain.scenario_attribution, "
            "which this installation lacks; update RiskLens"
        ) from None
    store = RunStore.for_job(payload)
    run = store.load(payload["run_id"])
    scenario = parse_scenario(payload["scenario"], payload["scenario"].get("name", ""))
    entity = str(payload["entity"])
    emit({"type": "stage", "stage": "preparing"})
    frames = run.inputs()
    inputs = prepare_inputs(
        run, frames["primary"], frames["macro"], frames["sentiment"], which=payload["which"]
    )
    positions = np.flatnonzero(inputs.entities == entity)[-ATTRIBUTION_SAMPLES:]
    if len(positions) == 0:
        raise DataValidationError(
            f"entity '{entity}' has no prediction among the scored ones; pick another entity"
        )
    samples, shocked = shocked_inputs(inputs, scenario, positions)
    base = inputs.panel.inputs(inputs.ends[samples])
    levels = run.quantile_levels
    heads = max(1, len(levels))  # a quantile run explains its VaR at every level
    total = heads * len(samples)
    emit({"type": "stage", "stage": "explaining", "done": 0, "total": total})

    def mean_of(model, head: int) -> dict[str, float]:
        def progress(event: dict) -> None:  # rows of this head, as rows of the whole job
            if "done" in event:
                done = head * len(samples) + event["done"]
                emit({"type": "stage", "stage": "explaining", "done": done, "total": total})

        per_sample = scenario_attribution(run, model, shocked, base, emit=progress)
        contributions = per_sample.mean() if isinstance(per_sample, pd.DataFrame) else per_sample
        return {str(k): float(v) for k, v in contributions.items()}

    by_level = {
        level_key(a): mean_of(var_head(inputs.model, levels, a), j) for j, a in enumerate(levels)
    }
    return {
        "scenario": scenario.name,
        "entity": entity,
        "predictions": len(samples),
        "contributions": next(iter(by_level.values())) if levels else mean_of(inputs.model, 0),
        **({"levels": by_level} if levels else {}),
    }

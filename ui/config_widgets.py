"""Widgets that edit one RunConfig field, with its bounds, default and choices read from the field
itself (riskcore.config.field_spec): no page restates a limit, and any valid value the config
holds is offered as it is (a slider widens to it, a select_slider lists it), so a config loaded
into a page comes back out unchanged. Used by the Data and Train pages."""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from riskcore.config import field_spec
from ui.i18n import t


def value_of(path: str, section: dict) -> Any:
    """The field's value in `section` (its part of the config dict), as the field's type; its
    default when missing or not allowed (a widget cannot show what the field refuses)."""
    spec = field_spec(path)
    value = section.get(path.rsplit(".", 1)[-1], spec.default)
    if not spec.allows(value):
        return spec.default
    cast = {"int": int, "float": float}.get(spec.kind)
    if cast is None:
        return value
    return [cast(v) for v in value] if spec.length is not None else cast(value)


def slider(where: Any, label: str, path: str, section: dict, **kw: Any) -> Any:
    """A slider over the field's usual range, widened to hold the current value."""
    spec = field_spec(path)
    value = value_of(path, section)
    low, high = spec.slider_range(value)
    if spec.integer:
        return where.slider(label, int(low), int(high), value, **kw)
    step = _grid_step(spec.ui.get("step", 0.01), low, value)
    digits = max(2, math.ceil(-math.log10(step) - 1e-9))
    return where.slider(label, float(low), float(high), value, step, format=f"%.{digits}f", **kw)


def select_slider(
    where: Any, label: str, path: str, section: dict, value: Any = None, **kw: Any
) -> Any:
    """A select_slider over the field's presets with the current value among them (for a list
    field such as model.units, pass one item as `value`)."""
    spec = field_spec(path)
    if spec.length is None:
        value = value_of(path, section)
    elif not spec.allows(value):
        value = min(spec.presets(), key=lambda p: abs(p - (value or 0)))
    elif spec.integer:
        value = int(value)
    return where.select_slider(label, spec.presets(value), value=value, **kw)


def number_input(where: Any, label: str, path: str, section: dict, **kw: Any) -> Any:
    """A number box between the field's own bounds (an open end is left unbounded)."""
    spec = field_spec(path)
    value = value_of(path, section)
    cast = int if spec.integer else float
    low = None if spec.low is None or spec.low_open else cast(spec.low)
    high = None if spec.high is None or spec.high_open else cast(spec.high)
    if not spec.integer and "step" in spec.ui:
        kw.setdefault("step", spec.ui["step"])
    return where.number_input(label, low, high, value, **kw)


def choice(
    where: Any, label: str, path: str, section: dict, widget: str = "radio", **kw: Any
) -> Any:
    """A radio (or `widget="selectbox"`) over the field's Literal choices."""
    options = list(field_spec(path).choices)
    value = value_of(path, section)
    return getattr(where, widget)(label, options, index=options.index(value), **kw)


def checkbox(where: Any, label: str, path: str, section: dict, **kw: Any) -> bool:
    return where.checkbox(label, bool(value_of(path, section)), **kw)


def window_horizon(raw: dict, columns: Any = None, key: str | None = None) -> dict:
    """The window and horizon sliders (Data and Train pages): {"window": .., "horizon": ..}.
    `key` names the widgets win_{key} / hor_{key}; none lets them follow the config."""
    c1, c2 = columns if columns is not None else st.columns(2)
    keys = {"window": None, "horizon": None}
    if key is not None:
        keys = {"window": f"win_{key}", "horizon": f"hor_{key}"}
    return {
        name: slider(
            col, t(f"train.{name}"), name, raw, key=keys[name], help=t(f"train.{name}_help")
        )
        for name, col in (("window", c1), ("horizon", c2))
    }


def _grid_step(step: float, *points: float) -> float:
    """The slider step, made finer until every point lies on its grid (a browser slider would
    otherwise move a value such as 0.33 onto a 0.05 step)."""
    for _ in range(8):
        if all(abs(p / step - round(p / step)) < 1e-6 for p in points):
            break
        step /= 10
    return step

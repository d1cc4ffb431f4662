"""Step results: the figures a step publishes for later steps and the executive summary.

Each step notebook ends by calling :func:`publish` with plain numbers (value, interval, n, and
whatever a later comparison needs, such as NPS counts or a mean's standard deviation). They are
written atomically to ``<report_dir>/<step>.results.json``. The action plan, the executive summary
and the comparison with a baseline run read them with :func:`load`, so no step re-computes or
copies another's analysis.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cxlib.core.files import write_text_atomic

SUFFIX = ".results.json"


def _plain(value: Any) -> Any:
    """Convert numpy, pandas and NaN values into JSON-safe Python values (NaN → None)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if value is pd.NA:
        return None
    return value


def publish(report_dir: str | Path, step: str, results: dict[str, Any]) -> Path:
    """Write a step's results beside its report."""
    path = Path(report_dir) / f"{step}{SUFFIX}"
    write_text_atomic(path, json.dumps(_plain(results), ensure_ascii=False, indent=1))
    return path


def load(report_dir: str | Path, step: str) -> dict[str, Any] | None:
    """A step's published results, or ``None`` when the step did not run (skipped, failed, not yet)."""
    try:
        return json.loads((Path(report_dir) / f"{step}{SUFFIX}").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def frame(records: dict[str, dict[str, Any]] | None) -> pd.DataFrame:
    """A published ``{key: {column: value}}`` table back as a DataFrame (empty when absent).

    A column of numbers and nulls comes back as float64 even when every value is null (e.g. no
    pillar has a target), so numeric operations never meet an object column.
    """
    table = pd.DataFrame.from_dict(records or {}, orient="index")
    for column in table.columns:
        values = table[column].dropna()
        if all(isinstance(value, int | float) and not isinstance(value, bool) for value in values):
            table[column] = table[column].astype("float64")
    return table

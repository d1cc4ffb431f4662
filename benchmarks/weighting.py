"""Survey weights at scale: raking a synthetic survey to two population margins, then weighted and
unweighted NPS by segment, for 250,000 and 1,000,000 responses.

    python benchmarks/weighting.py
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from cxlib.stats.metrics import metric_by
from cxlib.stats.weighting import design_effect, rake


def survey(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "segment": pd.Categorical(rng.choice(["mass", "premium", "sme"], rows, p=[0.6, 0.25, 0.15])),
            "region": pd.Categorical(rng.choice(["north", "centre", "south"], rows, p=[0.5, 0.3, 0.2])),
            "nps": rng.integers(0, 11, rows).astype(float),
        }
    )


def main() -> None:
    margins = {
        "segment": pd.Series({"mass": 0.8, "premium": 0.15, "sme": 0.05}),
        "region": pd.Series({"north": 0.3, "centre": 0.4, "south": 0.3}),
    }
    for rows in (250_000, 1_000_000):
        frame = survey(rows)
        started = time.perf_counter()
        weights = rake(frame, margins)
        raked = time.perf_counter() - started
        started = time.perf_counter()
        plain = metric_by(frame, "nps", "segment")
        unweighted = time.perf_counter() - started
        started = time.perf_counter()
        weighted = metric_by(frame.assign(weight=weights), "nps", "segment")
        weighted_seconds = time.perf_counter() - started
        effect = design_effect(weights)
        print(
            f"{rows:>9,} rows: raking {raked:.2f} s (deff {effect.deff:.2f}); NPS by segment "
            f"{unweighted:.3f} s unweighted, {weighted_seconds:.3f} s weighted; "
            f"mass n {plain.loc['mass', 'n']:,} → effective {weighted.loc['mass', 'n']:,}"
        )


if __name__ == "__main__":
    main()

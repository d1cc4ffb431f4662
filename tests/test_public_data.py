"""Real public exports we did not generate, mapped only through client.yaml (skipped when absent).

See ``data/public/README.md`` for where each file comes from.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from cxlib.core.paths import PROJECT_DIR
from cxlib.inputs.client import load_client
from cxlib.run.runner import run
from cxlib.steps import overview

AIRLINE = PROJECT_DIR / "data" / "public" / "airline_satisfaction.csv"
AIRLINE_ITEMS = {
    "Online boarding": "time_effort",
    "Ease of Online booking": "time_effort",
    "Checkin service": "time_effort",
    "Seat comfort": "personalisation",
    "Inflight entertainment": "personalisation",
    "On-board service": "empathy",
    "Inflight service": "empathy",
    "Leg room service": "expectations",
    "Cleanliness": "integrity",
    "Baggage handling": "resolution",
}
needs_airline = pytest.mark.skipif(
    not AIRLINE.is_file(), reason=f"public data absent: {AIRLINE} (see data/public/README.md)"
)


def airline_client(folder, shuffle: bool = False):
    """The raw Kaggle export as a client folder; ``shuffle`` destroys the outcome's link to items."""
    folder.mkdir(parents=True)
    if shuffle:
        frame = pd.read_csv(AIRLINE, dtype=str, keep_default_na=False)
        frame["satisfaction"] = np.random.default_rng(7).permutation(frame["satisfaction"].to_numpy())
        frame.to_csv(folder / "survey.csv", index=False)
    else:
        shutil.copy(AIRLINE, folder / "survey.csv")
    config = {
        "name": "Public airline survey",
        "slug": folder.name,
        "language": "en",
        "industry": "Airline",
        "currency": "USD",
        "survey": {
            "fields": {
                "response_id": "id",
                "segment": ["Class", "Type of Travel", "Customer Type"],
                "satisfied": {
                    "column": "satisfaction",
                    "scale": "yes/no",
                    "values": {"satisfied": True, "neutral or dissatisfied": False},
                    "label": {"en": "Satisfied passengers", "es": "Pasajeros satisfechos"},
                },
            },
            "items": [
                {"column": column, "pillar": pillar, "scale": "1-5", "missing": [0]}
                for column, pillar in AIRLINE_ITEMS.items()
            ],
        },
    }
    (folder / "client.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return folder


@needs_airline
def test_airline_export_runs_without_edits_and_its_link_survives_only_unshuffled(tmp_path):
    real = load_client(airline_client(tmp_path / "airline"))
    noise = load_client(airline_client(tmp_path / "airline-shuffled", shuffle=True))
    assert real.not_applicable["Online boarding"] > 0  # 0 = not applicable, never scored as 0
    assert real.tables["survey"]["item_online_boarding"].min() == 1
    assert overview.outcome_relation(real)["p"] < 0.001
    assert overview.outcome_relation(noise)["p"] > 0.05


@pytest.mark.slow
@needs_airline
def test_airline_export_reports(tmp_path):
    out = tmp_path / "reports"
    assert run([str(airline_client(tmp_path / "airline"))], out, jobs=2, step_names=["00", "01"]) == 0
    diagnosis = (out / "airline" / "01_diagnosis.html").read_text(encoding="utf-8")
    assert "Satisfied passengers by Customer Type" in diagnosis

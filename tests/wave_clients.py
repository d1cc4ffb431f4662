"""Generated clients tracked over several survey waves (``waves:`` in ``client.yaml``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

#: One 1-5 agreement item per pillar: export column → pillar.
WAVE_ITEMS = {
    "Knows me": "personalisation",
    "Keeps promises": "integrity",
    "I know what to expect": "expectations",
    "Fixes problems": "resolution",
    "Quick and easy": "time_effort",
    "Understands me": "empathy",
}


def wave_survey(rng: np.random.Generator, n: int, shift: float = 0.0) -> pd.DataFrame:
    """One wave's responses: a customer mood (sd 2, moved by ``shift``) drives a 0-10 NPS, a 1-5
    CSAT, a 1-7 effort (less is better), a yes/no need met and six 1-5 pillar items."""
    mood = shift + rng.normal(0, 2.0, n)
    frame = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "ltr": np.clip(np.rint(7.3 + mood), 0, 10).astype(int),
            "sat": np.clip(np.rint(3.7 + 0.45 * mood + rng.normal(0, 0.6, n)), 1, 5).astype(int),
            "effort": np.clip(np.rint(3.2 - 0.5 * mood + rng.normal(0, 0.8, n)), 1, 7).astype(int),
            "fixed": np.where(mood + rng.normal(0, 1.0, n) > -1.5, "yes", "no"),
        }
    )
    for column in WAVE_ITEMS:
        frame[column] = np.clip(np.rint(3.4 + 0.35 * mood + rng.normal(0, 0.8, n)), 1, 5).astype(int)
    return frame


def _client_yaml(slug: str, language: str, waves: list[dict]) -> dict:
    fields = {
        "response_id": "id",
        "nps": {"column": "ltr", "scale": "0-10"},
        "csat": {"column": "sat", "scale": "1-5"},
        "ces": {"column": "effort", "scale": "1-7"},
        "satisfied": {"column": "fixed", "scale": "yes/no"},
    }
    items = [{"column": column, "pillar": pillar, "scale": "1-5"} for column, pillar in WAVE_ITEMS.items()]
    config = {
        "name": f"Programme {slug}",
        "slug": slug,
        "language": language,
        "industry": "Retail banking",
        "currency": "EUR",
        "survey": {"fields": fields, "items": items},
    }
    return config | ({"waves": waves} if waves else {})


def wave_programme(
    folder: Path,
    waves: int = 4,
    shifts: dict[int, float] | None = None,
    n: int = 800,
    seed: int = 7,
    language: str = "es",
) -> tuple[Path, list[Path]]:
    """A client measured ``waves`` times: the earlier waves as client folders ``waves/wave_K`` inside
    the client folder (listed under ``waves:``), the last wave the client folder itself. ``shifts``
    moves the customers' mood from a wave on (1-based: ``{3: 1.0}`` plants a lasting improvement in
    wave 3). Returns the client folder and the earlier waves' folders."""
    rng = np.random.default_rng(seed)
    shifts = shifts or {}
    earlier = [folder / "waves" / f"wave_{k}" for k in range(1, waves)]
    listed = [
        {"label": f"Ola {k}" if language == "es" else f"Wave {k}", "folder": f"waves/wave_{k}"}
        for k in range(1, waves)
    ]
    for k, path in enumerate([*earlier, folder], start=1):
        path.mkdir(parents=True, exist_ok=True)
        shift = sum(size for start, size in shifts.items() if k >= start)
        wave_survey(rng, n, shift).to_csv(path / "survey.csv", index=False)
        config = _client_yaml(
            f"programme-{k}" if k < waves else "programme", language, [] if k < waves else listed
        )
        (path / "client.yaml").write_text(
            yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return folder, earlier

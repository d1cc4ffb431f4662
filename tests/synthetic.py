"""Small generated client folders in the shapes real exports come in (not the demo).

Each writes a survey as an SPSS ``.sav`` (value labels), a Qualtrics CSV (three header rows), a
Parquet file or a plain CSV, and a ``client.yaml`` that maps it without any edit to the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import yaml

ITEMS = {  # export column → pillar
    "Online boarding": "time_effort",
    "Seat comfort": "personalisation",
    "Inflight service": "empathy",
    "Checkin service": "expectations",
    "Baggage handling": "resolution",
}
REVERSED_ITEM = "It took a lot of effort"


def _answers(rng: np.random.Generator, n: int, linked: bool) -> tuple[pd.DataFrame, np.ndarray]:
    """Items on 1-5 (0 = not applicable for about 8%), a reversed 1-7 item, and a latent outcome
    driven by two items, or independent of them when ``linked`` is false."""
    items = pd.DataFrame({column: rng.integers(1, 6, n) for column in ITEMS})
    latent = 0.9 * items["Online boarding"] + 0.5 * items["Baggage handling"] + rng.normal(0, 1.0, n)
    if not linked:
        latent = rng.permutation(latent.to_numpy())
    items = items.mask(rng.random(items.shape) < 0.08, 0)
    effort = 8 - (items["Online boarding"].replace(0, 3) * 1.4).round()
    items[REVERSED_ITEM] = np.clip(effort, 1, 7).astype(int)
    return items, np.asarray(latent)


def _config(slug: str, language: str, survey: dict, **extra: object) -> dict:
    return {
        "name": f"Synthetic {slug}",
        "slug": slug,
        "language": language,
        "industry": "Airline",
        "currency": "EUR",
        "survey": survey,
        **extra,
    }


def _item_mappings() -> list[dict]:
    mapped = [
        {"column": column, "pillar": pillar, "scale": "1-5", "missing": [0]}
        for column, pillar in ITEMS.items()
    ]
    return mapped + [{"column": REVERSED_ITEM, "pillar": "time_effort", "scale": "1-7", "reverse": True}]


def _write_config(folder: Path, config: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    (folder / "client.yaml").write_text(text, encoding="utf-8")


def spss_airline(folder: Path, n: int = 400, seed: int = 1, linked: bool = True) -> Path:
    """An SPSS file: two segment fields with value labels, a binary outcome exported as labels,
    n.a. codes, a reversed item; no dates, no targets, no units, no comments."""
    rng = np.random.default_rng(seed)
    items, latent = _answers(rng, n, linked)
    data = items.assign(
        id=np.arange(1, n + 1),
        travel_class=rng.choice([1, 2, 3], n, p=[0.45, 0.45, 0.10]),
        travel_type=rng.choice([1, 2], n),
        satisfaction=np.where(latent > np.median(latent), 1, 2),
    )
    data.columns = [column.replace(" ", "_") for column in data.columns]
    folder.mkdir(parents=True, exist_ok=True)
    pyreadstat.write_sav(
        data,
        str(folder / "survey.sav"),
        column_labels={"travel_class": "Class", "travel_type": "Type of Travel"},
        variable_value_labels={
            "travel_class": {1: "Business", 2: "Eco", 3: "Eco Plus"},
            "travel_type": {1: "Business travel", 2: "Personal Travel"},
            "satisfaction": {1: "satisfied", 2: "neutral or dissatisfied"},
        },
    )
    survey = {
        "fields": {
            "response_id": "id",
            "segment": ["travel_class", "travel_type"],
            "satisfied": {
                "column": "satisfaction",
                "scale": "yes/no",
                "values": {"Satisfied": "yes", "neutral or dissatisfied": "no"},
                "label": {"en": "Satisfied passengers", "es": "Pasajeros satisfechos"},
            },
        },
        "items": [dict(item, column=item["column"].replace(" ", "_")) for item in _item_mappings()],
    }
    _write_config(folder, _config(folder.name, "en", survey))
    return folder


def qualtrics_csat(folder: Path, n: int = 300, seed: int = 2) -> Path:
    """A Qualtrics CSV export (three header rows), CSAT only, one segment field, dates and comments."""
    rng = np.random.default_rng(seed)
    items, latent = _answers(rng, n, linked=True)
    csat = np.clip(np.round(1 + 4 * (latent - latent.min()) / np.ptp(latent)), 1, 5).astype(int)
    frame = pd.DataFrame(
        {
            "ResponseId": [f"R_{i:05d}" for i in range(n)],
            "RecordedDate": pd.date_range("2025-01-01", periods=n, freq="D").strftime("%Y-%m-%d %H:%M:%S"),
            "Q1": csat,
            "Q2": rng.choice(["Online", "Agency"], n),
            "Q3": rng.choice(["Muy bien, rápido", "Tardaron mucho", ""], n),
        }
        | {f"Q{4 + i}": items[column] for i, column in enumerate(ITEMS)}
    )
    questions = [
        "Response ID",
        "Recorded Date",
        "Overall, how satisfied are you?",
        "How did you book?",
        "Tell us why",
    ] + list(ITEMS)
    import_ids = [f'{{"ImportId":"{column}"}}' for column in frame.columns]
    header = pd.DataFrame([questions, import_ids], columns=frame.columns)
    folder.mkdir(parents=True, exist_ok=True)
    pd.concat([header, frame.astype(str)]).to_csv(folder / "survey.csv", index=False)
    survey = {
        "fields": {
            "response_id": "ResponseId",
            "date": "RecordedDate",
            "csat": {"column": "Q1", "scale": "1-5"},
            "segment": "Q2",
            "comment": "Q3",
        },
        "items": [
            {"column": f"Q{4 + i}", "pillar": pillar, "missing": [0]}
            for i, pillar in enumerate(ITEMS.values())
        ],
    }
    _write_config(folder, _config(folder.name, "es", survey, segments=["Online", "Agency"]))
    return folder


def parquet_nps(folder: Path, n: int = 300, seed: int = 3) -> Path:
    """A Parquet survey: NPS only, units under 30 responses each, no segment, no targets."""
    rng = np.random.default_rng(seed)
    items, latent = _answers(rng, n, linked=True)
    nps = np.clip(np.round(10 * (latent - latent.min()) / np.ptp(latent)), 0, 10).astype(int)
    branches = rng.choice(list("ABCDEFGHIJKL"), n)
    frame = items.assign(resp=[f"P{i}" for i in range(n)], ltr=nps, branch=branches)
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(folder / "survey.parquet")
    survey = {
        "fields": {"response_id": "resp", "nps": {"column": "ltr", "scale": "0-10"}, "unit": "branch"},
        "items": _item_mappings(),
    }
    _write_config(folder, _config(folder.name, "en", survey))
    return folder


def minimal_csv(folder: Path, n: int = 60, seed: int = 4) -> Path:
    """A plain CSV with an id and CSAT only: no items, segments, dates, units or comments."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    survey = pd.DataFrame({"response_id": range(n), "csat": rng.integers(1, 6, n)})
    survey.to_csv(folder / "survey.csv", index=False)
    _write_config(folder, _config(folder.name, "es", {}))
    return folder


def unit_network(
    folder: Path, units: int = 300, weak: int = 10, seed: int = 5, sizes: tuple[int, int] = (40, 160)
) -> tuple[Path, list[str]]:
    """A branch network: ``units`` branches of ``sizes`` responses each (uniform), real but modest
    differences between branches (NPS shift with sd 0.25 on 0-10), and ``weak`` planted branches whose
    customers score 3 points lower on NPS, and correspondingly lower on CSAT (1-5) and need resolved
    (yes/no), higher on effort (CES 1-7). Returns the folder and the planted weak branches."""
    rng = np.random.default_rng(seed)
    names = np.array([f"Branch {i:03d}" for i in range(1, units + 1)])
    planted = rng.choice(units, weak, replace=False)
    shift = rng.normal(0, 0.25, units)
    shift[planted] -= 3.0
    counts = rng.integers(sizes[0], sizes[1] + 1, units)
    unit = np.repeat(np.arange(units), counts)
    n = len(unit)
    mood = shift[unit] + rng.normal(0, 2.0, n)
    survey = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "branch": names[unit],
            "ltr": np.clip(np.rint(7.5 + mood), 0, 10).astype(int),
            "sat": np.clip(np.rint(3.8 + 0.45 * mood + rng.normal(0, 0.6, n)), 1, 5).astype(int),
            "effort": np.clip(np.rint(3.0 - 0.5 * mood + rng.normal(0, 0.8, n)), 1, 7).astype(int),
            "fixed": np.where(mood + rng.normal(0, 1.0, n) > -1.5, "yes", "no"),
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    survey.to_csv(folder / "survey.csv", index=False)
    fields = {
        "response_id": "id",
        "unit": "branch",
        "nps": {"column": "ltr", "scale": "0-10"},
        "csat": {"column": "sat", "scale": "1-5"},
        "ces": {"column": "effort", "scale": "1-7"},
        "satisfied": {"column": "fixed", "scale": "yes/no"},
    }
    _write_config(folder, _config(folder.name, "en", {"fields": fields}, industry="Retail banking"))
    return folder, sorted(names[planted])


AGREEMENT_EN = ["Strongly Disagree", "Disagree", "Neither Agree nor Disagree", "Agree", "Strongly Agree"]
AGREEMENT_ES = [
    "Totalmente en desacuerdo",
    "En desacuerdo",
    "Ni de acuerdo ni en desacuerdo",
    "De acuerdo",
    "Totalmente de acuerdo",
]
SATISFACTION_ES = [
    "Muy insatisfecho",
    "Insatisfecho",
    "Ni satisfecho ni insatisfecho",
    "Satisfecho",
    "Muy satisfecho",
]


def _linked_outcome(rng: np.random.Generator, items: pd.DataFrame, points: int, linked: bool) -> np.ndarray:
    """A 1-``points`` outcome driven by the first two items (their 0 = n.a. counted as the middle),
    or shuffled so that it is independent of them when ``linked`` is false."""
    first, second = (items.iloc[:, i].replace(0, 3) for i in (0, 1))
    latent = 0.9 * first + 0.5 * second + rng.normal(0, 1.0, len(items))
    latent = latent if linked else rng.permutation(latent.to_numpy())
    return np.clip(np.round(1 + (points - 1) * (latent - latent.min()) / np.ptp(latent)), 1, points).astype(
        int
    )


def spss_labelled_scale(folder: Path, n: int = 238, seed: int = 5) -> Path:
    """An SPSS retail survey whose five agreement items and 1-5 satisfaction carry value labels over
    codes 1-5 (as SPSS exports them), mapped with a scale and no ``values:``."""
    rng = np.random.default_rng(seed)
    items, _ = _answers(rng, n, linked=True)
    items = items[list(ITEMS)].replace(0, 3)
    items.columns = [f"RC{i + 1}" for i in range(len(ITEMS))]
    data = items.assign(
        id=np.arange(1, n + 1),
        overall=_linked_outcome(rng, items, 5, linked=True),
        store=rng.choice([1, 2, 3], n),
    )
    agreement = dict(enumerate(AGREEMENT_EN, start=1))
    folder.mkdir(parents=True, exist_ok=True)
    pyreadstat.write_sav(
        data,
        str(folder / "survey.sav"),
        column_labels={
            column: f"The store is good at {pillar}"
            for column, pillar in zip(items, ITEMS.values(), strict=True)
        },
        variable_value_labels={column: agreement for column in items}
        | {
            "overall": dict(
                enumerate(["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"], 1)
            ),
            "store": {1: "Downtown", 2: "Mall", 3: "Outlet"},
        },
    )
    survey = {
        "fields": {"response_id": "id", "csat": {"column": "overall", "scale": "1-5"}, "segment": "store"},
        "items": [
            {"column": column, "pillar": pillar, "scale": "1-5"}
            for column, pillar in zip(items, ITEMS.values(), strict=True)
        ],
    }
    _write_config(folder, _config(folder.name, "en", survey, industry="Retail"))
    return folder


def labels_only_excel(folder: Path, n: int = 240, seed: int = 6, linked: bool = True) -> Path:
    """An Excel export holding labels only: English agreement items, Spanish agreement items, a
    Spanish satisfaction outcome and a 0-10 likelihood with its anchors written as words; some items
    left blank; the outcomes driven by two items, or independent of them when ``linked`` is false.
    Mapped with scales and no ``values:``."""
    rng = np.random.default_rng(seed)
    items, _ = _answers(rng, n, linked=True)
    items = items[list(ITEMS)].replace(0, 3)
    csat = _linked_outcome(rng, items, 5, linked)
    nps = _linked_outcome(rng, items, 11, linked) - 1
    frame = pd.DataFrame(
        {
            "Satisfacción general": [SATISFACTION_ES[code - 1] for code in csat],
            "Recomendaría": pd.Series(nps.astype(str)).replace(
                {"0": "Not at all likely", "10": "Extremely likely"}
            ),
            "Canal": rng.choice(["Tienda", "Web"], n),
        }
    )
    for i, column in enumerate(ITEMS):
        labels = AGREEMENT_EN if i % 2 == 0 else AGREEMENT_ES
        cells = pd.Series([labels[code - 1] for code in items[column]])
        frame[column] = cells.mask(rng.random(n) < 0.05)
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_excel(folder / "survey.xlsx", index=False)
    survey = {
        "fields": {
            "csat": {"column": "Satisfacción general", "scale": "1-5"},
            "nps": {"column": "Recomendaría", "scale": "0-10"},
            "segment": "Canal",
        },
        "items": [{"column": column, "pillar": pillar} for column, pillar in ITEMS.items()],
    }
    _write_config(folder, _config(folder.name, "es", survey, industry="Retail"))
    return folder


def edit_config(folder: Path, edit) -> None:
    """Change a client folder's ``client.yaml`` in place: ``edit`` receives the parsed mapping."""
    config = yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))
    edit(config)
    (folder / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


#: The hotel export's rating questions, in the order written (none names a pillar).
HOTEL_ITEMS = (
    "Check-in was quick",
    "Staff knew my preferences",
    "The room was as promised",
    "Problems were put right",
    "Staff cared about my stay",
)
HOTEL_RECOMMEND = "How likely are you to recommend us to a friend?"
#: Phrases a hotel comment is made of, one from each tuple in turn.
HOTEL_COMMENTS = (
    ("Lovely stay.", "Not great.", "Fine overall.", "Would come back.", "Disappointing.", "Good value."),
    (
        "Check-in took ages",
        "The room was noisy",
        "Staff were kind",
        "Breakfast was cold",
        "The bed was comfortable",
        "Parking was hard to find",
        "Reception sorted my problem",
        "The shower was broken",
    ),
    ("and the bar was lively.", "but the wifi kept dropping.", "and the view was great.", ""),
)


def hotel_export(path: Path, n: int = 400, seed: int = 9) -> Path:
    """A hotel chain's plain CSV export as a newcomer gets it: an id, stay dates, the hotel (five
    units) and trip type (``Leisure``/``Business``), a 0-10 recommendation driven by the first two
    1-5 ratings, five ratings whose questions name no pillar, and comments."""
    rng = np.random.default_rng(seed)
    items = pd.DataFrame({question: rng.integers(1, 6, n) for question in HOTEL_ITEMS})
    frame = pd.DataFrame(
        {
            "Response ID": [f"H{i:04d}" for i in range(1, n + 1)],
            "Stay date": pd.date_range("2025-01-01", periods=n, freq="18h").strftime("%Y-%m-%d"),
            "Hotel": rng.choice(["Leeds", "York", "Bath", "Chester", "Durham"], n),
            "Trip type": rng.choice(["Leisure", "Business"], n, p=[0.6, 0.4]),
            HOTEL_RECOMMEND: _linked_outcome(rng, items, 11, linked=True) - 1,
        }
        | dict(items)
    )
    comments = pd.Series(rng.choice(HOTEL_COMMENTS[0], n))
    for phrases in HOTEL_COMMENTS[1:]:
        comments += " " + rng.choice(phrases, n)
    frame["Anything else?"] = comments.str.strip().mask(rng.random(n) < 0.3, "")
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path

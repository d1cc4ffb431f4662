"""Real public exports we did not generate, mapped only through client.yaml (skipped when absent).

See ``data/public/README.md`` for where each file comes from.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from cxlib.core.i18n import translator
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


PUBLIC = PROJECT_DIR / "data" / "public"
AIRLINE_REVIEWS = PUBLIC / "ba_reviews.csv"
HOTEL_REVIEWS = PUBLIC / "cuba_hotels_sentiment.xlsx"
RESTAURANT_REVIEWS = PUBLIC / "restmex_restaurants.xlsx"


def needs(path):
    return pytest.mark.skipif(
        not path.is_file(), reason=f"public data absent: {path} (see data/public/README.md)"
    )


def scores_against(labels: pd.Series, predicted: pd.Series) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return accuracy_score(labels, predicted), f1_score(labels, predicted, average="macro")


@needs(AIRLINE_REVIEWS)
def test_lexicon_reads_real_english_airline_reviews():
    from cxlib.stats.text import sentiment

    frame = pd.read_csv(AIRLINE_REVIEWS)
    labels = frame["recommended"].map({"yes": "positive", "no": "negative"})
    accuracy, macro_f1 = scores_against(labels, sentiment(frame["content"], "en")["label"])
    always_accuracy, always_f1 = scores_against(labels, pd.Series("positive", index=labels.index))
    assert accuracy >= 0.70 and accuracy > always_accuracy and macro_f1 > always_f1  # measured 0.757, 0.509


@needs(HOTEL_REVIEWS)
@needs(RESTAURANT_REVIEWS)
def test_lexicon_reads_real_spanish_reviews():
    from cxlib.stats.text import rating_labels, sentiment

    for path, column, least_accuracy in (
        (HOTEL_REVIEWS, "Class", 0.70),
        (RESTAURANT_REVIEWS, "Polarity", 0.85),
    ):
        frame = pd.read_excel(path)
        labels = rating_labels(frame[column], 1, 5)
        texts = frame["Title"].fillna("") + ". " + frame["Opinion"].fillna("")
        accuracy, macro_f1 = scores_against(labels, sentiment(texts, "es")["label"])
        always_f1 = scores_against(labels, pd.Series("positive", index=labels.index))[1]
        assert accuracy >= least_accuracy and macro_f1 > always_f1 + 0.1, path.name  # 0.744 / 0.913


def review_client(folder, shuffle: bool = False, fields: dict | None = None, items: list | None = None):
    """The raw airline review export as a client folder: the comment and the "recommended" answer,
    mapped through client.yaml only, with any other ``fields`` and pillar ``items`` mapped too;
    ``shuffle`` destroys the link between the comment and the answer."""
    folder.mkdir(parents=True)
    frame = pd.read_csv(AIRLINE_REVIEWS, dtype=str, keep_default_na=False)
    if shuffle:
        frame["recommended"] = np.random.default_rng(3).permutation(frame["recommended"].to_numpy())
    frame.to_csv(folder / "survey.csv", index=False)
    config = {
        "name": "Public airline reviews",
        "slug": folder.name,
        "language": "en",
        "industry": "Airline",
        "currency": "GBP",
        "survey": {
            "fields": {
                "date": {"column": "date", "date_format": "%m/%d/%Y"},
                "comment": "content",
                "satisfied": {
                    "column": "recommended",
                    "scale": "yes/no",
                    "values": {"yes": True, "no": False},
                },
                **(fields or {}),
            },
            **({"items": items} if items else {}),
        },
    }
    (folder / "client.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return folder


@needs(AIRLINE_REVIEWS)
def test_client_classifier_is_used_on_real_reviews_and_refused_on_shuffled_ones(tmp_path):
    from cxlib.steps import diagnosis

    real_client = load_client(review_client(tmp_path / "reviews"))
    real = diagnosis.comment_analysis(real_client)
    assert real.calibration.method == "classifier"  # measured: 0.87 against the lexicon's 0.76
    assert real.calibration.classifier_accuracy > real.calibration.lexicon_accuracy + 0.05
    assert len(real.themes.columns) >= 4 and not real.comments.str.contains("@").any()
    noise_client = load_client(review_client(tmp_path / "shuffled", shuffle=True))
    noise = diagnosis.comment_analysis(noise_client)
    assert noise.calibration.method == "lexicon" and noise.calibration.p_value > 0.05
    # themes against "recommended": five of eight differ on the real reviews, none once shuffled
    assert diagnosis.theme_differences(real_client, diagnosis.shown_themes(real))["significant"].sum() >= 3
    assert not diagnosis.theme_differences(noise_client, diagnosis.shown_themes(noise))["significant"].any()
    quotes = diagnosis.example_quotes(real_client, real, translator("en"))
    assert quotes["Comment"].is_unique and quotes["Comment"].str.len().max() <= diagnosis.QUOTE_LENGTH


#: British Airways' review sub-ratings (1-5) as measurements of five touchpoints of a copied demo
#: journey, each review's "recommended" as the touchpoint's success.
BA_TOUCHPOINTS = (
    "seat_comfort",
    "cabin_staff_service",
    "food_beverages",
    "ground_service",
    "value_for_money",
)


def ba_measurements(touchpoint_ids: list[str], shuffle_seed: int | None) -> pd.DataFrame:
    reviews = pd.read_csv(AIRLINE_REVIEWS)
    reviews["timestamp"] = pd.to_datetime(reviews["date"], format="%m/%d/%Y")
    if shuffle_seed is not None:  # the link between when and how good is destroyed
        reviews["timestamp"] = np.random.default_rng(shuffle_seed).permutation(
            reviews["timestamp"].to_numpy()
        )
    parts = []
    for column, touchpoint in zip(BA_TOUCHPOINTS, touchpoint_ids, strict=False):
        rated = reviews[pd.to_numeric(reviews[column], errors="coerce").between(1, 5)]
        parts.append(
            pd.DataFrame(
                {
                    "timestamp": rated["timestamp"].dt.strftime("%Y-%m-%d"),
                    "touchpoint_id": touchpoint,
                    "score": rated[column].astype(int),
                    "success": rated["recommended"],
                }
            )
        )
    return pd.concat(parts).sort_values("timestamp", kind="stable", ignore_index=True)


def watched_alarms(folder, shuffle_seed: int | None) -> tuple[int, float]:
    """Stream the reviews year by year into a watcher; return the alarms it raised and the
    touchpoint-years it judged."""
    from cxlib.core.paths import DEMO_CLIENTS_DIR
    from cxlib.inputs.alert_log import read_events
    from cxlib.run.watch import Watcher

    client = folder / "client"
    shutil.copytree(DEMO_CLIENTS_DIR / "demo-seguimiento", client)
    touchpoints = pd.read_csv(client / "journey.csv")["touchpoint_id"].head(len(BA_TOUCHPOINTS)).tolist()
    feed = ba_measurements(touchpoints, shuffle_seed)
    years = feed["timestamp"].str[:4]
    path = client / "interactions.csv"
    feed[years == years.min()].to_csv(path, index=False)
    watcher = Watcher(client, folder / "reports", render=False, log=lambda message: None)
    watcher.poll()
    for year in sorted(years.unique())[1:]:
        feed[years == year].to_csv(path, mode="a", header=False, index=False)
        watcher.poll()
    events = read_events(folder / "reports" / "demo-seguimiento" / "alerts.jsonl")
    span = (pd.Timestamp(feed["timestamp"].max()) - pd.Timestamp(feed["timestamp"].min())).days / 365.25
    return sum(event["event"] == "raised" for event in events), span * len(touchpoints)


@needs(AIRLINE_REVIEWS)
def test_watcher_alarms_on_real_reviews_and_stays_quiet_once_dates_are_shuffled(tmp_path):
    """Streamed in date order, the reviews' well-known decline after early 2016 raises alarms; with
    the dates shuffled, alarms stay under the chart's nominal 5% per touchpoint-year."""
    real, _ = watched_alarms(tmp_path / "real", None)
    assert real >= 5
    shuffled = [watched_alarms(tmp_path / f"shuffled{seed}", seed) for seed in range(5)]
    alarms, touchpoint_years = sum(count for count, _ in shuffled), sum(years for _, years in shuffled)
    assert alarms / touchpoint_years <= 0.05

"""Comment analytics: sentiment rules, calibration, themes, quotes and personal data, on small
frames with known answers; real review corpora in test_public_data."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from cxlib.core.i18n import translator
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import check_client, load_client
from cxlib.run.runner import run
from cxlib.stats.personal_data import mask_personal_data
from cxlib.stats.text import calibrated_sentiment, lexicon_sentiment, rating_labels, sentiment
from cxlib.stats.themes import discover_themes, keyword_themes, named_themes, representativeness
from cxlib.steps import diagnosis


def labels(texts: list[str], language: str) -> list[str]:
    """The lexicon's labels (the shipped model's reading is tested in test_sentiment_model.py)."""
    return lexicon_sentiment(pd.Series(texts), language)["label"].tolist()


def test_english_customer_service_language():
    negative = [
        "The worst business class",
        "Underwhelming.",
        "This is the last time flying with BA",
        "Flight delayed 3 hours, the food was bad, very disappointing",
        "I was on hold for 40 minutes",
        "Nobody called me back",
        "Never again",
        "The crew was friendly but the seat was broken and nobody cared",
    ]
    positive = [
        "No problems at all, would fly again",
        "No problems, very happy",
        "Not bad at all",
        "The lounge was crowded but the crew were wonderful and the food excellent",
    ]
    assert labels(negative, "en") == ["negative"] * len(negative)
    assert labels(positive, "en") == ["positive"] * len(positive)


def test_spanish_negation_contrast_and_phrases():
    negative = [
        "Pésimo servicio, esperé una hora",
        "No fue rápido",
        "El personal es amable pero la espera fue eterna",
        "Estuve en espera media hora y nadie contestó",
        "Nunca resuelven nada",
        "No lo recomiendo",
    ]
    positive = ["Excelente atención", "Sin problemas, volvería", "Algo lento, pero muy amables y eficientes"]
    assert labels(negative, "es") == ["negative"] * len(negative)
    assert labels(positive, "es") == ["positive"] * len(positive)


def test_rules_move_the_score_the_documented_way():
    scores = lexicon_sentiment(
        pd.Series(["good", "very good", "not good", "good but bad", "bad but good", None]), "en"
    )["score"]
    assert scores[1] > scores[0] > 0 > scores[2]
    assert scores[4] > 0 > scores[3]  # what follows "but" weighs more
    assert pd.isna(sentiment(pd.Series([None]), "en")["label"][0])
    stemmed = sentiment(pd.Series(["Abandonaron mi equipaje"]), "es")  # ElhPolar lemma "abandonar"
    assert stemmed["label"][0] == "negative"


def test_rating_labels_follow_nps_groups_and_the_scale_midpoint():
    nps = rating_labels(pd.Series([0, 6, 7, 8, 9, 10, None]), 0, 10, nps=True).tolist()
    assert nps[:6] == ["negative", "negative", "neutral", "neutral", "positive", "positive"] and pd.isna(
        nps[6]
    )
    assert rating_labels(pd.Series([1, 2, 3, 4, 5]), 1, 5).tolist() == [
        "negative",
        "negative",
        "neutral",
        "positive",
        "positive",
    ]


def synthetic_reviews(n: int, seed: int) -> tuple[pd.Series, pd.Series]:
    """Reviews whose words carry the label only through a vocabulary no lexicon knows."""
    rng = np.random.default_rng(seed)
    truth = pd.Series(rng.choice(["positive", "negative"], n))
    cue = np.where(truth == "positive", "zorblat", "quexfin")
    filler = rng.choice(["the flight", "our trip", "the hotel", "this visit"], n)
    return pd.Series([f"{f} was {c} overall" for f, c in zip(filler, cue, strict=True)]), truth


def test_calibration_learns_the_clients_vocabulary_and_refuses_noise():
    texts, truth = synthetic_reviews(400, 1)
    result, calibration = calibrated_sentiment(texts, "en", truth)
    assert calibration.method == "classifier" and calibration.classifier_accuracy > 0.95
    assert calibration.lexicon_accuracy < 0.6 and (result["label"] == truth).mean() > 0.95
    shuffled = truth.sample(frac=1, random_state=2).set_axis(truth.index)
    result, calibration = calibrated_sentiment(texts, "en", shuffled)
    assert calibration.method == "lexicon" and result["label"].equals(lexicon_sentiment(texts, "en")["label"])
    few = calibrated_sentiment(texts[:50], "en", truth[:50])[1]
    assert few.method == "lexicon" and np.isnan(few.classifier_accuracy)


def test_keyword_themes_match_whole_phrases_only():
    comments = pd.Series(["Arrived on time", "Every time I call I wait", "The waiter was rude", "Ontime"])
    flags = keyword_themes(comments, {"Punctuality": ["on time"], "Waiting": ["wait", "on hold"]})
    assert flags["Punctuality"].tolist() == [True, False, False, False]
    assert flags["Waiting"].tolist() == [False, True, False, False]


def two_topic_comments() -> pd.Series:
    rng = np.random.default_rng(0)
    waits = ["long queue at the branch", "waited an hour in the queue", "queue was endless, waited ages"]
    fees = ["hidden fees on my statement", "charged fees twice", "fees are too high on the statement"]
    return pd.Series(rng.choice(waits, 60).tolist() + rng.choice(fees, 60).tolist())


def test_discovered_themes_separate_topics_and_can_be_renamed_and_merged():
    comments = two_topic_comments()
    found = discover_themes(comments, "en", count=2)
    assert len(found.terms) == 2
    queue = next(name for name, terms in found.terms.items() if any("queue" in term for term in terms))
    fees = next(name for name in found.terms if name != queue)
    assert found.flags[queue][:60].mean() > 0.9 and found.flags[queue][60:].mean() < 0.1
    assert found.flags[fees][60:].mean() > 0.9
    assert discover_themes(comments, "en", count=2).flags.equals(found.flags)  # seeded
    renamed, discovered = named_themes(comments, "en", 2, {queue: "Waiting", fees: "Fees"})
    assert set(renamed.columns) == {"Waiting", "Fees"} and set(discovered) == {queue, fees}
    merged, _ = named_themes(comments, "en", 2, {queue: "Everything", fees: "Everything"})
    assert list(merged.columns) == ["Everything"] and merged["Everything"].all()
    assert discover_themes(comments[:10], "en").flags.empty  # too few comments for any theme


def test_representativeness_ranks_the_typical_comment_first():
    comments = pd.Series(["queue waited long", "long queue waited", "queue and app and fees", "fees only"])
    flags = pd.DataFrame({"Waiting": [True, True, True, False]})
    scores = representativeness(comments, flags)["Waiting"]
    assert scores[2] < min(scores[0], scores[1]) and scores[3] == 0


def test_quotes_agree_with_their_rating_and_are_never_reused():
    client = load_client(DEMO_CLIENTS_DIR / "northwind")
    analysis = diagnosis.comment_analysis(client)
    quotes = diagnosis.example_quotes(client, analysis, translator("en"))
    assert len(quotes) > 0 and quotes["Comment"].is_unique
    nps = quotes["NPS"].astype(int)
    assert (nps[quotes["Sentiment"] == "Negative"] <= 6).all()
    assert (nps[quotes["Sentiment"] == "Positive"] >= 9).all()
    shown = diagnosis.shown_themes(analysis)
    assert (shown.sum() >= diagnosis.MIN_THEME_MENTIONS).all()
    assert set(quotes["Theme"]) <= set(shown.columns)


def test_unknown_theme_names_in_client_yaml_are_a_validation_error(tmp_path):
    folder = tmp_path / "client"
    shutil.copytree(DEMO_CLIENTS_DIR / "northwind", folder)
    config = yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))
    config["comments"] = {"names": {"no such theme": "Waiting"}}
    (folder / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    _, problems = check_client(folder)
    message = str(problems[-1])
    assert message.startswith("client.yaml: comments.names: 'no such theme' is not a theme found")
    assert "the themes are: " in message and " · " in message
    config["comments"] = {"keywords": {"Waiting": ["waited", "on hold"]}}
    (folder / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    analysis = diagnosis.comment_analysis(load_client(folder))
    assert list(analysis.themes.columns) == ["Waiting"] and not analysis.discovered


#: Personal data in the forms the masking must catch, with what must remain.
PERSONAL_DATA = [
    ("Escríbanme a ana.lopez+x@correo.com.mx o al +52 55 1234 5678", "Escríbanme a [e-mail] o al [tel.]"),
    ("my name is John Smith and I waited", "my name is [name] and I waited"),
    ("Me llamo María José López y nadie me atendió", "Me llamo [name] y nadie me atendió"),
    ("Mi nombre es Pedro, cliente", "Mi nombre es [name], cliente"),
    ("I’m Sarah, card 4111 1111 1111 1111 was charged twice", "I’m [name], card [card] was charged twice"),
    ("CURP GOPJ800101HDFRRN09 y RFC GOPJ800101AB1", "CURP [id] y RFC [id]"),
    ("DNI 12345678Z, NIE X1234567L", "DNI [id], NIE [id]"),
    ("RUT 12.345.678-5 y cédula 1.020.304.050", "RUT [id] y cédula [id]"),
    ("pagué con CC 1020304050", "pagué con CC [id]"),
    ("NI number AB 12 34 56 C, NHS 943 476 5919", "NI number [id], NHS [tel.]"),
    ("IBAN ES91 2100 0418 4502 0005 1332", "IBAN [account]"),
    ("see https://example.com/x?a=1 and @ba_help", "see [url] and [handle]"),
    ("cuenta 0012345678 bloqueada", "cuenta [tel.] bloqueada"),
    ("policy 884421 still open", "policy [number] still open"),
    ("I waited 45 minutes at 10:30 on 12/03/2024 for 2 hours", None),
    ("Llegué el 15 de marzo, 3 horas de espera", None),
    ("I am very happy with flight BA 2490", None),
]


@pytest.mark.parametrize(("text", "expected"), PERSONAL_DATA)
def test_personal_data_is_masked_and_the_rest_kept(text, expected):
    assert mask_personal_data(pd.Series([text])).iloc[0] == (expected or text)


@pytest.mark.slow
def test_reports_and_executed_notebooks_never_carry_planted_personal_data(tmp_path):
    folder = tmp_path / "pii-client"
    shutil.copytree(DEMO_CLIENTS_DIR / "northwind", folder)
    config = yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))
    config["slug"] = "pii-client"
    config["comments"] = {"keywords": {"Phone support": ["on hold"]}}  # only the planted comments
    (folder / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    survey = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    planted = "My name is Jane Doe, write to jane.doe@example.com or call +44 20 7946 0958"
    rows = survey.index[pd.to_numeric(survey["LTR (0-10)"], errors="coerce") <= 6][:40]
    survey.loc[rows, "Verbatim"] = planted + ". Waited on hold for ages, never again."
    survey.to_csv(folder / "survey.csv", index=False)
    out = tmp_path / "reports"
    assert run([str(folder)], out, step_names=["01"]) == 0
    written = [path for path in (out / "pii-client").rglob("*") if path.is_file()]
    assert any(path.suffix == ".ipynb" for path in written) or any(path.suffix == ".html" for path in written)
    text = "\n".join(path.read_text(encoding="utf-8", errors="ignore") for path in written)
    assert "My name is [name], write to [e-mail] or call [tel.]" in text  # quoted, masked
    for secret in ("Jane", "jane.doe", "7946 0958"):
        assert secret not in text

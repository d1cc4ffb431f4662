"""Comment findings a client can read: no reading set against the ratings it learnt from, a
calibration graded only on texts it never saw, theme names in the customers' own words and quotes
that belong to their theme and side."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from cxlib.core.i18n import translator
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import load_client
from cxlib.stats.text import calibrated_sentiment, rating_labels
from cxlib.steps import diagnosis


@pytest.fixture(scope="module")
def northwind():
    client = load_client(DEMO_CLIENTS_DIR / "northwind")
    return client, diagnosis.comment_analysis(client)


def test_sentiment_by_nps_group_never_uses_a_reading_learnt_from_nps(northwind):
    client, analysis = northwind
    ratings = diagnosis.comment_ratings(client, analysis.comments.index)
    circular = dataclasses.replace(  # a classifier that learnt the NPS groups perfectly
        analysis,
        sentiment=analysis.sentiment.assign(label=ratings),
        calibration=dataclasses.replace(analysis.calibration, method="classifier"),
    )
    bars = diagnosis.sentiment_chart(client, circular, translator("en")).data[0]
    shares = dict(zip(bars.y, bars.x, strict=True))
    nps = client.tables["survey"].loc[analysis.comments.index, "nps"]
    lexicon_negative = analysis.sentiment["lexicon"].eq("negative")
    groups = {"Detractors (0-6)": nps <= 6, "Passives (7-8)": nps.between(7, 8), "Promoters (9-10)": nps >= 9}
    for group, members in groups.items():
        assert shares[group] == pytest.approx(100 * lexicon_negative[members].mean()), group  # in %
    assert (lexicon_negative != ratings.eq("negative")).any()  # the two readings differ somewhere


def test_calibration_is_graded_on_texts_it_never_saw():
    rng = np.random.default_rng(3)
    n = 600
    scores = pd.Series(rng.integers(0, 11, n))
    # one private code word per NPS score: remembered by a model that saw the same text, but
    # unknowable for a text never seen
    texts = scores.map(lambda score: f"visit code{score} today").set_axis(scores.index)
    truth = rating_labels(scores, 0, 10, nps=True)
    _, calibration = calibrated_sentiment(texts, "en", truth)
    assert calibration.repeats == n - 11
    assert calibration.classifier_accuracy <= calibration.majority + 0.02  # ungrouped: 100%
    assert calibration.method == "lexicon"


@pytest.mark.parametrize("slug", ["demo", "northwind"])
def test_demo_calibration_is_not_perfect_and_reports_its_repeats(slug):
    analysis = diagnosis.comment_analysis(load_client(DEMO_CLIENTS_DIR / slug))
    calibration = analysis.calibration
    assert calibration.classifier_accuracy < 0.99
    assert calibration.repeats == calibration.n - analysis.comments.nunique()
    key, facts = diagnosis.sentiment_method(analysis, translator("en"))
    assert key.endswith("_chosen") and facts["repeats"] == f"{calibration.repeats:,}"


@pytest.mark.parametrize("slug", ["demo", "northwind"])
def test_theme_names_are_written_as_the_customers_wrote_them(slug):
    client = load_client(DEMO_CLIENTS_DIR / slug)
    analysis = diagnosis.comment_analysis(client)
    written = set(analysis.comments.str.findall(r"\w+").explode().dropna())
    names = list(analysis.themes.columns)
    assert len(names) >= 4 and len(set(names)) == len(names)
    for name in names:
        for phrase in name.split(" · "):
            assert set(phrase.split()) <= written, phrase
            assert any(phrase in comment for comment in analysis.comments.unique()), phrase


@pytest.mark.parametrize("slug", ["demo", "northwind"])
def test_quotes_belong_to_their_theme_and_their_text_says_their_side(slug):
    client = load_client(DEMO_CLIENTS_DIR / slug)
    analysis = diagnosis.comment_analysis(client)
    ratings = diagnosis.comment_ratings(client, analysis.comments.index)
    # a reading that follows the rating (as a classifier trained on it may): the text still decides
    rating_led = dataclasses.replace(analysis, sentiment=analysis.sentiment.assign(label=ratings))
    t = translator(client.config.language)
    quotes = diagnosis.example_quotes(client, rating_led, t)
    assert len(quotes) >= 3
    side = {t("diagnosis.sentiment.negative"): "negative", t("diagnosis.sentiment.positive"): "positive"}
    text_reading = dict(
        zip(analysis.comments.map(diagnosis.plain_text), analysis.sentiment["lexicon"], strict=True)
    )
    theme_column, quote_column, sentiment_column = (
        t("diagnosis.col.theme"),
        t("diagnosis.col.quote"),
        t("diagnosis.col.sentiment"),
    )
    for _, row in quotes.iterrows():
        assert text_reading[row[quote_column]] == side[row[sentiment_column]]
        words = {word.lower() for phrase in row[theme_column].split(" · ") for word in phrase.split()}
        assert words & set(row[quote_column].lower().replace(",", " ").split()), row.to_dict()


def test_comment_repeats_count_copies_of_a_text_case_accents_and_spacing_aside():
    from cxlib.steps.overview import comment_repeats, comments_templated

    comments = pd.Series(["Pésimo servicio", "pesimo  SERVICIO", "Muy bien", "Muy bien", "Otro texto"])
    assert comment_repeats(comments) == {"n": 5, "distinct": 3, "repeats": 2}
    assert not comments_templated(comments)  # 2 of 5: under half
    assert comments_templated(pd.Series(["Bien"] * 3 + ["Mal"] * 3 + ["Regular"]))  # 4 of 7
    assert not comments_templated(pd.Series(["a", "a", "b", "b"]))  # exactly half is not over half
    assert not comments_templated(pd.Series([], dtype="string"))


def test_templated_comments_are_named_on_the_checks_and_before_the_comment_figures():
    from cxlib.steps import overview

    client = load_client(DEMO_CLIENTS_DIR / "demo")  # 3,693 of its 3,711 comments repeat a few texts
    t = translator("es")
    checks = overview.data_checks(client, t)
    rows = dict(zip(checks.iloc[:, 0], checks.iloc[:, 1], strict=True))
    assert "respuestas predefinidas" in rows["Comentarios repetidos"]
    assert "todas sus preguntas a la vez" in rows["Respuestas duplicadas"]  # whole responses, said so
    assert overview.comments_templated(client.comments())
    cleaned = client.comments().drop_duplicates()  # one of each text: nothing templated left
    assert not overview.comments_templated(cleaned)
    assert "palabras propias" in t(
        "overview.checks.comment_repeats.varied", repeats=0, comments=len(cleaned), distinct=len(cleaned)
    )


def test_quotes_show_a_comments_words_without_its_markup():
    assert diagnosis.plain_text("Pésimo <b>x</b> & muy  lento") == "Pésimo x & muy lento"
    assert diagnosis.plain_text('ok <script>alert("x")</script><img src=x onerror=alert(1)>') == "ok"
    client = load_client(DEMO_CLIENTS_DIR / "demo")  # plants "<b>telefónico</b>" to test escaping
    quotes = diagnosis.example_quotes(client, diagnosis.comment_analysis(client), translator("es"))
    shown = " ".join(quotes.iloc[:, 1])
    assert "<b>" in " ".join(client.comments()) and "<" not in shown and ">" not in shown
    assert "Pésimo servicio telefónico & muchas vueltas" in shown

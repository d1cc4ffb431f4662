"""Emotions in comments: the lexicon on known sentences, planted and shuffled outcome links, and the
public labelled corpora (skipped when absent; see data/public/README.md)."""

from __future__ import annotations

import importlib.util
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from cxlib.core.i18n import translator
from cxlib.core.paths import DEMO_CLIENTS_DIR, PROJECT_DIR
from cxlib.inputs.client import load_client
from cxlib.render.charts import pop_takeaway
from cxlib.stats import emotions
from cxlib.stats.estimators import wilson_interval
from cxlib.stats.text import fold
from cxlib.steps import emotions as comment_emotions

SPANISH = {
    "Esperé más de una hora en sucursal": {"frustration"},
    "No quedé satisfecho con la atención": {"disappointment"},
    "Muchas gracias, mi ejecutiva siempre me ayuda": {"gratitude"},
    "Me cobraron una comisión que nadie me explicó": {"worry"},
    "Confío en el banco": {"trust"},
    "No confío en ustedes": {"worry"},
    "Estoy muy preocupada por un cargo no reconocido": {"worry"},
    "Qué decepción, esperaba más": {"disappointment"},
    "Excelente atención, me conocen por mi nombre": {"satisfaction", "trust"},
    "No me ayudaron para nada": {"disappointment"},
    "Abrí la cuenta el martes": set(),
}
ENGLISH = {
    "Nobody told me the upgrade would cost more": {"worry"},
    "I am not happy with this": {"disappointment"},
    "Thanks so much, really helpful": {"gratitude"},
    "Call centre passed me around four times": {"frustration"},
    "I trust them": {"trust"},
    "Sorted my issue in one call": {"satisfaction"},
    "So disappointed.": {"disappointment"},
    "I opened the account on Tuesday": set(),
}


@pytest.mark.parametrize(("language", "cases"), [("es", SPANISH), ("en", ENGLISH)])
def test_known_sentences_carry_their_emotions(language, cases):
    texts = pd.Series(list(cases), index=np.arange(len(cases)) * 10)
    flags = emotions.emotions(texts, language)
    assert list(flags.columns) == list(emotions.emotion_names())
    assert flags.index.equals(texts.index)
    found = [set(flags.columns[row]) for row in flags.to_numpy()]
    assert found == list(cases.values())


def test_missing_and_repeated_comments():
    texts = pd.Series(["Pésimo servicio", None, "pesimo servicio", "PÉSIMO SERVICIO"])
    flags = emotions.emotions(texts, "es")
    assert flags["frustration"].tolist() == [True, False, True, True]
    assert not flags.iloc[1].any()


def test_every_cue_names_one_emotion_in_each_language():
    data = emotions.lexicon_data()
    assert set(data["negated"]) <= set(data["emotions"]) >= set(data["negated"].values())
    for language, cues in data["cues"].items():
        assert list(cues) == data["emotions"], language
        folded = {emotion: set(fold(pd.Series(words)).tolist()) for emotion, words in cues.items()}
        for emotion, words in folded.items():
            others = set().union(*(w for e, w in folded.items() if e != emotion))
            assert not words & others, (language, emotion, words & others)


def _planted(n: int, seed: int, gap: float) -> tuple[pd.DataFrame, pd.Series]:
    """Comments where frustration lowers the NPS-coded score by ``gap`` points on average."""
    rng = np.random.default_rng(seed)
    flags = pd.DataFrame(rng.random((n, 6)) < 0.2, columns=list(emotions.emotion_names()))
    base = rng.choice([-100.0, 0.0, 100.0], n, p=[0.3, 0.3, 0.4])
    lowered = np.where(flags["frustration"] & (rng.random(n) < gap / 100), -100.0, base)
    return flags, pd.Series(lowered)


def test_a_planted_emotion_outcome_link_is_found():
    flags, score = _planted(3000, seed=1, gap=60)
    table = emotions.compare_flags(flags, score).set_index("emotion")
    assert table.loc["frustration", "finding"] and table.loc["frustration", "difference"] < -40
    assert table.loc["frustration", "mean_with"] == pytest.approx(score[flags["frustration"]].mean())
    assert table.drop("frustration")["finding"].sum() <= 1


def test_a_shuffled_outcome_finds_nothing_across_seeds():
    findings = 0
    for seed in range(20):
        flags, score = _planted(2000, seed=seed, gap=60)
        shuffled = pd.Series(np.random.default_rng(100 + seed).permutation(score.to_numpy()))
        findings += int(emotions.compare_flags(flags, shuffled)["finding"].sum())
    assert findings <= 2  # Bonferroni over six emotions: about one family in twenty by chance


def test_thin_emotions_are_listed_without_a_comparison():
    flags, score = _planted(200, seed=3, gap=0)
    flags["trust"] = False
    flags.loc[:4, "trust"] = True
    row = emotions.compare_flags(flags, score).set_index("emotion").loc["trust"]
    assert row["n_with"] == 5 and np.isnan(row["difference"]) and not row["finding"]


def test_shares_have_wilson_intervals_by_group():
    frame = pd.DataFrame({"stage": ["A"] * 40 + ["B"] * 10})
    flags = pd.DataFrame(False, index=frame.index, columns=list(emotions.emotion_names()))
    flags.loc[:9, "worry"] = True  # 10 of stage A's 40
    table = emotions.emotion_shares(frame, flags, "stage").set_index(["group", "emotion"])
    low, high = wilson_interval(10, 40)
    assert table.loc[("A", "worry"), ["share", "low", "high", "n"]].tolist() == pytest.approx(
        [0.25, float(low), float(high), 40]
    )
    assert table.loc[("B", "worry"), "share"] == 0
    overall = emotions.emotion_shares(frame, flags).set_index("emotion")
    assert overall.loc["worry", "share"] == pytest.approx(0.2)


def test_outcome_scores():
    nps = pd.Series([0, 6, 7, 8, 9, 10, None])
    assert emotions.outcome_score(nps, "nps").tolist()[:6] == [-100, -100, 0, 0, 100, 100]
    assert np.isnan(emotions.outcome_score(nps, "nps").iloc[6])
    csat = pd.Series([1, 3, 4, 5])
    assert emotions.outcome_score(csat, "csat", (1, 5)).tolist() == [0, 0, 100, 100]
    satisfied = pd.Series([True, False, None], dtype="boolean")
    assert emotions.outcome_score(satisfied, "satisfied").tolist()[:2] == [100, 0]


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        "emotion_benchmark", PROJECT_DIR / "benchmarks" / "emotions.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("corpus", "file", "floors"),
    [
        ("GoEmotions test (en)", "goemotions_test.tsv", {"gratitude": 0.8, "satisfaction": 0.5}),
        ("EmoEvent (es)", "emoevent_es.csv", {"disappointment": 0.5, "satisfaction": 0.35}),
    ],
)
def test_public_emotion_corpora(corpus, file, floors):
    if not (PROJECT_DIR / "data" / "public" / file).exists():
        pytest.skip(f"public data absent: data/public/{file} (see data/public/README.md)")
    benchmark = _benchmark()
    texts, gold, language = benchmark.corpora()[corpus]
    chosen = np.random.default_rng(0).choice(len(texts), min(len(texts), 3000), replace=False)
    texts, gold = texts.iloc[chosen].reset_index(drop=True), gold.iloc[chosen].reset_index(drop=True)
    table = benchmark.scores(emotions.emotions(texts, language), gold).set_index("emotion")
    for emotion, floor in floors.items():
        assert table.loc[emotion, "f1"] > floor, (emotion, table.loc[emotion].to_dict())
    assert table["f1"].mean() > 3 * table["f1_shuffled"].mean()


def _survey_client(n: int, seed: int, linked: bool) -> SimpleNamespace:
    """A stand-in client whose survey maps NPS, tenure and repurchase; with ``linked``, promoters
    buy again far more often than detractors."""
    rng = np.random.default_rng(seed)
    nps = rng.integers(0, 11, n)
    chance = np.where(nps >= 9, 0.7, np.where(nps >= 7, 0.5, 0.3)) if linked else np.full(n, 0.5)
    survey = pd.DataFrame(
        {
            "nps": nps,
            "tenure_years": rng.gamma(2.0, 3.0, n),
            "repurchase": pd.array(rng.random(n) < chance, dtype="boolean"),
        }
    )
    return SimpleNamespace(tables={"survey": survey}, survey_scales={})


def test_buying_behaviour_finds_a_planted_repurchase_gap_and_nothing_when_shuffled():
    behaviour = comment_emotions.buying_behaviour(_survey_client(1500, 1, linked=True), "nps")
    fields = behaviour.drop_duplicates("field").set_index("field")
    assert fields.loc["repurchase", "finding"] and 30 < fields.loc["repurchase", "difference"] < 50
    assert not fields.loc["tenure_years", "finding"]
    by_group = behaviour[behaviour["field"] == "repurchase"].set_index("group")["value"]
    assert by_group["detractor"] < by_group["passive"] < by_group["promoter"]
    found = sum(
        comment_emotions.buying_behaviour(_survey_client(1500, seed, linked=False), "nps")["finding"].any()
        for seed in range(20)
    )
    assert found <= 2
    t = translator("es")
    table = comment_emotions.buying_table(behaviour, "nps", t)
    assert list(table[t("emotions.col.behaviour")]) == [
        t("emotions.buying.tenure_years"),
        t("emotions.buying.repurchase"),
    ]
    assert comment_emotions.buying_takeaway(behaviour, "nps", t)[0] == "emotions.buying_top"


@pytest.mark.parametrize(("slug", "language"), [("demo", "es"), ("northwind", "en")])
def test_demo_emotions_by_stage_and_outcome(slug, language):
    client = load_client(DEMO_CLIENTS_DIR / slug)
    t = translator(language)
    reading = comment_emotions.read_emotions(client)
    assert len(reading.flags) == len(client.comments())
    key, facts = pop_takeaway(comment_emotions.group_chart(client, reading, "stage", t))
    stages = set(client.tables["journey"]["stage"])
    assert key in ("emotions.takeaway_frustration", "emotions.takeaway_frustration_similar")
    assert facts["group"] in stages and facts.get("other", facts["group"]) in stages
    comparison = comment_emotions.outcome_comparison(client, reading, "nps")
    frustration = comparison.set_index("emotion").loc["frustration"]
    assert frustration["finding"] and frustration["difference"] < 0  # the demos' detractors complain
    assert comment_emotions.shuffled_findings(client, reading, "nps") == 0
    shown = comment_emotions.overall_table(reading, t)[t("emotions.col.emotion")].tolist()
    absent = comment_emotions.absent(reading.flags)
    assert "disappointment" in absent  # no demo comment voices it
    assert shown == [t(f"emotions.name.{name}") for name in emotions.emotion_names() if name not in absent]


def _reading(n: int, seed: int, gap: float) -> tuple[comment_emotions.EmotionReading, pd.Series]:
    """:func:`_planted` comments as a reading (two journey stages) and their scores."""
    flags, score = _planted(n, seed, gap)
    responses = pd.DataFrame({"stage": np.where(np.arange(n) % 2, "Buy", "Use")})
    return comment_emotions.EmotionReading(flags, responses), score


def test_published_emotions_hold_shares_and_the_lower_emotion():
    reading, score = _reading(3000, seed=1, gap=60)
    comparison = emotions.compare_flags(reading.flags, score)
    published = comment_emotions.published(reading, "nps", comparison, 0)
    worry = published["shares"]["worry"]
    count = int(reading.flags["worry"].sum())
    low, high = wilson_interval(count, 3000)
    assert [worry["share"], worry["low"], worry["high"], worry["n"], worry["count"]] == pytest.approx(
        [count / 3000, float(low), float(high), 3000, count]
    )
    lower = published["lower"]
    frustration = comparison.set_index("emotion").loc["frustration"]
    assert lower["emotion"] == "frustration" and published["comments"] == 3000
    assert [lower["difference"], lower["low"], lower["high"]] == pytest.approx(
        frustration[["difference", "low", "high"]].tolist()
    )
    assert lower["high"] < 0 and lower["n_with"] == reading.flags["frustration"].sum()
    # A shuffled-ratings check that found something withholds the claim; so does no outcome.
    assert comment_emotions.published(reading, "nps", comparison, 1)["lower"] is None
    assert comment_emotions.published(reading, None, None, None)["lower"] is None


def test_shuffled_ratings_claim_no_emotion():
    claimed = 0
    for seed in range(20):
        reading, score = _reading(2000, seed=seed, gap=60)
        shuffled = pd.Series(np.random.default_rng(100 + seed).permutation(score.to_numpy()))
        comparison = emotions.compare_flags(reading.flags, shuffled)
        claimed += comment_emotions.published(reading, "nps", comparison, 0)["lower"] is not None
    assert claimed <= 1  # a lower outcome, simultaneous over six emotions: about one in forty by chance


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_index_and_the_deck_carry_the_emotion_sentence(tmp_path, language):
    from pptx import Presentation

    from cxlib.render import results
    from cxlib.render.brand import Brand
    from cxlib.render.slides import _Deck, _emotions_slide
    from cxlib.render.summary import findings

    t = translator(language)
    reading, score = _reading(3000, seed=1, gap=60)
    published = comment_emotions.published(reading, "nps", emotions.compare_flags(reading.flags, score), 0)
    results.publish(tmp_path, "01_diagnosis", {"metrics": {}, "pillars": {}, "emotions": published})
    (found,) = [f for f in findings(tmp_path, t) if f.section == "summary.section.emotions"]
    assert found.href == "01_diagnosis.html#comment-emotions"
    assert found.text.startswith(t("emotions.name.frustration") + " ")
    assert t.number(3000) in found.text and found.text.count("[") == 2 and "n = " in found.text
    deck = _Deck(Brand(), "footer")
    _emotions_slide(deck, {"emotions": published}, t)
    buffer = tmp_path / "deck.pptx"
    deck.presentation.save(buffer)
    (slide,) = Presentation(buffer).slides
    texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
    assert found.text in texts
    (chart,) = [shape.chart for shape in slide.shapes if shape.has_chart]
    shares = [share["share"] for share in published["shares"].values()]
    # the chart holds the shares as it shows them, rounded to its format
    assert list(chart.plots[0].series[0].values) == pytest.approx(shares, abs=0.005)
    common = comment_emotions.published(reading, None, None, None)
    results.publish(tmp_path, "01_diagnosis", {"metrics": {}, "pillars": {}, "emotions": common})
    (found,) = [f for f in findings(tmp_path, t) if f.section == "summary.section.emotions"]
    ranked = sorted(common["shares"].items(), key=lambda item: item[1]["share"], reverse=True)
    (top, first), (other, second) = ranked[:2]
    assert first["low"] <= second["high"]  # six emotions planted at one rate: the top two overlap
    assert found.text == t(
        "summary.emotion_similar",
        emotion=t(f"emotions.name.{top}"),
        share=t.interval(first["share"], first["low"], first["high"], percent=True),
        other=t.inline(t(f"emotions.name.{other}")),
        other_share=t.interval(second["share"], second["low"], second["high"], percent=True),
        n=t.number(3000),
    )


def _share(share: float, low: float, high: float, n: int = 1000) -> dict:
    return {"share": share, "low": low, "high": high, "n": n, "count": round(share * n)}


def test_the_leader_is_named_only_when_its_interval_clears_the_next():
    from cxlib.render.summary import leader

    clear = [_share(0.30, 0.27, 0.33), _share(0.20, 0.18, 0.22), _share(0.05, 0.04, 0.06)]
    assert leader(clear) == (clear[0], None)
    close = [_share(0.20, 0.18, 0.22), _share(0.22, 0.19, 0.25)]
    assert leader(close) == (close[1], close[0])
    assert leader([clear[2]]) == (clear[2], None)


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_summary_says_most_frequent_only_of_a_share_set_apart(language):
    from cxlib.render.summary import emotion_sentence

    t = translator(language)
    apart = {"frustration": _share(0.30, 0.27, 0.33), "worry": _share(0.20, 0.18, 0.22)}
    published = {"comments": 1000, "shares": apart, "absent": [], "metric": None, "lower": None}
    assert emotion_sentence(published, t) == t(
        "summary.emotion_common",
        emotion=t("emotions.name.frustration"),
        share=t.interval(0.30, 0.27, 0.33, percent=True),
        n=t.number(1000),
    )
    close = {"worry": _share(0.20, 0.18, 0.22), "frustration": _share(0.22, 0.19, 0.25)}
    sentence = emotion_sentence(published | {"shares": close}, t)
    assert (
        sentence.startswith(t("emotions.name.frustration")) and t("emotions.name.worry").lower() in sentence
    )
    assert sentence == t(
        "summary.emotion_similar",
        emotion=t("emotions.name.frustration"),
        share=t.interval(0.22, 0.19, 0.25, percent=True),
        other=t.inline(t("emotions.name.worry")),
        other_share=t.interval(0.20, 0.18, 0.22, percent=True),
        n=t.number(1000),
    )


def test_emotions_planted_at_one_rate_are_seldom_called_most_frequent():
    """The null of "most frequent": six emotions at the same rate; the summary names one as the
    most frequent in at most 2 of 20 samples (it should say they are similar)."""
    from cxlib.render.summary import leader

    claimed = 0
    for seed in range(20):
        flags = pd.DataFrame(
            np.random.default_rng(seed).random((3000, 6)) < 0.2, columns=list(emotions.emotion_names())
        )
        shares = emotions.emotion_shares(pd.DataFrame(index=flags.index), flags)
        claimed += leader(shares.to_dict("records"))[1] is None
    assert claimed <= 2


@pytest.mark.parametrize("language", ["es", "en"])
def test_an_emotion_no_comment_carries_is_named_once_and_never_drawn(tmp_path, language):
    from pptx import Presentation

    from cxlib.render.brand import Brand
    from cxlib.render.slides import _Deck, _emotions_slide

    t = translator(language)
    reading, score = _reading(600, seed=2, gap=60)
    reading.flags[["gratitude", "trust"]] = False
    published = comment_emotions.published(reading, None, None, None)
    assert set(published["shares"]) == {"frustration", "worry", "disappointment", "satisfaction"}
    assert published["absent"] == ["gratitude", "trust"]
    table = comment_emotions.overall_table(reading, t)
    assert t("emotions.name.trust") not in set(table[t("emotions.col.emotion")]) and len(table) == 4
    figure = comment_emotions.group_chart(
        SimpleNamespace(has=lambda name: False, tables={"survey": reading.responses}), reading, "stage", t
    )
    assert t("emotions.name.gratitude") not in figure.data[0].x and len(figure.data[0].x) == 4
    names = comment_emotions.absent_names(reading.flags, t)
    sentence = t.plural("emotions.absent", 2, names=names)
    assert sentence.endswith(t.inline(t("emotions.name.trust")) + ".") and t.number(2) in sentence
    deck = _Deck(Brand(), "footer", language)
    _emotions_slide(deck, {"emotions": published}, t)
    buffer = tmp_path / "deck.pptx"
    deck.presentation.save(buffer)
    (slide,) = Presentation(buffer).slides
    text = "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
    assert sentence in text and text.count(t.inline(t("emotions.name.trust"))) == 1
    (chart,) = [shape.chart for shape in slide.shapes if shape.has_chart]
    assert list(chart.plots[0].categories) == [t(f"emotions.name.{name}") for name in published["shares"]]


def test_a_group_whose_share_overlaps_the_next_is_not_called_the_commonest():
    t = translator("en")
    rows = pd.DataFrame(
        {
            "group": ["Buy", "Use"],
            "emotion": ["frustration"] * 2,
            "share": [0.22, 0.20],
            "low": [0.19, 0.18],
            "high": [0.25, 0.22],
            "n": [800, 900],
        }
    )
    figure = comment_emotions._largest_share_takeaway(
        go.Figure(), rows, "emotions.takeaway_frustration", "group", {}, t
    )
    key, values = pop_takeaway(figure)
    assert key == "emotions.takeaway_frustration_similar" and values["other"] == "Use"
    apart = rows.assign(low=[0.23, 0.18], high=[0.26, 0.22])
    key, _ = pop_takeaway(
        comment_emotions._largest_share_takeaway(
            go.Figure(), apart, "emotions.takeaway_frustration", "group", {}, t
        )
    )
    assert key == "emotions.takeaway_frustration"


@pytest.mark.parametrize(("slug", "language"), [("demo", "es"), ("northwind", "en")])
def test_demo_publishes_frustration_and_nothing_on_shuffled_ratings(slug, language):
    from cxlib.render.summary import emotion_sentence
    from cxlib.steps import journey

    client = load_client(DEMO_CLIENTS_DIR / slug)
    t = translator(language)
    reading = comment_emotions.read_emotions(client)
    metric = comment_emotions.outcome_metric(client)
    comparison = comment_emotions.outcome_comparison(client, reading, metric)
    shuffled = comment_emotions.shuffled_findings(client, reading, metric)
    published = comment_emotions.published(reading, metric, comparison, shuffled)
    assert published["lower"]["emotion"] == "frustration" and published["lower"]["high"] < 0
    sentence = emotion_sentence(published, t)
    assert sentence.startswith(t("emotions.name.frustration")) and t("metric.nps") in sentence
    tones = comment_emotions.tone_by_stage(client, reading)
    key, facts = pop_takeaway(comment_emotions.curve_chart(tones, journey.measured_emotion(client), t))
    assert key in ("emotions.curve_takeaway", "emotions.curve_takeaway_similar")
    assert facts["stage"] in set(client.tables["journey"]["stage"])
    # The same pipeline with the ratings shuffled among the respondents claims no emotion.
    responses = reading.responses.copy()
    responses[metric] = np.random.default_rng(7).permutation(responses[metric].to_numpy())
    shuffled_reading = comment_emotions.EmotionReading(reading.flags, responses)
    comparison = comment_emotions.outcome_comparison(client, shuffled_reading, metric)
    assert not comparison["finding"].any()
    nulled = comment_emotions.published(reading, metric, comparison, 0)
    assert nulled["lower"] is None
    assert emotion_sentence(nulled, t).endswith(t("summary.emotion_no_lower", metric=t(f"metric.{metric}")))


def _check_published_emotions(folder, slug: str, tmp_path) -> None:
    """A demo's run: step 01 published frustration as going with a lower NPS (not on shuffled
    ratings), its index carries the emotions sentence, and its deck a slide titled by it."""
    import datetime as dt
    import html
    import shutil

    from pptx import Presentation

    from cxlib.render.brand import brand_of
    from cxlib.render.results import load
    from cxlib.render.slides import write_summary
    from cxlib.render.summary import emotion_sentence

    published = load(folder, "01_diagnosis")["emotions"]
    assert published["shuffled_findings"] == 0 and published["lower"]["emotion"] == "frustration"
    client = load_client(DEMO_CLIENTS_DIR / slug)
    t = client.translator()
    sentence = emotion_sentence(published, t)
    assert html.escape(sentence, quote=False) in (folder / "index.html").read_text(encoding="utf-8")
    report = tmp_path / slug
    shutil.copytree(folder, report)
    brand = brand_of(client.config, client.directory)
    deck = Presentation(write_summary(report, slug, client.config.name, t, brand, dt.datetime(2026, 12, 6)))
    titles = [
        [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame] for slide in deck.slides
    ]
    assert sum(texts[0] == sentence for texts in titles) == 1


@pytest.mark.slow
@pytest.mark.parametrize("slug", ["demo", "northwind"])
def test_the_demos_index_and_deck_carry_the_emotions(demo_reports, slug, tmp_path):
    _check_published_emotions(demo_reports / slug, slug, tmp_path)

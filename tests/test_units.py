"""Unit tests of cxlib on small inputs with known answers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cxlib.core.exceptions import Problem
from cxlib.core.files import swap_folder, write_text_atomic
from cxlib.core.i18n import CATALOGUE, LANGUAGES, translator
from cxlib.core.method import PILLAR_SPELLINGS, PILLARS, normalise_name, vocabulary_aliases
from cxlib.inputs.client import check_client
from cxlib.inputs.config import parse_scale
from cxlib.inputs.schema import ProblemCollector, parse_bool, parse_dates, parse_number
from cxlib.inputs.tables import decode_text, read_table, sniff_separator
from cxlib.stats.estimators import share_table, wilson_interval


def test_catalogue_has_every_language():
    incomplete = [
        key for key, texts in CATALOGUE.items() if set(texts) != set(LANGUAGES) or not all(texts.values())
    ]
    assert incomplete == []


def test_locale_formatting():
    assert translator("es", "es_ES").number(12345.5, 1) == "12.345,5"
    assert translator("es", "es_MX").number(12345.5, 1) == "12,345.5"
    assert translator("en", "en_GB").percent(0.256, 1) == "25.6%"
    assert translator("es", "es_MX").month(dt.date(2025, 3, 1)) == "mar 2025"
    with pytest.raises(ValueError):
        translator("es", "en_GB")


def test_pillar_aliases_accept_spanish_and_english_labels():
    aliases = vocabulary_aliases("pillar", PILLARS, PILLAR_SPELLINGS)
    assert aliases[normalise_name("Tiempo y esfuerzo")] == "time_effort"
    assert aliases[normalise_name("Time & effort")] == "time_effort"
    assert aliases[normalise_name("Empatía")] == "empathy"
    assert aliases[normalise_name("personalization")] == "personalisation"


def test_scales():
    assert parse_scale("0-10").bounds == (0, 10)
    assert parse_scale("Sí/No").is_binary
    with pytest.raises(ValueError):
        parse_scale("5-1")


def test_spanish_excel_csv_is_detected(tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(
        "unit;retention;revenue\nSucursal Coyoacán;0,85;1200,5\n\nSucursal León;0,9;900\n".encode("cp1252")
    )
    raw, problems = read_table(path)
    assert problems == []
    assert raw.separator == ";" and raw.encoding == "cp1252" and raw.decimal_comma
    assert list(raw.frame["unit"]) == ["Sucursal Coyoacán", "Sucursal León"]
    assert list(raw.frame.index) == [2, 4]  # the blank line keeps its spreadsheet row number
    numbers, bad = parse_number(raw.frame["retention"], raw.decimal_comma)
    assert numbers.tolist() == [0.85, 0.9] and not bad.any()


def test_decode_and_sniff():
    assert decode_text("año".encode())[1] == "utf-8"
    assert decode_text(b"\xef\xbb\xbf" + "año".encode()) == ("año", "utf-8-sig")
    assert decode_text("año".encode("utf-16")) == ("año", "utf-16")
    assert decode_text("año".encode("cp1252"))[1] == "cp1252"
    assert sniff_separator("a\tb\n1\t2\n") == "\t"


def test_xlsx_is_read(tmp_path):
    path = tmp_path / "units.xlsx"
    pd.DataFrame({"unit": ["A", "B"], "customers": [10, 20]}).to_excel(path, index=False)
    raw, problems = read_table(path)
    assert problems == [] and raw.frame["customers"].tolist() == ["10", "20"]


def test_parsers_flag_bad_cells():
    text = pd.Series(["sí", "No", "maybe", None], index=[2, 3, 4, 5])
    parsed, bad = parse_bool(text)
    assert parsed.tolist()[:2] == [True, False] and bad.tolist() == [False, False, True, False]
    dates, bad = parse_dates(pd.Series(["2025-03-14", "14/03/2025", "soon"]))
    assert dates[0] == dates[1] == pd.Timestamp("2025-03-14") and bad.tolist() == [False, False, True]


def test_problem_collector_caps_listing():
    collector = ProblemCollector("survey.csv")
    bad = pd.Series([True] * 25, index=range(2, 27))
    collector.rows("nps", bad, lambda row: f"row {row} bad", "fix it")
    assert len(collector.problems) == 11
    assert str(collector.problems[0]) == "survey.csv:2: nps: row 2 bad; fix it"
    assert collector.problems[-1] == Problem(
        "survey.csv", None, "nps", "15 more row(s) with the same problem; fix it"
    )


def test_wilson_interval_known_values():
    # Wilson (1927) interval for 50/100 at 95%: 0.4038 to 0.5962 (Newcombe 1998, Stat Med 17:857, table I
    # method 3).
    low, high = wilson_interval(np.array([50]), np.array([100]))
    assert low[0] == pytest.approx(0.4038, abs=1e-4) and high[0] == pytest.approx(0.5962, abs=1e-4)


def test_share_table():
    shares = share_table(pd.Series(["a", "a", "b", None]))
    assert shares.loc["a", "n"] == 2 and shares.loc["a", "total"] == 3
    assert shares.loc["a", "share"] == pytest.approx(2 / 3) and bool(shares["small"].iloc[0])


def test_atomic_write_and_swap(tmp_path):
    target = tmp_path / "report"
    target.mkdir()
    write_text_atomic(target / "index.html", "old")
    built = tmp_path / "build"
    built.mkdir()
    write_text_atomic(built / "index.html", "new")
    swap_folder(built, target)
    assert (target / "index.html").read_text() == "new" and not built.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_demo_clients_load_with_mapped_survey():
    from cxlib.core.paths import DEMO_CLIENTS_DIR

    client, problems = check_client(DEMO_CLIENTS_DIR / "northwind")
    assert problems == []
    survey = client.tables["survey"]
    assert client.survey_scales["csat"].bounds == (1, 7)
    assert survey["satisfied"].dtype == "boolean"
    assert {item.pillar for item in client.survey_items} == set(PILLARS)
    assert len(survey) >= 1000 and survey["comment"].notna().mean() > 0.3


def test_every_interval_is_written_one_way_in_both_languages():
    for language, locale, expected, sign in (
        ("en", "en_GB", "-5.8; -0.8", "%"),
        ("es", "es_ES", "-5,8; -0,8", "\u00a0%"),  # Spanish writes "44 %" (RAE), with a non-breaking space
    ):
        t = translator(language, locale)
        assert t.interval(-3.0, -5.8, -0.8) == f"{t.number(-3.0, 1)} [{expected}]"
        assert t.bounds(-5.8, -0.8) == f"[{expected}]"
        assert t.interval(0.445, 0.40, 0.49, 0, percent=True) == f"44{sign} [40{sign}; 49{sign}]"


def _demo_league(shuffle: bool = False) -> dict[str, pd.DataFrame]:
    from cxlib.core.paths import DEMO_CLIENTS_DIR
    from cxlib.inputs.client import load_client
    from cxlib.steps import units

    client = load_client(DEMO_CLIENTS_DIR / "demo")
    if shuffle:  # the link between unit and answers destroyed
        survey = client.tables["survey"]
        survey["unit"] = survey["unit"].sample(frac=1, random_state=1).to_numpy()
    return units.league_tables(client)


def test_units_finding_leads_with_the_spread_and_the_ends_rank_intervals():
    from cxlib.render.summary import _league_findings
    from cxlib.steps import units

    tables = _demo_league()
    nps = tables["nps"]
    t = translator("es")
    found = _league_findings(units.league_results(tables), t)
    lead = found[0].text
    best, worst = nps["value"].idxmax(), nps["value"].idxmin()
    assert lead.startswith("NPS por unidad va de") and best in lead and worst in lead
    for unit in (best, worst):  # each end with its rank interval, never a rank alone
        row = nps.loc[unit]
        assert f"posición {row['rank']} ({row['rank_low']}–{row['rank_high']}) de 14" in lead
    assert "difieren más de lo que explica el azar" in lead  # the demo plants branch effects
    key, values = units.league_takeaway(nps, "nps", t)
    assert key == "units.led" and values["spread"] == lead  # the page's caption leads the same way


def test_shuffled_units_spread_is_within_sampling_noise():
    from cxlib.render.summary import spread_text
    from cxlib.steps import units

    tables = _demo_league(shuffle=True)
    results = units.league_results(tables)
    for metric, table in tables.items():
        assert not table.attrs["overdispersed"], metric
        assert "cabe en el azar" in spread_text(metric, results[metric], translator("es"))
        assert not results[metric]["flagged"]


def test_league_table_leaves_out_columns_that_say_nothing():
    from cxlib.steps import units

    nps = _demo_league()["nps"]
    t = translator("es")
    assert nps["position"].eq("within").all() and nps["n"].ge(30).all()
    assert t("units.col.funnel") not in units.league_display(nps, "nps", t)
    assert t("diagnosis.col.caution") not in units.league_display(nps, "nps", t)
    marked = nps.copy()
    marked.iloc[0, marked.columns.get_loc("position")] = "watch_below"
    marked.iloc[1, marked.columns.get_loc("n")] = 12
    shown = units.league_display(marked, "nps", t)
    assert {t("units.col.funnel"), t("diagnosis.col.caution")} <= set(shown.columns)


def test_funnel_chart_axis_holds_the_funnel_limits():
    from cxlib.steps import units

    nps = _demo_league()["nps"]
    figure = units.funnel_chart(nps, "nps", translator("es"))
    low, high = figure.layout.yaxis.range
    limits = [trace for trace in figure.data[1:] if trace.mode == "lines"]
    assert limits and all(low <= min(trace.y) and max(trace.y) <= high for trace in limits)


def test_deck_alarm_chart_never_puts_a_score_and_a_rate_on_one_axis(tmp_path):
    from pptx import Presentation

    from cxlib.render.brand import Brand
    from cxlib.render.slides import _Deck, _journey_slides

    t = translator("es")
    alarm = {"touchpoint": "Transferencias en app", "promise": "", "metric": "score"}
    alarms = [
        alarm | {"centre": 3.68, "limit": 3.57, "worst": 2.80},
        alarm | {"metric": "rate", "centre": 0.78, "limit": 0.59, "worst": 0.52},
    ]
    deck = _Deck(Brand(), "footer")
    _journey_slides(deck, tmp_path, {"alarms": alarms}, t)
    deck.presentation.save(tmp_path / "deck.pptx")
    (slide,) = Presentation(tmp_path / "deck.pptx").slides
    charts = [shape.chart for shape in slide.shapes if shape.has_chart]
    assert len(charts) == 2  # one panel per measure
    by_title = {chart.chart_title.text_frame.text.split(":")[0]: chart for chart in charts}
    score, rate = by_title["Puntaje medio"], by_title["Tasa de éxito"]
    assert list(score.plots[0].series[0].values) == [3.68]
    assert list(rate.plots[0].series[0].values) == [0.78] and rate.plots[0].data_labels.number_format == "0%"
    assert list(rate.plots[0].categories) == ["Transferencias en app"]


def test_deck_summary_lists_the_slides_messages_not_metric_readouts(tmp_path):
    from pptx import Presentation

    from cxlib.render import results
    from cxlib.render.brand import Brand
    from cxlib.render.slides import write_summary

    t = translator("en")
    nps = {"value": 2.8, "low": 0.8, "high": 4.9, "n": 6000}
    pillar = {"n": 6000, "source": "client", "separable": True, "weight": 0.1, "weight_low": 0.08}
    pillars = {
        name: pillar
        | {"current": current, "low": current - 0.6, "high": current + 0.6, "target": target}
        | {"gap": target - current, "share": share, "share_low": share - 0.03, "share_high": share + 0.03}
        | {"weight_high": 0.12}
        for name, current, target, share in (
            ("resolution", 64.5, 80.0, 0.6),
            ("time_effort", 48.1, 75.0, 0.4),
        )
    }
    diagnosis = {"metrics": {"nps": nps}, "pillars": pillars, "outcome": "nps", "outcome_form": "mean"}
    diagnosis |= {"r2": 0.41, "r2_low": 0.39, "r2_high": 0.43, "f_p": 0.0, "explains": True}
    diagnosis |= {"outcome_bounds": [0, 10], "n_drivers": 6000}
    results.publish(tmp_path, "01_diagnosis", diagnosis)
    path = write_summary(tmp_path, "x", "Client", t, Brand(), dt.datetime(2026, 12, 6))
    slides = [
        [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        for slide in Presentation(path).slides
    ]
    titles = [texts[0] for texts in slides]
    summary = slides[1][slides[1].index(titles[1]) + 2].split("\n")  # title, footer, then the bullets
    assert titles[1] == t("slides.summary_title", count=len(summary))
    assert summary == [f"• {title}" for title in titles[2 : 2 + len(summary)]]  # the story, in order
    assert summary[0].startswith("• NPS stands at 2.8 [0.8; 4.9]") and "Time & effort" in summary[0]
    assert "• NPS: 2.8 [0.8; 4.9], n = 6,000." not in summary  # a readout is not a message

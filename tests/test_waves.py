"""Many survey waves: changes and trends with Holm's control, a change planted in wave 3, no change
found where none was planted (nor with the waves' labels shuffled), wave sources and their errors."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from synthetic import edit_config
from wave_clients import wave_programme

from cxlib.core.exceptions import ValidationError
from cxlib.core.i18n import translator
from cxlib.inputs.client import check_client, load_client
from cxlib.stats.trend import ALPHA, adjust_p, wave_changes, wave_trends
from cxlib.steps import diagnosis
from cxlib.steps import waves as survey_waves

SEEDS = range(20)


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """Four waves, customers' mood lifted by 1 point (sd 2) from wave 3 on."""
    folder, earlier = wave_programme(tmp_path_factory.mktemp("planted") / "programme", shifts={3: 1.0})
    client = load_client(folder)
    return client, [load_client(path) for path in earlier]


def _analysis(client, tmp_path: Path) -> survey_waves.WaveAnalysis:
    return survey_waves.analyse(survey_waves.load_waves(client, tmp_path / "out" / "build", "Actual"))


def test_change_and_trend_known_answers():
    summary = pd.DataFrame(
        {
            "measure": ["a"] * 3 + ["b"] * 3,
            "wave": [0, 1, 2] * 2,
            "value": [10.0, 12.0, 14.0, 50.0, 50.0, 50.0],
            "n": [100.0] * 6,
            "sd": [10.0] * 6,
        }
    )
    changes = wave_changes(summary)
    first = changes.iloc[0]
    assert first["change"] == 2.0
    se = np.sqrt(2)  # √(10²/100 + 10²/100)
    assert first["high"] - first["low"] == pytest.approx(2 * 1.959964 * se, rel=1e-5)
    assert first["p_value"] == pytest.approx(0.1572992, rel=1e-5)  # 2·Φ(−2/√2)
    # Holm: the smallest of 4 p-values times 4, then monotone
    assert changes["p_adjusted"].min() == pytest.approx(min(1.0, 4 * changes["p_value"].min()))
    trends = wave_trends(summary)
    assert trends.loc["a", "slope"] == pytest.approx(2.0) and trends.loc["b", "slope"] == pytest.approx(0.0)
    assert trends.loc["a", "high"] - trends.loc["a", "slope"] == pytest.approx(
        1.959964 * 1 / np.sqrt(2), rel=1e-5
    )


def test_holm_and_benjamini_hochberg_known_answers():
    p = [0.01, 0.04, 0.03, 0.005]
    assert adjust_p(p, "holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])  # Holm (1979)
    assert adjust_p(p, "fdr_bh") == pytest.approx([0.02, 0.04, 0.04, 0.02])  # Benjamini & Hochberg (1995)


def test_no_change_flags_at_most_the_nominal_share():
    """4 waves × 10 measures, nothing changes: Holm keeps the chance of any false flag in a
    programme (30 changes, 10 trends) at most 5 %, over 200 simulated programmes."""
    rng = np.random.default_rng(0)
    programmes, any_change, any_trend, flags, tests = 200, 0, 0, 0, 0
    for _ in range(programmes):
        n = rng.integers(200, 1500, (10, 4)).astype(float)
        values = 60 + 20 * rng.standard_normal((10, 4)) / np.sqrt(n)
        summary = pd.DataFrame(
            {
                "measure": np.repeat([f"m{k}" for k in range(10)], 4),
                "wave": np.tile(range(4), 10),
                "value": values.ravel(),
                "n": n.ravel(),
                "sd": 20.0,
            }
        )
        changes, trends = wave_changes(summary), wave_trends(summary)
        any_change += bool(changes["significant"].any())
        any_trend += bool(trends["significant"].any())
        flags += int(changes["significant"].sum())
        tests += len(changes)
    limit = ALPHA + 2 * np.sqrt(ALPHA * (1 - ALPHA) / programmes)
    assert any_change / programmes <= limit and any_trend / programmes <= limit
    assert flags / tests <= ALPHA / 10  # per change, Holm is far stricter than 5 %


def test_the_change_planted_in_wave_3_is_found_and_nothing_else(planted, tmp_path):
    client, _ = planted
    analysis = _analysis(client, tmp_path)
    assert analysis.labels == ["Ola 1", "Ola 2", "Ola 3", "Actual"]
    assert len(analysis.table["measure"].unique()) == 10  # 4 metrics and 6 pillars
    changes = analysis.changes
    into_three = changes[changes["wave_to"] == 2]
    assert into_three["significant"].all()
    assert not changes.loc[changes["wave_to"] != 2, "significant"].any()
    ces = into_three.set_index("measure").loc["metric.ces"]
    assert ces["change"] < 0  # a better mood means less effort
    nps = into_three.set_index("measure").loc["metric.nps"]
    assert nps["low"] > 15  # a mood lift of half a standard deviation moves NPS by 30 points or so
    assert analysis.trends["significant"].all()


def _summaries_with_shuffled_waves(clients: list, seed: int) -> list[survey_waves.WaveData]:
    """The waves' responses pooled and dealt back to waves of the same sizes at random."""
    surveys = [wave.tables["survey"] for wave in clients]
    pooled = pd.concat(surveys, ignore_index=True)
    labels = np.random.default_rng(seed).permutation(
        np.repeat(np.arange(len(surveys)), [len(s) for s in surveys])
    )
    waves = []
    for number, wave in enumerate(clients):
        shuffled = copy.copy(wave)
        shuffled.tables = {"survey": pooled[labels == number]}
        waves.append(survey_waves.WaveData(f"W{number}", survey_waves.client_summary(shuffled)))
    return waves


def test_shuffled_wave_labels_flag_at_most_the_nominal_share(planted):
    client, earlier = planted
    flagged = [
        bool(
            survey_waves.analyse(_summaries_with_shuffled_waves([*earlier, client], seed))
            .changes["significant"]
            .any()
        )
        for seed in SEEDS
    ]
    assert sum(flagged) / len(SEEDS) <= ALPHA + 2 * np.sqrt(ALPHA * (1 - ALPHA) / len(SEEDS))


def test_published_results_give_the_same_summary(planted):
    client, _ = planted
    frame = diagnosis.customer_pillar_frame(client)
    scores = diagnosis.customer_pillar_scores(frame)
    published = diagnosis.step_results(
        client,
        diagnosis.overall_metrics(client.tables["survey"], client.survey_scales),
        diagnosis.pillar_targets(client, frame, scores),
        None,
        None,
        None,
    )
    from_results = survey_waves.results_summary(published)
    direct = survey_waves.client_summary(client)
    assert list(from_results.index) == list(direct.index)
    pd.testing.assert_frame_equal(
        from_results[["value", "low", "high", "n"]], direct[["value", "low", "high", "n"]]
    )
    assert np.allclose(from_results["sd"], direct["sd"], rtol=0.01)  # the population and sample SD


def test_a_wave_given_by_its_report_reads_the_published_figures(planted, tmp_path):
    client, _ = planted
    report = tmp_path / "reports" / "ola-2"
    report.mkdir(parents=True)
    from cxlib.render import results

    published = {
        "metrics": {"ces": {"value": 3.5, "low": 3.4, "high": 3.6, "n": 500, "sd": 1.2}},
        "pillars": {},
    }
    results.publish(report, "01_diagnosis", published)
    results.publish(report, "05_action_plan", {"initiatives": {"IN1": {"name": "Faster loans"}}})
    folder = Path(client.directory)
    edit_config(folder, lambda config: config["waves"].__setitem__(1, {"label": "Ola 2", "report": "ola-2"}))
    try:
        waves = survey_waves.load_waves(load_client(folder), report / "build", "Actual")
    finally:
        edit_config(
            folder,
            lambda config: config["waves"].__setitem__(1, {"label": "Ola 2", "folder": "waves/wave_2"}),
        )
    assert (
        list(waves[1].summary.index) == ["metric.ces"] and waves[1].summary.loc["metric.ces", "value"] == 3.5
    )
    assert waves[1].plan["initiatives"]["IN1"]["name"] == "Faster loans"
    # the plan of wave 2 is back-tested against wave 3 where initiatives were done in between
    waves[2] = survey_waves.WaveData("Ola 3", waves[2].summary, done=frozenset({"IN1"}))
    waves[1] = survey_waves.WaveData("Ola 2", waves[1].summary, {"pillars": {}}, waves[1].plan, frozenset())
    pairs = survey_waves.backtest_pairs(waves, survey_waves.analyse(waves))
    assert [(pair.before, pair.after, pair.done) for pair in pairs] == [("Ola 2", "Ola 3", ["IN1"])]
    assert pairs[0].changes["measure"].tolist() == ["metric.ces"]
    assert survey_waves.backtest_facts(pairs[0])["names"] == "Faster loans"


def test_a_missing_wave_is_named_with_its_fix(planted, tmp_path):
    client, _ = planted
    client = copy.copy(client)
    client.config = client.config.model_copy(
        update={"waves": [client.config.waves[0].model_copy(update={"folder": "waves/nowhere"})]}
    )
    with pytest.raises(
        survey_waves.WaveError, match=r"client.yaml: waves: 1 \(Ola 1\): folder: waves/nowhere/client.yaml"
    ):
        survey_waves.load_waves(client, tmp_path, "Actual")
    client.config = client.config.model_copy(
        update={"waves": [client.config.waves[0].model_copy(update={"folder": None, "report": "gone"})]}
    )
    with pytest.raises(survey_waves.WaveError, match="report 'gone' holds no diagnosis results"):
        survey_waves.load_waves(client, tmp_path, "Actual")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda wave: wave.update(folder="waves/nowhere"), "folder: waves/nowhere/client.yaml: not found"),
        (lambda wave: wave.update(folder="../.."), "is outside the client folder"),
        (lambda wave: wave.update(report="../../elsewhere"), "without '..'"),
    ],
)
def test_validation_names_a_wave_that_cannot_be_read(tmp_path, edit, message):
    folder, _ = wave_programme(tmp_path / "programme", waves=2, n=60)
    edit_config(folder, lambda config: edit(config["waves"][0]))
    _, problems = check_client(folder)
    assert [(p.column, message in p.message) for p in problems] == [("waves: 1 (Ola 1)", True)]


def test_a_wave_needs_a_folder_or_a_report(tmp_path):
    folder, _ = wave_programme(tmp_path / "programme", waves=2, n=60)
    edit_config(folder, lambda config: config["waves"][0].pop("folder"))
    with pytest.raises(ValidationError, match="give its folder"):
        load_client(folder)


@pytest.mark.parametrize("language", ["es", "en"])
def test_tables_and_charts_speak_the_client_language(planted, tmp_path, language):
    client, _ = planted
    t = translator(language)
    analysis = _analysis(client, tmp_path)
    shown = survey_waves.trend_display(analysis.table, analysis.trends, t)
    assert shown.iloc[0, 0] == "NPS" and len(shown) == 10
    assert shown.columns[1:5].tolist() == analysis.labels
    assert "(n = 800)" in shown.iloc[0, 1]
    changes = survey_waves.change_display(analysis.changes, analysis.labels, t)
    assert len(changes) == 30 and changes.iloc[1, 1] == "Ola 2 → Ola 3"
    figure = survey_waves.metrics_chart(analysis.table, analysis.changes, t)
    assert figure.layout.title.text == t("waves.metrics_title")
    assert figure.layout.meta["cx_takeaway"]["key"] == "waves.changed"
    assert t("metric.nps") in figure.layout.meta["cx_takeaway"]["values"]["list"]
    pillars = survey_waves.pillars_chart(analysis.table, analysis.changes, t)
    assert pillars.layout.yaxis.title.text == t("waves.axis.pillar") and len(pillars.data) == 6
    published = survey_waves.waves_results(analysis)
    assert published["tests"] == 30 and len(published["significant"]) == 10


def test_no_waves_no_section(tmp_path):
    folder, _ = wave_programme(tmp_path / "programme", waves=1, n=60)
    assert survey_waves.load_waves(load_client(folder), tmp_path, "Actual") == []

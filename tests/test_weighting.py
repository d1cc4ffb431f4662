"""Survey weights: raking to known margins, Kish's effective n, weighted estimates against a
hand computation, and validation of weights and population tables."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from cxlib.core.i18n import translator
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import check_client, load_client
from cxlib.stats.estimators import wilson_interval
from cxlib.stats.metrics import metric_by, nps_components
from cxlib.stats.weighting import RakingError, design_effect, rake
from cxlib.steps import diagnosis


def test_raking_meets_known_margins():
    frame = pd.DataFrame(
        {
            "sex": ["m"] * 60 + ["f"] * 40,
            "age": (["young"] * 45 + ["old"] * 15) + (["young"] * 10 + ["old"] * 30),
        }
    )
    margins = {
        "sex": pd.Series({"m": 0.5, "f": 0.5}),
        "age": pd.Series({"young": 40, "old": 60}),
    }  # counts normalise
    weights = rake(frame, margins)
    assert weights.mean() == pytest.approx(1.0)
    for field, target in margins.items():
        achieved = weights.groupby(frame[field]).sum() / weights.sum()
        assert achieved.reindex(target.index).to_numpy() == pytest.approx(
            (target / target.sum()).to_numpy(), abs=1e-6
        )
    with pytest.raises(RakingError):  # a population category with no respondents cannot be met
        rake(frame, {"sex": pd.Series({"m": 0.5, "f": 0.3, "x": 0.2})})


def test_kish_effective_sample_size_is_the_n_of_a_weighted_group():
    effect = design_effect(pd.Series([1.0, 1.0, 2.0, 2.0]))
    assert (
        effect.n == 4 and effect.n_effective == pytest.approx(3.6) and effect.deff == pytest.approx(4 / 3.6)
    )
    # a group's n is its effective sample size (3.6, shown whole), its plain count without weights
    scores = pd.DataFrame({"group": "a", "ces": [1.0, 2.0, 3.0, 4.0]})
    assert metric_by(scores, "ces", "group")["n"].tolist() == [4]
    assert metric_by(scores.assign(weight=[1.0, 1.0, 2.0, 2.0]), "ces", "group")["n"].tolist() == [3]


def test_weighted_estimates_match_a_hand_computation():
    rng = np.random.default_rng(4)
    n = 400
    frame = pd.DataFrame(
        {
            "group": rng.choice(["a", "b"], n),
            "nps": rng.integers(0, 11, n).astype(float),
            "satisfied": rng.random(n) < 0.6,
            "weight": rng.uniform(0.3, 3.0, n),
        }
    )
    for group, rows in frame.groupby("group"):
        w = rows["weight"]
        n_eff = w.sum() ** 2 / (w**2).sum()
        share = (w * rows["satisfied"]).sum() / w.sum()
        low, high = wilson_interval(np.array([share * n_eff]), np.array([n_eff]), 0.95)
        got = metric_by(frame, "satisfied", "group").loc[group]
        assert got["value"] == pytest.approx(100 * share) and got["n"] == int(np.floor(n_eff))
        assert (got["low"], got["high"]) == pytest.approx((100 * low[0], 100 * high[0]))
        pro, det = (w * (rows["nps"] >= 9)).sum() / w.sum(), (w * (rows["nps"] <= 6)).sum() / w.sum()
        expected = nps_components(det * n_eff, (1 - pro - det) * n_eff, pro * n_eff)
        got = metric_by(frame, "nps", "group").loc[group]
        assert got["value"] == pytest.approx(100 * (pro - det)) and got["low"] == pytest.approx(
            expected[1][()]
        )
    unweighted = metric_by(frame.drop(columns="weight"), "nps", "group")
    assert (unweighted["n"] == frame["group"].value_counts().sort_index()).all()


def weighted_demo(tmp_path, population: str):
    folder = tmp_path / "demo"
    shutil.copytree(DEMO_CLIENTS_DIR / "demo", folder)
    (folder / "population.csv").write_text(population, encoding="utf-8")
    config = yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))
    config["weighting"] = {"by": ["Segmento"], "population": "population.csv"}
    (folder / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return folder


def test_raked_client_describes_the_population_and_says_so(tmp_path):
    folder = weighted_demo(
        tmp_path, "field,category,share\nSegmento,masivo,0.80\nSegmento,Preferente,0.15\nSegmento,PyME,0.05\n"
    )
    client = load_client(folder)
    survey = client.tables["survey"]
    shares = survey.groupby("segment")["weight"].sum() / survey["weight"].sum()
    assert shares.to_dict() == pytest.approx({"Masivo": 0.80, "Preferente": 0.15, "PyME": 0.05})
    by_segment = metric_by(survey, "nps", "segment")["value"]
    overall = diagnosis.overall_metrics(survey, client.survey_scales)["nps"]
    assert overall.value == pytest.approx(
        (by_segment * pd.Series({"Masivo": 0.80, "Preferente": 0.15, "PyME": 0.05})).sum()
    )
    assert overall.n < len(survey)  # effective sample size
    t = translator("es", "es_MX")
    facts = diagnosis.weighting_facts(client, t)
    assert float(facts["deff"].replace(",", ".")) > 1
    table = diagnosis.representativeness_table(client, t)
    assert list(table["Categoría"]) == ["Masivo", "Preferente", "PyME"] and "p < 0.001" in table.iloc[0, -1]


def test_population_and_weight_problems_are_reported(tmp_path):
    folder = weighted_demo(tmp_path, "field,category,share\nSegmento,Masivo,0.8\nSegmento,Corporativo,0.2\n")
    _, problems = check_client(folder)
    message = next(str(problem) for problem in problems if str(problem).startswith("population.csv"))
    assert "survey has Masivo, Preferente, PyME; population has Corporativo, Masivo" in message
    survey_path = folder / "survey.csv"
    survey = pd.read_csv(survey_path, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    survey["Peso"] = "1"
    survey.loc[3, "Peso"] = "-2"
    survey.loc[5, "Peso"] = ""
    survey.to_csv(survey_path, sep=";", encoding="cp1252", index=False)
    config = yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))
    del config["weighting"]
    config["survey"]["fields"]["weight"] = "Peso"
    (folder / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    messages = [str(problem) for problem in check_client(folder)[1]]
    assert any(m.startswith("survey.csv:5: Peso: -2 is outside") for m in messages)
    assert any(m.startswith("survey.csv:7: Peso: empty weight") for m in messages)
    config["weighting"] = {"by": ["segment"], "population": "population.csv"}
    (folder / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    messages = [str(problem) for problem in check_client(folder)[1]]
    assert any("give survey.fields.weight or weighting, not both" in m for m in messages)


@pytest.mark.slow
def test_weighted_report_states_the_design_effect_and_shows_representativeness(tmp_path):
    from cxlib.run.runner import run

    folder = weighted_demo(
        tmp_path, "field,category,share\nSegmento,Masivo,0.8\nSegmento,Preferente,0.15\nSegmento,PyME,0.05\n"
    )
    out = tmp_path / "reports"
    assert run([str(folder)], out, step_names=["01"]) == 0
    page = (out / "demo" / "01_diagnosis.html").read_text(encoding="utf-8")
    assert "Efecto de diseño de Kish 1.18" in page and "tamaño efectivo de 4,922 en lugar de 5,828" in page
    assert "% población" in page and "<td>80.0\u00a0%</td>" in page


def test_weighted_pillar_scores_and_segment_tests_reduce_to_the_unweighted_ones():
    from cxlib.stats.metrics import nps_segment_tests

    rng = np.random.default_rng(9)
    pillars = pd.DataFrame({"empathy": rng.uniform(0, 100, 200), "resolution": rng.uniform(0, 100, 200)})
    pillars.iloc[:20, 1] = np.nan
    plain = diagnosis.customer_pillar_scores(pillars)
    ones = diagnosis.customer_pillar_scores(pillars, weights=pd.Series(1.0, index=pillars.index))
    pd.testing.assert_frame_equal(plain, ones)
    assert plain.loc["resolution", "n"] == 180 and plain.loc["empathy", "sd"] == pytest.approx(
        pillars["empathy"].std()
    )
    weights = pd.Series(rng.uniform(0.5, 2.0, 200))
    weighted = diagnosis.customer_pillar_scores(pillars, weights=weights)
    valid = pillars["resolution"].notna()
    expected = (pillars["resolution"][valid] * weights[valid]).sum() / weights[valid].sum()
    assert weighted.loc["resolution", "value"] == pytest.approx(expected)
    assert weighted.loc["resolution", "n"] == int(design_effect(weights[valid]).n_effective)
    frame = pd.DataFrame(
        {"nps": rng.integers(0, 11, 300).astype(float), "segment": rng.choice(list("abc"), 300)}
    )
    plain_tests = nps_segment_tests(frame, "segment")
    pd.testing.assert_frame_equal(plain_tests, nps_segment_tests(frame.assign(weight=1.0), "segment"))


def test_weighted_driver_weights_equal_those_of_replicated_rows():
    from cxlib.stats.drivers import relative_weights

    rng = np.random.default_rng(11)
    frame = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    frame["y"] = frame["a"] + 0.5 * frame["b"] + rng.normal(size=300)
    frame["w"] = rng.integers(1, 4, 300).astype(float)
    weighted = relative_weights(frame, "y", ["a", "b", "c"], bootstrap=0, weight="w")
    replicated = relative_weights(
        frame.loc[frame.index.repeat(frame["w"].astype(int))], "y", ["a", "b", "c"], bootstrap=0
    )
    assert weighted["weight"].to_numpy() == pytest.approx(
        replicated["weight"].reindex(weighted.index).to_numpy()
    )
    ones = relative_weights(frame.assign(w=1.0), "y", ["a", "b", "c"], bootstrap=50, weight="w")
    plain = relative_weights(frame, "y", ["a", "b", "c"], bootstrap=50)
    pd.testing.assert_frame_equal(ones, plain)
    assert weighted.attrs["n"] == 300 and weighted.attrs["r2"] == pytest.approx(replicated.attrs["r2"])


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ("inf", "population.csv:3: share: 'inf' is not a number"),
        ("-0.2", "population.csv:3: share: -0.2 is outside"),
        ("0", "population.csv:3: share: share 0"),
        ("", "population.csv:3: share: "),
        ("abc", "population.csv:3: share: 'abc' is not a number"),
    ],
)
def test_non_finite_negative_and_zero_shares_are_located_errors(tmp_path, shares, expected):
    folder = weighted_demo(
        tmp_path,
        f"field,category,share\nSegmento,Masivo,0.8\nSegmento,Preferente,{shares}\nSegmento,PyME,0.05\n",
    )
    client, problems = check_client(folder)
    assert any(str(problem).startswith(expected) for problem in problems), problems
    assert "weight" not in client.tables["survey"]  # no estimate is ever computed from NaN weights


def test_a_repeated_or_unreadable_population_file_is_a_located_error(tmp_path):
    folder = weighted_demo(
        tmp_path, "field,category,share\nSegmento,Masivo,0.8\nSegmento,MASIVO,0.1\nSegmento,PyME,0.05\n"
    )
    assert any(
        str(p).startswith("population.csv:3: category: 'MASIVO' appears twice")
        for p in check_client(folder)[1]
    )
    for content, message in [
        (b"", "population.csv: is empty"),
        (
            b"field;category;share\nSegmento;Masivo;0,8\nSegmento;Preferente;0,1;9\n",
            "population.csv:3: cannot be read",
        ),
        ("field,category,share\nSegmento,Masivo,0.8\n".encode("utf-16-le"), "population.csv: cannot be read"),
        (b"\x00\x01\x02PK\x03\x04binary", "population.csv: cannot be read"),
    ]:
        (folder / "population.csv").write_bytes(content)
        assert any(str(p).startswith(message) for p in check_client(folder)[1]), content


def test_rake_refuses_shares_that_are_not_positive_finite_numbers():
    frame = pd.DataFrame({"group": ["a", "b"]})
    for bad in (np.inf, np.nan, -1.0, 0.0):
        with pytest.raises(RakingError):
            rake(frame, {"group": pd.Series({"a": 0.5, "b": bad})})

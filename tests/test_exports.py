"""Real export shapes in, through client.yaml only: SPSS, Qualtrics, Parquet, recodes, n.a. codes,
several segment fields, and every optional input absent. Each client runs every applicable step."""

from __future__ import annotations

import re

import pandas
import pytest
import synthetic
import yaml

from cxlib.core.i18n import translator
from cxlib.inputs.client import check_client, load_client
from cxlib.run.runner import run
from cxlib.steps import overview

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def export_reports(tmp_path_factory):
    """One run of four generated clients; returns (clients folder, reports folder, exit code)."""
    clients = tmp_path_factory.mktemp("exports")
    synthetic.spss_airline(clients / "airline")
    synthetic.qualtrics_csat(clients / "qualtrics")
    synthetic.parquet_nps(clients / "branches")
    synthetic.minimal_csv(clients / "minimal")
    out = clients / "reports"
    code = run([str(clients / slug) for slug in ("airline", "qualtrics", "branches", "minimal")], out, jobs=2)
    return clients, out, code


def _text(path) -> str:
    """Visible text of a report page (tags stripped), to check what a reader sees."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def test_every_combination_runs_every_applicable_step(export_reports):
    _, out, code = export_reports
    assert code == 0
    for slug in ("airline", "qualtrics", "branches", "minimal"):
        index = (out / slug / "index.html").read_text(encoding="utf-8")
        assert 'data-status="failed"' not in index
        for step in ("00_overview", "01_diagnosis"):
            assert (out / slug / f"{step}.html").is_file()


def test_spss_labels_recodes_segments_and_outcome_label_reach_the_report(export_reports):
    _, out, _ = export_reports
    diagnosis = _text(out / "airline" / "01_diagnosis.html")
    assert "Satisfied passengers by class" in diagnosis
    assert "Satisfied passengers by Type of Travel" in diagnosis
    assert "% need resolved" not in diagnosis
    profile = _text(out / "airline" / "00_overview.html")
    assert "Responses by Type of Travel" in profile and "undated responses" in profile
    assert re.search(r"Online_boarding \d[\d,]* 0\.0% \d+\.\d%", profile)  # the n.a. share is reported


def test_qualtrics_question_text_names_the_segment(export_reports):
    _, out, _ = export_reports
    assert "Respuestas por How did you book?" in _text(out / "qualtrics" / "00_overview.html")


def test_not_applicable_codes_are_missing_not_zero(tmp_path):
    client = load_client(synthetic.parquet_nps(tmp_path / "branches"))
    item = client.tables["survey"]["item_online_boarding"]
    assert item.min() >= 1 and client.not_applicable["Online boarding"] == item.isna().sum() > 0


def test_reverse_item_is_reversed_on_its_scale(tmp_path):
    folder = synthetic.parquet_nps(tmp_path / "branches")
    client = load_client(folder)
    raw = pandas.read_parquet(folder / "survey.parquet")[synthetic.REVERSED_ITEM]
    typed = client.tables["survey"]["item_it_took_a_lot_of_effort"]
    assert (typed.to_numpy() == 8 - raw.to_numpy()).all()


def test_unmapped_label_is_one_error_naming_the_labels_seen(tmp_path):
    folder = synthetic.spss_airline(tmp_path / "airline")
    config = yaml.safe_load((folder / "client.yaml").read_text())
    config["survey"]["fields"]["satisfied"]["values"] = {"satisfied": "yes"}
    (folder / "client.yaml").write_text(yaml.safe_dump(config))
    _, problems = check_client(folder)
    messages = [str(problem) for problem in problems]
    assert len(messages) == 1
    assert "survey.sav: satisfaction: label(s) 'neutral or dissatisfied' (" in messages[0]
    assert "add each label under values:" in messages[0]


def test_outcome_unrelated_to_items_is_said_plainly(tmp_path):
    linked = load_client(synthetic.spss_airline(tmp_path / "linked", linked=True))
    shuffled = load_client(synthetic.spss_airline(tmp_path / "shuffled", linked=False))
    assert overview.outcome_relation(linked)["p"] < 0.001
    assert overview.outcome_relation(shuffled)["p"] > 0.05
    t = translator("en").with_labels(shuffled.report_labels("en"))
    checks = overview.data_checks(shuffled, t).to_string()
    assert "No driver ranking on these data is a finding" in checks


def test_validate_reports_every_client_yaml_problem_in_one_pass(scaffolded):
    config = scaffolded / "client.yaml"
    text = config.read_text().replace("resolution: 80", "resolution: 180\n  speed: 3\n  empaty: 20")
    config.write_text(text.replace("language: en", "language: fr"))
    messages = [str(problem) for problem in check_client(scaffolded)[1]]
    assert messages[0].startswith("client.yaml: language: Input should be 'es' or 'en'")
    assert any(
        m.startswith("client.yaml: pillar_targets.resolution: Input should be less than") for m in messages
    )
    assert (
        "client.yaml: pillar_targets.speed: unknown pillar 'speed'; use one of" in messages[2] + messages[3]
    )
    assert any("unknown pillar 'empaty' (did you mean 'empathy'?)" in m for m in messages)


def test_near_miss_segment_is_reported_once_with_its_rows_and_the_closest_value(tmp_path):
    folder = synthetic.qualtrics_csat(tmp_path / "qualtrics")
    config = yaml.safe_load((folder / "client.yaml").read_text())
    config["segments"] = ["online", "Agency"]
    (folder / "client.yaml").write_text(yaml.safe_dump(config))
    messages = [str(problem) for problem in check_client(folder)[1]]
    assert len(messages) == 1
    assert re.match(
        r"survey.csv:\d+: Q2: segment 'Online' is not in client.yaml segments \(did you mean 'online'\?\) "
        r"\(\d+ rows: \d+, \d+, \d+, \d+, \d+, …\); use one of online, Agency",
        messages[0],
    )


def test_repeated_submissions_are_found_on_every_export_column(tmp_path):
    folder = synthetic.parquet_nps(tmp_path / "branches")
    frame = pandas.read_parquet(folder / "survey.parquet")
    repeated = frame.iloc[:3].assign(resp=["again-1", "again-2", "again-3"])
    pandas.concat([frame, repeated]).to_parquet(folder / "survey.parquet")
    client = load_client(folder)
    checks = overview.data_checks(client, translator("en"))
    assert checks.iloc[0].tolist() == [
        "Duplicate responses",
        "Some responses are identical on every question: possibly submitted twice. Check them with the "
        "fieldwork provider; they count twice in every figure.",
        "3 / 303",
    ]
